// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host model's topology: each function's parent, from the link the
 * kernel makes under sys/bus/pci/devices, read on first use and checked once
 * for the whole host so that every walk up ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pci-model.h"

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
void check_topology(struct vfd_host *host)
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
