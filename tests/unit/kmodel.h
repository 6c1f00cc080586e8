/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small model of the kernel's PCI driver binding behind a fixture tree, in
 * the manner of libvirt's virpcimock: driver_override, drivers/X/bind and
 * unbind, drivers_probe, with a failure injected at a chosen write.
 */
#ifndef VFD_TEST_KMODEL_H
#define VFD_TEST_KMODEL_H

#include "vfd.h"

struct kmodel {
	const char *dir;	/* the tree */
	int writes;		/* writes seen so far */
	int fail_at;		/* 1-based write that fails, 0 for none */
	int fail_err;		/* its -errno */
	const char *no_probe;	/* a slot whose vfio-pci probe fails (stays unbound) */
	struct {
		const char *slot, *driver;
	} native[16];		/* the driver drivers_probe picks without an override */
};

/*
 * the vfd_write_fn to install with vfd_root_set_write_fn(root, kmodel_write, model);
 * the root is opened VFD_ROOT_WRITABLE where bind's records must be written
 */
int kmodel_write(void *data, const char *path, const char *value);
/* the driver the tree says holds @slot, or "" (static buffer) */
const char *kmodel_driver(const char *dir, const char *slot);
/* the driver_override file of @slot (static buffer) */
const char *kmodel_override(const char *dir, const char *slot);

#endif
