// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether a passed-through function has a driver, what the kernel log says
 * went wrong with it, and the firmware its driver failed to load.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest-internal.h"

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

/* the driver a GPU of this vendor wants, for advice when nothing is known */
static const char *usual_driver(const struct gdev *d)
{
	if (!guest_is_gpu(d))
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

static void fix_load_module(struct gctx *g, struct vfd_finding *f, const char *mod)
{
	if (g->android)
		finding_fix(f, "load it: insmod /%s/%s.ko (as root), and list it in /%s/modules.load "
			       "so it loads at boot", g->tree_dir, mod, g->tree_dir);
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

	guest_lookup_modules(g, d);
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
	if (guest_is_gpu(d) && guest_cmdline_has(g, "nomodeset")) {
		finding_evidence(f, "/proc/cmdline: nomodeset");
		finding_fix(f, "remove nomodeset from the guest's kernel command line: with it the "
			       "DRM drivers (amdgpu, i915, nouveau) do not load");
	}
	if (!g->has_tree) {
		const struct gpu_stack *st = guest_stack_of(usual);
		struct tbuf places = { 0 };
		char *tried;

		for (size_t i = 0; i < g->tree_tried.n; i++)
			tbuf_addf(&places, "%s%s", i ? ", " : "", g->tree_tried.v[i]);
		tried = tbuf_take(&places, NULL);
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
		finding_evidence(f, "/%s/modules.alias: no module matches", g->tree_dir);
		free(f->summary);
		f->summary = xasprintf("the guest kernel has no driver for the %s", what);
		finding_fix(f, "use a guest kernel with a driver for %04x:%04x%s%s%s", d->vendor,
			    d->device, usual ? " (" : "",
			    usual && guest_stack_of(usual) && guest_stack_of(usual)->kconfig ?
			    guest_stack_of(usual)->kconfig : (usual ? usual : ""), usual ? ")" : "");
		return;
	}
	errors = evidence_log(g, f, d, 4);
	for (char **m = d->modules; *m; m++) {
		bool present = guest_module_present(g, *m);

		finding_evidence(f, "/%s: %s matches its modalias%s", g->tree_dir, *m,
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

void guest_finding_driver(struct gctx *g, struct gdev *d)
{
	char *what = guest_describe(d);
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

void guest_finding_errors(struct gctx *g, struct gdev *d)
{
	enum errkind worst = ERR_NONE;
	struct vfd_finding *f = NULL;
	size_t n = 0;

	if (!d->driver)
		guest_lookup_modules(g, d);
	for (size_t i = 0; i < g->kmsg.n; i++) {
		const char *t = g->kmsg.lines[i].text;
		enum errkind k = error_kind(t);

		if (k == ERR_NONE || !line_about(t, d))
			continue;
		/* *ERROR* lines of drivers other than DRM's are too loose to count */
		if (k == ERR_DRM && !guest_is_gpu(d))
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

bool guest_fw_belongs(const struct vfd_fw_failure *fw, const struct gdev *d)
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

void guest_collect_fw(struct gctx *g)
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

void guest_finding_firmware(struct gctx *g, size_t i, const char *slot)
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
