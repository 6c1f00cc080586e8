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

/* ------------------------------------------------------------- sequence */

static void seq_init(struct pf_seq *s, struct vfd_root *root, struct vfd_preflight *pf,
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

void pf_run_paths(struct pf_seq *s)
{
	pf_run_legacy(s);
	pf_legacy_release(s);
	/* the group fd is closed now: the cdev path refuses a group held open */
	pf_run_iommufd(s);
	pf_iommufd_release(s);
}

/* ------------------------------------------------------------ the run */

static bool is_vfio_driver(const char *drv)
{
	/* vfio-pci and its variant drivers (mlx5_vfio_pci, nvgrace_gpu_vfio_pci, ...) */
	return drv && strstr(drv, "vfio");
}

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
	struct pf_explain_ctx x = { .host = host, .root = root, .pf = out };
	struct vfd_account acct;
	struct vfd_pcidev *dev;
	struct vfd_pf_step *st;
	struct pf_seq s;

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
			st = pf_step_new(out, VFD_PF_AS_USER, VFD_PF_HOST,
					 "getpwnam(\"%s\") in /etc/passwd", opts->as_user);
			st->status = VFD_FAIL;
			st->err = r == -ESRCH ? ESRCH : -r;
		}
	} else if (out->live) {
		vfd_account_name(root, (unsigned int)geteuid(), out->user, sizeof(out->user));
	} else {
		snprintf(out->user, sizeof(out->user), "root");
	}

	/* sysfs, as QEMU's vfio_device_get_groupid() reads it */
	st = pf_step_new(out, VFD_PF_DEVICE, VFD_PF_HOST, "stat(\"/sys/bus/pci/devices/%s\")",
			 out->slot);
	pf_step_result(st, "%04x:%04x", vfd_pcidev_get_vendor(dev), vfd_pcidev_get_device(dev));
	st = pf_step_new(out, VFD_PF_IOMMU_GROUP, VFD_PF_HOST,
			 "readlink(\"/sys/bus/pci/devices/%s/iommu_group\")", out->slot);
	if (out->group < 0) {
		st->status = VFD_FAIL;
		st->err = ENOENT;
		pf_step_result(st, "no IOMMU group");
	} else {
		pf_step_result(st, "group %d", out->group);
	}
	st = pf_step_new(out, VFD_PF_DRIVER, VFD_PF_HOST,
			 "readlink(\"/sys/bus/pci/devices/%s/driver\")", out->slot);
	pf_step_result(st, "%s", out->driver ? out->driver : "no driver");
	if (!is_vfio_driver(out->driver))
		st->status = VFD_FAIL;

	if (!out->live) {
		st = pf_step_new(out, VFD_PF_OPEN_GROUP, VFD_PF_LEGACY,
				 "open(\"/dev/vfio/%d\", O_RDWR)", out->group);
		st->status = VFD_SKIP;
		pf_step_result(st, "skip: ioctls need the live host, not a sysroot");
		st = pf_step_new(out, VFD_PF_OPEN_CDEV, VFD_PF_IOMMUFD,
				 "open(\"/dev/vfio/devices/...\")");
		st->status = VFD_SKIP;
		pf_step_result(st, "skip: ioctls need the live host, not a sysroot");
	} else if (out->group >= 0 && (!opts || !opts->as_user || x.acct)) {
		seq_init(&s, root, out, out->slot, out->group, opts && opts->reset);
		if (x.acct && x.acct->uid != (unsigned int)geteuid()) {
			pf_run_as(&s, x.acct);
		} else {
			if (x.acct) {
				st = pf_step_new(out, VFD_PF_AS_USER, VFD_PF_HOST, "geteuid()");
				pf_step_result(st, "already running as %s", x.acct->name);
			}
			pf_run_paths(&s);
		}
	}
	pf_memory_steps(&x, opts);
	for (size_t i = 0; i < out->n; i++)
		pf_explain_step(&x, &out->steps[i]);
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
