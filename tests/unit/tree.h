/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Build small sysfs-shaped trees for unit tests, laid out as the kernel lays
 * them out: devices under sys/devices/pci0000:00/..., bus links to them,
 * driver and iommu_group links, a config file.
 */
#ifndef VFD_TEST_TREE_H
#define VFD_TEST_TREE_H

#include <stdint.h>

/* a new temporary sysroot holding sys/bus/pci/devices (caller frees) */
char *tree_new(void);
/* remove the tree */
void tree_free(char *dir);
/*
 * Add a function. @path is its place below sys/devices, e.g.
 * "pci0000:00/0000:00:1c.0/0000:01:00.0". @driver NULL for unbound, @group -1
 * for none. @header 0 endpoint, 1 bridge; @pcie_type -1 for no Express cap.
 */
void tree_device(const char *dir, const char *path, uint16_t vendor, uint16_t device,
		 uint32_t class_code, int header, int pcie_type, bool acs, const char *driver,
		 int group);
/* the host scan of the tree (the test fails if either step does); free both */
struct vfd_root;
struct vfd_host;
struct vfd_host *tree_open_host(const char *dir, struct vfd_root **root);
/* write @text into @rel below the tree, making directories */
void tree_file(const char *dir, const char *rel, const char *text);
/* make @rel below the tree a symbolic link to @target, making directories */
void tree_link(const char *dir, const char *rel, const char *target);

#endif
