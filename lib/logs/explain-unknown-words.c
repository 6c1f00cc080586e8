// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The words of the classifier of lines the knowledge base does not know
 * (explain-unknown.c): the gates, which the knowledge base's prefilter finds
 * and hands over as the hints of a match (kb-parse.c puts them into
 * kb-prefilter.c), and the second stage's words, searched here only on the
 * few lines that hold a gate and that no entry matched.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "explain-unknown.h"
#include "explain-unknown-int.h"
#include "internal.h"
#include "kb-prefilter.h"

/*
 * The gates: a line is looked at only with one of them, so they are the
 * words the knowledge base's prefilter finds for us (bit i of the hints is
 * gates[i]; at most 64, four letters or more). Order matters for the
 * subsystem: the first thing word of the line names it, so the specific
 * ones (vfio, DMAR, AMD-Vi) come before "iommu".
 */
static const struct word gates[] = {
	{ "vfio", W_THING, "vfio" },
	{ "dmar", W_THING, "intel-iommu (DMAR)" },
	{ "amd-vi", W_THING, "amd-iommu (AMD-Vi)" },
	{ "ivrs", W_THING, "amd-iommu (IVRS table)" },
	{ "remapping", W_THING, "interrupt remapping" },
	{ "hostdev", W_THING, "hostdev" },
	{ "x2apic", W_THING, "interrupt remapping (x2apic)" },
	{ "aer:", W_THING, "pcie aer" },
	{ "passthrough", W_THING, "passthrough" },
	{ "memlock", W_THING, "locked memory (dma mapping)" },
	{ "/dev/kvm", W_THING, "kvm" },
	{ "kvm_", W_THING, "kvm" },		/* kvm_intel, kvm_amd, QEMU's kvm_* */
	/* the Arm IOMMUs (drivers/iommu/arm: "arm-smmu-v3 arm-smmu-v3.0.auto: ...") and
	   the IOMMUs' page-table code (io-pgtable-arm*.c) */
	{ "smmu", W_THING, "arm smmu (iommu)" },
	{ "io-pgtable", W_THING, "iommu page tables" },
	{ "iommu", W_THING, "iommu" },
	/* the sysfs files of driver binding that users write by hand (tee, echo) */
	{ "driver_override", W_THING, "pci driver binding (sysfs)" },
	{ "/sys/bus/pci", W_THING, "pci driver binding (sysfs)" },
	{ "pci-stub", W_THING, "pci driver binding (pci-stub)" },
	/* Xen's "xl pci-assignable-add", libxl's "PCI device ... is not assignable" */
	{ "assignable", W_THING, "pci assignment" },
	{ "sriov_", W_THING, "sr-iov (sysfs)" },	/* sriov_numvfs, sriov_totalvfs */
	{ "mdevctl", W_THING, "mediated devices (mdev)" },
	{ "/sys/bus/mdev", W_THING, "mediated devices (mdev)" },
	{ "mdev_supported", W_THING, "mediated devices (mdev)" },
	/* NVIDIA's vGPU manager on the host (nvidia-vgpu-mgr, its vmiop_log) */
	{ "vgpu", W_THING, "nvidia vgpu" },
	{ "vmiop", W_THING, "nvidia vgpu" },
	/* Intel GVT-g, i915's mediated GPU passthrough (drivers/gpu/drm/i915/gvt: pr_fmt "gvt: ") */
	{ "gvt:", W_THING, "intel gvt-g (mediated gpu)" },
	/* the word's other spellings: Proxmox's "passed-through PCI device(s)" (QemuServer.pm),
	   libxl's "VGA passthru" (tools/libs/light/libxl_pci.c) */
	{ "pass-through", W_THING, "passthrough" },
	{ "passthru", W_THING, "passthrough" },
	{ "passed-through", W_THING, "passthrough" },
	/* Xen's passthrough backend and frontend (drivers/xen/xen-pciback, drivers/pci/xen-pcifront.c)
	   and xl's PCI subcommands (tools/xl/xl_pci.c: "pci-attach: malformed BDF ...") */
	{ "pciback", W_THING, "xen pci passthrough (pciback)" },
	{ "pcifront", W_THING, "xen pci passthrough (pcifront)" },
	{ "pci-attach", W_THING, "pci assignment (xl)" },
	{ "pci-detach", W_THING, "pci assignment (xl)" },
	{ "eal:", W_DEVICE, NULL },
	{ "pci:", W_DEVICE, NULL },		/* the PCI core's "PCI: " (arch/x86/pci, drivers/pci) */
	{ "pci_bus:", W_DEVICE, NULL },		/* DPDK's PCI bus driver (drivers/bus/pci) */
	{ "libxl", W_PROGRAM, NULL },
	{ "nvrm", W_DEVICE, NULL },
	{ "amdgpu", W_DEVICE, NULL },
	{ "i915", W_DEVICE, NULL },
	{ "nouveau", W_DEVICE, NULL },
	/*
	 * the DRM core's heads: drm_err() and DRM_ERROR() print "[drm:FUNC]
	 * *ERROR* " or "[drm] *ERROR* " (drivers/gpu/drm/drm_print.c, __drm_err
	 * and drm_dev_printk), and its other levels the same heads without the
	 * marker: only GPU drivers write them. (The marker itself is no gate:
	 * the prefilter's classes take '*' as any rare byte, "'error'" too.)
	 */
	{ "[drm]", W_DEVICE, NULL },
	{ "[drm:", W_DEVICE, NULL },
	{ "qemu", W_PROGRAM, NULL },
	{ "kvm:", W_PROGRAM, NULL },
	{ "libvirt", W_PROGRAM, NULL },
	{ "internal error", W_PROGRAM, NULL },
	/*
	 * The devices passed through and the things around them, whose own
	 * drivers' trouble users paste in passthrough threads: PCIe error
	 * reporting (drivers/pci/pcie/aer.c's "error status/mask" detail line,
	 * dpc.c), the USB host controller (drivers/usb/host/xhci*.c), NVMe
	 * (drivers/nvme/host), HD audio (sound/pci/hda), the NIC drivers
	 * (drivers/net/ethernet/intel, mellanox/mlx5), radeon, and KVM's MSR
	 * and run failures (arch/x86/kvm/x86.c, QEMU's accel/kvm). They speak
	 * only of their devices: relevant with a word of trouble, never alone
	 * (their boot lines hold none).
	 */
	{ "status/mask", W_DEVICE, NULL },
	{ "dpc:", W_DEVICE, NULL },
	{ "xhci", W_DEVICE, NULL },
	{ "nvme", W_DEVICE, NULL },
	{ "snd_hda", W_DEVICE, NULL },
	{ "radeon", W_DEVICE, NULL },
	{ "mlx5", W_DEVICE, NULL },
	{ "ixgbe", W_DEVICE, NULL },
	{ "i40e", W_DEVICE, NULL },
	{ "e1000e", W_DEVICE, NULL },
	{ "igb 0", W_DEVICE, NULL },		/* "igb 0000:01:00.0:", not "big 0" */
	{ "iavf", W_DEVICE, NULL },
	{ "pciehp", W_DEVICE, NULL },		/* PCIe hotplug: "Timeout on hotplug command" */
	{ "efifb", W_DEVICE, NULL },		/* the firmware framebuffer on a GPU's BAR */
	{ "simpledrm", W_DEVICE, NULL },	/* its DRM successor (drivers/gpu/drm/sysfb) */
	{ "sysfb", W_DEVICE, NULL },		/* drivers/firmware/sysfb*.c */
	/*
	 * the kernel services under a device given to a VM: bounce buffers (kernel/dma:
	 * "swiotlb buffer is full"), interrupt set-up (kernel/irq: "genirq: Flags
	 * mismatch"), and on Arm the GIC's ITS that carries MSIs ("ITS@0x...: ",
	 * "GICv3: ") and arm64 KVM ("kvm [PID]: ", its vGIC)
	 */
	{ "swiotlb", W_DEVICE, NULL },
	{ "genirq", W_DEVICE, NULL },
	{ "its@", W_DEVICE, NULL },
	{ "gicv3", W_DEVICE, NULL },
	{ "gicv4", W_DEVICE, NULL },
	{ "kvm [", W_DEVICE, NULL },
	{ "vgic", W_DEVICE, NULL },
	/*
	 * the PCIe host bridges of device-tree machines (drivers/pci/controller/,
	 * drivers/pci/of.c) print as their platform device, "NAME.pcie: "
	 * ("brcm-pcie fd500000.pcie: failed to get resets"): the root of every
	 * device passed through on such a machine; none in the bench's boot log
	 */
	{ ".pcie:", W_DEVICE, NULL },
	{ "xe 0000", W_DEVICE, NULL },		/* Intel's xe GPU driver, "xe 0000:03:00.0:" */		/* the Intel VF driver, in a guest or DPDK */
	{ "acrn-dm", W_PROGRAM, NULL },		/* ACRN's device model, QEMU's peer */
	{ "rdmsr", W_DEVICE, NULL },
	{ "wrmsr", W_DEVICE, NULL },
	{ "kvm run", W_DEVICE, NULL },		/* QEMU: "kvm run failed" */
	{ "kvm: entry", W_DEVICE, NULL },	/* QEMU: "KVM: entry failed, hardware error" */
	{ "kvm internal", W_DEVICE, NULL },	/* QEMU: "KVM internal error. Suberror" */
	/*
	 * The tools that put vfio-pci into the initramfs and load the modules:
	 * their lines are read by their heads (tool_level in explain-unknown.c)
	 */
	{ "dracut", W_TOOL, NULL },
	{ "initramfs", W_TOOL, NULL },		/* mkinitramfs, update-initramfs */
	{ "==> ", W_TOOL, NULL },		/* mkinitcpio's msg/warning/error heads */
	{ "modprobe", W_TOOL, NULL },
	{ "depmod", W_TOOL, NULL },
	{ "insmod", W_TOOL, NULL },
	{ "rmmod", W_TOOL, NULL },
	{ "modinfo", W_TOOL, NULL },
	{ "kmod:", W_TOOL, NULL },
	/*
	 * The failures: relevant next to a PCI address ("a PCI address next to
	 * failed"). After the first nine, the words that the catalogue's
	 * development part (data/catalogue.tsv) holds in error and warning
	 * formats far more often than in info ones: in four or more of its
	 * 2551 error and warning formats and five times as often as in its 524
	 * info formats, the ratio of the two (tests/explain/dev/README.md, tenth
	 * round): "invalid" 147 to 19, "unsupported" 114 to 2, "not supported"
	 * 85 to 7, "unknown" 49 to 0, "does not" 46 to 3, "missing" 29 to 3, ...
	 * "disabled", 43 to 35, is no sign (W_WEAK); the words of trouble in the
	 * second stage below are older and kept.
	 */
	{ "fail", W_TROUBLE, NULL },
	{ "error", W_TROUBLE, NULL },
	{ "unable", W_TROUBLE, NULL },
	{ "cannot", W_TROUBLE, NULL },
	{ "could not", W_TROUBLE, NULL },
	{ "can't", W_TROUBLE, NULL },
	{ "not bind", W_TROUBLE, NULL },	/* "not binding", "not bound" is no failure */
	{ "no such", W_TROUBLE, NULL },		/* ENOENT, ENODEV, ESRCH texts */
	{ "denied", W_TROUBLE, NULL },
	{ "invalid", W_TROUBLE, NULL },		/* 147 to 19; not "invalidation": alone_words */
	{ "unsupported", W_TROUBLE, NULL },
	{ "not supported", W_TROUBLE, NULL },
	{ "unknown", W_TROUBLE, NULL },
	{ "unexpected", W_TROUBLE, NULL },
	{ "missing", W_TROUBLE, NULL },
	{ "not found", W_TROUBLE, NULL },
	{ "timed out", W_TROUBLE, NULL },
	{ "timeout", W_TROUBLE, NULL },
	{ "malformed", W_TROUBLE, NULL },
	{ "mismatch", W_TROUBLE, NULL },
	{ "out of", W_TROUBLE, NULL },		/* of memory, of range, of space */
	{ "fatal", W_TROUBLE, NULL },
	{ "abort", W_TROUBLE, NULL },
	{ "bad ", W_TROUBLE, NULL },
	{ "wrong", W_TROUBLE, NULL },
	{ "exceed", W_TROUBLE, NULL },
	{ "overflow", W_TROUBLE, NULL },
	{ "err ", W_TROUBLE, NULL },		/* "get err 1f", "err -22" */
	{ "beyond", W_TROUBLE, NULL },
	{ "in use", W_TROUBLE, NULL },
	{ "not respond", W_TROUBLE, NULL },
	{ "unrecogni", W_TROUBLE, NULL },	/* unrecognised, unrecognized */
	{ "not allowed", W_TROUBLE, NULL },
	{ "can not", W_TROUBLE, NULL },
	{ "does not", W_TROUBLE, NULL },
	{ "busy", W_TROUBLE, NULL },
	{ "too large", W_TROUBLE, NULL },
	{ "warning", W_TROUBLE, NULL },
	{ "assert", W_TROUBLE, NULL },
	{ "deprecated", W_TROUBLE, NULL },
	{ "not ", W_TROUBLE, NULL },		/* 562 to 48; not "not enabled": alone_words */
	{ "n't ", W_TROUBLE, NULL },		/* 106 to 21: doesn't, can't, isn't, won't */
	/*
	 * by the same rule on the development part of the twentieth round (5,862
	 * error/warning formats, 893 info ones): the orchestrators' and VM
	 * programs' words of a refused request ("requires" 58 to 1, "already" 86
	 * to 12 and "no available" 6 to 0 pass the rule too, but flag harmless
	 * development lines: "bridge window ... requires relaxed alignment rules",
	 * "AMD-Vi: Translation is already enabled", EAL's "No available hugepages
	 * reported in hugepages-1048576kB")
	 */
	{ "must be", W_TROUBLE, NULL },		/* 116 to 0 */
	{ "duplicate", W_TROUBLE, NULL },	/* 24 to 0 */
	{ "incompatible", W_TROUBLE, NULL },	/* 19 to 0 */
	/*
	 * the twenty-first round's kernel areas, the same rule (development part,
	 * error/warning formats to info ones; the bench's 737,948 boot lines):
	 * the host's hangs, which only the crash heads make relevant
	 * (explain-unknown-signs.c): "lockup" 3 to 1 (6 boot lines), "starved"
	 * 2 to 0 (0), "detected stall" (0; "stall" alone is in 3,837); a USB
	 * port's "over-current" 1 to 0 (0), relevant next to a PCI address
	 */
	{ "lockup", W_TROUBLE, NULL },
	{ "starved", W_TROUBLE, NULL },
	{ "detected stall", W_TROUBLE, NULL },
	{ "over-current", W_TROUBLE, NULL },
};

/*
 * The second stage: read only on the lines that hold a gate and that no
 * entry matched (a handful in a log), by a plain search, so they need no
 * room in the hints and cost nothing on the other lines.
 */
static const struct word others[] = {
	{ "pci", W_CONTEXT, NULL },
	{ "device", W_CONTEXT, NULL },
	{ "reset", W_CONTEXT, NULL },
	{ " bar", W_CONTEXT, NULL },		/* "BAR 0", "BAR0" */
	/*
	 * what a VM with a device passed through has more of: its interrupts,
	 * its DMA and the guest memory that is pinned for it (QEMU's "cannot set
	 * up guest memory", hugepages), a GPU, a "host=" address
	 */
	{ "memory", W_CONTEXT, NULL },
	{ "hugepage", W_CONTEXT, NULL },
	{ "irq", W_CONTEXT, NULL },
	{ "msi", W_CONTEXT, NULL },
	{ "interrupt", W_CONTEXT, NULL },
	{ "dma", W_CONTEXT, NULL },
	{ "gpu", W_CONTEXT, NULL },
	{ "host=", W_CONTEXT, NULL },
	{ "n't", W_TROUBLE, NULL },		/* can't, doesn't, isn't, won't */
	{ "could", W_TROUBLE, NULL },		/* could not, couldn't */
	{ "no iommu", W_TROUBLE, NULL },
	{ "off the bus", W_TROUBLE, NULL },	/* NVRM: "fallen off the bus" */
	{ "refused", W_TROUBLE, NULL },
	{ "reject", W_TROUBLE, NULL },
	{ "busy", W_TROUBLE, NULL },
	{ "assert", W_TROUBLE, NULL },
	{ "bug]", W_TROUBLE, NULL },	/* "[Firmware Bug]:" */
	{ "bug:", W_TROUBLE, NULL },	/* "BUG: unable to handle" */
	{ "broken", W_TROUBLE, NULL },
	{ " fault", W_TROUBLE, NULL },	/* not "default" */
	{ "page_fault", W_TROUBLE, NULL },
	{ "disabled", W_WEAK, NULL },		/* 43 error/warning formats to 35 info ones */
	{ "not enabled", W_WEAK, NULL },	/* an optional feature off: "not " is no trouble there */
	{ "not available", W_WEAK, NULL },
	{ "too many", W_TROUBLE, NULL },
	{ "vulnerable", W_TROUBLE, NULL },
	{ "warning", W_TROUBLE, NULL },
	{ "corrupt", W_TROUBLE, NULL },
	{ "non-zero", W_TROUBLE, NULL },
	{ "violation", W_TROUBLE, NULL },
	{ "illegal", W_TROUBLE, NULL },
	{ "overflow", W_TROUBLE, NULL },
	{ "exceed", W_TROUBLE, NULL },
	{ "conflict", W_TROUBLE, NULL },
	{ "permission", W_TROUBLE, NULL },
	{ "not permitted", W_TROUBLE, NULL },
	{ "in use", W_TROUBLE, NULL },
	{ "no space", W_TROUBLE, NULL },
	/* the adjacent devices' own words of trouble (xhci "HC died", nvme, kvm) */
	{ "died", W_TROUBLE, NULL },
	{ " dead", W_TROUBLE, NULL },		/* xhci: "assume dead" */
	{ "unhandled", W_TROUBLE, NULL },
	{ " hang", W_TROUBLE, NULL },		/* e1000e: "Unit Hang", not "change" */
	{ "hung", W_TROUBLE, NULL },
	{ "stuck", W_TROUBLE, NULL },
	{ "is down", W_TROUBLE, NULL },
	{ "stalled", W_TROUBLE, NULL },		/* radeon: "ring N stalled for more than" */
	{ "lockup", W_TROUBLE, NULL },		/* radeon: "GPU lockup" */
	{ "no codec", W_TROUBLE, NULL },	/* hda_intel.c: "no codecs found!" */
};

/*
 * The bits of the hints: each thing word its own (it names the subsystem),
 * the words of each other kind one bit together (bits 60 to 63), their kind
 * being all the classifier reads of them, but for the words that need a
 * second look ("invalid" in "invalidation"), each its own.
 */
static unsigned int shared_bit(enum word_kind kind)
{
	return kind == W_TROUBLE ? 60 : kind == W_PROGRAM ? 61 : kind == W_DEVICE ? 62 : 63;
}

/* the words that need a second look: "invalid" of "invalidation", "not " of "not enabled" (trouble_of) */
static const char *const alone_words[] = { "invalid", "not " };

static struct {
	bool ready;
	unsigned int bit[ARRAY_SIZE(gates)];
} bits;

static bool alone(const char *text)
{
	for (size_t i = 0; i < ARRAY_SIZE(alone_words); i++)
		if (strcmp(alone_words[i], text) == 0)
			return true;
	return false;
}

static void bits_init(void)
{
	unsigned int next = 0;

	if (bits.ready)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(gates); i++)
		bits.bit[i] = gates[i].kind == W_THING || alone(gates[i].text) ? next++ :
			      shared_bit(gates[i].kind);
	bits.ready = true;
}

_Static_assert(ARRAY_SIZE(others) <= 64, "the second stage is a 64-bit mask");

const char *const *vfd_unknown_words(size_t *n)
{
	static const char *texts[ARRAY_SIZE(gates)];

	if (!texts[0])
		for (size_t i = 0; i < ARRAY_SIZE(gates); i++)
			texts[i] = gates[i].text;
	*n = ARRAY_SIZE(gates);
	return texts;
}

unsigned int vfd_unknown_word_bit(size_t i)
{
	bits_init();
	return i < ARRAY_SIZE(gates) ? bits.bit[i] : 0;
}

bool vfd_unknown_word_gates(size_t i)
{
	/* every word the prefilter reports gates: the rest is the second stage's */
	return i < ARRAY_SIZE(gates);
}

struct unknown_masks unknown_masks;

static uint64_t bit_in(const struct word *table, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].text, text) == 0)
			return table == gates ? UINT64_C(1) << bits.bit[i] : UINT64_C(1) << i;
	return 0;
}

void unknown_masks_init(void)
{
	if (unknown_masks.ready)
		return;
	bits_init();
	for (size_t i = 0; i < ARRAY_SIZE(gates); i++)
		unknown_masks.kind[gates[i].kind] |= UINT64_C(1) << bits.bit[i];
	for (size_t i = 0; i < ARRAY_SIZE(others); i++)
		unknown_masks.other_kind[others[i].kind] |= UINT64_C(1) << i;
	unknown_masks.failure = unknown_masks.kind[W_TROUBLE];
	unknown_masks.device_programs = unknown_masks.kind[W_DEVICE];
	unknown_masks.invalid = bit_in(gates, ARRAY_SIZE(gates), "invalid");
	unknown_masks.not = bit_in(gates, ARRAY_SIZE(gates), "not ");
	unknown_masks.no_iommu = bit_in(others, ARRAY_SIZE(others), "no iommu");
	unknown_masks.pci = bit_in(others, ARRAY_SIZE(others), "pci");
	unknown_masks.device = bit_in(others, ARRAY_SIZE(others), "device");
	unknown_masks.ready = true;
}

/* the subsystem the first thing word of @hints names, or NULL */
const char *unknown_thing_subsystem(uint64_t hints)
{
	for (size_t i = 0; i < ARRAY_SIZE(gates); i++)
		if (gates[i].kind == W_THING && (hints & (UINT64_C(1) << bits.bit[i])))
			return gates[i].subsystem;
	return NULL;
}

/*
 * the hints of @line as the prefilter finds them: its gate words, their bytes
 * compared by the prefilter's classes (kb_prefilter_byte_class: case aside,
 * digits alike, rare bytes alike), in the first 64 KiB as vfd_kb_match() reads
 */
uint64_t unknown_hints_by_search(const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;
	uint64_t hints = 0;

	bits_init();
	if (len > 65536)
		len = 65536;
	for (size_t w = 0; w < ARRAY_SIZE(gates); w++) {
		const unsigned char *t = (const unsigned char *)gates[w].text;
		size_t n = strlen(gates[w].text);

		for (size_t i = 0; i + n <= len; i++) {
			size_t k = 0;

			while (k < n && kb_prefilter_byte_class(s[i + k]) ==
					kb_prefilter_byte_class(t[k]))
				k++;
			if (k == n) {
				hints |= UINT64_C(1) << bits.bit[w];
				break;
			}
		}
	}
	return hints;
}

/*
 * The second stage's words by their first byte: one pass over the line that
 * tries only the words starting with the byte at hand (instead of a search of
 * the line per word, which cost a tenth of explain's time on a boot log).
 */
static struct {
	bool ready;
	uint64_t by_first[256];
	unsigned char len[ARRAY_SIZE(others)];
	uint32_t head[ARRAY_SIZE(others)];	/* a word's first four bytes ... */
	uint32_t head_mask[ARRAY_SIZE(others)];	/* ... fewer for a shorter word */
} second;

/* four bytes of @p as one number, in memory order (no alignment needed) */
static uint32_t load4(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void second_init(void)
{
	if (second.ready)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
		second.by_first[(unsigned char)others[i].text[0]] |= UINT64_C(1) << i;
		size_t n = strlen(others[i].text);
		char head[4] = { 0 }, mask[4] = { 0 };

		second.len[i] = (unsigned char)n;
		memcpy(head, others[i].text, n < 4 ? n : 4);
		memset(mask, 0xff, n < 4 ? n : 4);
		second.head[i] = load4(head);
		second.head_mask[i] = load4(mask);
	}
	second.ready = true;
}

/* the second stage's words in @line (ASCII case ignored), as a mask */
uint64_t unknown_other_words(const char *line, size_t len)
{
	char low[SECOND_STAGE_MAX + 4];	/* + 4: a word's head is read four bytes at a time */
	uint64_t found = 0;

	second_init();
	if (len > SECOND_STAGE_MAX)
		len = SECOND_STAGE_MAX;
	for (size_t i = 0; i < len; i++)
		low[i] = line[i] >= 'A' && line[i] <= 'Z' ? (char)(line[i] - 'A' + 'a') : line[i];
	memset(low + len, 0, 4);
	for (size_t i = 0; i < len; i++) {
		uint64_t try = second.by_first[(unsigned char)low[i]] & ~found;
		uint32_t here = try ? load4(low + i) : 0;

		/* most tries end at the word's first four bytes, without a memcmp() */
		while (try) {
			unsigned int w = (unsigned int)__builtin_ctzll(try);

			try &= try - 1;
			if ((here & second.head_mask[w]) == second.head[w] && second.len[w] <= len - i &&
			    memcmp(low + i, others[w].text, second.len[w]) == 0)
				found |= UINT64_C(1) << w;
		}
	}
	return found;
}

