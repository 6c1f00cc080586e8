// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the host uses a PCI device for. The block, net, drm, graphics and
 * input classes link each class device to its place in the device tree
 * ("../../devices/pci0000:00/0000:00:1f.2/ata1/.../block/sda"), so one pass
 * over each class, with mountinfo, swaps and the routing table read once,
 * tells for every PCI function what depends on it. A host with thousands of
 * VF interfaces pays one readlink per class device; what an interface is
 * doing (operstate, addresses, routes) is read only for the devices asked
 * about.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct usage_entry {
	char *path;		/* class device's link target: the device-tree path */
	enum vfd_use_kind kind;
	char *what;		/* NULL: no use (an interface that is down) */
	char *evidence;
	char *ifname;		/* a network interface not looked at yet */
};

struct usage_index {
	struct usage_entry *e;
	size_t n, cap;
	char *route, *inet6;	/* proc/net/route and if_inet6, for the interfaces */
};

static void usage_index_free(void *data)
{
	struct usage_index *idx = data;

	if (!idx)
		return;
	for (size_t i = 0; i < idx->n; i++) {
		free(idx->e[i].path);
		free(idx->e[i].what);
		free(idx->e[i].evidence);
		free(idx->e[i].ifname);
	}
	free(idx->e);
	free(idx->route);
	free(idx->inet6);
	free(idx);
}

static struct usage_entry *grow(struct usage_index *idx)
{
	if (array_reserve((void **)&idx->e, &idx->cap, idx->n, sizeof(*idx->e), 16) < 0)
		return NULL;
	memset(&idx->e[idx->n], 0, sizeof(idx->e[idx->n]));
	return &idx->e[idx->n];
}

static void add(struct usage_index *idx, const char *path, enum vfd_use_kind kind, char *what,
		char *evidence)
{
	struct usage_entry *e;

	if (!what || !evidence)
		goto drop;
	e = grow(idx);
	if (!e)
		goto drop;
	e->path = strdup(path);
	if (!e->path)
		goto drop;
	e->kind = kind;
	e->what = what;
	e->evidence = evidence;
	idx->n++;
	return;
drop:
	free(what);
	free(evidence);
}

/* a network interface below @path, looked at when its device is asked about */
static void add_netif(struct usage_index *idx, const char *path, const char *ifname)
{
	struct usage_entry *e = grow(idx);

	if (!e)
		return;
	e->path = strdup(path);
	e->ifname = strdup(ifname);
	if (!e->path || !e->ifname) {
		free(e->path);
		free(e->ifname);
		return;
	}
	e->kind = VFD_USE_NETIF;
	idx->n++;
}

/* mountinfo: "36 35 8:2 / /home rw,... - ext4 /dev/sda2 rw" */
static char *mount_of(const char *mountinfo, const char *majmin)
{
	size_t ml = strlen(majmin);

	for (const char *p = mountinfo; p && *p;) {
		const char *eol = strchr(p, '\n');
		const char *f = p;

		/* third field */
		for (int i = 0; i < 2 && f; i++) {
			f = strchr(f, ' ');
			if (f)
				f++;
		}
		if (f && strncmp(f, majmin, ml) == 0 && f[ml] == ' ') {
			const char *mp = strchr(f + ml + 1, ' ');
			const char *end;

			if (mp) {
				mp++;
				end = strchr(mp, ' ');
				if (end && (!eol || end < eol))
					return strndup(mp, (size_t)(end - mp));
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static bool in_swaps(const char *swaps, const char *name)
{
	char needle[300];

	snprintf(needle, sizeof(needle), "/dev/%s ", name);
	return swaps && strstr(swaps, needle);
}

static void scan_block(struct vfd_root *root, struct usage_index *idx)
{
	char *mountinfo = NULL, *swaps = NULL;
	struct dirent *de;
	DIR *dir;

	dir = vfd_root_opendirf(root, "sys/class/block");
	if (!dir)
		return;
	vfd_root_read_filef(root, 1 << 22, &mountinfo, NULL, "proc/self/mountinfo");
	if (!mountinfo)
		vfd_root_read_filef(root, 1 << 22, &mountinfo, NULL, "proc/1/mountinfo");
	vfd_root_read_filef(root, 1 << 20, &swaps, NULL, "proc/swaps");
	while ((de = readdir(dir))) {
		char *target = NULL, *majmin = NULL, *mp;
		DIR *holders;

		if (de->d_name[0] == '.')
			continue;
		if (root_readlink_child(root, dirfd(dir), "sys/class/block", de->d_name,
					&target) < 0)
			continue;
		if (!strstr(target, "/pci")) {
			free(target);
			continue;
		}
		vfd_root_readf_str(root, &majmin, "sys/class/block/%s/dev", de->d_name);
		mp = majmin && mountinfo ? mount_of(mountinfo, majmin) : NULL;
		if (mp) {
			add(idx, target, VFD_USE_MOUNT,
			    xasprintf("%s is mounted on %s%s", de->d_name, mp,
				      strcmp(mp, "/") == 0 ? " (the root filesystem)" : ""),
			    xasprintf("/proc/self/mountinfo: device %s on %s", majmin, mp));
			free(mp);
		}
		if (in_swaps(swaps, de->d_name))
			add(idx, target, VFD_USE_SWAP, xasprintf("%s is active swap", de->d_name),
			    xasprintf("/proc/swaps: /dev/%s", de->d_name));
		holders = vfd_root_opendirf(root, "sys/class/block/%s/holders", de->d_name);
		if (holders) {
			struct dirent *h;

			while ((h = readdir(holders)))
				if (h->d_name[0] != '.')
					add(idx, target, VFD_USE_HOLDER,
					    xasprintf("%s holds %s (LVM, MD or device-mapper)",
						      h->d_name, de->d_name),
					    xasprintf("/sys/class/block/%s/holders/%s", de->d_name,
						      h->d_name));
			closedir(holders);
		}
		free(majmin);
		free(target);
	}
	closedir(dir);
	free(mountinfo);
	free(swaps);
}

/* /proc/net/route: "eth0 00000000 0102A8C0 ..." is a default route */
static bool has_default_route(const char *route, const char *ifname)
{
	size_t l = strlen(ifname);

	for (const char *p = route; p && *p;) {
		if (strncmp(p, ifname, l) == 0 && p[l] == '\t' && strncmp(p + l + 1, "00000000", 8) == 0)
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

/* IPv4 addresses exist only through netlink/getifaddrs; the live host only */
static char *ipv4_addresses(struct vfd_root *root, const char *ifname)
{
	struct ifaddrs *ifa = NULL;
	char *out = NULL;

	if (!vfd_root_is_live(root) || getifaddrs(&ifa) < 0)
		return NULL;
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		char buf[INET_ADDRSTRLEN];
		char *n;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname) != 0)
			continue;
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, buf,
			  sizeof(buf));
		n = out ? xasprintf("%s %s", out, buf) : strdup(buf);
		free(out);
		out = n;
	}
	freeifaddrs(ifa);
	return out;
}

/* global IPv6 addresses from /proc/net/if_inet6 (scope 00) */
static bool has_ipv6_global(const char *if_inet6, const char *ifname)
{
	for (const char *p = if_inet6; p && *p;) {
		const char *eol = strchr(p, '\n');
		char addr[64], name[64];
		unsigned int idx, plen, scope, flags;

		if (sscanf(p, "%63s %x %x %x %x %63s", addr, &idx, &plen, &scope, &flags, name) == 6 &&
		    strcmp(name, ifname) == 0 && scope == 0)
			return true;
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

static void scan_net(struct vfd_root *root, struct usage_index *idx)
{
	struct dirent *de;
	DIR *dir;

	dir = vfd_root_opendirf(root, "sys/class/net");
	if (!dir)
		return;
	vfd_root_read_filef(root, 1 << 20, &idx->route, NULL, "proc/net/route");
	vfd_root_read_filef(root, 1 << 20, &idx->inet6, NULL, "proc/net/if_inet6");
	while ((de = readdir(dir))) {
		char *target = NULL;

		if (de->d_name[0] == '.')
			continue;
		if (root_readlink_child(root, dirfd(dir), "sys/class/net", de->d_name, &target) < 0)
			continue;
		if (strstr(target, "/pci"))
			add_netif(idx, target, de->d_name);
		free(target);
	}
	closedir(dir);
}

/* is the interface of @e up, and with what? Fills what and evidence, or leaves none */
static void resolve_netif(struct vfd_root *root, struct usage_index *idx, struct usage_entry *e)
{
	const char *name = e->ifname;
	char *oper = NULL, *v4;
	bool route_default, v6;

	vfd_root_readf_str(root, &oper, "sys/class/net/%s/operstate", name);
	if (oper && strcmp(oper, "up") == 0) {
		v4 = ipv4_addresses(root, name);
		route_default = has_default_route(idx->route, name);
		v6 = has_ipv6_global(idx->inet6, name);
		e->what = xasprintf("network interface %s is up%s%s%s%s", name, v4 ? " with " : "",
				    v4 ? v4 : "", v6 ? " with a global IPv6 address" : "",
				    route_default ? " and carries the default route" : "");
		e->evidence = xasprintf("/sys/class/net/%s/operstate: up", name);
		if (!e->what || !e->evidence) {
			free(e->what);
			free(e->evidence);
			e->what = e->evidence = NULL;
		}
		free(v4);
	}
	free(oper);
	free(e->ifname);
	e->ifname = NULL;
}

/* one /proc/PID: which of its fds are DRM nodes of @nodes (name -> device path) */
static void scan_pid_dri(struct vfd_root *root, struct usage_index *idx, const char *pid,
			 char **names, char **paths, size_t n)
{
	struct dirent *fd;
	char *comm = NULL;
	DIR *fds = vfd_root_opendirf(root, "proc/%s/fd", pid);

	while (fds && (fd = readdir(fds))) {
		char *target = NULL;
		const char *node;

		if (fd->d_name[0] == '.' ||
		    vfd_root_readlinkf(root, &target, "proc/%s/fd/%s", pid, fd->d_name) < 0)
			continue;
		node = strncmp(target, "/dev/dri/", 9) == 0 ? target + 9 : NULL;
		for (size_t i = 0; node && i < n; i++) {
			if (strcmp(names[i], node) != 0)
				continue;
			if (!comm)
				vfd_root_readf_str(root, &comm, "proc/%s/comm", pid);
			add(idx, paths[i], VFD_USE_DISPLAY,
			    xasprintf("process %s (pid %s) holds /dev/dri/%s", comm ? comm : "?", pid,
				      node),
			    xasprintf("/proc/%s/fd/%s -> %s", pid, fd->d_name, target));
			break;
		}
		free(target);
	}
	if (fds)
		closedir(fds);
	free(comm);
}

/*
 * Display servers and other DRM clients: processes holding /dev/dri nodes
 * (card* and renderD*) of a PCI device, named so the user knows what to stop.
 */
static void scan_drm_clients(struct vfd_root *root, struct usage_index *idx)
{
	char *names[64], *paths[64];
	struct dirent *de;
	size_t n = 0;
	DIR *dir = vfd_root_opendirf(root, "sys/class/drm");

	while (dir && (de = readdir(dir)) && n < ARRAY_SIZE(names)) {
		char *target = NULL;

		if ((strncmp(de->d_name, "card", 4) != 0 && strncmp(de->d_name, "renderD", 7) != 0) ||
		    strchr(de->d_name, '-'))
			continue;
		if (vfd_root_readlinkf(root, &target, "sys/class/drm/%s", de->d_name) == 0 &&
		    strstr(target, "/pci")) {
			names[n] = strdup(de->d_name);
			paths[n] = target;
			if (names[n])
				n++;
			else
				free(target);
		} else {
			free(target);
		}
	}
	if (dir)
		closedir(dir);
	if (n) {
		dir = vfd_root_opendirf(root, "proc");
		while (dir && (de = readdir(dir)))
			if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
				scan_pid_dri(root, idx, de->d_name, names, paths, n);
		if (dir)
			closedir(dir);
	}
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(paths[i]);
	}
}

static void scan_display(struct vfd_root *root, struct usage_index *idx)
{
	static const struct {
		const char *cls, *dir, *prefix, *label;
	} classes[] = {
		{ "drm", "sys/class/drm", "card", "DRM device" },
		{ "graphics", "sys/class/graphics", "fb", "framebuffer" },
	};

	for (size_t c = 0; c < ARRAY_SIZE(classes); c++) {
		struct dirent *de;
		DIR *dir = vfd_root_opendirf(root, "%s", classes[c].dir);

		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			char *target = NULL;

			/* card0, not card0-HDMI-A-1 connectors */
			if (strncmp(de->d_name, classes[c].prefix, strlen(classes[c].prefix)) != 0 ||
			    strchr(de->d_name, '-'))
				continue;
			/* card0 -> ../../devices/pci0000:00/0000:00:02.0/drm/card0 */
			if (root_readlink_child(root, dirfd(dir), classes[c].dir, de->d_name,
						&target) == 0 && strstr(target, "/pci"))
				add(idx, target, VFD_USE_DISPLAY,
				    xasprintf("%s %s drives a display", classes[c].label, de->d_name),
				    xasprintf("/sys/class/%s/%s", classes[c].cls, de->d_name));
			free(target);
		}
		closedir(dir);
	}
}

static void scan_input(struct vfd_root *root, struct usage_index *idx)
{
	struct dirent *de;
	DIR *dir = vfd_root_opendirf(root, "sys/class/input");

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char *target = NULL, *name = NULL;

		if (strncmp(de->d_name, "input", 5) != 0)
			continue;
		if (root_readlink_child(root, dirfd(dir), "sys/class/input", de->d_name,
					&target) == 0 && strstr(target, "/pci")) {
			vfd_root_readf_str(root, &name, "sys/class/input/%s/name", de->d_name);
			add(idx, target, VFD_USE_INPUT,
			    xasprintf("input device '%s' (%s)", name ? name : "?", de->d_name),
			    xasprintf("/sys/class/input/%s", de->d_name));
		}
		free(name);
		free(target);
	}
	closedir(dir);
}

static struct usage_index *usage_index_build(struct vfd_root *root)
{
	struct usage_index *idx = calloc(1, sizeof(*idx));

	if (!idx)
		return NULL;
	scan_block(root, idx);
	scan_net(root, idx);
	scan_display(root, idx);
	scan_drm_clients(root, idx);
	scan_input(root, idx);
	return idx;
}

/* "/0000:00:1f.2/" inside the path: the class device sits below that function */
static bool path_below(const char *path, const char *slot)
{
	char needle[20];

	snprintf(needle, sizeof(needle), "/%s/", slot);
	return strstr(path, needle) != NULL;
}

static int push_use(struct vfd_use **uses, int *n, int *cap, enum vfd_use_kind kind,
		    const char *what, const char *evidence)
{
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 4;
		struct vfd_use *nu = realloc(*uses, (size_t)ncap * sizeof(*nu));

		if (!nu)
			return -ENOMEM;
		*uses = nu;
		*cap = ncap;
	}
	(*uses)[*n].kind = kind;
	(*uses)[*n].what = strdup(what);
	(*uses)[*n].evidence = strdup(evidence);
	if (!(*uses)[*n].what || !(*uses)[*n].evidence) {
		free((*uses)[*n].what);
		free((*uses)[*n].evidence);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

int vfd_host_device_uses(struct vfd_host *host, const struct vfd_pcidev *dev,
			 struct vfd_use **uses)
{
	void **slot = host_cache(host, usage_index_free);
	struct usage_index *idx;
	const char *bdf = vfd_pcidev_get_slot(dev);
	int n = 0, cap = 0, r = 0;

	*uses = NULL;
	if (!slot)
		return -ENOMEM;
	if (!*slot)
		*slot = usage_index_build(vfd_host_get_root(host));
	idx = *slot;
	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < idx->n && r == 0; i++) {
		struct usage_entry *e = &idx->e[i];

		if (!path_below(e->path, bdf))
			continue;
		if (e->ifname)
			resolve_netif(vfd_host_get_root(host), idx, e);
		if (e->what)
			r = push_use(uses, &n, &cap, e->kind, e->what, e->evidence);
	}
	/* the firmware console lives on the boot VGA device */
	if (r == 0 && vfd_pcidev_get_boot_vga((struct vfd_pcidev *)dev) == 1)
		r = push_use(uses, &n, &cap, VFD_USE_CONSOLE,
			     "boot VGA device: the firmware and early console display on it",
			     "boot_vga: 1");
	if (r < 0) {
		vfd_uses_free(*uses, n);
		*uses = NULL;
		return r;
	}
	return n;
}

void vfd_uses_free(struct vfd_use *uses, int n)
{
	for (int i = 0; uses && i < n; i++) {
		free(uses[i].what);
		free(uses[i].evidence);
	}
	free(uses);
}
