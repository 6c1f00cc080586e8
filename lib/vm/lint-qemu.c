// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a QEMU command line as users keep it: a shell script or a file of
 * arguments, with quotes, backslash-newline continuations and comments. The
 * words are split as a POSIX shell would (without expansions: "$vars" stays
 * as written), the qemu-system-* command is picked out, and its options are
 * read with QEMU's own rules: "key=value" lists whose commas are doubled
 * inside values, or a JSON object for -device.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "vm-internal.h"

struct word {
	char *s;		/* as read (a typographic dash or quotes repaired) */
	char *orig;		/* as written when repaired, else NULL */
	unsigned int typo;	/* the first typographic character repaired, or 0 */
	bool typo_dash;
	unsigned int line;
	bool sep;		/* an unquoted command separator, not a word */
	bool nl;		/* the separator is a newline */
};

struct words {
	struct word *v;
	size_t n, cap;
};

static void words_clear(struct words *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].s);
		free(w->v[i].orig);
	}
	free(w->v);
	memset(w, 0, sizeof(*w));
}

static int words_push(struct words *w, struct tbuf *cur, unsigned int line, bool sep, bool nl)
{
	char *s;

	if (array_reserve((void **)&w->v, &w->cap, w->n, sizeof(*w->v), 64) < 0)
		return -ENOMEM;
	s = sep ? strdup(";") : tbuf_take(cur, NULL);
	if (!s)
		return -ENOMEM;
	w->v[w->n++] = (struct word){ .s = s, .line = line, .sep = sep, .nl = sep && nl };
	return 0;
}

/* shell words and command separators of @buf */
static int shell_split(const char *buf, size_t len, struct words *out, struct vfd_parse_error *err)
{
	struct tbuf cur = { 0 };
	unsigned int line = 1, wline = 1;
	bool inword = false;
	size_t i = 0;
	int r = 0;

#define ADDC(c) do { char c_[2] = { (char)(c), 0 }; tbuf_adds(&cur, c_); } while (0)
#define START() do { if (!inword) { inword = true; wline = line; } } while (0)
#define END() do { if (inword) { r = words_push(out, &cur, wline, false, false); inword = false; \
	if (r < 0) goto fail; } } while (0)
	while (i < len) {
		char c = buf[i];

		if (c == '\0') {
			vfd_parse_error_set(err, line, "a NUL byte: not a text file");
			r = -EINVAL;
			goto fail;
		}
		if (c == '\\' && i + 1 < len && buf[i + 1] == '\n') {
			/* a continuation: both characters vanish */
			i += 2;
			line++;
			continue;
		}
		if (c == '\\' && i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
			i += 3;
			line++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			END();
			i++;
			continue;
		}
		if (c == '\n' || c == ';' || c == '|' ||
		    (c == '&' && !(inword && cur.len && strchr("<>", cur.p[cur.len - 1])))) {
			END();
			if (c == '\n')
				line++;
			if (out->n && !out->v[out->n - 1].sep) {
				r = words_push(out, &cur, line, true, c == '\n');
				if (r < 0)
					goto fail;
			}
			i++;
			continue;
		}
		if (c == '#' && !inword) {
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		}
		START();
		if (c == '\\') {
			if (i + 1 < len)
				ADDC(buf[i + 1]);
			i += 2;
			continue;
		}
		if (c == '\'') {
			unsigned int at = line;

			for (i++; i < len && buf[i] != '\''; i++) {
				line += buf[i] == '\n';
				ADDC(buf[i]);
			}
			if (i >= len) {
				vfd_parse_error_set(err, at, "unterminated single quote");
				r = -EINVAL;
				goto fail;
			}
			i++;
			continue;
		}
		if (c == '"') {
			unsigned int at = line;

			for (i++; i < len && buf[i] != '"'; i++) {
				if (buf[i] == '\\' && i + 1 < len && strchr("$`\"\\\n", buf[i + 1])) {
					i++;
					if (buf[i] == '\n') {
						line++;
						continue;
					}
				}
				line += buf[i] == '\n';
				ADDC(buf[i]);
			}
			if (i >= len) {
				vfd_parse_error_set(err, at, "unterminated double quote");
				r = -EINVAL;
				goto fail;
			}
			i++;
			continue;
		}
		ADDC(c);
		i++;
	}
	END();
	if (cur.oom)
		r = -ENOMEM;
fail:
	free(cur.p);
	return r;
#undef ADDC
#undef START
#undef END
}

/* ------------------------------------------------- typography */

static void take_repair(struct word *w, char *fixed, unsigned int cp, bool dash)
{
	w->orig = w->s;
	w->s = fixed;
	w->typo = cp;
	w->typo_dash = dash;
}

/*
 * "–device", "—nodefaults", "−m": a run of dashes, one of them typographic at
 * least, then the name of an option of QEMU's table: read as that option.
 * QEMU itself takes the word for a disk image (vm-typography.c); a word
 * whose rest is no option is left so, as QEMU leaves it.
 */
static int repair_dash(struct word *w)
{
	const char *p = w->s;
	unsigned int first = 0;
	char *fixed;

	for (;;) {
		size_t n = 0;
		unsigned int cp;

		if (*p == '-') {
			p++;
			continue;
		}
		cp = vm_typo_dash(p, &n);
		if (!cp)
			break;
		if (!first)
			first = cp;
		p += n;
	}
	if (!first || !*p || vfd_vm_qemu_option_arg(p) < 0)
		return 0;
	fixed = xasprintf("-%s", p);
	if (!fixed)
		return -ENOMEM;
	take_repair(w, fixed, first, true);
	return 0;
}

/* only typographic quotes from @p to the end of the word or to a ',' */
static bool quotes_then_end(const char *p)
{
	size_t n = 0;

	while (vm_typo_quote(p, &n))
		p += n;
	return !*p || *p == ',';
}

/*
 * Curly quotes where shell quotes were meant: -device “vfio-pci,host=...”,
 * romfile=‘/x.rom’. A quote counts at either end of the word and next to
 * the '=' and ',' of QemuOpts (an apostrophe inside a name belongs to the
 * name) and is left out; inside a JSON object ('{“driver”: ...}') a double
 * one stands for '"' anywhere and becomes one.
 */
static int repair_quotes(struct word *w)
{
	struct tbuf out = { 0 };
	unsigned int first = 0;
	const char *p = w->s;
	bool json;
	char *fixed;

	/* the object's brace after any opening quotes */
	while (*p) {
		size_t n = 0;

		if (!vm_typo_quote(p, &n))
			break;
		p += n;
	}
	json = *p == '{';
	for (p = w->s; *p;) {
		size_t n = 0;
		unsigned int cp = vm_typo_quote(p, &n);
		char prev = out.len ? out.p[out.len - 1] : 0;

		if (cp && json && vm_typo_quote_is_double(cp)) {
			tbuf_adds(&out, "\"");
		} else if (cp && (!out.len || prev == '=' || prev == ',' || quotes_then_end(p))) {
			/* left out */
		} else {
			char c[2] = { *p, 0 };

			tbuf_adds(&out, c);
			p++;
			continue;
		}
		if (!first)
			first = cp;
		p += n;
	}
	fixed = tbuf_take(&out, NULL);
	if (!fixed)
		return -ENOMEM;
	if (!first) {
		free(fixed);
		return 0;
	}
	take_repair(w, fixed, first, false);
	return 0;
}

/* the repaired words of the command, words [start, end), into @c->typos */
static int collect_typos(struct vfd_vm_conf *c, struct words *w, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++) {
		struct vfd_vm_typo *nv;

		if (w->v[i].sep)
			continue;
		if (!w->v[i].typo) {
			int r = repair_quotes(&w->v[i]);

			if (r < 0)
				return r;
		}
		if (!w->v[i].typo)
			continue;
		nv = realloc(c->typos, (c->n_typos + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		c->typos = nv;
		c->typos[c->n_typos++] = (struct vfd_vm_typo){
			.word = w->v[i].orig,
			.line = w->v[i].line,
			.index = (unsigned int)(i - start + 1),
			.codepoint = w->v[i].typo,
			.dash = w->v[i].typo_dash,
		};
		w->v[i].orig = NULL;
	}
	return 0;
}

/* ------------------------------------------------------- QemuOpts */

struct kv {
	char *key, *value;	/* value NULL for a bare word */
};

struct kvs {
	struct kv *v;
	size_t n;
};

static void kvs_clear(struct kvs *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].key);
		free(k->v[i].value);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static int kvs_add(struct kvs *k, char *key, char *value)
{
	struct kv *nv;

	if (!key) {
		free(value);
		return -ENOMEM;
	}
	nv = realloc(k->v, (k->n + 1) * sizeof(*nv));
	if (!nv) {
		free(key);
		free(value);
		return -ENOMEM;
	}
	k->v = nv;
	k->v[k->n++] = (struct kv){ key, value };
	return 0;
}

/* "a,b=c,,d,e=f" -> a; b="c,d"; e="f" (QEMU's ",," is a literal comma) */
static int opts_split(const char *s, struct kvs *out)
{
	while (*s) {
		struct tbuf part = { 0 };
		char *text, *eq;
		int r;

		for (; *s; s++) {
			if (*s == ',') {
				if (s[1] != ',')
					break;
				s++;
			}
			char c[2] = { *s, 0 };

			tbuf_adds(&part, c);
		}
		if (*s == ',')
			s++;
		text = tbuf_take(&part, NULL);
		if (!text)
			return -ENOMEM;
		eq = strchr(text, '=');
		if (eq) {
			*eq = '\0';
			r = kvs_add(out, strdup(text), strdup(eq + 1));
		} else {
			r = kvs_add(out, strdup(text), NULL);
		}
		free(text);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------- JSON */

/* a scalar member as the key=value form would hold it; NULL for null, objects, arrays */
static char *json_text(const struct vfd_json *v)
{
	switch (v->type) {
	case VFD_JSON_STRING:
		return strdup(v->string);
	case VFD_JSON_BOOL:
		return strdup(v->boolean ? "on" : "off");
	case VFD_JSON_NUMBER:
		return xasprintf("%.17g", v->number);
	default:
		return NULL;
	}
}

/* {"driver": "vfio-pci", "host": "...", ...} -> the driver first, then the keys */
static int json_object(const char *s, struct kvs *out)
{
	struct vfd_json doc;
	const char *driver;
	int r = vfd_json_parse(s, strlen(s), &doc);

	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	if (doc.type != VFD_JSON_OBJECT) {
		vfd_json_clear(&doc);
		return -EINVAL;
	}
	/* the driver goes first, as a bare word, as in the key=value form */
	driver = vfd_json_get_str(&doc, "driver");
	r = kvs_add(out, strdup(driver ? driver : ""), NULL);
	for (size_t i = 0; r == 0 && i < doc.n; i++) {
		char *val;

		if (strcmp(doc.keys[i], "driver") == 0 && doc.items[i].type == VFD_JSON_STRING &&
		    doc.items[i].string == driver)
			continue;
		val = json_text(&doc.items[i]);
		if (val)
			r = kvs_add(out, strdup(doc.keys[i]), val);
	}
	vfd_json_clear(&doc);
	return r;
}

/* ------------------------------------------------------- options */

static const char *kv_get(const struct kvs *k, const char *key)
{
	const char *v = NULL;

	/* QEMU takes the last of repeated keys */
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].value && strcmp(k->v[i].key, key) == 0)
			v = k->v[i].value;
	return v;
}

static int qemu_bool(const char *v)
{
	if (!v)
		return -1;
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "y"))
		return 1;
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "n"))
		return 0;
	return -1;
}

/* a hugetlbfs mount by its usual names (/dev/hugepages, /dev/hugepages1G, .../hugetlbfs) */
static bool is_huge_path(const char *path)
{
	return strstr(path, "hugepages") || strstr(path, "hugetlb");
}

static bool looks_like_firmware_efi(const char *path)
{
	return strstr(path, "OVMF") || strstr(path, "ovmf") || strstr(path, "edk2") ||
	       strstr(path, "OVMF_CODE") || strstr(path, "AAVMF");
}

/* "0x1f.2", "1f.2", "3" -> slot, function (QEMU reads them in hex) */
static bool parse_addr(const char *s, unsigned int *slot, unsigned int *fn)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return false;
	v = strtoul(s, &end, 16);
	if (end == s || v > 31)
		return false;
	*slot = (unsigned int)v;
	*fn = 0;
	if (*end == '.') {
		s = end + 1;
		v = strtoul(s, &end, 16);
		if (end == s || v > 7)
			return false;
		*fn = (unsigned int)v;
	}
	return *end == '\0';
}

static int add_hostdev(struct vfd_vm_conf *c, const struct kvs *k, unsigned int line)
{
	struct vfd_vm_hostdev *h, *nv;
	const char *host = kv_get(k, "host"), *sysfs = kv_get(k, "sysfsdev"), *v;

	if (c->n_hostdevs >= VFD_VM_MAX_HOSTDEVS)
		return -E2BIG;
	nv = realloc(c->hostdevs, (c->n_hostdevs + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	c->hostdevs = nv;
	h = &c->hostdevs[c->n_hostdevs++];
	memset(h, 0, sizeof(*h));
	h->managed = -1;
	h->rombar = -1;
	h->line = line;
	/*
	 * sysfsdev=/sys/bus/pci/devices/0000:01:00.0 names the device by its path;
	 * sysfsdev=/sys/bus/mdev/devices/UUID a mediated device (what Proxmox
	 * gives for hostpciN with mdev=, qemu-server PVE/QemuServer/PCI.pm)
	 */
	if (!host && sysfs) {
		const char *base = strrchr(sysfs, '/');

		host = base ? base + 1 : sysfs;
		if (vm_is_uuid(host)) {
			h->mdev = strdup(host);
			return h->mdev ? 0 : -ENOMEM;
		}
	}
	if (host) {
		h->host_text = strdup(host);
		if (!h->host_text)
			return -ENOMEM;
		h->has_host = vfd_bdf_parse(host, &h->host) == 0;
	}
	v = kv_get(k, "romfile");
	if (v) {
		h->romfile = strdup(v);
		if (!h->romfile)
			return -ENOMEM;
	}
	v = kv_get(k, "rombar");
	if (v)
		h->rombar = strcmp(v, "0") == 0 ? 0 : 1;
	h->x_vga = qemu_bool(kv_get(k, "x-vga")) == 1;
	h->multifunction = qemu_bool(kv_get(k, "multifunction")) == 1;
	h->has_guest_addr = parse_addr(kv_get(k, "addr"), &h->guest_slot, &h->guest_fn);
	v = kv_get(k, "bus");
	if (v) {
		h->guest_bus = strdup(v);
		if (!h->guest_bus)
			return -ENOMEM;
	}
	return 0;
}

static bool is_display_device(const char *driver)
{
	static const char *const vga[] = {
		"VGA", "qxl-vga", "virtio-vga", "virtio-vga-gl", "cirrus-vga", "bochs-display",
		"ati-vga", "vmware-svga", "secondary-vga", "virtio-gpu-pci", "ramfb",
	};

	for (size_t i = 0; i < ARRAY_SIZE(vga); i++)
		if (strcmp(driver, vga[i]) == 0)
			return true;
	return false;
}

/* a -blockdev node: its file name, or the node below it */
struct node {
	char *name, *filename, *file;
};

struct qstate {
	bool nodefaults, vga_none;
	char **ids;		/* -device id= of each hostdev, to apply -set */
	size_t n_ids;
	char *pflash0;		/* -machine pflash0=NODE: the firmware's block node */
	struct node *nodes;
	size_t n_nodes;
};

static int add_node(struct qstate *st, const struct kvs *k)
{
	const char *name = kv_get(k, "node-name");
	const char *file = kv_get(k, "file") ? kv_get(k, "file") : kv_get(k, "file.filename");
	struct node *nv, *n;

	if (!name)
		return 0;
	nv = realloc(st->nodes, (st->n_nodes + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	st->nodes = nv;
	n = &st->nodes[st->n_nodes++];
	n->name = strdup(name);
	n->filename = kv_get(k, "filename") ? strdup(kv_get(k, "filename")) : NULL;
	n->file = file ? strdup(file) : NULL;
	return n->name ? 0 : -ENOMEM;
}

/* the file under a block node: node -> file node -> ... -> filename (bounded) */
static const char *node_filename(const struct qstate *st, const char *name)
{
	for (int hops = 0; name && hops < 8; hops++) {
		const struct node *n = NULL;

		for (size_t i = 0; i < st->n_nodes; i++)
			if (!strcmp(st->nodes[i].name, name))
				n = &st->nodes[i];
		if (!n)
			return NULL;
		if (n->filename)
			return n->filename;
		name = n->file;
	}
	return NULL;
}

static int set_str(char **dst, const char *v)
{
	char *s = v ? strdup(v) : NULL;

	if (v && !s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int apply_option(struct vfd_vm_conf *c, struct qstate *st, const char *opt,
			const char *arg, unsigned int line, struct vfd_parse_error *err)
{
	struct kvs k = { 0 };
	const char *v;
	int r = 0;

	if (!strcmp(opt, "device")) {
		const char *driver;

		r = arg[0] == '{' ? json_object(arg, &k) : opts_split(arg, &k);
		if (r == -EINVAL) {
			vfd_parse_error_set(err, line, "-device '%.60s': malformed JSON object", arg);
			goto out;
		}
		if (r < 0 || !k.n)
			goto out;
		driver = k.v[0].key;
		/* s390's vfio-ccw and vfio-ap take a mediated device too (sysfsdev=) */
		if (!strcmp(driver, "vfio-pci") || !strcmp(driver, "vfio-pci-nohotplug") ||
		    ((!strcmp(driver, "vfio-ccw") || !strcmp(driver, "vfio-ap")) &&
		     kv_get(&k, "sysfsdev"))) {
			r = add_hostdev(c, &k, line);
			if (r == -E2BIG) {
				vfd_parse_error_set(err, line, "more than %d vfio-pci devices", VFD_VM_MAX_HOSTDEVS);
				r = -EINVAL;
			}
			if (r == 0) {
				char **n = realloc(st->ids, (st->n_ids + 1) * sizeof(*n));

				if (!n) {
					r = -ENOMEM;
					goto out;
				}
				st->ids = n;
				v = kv_get(&k, "id");
				st->ids[st->n_ids++] = v ? strdup(v) : NULL;
			}
		} else if (is_display_device(driver)) {
			c->emulated_vga = true;
		}
	} else if (!strcmp(opt, "machine") || !strcmp(opt, "M")) {
		r = opts_split(arg, &k);
		if (r < 0)
			goto out;
		v = kv_get(&k, "type");
		if (!v && k.n && !k.v[0].value)
			v = k.v[0].key;
		if (v) {
			r = set_str(&c->machine, v);
			c->machine_type = vfd_vm_machine_parse(v);
		}
		/* pflash0=NODE: the firmware image as a -blockdev node (libvirt 7.x on) */
		if (r == 0 && kv_get(&k, "pflash0"))
			r = set_str(&st->pflash0, kv_get(&k, "pflash0"));
	} else if (!strcmp(opt, "blockdev")) {
		r = arg[0] == '{' ? json_object(arg, &k) : opts_split(arg, &k);
		if (r == -EINVAL) {
			vfd_parse_error_set(err, line, "-blockdev '%.60s': malformed JSON object", arg);
			goto out;
		}
		if (r == 0)
			r = add_node(st, &k);
	} else if (!strcmp(opt, "bios")) {
		c->firmware = looks_like_firmware_efi(arg) ? VFD_FIRMWARE_EFI : VFD_FIRMWARE_BIOS;
		r = set_str(&c->firmware_path, arg);
	} else if (!strcmp(opt, "pflash")) {
		c->firmware = VFD_FIRMWARE_EFI;
		if (!c->firmware_path)
			r = set_str(&c->firmware_path, arg);
	} else if (!strcmp(opt, "drive")) {
		r = opts_split(arg, &k);
		if (r < 0)
			goto out;
		v = kv_get(&k, "if");
		if (v && !strcmp(v, "pflash")) {
			c->firmware = VFD_FIRMWARE_EFI;
			if (!c->firmware_path && kv_get(&k, "file"))
				r = set_str(&c->firmware_path, kv_get(&k, "file"));
		}
	} else if (!strcmp(opt, "m")) {
		r = opts_split(arg, &k);
		if (r < 0)
			goto out;
		v = kv_get(&k, "size");
		if (!v && k.n && !k.v[0].value)
			v = k.v[0].key;
		/* a bare number is MiB */
		if (v && vfd_parse_size(v, &c->memory) < 0) {
			vfd_parse_error_set(err, line, "-m '%.60s': not a size", arg);
			r = -EINVAL;
		}
	} else if (!strcmp(opt, "mem-path")) {
		c->hugepages = is_huge_path(arg);
	} else if (!strcmp(opt, "object")) {
		r = opts_split(arg, &k);
		if (r < 0 || !k.n)
			goto out;
		if (!strcmp(k.v[0].key, "memory-backend-file") && kv_get(&k, "mem-path") &&
		    is_huge_path(kv_get(&k, "mem-path")))
			c->hugepages = true;
		if (!strcmp(k.v[0].key, "memory-backend-memfd") &&
		    qemu_bool(kv_get(&k, "hugetlb")) == 1) {
			c->hugepages = true;
			v = kv_get(&k, "hugetlbsize");
			if (v)
				vfd_parse_size(v, &c->hugepage_size);
		}
	} else if (!strcmp(opt, "overcommit")) {
		r = opts_split(arg, &k);
		if (r == 0 && qemu_bool(kv_get(&k, "mem-lock")) == 1)
			c->locked = true;
	} else if (!strcmp(opt, "realtime")) {
		r = opts_split(arg, &k);
		if (r == 0 && qemu_bool(kv_get(&k, "mlock")) == 1)
			c->locked = true;
	} else if (!strcmp(opt, "vga")) {
		st->vga_none = !strcmp(arg, "none");
		c->emulated_vga |= !st->vga_none;
	} else if (!strcmp(opt, "name")) {
		r = opts_split(arg, &k);
		if (r < 0)
			goto out;
		v = kv_get(&k, "guest");
		if (!v && k.n && !k.v[0].value)
			v = k.v[0].key;
		r = set_str(&c->name, v);
	} else if (!strcmp(opt, "set")) {
		/* -set device.ID.x-vga=on */
		const char *dot = strncmp(arg, "device.", 7) == 0 ? strchr(arg + 7, '.') : NULL;

		if (dot && !strncmp(dot + 1, "x-vga=", 6) && qemu_bool(dot + 7) == 1)
			for (size_t i = 0; i < c->n_hostdevs && i < st->n_ids; i++)
				if (st->ids[i] && strlen(st->ids[i]) == (size_t)(dot - arg - 7) &&
				    !strncmp(st->ids[i], arg + 7, (size_t)(dot - arg - 7)))
					c->hostdevs[i].x_vga = true;
	}
out:
	kvs_clear(&k);
	return r;
}

static bool is_qemu_binary(const char *w)
{
	const char *base = strrchr(w, '/');

	base = base ? base + 1 : w;
	return !strncmp(base, "qemu-system-", 12) || !strcmp(base, "qemu-kvm") ||
	       !strcmp(base, "kvm");
}

/*
 * What the commands of a script before QEMU's ask of RLIMIT_MEMLOCK with the
 * shell's "ulimit -l VALUE" (KiB, or "unlimited"; -H/-S aside): the most of
 * them, which is what a run gets where the hard limit allows it. 0: none.
 */
static uint64_t script_ulimit_memlock(const struct words *w, size_t qemu)
{
	uint64_t most = 0;

	for (size_t i = 0; i < qemu; i++) {
		if (w->v[i].sep || (i > 0 && !w->v[i - 1].sep) || strcmp(w->v[i].s, "ulimit"))
			continue;
		/* its words up to the end of the command: the flags, then a value */
		for (size_t j = i + 1; j + 1 < qemu && !w->v[j].sep && !w->v[j + 1].sep; j++) {
			const char *flag = w->v[j].s, *val = w->v[j + 1].s;
			unsigned long long kib;
			char *end;

			if (flag[0] != '-' || !strchr(flag, 'l') ||
			    strspn(flag + 1, "HSl") != strlen(flag + 1))
				continue;
			if (!strcmp(val, "unlimited"))
				return VFD_UNLIMITED;
			errno = 0;
			kib = strtoull(val, &end, 10);
			if (!errno && *end == '\0' && end != val && kib <= (UINT64_MAX >> 10) &&
			    (uint64_t)kib << 10 > most)
				most = (uint64_t)kib << 10;
		}
	}
	return most;
}

int vfd_vm_parse_qemu(const char *buf, size_t len, struct vfd_vm_conf *out,
		      struct vfd_parse_error *err)
{
	struct words w = { 0 };
	struct qstate st = { 0 };
	size_t start = 0, end = 0;
	bool found = false;
	int r, kind;

	memset(out, 0, sizeof(*out));
	out->source = VFD_VM_SOURCE_QEMU;
	if (err)
		memset(err, 0, sizeof(*err));
	if (len > VFD_VM_MAX_INPUT) {
		vfd_parse_error_set(err, 0, "larger than %u MiB: not a command line", VFD_VM_MAX_INPUT >> 20);
		return -EFBIG;
	}
	r = shell_split(buf, len, &w, err);
	for (size_t i = 0; r == 0 && i < w.n; i++)
		if (!w.v[i].sep)
			r = repair_dash(&w.v[i]);
	if (r < 0)
		goto out;
	/* the command that runs QEMU; else, a file of bare options */
	for (size_t i = 0; i < w.n && !found; i++) {
		if (!w.v[i].sep && is_qemu_binary(w.v[i].s)) {
			start = i + 1;
			found = true;
		}
	}
	if (found) {
		/*
		 * to the end of its command; a line that begins with an option goes on
		 * with it (files of one option a line, without backslashes)
		 */
		for (end = start; end < w.n; end++)
			if (w.v[end].sep && !(w.v[end].nl && end + 1 < w.n && !w.v[end + 1].sep &&
					      w.v[end + 1].s[0] == '-'))
				break;
	} else if (w.n && w.v[0].s[0] == '-') {
		start = 0;
		end = w.n;
	} else {
		vfd_parse_error_set(err, w.n ? w.v[0].line : 0, "no qemu-system-* command and no QEMU options");
		r = -EINVAL;
		goto out;
	}
	if (found)
		out->ulimit_memlock = script_ulimit_memlock(&w, start);
	r = collect_typos(out, &w, start, end);
	if (r < 0)
		goto out;
	/* QEMU's defaults before the options: pc machine, SeaBIOS, a std VGA */
	out->firmware = VFD_FIRMWARE_BIOS;
	for (size_t i = start; i < end; i++) {
		const char *o = w.v[i].s;

		if (w.v[i].sep)
			continue;
		/* a bare word is a disk image (QEMU's -hda shorthand) */
		if (o[0] != '-' || !o[1])
			continue;
		o += o[1] == '-' ? 2 : 1;
		kind = vfd_vm_qemu_option_arg(o);
		if (kind == 0) {
			st.nodefaults |= !strcmp(o, "nodefaults");
			continue;
		}
		if (kind < 0) {
			/* QEMU stops at it ("invalid option"); what follows is still read */
			if (!out->bad_option) {
				out->bad_option = strdup(o);
				out->bad_option_line = w.v[i].line;
				if (!out->bad_option) {
					r = -ENOMEM;
					goto out;
				}
			}
			continue;
		}
		if (i + 1 >= end || w.v[i + 1].sep) {
			vfd_parse_error_set(err, w.v[i].line, "-%s needs an argument", o);
			r = -EINVAL;
			goto out;
		}
		r = apply_option(out, &st, o, w.v[i + 1].s, w.v[i].line, err);
		if (r < 0) {
			if (r == -EINVAL && err && !err->message[0])
				vfd_parse_error_set(err, w.v[i].line, "-%s: cannot read '%.60s'", o, w.v[i + 1].s);
			goto out;
		}
		i++;
	}
	if (!st.nodefaults && !st.vga_none)
		out->emulated_vga = true;
	/* on x86 a flash device at pflash0 holds the firmware: OVMF (SeaBIOS is -bios) */
	if (st.pflash0) {
		const char *file = node_filename(&st, st.pflash0);

		out->firmware = VFD_FIRMWARE_EFI;
		r = set_str(&out->firmware_path, file ? file : st.pflash0);
	}
	if (!out->machine)
		out->machine_type = VFD_MACHINE_I440FX;
out:
	for (size_t i = 0; i < st.n_ids; i++)
		free(st.ids[i]);
	free(st.ids);
	for (size_t i = 0; i < st.n_nodes; i++) {
		free(st.nodes[i].name);
		free(st.nodes[i].filename);
		free(st.nodes[i].file);
	}
	free(st.nodes);
	free(st.pflash0);
	words_clear(&w);
	if (r < 0)
		vfd_vm_conf_clear(out);
	return r;
}
