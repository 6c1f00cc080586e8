// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host model: every PCI function under sys/bus/pci/devices and the IOMMU
 * groups they form. The scan opens each function's directory once and reads
 * from it the first 64 bytes of config space for all IDs (instead of six
 * attribute files), and the driver and iommu_group links. Everything else,
 * the topology link included, is read on first use and kept: hosts with
 * thousands of SR-IOV functions make every system call per function count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bytes.h"
#include "internal.h"

#define LAZY_OVERRIDE	0x01
#define LAZY_RESET	0x02
#define LAZY_BOOTVGA	0x04
#define LAZY_NUMA	0x08
#define LAZY_PHYSFN	0x10
#define LAZY_CONFIG	0x20
#define LAZY_VFS	0x40
#define LAZY_PARENT	0x80

#define PCI_EXT_CAP_ID_SRIOV	0x10
#define PCI_SRIOV_CTRL		0x08	/* bit 0: VF Enable */
#define PCI_SRIOV_NUM_VF	0x10
#define PCI_SRIOV_VF_OFFSET	0x14
#define PCI_SRIOV_VF_STRIDE	0x16
#define PCI_SRIOV_VF_DID	0x1a

struct vfd_pcidev {
	/* pointers first, then by size: 112 bytes a function, not 128 (16,384 on large hosts) */
	struct vfd_host *host;
	const char *driver;	/* the host's copy */
	char *parent;
	char *driver_override;
	char *reset_method;
	char *physfn;
	uint8_t *config;
	char slot[16];
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class_code;
	int group;
	unsigned int loaded;	/* LAZY_* already read */
	int boot_vga;
	int numa_node;
	int num_vfs;
	uint16_t config_len;	/* at most 4096 */
	uint8_t revision;
	uint8_t header_type;	/* raw byte: bit 7 is multi-function */
	bool vf_like;		/* its ID registers read all ones: a VF */
	bool ids_pending;	/* vendor and device of such a one still to be found */
	bool driver_listed;	/* its driver came from the drivers' directories */
};

struct vfd_group {
	int number;
	size_t n;
	struct vfd_pcidev **devices;	/* a slice of the host's members */
};

struct vfd_host {
	struct vfd_root *root;
	struct vfd_pcidev *devices;
	size_t n;
	struct vfd_group *groups;
	size_t n_groups;
	struct vfd_pcidev **members;	/* every group's devices, group after group */
	char **drivers;		/* driver names, one copy each (devices point here) */
	size_t n_drivers;
	int busfd;		/* sys/bus/pci/devices, for the topology links */
	bool release_read;
	char *release;
	bool version_read;
	unsigned int version;
	struct pci_access *pacc;
	bool pacc_failed;
	bool ids_tried;
	struct pciids *ids;	/* the fast reader of libpci's list, when it took the file */
	char *ids_buf;
	size_t ids_size;
	struct usage_index *usage;
	char namebuf[3][256];
	bool topology_checked;
	char *topology_error;	/* what was wrong with the parent links, or NULL */
};

static int cmp_slot(const void *a, const void *b)
{
	const struct vfd_pcidev *x = a, *y = b;

	return strcmp(x->slot, y->slot);
}

static int cmp_group(const void *a, const void *b)
{
	const struct vfd_group *x = a, *y = b;

	return (x->number > y->number) - (x->number < y->number);
}

/* "../../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0" -> "0000:00:1c.0" */
static char *parent_from_link(const char *target)
{
	const char *end = strrchr(target, '/');
	const char *start;
	struct vfd_bdf bdf;
	char buf[32];

	if (!end)
		return NULL;
	start = end;
	while (start > target && start[-1] != '/')
		start--;
	if ((size_t)(end - start) >= sizeof(buf))
		return NULL;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	/* full form only: the components are kernel-made "DDDD:BB:DD.F" */
	if (strlen(buf) != 12 || vfd_bdf_parse(buf, &bdf) < 0)
		return NULL;
	return strdup(buf);
}

/* One attribute of the device directory @dfd as a hex number; 0 when unreadable. */
static unsigned int read_hex_attr(struct vfd_root *root, int dfd, const char *dir,
				  const char *attr)
{
	char buf[4096];
	uint64_t v = 0;

	if (root_read_child(root, dfd, dir, attr, buf, sizeof(buf)) < 0 ||
	    vfd_parse_u64(buf, &v) < 0)
		return 0;
	return (unsigned int)v;
}

static int hex_digits(const char *s, int n, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (unsigned int)(c - '0');
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (unsigned int)(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (unsigned int)(c - 'a' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

int modalias_pci_ids(const char *s, uint16_t *vendor, uint16_t *device)
{
	unsigned int v, d;

	/* drivers/pci/pci-sysfs.c: "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X" */
	if (strncmp(s, "pci:v", 5) != 0 || hex_digits(s + 5, 8, &v) < 0 || s[13] != 'd' ||
	    hex_digits(s + 14, 8, &d) < 0 || strncmp(s + 22, "sv", 2) != 0)
		return -EINVAL;
	if (v > 0xffff || d > 0xffff)
		return -ERANGE;
	*vendor = (uint16_t)v;
	*device = (uint16_t)d;
	return 0;
}

static void ids_from_config(struct vfd_pcidev *d, const uint8_t *cfg, ssize_t n)
{
	d->revision = cfg[0x08];
	d->class_code = (uint32_t)cfg[0x09] | (uint32_t)cfg[0x0a] << 8 |
			(uint32_t)cfg[0x0b] << 16;
	d->header_type = cfg[0x0e];
	if ((cfg[0x0e] & 0x7f) == 0) {
		d->subsys_vendor = get_le16(cfg + 0x2c);
		d->subsys_device = get_le16(cfg + 0x2e);
	} else if ((cfg[0x0e] & 0x7f) == 2 && n >= 0x44) {
		d->subsys_vendor = get_le16(cfg + 0x40);
		d->subsys_device = get_le16(cfg + 0x42);
	}
}

static void load_ids(struct vfd_root *root, struct vfd_pcidev *d, int dfd, const char *dir)
{
	uint8_t cfg[72];
	ssize_t n = -1;
	int fd;

	fd = dfd >= 0 ? root_open_child(root, dfd, dir, "config", O_RDONLY) : dfd;
	if (fd >= 0) {
		n = pread(fd, cfg, sizeof(cfg), 0);
		close(fd);
	}
	if (n >= 0x30 && get_le16(cfg) != 0xffff) {
		d->vendor = get_le16(cfg + 0x00);
		d->device = get_le16(cfg + 0x02);
		ids_from_config(d, cfg, n);
		return;
	}
	if (dfd < 0)
		return;
	/*
	 * A VF's vendor and device registers read all ones (SR-IOV 3.4.1.1) while
	 * the rest of its header is real: only the IDs come from the kernel, which
	 * took them from the PF. modalias holds both in one read.
	 */
	if (n >= 0x30 && (cfg[0x09] & cfg[0x0a] & cfg[0x0b]) != 0xff) {
		/* resolve_vf_ids() finds them once every function is scanned */
		d->vf_like = true;
		d->ids_pending = true;
		ids_from_config(d, cfg, n);
		return;
	}
	/* config unreadable (or all ones): the attribute files hold the same values */
	d->vendor = (uint16_t)read_hex_attr(root, dfd, dir, "vendor");
	d->device = (uint16_t)read_hex_attr(root, dfd, dir, "device");
	d->subsys_vendor = (uint16_t)read_hex_attr(root, dfd, dir, "subsystem_vendor");
	d->subsys_device = (uint16_t)read_hex_attr(root, dfd, dir, "subsystem_device");
	d->class_code = read_hex_attr(root, dfd, dir, "class") & 0xffffff;
	d->revision = (uint8_t)read_hex_attr(root, dfd, dir, "revision");
	/* a bridge's class is 0x0604/0x0607; without config that is all we know */
	if ((d->class_code >> 8) == 0x0604 || (d->class_code >> 8) == 0x0609)
		d->header_type = 1;
	else if ((d->class_code >> 8) == 0x0607)
		d->header_type = 2;
}

/* the IDs of a VF the PFs did not account for: modalias, or the two attributes */
static void vf_ids_from_sysfs(struct vfd_host *host, struct vfd_pcidev *d)
{
	char dir[48], alias[256];

	snprintf(dir, sizeof(dir), "sys/bus/pci/devices/%s", d->slot);
	if (root_read_child(host->root, -1, dir, "modalias", alias, sizeof(alias)) < 0 ||
	    modalias_pci_ids(alias, &d->vendor, &d->device) < 0) {
		d->vendor = (uint16_t)read_hex_attr(host->root, -1, dir, "vendor");
		d->device = (uint16_t)read_hex_attr(host->root, -1, dir, "device");
	}
}

/*
 * The kernel names a VF after its PF: the PF's vendor and the VF Device ID of
 * its SR-IOV capability (drivers/pci/iov.c), at the routing IDs the capability
 * gives: PF + First VF Offset + n * VF Stride, for n below NumVFs. One config
 * read per PF instead of a file per VF; a VF no PF accounts for (a PF whose
 * extended config is unreadable without root, say) reads its modalias.
 */
static void resolve_vf_ids(struct vfd_host *host)
{
	size_t pending = 0;

	for (size_t i = 0; i < host->n; i++)
		pending += host->devices[i].ids_pending;
	for (size_t i = 0; i < host->n && pending; i++) {
		struct vfd_pcidev *pf = &host->devices[i];
		unsigned int num, offset, stride, rid;
		struct vfd_bdf bdf;
		uint8_t *cfg = NULL;
		size_t len = 0;
		int pos;

		if (pf->vf_like || (pf->header_type & 0x7f) != 0)
			continue;
		/* read, not kept: a host has hundreds of endpoints that are no PF */
		if (vfd_root_read_filef(host->root, 4096, (char **)&cfg, &len,
					"sys/bus/pci/devices/%s/config", pf->slot) < 0)
			continue;
		pos = vfd_config_find_ext_cap(cfg, len, PCI_EXT_CAP_ID_SRIOV);
		if (pos < 0 || (size_t)pos + PCI_SRIOV_VF_DID + 2 > len ||
		    !(get_le16(cfg + pos + PCI_SRIOV_CTRL) & 1) || vfd_bdf_parse(pf->slot, &bdf) < 0) {
			free(cfg);
			continue;
		}
		num = get_le16(cfg + pos + PCI_SRIOV_NUM_VF);
		offset = get_le16(cfg + pos + PCI_SRIOV_VF_OFFSET);
		stride = get_le16(cfg + pos + PCI_SRIOV_VF_STRIDE);
		rid = (unsigned int)bdf.bus << 8 | (unsigned int)bdf.dev << 3 | (unsigned int)bdf.fn;
		for (unsigned int k = 0; k < num; k++) {
			unsigned int vf_rid = rid + offset + stride * k;
			struct vfd_pcidev *vf;
			char slot[16];

			if (vf_rid > 0xffff)
				break;
			snprintf(slot, sizeof(slot), "%04x:%02x:%02x.%x", (unsigned int)bdf.domain,
				 vf_rid >> 8, (vf_rid >> 3) & 0x1f, vf_rid & 7);
			vf = vfd_host_find(host, slot);
			if (!vf || !vf->ids_pending)
				continue;
			vf->vendor = pf->vendor;
			vf->device = get_le16(cfg + pos + PCI_SRIOV_VF_DID);
			vf->ids_pending = false;
			pending--;
		}
		free(cfg);
	}
	for (size_t i = 0; i < host->n && pending; i++) {
		if (host->devices[i].ids_pending) {
			vf_ids_from_sysfs(host, &host->devices[i]);
			host->devices[i].ids_pending = false;
			pending--;
		}
	}
}

/* thousands of functions share a handful of drivers: keep one copy of each name */
static const char *intern_driver(struct vfd_host *host, const char *name)
{
	char **nd, *copy;

	for (size_t i = 0; i < host->n_drivers; i++)
		if (strcmp(host->drivers[i], name) == 0)
			return host->drivers[i];
	copy = strdup(name);
	nd = copy ? realloc(host->drivers, (host->n_drivers + 1) * sizeof(*nd)) : NULL;
	if (!nd) {
		free(copy);
		return NULL;
	}
	host->drivers = nd;
	host->drivers[host->n_drivers++] = copy;
	return copy;
}

/*
 * The driver core links both ways when it binds: SLOT/driver -> the driver's
 * directory, and drivers/NAME/SLOT -> the device. On a host with many more
 * functions than drivers, a listing of each driver's directory (open, two
 * getdents, close) costs less than a readlink per function; the functions
 * no listing names (unbound, or a snapshot without the back links) read
 * their own link as before.
 */
static void drivers_from_listing(struct vfd_host *host)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *top;

	top = vfd_root_opendirf(host->root, "sys/bus/pci/drivers");
	if (!top)
		return;
	while ((de = readdir(top))) {
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			nn = realloc(names, cap * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			break;
		n++;
	}
	closedir(top);
	/* four calls a driver against one a function: worth it only when they are many */
	if (host->n >= 4 * n) {
		for (size_t i = 0; i < n; i++) {
			DIR *dir = vfd_root_opendirf(host->root, "sys/bus/pci/drivers/%s", names[i]);
			const char *driver = NULL;

			while (dir && (de = readdir(dir))) {
				struct vfd_pcidev *d;

				if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
					continue;
				d = vfd_host_find(host, de->d_name);
				if (!d || d->driver_listed)
					continue;
				if (!driver)
					driver = intern_driver(host, names[i]);
				if (!driver)
					break;
				d->driver = driver;
				d->driver_listed = true;
			}
			if (dir)
				closedir(dir);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int scan_device(struct vfd_host *host, struct vfd_pcidev *d)
{
	struct vfd_root *root = host->root;
	char *group = NULL, *target = NULL;
	char dir[48];
	int64_t g;
	int dfd, r;

	d->host = host;
	d->group = -1;
	d->boot_vga = -1;
	d->numa_node = -1;
	snprintf(dir, sizeof(dir), "sys/bus/pci/devices/%s", d->slot);
	/* devices/SLOT -> ../../../devices/pci0000:00/0000:00:1c.0/SLOT: walk it once */
	dfd = vfd_root_openf(root, O_PATH | O_DIRECTORY, "%s", dir);
	load_ids(root, d, dfd, dir);
	/* driver -> ../../../bus/pci/drivers/e1000e */
	if (d->driver_listed)
		r = 1;
	else
		r = dfd < 0 ? dfd : root_readlink_child(root, dfd, dir, "driver", &target);
	if (r == 0) {
		const char *base = strrchr(target, '/');

		d->driver = intern_driver(host, base ? base + 1 : target);
		free(target);
	} else if (r < 0 && r != -ENOENT) {
		vfd_dbg(root, "%s: driver link: %s", d->slot, strerror(-r));
	}
	/* iommu_group -> ../../../kernel/iommu_groups/12 */
	if (dfd >= 0 && root_readlink_child(root, dfd, dir, "iommu_group", &group) == 0) {
		const char *base = strrchr(group, '/');

		if (vfd_parse_s64(base ? base + 1 : group, &g) == 0 && g >= 0 && g < INT32_MAX)
			d->group = (int)g;
		free(group);
	}
	if (dfd >= 0)
		close(dfd);
	return 0;
}

/*
 * Group numbers are dense and small, so a number -> index table keeps
 * assembly linear even with thousands of groups; the members of all groups
 * share one array, in scan order within each group.
 */
static int build_groups(struct vfd_host *host)
{
	size_t ng = 0, off = 0;
	int max = -1;
	int *index;

	for (size_t i = 0; i < host->n; i++)
		if (host->devices[i].group > max)
			max = host->devices[i].group;
	if (max < 0)
		return 0;
	index = malloc(((size_t)max + 1) * sizeof(*index));
	if (!index)
		return -ENOMEM;
	for (int i = 0; i <= max; i++)
		index[i] = -1;
	for (size_t i = 0; i < host->n; i++) {
		int g = host->devices[i].group;

		if (g >= 0 && index[g] < 0)
			index[g] = (int)ng++;
	}
	host->groups = calloc(ng, sizeof(*host->groups));
	host->members = malloc(host->n * sizeof(*host->members));
	if (!host->groups || !host->members) {
		free(index);
		return -ENOMEM;
	}
	host->n_groups = ng;
	for (size_t i = 0; i < host->n; i++) {
		int g = host->devices[i].group;

		if (g >= 0) {
			host->groups[index[g]].number = g;
			host->groups[index[g]].n++;
		}
	}
	for (size_t i = 0; i < ng; i++) {
		host->groups[i].devices = host->members + off;
		off += host->groups[i].n;
		host->groups[i].n = 0;
	}
	for (size_t i = 0; i < host->n; i++) {
		struct vfd_pcidev *d = &host->devices[i];

		if (d->group >= 0) {
			struct vfd_group *grp = &host->groups[index[d->group]];

			grp->devices[grp->n++] = d;
		}
	}
	free(index);
	qsort(host->groups, host->n_groups, sizeof(*host->groups), cmp_group);
	return 0;
}

struct vfd_host *vfd_host_new(struct vfd_root *root)
{
	struct vfd_host *host;
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;
	int r = 0;

	dir = vfd_root_opendirf(root, "sys/bus/pci/devices");
	if (!dir)
		return NULL;
	host = calloc(1, sizeof(*host));
	if (!host) {
		closedir(dir);
		return NULL;
	}
	host->root = vfd_root_ref(root);
	host->busfd = vfd_root_openf(root, O_PATH | O_DIRECTORY, "sys/bus/pci/devices");
	while ((de = readdir(dir))) {
		struct vfd_bdf bdf;
		struct vfd_pcidev *d;

		if (de->d_name[0] == '.' || vfd_bdf_parse(de->d_name, &bdf) < 0)
			continue;
		if (host->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct vfd_pcidev *nd = realloc(host->devices, ncap * sizeof(*nd));

			if (!nd) {
				r = -ENOMEM;
				break;
			}
			host->devices = nd;
			cap = ncap;
		}
		d = &host->devices[host->n++];
		memset(d, 0, sizeof(*d));
		vfd_bdf_format(&bdf, d->slot, sizeof(d->slot));
		if (strcmp(d->slot, de->d_name) != 0) {
			/* only kernel-shaped names; anything else is not a device */
			host->n--;
			continue;
		}
	}
	closedir(dir);
	if (r == 0) {
		if (host->n)
			qsort(host->devices, host->n, sizeof(*host->devices), cmp_slot);
		drivers_from_listing(host);
		for (size_t i = 0; i < host->n; i++)
			scan_device(host, &host->devices[i]);
		resolve_vf_ids(host);
		r = build_groups(host);
	}
	if (r < 0) {
		vfd_host_free(host);
		errno = -r;
		return NULL;
	}
	return host;
}

static void pcidev_clear(struct vfd_pcidev *d)
{
	free(d->parent);
	free(d->driver_override);
	free(d->reset_method);
	free(d->physfn);
	free(d->config);
}

void vfd_host_free(struct vfd_host *host)
{
	if (!host)
		return;
	for (size_t i = 0; i < host->n; i++)
		pcidev_clear(&host->devices[i]);
	free(host->groups);
	free(host->members);
	for (size_t i = 0; i < host->n_drivers; i++)
		free(host->drivers[i]);
	free(host->drivers);
	free(host->devices);
	free(host->release);
	free(host->topology_error);
	usage_index_free(host->usage);
	pciids_free(host->ids);
	pciids_free_file(host->ids_buf, host->ids_size);
	if (host->busfd >= 0)
		close(host->busfd);
	if (host->pacc)
		pci_cleanup(host->pacc);
	vfd_root_unref(host->root);
	free(host);
}

struct usage_index **host_usage(struct vfd_host *host)
{
	return &host->usage;
}

struct vfd_root *vfd_host_get_root(const struct vfd_host *host)
{
	return host->root;
}

size_t vfd_host_count_devices(const struct vfd_host *host)
{
	return host->n;
}

struct vfd_pcidev *vfd_host_device(const struct vfd_host *host, size_t index)
{
	return index < host->n ? &host->devices[index] : NULL;
}

struct vfd_pcidev *vfd_host_find(const struct vfd_host *host, const char *slot)
{
	struct vfd_pcidev key;

	if (!slot || strlen(slot) >= sizeof(key.slot) || !host->n)
		return NULL;
	strcpy(key.slot, slot);
	return bsearch(&key, host->devices, host->n, sizeof(*host->devices), cmp_slot);
}

size_t vfd_host_index(const struct vfd_host *host, const struct vfd_pcidev *dev)
{
	return (size_t)(dev - host->devices);
}

int vfd_host_lookup_next(const struct vfd_host *host, const struct vfd_devspec *spec,
			 size_t start, size_t *index)
{
	if (!spec->by_id) {
		char slot[16];
		struct vfd_pcidev *d;

		if (start > 0)
			return 1;
		vfd_bdf_format(&spec->bdf, slot, sizeof(slot));
		d = vfd_host_find(host, slot);
		if (!d)
			return 1;
		*index = (size_t)(d - host->devices);
		return 0;
	}
	for (size_t i = start; i < host->n; i++) {
		if (host->devices[i].vendor == spec->vendor &&
		    host->devices[i].device == spec->device) {
			*index = i;
			return 0;
		}
	}
	return 1;
}

int vfd_host_lookup(const struct vfd_host *host, const struct vfd_devspec *spec, size_t *index)
{
	return vfd_host_lookup_next(host, spec, 0, index) == 0 ? 0 : -ENODEV;
}

const char *vfd_host_get_release(struct vfd_host *host)
{
	if (!host->release_read) {
		host->release_read = true;
		if (vfd_root_readf_str(host->root, &host->release, "proc/sys/kernel/osrelease") < 0 &&
		    vfd_root_is_live(host->root)) {
			struct utsname u;

			if (uname(&u) == 0)
				host->release = strdup(u.release);
		}
		/* it becomes a path (lib/modules/RELEASE, boot/config-RELEASE) */
		if (host->release && !vfd_release_is_valid(host->release)) {
			vfd_log(host->root, 4, "proc/sys/kernel/osrelease is not a kernel release "
				"(expected letters, digits and . _ + ~ -): ignored");
			free(host->release);
			host->release = NULL;
		}
	}
	return host->release;
}

unsigned int vfd_host_kernel_version(struct vfd_host *host)
{
	/* asked once per group and per table cell: parse the release once */
	if (!host->version_read) {
		const char *rel = vfd_host_get_release(host);
		unsigned int major = 0, minor = 0;

		host->version_read = true;
		if (rel && sscanf(rel, "%u.%u", &major, &minor) == 2)
			host->version = major * 65536 + minor * 256;
	}
	return host->version;
}

size_t vfd_host_count_groups(const struct vfd_host *host)
{
	return host->n_groups;
}

struct vfd_group *vfd_host_group(const struct vfd_host *host, size_t index)
{
	return index < host->n_groups ? &host->groups[index] : NULL;
}

struct vfd_group *vfd_host_find_group(const struct vfd_host *host, int number)
{
	struct vfd_group key = { .number = number };

	if (!host->n_groups)
		return NULL;
	return bsearch(&key, host->groups, host->n_groups, sizeof(*host->groups), cmp_group);
}

/*
 * libpci's default error handler exits (on allocation failure). The handler
 * must not return, so it jumps back to the lookup that called it.
 */
static __thread jmp_buf *pci_error_jump;

static __attribute__((noreturn)) void pci_error(char *msg, ...)
{
	(void)msg;
	if (pci_error_jump)
		longjmp(*pci_error_jump, 1);
	abort();
}

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

static struct pci_access *name_access(struct vfd_host *host)
{
	if (host->pacc || host->pacc_failed)
		return host->pacc;
	host->pacc = pci_alloc();
	if (!host->pacc) {
		host->pacc_failed = true;
		return NULL;
	}
	host->pacc->error = pci_error;
	host->pacc->warning = pci_quiet;
	host->pacc->debug = pci_quiet;
	return host->pacc;
}

static const char *lookup(struct vfd_host *host, int slot, int flags, ...)
{
	struct pci_access *a = name_access(host);
	unsigned int v1 = 0, v2 = 0;
	jmp_buf jump;
	va_list ap;
	char *s;

	if (!a)
		return NULL;
	va_start(ap, flags);
	v1 = va_arg(ap, unsigned int);
	if (flags & PCI_LOOKUP_DEVICE)
		v2 = va_arg(ap, unsigned int);
	va_end(ap);
	if (setjmp(jump)) {
		pci_error_jump = NULL;
		return NULL;
	}
	pci_error_jump = &jump;
	s = pci_lookup_name(a, host->namebuf[slot], sizeof(host->namebuf[slot]),
			    flags | PCI_LOOKUP_NO_NUMBERS, v1, v2);
	pci_error_jump = NULL;
	return s;
}

/*
 * The same list libpci would read, indexed by pciids.c; NULL when that reader
 * refuses the file (libpci then answers, as it always did).
 */
static struct pciids *fast_ids(struct vfd_host *host)
{
	struct pci_access *a;
	size_t size;
	char *buf;

	if (host->ids_tried)
		return host->ids;
	host->ids_tried = true;
	a = name_access(host);
	if (!a || !a->id_file_name)
		return NULL;
	/* as libpci opens it: NAME, or, where that fails, NAME without ".gz" */
	if (pciids_read_file(a->id_file_name, &buf, &size) < 0) {
		size_t len = strlen(a->id_file_name);
		char *plain;
		int r;

		if (len < 3 || strcmp(a->id_file_name + len - 3, ".gz") != 0)
			return NULL;
		plain = strndup(a->id_file_name, len - 3);
		r = plain ? pciids_read_file(plain, &buf, &size) : -ENOMEM;
		free(plain);
		if (r < 0)
			return NULL;
	}
	host->ids = pciids_parse(buf, size);
	if (host->ids) {
		host->ids_buf = buf;
		host->ids_size = size;
		/* 1.3 MiB of resident memory otherwise, for the dozen names a table shows */
		pciids_drop_pages(buf, size);
	} else {
		pciids_free_file(buf, size);
	}
	return host->ids;
}

/* a listed name as libpci's format_name() writes it, "..." where it is cut */
static const char *fast_name(struct vfd_host *host, int slot, int cat, unsigned int id1,
			     unsigned int id2)
{
	struct pciids *ids = fast_ids(host);
	char *buf = host->namebuf[slot];
	size_t size = sizeof(host->namebuf[slot]), len;
	const char *name;
	int n;

	if (!ids)
		return NULL;
	name = pciids_lookup(ids, cat, id1, id2, 0, &len);
	if (!name)
		return NULL;
	n = snprintf(buf, size, "%.*s", (int)len, name);
	if (n >= 0 && (size_t)n >= size)
		buf[size - 2] = buf[size - 3] = buf[size - 4] = '.';
	return buf;
}

/*
 * The names live in a buffer per kind (vendor, device, class) that the next
 * lookup of the same kind reuses: copy them before asking for another. A name
 * the list lacks goes to libpci, which also asks the udev hwdb.
 */
const char *vfd_host_vendor_name(struct vfd_host *host, uint16_t vendor)
{
	const char *s = fast_name(host, 0, PCIIDS_VENDOR, vendor, 0);

	return s ? s : lookup(host, 0, PCI_LOOKUP_VENDOR, (unsigned int)vendor);
}

const char *vfd_host_device_name(struct vfd_host *host, uint16_t vendor, uint16_t device)
{
	const char *s = fast_name(host, 1, PCIIDS_DEVICE, vendor, device);

	return s ? s : lookup(host, 1, PCI_LOOKUP_DEVICE, (unsigned int)vendor,
			      (unsigned int)device);
}

const char *vfd_host_class_name(struct vfd_host *host, uint32_t class_code)
{
	/* the subclass name; a class-only name is libpci's, after it tried the hwdb */
	const char *s = fast_name(host, 2, PCIIDS_SUBCLASS, (class_code >> 16) & 0xff,
				  (class_code >> 8) & 0xff);

	return s ? s : lookup(host, 2, PCI_LOOKUP_CLASS, (unsigned int)(class_code >> 8));
}

int vfd_group_get_number(const struct vfd_group *group)
{
	return group->number;
}

size_t vfd_group_count_devices(const struct vfd_group *group)
{
	return group->n;
}

struct vfd_pcidev *vfd_group_device(const struct vfd_group *group, size_t index)
{
	return index < group->n ? group->devices[index] : NULL;
}

const char *vfd_pcidev_get_slot(const struct vfd_pcidev *dev)
{
	return dev->slot;
}

uint16_t vfd_pcidev_get_vendor(const struct vfd_pcidev *dev)
{
	return dev->vendor;
}

uint16_t vfd_pcidev_get_device(const struct vfd_pcidev *dev)
{
	return dev->device;
}

uint16_t vfd_pcidev_get_subsys_vendor(const struct vfd_pcidev *dev)
{
	return dev->subsys_vendor;
}

uint16_t vfd_pcidev_get_subsys_device(const struct vfd_pcidev *dev)
{
	return dev->subsys_device;
}

uint32_t vfd_pcidev_get_class(const struct vfd_pcidev *dev)
{
	return dev->class_code;
}

uint8_t vfd_pcidev_get_revision(const struct vfd_pcidev *dev)
{
	return dev->revision;
}

int vfd_pcidev_get_header_type(const struct vfd_pcidev *dev)
{
	return dev->header_type & 0x7f;
}

bool vfd_pcidev_is_multifunction(const struct vfd_pcidev *dev)
{
	return dev->header_type & 0x80;
}

bool vfd_pcidev_is_bridge(const struct vfd_pcidev *dev)
{
	return (dev->header_type & 0x7f) == 1 || (dev->header_type & 0x7f) == 2;
}

const char *vfd_pcidev_unassignable(const struct vfd_pcidev *dev, const char **id)
{
	/*
	 * vfio-pci refuses every function whose header is not type 0 (a PCI-to-PCI
	 * or CardBus bridge): vfio_pci_probe in drivers/vfio/pci/vfio_pci.c before
	 * 5.15, vfio_pci_core_register_device in vfio_pci_core.c since, both
	 * "if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) return -EINVAL"
	 */
	if (vfd_pcidev_is_bridge(dev)) {
		*id = "bridge";
		return (dev->header_type & 0x7f) == 2
		       ? "a CardBus bridge (header type 2): vfio-pci refuses every device whose "
			 "header is not type 0 (its probe fails with -22)"
		       : "a PCI bridge (header type 1): vfio-pci refuses every device whose "
			 "header is not type 0 (its probe fails with -22)";
	}
	/*
	 * A host bridge (class 06 00) has a type 0 header, so vfio-pci would take
	 * it, but it is the root complex's own function: it leads nowhere a guest
	 * could use, and AMD boards put "dummy host bridges" into the groups of
	 * their root ports, where binding them only hides what the group holds.
	 * Without a driver it does not block its group's viability.
	 */
	if ((dev->class_code >> 8) == 0x0600) {
		*id = "host-bridge";
		return "a host bridge (class 0600): the root complex's own function, nothing a "
		       "guest can use; it stays with the host and, with no driver, does not "
		       "keep its group from being viable";
	}
	*id = NULL;
	return NULL;
}

const char *vfd_pcidev_get_driver(const struct vfd_pcidev *dev)
{
	return dev->driver;
}

int vfd_pcidev_get_group(const struct vfd_pcidev *dev)
{
	return dev->group;
}

static void load_parent(struct vfd_pcidev *dev)
{
	struct vfd_host *host = dev->host;
	char *target = NULL;

	if (dev->loaded & LAZY_PARENT)
		return;
	dev->loaded |= LAZY_PARENT;
	/* devices/SLOT -> ../../../devices/pci0000:00/0000:00:1c.0/SLOT */
	if (root_readlink_child(host->root, host->busfd, "sys/bus/pci/devices", dev->slot,
				&target) == 0) {
		dev->parent = parent_from_link(target);
		free(target);
	}
}

/* the index of @dev's parent among the host's devices, or SIZE_MAX for none */
static size_t parent_index(struct vfd_host *host, size_t i)
{
	struct vfd_pcidev *p = vfd_host_find(host, host->devices[i].parent);

	return p ? (size_t)(p - host->devices) : SIZE_MAX;
}

/* drop @dev's parent link and say why, the first time something is wrong */
static void cut_parent(struct vfd_host *host, struct vfd_pcidev *dev, const char *why)
{
	/* one line for the user: the first fault names the tree as broken */
	if (!host->topology_error) {
		if (asprintf(&host->topology_error, "%s %s %s", dev->slot, why, dev->parent) < 0)
			host->topology_error = NULL;
		vfd_log(host->root, 4, "broken PCI topology: %s %s %s; such links are ignored",
			dev->slot, why, dev->parent);
	}
	free(dev->parent);
	dev->parent = NULL;
}

/*
 * A tree can only be walked up if its parent links end: a stranger's sysroot
 * can make two bridges each other's parent, or chain thousands of functions.
 * Every bridge takes a bus number of its own (8 bits, PCI Local Bus 3.0 3.2.2.3.1),
 * so no real path from a root bus is deeper than 256 functions. Links that
 * close a cycle or go deeper are dropped here, once for the whole host, so
 * that every walk up from any device ends; each device is visited a bounded
 * number of times (O(n)).
 */
static void check_topology(struct vfd_host *host)
{
	size_t *mark, *path, n = host->n;

	host->topology_checked = true;
	for (size_t i = 0; i < n; i++)
		load_parent(&host->devices[i]);
	mark = calloc(n ? n : 1, sizeof(*mark));
	path = calloc(n ? n : 1, sizeof(*path));
	if (!mark || !path) {
		/* without memory no walk is trusted: no device has a parent */
		for (size_t i = 0; i < n; i++) {
			free(host->devices[i].parent);
			host->devices[i].parent = NULL;
		}
		goto out;
	}
	/* cycles: a walk that meets its own mark came round */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j != SIZE_MAX && !mark[j]) {
			mark[j] = i + 1;
			j = parent_index(host, j);
		}
		if (j != SIZE_MAX && mark[j] == i + 1)
			cut_parent(host, &host->devices[j], "and its parents lead back to it through");
	}
	/* depth: mark[] now holds each device's depth + 1 once known */
	memset(mark, 0, n * sizeof(*mark));
	for (size_t i = 0; i < n; i++) {
		size_t len = 0, j = i, depth;

		while (j != SIZE_MAX && !mark[j]) {
			path[len++] = j;
			j = parent_index(host, j);
		}
		depth = j == SIZE_MAX ? 0 : mark[j];
		while (len > 0) {
			struct vfd_pcidev *d = &host->devices[path[--len]];

			if (depth >= VFD_PCI_MAX_DEPTH) {
				cut_parent(host, d, "is more than 256 functions deep below");
				depth = 0;
			}
			mark[path[len]] = ++depth;
		}
	}
out:
	free(mark);
	free(path);
}

const char *vfd_pcidev_get_parent(const struct vfd_pcidev *cdev)
{
	/* read on first use; the cache is not part of the device's value */
	struct vfd_pcidev *dev = (struct vfd_pcidev *)cdev;

	if (!dev->host->topology_checked)
		check_topology(dev->host);
	return dev->parent;
}

const char *vfd_host_get_topology_error(struct vfd_host *host)
{
	if (!host->topology_checked)
		check_topology(host);
	return host->topology_error;
}

const char *vfd_pcidev_get_physfn(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_PHYSFN)) {
		char *base = NULL;

		dev->loaded |= LAZY_PHYSFN;
		/* physfn -> ../0000:03:00.0 */
		if (vfd_root_readlinkf_base(dev->host->root, &base, "sys/bus/pci/devices/%s/physfn",
					    dev->slot) == 0)
			dev->physfn = base;
	}
	return dev->physfn;
}

const char *vfd_pcidev_get_driver_override(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_OVERRIDE)) {
		char *s = NULL;

		dev->loaded |= LAZY_OVERRIDE;
		if (vfd_root_readf_str(dev->host->root, &s, "sys/bus/pci/devices/%s/driver_override",
				       dev->slot) == 0) {
			if (*s && strcmp(s, "(null)") != 0)
				dev->driver_override = s;
			else
				free(s);
		}
	}
	return dev->driver_override;
}

const char *vfd_pcidev_get_reset_method(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_RESET)) {
		dev->loaded |= LAZY_RESET;
		/* absent before 5.15, and when the device has no reset at all */
		if (vfd_root_readf_str(dev->host->root, &dev->reset_method,
				       "sys/bus/pci/devices/%s/reset_method", dev->slot) < 0) {
			if (!vfd_root_existsf(dev->host->root, "sys/bus/pci/devices/%s/reset",
					      dev->slot) &&
			    vfd_root_existsf(dev->host->root, "sys/bus/pci/devices/%s/config",
					     dev->slot) &&
			    vfd_host_kernel_version(dev->host) >= (5u << 16 | 15u << 8))
				dev->reset_method = strdup("");
		}
	}
	return dev->reset_method;
}

int vfd_pcidev_get_boot_vga(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_BOOTVGA)) {
		int64_t v;

		dev->loaded |= LAZY_BOOTVGA;
		if (vfd_root_readf_s64(dev->host->root, &v, "sys/bus/pci/devices/%s/boot_vga",
				       dev->slot) == 0)
			dev->boot_vga = v != 0;
	}
	return dev->boot_vga;
}

int vfd_pcidev_get_numa_node(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_NUMA)) {
		int64_t v;

		dev->loaded |= LAZY_NUMA;
		if (vfd_root_readf_s64(dev->host->root, &v, "sys/bus/pci/devices/%s/numa_node",
				       dev->slot) == 0 && v >= 0 && v < 65536)
			dev->numa_node = (int)v;
	}
	return dev->numa_node;
}

int vfd_pcidev_get_num_vfs(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_VFS)) {
		uint64_t v;

		dev->loaded |= LAZY_VFS;
		if (vfd_root_readf_u64(dev->host->root, &v, "sys/bus/pci/devices/%s/sriov_numvfs",
				       dev->slot) == 0 && v < 65536)
			dev->num_vfs = (int)v;
	}
	return dev->num_vfs;
}

const uint8_t *vfd_pcidev_get_config(struct vfd_pcidev *dev, size_t *len)
{
	if (!(dev->loaded & LAZY_CONFIG)) {
		char *buf = NULL;
		size_t n = 0;

		dev->loaded |= LAZY_CONFIG;
		if (vfd_root_read_filef(dev->host->root, 4096, &buf, &n,
					"sys/bus/pci/devices/%s/config", dev->slot) == 0) {
			dev->config = (uint8_t *)buf;
			dev->config_len = (uint16_t)n;
		}
	}
	*len = dev->config_len;
	return dev->config;
}

bool vfd_class_is_display(uint32_t c)
{
	return (c >> 16) == 0x03;
}

bool vfd_class_is_audio(uint32_t c)
{
	/* multimedia audio (0x0401) and HD audio (0x0403) */
	return (c >> 8) == 0x0401 || (c >> 8) == 0x0403;
}

bool vfd_class_is_usb(uint32_t c)
{
	return (c >> 8) == 0x0c03;
}

bool vfd_class_is_network(uint32_t c)
{
	return (c >> 16) == 0x02;
}

bool vfd_class_is_storage(uint32_t c)
{
	return (c >> 16) == 0x01;
}
