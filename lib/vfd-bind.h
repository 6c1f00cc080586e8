/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: binding devices to vfio-pci and giving them back. Include "vfd.h", not this file. */
#ifndef LIBVFD_BIND_H
#define LIBVFD_BIND_H

#include "vfd-root.h"
#include "vfd-findings.h"

/* ---------------------------------------------------------- bind */

/* What bind changed for one device: kept in run/vfio-doctor/bindings/<slot>. */
struct vfd_binding_record {
	char slot[16];
	char *driver;		/* driver before bind, or NULL */
	char *override;		/* driver_override before bind, or NULL */
};

/*
 * -ENOENT when there is no record for @slot; -EBADMSG when its driver or
 * override is not a driver name (vfd_driver_name_valid): a record is never
 * trusted to name a path
 */
int vfd_record_load(struct vfd_root *root, const char *slot, struct vfd_binding_record *rec);
void vfd_record_clear(struct vfd_binding_record *rec);
/*
 * A PCI driver's name as sysfs shows it (a directory of sys/bus/pci/drivers):
 * 1 to 255 printable ASCII bytes, no '/' or blank, not "." or "..".
 */
bool vfd_driver_name_valid(const char *name);

enum vfd_step_kind {
	VFD_STEP_OVERRIDE,	/* write driver_override */
	VFD_STEP_UNBIND,	/* write the slot to drivers/DRIVER/unbind */
	VFD_STEP_BIND,		/* write the slot to drivers/DRIVER/bind */
	VFD_STEP_PROBE,		/* write the slot to drivers_probe */
};

/* one sysfs write of a plan */
struct vfd_step {
	enum vfd_step_kind kind;
	char slot[16];
	char *path;		/* relative to the root, e.g. sys/bus/pci/drivers_probe */
	char *value;		/* what is written ("\n" clears driver_override) */
	char *expect;		/* after a PROBE or BIND: the driver that must hold it, or NULL */
};

/* a device the plan changes, and what it had before */
struct vfd_target {
	char slot[16];
	char *driver;
	char *override;
	int group;
};

struct vfd_plan {
	struct vfd_target *targets;
	size_t ntargets;
	struct vfd_step *steps;
	size_t nsteps;
	/* why the plan may not run: uses of the devices, non-viable groups, bridges */
	struct vfd_report problems;
	bool refused;		/* a problem that --force (or --allow-nonviable) must overrule */
	const char *driver;	/* the driver the plan binds to, "" to give devices back */
};

struct vfd_bind_opts {
	bool group;		/* every non-bridge device of the named devices' groups */
	bool allow_nonviable;	/* bind even if the group stays non-viable */
	bool force;		/* bind devices the host is using */
};

/*
 * vfd_plan_bind - plan giving @devices (device arguments) to vfio-pci with
 * driver_override + drivers_probe. Devices already on vfio-pci are left out.
 * The host's use of each device (vfd_host_device_uses) and the group's
 * viability become plan->problems; plan->refused says whether they stop it.
 * Returns 0, -EINVAL for a bad device argument, -ENODEV when one matches
 * nothing, -ENOMEM.
 */
int vfd_plan_bind(struct vfd_host *host, const char *const *devices,
		  const struct vfd_bind_opts *opts, struct vfd_plan *plan);
/* the same for devices already resolved (lib/select.h), @n of them */
int vfd_plan_bind_devices(struct vfd_host *host, struct vfd_pcidev *const *devices, size_t n,
			  const struct vfd_bind_opts *opts, struct vfd_plan *plan);
/*
 * vfd_plan_restore - plan giving devices back: to the driver in their record,
 * or, without a record, to whatever driver the kernel picks; driver_override
 * is put back (cleared when there was none). @devices NULL means every
 * recorded device. Returns as vfd_plan_bind.
 */
int vfd_plan_restore(struct vfd_host *host, const char *const *devices, struct vfd_plan *plan);
/* the same for devices already resolved (lib/select.h), @n of them */
int vfd_plan_restore_devices(struct vfd_host *host, struct vfd_pcidev *const *devices, size_t n,
			     struct vfd_plan *plan);

struct vfd_apply_result {
	size_t done;		/* steps that succeeded */
	int err;		/* errno of the failing step, 0 on success */
	size_t failed;		/* index of the failing step when err != 0 */
	bool rolled_back;	/* the devices were given back their previous state */
	int rollback_err;	/* first error while rolling back, 0 if none */
	char *detail;		/* e.g. the kernel log lines of a failed probe */
};

/*
 * vfd_plan_apply - run the plan as a transaction: records first (bind), then
 * every write; after each PROBE/BIND the driver link must show the expected
 * driver. On a failure every target is put back as it was, and @res says
 * which step failed and why. Loads vfio-pci first when binding on the live
 * host and waits (up to 5 s) for /dev/vfio/N. Returns 0 or the negative errno
 * of the failing step.
 */
int vfd_plan_apply(struct vfd_host *host, struct vfd_plan *plan, struct vfd_apply_result *res);
void vfd_plan_clear(struct vfd_plan *plan);
void vfd_apply_result_clear(struct vfd_apply_result *res);
/* what an errno means for a sysfs write of this kind (static string) */
const char *vfd_step_strerror(enum vfd_step_kind kind, int err);

#endif
