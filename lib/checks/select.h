/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device selection: the device arguments of a command (DDDD:BB:DD.F, BB:DD.F,
 * VVVV:DDDD) parsed once, resolved on the host model and expanded to the
 * other functions of their slot or to their IOMMU group; and the judgement of
 * whether each selected device may be taken from the host.
 */
#ifndef VFD_SELECT_H
#define VFD_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "vfd.h"

enum vfd_expand {
	VFD_EXPAND_NONE,	/* the devices named, every match of IDs */
	VFD_EXPAND_SLOT,	/* and the other functions of their slot (not for VFs) */
	VFD_EXPAND_GROUP,	/* and every non-bridge device of their IOMMU group */
};

struct vfd_selection {
	const char *const *args;	/* the arguments (borrowed), NULL-terminated */
	struct vfd_devspec *specs;	/* args parsed, one each */
	size_t nargs;
	struct vfd_pcidev **devs;	/* each device once, in the order found */
	int *arg;			/* argument that named devs[i], -1 when brought along */
	size_t n;
	int bad_arg;			/* index of the argument that failed, -1 when none */
};

/*
 * vfd_selection_parse - parse @args (NULL-terminated, borrowed until
 * vfd_selection_clear) without a host, so that a command rejects a bad
 * argument before it reads the host.
 * Returns: 0; -EINVAL when args[sel->bad_arg] is none of the forms; -ENOMEM.
 * On error @sel holds nothing but args and bad_arg.
 */
int vfd_selection_parse(const char *const *args, struct vfd_selection *sel);
/*
 * vfd_selection_resolve - the devices of the parsed arguments on @host,
 * expanded as @expand says.
 * Returns: 0; -ENODEV when args[sel->bad_arg] matches no device; -ENOMEM.
 * On error @sel holds no devices.
 */
int vfd_selection_resolve(struct vfd_host *host, struct vfd_selection *sel,
			  enum vfd_expand expand);
/*
 * vfd_select - vfd_selection_parse and vfd_selection_resolve in one.
 * Returns: as they do; on error @sel holds nothing but args and bad_arg.
 */
int vfd_select(struct vfd_host *host, const char *const *args, enum vfd_expand expand,
	       struct vfd_selection *sel);
void vfd_selection_clear(struct vfd_selection *sel);
/* the first device that argument @arg named, or NULL */
struct vfd_pcidev *vfd_selection_named_by(const struct vfd_selection *sel, int arg);
/* the index in @sel->devs of the first named device no guest can have (a bridge), or -1 */
int vfd_selection_first_unassignable(const struct vfd_selection *sel);
/* the slots of the selection as a new NULL-terminated list (vfd_strv_free), or NULL */
char **vfd_selection_slots(const struct vfd_selection *sel);

/* What taking devices from the host may cost, and what the options allow. */
struct vfd_take_opts {
	const char *prefix;	/* of the finding ids: "bind" gives "bind.in-use" */
	bool force;		/* a device the host uses becomes a warning */
	bool allow_nonviable;	/* a group left non-viable becomes a warning */
};

/*
 * vfd_take_judge_device - whether @d can be given to a guest at all: not a
 * bridge or host bridge (vfd_pcidev_unassignable), and in an IOMMU group.
 * Adds a failure to @report and returns false when it cannot.
 */
bool vfd_take_judge_device(struct vfd_host *host, struct vfd_pcidev *d,
			   const struct vfd_take_opts *opts, struct vfd_report *report);
/*
 * vfd_take_judge_use - the host's use of @d (lib/host/usage.c): a failure, or a
 * warning with opts->force. Returns false when it refuses.
 */
bool vfd_take_judge_use(struct vfd_host *host, struct vfd_pcidev *d,
			const struct vfd_take_opts *opts, struct vfd_report *report);
/*
 * vfd_take_judge_groups - once the devices @taken (slots, @n) are on
 * vfio-pci, would each of their groups be viable? A failure per group that
 * would not be, or a warning with opts->allow_nonviable. Returns false when
 * it refuses.
 */
bool vfd_take_judge_groups(struct vfd_host *host, const char *const *taken, size_t n,
			   const struct vfd_take_opts *opts, struct vfd_report *report);

#endif
