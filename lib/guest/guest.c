// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inside the guest: the last failure of the handbook, "the VM boots but the
 * device is not seen or does not work", can only be seen from there. This
 * reads the guest's PCI bus, drivers, DRM nodes, kernel log, module tree and,
 * on Android, the property files that choose the graphics stack; every read
 * goes through the root, so a copy of a guest's files replays with --sysroot.
 * It must run without root (adb shell) and in a static build without libkmod
 * (VFD_NO_KMOD), where modules.alias is matched as text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#ifndef VFD_NO_KMOD
#include <libkmod.h>

#include "dlib.h"
#endif
#include "guest-class.h"
#include "internal.h"

#define LAYER "guest"
#define PROPFILE_MAX (1u << 20)
#define ALIAS_MAX (16u << 20)
#define MAX_ERROR_LINES 8

struct gdev {
	char slot[16];
	uint16_t vendor, device, svendor, sdevice;
	uint32_t class_code;
	char *driver;
	char *override;
	char *modalias;
	int boot_vga;		/* 1, 0, or -1 when absent */
	bool emulated;		/* made up by the hypervisor */
	bool wanted;		/* passed through, or asked for with --expect */
	char **modules;		/* modules whose aliases match, or NULL when not looked up */
	bool looked_up;
	bool builtin;		/* one of them is built into the kernel */
};

struct drmnode {
	char name[32];		/* card0, renderD128 */
	char slot[16];		/* the PCI device behind it, "" when not PCI */
	char *driver;
	bool node;		/* dev/dri/NAME exists */
};

struct modtree {
	char *dir;		/* relative to the root */
	char *alias;		/* modules.alias text, when read */
	char *builtin_alias;	/* modules.builtin.alias text */
#ifndef VFD_NO_KMOD
	struct kmod_ctx *kmod;	/* only with modules.alias.bin */
#endif
};

struct gctx {
	struct vfd_root *root;
	struct vfd_report *rep;
	const struct vfd_guest_opts *opts;
	struct gdev *devs;
	size_t n;
	int pci_err;
	struct drmnode *drm;
	size_t n_drm;
	struct vfd_kmsg kmsg;
	int kmsg_err;
	char *release;
	char *cmdline_raw;
	struct vfd_cmdline_token *cmdline;
	int n_cmdline;
	bool android;
	struct vfd_props props;
	struct strv_builder propfiles;	/* "system/build.prop (N properties)" */
	int getprop_err;		/* 1 when not run (sysroot) */
	struct strv_builder unreadable;	/* paths refused for want of root */
	struct modtree tree;
	bool has_tree;
	struct strv_builder tree_tried;
	struct vfd_fw_failure *fw;
	size_t n_fw;
	bool *fw_done;
};

/* ---------------------------------------------------------- reading */

static void note_denied(struct gctx *g, const char *path, int r)
{
	if (r != -EACCES && r != -EPERM)
		return;
	for (size_t i = 0; i < g->unreadable.n; i++)
		if (strcmp(g->unreadable.v[i], path) == 0)
			return;
	strv_addf(&g->unreadable, "%s", path);
}

static int read_str(struct gctx *g, char **out, const char *path)
{
	int r = vfd_root_readf_str(g->root, out, "%s", path);

	note_denied(g, path, r);
	return r;
}

static unsigned int read_hex(struct gctx *g, const char *slot, const char *attr, bool *ok)
{
	char path[96];
	uint64_t v = 0;
	int r;

	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/%s", slot, attr);
	r = vfd_root_readf_u64(g->root, &v, "%s", path);
	note_denied(g, path, r);
	if (ok)
		*ok = r == 0;
	return r == 0 ? (unsigned int)v : 0;
}

/* ------------------------------------------------------- the PCI bus */

/*
 * The hypervisor's own devices. QEMU gives most of them its default
 * subsystem ID 1af4:1100; whole vendors exist only in VMs; a few emulated
 * devices carry a real vendor's IDs with a subsystem no real card has.
 */
static bool is_emulated(const struct gdev *d)
{
	static const uint16_t vendors[] = {
		0x1af4,	/* Red Hat / virtio */
		0x1b36,	/* Red Hat / QEMU */
		0x1234,	/* Bochs / QEMU standard VGA */
		0x80ee,	/* VirtualBox */
		0x15ad,	/* VMware */
		0x1414,	/* Microsoft Hyper-V */
		0x5853,	/* Xen platform device */
		0x1ab8,	/* Parallels */
	};
	static const struct { uint16_t v, d, sv, sd; } ids[] = {
		{ 0x8086, 0x10d3, 0x8086, 0x0000 },	/* QEMU e1000e */
		{ 0x1013, 0x00b8, 0, 0 },		/* Cirrus GD5446: only QEMU has one today */
	};

	for (size_t i = 0; i < ARRAY_SIZE(vendors); i++)
		if (d->vendor == vendors[i])
			return true;
	if (d->svendor == 0x1af4 && d->sdevice == 0x1100)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if (d->vendor == ids[i].v && d->device == ids[i].d &&
		    ((ids[i].sv == 0 && ids[i].sd == 0) ||
		     (d->svendor == ids[i].sv && d->sdevice == ids[i].sd)))
			return true;
	return false;
}

static const char *vendor_short(uint16_t vendor)
{
	switch (vendor) {
	case 0x1002:
		return "AMD";
	case 0x10de:
		return "NVIDIA";
	case 0x8086:
		return "Intel";
	case 0x1af4:
	case 0x1b36:
		return "Red Hat";
	case 0x1234:
		return "QEMU";
	case 0x1013:
		return "Cirrus";
	case 0x15ad:
		return "VMware";
	case 0x80ee:
		return "VirtualBox";
	default:
		return NULL;
	}
}

/* a virtual display's common name, or NULL when @d is not one */
static const char *virtual_display_name(const struct gdev *d)
{
	if ((d->class_code >> 16) != 0x03 || !d->emulated)
		return NULL;
	if (d->vendor == 0x1af4 && d->device == 0x1050)
		return "virtio-gpu";
	if (d->vendor == 0x1234 && d->device == 0x1111)
		return "QEMU standard VGA (bochs-drm)";
	if (d->vendor == 0x1b36 && d->device == 0x0100)
		return "QXL";
	if (d->vendor == 0x1013)
		return "Cirrus VGA";
	if (d->vendor == 0x15ad)
		return "VMware SVGA";
	if (d->vendor == 0x80ee)
		return "VirtualBox VGA";
	return "virtual display";
}

static bool is_gpu(const struct gdev *d)
{
	return (d->class_code >> 16) == 0x03;
}

static const char *class_word(uint32_t class_code)
{
	switch (class_code >> 16) {
	case 0x01:
		return "storage controller";
	case 0x02:
		return "network controller";
	case 0x03:
		return "GPU";
	case 0x04:
		return "multimedia device";
	case 0x0c:
		return (class_code >> 8) == 0x0c03 ? "USB controller" : "serial bus controller";
	default:
		return "device";
	}
}

/* "AMD GPU 1002:67df" */
static char *describe(const struct gdev *d)
{
	const char *v = vendor_short(d->vendor);

	return xasprintf("%s%s%s %04x:%04x", v ? v : "", v ? " " : "", class_word(d->class_code),
			 d->vendor, d->device);
}

static bool expected_by(const struct gctx *g, const struct gdev *d)
{
	for (size_t i = 0; i < g->opts->n_expect; i++)
		if (g->opts->expect[i].vendor == d->vendor &&
		    g->opts->expect[i].device == d->device)
			return true;
	return false;
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct gdev *)a)->slot, ((const struct gdev *)b)->slot);
}

static uint16_t le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

/* every ID in one read of the header (64 bytes: readable without root) */
static bool ids_from_config(struct gctx *g, struct gdev *d)
{
	uint8_t cfg[64];
	ssize_t n;
	int fd = vfd_root_openf(g->root, O_RDONLY | O_CLOEXEC, "sys/bus/pci/devices/%s/config",
				d->slot);

	if (fd < 0)
		return false;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	/* a VF reads all ones in its ID registers (SR-IOV 3.4.1.1): use the attributes */
	if (n < 0x30 || le16(cfg) == 0xffff || le16(cfg + 2) == 0xffff)
		return false;
	d->vendor = le16(cfg);
	d->device = le16(cfg + 2);
	d->class_code = (uint32_t)cfg[0x09] | (uint32_t)cfg[0x0a] << 8 | (uint32_t)cfg[0x0b] << 16;
	if ((cfg[0x0e] & 0x7f) == 0) {
		d->svendor = le16(cfg + 0x2c);
		d->sdevice = le16(cfg + 0x2e);
	} else {
		d->svendor = (uint16_t)read_hex(g, d->slot, "subsystem_vendor", NULL);
		d->sdevice = (uint16_t)read_hex(g, d->slot, "subsystem_device", NULL);
	}
	return true;
}

static int scan_pci(struct gctx *g)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;

	dir = vfd_root_opendirf(g->root, "sys/bus/pci/devices");
	if (!dir) {
		g->pci_err = -errno;
		note_denied(g, "sys/bus/pci/devices", g->pci_err);
		return 0;
	}
	while ((de = readdir(dir))) {
		struct vfd_bdf bdf;
		struct gdev *d;
		char path[96];

		if (de->d_name[0] == '.' || vfd_bdf_parse(de->d_name, &bdf) < 0 ||
		    strlen(de->d_name) != 12)
			continue;
		if (g->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct gdev *nd = realloc(g->devs, ncap * sizeof(*nd));

			if (!nd) {
				closedir(dir);
				return -ENOMEM;
			}
			g->devs = nd;
			cap = ncap;
		}
		d = &g->devs[g->n++];
		memset(d, 0, sizeof(*d));
		snprintf(d->slot, sizeof(d->slot), "%.12s", de->d_name);	/* length checked */
		if (!ids_from_config(g, d)) {
			d->vendor = (uint16_t)read_hex(g, d->slot, "vendor", NULL);
			d->device = (uint16_t)read_hex(g, d->slot, "device", NULL);
			d->svendor = (uint16_t)read_hex(g, d->slot, "subsystem_vendor", NULL);
			d->sdevice = (uint16_t)read_hex(g, d->slot, "subsystem_device", NULL);
			d->class_code = read_hex(g, d->slot, "class", NULL) & 0xffffff;
		}
		{
			bool ok;
			unsigned int v = read_hex(g, d->slot, "boot_vga", &ok);

			d->boot_vga = ok ? (int)(v != 0) : -1;
		}
		/* driver -> ../../../bus/pci/drivers/amdgpu */
		vfd_root_readlinkf_base(g->root, &d->driver, "sys/bus/pci/devices/%s/driver",
					d->slot);
		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/modalias", d->slot);
		read_str(g, &d->modalias, path);
		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/driver_override", d->slot);
		if (read_str(g, &d->override, path) == 0 &&
		    (!*d->override || strcmp(d->override, "(null)") == 0)) {
			free(d->override);
			d->override = NULL;
		}
		d->emulated = is_emulated(d);
		if (g->opts->n_expect)
			d->wanted = expected_by(g, d);
		else	/* bridges are the VM's own topology, never what was passed */
			d->wanted = !d->emulated && (d->class_code >> 16) != 0x06;
	}
	closedir(dir);
	if (g->n)
		qsort(g->devs, g->n, sizeof(*g->devs), cmp_dev);
	return 0;
}

static struct gdev *find_dev(struct gctx *g, const char *slot)
{
	for (size_t i = 0; slot && *slot && i < g->n; i++)
		if (strcmp(g->devs[i].slot, slot) == 0)
			return &g->devs[i];
	return NULL;
}

/* --------------------------------------------------------------- DRM */

static int drm_rank(const char *name)
{
	/* card0 < card1 < ... < renderD128: by kind, then number */
	if (strncmp(name, "card", 4) == 0)
		return atoi(name + 4);
	return 100000 + atoi(name + 7);
}

static int cmp_drm(const void *a, const void *b)
{
	return drm_rank(((const struct drmnode *)a)->name) -
	       drm_rank(((const struct drmnode *)b)->name);
}

static bool drm_name_ok(const char *s)
{
	const char *digits;

	if (strncmp(s, "card", 4) == 0)
		digits = s + 4;
	else if (strncmp(s, "renderD", 7) == 0)
		digits = s + 7;
	else
		return false;
	if (!*digits || strlen(digits) > 6)
		return false;
	for (; *digits; digits++)
		if (*digits < '0' || *digits > '9')
			return false;
	return true;
}

/*
 * The PCI device a class device hangs below: the last "DDDD:BB:DD.F" of its
 * link, "../../devices/pci0000:00/0000:00:01.0/virtio0/drm/card0" (virtio-gpu
 * puts a virtio device between). Fills @slot (16 bytes) or leaves it "".
 */
static void class_slot(struct gctx *g, const char *cls, const char *name, char *slot)
{
	char *target = NULL, *save = NULL;

	slot[0] = '\0';
	if (vfd_root_readlinkf(g->root, &target, "sys/class/%s/%s", cls, name) < 0)
		return;
	for (char *p = strtok_r(target, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		struct vfd_bdf bdf;

		if (strlen(p) == 12 && vfd_bdf_parse(p, &bdf) == 0)
			snprintf(slot, 16, "%s", p);
	}
	free(target);
}

static int scan_drm(struct gctx *g)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *dir = vfd_root_opendirf(g->root, "sys/class/drm");

	if (!dir) {
		note_denied(g, "sys/class/drm", -errno);
		return 0;
	}
	while ((de = readdir(dir))) {
		struct drmnode *m;

		/* card0-HDMI-A-1 (connectors) and version are not devices */
		if (!drm_name_ok(de->d_name))
			continue;
		if (g->n_drm == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct drmnode *nd = realloc(g->drm, ncap * sizeof(*nd));

			if (!nd) {
				closedir(dir);
				return -ENOMEM;
			}
			g->drm = nd;
			cap = ncap;
		}
		m = &g->drm[g->n_drm++];
		memset(m, 0, sizeof(*m));
		/* drm_name_ok bounds it */
		snprintf(m->name, sizeof(m->name), "%.31s", de->d_name);
		class_slot(g, "drm", m->name, m->slot);
		/* the DRM driver: card0/device/driver -> .../drivers/amdgpu (or virtio_gpu) */
		vfd_root_readlinkf_base(g->root, &m->driver, "sys/class/drm/%s/device/driver",
					m->name);
		m->node = vfd_root_existsf(g->root, "dev/dri/%s", m->name);
	}
	closedir(dir);
	if (g->n_drm)
		qsort(g->drm, g->n_drm, sizeof(*g->drm), cmp_drm);
	return 0;
}

/* ------------------------------------------------------- module tree */

static void modtree_clear(struct modtree *t)
{
	free(t->dir);
	free(t->alias);
	free(t->builtin_alias);
#ifndef VFD_NO_KMOD
	if (t->kmod)
		kmod_unref(t->kmod);
#endif
	memset(t, 0, sizeof(*t));
}

#ifndef VFD_NO_KMOD
static void kmod_quiet(void *data, int priority, const char *file, int line, const char *fn,
		       const char *format, va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}
#endif

/*
 * Where this kernel's modules are: the distribution's place, Android-x86's
 * /system/lib/modules, and the GKI vendor partitions, which keep one flat
 * directory with modules.alias and no release in the path.
 */
static void find_tree(struct gctx *g)
{
	static const struct { const char *dir; bool release; } dirs[] = {
		{ "lib/modules", true }, { "usr/lib/modules", true },
		{ "system/lib/modules", true }, { "system/lib/modules", false },
		{ "vendor/lib/modules", true }, { "vendor/lib/modules", false },
		{ "vendor_dlkm/lib/modules", false }, { "odm/lib/modules", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !g->has_tree; i++) {
		char *dir;

		if (dirs[i].release && !g->release)
			continue;
		dir = dirs[i].release ? xasprintf("%s/%s", dirs[i].dir, g->release) :
			strdup(dirs[i].dir);
		if (!dir)
			return;
		strv_addf(&g->tree_tried, "/%s", dir);
		if (vfd_root_existsf(g->root, "%s/modules.alias", dir) ||
		    vfd_root_existsf(g->root, "%s/modules.alias.bin", dir)) {
			g->has_tree = true;
			g->tree.dir = dir;
		} else {
			free(dir);
		}
	}
	if (!g->has_tree)
		return;
#ifndef VFD_NO_KMOD
	if (vfd_root_existsf(g->root, "%s/modules.alias.bin", g->tree.dir)) {
		char *abs = NULL;
		const char *empty = NULL;

		/* libkmod opens by path: the tree's real one, and only plain files in it */
		root_real_dir(g->root, g->tree.dir, kmod_files, &abs);
		/* no modprobe.d: its aliases do not make a driver exist; without
		 * libkmod, modules.alias is read as text below */
		if (abs && vfd_dl_libkmod() == 0)
			g->tree.kmod = kmod_new(abs, &empty);
		if (g->tree.kmod)
			kmod_set_log_fn(g->tree.kmod, kmod_quiet, NULL);
		free(abs);
		if (g->tree.kmod)
			return;
	}
#endif
	vfd_root_read_filef(g->root, ALIAS_MAX, &g->tree.alias, NULL, "%s/modules.alias",
			    g->tree.dir);
	vfd_root_read_filef(g->root, ALIAS_MAX, &g->tree.builtin_alias, NULL,
			    "%s/modules.builtin.alias", g->tree.dir);
}

static void add_module(struct strv_builder *b, const char *name, size_t len)
{
	for (size_t i = 0; i < b->n; i++)
		if (strlen(b->v[i]) == len && strncmp(b->v[i], name, len) == 0)
			return;
	strv_addf(b, "%.*s", (int)len, name);
}

/* "alias PATTERN MODULE" lines whose pattern matches @modalias (as libkmod: fnmatch) */
static bool match_alias_text(const char *text, const char *modalias, struct strv_builder *out)
{
	bool found = false;

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[512];

		if (len < sizeof(line) && strncmp(p, "alias ", 6) == 0) {
			char *pat, *mod;

			memcpy(line, p, len);
			line[len] = '\0';
			pat = line + 6;
			mod = strchr(pat, ' ');
			if (mod) {
				*mod++ = '\0';
				mod[strcspn(mod, " \t\r")] = '\0';
				if (*mod && fnmatch(pat, modalias, 0) == 0) {
					add_module(out, mod, strlen(mod));
					found = true;
				}
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return found;
}

static void lookup_modules(struct gctx *g, struct gdev *d)
{
	struct strv_builder b = { 0 };

	if (d->looked_up || !g->has_tree || !d->modalias)
		return;
	d->looked_up = true;
#ifndef VFD_NO_KMOD
	if (g->tree.kmod) {
		struct kmod_list *list = NULL, *it;

		if (kmod_module_new_from_lookup(g->tree.kmod, d->modalias, &list) == 0) {
			kmod_list_foreach(it, list) {
				struct kmod_module *m = kmod_module_get_module(it);
				const char *name = kmod_module_get_name(m);

				add_module(&b, name, strlen(name));
				if (!kmod_module_get_path(m))
					d->builtin = true;
				kmod_module_unref(m);
			}
			kmod_module_unref_list(list);
		}
		d->modules = strv_take(&b);
		return;
	}
#endif
	if (g->tree.alias)
		match_alias_text(g->tree.alias, d->modalias, &b);
	if (g->tree.builtin_alias && match_alias_text(g->tree.builtin_alias, d->modalias, &b))
		d->builtin = true;
	d->modules = strv_take(&b);
}

/* loaded (or built in: a directory without initstate) */
static bool module_present(struct gctx *g, const char *name)
{
	char norm[64];
	size_t i = 0;

	for (; name[i] && i + 1 < sizeof(norm); i++)
		norm[i] = name[i] == '-' ? '_' : name[i];
	norm[i] = '\0';
	return vfd_root_existsf(g->root, "sys/module/%s", norm);
}

/* ---------------------------------------------------------- the log */

int vfd_fw_failure_parse(const char *text, struct vfd_fw_failure *out)
{
	static const char head[] = "Direct firmware load for ";
	static const char tail[] = " failed with error ";
	const char *p, *name, *end, *sp;
	int64_t err;

	if (!text || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	p = strstr(text, head);
	if (!p)
		return 0;
	name = p + sizeof(head) - 1;
	/* a firmware name has no spaces: the first " failed" after it ends it */
	end = strstr(name, tail);
	if (!end || end == name || (size_t)(end - name) >= sizeof(out->name) ||
	    memchr(name, ' ', (size_t)(end - name)))
		return 0;
	if (vfd_parse_s64(end + sizeof(tail) - 1, &err) < 0 || err >= 0 || err < -4095)
		return 0;
	memcpy(out->name, name, (size_t)(end - name));
	out->err = (int)err;
	/* dev_warn prefix: "amdgpu 0000:01:00.0: " */
	sp = memchr(text, ' ', (size_t)(p - text));
	if (sp && sp > text && (size_t)(sp - text) < sizeof(out->driver) && p - sp >= 3 &&
	    p[-2] == ':' && p[-1] == ' ') {
		const char *dev = sp + 1;
		size_t dlen = (size_t)(p - 2 - dev);
		struct vfd_bdf bdf;
		char slot[16];

		memcpy(out->driver, text, (size_t)(sp - text));
		if (dlen == 12) {
			memcpy(slot, dev, 12);
			slot[12] = '\0';
			if (vfd_bdf_parse(slot, &bdf) == 0)
				memcpy(out->slot, slot, 13);
		}
	}
	return 1;
}

/* the first full PCI address in @text, into @slot (13 bytes); false when none */
static bool first_slot(const char *text, char *slot)
{
	for (const char *p = text; (p = strchr(p, ':')); p++) {
		struct vfd_bdf bdf;

		if (p - text < 4)
			continue;
		memcpy(slot, p - 4, 12);
		slot[12] = '\0';
		if (strnlen(p - 4, 12) == 12 && vfd_bdf_parse(slot, &bdf) == 0 &&
		    slot[4] == ':' && slot[7] == ':' && slot[10] == '.')
			return true;
	}
	return false;
}

static bool names_driver(const char *text, const char *drv)
{
	size_t len = strlen(drv);
	char tag[72];

	if (!len || len > 32)
		return false;
	/* "amdgpu 0000:..", "amdgpu: probe of ..", "[drm:amdgpu_x [amdgpu]]", "[drm] amdgpu: .." */
	if (strncmp(text, drv, len) == 0 && (text[len] == ' ' || text[len] == ':'))
		return true;
	snprintf(tag, sizeof(tag), "[%s]", drv);
	if (strstr(text, tag))
		return true;
	snprintf(tag, sizeof(tag), "[drm:%s_", drv);
	return strstr(text, tag) != NULL;
}

/* Is this log line about @d: it names its slot, or (naming no other) its driver? */
static bool line_about(const char *text, const struct gdev *d)
{
	char slot[16];

	if (first_slot(text, slot))
		return strcmp(slot, d->slot) == 0 || strstr(text, d->slot) != NULL;
	if (d->driver && names_driver(text, d->driver))
		return true;
	for (char **m = d->modules; m && *m; m++)
		if (names_driver(text, *m))
			return true;
	return false;
}

/* in rising order of how much they explain: the most telling one picks the fix */
enum errkind { ERR_NONE, ERR_DRM, ERR_PROBE, ERR_INIT, ERR_FORCE_XE, ERR_FORCE_I915, ERR_ROM };

/* messages of the driver core and the DRM drivers that mean the device will not work */
static enum errkind error_kind(const char *text)
{
	if (strstr(text, "Direct firmware load for "))
		return ERR_NONE;	/* its own finding */
	if (strstr(text, "Unable to locate a BIOS ROM"))
		return ERR_ROM;
	/* i915_pci.c: "Your graphics device %04x is not properly supported by ..." */
	if (strstr(text, "Your graphics device ") && strstr(text, "is not properly supported"))
		return ERR_FORCE_I915;
	/* xe_pci.c: "... is not officially supported\nby xe driver ..." */
	if (strstr(text, "Your graphics device ") && strstr(text, "is not officially supported"))
		return ERR_FORCE_XE;
	if (strstr(text, "Fatal error during GPU init") ||
	    strstr(text, "Device initialization failed") ||
	    strstr(text, "amdgpu_device_ip_init failed") || strstr(text, "unknown chipset"))
		return ERR_INIT;
	/* drivers/base/dd.c, before and after 6.9 */
	if ((strstr(text, "probe of ") || strstr(text, "probe with driver ")) &&
	    strstr(text, " failed with error "))
		return ERR_PROBE;
	if (strstr(text, "*ERROR*"))
		return ERR_DRM;
	return ERR_NONE;
}

/* ---------------------------------------------------- Android props */

static void load_props(struct gctx *g)
{
	/* init's order (property_service.cpp); later files override earlier ones */
	static const char *const files[] = {
		"default.prop", "system/etc/prop.default", "system/build.prop",
		"system_ext/etc/build.prop", "system_ext/build.prop", "vendor/default.prop",
		"vendor/build.prop", "vendor/odm/etc/build.prop", "odm/etc/build.prop",
		"odm/build.prop", "product/etc/build.prop", "product/build.prop",
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *buf = NULL;
		size_t len = 0, before = g->props.n;
		int r = vfd_root_read_filef(g->root, PROPFILE_MAX, &buf, &len, "%s", files[i]);

		note_denied(g, files[i], r);
		if (r < 0)
			continue;
		r = vfd_props_parse(&g->props, buf, len, VFD_PROPS_FILE, files[i]);
		if (r >= 0)
			strv_addf(&g->propfiles, "/%s: %d properties (%zu new)", files[i], r,
				  g->props.n - before);
		free(buf);
	}
	g->getprop_err = 1;
	if (vfd_root_is_live(g->root) && g->android)
		g->getprop_err = vfd_getprop_run(g->opts->getprop, g->opts->getprop_timeout_ms,
						 &g->props);
}

static const char *prop(struct gctx *g, const char *key, const char **src)
{
	const char *v = vfd_props_get(&g->props, key, src);

	return v && *v ? v : NULL;
}

/* "ro.hardware.egl=mesa (/vendor/build.prop)" */
static void evidence_prop(struct vfd_finding *f, struct gctx *g, const char *key)
{
	const char *src = NULL;
	const char *v = prop(g, key, &src);

	if (v)
		finding_evidence(f, "%s=%s (%s%s)", key, v, strcmp(src, "getprop") ? "/" : "", src);
	else
		finding_evidence(f, "%s: not set%s", key,
				 g->getprop_err == 0 ? "" : " in the property files read");
	/* a file that could not be read may set it too (getprop would have the last word) */
	for (size_t i = 0; g->getprop_err != 0 && i < g->unreadable.n; i++)
		if (strstr(g->unreadable.v[i], ".prop"))
			finding_evidence(f, "/%s: unreadable, may set it too", g->unreadable.v[i]);
}

/* a library in one of the partitions' lib dirs; -1 when no such dir exists at all */
static int find_lib(struct gctx *g, const char *sub, const char *const *names, size_t n,
		    char *where, size_t size)
{
	static const char *const parts[] = { "vendor/lib64", "system/lib64", "vendor/lib",
					     "system/lib", "odm/lib64", "odm/lib" };
	bool any_dir = false;

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!vfd_root_existsf(g->root, "%s/%s", parts[i], sub))
			continue;
		any_dir = true;
		for (size_t j = 0; j < n; j++) {
			if (vfd_root_existsf(g->root, "%s/%s/%s", parts[i], sub, names[j])) {
				snprintf(where, size, "/%s/%s/%s", parts[i], sub, names[j]);
				return 1;
			}
		}
	}
	return any_dir ? 0 : -1;
}

/* ---------------------------------------------------------- findings */

struct gpu_stack {
	const char *kdriver;	/* kernel driver */
	const char *mesa;	/* Mesa's Gallium driver for it */
	const char *const vulkan[3];	/* ro.hardware.vulkan values that drive it */
	const char *kconfig;
};

static const struct gpu_stack gpu_stacks[] = {
	{ "amdgpu", "radeonsi", { "radv", "radeon", "amd" }, "CONFIG_DRM_AMDGPU" },
	{ "radeon", "r600/radeonsi", { NULL }, "CONFIG_DRM_RADEON" },
	{ "i915", "iris (crocus on older GPUs)", { "intel", "anv", NULL }, "CONFIG_DRM_I915" },
	{ "xe", "iris", { "intel", "anv", NULL }, "CONFIG_DRM_XE" },
	{ "nouveau", "nouveau", { "nouveau", "nvk", NULL }, "CONFIG_DRM_NOUVEAU" },
	{ "virtio-pci", NULL, { NULL }, NULL },
};

static const struct gpu_stack *stack_of(const char *kdriver)
{
	for (size_t i = 0; kdriver && i < ARRAY_SIZE(gpu_stacks); i++)
		if (strcmp(gpu_stacks[i].kdriver, kdriver) == 0)
			return &gpu_stacks[i];
	return NULL;
}

/* the driver a GPU of this vendor wants, for advice when nothing is known */
static const char *usual_driver(const struct gdev *d)
{
	if (!is_gpu(d))
		return NULL;
	switch (d->vendor) {
	case 0x1002:
		return "amdgpu";
	case 0x10de:
		return "nouveau";
	case 0x8086:
		return "i915";
	default:
		return NULL;
	}
}

static bool cmdline_has(struct gctx *g, const char *key)
{
	return g->cmdline && vfd_cmdline_has(g->cmdline, g->n_cmdline, key);
}

static void finding_system(struct gctx *g, struct vfd_guest_info *info)
{
	struct vfd_finding *f;
	char *sys;

	if (g->android) {
		const char *rel = prop(g, "ro.build.version.release", NULL);
		const char *model = prop(g, "ro.product.model", NULL);

		if (!model)
			model = prop(g, "ro.product.device", NULL);
		if (!model)
			model = prop(g, "ro.product.name", NULL);
		sys = xasprintf("Android%s%s%s%s%s", rel ? " " : "", rel ? rel : "",
				model ? " (" : "", model ? model : "", model ? ")" : "");
	} else {
		sys = strdup("Linux");
	}
	f = report_add(g->rep, "guest.system", LAYER, VFD_INFO, NULL, "%s guest, kernel %s",
		       sys ? sys : "?", g->release ? g->release : "unknown");
	if (g->release)
		finding_evidence(f, "/proc/sys/kernel/osrelease: %s", g->release);
	if (g->android) {
		for (size_t i = 0; i < g->propfiles.n; i++)
			finding_evidence(f, "%s", g->propfiles.v[i]);
		if (g->getprop_err == 0)
			finding_evidence(f, "getprop: %zu properties in all", g->props.n);
		else if (g->getprop_err < 0)
			finding_evidence(f, "getprop: could not be run (%s); property files only",
					 g->getprop_err == -ETIME ? "no answer in time"
								  : strerror(-g->getprop_err));
		evidence_prop(f, g, "ro.hardware");
		evidence_prop(f, g, "ro.product.manufacturer");
		evidence_prop(f, g, "ro.product.model");
		evidence_prop(f, g, "ro.product.cpu.abi");
	}
	if (info) {
		info->android = g->android;
		info->system = sys;
		info->kernel = g->release ? strdup(g->release) : NULL;
	} else {
		free(sys);
	}
}

static void finding_devices(struct gctx *g)
{
	struct vfd_finding *f;
	size_t wanted = 0;

	if (g->pci_err) {
		f = report_add(g->rep, "guest.devices", LAYER, VFD_FAIL, NULL,
			       "cannot read the guest's PCI bus: %s",
			       g->pci_err == -ENOENT ? "this system has no PCI bus"
						     : strerror(-g->pci_err));
		finding_evidence(f, "/sys/bus/pci/devices: %s", strerror(-g->pci_err));
		finding_fix(f, "a passed-through device needs a PCI bus in the guest: give the VM "
			       "a PCI machine type (QEMU q35 or pc)");
		return;
	}
	for (size_t i = 0; i < g->opts->n_expect; i++) {
		const struct vfd_devspec *e = &g->opts->expect[i];
		bool seen = false;

		for (size_t j = 0; j < g->n && !seen; j++)
			seen = g->devs[j].vendor == e->vendor && g->devs[j].device == e->device;
		if (seen)
			continue;
		f = report_add(g->rep, "guest.devices", LAYER, VFD_FAIL, NULL,
			       "no device %04x:%04x on the guest's PCI bus", e->vendor, e->device);
		finding_evidence(f, "/sys/bus/pci/devices: %zu functions, none %04x:%04x", g->n,
				 e->vendor, e->device);
		finding_fix(f, "the VM was started without it: check its configuration (QEMU "
			       "-device vfio-pci,host=...; libvirt <hostdev>) and the QEMU log");
		finding_fix(f, "on the host: vfio-doctor check %04x:%04x", e->vendor, e->device);
	}
	for (size_t i = 0; i < g->n; i++)
		wanted += g->devs[i].wanted;
	if (wanted || g->opts->n_expect)
		return;
	f = report_add(g->rep, "guest.devices", LAYER, VFD_WARN, NULL,
		       "no passed-through device on the guest's PCI bus: all %zu are emulated", g->n);
	for (size_t i = 0; i < g->n; i++) {
		const struct gdev *d = &g->devs[i];

		finding_evidence(f, "%s %04x:%04x (subsystem %04x:%04x) class %06x: %s", d->slot,
				 d->vendor, d->device, d->svendor, d->sdevice, d->class_code,
				 (d->class_code >> 16) == 0x06 ? "bridge" : "emulated");
	}
	finding_fix(f, "check the VM configuration on the host (QEMU -device vfio-pci,host=...; "
		       "libvirt <hostdev>) and run: vfio-doctor check");
	finding_fix(f, "or name the device: vfio-doctor guest --expect VENDOR:DEVICE");
}

static void fix_load_module(struct gctx *g, struct vfd_finding *f, const char *mod)
{
	if (g->android)
		finding_fix(f, "load it: insmod /%s/%s.ko (as root), and list it in /%s/modules.load "
			       "so it loads at boot", g->tree.dir, mod, g->tree.dir);
	else
		finding_fix(f, "load it: modprobe %s; at every boot: echo %s > "
			       "/etc/modules-load.d/%s.conf", mod, mod, mod);
}

/* the last lines the log has about @d besides errors (those are guest.driver-errors) */
static size_t evidence_log(struct gctx *g, struct vfd_finding *f, const struct gdev *d,
			   size_t max)
{
	size_t errors = 0, n = 0, from;
	size_t *idx = calloc(max ? max : 1, sizeof(*idx));

	if (!idx)
		return 0;
	for (size_t i = 0; i < g->kmsg.n; i++) {
		const char *t = g->kmsg.lines[i].text;

		if (error_kind(t) != ERR_NONE && line_about(t, d)) {
			errors++;
			continue;
		}
		if (max && strstr(t, d->slot) && !strstr(t, "Direct firmware load for "))
			idx[n++ % max] = i;
	}
	from = n > max ? n - max : 0;
	for (size_t k = from; k < n; k++)
		finding_kmsg(f, &g->kmsg.lines[idx[k % max]]);
	free(idx);
	return errors;
}

static void finding_unbound(struct gctx *g, struct gdev *d, const char *what)
{
	const char *usual = usual_driver(d);
	struct vfd_finding *f;
	size_t errors;

	lookup_modules(g, d);
	f = report_add(g->rep, "guest.driver", LAYER, VFD_FAIL, d->slot,
		       "no driver claimed the %s", what);
	finding_evidence(f, "/sys/bus/pci/devices/%s/driver: absent", d->slot);
	if (d->modalias)
		finding_evidence(f, "/sys/bus/pci/devices/%s/modalias: %s", d->slot, d->modalias);
	if (d->override) {
		finding_evidence(f, "/sys/bus/pci/devices/%s/driver_override: %s", d->slot,
				 d->override);
		finding_fix(f, "driver_override keeps other drivers away: echo > "
			       "/sys/bus/pci/devices/%s/driver_override; echo %s > "
			       "/sys/bus/pci/drivers_probe", d->slot, d->slot);
	}
	if (is_gpu(d) && cmdline_has(g, "nomodeset")) {
		finding_evidence(f, "/proc/cmdline: nomodeset");
		finding_fix(f, "remove nomodeset from the guest's kernel command line: with it the "
			       "DRM drivers (amdgpu, i915, nouveau) do not load");
	}
	if (!g->has_tree) {
		const struct gpu_stack *st = stack_of(usual);
		size_t len = 1;
		char *tried;

		for (size_t i = 0; i < g->tree_tried.n; i++)
			len += strlen(g->tree_tried.v[i]) + 2;
		tried = calloc(1, len);
		for (size_t i = 0; tried && i < g->tree_tried.n; i++) {
			strcat(tried, i ? ", " : "");
			strcat(tried, g->tree_tried.v[i]);
		}
		finding_evidence(f, "no module tree (modules.alias) in %s: whether the kernel has "
				    "a driver for it cannot be told", tried ? tried : "the usual places");
		free(tried);
		if (usual && vfd_root_existsf(g->root, "sys/bus/pci/drivers/%s", usual)) {
			finding_evidence(f, "/sys/bus/pci/drivers/%s: present", usual);
			finding_fix(f, "%s is in the kernel but did not take the device: see the "
				       "kernel log (dmesg | grep %s)", usual, d->slot);
		} else if (usual) {
			finding_evidence(f, "/sys/bus/pci/drivers/%s: absent", usual);
			finding_fix(f, "the usual driver, %s, is not registered: load its module, or use "
				       "a guest kernel built with %s", usual, st->kconfig);
		} else {
			finding_fix(f, "give the guest a kernel with the driver for %04x:%04x",
				    d->vendor, d->device);
		}
		evidence_log(g, f, d, 4);
		return;
	}
	if (!d->modules || !d->modules[0]) {
		finding_evidence(f, "/%s/modules.alias: no module matches", g->tree.dir);
		free(f->summary);
		f->summary = xasprintf("the guest kernel has no driver for the %s", what);
		finding_fix(f, "use a guest kernel with a driver for %04x:%04x%s%s%s", d->vendor,
			    d->device, usual ? " (" : "",
			    usual && stack_of(usual) && stack_of(usual)->kconfig ?
			    stack_of(usual)->kconfig : (usual ? usual : ""), usual ? ")" : "");
		return;
	}
	errors = evidence_log(g, f, d, 4);
	for (char **m = d->modules; *m; m++) {
		bool present = module_present(g, *m);

		finding_evidence(f, "/%s: %s matches its modalias%s", g->tree.dir, *m,
				 d->builtin ? " (built in)" :
				 present ? " and is loaded" : ", not loaded");
		if (present || d->builtin)
			finding_fix(f, "%s is there but did not take the device: %s; retry with: "
				       "echo %s > /sys/bus/pci/drivers_probe", *m, errors ?
				    "see guest.driver-errors" : "see the kernel log (dmesg)", d->slot);
		else
			fix_load_module(g, f, *m);
	}
}

static void finding_driver(struct gctx *g, struct gdev *d)
{
	char *what = describe(d);
	struct vfd_finding *f;

	if (!d->driver) {
		finding_unbound(g, d, what ? what : "device");
		free(what);
		return;
	}
	f = report_add(g->rep, "guest.driver", LAYER, VFD_OK, d->slot, "%s driven by %s",
		       what ? what : "device", d->driver);
	finding_evidence(f, "/sys/bus/pci/devices/%s/driver -> %s", d->slot, d->driver);
	if (strcmp(d->driver, "vfio-pci") == 0 || strcmp(d->driver, "pci-stub") == 0) {
		f->status = VFD_WARN;
		finding_fix(f, "%s holds the device for another VM, not for this guest: unbind it "
			       "(echo %s > /sys/bus/pci/drivers/%s/unbind) and probe again (echo %s "
			       "> /sys/bus/pci/drivers_probe)", d->driver, d->slot, d->driver,
			    d->slot);
	}
	free(what);
}

static void finding_errors(struct gctx *g, struct gdev *d)
{
	enum errkind worst = ERR_NONE;
	struct vfd_finding *f = NULL;
	size_t n = 0;

	if (!d->driver)
		lookup_modules(g, d);
	for (size_t i = 0; i < g->kmsg.n; i++) {
		const char *t = g->kmsg.lines[i].text;
		enum errkind k = error_kind(t);

		if (k == ERR_NONE || !line_about(t, d))
			continue;
		/* *ERROR* lines of drivers other than DRM's are too loose to count */
		if (k == ERR_DRM && !is_gpu(d))
			continue;
		if (!f)
			f = report_add(g->rep, "guest.driver-errors", LAYER, VFD_FAIL, d->slot,
				       "the kernel log has driver errors for this device");
		if (n++ < MAX_ERROR_LINES)
			finding_kmsg(f, &g->kmsg.lines[i]);
		if (k > worst)
			worst = k;
	}
	if (!f)
		return;
	if (n > MAX_ERROR_LINES)
		finding_evidence(f, "... %zu more lines", n - MAX_ERROR_LINES);
	/* a working driver that logged errors is worth a look, not a failure */
	if (d->driver && worst == ERR_DRM)
		f->status = VFD_WARN;
	switch (worst) {
	case ERR_ROM:
		free(f->summary);
		f->summary = xasprintf("the GPU driver found no VBIOS (ROM) for the device");
		finding_fix(f, "give the VM the GPU's ROM: on the host, vfio-doctor rom dump "
			       "HOST-ADDRESS -o gpu.rom, then QEMU -device vfio-pci,...,"
			       "romfile=gpu.rom or libvirt <rom file='gpu.rom'/>");
		finding_fix(f, "and keep the ROM BAR on (no rombar=0 / <rom bar='off'/>)");
		break;
	case ERR_FORCE_I915:
	case ERR_FORCE_XE: {
		const char *drv = worst == ERR_FORCE_XE ? "xe" : "i915";

		free(f->summary);
		f->summary = xasprintf("%s does not support this GPU (%04x) without force_probe",
				       drv, d->device);
		finding_fix(f, "use a newer guest kernel, or boot it with %s.force_probe=%04x",
			    drv, d->device);
		break;
	}
	case ERR_INIT:
	case ERR_PROBE:
		finding_fix(f, "the driver failed while starting the device: the lines above say "
			       "where; on the host, check that the whole device (every function) "
			       "was passed and that it was reset: vfio-doctor check %04x:%04x",
			    d->vendor, d->device);
		break;
	default:
		finding_fix(f, "read the lines above in the full log: dmesg | grep -i %s",
			    d->driver ? d->driver : d->slot);
		break;
	}
}

static bool fw_belongs(const struct vfd_fw_failure *fw, const struct gdev *d)
{
	if (fw->slot[0])
		return strcmp(fw->slot, d->slot) == 0;
	if (d->driver && strcmp(fw->driver, d->driver) == 0)
		return true;
	for (char **m = d->modules; m && *m; m++)
		if (strcmp(fw->driver, *m) == 0)
			return true;
	return false;
}

static void collect_fw(struct gctx *g)
{
	for (size_t i = 0; i < g->kmsg.n; i++) {
		struct vfd_fw_failure fw;
		struct vfd_fw_failure *nf;
		bool dup = false;

		if (vfd_fw_failure_parse(g->kmsg.lines[i].text, &fw) != 1)
			continue;
		for (size_t j = 0; j < g->n_fw && !dup; j++)
			dup = strcmp(g->fw[j].name, fw.name) == 0 &&
			      strcmp(g->fw[j].slot, fw.slot) == 0;
		if (dup)
			continue;
		nf = realloc(g->fw, (g->n_fw + 1) * sizeof(*nf));
		if (!nf)
			return;
		g->fw = nf;
		g->fw[g->n_fw++] = fw;
	}
	g->fw_done = calloc(g->n_fw ? g->n_fw : 1, sizeof(bool));
	if (!g->fw_done)
		g->n_fw = 0;
}

/* the firmware file where the kernel or Android's ueventd looks; -ENOENT when none */
static int find_firmware(struct gctx *g, const char *name, char *where, size_t size)
{
	static const struct { const char *dir; bool release; } dirs[] = {
		{ "lib/firmware/updates", true }, { "lib/firmware/updates", false },
		{ "lib/firmware", true }, { "lib/firmware", false },
		{ "usr/lib/firmware/updates", false }, { "usr/lib/firmware", false },
		{ "vendor/firmware", false }, { "odm/firmware", false },
		{ "system/lib/firmware", false }, { "system/etc/firmware", false },
		{ "system/vendor/firmware", false }, { "vendor/lib/firmware", false },
		{ "etc/firmware", false },
	};
	static const char *const ext[] = { "", ".xz", ".zst" };
	char *custom = NULL;

	/* firmware_class.path= adds a directory of the user's */
	if (vfd_root_readf_str(g->root, &custom, "sys/module/firmware_class/parameters/path") == 0 &&
	    custom[0] == '/' && custom[1]) {
		for (size_t e = 0; e < ARRAY_SIZE(ext); e++) {
			if (vfd_root_existsf(g->root, "%s/%s%s", custom + 1, name, ext[e])) {
				snprintf(where, size, "%s/%s%s", custom, name, ext[e]);
				free(custom);
				return 0;
			}
		}
	}
	free(custom);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		const char *rel = dirs[i].release ? g->release : "";

		if (!rel)
			continue;
		for (size_t e = 0; e < ARRAY_SIZE(ext); e++) {
			if (vfd_root_existsf(g->root, "%s%s%s/%s%s", dirs[i].dir, *rel ? "/" : "", rel,
					     name, ext[e])) {
				snprintf(where, size, "/%s%s%s/%s%s", dirs[i].dir, *rel ? "/" : "",
					 rel, name, ext[e]);
				return 0;
			}
		}
	}
	return -ENOENT;
}

static const char *debian_fw_package(const char *name)
{
	if (strncmp(name, "amdgpu/", 7) == 0 || strncmp(name, "radeon/", 7) == 0)
		return "firmware-amd-graphics";
	return "firmware-misc-nonfree";
}

static void finding_firmware(struct gctx *g, size_t i, const char *slot)
{
	const struct vfd_fw_failure *fw = &g->fw[i];
	struct vfd_finding *f;
	char where[512];

	g->fw_done[i] = true;
	if (find_firmware(g, fw->name, where, sizeof(where)) == 0) {
		f = report_add(g->rep, "guest.firmware", LAYER, VFD_INFO, slot,
			       "firmware %s failed to load directly (error %d) but is present now",
			       fw->name, fw->err);
		finding_evidence(f, "kernel log: %s%s%s: Direct firmware load for %s failed with "
				    "error %d", fw->driver, fw->slot[0] ? " " : "", fw->slot,
				 fw->name, fw->err);
		finding_evidence(f, "%s: present", where);
		finding_fix(f, "%s", g->android ?
			    "on Android the kernel tries its own paths first and ueventd then serves "
			    "/vendor/firmware: harmless when the driver works" :
			    "when the driver failed at boot, the file was missing from the initramfs: "
			    "update-initramfs -u (or dracut -f) and reboot");
		return;
	}
	f = report_add(g->rep, "guest.firmware", LAYER, VFD_FAIL, slot,
		       "firmware %s is missing: the %s driver could not load it (error %d)",
		       fw->name, fw->driver[0] ? fw->driver : "device's", fw->err);
	finding_evidence(f, "kernel log: %s%s%s: Direct firmware load for %s failed with error %d",
			 fw->driver, fw->slot[0] ? " " : "", fw->slot, fw->name, fw->err);
	finding_evidence(f, "%s: in none of /lib/firmware, /vendor/firmware, /system/lib/firmware, "
			    "/odm/firmware", fw->name);
	if (g->android) {
		finding_fix(f, "copy %s from the linux-firmware repository into the image: adb root "
			       "&& adb remount && adb push %s /vendor/firmware/%s (Android-x86: "
			       "/system/lib/firmware/%s), then reboot", fw->name,
			    strrchr(fw->name, '/') ? strrchr(fw->name, '/') + 1 : fw->name,
			    fw->name, fw->name);
	} else {
		finding_fix(f, "install the firmware package that holds %s (Debian: %s; Fedora, Arch: "
			       "linux-firmware), then update-initramfs -u (or dracut -f) and reboot",
			    fw->name, debian_fw_package(fw->name));
	}
}

/* the connectors of DRM card @card: card0-Virtual-1/status "connected" (drm_sysfs.c) */
static void connectors(struct gctx *g, struct vfd_finding *f, const char *card, size_t *n,
		       size_t *connected)
{
	size_t len = strlen(card);
	struct dirent *de;
	DIR *dir = vfd_root_opendirf(g->root, "sys/class/drm");

	while (dir && (de = readdir(dir))) {
		char *status = NULL, *modes = NULL;

		if (strncmp(de->d_name, card, len) != 0 || de->d_name[len] != '-')
			continue;
		(*n)++;
		vfd_root_readf_str(g->root, &status, "sys/class/drm/%s/status", de->d_name);
		vfd_root_readf_str(g->root, &modes, "sys/class/drm/%s/modes", de->d_name);
		if (status && strcmp(status, "connected") == 0)
			(*connected)++;
		if (modes && strchr(modes, '\n'))
			*strchr(modes, '\n') = '\0';
		finding_evidence(f, "connector %s: %s%s%s", de->d_name, status ? status : "unknown",
				 modes && *modes ? ", first mode " : "", modes ? modes : "");
		free(status);
		free(modes);
	}
	if (dir)
		closedir(dir);
}

static void finding_drm(struct gctx *g, struct gdev *d)
{
	struct vfd_finding *f;
	size_t cards = 0, renders = 0, missing = 0, nconn = 0, connected = 0;

	if (!d->driver)
		return;
	f = report_add(g->rep, "guest.drm", LAYER, VFD_OK, d->slot, "%s", "");
	for (size_t i = 0; i < g->n_drm; i++) {
		const struct drmnode *m = &g->drm[i];

		if (strcmp(m->slot, d->slot) != 0)
			continue;
		if (m->name[0] == 'c')
			cards++;
		else
			renders++;
		missing += !m->node;
		finding_evidence(f, "/sys/class/drm/%s is below %s (%s); /dev/dri/%s %s", m->name,
				 m->slot, m->driver ? m->driver : "no driver", m->name,
				 m->node ? "present" : "absent");
		if (m->name[0] == 'c')
			connectors(g, f, m->name, &nconn, &connected);
	}
	free(f->summary);
	if (!cards && !renders) {
		f->status = stack_of(d->driver) ? VFD_FAIL : VFD_WARN;
		f->summary = xasprintf("%s drives the GPU but made no DRM device (/sys/class/drm)",
				       d->driver);
		finding_fix(f, "%s", stack_of(d->driver) ?
			    "the driver stopped before registering: see guest.driver-errors and the "
			    "kernel log" :
			    "this driver is no DRM driver (a framebuffer or a stub): Mesa needs "
			    "amdgpu, i915, xe or nouveau");
		return;
	}
	if (missing) {
		f->status = VFD_WARN;
		f->summary = xasprintf("%zu of the GPU's DRM nodes are missing from /dev/dri",
				       missing);
		finding_fix(f, "%s", g->android ?
			    "ueventd creates /dev/dri nodes: check /dev/dri after boot and the "
			    "ueventd.rc lines for /dev/dri/*" :
			    "udev creates /dev/dri nodes: udevadm trigger --subsystem-match=drm");
		return;
	}
	if (!renders) {
		f->status = VFD_WARN;
		f->summary = xasprintf("the GPU has a card node but no render node (renderD*)");
		finding_fix(f, "Mesa renders through /dev/dri/renderD*: the driver or kernel is too "
			       "old for render nodes");
		return;
	}
	if (nconn)
		f->summary = xasprintf("%zu card and %zu render node%s for the GPU (%s), %zu of %zu "
				       "connectors connected", cards, renders,
				       renders == 1 ? "" : "s", d->driver, connected, nconn);
	else
		f->summary = xasprintf("%zu card and %zu render node%s for the GPU (%s)", cards,
				       renders, renders == 1 ? "" : "s", d->driver);
}

static bool is_nic(const struct gdev *d)
{
	return (d->class_code >> 16) == 0x02;
}

/* one network interface of @d: its MAC and its link (net/core/net-sysfs.c) */
static void finding_netif(struct gctx *g, struct gdev *d, const char *ifname)
{
	char *mac = NULL, *carrier = NULL, *oper = NULL, *speed = NULL;
	struct vfd_finding *f;
	bool up, fast, admin_down;
	enum vfd_status st;

	vfd_root_readf_str(g->root, &mac, "sys/class/net/%s/address", ifname);
	/* carrier reads EINVAL while the interface is down */
	vfd_root_readf_str(g->root, &carrier, "sys/class/net/%s/carrier", ifname);
	vfd_root_readf_str(g->root, &oper, "sys/class/net/%s/operstate", ifname);
	vfd_root_readf_str(g->root, &speed, "sys/class/net/%s/speed", ifname);
	up = carrier && strcmp(carrier, "1") == 0;
	/*
	 * an interface nobody brought up has no link to read: that says nothing of
	 * the device (info); brought up without carrier, the link is down (warn)
	 */
	admin_down = !carrier;
	st = up ? VFD_OK : admin_down ? VFD_INFO : VFD_WARN;
	fast = up && speed && atoi(speed) > 0;
	f = report_add(g->rep, "guest.net", LAYER, st, d->slot,
		       "%s (%s): MAC %s, link %s%s%s%s", ifname, d->driver, mac ? mac : "unknown",
		       up ? "up" : admin_down ? "unknown (interface not up)" : "down",
		       fast ? ", " : "", fast ? speed : "", fast ? " Mb/s" : "");
	finding_evidence(f, "/sys/class/net/%s/address: %s", ifname, mac ? mac : "unreadable");
	finding_evidence(f, "/sys/class/net/%s/carrier: %s", ifname,
			 carrier ? carrier : "unreadable (interface down)");
	finding_evidence(f, "/sys/class/net/%s/operstate: %s", ifname, oper ? oper : "unreadable");
	if (!up)
		finding_fix(f, "ip link set %s up; then check the cable or the virtual network "
			       "behind the device", ifname);
	free(mac);
	free(carrier);
	free(oper);
	free(speed);
}

static void finding_net(struct gctx *g, struct gdev *d)
{
	struct dirent *de;
	size_t n = 0;
	DIR *dir;

	if (!d->driver)
		return;
	dir = vfd_root_opendirf(g->root, "sys/class/net");
	while (dir && (de = readdir(dir))) {
		char slot[16];

		if (de->d_name[0] == '.')
			continue;
		class_slot(g, "net", de->d_name, slot);
		if (strcmp(slot, d->slot) != 0)
			continue;
		finding_netif(g, d, de->d_name);
		n++;
	}
	if (dir)
		closedir(dir);
	if (!n) {
		struct vfd_finding *f = report_add(g->rep, "guest.net", LAYER, VFD_FAIL, d->slot,
						   "%s drives the NIC but made no network "
						   "interface (/sys/class/net)", d->driver);

		finding_fix(f, "the driver stopped before registering: see guest.driver-errors "
			       "and the kernel log");
	}
}

static void finding_cmdline(struct gctx *g, bool gpu)
{
	struct vfd_finding *f;

	if (!gpu)
		return;
	if (cmdline_has(g, "nomodeset")) {
		f = report_add(g->rep, "guest.cmdline", LAYER, VFD_WARN, NULL,
			       "nomodeset on the guest's kernel command line keeps GPU drivers away");
		finding_evidence(f, "/proc/cmdline: %s", g->cmdline_raw);
		finding_fix(f, "remove nomodeset from the guest's boot entry%s", g->android ?
			    " (Android-x86: the GRUB entry of the installation)" :
			    " (/etc/default/grub, then update-grub)");
	}
	if (g->android) {
		const char *hw = vfd_cmdline_get(g->cmdline, g->n_cmdline, "HWACCEL");

		if (hw && strcmp(hw, "0") == 0) {
			f = report_add(g->rep, "guest.cmdline", LAYER, VFD_WARN, NULL,
				       "HWACCEL=0: Android-x86 is told to render in software");
			finding_evidence(f, "/proc/cmdline: %s", g->cmdline_raw);
			finding_fix(f, "remove HWACCEL=0 from the boot entry");
		}
	}
}

static struct gdev *the_gpu(struct gctx *g)
{
	struct gdev *first = NULL;

	for (size_t i = 0; i < g->n; i++) {
		struct gdev *d = &g->devs[i];

		if (!d->wanted || !is_gpu(d) || d->emulated)
			continue;
		if (d->driver && stack_of(d->driver))
			return d;
		if (!first)
			first = d;
	}
	return first;
}

static void finding_primary(struct gctx *g, struct gdev *gpu)
{
	struct gdev *boot = NULL, *card0 = NULL, *fbdev = NULL;
	const char *virt = NULL;
	struct vfd_finding *f;
	char fbslot[16], *procfb = NULL;

	for (size_t i = 0; i < g->n; i++)
		if (g->devs[i].boot_vga == 1)
			boot = &g->devs[i];
	for (size_t i = 0; i < g->n_drm; i++)
		if (strcmp(g->drm[i].name, "card0") == 0)
			card0 = find_dev(g, g->drm[i].slot);
	class_slot(g, "graphics", "fb0", fbslot);
	fbdev = find_dev(g, fbslot);
	if (vfd_root_read_filef(g->root, 4096, &procfb, NULL, "proc/fb") == 0)
		procfb[strcspn(procfb, "\n")] = '\0';
	if (card0 && virtual_display_name(card0))
		virt = virtual_display_name(card0);
	else if (boot && virtual_display_name(boot))
		virt = virtual_display_name(boot);
	else if (!card0 && fbdev && virtual_display_name(fbdev))
		virt = virtual_display_name(fbdev);
	if (virt) {
		struct gdev *v = card0 && virtual_display_name(card0) ? card0 :
				 boot && virtual_display_name(boot) ? boot : fbdev;

		f = report_add(g->rep, "guest.primary-display", LAYER, VFD_WARN, v->slot,
			       "the %s (%04x:%04x) is the primary display, not the passed-through "
			       "GPU %s", virt, v->vendor, v->device, gpu->slot);
	} else if (card0 == gpu || boot == gpu || fbdev == gpu) {
		f = report_add(g->rep, "guest.primary-display", LAYER, VFD_OK, gpu->slot,
			       "the passed-through GPU is the primary display");
	} else {
		f = report_add(g->rep, "guest.primary-display", LAYER, VFD_INFO, NULL,
			       "the primary display could not be told (no boot VGA, card0 or fb0)");
	}
	if (boot)
		finding_evidence(f, "/sys/bus/pci/devices/%s/boot_vga: 1 (%04x:%04x)", boot->slot,
				 boot->vendor, boot->device);
	for (size_t i = 0; i < g->n_drm; i++)
		if (strcmp(g->drm[i].name, "card0") == 0)
			finding_evidence(f, "/sys/class/drm/card0 is below %s (%s)",
					 g->drm[i].slot[0] ? g->drm[i].slot : "not PCI",
					 g->drm[i].driver ? g->drm[i].driver : "no driver");
	if (fbslot[0])
		finding_evidence(f, "/sys/class/graphics/fb0 is below %s", fbslot);
	if (procfb && *procfb)
		finding_evidence(f, "/proc/fb: %s", procfb);
	if (virt) {
		if (g->android)
			finding_fix(f, "Android draws on card0: remove the emulated display from the "
				       "VM so the GPU becomes card0 (QEMU: -vga none and no "
				       "virtio-vga/virtio-gpu/qxl device; libvirt: <video><model "
				       "type='none'/></video>)");
		else
			finding_fix(f, "the desktop runs on the emulated display: remove it from the "
				       "VM (QEMU: -vga none; libvirt: <video><model type='none'/>"
				       "</video>), or run programs on the GPU with DRI_PRIME=1");
	}
	free(procfb);
}

static bool value_in(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n && list[i]; i++)
		if (strcmp(v, list[i]) == 0)
			return true;
	return false;
}

static void fix_prop(struct gctx *g, struct vfd_finding *f, const char *key, const char *want)
{
	const char *src = NULL;

	prop(g, key, &src);
	if (src && strcmp(src, "getprop") != 0)
		finding_fix(f, "set %s=%s in /%s (adb root && adb remount, edit the line, "
			       "reboot)", key, want, src);
	else
		finding_fix(f, "set %s=%s in /vendor/build.prop (adb root && adb remount, add the "
			       "line, reboot)", key, want);
}

static void finding_egl(struct gctx *g, struct gdev *gpu)
{
	static const char *const software[] = { "swiftshader", "emulation", "goldfish", "ranchu" };
	const struct gpu_stack *st = stack_of(gpu->driver);
	const char *egl = prop(g, "ro.hardware.egl", NULL);
	const char *vk = prop(g, "ro.hardware.vulkan", NULL);
	struct vfd_finding *f;
	char where[256];

	if (!gpu->driver || !st || !st->mesa)
		return;
	if (!egl) {
		f = report_add(g->rep, "guest.egl", LAYER, VFD_INFO, gpu->slot,
			       "ro.hardware.egl is not set%s: the EGL loader's default applies",
			       g->getprop_err == 0 ? "" : " in the property files");
		evidence_prop(f, g, "ro.hardware.egl");
		if (g->getprop_err != 0)
			finding_fix(f, "see the value in use with: adb shell getprop ro.hardware.egl "
				       "(it may be set at boot); Mesa is \"mesa\"");
		return;
	}
	if (strcmp(egl, "mesa") == 0) {
		const char *names[] = { "libGLES_mesa.so", "libEGL_mesa.so" };
		int r = find_lib(g, "egl", names, ARRAY_SIZE(names), where, sizeof(where));

		f = report_add(g->rep, "guest.egl", LAYER, r == 0 ? VFD_FAIL : VFD_OK, gpu->slot,
			       r == 0 ? "ro.hardware.egl=mesa but Mesa's EGL library is missing" :
			       "EGL is Mesa (%s for %s)", st->mesa, gpu->driver);
		evidence_prop(f, g, "ro.hardware.egl");
		if (r == 1)
			finding_evidence(f, "%s: present", where);
		if (r == 0)
			finding_fix(f, "the image lacks /vendor/lib64/egl/libEGL_mesa.so (or "
				       "libGLES_mesa.so): use an image built with Mesa (Android-x86, "
				       "BlissOS)");
		return;
	}
	if (strcmp(egl, "angle") == 0 && vk && value_in(vk, st->vulkan, ARRAY_SIZE(st->vulkan))) {
		f = report_add(g->rep, "guest.egl", LAYER, VFD_OK, gpu->slot,
			       "EGL is ANGLE on the GPU's Vulkan driver (%s)", vk);
		evidence_prop(f, g, "ro.hardware.egl");
		evidence_prop(f, g, "ro.hardware.vulkan");
		return;
	}
	f = report_add(g->rep, "guest.egl", LAYER, VFD_WARN, gpu->slot,
		       "ro.hardware.egl=%s: Android does not render with Mesa on the %s GPU%s", egl,
		       gpu->driver, value_in(egl, software, ARRAY_SIZE(software)) ||
		       strcmp(egl, "angle") == 0 ? " (software rendering)" : "");
	evidence_prop(f, g, "ro.hardware.egl");
	if (strcmp(egl, "angle") == 0)
		evidence_prop(f, g, "ro.hardware.vulkan");
	fix_prop(g, f, "ro.hardware.egl", "mesa");
}

static void finding_vulkan(struct gctx *g, struct gdev *gpu)
{
	static const char *const software[] = { "swiftshader", "pastel", "lvp", "lavapipe" };
	const struct gpu_stack *st = stack_of(gpu->driver);
	const char *vk = prop(g, "ro.hardware.vulkan", NULL);
	struct vfd_finding *f;
	char where[256];

	if (!gpu->driver || !st || !st->mesa)
		return;
	if (!vk) {
		f = report_add(g->rep, "guest.vulkan", LAYER, VFD_INFO, gpu->slot,
			       "ro.hardware.vulkan is not set: no Vulkan driver is chosen");
		evidence_prop(f, g, "ro.hardware.vulkan");
		return;
	}
	if (value_in(vk, st->vulkan, ARRAY_SIZE(st->vulkan))) {
		char lib[64];
		const char *names[] = { lib };
		int r;

		snprintf(lib, sizeof(lib), "vulkan.%s.so", vk);
		r = find_lib(g, "hw", names, 1, where, sizeof(where));
		f = report_add(g->rep, "guest.vulkan", LAYER, r == 0 ? VFD_WARN : VFD_OK, gpu->slot,
			       r == 0 ? "ro.hardware.vulkan=%s but %s is missing" :
			       "Vulkan driver %s for %s", vk, r == 0 ? lib : gpu->driver);
		evidence_prop(f, g, "ro.hardware.vulkan");
		if (r == 1)
			finding_evidence(f, "%s: present", where);
		return;
	}
	if (value_in(vk, software, ARRAY_SIZE(software))) {
		f = report_add(g->rep, "guest.vulkan", LAYER, VFD_INFO, gpu->slot,
			       "Vulkan is %s, in software, not on the GPU", vk);
	} else {
		f = report_add(g->rep, "guest.vulkan", LAYER, VFD_WARN, gpu->slot,
			       "ro.hardware.vulkan=%s does not drive the %s GPU", vk, gpu->driver);
	}
	evidence_prop(f, g, "ro.hardware.vulkan");
	if (st->vulkan[0])
		fix_prop(g, f, "ro.hardware.vulkan", st->vulkan[0]);
}

static void finding_gralloc(struct gctx *g, struct gdev *gpu)
{
	static const char *const emulator[] = { "goldfish", "ranchu", "emulation" };
	const char *gr = prop(g, "ro.hardware.gralloc", NULL);
	struct vfd_finding *f;

	if (!gpu->driver || !stack_of(gpu->driver))
		return;
	if (gr && value_in(gr, emulator, ARRAY_SIZE(emulator))) {
		f = report_add(g->rep, "guest.gralloc", LAYER, VFD_WARN, gpu->slot,
			       "gralloc is the emulator's (%s): buffers are not allocated on the GPU",
			       gr);
		fix_prop(g, f, "ro.hardware.gralloc", "gbm");
	} else {
		f = report_add(g->rep, "guest.gralloc", LAYER, VFD_INFO, gpu->slot, "gralloc: %s",
			       gr ? gr : "not set (the default module)");
	}
	evidence_prop(f, g, "ro.hardware.gralloc");
	evidence_prop(f, g, "ro.hardware.hwcomposer");
}

static void finding_access(struct gctx *g)
{
	struct vfd_finding *f;

	if (g->kmsg_err == -EACCES || g->kmsg_err == -EPERM)
		note_denied(g, "dev/kmsg", g->kmsg_err);
	if (!g->unreadable.n)
		return;
	f = report_add(g->rep, "guest.access", LAYER, VFD_INFO, NULL,
		       "%zu file%s could not be read without root: %s", g->unreadable.n,
		       g->unreadable.n == 1 ? "" : "s",
		       g->kmsg_err == -EACCES || g->kmsg_err == -EPERM ?
		       "firmware and driver errors in the kernel log were not checked" :
		       "some checks are incomplete");
	for (size_t i = 0; i < g->unreadable.n; i++)
		finding_evidence(f, "/%s: permission denied", g->unreadable.v[i]);
	finding_fix(f, "%s", g->android ? "run it as root: adb root, then adb shell again (or su "
					  "-c on a rooted image)" : "run it as root (sudo)");
}

static void ctx_clear(struct gctx *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->devs[i].driver);
		free(g->devs[i].override);
		free(g->devs[i].modalias);
		vfd_strv_free(g->devs[i].modules);
	}
	free(g->devs);
	for (size_t i = 0; i < g->n_drm; i++)
		free(g->drm[i].driver);
	free(g->drm);
	vfd_kmsg_clear(&g->kmsg);
	free(g->release);
	free(g->cmdline_raw);
	vfd_cmdline_free(g->cmdline, g->n_cmdline);
	vfd_props_clear(&g->props);
	strv_builder_clear(&g->propfiles);
	strv_builder_clear(&g->unreadable);
	strv_builder_clear(&g->tree_tried);
	modtree_clear(&g->tree);
	free(g->fw);
	free(g->fw_done);
}

int vfd_guest_run(struct vfd_root *root, const struct vfd_guest_opts *opts,
		  struct vfd_guest_info *info, struct vfd_report *report)
{
	static const struct vfd_guest_opts no_opts;
	struct gctx g = { 0 };
	struct gdev *gpu;
	bool any_gpu = false;
	int r;

	if (!root || !report)
		return -EINVAL;
	if (info)
		memset(info, 0, sizeof(*info));
	g.root = root;
	g.rep = report;
	g.opts = opts ? opts : &no_opts;
	if (vfd_root_readf_str(root, &g.release, "proc/sys/kernel/osrelease") < 0 &&
	    vfd_root_is_live(root)) {
		struct utsname u;

		if (uname(&u) == 0)
			g.release = strdup(u.release);
	}
	/* it names the module directory: a stranger's "../.." is no release */
	if (g.release && !vfd_release_is_valid(g.release)) {
		free(g.release);
		g.release = NULL;
	}
	if (vfd_root_readf_str(root, &g.cmdline_raw, "proc/cmdline") == 0) {
		g.n_cmdline = vfd_cmdline_split(g.cmdline_raw, &g.cmdline);
		if (g.n_cmdline < 0)
			g.n_cmdline = 0;
	}
	g.android = vfd_root_existsf(root, "system/build.prop") ||
		    vfd_root_existsf(root, "system/bin/getprop") ||
		    vfd_root_existsf(root, "vendor/build.prop");
	load_props(&g);
	r = scan_pci(&g);
	if (r == 0)
		r = scan_drm(&g);
	if (r < 0)
		goto out;
	find_tree(&g);
	g.kmsg_err = vfd_kmsg_read(root, &g.kmsg);
	for (size_t i = 0; i < g.n; i++)
		if (g.devs[i].wanted && !g.devs[i].driver)
			lookup_modules(&g, &g.devs[i]);
	collect_fw(&g);

	finding_system(&g, info);
	finding_devices(&g);
	for (size_t i = 0; i < g.n; i++) {
		struct gdev *d = &g.devs[i];

		if (!d->wanted)
			continue;
		any_gpu |= is_gpu(d) && !d->emulated;
		finding_driver(&g, d);
		finding_errors(&g, d);
		for (size_t j = 0; j < g.n_fw; j++)
			if (!g.fw_done[j] && fw_belongs(&g.fw[j], d))
				finding_firmware(&g, j, d->slot);
		if (is_gpu(d))
			finding_drm(&g, d);
		if (is_nic(d))
			finding_net(&g, d);
		/* audio, USB, NVMe: lib/guest/guest-class.c */
		vfd_guest_class_check(g.root, g.rep, d->slot, d->class_code, d->driver);
	}
	for (size_t j = 0; j < g.n_fw; j++)
		if (!g.fw_done[j])
			finding_firmware(&g, j, g.fw[j].slot[0] ? g.fw[j].slot : NULL);
	finding_cmdline(&g, any_gpu);
	gpu = the_gpu(&g);
	if (gpu)
		finding_primary(&g, gpu);
	if (gpu && g.android) {
		finding_egl(&g, gpu);
		finding_vulkan(&g, gpu);
		finding_gralloc(&g, gpu);
	}
	finding_access(&g);
out:
	ctx_clear(&g);
	return r;
}

void vfd_guest_info_clear(struct vfd_guest_info *info)
{
	if (!info)
		return;
	free(info->system);
	free(info->kernel);
	memset(info, 0, sizeof(*info));
}
