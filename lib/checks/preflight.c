// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Preflight: open a device through the VFIO API in the order QEMU does
 * (hw/vfio/container-legacy.c: the group and its status, the container, its
 * API version and IOMMU type, SET_CONTAINER, SET_IOMMU, the IOMMU info, DMA
 * maps of guest RAM, then the device fd and its regions and interrupts; and
 * hw/vfio/iommufd.c for the cdev path), record every call with what it gave,
 * and afterwards explain the failures with what the host shows: who holds a
 * busy group, who owns a node, which driver blocks a group, the memlock limit.
 *
 * Side effects are those of QEMU starting and stopping: vfio-pci powers the
 * device up and resets it on open and on close. Everything is released on
 * every path, in reverse order.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#endif
#endif

#include "check-layers.h"
#include "internal.h"

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

/* what is mapped for DMA: small, as a test of the path, not of the guest's size */
#define PF_DMA_SIZE (1ull << 20)
/* where it is mapped unless the IOMMU's usable ranges say otherwise */
#define PF_IOVA (1ull << 20)
/* CAP_IPC_LOCK in the capability sets of proc/PID/status */
#define PF_CAP_IPC_LOCK 14

/* ---------------------------------------------------------------- steps */

static struct vfd_pf_step *step_new(struct vfd_preflight *pf, enum vfd_pf_step_id id,
				    enum vfd_pf_path path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct vfd_pf_step *step_new(struct vfd_preflight *pf, enum vfd_pf_step_id id,
				    enum vfd_pf_path path, const char *fmt, ...)
{
	static struct vfd_pf_step spare;
	struct vfd_pf_step *st;
	va_list ap;

	if (pf->n == pf->cap) {
		size_t ncap = pf->cap ? pf->cap * 2 : 32;
		struct vfd_pf_step *ns = realloc(pf->steps, ncap * sizeof(*ns));

		/* out of memory: the step goes nowhere, the sequence still releases */
		if (!ns) {
			memset(&spare, 0, sizeof(spare));
			return &spare;
		}
		pf->steps = ns;
		pf->cap = ncap;
	}
	st = &pf->steps[pf->n++];
	memset(st, 0, sizeof(*st));
	st->id = id;
	st->path = path;
	st->status = VFD_OK;
	va_start(ap, fmt);
	vsnprintf(st->call, sizeof(st->call), fmt, ap);
	va_end(ap);
	return st;
}

static void step_result(struct vfd_pf_step *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void step_result(struct vfd_pf_step *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->result, sizeof(st->result), fmt, ap);
	va_end(ap);
}

/* a system call that worked: what it returned */
static void sys_ok(struct vfd_pf_step *st, long long ret)
{
	st->syscall = true;
	st->ret = ret;
	st->status = VFD_OK;
}

/* a system call that failed with @err (positive) */
static void sys_fail(struct vfd_pf_step *st, int err, enum vfd_status status)
{
	st->syscall = true;
	st->ret = -1;
	st->err = err;
	st->status = status;
}

/* ------------------------------------------------------------- sequence */

struct seq {
	struct vfd_root *root;
	struct vfd_preflight *pf;	/* where the steps go (the child's own copy) */
	const char *slot;
	int group;
	bool reset;
	bool got_device_info;		/* the legacy path reached the device */
	/* legacy */
	int gfd, cfd, dfd;
	/* iommufd */
	int cdev, ifd;
	/* the DMA buffer, shared by both paths */
	void *buf;
	size_t buf_len;
	void *dma;
	uint64_t iova;
	bool mapped;
};

static void seq_init(struct seq *s, struct vfd_root *root, struct vfd_preflight *pf,
		     const char *slot, int group, bool reset)
{
	memset(s, 0, sizeof(*s));
	s->root = root;
	s->pf = pf;
	s->slot = slot;
	s->group = group;
	s->reset = reset;
	s->gfd = s->cfd = s->dfd = s->cdev = s->ifd = -1;
	s->iova = PF_IOVA;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* a page-aligned anonymous buffer of PF_DMA_SIZE, aligned to @align too */
static int dma_buffer(struct seq *s, uint64_t align)
{
	uintptr_t p;

	if (s->dma)
		return 0;
	if (align < 4096)
		align = 4096;
	s->buf_len = PF_DMA_SIZE + align;
	s->buf = mmap(NULL, s->buf_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (s->buf == MAP_FAILED) {
		s->buf = NULL;
		return -errno;
	}
	p = ((uintptr_t)s->buf + align - 1) & ~(uintptr_t)(align - 1);
	s->dma = (void *)p;
	return 0;
}

static void dma_buffer_free(struct seq *s)
{
	if (s->buf)
		munmap(s->buf, s->buf_len);
	s->buf = s->dma = NULL;
}

static const char *region_name(unsigned int index)
{
	static const char *const names[] = { "BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5",
					     "ROM", "config", "VGA" };

	return index < ARRAY_SIZE(names) ? names[index] : "region";
}

static const char *irq_name(unsigned int index)
{
	static const char *const names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

	return index < ARRAY_SIZE(names) ? names[index] : "IRQ";
}

/* append ", text" (or "text" when empty) to a step's result */
static void result_add(struct vfd_pf_step *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void result_add(struct vfd_pf_step *st, const char *fmt, ...)
{
	size_t l = strlen(st->result);
	va_list ap;

	if (l && l + 2 < sizeof(st->result)) {
		memcpy(st->result + l, ", ", 3);
		l += 2;
	}
	va_start(ap, fmt);
	vsnprintf(st->result + l, sizeof(st->result) - l, fmt, ap);
	va_end(ap);
}

/* a region or IRQ index whose info the kernel refused */
struct pf_bad {
	unsigned int index;
	int err;
};

/* The device steps QEMU does after getting the fd (vfio_device_get, vfio_populate_device). */
static void device_steps(struct seq *s, int fd, enum vfd_pf_path path, bool full)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfd_pf_step *st;
	char size[32];

	st = step_new(s->pf, VFD_PF_DEVICE_INFO, path, "ioctl(device, VFIO_DEVICE_GET_INFO)");
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, &di) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "%s%s; %u regions, %u IRQ indexes; reset %s",
		    di.flags & VFIO_DEVICE_FLAGS_PCI ? "PCI" : "not PCI",
		    di.flags & VFIO_DEVICE_FLAGS_CAPS ? " with capabilities" : "", di.num_regions,
		    di.num_irqs, di.flags & VFIO_DEVICE_FLAGS_RESET ? "supported" : "not supported");
	if (!(di.flags & VFIO_DEVICE_FLAGS_PCI) || di.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX ||
	    di.num_irqs <= VFIO_PCI_MSIX_IRQ_INDEX) {
		st->status = VFD_FAIL;
		return;
	}
	if (path == VFD_PF_LEGACY)
		s->got_device_info = true;
	if (!full)
		return;

	/*
	 * QEMU needs every BAR; the ROM only to load it; VGA only with x-vga=on.
	 * Answers go into one step, failures into steps of their own (after it),
	 * so that each errno is explained.
	 */
	{
		struct vfd_pf_step agg = { 0 };
		struct pf_bad bad[16];
		size_t nbad = 0;

		for (unsigned int i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_VGA_REGION_INDEX;
		     i++) {
			struct vfio_region_info ri = { .argsz = sizeof(ri), .index = i };

			if (i == VFIO_PCI_CONFIG_REGION_INDEX)
				continue;
			if (i >= di.num_regions || ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0) {
				int err = i >= di.num_regions ? EINVAL : errno;

				if (i == VFIO_PCI_VGA_REGION_INDEX && err == EINVAL)
					result_add(&agg, "VGA: none");
				else if (nbad < ARRAY_SIZE(bad))
					bad[nbad++] = (struct pf_bad){ i, err };
				continue;
			}
			if (!ri.size) {
				/* an unused BAR says nothing */
				if (i >= VFIO_PCI_ROM_REGION_INDEX)
					result_add(&agg, "%s: none", region_name(i));
				continue;
			}
			vfd_format_size(ri.size, size, sizeof(size));
			result_add(&agg, "%s: %s %s%s%s", region_name(i), size,
				   ri.flags & VFIO_REGION_INFO_FLAG_READ ? "r" : "",
				   ri.flags & VFIO_REGION_INFO_FLAG_WRITE ? "w" : "",
				   ri.flags & VFIO_REGION_INFO_FLAG_MMAP ? " mmap" : "");
		}
		st = step_new(s->pf, VFD_PF_REGION_INFO, path,
			      "ioctl(device, VFIO_DEVICE_GET_REGION_INFO, BAR0..5, ROM, VGA)");
		sys_ok(st, 0);
		memcpy(st->result, agg.result, sizeof(st->result));
		for (size_t b = 0; b < nbad; b++) {
			st = step_new(s->pf, VFD_PF_REGION_INFO, path,
				      "ioctl(device, VFIO_DEVICE_GET_REGION_INFO, %s)",
				      region_name(bad[b].index));
			sys_fail(st, bad[b].err,
				 bad[b].index < VFIO_PCI_ROM_REGION_INDEX ? VFD_FAIL : VFD_WARN);
		}

		memset(&agg, 0, sizeof(agg));
		nbad = 0;
		for (unsigned int i = VFIO_PCI_INTX_IRQ_INDEX;
		     i < di.num_irqs && i <= VFIO_PCI_REQ_IRQ_INDEX; i++) {
			struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };

			if (ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0) {
				if (nbad < ARRAY_SIZE(bad))
					bad[nbad++] = (struct pf_bad){ i, errno };
				continue;
			}
			result_add(&agg, "%s: %u", irq_name(i), ii.count);
		}
		st = step_new(s->pf, VFD_PF_IRQ_INFO, path,
			      "ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, INTx..REQ)");
		sys_ok(st, 0);
		memcpy(st->result, agg.result, sizeof(st->result));
		for (size_t b = 0; b < nbad; b++) {
			st = step_new(s->pf, VFD_PF_IRQ_INFO, path,
				      "ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, %s)",
				      irq_name(bad[b].index));
			sys_fail(st, bad[b].err, VFD_WARN);
		}
	}

	if (!s->reset)
		return;
	st = step_new(s->pf, VFD_PF_RESET, path, "ioctl(device, VFIO_DEVICE_RESET)");
	if (!(di.flags & VFIO_DEVICE_FLAGS_RESET)) {
		st->status = VFD_WARN;
		step_result(st, "not tried: the device reports no reset support");
		return;
	}
	if (ioctl(fd, VFIO_DEVICE_RESET) < 0) {
		sys_fail(st, errno, VFD_WARN);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "the device was reset");
}

int preflight_pick_iova(const void *info, size_t len, uint64_t want, uint64_t size,
			uint64_t *iova, unsigned int *nranges)
{
	struct vfio_iommu_type1_info ti;
	const uint8_t *b = info;
	uint32_t off;
	int hops = 0;

	*iova = want;
	*nranges = 0;
	if (!info || len < sizeof(ti) || !size)
		return 0;
	/* copies, not casts: nothing says the buffer is aligned for the structs */
	memcpy(&ti, b, sizeof(ti));
	if (!(ti.flags & VFIO_IOMMU_INFO_CAPS))
		return 0;
	off = ti.cap_offset;
	/* a bounded walk: the offsets come from the kernel, but trust nothing */
	while (off && hops++ < 32) {
		struct vfio_info_cap_header h;
		uint32_t nr;
		size_t at;
		uint64_t best = UINT64_MAX;

		if (off < sizeof(ti) || off > len || len - off < sizeof(h))
			return -EINVAL;
		memcpy(&h, b + off, sizeof(h));
		if (h.id != VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			off = h.next;
			continue;
		}
		/* header, nr_iovas, reserved, then the ranges */
		at = off + sizeof(h) + 8;
		if (len - off < sizeof(h) + 8)
			return -EINVAL;
		memcpy(&nr, b + off + sizeof(h), sizeof(nr));
		if (nr > (len - at) / sizeof(struct vfio_iova_range))
			return -EINVAL;
		*nranges = nr;
		for (uint32_t i = 0; i < nr; i++) {
			struct vfio_iova_range r;
			uint64_t start;

			memcpy(&r, b + at + i * sizeof(r), sizeof(r));
			start = r.start > want ? r.start : want;
			/* page-align a start that is not, and stay inside the range */
			if (start > UINT64_MAX - 4095)
				continue;
			start = (start + 4095) & ~4095ull;
			if (start < r.start || r.end < start || r.end - start < size - 1)
				continue;
			if (start == want) {
				*iova = want;
				return 0;
			}
			if (start < best)
				best = start;
		}
		if (best == UINT64_MAX)
			return -ENOSPC;
		*iova = best;
		return 0;
	}
	return 0;
}

/* VFIO_IOMMU_GET_INFO with its capabilities (the kernel says how much room they need) */
static void iommu_info(struct seq *s)
{
	struct vfio_iommu_type1_info *ti;
	struct vfd_pf_step *st;
	unsigned int nranges = 0;
	size_t len = sizeof(*ti);
	int r;

	st = step_new(s->pf, VFD_PF_IOMMU_INFO, VFD_PF_LEGACY,
		      "ioctl(container, VFIO_IOMMU_GET_INFO)");
	for (int round = 0; round < 2; round++) {
		ti = calloc(1, len);
		if (!ti) {
			sys_fail(st, ENOMEM, VFD_WARN);
			return;
		}
		ti->argsz = (uint32_t)len;
		if (ioctl(s->cfd, VFIO_IOMMU_GET_INFO, ti) < 0) {
			/* QEMU gives up on the container here */
			sys_fail(st, errno, VFD_FAIL);
			free(ti);
			return;
		}
		if (ti->argsz <= len || ti->argsz > 65536 || round == 1)
			break;
		len = ti->argsz;
		free(ti);
	}
	sys_ok(st, 0);
	if (ti->flags & VFIO_IOMMU_INFO_PGSIZES) {
		char pg[32];

		vfd_format_size(ti->iova_pgsizes & -ti->iova_pgsizes, pg, sizeof(pg));
		step_result(st, "smallest IOMMU page %s", pg);
	}
	r = preflight_pick_iova(ti, len < ti->argsz ? len : ti->argsz, PF_IOVA, PF_DMA_SIZE,
				&s->iova, &nranges);
	if (nranges)
		result_add(st, "%u usable IOVA range%s", nranges, nranges == 1 ? "" : "s");
	if (r == -ENOSPC)
		result_add(st, "no usable IOVA range holds %llu bytes",
			   (unsigned long long)PF_DMA_SIZE);
	free(ti);
}

static void legacy_map(struct seq *s)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct vfd_pf_step *st;
	int r;

	st = step_new(s->pf, VFD_PF_MAP_DMA, VFD_PF_LEGACY,
		      "ioctl(container, VFIO_IOMMU_MAP_DMA, 1 MiB at IOVA 0x%llx)",
		      (unsigned long long)s->iova);
	r = dma_buffer(s, 4096);
	if (r < 0) {
		sys_fail(st, -r, VFD_FAIL);
		step_result(st, "mmap of the buffer failed");
		return;
	}
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uint64_t)(uintptr_t)s->dma;
	map.iova = s->iova;
	map.size = PF_DMA_SIZE;
	if (ioctl(s->cfd, VFIO_IOMMU_MAP_DMA, &map) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);
	s->mapped = true;
	step_result(st, "1 MiB pinned and mapped");
}

static void legacy_unmap(struct seq *s)
{
	struct vfio_iommu_type1_dma_unmap un = { .argsz = sizeof(un) };
	struct vfd_pf_step *st;

	if (!s->mapped)
		return;
	st = step_new(s->pf, VFD_PF_UNMAP_DMA, VFD_PF_LEGACY,
		      "ioctl(container, VFIO_IOMMU_UNMAP_DMA, 1 MiB at IOVA 0x%llx)",
		      (unsigned long long)s->iova);
	un.iova = s->iova;
	un.size = PF_DMA_SIZE;
	if (ioctl(s->cfd, VFIO_IOMMU_UNMAP_DMA, &un) < 0) {
		/* closing the container unmaps it anyway */
		sys_fail(st, errno, VFD_WARN);
		return;
	}
	sys_ok(st, 0);
	s->mapped = false;
	step_result(st, "%llu bytes unmapped", (unsigned long long)un.size);
}

/* Release in reverse order of acquisition: device, mapping, container, group. */
static void legacy_release(struct seq *s)
{
	close_fd(&s->dfd);
	legacy_unmap(s);
	s->mapped = false;
	close_fd(&s->cfd);
	close_fd(&s->gfd);
	dma_buffer_free(s);
}

static void run_legacy(struct seq *s)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfd_pf_step *st;
	int type = 0, r;

	st = step_new(s->pf, VFD_PF_OPEN_GROUP, VFD_PF_LEGACY, "open(\"/dev/vfio/%d\", O_RDWR)",
		      s->group);
	s->gfd = vfd_root_openf(s->root, O_RDWR, "dev/vfio/%d", s->group);
	if (s->gfd < 0) {
		sys_fail(st, -s->gfd, VFD_FAIL);
		return;
	}
	sys_ok(st, s->gfd);

	st = step_new(s->pf, VFD_PF_GROUP_STATUS, VFD_PF_LEGACY,
		      "ioctl(group, VFIO_GROUP_GET_STATUS)");
	if (ioctl(s->gfd, VFIO_GROUP_GET_STATUS, &gs) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "%s%s", gs.flags & VFIO_GROUP_FLAGS_VIABLE ? "viable" : "not viable",
		    gs.flags & VFIO_GROUP_FLAGS_CONTAINER_SET ? ", already in a container" : "");
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		/* QEMU stops here: "group N is not viable" */
		st->status = VFD_FAIL;
		return;
	}

	st = step_new(s->pf, VFD_PF_OPEN_CONTAINER, VFD_PF_LEGACY,
		      "open(\"/dev/vfio/vfio\", O_RDWR)");
	s->cfd = vfd_root_openat(s->root, "dev/vfio/vfio", O_RDWR);
	if (s->cfd < 0) {
		sys_fail(st, -s->cfd, VFD_FAIL);
		return;
	}
	sys_ok(st, s->cfd);

	st = step_new(s->pf, VFD_PF_API_VERSION, VFD_PF_LEGACY,
		      "ioctl(container, VFIO_GET_API_VERSION)");
	r = ioctl(s->cfd, VFIO_GET_API_VERSION);
	if (r < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, r);
	step_result(st, "version %d", r);
	if (r != VFIO_API_VERSION) {
		st->status = VFD_FAIL;
		return;
	}

	/* QEMU's vfio_get_iommu_type(): the first type the container offers */
	st = step_new(s->pf, VFD_PF_CHECK_EXTENSION, VFD_PF_LEGACY,
		      "ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU)");
	r = ioctl(s->cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	if (r < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, r);
	if (r > 0) {
		type = VFIO_TYPE1v2_IOMMU;
		step_result(st, "type1 v2 offered");
	} else if (ioctl(s->cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0) {
		type = VFIO_TYPE1_IOMMU;
		step_result(st, "only type1 (v1) offered: QEMU uses it");
	} else {
		st->status = VFD_FAIL;
		step_result(st, "neither type1 v2 nor type1 offered");
		return;
	}

	st = step_new(s->pf, VFD_PF_SET_CONTAINER, VFD_PF_LEGACY,
		      "ioctl(group, VFIO_GROUP_SET_CONTAINER, container)");
	if (ioctl(s->gfd, VFIO_GROUP_SET_CONTAINER, &s->cfd) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "group %d claimed for user-space DMA", s->group);

	st = step_new(s->pf, VFD_PF_SET_IOMMU, VFD_PF_LEGACY, "ioctl(container, VFIO_SET_IOMMU, %s)",
		      type == VFIO_TYPE1v2_IOMMU ? "VFIO_TYPE1v2_IOMMU" : "VFIO_TYPE1_IOMMU");
	if (ioctl(s->cfd, VFIO_SET_IOMMU, type) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);

	iommu_info(s);
	if (s->pf->steps[s->pf->n - 1].status == VFD_FAIL)
		return;
	/* QEMU's memory listener maps guest RAM before it asks for the device */
	legacy_map(s);

	st = step_new(s->pf, VFD_PF_GET_DEVICE_FD, VFD_PF_LEGACY,
		      "ioctl(group, VFIO_GROUP_GET_DEVICE_FD, \"%s\")", s->slot);
	s->dfd = ioctl(s->gfd, VFIO_GROUP_GET_DEVICE_FD, s->slot);
	if (s->dfd < 0) {
		sys_fail(st, errno, VFD_FAIL);
		s->dfd = -1;
		return;
	}
	sys_ok(st, s->dfd);
	step_result(st, "device opened (vfio-pci reset it)");
	device_steps(s, s->dfd, VFD_PF_LEGACY, true);
}

/* ------------------------------------------------------------- iommufd */

/* the vfioN cdev name of the device, or NULL (caller frees) */
static char *cdev_name(struct vfd_root *root, const char *slot, char *dev, size_t size)
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

static void iommufd_release(struct seq *s)
{
	/* closing the cdev detaches and unbinds; closing /dev/iommu frees the IOAS */
	close_fd(&s->cdev);
	close_fd(&s->ifd);
	dma_buffer_free(s);
}

static void run_iommufd(struct seq *s)
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
		st = step_new(s->pf, VFD_PF_OPEN_IOMMUFD, VFD_PF_IOMMUFD, "stat(\"/dev/iommu\")");
		st->status = VFD_SKIP;
		step_result(st, "no /dev/iommu: the kernel has no iommufd (CONFIG_IOMMUFD) or "
			    "the module is not loaded");
		return;
	}
	name = cdev_name(s->root, s->slot, dev, sizeof(dev));
	if (!name || !dev[0]) {
		/* 6.1 to 6.5 list the device under vfio-dev but give it no character device */
		st = step_new(s->pf, VFD_PF_OPEN_CDEV, VFD_PF_IOMMUFD,
			      "read(\"/sys/bus/pci/devices/%s/vfio-dev/vfioN/dev\")", s->slot);
		st->status = VFD_SKIP;
		step_result(st, "%s", name ? "no VFIO device cdev: the kernel has none (before "
			    "6.6, or CONFIG_VFIO_DEVICE_CDEV off)" : "no vfio-dev entry: the device "
			    "is not on vfio-pci, or the kernel is older than 6.1");
		return;
	}

	st = step_new(s->pf, VFD_PF_OPEN_CDEV, VFD_PF_IOMMUFD,
		      "open(\"/dev/vfio/devices/%s\", O_RDWR)", name);
	s->cdev = vfd_root_openf(s->root, O_RDWR, "dev/vfio/devices/%s", name);
	if (s->cdev < 0) {
		sys_fail(st, -s->cdev, VFD_FAIL);
		return;
	}
	sys_ok(st, s->cdev);
	/* QEMU checks that the node is the device sysfs names */
	if (fstat(s->cdev, &sb) == 0 && dev[0]) {
		snprintf(want, sizeof(want), "%u:%u", major(sb.st_rdev), minor(sb.st_rdev));
		if (strcmp(want, dev) != 0) {
			st->status = VFD_WARN;
			step_result(st, "node is %s but sysfs says %s", want, dev);
		}
	}

	st = step_new(s->pf, VFD_PF_OPEN_IOMMUFD, VFD_PF_IOMMUFD, "open(\"/dev/iommu\", O_RDWR)");
	s->ifd = vfd_root_openat(s->root, "dev/iommu", O_RDWR);
	if (s->ifd < 0) {
		sys_fail(st, -s->ifd, VFD_FAIL);
		return;
	}
	sys_ok(st, s->ifd);

	st = step_new(s->pf, VFD_PF_BIND_IOMMUFD, VFD_PF_IOMMUFD,
		      "ioctl(cdev, VFIO_DEVICE_BIND_IOMMUFD, iommufd)");
	bind.iommufd = s->ifd;
	if (ioctl(s->cdev, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "device id %u (vfio-pci reset it)", bind.out_devid);

	st = step_new(s->pf, VFD_PF_IOAS_ALLOC, VFD_PF_IOMMUFD, "ioctl(iommufd, IOMMU_IOAS_ALLOC)");
	if (ioctl(s->ifd, IOMMU_IOAS_ALLOC, &alloc) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "IOAS %u", alloc.out_ioas_id);

	st = step_new(s->pf, VFD_PF_ATTACH_PT, VFD_PF_IOMMUFD,
		      "ioctl(cdev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, %u)", alloc.out_ioas_id);
	at.pt_id = alloc.out_ioas_id;
	if (ioctl(s->cdev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "attached to page table %u", at.pt_id);

	st = step_new(s->pf, VFD_PF_IOAS_MAP, VFD_PF_IOMMUFD,
		      "ioctl(iommufd, IOMMU_IOAS_MAP, 1 MiB at IOVA 0x%llx)",
		      (unsigned long long)PF_IOVA);
	r = dma_buffer(s, 4096);
	if (r < 0) {
		sys_fail(st, -r, VFD_FAIL);
		step_result(st, "mmap of the buffer failed");
		return;
	}
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
	map.ioas_id = alloc.out_ioas_id;
	map.user_va = (uint64_t)(uintptr_t)s->dma;
	map.length = PF_DMA_SIZE;
	map.iova = PF_IOVA;
	if (ioctl(s->ifd, IOMMU_IOAS_MAP, &map) < 0) {
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "1 MiB pinned and mapped");

	/* the device as QEMU's iommufd backend sees it; in full if the group path could not */
	device_steps(s, s->cdev, VFD_PF_IOMMUFD, !s->got_device_info);

	st = step_new(s->pf, VFD_PF_IOAS_UNMAP, VFD_PF_IOMMUFD,
		      "ioctl(iommufd, IOMMU_IOAS_UNMAP, 1 MiB at IOVA 0x%llx)",
		      (unsigned long long)PF_IOVA);
	un.ioas_id = alloc.out_ioas_id;
	un.iova = PF_IOVA;
	un.length = PF_DMA_SIZE;
	if (ioctl(s->ifd, IOMMU_IOAS_UNMAP, &un) < 0) {
		sys_fail(st, errno, VFD_WARN);
		return;
	}
	sys_ok(st, 0);
	step_result(st, "%llu bytes unmapped", (unsigned long long)un.length);
}

static void run_paths(struct seq *s)
{
	run_legacy(s);
	legacy_release(s);
	/* the group fd is closed now: the cdev path refuses a group held open */
	run_iommufd(s);
	iommufd_release(s);
}

/* ------------------------------------------------------- another account */

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* in the child: become @acct for good */
static int drop_to(const struct vfd_account *acct)
{
	gid_t gids[VFD_ACCOUNT_MAX_GROUPS];

	for (size_t i = 0; i < acct->ngroups; i++)
		gids[i] = acct->gids[i];
	if (setgroups(acct->ngroups, gids) < 0 || setgid(acct->gid) < 0 ||
	    setuid(acct->uid) < 0)
		return -errno;
	/* paranoia: a dropped root must not get root back */
	if (acct->uid != 0 && (setuid(0) == 0 || geteuid() == 0))
		return -EPERM;
	return 0;
}

/*
 * Run the sequence in a child with @acct's credentials; its steps come back
 * through a pipe as records of the same binary (the pointers in them are not
 * used). The limits the child has are this process's: only credentials change.
 */
static void run_as(struct seq *s, const struct vfd_account *acct)
{
	struct vfd_pf_step *st, rec;
	int p[2], status = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		st = step_new(s->pf, VFD_PF_AS_USER, VFD_PF_HOST, "pipe2()");
		sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pid = fork();
	if (pid < 0) {
		st = step_new(s->pf, VFD_PF_AS_USER, VFD_PF_HOST, "fork()");
		sys_fail(st, errno, VFD_FAIL);
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		struct vfd_preflight mine = { 0 };
		int r;

		close(p[0]);
		s->pf = &mine;
		st = step_new(&mine, VFD_PF_AS_USER, VFD_PF_HOST,
			      "setgroups(), setgid(%u), setuid(%u)", acct->gid, acct->uid);
		r = drop_to(acct);
		if (r < 0) {
			sys_fail(st, -r, VFD_FAIL);
		} else {
			sys_ok(st, 0);
			step_result(st, "now %s (uid %u, gid %u, %zu group%s)", acct->name,
				    acct->uid, acct->gid, acct->ngroups,
				    acct->ngroups == 1 ? "" : "s");
			run_paths(s);
		}
		for (size_t i = 0; i < mine.n; i++)
			if (!write_all(p[1], &mine.steps[i], sizeof(mine.steps[i])))
				_exit(3);
		_exit(0);
	}
	close(p[1]);
	while (read_all(p[0], &rec, sizeof(rec)) == (ssize_t)sizeof(rec)) {
		if ((unsigned int)rec.id >= VFD_PF_N_STEPS)
			continue;
		st = step_new(s->pf, rec.id, rec.path, "%s", "");
		*st = rec;
		st->call[sizeof(st->call) - 1] = '\0';
		st->result[sizeof(st->result) - 1] = '\0';
		st->meaning = NULL;
		st->fix = st->evidence = NULL;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		st = step_new(s->pf, VFD_PF_AS_USER, VFD_PF_HOST, "waitpid(%d)", (int)pid);
		st->status = VFD_FAIL;
		if (WIFSIGNALED(status))
			step_result(st, "the child running as %s died of signal %d", acct->name,
				    WTERMSIG(status));
		else
			step_result(st, "the child running as %s exited %d", acct->name,
				    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
}

/* ------------------------------------------------------------ explaining */

struct explain_ctx {
	struct vfd_host *host;
	struct vfd_root *root;
	struct vfd_preflight *pf;
	const struct vfd_account *acct;	/* --as-user, or NULL */
	bool kmsg_loaded;
	struct vfd_kmsg kmsg;
};

static void add(char ***v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(char ***v, const char *fmt, ...)
{
	size_t n = vfd_strv_len(*v);
	char *s = NULL, **nv;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	nv = realloc(*v, (n + 2) * sizeof(*nv));
	if (!nv) {
		free(s);
		return;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
}

/* the most recent kernel log line holding @needle, quoted as evidence */
static void quote_kmsg(struct explain_ctx *x, struct vfd_pf_step *st, const char *needle)
{
	const struct vfd_kmsg_line *last = NULL, *l;
	size_t pos = 0;

	if (!x->kmsg_loaded) {
		x->kmsg_loaded = true;
		if (vfd_kmsg_read(x->root, &x->kmsg) < 0)
			memset(&x->kmsg, 0, sizeof(x->kmsg));
	}
	while ((l = vfd_kmsg_find(&x->kmsg, needle, &pos))) {
		last = l;
		pos++;
	}
	if (last)
		add(&st->evidence, "kernel log: %s", last->text);
}

/* "/dev/vfio/12: crw------- root:root" and whether the account may open it */
static void node_evidence(struct explain_ctx *x, struct vfd_pf_step *st, const char *path)
{
	struct stat sb;
	char *desc;

	if (vfd_root_statf(x->root, &sb, "%s", path) < 0) {
		add(&st->evidence, "/%s: not found", path);
		return;
	}
	desc = describe_node(x->root, &sb);
	add(&st->evidence, "/%s: %s", path, desc ? desc : "?");
	free(desc);
	add(&st->evidence, "%s needs read and write on it (QEMU opens it O_RDWR)", x->pf->user);
	if (x->acct) {
		bool can = false;
		char *why = NULL;

		if (user_can_open(x->root, x->acct->name, &sb, &can, &why) == 0 && why)
			add(&st->evidence, "%s", why);
		free(why);
	}
}

/* every process with @node open: "held open by PID 1234 (qemu-system-x86), fd 27" */
static bool holders(struct explain_ctx *x, struct vfd_pf_step *st, const char *node)
{
	struct dirent *de;
	bool any = false;
	DIR *proc;

	proc = vfd_root_opendirf(x->root, "proc");
	if (!proc)
		return false;
	while ((de = readdir(proc))) {
		char dir[300], comm[64] = "?";
		struct dirent *fe;
		DIR *fds;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(dir, sizeof(dir), "proc/%s/fd", de->d_name);
		fds = vfd_root_opendirf(x->root, "%s", dir);
		if (!fds)
			continue;
		while ((fe = readdir(fds))) {
			char *target = NULL;

			if (fe->d_name[0] == '.')
				continue;
			if (root_readlink_child(x->root, dirfd(fds), dir, fe->d_name, &target) < 0)
				continue;
			if (strcmp(target, node) == 0) {
				char *c = NULL;

				if (vfd_root_readf_str(x->root, &c, "proc/%s/comm", de->d_name) == 0)
					snprintf(comm, sizeof(comm), "%s", c);
				free(c);
				add(&st->evidence, "%s is held open by PID %s (%s), fd %s", node,
				    de->d_name, comm, fe->d_name);
				any = true;
			}
			free(target);
		}
		closedir(fds);
	}
	closedir(proc);
	return any;
}

/* the devices of the group that keep it from being viable */
static void blockers(struct explain_ctx *x, struct vfd_pf_step *st)
{
	struct vfd_group *g = vfd_host_find_group(x->host, x->pf->group);
	unsigned int kv = vfd_host_kernel_version(x->host);

	if (!g)
		return;
	for (size_t i = 0; i < vfd_group_count_devices(g); i++) {
		struct vfd_pcidev *d = vfd_group_device(g, i);

		if (!vfd_pcidev_is_viability_ok(d, kv))
			add(&st->evidence, "/sys/kernel/iommu_groups/%d/devices/%s: bound to %s "
			    "(blocks the group)", x->pf->group, vfd_pcidev_get_slot(d),
			    driver_name_or_none(d));
	}
}

static void memlock_evidence(struct explain_ctx *x, struct vfd_pf_step *st)
{
	const struct vfd_pf_memory *m = &x->pf->memory;
	char soft[32], hard[32];

	if (m->rlimit_known) {
		vfd_format_size(m->memlock_soft, soft, sizeof(soft));
		vfd_format_size(m->memlock_hard, hard, sizeof(hard));
		add(&st->evidence, "RLIMIT_MEMLOCK of the process that mapped: %s (hard limit %s)",
		    soft, hard);
		add(&st->evidence, "CAP_IPC_LOCK, which lifts the limit: %s",
		    m->cap_ipc_lock ? "yes" : "no");
	}
	quote_kmsg(x, st, "RLIMIT_MEMLOCK");
}

static void explain_step(struct explain_ctx *x, struct vfd_pf_step *st)
{
	struct vfd_preflight *pf = x->pf;
	const char *meaning = NULL, *fix = NULL;
	char node[64];

	if (st->status != VFD_FAIL && st->status != VFD_WARN)
		return;
	vfd_pf_explain(st->id, st->err, &meaning, &fix);
	st->meaning = meaning;
	if (fix) {
		char *f = vfd_pf_expand(fix, pf->slot, pf->group, pf->user, pf->driver);

		if (f)
			add(&st->fix, "%s", f);
		free(f);
	}
	snprintf(node, sizeof(node), "/dev/vfio/%d", pf->group);
	switch (st->id) {
	case VFD_PF_OPEN_GROUP:
		if (st->err == EBUSY && !holders(x, st, node))
			add(&st->evidence, "no process in /proc shows %s open (one in another PID "
			    "namespace, or not visible to this user)", node);
		if (st->err == EACCES || st->err == EPERM)
			node_evidence(x, st, node + 1);
		if (st->err == ENOENT) {
			add(&st->evidence, "/sys/bus/pci/devices/%s/driver: %s", pf->slot,
			    pf->driver ? pf->driver : "none");
			add(&st->evidence, "/sys/class/vfio/%d: %s", pf->group,
			    vfd_root_existsf(x->root, "sys/class/vfio/%d", pf->group) ?
			    "present (the kernel made the group: only the node is missing)" :
			    "not found");
		}
		break;
	case VFD_PF_OPEN_CONTAINER:
		if (st->err == EACCES || st->err == EPERM)
			node_evidence(x, st, "dev/vfio/vfio");
		break;
	case VFD_PF_OPEN_IOMMUFD:
		if (st->err == EACCES || st->err == EPERM)
			node_evidence(x, st, "dev/iommu");
		break;
	case VFD_PF_OPEN_CDEV:
		if (st->err == EACCES || st->err == EPERM) {
			char dev[32], path[64];
			char *name = cdev_name(x->root, pf->slot, dev, sizeof(dev));

			snprintf(path, sizeof(path), "dev/vfio/devices/%s", name ? name : "?");
			node_evidence(x, st, path);
			free(name);
		}
		break;
	case VFD_PF_GROUP_STATUS:
	case VFD_PF_SET_CONTAINER:
	case VFD_PF_BIND_IOMMUFD:
		if (st->err == 0 || st->err == EPERM || st->err == EBUSY)
			blockers(x, st);
		/* the cdev path also refuses while someone holds the group node */
		if (st->id == VFD_PF_BIND_IOMMUFD && st->err == EBUSY)
			holders(x, st, node);
		if (st->id == VFD_PF_SET_CONTAINER && st->err == EINVAL)
			quote_kmsg(x, st, "1:1 IOMMU mapping");
		break;
	case VFD_PF_SET_IOMMU:
		if (st->err == EPERM) {
			char *v = NULL;

			quote_kmsg(x, st, "No interrupt remapping support");
			quote_kmsg(x, st, "platform RMRR requirement");
			if (vfd_root_readf_str(x->root, &v, "sys/module/vfio_iommu_type1/parameters/"
					       "allow_unsafe_interrupts") == 0)
				add(&st->evidence, "vfio_iommu_type1 allow_unsafe_interrupts: %s", v);
			free(v);
		}
		break;
	case VFD_PF_MAP_DMA:
	case VFD_PF_IOAS_MAP:
		if (st->err == ENOMEM)
			memlock_evidence(x, st);
		break;
	case VFD_PF_GET_DEVICE_FD:
	case VFD_PF_DRIVER:
		if (st->id == VFD_PF_GET_DEVICE_FD && st->err != ENODEV)
			break;
		add(&st->evidence, "/sys/bus/pci/devices/%s/driver: %s", pf->slot,
		    pf->driver ? pf->driver : "none");
		break;
	case VFD_PF_MEMLOCK:
		/* its evidence is written with it */
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ the host */

static bool is_vfio_driver(const char *drv)
{
	/* vfio-pci and its variant drivers (mlx5_vfio_pci, nvgrace_gpu_vfio_pci, ...) */
	return drv && strstr(drv, "vfio");
}

/* CAP_IPC_LOCK in this process's effective set */
static bool have_ipc_lock(struct vfd_root *root)
{
	char *status = NULL, *p;
	unsigned long long caps;
	bool yes = false;

	if (vfd_root_read_filef(root, 1 << 16, &status, NULL, "proc/self/status") < 0)
		return false;
	p = strstr(status, "\nCapEff:");
	if (p && sscanf(p + 8, "%llx", &caps) == 1)
		yes = (caps >> PF_CAP_IPC_LOCK) & 1;
	free(status);
	return yes;
}

static void memory_steps(struct explain_ctx *x, const struct vfd_preflight_opts *opts)
{
	struct vfd_pf_memory *m = &x->pf->memory;
	struct vfd_pf_step *st;
	char guest[32], soft[32], hard[32];
	struct dirent *de;
	char *buf = NULL;
	size_t len = 0;
	DIR *d;

	m->guest = opts ? opts->memory : 0;
	vfd_format_size(m->guest, guest, sizeof(guest));
	if (x->pf->live) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
			m->rlimit_known = true;
			m->memlock_soft = rl.rlim_cur == RLIM_INFINITY ? VFD_UNLIMITED : rl.rlim_cur;
			m->memlock_hard = rl.rlim_max == RLIM_INFINITY ? VFD_UNLIMITED : rl.rlim_max;
		}
		/* a dropped root has no capabilities left */
		m->cap_ipc_lock = x->acct && x->acct->uid != 0 ? false : have_ipc_lock(x->root);
	}
	if (x->acct) {
		vfd_limits_read(x->root, x->acct, &m->conf);
		m->conf_read = true;
	}

	st = step_new(x->pf, VFD_PF_MEMLOCK, VFD_PF_HOST, "getrlimit(RLIMIT_MEMLOCK)");
	st->status = VFD_INFO;
	if (m->rlimit_known) {
		vfd_format_size(m->memlock_soft, soft, sizeof(soft));
		vfd_format_size(m->memlock_hard, hard, sizeof(hard));
		step_result(st, "%s (hard %s)%s", soft, hard,
			    m->cap_ipc_lock ? "; CAP_IPC_LOCK lifts it for this process" : "");
		add(&st->evidence, "RLIMIT_MEMLOCK of the process that mapped (as %s): %s (hard "
		    "%s); with --as-user it is the limit this command was started with",
		    x->pf->user, soft, hard);
		add(&st->evidence, "CAP_IPC_LOCK (exempt from the limit): %s",
		    m->cap_ipc_lock ? "yes" : "no");
	} else {
		step_result(st, "the limit of a process is only known on the live host");
	}
	if (m->conf_read) {
		const struct vfd_memlock_conf *c = &m->conf;

		if (c->no_limits) {
			add(&st->evidence, "%s:%u: no limits at all for %s at login",
			    c->no_limits_file, c->no_limits_line, x->acct->name);
		} else if (c->soft_set || c->hard_set) {
			vfd_format_size(c->soft, soft, sizeof(soft));
			vfd_format_size(c->hard, hard, sizeof(hard));
			if (c->soft_set)
				add(&st->evidence, "/%s:%u: %s gets memlock %s (soft) at login",
				    c->soft_file, c->soft_line, x->acct->name, soft);
			if (c->hard_set)
				add(&st->evidence, "/%s:%u: %s gets memlock %s (hard) at login",
				    c->hard_file, c->hard_line, x->acct->name, hard);
		} else {
			add(&st->evidence, "limits.conf and limits.d set no memlock for %s: a login "
			    "keeps the system default", x->acct->name);
		}
	}
	add(&st->evidence, "libvirt raises the limit itself for the domains it starts: the "
	    "guest's memory + 1 GiB (more with a vIOMMU), or <memtune><hard_limit>; a systemd "
	    "unit sets it with LimitMEMLOCK=, not limits.conf");
	if (m->guest) {
		uint64_t have = m->cap_ipc_lock ? VFD_UNLIMITED : m->memlock_soft;
		bool conf_short = m->conf_read && m->conf.soft_set && !m->conf.no_limits &&
				  m->conf.soft < m->guest;

		add(&st->evidence, "guest RAM to pin for DMA: %s (QEMU pins all of it without a "
		    "vIOMMU)", guest);
		if ((m->rlimit_known && have < m->guest) || conf_short) {
			st->status = VFD_WARN;
			result_add(st, "below the guest's %s", guest);
		} else if (m->rlimit_known) {
			st->status = VFD_OK;
			result_add(st, "enough for the guest's %s", guest);
		}
	}

	/* huge pages: the default size from meminfo, every size from sysfs */
	st = step_new(x->pf, VFD_PF_HUGEPAGES, VFD_PF_HOST, "read /proc/meminfo, "
		      "/sys/kernel/mm/hugepages");
	st->status = VFD_INFO;
	if (vfd_root_read_filef(x->root, 1 << 16, &buf, &len, "proc/meminfo") == 0 &&
	    vfd_meminfo_parse(buf, len, &m->meminfo) == 0)
		m->meminfo_read = true;
	free(buf);
	d = vfd_root_opendirf(x->root, "sys/kernel/mm/hugepages");
	while (d && (de = readdir(d)) && m->n_hugepages < VFD_PF_MAX_HUGEPAGE_SIZES) {
		unsigned long long kib;
		uint64_t total = 0, nfree = 0;

		if (sscanf(de->d_name, "hugepages-%llukB", &kib) != 1)
			continue;
		vfd_root_readf_u64(x->root, &total, "sys/kernel/mm/hugepages/%s/nr_hugepages",
				   de->d_name);
		vfd_root_readf_u64(x->root, &nfree, "sys/kernel/mm/hugepages/%s/free_hugepages",
				   de->d_name);
		m->hugepages[m->n_hugepages].size = kib * 1024;
		m->hugepages[m->n_hugepages].total = total;
		m->hugepages[m->n_hugepages].free = nfree;
		m->n_hugepages++;
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < m->n_hugepages; i++) {
		char sz[32], fr[32];

		vfd_format_size(m->hugepages[i].size, sz, sizeof(sz));
		vfd_format_size(m->hugepages[i].size * m->hugepages[i].free, fr, sizeof(fr));
		result_add(st, "%s pages: %llu of %llu free (%s)", sz,
			   (unsigned long long)m->hugepages[i].free,
			   (unsigned long long)m->hugepages[i].total, fr);
	}
	if (!m->n_hugepages)
		step_result(st, "no huge page sizes in /sys/kernel/mm/hugepages");
	if (m->meminfo_read && (m->meminfo.found & 2)) {
		vfd_format_size(m->meminfo.available, soft, sizeof(soft));
		add(&st->evidence, "/proc/meminfo: MemAvailable %s", soft);
	}
	if (m->guest && m->n_hugepages) {
		bool fits = false;

		for (size_t i = 0; i < m->n_hugepages; i++)
			if (m->hugepages[i].size &&
			    m->hugepages[i].free >= (m->guest + m->hugepages[i].size - 1) /
						    m->hugepages[i].size)
				fits = true;
		if (fits) {
			add(&st->evidence, "the guest's %s fits in free huge pages: libvirt "
			    "<memoryBacking><hugepages/></memoryBacking>, or QEMU -object "
			    "memory-backend-file,mem-path=/dev/hugepages", guest);
		} else {
			uint64_t sz = m->hugepages[0].size;

			for (size_t i = 1; i < m->n_hugepages; i++)
				if (m->hugepages[i].size == 2ull << 20)
					sz = m->hugepages[i].size;
			if (sz)
				add(&st->fix, "to back the guest with huge pages (optional), reserve "
				    "them: echo %llu > /sys/kernel/mm/hugepages/hugepages-%llukB/"
				    "nr_hugepages", (unsigned long long)((m->guest + sz - 1) / sz),
				    (unsigned long long)(sz / 1024));
		}
	}
}

/* ------------------------------------------------------------ the run */

static void path_status(struct vfd_preflight *pf)
{
	bool legacy = false, iommufd = false;

	pf->legacy = pf->iommufd = VFD_SKIP;
	for (size_t i = 0; i < pf->n; i++) {
		const struct vfd_pf_step *st = &pf->steps[i];
		enum vfd_status *w = st->path == VFD_PF_LEGACY ? &pf->legacy :
				     st->path == VFD_PF_IOMMUFD ? &pf->iommufd : NULL;
		bool *seen = st->path == VFD_PF_LEGACY ? &legacy : &iommufd;

		if (!w || st->status == VFD_SKIP)
			continue;
		if (!*seen) {
			*w = VFD_OK;
			*seen = true;
		}
		if (st->status == VFD_FAIL)
			*w = VFD_FAIL;
		else if (st->status == VFD_WARN && *w != VFD_FAIL)
			*w = VFD_WARN;
	}
}

int vfd_preflight_run(struct vfd_host *host, const char *slot,
		      const struct vfd_preflight_opts *opts, struct vfd_preflight *out)
{
	struct vfd_root *root = vfd_host_get_root(host);
	struct explain_ctx x = { .host = host, .root = root, .pf = out };
	struct vfd_account acct;
	struct vfd_pcidev *dev;
	struct vfd_pf_step *st;
	struct seq s;

	if (!slot || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->group = -1;
	dev = vfd_host_find(host, slot);
	if (!dev)
		return -ENODEV;
	snprintf(out->slot, sizeof(out->slot), "%s", vfd_pcidev_get_slot(dev));
	out->live = vfd_root_is_live(root);
	out->group = vfd_pcidev_get_group(dev);
	if (vfd_pcidev_get_driver(dev)) {
		out->driver = strdup(vfd_pcidev_get_driver(dev));
		if (!out->driver)
			return -ENOMEM;
	}
	if (opts && opts->as_user) {
		int r = vfd_account_lookup(root, opts->as_user, &acct);

		snprintf(out->user, sizeof(out->user), "%s", opts->as_user);
		if (r == 0)
			x.acct = &acct;
		else {
			st = step_new(out, VFD_PF_AS_USER, VFD_PF_HOST, "getpwnam(\"%s\") in /etc/passwd",
				      opts->as_user);
			st->status = VFD_FAIL;
			st->err = r == -ESRCH ? ESRCH : -r;
		}
	} else if (out->live) {
		vfd_account_name(root, (unsigned int)geteuid(), out->user, sizeof(out->user));
	} else {
		snprintf(out->user, sizeof(out->user), "root");
	}

	/* sysfs, as QEMU's vfio_device_get_groupid() reads it */
	st = step_new(out, VFD_PF_DEVICE, VFD_PF_HOST, "stat(\"/sys/bus/pci/devices/%s\")",
		      out->slot);
	step_result(st, "%04x:%04x", vfd_pcidev_get_vendor(dev), vfd_pcidev_get_device(dev));
	st = step_new(out, VFD_PF_IOMMU_GROUP, VFD_PF_HOST,
		      "readlink(\"/sys/bus/pci/devices/%s/iommu_group\")", out->slot);
	if (out->group < 0) {
		st->status = VFD_FAIL;
		st->err = ENOENT;
		step_result(st, "no IOMMU group");
	} else {
		step_result(st, "group %d", out->group);
	}
	st = step_new(out, VFD_PF_DRIVER, VFD_PF_HOST, "readlink(\"/sys/bus/pci/devices/%s/driver\")",
		      out->slot);
	step_result(st, "%s", out->driver ? out->driver : "no driver");
	if (!is_vfio_driver(out->driver))
		st->status = VFD_FAIL;

	if (!out->live) {
		st = step_new(out, VFD_PF_OPEN_GROUP, VFD_PF_LEGACY, "open(\"/dev/vfio/%d\", O_RDWR)",
			      out->group);
		st->status = VFD_SKIP;
		step_result(st, "skip: ioctls need the live host, not a sysroot");
		st = step_new(out, VFD_PF_OPEN_CDEV, VFD_PF_IOMMUFD, "open(\"/dev/vfio/devices/...\")");
		st->status = VFD_SKIP;
		step_result(st, "skip: ioctls need the live host, not a sysroot");
	} else if (out->group >= 0 && (!opts || !opts->as_user || x.acct)) {
		seq_init(&s, root, out, out->slot, out->group, opts && opts->reset);
		if (x.acct && x.acct->uid != (unsigned int)geteuid()) {
			run_as(&s, x.acct);
		} else {
			if (x.acct) {
				st = step_new(out, VFD_PF_AS_USER, VFD_PF_HOST, "geteuid()");
				step_result(st, "already running as %s", x.acct->name);
			}
			run_paths(&s);
		}
	}
	memory_steps(&x, opts);
	for (size_t i = 0; i < out->n; i++)
		explain_step(&x, &out->steps[i]);
	vfd_kmsg_clear(&x.kmsg);
	path_status(out);
	return 0;
}

void vfd_preflight_clear(struct vfd_preflight *pf)
{
	if (!pf)
		return;
	for (size_t i = 0; i < pf->n; i++) {
		vfd_strv_free(pf->steps[i].fix);
		vfd_strv_free(pf->steps[i].evidence);
	}
	free(pf->steps);
	free(pf->driver);
	memset(pf, 0, sizeof(*pf));
	pf->group = -1;
}

enum vfd_status vfd_preflight_worst(const struct vfd_preflight *pf)
{
	enum vfd_status worst = VFD_OK;

	for (size_t i = 0; i < pf->n; i++) {
		if (pf->steps[i].status == VFD_FAIL)
			return VFD_FAIL;
		if (pf->steps[i].status == VFD_WARN)
			worst = VFD_WARN;
	}
	return worst;
}

const struct vfd_pf_step *vfd_preflight_first_failure(const struct vfd_preflight *pf)
{
	for (size_t i = 0; i < pf->n; i++)
		if (pf->steps[i].status == VFD_FAIL)
			return &pf->steps[i];
	return NULL;
}

/* ----------------------------------------------------- check --preflight */

void check_preflight(struct check_ctx *ctx, struct vfd_pcidev *d)
{
	struct vfd_preflight_opts o = { .as_user = ctx->opts ? ctx->opts->user : NULL };
	const char *slot = vfd_pcidev_get_slot(d);
	const struct vfd_pf_step *first;
	struct vfd_preflight pf;
	struct vfd_finding *f;
	int r;

	r = vfd_preflight_run(ctx->host, slot, &o, &pf);
	if (r < 0) {
		report_add(ctx->report, "device.preflight", "device", VFD_FAIL, slot,
			   "preflight could not run: %s", strerror(-r));
		return;
	}
	if (!pf.live) {
		report_add(ctx->report, "device.preflight", "device", VFD_SKIP, slot,
			   "preflight skipped: the VFIO ioctls need the live host");
		vfd_preflight_clear(&pf);
		return;
	}
	for (size_t i = 0; i < pf.n; i++) {
		const struct vfd_pf_step *st = &pf.steps[i];
		char id[64];

		if (st->status != VFD_FAIL && st->status != VFD_WARN)
			continue;
		/* the driver and group findings of check already say these */
		if (st->id == VFD_PF_DRIVER || st->id == VFD_PF_IOMMU_GROUP)
			continue;
		snprintf(id, sizeof(id), "device.preflight.%s", vfd_pf_step_name(st->id));
		if (st->err)
			f = report_add(ctx->report, id, "device", st->status, slot,
				       "%s (%s) failed: %s", st->call, vfd_pf_path_name(st->path),
				       strerrorname_np(st->err) ? strerrorname_np(st->err) :
				       strerror(st->err));
		else
			f = report_add(ctx->report, id, "device", st->status, slot, "%s (%s): %s",
				       st->call, vfd_pf_path_name(st->path), st->result);
		if (!f)
			continue;
		if (st->meaning) {
			char *m = vfd_pf_expand(st->meaning, pf.slot, pf.group, pf.user, pf.driver);

			finding_evidence(f, "%s", m ? m : st->meaning);
			free(m);
		}
		for (char **e = st->evidence; e && *e; e++)
			finding_evidence(f, "%s", *e);
		for (char **x = st->fix; x && *x; x++)
			finding_fix(f, "%s", *x);
	}
	first = vfd_preflight_first_failure(&pf);
	if (first)
		report_add(ctx->report, "device.preflight", "device", VFD_FAIL, slot,
			   "preflight as %s fails at %s (%s path)", pf.user,
			   vfd_pf_step_name(first->id), vfd_pf_path_name(first->path));
	else
		report_add(ctx->report, "device.preflight", "device", VFD_OK, slot,
			   "preflight as %s: the device opens as QEMU opens it (legacy %s, "
			   "iommufd %s)", pf.user, vfd_status_name(pf.legacy),
			   vfd_status_name(pf.iommufd));
	vfd_preflight_clear(&pf);
}
