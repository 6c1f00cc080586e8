/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: kernel command line, kernel log, modules and the platform (distribution, boot loader). Include "vfd.h", not this file. */
#ifndef LIBVFD_HOST_H
#define LIBVFD_HOST_H

#include "vfd-root.h"


/* -------------------------------------------------------- cmdline */

struct vfd_cmdline_token {
	char *key;		/* "intel_iommu", "quiet" */
	char *value;		/* "on", or NULL for a bare flag */
};

/*
 * vfd_cmdline_split - split a kernel command line like the kernel's
 * next_arg(): spaces separate, double quotes group ("a=\"b c\""), the quotes
 * are removed. Returns the number of tokens (caller frees with
 * vfd_cmdline_free) or -ENOMEM.
 */
int vfd_cmdline_split(const char *line, struct vfd_cmdline_token **tokens);
void vfd_cmdline_free(struct vfd_cmdline_token *tokens, int n);
/* the value of the last occurrence of @key (as the kernel applies them), or NULL */
const char *vfd_cmdline_get(const struct vfd_cmdline_token *tokens, int n, const char *key);
/* true if @key occurs; module parameters match with '-' and '_' alike */
bool vfd_cmdline_has(const struct vfd_cmdline_token *tokens, int n, const char *key);
/*
 * vfd_cmdline_module_params - the "MODULE.param=value" words for @module as
 * the parameter string finit_module(2) takes ("param=value other"), as
 * modprobe passes them: the kernel applies them itself only to built-in code.
 * Returns: a string ("" for none; caller frees), or NULL (ENOMEM).
 */
char *vfd_cmdline_module_params(const struct vfd_cmdline_token *tokens, int n,
				const char *module);

/* Each comma-separated word of an intel_iommu=/amd_iommu= value checked. */
enum vfd_iommu_opt_vendor { VFD_OPT_INTEL, VFD_OPT_AMD };
/* true when the kernel's parser knows @word for that option */
bool vfd_iommu_option_known(enum vfd_iommu_opt_vendor vendor, const char *word);

/* ----------------------------------------------------------- kmsg */

struct vfd_kmsg_line {
	int level;		/* syslog level, -1 when unknown (dmesg text) */
	uint64_t usec;		/* timestamp since boot, 0 when unknown */
	char *text;		/* message without prefix or trailing newline */
};

struct vfd_kmsg {
	struct vfd_kmsg_line *lines;
	size_t n;
};

/*
 * vfd_kmsg_parse - decode a kernel log held in memory
 * Accepts /dev/kmsg records ("6,123,4567,-;text", continuation lines starting
 * with a space are dropped), dmesg text ("[    1.234567] text") and plain
 * lines. Returns 0 or -ENOMEM; on success @out owns new lines.
 */
int vfd_kmsg_parse(const char *buf, size_t len, struct vfd_kmsg *out);
/*
 * vfd_kmsg_read - the kernel log of the root: /dev/kmsg read to its end on the
 * live host, the file dev/kmsg in a sysroot. Returns 0, -EPERM/-EACCES when
 * the log is not readable (not root), -ENOENT when absent.
 */
int vfd_kmsg_read(struct vfd_root *root, struct vfd_kmsg *out);
void vfd_kmsg_clear(struct vfd_kmsg *kmsg);
/* first line containing @needle at or after *pos; NULL when none */
const struct vfd_kmsg_line *vfd_kmsg_find(const struct vfd_kmsg *kmsg, const char *needle,
					  size_t *pos);

/* A module file that a device needs, for an initramfs. */
struct vfd_module_file {
	char *name;		/* "e1000e" */
	char *path;		/* its .ko (maybe .ko.xz, .ko.zst) on this machine; NULL: built in */
	char **firmware;	/* the firmware files it names, NULL-terminated */
};

void vfd_module_files_free(struct vfd_module_file *files, size_t n);

/* ------------------------------------------------------- platform */

enum vfd_distro { VFD_DISTRO_UNKNOWN, VFD_DISTRO_DEBIAN, VFD_DISTRO_FEDORA, VFD_DISTRO_ARCH };
enum vfd_bootloader {
	VFD_BOOT_UNKNOWN, VFD_BOOT_GRUB, VFD_BOOT_SYSTEMD_BOOT, VFD_BOOT_SYSLINUX,
};

/* how the platform keeps the kernel command line (lib/platform.c has the table) */
enum vfd_kargs {
	VFD_KARGS_NONE,		/* not known: generic steps only */
	VFD_KARGS_GRUB,		/* /etc/default/grub, then the platform's grub update */
	VFD_KARGS_GRUBBY,	/* /etc/default/grub and grubby --update-kernel=ALL (BLS) */
	VFD_KARGS_KCMDLINE,	/* /etc/kernel/cmdline, then the platform's refresh */
	VFD_KARGS_ENTRIES,	/* the options line of ESP/loader/entries/\*.conf */
	VFD_KARGS_KERNELSTUB,	/* kernelstub -a / -d (Pop!_OS) */
	VFD_KARGS_RPM_OSTREE,	/* rpm-ostree kargs (Silverblue, Kinoite, CoreOS) */
	VFD_KARGS_BOOTC,	/* kargs.d files in the bootc image */
	VFD_KARGS_NIXOS,	/* boot.kernelParams in configuration.nix */
	VFD_KARGS_SYSLINUX,	/* the append line of /boot/syslinux/syslinux.cfg (Unraid) */
};

/* what builds the initramfs */
enum vfd_initramfs {
	VFD_INITRAMFS_NONE, VFD_INITRAMFS_TOOLS, VFD_INITRAMFS_DRACUT, VFD_INITRAMFS_MKINITCPIO,
	VFD_INITRAMFS_BOOSTER, VFD_INITRAMFS_RPM_OSTREE, VFD_INITRAMFS_IMAGE,
	VFD_INITRAMFS_NIXOS,
};

struct vfd_platform;

struct vfd_system {
	enum vfd_distro distro;
	enum vfd_bootloader boot;
	char *pretty_name;	/* os-release PRETTY_NAME, or NULL */
	const struct vfd_platform *platform;	/* NULL: not recognised */
	enum vfd_kargs kargs;
	enum vfd_initramfs initramfs;
	char *entries_dir;	/* VFD_KARGS_ENTRIES: "boot/loader/entries" (below the root) */
	char *grub_text;	/* /etc/default/grub as read, for which variable holds a word */
	bool pbt;		/* Proxmox: proxmox-boot-tool keeps the ESPs */
	bool guest;		/* a VM or a container (hypervisor flag, DMI, marker files) */
	bool container;		/* ... a container: the kernel and its boot are the host's */
	char *guest_why;	/* what showed it */
};

/* from etc/os-release and the bootloader files in the root */
int vfd_system_detect(struct vfd_root *root, struct vfd_system *out);
void vfd_system_clear(struct vfd_system *sys);
/* distribution and bootloader names for display */
const char *vfd_distro_name(enum vfd_distro distro);
const char *vfd_bootloader_name(enum vfd_bootloader boot);
/*
 * The platform's name where os-release does not give it ("Proxmox VE" on
 * Debian's os-release, Unraid, rpm-ostree, bootc), else NULL.
 */
const char *vfd_system_platform_name(const struct vfd_system *sys);
/* the platform's short name for scripts ("proxmox", "fedora", "nixos"), or NULL */
const char *vfd_system_platform_id(const struct vfd_system *sys);
/* how the command line is set, for the header: "systemd-boot (proxmox-boot-tool)" */
const char *vfd_system_boot_desc(const struct vfd_system *sys);
/*
 * The exact steps to add (@add) or remove kernel parameters persistently, one
 * command a string, in a new list (caller frees with vfd_strv_free).
 */
char **vfd_system_cmdline_fix(const struct vfd_system *sys, const char *add,
			      const char *remove);

#endif
