// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What persist writes and says: the udev rule, initramfs-tools' hook and
 * dracut's drop-in; the devices as set up and the commands left to run (the
 * boot loader's update, the initramfs rebuild, the tools that keep the
 * command line); the lines for platforms that take no file (NixOS, Unraid,
 * bootc).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist-plan.h"

/* the udev rule line for one device, ending in a newline */
void persist_rule_line(struct tbuf *b, const char *slot)
{
	/* udev: ATTR{} is written while the rules are read, RUN runs after all */
	tbuf_addf(b, "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"%s\", "
		     "ATTR{driver_override}=\"vfio-pci\", "
		     "RUN{builtin}+=\"kmod load vfio_pci\", "
		     "RUN+=\"/bin/sh -c '[ -e /sys/bus/pci/drivers/vfio-pci/%%k ] || "
		     "{ [ ! -e /sys/bus/pci/devices/%%k/driver ] || "
		     "echo %%k > /sys/bus/pci/devices/%%k/driver/unbind; "
		     "echo %%k > /sys/bus/pci/drivers_probe; }'\"\n", slot);
}

char *persist_render_rule(const struct pstate *s)
{
	struct tbuf b = { 0 };

	tbuf_adds(&b, WRITTEN_BY
		      "# One line per PCI device, matched by address as the kernel adds it: no\n"
		      "# driver but vfio-pci may take it (driver_override), vfio-pci is loaded,\n"
		      "# and the device is probed again, leaving a driver that got it first.\n");
	for (size_t i = 0; i < s->ndevs; i++)
		if (!s->devs[i].by_id)
			persist_rule_line(&b, s->devs[i].slot);
	return tbuf_take(&b, NULL);
}

const char persist_hook_text[] =
	"#!/bin/sh\n"
	WRITTEN_BY
	"# Puts its udev rule into the initramfs, so that the devices it names go to\n"
	"# vfio-pci before a host driver loaded there can take them.\n"
	"[ \"$1\" = prereqs ] && exit 0\n"
	". /usr/share/initramfs-tools/hook-functions\n"
	"mkdir -p \"$DESTDIR/etc/udev/rules.d\"\n"
	"cp -p /" RULE_PATH " \"$DESTDIR/etc/udev/rules.d/\"\n";

char *persist_render_dracut(bool mods, bool rule)
{
	static const char mods_text[] =
		"# vfio-pci and its IOMMU backend in the initramfs, loaded early (the\n"
		"# softdeps of /etc/modprobe.d order them before the host drivers).\n"
		"force_drivers+=\" vfio vfio_iommu_type1 vfio_pci \"\n";
	static const char rule_text[] =
		"# The udev rule that gives the devices to vfio-pci, in the initramfs.\n"
		"install_items+=\" /" RULE_PATH " \"\n";

	return xasprintf(WRITTEN_BY "%s%s", mods ? mods_text : "", rule ? rule_text : "");
}

/* "--flag=a --flag=b" for each word of @v */
static void flags_into(struct tbuf *b, const char *flag, const struct strv_builder *v)
{
	for (size_t i = 0; i < v->n; i++)
		tbuf_addf(b, " %s='%s'", flag, v->v[i]);
}

/* the words in one quoted list: 'a b' */
static char *quoted_words(const struct strv_builder *v)
{
	struct tbuf b = { 0 };

	tbuf_adds(&b, "'");
	persist_join(&b, v->v, " ");
	tbuf_adds(&b, "'");
	return tbuf_take(&b, NULL);
}

/* the commands that make the kernel command line edit (or the tool's words) take effect */
static void boot_commands(struct work *w, struct strv_builder *cmds)
{
	const struct strv_builder *add = &w->cmd_added, *rem = &w->cmd_removed;
	struct tbuf b = { 0 };
	char *s;

	switch (w->sys.kargs) {
	case VFD_KARGS_GRUB:
		if (w->boot_changed)
			strv_addf(cmds, "%s", platform_grub_update(&w->sys));
		return;
	case VFD_KARGS_GRUBBY:
		/* /etc/default/grub is for new kernels; grubby puts the words into every entry */
		if (!add->n && !rem->n)
			return;
		tbuf_adds(&b, "grubby --update-kernel=ALL");
		if (add->n) {
			s = quoted_words(add);
			tbuf_addf(&b, " --args=%s", s ? s : "");
			free(s);
		}
		if (rem->n) {
			s = quoted_words(rem);
			tbuf_addf(&b, " --remove-args=%s", s ? s : "");
			free(s);
		}
		break;
	case VFD_KARGS_KCMDLINE:
		if (w->boot_changed)
			strv_addf(cmds, "%s", platform_kcmdline_refresh(&w->sys));
		return;
	case VFD_KARGS_KERNELSTUB:
		if (rem->n) {
			s = quoted_words(rem);
			strv_addf(cmds, "kernelstub -d %s", s ? s : "");
			free(s);
		}
		if (add->n) {
			s = quoted_words(add);
			strv_addf(cmds, "kernelstub -a %s", s ? s : "");
			free(s);
		}
		return;
	case VFD_KARGS_RPM_OSTREE:
		if (!add->n && !rem->n)
			return;
		tbuf_adds(&b, "rpm-ostree kargs");
		flags_into(&b, "--append", add);
		flags_into(&b, "--delete", rem);
		break;
	default:
		return;
	}
	s = tbuf_take(&b, NULL);
	if (s)
		strv_addf(cmds, "%s", s);
	else
		cmds->oom = true;
	free(s);
}

/*
 * rpm-ostree builds the initramfs on the host only when told to (rpm-ostree(1):
 * initramfs --enable, its --arg handed to dracut, and initramfs-etc --track to
 * carry /etc files into it); /etc/dracut.conf.d is not read for the image's one.
 */
static void ostree_initramfs_commands(struct work *w, struct strv_builder *cmds)
{
	bool had = w->old.ndevs > 0;

	if (w->now.ndevs && !w->vfio_builtin)
		strv_addf(cmds, "rpm-ostree initramfs --enable --arg=--force-drivers "
				"--arg='vfio vfio_iommu_type1 vfio_pci'");
	if (w->now.ndevs)
		strv_addf(cmds, "rpm-ostree initramfs-etc --track=/" MODPROBE_PATH "%s",
			  w->any_address ? " --track=/" RULE_PATH : "");
	else if (had)
		strv_addf(cmds, "rpm-ostree initramfs-etc --untrack=/" MODPROBE_PATH
				" --untrack=/" RULE_PATH);
}

/*
 * NixOS and Unraid take no file from persist: NixOS builds /etc from
 * configuration.nix, Unraid unpacks its root into RAM at each boot. The same
 * setup is given as the lines to put where the platform reads them.
 */
void persist_print_only(struct work *w)
{
	struct strv_builder lines = { 0 }, mods = { 0 }, ids = { 0 };
	struct vfd_finding *f;
	char *s;

	if (!w->now.ndevs) {
		f = persist_problem(w, "persist.by-hand", VFD_INFO, NULL,
				    "%s keeps no file of persist's: take out the lines "
				    "you added for vfio-doctor by hand",
				    w->sys.platform->name);
		return;
	}
	for (size_t i = 0; i < w->now.ndevs; i++)
		for (char **m = w->now.devs[i].mods; m && *m; m++)
			persist_add_module(&mods, *m);
	for (size_t i = 0; i < w->now.ndevs; i++)
		if (w->now.devs[i].by_id || w->sys.kargs == VFD_KARGS_SYSLINUX)
			strv_addf(&ids, "%04x:%04x", w->now.devs[i].vendor, w->now.devs[i].device);
	if (w->sys.kargs == VFD_KARGS_NIXOS) {
		/* NixOS options: boot.kernelParams, boot.initrd.kernelModules, boot.extraModprobeConfig */
		struct tbuf b = { 0 };

		s = platform_nix_list("boot.kernelParams", (const char *const *)w->cmd_added.v);
		if (w->cmd_added.n && s)
			strv_addf(&lines, "%s", s);
		free(s);
		s = platform_nix_list("boot.initrd.kernelModules", persist_vfio_modules);
		if (s && !w->vfio_builtin)
			strv_addf(&lines, "%s", s);
		free(s);
		for (size_t i = 0; !w->vfio_builtin && i < mods.n; i++)
			tbuf_addf(&b, "%ssoftdep %s pre: vfio-pci", b.len ? "\\n" : "", mods.v[i]);
		if (ids.n) {
			tbuf_addf(&b, "%soptions vfio-pci ids=", b.len ? "\\n" : "");
			persist_join(&b, ids.v, ",");
		}
		s = tbuf_take(&b, NULL);
		if (s && *s)
			strv_addf(&lines, "boot.extraModprobeConfig = \"%s\";", s);
		free(s);
		/* the same rule as persist's udev file, in a Nix '' string (no '' or ${ in it) */
		tbuf_clear(&b);
		for (size_t i = 0; i < w->now.ndevs; i++)
			if (!w->now.devs[i].by_id)
				persist_rule_line(&b, w->now.devs[i].slot);
		s = tbuf_take(&b, NULL);
		if (s && *s) {
			s[strlen(s) - 1] = '\0';
			strv_addf(&lines, "services.udev.extraRules = ''%s'';", s);
		}
		free(s);
		for (size_t i = 0; i < w->cmd_removed.n; i++)
			strv_addf(&lines, "take \"%s\" out of boot.kernelParams", w->cmd_removed.v[i]);
		f = persist_problem(w, "persist.nixos", VFD_INFO, NULL,
				    "NixOS builds /etc from its configuration: put these "
				    "lines into /etc/nixos/configuration.nix (persist "
				    "writes no file here)");
	} else {
		/*
		 * Unraid 6.9+: /boot/config/vfio-pci.cfg holds BIND=ADDRESS|VENDOR:DEVICE
		 * entries, bound to vfio-pci early in boot (Tools > System Devices writes
		 * it); the kernel command line is the append line of syslinux.cfg.
		 */
		struct tbuf b = { 0 };

		tbuf_adds(&b, "BIND=");
		for (size_t i = 0; i < w->now.ndevs; i++)
			tbuf_addf(&b, "%s%s|%04x:%04x", i ? " " : "", w->now.devs[i].slot,
				  w->now.devs[i].vendor, w->now.devs[i].device);
		s = tbuf_take(&b, NULL);
		if (s)
			strv_addf(&lines, "/boot/config/vfio-pci.cfg: %s", s);
		free(s);
		for (size_t i = 0; i < w->cmd_added.n; i++)
			strv_addf(&lines, "/boot/syslinux/syslinux.cfg: add %s to the append line of "
					  "the default label", w->cmd_added.v[i]);
		for (size_t i = 0; i < w->cmd_removed.n; i++)
			strv_addf(&lines, "/boot/syslinux/syslinux.cfg: remove %s from the append "
					  "line", w->cmd_removed.v[i]);
		f = persist_problem(w, "persist.unraid", VFD_INFO, NULL,
				    "Unraid rebuilds /etc at every boot: its settings "
				    "live on the flash device under /boot (persist "
				    "writes no file here)");
	}
	for (size_t i = 0; f && i < lines.n; i++)
		finding_fix(f, "%s", lines.v[i]);
	if (lines.oom || mods.oom || ids.oom)
		w->err = -ENOMEM;
	strv_builder_clear(&lines);
	strv_builder_clear(&mods);
	strv_builder_clear(&ids);
}

/* bootc: the kernel arguments and the initramfs are the image's */
void persist_bootc_steps(struct work *w)
{
	struct vfd_finding *f;
	struct tbuf b = { 0 };
	char *s;

	if (!w->now.ndevs || (!w->cmd_added.n && w->vfio_builtin))
		return;
	f = persist_problem(w, "persist.bootc", VFD_INFO, NULL,
			    "a bootc host boots its image's kernel arguments and "
			    "initramfs: build them into the image");
	if (!f)
		return;
	if (w->cmd_added.n) {
		tbuf_adds(&b, "kargs = [");
		for (size_t i = 0; i < w->cmd_added.n; i++)
			tbuf_addf(&b, "%s\"%s\"", i ? ", " : "", w->cmd_added.v[i]);
		tbuf_adds(&b, "]");
		s = tbuf_take(&b, NULL);
		finding_fix(f, "/usr/lib/bootc/kargs.d/50-vfio.toml: %s", s ? s : "");
		free(s);
	}
	if (!w->vfio_builtin)
		finding_fix(f, "/usr/lib/dracut/dracut.conf.d/50-vfio.conf: force_drivers+=\" vfio "
			       "vfio_iommu_type1 vfio_pci \" (then dracut in the image build)");
	finding_fix(f, "then: bootc upgrade (or bootc switch to the new image)");
}

void persist_describe(struct work *w)
{
	struct strv_builder cmds = { 0 }, devs = { 0 };
	size_t before;

	for (size_t i = 0; i < w->now.ndevs; i++) {
		const struct pdev *d = &w->now.devs[i];
		struct tbuf b = { 0 };
		char *s;

		tbuf_addf(&b, "%s (%04x:%04x) by %s", d->slot, d->vendor, d->device,
			  w->sys.kargs == VFD_KARGS_NIXOS ? "the lines above"
			  : w->sys.kargs == VFD_KARGS_SYSLINUX ? "vfio-pci.cfg (BIND=)"
			  : d->by_id ? "ID (options vfio-pci ids=)" : "address (udev rule)");
		if (d->mods && d->mods[0] && !w->vfio_builtin &&
		    w->sys.kargs != VFD_KARGS_SYSLINUX) {
			tbuf_adds(&b, "; vfio-pci loads before ");
			persist_join(&b, d->mods, ", ");
		}
		s = tbuf_take(&b, NULL);
		if (s)
			strv_addf(&devs, "%s", s);
		else
			devs.oom = true;
		free(s);
	}
	if (w->initramfs_changed && platform_initramfs_update(&w->sys))
		strv_addf(&cmds, "%s", platform_initramfs_update(&w->sys));
	if (w->sys.initramfs == VFD_INITRAMFS_RPM_OSTREE)
		ostree_initramfs_commands(w, &cmds);
	before = cmds.n;
	boot_commands(w, &cmds);
	if (w->sys.kargs == VFD_KARGS_NIXOS && w->now.ndevs)
		strv_addf(&cmds, "nixos-rebuild boot");
	if (w->plan->nchanges > w->cleanups || cmds.n > before ||
	    (w->now.ndevs && (w->sys.kargs == VFD_KARGS_NIXOS ||
			      w->sys.kargs == VFD_KARGS_SYSLINUX)))
		strv_addf(&cmds, "reboot");
	if (cmds.oom || devs.oom) {
		strv_builder_clear(&cmds);
		strv_builder_clear(&devs);
		w->err = -ENOMEM;
		return;
	}
	w->plan->commands = strv_take(&cmds);
	w->plan->devices = strv_take(&devs);
}

/*
 * --undo where a tool keeps the command line: persist recorded no words there,
 * so name the ones it would have asked for that the running kernel has.
 */
void persist_tool_undo_note(struct work *w)
{
	const char *how = NULL;
	char *proc = NULL;

	switch (w->sys.kargs) {
	case VFD_KARGS_KERNELSTUB:
		how = "kernelstub -d 'intel_iommu=on'";
		break;
	case VFD_KARGS_RPM_OSTREE:
		how = "rpm-ostree kargs --delete='intel_iommu=on'";
		break;
	default:
		return;
	}
	if (vfd_root_readf_str(w->root, &proc, "proc/cmdline") == 0 &&
	    strstr(proc, "intel_iommu=on")) {
		struct vfd_finding *f = persist_problem(w, "persist.cmdline-kept", VFD_INFO, NULL,
							"intel_iommu=on stays on the "
							"kernel command line: %s keeps "
							"it, not persist",
							w->sys.platform->name);

		if (f)
			finding_fix(f, "if nothing else needs it: %s", how);
	}
	free(proc);
}
