// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a libvirt domain for lint. The file is someone else's and may be
 * hostile: it is parsed from memory with libxml2, with no network, no entity
 * substitution, no DTD loading and an external entity loader that refuses
 * everything; a DOCTYPE, entity declarations or XInclude are refused before
 * parsing, and the nesting depth is bounded. Nothing but the buffer is read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dlib.h"
#include "vm-internal.h"

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

static xmlParserInputPtr deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* the line of a byte offset, for errors found before parsing */
static unsigned int line_at(const char *buf, size_t off)
{
	unsigned int line = 1;

	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

static int refuse(const char *buf, size_t len, struct vfd_parse_error *err)
{
	static const struct {
		const char *needle, *why;
	} bad[] = {
		{ "<!DOCTYPE", "a DOCTYPE: libvirt domains have none, and it is not read" },
		{ "<!ENTITY", "an entity declaration: not expanded, not read" },
		{ "http://www.w3.org/2001/XInclude", "XInclude: other files are not read" },
		{ "http://www.w3.org/2003/XInclude", "XInclude: other files are not read" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *p = memmem(buf, len, bad[i].needle, strlen(bad[i].needle));

		if (p) {
			vfd_parse_error_set(err, line_at(buf, (size_t)(p - buf)), "%s", bad[i].why);
			return -EINVAL;
		}
	}
	if (memchr(buf, '\0', len)) {
		vfd_parse_error_set(err, line_at(buf, (size_t)((const char *)memchr(buf, '\0', len) - buf)),
		       "a NUL byte: not a text file");
		return -EINVAL;
	}
	return 0;
}

/* a rough reader of markup: inside a start or end tag, inside a quoted value */
struct markup {
	bool in_tag;
	char quote;
};

/* feed @c; true when it is markup of a tag outside its quoted values */
static bool markup_in_tag(struct markup *m, char c)
{
	if (m->quote) {
		if (c == m->quote)
			m->quote = 0;
		return false;
	}
	if (!m->in_tag)
		return false;
	if (c == '"' || c == '\'')
		m->quote = c;
	else if (c == '>')
		m->in_tag = false;
	return m->in_tag && !m->quote;
}

/* the name of the attribute whose '=' is at @eq: its start, *n its length */
static const char *attr_name(const char *buf, size_t eq, int *n)
{
	size_t k = eq;

	while (k > 0 && strchr(" \t\r\n", buf[k - 1]))
		k--;
	*n = 0;
	while (k > 0 && !strchr(" \t\r\n<\"'", buf[k - 1]) && *n < 64) {
		k--;
		++*n;
	}
	return buf + k;
}

/*
 * A curly quote where an attribute value's quote belongs (<hostdev
 * mode=“subsystem”>, pasted from a web page): libxml2 only says 'AttValue:
 * " or \' expected'; name the character instead. Inside tags (not comments,
 * not text), after '=' and blanks. Returns its offset, or -1; *name and
 * *name_len the attribute's name.
 */
static long typo_attr_quote(const char *buf, size_t len, unsigned int *cp, const char **name,
			    int *name_len)
{
	struct markup m = { 0 };

	for (size_t i = 0; i < len; i++) {
		bool outside = !m.in_tag && !m.quote;
		char c = buf[i];

		if (markup_in_tag(&m, c) && c == '=') {
			char at[4] = { 0 };
			size_t j = i + 1, n = 0;

			while (j < len && strchr(" \t\r\n", buf[j]))
				j++;
			/* a NUL-terminated copy: the buffer need not end in one */
			memcpy(at, buf + j, len - j < 3 ? len - j : 3);
			*cp = vm_typo_quote(at, &n);
			if (*cp) {
				*name = attr_name(buf, i, name_len);
				return (long)j;
			}
		} else if (outside && c == '<' && i + 3 < len && !memcmp(buf + i, "<!--", 4)) {
			const char *end = memmem(buf + i, len - i, "-->", 3);

			if (!end)
				break;
			i = (size_t)(end - buf) + 2;
		} else if (outside && c == '<') {
			m.in_tag = true;
		}
	}
	return -1;
}

/*
 * libxml2 checks an element's attributes for duplicates pair by pair
 * (parser.c, xmlParseStartTag2), so 200,000 attributes on one element cost
 * minutes; elements cost memory. A libvirt domain has a few hundred elements
 * of a dozen attributes at most: count both before the parser sees the
 * buffer. The count is rough (markup in comments counts too), which only
 * errs towards refusing.
 */
#define MAX_ELEMENTS		20000
#define MAX_ATTRIBUTES		64	/* on one element */

static int too_many(const char *buf, size_t len, struct vfd_parse_error *err)
{
	size_t elements = 0, attrs = 0, tag = 0;
	struct markup m = { 0 };

	for (size_t i = 0; i < len; i++) {
		bool outside = !m.in_tag && !m.quote;
		char c = buf[i];

		if (markup_in_tag(&m, c)) {
			if (c == '=' && ++attrs > MAX_ATTRIBUTES) {
				vfd_parse_error_set(err, line_at(buf, tag), "more than %d attributes on one "
					  "element: not a domain", MAX_ATTRIBUTES);
				return -E2BIG;
			}
		} else if (outside && c == '<' && i + 1 < len && buf[i + 1] != '/' &&
			   buf[i + 1] != '!' && buf[i + 1] != '?') {
			m.in_tag = true;
			attrs = 0;
			tag = i;
			if (++elements > MAX_ELEMENTS) {
				vfd_parse_error_set(err, line_at(buf, i), "more than %d elements: not a domain",
					  MAX_ELEMENTS);
				return -E2BIG;
			}
		}
	}
	return 0;
}

/* deepest element nesting below @n, stopping past @limit */
static int depth(xmlNodePtr n, int limit, xmlNodePtr *deep)
{
	int d = 0;

	/* iterative walk: the tree itself could be deep enough to exhaust a stack */
	for (xmlNodePtr cur = n; cur;) {
		if (cur->type == XML_ELEMENT_NODE && cur->children) {
			cur = cur->children;
			if (++d > limit) {
				*deep = cur;
				return d;
			}
			continue;
		}
		while (cur && !cur->next && cur != n) {
			cur = cur->parent;
			d--;
		}
		if (!cur || cur == n)
			break;
		cur = cur->next;
	}
	return 0;
}

static bool is(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !n->ns && !strcmp((const char *)n->name, name);
}

static bool is_qemu(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !strcmp((const char *)n->ns->href, QEMU_NS) && !strcmp((const char *)n->name, name);
}

static xmlNodePtr first(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* an attribute as a new string (caller frees), or NULL */
static char *get(xmlNodePtr n, const char *name)
{
	xmlChar *v = n ? xmlGetNoNsProp(n, BAD_CAST name) : NULL;
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static char *text(xmlNodePtr n)
{
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	if (s) {
		/* trim: pretty-printed files have blanks around values */
		char *p = s, *e;

		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		memmove(s, p, strlen(p) + 1);
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'))
			*--e = '\0';
	}
	return s;
}

static bool yes(const char *v)
{
	return v && (!strcmp(v, "yes") || !strcmp(v, "on"));
}

static bool num(const char *s, unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = (unsigned int)v;
	return true;
}

/* <memory unit='GiB'>8</memory>: libvirt's units, KiB by default */
static int scaled(xmlNodePtr n, uint64_t *out)
{
	char *v = text(n), *unit = get(n, "unit");
	uint64_t x = 0, mul = 1024;
	int r = -EINVAL;

	if (unit) {
		static const struct {
			const char *name;
			uint64_t mul;
		} units[] = {
			{ "b", 1 }, { "bytes", 1 }, { "KB", 1000 }, { "k", 1024 }, { "KiB", 1024 },
			{ "MB", 1000000 }, { "M", 1 << 20 }, { "MiB", 1 << 20 },
			{ "GB", 1000000000ull }, { "G", 1ull << 30 }, { "GiB", 1ull << 30 },
			{ "TB", 1000000000000ull }, { "T", 1ull << 40 }, { "TiB", 1ull << 40 },
		};

		mul = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++)
			if (!strcmp(unit, units[i].name))
				mul = units[i].mul;
	}
	if (v && mul && vfd_parse_u64(v, &x) == 0 && x <= UINT64_MAX / mul) {
		*out = x * mul;
		r = 0;
	}
	free(v);
	free(unit);
	return r;
}

static int add_hostdev(struct vfd_vm_conf *c, xmlNodePtr h, char ***aliases)
{
	xmlNodePtr src = first(h, "source"), a = first(src, "address"), n;
	struct vfd_vm_hostdev *d, *nv;
	unsigned int dom = 0, bus, slot, fn;
	char *v, *b, *s, *f, *m, **na;

	if (c->n_hostdevs >= VFD_VM_MAX_HOSTDEVS)
		return -E2BIG;
	nv = realloc(c->hostdevs, (c->n_hostdevs + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	c->hostdevs = nv;
	na = realloc(*aliases, (c->n_hostdevs + 1) * sizeof(*na));
	if (!na)
		return -ENOMEM;
	*aliases = na;
	na[c->n_hostdevs] = NULL;
	d = &c->hostdevs[c->n_hostdevs++];
	memset(d, 0, sizeof(*d));
	d->rombar = -1;
	d->line = (unsigned int)xmlGetLineNo(h);
	/* libvirt's default is managed='no' */
	v = get(h, "managed");
	d->managed = yes(v);
	free(v);
	d->interface = is(h, "interface");
	/* type='mdev': <source><address uuid='...'/> names a mediated device */
	v = is(h, "hostdev") ? get(h, "type") : NULL;
	if (v && !strcmp(v, "mdev")) {
		free(v);
		d->mdev = get(a, "uuid");
		if (!d->mdev)
			d->mdev = strdup("");
		if (!d->mdev)
			return -ENOMEM;
		a = NULL;
	} else {
		free(v);
	}
	if (a) {
		v = get(a, "domain");
		b = get(a, "bus");
		s = get(a, "slot");
		f = get(a, "function");
		d->host_text = xasprintf("%s:%s:%s.%s", v ? v : "0", b ? b : "?", s ? s : "?",
					 f ? f : "?");
		d->has_host = (!v || num(v, 0xffff, &dom)) && num(b, 0xff, &bus) &&
			      num(s, 0x1f, &slot) && num(f, 7, &fn);
		if (d->has_host)
			d->host = (struct vfd_bdf){ dom, bus, slot, fn };
		free(v);
		free(b);
		free(s);
		free(f);
		if (!d->host_text)
			return -ENOMEM;
	}
	n = first(h, "rom");
	if (n) {
		d->romfile = get(n, "file");
		v = get(n, "bar");
		if (v)
			d->rombar = yes(v);
		free(v);
	}
	n = first(h, "address");
	if (n) {
		b = get(n, "bus");
		s = get(n, "slot");
		f = get(n, "function");
		m = get(n, "multifunction");
		d->has_guest_addr = num(s, 0x1f, &d->guest_slot) && num(f, 7, &d->guest_fn);
		d->guest_bus = b;
		d->multifunction = yes(m);
		free(s);
		free(f);
		free(m);
	}
	n = first(h, "alias");
	na[c->n_hostdevs - 1] = n ? get(n, "name") : NULL;
	return 0;
}

/* x-vga set by <qemu:override> or by -set device.ALIAS.x-vga=on in <qemu:commandline> */
static void qemu_xvga(struct vfd_vm_conf *c, xmlNodePtr dom, char **aliases)
{
	for (xmlNodePtr q = dom->children; q; q = q->next) {
		if (is_qemu(q, "override")) {
			for (xmlNodePtr d = q->children; d; d = d->next) {
				char *alias = is_qemu(d, "device") ? get(d, "alias") : NULL;

				for (xmlNodePtr fe = d->children; alias && fe; fe = fe->next)
					for (xmlNodePtr p = is_qemu(fe, "frontend") ? fe->children
							    : NULL; p; p = p->next) {
						char *name = is_qemu(p, "property") ? get(p, "name")
							     : NULL;
						char *val = name ? get(p, "value") : NULL;
						bool on = name && !strcmp(name, "x-vga") && val &&
							  (yes(val) || !strcmp(val, "true"));

						for (size_t i = 0; on && i < c->n_hostdevs; i++)
							if (aliases[i] && !strcmp(aliases[i], alias))
								c->hostdevs[i].x_vga = true;
						free(name);
						free(val);
					}
				free(alias);
			}
		} else if (is_qemu(q, "commandline")) {
			bool set = false;

			for (xmlNodePtr a = q->children; a; a = a->next) {
				char *v = is_qemu(a, "arg") ? get(a, "value") : NULL;
				const char *dot;

				if (!v)
					continue;
				dot = set && !strncmp(v, "device.", 7) ? strchr(v + 7, '.') : NULL;
				/* libvirt names hostdevs "hostdevN" in document order */
				if (dot && !strcmp(dot + 1, "x-vga=on")) {
					unsigned int idx;
					char *id = strndup(v + 7, (size_t)(dot - v - 7));

					if (id && !strncmp(id, "hostdev", 7) &&
					    num(id + 7, VFD_VM_MAX_HOSTDEVS, &idx) && idx < c->n_hostdevs)
						c->hostdevs[idx].x_vga = true;
					for (size_t i = 0; id && i < c->n_hostdevs; i++)
						if (aliases[i] && !strcmp(aliases[i], id))
							c->hostdevs[i].x_vga = true;
					free(id);
				}
				set = !strcmp(v, "-set");
				free(v);
			}
		}
	}
}

static int read_domain(xmlNodePtr dom, struct vfd_vm_conf *c, struct vfd_parse_error *err)
{
	xmlNodePtr os = first(dom, "os"), n, mb, devs;
	char **aliases = NULL;
	char *v;
	int r = 0;

	c->name = text(first(dom, "name"));
	n = first(dom, "memory");
	if (n && scaled(n, &c->memory) < 0) {
		vfd_parse_error_set(err, (unsigned int)xmlGetLineNo(n), "<memory>: not a size");
		return -EINVAL;
	}
	mb = first(dom, "memoryBacking");
	n = first(mb, "hugepages");
	if (n) {
		xmlNodePtr page = first(n, "page");
		char *size = get(page, "size");

		c->hugepages = true;
		if (size) {
			/* <page size='1' unit='G'/>: the unit is KiB when not given */
			xmlChar *unit = xmlGetNoNsProp(page, BAD_CAST "unit");
			uint64_t mul = 1024, x = 0;

			if (unit && (!strcmp((char *)unit, "G") || !strcmp((char *)unit, "GiB")))
				mul = 1ull << 30;
			else if (unit && (!strcmp((char *)unit, "M") || !strcmp((char *)unit, "MiB")))
				mul = 1ull << 20;
			if (vfd_parse_u64(size, &x) == 0 && x < (1ull << 32))
				c->hugepage_size = x * mul;
			xmlFree(unit);
			free(size);
		}
	}
	c->locked = first(mb, "locked") != NULL;
	n = first(first(dom, "memtune"), "hard_limit");
	if (n)
		scaled(n, &c->hard_limit);
	n = first(os, "type");
	c->machine = get(n, "machine");
	c->machine_type = c->machine ? vfd_vm_machine_parse(c->machine) : VFD_MACHINE_UNKNOWN;
	/* libvirt's x86 default firmware is SeaBIOS; firmware='efi' or a pflash loader is OVMF */
	c->firmware = VFD_FIRMWARE_BIOS;
	v = get(os, "firmware");
	if (v && !strcmp(v, "efi"))
		c->firmware = VFD_FIRMWARE_EFI;
	free(v);
	n = first(os, "loader");
	if (n) {
		char *type = get(n, "type");

		c->firmware_path = text(n);
		if ((type && !strcmp(type, "pflash")) ||
		    (c->firmware_path && (strstr(c->firmware_path, "OVMF") ||
					  strstr(c->firmware_path, "edk2"))))
			c->firmware = VFD_FIRMWARE_EFI;
		free(type);
	}
	devs = first(dom, "devices");
	for (xmlNodePtr d = devs ? devs->children : NULL; d; d = d->next) {
		if (is(d, "hostdev") || is(d, "interface")) {
			char *mode = get(d, "mode"), *type = get(d, "type");
			/*
			 * <hostdev mode='subsystem' type='pci'> or type='mdev' (a mediated
			 * device, model vfio-pci, vfio-ccw or vfio-ap); <interface
			 * type='hostdev'>: an SR-IOV VF given as a NIC, a PCI hostdev
			 * with a MAC address (libvirt formatdomain, "PCI Passthrough")
			 */
			bool pci = is(d, "interface")
				   ? type && !strcmp(type, "hostdev")
				   : type && (!strcmp(type, "pci") || !strcmp(type, "mdev")) &&
				     (!mode || !strcmp(mode, "subsystem"));

			free(mode);
			free(type);
			if (!pci)
				continue;
			r = add_hostdev(c, d, &aliases);
			if (r == -E2BIG) {
				vfd_parse_error_set(err, (unsigned int)xmlGetLineNo(d), "more than %d hostdevs",
				       VFD_VM_MAX_HOSTDEVS);
				r = -EINVAL;
			}
			if (r < 0)
				goto out;
		} else if (is(d, "video")) {
			char *type = get(first(d, "model"), "type");

			if (!type || strcmp(type, "none") != 0)
				c->emulated_vga = true;
			free(type);
		}
	}
	qemu_xvga(c, dom, aliases);
out:
	for (size_t i = 0; aliases && i < c->n_hostdevs; i++)
		free(aliases[i]);
	free(aliases);
	return r;
}

int vfd_vm_parse_libvirt(const char *buf, size_t len, struct vfd_vm_conf *out,
			 struct vfd_parse_error *err)
{
	xmlExternalEntityLoader old;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNodePtr root, deep = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	out->source = VFD_VM_SOURCE_LIBVIRT;
	if (err)
		memset(err, 0, sizeof(*err));
	if (vfd_dl_libxml2() < 0) {
		vfd_parse_error_set(err, 0, "cannot load libxml2: %s", vfd_dl_error());
		return -ELIBACC;
	}
	if (len > VFD_VM_MAX_INPUT) {
		vfd_parse_error_set(err, 0, "larger than %u MiB: not a domain", VFD_VM_MAX_INPUT >> 20);
		return -EFBIG;
	}
	r = refuse(buf, len, err);
	if (r == 0)
		r = too_many(buf, len, err);
	if (r < 0)
		return r;
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	/* belt and braces: whatever slips through may not load anything */
	old = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(deny_loader);
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, "domain.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetExternalEntityLoader(old);
	if (!doc) {
		xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
		char msg[128] = "not well-formed";
		unsigned int cp = 0;
		const char *name = NULL;
		int name_len = 0;
		long at = typo_attr_quote(buf, len, &cp, &name, &name_len);

		if (at >= 0) {
			vfd_parse_error_set(err, line_at(buf, (size_t)at), "a typographic quote "
					    "(U+%04X %s) around the value of '%.*s': XML takes only "
					    "a plain \" or '", cp, vm_typo_name(cp), name_len, name);
			xmlFreeParserCtxt(ctxt);
			return -EINVAL;
		}

		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			msg[strcspn(msg, "\n")] = '\0';
		}
		vfd_parse_error_set(err, e && e->line > 0 ? (unsigned int)e->line : 0, "not well-formed XML: %s",
		       msg);
		xmlFreeParserCtxt(ctxt);
		return -EINVAL;
	}
	xmlFreeParserCtxt(ctxt);
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset || doc->extSubset) {
		vfd_parse_error_set(err, 1, "a DOCTYPE: libvirt domains have none, and it is not read");
		r = -EINVAL;
	} else if (!root || !is(root, "domain")) {
		vfd_parse_error_set(err, root ? (unsigned int)xmlGetLineNo(root) : 0,
		       "the root element is <%s>, not <domain>",
		       root ? (const char *)root->name : "?");
		r = -EINVAL;
	} else if (depth(root, VFD_VM_MAX_DEPTH, &deep)) {
		vfd_parse_error_set(err, deep ? (unsigned int)xmlGetLineNo(deep) : 0,
		       "elements nested more than %d deep", VFD_VM_MAX_DEPTH);
		r = -EINVAL;
	} else {
		r = read_domain(root, out, err);
	}
	xmlFreeDoc(doc);
	if (r < 0)
		vfd_vm_conf_clear(out);
	return r;
}
