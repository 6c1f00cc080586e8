// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Preflight, the iommufd path as QEMU takes it (hw/vfio/iommufd.c): /dev/iommu,
 * the device's cdev (drivers/vfio/device_cdev.c), BIND_IOMMUFD, an IOAS, the
 * attach, a DMA map, the device, and the unmap.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#if defined(__has_include)
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#endif
#endif

#include "internal.h"
#include "preflight-internal.h"

/*
 * Build hosts with headers older than 6.2 (iommufd) or 6.6 (the VFIO device
 * cdev) lack these; the values are the kernel's uapi, which never changes.
 */
#ifndef IOMMU_IOAS_ALLOC
#define IOMMUFD_TYPE (';')
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, 0x81)
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, 0x85)
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, 0x86)
enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};
struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#endif
#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

/* ------------------------------------------------------------- iommufd */

/* the vfioN cdev name of the device, or NULL (caller frees) */
char *pf_cdev_name(struct vfd_root *root, const char *slot, char *dev, size_t size)
{
	struct dirent *de;
	char *name = NULL;
	DIR *d;

	dev[0] = '\0';
	d = vfd_root_opendirf(root, "sys/bus/pci/devices/%s/vfio-dev", slot);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4) == 0 && isdigit((unsigned char)de->d_name[4])) {
			name = strdup(de->d_name);
			break;
		}
	}
	closedir(d);
	if (name) {
		char *v = NULL;

		if (vfd_root_readf_str(root, &v, "sys/bus/pci/devices/%s/vfio-dev/%s/dev", slot,
				       name) == 0)
			snprintf(dev, size, "%s", v);
		free(v);
	}
	return name;
}

void pf_iommufd_release(struct pf_seq *s)
{
	/* closing the cdev detaches and unbinds; closing /dev/iommu frees the IOAS */
	pf_close_fd(&s->cdev);
	pf_close_fd(&s->ifd);
	pf_dma_buffer_free(s);
}

void pf_run_iommufd(struct pf_seq *s)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_ioas_map map = { .size = sizeof(map) };
	struct iommu_ioas_unmap un = { .size = sizeof(un) };
	struct vfd_pf_step *st;
	char dev[32], want[32];
	_cleanup_free_ char *name = NULL;
	struct stat sb;
	int r;

	/* QEMU's -object iommufd opens /dev/iommu first */
	if (!vfd_root_existsf(s->root, "dev/iommu")) {
		st = pf_step_new(s->pf, VFD_PF_OPEN_IOMMUFD, VFD_PF_IOMMUFD, "stat(\"/dev/iommu\")");
		st->status = VFD_SKIP;
		pf_step_result(st, "no /dev/iommu: the kernel has no iommufd (CONFIG_IOMMUFD) or "
			       "the module is not loaded");
		return;
	}
	name = pf_cdev_name(s->root, s->slot, dev, sizeof(dev));
	if (!name || !dev[0]) {
		/* 6.1 to 6.5 list the device under vfio-dev but give it no character device */
		st = pf_step_new(s->pf, VFD_PF_OPEN_CDEV, VFD_PF_IOMMUFD,
				 "read(\"/sys/bus/pci/devices/%s/vfio-dev/vfioN/dev\")", s->slot);
		st->status = VFD_SKIP;
		pf_step_result(st, "%s", name ? "no VFIO device cdev: the kernel has none (before "
			       "6.6, or CONFIG_VFIO_DEVICE_CDEV off)" : "no vfio-dev entry: the device "
			       "is not on vfio-pci, or the kernel is older than 6.1");
		return;
	}

	st = pf_step_new(s->pf, VFD_PF_OPEN_CDEV, VFD_PF_IOMMUFD,
			 "open(\"/dev/vfio/devices/%s\", O_RDWR)", name);
	s->cdev = vfd_root_openf(s->root, O_RDWR, "dev/vfio/devices/%s", name);
	if (s->cdev < 0) {
		pf_sys_fail(st, -s->cdev, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, s->cdev);
	/* QEMU checks that the node is the device sysfs names */
	if (fstat(s->cdev, &sb) == 0 && dev[0]) {
		snprintf(want, sizeof(want), "%u:%u", major(sb.st_rdev), minor(sb.st_rdev));
		if (strcmp(want, dev) != 0) {
			st->status = VFD_WARN;
			pf_step_result(st, "node is %s but sysfs says %s", want, dev);
		}
	}

	st = pf_step_new(s->pf, VFD_PF_OPEN_IOMMUFD, VFD_PF_IOMMUFD, "open(\"/dev/iommu\", O_RDWR)");
	s->ifd = vfd_root_openat(s->root, "dev/iommu", O_RDWR);
	if (s->ifd < 0) {
		pf_sys_fail(st, -s->ifd, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, s->ifd);

	st = pf_step_new(s->pf, VFD_PF_BIND_IOMMUFD, VFD_PF_IOMMUFD,
			 "ioctl(cdev, VFIO_DEVICE_BIND_IOMMUFD, iommufd)");
	bind.iommufd = s->ifd;
	if (ioctl(s->cdev, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "device id %u (vfio-pci reset it)", bind.out_devid);

	st = pf_step_new(s->pf, VFD_PF_IOAS_ALLOC, VFD_PF_IOMMUFD, "ioctl(iommufd, IOMMU_IOAS_ALLOC)");
	if (ioctl(s->ifd, IOMMU_IOAS_ALLOC, &alloc) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "IOAS %u", alloc.out_ioas_id);

	st = pf_step_new(s->pf, VFD_PF_ATTACH_PT, VFD_PF_IOMMUFD,
			 "ioctl(cdev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, %u)", alloc.out_ioas_id);
	at.pt_id = alloc.out_ioas_id;
	if (ioctl(s->cdev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "attached to page table %u", at.pt_id);

	st = pf_step_new(s->pf, VFD_PF_IOAS_MAP, VFD_PF_IOMMUFD,
			 "ioctl(iommufd, IOMMU_IOAS_MAP, 1 MiB at IOVA 0x%llx)",
			 (unsigned long long)PF_IOVA);
	r = pf_dma_buffer(s, 4096);
	if (r < 0) {
		pf_sys_fail(st, -r, VFD_FAIL);
		pf_step_result(st, "mmap of the buffer failed");
		return;
	}
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
	map.ioas_id = alloc.out_ioas_id;
	map.user_va = (uint64_t)(uintptr_t)s->dma;
	map.length = PF_DMA_SIZE;
	map.iova = PF_IOVA;
	if (ioctl(s->ifd, IOMMU_IOAS_MAP, &map) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "1 MiB pinned and mapped");

	/* the device as QEMU's iommufd backend sees it; in full if the group path could not */
	pf_device_steps(s, s->cdev, VFD_PF_IOMMUFD, !s->got_device_info);

	st = pf_step_new(s->pf, VFD_PF_IOAS_UNMAP, VFD_PF_IOMMUFD,
			 "ioctl(iommufd, IOMMU_IOAS_UNMAP, 1 MiB at IOVA 0x%llx)",
			 (unsigned long long)PF_IOVA);
	un.ioas_id = alloc.out_ioas_id;
	un.iova = PF_IOVA;
	un.length = PF_DMA_SIZE;
	if (ioctl(s->ifd, IOMMU_IOAS_UNMAP, &un) < 0) {
		pf_sys_fail(st, errno, VFD_WARN);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "%llu bytes unmapped", (unsigned long long)un.length);
}
