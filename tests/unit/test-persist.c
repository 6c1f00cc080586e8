// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * persist: whole plans in sysroot trees laid out as Debian, Fedora and Arch
 * hosts (and the other platforms' files), with golden diffs, a second run
 * that must change nothing and an undo that must give back byte-identical
 * files; refusals, links, rollback and a run killed at every step. The pure
 * editors are test-persist-edit.c's.
 * usage: test-persist [SOURCE_DIR] (for tests/expected/persist; the golden
 * comparisons are skipped without it). VFD_TEST_REGENERATE=1 rewrites them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "persist.h"
#include "persist-fx.h"
#include "select.h"
#include "tree.h"
#include "vfd.h"


/* ---------------------------------------------------------- sysroots */


static void golden_debian(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };

	(void)state;
	fx_debian_tree(&fx);
	fx_cycle(&fx, "debian", fx_gpu_args, &none);
	fx_close(&fx);
}

static void golden_fedora(void **state)
{
	static const struct vfd_persist_opts by_id = { .by_id = true };
	static const char *const args[] = { "10de:2204", AUDIO, NULL };
	struct fx fx = { 0 };
	char path[4096];

	(void)state;
	fx_gpu(&fx, 0x10de, 0x2204, 0x1aef, "nvidia", "snd_hda_intel");
	tree_file(fx.dir, "etc/os-release", "NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=40\n");
	tree_file(fx.dir, "etc/default/grub",
		  "GRUB_TIMEOUT=5\n"
		  "GRUB_DISTRIBUTOR=\"$(sed 's, release .*$,,g' /etc/system-release)\"\n"
		  "GRUB_DEFAULT=saved\n"
		  "GRUB_DISABLE_SUBMENU=true\n"
		  "GRUB_TERMINAL_OUTPUT=\"console\"\n"
		  "GRUB_CMDLINE_LINUX=\"rd.lvm.lv=fedora/root rhgb quiet\"\n"
		  "GRUB_DISABLE_RECOVERY=\"true\"\n"
		  "GRUB_ENABLE_BLSCFG=true\n");
	snprintf(path, sizeof(path), "%s/etc/dracut.conf.d", fx.dir);
	assert_int_equal(mkdir(path, 0755), 0);
	/* anaconda writes it for kernel-install's 20-grub plugin */
	tree_file(fx.dir, "etc/kernel/cmdline", "root=/dev/mapper/fedora-root ro rd.lvm.lv=fedora/root "
		  "rhgb quiet\n");
	tree_file(fx.dir, "etc/modprobe.d/nvidia.conf", "options nvidia NVreg_PreserveVideoMemoryAllocations=1\n");
	tree_file(fx.dir, "sys/firmware/acpi/tables/DMAR", "DMAR");
	tree_file(fx.dir, "proc/cmdline", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=/dev/mapper/fedora-root "
		  "ro intel_iommu=on rhgb quiet\n");
	fx_cycle(&fx, "fedora", args, &by_id);
	fx_close(&fx);
}

static void golden_arch(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };

	(void)state;
	fx_gpu(&fx, 0x1002, 0x73bf, 0xab28, "amdgpu", "snd_hda_intel");
	tree_file(fx.dir, "etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n");
	tree_file(fx.dir, "etc/kernel/cmdline", "root=UUID=0a3407de-014b-458b-b5c1-848e92a327a3 rw "
		  "amd_iommu=on quiet\n");
	tree_file(fx.dir, "etc/mkinitcpio.conf",
		  "# vim:set ft=sh\n"
		  "# MODULES\n"
		  "# The following modules are loaded before any boot hooks are\n"
		  "# run.  Advanced users may wish to specify all system modules\n"
		  "# in this array.  For instance:\n"
		  "#     MODULES=(usbhid xhci_hcd)\n"
		  "MODULES=(amdgpu)\n"
		  "\n"
		  "# BINARIES\n"
		  "BINARIES=()\n"
		  "\n"
		  "# FILES\n"
		  "FILES=()\n"
		  "\n"
		  "# HOOKS\n"
		  "HOOKS=(base udev autodetect microcode modconf kms keyboard keymap consolefont "
		  "block filesystems fsck)\n");
	tree_file(fx.dir, "sys/firmware/acpi/tables/IVRS", "IVRS");
	tree_file(fx.dir, "proc/cmdline", "initrd=\\initramfs-linux.img root=UUID=0a34 rw "
		  "amd_iommu=on quiet\n");
	fx_cycle(&fx, "arch", fx_gpu_args, &none);
	fx_close(&fx);
}

/* a second GPU of the same model: --by-id would take it too, and says so */
static void by_id_names_shared(void **state)
{
	static const struct vfd_persist_opts by_id = { .by_id = true };
	static const char *const args[] = { GPU, NULL };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };

	(void)state;
	fx_debian_tree(&fx);
	tree_device(fx.dir, "pci0000:00/0000:00:02.0", 0x10de, 0x1f06, 0x030000, 0, 0, false,
		    "nouveau", 3);
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, args, &by_id, &p), 0);
	assert_true(fx_has_problem(&p, "persist.shared-ids", "0000:00:02.0"));
	assert_non_null(strstr(fx_change_of(&p, "etc/modprobe.d/vfio.conf")->new_text,
			       "options vfio-pci ids=10de:1f06\n"));
	assert_null(fx_change_of(&p, "etc/udev/rules.d/60-vfio-doctor.rules"));
	vfd_persist_plan_clear(&p);
	fx_close(&fx);
}

/* a grub.d drop-in that sets the same variable wins over the edit: say so */
static void grub_dropin_warns(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };

	(void)state;
	fx_debian_tree(&fx);
	tree_file(fx.dir, "etc/default/grub.d/50-cloudimg-settings.cfg",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 console=ttyS0\"\n");
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_true(fx_has_problem(&p, "persist.grub-dropin", "50-cloudimg-settings.cfg"));
	assert_non_null(fx_change_of(&p, "etc/default/grub"));
	vfd_persist_plan_clear(&p);
	fx_close(&fx);
}

/* a GRUB file it cannot read is left alone with the line named; the rest goes on */
static void unparsable_left_untouched(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char *grub;

	(void)state;
	fx_debian_tree(&fx);
	tree_file(fx.dir, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $EXTRA\"\n");
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_true(fx_has_problem(&p, "persist.unparsable", "/etc/default/grub: line 1"));
	assert_null(fx_change_of(&p, "etc/default/grub"));
	assert_non_null(fx_change_of(&p, "etc/udev/rules.d/60-vfio-doctor.rules"));
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	grub = fx_read_tree(fx.dir, "etc/default/grub");
	assert_string_equal(grub, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $EXTRA\"\n");
	free(grub);
	fx_close(&fx);
}

/* an edit made by someone else after persist survives --undo */
static void undo_keeps_later_edits(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char *text;

	(void)state;
	fx_debian_tree(&fx);
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	text = fx_read_tree(fx.dir, "etc/modprobe.d/vfio.conf");
	assert_non_null(strstr(text, "softdep nouveau pre: vfio-pci\n"));
	/* the user replaces the file, persist's block and all */
	tree_file(fx.dir, "etc/modprobe.d/vfio.conf", "# mine, changed\n");
	free(text);
	{
		/* the user edits the file: keep their line, drop persist's block */
		char *cur = fx_read_tree(fx.dir, "etc/default/grub");
		char *edited = NULL;

		assert_int_equal(asprintf(&edited, "%sGRUB_TIMEOUT_STYLE=hidden\n", cur) > 0, true);
		tree_file(fx.dir, "etc/default/grub", edited);
		free(cur);
		free(edited);
	}
	assert_int_equal(vfd_plan_persist(fx.host, NULL, &undo, &p), 0);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	text = fx_read_tree(fx.dir, "etc/default/grub");
	assert_non_null(strstr(text, "GRUB_TIMEOUT_STYLE=hidden\n"));
	assert_non_null(strstr(text, "amd_iommu=on"));
	assert_null(strstr(text, "intel_iommu=on"));
	free(text);
	text = fx_read_tree(fx.dir, "etc/modprobe.d/vfio.conf");
	assert_string_equal(text, "# mine, changed\n");
	free(text);
	assert_null(fx_read_tree(fx.dir, "etc/default/grub.vfio-doctor.bak"));
	assert_null(fx_read_tree(fx.dir, "etc/vfio-doctor/persist.state"));
	fx_close(&fx);
}

/* --undo of one device keeps the other; the last one gives everything back */
static void partial_undo(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	static const char *const one[] = { AUDIO, NULL };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char *before, *text;

	(void)state;
	fx_debian_tree(&fx);
	before = fx_snapshot_etc(fx.dir);
	fx_open(&fx);
	fx_plan_apply(&fx, fx_gpu_args, &none);
	fx_plan_apply(&fx, one, &undo);
	text = fx_read_tree(fx.dir, "etc/udev/rules.d/60-vfio-doctor.rules");
	assert_non_null(strstr(text, GPU));
	assert_null(strstr(text, AUDIO));
	free(text);
	text = fx_read_tree(fx.dir, "etc/modprobe.d/vfio.conf");
	assert_null(strstr(text, "snd_hda_intel"));
	free(text);
	/* not persisted: refused, nothing planned */
	assert_int_equal(vfd_plan_persist(fx.host, one, &undo, &p), 0);
	assert_true(p.refused);
	assert_true(fx_has_problem(&p, "persist.not-persisted", AUDIO));
	vfd_persist_plan_clear(&p);
	fx_plan_apply(&fx, NULL, &undo);
	text = fx_snapshot_etc(fx.dir);
	assert_string_equal(text, before);
	free(text);
	free(before);
	fx_close(&fx);
}

/* vfio-pci built in: no softdep or initramfs module; --by-id refused */
static void builtin_vfio(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, by_id = { .by_id = true };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };

	(void)state;
	fx_debian_tree(&fx);
	tree_file(fx.dir, "sys/module/vfio_pci/parameters/ids", "\n");
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_true(fx_has_problem(&p, "persist.builtin", NULL));
	assert_null(fx_change_of(&p, "etc/modprobe.d/vfio.conf"));
	assert_null(fx_change_of(&p, "etc/initramfs-tools/modules"));
	assert_non_null(fx_change_of(&p, "etc/udev/rules.d/60-vfio-doctor.rules"));
	assert_non_null(fx_change_of(&p, "etc/initramfs-tools/hooks/vfio-doctor"));
	vfd_persist_plan_clear(&p);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &by_id, &p), 0);
	assert_true(p.refused);
	assert_true(fx_has_problem(&p, "persist.builtin-ids", NULL));
	vfd_persist_plan_clear(&p);
	fx_close(&fx);
}

/* a bridge is refused as bind refuses it; a snapshot cannot be written */
static void refusals(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	static const char *const port[] = { PORT, NULL };
	static const char *const nothing[] = { "0000:09:00.0", NULL };
	struct vfd_persist_plan p;
	struct vfd_root *ro;
	struct vfd_host *h;
	struct fx fx = { 0 };

	(void)state;
	fx_debian_tree(&fx);
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, port, &none, &p), 0);
	assert_true(p.refused);
	assert_true(fx_has_problem(&p, "persist.bridge", NULL));
	/* judged by the one take judgement, reported as persist's own */
	for (size_t i = 0; i < p.problems.n; i++)
		assert_string_equal(p.problems.findings[i].layer, "persist");
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), -EPERM);
	vfd_persist_plan_clear(&p);
	assert_int_equal(vfd_plan_persist(fx.host, nothing, &none, &p), -ENODEV);
	ro = vfd_root_new(fx.dir);
	h = vfd_host_new(ro);
	assert_int_equal(vfd_plan_persist(h, fx_gpu_args, &none, &p), 0);
	assert_int_equal(vfd_persist_apply(h, &p, NULL), -EROFS);
	vfd_persist_plan_clear(&p);
	vfd_host_free(h);
	vfd_root_unref(ro);
	fx_close(&fx);
}

/*
 * Arch with systemd-boot and the IOMMU off on the command line: no group yet,
 * yet persist goes on; it edits the options line of every entry on the ESP and
 * --undo gives them back.
 */
static void golden_arch_entries_iommu_off(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };
	struct vfd_persist_plan p;

	(void)state;
	fx.dir = tree_new();
	tree_device(fx.dir, "pci0000:00/" PORT, 0x8086, 0x1901, 0x060400, 1, 4, true, "pcieport",
		    -1);
	tree_device(fx.dir, "pci0000:00/" PORT "/" GPU, 0x1002, 0x73bf, 0x030000, 0, 0, false,
		    "amdgpu", -1);
	tree_device(fx.dir, "pci0000:00/" PORT "/" AUDIO, 0x1002, 0xab28, 0x040300, 0, 0, false,
		    "snd_hda_intel", -1);
	tree_file(fx.dir, "etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n");
	tree_file(fx.dir, "boot/loader/loader.conf", "default arch.conf\n");
	tree_file(fx.dir, "boot/loader/entries/arch.conf",
		  "title   Arch Linux\nlinux   /vmlinuz-linux\ninitrd  /initramfs-linux.img\n"
		  "options root=UUID=0a34 rw intel_iommu=off\n");
	tree_file(fx.dir, "boot/loader/entries/arch-fallback.conf",
		  "title   Arch Linux (fallback initramfs)\nlinux   /vmlinuz-linux\n"
		  "initrd  /initramfs-linux-fallback.img\noptions root=UUID=0a34 rw intel_iommu=off\n");
	tree_file(fx.dir, "etc/mkinitcpio.conf", "MODULES=()\nBINARIES=()\nFILES=()\n"
		  "HOOKS=(base udev autodetect microcode modconf kms block filesystems fsck)\n");
	tree_file(fx.dir, "usr/bin/mkinitcpio", "");
	tree_file(fx.dir, "sys/firmware/acpi/tables/DMAR", "DMAR");
	tree_file(fx.dir, "proc/cmdline", "initrd=\\initramfs-linux.img root=UUID=0a34 rw "
		  "intel_iommu=off\n");
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_false(p.refused);
	assert_true(fx_has_problem(&p, "persist.no-group-yet", GPU));
	vfd_persist_plan_clear(&p);
	vfd_host_free(fx.host);
	vfd_root_unref(fx.root);
	fx_cycle(&fx, "arch-entries", fx_gpu_args, &none);
	fx_close(&fx);
}

/* Proxmox VE on ZFS with UEFI: /etc/kernel/cmdline, then proxmox-boot-tool refresh */
static void golden_proxmox_kcmdline(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };

	(void)state;
	fx_gpu(&fx, 0x10de, 0x1f06, 0x10f9, "nouveau", "snd_hda_intel");
	tree_file(fx.dir, "etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
		  "ID=debian\n");
	tree_file(fx.dir, "etc/pve/.version", "");
	tree_file(fx.dir, "etc/kernel/proxmox-boot-uuids", "5A1B-3C2D\n");
	tree_file(fx.dir, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
	tree_file(fx.dir, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
	tree_file(fx.dir, "etc/initramfs-tools/modules", "# modules\n");
	tree_file(fx.dir, "sys/firmware/acpi/tables/DMAR", "DMAR");
	tree_file(fx.dir, "proc/cmdline", "initrd=\\EFI\\proxmox\\6.8.12-1-pve\\initrd.img-6.8.12-1-pve "
		  "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
	fx_cycle(&fx, "proxmox", fx_gpu_args, &none);
	fx_close(&fx);
}

/* --iommu-pt: added once, kept by a later run without it, taken out by --undo */
static void iommu_pt_sticks(void **state)
{
	static const struct vfd_persist_opts pt = { .iommu_pt = true }, none = { 0 },
					     undo = { .undo = true };
	struct fx fx = { 0 };
	struct vfd_persist_plan p;
	char *before, *after;

	(void)state;
	fx_debian_tree(&fx);
	before = fx_snapshot_etc(fx.dir);
	fx_open(&fx);
	fx_plan_apply(&fx, fx_gpu_args, &pt);
	after = fx_snapshot_etc(fx.dir);
	assert_non_null(strstr(after, "iommu=pt"));
	free(after);
	fx_rescan(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_int_equal(p.nchanges, 0);
	vfd_persist_plan_clear(&p);
	fx_plan_apply(&fx, NULL, &undo);
	after = fx_snapshot_etc(fx.dir);
	assert_string_equal(after, before);
	free(after);
	free(before);
	fx_close(&fx);
}

/* Arch with booster: persist's block in /etc/booster.yaml, unless the key is the user's */
static void golden_booster(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };
	struct vfd_persist_plan p;

	(void)state;
	fx_gpu(&fx, 0x1002, 0x73bf, 0xab28, "amdgpu", "snd_hda_intel");
	tree_file(fx.dir, "etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n");
	tree_file(fx.dir, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"loglevel=3 quiet\"\n");
	tree_file(fx.dir, "etc/booster.yaml", "compression: zstd\n");
	tree_file(fx.dir, "usr/bin/booster", "");
	tree_file(fx.dir, "sys/firmware/acpi/tables/IVRS", "IVRS");
	tree_file(fx.dir, "proc/cmdline", "BOOT_IMAGE=/vmlinuz-linux root=UUID=0a34 rw quiet\n");
	fx_cycle(&fx, "booster", fx_gpu_args, &none);
	vfd_host_free(fx.host);
	vfd_root_unref(fx.root);
	tree_file(fx.dir, "etc/booster.yaml", "modules_force_load: amdgpu\n");
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_true(fx_has_problem(&p, "persist.booster", NULL));
	for (size_t i = 0; i < p.nchanges; i++)
		assert_string_not_equal(p.changes[i].path, "etc/booster.yaml");
	vfd_persist_plan_clear(&p);
	fx_close(&fx);
}

/*
 * Device arguments parsed by the caller (the CLI): persist resolves them
 * where it takes devices, and a miss is named by its index; --undo matches
 * them against the record, never against the host.
 */
static void selection_names_the_miss(void **state)
{
	static const char *const args[] = { GPU, "0000:07:00.0", NULL };
	static const struct vfd_persist_opts none = { 0 };
	struct vfd_persist_opts opts = { 0 };
	struct vfd_persist_plan p;
	struct vfd_selection sel;
	struct fx fx;

	(void)state;
	fx_debian_tree(&fx);
	fx_open(&fx);
	assert_int_equal(vfd_selection_parse(args, &sel), 0);
	opts.selection = &sel;
	assert_int_equal(vfd_plan_persist(fx.host, NULL, &opts, &p), -ENODEV);
	assert_int_equal(sel.bad_arg, 1);

	fx_plan_apply(&fx, fx_gpu_args, &none);
	fx_rescan(&fx);
	opts.undo = true;
	assert_int_equal(vfd_plan_persist(fx.host, NULL, &opts, &p), 0);
	assert_true(p.refused);
	assert_true(fx_has_problem(&p, "persist.not-persisted",
				   "'0000:07:00.0' is not persisted: nothing to undo for it"));
	assert_false(fx_has_problem(&p, "persist.not-persisted", "'" GPU "'"));
	vfd_persist_plan_clear(&p);
	vfd_selection_clear(&sel);
	fx_close(&fx);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_debian),
		cmocka_unit_test(golden_fedora),
		cmocka_unit_test(golden_arch),
		cmocka_unit_test(golden_arch_entries_iommu_off),
		cmocka_unit_test(golden_proxmox_kcmdline),
		cmocka_unit_test(iommu_pt_sticks),
		cmocka_unit_test(golden_booster),
		cmocka_unit_test(by_id_names_shared),
		cmocka_unit_test(grub_dropin_warns),
		cmocka_unit_test(unparsable_left_untouched),
		cmocka_unit_test(undo_keeps_later_edits),
		cmocka_unit_test(partial_undo),
		cmocka_unit_test(builtin_vfio),
		cmocka_unit_test(refusals),
		cmocka_unit_test(selection_names_the_miss),
	};

	fx_srcdir = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
