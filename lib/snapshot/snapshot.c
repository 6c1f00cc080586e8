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
 * (redact.c), accounts, mounts and routes the checks do not read
 * (snapshot-filter.c). This file says what is collected; snapshot-archive.c
 * writes it. The man page, SNAPSHOT, lists all of it and must stay in step.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "platform.h"
#include "snapshot-internal.h"

/* module indexes: a truncated index is a corrupt one, so allow them room */
#define INDEX_MAX (64u << 20)

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
	target = snap_copy_link(s, path);
	if (!target)
		return;
	dev = snap_resolve("sys/bus/pci/devices", target);
	free(target);
	if (!dev)
		return;
	snap_add_dir(s, dev);
	for (size_t i = 0; i < ARRAY_SIZE(device_attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, device_attrs[i]);
		snap_copy_file(s, path);
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
			snap_add_data(s, path, cfg, len, st.st_mode, st.st_uid, st.st_gid);
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
		t = snap_copy_link(s, path);
		if (t && strcmp(de->d_name, "driver") == 0) {
			char *drv = snap_resolve(dev, t);

			if (drv)
				snap_add_dir(s, drv);
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

	snap_add_dir(s, "sys/kernel/iommu_groups");
	while (dir && (de = readdir(dir))) {
		char path[512];
		struct dirent *m;
		DIR *members;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/type", de->d_name);
		snap_copy_file(s, path);
		snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/reserved_regions", de->d_name);
		snap_copy_file(s, path);
		snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/devices", de->d_name);
		snap_add_dir(s, path);
		members = vfd_root_opendirf(s->root, "%s", path);
		while (members && (m = readdir(members))) {
			char link[768];

			if (m->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s", path, m->d_name);
			free(snap_copy_link(s, link));
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
	snap_add_dir(s, base);
	while ((de = readdir(dir))) {
		char path[512], *target, *dev;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		target = snap_copy_link(s, path);
		if (!target)
			continue;
		dev = snap_resolve(base, target);
		free(target);
		if (!dev)
			continue;
		snap_add_dir(s, dev);
		for (size_t i = 0; attrs && attrs[i]; i++) {
			snprintf(path, sizeof(path), "%s/%s", dev, attrs[i]);
			snap_copy_file(s, path);
		}
		if (holders) {
			struct dirent *h;
			DIR *hd = vfd_root_opendirf(s->root, "%s/holders", dev);

			snprintf(path, sizeof(path), "%s/holders", dev);
			snap_add_dir(s, path);
			while (hd && (h = readdir(hd))) {
				char link[768];

				if (h->d_name[0] == '.')
					continue;
				snprintf(link, sizeof(link), "%s/holders/%s", dev, h->d_name);
				free(snap_copy_link(s, link));
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
		snap_copy_file(s, path);
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
		snap_add_dir(s, path);
		snprintf(path, sizeof(path), "sys/module/%s/initstate", names[i]);
		snap_copy_file(s, path);
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
			snap_copy_file_max(s, path, INDEX_MAX);
		}
		return;
	}
}

/* the host name, where it is long enough not to match ordinary words */
static size_t drop_hostname(const struct snap *s, char *buf, size_t len)
{
	if (s->opts->redact && s->hostname && strlen(s->hostname) >= 4)
		return snap_replace_all(buf, len, s->hostname, "host");
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
		snap_add_data(s, path, buf, len, st.st_mode, st.st_uid, st.st_gid);
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
	snap_add_data(s, path, red, rlen, st.st_mode, st.st_uid, st.st_gid);
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
	snap_add_data(s, "dev/kmsg", buf, len, 0600, 0, 0);
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
	snap_add_data(s, "proc/cpuinfo", buf, len, 0444, 0, 0);
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
		snap_add_data(s, path, out, n, 0644, 0, 0);
	free(out);
	free(buf);
}

static void snap_dev(struct snap *s)
{
	struct dirent *de;
	DIR *dir;

	snap_copy_node(s, "dev/kvm");
	snap_copy_node(s, "dev/iommu");
	dir = vfd_root_opendirf(s->root, "dev/vfio");
	if (!dir)
		return;
	snap_add_dir(s, "dev/vfio");
	while ((de = readdir(dir))) {
		char path[300];

		if (de->d_name[0] == '.' || strcmp(de->d_name, "devices") == 0)
			continue;
		snprintf(path, sizeof(path), "dev/vfio/%s", de->d_name);
		snap_copy_node(s, path);
	}
	closedir(dir);
}

/* what lib/host/platform.c recognises a platform by, and the loader entries it edits */
static void snap_platform(struct snap *s)
{
	struct stat st;

	for (const char *const *p = platform_text_paths(); *p; p++)
		snap_copy_file(s, *p);
	for (const char *const *p = platform_mark_paths(); *p; p++) {
		if (vfd_root_statf(s->root, &st, "%s", *p) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			snap_add_dir(s, *p);
		else
			snap_copy_node(s, *p);
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
			snap_copy_file(s, path);
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

	r = snap_open(&s, fd);
	if (r < 0)
		return r;
	vfd_root_readf_str(root, &s.hostname, "proc/sys/kernel/hostname");
	snap_collect_ifnames(&s);
	vfd_root_readf_str(root, &release, "proc/sys/kernel/osrelease");
	/* the release names members (boot/config-R, lib/modules/R): one plain name only */
	if (release && !vfd_release_is_valid(release)) {
		free(release);
		release = NULL;
	}

	snap_add_dir(&s, "sys/bus/pci/devices");
	dir = vfd_root_opendirf(root, "sys/bus/pci/devices");
	while (dir && (de = readdir(dir)) && !s.err)
		if (de->d_name[0] != '.')
			snap_device(&s, de->d_name);
	if (dir)
		closedir(dir);
	snap_groups(&s);
	snap_add_dir(&s, "sys/class/iommu");
	dir = vfd_root_opendirf(root, "sys/class/iommu");
	while (dir && (de = readdir(dir))) {
		char path[300], *t;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "sys/class/iommu/%s", de->d_name);
		t = snap_copy_link(&s, path);
		if (t) {
			char *d = snap_resolve("sys/class/iommu", t);

			if (d)
				snap_add_dir(&s, d);
			free(d);
		}
		free(t);
	}
	if (dir)
		closedir(dir);
	if (vfd_root_existsf(root, "sys/firmware/acpi/tables")) {
		snap_add_dir(&s, "sys/firmware/acpi/tables");
		snap_copy_file(&s, "sys/firmware/acpi/tables/DMAR");
		snap_copy_file(&s, "sys/firmware/acpi/tables/IVRS");
		snap_copy_file(&s, "sys/firmware/acpi/tables/VIOT");
	}
	snap_modules(&s);
	snap_class(&s, "block", block_attrs, true);
	snap_class(&s, "net", net_attrs, false);
	snap_class(&s, "drm", NULL, false);
	snap_class(&s, "graphics", NULL, false);
	snap_class(&s, "input", input_attrs, false);
	for (size_t i = 0; i < ARRAY_SIZE(plain_files); i++)
		snap_copy_file(&s, plain_files[i]);
	for (size_t i = 0; i < ARRAY_SIZE(cmdline_files); i++)
		copy_cmdline(&s, cmdline_files[i]);
	snap_route(&s);
	snap_swaps(&s);
	snap_mountinfo(&s);
	snap_cpuinfo(&s);
	snap_platform(&s);
	snap_if_inet6(&s);
	snap_accounts(&s);
	snap_kconfig(&s, release);
	snap_module_tree(&s, release);
	snap_kmsg(&s);
	snap_dev(&s);

	r = snap_close(&s);
	free(s.hostname);
	free(release);
	return r;
}
