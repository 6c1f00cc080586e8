// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Platforms as data, in the manner of pciutils' access methods: one entry a
 * platform saying how to recognise it from files alone (so that a snapshot
 * is recognised as the host was), which bootloader and tool keep its kernel
 * command line, which generator builds its initramfs, and what it must never
 * be told. `check`'s fixes and `persist`'s targets both come from here.
 *
 * The first entry whose detect() answers yes wins, so the more specific
 * platforms come first: Proxmox VE carries Debian's os-release, Pop!_OS and
 * Linux Mint name Ubuntu in ID_LIKE, Silverblue and CoreOS are ID=fedora.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "persist.h"
#include "platform.h"

/* value of KEY= in an os-release text, unquoted (caller frees) */
static char *os_release_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t vlen = len - klen - 1;

			if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
				v++;
				vlen -= 2;
			}
			return strndup(v, vlen);
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static bool word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p && *p;) {
		while (*p == ' ')
			p++;
		if (strncmp(p, word, wl) == 0 && (p[wl] == ' ' || p[wl] == '\0'))
			return true;
		p = strchr(p, ' ');
	}
	return false;
}

/* os-release(5): ID is the system itself, ID_LIKE the ones it derives from */
static bool is_id(const struct osrel *os, const char *id)
{
	return os->id && strcmp(os->id, id) == 0;
}

static bool is_like(const struct osrel *os, const char *id)
{
	return is_id(os, id) || (os->like && word_in(os->like, id));
}

/* ----------------------------------------------------------- detect */

/*
 * Unraid boots from a USB stick into RAM; its release is in /etc/unraid-version
 * (version="6.12.10"), and its boot and device settings live on the stick under
 * /boot (Unraid manual, "Flash device": syslinux/syslinux.cfg, config/).
 */
static bool detect_unraid(struct vfd_root *root, const struct osrel *os)
{
	return is_id(os, "unraid") || vfd_root_existsf(root, "etc/unraid-version");
}

/* NixOS: os-release ID=nixos; nixos-rebuild leaves /etc/NIXOS as a marker */
static bool detect_nixos(struct vfd_root *root, const struct osrel *os)
{
	return is_id(os, "nixos") || vfd_root_existsf(root, "etc/NIXOS");
}

/*
 * Proxmox VE keeps Debian's os-release; its cluster file system is mounted on
 * /etc/pve and pve-manager installs /usr/share/pve-manager and pveversion
 * (pve-manager's debian/install).
 */
static bool detect_proxmox(struct vfd_root *root, const struct osrel *os)
{
	(void)os;
	return vfd_root_existsf(root, "etc/pve") ||
	       vfd_root_existsf(root, "usr/share/pve-manager") ||
	       vfd_root_existsf(root, "usr/bin/pveversion");
}

/*
 * An ostree deployment: ostree-prepare-root creates /run/ostree-booted and the
 * boot entry carries ostree= (ostree's docs, "Deployments"); a snapshot without
 * /run still has /sysroot/ostree, or VARIANT_ID of the Atomic desktops.
 */
static bool is_ostree(struct vfd_root *root, const struct osrel *os)
{
	static const char *const variants[] = {
		"silverblue", "kinoite", "sericea", "onyx", "coreos", "iot", "atomic",
	};
	char *cmdline = NULL;
	bool yes = vfd_root_existsf(root, "run/ostree-booted") ||
		   vfd_root_existsf(root, "sysroot/ostree") || vfd_root_existsf(root, "ostree");

	for (size_t i = 0; !yes && os->variant && i < ARRAY_SIZE(variants); i++)
		yes = strstr(os->variant, variants[i]) != NULL;
	if (!yes && vfd_root_read_filef(root, 1 << 16, &cmdline, NULL, "proc/cmdline") == 0) {
		yes = strncmp(cmdline, "ostree=", 7) == 0 || strstr(cmdline, " ostree=");
		free(cmdline);
	}
	return yes;
}

/*
 * bootc images take their kernel arguments from /usr/lib/bootc/kargs.d/\*.toml,
 * built into the image (bootc docs, "Kernel arguments").
 */
static bool detect_bootc(struct vfd_root *root, const struct osrel *os)
{
	return vfd_root_existsf(root, "usr/lib/bootc/kargs.d") && is_ostree(root, os);
}

static bool detect_ostree(struct vfd_root *root, const struct osrel *os)
{
	return is_ostree(root, os);
}

static bool detect_popos(struct vfd_root *root, const struct osrel *os)
{
	(void)root;
	return is_id(os, "pop");
}

static bool detect_ubuntu(struct vfd_root *root, const struct osrel *os)
{
	(void)root;
	return is_like(os, "ubuntu");
}

static bool detect_debian(struct vfd_root *root, const struct osrel *os)
{
	(void)root;
	return is_like(os, "debian");
}

static bool detect_fedora(struct vfd_root *root, const struct osrel *os)
{
	(void)root;
	return is_id(os, "fedora");
}

static bool detect_rhel(struct vfd_root *root, const struct osrel *os)
{
	(void)root;
	return is_like(os, "rhel") || is_like(os, "centos") || is_like(os, "fedora");
}

/* openSUSE: ID=opensuse-tumbleweed / opensuse-leap, ID_LIKE "suse opensuse" */
static bool detect_opensuse(struct vfd_root *root, const struct osrel *os)
{
	(void)root;
	return (os->id && strncmp(os->id, "opensuse", 8) == 0) || is_like(os, "suse");
}

static bool detect_arch(struct vfd_root *root, const struct osrel *os)
{
	(void)root;
	return is_like(os, "arch");
}

/*
 * The table. grub_update is the command that turns /etc/default/grub into
 * grub.cfg on that platform (Debian's update-grub, the grub2- names of the
 * Fedora and SUSE packages). The order is the order of detection.
 */
static const struct vfd_platform platforms[] = {
	{ .id = "unraid", .announce = true, .name = "Unraid", .detect = detect_unraid,
	  .family = VFD_DISTRO_UNKNOWN, .kargs = VFD_KARGS_SYSLINUX,
	  .initramfs = VFD_INITRAMFS_NONE,
	  /* its root file system is unpacked into RAM at every boot */
	  .never = VFD_NEVER_ETC },
	{ .id = "nixos", .name = "NixOS", .detect = detect_nixos,
	  .family = VFD_DISTRO_UNKNOWN, .kargs = VFD_KARGS_NIXOS,
	  .initramfs = VFD_INITRAMFS_NIXOS,
	  /* /etc is generated from configuration.nix, much of it links into the store */
	  .never = VFD_NEVER_ETC | VFD_NEVER_GRUB_DEFAULT },
	/*
	 * Proxmox VE admin guide, "Host Bootloader": GRUB (update-grub), or
	 * proxmox-boot-tool keeping the ESPs (detect_boot); initramfs-tools as Debian
	 */
	{ .id = "proxmox", .announce = true, .name = "Proxmox VE", .detect = detect_proxmox,
	  .family = VFD_DISTRO_DEBIAN, .kargs = VFD_KARGS_GRUB,
	  .initramfs = VFD_INITRAMFS_TOOLS, .grub_update = "update-grub" },
	/* bootc docs, "Kernel arguments" and "Initramfs": both are built into the image */
	{ .id = "bootc", .announce = true, .name = "bootc", .detect = detect_bootc,
	  .family = VFD_DISTRO_FEDORA, .kargs = VFD_KARGS_BOOTC,
	  .initramfs = VFD_INITRAMFS_IMAGE,
	  .never = VFD_NEVER_GRUB_DEFAULT | VFD_NEVER_INITRAMFS_FILES },
	/* rpm-ostree(1): kargs; initramfs --enable --arg; initramfs-etc --track */
	{ .id = "rpm-ostree", .announce = true, .name = "rpm-ostree", .detect = detect_ostree,
	  .family = VFD_DISTRO_FEDORA, .kargs = VFD_KARGS_RPM_OSTREE,
	  .initramfs = VFD_INITRAMFS_RPM_OSTREE,
	  .never = VFD_NEVER_GRUB_DEFAULT | VFD_NEVER_INITRAMFS_FILES },
	/* kernelstub's README: -a/--add-options, -d/--delete-options */
	{ .id = "pop", .name = "Pop!_OS", .detect = detect_popos,
	  .family = VFD_DISTRO_DEBIAN, .kargs = VFD_KARGS_KERNELSTUB,
	  .initramfs = VFD_INITRAMFS_TOOLS, .grub_update = "update-grub" },
	/*
	 * Debian and Ubuntu: grub-pc's postinst installs /etc/default/grub from
	 * grub2-common's template, update-grub (grub2-common) writes grub.cfg;
	 * initramfs-tools reads /etc/initramfs-tools/modules and hooks/ (its
	 * initramfs-tools(7)).
	 */
	{ .id = "ubuntu", .name = "Ubuntu", .detect = detect_ubuntu,
	  .family = VFD_DISTRO_DEBIAN, .kargs = VFD_KARGS_GRUB,
	  .initramfs = VFD_INITRAMFS_TOOLS, .grub_update = "update-grub" },
	{ .id = "debian", .name = "Debian", .detect = detect_debian,
	  .family = VFD_DISTRO_DEBIAN, .kargs = VFD_KARGS_GRUB,
	  .initramfs = VFD_INITRAMFS_TOOLS, .grub_update = "update-grub" },
	/*
	 * Fedora and RHEL boot BLS entries whose options grubby edits; with
	 * --update-kernel=ALL it also updates GRUB_CMDLINE_LINUX (RHEL 9 "Managing
	 * monitoring and updating the kernel", "Changing kernel command-line
	 * parameters for all boot entries"). The installer writes /etc/kernel/cmdline
	 * for kernel-install's 20-grub plugin; that is not systemd-boot.
	 */
	{ .id = "fedora", .name = "Fedora", .detect = detect_fedora,
	  .family = VFD_DISTRO_FEDORA, .kargs = VFD_KARGS_GRUBBY,
	  .initramfs = VFD_INITRAMFS_DRACUT,
	  .grub_update = "grub2-mkconfig -o /boot/grub2/grub.cfg" },
	{ .id = "rhel", .name = "RHEL", .detect = detect_rhel,
	  .family = VFD_DISTRO_FEDORA, .kargs = VFD_KARGS_GRUBBY,
	  .initramfs = VFD_INITRAMFS_DRACUT,
	  .grub_update = "grub2-mkconfig -o /boot/grub2/grub.cfg" },
	/*
	 * openSUSE: GRUB 2 (the grub2 package's grub2-mkconfig) and dracut; with
	 * systemd-boot or grub2-bls, sdbootutil (detect_boot)
	 */
	{ .id = "opensuse", .name = "openSUSE", .detect = detect_opensuse,
	  .family = VFD_DISTRO_UNKNOWN, .kargs = VFD_KARGS_GRUB,
	  .initramfs = VFD_INITRAMFS_DRACUT,
	  .grub_update = "grub2-mkconfig -o /boot/grub2/grub.cfg" },
	/* Arch wiki, "Kernel parameters": GRUB or the systemd-boot entry's options */
	{ .id = "arch", .name = "Arch Linux", .detect = detect_arch,
	  .family = VFD_DISTRO_ARCH, .kargs = VFD_KARGS_GRUB,
	  .initramfs = VFD_INITRAMFS_MKINITCPIO,
	  .grub_update = "grub-mkconfig -o /boot/grub/grub.cfg" },
};

#define EFI_SECURE_BOOT_VAR \
	"sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

/*
 * Whether proxmox-boot-tool boots this host with systemd-boot: pve-installer
 * writes /etc/kernel/cmdline on every ZFS install, but the tool sets the ESPs
 * up for systemd-boot only when booted by UEFI without Secure Boot, and for
 * GRUB otherwise (Proxmox VE admin guide, "Host Bootloader"), whose command
 * line is /etc/default/grub. The kernel makes sys/firmware/efi on a UEFI boot
 * (drivers/firmware/efi/efi.c); the SecureBoot variable is 4 bytes of
 * attributes and then 1 when it is on (efivarfs, UEFI spec 3.3).
 */
static bool sdboot_firmware(struct vfd_root *root)
{
	char *var = NULL;
	size_t len = 0;
	bool secure;

	if (!vfd_root_existsf(root, "sys/firmware/efi"))
		return false;
	if (vfd_root_read_filef(root, 64, &var, &len, EFI_SECURE_BOOT_VAR) < 0)
		return true;
	secure = len >= 5 && var[4] == 1;
	free(var);
	return !secure;
}

/* systemd-boot's entries: the ESP at /efi, /boot or /boot/efi (bootctl(1)) */
static char *find_entries(struct vfd_root *root)
{
	const char *const *dirs = platform_entry_dirs;

	for (size_t i = 0; dirs[i]; i++) {
		DIR *d = vfd_root_opendirf(root, "%s", dirs[i]);
		struct dirent *de;
		bool any = false;

		while (d && !any && (de = readdir(d))) {
			size_t l = strlen(de->d_name);

			any = l > 5 && strcmp(de->d_name + l - 5, ".conf") == 0;
		}
		if (d)
			closedir(d);
		if (any)
			return strdup(dirs[i]);
	}
	return NULL;
}

static bool has_loader(struct vfd_root *root)
{
	return vfd_root_existsf(root, "boot/loader/loader.conf") ||
	       vfd_root_existsf(root, "boot/efi/loader/loader.conf") ||
	       vfd_root_existsf(root, "efi/loader/loader.conf");
}

/* which tool keeps the command line, from the files the platform has */
static void detect_boot(struct vfd_root *root, struct vfd_system *sys)
{
	const struct vfd_platform *p = sys->platform;
	bool grub = vfd_root_existsf(root, "etc/default/grub");
	bool kcmdline = vfd_root_existsf(root, "etc/kernel/cmdline");

	sys->kargs = p ? p->kargs : VFD_KARGS_NONE;
	sys->boot = grub ? VFD_BOOT_GRUB : VFD_BOOT_UNKNOWN;
	switch (sys->kargs) {
	case VFD_KARGS_SYSLINUX:
		sys->boot = VFD_BOOT_SYSLINUX;
		return;
	case VFD_KARGS_NIXOS:
	case VFD_KARGS_RPM_OSTREE:
	case VFD_KARGS_BOOTC:
		return;
	case VFD_KARGS_KERNELSTUB:
		/* Pop!_OS installs with UEFI use kernelstub; legacy BIOS ones GRUB */
		if (vfd_root_existsf(root, "etc/kernelstub/configuration")) {
			sys->boot = VFD_BOOT_SYSTEMD_BOOT;
			return;
		}
		sys->kargs = grub ? VFD_KARGS_GRUB : VFD_KARGS_NONE;
		return;
	case VFD_KARGS_GRUBBY:
		if (grub || vfd_root_existsf(root, "usr/sbin/grubby") ||
		    vfd_root_existsf(root, "usr/bin/grubby")) {
			sys->boot = VFD_BOOT_GRUB;
			return;
		}
		break;
	default:
		break;
	}
	if (p && strcmp(p->id, "proxmox") == 0) {
		/*
		 * Proxmox VE admin guide, "Host Bootloader": proxmox-boot-tool keeps
		 * the ESPs listed in /etc/kernel/proxmox-boot-uuids; booted with
		 * systemd-boot the command line is /etc/kernel/cmdline, with GRUB it is
		 * /etc/default/grub; `proxmox-boot-tool refresh` copies either out.
		 */
		sys->pbt = vfd_root_existsf(root, "etc/kernel/proxmox-boot-uuids");
		if (kcmdline && ((sys->pbt && sdboot_firmware(root)) || !grub)) {
			sys->kargs = VFD_KARGS_KCMDLINE;
			sys->boot = VFD_BOOT_SYSTEMD_BOOT;
			return;
		}
	}
	/*
	 * openSUSE with systemd-boot or grub2-bls: sdbootutil writes the entries from
	 * /etc/kernel/cmdline (sdbootutil's README, "Adjusting kernel boot parameters")
	 */
	if (p && strcmp(p->id, "opensuse") == 0 && kcmdline &&
	    vfd_root_existsf(root, "usr/bin/sdbootutil")) {
		sys->kargs = VFD_KARGS_KCMDLINE;
		sys->boot = VFD_BOOT_SYSTEMD_BOOT;
		return;
	}
	if (p && strcmp(p->id, "arch") == 0 && !grub) {
		/* without kernel-install the entries are the user's, edited as they are */
		sys->entries_dir = find_entries(root);
		if (sys->entries_dir && !kcmdline) {
			sys->kargs = VFD_KARGS_ENTRIES;
			sys->boot = VFD_BOOT_SYSTEMD_BOOT;
			return;
		}
	}
	if (grub && sys->kargs != VFD_KARGS_NONE)
		return;
	if (grub) {
		sys->kargs = VFD_KARGS_GRUB;
		return;
	}
	/* kernel-install(8) copies /etc/kernel/cmdline into each new entry */
	if (kcmdline || has_loader(root)) {
		sys->kargs = VFD_KARGS_KCMDLINE;
		sys->boot = VFD_BOOT_SYSTEMD_BOOT;
		return;
	}
	sys->kargs = VFD_KARGS_NONE;
}

/* the initramfs generator: the installed tool first, then its configuration */
static enum vfd_initramfs detect_generator(struct vfd_root *root, const struct vfd_system *sys)
{
	static const struct {
		const char *path;
		enum vfd_initramfs gen;
	} bins[] = {
		{ "usr/sbin/update-initramfs", VFD_INITRAMFS_TOOLS },
		{ "sbin/update-initramfs", VFD_INITRAMFS_TOOLS },
		{ "usr/bin/dracut", VFD_INITRAMFS_DRACUT }, { "usr/sbin/dracut", VFD_INITRAMFS_DRACUT },
		{ "sbin/dracut", VFD_INITRAMFS_DRACUT },
		{ "usr/bin/mkinitcpio", VFD_INITRAMFS_MKINITCPIO },
		{ "usr/bin/booster", VFD_INITRAMFS_BOOSTER },
	}, confs[] = {
		{ "etc/initramfs-tools", VFD_INITRAMFS_TOOLS },
		{ "etc/dracut.conf.d", VFD_INITRAMFS_DRACUT },
		{ "etc/dracut.conf", VFD_INITRAMFS_DRACUT },
		{ "etc/mkinitcpio.conf", VFD_INITRAMFS_MKINITCPIO },
		{ "etc/booster.yaml", VFD_INITRAMFS_BOOSTER },
	};
	enum vfd_initramfs own = sys->platform ? sys->platform->initramfs : VFD_INITRAMFS_NONE;
	bool found[VFD_INITRAMFS_NIXOS + 1] = { false };
	int count = 0;

	/* image-based platforms build it their own way, whatever else is installed */
	if (own == VFD_INITRAMFS_RPM_OSTREE || own == VFD_INITRAMFS_IMAGE ||
	    own == VFD_INITRAMFS_NIXOS)
		return own;
	for (size_t i = 0; i < ARRAY_SIZE(bins); i++)
		if (!found[bins[i].gen] && vfd_root_existsf(root, "%s", bins[i].path)) {
			found[bins[i].gen] = true;
			count++;
		}
	for (size_t i = 0; !count && i < ARRAY_SIZE(confs); i++)
		if (!found[confs[i].gen] && vfd_root_existsf(root, "%s", confs[i].path)) {
			found[confs[i].gen] = true;
			count++;
		}
	if (count > 1 && found[own])
		return own;
	for (int g = VFD_INITRAMFS_TOOLS; g <= VFD_INITRAMFS_BOOSTER; g++)
		if (found[g])
			return (enum vfd_initramfs)g;
	return VFD_INITRAMFS_NONE;
}

/*
 * Inside a VM or a container the IOMMU and KVM are the hypervisor's to give:
 * the CPU's hypervisor flag (set by every hypervisor, arch/x86 cpufeatures
 * X86_FEATURE_HYPERVISOR), the DMI vendor and /sys/hypervisor that
 * systemd-detect-virt reads (systemd src/basic/virt.c), and the marker files of
 * the container managers (/.dockerenv, podman's /run/.containerenv, systemd's
 * /run/systemd/container).
 */
static void detect_guest(struct vfd_root *root, struct vfd_system *sys)
{
	static const char *const markers[] = {
		".dockerenv", "run/.containerenv", "run/systemd/container",
	};
	static const char *const dmi_vendors[] = {
		/* not "Amazon EC2": its .metal instances are bare hosts with the same vendor */
		"QEMU", "KVM", "VMware", "innotek", "Xen", "Bochs", "Parallels", "Google",
	};
	char *text = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(markers); i++)
		if (vfd_root_existsf(root, "%s", markers[i])) {
			sys->guest = sys->container = true;
			sys->guest_why = xasprintf("/%s: present (a container)", markers[i]);
			return;
		}
	if (vfd_root_read_filef(root, 1 << 22, &text, NULL, "proc/cpuinfo") == 0) {
		const char *flags = strstr(text, "\nflags");

		if (flags) {
			const char *eol = strchr(flags + 1, '\n');
			const char *hit = strstr(flags, " hypervisor");

			if (hit && (!eol || hit < eol) && (hit[11] == ' ' || hit[11] == '\n')) {
				sys->guest = true;
				sys->guest_why = strdup("/proc/cpuinfo: hypervisor flag (a virtual "
							"machine)");
			}
		}
		free(text);
		text = NULL;
		if (sys->guest)
			return;
	}
	if (vfd_root_readf_str(root, &text, "sys/class/dmi/id/sys_vendor") == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(dmi_vendors); i++)
			if (strstr(text, dmi_vendors[i])) {
				sys->guest = true;
				sys->guest_why = xasprintf("/sys/class/dmi/id/sys_vendor: %s (a "
							   "virtual machine)", text);
				break;
			}
		free(text);
		text = NULL;
		if (sys->guest)
			return;
	}
	if (vfd_root_readf_str(root, &text, "sys/hypervisor/type") == 0) {
		sys->guest = true;
		sys->guest_why = xasprintf("/sys/hypervisor/type: %s (a virtual machine)", text);
		free(text);
	}
}

/*
 * Every path detection reads besides os-release, for `snapshot`: a tree taken
 * on a host must be recognised as that host was. Files whose text counts, then
 * files and directories whose presence counts.
 */
static const char *const platform_texts[] = {
	"etc/unraid-version", "etc/kernel/proxmox-boot-uuids", "etc/kernelstub/configuration",
	"etc/mkinitcpio.conf", "etc/booster.yaml", "etc/initramfs-tools/modules",
	"boot/loader/loader.conf", "efi/loader/loader.conf", "boot/efi/loader/loader.conf",
	"boot/syslinux/syslinux.cfg", "boot/config/vfio-pci.cfg", "run/systemd/container",
	"sys/class/dmi/id/sys_vendor", "sys/hypervisor/type", EFI_SECURE_BOOT_VAR, NULL,
};
static const char *const platform_marks[] = {
	"sys/firmware/efi", "etc/NIXOS", "etc/pve", "usr/share/pve-manager", "usr/bin/pveversion", "run/ostree-booted",
	"sysroot/ostree", "ostree", "usr/lib/bootc/kargs.d", ".dockerenv", "run/.containerenv",
	"usr/sbin/grubby", "usr/bin/grubby", "usr/sbin/update-initramfs", "sbin/update-initramfs",
	"usr/bin/dracut", "usr/sbin/dracut", "sbin/dracut", "usr/bin/mkinitcpio", "usr/bin/booster",
	"usr/bin/sdbootutil", "etc/initramfs-tools", "etc/dracut.conf.d", "etc/dracut.conf", NULL,
};

const char *const *platform_text_paths(void)
{
	return platform_texts;
}

const char *const *platform_mark_paths(void)
{
	return platform_marks;
}

const char *const platform_entry_dirs[] = {
	"boot/loader/entries", "efi/loader/entries", "boot/efi/loader/entries", NULL,
};

int vfd_system_detect(struct vfd_root *root, struct vfd_system *out)
{
	struct osrel os = { 0 };
	char *text = NULL;

	memset(out, 0, sizeof(*out));
	if (vfd_root_read_filef(root, 1 << 16, &text, NULL, "etc/os-release") == 0 ||
	    vfd_root_read_filef(root, 1 << 16, &text, NULL, "usr/lib/os-release") == 0) {
		os.id = os_release_value(text, "ID");
		os.like = os_release_value(text, "ID_LIKE");
		os.variant = os_release_value(text, "VARIANT_ID");
		out->pretty_name = os_release_value(text, "PRETTY_NAME");
		free(text);
	}
	for (size_t i = 0; i < ARRAY_SIZE(platforms) && !out->platform; i++)
		if (platforms[i].detect(root, &os))
			out->platform = &platforms[i];
	out->distro = out->platform ? out->platform->family : VFD_DISTRO_UNKNOWN;
	vfd_root_read_filef(root, 1 << 20, &out->grub_text, NULL, "etc/default/grub");
	detect_boot(root, out);
	out->initramfs = detect_generator(root, out);
	detect_guest(root, out);
	free(os.id);
	free(os.like);
	free(os.variant);
	return 0;
}

void vfd_system_clear(struct vfd_system *sys)
{
	free(sys->pretty_name);
	free(sys->entries_dir);
	free(sys->grub_text);
	free(sys->guest_why);
	memset(sys, 0, sizeof(*sys));
}

const char *vfd_distro_name(enum vfd_distro distro)
{
	switch (distro) {
	case VFD_DISTRO_DEBIAN:
		return "Debian/Ubuntu";
	case VFD_DISTRO_FEDORA:
		return "Fedora/RHEL";
	case VFD_DISTRO_ARCH:
		return "Arch";
	default:
		return "unknown distribution";
	}
}

const char *vfd_bootloader_name(enum vfd_bootloader boot)
{
	switch (boot) {
	case VFD_BOOT_GRUB:
		return "GRUB";
	case VFD_BOOT_SYSTEMD_BOOT:
		return "systemd-boot";
	case VFD_BOOT_SYSLINUX:
		return "syslinux";
	default:
		return "unknown bootloader";
	}
}

const char *vfd_system_platform_name(const struct vfd_system *sys)
{
	if (!sys->platform || (sys->pretty_name && !sys->platform->announce))
		return NULL;
	return sys->platform->name;
}

const char *vfd_system_platform_id(const struct vfd_system *sys)
{
	return sys->platform ? sys->platform->id : NULL;
}

const char *vfd_system_boot_desc(const struct vfd_system *sys)
{
	switch (sys->kargs) {
	case VFD_KARGS_GRUB:
		return sys->pbt ? "GRUB (proxmox-boot-tool)" : "GRUB";
	case VFD_KARGS_GRUBBY:
		return "GRUB (BLS entries, grubby)";
	case VFD_KARGS_KCMDLINE:
		return sys->pbt ? "systemd-boot (proxmox-boot-tool)" : "systemd-boot";
	case VFD_KARGS_ENTRIES:
		return "systemd-boot";
	case VFD_KARGS_KERNELSTUB:
		return "systemd-boot (kernelstub)";
	case VFD_KARGS_RPM_OSTREE:
		return "ostree (rpm-ostree)";
	case VFD_KARGS_BOOTC:
		return "ostree (bootc)";
	case VFD_KARGS_NIXOS:
		return "NixOS generations";
	case VFD_KARGS_SYSLINUX:
		return "syslinux";
	default:
		return vfd_bootloader_name(sys->boot);
	}
}

/* the GRUB variable whose value holds @word, or NULL */
const char *platform_grub_var_with(const struct vfd_system *sys, const char *word)
{
	static const char *const vars[] = { "GRUB_CMDLINE_LINUX_DEFAULT", "GRUB_CMDLINE_LINUX" };

	for (size_t i = 0; sys->grub_text && i < ARRAY_SIZE(vars); i++) {
		char **words = NULL;
		bool has = false;

		if (sh_get_words(sys->grub_text, strlen(sys->grub_text), vars[i], &words, NULL) < 0)
			continue;
		for (char **w = words; w && *w && !has; w++)
			has = strcmp(*w, word) == 0;
		vfd_strv_free(words);
		if (has)
			return vars[i];
	}
	return NULL;
}

const char *platform_grub_update(const struct vfd_system *sys)
{
	if (sys->pbt)
		return "proxmox-boot-tool refresh";
	if (sys->platform && sys->platform->grub_update)
		return sys->platform->grub_update;
	return "update-grub (or: grub-mkconfig -o /boot/grub/grub.cfg)";
}

const char *platform_kcmdline_refresh(const struct vfd_system *sys)
{
	if (sys->pbt || (sys->platform && strcmp(sys->platform->id, "proxmox") == 0))
		return "proxmox-boot-tool refresh";
	/* openSUSE's sdbootutil writes the entries from /etc/kernel/cmdline */
	if (sys->platform && strcmp(sys->platform->id, "opensuse") == 0)
		return "sdbootutil update-all-entries";
	/* every installed kernel's entry, not only the running one's (kernel-install(8)) */
	return "for k in /usr/lib/modules/*/vmlinuz; do kernel-install add "
	       "\"$(basename \"${k%/vmlinuz}\")\" \"$k\"; done";
}

const char *platform_initramfs_update(const struct vfd_system *sys)
{
	switch (sys->initramfs) {
	/* the images of every installed kernel: the next boot may not be this one's */
	case VFD_INITRAMFS_TOOLS:
		return "update-initramfs -u -k all";
	case VFD_INITRAMFS_DRACUT:
		return "dracut --regenerate-all --force";
	case VFD_INITRAMFS_MKINITCPIO:
		return "mkinitcpio -P";
	case VFD_INITRAMFS_BOOSTER:
		return "/usr/lib/booster/regenerate_images";
	default:
		return NULL;
	}
}

/* one kernel parameter in a Nix list: "word" with \ and " escaped */
static void nix_string(struct tbuf *b, const char *s)
{
	tbuf_adds(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || (*s == '$' && s[1] == '{'))
			tbuf_adds(b, "\\");
		tbuf_add(b, s, 1);
	}
	tbuf_adds(b, "\"");
}

char *platform_nix_list(const char *attr, const char *const *words)
{
	struct tbuf b = { 0 };

	tbuf_addf(&b, "%s = [", attr);
	for (; words && *words; words++) {
		tbuf_adds(&b, " ");
		nix_string(&b, *words);
	}
	tbuf_adds(&b, " ];");
	return tbuf_take(&b, NULL);
}

/* "remove 'R' from WHERE", "add 'A' to WHERE", or both in one step */
static void edit_steps(struct strv_builder *b, const char *add, const char *remove,
		       const char *from, const char *to)
{
	if (remove)
		strv_addf(b, "remove '%s' from %s", remove, from);
	if (add)
		strv_addf(b, "add '%s' to %s", add, to);
}

char **vfd_system_cmdline_fix(const struct vfd_system *sys, const char *add, const char *remove)
{
	struct strv_builder b = { 0 };
	char *where = NULL, *from = NULL;

	switch (sys->kargs) {
	case VFD_KARGS_GRUBBY:
		/* grubby edits every BLS entry and GRUB_CMDLINE_LINUX together */
		strv_addf(&b, "grubby --update-kernel=ALL%s%s%s%s%s%s",
			  add ? " --args='" : "", add ? add : "", add ? "'" : "",
			  remove ? " --remove-args='" : "", remove ? remove : "", remove ? "'" : "");
		break;
	case VFD_KARGS_GRUB: {
		const char *var = remove ? platform_grub_var_with(sys, remove) : NULL;

		from = xasprintf("%s in /etc/default/grub", var ? var : "GRUB_CMDLINE_LINUX_DEFAULT");
		edit_steps(&b, add, remove, from ? from : "/etc/default/grub",
			   "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub");
		strv_addf(&b, "%s", platform_grub_update(sys));
		break;
	}
	case VFD_KARGS_KCMDLINE:
		edit_steps(&b, add, remove, "the line in /etc/kernel/cmdline",
			   "the line in /etc/kernel/cmdline");
		strv_addf(&b, "%s", platform_kcmdline_refresh(sys));
		break;
	case VFD_KARGS_ENTRIES:
		where = xasprintf("the options line of every /%s/*.conf", sys->entries_dir);
		edit_steps(&b, add, remove, where ? where : "the entries",
			   where ? where : "the entries");
		break;
	case VFD_KARGS_KERNELSTUB:
		if (remove)
			strv_addf(&b, "kernelstub -d '%s'", remove);
		if (add)
			strv_addf(&b, "kernelstub -a '%s'", add);
		break;
	case VFD_KARGS_RPM_OSTREE:
		strv_addf(&b, "rpm-ostree kargs%s%s%s%s%s%s", remove ? " --delete='" : "",
			  remove ? remove : "", remove ? "'" : "", add ? " --append='" : "",
			  add ? add : "", add ? "'" : "");
		break;
	case VFD_KARGS_BOOTC:
		if (remove)
			strv_addf(&b, "remove '%s' from the image's /usr/lib/bootc/kargs.d files "
				      "(or: rpm-ostree kargs --delete='%s')", remove, remove);
		if (add)
			strv_addf(&b, "in the image: a file /usr/lib/bootc/kargs.d/50-vfio.toml "
				      "with kargs = [\"%s\"]", add);
		strv_addf(&b, "bootc upgrade");
		break;
	case VFD_KARGS_NIXOS:
		edit_steps(&b, add, remove, "boot.kernelParams in /etc/nixos/configuration.nix",
			   "boot.kernelParams in /etc/nixos/configuration.nix");
		strv_addf(&b, "nixos-rebuild boot");
		break;
	case VFD_KARGS_SYSLINUX:
		where = strdup("the append line of the default label in /boot/syslinux/syslinux.cfg "
			       "(Main > Flash > Syslinux Configuration)");
		edit_steps(&b, add, remove, where ? where : "syslinux.cfg",
			   where ? where : "syslinux.cfg");
		break;
	default:
		/* nothing says how this host boots: name the ways, pick none */
		where = strdup("the kernel command line in your bootloader's configuration (no "
			       "/etc/default/grub, /etc/kernel/cmdline or systemd-boot loader was "
			       "found to name it), then regenerate what it boots from");
		edit_steps(&b, remove ? NULL : add, remove, where ? where : "the kernel command line",
			   where ? where : "the kernel command line");
		if (add && remove)
			strv_addf(&b, "add '%s' there the same way", add);
		break;
	}
	strv_addf(&b, "reboot");
	free(where);
	free(from);
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	return strv_take(&b);
}

char **vfd_system_module_fix(const struct vfd_system *sys, const char *module)
{
	struct strv_builder b = { 0 };

	strv_addf(&b, "modprobe %s", module);
	if (sys->kargs == VFD_KARGS_NIXOS) {
		strv_addf(&b, "add \"%s\" to boot.kernelModules in /etc/nixos/configuration.nix, "
			      "then nixos-rebuild switch", module);
	} else if (sys->kargs == VFD_KARGS_SYSLINUX) {
		/* Unraid's /etc is rebuilt from the stick at each boot; /boot/config/go runs */
		strv_addf(&b, "echo 'modprobe %s' >> /boot/config/go", module);
	} else {
		/* modules-load.d is read by systemd on every other platform we know */
		strv_addf(&b, "echo %s >> /etc/modules-load.d/vfio.conf", module);
	}
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	return strv_take(&b);
}
