// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The classifier of lines the knowledge base does not know. A log whose
 * problem lines are all unknown must not read as clean: a line that names a
 * passthrough thing (vfio, the IOMMU, DMAR, AMD-Vi, IVRS, interrupt
 * remapping, hostdev), or a PCI address next to a failure, or comes from a
 * program that only speaks of devices (DPDK's EAL, libxl, NVIDIA's NVRM, the
 * QEMU and libvirt of a VM with a device), is unknown; with a word of
 * trouble it is a problem, without one it is informational (the boot
 * messages of an IOMMU that works).
 *
 * The gate words are found by the knowledge base's own prefilter (kb-parse.c puts
 * them into kb-prefilter.c and hands them over as the hints of a match), so lines
 * that hold none of them cost nothing here; the words that only qualify a line
 * (trouble, device context) are searched here, on the few lines that passed. Where the line comes from is read
 * from its prefix: the kernel's driver prefixes ("DMAR:", "AMD-Vi:",
 * "vfio-pci 0000:01:00.0:"), QEMU's program name, libvirt's "error:" and log
 * format, "EAL:", "libxl:", "NVRM:", the initramfs tools' own, and the
 * timestamps of dmesg, /dev/kmsg and the journal.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "explain-unknown.h"
#include "internal.h"

enum word_kind {
	W_THING,	/* names passthrough: relevant on its own */
	W_PROGRAM,	/* a program about devices: relevant with trouble */
	W_CONTEXT,	/* a device word: makes a QEMU/libvirt/libxl error relevant */
	W_DEVICE,	/* a program that speaks only of devices: relevant with trouble */
	W_TROUBLE,	/* something went wrong */
};

struct word {
	const char *text;		/* lower case */
	enum word_kind kind;
	const char *subsystem;		/* W_THING: what it names */
};

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
	{ "eal:", W_DEVICE, NULL },
	{ "libxl", W_PROGRAM, NULL },
	{ "nvrm", W_DEVICE, NULL },
	{ "amdgpu", W_DEVICE, NULL },
	{ "i915", W_DEVICE, NULL },
	{ "nouveau", W_DEVICE, NULL },
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
	{ "xe 0000", W_DEVICE, NULL },		/* Intel's xe GPU driver, "xe 0000:03:00.0:" */		/* the Intel VF driver, in a guest or DPDK */
	{ "acrn-dm", W_PROGRAM, NULL },		/* ACRN's device model, QEMU's peer */
	{ "rdmsr", W_DEVICE, NULL },
	{ "wrmsr", W_DEVICE, NULL },
	{ "kvm run", W_DEVICE, NULL },		/* QEMU: "kvm run failed" */
	{ "kvm: entry", W_DEVICE, NULL },	/* QEMU: "KVM: entry failed, hardware error" */
	{ "kvm internal", W_DEVICE, NULL },	/* QEMU: "KVM internal error. Suberror" */
	/* the failures: relevant next to a PCI address ("a PCI address next to failed") */
	{ "fail", W_TROUBLE, NULL },
	{ "error", W_TROUBLE, NULL },
	{ "unable", W_TROUBLE, NULL },
	{ "cannot", W_TROUBLE, NULL },
	{ "could not", W_TROUBLE, NULL },
	{ "can't", W_TROUBLE, NULL },
	{ "not bind", W_TROUBLE, NULL },	/* "not binding", "not bound" is no failure */
	{ "no such", W_TROUBLE, NULL },		/* ENOENT, ENODEV, ESRCH texts */
	{ "denied", W_TROUBLE, NULL },
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
	{ "not ", W_TROUBLE, NULL },		/* not viable, not supported, not found */
	{ "n't", W_TROUBLE, NULL },		/* can't, doesn't, isn't, won't */
	{ "could", W_TROUBLE, NULL },		/* could not, couldn't */
	{ "unsupported", W_TROUBLE, NULL },
	{ "no iommu", W_TROUBLE, NULL },
	{ "off the bus", W_TROUBLE, NULL },	/* NVRM: "fallen off the bus" */
	{ "invalid", W_TROUBLE, NULL },
	{ "refused", W_TROUBLE, NULL },
	{ "reject", W_TROUBLE, NULL },
	{ "busy", W_TROUBLE, NULL },
	{ "timeout", W_TROUBLE, NULL },
	{ "timed out", W_TROUBLE, NULL },
	{ "assert", W_TROUBLE, NULL },
	{ "bug]", W_TROUBLE, NULL },	/* "[Firmware Bug]:" */
	{ "bug:", W_TROUBLE, NULL },	/* "BUG: unable to handle" */
	{ "broken", W_TROUBLE, NULL },
	{ " fault", W_TROUBLE, NULL },	/* not "default" */
	{ "page_fault", W_TROUBLE, NULL },
	{ "disabled", W_TROUBLE, NULL },
	{ "vulnerable", W_TROUBLE, NULL },
	{ "warning", W_TROUBLE, NULL },
	{ "abort", W_TROUBLE, NULL },
	{ "mismatch", W_TROUBLE, NULL },
	{ "corrupt", W_TROUBLE, NULL },
	{ "missing", W_TROUBLE, NULL },
	{ "non-zero", W_TROUBLE, NULL },
	{ "violation", W_TROUBLE, NULL },
	{ "illegal", W_TROUBLE, NULL },
	{ "overflow", W_TROUBLE, NULL },
	{ "exceed", W_TROUBLE, NULL },
	{ "too many", W_TROUBLE, NULL },
	{ "unexpected", W_TROUBLE, NULL },
	{ "conflict", W_TROUBLE, NULL },
	{ "not found", W_TROUBLE, NULL },
	{ "permission", W_TROUBLE, NULL },
	{ "not permitted", W_TROUBLE, NULL },
	{ "in use", W_TROUBLE, NULL },
	{ "no space", W_TROUBLE, NULL },
	{ "fatal", W_TROUBLE, NULL },
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

_Static_assert(ARRAY_SIZE(gates) <= 64, "the hints are a 64-bit mask");
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

/* the masks of the gates (hints) and of the second stage, by kind */
static struct {
	bool ready;
	uint64_t kind[W_TROUBLE + 1];	/* of the gates */
	uint64_t other_kind[W_TROUBLE + 1];
	uint64_t failure;		/* the trouble gates: "a PCI address next to ..." */
	uint64_t device_programs;	/* EAL, NVRM: programs that speak only of devices */
	uint64_t no_iommu;		/* of the second stage */
	uint64_t pci;			/* of the second stage */
} masks;

bool vfd_unknown_word_gates(size_t i)
{
	/* every word the prefilter reports gates: the rest is the second stage's */
	return i < ARRAY_SIZE(gates);
}

static uint64_t bit_in(const struct word *table, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].text, text) == 0)
			return UINT64_C(1) << i;
	return 0;
}

static void masks_init(void)
{
	if (masks.ready)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(gates); i++)
		masks.kind[gates[i].kind] |= UINT64_C(1) << i;
	for (size_t i = 0; i < ARRAY_SIZE(others); i++)
		masks.other_kind[others[i].kind] |= UINT64_C(1) << i;
	masks.failure = masks.kind[W_TROUBLE];
	masks.device_programs = masks.kind[W_DEVICE];
	masks.no_iommu = bit_in(others, ARRAY_SIZE(others), "no iommu");
	masks.pci = bit_in(others, ARRAY_SIZE(others), "pci");
	masks.ready = true;
}

#define SECOND_STAGE_MAX 4096	/* of a line: the rest is not read for words */

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
static uint64_t other_words(const char *line, size_t len)
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

static bool hexc(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* @s[0..len) matches @shape: 'h' a hex digit, 'o' 0-7, other bytes themselves */
static bool shaped(const char *s, size_t len, const char *shape)
{
	size_t n = strlen(shape);

	if (len < n)
		return false;
	for (size_t k = 0; k < n; k++) {
		char c = s[k];

		if (shape[k] == 'h' ? !hexc(c) : shape[k] == 'o' ? !(c >= '0' && c <= '7')
								 : c != shape[k])
			return false;
	}
	return len == n || !hexc(s[n]);
}

/* a PCI address: DDDD:BB:DD.F, or BB:DD.F in brackets, parentheses or after "=" */
static bool has_pci_address(const char *line, size_t len)
{
	for (size_t i = 0; i + 7 <= len; i++) {
		char before = i ? line[i - 1] : ' ';

		if (hexc(before) || before == ':' || before == '.')
			continue;
		if (shaped(line + i, len - i, "hhhh:hh:hh.o"))
			return true;
		if ((before == '[' || before == '(' || before == '=' || before == ' ') &&
		    shaped(line + i, len - i, "hh:hh.o"))
			return true;
	}
	return false;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(s, prefix, n) == 0;
}

static bool starts_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

/*
 * The message after the log's own prefixes: a /dev/kmsg record head
 * "6,123,456789,-;", dmesg's "[  12.345678] " (with -T "[Mon Dec  5
 * 10:00:00 2024] "), a reply's quote marker "> ", the journal's "Mmm dd
 * hh:mm:ss host ident[pid]: ", an ISO timestamp "2024-05-01T12:00:00.1Z "
 * or libvirt's "2024-05-01 12:00:00.123+0000: 1234: error : ". *kernel tells
 * whether a prefix said the kernel wrote it; *ident is the journal's ident.
 */
static const char *strip_prefixes(const char *s, size_t *len, bool *kernel, const char **ident,
				  size_t *ident_len)
{
	const char *end = s + *len;
	bool again = true;

	*kernel = false;
	*ident = NULL;
	*ident_len = 0;
	while (again && s < end) {
		const char *p = s;

		again = false;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		/* /dev/kmsg: "level,seq,usec,flags;" */
		if (p < end && *p >= '0' && *p <= '9') {
			const char *q = p;
			int commas = 0;

			while (q < end && ((*q >= '0' && *q <= '9') || *q == ',' || *q == '-' ||
					   *q == 'c'))
				commas += *q++ == ',';
			if (q < end && *q == ';' && commas >= 2) {
				s = q + 1;
				*kernel = true;
				again = true;
				continue;
			}
		}
		/* dmesg: "[ 1.234567]" */
		if (p < end && *p == '[') {
			const char *q = p + 1;

			while (q < end && (*q == ' ' || (*q >= '0' && *q <= '9') || *q == '.'))
				q++;
			if (q < end && *q == ']' && q > p + 1) {
				s = q + 1;
				*kernel = true;
				again = true;
				continue;
			}
		}
		/* dmesg -T: "[Mon Dec  5 10:00:00 2024]" */
		if (end - p >= 10 && p[0] == '[' && p[4] == ' ' && p[8] == ' ') {
			const char *q = p + 9;

			while (q < end && (*q == ' ' || *q == ':' || (*q >= '0' && *q <= '9')))
				q++;
			if (q < end && *q == ']' && q - p >= 20) {
				s = q + 1;
				*kernel = true;
				again = true;
				continue;
			}
		}
		/* a reply's quote marker "> " around a pasted line */
		if (end - p >= 2 && p[0] == '>' && p[1] == ' ') {
			s = p + 2;
			again = true;
			continue;
		}
		/* an ISO date, with a time: "2024-05-01T12:00:00.123Z" or "2024-05-01 12:..." */
		if (end - p >= 19 && p[4] == '-' && p[7] == '-' && (p[10] == 'T' || p[10] == ' ') &&
		    p[13] == ':' && p[16] == ':') {
			const char *q = p + 19;

			while (q < end && *q != ' ')
				q++;
			s = q;
			again = true;
			continue;
		}
		/* libvirt's log: "1234: error : " after its timestamp */
		if (p < end && *p >= '0' && *p <= '9') {
			const char *q = p;

			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (end - q >= 2 && q[0] == ':' && q[1] == ' ') {
				s = q + 2;
				again = true;
				continue;
			}
		}
		/* syslog/journal: "Mmm dd hh:mm:ss host ident[pid]: " */
		if (end - p >= 16 && p[3] == ' ' && p[9] == ':' && p[12] == ':' &&
		    p[0] >= 'A' && p[0] <= 'Z') {
			const char *host = end - p > 16 ? memchr(p + 16, ' ', (size_t)(end - p - 16))
							 : NULL;
			const char *id, *colon;

			if (!host)
				break;
			id = host + 1;
			colon = memchr(id, ':', (size_t)(end - id));
			if (!colon || memchr(id, ' ', (size_t)(colon - id)))
				break;
			*ident = id;
			*ident_len = (size_t)(colon - id);
			if (memchr(id, '[', *ident_len))
				*ident_len = (size_t)((const char *)memchr(id, '[', *ident_len) - id);
			if (*ident_len == 6 && strncmp(id, "kernel", 6) == 0)
				*kernel = true;
			s = colon + 1;
			again = true;
			continue;
		}
		s = p;
	}
	while (s < end && *s == ' ')
		s++;
	*len = (size_t)(end - s);
	return s;
}

/*
 * The error heads of the VM programs. Their error lines rarely name a
 * device, yet an error that stops a VM with a device passed through is no
 * all-clear: unknown unless it names something outside passthrough (below).
 *  - QEMU's error_report() (util/error-report.c, error_vprintreport) writes
 *    "PROGRAM: [LOCATION: ]message", warn_report() and info_report() the same
 *    with "warning: " and "info: " after the location: those stay out. The
 *    program is qemu-system-ARCH, qemu-kvm (RHEL) or kvm (Proxmox, Debian's
 *    old qemu-kvm).
 *  - libvirt: virsh's "error: " (tools/vsh.c, vshReportError), the daemon's
 *    log "error : " (src/util/virlog.c, virLogFormatString), the library's
 *    stderr default "libvirt: DOMAIN error : " (src/util/virerror.c,
 *    virDefaultErrorFunc), the text of VIR_ERR_INTERNAL_ERROR ("internal
 *    error: "), Python's libvirt.libvirtError, and the journal lines of
 *    libvirtd and virtqemud that hold a word of failure (the journal carries
 *    no level in the text; the daemons log warnings and errors by default).
 *  - Proxmox's task log "TASK ERROR: " (PVE/RESTEnvironment.pm), Xen's
 *    "libxl: error: " (tools/libs/light/libxl_internal.c, libxl__log), the
 *    log level word of crosvm ("[... ERROR crosvm...]", base/src/syslog)
 *    and cloud-hypervisor ("cloud-hypervisor: 1.2ms: <vmm> ERROR:file:line
 *    -- ", src/main.rs's logger).
 * DPDK's EAL needs no rule here: it speaks only of devices (W_DEVICE).
 */
#define VM_ERROR_SUBSYSTEM "vm start or run (no device named)"

struct vm_head {
	const char *prefix;
	const char *program;
};

static const struct vm_head vm_heads[] = {
	{ "qemu-system-", "qemu" },
	{ "qemu-kvm:", "qemu" },
	{ "qemu:", "qemu" },
	{ "kvm:", "qemu" },
	{ "error:", "libvirt" },
	{ "error :", "libvirt" },
	{ "internal error", "libvirt" },
	{ "libvirt.libvirterror:", "libvirt" },
	{ "TASK ERROR:", "proxmox" },
	{ "libxl: error:", "xen" },
};

/* @word in @s (ASCII case ignored), at its start or after a byte that is no letter or digit */
static bool has_word(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++) {
		char b = i ? s[i - 1] : ' ';

		if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9'))
			continue;
		if (strncasecmp(s + i, word, n) == 0)
			return true;
	}
	return false;
}

/*
 * What a VM program's error names when it is about something else than
 * passthrough; the words come from where the programs print these errors:
 *  - disks and images: QEMU's -drive/-blockdev options and block/ ("Could
 *    not open '...qcow2'", file-posix.c's "Failed to get \"write\" lock" and
 *    "Is another process using the image"), libvirt's storage
 *    driver (src/storage/, "storage pool", "storage volume", "Cannot access
 *    storage file"), Xen's vbd and qdisk backends, Proxmox's storage;
 *  - network: QEMU's -netdev and net/tap-linux.c (/dev/net/tun, TUNSET*),
 *    net/slirp.c, libvirt's src/util/virnetdev*.c and network driver
 *    (bridge, macvtap, vnet, virbr, ethtool, /sys/class/net), Xen's vif;
 *  - display and audio: QEMU's ui/ (vnc.c, spice-core.c, gtk.c, sdl2.c,
 *    egl-helpers.c) and audio/;
 *  - migration and snapshots: QEMU's migration/, libvirt's qemu_migration.c,
 *    Proxmox's backup (vzdump);
 *  - the guest agent: libvirt's qemu_agent.c, QEMU's qga;
 *  - CPU models and feature flags: QEMU's target/i386/cpu.c ("-cpu", "CPU
 *    model", CPUID), libvirt's src/cpu/ ("guest CPU", "host CPU");
 *  - the user's own typo that the program names: QEMU's vl.c ("invalid
 *    option"), virsh's vsh.c ("unknown command", "unknown option", "failed
 *    to get domain") and virerror.c's VIR_ERR_NO_DOMAIN ("Domain not found");
 *  - a VM stopped on purpose: QEMU's system/runstate.c "terminating on
 *    signal N from pid" (error_report, on every shutdown that libvirt or a
 *    user asks for), and libvirt's rpc/virnetsocket.c "End of file while
 *    reading data" (a client went away).
 * A passthrough word, or a PCI address next to a failure, still makes such a
 * line relevant; a mere device word does not (the errno texts "No such
 * device", "Device or resource busy" of a tap or an image).
 */
static const char *const elsewhere[] = {
	"-drive", "blockdev", "block ", "qcow", ".img", ".iso", ".raw", ".vmdk", "file=",
	"disk", "storage", "volume", "vbd", "qdisk", "using the image", "\"write\" lock",
	"netdev", "network", "/dev/net/tun", "tunset", "tap", "bridge", "macvtap", "vhost-net",
	"vnet", "virbr", "vif", "slirp", "ethtool", "/sys/class/net",
	"vnc", "spice", "display", "gtk", "sdl", "egl", "opengl", "audio", "pulseaudio", "alsa",
	"migration", "migrate", "savevm", "vzdump", "backup",
	"guest agent", "qemu-ga", "qga",
	"-cpu", "cpu model", "cpuid", "guest cpu", "host cpu", "feature",
	"invalid option", "unknown option", "unrecognized option", "unknown command",
	"domain not found", "failed to get domain",
	"terminating on signal", "end of file while reading data",
};

/*
 * Looking Glass's error head: its debug_printPrefix (common/src/debug.c)
 * writes "HH:MM:SS.mmm [E] FILE:LINE | FUNCTION | ", older releases and the
 * Windows host's DEBUG_WINERROR (common/src/platform/windows/windebug.c) a
 * count of microseconds or nothing before "[E]". The level is the third
 * field: only digits, colons, dots and blanks come before it, and two " | "
 * separators after the file and line.
 */
#define LOOKING_GLASS_SUBSYSTEM "Looking Glass (IVSHMEM frame relay)"

static bool looking_glass_error(const char *msg, size_t mlen)
{
	const char *e = memmem(msg, mlen, "[E] ", 4), *rest, *bar;
	size_t rlen;

	if (!e)
		return false;
	for (const char *p = msg; p < e; p++)
		if (!((*p >= '0' && *p <= '9') || *p == ':' || *p == '.' || *p == ' '))
			return false;
	rest = e + 4;
	rlen = (size_t)(msg + mlen - rest);
	bar = memmem(rest, rlen, " | ", 3);
	if (!bar || !memchr(rest, ':', (size_t)(bar - rest)))
		return false;
	rlen -= (size_t)(bar + 3 - rest);
	return memmem(bar + 3, rlen, " | ", 3) != NULL;
}

/*
 * The program whose error head starts @msg (after the log's prefixes), or
 * NULL: a warning or info line of it, or not a VM program's line.
 */
static const char *vm_error_program(const char *msg, size_t mlen, bool kernel, const char *ident,
				    size_t ident_len, uint64_t hints)
{
	const char *program = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(vm_heads) && !program; i++)
		if (starts_ci(msg, mlen, vm_heads[i].prefix))
			program = vm_heads[i].program;
	/* "kvm:" is the kernel's own where the kernel wrote it (origin_of) */
	if (program && kernel && starts(msg, mlen, "kvm:"))
		return NULL;
	if (!program && ident && (hints & masks.failure) &&
	    (starts(ident, ident_len, "libvirtd") || starts(ident, ident_len, "virtqemud")))
		program = "libvirt";
	/* virerror.c's "libvirt: DOMAIN error : ", DOMAIN empty or "QEMU Driver" */
	if (!program && starts(msg, mlen, "libvirt:") && memmem(msg, mlen, " error : ", 9))
		program = "libvirt";
	if (!program && starts(msg, mlen, "cloud-hypervisor:") && memmem(msg, mlen, " ERROR:", 7))
		program = "cloud-hypervisor";
	if (!program && mlen && msg[0] == '[') {
		const char *close = memchr(msg, ']', mlen);
		size_t n = close ? (size_t)(close - msg) : 0;

		if (memmem(msg, n, "ERROR", 5) && memmem(msg, mlen, "crosvm", 6))
			program = "crosvm";
	}
	if (!program && looking_glass_error(msg, mlen))
		program = "looking-glass";
	/*
	 * QEMU's warn_report() and info_report() (libvirt's "warning : " has no
	 * head above)
	 */
	if (program && (memmem(msg, mlen, ": warning:", 10) || memmem(msg, mlen, ": info:", 7)))
		return NULL;
	return program;
}

static bool names_elsewhere(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(elsewhere); i++)
		if (has_word(s, len, elsewhere[i]))
			return true;
	return false;
}

/*
 * A VM program's error head on @line: its program, and *elsewhere_out
 * whether the line names something outside passthrough; NULL without one.
 */
static const char *vm_error(const char *line, size_t len, uint64_t hints, bool *elsewhere_out)
{
	const char *ident, *msg, *program;
	size_t ident_len, mlen = len;
	bool kernel;

	msg = strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
	program = vm_error_program(msg, mlen, kernel, ident, ident_len, hints);
	*elsewhere_out = program && names_elsewhere(msg, mlen);
	return program;
}

/* Linux 2.6's KVM wrote "kvm: %i: cpu%i " before its MSR notes (pr_unimpl in
 * arch/x86/kvm/x86.c); QEMU's "kvm: " (Proxmox, RHEL) is never followed by a
 * number and ": cpu" */
static bool kvm_26_unimpl(const char *msg, size_t mlen)
{
	size_t i = 5;

	if (!starts(msg, mlen, "kvm: "))
		return false;
	while (i < mlen && msg[i] >= '0' && msg[i] <= '9')
		i++;
	return i > 5 && starts(msg + i, mlen - i, ": cpu");
}

struct origin {
	const char *prefix;		/* at the start of the message */
	bool ci;			/* compared ignoring case */
	const char *program;
	const char *subsystem;		/* NULL: from the words of the line */
};

/* from the most specific prefix to the least */
static const struct origin origins[] = {
	{ "DMAR-IR:", false, "linux", "intel interrupt remapping (DMAR-IR)" },
	{ "DMAR:", false, "linux", "intel-iommu (DMAR)" },
	{ "AMD-Vi:", false, "linux", "amd-iommu (AMD-Vi)" },
	{ "iommu:", false, "linux", "iommu core" },
	{ "vfio-pci ", false, "linux", "vfio-pci" },
	{ "vfio-pci:", false, "linux", "vfio-pci" },
	{ "vfio_pci", false, "linux", "vfio-pci" },
	{ "vfio_iommu_type1", false, "linux", "vfio iommu type1" },
	{ "vfio", false, "linux", "vfio" },
	{ "VFIO - ", false, "linux", "vfio" },
	{ "pcieport ", false, "linux", "pci core (PCIe port)" },
	{ "pci ", false, "linux", "pci core" },
	{ "PCI:", false, "linux", "pci core" },
	{ "NVRM:", false, "nvidia", "NVRM (nvidia driver)" },
	{ "amdgpu", false, "linux", "amdgpu (gpu driver)" },
	{ "[drm:amdgpu", false, "linux", "amdgpu (gpu driver)" },
	{ "i915 ", false, "linux", "i915 (gpu driver)" },
	{ "[drm:", false, "linux", "drm (gpu driver)" },
	{ "nouveau ", false, "linux", "nouveau (gpu driver)" },
	{ "radeon", false, "linux", "radeon (gpu driver)" },
	{ "xe ", false, "linux", "xe (gpu driver)" },
	{ "efifb:", false, "linux", "efifb (firmware framebuffer)" },
	{ "pciehp ", false, "linux", "pci hotplug (pciehp)" },
	{ "xhci_hcd ", false, "linux", "usb host controller (xhci)" },
	{ "nvme", false, "linux", "nvme" },
	{ "snd_hda_intel ", false, "linux", "hd audio (snd_hda_intel)" },
	{ "mlx5_core ", false, "linux", "network driver (mlx5)" },
	{ "ixgbe ", false, "linux", "network driver (ixgbe)" },
	{ "i40e ", false, "linux", "network driver (i40e)" },
	{ "e1000e ", false, "linux", "network driver (e1000e)" },
	{ "igb ", false, "linux", "network driver (igb)" },
	{ "ice ", false, "linux", "network driver (ice)" },
	{ "iavf ", false, "linux", "network driver (iavf)" },
	{ "iavf_", false, "dpdk", "iavf (dpdk vf driver)" },	/* DPDK logs "func(): " */
	{ "kvm [", false, "linux", "kvm" },	/* "kvm [1234]: vcpu0, ... unhandled rdmsr" */
	{ "kvm_intel:", false, "linux", "kvm (kvm_intel)" },
	{ "kvm_amd:", false, "linux", "kvm (kvm_amd)" },
	{ "x2apic:", false, "linux", "interrupt remapping (x2apic)" },
	{ "modprobe:", false, "kmod", "kernel modules" },
	{ "insmod:", false, "kmod", "kernel modules" },
	{ "audit:", false, "linux", "security (audit)" },
	{ "EAL:", false, "dpdk", "EAL (dpdk device access)" },
	{ "libxl:", false, "xen", "libxl pci" },
	{ "qemu-system-", false, "qemu", NULL },
	{ "qemu-kvm:", false, "qemu", NULL },
	/* QEMU's accel/kvm and target/i386/kvm write these to stderr bare */
	{ "error: kvm run failed", false, "qemu", "kvm (accel/kvm)" },
	{ "KVM: entry failed", false, "qemu", "kvm (accel/kvm)" },
	{ "KVM internal error", false, "qemu", "kvm (accel/kvm)" },
	{ "kvm:", false, "qemu", NULL },	/* QEMU's name under Proxmox and RHEL */
	{ "crosvm", false, "crosvm", NULL },
	{ "acrn-dm", false, "acrn", NULL },
	{ "cloud-hypervisor", false, "cloud-hypervisor", NULL },
	{ "TASK ERROR:", false, "proxmox", "qemu-server" },
	{ "error: internal error", false, "libvirt", "hostdev" },
	{ "error:", false, "libvirt", "hostdev" },
	{ "error :", false, "libvirt", "hostdev" },
	{ "warning :", false, "libvirt", "hostdev" },
	{ "libvirt", true, "libvirt", "hostdev" },
	{ "dracut", false, "dracut", "initramfs modules" },
	{ "==> ERROR", false, "mkinitcpio", "initramfs modules" },
	{ "==> WARNING", false, "mkinitcpio", "initramfs modules" },
	{ "mkinitcpio", false, "mkinitcpio", "initramfs modules" },
	{ "update-initramfs", false, "initramfs-tools", "initramfs modules" },
	{ "W: ", false, "initramfs-tools", "initramfs modules" },
	{ "E: ", false, "initramfs-tools", "initramfs modules" },
};

/* journal idents that name the program */
static const struct origin idents[] = {
	{ "libvirtd", false, "libvirt", "hostdev" },
	{ "virtqemud", false, "libvirt", "hostdev" },
	{ "qemu-system-", false, "qemu", NULL },
	{ "pvedaemon", false, "proxmox", "qemu-server" },
	{ "qm", false, "proxmox", "qemu-server" },
	{ "xl", false, "xen", "libxl pci" },
	{ "dracut", false, "dracut", "initramfs modules" },
	{ "nvidia-vgpu-mgr", false, "nvidia", "nvidia vgpu" },
};

/* the subsystem the first thing word names, or the device kind */
static const char *subsystem_of(uint64_t hints, uint64_t other, bool pci_address)
{
	for (size_t i = 0; i < ARRAY_SIZE(gates); i++)
		if (gates[i].kind == W_THING && (hints & (UINT64_C(1) << i)))
			return gates[i].subsystem;
	return pci_address || (other & masks.pci) ? "pci" : "unknown";
}

/*
 * QEMU's hw/vfio reports many errors as "function(args) failed: ..."
 * (vfio_region_write, vfio_dma_map): a call shape the kernel does not print
 */
static bool qemu_call(const char *s, size_t len)
{
	size_t i = 0;

	if (!starts(s, len, "vfio_"))
		return false;
	while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
			   s[i] == '_'))
		i++;
	return i < len && s[i] == '(';
}

/* a driver's dev_err prefix: "e1000e 0000:00:19.0: " -> linux, "e1000e" */
static bool driver_prefix(const char *s, size_t len, size_t *name_len)
{
	const char *sp = memchr(s, ' ', len);
	size_t n = sp ? (size_t)(sp - s) : 0;

	if (!sp || n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	*name_len = n;
	return shaped(sp + 1, len - n - 1, "hhhh:hh:hh.o") || shaped(sp + 1, len - n - 1,
									"hhhh:hh:hh.o:");
}

static void origin_of(const char *line, size_t len, uint64_t hints, uint64_t other,
		      bool pci_address, struct vfd_unknown_class *out)
{
	const char *ident, *msg;
	size_t ident_len, mlen = len, dlen;
	bool kernel;

	msg = strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
	out->program = NULL;
	out->subsystem = NULL;
	if (qemu_call(msg, mlen)) {
		out->program = "qemu";
		out->subsystem = "vfio (hw/vfio)";
	}
	/* the journal's ident names the writer for sure: before the message's own words */
	for (size_t i = 0; ident && i < ARRAY_SIZE(idents) && !out->program; i++)
		if (starts(ident, ident_len, idents[i].prefix)) {
			out->program = idents[i].program;
			out->subsystem = idents[i].subsystem;
		}
	for (size_t i = 0; i < ARRAY_SIZE(origins) && !out->program; i++) {
		const struct origin *o = &origins[i];

		if (o->ci ? starts_ci(msg, mlen, o->prefix) : starts(msg, mlen, o->prefix)) {
			out->program = o->program;
			out->subsystem = o->subsystem;
		}
	}
	/* "kvm:" is QEMU under Proxmox, but the kernel's KVM where the kernel wrote it,
	 * or where "kvm: PID: cpuN " follows: Linux 2.6's pr_unimpl (arch/x86/kvm/x86.c) */
	if ((kernel && starts(msg, mlen, "kvm:")) || kvm_26_unimpl(msg, mlen)) {
		out->program = "linux";
		out->subsystem = "kvm";
	}
	if (!out->program && driver_prefix(msg, mlen, &dlen)) {
		/* the name is in the line, not static: give the kind */
		out->program = "linux";
		out->subsystem = "pci driver";
	}
	if (!out->program && kernel)
		out->program = "linux";
	/* Proxmox's qemu-server dies with this sentence (PVE/QemuServer.pm) */
	if (!out->program && (other & masks.no_iommu) && memmem(msg, mlen, "please activate it", 18)) {
		out->program = "proxmox";
		out->subsystem = "qemu-server";
	}
	if (!out->program)
		out->program = "unknown";
	if (!out->subsystem)
		out->subsystem = subsystem_of(hints, other, pci_address);
}

bool vfd_unknown_classify(const char *line, size_t len, uint64_t hints,
			  struct vfd_unknown_class *out)
{
	uint64_t thing, program, context, trouble, other;
	bool relevant = false, pci = false;
	const char *vm_program;
	bool elsewhere_named = false;

	masks_init();
	memset(out, 0, sizeof(*out));
	thing = hints & masks.kind[W_THING];
	program = hints & (masks.kind[W_PROGRAM] | masks.kind[W_DEVICE]);
	if (!line || !(thing || program || (hints & masks.failure)))
		return false;
	/*
	 * An error of a VM program is relevant unless it names something else;
	 * a line with a passthrough word is relevant anyway (its head is read
	 * below, only where it has no word of trouble)
	 */
	vm_program = thing ? NULL : vm_error(line, len, hints, &elsewhere_named);
	if (elsewhere_named)
		vm_program = NULL;
	/*
	 * A line held only by a failure word matters only next to a PCI address
	 * or as a VM program's error: those tests first, so the many "error"
	 * lines of a boot log cost no second-stage search.
	 */
	if (!thing && !program && !vm_program) {
		pci = has_pci_address(line, len);
		if (!pci)
			return false;
	}
	other = other_words(line, len);
	trouble = (hints & masks.failure) | (other & masks.other_kind[W_TROUBLE]);
	context = other & masks.other_kind[W_CONTEXT];
	if (trouble && (thing || program))
		pci = has_pci_address(line, len);
	if (thing) {
		relevant = true;
		if (!trouble && vm_error(line, len, hints, &elsewhere_named) && !elsewhere_named)
			trouble = 1;	/* an error-level line of a VM program */
	}
	/* a failure next to a PCI address: a device of the kind passed through */
	else if (pci && (hints & masks.failure))
		relevant = true;
	/*
	 * DPDK and NVRM speak only of devices; QEMU, libvirt and libxl of much
	 * else: a device word makes their failure relevant, unless their error
	 * names a disk, network, display... ("No such device" of a tap, "Device
	 * or resource busy" of an image)
	 */
	else if (trouble && program)
		relevant = (hints & masks.device_programs) || pci ||
			   (context && !elsewhere_named);
	/* a VM program's error-level line is a problem, words of trouble or not */
	if (!relevant && !vm_program)
		return false;
	out->problem = trouble != 0 || vm_program;
	origin_of(line, len, hints, other, pci || (!trouble && has_pci_address(line, len)), out);
	if (vm_program && strcmp(out->program, "unknown") == 0)
		out->program = vm_program;
	/* known only by its program's error head: it names no subsystem */
	if (!relevant)
		out->subsystem = strcmp(vm_program, "looking-glass") == 0 ?
				 LOOKING_GLASS_SUBSYSTEM : VM_ERROR_SUBSYSTEM;
	return true;
}
