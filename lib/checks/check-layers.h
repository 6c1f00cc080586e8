/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside vfd_check_run (lib/checks/check.c): what it gathers once for every
 * layer, and the layers it calls. Calls go one way: check.c gathers and calls
 * the layers (check-host.c, check-device.c, preflight.c's check_preflight);
 * the layers read the context and never call back into check.c.
 */
#ifndef VFD_CHECK_LAYERS_H
#define VFD_CHECK_LAYERS_H

#include <stdbool.h>
#include <sys/stat.h>

#include "internal.h"
#include "select.h"

/* The context every layer check gets, filled by check.c before the first layer runs. */
struct check_ctx {
	struct vfd_host *host;
	struct vfd_root *root;
	struct vfd_report *report;
	const struct vfd_check_opts *opts;
	const struct vfd_selection *selection;	/* the devices named, or NULL when none */
	struct vfd_system sys;
	struct vfd_kmsg kmsg;
	int kmsg_err;			/* 0, or why the kernel log could not be read */
	struct vfd_cmdline_token *cmdline;
	int n_cmdline;
	char *cmdline_raw;
	char *cpu_vendor;		/* "GenuineIntel", "AuthenticAMD", or NULL */
	bool cpu_vmx, cpu_svm;
	bool iommu_active;		/* groups exist */
	struct vfd_modules *mods;
};

/* check-host.c */
void check_platform(struct check_ctx *ctx);
void check_firmware(struct check_ctx *ctx);
void check_iommu(struct check_ctx *ctx);
void check_modules(struct check_ctx *ctx);
/* check-device.c: the devices named, or those bound to vfio-pci when none is */
void check_devices(struct check_ctx *ctx);
/* preflight.c: with --preflight, fold vfd_preflight_run() of @d into the report */
void check_preflight(struct check_ctx *ctx, struct vfd_pcidev *d);

/*
 * check-access.c: with --user, may that account open @path (stat @st,
 * described as @node)? When not, @f becomes a warning naming the user;
 * returns true then, so the caller adds the fix that fits the node.
 */
bool finding_user_access(struct check_ctx *ctx, struct vfd_finding *f, const struct stat *st,
			 const char *path, const char *node);

#endif
