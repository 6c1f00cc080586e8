// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Explaining a log: lines gathered into distinct problems, hint lines joined
 * to their message, and causes judged against small sysroots built like the
 * kernel builds sysfs: no IOMMU at all, and a GPU whose group holds its audio
 * function on snd_hda_intel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tree.h"
#include "vfd.h"

static struct vfd_kb *kb_builtin(void)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;

	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	return kb;
}

static void feed(struct vfd_explain *ex, const char *line, int want)
{
	assert_int_equal(vfd_explain_feed(ex, line, strlen(line)), want);
}

static const struct vfd_problem *find(const struct vfd_explain *ex, const char *id, size_t nth)
{
	for (size_t i = 0; i < vfd_explain_count(ex); i++) {
		const struct vfd_problem *p = vfd_explain_problem(ex, i);

		if (strcmp(p->entry->id, id) == 0 && nth-- == 0)
			return p;
	}
	return NULL;
}

static void distinct(void **state)
{
	struct vfd_kb *kb = kb_builtin();
	struct vfd_explain *ex = vfd_explain_new(kb);
	const struct vfd_problem *p;
	uint64_t lines, matched, dropped;

	feed(ex, "qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: "
		 "group 1 is not viable", 1);
	feed(ex, "Please ensure all devices within the iommu_group are bound to their vfio bus "
		 "driver.", 1);
	feed(ex, "nothing to see", 0);
	feed(ex, "qemu-system-x86_64: -device vfio-pci,host=0000:02:00.0: vfio 0000:02:00.0: "
		 "group 2 is not viable", 1);
	feed(ex, "qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: "
		 "group 1 is not viable", 1);
	feed(ex, "[    0.742699] pci 0000:01:00.0: Adding to iommu group 14", 2);
	/* pids and addresses do not split a problem */
	feed(ex, "vfio-pci 0000:01:00.0: Device is currently in use, task \"bash\" (1) blocked "
		 "until device is released", 1);
	feed(ex, "vfio-pci 0000:01:00.0: Device is currently in use, task \"bash\" (2) blocked "
		 "until device is released", 1);
	assert_int_equal(vfd_explain_count(ex), 4);
	p = find(ex, "qemu.group-not-viable", 0);
	assert_non_null(p);
	assert_int_equal(p->count, 3);
	assert_int_equal(p->first_lineno, 1);
	assert_string_equal(vfd_kb_match_value(&p->match, VFD_KB_GROUP), "1");
	p = find(ex, "qemu.group-not-viable", 1);
	assert_int_equal(p->count, 1);
	assert_int_equal(p->first_lineno, 4);
	assert_true(find(ex, "kernel.iommu-group-added", 0)->entry->harmless);
	assert_int_equal(find(ex, "kernel.device-in-use", 0)->count, 2);
	vfd_explain_stats(ex, &lines, &matched, &dropped);
	assert_int_equal(lines, 8);
	assert_int_equal(matched, 7);
	assert_int_equal(dropped, 0);
	vfd_explain_free(ex);
	vfd_kb_free(kb);
}

static void bounded(void **state)
{
	struct vfd_kb *kb = kb_builtin();
	struct vfd_explain *ex = vfd_explain_new(kb);
	char line[128];
	uint64_t dropped;

	for (int i = 0; i < VFD_EXPLAIN_MAX_PROBLEMS + 10; i++) {
		snprintf(line, sizeof(line), "pci 0000:01:00.0: Adding to iommu group %d", i);
		feed(ex, line, 2);
	}
	assert_int_equal(vfd_explain_count(ex), VFD_EXPLAIN_MAX_PROBLEMS);
	vfd_explain_stats(ex, NULL, NULL, &dropped);
	assert_int_equal(dropped, 10);
	vfd_explain_free(ex);
	vfd_kb_free(kb);
}

static enum vfd_verdict_state verdict(const struct vfd_problem *p, const char *cause_start)
{
	for (size_t i = 0; i < p->entry->n_causes; i++)
		if (strncmp(p->entry->causes[i].text, cause_start, strlen(cause_start)) == 0)
			return p->verdicts[i].state;
	fail_msg("no cause starting with '%s' in %s", cause_start, p->entry->id);
	return VFD_CAUSE_UNKNOWN;
}

static struct vfd_host *open_host(const char *dir, struct vfd_root **root)
{
	*root = vfd_root_new(dir);
	assert_non_null(*root);
	return vfd_host_new(*root);
}

/* no IOMMU: -22 at probe is the missing group, and QEMU's group error cannot hold */
static void no_iommu(void **state)
{
	char *dir = tree_new();
	struct vfd_kb *kb = kb_builtin();
	struct vfd_explain *ex = vfd_explain_new(kb);
	struct vfd_root *root;
	struct vfd_host *host;
	const struct vfd_problem *p;

	tree_device(dir, "pci0000:00/0000:00:01.0", 0x8086, 0x1901, 0x060400, 1, 4, true,
		    "pcieport", -1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:01:00.0", 0x10de, 0x1f06, 0x030000, 0, 0,
		    false, NULL, -1);
	host = open_host(dir, &root);
	feed(ex, "[   12.004311] vfio-pci 0000:01:00.0: probe with driver vfio-pci failed with "
		 "error -22", 1);
	feed(ex, "qemu-system-x86_64: -device vfio-pci,host=0000:09:00.0: vfio 0000:09:00.0: "
		 "group 9 is not viable", 1);
	feed(ex, "vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module "
		 "param \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this platform", 1);
	assert_int_equal(vfd_explain_diagnose(ex, host), 0);

	p = find(ex, "kernel.vfio-probe-einval", 0);
	assert_true(p->diagnosed);
	assert_string_equal(p->device, "0000:01:00.0");
	assert_int_equal(verdict(p, "The device has no IOMMU group"), VFD_CAUSE_HOLDS);
	assert_int_equal(verdict(p, "The device is a bridge"), VFD_CAUSE_UNCHECKED);
	assert_non_null(p->verdicts[0].evidence);
	assert_non_null(strstr(p->verdicts[0].evidence[0], "iommu.enabled (fail)"));

	/* a device this host lacks: nothing is judged */
	p = find(ex, "qemu.group-not-viable", 0);
	assert_string_equal(p->device, "");
	assert_non_null(p->device_note);
	assert_int_equal(verdict(p, "Another device of the group"), VFD_CAUSE_UNKNOWN);

	/* interrupt remapping is not checked without an IOMMU: unknown */
	p = find(ex, "kernel.no-interrupt-remapping", 0);
	assert_int_equal(verdict(p, "Interrupt remapping is off"), VFD_CAUSE_UNKNOWN);

	vfd_explain_free(ex);
	vfd_kb_free(kb);
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

/* a GPU on vfio-pci with its audio function on snd_hda_intel in the same group */
static void shared_group(void **state)
{
	char *dir = tree_new();
	struct vfd_kb *kb = kb_builtin();
	struct vfd_explain *ex = vfd_explain_new(kb);
	struct vfd_root *root;
	struct vfd_host *host;
	const struct vfd_problem *p;

	tree_device(dir, "pci0000:00/0000:00:01.0", 0x8086, 0x1901, 0x060400, 1, 4, true,
		    "pcieport", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:01:00.0", 0x10de, 0x1f06, 0x030000, 0x80,
		    0, false, "vfio-pci", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:01:00.1", 0x10de, 0x10f9, 0x040300, 0x80,
		    0, false, "snd_hda_intel", 1);
	host = open_host(dir, &root);
	feed(ex, "error: internal error: qemu unexpectedly closed the monitor: 2024-02-07T09:02:08"
		 ".235790Z qemu-system-x86_64: -device {\"driver\":\"vfio-pci\",\"host\":\"0000:01:"
		 "00.0\",\"id\":\"hostdev0\"}: vfio 0000:01:00.0: group 1 is not viable", 1);
	/* only the group is named: a device of the group stands for it */
	feed(ex, "qemu-system-x86_64: vfio: Cannot reset device 0000:05:00.0, depends on group 1 "
		 "which is not owned.", 1);
	feed(ex, "Could not open '/dev/vfio/1': No such file or directory", 1);
	assert_int_equal(vfd_explain_diagnose(ex, host), 0);

	p = find(ex, "qemu.group-not-viable", 0);
	assert_string_equal(p->device, "0000:01:00.0");
	assert_int_equal(verdict(p, "Another device of the group"), VFD_CAUSE_HOLDS);
	/* the open failure names only the group; its endpoint is on vfio-pci */
	p = find(ex, "qemu.group-enoent", 0);
	assert_string_equal(p->device, "0000:01:00.0");
	assert_int_equal(verdict(p, "The device is not bound to vfio-pci"), VFD_CAUSE_RULED_OUT);
	/* ... but its node is missing from this tree */
	assert_int_equal(verdict(p, "The device is on vfio-pci but"), VFD_CAUSE_HOLDS);
	assert_int_equal(verdict(p, "The group number given"), VFD_CAUSE_UNCHECKED);
	/* siblings: the audio function is left on the host */
	p = find(ex, "qemu.reset-group-not-owned", 0);
	assert_non_null(p->device_note);	/* 0000:05:00.0 is not on this host */
	assert_int_equal(verdict(p, "Other functions of the device"), VFD_CAUSE_UNKNOWN);

	vfd_explain_free(ex);
	vfd_kb_free(kb);
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

/*
 * A finding the check did not report: false when the check that makes it ran
 * (the catalogue's flags), unknown when it did not. A knowledge base made for
 * the test names check's findings of both kinds.
 */
static const char silent_kb[] =
	"format: 1\n\n"
	"id: test.silent\nlayer: kernel\nkind: binding\ntitle: a message made for the test\n"
	"source: linux:none:none\nmatch: vfd-test %slot%: trouble\nmeaning: none.\n"
	"cause: Boot display.\ncheck: device.boot-vga=warn\n"
	"cause: Group broken.\ncheck: device.group=fail\n"
	"cause: Unknown option.\ncheck: iommu.cmdline-option=warn\n"
	"cause: Interrupt remapping.\ncheck: iommu.interrupt-remapping=fail\n"
	"fix: none.\n";

static void judge_silent(const char *dir, enum vfd_verdict_state option)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;
	struct vfd_explain *ex;
	struct vfd_root *root;
	struct vfd_host *host;
	const struct vfd_problem *p;

	assert_int_equal(vfd_kb_parse(silent_kb, sizeof(silent_kb) - 1, &kb, &err), 0);
	ex = vfd_explain_new(kb);
	host = open_host(dir, &root);
	feed(ex, "vfd-test 0000:01:00.0: trouble", 1);
	feed(ex, "vfd-test 0000:00:01.0: trouble", 1);
	assert_int_equal(vfd_explain_diagnose(ex, host), 0);
	/* the GPU: the device checks ran; boot-vga said nothing, the group is fine */
	p = find(ex, "test.silent", 0);
	assert_string_equal(p->device, "0000:01:00.0");
	assert_int_equal(verdict(p, "Boot display"), VFD_CAUSE_RULED_OUT);
	assert_int_equal(verdict(p, "Group broken"), VFD_CAUSE_RULED_OUT);
	assert_int_equal(verdict(p, "Unknown option"), option);
	/* the bridge: only device.assignable; the other device findings count as silent */
	p = find(ex, "test.silent", 1);
	assert_string_equal(p->device, "0000:00:01.0");
	assert_int_equal(verdict(p, "Boot display"), VFD_CAUSE_RULED_OUT);
	assert_int_equal(verdict(p, "Group broken"), VFD_CAUSE_RULED_OUT);
	assert_int_equal(verdict(p, "Unknown option"), option);
	/* no IOMMU in the tree: interrupt remapping is a skip, which answers nothing */
	assert_int_equal(verdict(p, "Interrupt remapping"), VFD_CAUSE_UNKNOWN);
	vfd_explain_free(ex);
	vfd_kb_free(kb);
	vfd_host_free(host);
	vfd_root_unref(root);
}

static void silent_findings(void **state)
{
	char *dir = tree_new();

	tree_device(dir, "pci0000:00/0000:00:01.0", 0x8086, 0x1901, 0x060400, 1, 4, true,
		    "pcieport", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:01:00.0", 0x10de, 0x1f06, 0x030000, 0, 0,
		    false, "vfio-pci", 1);
	/* no /proc/cmdline: iommu.cmdline is a skip, the option check did not run */
	judge_silent(dir, VFD_CAUSE_UNKNOWN);
	tree_file(dir, "proc/cmdline", "BOOT_IMAGE=/vmlinuz quiet\n");
	judge_silent(dir, VFD_CAUSE_RULED_OUT);
	tree_free(dir);
}

static void relevant(void **state)
{
	assert_true(vfd_explain_is_relevant("vfio-pci 0000:01:00.0: enabling device"));
	assert_true(vfd_explain_is_relevant("DMAR: IOMMU enabled"));
	assert_true(vfd_explain_is_relevant("AMD-Vi: Interrupt remapping enabled"));
	assert_true(vfd_explain_is_relevant("pcieport 0000:00:01.0: AER: Corrected error"));
	assert_true(vfd_explain_is_relevant("kvm: disabled by bios"));
	assert_false(vfd_explain_is_relevant("usb 1-2: new high-speed USB device number 3"));
	assert_false(vfd_explain_is_relevant("EXT4-fs (sda2): mounted filesystem"));
	assert_false(vfd_explain_is_relevant("clocksource: kvm-clock: mask: 0xffffffffffffffff"));
	assert_false(vfd_explain_is_relevant("PCI: Using configuration type 1 for base access"));
	assert_string_equal(vfd_verdict_name(VFD_CAUSE_RULED_OUT), "ruled out");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(distinct),
		cmocka_unit_test(bounded),
		cmocka_unit_test(no_iommu),
		cmocka_unit_test(shared_group),
		cmocka_unit_test(silent_findings),
		cmocka_unit_test(relevant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
