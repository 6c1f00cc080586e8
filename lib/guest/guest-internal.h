/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of `vfio-doctor guest` share (lib/guest/guest*.c): the run's
 * context, the guest's view of a PCI function, and the checks each file
 * gives the run. Not included outside lib/guest.
 */
#ifndef VFD_GUEST_INTERNAL_H
#define VFD_GUEST_INTERNAL_H

#include "internal.h"

#define LAYER "guest"
#define PROPFILE_MAX (1u << 20)
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

struct gctx {
	struct vfd_root *root;
	struct vfd_host *host;		/* the PCI bus, as the host model reads it */
	struct vfd_report *rep;
	const struct vfd_guest_opts *opts;
	struct gdev *devs;
	size_t n;
	int pci_err;
	size_t refused_seen;		/* host_refused() entries already noted */
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
	char *tree_dir;		/* the module tree, relative to the root */
	struct vfd_modules *mods;	/* its aliases, and module state */
	bool has_tree;
	struct strv_builder tree_tried;
	struct vfd_fw_failure *fw;
	size_t n_fw;
	bool *fw_done;
};

struct gpu_stack {
	const char *kdriver;	/* kernel driver */
	const char *mesa;	/* Mesa's Gallium driver for it */
	const char *const vulkan[3];	/* ro.hardware.vulkan values that drive it */
	const char *kconfig;
};

/* guest-read.c: reading through the root, noting what was refused */
void guest_note_denied(struct gctx *g, const char *path, int r);
int guest_read_str(struct gctx *g, char **out, const char *path);
unsigned int guest_read_hex(struct gctx *g, const char *slot, const char *attr, bool *ok);
bool guest_cmdline_has(struct gctx *g, const char *key);

/* guest-pci.c: the PCI bus (the host model) and the module tree */
const char *guest_virtual_display_name(const struct gdev *d);
bool guest_is_gpu(const struct gdev *d);
bool guest_is_nic(const struct gdev *d);
char *guest_describe(const struct gdev *d);
int guest_scan_pci(struct gctx *g);
struct gdev *guest_find_dev(struct gctx *g, const char *slot);
void guest_class_slot(struct gctx *g, const char *cls, const char *name, char *slot);
void guest_find_tree(struct gctx *g);
void guest_lookup_modules(struct gctx *g, struct gdev *d);
bool guest_module_present(struct gctx *g, const char *name);

/* guest-driver.c: drivers, their errors in the log, firmware */
void guest_finding_driver(struct gctx *g, struct gdev *d);
void guest_finding_errors(struct gctx *g, struct gdev *d);
bool guest_fw_belongs(const struct vfd_fw_failure *fw, const struct gdev *d);
void guest_collect_fw(struct gctx *g);
void guest_finding_firmware(struct gctx *g, size_t i, const char *slot);

/* guest-gpu.c: DRM nodes, the GPU stacks, the primary display */
int guest_scan_drm(struct gctx *g);
const struct gpu_stack *guest_stack_of(const char *kdriver);
void guest_finding_drm(struct gctx *g, struct gdev *d);
void guest_finding_cmdline(struct gctx *g, bool gpu);
struct gdev *guest_the_gpu(struct gctx *g);
void guest_finding_primary(struct gctx *g, struct gdev *gpu);

/* guest-bootfb.c: whether the firmware drew on a passed-through GPU (@gpu, the
 * first of them) before the kernel */
void guest_finding_boot_display(struct gctx *g, struct gdev *gpu);

/* guest-android.c: Android properties and the graphics stack they choose */
void guest_load_props(struct gctx *g);
const char *guest_prop(struct gctx *g, const char *key, const char **src);
void guest_evidence_prop(struct vfd_finding *f, struct gctx *g, const char *key);
void guest_finding_egl(struct gctx *g, struct gdev *gpu);
void guest_finding_vulkan(struct gctx *g, struct gdev *gpu);
void guest_finding_gralloc(struct gctx *g, struct gdev *gpu);

/* guest-net.c: network interfaces */
void guest_finding_net(struct gctx *g, struct gdev *d);

#endif
