// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: everything `check` and `groups` read, written as a sysroot
 * tarball that `--sysroot` replays. Links are kept as links (at their place in
 * the tree), attributes are copied at their canonical sys/devices path so the
 * tree unpacks without writing through a link, device nodes become plain files
 * that keep their mode and owner, and the kernel log becomes dev/kmsg.
 * Serial numbers (the PCIe Device Serial Number capability, VPD, USB serials
 * in the log) and the host name are redacted unless asked not to.
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
#include "platform.h"

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
};

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
	if (archive_write_header(s->ar, e) != ARCHIVE_OK)
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
	archive_entry_set_pathname(e, path);
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

	add_parent(s, path);
	e = archive_entry_new();
	archive_entry_set_pathname(e, path);
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
}

static void add_symlink(struct snap *s, const char *path, const char *target)
{
	struct archive_entry *e;

	add_parent(s, path);
	e = archive_entry_new();
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFLNK);
	archive_entry_set_perm(e, 0777);
	archive_entry_set_symlink(e, target);
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

/* "SerialNumber: 1234ABC" in the log (USB) -> "SerialNumber: REDACTED" */
static size_t redact_serials(char *buf, size_t len)
{
	static const char key[] = "SerialNumber: ";
	size_t out = 0;

	for (size_t i = 0; i < len;) {
		if (i + sizeof(key) - 1 <= len && memcmp(buf + i, key, sizeof(key) - 1) == 0) {
			memcpy(buf + out, key, sizeof(key) - 1);
			out += sizeof(key) - 1;
			i += sizeof(key) - 1;
			if (len - i >= 8) {
				memcpy(buf + out, "REDACTED", 8);
				out += 8;
			}
			while (i < len && buf[i] != '\n')
				i++;
		} else {
			buf[out++] = buf[i++];
		}
	}
	return out;
}

static void snap_kmsg(struct snap *s)
{
	struct vfd_kmsg k;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (vfd_kmsg_read(s->root, &k) < 0)
		return;
	/* re-encode as /dev/kmsg records: level and time survive the trip */
	for (size_t i = 0; i < k.n; i++) {
		size_t need = strlen(k.lines[i].text) + 64;

		if (len + need > cap) {
			size_t ncap = (cap + need) * 2;
			char *nb = realloc(buf, ncap);

			if (!nb)
				break;
			buf = nb;
			cap = ncap;
		}
		len += (size_t)snprintf(buf + len, cap - len, "%d,%zu,%llu,-;%s\n",
					k.lines[i].level < 0 ? 6 : k.lines[i].level, i,
					(unsigned long long)k.lines[i].usec, k.lines[i].text);
	}
	vfd_kmsg_clear(&k);
	if (s->opts->redact && buf) {
		len = redact_serials(buf, len);
		if (s->hostname && strlen(s->hostname) >= 4)
			len = replace_all(buf, len, s->hostname, "host");
	}
	add_data(s, "dev/kmsg", buf ? buf : "", len, 0600, 0, 0);
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

/* passwd without the GECOS field: names and ids are what access checks need */
static void snap_passwd(struct snap *s)
{
	char *buf = NULL, *out;
	size_t len = 0, n = 0;

	if (vfd_root_read_filef(s->root, 1 << 20, &buf, &len, "etc/passwd") < 0)
		return;
	out = malloc(len + 1);
	if (!out) {
		free(buf);
		return;
	}
	for (char *line = buf; line && *line;) {
		char *eol = strchr(line, '\n');
		size_t l = eol ? (size_t)(eol - line) : strlen(line);
		int field = 0;

		for (size_t i = 0; i < l; i++) {
			if (line[i] == ':')
				field++;
			/* field 4 is GECOS: drop its characters, keep the colons */
			if (field == 4 && line[i] != ':' && s->opts->redact)
				continue;
			out[n++] = line[i];
		}
		out[n++] = '\n';
		line = eol ? eol + 1 : NULL;
	}
	add_data(s, "etc/passwd", out, n, 0644, 0, 0);
	free(out);
	free(buf);
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

/* what lib/platform.c recognises a platform by, and the loader entries it edits */
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
		"proc/cmdline", "proc/modules", "proc/sys/kernel/osrelease", "proc/swaps",
		"proc/net/route", "proc/interrupts", "etc/os-release", "usr/lib/os-release",
		"etc/default/grub", "etc/kernel/cmdline", "etc/group",
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
	vfd_root_readf_str(root, &release, "proc/sys/kernel/osrelease");

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
	/* mountinfo of the snapshotting process stands for the host's */
	{
		char *buf = NULL;
		size_t len = 0;

		if (vfd_root_read_filef(root, 1 << 22, &buf, &len, "proc/self/mountinfo") == 0)
			add_data(&s, "proc/self/mountinfo", buf, len, 0444, 0, 0);
		free(buf);
	}
	snap_cpuinfo(&s);
	snap_platform(&s);
	snap_if_inet6(&s);
	snap_passwd(&s);
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
