// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a Proxmox VE VM configuration (/etc/pve/qemu-server/ID.conf) for
 * lint. The rules are qemu-server's (github.com/proxmox/qemu-server):
 * - PVE/QemuServer.pm parse_vm_config: "key: value" lines; '#' lines are the
 *   description; a "[name]", "[PENDING]" or "[special:...]" line starts a
 *   snapshot or another section, which is not the configuration in use.
 * - PVE/QemuServer/PCI.pm ($hostpci_fmt, parse_hostpci, print_hostpci_devices):
 *   hostpciN is a property string whose default key is host, a ';' list of
 *   [domain:]bus:slot[.function] (no function: every function of the slot);
 *   all of one hostpciN become one multi-function device in the guest, its
 *   functions numbered in order. romfile names a file under /usr/share/kvm;
 *   rombar=0 hides the ROM; x-vga=1 adds x-vga=on except with bios: ovmf and
 *   sets vga none when vga is not given; mdev=TYPE makes an instance of that
 *   type of the (single) device at start; mapping=NAME takes the devices of a
 *   cluster mapping instead; driver=keep leaves the device on its driver,
 *   otherwise qemu-server binds it to vfio-pci at start.
 * - PVE/QemuServer/Memory.pm: memory is "[current=]MiB", 512 when not set;
 *   hugepages is 2, 1024 (MiB) or any.
 * - machine is "[type=]TYPE,..." (PVE/QemuServer/Machine.pm), pc when not set;
 *   bios is seabios (the default) or ovmf; args holds extra QEMU options.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vm-internal.h"

/* "key: value": the key as parse_vm_config's pattern [a-z][a-z_-]*\d* allows */
static size_t key_len(const char *line, size_t n)
{
	size_t i = 0;

	if (!n || line[0] < 'a' || line[0] > 'z')
		return 0;
	while (i < n && ((line[i] >= 'a' && line[i] <= 'z') || line[i] == '_' || line[i] == '-'))
		i++;
	while (i < n && line[i] >= '0' && line[i] <= '9')
		i++;
	return i < n && line[i] == ':' ? i : 0;
}

bool vfd_vm_is_pve(const char *buf, size_t len)
{
	size_t i = 0;

	/* the first line that is not blank or a description comment decides */
	while (i < len) {
		const char *eol = memchr(buf + i, '\n', len - i);
		size_t n = eol ? (size_t)(eol - (buf + i)) : len - i;
		size_t k, blanks = 0;

		/* the buffer is not a C string: every scan stays within the line */
		while (blanks < n && (buf[i + blanks] == ' ' || buf[i + blanks] == '\t' ||
				      buf[i + blanks] == '\r'))
			blanks++;
		if (n && buf[i] != '#' && blanks < n) {
			k = key_len(buf + i, n);
			return k && (k + 1 == n || buf[i + k + 1] == ' ' || buf[i + k + 1] == '\t');
		}
		i += n + 1;
	}
	return false;
}

struct prop {
	char *key, *value;
};

/* "a,b=c" -> (host or @default_key)=a, b=c; Proxmox values hold no commas */
static int props_split(char *s, const char *default_key, struct prop *out, size_t max,
		       size_t *n)
{
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (*n == max)
			return -E2BIG;
		if (eq) {
			*eq = '\0';
			out[*n] = (struct prop){ tok, eq + 1 };
		} else {
			out[*n] = (struct prop){ (char *)default_key, tok };
		}
		(*n)++;
	}
	return 0;
}

static const char *prop_get(const struct prop *p, size_t n, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].key, key))
			v = p[i].value;
	return v;
}

/* JSONSchema booleans as Proxmox reads them: 1/0, on/off, yes/no, true/false */
static int pve_bool(const char *v)
{
	if (!v)
		return -1;
	if (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
		return 1;
	if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
		return 0;
	return -1;
}

struct pve_state {
	bool vga_set, x_vga_any;
	unsigned int pcie_line;		/* the first hostpciN with pcie=1, 0 none */
	char pcie_key[16];
};

static struct vfd_vm_hostdev *new_hostdev(struct vfd_vm_conf *c)
{
	struct vfd_vm_hostdev *nv;

	if (c->n_hostdevs >= VFD_VM_MAX_HOSTDEVS)
		return NULL;
	nv = realloc(c->hostdevs, (c->n_hostdevs + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	c->hostdevs = nv;
	memset(&nv[c->n_hostdevs], 0, sizeof(*nv));
	nv[c->n_hostdevs].rombar = -1;
	/* qemu-server binds the devices to vfio-pci at start, as libvirt's managed='yes' */
	nv[c->n_hostdevs].managed = 1;
	return &nv[c->n_hostdevs++];
}

/* "0000:01:00.0", "01:00.0", "01:00" (every function) */
static bool pve_address(const char *id, struct vfd_bdf *bdf, bool *all)
{
	char full[32];
	int colons = 0;

	for (const char *p = id; *p; p++)
		colons += *p == ':';
	*all = !strchr(id, '.');
	snprintf(full, sizeof(full), "%s%s%s", colons == 1 ? "0000:" : "", id, *all ? ".0" : "");
	return strlen(id) < 20 && vfd_bdf_parse(full, bdf) == 0;
}

static int hostpci(struct vfd_vm_conf *c, struct pve_state *st, const char *key, char *value,
		   unsigned int line, struct vfd_parse_error *err)
{
	struct prop p[32];
	const char *host, *v;
	char *ids, *save = NULL;
	size_t n, first = c->n_hostdevs, count = 0;
	unsigned int index = 0;
	int r;

	r = props_split(value, "host", p, sizeof(p) / sizeof(p[0]), &n);
	if (r < 0) {
		vfd_parse_error_set(err, line, "%s: more than 32 properties", key);
		return -EINVAL;
	}
	sscanf(key, "hostpci%u", &index);
	host = prop_get(p, n, "host");
	if (!host && !prop_get(p, n, "mapping")) {
		vfd_parse_error_set(err, line, "%s: neither a host address nor a mapping", key);
		return -EINVAL;
	}
	ids = strdup(host ? host : "");
	if (!ids)
		return -ENOMEM;
	for (char *id = host ? strtok_r(ids, ";", &save) : ids; id;
	     id = host ? strtok_r(NULL, ";", &save) : NULL) {
		struct vfd_vm_hostdev *h = new_hostdev(c);

		if (!h) {
			free(ids);
			vfd_parse_error_set(err, line, "more than %d passed-through devices", VFD_VM_MAX_HOSTDEVS);
			return c->n_hostdevs >= VFD_VM_MAX_HOSTDEVS ? -EINVAL : -ENOMEM;
		}
		h->line = line;
		if (host) {
			h->host_text = strdup(id);
			h->has_host = pve_address(id, &h->host, &h->all_functions);
		} else {
			h->mapping = strdup(prop_get(p, n, "mapping"));
			h->host_text = xasprintf("mapping %s", h->mapping ? h->mapping : "?");
		}
		/* the guest place: one slot per hostpciN, functions in order */
		h->has_guest_addr = true;
		h->guest_bus = xasprintf("%s", key);
		h->guest_slot = index;
		h->guest_fn = (unsigned int)count;
		if (!h->host_text || !h->guest_bus || (!host && !h->mapping)) {
			free(ids);
			return -ENOMEM;
		}
		count++;
		/* an mdev is made of the first device only (print_hostpci_devices) */
		if (!host || prop_get(p, n, "mdev"))
			break;
	}
	free(ids);
	if (count == 0) {
		vfd_parse_error_set(err, line, "%s: no device address", key);
		return -EINVAL;
	}
	/* the properties go on the first function (print_hostpci_devices, $j == 0) */
	{
		struct vfd_vm_hostdev *h = &c->hostdevs[first];

		h->multifunction = count > 1 || h->all_functions;
		v = prop_get(p, n, "romfile");
		if (v)
			h->romfile = xasprintf("/usr/share/kvm/%s", v);
		if (v && !h->romfile)
			return -ENOMEM;
		if (pve_bool(prop_get(p, n, "rombar")) == 0)
			h->rombar = 0;
		if (pve_bool(prop_get(p, n, "x-vga")) == 1) {
			h->x_vga = true;
			st->x_vga_any = true;
		}
		v = prop_get(p, n, "mdev");
		if (v) {
			h->mdev_type = strdup(v);
			if (!h->mdev_type)
				return -ENOMEM;
		}
	}
	if (pve_bool(prop_get(p, n, "pcie")) == 1 && !st->pcie_line) {
		st->pcie_line = line;
		snprintf(st->pcie_key, sizeof(st->pcie_key), "%s", key);
	}
	v = prop_get(p, n, "driver");
	for (size_t i = first; v && !strcmp(v, "keep") && i < c->n_hostdevs; i++)
		c->hostdevs[i].managed = 0;
	return 0;
}

/* args: extra QEMU options, read by the command-line reader; its devices join */
static int extra_args(struct vfd_vm_conf *c, const char *value, unsigned int line,
		      struct vfd_parse_error *err)
{
	struct vfd_vm_conf q;
	struct vfd_parse_error qe;
	struct vfd_vm_hostdev *nv;
	int r;

	r = vfd_vm_parse_qemu(value, strlen(value), &q, &qe);
	if (r < 0) {
		vfd_parse_error_set(err, line, "args: %s", qe.message);
		return r;
	}
	if (q.n_hostdevs) {
		if (c->n_hostdevs + q.n_hostdevs > VFD_VM_MAX_HOSTDEVS) {
			vfd_vm_conf_clear(&q);
			vfd_parse_error_set(err, line, "more than %d passed-through devices",
				  VFD_VM_MAX_HOSTDEVS);
			return -EINVAL;
		}
		nv = realloc(c->hostdevs, (c->n_hostdevs + q.n_hostdevs) * sizeof(*nv));
		if (!nv) {
			vfd_vm_conf_clear(&q);
			return -ENOMEM;
		}
		c->hostdevs = nv;
		for (size_t i = 0; i < q.n_hostdevs; i++) {
			q.hostdevs[i].line = line;
			c->hostdevs[c->n_hostdevs++] = q.hostdevs[i];
		}
		free(q.hostdevs);
		q.hostdevs = NULL;
		q.n_hostdevs = 0;
	}
	c->hugepages |= q.hugepages;
	c->locked |= q.locked;
	if (q.n_typos) {
		struct vfd_vm_typo *nt = realloc(c->typos, (c->n_typos + q.n_typos) * sizeof(*nt));

		if (!nt) {
			vfd_vm_conf_clear(&q);
			return -ENOMEM;
		}
		c->typos = nt;
		for (size_t i = 0; i < q.n_typos; i++) {
			q.typos[i].line = line;
			c->typos[c->n_typos++] = q.typos[i];
		}
		free(q.typos);
		q.typos = NULL;
		q.n_typos = 0;
	}
	if (q.bad_option && !c->bad_option) {
		c->bad_option = q.bad_option;
		c->bad_option_line = line;
		q.bad_option = NULL;
	}
	vfd_vm_conf_clear(&q);
	return 0;
}

static int pve_line(struct vfd_vm_conf *c, struct pve_state *st, const char *key, char *value,
		    unsigned int line, struct vfd_parse_error *err)
{
	struct prop p[16];
	size_t n = 0;
	const char *v;
	uint64_t mib;

	if (!strncmp(key, "hostpci", 7) && key[7] >= '0' && key[7] <= '9')
		return hostpci(c, st, key, value, line, err);
	if (!strcmp(key, "args"))
		return extra_args(c, value, line, err);
	if (!strcmp(key, "name")) {
		free(c->name);
		c->name = strdup(value);
		return c->name ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "bios")) {
		c->firmware = !strcmp(value, "ovmf") ? VFD_FIRMWARE_EFI : VFD_FIRMWARE_BIOS;
		return 0;
	}
	if (strcmp(key, "machine") && strcmp(key, "memory") && strcmp(key, "vga") &&
	    strcmp(key, "hugepages"))
		return 0;
	if (props_split(value, !strcmp(key, "memory") ? "current" : "type", p, 16, &n) < 0) {
		vfd_parse_error_set(err, line, "%s: more than 16 properties", key);
		return -EINVAL;
	}
	if (!strcmp(key, "machine")) {
		v = prop_get(p, n, "type");
		free(c->machine);
		c->machine = v ? strdup(v) : NULL;
		c->machine_type = vfd_vm_machine_parse(v);
		return !v || c->machine ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "memory")) {
		v = prop_get(p, n, "current");
		if (!v || vfd_parse_u64(v, &mib) < 0 || mib > (1ull << 40)) {
			vfd_parse_error_set(err, line, "memory: '%.40s' is not a size in MiB", v ? v : "");
			return -EINVAL;
		}
		c->memory = mib << 20;
		return 0;
	}
	if (!strcmp(key, "vga")) {
		st->vga_set = true;
		/* none, or serial0..3 (a serial console instead): no display device */
		v = prop_get(p, n, "type");
		c->emulated_vga = !v || (strcmp(v, "none") != 0 && strncmp(v, "serial", 6) != 0);
		return 0;
	}
	/* hugepages: 2 or 1024 MiB pages, or any (1 GiB where possible) */
	c->hugepages = true;
	v = prop_get(p, n, "type");
	c->hugepage_size = v && !strcmp(v, "2") ? 2ull << 20 : v && !strcmp(v, "1024") ? 1ull << 30
			   : 0;
	return 0;
}

int vfd_vm_parse_pve(const char *buf, size_t len, struct vfd_vm_conf *out,
		     struct vfd_parse_error *err)
{
	struct pve_state st = { 0 };
	unsigned int line = 0;
	size_t i = 0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	out->source = VFD_VM_SOURCE_PVE;
	if (err)
		memset(err, 0, sizeof(*err));
	if (len > VFD_VM_MAX_INPUT) {
		vfd_parse_error_set(err, 0, "larger than %u MiB: not a VM configuration",
			  VFD_VM_MAX_INPUT >> 20);
		return -EFBIG;
	}
	if (memchr(buf, '\0', len)) {
		vfd_parse_error_set(err, 0, "a NUL byte: not a text file");
		return -EINVAL;
	}
	/* Proxmox's defaults: pc (i440fx), SeaBIOS, 512 MiB, a standard VGA */
	out->firmware = VFD_FIRMWARE_BIOS;
	out->machine_type = VFD_MACHINE_I440FX;
	out->memory = 512ull << 20;
	out->emulated_vga = true;
	while (i < len && r == 0) {
		const char *eol = memchr(buf + i, '\n', len - i);
		size_t n = eol ? (size_t)(eol - (buf + i)) : len - i;
		char *text, *value, *end;
		size_t k;

		line++;
		text = strndup(buf + i, n);
		i += n + 1;
		if (!text) {
			r = -ENOMEM;
			break;
		}
		end = text + strlen(text);
		while (end > text && strchr(" \t\r", end[-1]))
			*--end = '\0';
		if (!*text || text[0] == '#') {
			free(text);
			continue;
		}
		/* the configuration in use ends where the first section begins */
		if (text[0] == '[') {
			free(text);
			break;
		}
		k = key_len(text, strlen(text));
		if (!k) {
			vfd_parse_error_set(err, line, "expected 'key: value', as in /etc/pve/qemu-server/ID.conf");
			free(text);
			r = -EINVAL;
			break;
		}
		text[k] = '\0';
		value = text + k + 1;
		value += strspn(value, " \t");
		if (*value)
			r = pve_line(out, &st, text, value, line, err);
		free(text);
	}
	if (r == 0) {
		for (size_t d = 0; d < out->n_hostdevs; d++) {
			/* x-vga=on is left out under OVMF (print_hostpci_devices) */
			if (out->firmware == VFD_FIRMWARE_EFI && out->hostdevs[d].guest_bus &&
			    !strncmp(out->hostdevs[d].guest_bus, "hostpci", 7))
				out->hostdevs[d].x_vga = false;
		}
		/* x-vga=1 turns the emulated display off unless vga: is set */
		if (st.x_vga_any && !st.vga_set)
			out->emulated_vga = false;
		/* PCI.pm parse_hostpci_devices: pcie=1 without q35 stops the start */
		if (st.pcie_line && out->machine_type != VFD_MACHINE_Q35) {
			out->start_error = xasprintf("%s: pcie=1 needs a q35 machine: Proxmox "
						     "refuses to start (\"q35 machine model is not "
						     "enabled\")", st.pcie_key);
			out->start_error_line = st.pcie_line;
			if (!out->start_error)
				r = -ENOMEM;
		}
	}
	if (r < 0) {
		if (r == -EINVAL && err && !err->message[0])
			vfd_parse_error_set(err, line, "cannot read this line");
		vfd_vm_conf_clear(out);
	}
	return r;
}
