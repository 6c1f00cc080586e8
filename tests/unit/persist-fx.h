/* SPDX-License-Identifier: GPL-2.0-or-later */
/* persist's test fixture (persist-fx.c): sysroot trees, goldens, the whole cycle */
#ifndef VFD_TEST_PERSIST_FX_H
#define VFD_TEST_PERSIST_FX_H

#include <stdbool.h>
#include <stdint.h>

#include "vfd.h"

#define PORT "0000:00:01.0"
#define GPU "0000:01:00.0"
#define AUDIO "0000:01:00.1"

struct fx {
	char *dir;
	struct vfd_root *root;
	struct vfd_host *host;
};

/* SOURCE_DIR of tests/expected/persist, NULL: golden comparisons skipped */
extern const char *fx_srcdir;
extern const char *const fx_gpu_args[];

/* a tree with a root port, a GPU (@vendor:@dev on @drv) and its audio (@adev on @adrv) */
void fx_gpu(struct fx *fx, uint16_t vendor, uint16_t dev, uint16_t adev, const char *drv,
	    const char *adrv);
/* the tree opened writable (persist writes files there; sysfs writes stay refused) */
void fx_open(struct fx *fx);
/* the host model read again */
void fx_rescan(struct fx *fx);
void fx_close(struct fx *fx);
/* every regular file below DIR/etc and DIR/boot with its content, sorted (caller frees) */
char *fx_snapshot_etc(const char *dir);
/* the plan as text: problems, then each change's diff (caller frees) */
char *fx_render(const struct vfd_persist_plan *p);
/* the rendered plan against tests/expected/persist/NAME.diff */
void fx_golden(const char *name, const char *text);
/* plan (golden), apply, a second run that changes nothing, undo to the same files */
void fx_cycle(struct fx *fx, const char *name, const char *const *devices,
	      const struct vfd_persist_opts *opts);
/* a Debian host: GRUB, initramfs-tools, an Intel IOMMU */
void fx_debian_tree(struct fx *fx);
bool fx_has_problem(const struct vfd_persist_plan *p, const char *id, const char *text);
const struct vfd_file_change *fx_change_of(const struct vfd_persist_plan *p, const char *path);
/* DIR/REL's content (caller frees), NULL when missing */
char *fx_read_tree(const char *dir, const char *rel);
/* plan and apply in one step; the plan must be applied whole */
void fx_plan_apply(struct fx *fx, const char *const *devices, const struct vfd_persist_opts *opts);
void fx_link_at(const char *dir, const char *rel, const char *target);
bool fx_is_link(const char *dir, const char *rel);

#endif
