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
 * The gate words (explain-unknown-words.c) are found by the knowledge base's own
 * prefilter (kb-parse.c puts them into kb-prefilter.c and hands them over as the
 * hints of a match), so lines that hold none of them cost nothing here; the words
 * that only qualify a line (trouble, device context) are searched on the few
 * lines that passed. Where the line comes from is read
 * from its prefix: the kernel's driver prefixes ("DMAR:", "AMD-Vi:",
 * "vfio-pci 0000:01:00.0:"), QEMU's program name, libvirt's "error:" and log
 * format, "EAL:", "libxl:", "NVRM:", the initramfs tools' own, and the
 * timestamps of dmesg, /dev/kmsg and the journal.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "explain-unknown.h"
#include "explain-unknown-int.h"
#include "internal.h"

static bool hexc(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* @s[0..len) matches @shape (@n bytes): 'h' a hex digit, 'o' 0-7, other bytes themselves */
static bool shaped(const char *s, size_t len, const char *shape, size_t n)
{
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

/*
 * a PCI address: DDDD:BB:DD.F, or BB:DD.F in brackets, parentheses or after
 * "=" or a blank; not inside a longer run of hex digits, colons and dots.
 * Tried only at the colons of the line (memchr), where its first colon can be.
 */
static bool has_pci_address(const char *line, size_t len)
{
	static const char full[] = "hhhh:hh:hh.o", bus[] = "hh:hh.o";

	for (const char *c = memchr(line, ':', len); c;
	     c = memchr(c + 1, ':', len - (size_t)(c + 1 - line))) {
		size_t j = (size_t)(c - line);

		for (size_t back = 4; back >= 2; back -= 2) {
			size_t i = j - back;
			char before;

			if (j < back)
				continue;
			before = i ? line[i - 1] : ' ';
			if (hexc(before) || before == ':' || before == '.')
				continue;
			if (back == 4 && shaped(line + i, len - i, full, sizeof(full) - 1))
				return true;
			if (back == 2 && (before == '[' || before == '(' || before == '=' ||
					  before == ' ') &&
			    shaped(line + i, len - i, bus, sizeof(bus) - 1))
				return true;
		}
		if (c + 1 >= line + len)
			break;
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
 *    -- ", src/main.rs's logger), the ACRN hypervisor's console head with
 *    an error severity ("[123us][cpu=0][vm1:vcpu0][sev=3][seq=9]:",
 *    acrn_console_error() below).
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
 * The ACRN hypervisor's console head (hypervisor/debug/logmsg.c, do_logmsg):
 * "[%luus][cpu=%hu][%s][sev=%u][seq=%u]:" before the message, the thread's
 * name ("vm1:vcpu0", "idle", "(null)") missing in releases before 1.5, and
 * the shell's prompt "ACRN:\>" in front where the line was typed at it. The
 * severity is logmsg.h's: 1 fatal, 2 ACRN, 3 error, 4 warning, 5 info, 6
 * debug. True for an error-level head (1 to 3).
 */
static size_t digits(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

static bool acrn_console_error(const char *msg, size_t mlen)
{
	const char *p = msg, *end = msg + mlen, *close;
	size_t n;

	if (starts(p, mlen, "ACRN:\\>"))
		p += 7;
	if (end - p < 2 || *p != '[')
		return false;
	n = digits(p + 1, (size_t)(end - p - 1));
	p += 1 + n;
	if (!n || !starts(p, (size_t)(end - p), "us][cpu="))
		return false;
	p += 8;
	n = digits(p, (size_t)(end - p));
	p += n;
	if (!n || p >= end || *p != ']')
		return false;
	p++;
	/* the thread's name, where the release prints it */
	if (!starts(p, (size_t)(end - p), "[sev=")) {
		if (p >= end || *p != '[' || !(close = memchr(p, ']', (size_t)(end - p))))
			return false;
		p = close + 1;
	}
	if (!starts(p, (size_t)(end - p), "[sev=") || end - p < 8 || p[6] != ']' ||
	    !starts(p + 7, (size_t)(end - p - 7), "[seq="))
		return false;
	return p[5] >= '1' && p[5] <= '3';
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
	if (!program && ident && (hints & unknown_masks.failure) &&
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
	if (!program && acrn_console_error(msg, mlen))
		program = "acrn";
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

	msg = unknown_strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
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
	{ "[drm]", false, "linux", "drm (gpu driver)" },
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
	{ "rmmod:", false, "kmod", "kernel modules" },
	{ "depmod:", false, "kmod", "kernel modules" },
	{ "modinfo:", false, "kmod", "kernel modules" },
	{ "kmod:", false, "kmod", "kernel modules" },
	{ "audit:", false, "linux", "security (audit)" },
	{ "EAL:", false, "dpdk", "EAL (dpdk device access)" },
	{ "PCI_BUS:", false, "dpdk", "pci bus (dpdk)" },
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
	{ "mkinitramfs", false, "initramfs-tools", "initramfs modules" },
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
	const char *thing = unknown_thing_subsystem(hints);

	if (thing)
		return thing;
	return pci_address || (other & unknown_masks.pci) ? "pci" : "unknown";
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
	return shaped(sp + 1, len - n - 1, "hhhh:hh:hh.o", 12) ||
	       shaped(sp + 1, len - n - 1, "hhhh:hh:hh.o:", 13);
}

static void origin_of(const char *line, size_t len, uint64_t hints, uint64_t other,
		      bool pci_address, struct vfd_unknown_class *out)
{
	const char *ident, *msg;
	size_t ident_len, mlen = len, dlen;
	bool kernel;

	msg = unknown_strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
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
	if (!out->program && (other & unknown_masks.no_iommu) && memmem(msg, mlen, "please activate it", 18)) {
		out->program = "proxmox";
		out->subsystem = "qemu-server";
	}
	if (!out->program)
		out->program = "unknown";
	if (!out->subsystem)
		out->subsystem = subsystem_of(hints, other, pci_address);
}

/*
 * The heads of the tools that put vfio-pci into the initramfs and load the
 * modules; their level decides, as a VM program's head does:
 *  - dracut's logger (modules.d/99base/dracut-lib.sh and dracut-logger.sh):
 *    "dracut[E]: ", "dracut[F]: " (fatal), "dracut[W]: "; older releases and
 *    the journal "dracut: "; dracut-install (src/install/dracut-install.c)
 *    "dracut-install: " and, before a failed module, "ERROR: ";
 *  - mkinitcpio's functions file: error() "==> ERROR: ", warning() "==>
 *    WARNING: ";
 *  - initramfs-tools' hook-functions and mkinitramfs: "E: ", "W: ", and the
 *    programs' own names "mkinitramfs: ", "update-initramfs: ";
 *  - kmod's tools (shared/log.c, tools/log.c): "NAME: ERROR: ", "NAME: FATAL: ",
 *    "NAME: WARNING: " for modprobe, insmod, rmmod, depmod, modinfo, kmod.
 * An error head is a problem; a warning head (or dracut's and depmod's info
 * head) is read as the kernel's lines are, by its words: a problem with a
 * word of trouble, else informational ("W: Possible missing firmware" is
 * reassured below); a head without a level matters only with a word of
 * trouble.
 */
enum tool_level { NOT_TOOL, TOOL_PLAIN, TOOL_WARNING, TOOL_ERROR };

struct tool_head {
	const char *prefix, *program;
	enum tool_level level;
};

static const struct tool_head tool_heads[] = {
	{ "dracut[E]:", "dracut", TOOL_ERROR },
	{ "dracut[F]:", "dracut", TOOL_ERROR },
	{ "dracut[W]:", "dracut", TOOL_WARNING },
	{ "dracut[I]:", "dracut", TOOL_WARNING },	/* its info level: no more than a warning */
	{ "dracut-install: ERROR", "dracut", TOOL_ERROR },
	{ "dracut", "dracut", TOOL_PLAIN },
	{ "==> ERROR:", "mkinitcpio", TOOL_ERROR },
	{ "==> WARNING:", "mkinitcpio", TOOL_WARNING },
	{ "E: ", "initramfs-tools", TOOL_ERROR },
	{ "W: ", "initramfs-tools", TOOL_WARNING },
	{ "mkinitramfs: ", "initramfs-tools", TOOL_PLAIN },
	{ "update-initramfs: ", "initramfs-tools", TOOL_PLAIN },
};

static const char *const kmod_tools[] = {
	"modprobe: ", "insmod: ", "rmmod: ", "depmod: ", "modinfo: ", "kmod: ",
};

/* the tool whose head starts @line's message (in *program), or NOT_TOOL */
static enum tool_level tool_line(const char *line, size_t len, const char **program)
{
	const char *ident, *msg;
	size_t ident_len, mlen = len;
	bool kernel;

	msg = unknown_strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
	if (kernel)
		return NOT_TOOL;
	for (size_t i = 0; i < ARRAY_SIZE(kmod_tools); i++) {
		size_t n = strlen(kmod_tools[i]);

		if (!starts(msg, mlen, kmod_tools[i]))
			continue;
		*program = "kmod";
		if (starts(msg + n, mlen - n, "ERROR:") || starts(msg + n, mlen - n, "FATAL:"))
			return TOOL_ERROR;
		return starts(msg + n, mlen - n, "WARNING:") || starts(msg + n, mlen - n, "INFO:") ?
		       TOOL_WARNING : TOOL_PLAIN;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tool_heads); i++)
		if (starts(msg, mlen, tool_heads[i].prefix)) {
			*program = tool_heads[i].program;
			return tool_heads[i].level;
		}
	if (ident && starts(ident, ident_len, "dracut")) {
		*program = "dracut";
		return TOOL_PLAIN;
	}
	return NOT_TOOL;
}

/* does every @word in @s (ASCII case ignored) go on with one of @tails? */
static bool only_as(const char *s, size_t len, const char *word, const char *const *tails)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++) {
		bool tail = false;

		if (strncasecmp(s + i, word, n) != 0)
			continue;
		for (const char *const *t = tails; *t && !tail; t++)
			tail = starts_ci(s + i + n, len - i - n, *t);
		if (!tail)
			return false;
	}
	return true;
}

/*
 * The words of trouble in @line, less those that are none where they stand:
 * "invalid" in the IOMMU's "invalidation" and "invalidate", "not " in "not
 * enabled" and "not available" (an optional feature: W_WEAK) and "not a bug"
 */
static uint64_t trouble_of(const char *line, size_t len, uint64_t hints, uint64_t other)
{
	static const char *const invalid_tails[] = { "at", NULL };
	static const char *const not_tails[] = { "enabled", "available", "a bug", NULL };
	uint64_t gate = hints & unknown_masks.failure;

	if (len > SECOND_STAGE_MAX)
		len = SECOND_STAGE_MAX;
	if ((gate & unknown_masks.invalid) && only_as(line, len, "invalid", invalid_tails))
		gate &= ~unknown_masks.invalid;
	if ((gate & unknown_masks.not) && only_as(line, len, "not ", not_tails))
		gate &= ~unknown_masks.not;
	return gate | (other & unknown_masks.other_kind[W_TROUBLE]);
}

/*
 * The printing code's own word that the line is harmless: amd_iommu_v2's
 * "This is not a bug", xen-pciback's "This may be harmless" (conf_space.c),
 * and the initramfs tools' hedge on firmware files that a module may want
 * (initramfs-tools' hook-functions "Possible missing firmware", mkinitcpio's
 * "Possibly missing firmware", dracut-install's the same)
 */
static bool reassured(const char *line, size_t len)
{
	static const char *const phrases[] = { "not a bug", "may be harmless", "is harmless",
					       "can be ignored", "can safely be ignored",
					       "possible missing firmware",
					       "possibly missing firmware",
					       /* corrected by the hardware: rockchip's "correctable
						  error interrupt received" (pcie-rockchip-host.c), and
						  AER's corrected errors (aer.c aer_print_error and
						  aer_isr_one_error: "Corrected error received",
						  "severity=Corrected", 6.12's "Correctable") */
					       "correctable error", "corrected error",
					       "severity=corrected", "severity=correctable" };

	for (size_t i = 0; i < ARRAY_SIZE(phrases); i++)
		if (has_word(line, len, phrases[i]))
			return true;
	return false;
}

#define TOOL_SUBSYSTEM "initramfs or kernel modules (no device named)"

bool vfd_unknown_classify(const char *line, size_t len, uint64_t hints,
			  struct vfd_unknown_class *out)
{
	uint64_t thing, program, context, trouble, other;
	bool relevant = false, pci = false;
	const char *vm_program, *tool_program = NULL;
	enum tool_level tool = NOT_TOOL;
	bool elsewhere_named = false, logged_error = false, vm_unit = false;
	const char *crash = NULL;

	unknown_masks_init();
	memset(out, 0, sizeof(*out));
	thing = hints & unknown_masks.kind[W_THING];
	program = hints & (unknown_masks.kind[W_PROGRAM] | unknown_masks.kind[W_DEVICE]);
	if (!line || !(thing || program || (hints & (unknown_masks.failure |
						     unknown_masks.kind[W_TOOL]))))
		return false;
	/*
	 * An error of a VM program is relevant unless it names something else;
	 * a line with a passthrough word is relevant anyway (its head is read
	 * below, only where it has no word of trouble)
	 */
	vm_program = thing ? NULL : vm_error(line, len, hints, &elsewhere_named);
	if (elsewhere_named)
		vm_program = NULL;
	if (!vm_program && (hints & unknown_masks.kind[W_TOOL]))
		tool = tool_line(line, len, &tool_program);
	/*
	 * A line held only by a failure word matters only next to a PCI address
	 * or a noun of the things passed through, as a VM program's error or a
	 * tool's, as a kernel crash, or as a Go logger's error about a VM's
	 * device (explain-unknown-signs.c): those tests first, so the many
	 * "error" lines of a boot log cost no second-stage search.
	 */
	if (!thing && !program && !vm_program && !tool) {
		pci = has_pci_address(line, len);
		if (!pci && (hints & unknown_masks.failure))
			tool = tool_line(line, len, &tool_program);
		/* a noun is a weaker sign than an address: "not " alone is no failure next to it
		 * ("PCIe port services disabled; not requesting _OSC control") */
		if (!pci && !tool && (hints & unknown_masks.failure & ~unknown_masks.not))
			pci = unknown_names_pci_thing(line, len);
		if (!pci && !tool && (hints & unknown_masks.failure))
			crash = unknown_kernel_crash(line, len);
		if (!pci && !tool && !crash && (hints & unknown_masks.failure))
			logged_error = unknown_logger_level(line, len) == LOGGER_ERROR;
		if (!pci && !tool && !logged_error && !crash)
			return false;
	}
	/* a crash or hang names its task, often a VM program's ("[qemu-system-x86:1234]") */
	if (!crash && !thing && program && (hints & unknown_masks.failure))
		crash = unknown_kernel_crash(line, len);
	other = unknown_other_words(line, len);
	trouble = trouble_of(line, len, hints, other);
	context = other & unknown_masks.other_kind[W_CONTEXT];
	if (trouble && (thing || program))
		pci = has_pci_address(line, len);
	/*
	 * a passthrough word makes a line relevant; an error head of a VM
	 * program makes it a problem even where it names a disk or a display
	 * too ("-device vfio-pci,...: ramfb=on requires display=on")
	 */
	if (thing) {
		relevant = true;
		if (!trouble && vm_error(line, len, hints, &elsewhere_named))
			trouble = 1;	/* an error-level line of a VM program */
	}
	/* a failure next to a PCI address: a device of the kind passed through */
	else if (pci && (hints & unknown_masks.failure))
		relevant = true;
	/*
	 * DPDK and NVRM speak only of devices; QEMU, libvirt and libxl of much
	 * else: a device word makes their failure relevant, unless their error
	 * names a disk, network, display... ("No such device" of a tap, "Device
	 * or resource busy" of an image)
	 */
	/*
	 * a Go logger's error names no program we know: relevant where it speaks
	 * of what a VM's device has (its memory, interrupts, DMA, a reset, a
	 * GPU), not of a disk, network or display, nor only of "device" (the
	 * errno texts of a mount or a tap)
	 */
	else if (crash)
		relevant = true;
	else if (logged_error)
		relevant = trouble && (context & ~unknown_masks.device) &&
			   !names_elsewhere(line, len);
	else if (trouble && program) {
		relevant = (hints & unknown_masks.device_programs) || pci ||
			   (context && !elsewhere_named);
		vm_unit = !relevant && (hints & unknown_masks.kind[W_PROGRAM]) &&
			  unknown_vm_unit_failed(line, len);
		relevant = relevant || vm_unit;
	}
	/* a tool's line without a level matters with a word of trouble */
	if (tool == TOOL_PLAIN && !trouble && !relevant)
		tool = NOT_TOOL;
	/* a VM program's error-level line is a problem, words of trouble or not */
	if (!relevant && !vm_program && !tool)
		return false;
	out->problem = trouble != 0 || vm_program || tool == TOOL_ERROR;
	if (out->problem && reassured(line, len))
		out->problem = false;
	origin_of(line, len, hints, other, pci || (!trouble && has_pci_address(line, len)), out);
	/* a Go logger's error: the program is not in the line, its subject is */
	if (logged_error && strcmp(out->subsystem, "unknown") == 0)
		out->subsystem = "vm device (a Go program's logged error)";
	if (vm_unit) {
		out->program = "systemd";
		out->subsystem = VM_UNIT_SUBSYSTEM;
	}
	if (crash) {
		out->problem = true;
		out->program = "linux";
		out->subsystem = crash;
	}
	if (vm_program && strcmp(out->program, "unknown") == 0)
		out->program = vm_program;
	if (tool)
		out->program = tool_program;
	/* known only by its program's error head: it names no subsystem */
	if (!relevant)
		out->subsystem = tool ? TOOL_SUBSYSTEM :
				 strcmp(vm_program, "looking-glass") == 0 ?
				 LOOKING_GLASS_SUBSYSTEM : VM_ERROR_SUBSYSTEM;
	return true;
}

bool vfd_unknown_classify_alone(const char *line, size_t len, struct vfd_unknown_class *out)
{
	return vfd_unknown_classify(line, len, line ? unknown_hints_by_search(line, len) : 0, out);
}
