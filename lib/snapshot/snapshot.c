// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: everything `check` and `groups` read, written as a sysroot
 * tarball that `--sysroot` replays. Links are kept as links (at their place in
 * the tree), attributes are copied at their canonical sys/devices path so the
 * tree unpacks without writing through a link, device nodes become plain files
 * that keep their mode and owner, and the kernel log becomes dev/kmsg.
 * Unless asked not to, what a public bug report must not carry is left out:
 * the Device Serial Number capability, the host name, command-line
 * credentials and addresses, and in the log MACs, IP addresses and serials
 * (redact.c), accounts, mounts and routes the checks do not read (below).
 * The man page, SNAPSHOT, lists all of it and must stay in step.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dlib.h"
#include "internal.h"
#include "persist.h"
#include "platform.h"
#include "vm-internal.h"

#define ATTR_MAX (1u << 20)
/* module indexes: a truncated index is a corrupt one, so allow them room */
#define INDEX_MAX (64u << 20)

struct snap {
	struct vfd_root *root;
	struct archive *ar;
	const struct vfd_snapshot_opts *opts;
	char **dirs;		/* directories already written */
	size_t ndirs, capdirs;
	char *hostname;
	int err;
	time_t now;
	/* interfaces named after their MAC (enx..., wlx...) and the names they get */
	char ifnames[32][2][16];
	size_t nifnames;
};

/*
 * systemd's MAC-based interface names (systemd.net-naming-scheme(7), "x"
 * followed by the 12 hex digits of the address): en, wl or ww, then "x".
 */
static bool mac_named(const char *name)
{
	if (strlen(name) != 15 || name[2] != 'x' ||
	    (strncmp(name, "en", 2) != 0 && strncmp(name, "wl", 2) != 0 &&
	     strncmp(name, "ww", 2) != 0))
		return false;
	for (int i = 3; i < 15; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return false;
	return true;
}

/* give every MAC-named interface a stand-in of the same length: enx000000000001, ... */
static void collect_ifnames(struct snap *s)
{
	DIR *dir = vfd_root_opendirf(s->root, "sys/class/net");
	struct dirent *de;

	while (s->opts->redact && dir && (de = readdir(dir)))
		if (mac_named(de->d_name) && s->nifnames < ARRAY_SIZE(s->ifnames)) {
			memcpy(s->ifnames[s->nifnames][0], de->d_name, 16);
			snprintf(s->ifnames[s->nifnames][1], 16, "%.3s%012zx", de->d_name,
				 s->nifnames + 1);
			s->nifnames++;
		}
	if (dir)
		closedir(dir);
}

static size_t replace_all(char *buf, size_t len, const char *what, const char *with);

/* @text with the stand-ins for MAC-named interfaces (same length); a copy when changed */
static const char *rename_ifs(const struct snap *s, const char *text, size_t len, char **copy)
{
	*copy = NULL;
	for (size_t i = 0; i < s->nifnames; i++) {
		if (!memmem(*copy ? *copy : text, len, s->ifnames[i][0], 15))
			continue;
		if (!*copy) {
			*copy = malloc(len + 1);
			if (!*copy)
				return text;
			memcpy(*copy, text, len);
			(*copy)[len] = '\0';
		}
		replace_all(*copy, len, s->ifnames[i][0], s->ifnames[i][1]);
	}
	return *copy ? *copy : text;
}

static void entry_names(const struct snap *s, struct archive_entry *e, const char *path,
			const char *target)
{
	char *p, *t = NULL;

	archive_entry_set_pathname(e, rename_ifs(s, path, strlen(path), &p));
	if (target)
		archive_entry_set_symlink(e, rename_ifs(s, target, strlen(target), &t));
	free(p);
	free(t);
}

static bool dir_seen(struct snap *s, const char *path)
{
	for (size_t i = 0; i < s->ndirs; i++)
		if (strcmp(s->dirs[i], path) == 0)
			return true;
	return false;
}

static void write_header(struct snap *s, struct archive_entry *e)
{
	if (s->err)
		return;
	/*
	 * ARCHIVE_WARN: a name the locale cannot turn into UTF-8 (any byte above
	 * 0x7f under LC_ALL=C; an interface may be called anything) went in as its
	 * raw bytes, with a "hdrcharset=BINARY" pax record for that member alone
	 * (archive_write_set_format_pax.c); the member is whole
	 */
	if (archive_write_header(s->ar, e) < ARCHIVE_WARN)
		s->err = -EIO;
}

/* directories are written once, parents first */
static void add_dir(struct snap *s, const char *path)
{
	char buf[4096];
	struct archive_entry *e;
	char *slash;

	if (!*path || dir_seen(s, path) || strlen(path) >= sizeof(buf))
		return;
	strcpy(buf, path);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		add_dir(s, buf);
	}
	if (s->ndirs == s->capdirs) {
		size_t ncap = s->capdirs ? s->capdirs * 2 : 256;
		char **nd = realloc(s->dirs, ncap * sizeof(*nd));

		if (!nd) {
			s->err = -ENOMEM;
			return;
		}
		s->dirs = nd;
		s->capdirs = ncap;
	}
	s->dirs[s->ndirs] = strdup(path);
	if (!s->dirs[s->ndirs]) {
		s->err = -ENOMEM;
		return;
	}
	s->ndirs++;
	e = archive_entry_new();
	entry_names(s, e, path, NULL);
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0755);
	archive_entry_set_mtime(e, s->now, 0);
	write_header(s, e);
	archive_entry_free(e);
}

static void add_parent(struct snap *s, const char *path)
{
	char buf[4096];
	char *slash;

	if (strlen(path) >= sizeof(buf))
		return;
	strcpy(buf, path);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		add_dir(s, buf);
	}
}

static void add_data(struct snap *s, const char *path, const void *data, size_t len,
		     unsigned int mode, unsigned int uid, unsigned int gid)
{
	struct archive_entry *e;
	char *renamed;

	add_parent(s, path);
	data = rename_ifs(s, data, len, &renamed);
	e = archive_entry_new();
	entry_names(s, e, path, NULL);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, mode & 07777);
	archive_entry_set_uid(e, uid);
	archive_entry_set_gid(e, gid);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, s->now, 0);
	write_header(s, e);
	if (!s->err && len && archive_write_data(s->ar, data, len) != (la_ssize_t)len)
		s->err = -EIO;
	archive_entry_free(e);
	free(renamed);
}

static void add_symlink(struct snap *s, const char *path, const char *target)
{
	struct archive_entry *e;

	add_parent(s, path);
	e = archive_entry_new();
	entry_names(s, e, path, target);
	archive_entry_set_filetype(e, AE_IFLNK);
	archive_entry_set_perm(e, 0777);
	archive_entry_set_mtime(e, s->now, 0);
	write_header(s, e);
	archive_entry_free(e);
}

/* copy one file as it is, up to @max bytes; a missing file is not an error */
static void copy_file_max(struct snap *s, const char *path, size_t max)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;

	if (vfd_root_statf(s->root, &st, "%s", path) < 0 || S_ISDIR(st.st_mode))
		return;
	if (vfd_root_read_filef(s->root, max, &buf, &len, "%s", path) < 0)
		return;
	add_data(s, path, buf, len, st.st_mode, st.st_uid, st.st_gid);
	free(buf);
}

static void copy_file(struct snap *s, const char *path)
{
	copy_file_max(s, path, ATTR_MAX);
}

/* a device node or any file whose presence, mode and owner are what counts */
static void copy_node(struct snap *s, const char *path)
{
	struct stat st;

	if (vfd_root_statf(s->root, &st, "%s", path) == 0)
		add_data(s, path, "", 0, st.st_mode, st.st_uid, st.st_gid);
}

static char *copy_link(struct snap *s, const char *path)
{
	char *target = NULL;

	if (vfd_root_readlinkf(s->root, &target, "%s", path) < 0)
		return NULL;
	add_symlink(s, path, target);
	return target;
}

/* "sys/bus/pci/devices" + "../../../devices/pci0000:00/x" -> "sys/devices/pci0000:00/x" */
static char *resolve(const char *dir, const char *target)
{
	char *out = malloc(strlen(dir) + strlen(target) + 2);
	char *seg, *save = NULL, *copy;

	if (!out)
		return NULL;
	if (target[0] == '/') {
		out[0] = '\0';
	} else {
		strcpy(out, dir);
	}
	copy = strdup(target);
	if (!copy) {
		free(out);
		return NULL;
	}
	for (seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			char *slash = strrchr(out, '/');

			if (slash)
				*slash = '\0';
			else
				out[0] = '\0';
			continue;
		}
		if (*out)
			strcat(out, "/");
		strcat(out, seg);
	}
	free(copy);
	/* a link that climbs to the top (or past it) names no device: nothing to copy */
	if (!*out) {
		free(out);
		return NULL;
	}
	return out;
}

/* PCIe Device Serial Number: the 8 bytes after the capability header */
static void redact_config(uint8_t *cfg, size_t len)
{
	int pos = vfd_config_find_ext_cap(cfg, len, PCI_EXT_CAP_ID_DSN);

	if (pos > 0 && (size_t)pos + 12 <= len)
		memset(cfg + pos + 4, 0, 8);
}

static const char *const device_attrs[] = {
	"vendor", "device", "subsystem_vendor", "subsystem_device", "class", "revision",
	"driver_override", "boot_vga", "reset_method", "numa_node", "sriov_numvfs",
	"sriov_totalvfs", "enable", "irq", "local_cpulist", "d3cold_allowed", "power_state",
	"current_link_speed", "current_link_width", "max_link_speed", "max_link_width",
	"modalias", "label", "resource",
};

static void snap_device(struct snap *s, const char *slot)
{
	char path[512], *target, *dev;
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", slot);
	target = copy_link(s, path);
	if (!target)
		return;
	dev = resolve("sys/bus/pci/devices", target);
	free(target);
	if (!dev)
		return;
	add_dir(s, dev);
	for (size_t i = 0; i < ARRAY_SIZE(device_attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, device_attrs[i]);
		copy_file(s, path);
	}
	/* config: the whole of it (root sees 4096 bytes), with the serial removed */
	{
		struct stat st;
		char *cfg = NULL;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s/config", dev);
		if (vfd_root_statf(s->root, &st, "%s", path) == 0 &&
		    vfd_root_read_filef(s->root, 4096, &cfg, &len, "%s", path) == 0) {
			if (s->opts->redact)
				redact_config((uint8_t *)cfg, len);
			add_data(s, path, cfg, len, st.st_mode, st.st_uid, st.st_gid);
			free(cfg);
		}
	}
	dir = vfd_root_opendirf(s->root, "%s", dev);
	while (dir && (de = readdir(dir))) {
		char *t;

		if (strcmp(de->d_name, "driver") != 0 && strcmp(de->d_name, "iommu_group") != 0 &&
		    strcmp(de->d_name, "physfn") != 0 && strncmp(de->d_name, "virtfn", 6) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dev, de->d_name);
		t = copy_link(s, path);
		if (t && strcmp(de->d_name, "driver") == 0) {
			char *drv = resolve(dev, t);

			if (drv)
				add_dir(s, drv);
			free(drv);
		}
		free(t);
	}
	if (dir)
		closedir(dir);
	free(dev);
}

static void snap_groups(struct snap *s)
{
	struct dirent *de;
	DIR *dir = vfd_root_opendirf(s->root, "sys/kernel/iommu_groups");

	add_dir(s, "sys/kernel/iommu_groups");
	while (dir && (de = readdir(dir))) {
		char path[512];
		struct dirent *m;
		DIR *members;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/type", de->d_name);
		copy_file(s, path);
		snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/reserved_regions", de->d_name);
		copy_file(s, path);
		snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/devices", de->d_name);
		add_dir(s, path);
		members = vfd_root_opendirf(s->root, "%s", path);
		while (members && (m = readdir(members))) {
			char link[768];

			if (m->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s", path, m->d_name);
			free(copy_link(s, link));
		}
		if (members)
			closedir(members);
	}
	if (dir)
		closedir(dir);
}

/* class links (sys/class/CLS/NAME) and a few attributes at the canonical path */
static void snap_class(struct snap *s, const char *cls, const char *const *attrs, bool holders)
{
	char base[128];
	struct dirent *de;
	DIR *dir;

	snprintf(base, sizeof(base), "sys/class/%s", cls);
	dir = vfd_root_opendirf(s->root, "%s", base);
	if (!dir)
		return;
	add_dir(s, base);
	while ((de = readdir(dir))) {
		char path[512], *target, *dev;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		target = copy_link(s, path);
		if (!target)
			continue;
		dev = resolve(base, target);
		free(target);
		if (!dev)
			continue;
		add_dir(s, dev);
		for (size_t i = 0; attrs && attrs[i]; i++) {
			snprintf(path, sizeof(path), "%s/%s", dev, attrs[i]);
			copy_file(s, path);
		}
		if (holders) {
			struct dirent *h;
			DIR *hd = vfd_root_opendirf(s->root, "%s/holders", dev);

			snprintf(path, sizeof(path), "%s/holders", dev);
			add_dir(s, path);
			while (hd && (h = readdir(hd))) {
				char link[768];

				if (h->d_name[0] == '.')
					continue;
				snprintf(link, sizeof(link), "%s/holders/%s", dev, h->d_name);
				free(copy_link(s, link));
			}
			if (hd)
				closedir(hd);
		}
		free(dev);
	}
	closedir(dir);
}

static void snap_dir_files(struct snap *s, const char *dirpath)
{
	struct dirent *de;
	DIR *dir = vfd_root_opendirf(s->root, "%s", dirpath);

	while (dir && (de = readdir(dir))) {
		char path[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, de->d_name);
		copy_file(s, path);
	}
	if (dir)
		closedir(dir);
}

static void snap_modules(struct snap *s)
{
	static const char *const names[] = {
		"vfio", "vfio_pci", "vfio_pci_core", "vfio_iommu_type1", "iommufd", "kvm",
		"kvm_intel", "kvm_amd", "pci_stub",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char path[256];

		snprintf(path, sizeof(path), "sys/module/%s", names[i]);
		if (!vfd_root_existsf(s->root, "%s", path))
			continue;
		add_dir(s, path);
		snprintf(path, sizeof(path), "sys/module/%s/initstate", names[i]);
		copy_file(s, path);
		snprintf(path, sizeof(path), "sys/module/%s/parameters", names[i]);
		snap_dir_files(s, path);
	}
}

/* the module indexes libkmod needs to answer "available" and "built in" */
static void snap_module_tree(struct snap *s, const char *release)
{
	static const char *const bases[] = { "lib/modules", "usr/lib/modules" };
	/* lookups by module name need only these; aliases and symbols are large */
	static const char *const files[] = {
		"modules.dep", "modules.dep.bin", "modules.builtin", "modules.builtin.bin",
		"modules.builtin.modinfo", "modules.softdep",
	};

	for (size_t b = 0; release && b < ARRAY_SIZE(bases); b++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s/modules.dep", bases[b], release);
		if (!vfd_root_existsf(s->root, "%s", path))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			snprintf(path, sizeof(path), "%s/%s/%s", bases[b], release, files[i]);
			copy_file_max(s, path, INDEX_MAX);
		}
		return;
	}
}

/* replace every occurrence of @what in @buf (same length or shorter) */
static size_t replace_all(char *buf, size_t len, const char *what, const char *with)
{
	size_t wl = strlen(what), nl = strlen(with), out = 0;

	if (!wl || nl > wl)
		return len;
	for (size_t i = 0; i < len;) {
		if (i + wl <= len && memcmp(buf + i, what, wl) == 0) {
			memcpy(buf + out, with, nl);
			out += nl;
			i += wl;
		} else {
			buf[out++] = buf[i++];
		}
	}
	return out;
}

/* the host name, where it is long enough not to match ordinary words */
static size_t drop_hostname(const struct snap *s, char *buf, size_t len)
{
	if (s->opts->redact && s->hostname && strlen(s->hostname) >= 4)
		return replace_all(buf, len, s->hostname, "host");
	return len;
}

/*
 * A kernel command line (proc/cmdline, etc/kernel/cmdline, GRUB_CMDLINE_* in
 * etc/default/grub): redact_cmdline()'s rules, then the host name.
 */
static void copy_cmdline(struct snap *s, const char *path)
{
	struct stat st;
	char *buf = NULL, *red;
	size_t len = 0, rlen = 0;

	if (vfd_root_statf(s->root, &st, "%s", path) < 0 || !S_ISREG(st.st_mode) ||
	    vfd_root_read_filef(s->root, ATTR_MAX, &buf, &len, "%s", path) < 0)
		return;
	if (!s->opts->redact) {
		add_data(s, path, buf, len, st.st_mode, st.st_uid, st.st_gid);
		free(buf);
		return;
	}
	red = redact_cmdline(buf, len, &rlen);
	free(buf);
	if (!red) {
		s->err = -ENOMEM;
		return;
	}
	rlen = drop_hostname(s, red, rlen);
	add_data(s, path, red, rlen, st.st_mode, st.st_uid, st.st_gid);
	free(red);
}

static void snap_kmsg(struct snap *s)
{
	struct tbuf out = { 0 };
	struct vfd_kmsg k;
	char *buf;
	size_t len = 0;

	if (vfd_kmsg_read(s->root, &k) < 0)
		return;
	/*
	 * re-encode as /dev/kmsg records (level and time survive the trip),
	 * each record redacted on its own: a value never runs into the next one
	 */
	for (size_t i = 0; i < k.n; i++) {
		const char *text = k.lines[i].text;
		size_t tlen = strlen(text);
		char *red = NULL;

		if (s->opts->redact) {
			red = redact_log(text, tlen, &tlen);
			if (!red) {
				out.oom = true;
				break;
			}
			tlen = drop_hostname(s, red, tlen);
			text = red;
		}
		tbuf_addf(&out, "%d,%zu,%llu,-;", k.lines[i].level < 0 ? 6 : k.lines[i].level, i,
			  (unsigned long long)k.lines[i].usec);
		tbuf_add(&out, text, tlen);
		tbuf_adds(&out, "\n");
		free(red);
	}
	vfd_kmsg_clear(&k);
	buf = tbuf_take(&out, &len);
	if (!buf) {
		s->err = -ENOMEM;
		return;
	}
	add_data(s, "dev/kmsg", buf, len, 0600, 0, 0);
	free(buf);
}

/* the first CPU's block: flags and vendor are the same on every CPU */
static void snap_cpuinfo(struct snap *s)
{
	char *buf = NULL, *end;
	size_t len = 0;

	if (vfd_root_read_filef(s->root, 1 << 20, &buf, &len, "proc/cpuinfo") < 0)
		return;
	end = strstr(buf, "\n\n");
	if (end)
		len = (size_t)(end - buf) + 2;
	add_data(s, "proc/cpuinfo", buf, len, 0444, 0, 0);
	free(buf);
}

/* ------------------------------------------------- accounts, mounts, routes */

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
	add_data(s, path, text, tlen, st.st_mode, st.st_uid, st.st_gid);
	free(text);
}

static void snap_accounts(struct snap *s)
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
static void snap_if_inet6(struct snap *s)
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
	add_data(s, "proc/net/if_inet6", buf, len, 0444, 0, 0);
	free(buf);
}

/* the IOMMU and VFIO lines of the kernel config */
static void snap_kconfig(struct snap *s, const char *release)
{
	char *buf = NULL, *out;
	size_t len = 0, n = 0;
	char path[256];

	if (!release)
		return;
	snprintf(path, sizeof(path), "boot/config-%s", release);
	if (vfd_root_read_filef(s->root, 1 << 22, &buf, &len, "%s", path) < 0)
		return;
	out = malloc(len + 1);
	for (char *line = buf; out && line && *line;) {
		char *eol = strchr(line, '\n');
		size_t l = eol ? (size_t)(eol - line) + 1 : strlen(line);

		if (memmem(line, l, "IOMMU", 5) || memmem(line, l, "VFIO", 4)) {
			memcpy(out + n, line, l);
			n += l;
		}
		line = eol ? eol + 1 : NULL;
	}
	if (out)
		add_data(s, path, out, n, 0644, 0, 0);
	free(out);
	free(buf);
}

static void snap_dev(struct snap *s)
{
	struct dirent *de;
	DIR *dir;

	copy_node(s, "dev/kvm");
	copy_node(s, "dev/iommu");
	dir = vfd_root_opendirf(s->root, "dev/vfio");
	if (!dir)
		return;
	add_dir(s, "dev/vfio");
	while ((de = readdir(dir))) {
		char path[300];

		if (de->d_name[0] == '.' || strcmp(de->d_name, "devices") == 0)
			continue;
		snprintf(path, sizeof(path), "dev/vfio/%s", de->d_name);
		copy_node(s, path);
	}
	closedir(dir);
}

/* what lib/host/platform.c recognises a platform by, and the loader entries it edits */
static void snap_platform(struct snap *s)
{
	struct stat st;

	for (const char *const *p = platform_text_paths(); *p; p++)
		copy_file(s, *p);
	for (const char *const *p = platform_mark_paths(); *p; p++) {
		if (vfd_root_statf(s->root, &st, "%s", *p) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			add_dir(s, *p);
		else
			copy_node(s, *p);
	}
	for (const char *const *d = platform_entry_dirs; *d; d++) {
		DIR *dir = vfd_root_opendirf(s->root, "%s", *d);
		struct dirent *de;

		while (dir && (de = readdir(dir))) {
			size_t l = strlen(de->d_name);
			char path[512];

			if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", *d, de->d_name);
			copy_file(s, path);
		}
		if (dir)
			closedir(dir);
	}
}

int vfd_snapshot_write(struct vfd_root *root, int fd, const struct vfd_snapshot_opts *opts)
{
	static const char *const block_attrs[] = { "dev", NULL };
	static const char *const net_attrs[] = { "operstate", NULL };
	static const char *const input_attrs[] = { "name", NULL };
	static const char *const plain_files[] = {
		"proc/modules", "proc/sys/kernel/osrelease", "proc/interrupts", "etc/os-release",
		"usr/lib/os-release",
	};
	static const char *const cmdline_files[] = {
		"proc/cmdline", "etc/kernel/cmdline", "etc/default/grub",
	};
	struct snap s = { .root = root, .opts = opts, .now = time(NULL) };
	char *release = NULL;
	struct dirent *de;
	DIR *dir;
	int r;

	if (vfd_dl_libarchive() < 0)
		return -ELIBACC;
	s.ar = archive_write_new();
	if (!s.ar)
		return -ENOMEM;
	archive_write_set_format_pax_restricted(s.ar);
	if (opts->compress == VFD_SNAPSHOT_XZ)
		archive_write_add_filter_xz(s.ar);
	else if (opts->compress == VFD_SNAPSHOT_GZIP)
		archive_write_add_filter_gzip(s.ar);
	if (archive_write_open_fd(s.ar, fd) != ARCHIVE_OK) {
		archive_write_free(s.ar);
		return -EIO;
	}
	vfd_root_readf_str(root, &s.hostname, "proc/sys/kernel/hostname");
	collect_ifnames(&s);
	vfd_root_readf_str(root, &release, "proc/sys/kernel/osrelease");
	/* the release names members (boot/config-R, lib/modules/R): one plain name only */
	if (release && !vfd_release_is_valid(release)) {
		free(release);
		release = NULL;
	}

	add_dir(&s, "sys/bus/pci/devices");
	dir = vfd_root_opendirf(root, "sys/bus/pci/devices");
	while (dir && (de = readdir(dir)) && !s.err)
		if (de->d_name[0] != '.')
			snap_device(&s, de->d_name);
	if (dir)
		closedir(dir);
	snap_groups(&s);
	add_dir(&s, "sys/class/iommu");
	dir = vfd_root_opendirf(root, "sys/class/iommu");
	while (dir && (de = readdir(dir))) {
		char path[300], *t;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "sys/class/iommu/%s", de->d_name);
		t = copy_link(&s, path);
		if (t) {
			char *d = resolve("sys/class/iommu", t);

			if (d)
				add_dir(&s, d);
			free(d);
		}
		free(t);
	}
	if (dir)
		closedir(dir);
	if (vfd_root_existsf(root, "sys/firmware/acpi/tables")) {
		add_dir(&s, "sys/firmware/acpi/tables");
		copy_file(&s, "sys/firmware/acpi/tables/DMAR");
		copy_file(&s, "sys/firmware/acpi/tables/IVRS");
		copy_file(&s, "sys/firmware/acpi/tables/VIOT");
	}
	snap_modules(&s);
	snap_class(&s, "block", block_attrs, true);
	snap_class(&s, "net", net_attrs, false);
	snap_class(&s, "drm", NULL, false);
	snap_class(&s, "graphics", NULL, false);
	snap_class(&s, "input", input_attrs, false);
	for (size_t i = 0; i < ARRAY_SIZE(plain_files); i++)
		copy_file(&s, plain_files[i]);
	for (size_t i = 0; i < ARRAY_SIZE(cmdline_files); i++)
		copy_cmdline(&s, cmdline_files[i]);
	copy_filtered(&s, NULL, "proc/net/route", route_line);
	copy_filtered(&s, NULL, "proc/swaps", swaps_line);
	/* mountinfo of the snapshotting process stands for the host's */
	copy_filtered(&s, NULL, "proc/self/mountinfo", mountinfo_line);
	snap_cpuinfo(&s);
	snap_platform(&s);
	snap_if_inet6(&s);
	snap_accounts(&s);
	snap_kconfig(&s, release);
	snap_module_tree(&s, release);
	snap_kmsg(&s);
	snap_dev(&s);

	r = s.err;
	if (archive_write_close(s.ar) != ARCHIVE_OK && !r)
		r = -EIO;
	archive_write_free(s.ar);
	for (size_t i = 0; i < s.ndirs; i++)
		free(s.dirs[i]);
	free(s.dirs);
	free(s.hostname);
	free(release);
	return r;
}
