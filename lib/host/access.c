// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who may open a device node: the DAC rule (owner, group, other bits) with
 * the user's groups taken from etc/passwd and etc/group inside the root, so
 * that a sysroot answers for its own users.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* field @n (0-based) of a colon-separated line, copied into buf */
static bool field(const char *line, size_t len, int n, char *buf, size_t size)
{
	const char *p = line, *end = line + len;

	for (int i = 0; i < n; i++) {
		p = memchr(p, ':', (size_t)(end - p));
		if (!p)
			return false;
		p++;
	}
	{
		const char *q = memchr(p, ':', (size_t)(end - p));
		size_t l = (size_t)((q ? q : end) - p);

		if (l >= size)
			return false;
		memcpy(buf, p, l);
		buf[l] = '\0';
	}
	return true;
}

/* name of the entry with numeric id @id in a passwd/group text */
static bool name_of(const char *text, unsigned int id, char *buf, size_t size)
{
	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char num[16];

		if (field(p, len, 2, num, sizeof(num)) && strtoul(num, NULL, 10) == id &&
		    field(p, len, 0, buf, size))
			return true;
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

char *describe_node(struct vfd_root *root, const struct stat *st)
{
	char *passwd = NULL, *group = NULL;
	char owner[64], grp[64], mode[10];
	const char *rwx = "rwxrwxrwx";

	vfd_root_read_filef(root, 1 << 20, &passwd, NULL, "etc/passwd");
	vfd_root_read_filef(root, 1 << 20, &group, NULL, "etc/group");
	if (!passwd || !name_of(passwd, st->st_uid, owner, sizeof(owner)))
		snprintf(owner, sizeof(owner), "%u", (unsigned int)st->st_uid);
	if (!group || !name_of(group, st->st_gid, grp, sizeof(grp)))
		snprintf(grp, sizeof(grp), "%u", (unsigned int)st->st_gid);
	/* permissions only: a snapshot stores nodes as plain files */
	for (int i = 0; i < 9; i++)
		mode[i] = (st->st_mode & (0400u >> i)) ? rwx[i] : '-';
	mode[9] = '\0';
	free(passwd);
	free(group);
	return xasprintf("%s %s:%s", mode, owner, grp);
}

char *group_name(struct vfd_root *root, unsigned int gid)
{
	char *group = NULL, name[64];
	bool found;

	if (vfd_root_read_filef(root, 1 << 20, &group, NULL, "etc/group") < 0)
		return NULL;
	found = name_of(group, gid, name, sizeof(name));
	free(group);
	return found ? strdup(name) : NULL;
}

/* is @user listed in the member field of group @gid, or is it the primary group? */
static bool in_group(const char *group_text, unsigned int gid, const char *user,
		     unsigned int primary)
{
	if (gid == primary)
		return true;
	for (const char *p = group_text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char num[16], members[4096];

		if (field(p, len, 2, num, sizeof(num)) && strtoul(num, NULL, 10) == gid &&
		    field(p, len, 3, members, sizeof(members))) {
			char *save = NULL;

			for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
				if (strcmp(m, user) == 0)
					return true;
		}
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

int user_can_open(struct vfd_root *root, const char *user, const struct stat *st, bool *can,
		  char **why)
{
	char *passwd = NULL, *group = NULL;
	unsigned int uid = 0, gid = 0;
	bool found = false;

	*why = NULL;
	if (vfd_root_read_filef(root, 1 << 20, &passwd, NULL, "etc/passwd") < 0)
		return -ENOENT;
	vfd_root_read_filef(root, 1 << 20, &group, NULL, "etc/group");
	for (const char *p = passwd; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char name[256], num[16];

		if (field(p, len, 0, name, sizeof(name)) && strcmp(name, user) == 0) {
			found = field(p, len, 2, num, sizeof(num));
			uid = (unsigned int)strtoul(num, NULL, 10);
			if (field(p, len, 3, num, sizeof(num)))
				gid = (unsigned int)strtoul(num, NULL, 10);
			break;
		}
		p = eol ? eol + 1 : NULL;
	}
	free(passwd);
	if (!found) {
		free(group);
		return -ESRCH;
	}
	/* read and write are both needed: QEMU opens the nodes O_RDWR */
	if (uid == 0) {
		*can = true;
	} else if (st->st_uid == uid) {
		*can = (st->st_mode & 0600) == 0600;
		if (!*can)
			*why = xasprintf("%s owns the node but the owner bits lack read and write",
					 user);
	} else if (in_group(group, st->st_gid, user, gid)) {
		*can = (st->st_mode & 0060) == 0060;
		if (!*can)
			*why = xasprintf("%s is in the node's group but the group bits lack read "
					 "and write", user);
	} else {
		*can = (st->st_mode & 0006) == 0006;
		if (!*can)
			*why = xasprintf("%s is neither the owner nor in the node's group, and "
					 "others may not read and write", user);
	}
	free(group);
	return 0;
}
