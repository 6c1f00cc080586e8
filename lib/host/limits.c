// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a user account gets: its uid, gid and groups from etc/passwd and
 * etc/group of the root (no NSS: a sysroot answers for its own users), the
 * memlock limit pam_limits would give it at login (etc/security/limits.conf,
 * then limits.d/ *.conf by name), and what proc/meminfo says about memory and
 * huge pages. Parsers here take text in memory so that tests and fuzzers can
 * feed them anything.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------ accounts */

const char *colon_span(const char *p, const char *end, int n, size_t *len)
{
	const char *q;

	for (int i = 0; i < n; i++) {
		p = memchr(p, ':', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	q = memchr(p, ':', (size_t)(end - p));
	*len = (size_t)((q ? q : end) - p);
	return p;
}

/* field @n (0-based) of the colon-separated line [p, end) into buf; false if absent */
static bool colon_field(const char *p, const char *end, int n, char *buf, size_t size)
{
	size_t l;

	p = colon_span(p, end, n, &l);
	if (!p || l >= size)
		return false;
	memcpy(buf, p, l);
	buf[l] = '\0';
	return true;
}

/* a decimal id with nothing after it; false otherwise */
static bool parse_id(const char *s, unsigned int *out)
{
	uint64_t v;

	if (vfd_parse_u64(s, &v) < 0 || v > 0xffffffffu || !isdigit((unsigned char)*s))
		return false;
	*out = (unsigned int)v;
	return true;
}

/* is @user in the comma-separated member list @members? */
static bool in_members(const char *members, const char *user)
{
	size_t ul = strlen(user);

	for (const char *p = members; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == ul && strncmp(p, user, l) == 0)
			return true;
		if (!c)
			break;
		p = c + 1;
	}
	return false;
}

static void account_add_group(struct vfd_account *a, unsigned int gid, const char *name)
{
	for (size_t i = 0; i < a->ngroups; i++)
		if (a->gids[i] == gid)
			return;
	if (a->ngroups >= VFD_ACCOUNT_MAX_GROUPS)
		return;
	a->gids[a->ngroups] = gid;
	snprintf(a->group_names[a->ngroups], sizeof(a->group_names[0]), "%s", name ? name : "");
	a->ngroups++;
}

int vfd_account_parse(const char *passwd, const char *group, const char *name,
		      struct vfd_account *out)
{
	bool found = false;

	if (!passwd || !name || !*name || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (const char *p = passwd; *p;) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		char f[256];

		if (colon_field(p, end, 0, f, sizeof(f)) && strcmp(f, name) == 0 &&
		    colon_field(p, end, 2, f, sizeof(f)) && parse_id(f, &out->uid) &&
		    colon_field(p, end, 3, f, sizeof(f)) && parse_id(f, &out->gid)) {
			found = true;
			break;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	if (!found)
		return -ESRCH;
	snprintf(out->name, sizeof(out->name), "%s", name);
	/* the primary group first, named when etc/group lists it */
	account_add_group(out, out->gid, NULL);
	for (const char *p = group ? group : ""; *p;) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		char gname[64], num[16], members[4096];
		unsigned int gid;

		if (colon_field(p, end, 0, gname, sizeof(gname)) &&
		    colon_field(p, end, 2, num, sizeof(num)) && parse_id(num, &gid)) {
			if (gid == out->gid)
				snprintf(out->group_names[0], sizeof(out->group_names[0]), "%s",
					 gname);
			else if (colon_field(p, end, 3, members, sizeof(members)) &&
				 in_members(members, name))
				account_add_group(out, gid, gname);
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return 0;
}

int vfd_account_lookup(struct vfd_root *root, const char *name, struct vfd_account *out)
{
	char *passwd = NULL, *group = NULL;
	int r;

	r = vfd_root_read_filef(root, 1 << 22, &passwd, NULL, "etc/passwd");
	if (r < 0)
		return r;
	vfd_root_read_filef(root, 1 << 22, &group, NULL, "etc/group");
	r = vfd_account_parse(passwd, group, name, out);
	free(passwd);
	free(group);
	return r;
}

int vfd_account_name(struct vfd_root *root, unsigned int uid, char *buf, size_t size)
{
	char *passwd = NULL;
	int r = -ESRCH;

	if (vfd_root_read_filef(root, 1 << 22, &passwd, NULL, "etc/passwd") < 0) {
		snprintf(buf, size, "uid %u", uid);
		return -ENOENT;
	}
	for (const char *p = passwd; *p;) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		char f[64];
		unsigned int id;

		if (colon_field(p, end, 2, f, sizeof(f)) && parse_id(f, &id) && id == uid &&
		    colon_field(p, end, 0, buf, size)) {
			r = 0;
			break;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	free(passwd);
	if (r < 0)
		snprintf(buf, size, "uid %u", uid);
	return r;
}

/* ---------------------------------------------------------- limits.conf */

/* pam_limits' precedence: the lower, the more specific; equal ones: the later wins */
enum { PRIO_USER = 0, PRIO_GROUP = 1, PRIO_DEFAULT = 4, PRIO_NONE = 6 };

void vfd_memlock_conf_init(struct vfd_memlock_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->soft_prio = PRIO_NONE;
	c->hard_prio = PRIO_NONE;
}

static bool account_in_group_named(const struct vfd_account *a, const char *name)
{
	for (size_t i = 0; i < a->ngroups; i++)
		if (a->group_names[i][0] && strcmp(a->group_names[i], name) == 0)
			return true;
	return false;
}

static bool account_in_gid(const struct vfd_account *a, unsigned int gid)
{
	for (size_t i = 0; i < a->ngroups; i++)
		if (a->gids[i] == gid)
			return true;
	return false;
}

/*
 * "min:max", ":id" or "min:" after an optional @: 0 no range, 1 matched, -1 no
 * match or malformed. @id is the uid (or, for @, the primary gid).
 */
static int range_match(const char *domain, unsigned int id, bool gid_exact,
		       const struct vfd_account *a)
{
	const char *colon = strchr(domain, ':');
	char lo[16] = "", hi[16] = "";
	unsigned int min = 0, max = 0;
	size_t l;

	if (!colon)
		return 0;
	l = (size_t)(colon - domain);
	if (l >= sizeof(lo) || strlen(colon + 1) >= sizeof(hi))
		return -1;
	memcpy(lo, domain, l);
	snprintf(hi, sizeof(hi), "%s", colon + 1);
	if (!*lo) {
		/* ":id": exactly that id */
		if (!parse_id(hi, &max))
			return -1;
		if (gid_exact)
			return account_in_gid(a, max) ? 1 : -1;
		return id == max ? 1 : -1;
	}
	if (!parse_id(lo, &min))
		return -1;
	if (!*hi)
		return id >= min ? 1 : -1;
	if (!parse_id(hi, &max))
		return -1;
	return id >= min && id <= max ? 1 : -1;
}

/* memlock value in KiB ("unlimited", "infinity", "-1", "-"); false if malformed */
static bool memlock_value(const char *v, uint64_t *bytes)
{
	uint64_t kib;

	if (!strcasecmp(v, "unlimited") || !strcasecmp(v, "infinity") || !strcmp(v, "-1") ||
	    !strcmp(v, "-")) {
		*bytes = VFD_UNLIMITED;
		return true;
	}
	if (!isdigit((unsigned char)*v))
		return false;
	errno = 0;
	/* pam_limits takes the leading number and ignores what follows */
	kib = strtoull(v, NULL, 10);
	if (errno == ERANGE || kib >= VFD_UNLIMITED / 1024) {
		*bytes = VFD_UNLIMITED;
		return true;
	}
	*bytes = kib * 1024;
	return true;
}

static void apply(struct vfd_memlock_conf *c, int prio, bool soft, bool hard, uint64_t bytes,
		  const char *file, unsigned int line)
{
	/* as pam_limits: a more specific earlier setting stops the whole line */
	if (soft) {
		if (c->soft_prio < prio)
			return;
		c->soft = bytes;
		c->soft_prio = prio;
		c->soft_set = true;
		c->soft_line = line;
		snprintf(c->soft_file, sizeof(c->soft_file), "%s", file ? file : "");
	}
	if (hard) {
		if (c->hard_prio < prio)
			return;
		c->hard = bytes;
		c->hard_prio = prio;
		c->hard_set = true;
		c->hard_line = line;
		snprintf(c->hard_file, sizeof(c->hard_file), "%s", file ? file : "");
	}
}

/* split a line into up to 4 blank-separated words; the 4th keeps inner blanks */
static int split_words(char *line, char **w)
{
	int n = 0;
	char *p = line;

	while (n < 4) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		w[n++] = p;
		if (n == 4) {
			char *e = p + strlen(p);

			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
			break;
		}
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Which precedence does @domain have for @a, or -1 when it does not apply? */
static int domain_prio(const char *domain, const struct vfd_account *a)
{
	int rm;

	if (strcmp(domain, a->name) == 0)
		return PRIO_USER;
	if (domain[0] == '@') {
		rm = range_match(domain + 1, a->gid, true, a);
		if (rm < 0)
			return -1;
		if (rm > 0)
			return PRIO_GROUP;
		return account_in_group_named(a, domain + 1) ? PRIO_GROUP : -1;
	}
	/* % applies to maxlogins only */
	if (domain[0] == '%')
		return -1;
	rm = range_match(domain, a->uid, false, a);
	if (rm > 0)
		return PRIO_USER;
	if (rm == 0 && strcmp(domain, "*") == 0)
		return PRIO_DEFAULT;
	return -1;
}

int vfd_limits_parse(const char *buf, size_t len, const char *file,
		     const struct vfd_account *acct, struct vfd_memlock_conf *c)
{
	unsigned int lineno = 0;
	char line[1024];

	if ((!buf && len) || !acct || !c)
		return -EINVAL;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		char *w[4] = { NULL }, *hash;
		int n, prio;

		lineno++;
		/* longer lines are cut: pam_limits reads them whole, but no real line is that long */
		snprintf(line, sizeof(line), "%.*s", (int)(l < sizeof(line) ? l : sizeof(line) - 1),
			 buf + pos);
		pos += l + (nl ? 1 : 0);
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		n = split_words(line, w);
		if (n == 0)
			continue;
		prio = domain_prio(w[0], acct);
		if (n == 2 && w[1][0] == '-') {
			/* "<domain> -": no limits at all for this login */
			if (prio >= 0) {
				c->no_limits = true;
				c->no_limits_line = lineno;
				snprintf(c->no_limits_file, sizeof(c->no_limits_file), "%s",
					 file ? file : "");
				return 1;
			}
			continue;
		}
		if (n != 4 || prio < 0 || strcasecmp(w[2], "memlock") != 0)
			continue;
		{
			bool soft = !strcasecmp(w[1], "soft") || !strcmp(w[1], "-");
			bool hard = !strcasecmp(w[1], "hard") || !strcmp(w[1], "-");
			uint64_t bytes;

			if ((!soft && !hard) || !memlock_value(w[3], &bytes))
				continue;
			apply(c, prio, soft, hard, bytes, file, lineno);
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int parse_file(struct vfd_root *root, const char *path, const struct vfd_account *acct,
		      struct vfd_memlock_conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (vfd_root_read_filef(root, 1 << 20, &buf, &len, "%s", path) < 0)
		return 0;
	c->files_read++;
	r = vfd_limits_parse(buf, len, path, acct, c);
	free(buf);
	return r;
}

int vfd_limits_read(struct vfd_root *root, const struct vfd_account *acct,
		    struct vfd_memlock_conf *c)
{
	struct strv_builder names = { 0 };
	struct dirent *de;
	char **v;
	DIR *d;
	int r;

	vfd_memlock_conf_init(c);
	r = parse_file(root, "etc/security/limits.conf", acct, c);
	if (r != 0)
		return r < 0 ? r : 0;
	d = vfd_root_opendirf(root, "etc/security/limits.d");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		strv_addf(&names, "%s", de->d_name);
	}
	closedir(d);
	v = strv_take(&names);
	if (!v)
		return -ENOMEM;
	qsort(v, vfd_strv_len(v), sizeof(*v), cmp_str);
	for (size_t i = 0; v[i]; i++) {
		char path[300];

		snprintf(path, sizeof(path), "etc/security/limits.d/%s", v[i]);
		if (parse_file(root, path, acct, c) != 0)
			break;
	}
	vfd_strv_free(v);
	return 0;
}

/* -------------------------------------------------------------- meminfo */

int vfd_meminfo_parse(const char *buf, size_t len, struct vfd_meminfo *out)
{
	static const struct {
		const char *key;
		size_t off;
		bool kib;
	} keys[] = {
		{ "MemTotal", offsetof(struct vfd_meminfo, total), true },
		{ "MemAvailable", offsetof(struct vfd_meminfo, available), true },
		{ "HugePages_Total", offsetof(struct vfd_meminfo, hp_total), false },
		{ "HugePages_Free", offsetof(struct vfd_meminfo, hp_free), false },
		{ "Hugepagesize", offsetof(struct vfd_meminfo, hp_size), true },
	};

	if ((!buf && len) || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (size_t pos = 0; pos < len;) {
		const char *p = buf + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - p) : len - pos;

		pos += l + (nl ? 1 : 0);
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			size_t kl = strlen(keys[k].key);
			char num[32];
			size_t i = kl + 1, n = 0;
			uint64_t v;

			if (l <= kl || memcmp(p, keys[k].key, kl) != 0 || p[kl] != ':')
				continue;
			while (i < l && (p[i] == ' ' || p[i] == '\t'))
				i++;
			while (i < l && isdigit((unsigned char)p[i]) && n < sizeof(num) - 1)
				num[n++] = p[i++];
			num[n] = '\0';
			if (!n || vfd_parse_u64(num, &v) < 0)
				break;
			if (keys[k].kib)
				v = v > UINT64_MAX / 1024 ? UINT64_MAX : v * 1024;
			*(uint64_t *)((char *)out + keys[k].off) = v;
			out->found |= 1u << k;
			break;
		}
	}
	return 0;
}

/* ----------------------------------------------------------------- sizes */

int vfd_parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGTPE";
	uint64_t v, mult = 1ull << 20;	/* a bare number is MiB, as QEMU's -m */
	const char *p;
	char *end;

	if (!s || !bytes || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	p = end;
	if (*p) {
		const char *u = strchr(units, toupper((unsigned char)*p));

		if (*p == 'B' || *p == 'b') {
			mult = 1;
			p++;
		} else if (u) {
			mult = 1ull << (10 * (u - units + 1));
			p++;
			/* K, KB, KiB, k: all binary, as QEMU and libvirt's defaults */
			if (*p == 'i' || *p == 'I')
				p++;
			if (*p == 'B' || *p == 'b')
				p++;
		} else {
			return -EINVAL;
		}
		if (*p)
			return -EINVAL;
	}
	if (v && mult > UINT64_MAX / v)
		return -ERANGE;
	*bytes = v * mult;
	return 0;
}

void vfd_format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t u = 0;
	uint64_t v = bytes;

	if (bytes == VFD_UNLIMITED) {
		snprintf(buf, size, "unlimited");
		return;
	}
	while (u + 1 < ARRAY_SIZE(units) && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (v >= 10240 && u + 1 < ARRAY_SIZE(units)) {
		/* not a round number: one decimal of the next unit */
		snprintf(buf, size, "%.1f %s", (double)v / 1024.0, units[u + 1]);
		return;
	}
	snprintf(buf, size, "%llu %s", (unsigned long long)v, units[u]);
}
