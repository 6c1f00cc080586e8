/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lint inside libvfd: one VM definition (struct vfd_vm_conf, as a reader made
 * it) judged against the host: lint.c (the whole and the run), lint-hostdev.c
 * (each passed-through device), lint-memory.c (memlock and huge pages). The
 * readers (lint-xml.c, lint-qemu.c, lint-pve.c) do not call into these.
 */
#ifndef VFD_LINT_INTERNAL_H
#define VFD_LINT_INTERNAL_H

#include "vm-internal.h"

struct lint {
	struct vfd_host *host;
	struct vfd_root *root;
	const struct vfd_vm_conf *c;
	struct vfd_report *rep;
	const char *user;
	bool user_given;		/* --user named it (else the default QEMU user) */
	const char *what;		/* "the domain", "the command line" */
	struct vfd_pcidev **devs;	/* per hostdev: the host device, or NULL */
};

/* a Proxmox cluster mapping's device on this node */
struct lint_mapping {
	struct vfd_bdf bdf;
	bool all;			/* a path without a function: the whole slot */
	unsigned int vendor, device;	/* id= (0 when not given) */
	char node[64], path[64];
};

/* lint-hostdev.c: the checks of hostdev @i of l->c */
void lint_exists(struct lint *l, size_t i);
/* a Proxmox mapping: false when it does not resolve here (its hostdevs are skipped) */
bool lint_mapping(struct lint *l, size_t i);
void lint_mdev(struct lint *l, size_t i);
void lint_mdev_type(struct lint *l, size_t i);
void lint_driver(struct lint *l, size_t i);
void lint_siblings(struct lint *l, size_t i);
void lint_xvga(struct lint *l, size_t i);
/* every IOMMU group of the passed devices */
void lint_groups(struct lint *l);
/*
 * Proxmox cluster mapping @name on this node (etc/pve/mapping/pci.cfg).
 * Returns 0; -ENOENT (no file), -ESRCH (no such mapping), -EHOSTUNREACH (no
 * map for this node, or its name unknown), -ENODEV (none of its paths here).
 */
int lint_resolve_mapping(struct vfd_host *host, const char *name, struct lint_mapping *m);

/* lint-memory.c */
/* @bytes as "16 GiB" (caller frees), NULL on ENOMEM */
char *lint_fmt_size(uint64_t bytes);
void lint_memlock(struct lint *l);
void lint_hugepages(struct lint *l);

#endif
