// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cause inside a wrapper (lib/logs/kb-cause.c) and the kind of a matched
 * line (lib/logs/kb-kind.c kb_match_kind): each errno class with and without
 * the path that settles it, the entries whose kind the carried cause takes
 * (a stage: binding, config, guest-driver; a wrapper; a family) and those
 * whose own kind stays (a cause kind, an errno the pattern spells, a
 * harmless entry), on a small knowledge base made here and on the built-in one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"
#include "kb-cause.h"

/* the cause that the whole message carries */
static const char *cause(const char *msg)
{
	return kb_inner_cause(msg, strlen(msg), msg, strlen(msg), true);
}

static void assert_kind(const char *got, const char *want)
{
	if (!want) {
		if (got)
			print_error("expected no kind, got %s\n", got);
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
}

static void errno_busy(void **state)
{
	(void)state;
	assert_kind(cause("error getting device from group 7: Device or resource busy"),
		    "device-busy");
	assert_kind(cause("probe of 0000:01:00.0 failed with error -16"), "device-busy");
	assert_kind(cause("vfio_pci_open failed (EBUSY)"), "device-busy");
	/* a number inside a longer token is not an errno */
	assert_kind(cause("BAR 0 [mem 0xf0000000-16]"), NULL);
	assert_kind(cause("2024-01-16 started"), NULL);
	assert_kind(cause("error -160"), NULL);
}

static void errno_permission(void **state)
{
	(void)state;
	/* EACCES and EPERM on a file a program opens */
	assert_kind(cause("failed to open /dev/vfio/3: Permission denied"), "permission");
	assert_kind(cause("Unable to open /dev/kvm: Operation not permitted"), "permission");
	assert_kind(cause("cannot write /sys/bus/pci/devices/0000:01:00.0/driver_override: -13"),
		    "permission");
	assert_kind(cause("could not access the device: Permission denied"), "permission");
	assert_kind(cause("unable to map backing store for guest RAM: Permission denied"),
		    "permission");
	/* the kernel refusing an operation is not a file's permission: type1
	   refuses a group without interrupt remapping with EPERM */
	assert_kind(cause("Failed to set iommu for container: Operation not permitted"),
		    "irq-remap");
	assert_kind(cause("ioctl(VFIO_SET_IOMMU): Operation not permitted"), "irq-remap");
	assert_kind(cause("VFIO_DEVICE_SET_IRQS failure: Operation not permitted"), NULL);
	assert_kind(cause("probe with driver igc failed with error -13"), NULL);
	/* -1 is any failure of a user-space call */
	assert_kind(cause("open /dev/vfio/3 returned -1"), NULL);
}

static void errno_nomem(void **state)
{
	(void)state;
	assert_kind(cause("vfio_dma_map(0x5581, 0x0, 0x80000000, 0x7f00) = -12 (Cannot allocate memory)"),
		    "dma-mapping");
	assert_kind(cause("failed to pin pages: Cannot allocate memory"), "dma-mapping");
	assert_kind(cause("probe of 0000:00:14.0 failed with error -12"), NULL);
	assert_kind(cause("VFIO_MAP_DMA failed: No space left on device"), "dma-mapping");
	assert_kind(cause("write error: No space left on device"), NULL);
}

static void errno_missing(void **state)
{
	(void)state;
	/* a group's node exists once a vfio driver has one of its devices */
	assert_kind(cause("failed to open /dev/vfio/12: No such file or directory"), "binding");
	assert_kind(cause("open /dev/vfio/noiommu-0: No such device"), "binding");
	/* the nodes and directories a module makes */
	assert_kind(cause("failed to open /dev/vfio/vfio: No such file or directory"), "module");
	assert_kind(cause("Could not open '/dev/kvm': No such file or directory"), "module");
	assert_kind(cause("EAL:   0000:44:00.3 cannot open VFIO container, error 2 (No such file "
			  "or directory)"), "module");
	assert_kind(cause("/sys/bus/pci/drivers/vfio-pci/new_id: No such file or directory"),
		    "module");
	/* the driver is there and refuses the device */
	assert_kind(cause("write /sys/bus/pci/drivers/vfio-pci/bind: No such device"), "binding");
	/* a device's driver link exists only while a driver is bound */
	assert_kind(cause("tee: '/sys/bus/pci/devices/0000:06:00.0/driver/unbind': No such file "
			  "or directory"), "binding");
	assert_kind(cause("cannot open /sys/bus/pci/devices/0000:06:00.0/driver: No such file "
			  "or directory"), "binding");
	assert_kind(cause("/sys/bus/pci/devices/0000:06:00.0/driver_override: No such file or "
			  "directory"), "config");
	/* no device at that address */
	assert_kind(cause("Failed to open /sys/bus/pci/devices/0000:09:00.0/config: No such file "
			  "or directory"), "config");
	assert_kind(cause("ls: cannot access '/sys/kernel/iommu_groups/1': No such file or "
			  "directory"), "iommu-off");
	/* a device's entries made only in some state: in a group, with a ROM BAR, a reset */
	assert_kind(cause("cat: /sys/bus/pci/devices/0000:01:00.0/iommu_group: No such file or "
			  "directory"), "iommu-off");
	assert_kind(cause("ls: cannot access '/sys/bus/pci/devices/0000:01:00.0/iommu_group/"
			  "devices': No such file or directory"), "iommu-off");
	assert_kind(cause("cat: /sys/bus/pci/devices/0000:01:00.0/rom: No such file or directory"),
		    "rom");
	assert_kind(cause("/sys/bus/pci/devices/0000:01:00.0/reset: No such file or directory"),
		    "reset");
	/* reset_method is hidden by the same test as reset (5.15 on) */
	assert_kind(cause("/sys/bus/pci/devices/0000:01:00.0/reset_method: No such file or "
			  "directory"), "reset");
	/* other entries of the device, and names that only start like one */
	assert_kind(cause("/sys/bus/pci/devices/0000:01:00.0/reset_methods: No such file or "
			  "directory"), "config");
	assert_kind(cause("/sys/bus/pci/devices/0000:01:00.0/romfile: No such file or directory"),
		    "config");
	assert_kind(cause("/sys/bus/pci/devices/0000:01:00.0: No such file or directory"),
		    "config");
	/* a module whose init found no device to drive */
	assert_kind(cause("modprobe: ERROR: could not insert 'nvidia': No such device"), "binding");
	assert_kind(cause("modprobe: ERROR: could not insert 'kvm_amd': Operation not supported"),
		    NULL);
	/* a path that settles nothing, no path, ENXIO's text */
	assert_kind(cause("cannot open /etc/foo.conf: No such file or directory"), NULL);
	assert_kind(cause("write error: No such device"), NULL);
	assert_kind(cause("open /dev/vfio/3: No such device or address"), NULL);
}

static void conditions(void **state)
{
	(void)state;
	assert_kind(cause("group 14 is not viable"), "group-viability");
	assert_kind(cause("cannot be assigned - no IOMMU?"), "iommu-off");
	assert_kind(cause("vfio-noiommu device opened by user"), NULL);
	/* the inner text alone carries the errno; the message the path */
	{
		const char *msg = "failed to open /dev/vfio/5: No such file or directory";
		const char *inner = strstr(msg, "No such");

		assert_kind(kb_inner_cause(msg, strlen(msg), inner, strlen(inner), true), "binding");
		assert_kind(kb_inner_cause(inner, strlen(inner), inner, strlen(inner), true), NULL);
	}
	/* a number is read only where asked (an errno a stage entry captured) */
	{
		const char *msg = "AMD-Vi: IOMMU3: Failed to initialize IOMMU Hardware (error=-16)!";

		assert_kind(kb_inner_cause(msg, strlen(msg), msg, strlen(msg), true), "device-busy");
		assert_kind(kb_inner_cause(msg, strlen(msg), msg, strlen(msg), false), NULL);
	}
}

#define ENTRY(id, kind, extra) "id: " id "\nlayer: qemu\nkind: " kind "\ntitle: t\n" \
	"source: qemu:a.c:f\n" extra "meaning: m\ncause: c\nfix: f\n\n"

static const char small_kb[] =
	"format: 1\n\n"
	/* a stage: the step that failed, the errno captured */
	ENTRY("t.get-device", "binding", "match: error getting device from group %group%: %errno%\n")
	/* a cause kind written for its step's errnos */
	ENTRY("t.group-add", "group-viability", "match: Failed to add to iommu group %group%: %errno%\n")
	/* an errno spelt by the pattern */
	ENTRY("t.set-iommu-eperm", "irq-remap",
	      "match: Failed to set iommu for container: Operation not permitted\n")
	/* a stage whose %any% carries the inner message */
	ENTRY("t.start", "config", "match: start failed: %any%\n")
	/* dedicated entries that match inside it: a cause, another stage */
	ENTRY("t.viable", "group-viability", "match: group %group% is not viable\n")
	ENTRY("t.add-failed", "binding", "match: device add failed: %any%\n")
	ENTRY("t.wrapper", "config", "wrapper: yes\nmatch: internal error: %any%\n")
	ENTRY("t.family", "binding", "family: yes\nmatch: vfio %slot%: %any%\n")
	ENTRY("t.gpu-family", "guest-driver", "family: yes\nmatch: gpudrv %slot%: %any%\n")
	ENTRY("t.reset-family", "reset", "family: yes\nmatch: resetter %slot%: %any%\n")
	ENTRY("t.iommu-family", "dma-mapping", "family: yes\nmatch: DMAR: %any%\n")
	"id: t.harmless\nlayer: kernel\nkind: harmless\ntitle: t\nsource: linux:a.c:f\n"
	"harmless: yes\nmatch: listing %any%\nmeaning: m\n\n";

static const char *line_kind(struct vfd_kb *kb, const char *line, const char *want_id)
{
	struct vfd_kb_match m;

	assert_int_equal(vfd_kb_match(kb, line, strlen(line), &m), 1);
	if (want_id)
		assert_string_equal(m.entry->id, want_id);
	return kb_match_kind(&m, line, strlen(line));
}

/* a line, the entry that must match it (NULL: any) and the kind it must get */
struct kind_case {
	const char *line, *id, *kind;
};

static void check_cases(struct vfd_kb *kb, const struct kind_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = line_kind(kb, cases[i].line, cases[i].id);

		if (!got || strcmp(got, cases[i].kind) != 0)
			print_error("%s: got %s, expected %s\n", cases[i].line, got ? got : "(null)",
				    cases[i].kind);
		assert_kind(got, cases[i].kind);
	}
}

static void match_kinds(void **state)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;

	(void)state;
	assert_int_equal(vfd_kb_parse(small_kb, strlen(small_kb), &kb, &err), 0);
	/* the stage takes the errno's cause, keeps its kind for one that settles none */
	assert_kind(line_kind(kb, "vfio 0000:01:00.0: error getting device from group 4: Device or "
			      "resource busy", "t.get-device"), "device-busy");
	assert_kind(line_kind(kb, "vfio 0000:01:00.0: error getting device from group 4: -16",
			      "t.get-device"), "device-busy");
	assert_kind(line_kind(kb, "vfio 0000:01:00.0: error getting device from group 4: Invalid "
			      "argument", "t.get-device"), "binding");
	/* the inner message of a stage: a path and its errno */
	assert_kind(line_kind(kb, "TASK ERROR: start failed: QEMU: failed to open /dev/vfio/9: No "
			      "such file or directory", "t.start"), "binding");
	assert_kind(line_kind(kb, "TASK ERROR: start failed: QEMU exited with code 1", "t.start"),
		    "config");
	/* a dedicated cause inside a stage's text wins though it starts later */
	assert_kind(line_kind(kb, "TASK ERROR: start failed: vfio: group 3 is not viable", "t.viable"),
		    "group-viability");
	/* a stage inside a stage: the first (outer) one stays */
	assert_kind(line_kind(kb, "start failed: device add failed: Invalid argument", "t.start"),
		    "config");
	/* a cause kind and a spelt errno keep their kind */
	assert_kind(line_kind(kb, "pci 0000:81:00.2: Failed to add to iommu group 52: -16",
			      "t.group-add"), "group-viability");
	assert_kind(line_kind(kb, "Failed to set iommu for container: Operation not permitted",
			      "t.set-iommu-eperm"), "irq-remap");
	/* a wrapper and a family read the cause before their words ("open" is permission's) */
	assert_kind(line_kind(kb, "error: internal error: cannot assign it - no IOMMU?",
			      "t.wrapper"), "iommu-off");
	/* strerror texts whose words name no cause: a socket reset, EAGAIN */
	assert_kind(line_kind(kb, "error: internal error: cannot write to the monitor: Connection "
			      "reset by peer", "t.wrapper"), "config");
	assert_kind(line_kind(kb, "error: internal error: cannot lock the state file: Resource "
			      "temporarily unavailable", "t.wrapper"), "config");
	/* a dedicated entry of the inner message outranks a wrapper */
	assert_kind(line_kind(kb, "error: internal error: group 3 is not viable", "t.viable"),
		    "group-viability");
	assert_kind(line_kind(kb, "error: internal error: something went wrong", "t.wrapper"),
		    "config");
	assert_kind(line_kind(kb, "vfio 0000:01:00.0: failed to open /dev/vfio/3: No such file or "
			      "directory", "t.family"), "binding");
	assert_kind(line_kind(kb, "vfio 0000:01:00.0: failed to open /dev/vfio/3: Device or "
			      "resource busy", "t.family"), "device-busy");
	/* a harmless entry has no cause to read */
	assert_kind(line_kind(kb, "listing /dev/vfio/3: Device or resource busy", "t.harmless"),
		    "harmless");
	vfd_kb_free(kb);
}

/*
 * A family's kind from its message's words (data/kind-words.tsv): a row's
 * third column names the family kinds that keep their own against its words
 */
static void family_words(void **state)
{
	static const struct kind_case lines[] = {
		/* binding's set-up words: a GPU driver's own probe, a vfio device's binding */
		{ "gpudrv 0000:01:00.0: probe failed, driver init error", "t.gpu-family",
		  "guest-driver" },
		{ "vfio 0000:01:00.0: probe failed, driver init error", "t.family", "binding" },
		/* a GPU driver's MMIO is its registers; a BAR is still a BAR */
		{ "gpudrv 0000:01:00.0: MMIO read timed out", "t.gpu-family", "guest-driver" },
		{ "gpudrv 0000:01:00.0: BAR 0 resize failed", "t.gpu-family", "bar-resource" },
		{ "vfio 0000:01:00.0: MMIO read failed", "t.family", "bar-resource" },
		/* the GPU's firmware blocks: a reset's steps in a reset family */
		{ "resetter 0000:01:00.0: timed out waiting for PSP", "t.reset-family", "reset" },
		{ "gpudrv 0000:01:00.0: timed out waiting for PSP", "t.gpu-family", "guest-driver" },
		/* an AER report is reset's */
		{ "gpudrv 0000:01:00.0: AER: can't recover", "t.gpu-family", "reset" },
		/* the VT-d fault handler and an interrupt request's fault; the tables */
		{ "DMAR: DRHD: handling fault status reg 2", "t.iommu-family", "dma-mapping" },
		{ "DMAR: [INTR-REMAP] Request device [00:11.0] fault index 3b [fault reason 38] "
		  "Blocked", "t.iommu-family", "irq-remap" },
		{ "DMAR: DRHD 0xfed90000: invalid scope", "t.iommu-family", "firmware-bug" },
		{ "DMAR: Mapping reserved region failed", "t.iommu-family", "firmware-bug" },
		{ "DMAR: Allocating domain failed", "t.iommu-family", "dma-mapping" },
		/* the ACPI table that carries the VBIOS */
		{ "gpudrv 0000:01:00.0: ACPI VFCT table present but broken", "t.gpu-family", "rom" },
	};
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;

	(void)state;
	assert_int_equal(vfd_kb_parse(small_kb, strlen(small_kb), &kb, &err), 0);
	check_cases(kb, lines, sizeof(lines) / sizeof(lines[0]));
	vfd_kb_free(kb);
}

/* the built-in knowledge base: lines shaped as QEMU's hw/vfio and libvirt print them */
static void builtin_kinds(void **state)
{
	static const struct kind_case lines[] = {
		{ "qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: error "
		  "getting device from group 1: Device or resource busy", NULL, "device-busy" },
		{ "qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: error "
		  "getting device from group 1: Invalid argument", NULL, "binding" },
		{ "qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: failed "
		  "to open /dev/vfio/1: Permission denied", NULL, "permission" },
		{ "qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: group 1 "
		  "is not viable", NULL, "group-viability" },
		{ "vfio-pci 0000:01:00.0: probe with driver vfio-pci failed with error -16",
		  NULL, "device-busy" },
	};
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;

	(void)state;
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	check_cases(kb, lines, sizeof(lines) / sizeof(lines[0]));
	vfd_kb_free(kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(errno_busy),
		cmocka_unit_test(errno_permission),
		cmocka_unit_test(errno_nomem),
		cmocka_unit_test(errno_missing),
		cmocka_unit_test(conditions),
		cmocka_unit_test(match_kinds),
		cmocka_unit_test(family_words),
		cmocka_unit_test(builtin_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
