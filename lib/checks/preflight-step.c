// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Preflight's steps: each call recorded with what it gave, the DMA buffer
 * both paths map, and the device steps both paths take once they hold the
 * device (QEMU's vfio_device_get, vfio_populate_device).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "preflight-internal.h"

/* ---------------------------------------------------------------- steps */

struct vfd_pf_step *pf_step_new(struct vfd_preflight *pf, enum vfd_pf_step_id id,
				enum vfd_pf_path path, const char *fmt, ...)
{
	static struct vfd_pf_step spare;
	struct vfd_pf_step *st;
	va_list ap;

	/* out of memory: the step goes nowhere, the sequence still releases */
	if (array_reserve((void **)&pf->steps, &pf->cap, pf->n, sizeof(*pf->steps), 32) < 0) {
		memset(&spare, 0, sizeof(spare));
		return &spare;
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

void pf_step_result(struct vfd_pf_step *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->result, sizeof(st->result), fmt, ap);
	va_end(ap);
}

/* a system call that worked: what it returned */
void pf_sys_ok(struct vfd_pf_step *st, long long ret)
{
	st->syscall = true;
	st->ret = ret;
	st->status = VFD_OK;
}

/* a system call that failed with @err (positive) */
void pf_sys_fail(struct vfd_pf_step *st, int err, enum vfd_status status)
{
	st->syscall = true;
	st->ret = -1;
	st->err = err;
	st->status = status;
}


void pf_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* a page-aligned anonymous buffer of PF_DMA_SIZE, aligned to @align too */
int pf_dma_buffer(struct pf_seq *s, uint64_t align)
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

void pf_dma_buffer_free(struct pf_seq *s)
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
void pf_result_add(struct vfd_pf_step *st, const char *fmt, ...)
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
void pf_device_steps(struct pf_seq *s, int fd, enum vfd_pf_path path, bool full)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfd_pf_step *st;
	char size[32];

	st = pf_step_new(s->pf, VFD_PF_DEVICE_INFO, path, "ioctl(device, VFIO_DEVICE_GET_INFO)");
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, &di) < 0) {
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "%s%s; %u regions, %u IRQ indexes; reset %s",
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
					pf_result_add(&agg, "VGA: none");
				else if (nbad < ARRAY_SIZE(bad))
					bad[nbad++] = (struct pf_bad){ i, err };
				continue;
			}
			if (!ri.size) {
				/* an unused BAR says nothing */
				if (i >= VFIO_PCI_ROM_REGION_INDEX)
					pf_result_add(&agg, "%s: none", region_name(i));
				continue;
			}
			vfd_format_size(ri.size, size, sizeof(size));
			pf_result_add(&agg, "%s: %s %s%s%s", region_name(i), size,
				      ri.flags & VFIO_REGION_INFO_FLAG_READ ? "r" : "",
				      ri.flags & VFIO_REGION_INFO_FLAG_WRITE ? "w" : "",
				      ri.flags & VFIO_REGION_INFO_FLAG_MMAP ? " mmap" : "");
		}
		st = pf_step_new(s->pf, VFD_PF_REGION_INFO, path,
				 "ioctl(device, VFIO_DEVICE_GET_REGION_INFO, BAR0..5, ROM, VGA)");
		pf_sys_ok(st, 0);
		memcpy(st->result, agg.result, sizeof(st->result));
		for (size_t b = 0; b < nbad; b++) {
			st = pf_step_new(s->pf, VFD_PF_REGION_INFO, path,
					 "ioctl(device, VFIO_DEVICE_GET_REGION_INFO, %s)",
					 region_name(bad[b].index));
			pf_sys_fail(st, bad[b].err,
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
			pf_result_add(&agg, "%s: %u", irq_name(i), ii.count);
		}
		st = pf_step_new(s->pf, VFD_PF_IRQ_INFO, path,
				 "ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, INTx..REQ)");
		pf_sys_ok(st, 0);
		memcpy(st->result, agg.result, sizeof(st->result));
		for (size_t b = 0; b < nbad; b++) {
			st = pf_step_new(s->pf, VFD_PF_IRQ_INFO, path,
					 "ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, %s)",
					 irq_name(bad[b].index));
			pf_sys_fail(st, bad[b].err, VFD_WARN);
		}
	}

	if (!s->reset)
		return;
	st = pf_step_new(s->pf, VFD_PF_RESET, path, "ioctl(device, VFIO_DEVICE_RESET)");
	if (!(di.flags & VFIO_DEVICE_FLAGS_RESET)) {
		st->status = VFD_WARN;
		pf_step_result(st, "not tried: the device reports no reset support");
		return;
	}
	if (ioctl(fd, VFIO_DEVICE_RESET) < 0) {
		pf_sys_fail(st, errno, VFD_WARN);
		return;
	}
	pf_sys_ok(st, 0);
	pf_step_result(st, "the device was reset");
}
