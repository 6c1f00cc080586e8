// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: whole sysroots. Each input is a small program that builds
 * a tree in a private temporary directory: PCI functions placed under any
 * earlier one (so parent cycles and deep chains happen), their attribute and
 * config files, driver and IOMMU group links, the files a check reads (as
 * regular files, FIFOs, directories or symbolic links), and links with
 * absolute, relative and "../" targets. Then the scan, the groups, the
 * topology and the layered check run on it, and every file a check reads is
 * read once more through the root: none may hold the marker planted outside
 * the tree (confinement), and none may block (a FIFO nobody writes to would
 * hang the run, which libFuzzer's -timeout reports). The tree is removed
 * after each input.
 *
 * Program: a sequence of records, each an opcode byte and its operands;
 * strings are a length byte and that many bytes (cut to the input's end).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfd.h"

#define MARKER "OUTSIDE-THE-SYSROOT"
#define MAX_DEVICES 24
#define MAX_RECORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t byte(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* a string of the input: at most @max bytes, no NUL, no '/' when @plain */
static void string(struct input *in, char *out, size_t max, bool plain)
{
	size_t len = byte(in), o = 0;

	for (size_t i = 0; i < len && in->n; i++) {
		char c = (char)byte(in);

		if (c == '\0' || (plain && c == '/'))
			c = '_';
		if (o + 1 < max)
			out[o++] = c;
	}
	out[o] = '\0';
	/*
	 * a name in the tree may be quoted as evidence (the entries of a
	 * directory): one that spells the marker would be a false escape
	 */
	for (char *m; (m = strstr(out, MARKER)); )
		*m = '_';
}

static char base[64];		/* the private directory; base/root is the sysroot */
static char root_dir[96];
static char marker_path[96];	/* base/secret, outside the sysroot */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_base(void)
{
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* make the directories of @rel below the root (not the last component) */
static void parents(const char *rel)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", root_dir, rel);

	if (n < 0 || (size_t)n >= sizeof(path))
		return;
	for (char *p = path + strlen(root_dir) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
}

static void put(const char *rel, const void *text, size_t len)
{
	char path[4096];
	int fd;

	/*
	 * libFuzzer learns the marker from the strstr() below and writes it into
	 * inputs: the tree itself must never hold it, or a find proves nothing
	 */
	if (memmem(text, len, MARKER, strlen(MARKER)))
		return;
	parents(rel);
	snprintf(path, sizeof(path), "%s/%s", root_dir, rel);
	/* O_NONBLOCK: a FIFO made by an earlier record is left as it is */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, text, len) < 0) {
		/* a short tree is still a tree */
	}
	close(fd);
}

/* @rel as a FIFO, a directory, a link or a file, by @kind */
static void node(const char *rel, uint8_t kind, const char *text, const char *target)
{
	char path[4096];

	parents(rel);
	snprintf(path, sizeof(path), "%s/%s", root_dir, rel);
	switch (kind % 4) {
	case 0:
		put(rel, text, strlen(text));
		break;
	case 1:
		mkfifo(path, 0644);
		break;
	case 2:
		mkdir(path, 0755);
		break;
	case 3:
		/* the marker's absolute path on this machine: inside the root it is nothing */
		if (strcmp(target, "@marker") == 0)
			target = marker_path;
		if (symlink(target, path) < 0) {
			/* already there: keep what is */
		}
		break;
	}
}

/* what the check reads, and where links are planted */
static const char *const files[] = {
	"proc/cmdline", "etc/os-release", "dev/kmsg", "proc/modules",
	"proc/sys/kernel/osrelease", "proc/cpuinfo", "proc/interrupts", "dev/kvm",
	"dev/vfio/vfio", "sys/module/vfio/initstate", "sys/class/iommu",
	"sys/firmware/acpi/tables/DMAR", "etc/default/grub", "etc/passwd",
	"sys/bus/pci/devices", "sys/kernel/iommu_groups",
};

/* link targets: outside by every route, into the tree, loops */
static const char *const targets[] = {
	"@marker", "../../../../../../../../secret", "../../secret", "/", "..", ".",
	"/../../../secret", "self", "loop", "/proc/cmdline", "../../../devices/pci0000:00",
	"/sys/bus/pci/devices", "../../../../../../../../../../etc/passwd",
};

struct dev {
	char slot[16];
	char path[128];		/* below sys/devices */
};

static void add_device(struct input *in, struct dev *devs, size_t *n)
{
	struct dev *d = &devs[*n];
	uint8_t b = byte(in), df = byte(in), up = byte(in), how = byte(in);
	char rel[512], target[512], parent[128];
	uint8_t cfg[256];
	size_t clen = byte(in);

	snprintf(d->slot, sizeof(d->slot), "0000:%02x:%02x.%x", b % 4, (df >> 3) & 31, df & 7);
	/* under the root bus or under any device made so far (cycles come from here) */
	if (*n && up % 3)
		snprintf(parent, sizeof(parent), "pci0000:00/%s", devs[up % *n].slot);
	else
		snprintf(parent, sizeof(parent), "pci0000:00");
	snprintf(d->path, sizeof(d->path), "%s/%s", parent, d->slot);
	snprintf(rel, sizeof(rel), "sys/devices/%s/vendor", d->path);
	put(rel, "0x8086\n", 7);
	snprintf(rel, sizeof(rel), "sys/devices/%s/class", d->path);
	put(rel, how & 1 ? "0x060400\n" : "0x030000\n", 9);
	/* config space from the input: a header, capabilities, garbage */
	for (size_t i = 0; i < clen && i < sizeof(cfg); i++)
		cfg[i] = byte(in);
	snprintf(rel, sizeof(rel), "sys/devices/%s/config", d->path);
	if (how & 2)
		node(rel, 1, "", "");
	else
		put(rel, cfg, clen < sizeof(cfg) ? clen : sizeof(cfg));
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", d->slot);
	snprintf(target, sizeof(target), "../../../devices/%s", d->path);
	node(rel, 3, "", how & 4 ? targets[how % (sizeof(targets) / sizeof(targets[0]))] : target);
	/* a group: its directory link and the device's link to it */
	if (how & 8) {
		int g = (how >> 4) & 3;

		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", g, d->slot);
		snprintf(target, sizeof(target), "../../../../devices/%s", d->path);
		node(rel, 3, "", target);
		snprintf(rel, sizeof(rel), "sys/devices/%s/iommu_group", d->path);
		snprintf(target, sizeof(target), "../../../../kernel/iommu_groups/%d", g);
		node(rel, 3, "", target);
	}
	(*n)++;
}

static void build(struct input *in, struct dev *devs, size_t *n)
{
	for (int r = 0; r < MAX_RECORDS && in->n; r++) {
		uint8_t op = byte(in);
		char text[256], rel[512], target[256];

		switch (op % 5) {
		case 0:
			if (*n < MAX_DEVICES)
				add_device(in, devs, n);
			break;
		case 1: {
			/* one of the files a check reads, of any type */
			const char *f = files[byte(in) % (sizeof(files) / sizeof(files[0]))];
			uint8_t kind = byte(in);

			string(in, text, sizeof(text), false);
			node(f, kind, text, targets[kind % (sizeof(targets) / sizeof(targets[0]))]);
			break;
		}
		case 2: {
			/* a device attribute or link: driver, driver_override, physfn, reset_method */
			static const char *const attrs[] = { "driver", "driver_override", "physfn",
							     "reset_method", "boot_vga", "rom",
							     "numa_node", "modalias" };
			uint8_t which = byte(in), kind = byte(in);

			if (!*n)
				break;
			string(in, text, sizeof(text), true);
			snprintf(rel, sizeof(rel), "sys/devices/%s/%s", devs[which % *n].path,
				 attrs[(which >> 4) % (sizeof(attrs) / sizeof(attrs[0]))]);
			snprintf(target, sizeof(target), "../../../../bus/pci/drivers/%s", text);
			node(rel, kind, text, kind & 4 ? target : targets[kind % 13]);
			break;
		}
		case 3: {
			/* a link anywhere below a known directory, its target from the input */
			string(in, text, sizeof(text), true);
			string(in, target, sizeof(target), false);
			snprintf(rel, sizeof(rel), "%s/%s",
				 files[byte(in) % (sizeof(files) / sizeof(files[0]))],
				 text[0] ? text : "x");
			node(rel, 3, "", target);
			break;
		}
		case 4:
			/* the kernel release: a path component in the check */
			string(in, text, sizeof(text), false);
			put("proc/sys/kernel/osrelease", text, strlen(text));
			break;
		}
	}
}

/* read what the check reads: the marker planted outside must never come back */
static void confined(struct vfd_root *root)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *buf = NULL;

		if (vfd_root_read_filef(root, 1 << 16, &buf, NULL, "%s", files[i]) == 0 &&
		    strstr(buf, MARKER)) {
			if (getenv("FUZZ_DEBUG")) {
				char cmd[512];

				fprintf(stderr, "marker read through '%s'\n", files[i]);
				snprintf(cmd, sizeof(cmd), "cd %s && find . -printf '%%y %%p %%l\\n' >&2", base);
				if (system(cmd)) {
				}
			}
			abort();
		}
		free(buf);
	}
}

static void run(struct dev *devs, size_t n)
{
	struct vfd_root *root = vfd_root_new(root_dir);
	struct vfd_host *host;

	if (!root)
		return;
	confined(root);
	host = vfd_host_new(root);
	if (host) {
		const char *devices[2] = { n ? devs[0].slot : NULL, NULL };
		struct vfd_check_opts opts = { .devices = n ? devices : NULL };
		struct vfd_report report = { 0 };

		vfd_host_get_topology_error(host);
		for (size_t g = 0; g < vfd_host_count_groups(host); g++) {
			struct vfd_group *grp = vfd_host_group(host, g);
			char slot[32];

			vfd_group_is_viable(host, grp);
			vfd_group_share_reason(host, grp, slot, sizeof(slot));
		}
		for (size_t i = 0; i < vfd_host_count_devices(host); i++) {
			struct vfd_pcidev *d = vfd_host_device(host, i);

			/* every walk up ends: at most VFD_PCI_MAX_DEPTH steps */
			const char *up = vfd_pcidev_get_parent(d);

			for (int hops = 0; up; hops++) {
				struct vfd_pcidev *p = vfd_host_find(host, up);

				if (hops > VFD_PCI_MAX_DEPTH)
					abort();
				up = p ? vfd_pcidev_get_parent(p) : NULL;
			}
		}
		vfd_check_run(host, &opts, &report);
		for (size_t i = 0; i < report.n; i++)
			for (size_t e = 0; report.findings[i].evidence &&
					   report.findings[i].evidence[e]; e++)
				if (strstr(report.findings[i].evidence[e], MARKER))
					abort();
		vfd_report_clear(&report);
		vfd_host_free(host);
	}
	vfd_root_unref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct dev devs[MAX_DEVICES];
	size_t n = 0;
	char path[160];

	if (!base[0]) {
		const char *tmpdir = getenv("TMPDIR");
		int fd;

		/* a tree per input: on tmpfs where there is one, disks make it 10 times slower */
		if (!tmpdir || !*tmpdir)
			tmpdir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(base, sizeof(base), "%s/vfd-fuzz-XXXXXX", tmpdir);
		if (!mkdtemp(base))
			abort();
		/* the marker beside the sysroot and where absolute links would land on the host */
		snprintf(marker_path, sizeof(marker_path), "%s/secret", base);
		fd = open(marker_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, MARKER "\n", sizeof(MARKER)) < 0)
			abort();
		close(fd);
		snprintf(root_dir, sizeof(root_dir), "%s/root", base);
		atexit(remove_base);
	}
	nftw(root_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(root_dir, 0755);
	put("sys/bus/pci/devices/.keep", "", 0);
	remove(strcat(strcpy(path, root_dir), "/sys/bus/pci/devices/.keep"));
	mkdir(strcat(strcpy(path, root_dir), "/sys/kernel"), 0755);
	mkdir(strcat(strcpy(path, root_dir), "/sys/kernel/iommu_groups"), 0755);
	build(&in, devs, &n);
	run(devs, n);
	nftw(root_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
