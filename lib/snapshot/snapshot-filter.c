// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a snapshot keeps of accounts, mounts and routes: only what the checks
 * read (the man page, SNAPSHOT, lists it); everything verbatim under
 * --no-redact.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "snapshot-internal.h"
#include "vm-internal.h"

/*
 * The accounts the checks look at: root, the users QEMU runs as (the user of
 * etc/libvirt/qemu.conf, qemu on Fedora, libvirt-qemu on Debian and Arch:
 * vfd_vm_default_user), the groups that open /dev/kvm and /dev/vfio (kvm,
 * vfio, libvirt, ...), and whoever owns the device nodes the snapshot holds.
 */
static const char *const kept_users[] = { "root", "qemu", "libvirt-qemu", "nobody" };
static const char *const kept_groups[] = {
	"root", "kvm", "vfio", "libvirt", "libvirt-qemu", "qemu", "render", "video", "input",
	"nobody", "nogroup",
};

struct accounts {
	char users[16][64];	/* names kept besides kept_users */
	size_t nusers;
	unsigned int ids[256];	/* uids and gids of captured nodes */
	size_t nids;
	unsigned int gids[64];	/* primary groups of kept users */
	size_t ngids;
};

/* field @n (0-based) of a colon-separated line, or NULL */
static const char *colon_field(const char *line, size_t len, int n, size_t *flen)
{
	return colon_span(line, line + len, n, flen);
}

static bool name_listed(const char *name, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && strncmp(list[i], name, n) == 0)
			return true;
	return false;
}

static bool user_kept(const struct accounts *a, const char *name, size_t n)
{
	if (name_listed(name, n, kept_users, ARRAY_SIZE(kept_users)))
		return true;
	for (size_t i = 0; i < a->nusers; i++)
		if (strlen(a->users[i]) == n && strncmp(a->users[i], name, n) == 0)
			return true;
	return false;
}

static void keep_user(struct accounts *a, const char *name, size_t n)
{
	if (n && n < sizeof(a->users[0]) && a->nusers < ARRAY_SIZE(a->users) &&
	    !user_kept(a, name, n)) {
		memcpy(a->users[a->nusers], name, n);
		a->users[a->nusers++][n] = '\0';
	}
}

/* a decimal id field; false when it is not one */
static bool id_field(const char *f, size_t n, unsigned int *id)
{
	char num[16], *end;

	if (!n || n >= sizeof(num))
		return false;
	memcpy(num, f, n);
	num[n] = '\0';
	*id = (unsigned int)strtoul(num, &end, 10);
	return !*end;
}

static bool id_listed(const char *f, size_t n, const unsigned int *ids, size_t count)
{
	unsigned int v;

	if (!id_field(f, n, &v))
		return false;
	for (size_t i = 0; i < count; i++)
		if (ids[i] == v)
			return true;
	return false;
}

static void note_node(struct accounts *a, const struct stat *st)
{
	if (a->nids + 2 <= ARRAY_SIZE(a->ids)) {
		a->ids[a->nids++] = st->st_uid;
		a->ids[a->nids++] = st->st_gid;
	}
}

/* the owners of dev/kvm, dev/iommu and dev/vfio/\* (snap_dev copies them) */
static void node_owners(struct snap *s, struct accounts *a)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;

	if (vfd_root_statf(s->root, &st, "dev/kvm") == 0)
		note_node(a, &st);
	if (vfd_root_statf(s->root, &st, "dev/iommu") == 0)
		note_node(a, &st);
	dir = vfd_root_opendirf(s->root, "dev/vfio");
	while (dir && (de = readdir(dir)))
		if (de->d_name[0] != '.' &&
		    vfd_root_statf(s->root, &st, "dev/vfio/%s", de->d_name) == 0)
			note_node(a, &st);
	if (dir)
		closedir(dir);
}

/* passwd: is the user kept? */
static bool passwd_keeps(const struct accounts *a, const char *line, size_t len)
{
	size_t nl, ul;
	const char *name = colon_field(line, len, 0, &nl);
	const char *uid = colon_field(line, len, 2, &ul);

	return name && uid &&
	       (user_kept(a, name, nl) || id_listed(uid, ul, a->ids, a->nids));
}

/* passwd: the kept users, without the GECOS field (a person's name) */
static bool passwd_line(struct accounts *a, const char *line, size_t len, struct tbuf *out)
{
	const char *gecos, *rest;
	size_t fl;

	if (!passwd_keeps(a, line, len))
		return false;
	gecos = colon_field(line, len, 4, &fl);
	rest = gecos ? gecos + fl : line + len;
	tbuf_add(out, line, gecos ? (size_t)(gecos - line) : len);
	tbuf_add(out, rest, (size_t)(line + len - rest));
	return true;
}

/* group: the kept groups, their member lists cut to the kept users */
static bool group_line(struct accounts *a, const char *line, size_t len, struct tbuf *out)
{
	size_t nl, gl, ml;
	const char *name = colon_field(line, len, 0, &nl);
	const char *gid = colon_field(line, len, 2, &gl);
	const char *members = colon_field(line, len, 3, &ml);
	bool first = true;

	if (!name || !gid || !members)
		return false;
	if (!name_listed(name, nl, kept_groups, ARRAY_SIZE(kept_groups)) &&
	    !id_listed(gid, gl, a->ids, a->nids) && !id_listed(gid, gl, a->gids, a->ngids))
		return false;
	tbuf_add(out, line, (size_t)(members - line));
	for (const char *m = members, *end = members + ml; m < end;) {
		const char *c = memchr(m, ',', (size_t)(end - m));
		size_t l = (size_t)((c ? c : end) - m);

		if (user_kept(a, m, l)) {
			if (!first)
				tbuf_adds(out, ",");
			tbuf_add(out, m, l);
			first = false;
		}
		m = c ? c + 1 : end;
	}
	return true;
}

typedef bool (*line_filter)(struct accounts *a, const char *line, size_t len, struct tbuf *out);

/* a file read whole with its stat; false when absent or not a regular file */
static bool read_member(struct snap *s, const char *path, size_t max, char **buf, size_t *len,
			struct stat *st)
{
	*buf = NULL;
	*len = 0;
	return vfd_root_statf(s->root, st, "%s", path) == 0 && S_ISREG(st->st_mode) &&
	       vfd_root_read_filef(s->root, max, buf, len, "%s", path) == 0;
}

/* @path with only the lines @keep writes to its buffer; verbatim under --no-redact */
static void copy_filtered(struct snap *s, struct accounts *a, const char *path,
			  line_filter keep)
{
	struct tbuf out = { 0 };
	char *buf, *text;
	size_t len, tlen = 0;
	struct stat st;

	if (!read_member(s, path, 1 << 22, &buf, &len, &st))
		return;
	if (s->opts->redact) {
		for (size_t pos = 0; pos < len;) {
			const char *nl = memchr(buf + pos, '\n', len - pos);
			size_t l = nl ? (size_t)(nl - buf) - pos : len - pos;

			if (keep(a, buf + pos, l, &out))
				tbuf_adds(&out, "\n");
			pos += l + 1;
		}
		free(buf);
		buf = tbuf_take(&out, &len);
		if (!buf) {
			s->err = -ENOMEM;
			return;
		}
	}
	text = buf;
	tlen = len;
	snap_add_data(s, path, text, tlen, st.st_mode, st.st_uid, st.st_gid);
	free(text);
}

void snap_accounts(struct snap *s)
{
	struct accounts a = { 0 };
	const char *qemu = vfd_vm_default_user(s->root);
	struct stat st;
	char *buf;
	size_t len;

	if (qemu)
		keep_user(&a, qemu, strlen(qemu));
	node_owners(s, &a);
	/* first the users kept and their primary groups, then the two files */
	if (read_member(s, "etc/passwd", 1 << 22, &buf, &len, &st)) {
		for (size_t pos = 0; pos < len;) {
			const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
			size_t l = nl ? (size_t)(nl - line) : len - pos, fl;
			const char *f;
			unsigned int gid;

			if (passwd_keeps(&a, line, l)) {
				f = colon_field(line, l, 0, &fl);
				keep_user(&a, f, fl);
				f = colon_field(line, l, 3, &fl);
				if (f && id_field(f, fl, &gid) && a.ngids < ARRAY_SIZE(a.gids))
					a.gids[a.ngids++] = gid;
			}
			pos += l + 1;
		}
		free(buf);
	}
	copy_filtered(s, &a, "etc/passwd", passwd_line);
	copy_filtered(s, &a, "etc/group", group_line);
}

/* proc/net/route: the header and default routes, gateways zeroed (usage.c reads no more) */
static bool route_line(struct accounts *a, const char *line, size_t len, struct tbuf *out)
{
	size_t fl;
	const char *dest = NULL, *gw;

	(void)a;
	/* "Iface\tDestination\tGateway\t..." */
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\t') {
			dest = line + i + 1;
			break;
		}
	if (strncmp(line, "Iface", 5) == 0) {
		tbuf_add(out, line, len);
		return true;
	}
	if (!dest || (size_t)(line + len - dest) < 18 || strncmp(dest, "00000000\t", 9) != 0)
		return false;
	gw = dest + 9;
	fl = (size_t)(line + len - gw);
	tbuf_add(out, line, (size_t)(gw - line));
	tbuf_adds(out, "00000000");
	tbuf_add(out, gw + 8, fl - 8);
	return true;
}

/*
 * mountinfo: block devices only (major not 0), with the mount point kept
 * when it is a standard one and "/redacted" otherwise, the options and the
 * root inside the file system dropped: usage.c reads the device number and
 * the mount point.
 */
static bool mountinfo_line(struct accounts *a, const char *line, size_t len, struct tbuf *out)
{
	static const char *const standard[] = {
		"/", "/boot", "/boot/efi", "/efi", "/home", "/var", "/usr", "/tmp", "/srv",
		"/opt", "/root", "/var/lib/libvirt", "/var/lib/libvirt/images",
	};
	const char *f[10] = { 0 };
	size_t fl[10] = { 0 }, nf = 0, sep = 0;

	(void)a;
	for (size_t i = 0; i < len && nf < ARRAY_SIZE(f);) {
		size_t j = i;

		while (j < len && line[j] != ' ')
			j++;
		f[nf] = line + i;
		fl[nf] = j - i;
		if (fl[nf] == 1 && line[i] == '-' && nf >= 6)
			sep = nf;
		nf++;
		i = j + 1;
	}
	/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
	if (nf < 6 || !sep || sep + 2 >= nf || (fl[2] >= 2 && strncmp(f[2], "0:", 2) == 0))
		return false;
	tbuf_add(out, f[0], fl[0]);
	tbuf_adds(out, " ");
	tbuf_add(out, f[1], fl[1]);
	tbuf_adds(out, " ");
	tbuf_add(out, f[2], fl[2]);
	tbuf_adds(out, " / ");
	if (name_listed(f[4], fl[4], standard, ARRAY_SIZE(standard)))
		tbuf_add(out, f[4], fl[4]);
	else
		tbuf_adds(out, "/redacted");
	tbuf_adds(out, fl[5] >= 2 && strncmp(f[5], "ro", 2) == 0 ? " ro - " : " rw - ");
	tbuf_add(out, f[sep + 1], fl[sep + 1]);
	tbuf_adds(out, " ");
	if (fl[sep + 2] >= 5 && strncmp(f[sep + 2], "/dev/", 5) == 0)
		tbuf_add(out, f[sep + 2], fl[sep + 2]);
	else
		tbuf_adds(out, "none");
	tbuf_adds(out, " rw");
	return true;
}

/* proc/swaps: the header and swap partitions (/dev/...); swap files name paths */
static bool swaps_line(struct accounts *a, const char *line, size_t len, struct tbuf *out)
{
	(void)a;
	if (len < 5 || (strncmp(line, "Filename", 8) != 0 && strncmp(line, "/dev/", 5) != 0))
		return false;
	tbuf_add(out, line, len);
	return true;
}

/* addresses in if_inet6 identify the host; the checks need only names and scopes */
void snap_if_inet6(struct snap *s)
{
	char *buf = NULL;
	size_t len = 0;

	if (vfd_root_read_filef(s->root, 1 << 20, &buf, &len, "proc/net/if_inet6") < 0)
		return;
	if (s->opts->redact) {
		for (char *line = buf; line && *line;) {
			for (size_t i = 0; i < 32 && line[i] && line[i] != ' '; i++)
				line[i] = '0';
			line = strchr(line, '\n');
			if (line)
				line++;
		}
	}
	snap_add_data(s, "proc/net/if_inet6", buf, len, 0444, 0, 0);
	free(buf);
}

void snap_route(struct snap *s)
{
	copy_filtered(s, NULL, "proc/net/route", route_line);
}

void snap_swaps(struct snap *s)
{
	copy_filtered(s, NULL, "proc/swaps", swaps_line);
}

/* mountinfo of the snapshotting process stands for the host's */
void snap_mountinfo(struct snap *s)
{
	copy_filtered(s, NULL, "proc/self/mountinfo", mountinfo_line);
}
