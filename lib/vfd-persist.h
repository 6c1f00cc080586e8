/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: persisting a binding across reboots. Include "vfd.h", not this file. */
#ifndef LIBVFD_PERSIST_H
#define LIBVFD_PERSIST_H

#include "vfd-root.h"
#include "vfd-findings.h"

/* -------------------------------------------------------- persist */

/*
 * persist: make bindings survive a reboot by editing configuration files
 * (a udev rule, /etc/modprobe.d, the initramfs generator's configuration, the
 * kernel command line). What it set up is recorded in
 * etc/vfio-doctor/persist.state, so a later run adds to it and an undo takes
 * exactly that out again.
 */
struct vfd_selection;

struct vfd_persist_opts {
	bool by_id;		/* "options vfio-pci ids=" instead of a udev rule per address */
	bool undo;		/* take the named devices out again (every one when none named) */
	bool force;		/* persist devices the host is using */
	bool iommu_pt;		/* add iommu=pt to the kernel command line */
	/*
	 * the device arguments parsed by the caller (vfd_selection_parse), or
	 * NULL: vfd_plan_persist's @devices are parsed then. Resolved in the plan
	 * where devices are taken, so that after -ENODEV sel->bad_arg names the
	 * argument.
	 */
	struct vfd_selection *selection;
};

enum vfd_change_kind { VFD_CHANGE_CREATE, VFD_CHANGE_MODIFY, VFD_CHANGE_REMOVE };

/* one file the plan writes, creates or removes */
struct vfd_file_change {
	char *path;		/* relative to the root: "etc/default/grub" */
	enum vfd_change_kind kind;
	char *old_text;		/* NULL when created */
	size_t old_len;
	char *new_text;		/* NULL when removed */
	size_t new_len;
	unsigned int mode;	/* the file's mode (kept when modified) */
	bool backup;		/* save old_text as PATH.vfio-doctor.bak before writing */
	bool drop_backup;	/* remove PATH.vfio-doctor.bak once done (the file is given back) */
	char *why;		/* one line: what the change is for */
};

struct vfd_persist_plan {
	struct vfd_file_change *changes;	/* only files that change, in display order */
	size_t nchanges;
	/* refusals (bind's), files that cannot be parsed (left untouched), IDs other
	 * devices share, what is built in */
	struct vfd_report problems;
	bool refused;		/* a problem stops the whole plan (see --force) */
	bool by_hand;		/* the platform takes no file (NixOS, Unraid): the problems
				   hold the lines to put in place */
	char **devices;		/* what is persisted once applied, one line a device */
	char **commands;	/* to run afterwards: rebuild the initramfs, the boot menu */
};

/*
 * vfd_plan_persist - plan the file changes that bind @devices (device
 * arguments, NULL-terminated) to vfio-pci at every boot, added to what an
 * earlier run set up; with @opts->undo, taking them (or, with no device,
 * everything) out again. The host's use of each device is judged as
 * vfd_plan_bind judges it. A file that cannot be parsed becomes a failure in
 * plan->problems and is left out; the rest of the plan stands.
 * Returns 0, -EINVAL for a bad device argument, -ENODEV for one that matches
 * nothing, -ENOMEM.
 * With @opts->selection, @devices is not read.
 */
int vfd_plan_persist(struct vfd_host *host, const char *const *devices,
		     const struct vfd_persist_opts *opts, struct vfd_persist_plan *plan);
/*
 * vfd_persist_apply - write the plan: each file atomically (vfd_root_write_file),
 * a backup first where the change says so; when one write fails, every file
 * written before is put back. @failed (may be NULL) gets the index of the
 * failing change. Returns 0, -EPERM for a refused plan, -EROFS on a root
 * that is not writable (a sysroot not opened VFD_ROOT_WRITABLE), or the errno
 * of the failing write.
 */
int vfd_persist_apply(struct vfd_host *host, const struct vfd_persist_plan *plan,
		      size_t *failed);
void vfd_persist_plan_clear(struct vfd_persist_plan *plan);
/* the change as a unified diff ("" when none; caller frees; NULL on ENOMEM) */
char *vfd_file_change_diff(const struct vfd_file_change *change);

#endif
