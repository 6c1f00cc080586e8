/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: the guest-side check. Include "vfd.h", not this file. */
#ifndef LIBVFD_GUEST_H
#define LIBVFD_GUEST_H

#include "vfd-root.h"
#include "vfd-findings.h"

/* ----------------------------------------------------------- guest */

/*
 * Android property files (build.prop, default.prop: "key=value", '#'
 * comments) and `getprop` output ("[key]: [value]"). Parsing into the same
 * store again lets a later source override an earlier one, as Android's init
 * does when it loads /system, then /vendor, then /odm.
 */
struct vfd_prop {
	char *key;
	char *value;
	const char *source;	/* the name given to vfd_props_parse; owned by the store */
};

struct vfd_props {
	struct vfd_prop *v;
	size_t n, cap;
	char **sources;		/* every source name given, NULL-terminated */
	size_t dropped;		/* entries left out past VFD_PROPS_MAX */
};

#define VFD_PROPS_MAX 8192

enum vfd_props_format { VFD_PROPS_FILE, VFD_PROPS_GETPROP };

/*
 * vfd_props_parse - add the properties held in @buf (@len bytes, not
 * NUL-terminated; nothing of it is kept) to @props, named @source in
 * evidence. Malformed lines and illegal keys are skipped, as init skips them.
 * Returns: the number of properties taken (>= 0), -ENOMEM (@props keeps what
 *          was added), -EINVAL for NULLs.
 */
int vfd_props_parse(struct vfd_props *props, const char *buf, size_t len,
		    enum vfd_props_format format, const char *source);
/* the value of @key (and where it was set, when @source is not NULL), or NULL */
const char *vfd_props_get(const struct vfd_props *props, const char *key, const char **source);
void vfd_props_clear(struct vfd_props *props);

/*
 * vfd_getprop_run - run Android's getprop (@path, NULL for /system/bin/getprop)
 * and add its output to @props as source "getprop". The program is killed
 * when it has not finished within @timeout_ms (0: 3000).
 * Returns: 0, -ENOENT when there is no such program, -ETIME after a timeout,
 *          -EIO when it failed, -ENOMEM.
 */
int vfd_getprop_run(const char *path, unsigned int timeout_ms, struct vfd_props *props);

/* The kernel's "Direct firmware load for NAME failed with error N" line. */
struct vfd_fw_failure {
	char name[256];		/* the file asked for, relative to the firmware dirs */
	int err;		/* negative errno */
	char driver[32];	/* from the "driver 0000:01:00.0: " prefix, "" when none */
	char slot[16];		/* the device of that prefix when it is PCI, "" otherwise */
};

/*
 * vfd_fw_failure_parse - recognise a firmware load failure in one kernel
 * log message (without its timestamp). Returns 1 with @out filled, 0 when
 * @text is no such message or the name does not fit, -EINVAL for NULLs.
 */
int vfd_fw_failure_parse(const char *text, struct vfd_fw_failure *out);

struct vfd_guest_opts {
	const struct vfd_devspec *expect;	/* --expect IDs (by_id), or NULL */
	size_t n_expect;
	const char *getprop;		/* getprop program; NULL for /system/bin/getprop */
	unsigned int getprop_timeout_ms;	/* 0: 3000 */
};

/* a passed-through function as the guest sees it */
struct vfd_guest_function {
	char slot[16];		/* the guest's address, e.g. 0000:01:00.0 */
	uint16_t vendor, device;
};

struct vfd_guest_info {
	bool android;
	char *system;		/* "Android 11 (model)", "Linux" */
	char *kernel;		/* release, or NULL when unknown */
	struct vfd_guest_function *passed;	/* the functions checked, in bus order */
	size_t n_passed;
};

/*
 * vfd_guest_run - the diagnosis run inside a guest (layer "guest"): the
 * passed-through devices on its PCI bus (every device the hypervisor did not
 * emulate, or those matching @opts->expect), their drivers and, when none
 * claimed one, whether the kernel has a module for it (modules.alias); for
 * GPUs their DRM nodes; firmware load failures and driver errors in the
 * kernel log; a virtual display that is primary; on Android the graphics
 * stack chosen by the property files and, on the live system, getprop.
 * What could not be read (not root) becomes a finding, not an error.
 * @info: filled for the header (free with vfd_guest_info_clear); may be NULL.
 * Returns: 0, -EINVAL, -ENOMEM.
 */
int vfd_guest_run(struct vfd_root *root, const struct vfd_guest_opts *opts,
		  struct vfd_guest_info *info, struct vfd_report *report);
void vfd_guest_info_clear(struct vfd_guest_info *info);

#endif
