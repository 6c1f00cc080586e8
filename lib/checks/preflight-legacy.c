// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Preflight, the legacy container path as QEMU takes it
 * (hw/vfio/container-legacy.c): the group and its status, the container, its
 * API version and IOMMU type, SET_CONTAINER, SET_IOMMU, the IOMMU info and
 * its usable IOVA ranges, a DMA map, then the device fd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"
#include "preflight-internal.h"

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
static void iommu_info(struct pf_seq *s)
{
	struct vfio_iommu_type1_info *ti;
	struct vfd_pf_step *st;
	unsigned int nranges = 0;
	size_t len = sizeof(*ti);
	int r;

	st = pf_step_new(s->pf, VFD_PF_IOMMU_INFO, VFD_PF_LEGACY,
			 "ioctl(container, VFIO_IOMMU_GET_INFO)");
	for (int round = 0; round < 2; round++) {
		ti = calloc(1, len);
		if (!ti) {
			pf_sys_fail(st, ENOMEM, VFD_WARN);
			return;
		}
		ti->argsz = (uint32_t)len;
		if (ioctl(s->cfd, VFIO_IOMMU_GET_INFO, ti) < 0) {
			/* QEMU gives up on the container here */
			pf_sys_fail(st, errno, VFD_FAIL);
			free(ti);
			return;
		}
		if (ti->argsz <= len || ti->argsz > 65536 || round == 1)
			break;
		len = ti->argsz;
		free(ti);
	}
	pf_sys_ok(st, 0);
	if (ti->flags & VFIO_IOMMU_INFO_PGSIZES) {
		char pg[32];

		vfd_format_size(ti->iova_pgsizes & -ti->iova_pgsizes, pg, sizeof(pg));
		pf_step_result(st, "smallest IOMMU page %s", pg);
	}
	r = preflight_pick_iova(ti, len < ti->argsz ? len : ti->argsz, PF_IOVA, PF_DMA_SIZE,
				&s->iova, &nranges);
	if (nranges)
		pf_result_add(st, "%u usable IOVA range%s", nranges, nranges == 1 ? "" : "s");
	if (r == -ENOSPC)
		pf_result_add(st, "no usable IOVA range holds %llu bytes",
			      (unsigned long long)PF_DMA_SIZE);
	free(ti);
}

static void legacy_map(struct pf_seq *s)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct vfd_pf_step *st;
	int r;

	st = pf_step_new(s->pf, VFD_PF_MAP_DMA, VFD_PF_LEGACY,
			 "ioctl(container, VFIO_IOMMU_MAP_DMA, 1 MiB at IOVA 0x%llx)",
			 (unsigned long long)s->iova);
	r = pf_dma_buffer(s, 4096);
	if (r < 0) {
		pf_sys_fail(st, -r, VFD_FAIL);
		pf_step_result(st, "mmap of the buffer failed");
		return;
	}
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uint64_t)(uintptr_t)s->dma;
	map.iova = s->iova;
	map.size = PF_DMA_SIZE;
	if (ioctl(s->cfd, VFIO_IOMMU_MAP_DMA, &map) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);
	s->mapped = true;
	pf_step_result(st, "1 MiB pinned and mapped");
}

static void legacy_unmap(struct pf_seq *s)
{
	struct vfio_iommu_type1_dma_unmap un = { .argsz = sizeof(un) };
	struct vfd_pf_step *st;

	if (!s->mapped)
		return;
	st = pf_step_new(s->pf, VFD_PF_UNMAP_DMA, VFD_PF_LEGACY,
			 "ioctl(container, VFIO_IOMMU_UNMAP_DMA, 1 MiB at IOVA 0x%llx)",
			 (unsigned long long)s->iova);
	un.iova = s->iova;
	un.size = PF_DMA_SIZE;
	if (ioctl(s->cfd, VFIO_IOMMU_UNMAP_DMA, &un) < 0) {
		/* closing the container unmaps it anyway */
		pf_sys_fail(st, errno, VFD_WARN);
		return;
	}
	pf_sys_ok(st, 0);
	s->mapped = false;
	pf_step_result(st, "%llu bytes unmapped", (unsigned long long)un.size);
}

/* Release in reverse order of acquisition: device, mapping, container, group. */
void pf_legacy_release(struct pf_seq *s)
{
	pf_close_fd(&s->dfd);
	legacy_unmap(s);
	s->mapped = false;
	pf_close_fd(&s->cfd);
	pf_close_fd(&s->gfd);
	pf_dma_buffer_free(s);
}

void pf_run_legacy(struct pf_seq *s)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfd_pf_step *st;
	int type = 0, r;

	st = pf_step_new(s->pf, VFD_PF_OPEN_GROUP, VFD_PF_LEGACY, "open(\"/dev/vfio/%d\", O_RDWR)",
			 s->group);
	s->gfd = vfd_root_openf(s->root, O_RDWR, "dev/vfio/%d", s->group);
	if (s->gfd < 0) {
		pf_sys_fail(st, -s->gfd, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, s->gfd);

	st = pf_step_new(s->pf, VFD_PF_GROUP_STATUS, VFD_PF_LEGACY,
			 "ioctl(group, VFIO_GROUP_GET_STATUS)");
	if (ioctl(s->gfd, VFIO_GROUP_GET_STATUS, &gs) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "%s%s", gs.flags & VFIO_GROUP_FLAGS_VIABLE ? "viable" : "not viable",
		       gs.flags & VFIO_GROUP_FLAGS_CONTAINER_SET ? ", already in a container" : "");
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		/* QEMU stops here: "group N is not viable" */
		st->status = VFD_FAIL;
		return;
	}

	st = pf_step_new(s->pf, VFD_PF_OPEN_CONTAINER, VFD_PF_LEGACY,
			 "open(\"/dev/vfio/vfio\", O_RDWR)");
	s->cfd = vfd_root_openat(s->root, "dev/vfio/vfio", O_RDWR);
	if (s->cfd < 0) {
		pf_sys_fail(st, -s->cfd, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, s->cfd);

	st = pf_step_new(s->pf, VFD_PF_API_VERSION, VFD_PF_LEGACY,
			 "ioctl(container, VFIO_GET_API_VERSION)");
	r = ioctl(s->cfd, VFIO_GET_API_VERSION);
	if (r < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, r);
	pf_step_result(st, "version %d", r);
	if (r != VFIO_API_VERSION) {
		st->status = VFD_FAIL;
		return;
	}

	/* QEMU's vfio_get_iommu_type(): the first type the container offers */
	st = pf_step_new(s->pf, VFD_PF_CHECK_EXTENSION, VFD_PF_LEGACY,
			 "ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU)");
	r = ioctl(s->cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	if (r < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, r);
	if (r > 0) {
		type = VFIO_TYPE1v2_IOMMU;
		pf_step_result(st, "type1 v2 offered");
	} else if (ioctl(s->cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0) {
		type = VFIO_TYPE1_IOMMU;
		pf_step_result(st, "only type1 (v1) offered: QEMU uses it");
	} else {
		st->status = VFD_FAIL;
		pf_step_result(st, "neither type1 v2 nor type1 offered");
		return;
	}

	st = pf_step_new(s->pf, VFD_PF_SET_CONTAINER, VFD_PF_LEGACY,
			 "ioctl(group, VFIO_GROUP_SET_CONTAINER, container)");
	if (ioctl(s->gfd, VFIO_GROUP_SET_CONTAINER, &s->cfd) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "group %d claimed for user-space DMA", s->group);

	st = pf_step_new(s->pf, VFD_PF_SET_IOMMU, VFD_PF_LEGACY, "ioctl(container, VFIO_SET_IOMMU, %s)",
			 type == VFIO_TYPE1v2_IOMMU ? "VFIO_TYPE1v2_IOMMU" : "VFIO_TYPE1_IOMMU");
	if (ioctl(s->cfd, VFIO_SET_IOMMU, type) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);

	iommu_info(s);
	if (s->pf->steps[s->pf->n - 1].status == VFD_FAIL)
		return;
	/* QEMU's memory listener maps guest RAM before it asks for the device */
	legacy_map(s);

	st = pf_step_new(s->pf, VFD_PF_GET_DEVICE_FD, VFD_PF_LEGACY,
			 "ioctl(group, VFIO_GROUP_GET_DEVICE_FD, \"%s\")", s->slot);
	s->dfd = ioctl(s->gfd, VFIO_GROUP_GET_DEVICE_FD, s->slot);
	if (s->dfd < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		s->dfd = -1;
		return;
	}
	pf_sys_ok(st, s->dfd);
	pf_step_result(st, "device opened (vfio-pci reset it)");
	pf_device_steps(s, s->dfd, VFD_PF_LEGACY, true);
}
