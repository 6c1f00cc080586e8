/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: preflight: will this QEMU command line start. Include "vfd.h", not this file. */
#ifndef LIBVFD_PREFLIGHT_H
#define LIBVFD_PREFLIGHT_H

#include "vfd-root.h"
#include "vfd-findings.h"
#include "vfd-limits.h"

/* ------------------------------------------------------------ preflight */

/*
 * Preflight: open a device through the VFIO API as QEMU does, one system call
 * a step, without starting a VM, and explain every failing step. Opening the
 * device resets it (vfio-pci does that on every open and close): never run
 * it on a device a VM is using (the kernel refuses that with EBUSY anyway).
 */
enum vfd_pf_step_id {
	VFD_PF_DEVICE,		/* sysfs: the device exists */
	VFD_PF_IOMMU_GROUP,	/* sysfs: its iommu_group link */
	VFD_PF_DRIVER,		/* sysfs: bound to vfio-pci (or a vfio variant) */
	VFD_PF_AS_USER,		/* take the --as-user credentials in a child */
	VFD_PF_OPEN_GROUP,	/* legacy: open /dev/vfio/N */
	VFD_PF_GROUP_STATUS,
	VFD_PF_OPEN_CONTAINER,	/* open /dev/vfio/vfio */
	VFD_PF_API_VERSION,
	VFD_PF_CHECK_EXTENSION,
	VFD_PF_SET_CONTAINER,
	VFD_PF_SET_IOMMU,
	VFD_PF_IOMMU_INFO,
	VFD_PF_MAP_DMA,
	VFD_PF_GET_DEVICE_FD,
	VFD_PF_DEVICE_INFO,
	VFD_PF_REGION_INFO,
	VFD_PF_IRQ_INFO,
	VFD_PF_RESET,
	VFD_PF_UNMAP_DMA,
	VFD_PF_OPEN_CDEV,	/* iommufd: open /dev/vfio/devices/vfioN */
	VFD_PF_OPEN_IOMMUFD,	/* open /dev/iommu */
	VFD_PF_BIND_IOMMUFD,
	VFD_PF_IOAS_ALLOC,
	VFD_PF_ATTACH_PT,
	VFD_PF_IOAS_MAP,
	VFD_PF_IOAS_UNMAP,
	VFD_PF_MEMLOCK,		/* RLIMIT_MEMLOCK against the guest's RAM */
	VFD_PF_HUGEPAGES,
	VFD_PF_N_STEPS
};

enum vfd_pf_path {
	VFD_PF_HOST,		/* sysfs, credentials, limits */
	VFD_PF_LEGACY,		/* group + container (/dev/vfio/N, /dev/vfio/vfio) */
	VFD_PF_IOMMUFD,		/* device cdev + /dev/iommu (kernel 6.6+, QEMU -object iommufd) */
};

struct vfd_pf_step {
	enum vfd_pf_step_id id;
	enum vfd_pf_path path;
	enum vfd_status status;
	int err;			/* errno of the failed call, 0 otherwise */
	bool syscall;			/* @call is a system call and @ret what it returned */
	long long ret;
	char call[128];			/* "ioctl(group, VFIO_GROUP_GET_STATUS)" */
	char result[192];		/* what came back: "viable", "BAR0: 128 KiB rw mmap" */
	const char *meaning;		/* why it failed (static), NULL when it did not */
	char **fix;			/* NULL-terminated, owned; NULL when none */
	char **evidence;		/* NULL-terminated, owned: what else was read */
};

#define VFD_PF_MAX_HUGEPAGE_SIZES 4

struct vfd_pf_memory {
	uint64_t guest;			/* --memory, 0 when not given */
	bool rlimit_known;		/* the two below hold (live host) */
	uint64_t memlock_soft, memlock_hard;	/* of the process that mapped; VFD_UNLIMITED */
	bool cap_ipc_lock;		/* that process is exempt from the limit */
	bool conf_read;			/* limits.conf was read for the --as-user account */
	struct vfd_memlock_conf conf;
	bool meminfo_read;
	struct vfd_meminfo meminfo;
	size_t n_hugepages;
	struct {
		uint64_t size, total, free;	/* page size in bytes, page counts */
	} hugepages[VFD_PF_MAX_HUGEPAGE_SIZES];
};

struct vfd_preflight {
	char slot[16];
	int group;			/* -1 when the device has none */
	char *driver;			/* bound driver, NULL when none */
	char user[64];			/* whose credentials the steps ran with */
	bool live;			/* false in a sysroot: no system call was made */
	enum vfd_status legacy, iommufd;	/* worst step of each path; VFD_SKIP: not run */
	struct vfd_pf_step *steps;
	size_t n, cap;
	struct vfd_pf_memory memory;
};

struct vfd_preflight_opts {
	const char *as_user;		/* run the VFIO steps as this account (needs root) */
	uint64_t memory;		/* guest RAM in bytes to check the limits against; 0 */
	bool reset;			/* also VFIO_DEVICE_RESET where the device offers it */
};

/*
 * vfd_preflight_run - the VFIO sequence of QEMU for the device @slot
 * ("DDDD:BB:DD.F"): legacy group and container (open the group, its status,
 * the container, API version, type1 extension, SET_CONTAINER, SET_IOMMU,
 * IOMMU info, a DMA map of 1 MiB, the device fd, its info, regions and IRQs,
 * the reset with opts->reset, the unmap), then the iommufd path where the
 * kernel has /dev/iommu and the device a vfio-dev cdev. Everything opened is
 * closed and unmapped again, in reverse order, on every path. With
 * opts->as_user the steps run in a child with that account's uid, gid and
 * groups, and its memlock limit from limits.conf is read. In a sysroot only
 * sysfs and the limits are read; the VFIO steps are skipped.
 * Returns: 0 (how each step went is in @out: free with vfd_preflight_clear),
 *          -ENODEV when there is no such device, -EINVAL, -ENOMEM.
 */
int vfd_preflight_run(struct vfd_host *host, const char *slot,
		      const struct vfd_preflight_opts *opts, struct vfd_preflight *out);
/* free what vfd_preflight_run() filled in; NULL-safe */
void vfd_preflight_clear(struct vfd_preflight *pf);
/* worst status of all steps (skip and info count as ok) */
enum vfd_status vfd_preflight_worst(const struct vfd_preflight *pf);
/* the first step that failed, or NULL */
const struct vfd_pf_step *vfd_preflight_first_failure(const struct vfd_preflight *pf);
/* stable step names: "open-group", "map-dma", ...; path names: "host", "legacy", "iommufd" */
const char *vfd_pf_step_name(enum vfd_pf_step_id id);
const char *vfd_pf_path_name(enum vfd_pf_path path);
/*
 * vfd_pf_explain - what errno @err means at step @id, from the kernel's
 * drivers/vfio, and the fix. @err 0 is the call that succeeded with a bad
 * answer (a group that is not viable, no type1 extension). The texts may
 * hold %slot%, %group%, %user%, %driver% (see vfd_pf_expand). Pure.
 * Returns: true when the table knows the pair; otherwise false with a
 *          generic meaning and *fix NULL.
 */
bool vfd_pf_explain(enum vfd_pf_step_id id, int err, const char **meaning, const char **fix);
/* @text with the placeholders replaced (NULL values become <slot>, ...); caller frees */
char *vfd_pf_expand(const char *text, const char *slot, int group, const char *user,
		    const char *driver);

#endif
