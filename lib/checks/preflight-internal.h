/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Preflight inside libvfd: the run (preflight.c), the steps
 * (preflight-step.c), the legacy container path (preflight-legacy.c), the
 * iommufd path (preflight-iommufd.c), both paths in turn, here or as another
 * account (preflight-user.c), the host's memory
 * (preflight-memory.c), and what a failed step means with the host's evidence
 * (preflight-explain.c).
 */
#ifndef VFD_PREFLIGHT_INTERNAL_H
#define VFD_PREFLIGHT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* what is mapped for DMA: small, as a test of the path, not of the guest's size */
#define PF_DMA_SIZE (1ull << 20)
/* where it is mapped unless the IOMMU's usable ranges say otherwise */
#define PF_IOVA (1ull << 20)

/* one run of the VFIO sequence: what it holds open, released in reverse order */
struct pf_seq {
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

/* what explaining the steps needs: the host, the account, the kernel log read once */
struct pf_explain_ctx {
	struct vfd_host *host;
	struct vfd_root *root;
	struct vfd_preflight *pf;
	const struct vfd_account *acct;	/* --as-user, or NULL */
	bool kmsg_loaded;
	struct vfd_kmsg kmsg;
};

/* preflight-step.c */

/* a new step of @pf (never NULL: out of memory, a spare that goes nowhere) */
struct vfd_pf_step *pf_step_new(struct vfd_preflight *pf, enum vfd_pf_step_id id,
				enum vfd_pf_path path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pf_step_result(struct vfd_pf_step *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* append ", text" (or "text" when empty) to a step's result */
void pf_result_add(struct vfd_pf_step *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* a system call that worked: what it returned */
void pf_sys_ok(struct vfd_pf_step *st, long long ret);
/* a system call that failed with @err (positive) */
void pf_sys_fail(struct vfd_pf_step *st, int err, enum vfd_status status);
void pf_close_fd(int *fd);
/* a page-aligned anonymous buffer of PF_DMA_SIZE, aligned to @align too: 0 or -errno */
int pf_dma_buffer(struct pf_seq *s, uint64_t align);
void pf_dma_buffer_free(struct pf_seq *s);
/* the device steps on the device fd @fd; @full: its regions, IRQs and reset too */
void pf_device_steps(struct pf_seq *s, int fd, enum vfd_pf_path path, bool full);

/* preflight-legacy.c */
void pf_run_legacy(struct pf_seq *s);
void pf_legacy_release(struct pf_seq *s);

/* preflight-iommufd.c */
void pf_run_iommufd(struct pf_seq *s);
void pf_iommufd_release(struct pf_seq *s);
/* the vfioN cdev name of the device, or NULL (caller frees); its "major:minor" in @dev */
char *pf_cdev_name(struct vfd_root *root, const char *slot, char *dev, size_t size);

/* preflight-user.c */
/* both paths in turn, each released before the next */
void pf_run_paths(struct pf_seq *s);
/* the same in a child with @acct's credentials */
void pf_run_as(struct pf_seq *s, const struct vfd_account *acct);

/* preflight-memory.c: the memlock and huge page steps */
void pf_memory_steps(struct pf_explain_ctx *x, const struct vfd_preflight_opts *opts);

/* preflight-explain.c */
/* the meaning, fix and evidence of a failed or warned step */
void pf_explain_step(struct pf_explain_ctx *x, struct vfd_pf_step *st);

#endif
