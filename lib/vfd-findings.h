/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: findings: what a check concluded and the evidence it read. Include "vfd.h", not this file. */
#ifndef LIBVFD_FINDINGS_H
#define LIBVFD_FINDINGS_H

#include "vfd-root.h"
#include "vfd-pci.h"

/* ------------------------------------------------------- findings */

enum vfd_status { VFD_OK, VFD_INFO, VFD_WARN, VFD_FAIL, VFD_SKIP };

struct vfd_finding {
	char *id;		/* "iommu.enabled": stable, documented */
	char *layer;		/* platform, firmware, iommu, modules, device, vm */
	enum vfd_status status;
	char *device;		/* slot or NULL */
	char *summary;		/* one line */
	char **evidence;	/* NULL-terminated: "file: what it held" */
	char **fix;		/* NULL-terminated: commands or steps */
};

struct vfd_report {
	struct vfd_finding *findings;
	size_t n, cap;
};

const char *vfd_status_name(enum vfd_status status);
/* worst status of the report (skip and info count as ok) */
enum vfd_status vfd_report_worst(const struct vfd_report *report);
void vfd_report_clear(struct vfd_report *report);
/* a copy of every finding of @src at the end of @dst: 0 or -ENOMEM */
int vfd_report_append(struct vfd_report *dst, const struct vfd_report *src);

struct vfd_selection;

struct vfd_check_opts {
	const char *const *devices;	/* device arguments, NULL-terminated, or NULL */
	/* or the devices already selected (lib/checks/select.h); @devices is then not read */
	const struct vfd_selection *selection;
	const char *user;		/* --user NAME for node access, or NULL */
	bool preflight;			/* also open each device through VFIO (vfd_preflight_run) */
};

/*
 * vfd_check_run - the layered diagnosis (platform, firmware, iommu, modules,
 * device) of DESIGN.md, appended to @report.
 * Returns 0, -EINVAL for a device argument of the wrong form, -ENODEV for one
 * that matches no device (report then holds nothing), -ENOMEM. A caller that
 * must name the argument selects the devices first (vfd_select) and passes
 * opts->selection.
 */
int vfd_check_run(struct vfd_host *host, const struct vfd_check_opts *opts,
		  struct vfd_report *report);

#endif
