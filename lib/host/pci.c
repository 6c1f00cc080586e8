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
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pci-model.h"

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

/* One attribute of the device directory @dfd as a hex number; 0 when unreadable. */
static unsigned int read_hex_attr(struct vfd_host *host, int dfd, const char *dir,
				  const char *attr)
{
	char buf[4096];
	uint64_t v = 0;
	int r = root_read_child(host->root, dfd, dir, attr, buf, sizeof(buf));

	host_note_refused(host, r, "%s/%s", dir, attr);
	if (r < 0 || vfd_parse_u64(buf, &v) < 0)
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
	d->vendor = (uint16_t)read_hex_attr(d->host, dfd, dir, "vendor");
	d->device = (uint16_t)read_hex_attr(d->host, dfd, dir, "device");
	d->subsys_vendor = (uint16_t)read_hex_attr(d->host, dfd, dir, "subsystem_vendor");
	d->subsys_device = (uint16_t)read_hex_attr(d->host, dfd, dir, "subsystem_device");
	d->class_code = read_hex_attr(d->host, dfd, dir, "class") & 0xffffff;
	d->revision = (uint8_t)read_hex_attr(d->host, dfd, dir, "revision");
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
		d->vendor = (uint16_t)read_hex_attr(host, -1, dir, "vendor");
		d->device = (uint16_t)read_hex_attr(host, -1, dir, "device");
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
			struct vfd_bdf vf_bdf = { bdf.domain, vf_rid >> 8, (vf_rid >> 3) & 0x1f,
						  vf_rid & 7 };
			struct vfd_pcidev *vf;
			char slot[16];

			if (vf_rid > 0xffff)
				break;
			/* bdf.domain: 4 hex digits at most, as vfd_bdf_parse() reads it */
			vfd_bdf_format(&vf_bdf, slot, sizeof(slot));
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
	size_t n = host->drivers.n;

	for (size_t i = 0; i < n; i++)
		if (strcmp(host->drivers.v[i], name) == 0)
			return host->drivers.v[i];
	strv_addf(&host->drivers, "%s", name);
	return host->drivers.n > n ? host->drivers.v[n] : NULL;
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
	struct strv_builder names = { 0 };
	struct dirent *de;
	size_t n;
	DIR *top;

	top = vfd_root_opendirf(host->root, "sys/bus/pci/drivers");
	if (!top)
		return;
	while ((de = readdir(top)) && !names.oom)
		if (de->d_name[0] != '.')
			strv_addf(&names, "%s", de->d_name);
	closedir(top);
	n = names.n;
	/* four calls a driver against one a function: worth it only when they are many */
	if (host->n >= 4 * n) {
		for (size_t i = 0; i < n; i++) {
			DIR *dir = vfd_root_opendirf(host->root, "sys/bus/pci/drivers/%s",
						     names.v[i]);
			const char *driver = NULL;

			while (dir && (de = readdir(dir))) {
				struct vfd_pcidev *d;

				if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
					continue;
				d = vfd_host_find(host, de->d_name);
				if (!d || d->driver_listed)
					continue;
				if (!driver)
					driver = intern_driver(host, names.v[i]);
				if (!driver)
					break;
				d->driver = driver;
				d->driver_listed = true;
			}
			if (dir)
				closedir(dir);
		}
	}
	strv_builder_clear(&names);
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
	strv_builder_clear(&host->drivers);
	free(host->devices);
	free(host->release);
	free(host->topology_error);
	strv_builder_clear(&host->refused);
	for (size_t i = 0; i < HOST_CACHES; i++)
		if (host->caches[i].data)
			host->caches[i].free_fn(host->caches[i].data);
	if (host->busfd >= 0)
		close(host->busfd);
	vfd_root_unref(host->root);
	free(host);
}

void host_note_refused(struct vfd_host *host, int r, const char *fmt, ...)
{
	char path[96];
	va_list ap;

	if (r != -EACCES && r != -EPERM)
		return;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < host->refused.n; i++)
		if (strcmp(host->refused.v[i], path) == 0)
			return;
	strv_addf(&host->refused, "%s", path);
}

char *const *host_refused(const struct vfd_host *host, size_t *n)
{
	*n = host->refused.n;
	return host->refused.v;
}

void **host_cache(struct vfd_host *host, void (*free_fn)(void *data))
{
	for (size_t i = 0; i < HOST_CACHES; i++) {
		struct host_cache *c = &host->caches[i];

		if (c->free_fn == free_fn)
			return &c->data;
		if (!c->free_fn) {
			c->free_fn = free_fn;
			return &c->data;
		}
	}
	return NULL;
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
