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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-layers.h"
#include "internal.h"
#include "preflight-internal.h"

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
