// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-host: write a sysroot that looks like a large two-socket KVM host, for
 * the benchmarks in bench/run. Not part of vfio-doctor; it only writes files.
 *
 * The host: a Sky Lake-SP board with two root buses (pci0000:00 and
 * pci0000:80), 32 PCIe root ports on each, the C620 chipset functions, eight
 * GPUs each with its HDMI audio function, four NVMe drives, and dual-port
 * 82599 NICs with SR-IOV enabled, enough of them (behind PLX switches when
 * the root ports run out) to reach the requested number of functions.
 *
 * Everything is kept consistent the way a kernel would make it: config space
 * with the capability list a device of that kind has (PCIe port type, ACS on
 * ports, FLR and SR-IOV where they belong; VFs read 0xffff as IDs, as real
 * ones do), the attribute files the kernel derives from it, bus, driver,
 * physfn/virtfn and iommu_group links, sys/kernel/iommu_groups, the class
 * devices (net, block, drm), /proc and /dev stand-ins and a kernel log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_MIN		256
#define N_MAX		16384
#define ROOT_PORTS	32		/* per socket */
#define NIC_FUNCS	128		/* 2 PFs + 2 x 63 VFs: one bus each */
#define VFS_MAX		63		/* ixgbe's limit per PF */
#define SWITCH_DS	4		/* PEX 8747: 1 upstream, 4 downstream ports */

enum kind {
	K_HOSTBRIDGE, K_ROOTPORT, K_SW_UP, K_SW_DOWN, K_USB, K_LPC, K_SMBUS, K_SPI,
	K_GPU, K_AUDIO, K_NVME, K_PF, K_VF,
};

/* PCIe capability device/port types (PCIe 4.0, 7.5.3.2) */
#define T_ENDPOINT	0x0
#define T_ROOT_PORT	0x4
#define T_UPSTREAM	0x5
#define T_DOWNSTREAM	0x6
#define T_RC_ENDPOINT	0x9

struct fn {
	enum kind kind;
	int socket;
	int bus, dev, func;
	char slot[24];
	char path[160];		/* below sys/devices */
	int depth;		/* components in path */
	uint16_t vendor, device, svendor, sdevice;
	uint32_t class_code;
	uint8_t rev, header;
	int pcie_type;		/* -1: conventional PCI */
	bool acs, flr;
	int sec_bus, sub_bus;	/* bridges */
	int num_vfs, first_vf;	/* PFs: count and index of the first VF */
	int pf;			/* VFs: index of the PF */
	int leader;		/* shares the IOMMU group of this function, or -1 */
	int group;
	const char *driver;
	const char *reset;	/* reset_method, NULL when absent */
	int boot_vga;		/* -1: no attribute */
	char netdev[32];
	int card;		/* drm card number or -1 */
	int nvme;		/* nvme controller number or -1 */
};

static struct fn *fns;
static size_t nfns, capfns;
static int rootfd = -1;

static __attribute__((format(printf, 1, 2), noreturn)) void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen-host: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- writing the tree ------------------------------------------------- */

static void mkdirs(const char *path)
{
	char buf[512];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		die("path too long: %s", path);
	if (mkdirat(rootfd, path, 0755) == 0 || errno == EEXIST)
		return;
	if (errno != ENOENT)
		die("mkdir %s: %s", path, strerror(errno));
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdirat(rootfd, buf, 0755) < 0 && errno != EEXIST)
			die("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdirat(rootfd, buf, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", buf, strerror(errno));
}

static void put_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = openat(rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 && errno == ENOENT) {
		char dir[512];

		snprintf(dir, sizeof(dir), "%s", path);
		*strrchr(dir, '/') = '\0';
		mkdirs(dir);
		fd = openat(rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	}
	if (fd < 0)
		die("create %s: %s", path, strerror(errno));
	if (len && write(fd, data, len) != (ssize_t)len)
		die("write %s: %s", path, strerror(errno));
	close(fd);
}

static __attribute__((format(printf, 2, 3))) void put_text(const char *path, const char *fmt,
							    ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		die("text too long for %s", path);
	put_file(path, buf, (size_t)n, 0644);
}

static void put_link(const char *target, const char *path)
{
	if (symlinkat(target, rootfd, path) == 0 || errno == EEXIST)
		return;
	if (errno == ENOENT) {
		char dir[512];

		snprintf(dir, sizeof(dir), "%s", path);
		*strrchr(dir, '/') = '\0';
		mkdirs(dir);
		if (symlinkat(target, rootfd, path) == 0)
			return;
	}
	die("symlink %s: %s", path, strerror(errno));
}

/* "../" repeated @n times into @buf */
static char *ups(char *buf, size_t size, int n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && o + 3 < size; i++, o += 3)
		memcpy(buf + o, "../", 4);
	return buf;
}

/* ---- the topology ----------------------------------------------------- */

static struct fn *add(enum kind kind, int socket, int bus, int dev, int func, const char *parent)
{
	struct fn *f;

	if (nfns == capfns) {
		capfns = capfns ? capfns * 2 : 1024;
		fns = realloc(fns, capfns * sizeof(*fns));
		if (!fns)
			die("out of memory");
	}
	f = &fns[nfns++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->socket = socket;
	f->bus = bus;
	f->dev = dev;
	f->func = func;
	snprintf(f->slot, sizeof(f->slot), "0000:%02x:%02x.%d", bus, dev, func);
	if (parent)
		snprintf(f->path, sizeof(f->path), "%s/%s", parent, f->slot);
	else
		snprintf(f->path, sizeof(f->path), "pci0000:%02x/%s", socket ? 0x80 : 0, f->slot);
	f->depth = 1;
	for (const char *p = f->path; *p; p++)
		f->depth += *p == '/';
	f->pcie_type = T_ENDPOINT;
	f->leader = -1;
	f->group = -1;
	f->boot_vga = -1;
	f->card = -1;
	f->nvme = -1;
	f->pf = -1;
	f->rev = 0x01;
	return f;
}

/*
 * -u: hardware newer than the host's pci.ids. Every vendor (and subsystem
 * vendor) becomes 0x1ee0, which pci.ids does not list, so that no vendor or
 * device has a name there; classes stay, as new devices keep the old ones.
 */
#define UNKNOWN_VENDOR	0x1ee0
static bool unknown_ids;

static void ids(struct fn *f, uint16_t v, uint16_t d, uint16_t sv, uint16_t sd, uint32_t cls,
		uint8_t header)
{
	if (unknown_ids) {
		v = UNKNOWN_VENDOR;
		sv = sv ? UNKNOWN_VENDOR : 0;
	}
	f->vendor = v;
	f->device = d;
	f->svendor = sv;
	f->sdevice = sd;
	f->class_code = cls;
	f->header = header;
}

static int next_bus[2];

static int take_bus(int socket)
{
	int b = next_bus[socket]++;

	if (b > (socket ? 0xff : 0x7f))
		die("out of bus numbers on socket %d: too many functions", socket);
	return b;
}

static size_t idx(const struct fn *f)
{
	return (size_t)(f - fns);
}

static int gpu_count, nvme_count, nic_count, vf_total, pf_count;

/* one dual-port 82599 on @bus below @parent; returns the PF index of port 0 */
static void add_nic(int socket, int bus, const char *parent_path, int vfs0, int vfs1)
{
	size_t pf0 = nfns;
	char parent[160];

	snprintf(parent, sizeof(parent), "%s", parent_path);
	for (int p = 0; p < 2; p++) {
		struct fn *f = add(K_PF, socket, bus, 0, p, parent);

		ids(f, 0x8086, 0x10fb, 0x8086, 0x0003, 0x020000, 0x80);
		f->flr = true;
		f->driver = "ixgbe";
		f->reset = "flr bus";
		f->num_vfs = p ? vfs1 : vfs0;
		if (p)
			f->leader = (int)pf0;
		snprintf(f->netdev, sizeof(f->netdev), "enp%ds0f%d", bus, p);
		pf_count++;
	}
	/* VF routing IDs: offset 0x80, stride 2 from each PF (82599 datasheet 9.4) */
	for (int p = 0; p < 2; p++) {
		int n = fns[pf0 + (size_t)p].num_vfs;

		fns[pf0 + (size_t)p].first_vf = (int)nfns;
		for (int k = 0; k < n; k++) {
			int devfn = p + 0x80 + 2 * k;
			struct fn *v = add(K_VF, socket, bus, devfn >> 3, devfn & 7, parent);

			ids(v, 0x8086, 0x10ed, 0x8086, 0x000c, 0x020000, 0x00);
			v->flr = true;
			v->pf = (int)pf0 + p;
			v->driver = "ixgbevf";
			v->reset = "flr";
			if (v->func)
				snprintf(v->netdev, sizeof(v->netdev), "enp%ds%df%d", bus, v->dev,
					 v->func);
			else
				snprintf(v->netdev, sizeof(v->netdev), "enp%ds%d", bus, v->dev);
			vf_total++;
		}
	}
	nic_count++;
}

static void bridge_window(struct fn *f, int sec, int sub)
{
	f->sec_bus = sec;
	f->sub_bus = sub;
}

/*
 * NICs per socket and whether they sit behind switches, for @n functions.
 * The fixed part: 2 host bridges, 64 root ports, 4 chipset functions,
 * 16 GPU functions, 4 NVMe drives.
 */
#define FIXED (2 + 2 * ROOT_PORTS + 4 + 16 + 4)
#define FREE_PORTS (ROOT_PORTS - 4 - 2)

static int switch_funcs(int nics_s)
{
	if (nics_s <= FREE_PORTS)
		return 0;
	/* one upstream port per switch and one downstream port per NIC */
	return (nics_s + SWITCH_DS - 1) / SWITCH_DS + nics_s;
}

static void plan(int n, int *nics_s, int *vfs)
{
	int nics = (n - FIXED + NIC_FUNCS - 1) / NIC_FUNCS;

	for (int iter = 0; iter < 16; iter++) {
		int a = (nics + 1) / 2, b = nics / 2;
		int rest = n - FIXED - switch_funcs(a) - switch_funcs(b);
		int again = (rest + NIC_FUNCS - 1) / NIC_FUNCS;

		if (again == nics) {
			nics_s[0] = a;
			nics_s[1] = b;
			*vfs = rest - 2 * nics;
			if (*vfs < 0 || *vfs > 2 * nics * VFS_MAX)
				die("cannot lay out %d functions", n);
			return;
		}
		nics = again;
	}
	die("cannot lay out %d functions", n);
}

static void build(int n)
{
	int nics_s[2], vfs, pf_seen = 0, npf;
	static const char *const gpu_drv[8] = {
		"nvidia", "nvidia", "nvidia", "nvidia", "nvidia", "nvidia", "vfio-pci", "vfio-pci",
	};
	static const char *const audio_drv[8] = {
		"snd_hda_intel", "snd_hda_intel", "snd_hda_intel", "snd_hda_intel",
		"snd_hda_intel", "snd_hda_intel", "snd_hda_intel", "vfio-pci",
	};

	plan(n, nics_s, &vfs);
	npf = 2 * (nics_s[0] + nics_s[1]);
	for (int s = 0; s < 2; s++) {
		int base = s ? 0x80 : 0x00;
		struct fn *f;

		next_bus[s] = base + 1;
		f = add(K_HOSTBRIDGE, s, base, 0, 0, NULL);
		ids(f, 0x8086, 0x2020, 0x8086, 0x0000, 0x060000, 0x00);
		f->pcie_type = T_RC_ENDPOINT;
		if (s == 0) {
			f = add(K_USB, s, 0, 0x14, 0, NULL);
			ids(f, 0x8086, 0xa1af, 0x15d9, 0x095d, 0x0c0330, 0x00);
			f->pcie_type = -1;
			f->driver = "xhci_hcd";
			f->reset = "pm";
			f = add(K_LPC, s, 0, 0x1f, 0, NULL);
			ids(f, 0x8086, 0xa1c1, 0x15d9, 0x095d, 0x060100, 0x80);
			f->pcie_type = -1;
			f->driver = "lpc_ich";
			f = add(K_SMBUS, s, 0, 0x1f, 4, NULL);
			ids(f, 0x8086, 0xa1a3, 0x15d9, 0x095d, 0x0c0500, 0x80);
			f->pcie_type = -1;
			f->driver = "i801_smbus";
			f->leader = (int)idx(f) - 1;
			f = add(K_SPI, s, 0, 0x1f, 5, NULL);
			ids(f, 0x8086, 0xa1a4, 0x15d9, 0x095d, 0x0c8000, 0x80);
			f->pcie_type = -1;
			f->leader = (int)idx(f) - 2;
		}
		for (int rp = 0; rp < ROOT_PORTS; rp++) {
			size_t port = nfns;
			char ppath[160];
			int role = rp < 4 ? 0 : rp < 6 ? 1 : 2;	/* gpu, nvme, nic */
			int nic = rp - 6;

			f = add(K_ROOTPORT, s, base, 1 + rp / 4, rp % 4, NULL);
			ids(f, 0x8086, (uint16_t)(0x2030 + rp % 4), 0x15d9, 0x095d, 0x060400, 0x81);
			f->pcie_type = T_ROOT_PORT;
			f->acs = true;
			f->driver = "pcieport";
			snprintf(ppath, sizeof(ppath), "%s", f->path);
			if (role == 0) {
				int g = gpu_count++;
				int bus = take_bus(s);
				struct fn *v, *a;

				bridge_window(&fns[port], bus, bus);
				v = add(K_GPU, s, bus, 0, 0, ppath);
				ids(v, 0x10de, 0x2230, 0x10de, 0x1459, 0x030000, 0x80);
				v->rev = 0xa1;
				v->driver = gpu_drv[g];
				v->reset = "bus";
				v->boot_vga = g == 0;
				if (strcmp(v->driver, "nvidia") == 0)
					v->card = g;
				a = add(K_AUDIO, s, bus, 0, 1, ppath);
				ids(a, 0x10de, 0x1aef, 0x10de, 0x1459, 0x040300, 0x80);
				a->rev = 0xa1;
				a->driver = audio_drv[g];
				a->reset = "bus";
				a->leader = (int)idx(a) - 1;
			} else if (role == 1) {
				int bus = take_bus(s);
				struct fn *d;

				bridge_window(&fns[port], bus, bus);
				d = add(K_NVME, s, bus, 0, 0, ppath);
				ids(d, 0x144d, 0xa80a, 0x144d, 0xa812, 0x010802, 0x00);
				d->rev = 0x00;
				d->flr = true;
				d->driver = "nvme";
				d->reset = "flr bus";
				d->nvme = nvme_count++;
			} else if (nics_s[s] <= FREE_PORTS && nic < nics_s[s]) {
				int bus = take_bus(s);
				int per = vfs / npf, extra = vfs % npf;
				int v0 = per + (pf_seen < extra), v1 = per + (pf_seen + 1 < extra);

				bridge_window(&fns[port], bus, bus);
				add_nic(s, bus, ppath, v0, v1);
				pf_seen += 2;
			} else if (nics_s[s] > FREE_PORTS && nic * SWITCH_DS < nics_s[s]) {
				/* a PLX switch: upstream port, internal bus, downstream ports */
				int ubus = take_bus(s), ibus = take_bus(s);
				int nds = nics_s[s] - nic * SWITCH_DS;
				struct fn *up;
				char upath[160];

				if (nds > SWITCH_DS)
					nds = SWITCH_DS;
				up = add(K_SW_UP, s, ubus, 0, 0, ppath);
				ids(up, 0x10b5, 0x8747, 0x10b5, 0x8747, 0x060400, 0x01);
				up->rev = 0xca;
				up->pcie_type = T_UPSTREAM;
				up->driver = "pcieport";
				snprintf(upath, sizeof(upath), "%s", up->path);
				for (int k = 0; k < nds; k++) {
					size_t ds = nfns;
					struct fn *dp = add(K_SW_DOWN, s, ibus, 8 + k, 0, upath);
					char dpath[160];
					int bus = take_bus(s);
					int per = vfs / npf, extra = vfs % npf;
					int v0 = per + (pf_seen < extra);
					int v1 = per + (pf_seen + 1 < extra);

					ids(dp, 0x10b5, 0x8747, 0x10b5, 0x8747, 0x060400, 0x01);
					dp->rev = 0xca;
					dp->pcie_type = T_DOWNSTREAM;
					dp->acs = true;
					dp->driver = "pcieport";
					snprintf(dpath, sizeof(dpath), "%s", dp->path);
					bridge_window(&fns[ds], bus, bus);
					add_nic(s, bus, dpath, v0, v1);
					pf_seen += 2;
				}
				/* the functions just added may have moved the array */
				bridge_window(&fns[port + 1], ibus, next_bus[s] - 1);
				bridge_window(&fns[port], ubus, next_bus[s] - 1);
			}
		}
	}
	if ((int)nfns != n)
		die("internal: laid out %zu functions, not %d", nfns, n);
}

/* a couple of VFs given to vfio-pci, as for two running guests */
static void assign_vfio_vfs(void)
{
	for (size_t i = nfns; i-- > 0;) {
		if (fns[i].kind == K_PF && fns[i].func == 0 && fns[i].num_vfs >= 2) {
			for (int k = 0; k < 2; k++) {
				struct fn *v = &fns[fns[i].first_vf + k];

				v->driver = "vfio-pci";
				v->netdev[0] = '\0';
			}
			return;
		}
	}
}

static int cmp_slot(const void *a, const void *b)
{
	const struct fn *x = *(const struct fn *const *)a, *y = *(const struct fn *const *)b;

	return strcmp(x->slot, y->slot);
}

/*
 * Group numbers in the order the IOMMU driver probes devices at boot (bus
 * order); VFs come into being later, when sriov_numvfs is written, and get
 * the numbers after them.
 */
static int assign_groups(void)
{
	struct fn **order = malloc(nfns * sizeof(*order));
	int next = 0;

	if (!order)
		die("out of memory");
	for (int pass = 0; pass < 2; pass++) {
		size_t n = 0;

		for (size_t i = 0; i < nfns; i++)
			if ((fns[i].kind == K_VF) == (pass == 1))
				order[n++] = &fns[i];
		qsort(order, n, sizeof(*order), cmp_slot);
		for (size_t i = 0; i < n; i++) {
			struct fn *f = order[i];

			f->group = f->leader >= 0 ? fns[f->leader].group : next++;
		}
	}
	free(order);
	return next;
}

/* ---- config space ------------------------------------------------------ */

static void w16(uint8_t *c, size_t off, unsigned int v)
{
	c[off] = (uint8_t)v;
	c[off + 1] = (uint8_t)(v >> 8);
}

static void w32(uint8_t *c, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		c[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* extended capability header: ID, version 1, next */
static void ext_cap(uint8_t *c, size_t off, unsigned int id, unsigned int ver, size_t next)
{
	w32(c, off, (uint32_t)id | (uint32_t)ver << 16 | (uint32_t)next << 20);
}

static void make_config(const struct fn *f, uint8_t *c, size_t *len)
{
	bool bridge = (f->header & 0x7f) == 1;
	size_t pcie = 0x70;

	memset(c, 0, 4096);
	*len = f->pcie_type >= 0 ? 4096 : 256;
	if (f->kind == K_VF) {
		/* a VF's ID registers read all ones (SR-IOV 1.1, 3.4.1.1) */
		w16(c, 0x00, 0xffff);
		w16(c, 0x02, 0xffff);
	} else {
		w16(c, 0x00, f->vendor);
		w16(c, 0x02, f->device);
	}
	w16(c, 0x04, f->kind == K_VF ? 0x0000 : 0x0406 | (f->driver ? 0x0001 : 0));
	w16(c, 0x06, 0x0010);			/* capabilities list */
	c[0x08] = f->rev;
	c[0x09] = (uint8_t)f->class_code;
	c[0x0a] = (uint8_t)(f->class_code >> 8);
	c[0x0b] = (uint8_t)(f->class_code >> 16);
	c[0x0c] = 0x10;
	c[0x0e] = f->header;
	if (bridge) {
		c[0x18] = (uint8_t)f->bus;
		c[0x19] = (uint8_t)f->sec_bus;
		c[0x1a] = (uint8_t)f->sub_bus;
		w16(c, 0x20, 0xa000 + (unsigned int)f->sec_bus * 0x10);
		w16(c, 0x22, 0xa000 + (unsigned int)f->sec_bus * 0x10 + 0x0f);
		w16(c, 0x3e, 0x0010);
	} else {
		w32(c, 0x10, 0x90000000u + ((uint32_t)f->bus << 20 | (uint32_t)f->dev << 15 |
					    (uint32_t)f->func << 12) + 0x4);
		w16(c, 0x2c, f->svendor);
		w16(c, 0x2e, f->sdevice);
		c[0x3d] = 0x01;
	}
	c[0x3c] = 0xff;
	/* 0x40 power management -> 0x50 MSI -> 0x70 Express -> 0x90 SSVID or 0xb0 MSI-X */
	c[0x34] = 0x40;
	c[0x40] = 0x01;
	c[0x41] = 0x50;
	w16(c, 0x42, 0x0003);
	c[0x50] = 0x05;
	c[0x51] = f->pcie_type >= 0 ? 0x70 : 0x00;
	w16(c, 0x52, 0x0080);
	if (f->pcie_type < 0)
		return;
	c[pcie] = 0x10;
	c[pcie + 1] = bridge ? 0x90 : 0xb0;
	w16(c, pcie + 2, 0x0002 | (unsigned int)f->pcie_type << 4 |
	    (f->pcie_type == T_ROOT_PORT || f->pcie_type == T_DOWNSTREAM ? 0x0100 : 0));
	w32(c, pcie + 4, 0x00008fc2u | (f->flr ? 1u << 28 : 0));
	w32(c, pcie + 0x0c, 0x00400000u | 16u << 4 | 3u);
	w16(c, pcie + 0x12, 0x1000 | 16u << 4 | 3u);
	if (bridge) {
		c[0x90] = 0x0d;
		w16(c, 0x94, f->svendor);
		w16(c, 0x96, f->sdevice);
	} else {
		c[0xb0] = 0x11;
		w16(c, 0xb2, f->kind == K_VF ? 0x0002 : 0x003f);
	}
	/* extended: 0x100 AER, then ACS on ports, ARI + SR-IOV on PFs, ARI on VFs */
	if (f->kind == K_HOSTBRIDGE) {
		ext_cap(c, 0x100, 0x000b, 1, 0);	/* vendor specific */
		return;
	}
	ext_cap(c, 0x100, 0x0001, 2, f->acs || f->kind == K_PF || f->kind == K_VF ? 0x148 : 0);
	if (f->acs) {
		ext_cap(c, 0x148, 0x000d, 1, 0);
		w16(c, 0x14c, 0x005f);		/* SV TB RR CR UF DT */
		w16(c, 0x14e, 0x001d);
	} else if (f->kind == K_PF) {
		ext_cap(c, 0x148, 0x000e, 1, 0x160);
		ext_cap(c, 0x160, 0x0010, 1, 0);
		w32(c, 0x164, 0x00000002);
		w16(c, 0x168, f->num_vfs ? 0x0009 : 0);	/* VF enable, VF MSE */
		w16(c, 0x16c, 64);			/* InitialVFs */
		w16(c, 0x16e, 64);			/* TotalVFs */
		w16(c, 0x170, (unsigned int)f->num_vfs);
		c[0x172] = (uint8_t)f->func;
		w16(c, 0x174, 0x80);			/* First VF Offset */
		w16(c, 0x176, 2);			/* VF Stride */
		w16(c, 0x17a, 0x10ed);			/* VF Device ID */
		w32(c, 0x17c, 0x00000553);
		w32(c, 0x180, 0x00000001);
	} else if (f->kind == K_VF) {
		ext_cap(c, 0x148, 0x000e, 1, 0);
	}
}

/* ---- one function ------------------------------------------------------ */

static const char *cpulist(int socket)
{
	return socket ? "28-55,84-111" : "0-27,56-83";
}

static void write_fn(const struct fn *f)
{
	char d[256], p[512], t[512], u[64];
	uint8_t cfg[4096];
	size_t len;
	uint16_t vendor = f->vendor, device = f->device;

	snprintf(d, sizeof(d), "sys/devices/%s", f->path);
	mkdirs(d);
	make_config(f, cfg, &len);
	snprintf(p, sizeof(p), "%s/config", d);
	put_file(p, cfg, len, 0644);
#define ATTR(name, ...) do { snprintf(p, sizeof(p), "%s/%s", d, name); put_text(p, __VA_ARGS__); } \
	while (0)
	ATTR("vendor", "0x%04x\n", vendor);
	ATTR("device", "0x%04x\n", device);
	ATTR("subsystem_vendor", "0x%04x\n", f->svendor);
	ATTR("subsystem_device", "0x%04x\n", f->sdevice);
	ATTR("class", "0x%06x\n", f->class_code);
	ATTR("revision", "0x%02x\n", f->rev);
	ATTR("numa_node", "%d\n", f->socket);
	ATTR("local_cpulist", "%s\n", cpulist(f->socket));
	ATTR("irq", "%d\n", f->kind == K_VF ? 0 : 16 + (int)(idx(f) % 200));
	ATTR("enable", "%d\n", f->driver ? 1 : 0);
	ATTR("driver_override", "(null)\n");
	ATTR("modalias", "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", vendor, device,
	     f->svendor, f->sdevice, f->class_code >> 16, (f->class_code >> 8) & 0xff,
	     f->class_code & 0xff);
	ATTR("resource", "0x%016x 0x%016x 0x%016x\n%s", 0x90000000u + (unsigned int)idx(f) * 0x4000,
	     0x90003fffu + (unsigned int)idx(f) * 0x4000, 0x00140204u,
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n");
	if (f->reset) {
		ATTR("reset_method", "%s\n", f->reset);
		snprintf(p, sizeof(p), "%s/reset", d);
		put_file(p, "", 0, 0200);
	}
	if (f->boot_vga >= 0)
		ATTR("boot_vga", "%d\n", f->boot_vga);
	if ((f->header & 0x7f) == 1) {
		ATTR("secondary_bus_number", "%d\n", f->sec_bus);
		ATTR("subordinate_bus_number", "%d\n", f->sub_bus);
	}
	if (f->kind == K_PF) {
		ATTR("sriov_totalvfs", "64\n");
		ATTR("sriov_numvfs", "%d\n", f->num_vfs);
		ATTR("sriov_offset", "128\n");
		ATTR("sriov_stride", "2\n");
		ATTR("sriov_vf_device", "10ed\n");
		ATTR("sriov_drivers_autoprobe", "1\n");
		for (int k = 0; k < f->num_vfs; k++) {
			snprintf(p, sizeof(p), "%s/virtfn%d", d, k);
			snprintf(t, sizeof(t), "../%s", fns[f->first_vf + k].slot);
			put_link(t, p);
		}
	}
	if (f->kind == K_VF) {
		/* physfn -> ../0000:07:00.0 */
		snprintf(p, sizeof(p), "%s/physfn", d);
		snprintf(t, sizeof(t), "../%s", fns[f->pf].slot);
		put_link(t, p);
	}
#undef ATTR
	/* subsystem -> ../../../bus/pci, from a directory @depth+1 below sys/ */
	snprintf(p, sizeof(p), "%s/subsystem", d);
	snprintf(t, sizeof(t), "%sbus/pci", ups(u, sizeof(u), f->depth + 1));
	put_link(t, p);
	/* bus/pci/devices/SLOT -> ../../../devices/PATH */
	snprintf(p, sizeof(p), "sys/bus/pci/devices/%s", f->slot);
	snprintf(t, sizeof(t), "../../../devices/%s", f->path);
	put_link(t, p);
	if (f->driver) {
		/* driver -> ../../../bus/pci/drivers/NAME, and the driver's link back */
		snprintf(p, sizeof(p), "%s/driver", d);
		snprintf(t, sizeof(t), "%sbus/pci/drivers/%s", ups(u, sizeof(u), f->depth + 1),
			 f->driver);
		put_link(t, p);
		snprintf(p, sizeof(p), "sys/bus/pci/drivers/%s/%s", f->driver, f->slot);
		snprintf(t, sizeof(t), "../../../../devices/%s", f->path);
		put_link(t, p);
	}
	if (f->group >= 0) {
		snprintf(p, sizeof(p), "%s/iommu_group", d);
		snprintf(t, sizeof(t), "%skernel/iommu_groups/%d", ups(u, sizeof(u), f->depth + 1),
			 f->group);
		put_link(t, p);
		snprintf(p, sizeof(p), "sys/kernel/iommu_groups/%d/devices/%s", f->group, f->slot);
		snprintf(t, sizeof(t), "../../../../devices/%s", f->path);
		put_link(t, p);
		if (f->leader < 0) {
			snprintf(p, sizeof(p), "sys/kernel/iommu_groups/%d/type", f->group);
			put_text(p, "%s\n", "DMA");
		}
	}
	if (f->netdev[0]) {
		bool pf = f->kind == K_PF;

		snprintf(p, sizeof(p), "%s/net/%s/operstate", d, f->netdev);
		put_text(p, "%s\n", pf ? "up" : "down");
		snprintf(p, sizeof(p), "%s/net/%s/address", d, f->netdev);
		put_text(p, "%s:%02x:%02x:%02x\n", pf ? "a0:36:9f" : "02:09:c0", f->bus, f->dev,
			 f->func);
		snprintf(p, sizeof(p), "sys/class/net/%s", f->netdev);
		snprintf(t, sizeof(t), "../../devices/%s/net/%s", f->path, f->netdev);
		put_link(t, p);
	}
	if (f->card >= 0) {
		snprintf(p, sizeof(p), "%s/drm/card%d/dev", d, f->card);
		put_text(p, "226:%d\n", f->card);
		snprintf(p, sizeof(p), "sys/class/drm/card%d", f->card);
		snprintf(t, sizeof(t), "../../devices/%s/drm/card%d", f->path, f->card);
		put_link(t, p);
	}
	if (f->nvme >= 0) {
		/* nvmeKn1 and, on the boot drive, its two partitions */
		int k = f->nvme;
		char dir[400], name[32];

		for (int part = 0; part <= (k == 0 ? 2 : 0); part++) {
			if (part) {
				snprintf(name, sizeof(name), "nvme%dn1p%d", k, part);
				snprintf(dir, sizeof(dir), "%s/nvme/nvme%d/nvme%dn1/%s", d, k, k, name);
			} else {
				snprintf(name, sizeof(name), "nvme%dn1", k);
				snprintf(dir, sizeof(dir), "%s/nvme/nvme%d/%s", d, k, name);
			}
			snprintf(p, sizeof(p), "%s/dev", dir);
			put_text(p, "259:%d\n", k * 3 + part);
			snprintf(p, sizeof(p), "%s/holders", dir);
			mkdirs(p);
			/* class/block/NAME -> ../../devices/PATH/nvme/nvmeK/.../NAME */
			snprintf(t, sizeof(t), "../../%s", dir + strlen("sys/"));
			snprintf(p, sizeof(p), "sys/class/block/%s", name);
			put_link(t, p);
		}
	}
}

/* ---- the rest of the host ---------------------------------------------- */

static void write_drivers(void)
{
	static const char *const drivers[] = {
		"pcieport", "xhci_hcd", "lpc_ich", "i801_smbus", "nvidia", "snd_hda_intel",
		"nvme", "ixgbe", "ixgbevf", "vfio-pci",
	};
	char p[256];

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		static const char *const files[] = { "bind", "unbind", "new_id", "remove_id",
						     "uevent" };

		for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			snprintf(p, sizeof(p), "sys/bus/pci/drivers/%s/%s", drivers[i], files[k]);
			put_file(p, "", 0, 0200);
		}
	}
	put_file("sys/bus/pci/drivers_probe", "", 0, 0200);
	put_file("sys/bus/pci/rescan", "", 0, 0200);
	put_text("sys/bus/pci/drivers_autoprobe", "1\n");
	put_text("sys/bus/pci/resource_alignment", "\n");
}

static void write_kmsg(int groups, const char *release, const char *cmdline)
{
	size_t cap = 1 << 17, n = 0;
	char *buf = malloc(cap);
	unsigned long seq = 0, usec = 0;

	if (!buf)
		die("out of memory");
#define REC(lvl, ...) do { \
		int w_ = snprintf(buf + n, cap - n, "%d,%lu,%lu,-;", lvl, seq++, usec); \
		n += (size_t)w_; \
		w_ = snprintf(buf + n, cap - n, __VA_ARGS__); \
		n += (size_t)w_; \
		buf[n++] = '\n'; \
		usec += 1733; \
		if (n + 512 > cap) { \
			cap *= 2; \
			buf = realloc(buf, cap); \
			if (!buf) \
				die("out of memory"); \
		} \
	} while (0)
	REC(5, "Linux version %s (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) "
	    "12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian "
	    "6.1.76-1 (2024-02-01)", release);
	REC(6, "Command line: %s", cmdline);
	REC(6, "BIOS-provided physical RAM map:");
	REC(6, "DMI: Supermicro SYS-4029GP-TRT/X11DPG-OT-CPU, BIOS 3.8 09/27/2023");
	REC(6, "ACPI: DMAR 0x000000006F3B2000 000200 (v01 ALASKA A M I    00000001 INTL "
	    "20091013)");
	REC(6, "DMAR: IOMMU enabled");
	REC(5, "Kernel command line: %s", cmdline);
	REC(6, "DMAR: Host address width 46");
	for (int i = 0; i < 4; i++)
		REC(6, "DMAR: DRHD base: 0x000000%02xffc000 flags: 0x%d", 0x9d + i * 0x20, i == 3);
	REC(6, "DMAR-IR: IOAPIC id 12 under DRHD base  0xc5ffc000 IOMMU 6");
	REC(6, "DMAR-IR: Queued invalidation will be enabled to support x2apic and "
	    "Intr-remapping.");
	REC(6, "DMAR-IR: Enabled IRQ remapping in x2apic mode");
	REC(6, "x2apic enabled");
	REC(6, "PCI: Using configuration type 1 for base access");
	REC(6, "ACPI: PCI Root Bridge [PC00] (domain 0000 [bus 00-7f])");
	REC(6, "ACPI: PCI Root Bridge [PC01] (domain 0000 [bus 80-ff])");
	for (size_t i = 0; i < nfns && i < 96; i++)
		if (fns[i].kind != K_VF)
			REC(6, "pci %s: [%04x:%04x] type %02x class 0x%06x", fns[i].slot,
			    fns[i].vendor, fns[i].device, fns[i].header & 0x7f, fns[i].class_code);
	REC(6, "iommu: Default domain type: Passthrough (set via kernel command line)");
	REC(6, "DMAR: Intel(R) Virtualization Technology for Directed I/O");
	/* the first boot devices only: the ring buffer has long rotated the rest */
	for (size_t i = 0, k = 0; i < nfns && k < 160; i++) {
		if (fns[i].kind == K_VF || fns[i].group < 0)
			continue;
		REC(6, "pci %s: Adding to iommu group %d", fns[i].slot, fns[i].group);
		k++;
	}
	REC(6, "nvme nvme0: 64/0/0 default/read/poll queues");
	REC(6, " nvme0n1: p1 p2");
	REC(6, "ixgbe: Intel(R) 10 Gigabit PCI Express Network Driver");
	for (size_t i = 0, k = 0; i < nfns && k < 8; i++) {
		if (fns[i].kind != K_PF)
			continue;
		REC(6, "ixgbe %s: Multiqueue Enabled: Rx Queue count = 63, Tx Queue count = 63 "
		    "XDP Queue count = 0", fns[i].slot);
		REC(6, "ixgbe %s: %s: renamed from eth%zu", fns[i].slot, fns[i].netdev, k);
		REC(6, "ixgbe %s: SR-IOV enabled with %d VFs", fns[i].slot, fns[i].num_vfs);
		k++;
	}
	REC(6, "VFIO - User Level meta-driver version: 0.3");
	REC(4, "nvidia: loading out-of-tree module taints kernel.");
	REC(6, "NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.154.05");
	REC(6, "%d IOMMU groups", groups);
#undef REC
	put_file("dev/kmsg", buf, n, 0644);
	free(buf);
}

static void write_cpuinfo(void)
{
	size_t cap = 1 << 18, n = 0;
	char *buf = malloc(cap);
	static const char flags[] =
		"fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush "
		"dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc "
		"art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf "
		"pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm "
		"pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c "
		"rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3 cdp_l3 invpcid_single "
		"intel_ppin ssbd mba ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid "
		"ept_ad fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm cqm mpx "
		"rdt_a avx512f avx512dq rdseed adx smap clflushopt clwb intel_pt avx512cd "
		"avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc "
		"cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts pku ospke md_clear "
		"flush_l1d arch_capabilities";

	if (!buf)
		die("out of memory");
	for (int cpu = 0; cpu < 112; cpu++) {
		int sock = (cpu % 56) / 28;

		n += (size_t)snprintf(buf + n, cap - n,
			"processor\t: %d\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
			"model name\t: Intel(R) Xeon(R) Gold 6258R CPU @ 2.70GHz\nstepping\t: 7\n"
			"microcode\t: 0x5003604\ncpu MHz\t\t: 2700.000\ncache size\t: 39424 KB\n"
			"physical id\t: %d\nsiblings\t: 56\ncore id\t\t: %d\ncpu cores\t: 28\n"
			"apicid\t\t: %d\ninitial apicid\t: %d\nfpu\t\t: yes\nfpu_exception\t: yes\n"
			"cpuid level\t: 22\nwp\t\t: yes\nflags\t\t: %s\nbugs\t\t: spectre_v1 "
			"spectre_v2 spec_store_bypass swapgs taa itlb_multihit mmio_stale_data "
			"retbleed eibrs_pbrsb gds\nbogomips\t: 5400.00\nclflush size\t: 64\n"
			"cache_alignment\t: 64\naddress sizes\t: 46 bits physical, 48 bits virtual\n"
			"power management:\n\n", cpu, sock, cpu % 28, cpu * 2, cpu * 2, flags);
		if (n + 4096 > cap)
			die("cpuinfo buffer");
	}
	put_file("proc/cpuinfo", buf, n, 0444);
	free(buf);
}

static void write_host(int groups)
{
	static const char release[] = "6.1.0-18-amd64";
	static const char cmdline[] = "BOOT_IMAGE=/vmlinuz-6.1.0-18-amd64 "
		"root=UUID=6a1c6f3e-2b0d-4c55-9d0f-4b1e2f6a7c21 ro quiet intel_iommu=on iommu=pt "
		"vfio-pci.ids=10de:2230,10de:1aef";
	static const char *const modules[] = {
		"vfio_pci 16384 2 - Live 0x0000000000000000",
		"vfio_pci_core 94208 1 vfio_pci, Live 0x0000000000000000",
		"vfio_iommu_type1 45056 1 - Live 0x0000000000000000",
		"vfio 61440 7 vfio_pci_core,vfio_iommu_type1, Live 0x0000000000000000",
		"irqbypass 16384 2 vfio_pci_core,kvm, Live 0x0000000000000000",
		"ixgbevf 94208 0 - Live 0x0000000000000000",
		"ixgbe 446464 0 - Live 0x0000000000000000",
		"mdio 16384 1 ixgbe, Live 0x0000000000000000",
		"nvidia_drm 77824 0 - Live 0x0000000000000000 (POE)",
		"nvidia_modeset 1306624 1 nvidia_drm, Live 0x0000000000000000 (POE)",
		"nvidia 56823808 1 nvidia_modeset, Live 0x0000000000000000 (POE)",
		"snd_hda_intel 57344 0 - Live 0x0000000000000000",
		"snd_hda_codec 184320 1 snd_hda_intel, Live 0x0000000000000000",
		"snd_pcm 155648 2 snd_hda_intel,snd_hda_codec, Live 0x0000000000000000",
		"nvme 53248 3 - Live 0x0000000000000000",
		"nvme_core 204800 4 nvme, Live 0x0000000000000000",
		"kvm_intel 380928 0 - Live 0x0000000000000000",
		"kvm 1142016 1 kvm_intel, Live 0x0000000000000000",
		"i2c_i801 36864 0 - Live 0x0000000000000000",
		"lpc_ich 28672 0 - Live 0x0000000000000000",
		"xhci_pci 24576 0 - Live 0x0000000000000000",
	};
	char buf[4096];
	size_t n = 0;

	put_text("proc/cmdline", "%s\n", cmdline);
	put_text("proc/sys/kernel/osrelease", "%s\n", release);
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\n", modules[i]);
	put_file("proc/modules", buf, n, 0444);
	write_cpuinfo();
	put_text("proc/self/mountinfo",
		 "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro\n"
		 "23 22 259:1 / /boot/efi rw,relatime shared:2 - vfat /dev/nvme0n1p1 rw\n"
		 "24 22 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:3 - sysfs sysfs rw\n"
		 "25 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:4 - proc proc rw\n");
	put_text("proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	put_text("proc/net/route",
		 "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\t"
		 "IRTT\n%s\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
		 "%s\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n", "enp1s0f0",
		 "enp1s0f0");
	put_text("proc/net/if_inet6", "00000000000000000000000000000001 01 80 10 80       lo\n");
	put_text("etc/os-release",
		 "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
		 "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\n"
		 "ID=debian\nHOME_URL=\"https://www.debian.org/\"\n");
	put_text("etc/default/grub", "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n"
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n"
		 "GRUB_CMDLINE_LINUX=\"\"\n");
	put_text("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
		 "libvirt-qemu:x:64055:107:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n");
	put_text("etc/group", "root:x:0:\nkvm:x:107:libvirt-qemu\n");
	/* DMAR: the ACPI header and a host address width; the content is not parsed */
	{
		uint8_t dmar[80] = { 'D', 'M', 'A', 'R', 80 };

		memcpy(dmar + 10, "ALASKA", 6);
		memcpy(dmar + 16, "A M I   ", 8);
		dmar[36] = 45;
		dmar[37] = 0x05;
		put_file("sys/firmware/acpi/tables/DMAR", dmar, sizeof(dmar), 0400);
	}
	for (int i = 0; i < 4; i++) {
		char p[64], t[64];

		snprintf(p, sizeof(p), "sys/class/iommu/dmar%d", i);
		snprintf(t, sizeof(t), "../../devices/virtual/iommu/dmar%d", i);
		put_link(t, p);
		snprintf(p, sizeof(p), "sys/devices/virtual/iommu/dmar%d/intel-iommu/version", i);
		put_text(p, "1:0\n");
	}
	put_text("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N\n");
	put_text("sys/module/vfio_pci/parameters/ids", "10de:2230,10de:1aef\n");
	put_text("sys/module/kvm_intel/parameters/nested", "Y\n");
	put_file("dev/kvm", "", 0, 0660);
	put_file("dev/vfio/vfio", "", 0, 0666);
	for (size_t i = 0; i < nfns; i++) {
		char p[64];

		if (fns[i].driver && strcmp(fns[i].driver, "vfio-pci") == 0 && fns[i].group >= 0) {
			snprintf(p, sizeof(p), "dev/vfio/%d", fns[i].group);
			put_file(p, "", 0, 0600);
		}
	}
	mkdirs("sys/class/input");
	mkdirs("sys/class/graphics");
	write_kmsg(groups, release, cmdline);
}

/*
 * The functions, by as many processes as there are CPUs (up to 8): creating
 * some 300,000 files is all system calls. They share no file; directories
 * that two of them make are fine (EEXIST).
 */
static void write_all(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int workers = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus, failed = 0;
	pid_t pids[8];

	for (int w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork: %s", strerror(errno));
		if (pids[w] == 0) {
			for (size_t i = (size_t)w; i < nfns; i += (size_t)workers)
				write_fn(&fns[i]);
			_exit(0);
		}
	}
	for (int w = 0; w < workers; w++) {
		int status;

		if (waitpid(pids[w], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = 1;
	}
	if (failed)
		die("a writer failed");
}

static void usage(FILE *out)
{
	fputs("Usage: gen-host [-u] [-n FUNCTIONS] DIR\n"
	      "Write a sysroot of a two-socket host with FUNCTIONS PCI functions\n"
	      "(256 to 16384, default 4096) into DIR, which must not exist.\n"
	      "  -u  vendor IDs pci.ids does not list (hardware newer than the list)\n", out);
}

int main(int argc, char **argv)
{
	int n = 4096, groups, c;
	const char *dir;

	while ((c = getopt(argc, argv, "n:uh")) != -1) {
		switch (c) {
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < N_MIN || v > N_MAX)
				die("'%s': expected a number of functions from %d to %d", optarg,
				    N_MIN, N_MAX);
			n = (int)v;
			break;
		}
		case 'u':
			unknown_ids = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	dir = argv[optind];
	if (mkdir(dir, 0755) < 0)
		die("cannot create '%s': %s (it must not exist)", dir, strerror(errno));
	rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die("cannot open '%s': %s", dir, strerror(errno));
	build(n);
	assign_vfio_vfs();
	groups = assign_groups();
	mkdirs("sys/bus/pci/devices");
	mkdirs("sys/kernel/iommu_groups");
	write_drivers();
	write_all();
	write_host(groups);
	put_text(".vfd-bench-tree", "functions=%d ids=%s groups=%d gpus=%d nvme=%d nics=%d pfs=%d vfs=%d\n",
		 n, unknown_ids ? "unknown" : "known", groups, gpu_count, nvme_count, nic_count,
		 pf_count, vf_total);
	printf("%s: %d functions, %d IOMMU groups, %d GPUs, %d NVMe, %d NICs (%d PFs, %d VFs)\n",
	       dir, n, groups, gpu_count, nvme_count, nic_count, pf_count, vf_total);
	free(fns);
	return 0;
}
