/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The platform table (lib/host/platform.c): one entry a platform, as pciutils has
 * one struct pci_methods an access method. Internal to libvfd: check and
 * persist read it through struct vfd_system.
 */
#ifndef VFD_PLATFORM_H
#define VFD_PLATFORM_H

#include "vfd.h"

/* the os-release(5) fields detection looks at */
struct osrel {
	char *id, *like, *variant;
};

/* what a platform must never be told */
enum {
	VFD_NEVER_ETC = 1 << 0,		/* write files under /etc (generated or in RAM) */
	VFD_NEVER_GRUB_DEFAULT = 1 << 1,	/* edit /etc/default/grub (not read at all) */
	VFD_NEVER_INITRAMFS_FILES = 1 << 2,	/* the generator's /etc files (not read) */
};

struct vfd_platform {
	const char *id;			/* short name: "proxmox" */
	const char *name;		/* for the header: "Proxmox VE" */
	bool (*detect)(struct vfd_root *root, const struct osrel *os);
	enum vfd_distro family;
	enum vfd_kargs kargs;		/* the usual way; detect_boot refines it from files */
	enum vfd_initramfs initramfs;	/* its own generator */
	const char *grub_update;	/* /etc/default/grub -> grub.cfg, or NULL */
	unsigned int never;		/* VFD_NEVER_* */
	bool announce;			/* os-release does not name it: the header does */
};

/* the GRUB variable of /etc/default/grub whose value holds @word, or NULL */
const char *platform_grub_var_with(const struct vfd_system *sys, const char *word);
/* the command after /etc/default/grub changed */
const char *platform_grub_update(const struct vfd_system *sys);
/* the command after /etc/kernel/cmdline changed */
const char *platform_kcmdline_refresh(const struct vfd_system *sys);
/* the command that rebuilds the initramfs from its /etc files, or NULL */
const char *platform_initramfs_update(const struct vfd_system *sys);
/* "attr = [ "a" "b" ];" for configuration.nix (caller frees) */
char *platform_nix_list(const char *attr, const char *const *words);

/* for snapshot: files detection reads, files and directories whose presence counts */
const char *const *platform_text_paths(void);
const char *const *platform_mark_paths(void);
/* where systemd-boot entries are looked for (NULL-terminated) */
extern const char *const platform_entry_dirs[];

static inline bool platform_never(const struct vfd_system *sys, unsigned int what)
{
	return sys->platform && (sys->platform->never & what);
}

#endif
