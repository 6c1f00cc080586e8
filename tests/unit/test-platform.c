// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The platform table: which entry each os-release and marker file picks, how
 * the command line is kept, and the fixes written for it. The whole-host
 * trees of tests/platforms cover one tree each; these are the neighbours
 * (derivatives that name their parent only in ID_LIKE, image-based variants).
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tree.h"
#include "vfd.h"

struct want {
	const char *os_release;
	const char *marker;		/* one more file, or NULL */
	const char *id;			/* platform id, NULL: not recognised */
	enum vfd_kargs kargs;
};

static void detect_one(const struct want *w)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_system sys;

	tree_file(dir, "etc/os-release", w->os_release);
	if (w->marker)
		tree_file(dir, w->marker, "");
	root = vfd_root_new(dir);
	assert_non_null(root);
	assert_int_equal(vfd_system_detect(root, &sys), 0);
	if (w->id)
		assert_string_equal(vfd_system_platform_id(&sys), w->id);
	else
		assert_null(vfd_system_platform_id(&sys));
	if (sys.kargs != w->kargs)
		fail_msg("%s: kargs %d, expected %d", w->os_release, sys.kargs, w->kargs);
	vfd_system_clear(&sys);
	vfd_root_unref(root);
	tree_free(dir);
}

static void derivatives(void **state)
{
	static const struct want cases[] = {
		/* Linux Mint and Kali name their parents in ID_LIKE only */
		{ "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", "etc/default/grub", "ubuntu",
		  VFD_KARGS_GRUB },
		{ "ID=kali\nID_LIKE=debian\n", "etc/default/grub", "debian", VFD_KARGS_GRUB },
		/* Rocky, Alma, CentOS Stream: RHEL's grubby */
		{ "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n", "usr/sbin/grubby", "rhel",
		  VFD_KARGS_GRUBBY },
		{ "ID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\n", "etc/default/grub", "rhel",
		  VFD_KARGS_GRUBBY },
		/* Manjaro and EndeavourOS: Arch with GRUB */
		{ "ID=manjaro\nID_LIKE=arch\n", "etc/default/grub", "arch", VFD_KARGS_GRUB },
		{ "ID=endeavouros\nID_LIKE=arch\n", "etc/default/grub", "arch", VFD_KARGS_GRUB },
		/* openSUSE Leap */
		{ "ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\n", "etc/default/grub", "opensuse",
		  VFD_KARGS_GRUB },
		/* image-based Fedoras: Kinoite, CoreOS by VARIANT_ID; Bazzite by its marker */
		{ "ID=fedora\nVARIANT_ID=kinoite\n", NULL, "rpm-ostree", VFD_KARGS_RPM_OSTREE },
		{ "ID=fedora\nVARIANT_ID=coreos\n", "etc/default/grub", "rpm-ostree",
		  VFD_KARGS_RPM_OSTREE },
		{ "ID=bazzite\nID_LIKE=\"fedora\"\n", "run/ostree-booted", "rpm-ostree",
		  VFD_KARGS_RPM_OSTREE },
		/* Proxmox VE without proxmox-boot-tool: Debian's GRUB */
		{ "ID=debian\n", "usr/bin/pveversion", "proxmox", VFD_KARGS_NONE },
		/* a Debian with systemd-boot through kernel-install */
		{ "ID=debian\n", "etc/kernel/cmdline", "debian", VFD_KARGS_KCMDLINE },
		/* Fedora with its installer's /etc/kernel/cmdline and grubby: not systemd-boot */
		{ "ID=fedora\n", "usr/bin/grubby", "fedora", VFD_KARGS_GRUBBY },
		/* unknown: Gentoo, Alpine; no file says how they boot */
		{ "ID=gentoo\n", NULL, NULL, VFD_KARGS_NONE },
		{ "ID=alpine\n", "etc/default/grub", NULL, VFD_KARGS_GRUB },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		detect_one(&cases[i]);
}

/* the fix for a word to remove names the variable that holds it */
static void grub_variable_named(void **state)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_system sys;
	char **fix;

	(void)state;
	tree_file(dir, "etc/os-release", "ID=debian\n");
	tree_file(dir, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
		  "GRUB_CMDLINE_LINUX=\"intel_iommu=off\"\n");
	root = vfd_root_new(dir);
	assert_int_equal(vfd_system_detect(root, &sys), 0);
	fix = vfd_system_cmdline_fix(&sys, "intel_iommu=on", "intel_iommu=off");
	assert_non_null(fix);
	assert_string_equal(fix[0], "remove 'intel_iommu=off' from GRUB_CMDLINE_LINUX in "
			    "/etc/default/grub");
	assert_string_equal(fix[1], "add 'intel_iommu=on' to GRUB_CMDLINE_LINUX_DEFAULT in "
			    "/etc/default/grub");
	assert_string_equal(fix[2], "update-grub");
	assert_string_equal(fix[3], "reboot");
	assert_null(fix[4]);
	vfd_strv_free(fix);
	vfd_system_clear(&sys);
	vfd_root_unref(root);
	tree_free(dir);
}

/* a VM and a container are told apart, and both from a bare host */
static void guests(void **state)
{
	static const struct {
		const char *path, *text;
		bool guest, container;
	} cases[] = {
		{ "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n\n",
		  true, false },
		{ "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme svm\n\n", false, false },
		/* the word must be a whole flag */
		{ "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu hypervisorx\n\n", false, false },
		{ "sys/class/dmi/id/sys_vendor", "QEMU\n", true, false },
		{ "sys/class/dmi/id/sys_vendor", "Amazon EC2\n", false, false },
		{ "run/.containerenv", "", true, true },
		{ "run/systemd/container", "lxc\n", true, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = tree_new();
		struct vfd_root *root;
		struct vfd_system sys;

		tree_file(dir, cases[i].path, cases[i].text);
		root = vfd_root_new(dir);
		assert_int_equal(vfd_system_detect(root, &sys), 0);
		if (sys.guest != cases[i].guest || sys.container != cases[i].container)
			fail_msg("%s '%s': guest %d container %d", cases[i].path, cases[i].text,
				 sys.guest, sys.container);
		vfd_system_clear(&sys);
		vfd_root_unref(root);
		tree_free(dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(derivatives),
		cmocka_unit_test(grub_variable_named),
		cmocka_unit_test(guests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
