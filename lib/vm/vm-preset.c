// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Complete guest definitions. The "android" preset: an Android-x86 / BlissOS
 * guest whose display is the passed-through GPU. The man page gives the
 * reason for each choice; the short version is in the comments here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "dlib.h"
#include "config.h"
#include "select.h"
#include "vm-internal.h"

#define GiB (1ull << 30)

struct preset {
	const struct vfd_vm_preset_opts *o;
	const char *name;
	uint64_t memory;
	unsigned int cpus;
	char *code, *vars_template, *vars;
	bool iso;
	const char *disk_format;
	struct vfd_vm_opts dev;
	struct vfd_vm_devset set;
	unsigned int next_index, next_slot;	/* for the virtio devices' root ports */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* qcow2 images start with "QFI\xfb"; without the file, the name decides */
static const char *image_format(struct vfd_root *root, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	bool qcow = false;

	if (vfd_root_read_filef(root, 4, &buf, &len, "%s", path) == 0)
		qcow = len == 4 && memcmp(buf, "QFI\xfb", 4) == 0;
	else
		qcow = ends_with(path, ".qcow2");
	free(buf);
	return qcow ? "qcow2" : "raw";
}

static int firmware(struct vfd_root *root, struct preset *p, char *err, size_t errsize)
{
	const struct vfd_vm_preset_opts *o = p->o;

	if (!o->ovmf_code) {
		if (vfd_vm_find_ovmf(root, &p->code, &p->vars_template) < 0) {
			snprintf(err, errsize, "no OVMF firmware found (looked in /usr/share/OVMF, "
				 "/usr/share/edk2/ovmf, /usr/share/edk2/x64, /usr/share/qemu): "
				 "install ovmf (Debian/Ubuntu) or edk2-ovmf (Fedora, Arch)");
			return -ENOENT;
		}
		return 0;
	}
	p->code = strdup(o->ovmf_code);
	if (o->ovmf_vars) {
		p->vars_template = strdup(o->ovmf_vars);
	} else {
		/* OVMF_CODE_4M.fd -> OVMF_VARS_4M.fd, edk2-x86_64-code.fd -> ...-vars.fd */
		const char *base = strrchr(o->ovmf_code, '/');
		const char *hit = strstr(base ? base : o->ovmf_code, "CODE");
		const char *rep = "VARS";

		if (!hit) {
			hit = strstr(base ? base : o->ovmf_code, "code");
			rep = "vars";
		}
		if (!hit) {
			snprintf(err, errsize, "cannot tell the vars template of '%s': name it too",
				 o->ovmf_code);
			return -ENOENT;
		}
		p->vars_template = xasprintf("%.*s%s%s", (int)(hit - o->ovmf_code), o->ovmf_code,
					     rep, hit + 4);
	}
	if (!p->code || !p->vars_template)
		return -ENOMEM;
	if (!vfd_root_existsf(root, "%s", p->code) ||
	    !vfd_root_existsf(root, "%s", p->vars_template)) {
		snprintf(err, errsize, "OVMF file '%s' does not exist",
			 vfd_root_existsf(root, "%s", p->code) ? p->vars_template : p->code);
		return -ENOENT;
	}
	return 0;
}

/* @sel: gpu (argument 0) and usb (argument 1) */
static void class_notes(const struct vfd_selection *sel, struct vfd_report *notes)
{
	struct vfd_pcidev *d = vfd_selection_named_by(sel, 0);

	if (d && !vfd_class_is_display(vfd_pcidev_get_class(d)))
		report_add(notes, "vm.gpu", "vm", VFD_WARN, vfd_pcidev_get_slot(d),
			   "%s is not a display controller (class %06x): the guest has no "
			   "other display", vfd_pcidev_get_slot(d), vfd_pcidev_get_class(d));
	d = vfd_selection_named_by(sel, 1);
	if (d && !vfd_class_is_usb(vfd_pcidev_get_class(d)))
		report_add(notes, "vm.usb", "vm", VFD_WARN, vfd_pcidev_get_slot(d),
			   "%s is not a USB controller (class %06x): touch and input "
			   "devices will not reach the guest through it",
			   vfd_pcidev_get_slot(d), vfd_pcidev_get_class(d));
}

/* --------------------------------------------------------------- QEMU */

static void opt(struct tbuf *b, const char *name, const char *value)
{
	tbuf_adds(b, " \\\n    ");
	tbuf_adds(b, name);
	if (value) {
		tbuf_adds(b, " ");
		shell_quote(b, value);
	}
}

static void optf(struct tbuf *b, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void optf(struct tbuf *b, const char *name, const char *fmt, ...)
{
	char *v = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		v = NULL;
	va_end(ap);
	if (!v) {
		b->oom = true;
		return;
	}
	opt(b, name, v);
	free(v);
}

static void size_text(char *buf, size_t size, uint64_t bytes)
{
	if (bytes % GiB == 0)
		snprintf(buf, size, "%lluG", (unsigned long long)(bytes / GiB));
	else
		snprintf(buf, size, "%lluM", (unsigned long long)(bytes >> 20));
}

/* a root port of its own for a virtio device: "vfd-rpN" */
static unsigned int qemu_port(struct tbuf *b, struct preset *p)
{
	unsigned int index = p->next_index++, slot = p->next_slot++;

	optf(b, "-device", "pcie-root-port,id=" VM_PORT_PREFIX "%u,bus=pcie.0,addr=0x%x.0,"
	     "chassis=%u,port=0x%x", index, slot, index, index);
	return index;
}

static char *qemu_script(struct preset *p)
{
	const struct vfd_vm_preset_opts *o = p->o;
	struct tbuf b = { 0 }, devs = { 0 };
	char mem[32], *e, *d;
	unsigned int port;

	tbuf_adds(&b, "#!/bin/sh\n");
	tbuf_addf(&b, "# %s: Android-x86 / BlissOS guest with the GPU %s as its display,\n"
		  "# written by vfio-doctor %s. Why each option is there: vfio-doctor(8), "
		  "command vm.\nset -e\n", p->name, o->gpu, VFD_VERSION);
	/* the guest's own copy of the UEFI variable store, made once */
	tbuf_adds(&b, "vars=");
	shell_quote(&b, p->vars);
	tbuf_adds(&b, "\n[ -e \"$vars\" ] || cp ");
	shell_quote(&b, p->vars_template);
	tbuf_adds(&b, " \"$vars\"\n");
	/*
	 * VFIO pins every guest page (-overcommit mem-lock=on too): the memlock
	 * limit of whoever runs this must cover the memory, plus the 1 GiB
	 * libvirt adds for a domain with hostdevs (qemuDomainGetMemLockLimitBytes).
	 * Root may lift it; another account up to its hard limit. Stop here, with
	 * the reason, rather than let QEMU fail mapping the memory.
	 */
	size_text(mem, sizeof(mem), p->memory);
	tbuf_addf(&b, "ulimit -l unlimited 2>/dev/null || ulimit -l %llu 2>/dev/null || {\n"
		  "\techo \"%s: the memlock limit ($(ulimit -l) KiB) is below the guest's %s: "
		  "run as root, or see vfio-doctor lint --user $(id -un)\" >&2\n"
		  "\texit 1\n}\n", (unsigned long long)((p->memory + (1ull << 30)) >> 10),
		  p->name, mem);
	tbuf_adds(&b, "exec qemu-system-x86_64");
	opt(&b, "-name", p->name);
	opt(&b, "-machine", "q35");
	opt(&b, "-accel", "kvm");
	opt(&b, "-cpu", "host");
	optf(&b, "-smp", "%u", p->cpus);
	size_text(mem, sizeof(mem), p->memory);
	opt(&b, "-m", mem);
	opt(&b, "-overcommit", "mem-lock=on");
	e = qemu_opt_escape(p->code);
	optf(&b, "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=%s", e ? e : "");
	free(e);
	/* "$vars" must stay a shell expansion: written unquoted-safe by hand */
	tbuf_adds(&b, " \\\n    -drive if=pflash,format=raw,unit=1,file=\"$vars\"");
	opt(&b, "-nodefaults", NULL);
	opt(&b, "-vga", "none");
	opt(&b, "-display", "none");
	opt(&b, "-serial", "mon:stdio");
	qemu_add_devset(&devs, &p->set, &p->dev);
	d = tbuf_take(&devs, NULL);
	if (d && *d) {
		tbuf_adds(&b, " \\\n    ");
		for (const char *s = d; *s; s++) {
			char c[2] = { *s, 0 };

			tbuf_adds(&b, c);
			if (*s == '\n')
				tbuf_adds(&b, "    ");
		}
	}
	b.oom |= !d;
	free(d);
	if (o->disk) {
		e = qemu_opt_escape(o->disk);
		if (p->iso) {
			optf(&b, "-drive", "if=none,id=vfd-cd0,media=cdrom,readonly=on,format=raw,"
			     "file=%s", e ? e : "");
			/* q35's built-in AHCI controller (00:1f.2) gives the ide.N buses */
			opt(&b, "-device", "ide-cd,drive=vfd-cd0,bus=ide.0,bootindex=1");
		} else {
			optf(&b, "-drive", "if=none,id=vfd-disk0,format=%s,file=%s", p->disk_format,
			     e ? e : "");
			port = qemu_port(&b, p);
			optf(&b, "-device", "virtio-blk-pci,drive=vfd-disk0,bus=" VM_PORT_PREFIX
			     "%u,bootindex=1", port);
		}
		b.oom |= !e;
		free(e);
	}
	port = qemu_port(&b, p);
	opt(&b, "-netdev", "user,id=vfd-net0");
	optf(&b, "-device", "virtio-net-pci,netdev=vfd-net0,bus=" VM_PORT_PREFIX "%u", port);
	tbuf_adds(&b, "\n");
	return tbuf_take(&b, NULL);
}

/* ------------------------------------------------------------ libvirt */

static xmlNodePtr el(xmlNodePtr parent, const char *name, const char *text)
{
	return parent ? xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text) : NULL;
}

/* a pcie-root-port controller; returns its index (the bus of what plugs into it) */
static unsigned int libvirt_port(xmlNodePtr devices, struct preset *p)
{
	unsigned int index = p->next_index++, slot = p->next_slot++;
	xmlNodePtr c = el(devices, "controller", NULL), t, a;

	xml_propf(c, "type", "pci");
	xml_propf(c, "index", "%u", index);
	xml_propf(c, "model", "pcie-root-port");
	t = el(c, "target", NULL);
	xml_propf(t, "chassis", "%u", index);
	xml_propf(t, "port", "0x%x", index);
	a = el(c, "address", NULL);
	xml_propf(a, "type", "pci");
	xml_propf(a, "domain", "0x0000");
	xml_propf(a, "bus", "0x00");
	xml_propf(a, "slot", "0x%02x", slot);
	xml_propf(a, "function", "0x0");
	return index;
}

static void bus_address(xmlNodePtr dev, unsigned int bus)
{
	xmlNodePtr a = el(dev, "address", NULL);

	xml_propf(a, "type", "pci");
	xml_propf(a, "domain", "0x0000");
	xml_propf(a, "bus", "0x%02x", bus);
	xml_propf(a, "slot", "0x00");
	xml_propf(a, "function", "0x0");
}

static char *libvirt_domain(struct preset *p)
{
	const struct vfd_vm_preset_opts *o = p->o;
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr dom = doc ? xmlNewNode(NULL, BAD_CAST "domain") : NULL;
	xmlNodePtr n, os, devices, disk, over;
	unsigned int net_port;
	char *desc, *s = NULL;

	if (!dom) {
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlDocSetRootElement(doc, dom);
	xmlIndentTreeOutput = 1;
	xml_propf(dom, "type", "kvm");
	el(dom, "name", p->name);
	desc = xasprintf("Android-x86 / BlissOS guest with the GPU %s as its display, written "
			 "by vfio-doctor %s. Why each element is there: vfio-doctor(8), "
			 "command vm.", o->gpu, VFD_VERSION);
	el(dom, "description", desc);
	free(desc);
	{
		char num[32];

		snprintf(num, sizeof(num), "%llu", (unsigned long long)(p->memory >> 10));
		xml_propf(el(dom, "memory", num), "unit", "KiB");
		/* VFIO pins all guest memory: lock it, and say how much may be locked */
		el(el(dom, "memoryBacking", NULL), "locked", NULL);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)((p->memory + GiB) >> 10));
		xml_propf(el(el(dom, "memtune", NULL), "hard_limit", num), "unit", "KiB");
		snprintf(num, sizeof(num), "%u", p->cpus);
		xml_propf(el(dom, "vcpu", num), "placement", "static");
	}
	os = el(dom, "os", NULL);
	n = el(os, "type", "hvm");
	xml_propf(n, "arch", "x86_64");
	xml_propf(n, "machine", "q35");
	n = el(os, "loader", p->code);
	xml_propf(n, "readonly", "yes");
	xml_propf(n, "type", "pflash");
	xml_propf(el(os, "nvram", p->vars), "template", "%s", p->vars_template);
	n = el(dom, "features", NULL);
	el(n, "acpi", NULL);
	el(n, "apic", NULL);
	n = el(dom, "cpu", NULL);
	xml_propf(n, "mode", "host-passthrough");
	xml_propf(n, "check", "none");
	xml_propf(el(dom, "clock", NULL), "offset", "utc");
	el(dom, "on_poweroff", "destroy");
	el(dom, "on_reboot", "restart");
	el(dom, "on_crash", "destroy");
	devices = el(dom, "devices", NULL);
	n = el(devices, "controller", NULL);
	xml_propf(n, "type", "pci");
	xml_propf(n, "index", "0");
	xml_propf(n, "model", "pcie-root");
	if (libvirt_add_devset(devices, &p->set, &p->dev) < 0)
		goto out;
	if (o->disk) {
		unsigned int port = p->iso ? 0 : libvirt_port(devices, p);

		disk = el(devices, "disk", NULL);
		xml_propf(disk, "type", "file");
		xml_propf(disk, "device", p->iso ? "cdrom" : "disk");
		n = el(disk, "driver", NULL);
		xml_propf(n, "name", "qemu");
		xml_propf(n, "type", "%s", p->disk_format);
		xml_propf(el(disk, "source", NULL), "file", "%s", o->disk);
		n = el(disk, "target", NULL);
		xml_propf(n, "dev", p->iso ? "sda" : "vda");
		xml_propf(n, "bus", p->iso ? "sata" : "virtio");
		if (p->iso)
			el(disk, "readonly", NULL);
		xml_propf(el(disk, "boot", NULL), "order", "1");
		if (!p->iso)
			bus_address(disk, port);
	}
	net_port = libvirt_port(devices, p);
	n = el(devices, "interface", NULL);
	xml_propf(n, "type", "network");
	xml_propf(el(n, "source", NULL), "network", "default");
	xml_propf(el(n, "model", NULL), "type", "virtio");
	bus_address(n, net_port);
	n = el(devices, "serial", NULL);
	xml_propf(n, "type", "pty");
	n = el(devices, "video", NULL);
	xml_propf(el(n, "model", NULL), "type", "none");
	xml_propf(el(devices, "memballoon", NULL), "model", "none");
	over = libvirt_xvga_override(&p->set);
	if (over)
		xmlAddChild(dom, over);
	s = libvirt_node_string(doc, dom);
out:
	xmlFreeDoc(doc);
	return s;
}

int vfd_vm_preset(struct vfd_host *host, const struct vfd_vm_preset_opts *o, char **out,
		  struct vfd_report *notes, char *err, size_t errsize)
{
	struct vfd_root *root = vfd_host_get_root(host);
	struct preset p = { .o = o };
	const char *devices[3] = { o->gpu, o->usb, NULL };
	struct vfd_selection own = { .bad_arg = -1 };
	struct vfd_selection *sel = o->selection;
	int r;

	*out = NULL;
	if (err && errsize)
		err[0] = '\0';
	if (!o->preset || strcmp(o->preset, "android") != 0 || !o->gpu)
		return -EINVAL;
	if (vfd_dl_libxml2() < 0) {
		if (err && errsize)
			snprintf(err, errsize, "cannot load libxml2: %s", vfd_dl_error());
		return -ELIBACC;
	}
	p.name = o->name ? o->name : "android";
	p.memory = o->memory ? o->memory : 8 * GiB;
	p.cpus = o->cpus ? o->cpus : 4;
	r = firmware(root, &p, err, errsize);
	if (r < 0)
		goto out;
	if (o->vars)
		p.vars = strdup(o->vars);
	else if (o->format == VFD_VM_FORMAT_LIBVIRT)
		p.vars = xasprintf("/var/lib/libvirt/qemu/nvram/%s_VARS.fd", p.name);
	else
		p.vars = xasprintf("%s_VARS.fd", p.name);
	if (!p.vars) {
		r = -ENOMEM;
		goto out;
	}
	if (o->disk) {
		p.iso = ends_with(o->disk, ".iso");
		p.disk_format = image_format(root, o->disk);
		if (!vfd_root_existsf(root, "%s", o->disk))
			report_add(notes, "vm.disk", "vm", VFD_WARN, NULL,
				   "disk image %s does not exist yet (format taken from its name: "
				   "%s)", o->disk, p.disk_format);
	}
	p.dev = o->dev;
	p.dev.machine = VFD_MACHINE_Q35;
	p.dev.firmware = VFD_FIRMWARE_EFI;
	p.dev.libvirt = o->format == VFD_VM_FORMAT_LIBVIRT;
	/* a complete machine: root ports from slot 2, controller index 1, no gaps */
	p.dev.slot = 2;
	p.dev.bus = "1";
	if (!sel) {
		r = vfd_selection_parse(devices, &own);
		if (r < 0)
			goto out;
		sel = &own;
	}
	r = vfd_selection_resolve(host, sel, VFD_EXPAND_NONE);
	if (r < 0)
		goto out;
	r = vfd_vm_devset_build_selected(host, sel, &p.dev, &p.set, notes);
	if (r < 0)
		goto out;
	class_notes(sel, notes);
	p.next_index = 1 + (unsigned int)p.set.n;
	p.next_slot = 2 + (unsigned int)p.set.n;
	*out = o->format == VFD_VM_FORMAT_LIBVIRT ? libvirt_domain(&p) : qemu_script(&p);
	r = *out ? 0 : -ENOMEM;
out:
	vfd_selection_clear(&own);
	vfd_vm_devset_clear(&p.set);
	free(p.code);
	free(p.vars_template);
	free(p.vars);
	return r;
}
