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

/*
 * The findings catalogue (lib/checks/findings-catalogue.c): one entry per
 * finding id the library reports. The man page's FINDINGS list is made from
 * it, explain reads its flags, and the tests check every reported id is in it.
 */
#define VFD_KIND_WHEN_WRONG	1u	/* reported only when something is wrong: a check
					   that ran and did not report it found it fine */
#define VFD_KIND_PER_DEVICE	2u	/* made by check's device layer, per device */

struct vfd_finding_kind {
	const char *id;		/* "iommu.enabled"; for a family, "stem.NAME" */
	const char *layer;	/* what its findings carry in vfd_finding.layer */
	unsigned int flags;	/* VFD_KIND_* */
	/* WHEN_WRONG: the finding whose skip says the check could not run, or NULL */
	const char *skip_id;
	/* a family (device.preflight.STEP): whether NAME is one of its members */
	bool (*member)(const char *name);
	const char *text;	/* one sentence: what the finding is about */
};

size_t vfd_finding_kind_count(void);
const struct vfd_finding_kind *vfd_finding_kind_at(size_t index);
/* the entry of @id (a member of a family included), NULL when not catalogued */
const struct vfd_finding_kind *vfd_finding_kind_find(const char *id);

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
