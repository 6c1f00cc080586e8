/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: accounts and resource limits (memlock, device node access). Include "vfd.h", not this file. */
#ifndef LIBVFD_LIMITS_H
#define LIBVFD_LIMITS_H

#include "vfd-root.h"


/* ------------------------------------------------------ accounts, limits */

#define VFD_UNLIMITED UINT64_MAX
#define VFD_ACCOUNT_MAX_GROUPS 64

/* A user as etc/passwd and etc/group of the root describe it (no NSS). */
struct vfd_account {
	char name[64];
	unsigned int uid, gid;
	size_t ngroups;				/* the primary group first */
	unsigned int gids[VFD_ACCOUNT_MAX_GROUPS];
	char group_names[VFD_ACCOUNT_MAX_GROUPS][64];	/* "" when etc/group lacks it */
};

/*
 * vfd_account_parse - find @name in a passwd text and its groups in a group
 * text (@group may be NULL): the primary group, then every group listing the
 * user as a member. Returns 0, -ESRCH when the user is not there, -EINVAL.
 */
int vfd_account_parse(const char *passwd, const char *group, const char *name,
		      struct vfd_account *out);
/* the same from etc/passwd and etc/group of @root; -ENOENT without etc/passwd */
int vfd_account_lookup(struct vfd_root *root, const char *name, struct vfd_account *out);

/* The memlock limit pam_limits would set for an account at login. */
struct vfd_memlock_conf {
	bool soft_set, hard_set;
	uint64_t soft, hard;		/* bytes, VFD_UNLIMITED for unlimited */
	int soft_prio, hard_prio;	/* pam_limits precedence: 0 user, 1 group, 4 "*" */
	char soft_file[96], hard_file[96];	/* where each was set, relative to the root */
	unsigned int soft_line, hard_line;
	bool no_limits;			/* a "<domain> -" line: pam_limits sets no limit */
	char no_limits_file[96];
	unsigned int no_limits_line;
	unsigned int files_read;
};

/* nothing set yet: both limits at the lowest precedence */
void vfd_memlock_conf_init(struct vfd_memlock_conf *c);
/*
 * vfd_limits_parse - apply one limits.conf text to @c for @acct, as
 * pam_limits does: "user", "@group", "*", "uid:uid" and "@gid:gid" domains;
 * soft, hard or "-"; values in KiB or unlimited/infinity/-1; a more specific
 * domain beats a less specific one whatever the order, equal ones: the later
 * wins. Lines it cannot use are skipped, as pam_limits skips them.
 * @file names the text in @c (may be NULL).
 * Returns: 1 when a "<domain> -" line applies (pam_limits stops there), 0, -EINVAL.
 */
int vfd_limits_parse(const char *buf, size_t len, const char *file,
		     const struct vfd_account *acct, struct vfd_memlock_conf *c);

/* What proc/meminfo says; bit k of found is set for each field read (in order). */
struct vfd_meminfo {
	uint64_t total, available;	/* bytes */
	uint64_t hp_total, hp_free;	/* huge pages of the default size */
	uint64_t hp_size;		/* bytes */
	unsigned int found;
};

/* vfd_meminfo_parse - the fields above from a meminfo text; 0 or -EINVAL */
int vfd_meminfo_parse(const char *buf, size_t len, struct vfd_meminfo *out);
/*
 * vfd_parse_size - "8G", "8GiB", "512M", "4096" (a bare number is MiB, as QEMU's
 * -m), "1048576B". Units are binary. Returns 0, -EINVAL, -ERANGE.
 */
int vfd_parse_size(const char *s, uint64_t *bytes);
/* "1 MiB", "1.5 GiB", "unlimited" */
void vfd_format_size(uint64_t bytes, char *buf, size_t size);

#endif
