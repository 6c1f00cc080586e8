// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines the knowledge base does not know (lib/logs/explain-unknown.c): the real
 * lines of issue 15 that were answered "no known problem" are unknown, with
 * the program they come from; ordinary lines are not; informational lines
 * about the IOMMU are kept apart from problems; repeats are counted once.
 * The classifier is fed the hints as the knowledge base's prefilter would
 * find them, but by a plain search here, so the test does not depend on what
 * the knowledge base knows (it grows: lines unknown today are entries
 * tomorrow). explain is driven with a knowledge base of one entry that none of
 * the lines match.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain-unknown.h"
#include "vfd.h"

static struct vfd_kb *kb;

/*
 * one entry about a message none of the lines hold; "kind:" is given when the
 * parser asks for it (the knowledge base format gained it alongside)
 */
static int setup(void **state)
{
	static const char entry[] = "format: 1\n\nid: kernel.test-only\nlayer: kernel\n"
				    "title: t\nsource: linux:x.c:f\nmatch: frobnicator melted\n"
				    "meaning: m\ncause: c\nfix: f\n%s";
	struct vfd_parse_error err;
	char text[512];
	int n;

	(void)state;
	n = snprintf(text, sizeof(text), entry, "");
	if (vfd_kb_parse(text, (size_t)n, &kb, &err) == 0)
		return 0;
	n = snprintf(text, sizeof(text), entry, "kind: config\n");
	return vfd_kb_parse(text, (size_t)n, &kb, &err);
}

/* the classifier's words in @line, ASCII case ignored: its hints */
static uint64_t hints_of(const char *line)
{
	size_t n;
	const char *const *words = vfd_unknown_words(&n);
	uint64_t hints = 0;

	for (size_t i = 0; i < n; i++)
		if (strcasestr(line, words[i]))
			hints |= UINT64_C(1) << vfd_unknown_word_bit(i);
	return hints;
}

static int teardown(void **state)
{
	(void)state;
	vfd_kb_free(kb);
	return 0;
}

/* classify @line as explain does when no entry matches it */
static bool classify(const char *line, struct vfd_unknown_class *c)
{
	return vfd_unknown_classify(line, strlen(line), hints_of(line), c);
}

struct want {
	const char *line, *program, *subsystem;
};

/* each line is an unknown problem, from its program and subsystem */
static void expect_problems(const struct want *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vfd_unknown_class c;

		if (!classify(lines[i].line, &c))
			print_error("not unknown: '%s'\n", lines[i].line);
		assert_true(classify(lines[i].line, &c));
		if (strcmp(c.program, lines[i].program) || strcmp(c.subsystem, lines[i].subsystem))
			print_error("'%s': %s, %s\n", lines[i].line, c.program, c.subsystem);
		assert_string_equal(c.program, lines[i].program);
		assert_string_equal(c.subsystem, lines[i].subsystem);
		assert_true(c.problem);
	}
}

static void problems(void **state)
{
	static const struct want lines[] = {
		{ "DMAR-IR: Failed to enable irq remapping. You are vulnerable to irq-injection "
		  "attacks.", "linux", "intel interrupt remapping (DMAR-IR)" },
		{ "kvm: VFIO_MAP_DMA failed: Invalid argument", "qemu", "vfio" },
		{ "qemu-system-x86_64: ../hw/pci/pci.c:1683: pci_irq_handler: Assertion `0 <= "
		  "irq_num && irq_num < PCI_NUM_PINS' failed.", "qemu", "pci" },
		{ "vfio_region_write(0000:26:00.0:region1+0x1000, 0x0,8) failed: Device or "
		  "resource busy", "qemu", "vfio (hw/vfio)" },
		{ "DMAR-IR: [Firmware Bug]: ioapic 0 has no mapping iommu, interrupt remapping will "
		  "be disabled", "linux", "intel interrupt remapping (DMAR-IR)" },
		{ "No IOMMU detected, please activate it.See Documentation for further "
		  "information.", "proxmox", "qemu-server" },
		{ "libxl: error: libxl_pci.c:1484:libxl__device_pci_add: PCI device 0000:00:19.0 "
		  "cannot be assigned - no IOMMU?", "xen", "libxl pci" },
		{ "EAL: 0000:44:00.3 VFIO group is not viable! Not all devices in IOMMU group "
		  "bound to VFIO or unbound", "dpdk", "EAL (dpdk device access)" },
		{ "dracut-install: Failed to find module 'vfio_virqfd'", "dracut",
		  "initramfs modules" },
		{ "NVRM: Attempting to remove device 0000:07:00.0 with non-zero usage count!",
		  "nvidia", "NVRM (nvidia driver)" },
		/* the logs' own prefixes say who wrote the line */
		{ "Dec 05 18:00:01 pve kernel: AMD-Vi: Completion-Wait loop timed out", "linux",
		  "amd-iommu (AMD-Vi)" },
		{ "[   12.345678] vfio-pci 0000:01:00.0: frobbing failed", "linux", "vfio-pci" },
		{ "6,812,3141592,-;iommu: bogus group assignment failed", "linux", "iommu core" },
		{ "2024-05-01 12:00:00.123+0000: 4242: error : qemuHostdevFrob:99 : hostdev "
		  "frobnication failed", "libvirt", "hostdev" },
		{ "Dec 05 18:00:01 host libvirtd[123]: frobnicating hostdev failed", "libvirt",
		  "hostdev" },
		{ "frobnet 0000:00:19.0: failed to frobnicate the NVM, error -5", "linux",
		  "pci driver" },
		{ "==> ERROR: module not found: 'vfio_frob'", "mkinitcpio", "initramfs modules" },
		/* the layers around passthrough (issue 15, second round) */
		{ "NVRM: GPU 0000:01:00.0: GPU has fallen off the bus.", "nvidia",
		  "NVRM (nvidia driver)" },
		{ "[drm:amdgpu_job_frob [amdgpu]] *ERROR* ring gfx frob timeout, signaled seq=1",
		  "linux", "amdgpu (gpu driver)" },
		{ "nouveau 0000:01:00.0: frob: fault 01 [WRITE] at 0000000000 engine 00",
		  "linux", "nouveau (gpu driver)" },
		{ "i915 0000:00:02.0: [drm] GT0: frobnication timed out", "linux",
		  "i915 (gpu driver)" },
		{ "kvm_amd: SVM frob not supported by CPU 0", "linux", "kvm (kvm_amd)" },
		{ "[    0.1] kvm: frob refused by firmware on pci bus 0", "linux", "kvm" },
		{ "x2apic: IRQ frobbing doesn't support X2APIC mode", "linux",
		  "interrupt remapping (x2apic)" },
		{ "modprobe: FATAL: Module vfio_frob not found in directory /lib/modules/6.1.0",
		  "kmod", "kernel modules" },
		{ "audit: type=1400 audit(1700000000.123:45): apparmor=\"DENIED\" operation=\"open\" "
		  "profile=\"libvirt-frob\" name=\"/dev/vfio/12\" comm=\"qemu-system-x86\"",
		  "linux", "security (audit)" },
		{ "frobd[12]: open /dev/kvm: Permission denied", "unknown", "kvm" },
		{ "frobnicator: RLIMIT_MEMLOCK exceeded by the frob", "unknown",
		  "locked memory (dma mapping)" },
		{ "frob: passthrough of the frob could not start", "unknown", "passthrough" },
		/* the hand-written binding steps (gates beyond the first 64 words) */
		{ "tee: /sys/bus/pci/devices/0000:01:00.0/driver_override: No such file or "
		  "directory", "unknown", "pci driver binding (sysfs)" },
		{ "0000:00:04.0 (1d0f 8061): Active devices: mount@nvme1n1:nvme1n1p1, so not "
		  "binding PCI dev", "unknown", "pci" },
		{ "frobctl: cannot frobnicate 0000:03:00.0: Permission denied", "unknown", "pci" },
		{ "sh: echo: I/O error writing sriov_numvfs", "unknown", "sr-iov (sysfs)" },
		{ "mdevctl: frob of the parent failed", "unknown", "mediated devices (mdev)" },
		/* the journal's ident names the writer before the message's "error:" */
		{ "Dec 05 10:00:00 host nvidia-vgpu-mgr[1234]: error: vmiop_log: frob failed",
		  "nvidia", "nvidia vgpu" },
		{ "vmiop_log: (0x0): frob of the guest's driver failed", "unknown", "nvidia vgpu" },
		/* the devices around passthrough speak of trouble in their own words */
		{ "[  100.1] nvme nvme0: I/O 12 QID 3 frob timeout, aborting", "linux", "nvme" },
		{ "nvme nvme1: frob controller is down", "linux", "nvme" },
		{ "[ 99.1] xhci_hcd 0000:0c:00.3: xHCI frob controller died", "linux",
		  "usb host controller (xhci)" },
		{ "snd_hda_intel 0000:0b:00.1: no codecs frobbed", "linux",
		  "hd audio (snd_hda_intel)" },
		{ "e1000e 0000:00:1f.6 eno1: Detected Frob Unit Hang:", "linux",
		  "network driver (e1000e)" },
		{ "igb 0000:03:00.0: The frob Is Not Valid", "linux", "network driver (igb)" },
		{ "radeon 0000:01:00.0: frob lockup on ring 0", "linux", "radeon (gpu driver)" },
		{ "kvm [2345]: vcpu0, guest rIP: 0xfffff803 unhandled rdmsr: 0x1c9", "linux", "kvm" },
		/* KVM's MSR notes in the older kernels' shapes (Linux 3.x, 2.6, 6.x's kvm_amd) */
		{ "kvm [12633]: vcpu0 frob rdmsr: 0x1c9 unhandled", "linux", "kvm" },
		{ "kvm: 23090: cpu0 unhandled wrmsr 0x391 data 2000000f", "linux", "kvm" },
		{ "kvm_amd: kvm [6]: vcpu3, guest rIP: 0xfffff854 Unhandled FROBMSR(0xc0010115) = 0x0",
		  "linux", "kvm (kvm_amd)" },
		{ "error: kvm run failed Bad address", "qemu", "kvm (accel/kvm)" },
		{ "KVM: entry failed, hardware error 0x80000021", "qemu", "kvm (accel/kvm)" },
		{ "iavf_frob_msg(): Failed to read msg from AdminQ,ret: -57", "dpdk",
		  "iavf (dpdk vf driver)" },
		{ "pci 0000:08:00.0 is not assignable", "linux", "pci core" },
		{ "acrn-dm: MSI not frobbed for PCI 0/19/0", "acrn", "pci" },
		{ "pciehp 0000:00:1c.0:pcie004: frob timeout on slot 1", "linux",
		  "pci hotplug (pciehp)" },
		{ "xe 0000:03:00.0: [drm] GT0: frob stuck", "linux", "xe (gpu driver)" },
		{ "efifb: frob of video memory failed", "linux", "efifb (firmware framebuffer)" },
	};

	(void)state;
	expect_problems(lines, sizeof(lines) / sizeof(lines[0]));
}

static void not_passthrough(void **state)
{
	static const char *const lines[] = {
		"e1000e 0000:00:19.0 eno1: NIC Link is Up 1000 Mbps Full Duplex",
		"usb 1-1: device descriptor read/64, error -71",
		"EXT4-fs error (device sda2): ext4_lookup:1855: inode #2: comm ls: iget: bad extra_isize",
		"ACPI Error: AE_NOT_FOUND, While resolving a named reference package element",
		"iwlwifi: failed to load firmware",
		("qemu-system-x86_64: -drive file=disk.img: Could not open 'disk.img': "
		 "Permission denied"),
		"iommu: Default domain type: Translated",
		/* QEMU under Proxmox is "kvm:": its errors about other things stay out */
		"kvm: -drive file=disk.img: Could not open 'disk.img': Permission denied",
		"[drm] Initialized amdgpu 3.54.0 20150101 for 0000:03:00.0 on minor 0",
		/* the new failure gates without a PCI address or a passthrough word */
		"bash: cannot create temp file for here-document: No space left on device",
		"sshd[812]: Connection closed: Permission denied (publickey)",
		"systemd[1]: Failed to start frob.service: Unit frob.service not found.",
		"bash: echo: write error: No such device",
		/* the adjacent devices' boot lines hold no word of trouble */
		"nvme nvme0: pci function 0000:01:00.0",
		"nvme nvme0: 16/0/0 default/read/poll queues",
		"xhci_hcd 0000:00:14.0: hcc params 0x200077c1 hci version 0x110 quirks 0x0000000000009810",
		"xhci_hcd 0000:00:14.0: new USB bus registered, assigned bus number 1",
		"snd_hda_intel 0000:01:00.1: Handle vga_switcheroo audio client",
		"igb 0000:03:00.0: Intel(R) Gigabit Ethernet Network Connection",
		"ixgbe 0000:01:00.0: Multiqueue Enabled: Rx Queue count = 12, Tx Queue count = 12",
		"mlx5_core 0000:41:00.0: firmware version: 16.35.2000",
		"radeon 0000:01:00.0: VRAM: 1024M 0x0000000000000000 - 0x000000003FFFFFFF (1024M used)",
		"pcieport 0000:00:1c.0: PME: Signaling with IRQ 122",
		"libvirtd[812]: libvirt version: 9.0.0, package: 4 (Debian)",
		/* "change", "handshake" and "deadline" hold no "hang" or "dead" */
		"nvme nvme0: frob link change",
		"nvme nvme0: mq-deadline scheduler",
		"efifb: probing for efifb",
		"efifb: framebuffer at 0xe0000000, using 3072k, total 3072k",
		"",
	};
	struct vfd_unknown_class c;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (classify(lines[i], &c)) {
			print_error("'%s' is unknown (%s, %s)\n", lines[i], c.program, c.subsystem);
			assert_false(c.problem);
		}
	}
	/* without the prefilter's words nothing is classified */
	assert_false(vfd_unknown_classify("vfio-pci failed", 15, 0, &c));
	assert_false(vfd_unknown_classify(NULL, 0, ~UINT64_C(0), &c));
}

/*
 * The error lines of the VM programs that name no device (issue 15, no false
 * all-clear): unknown problems, with their program. Written from the
 * programs' format strings (the file that prints each is named).
 */
/* what the classifier says of a line known only by its program's error head */
#define VM_SUB "vm start or run (no device named)"
#define LG_SUB "Looking Glass (IVSHMEM frame relay)"

static void vm_errors(void **state)
{
	static const struct want lines[] = {
		/* QEMU: hw/i386/pc.c, accel/kvm/kvm-all.c, an assertion of its own */
		{ "qemu-system-x86_64: Address space limit 0xffffffffff < 0x1fffffffff phys-bits "
		  "too low (39)", "qemu", VM_SUB },
		{ "qemu-system-x86_64: failed to initialize kvm: Permission denied", "qemu", VM_SUB },
		{ "qemu-kvm: Could not access KVM kernel module: No such file or directory", "qemu",
		  VM_SUB },
		{ "qemu-system-x86_64: ../system/physmem.c:1600: qemu_ram_frob: Assertion "
		  "`block' failed.", "qemu", VM_SUB },
		{ "kvm: frob table full", "qemu", VM_SUB },
		{ "2024-05-01T12:00:00.123456Z qemu-system-x86_64: frob stopped the machine", "qemu",
		  VM_SUB },
		/* libvirt: qemu_process.c via virsh, virlog.c's log, virerror.c's stderr */
		{ "error: internal error: qemu unexpectedly closed the monitor: qemu-system-x86_64: "
		  "Address space limit 0xffffffffff < 0x1fffffffff phys-bits too low (39)",
		  "libvirt", VM_SUB },
		{ "error: Failed to start domain 'win11'", "libvirt", VM_SUB },
		{ "2024-05-01 12:00:00.123+0000: 4242: error : qemuProcessReportLogError:2051 : "
		  "internal error: qemu unexpectedly closed the monitor", "libvirt", VM_SUB },
		{ "libvirt: QEMU Driver error : Requested operation is not valid: domain is already "
		  "running", "libvirt", VM_SUB },
		{ "Dec 05 10:00:00 host libvirtd[1234]: internal error: Child process "
		  "(/usr/libexec/frob) unexpected exit status 1", "libvirt", VM_SUB },
		{ "libvirt.libvirtError: internal error: cannot load AppArmor profile "
		  "'libvirt-1234'", "libvirt", VM_SUB },
		/* dmesg -T and a reply's quote marker in front */
		{ "[Mon Dec  5 10:00:00 2024] qemu-system-x86_64: frob gave up", "qemu", VM_SUB },
		{ "> error: internal error: frob helper quit", "libvirt", VM_SUB },
		/* libvirt's log in KubeVirt's JSON, and that line re-logged as the message
		 * of a second JSON or logfmt line (its quotes escaped once) */
		{ "{\"component\":\"virt-launcher\",\"level\":\"error\",\"msg\":\"internal error: "
		  "frob helper quit\",\"subcomponent\":\"libvirt\"}", "libvirt", VM_SUB },
		{ "{\"component\":\"virt-launcher\",\"level\":\"error\",\"msg\":\"{\\\"component\\\":"
		  "\\\"virt-launcher\\\",\\\"level\\\":\\\"error\\\",\\\"msg\\\":\\\"internal error: "
		  "frob helper quit\\\",\\\"subcomponent\\\":\\\"libvirt\\\"}\"}", "libvirt", VM_SUB },
		{ "time=\"2026-12-05T10:00:00Z\" level=error msg=\"{\\\"component\\\":\\\"virt-launcher"
		  "\\\",\\\"level\\\":\\\"error\\\",\\\"msg\\\":\\\"internal error: frob helper quit"
		  "\\\"}\" instance=vm1", "libvirt", VM_SUB },
		/* Proxmox's qemu-server, Xen's libxl_create.c, crosvm, cloud-hypervisor */
		{ "TASK ERROR: start failed: QEMU exited with code 1", "proxmox", VM_SUB },
		{ "TASK ERROR: timeout waiting on systemd", "proxmox", VM_SUB },
		{ "libxl: error: libxl_create.c:1850:domcreate_rebuild_done: Domain 5:cannot "
		  "(re-)build domain: -3", "xen", VM_SUB },
		{ "[2024-01-01T00:00:00.000000000+00:00 ERROR crosvm] exiting with error 1: the "
		  "architecture failed to build the vm", "crosvm", VM_SUB },
		{ "cloud-hypervisor: 10.215612ms: <vmm> ERROR:vmm/src/lib.rs:900 -- Error starting "
		  "VM: VmCreate(KvmCreate)", "cloud-hypervisor", VM_SUB },
		/* the ACRN hypervisor's console: error severities 1 to 3, with and without
		 * the thread's name, and behind the shell's prompt */
		{ "[40211874us][cpu=3][vm2:vcpu1][sev=3][seq=510]:frob emulation failed: "
		  "opcode=12", "acrn", VM_SUB },
		{ "[1203344us][cpu=0][sev=1][seq=12]:frob handler failed", "acrn", VM_SUB },
		{ "ACRN:\\>[7100200us][cpu=1][idle][sev=2][seq=40]:frob setup failed", "acrn",
		  VM_SUB },
		/* Looking Glass's debug_printPrefix: client, older releases, Windows host */
		{ "00:00:00.015 [E]           ivshmem.c:160  | ivshmemOpenDev                 | "
		  "Failed to get the device size", "looking-glass", LG_SUB },
		{ "   4312455 [E]                app.c:990  | app_main                       | "
		  "Failed to frob the shared memory", "looking-glass", LG_SUB },
		{ "[E]               main.c:871  | frob_memory                    | Failed to "
		  "frob the memory", "looking-glass", LG_SUB },
	};

	(void)state;
	expect_problems(lines, sizeof(lines) / sizeof(lines[0]));
}

/*
 * The VM programs' errors about something outside passthrough, their
 * warnings, and a shutdown that was asked for: not unknown at all.
 */
static void vm_errors_elsewhere(void **state)
{
	static const char *const lines[] = {
		/* disks and images: block/file-posix.c, libvirt's storage, Proxmox's */
		("qemu-system-x86_64: -drive file=/var/lib/libvirt/images/win.qcow2,format=qcow2,"
		 "if=none,id=drive0: Could not open '/var/lib/libvirt/images/win.qcow2': "
		 "Permission denied"),
		("kvm: -drive file=/dev/zvol/rpool/vm-100-disk-0,if=none,id=drive-scsi0: Failed to "
		 "get \"write\" lock"),
		("error: Cannot access storage file '/srv/win.img' (as uid:64055, gid:64055): No "
		 "such file or directory"),
		"TASK ERROR: storage 'local-lvm' does not exist",
		/* network: net/tap-linux.c, libvirt's network and bridge code, Xen's vif */
		("qemu-system-x86_64: -netdev tap,id=hostnet0,ifname=tap100i0: could not "
		 "configure /dev/net/tun (tap100i0): Device or resource busy"),
		"error: Requested operation is not valid: network 'default' is not active",
		"error: internal error: Unable to add bridge virbr0 port vnet0: Operation not supported",
		("libxl: error: libxl_exec.c:117:libxl_report_child_exitstatus: "
		 "/etc/xen/scripts/vif-bridge online [1234] exited with error status 1"),
		/* display and audio: ui/vnc.c, ui/spice-core.c, ui/gtk.c, audio/ */
		("qemu-system-x86_64: -vnc 0.0.0.0:0: Failed to find an available port: Address "
		 "already in use"),
		"qemu-system-x86_64: failed to initialize spice server",
		"qemu-system-x86_64: gtk initialization failed",
		"qemu-system-x86_64: -audiodev pa,id=snd0: Could not init `pa' audio driver",
		/* migration, the guest agent, CPU models */
		"qemu-system-x86_64: load of migration failed: Invalid argument",
		"error: Guest agent is not responding: QEMU guest agent is not connected",
		("error: operation failed: guest CPU doesn't match specification: missing "
		 "features: vmx"),
		"qemu-system-x86_64: unable to find CPU model 'skylake-frob'",
		/* the user's own typo that the program names: vl.c, virsh */
		"qemu-system-x86_64: -frob: invalid option",
		"error: failed to get domain 'win1O'",
		"error: unknown command: 'strat'",
		/* warnings stay as they were; a stop that was asked for */
		("qemu-system-x86_64: warning: host doesn't support requested feature: "
		 "CPUID.80000001H:ECX.svm [bit 2]"),
		"qemu-system-x86_64: terminating on signal 15 from pid 1234 (/usr/sbin/libvirtd)",
		/* Looking Glass: its renderer and SPICE errors, its warnings */
		("00:00:00.046 [E]               egl.c:700  | egl_render_startup             | "
		 "Failed to create the EGL context"),
		("00:00:00.050 [E]              main.c:1044 | lg_run                         | "
		 "Failed to frob the spice server"),
		("00:00:01.375 [W]              main.c:875  | main_frameThread               | "
		 "frob failed, retrying"),
		/* "[E]" inside a message is no head */
		"frob: [E] a | b | c failed",
		/* the ACRN hypervisor's warning and info severities, and a head of another shape */
		"[40211874us][cpu=3][vm2:vcpu1][sev=4][seq=511]:frob retry failed",
		"[40211874us][cpu=3][sev=5][seq=512]:frob failed once, using the default",
		"[40211874us][cpu=x][sev=3][seq=513]:frob failed",
	};
	struct vfd_unknown_class c;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (classify(lines[i], &c))
			print_error("'%s' is unknown (%s, %s)\n", lines[i], c.program, c.subsystem);
		assert_false(classify(lines[i], &c));
	}
	/* a passthrough word is relevant whatever else the line names */
	assert_true(classify("qemu-system-x86_64: -drive file=a.img: vfio frob failed", &c));
	assert_true(c.problem);
}

static void informational(void **state)
{
	struct vfd_unknown_class c;

	(void)state;
	/* the boot messages of a working IOMMU: unknown, and no problem */
	assert_true(classify("DMAR: No ATSR found", &c));
	assert_false(c.problem);
	assert_string_equal(c.program, "linux");
	assert_string_equal(c.subsystem, "intel-iommu (DMAR)");
	assert_true(classify("[    0.5] AMD-Vi: Using global IVHD EFR:0x0, EFR2:0x0", &c));
	assert_false(c.problem);
	assert_string_equal(c.subsystem, "amd-iommu (AMD-Vi)");
	/* the PCIe port services at boot: unknown, informational */
	assert_true(classify("pcieport 0000:00:1c.0: AER: frobbed with IRQ 122", &c));
	assert_false(c.problem);
	assert_string_equal(c.subsystem, "pci core (PCIe port)");
}

/*
 * The tenth round (tests/explain/dev/README.md): the heads and words the
 * catalogue's development part showed missing, each written from the code
 * that prints it (named in lib/logs/explain-unknown*.c)
 */
#define TOOL_SUB "initramfs or kernel modules (no device named)"

static void tenth_round_problems(void **state)
{
	static const struct want lines[] = {
		/* drm_err's level marker, and a "[drm]" line with a failure */
		{ "[   12.3] [drm:psp_hw_start [amdgpu]] *ERROR* PSP tmr init failed!", "linux",
		  "drm (gpu driver)" },
		{ "[   12.3] [drm] Failed to load PCI state, err:-22", "linux", "drm (gpu driver)" },
		/* GVT-g, Xen's pciback and xl's subcommands, Proxmox's spelling */
		{ "[   12.3] gvt: fail to create workload thread", "linux",
		  "intel gvt-g (mediated gpu)" },
		{ "[   12.3] xen_pciback: Error parsing pci_devs_to_hide at \"01:00.0\"", "linux",
		  "xen pci passthrough (pciback)" },
		{ "Dec 05 10:00:00 host xl[1234]: pci-attach: malformed BDF specification \"01:00\"",
		  "xen", "libxl pci" },
		{ "TASK ERROR: cannot suspend VM to disk due to passed-through PCI device(s)",
		  "proxmox", "qemu-server" },
		/* DPDK's PCI bus driver */
		{ "PCI_BUS: Cannot open sysfs resource", "dpdk", "pci bus (dpdk)" },
		/* the PCI core's device lines with the catalogue's words of trouble */
		{ "[   12.3] pci 0000:01:00.0: not ready after 1023ms; giving up", "linux",
		  "pci core" },
		{ "[   12.3] pci 0000:01:00.0: Unsupported reset method 'bus'", "linux", "pci core" },
		{ "[   12.3] PCI: can't map ECAM at [mem 0xf0000000-0xf0ffffff]", "linux",
		  "pci core" },
		/* a passthrough word and QEMU's error head, a display named too */
		{ "qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0,ramfb=on: ramfb=on "
		  "requires display=on", "qemu", "vfio" },
		/* the initramfs and module tools' error heads */
		{ "dracut[F]: Aborting initrd creation.", "dracut", TOOL_SUB },
		{ "dracut-install: ERROR: installing module 'frob'", "dracut", TOOL_SUB },
		{ "==> ERROR: module not found: 'vfio_pci'", "mkinitcpio", "initramfs modules" },
		{ "E: mkinitramfs failure cpio 141", "initramfs-tools", TOOL_SUB },
		{ "modprobe: FATAL: Module frob not found in directory /lib/modules/6.1.0-13-amd64",
		  "kmod", TOOL_SUB },
		{ "rmmod: ERROR: Module frob is in use", "kmod", TOOL_SUB },
		/* a tool's warning with a word of trouble */
		{ "==> WARNING: No modules were added to the image. This is probably not what "
		  "you want.", "mkinitcpio", TOOL_SUB },
	};

	(void)state;
	expect_problems(lines, sizeof(lines) / sizeof(lines[0]));
}

static void tenth_round_not_problems(void **state)
{
	/* flagged as informational: a feature off, the printer's own reassurance */
	static const char *const info[] = {
		"[    1.3] DMAR: VT-d Scalable Mode not enabled, no PASID allocation",
		("[    1.7] AMD-Vi: AMD IOMMUv2 functionality not available on this system - This "
		 "is not a bug."),
		"[    1.1] iommu: DMA domain TLB invalidation policy: lazy mode",
		"[    1.3] DMAR: dmar0: Using Queued invalidation",
		"[    3.6] kvm_amd: PMU virtualization is disabled",
		"W: Possible missing firmware /lib/firmware/amdgpu/ip_discovery.bin for module amdgpu",
		"dracut[W]: No compression tool available. Initramfs image is going to be big.",
	};
	/* not flagged at all */
	static const char *const none[] = {
		"dracut: *** Including module: kernel-modules ***",
		"[    1.0] pci_bus 0000:02: extended config space not accessible",
		"Starting modprobe@drm.service - Load Kernel Module drm...",
		"update-initramfs: Generating /boot/initrd.img-6.1.0-13-amd64",
		("[    1.0] PCI: Using host bridge windows from ACPI; if necessary, use \"pci=nocrs\" "
		 "and report a bug"),
	};
	struct vfd_unknown_class c;

	(void)state;
	for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
		if (!classify(info[i], &c) || c.problem)
			print_error("'%s' is not informational\n", info[i]);
		assert_true(classify(info[i], &c));
		assert_false(c.problem);
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		if (classify(none[i], &c))
			print_error("'%s' is unknown (%s, %s)\n", none[i], c.program, c.subsystem);
		assert_false(classify(none[i], &c));
	}
}

/*
 * The twenty-first round's kernel areas: a device-tree host bridge's head with
 * a failure, the host's lockup and RCU stall heads, a USB port's over-current
 * next to an address, HugeTLB's head with a failure; a disk's link and the
 * boot's HugeTLB notes stay out, a corrected error is no problem
 */
static void twenty_first_round(void **state)
{
	static const struct want lines[] = {
		{ "[    3.1] frob-pcie fd500000.pcie: failed to frob the PHY", "linux", "pci" },
		{ "[  100.2] watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [qemu-system-x86:1234]",
		  "linux", "kernel hang (lockup or rcu stall)" },
		{ "[  100.2] rcu: INFO: rcu_sched self-detected stall on CPU", "linux",
		  "kernel hang (lockup or rcu stall)" },
		{ "[  100.2] rcu: rcu_sched kthread starved for 2502 jiffies!", "linux",
		  "kernel hang (lockup or rcu stall)" },
		{ "[    5.1] xhci_hcd 0000:03:00.0: over-current condition", "linux",
		  "usb host controller (xhci)" },
		{ "[    5.0] HugeTLB: allocating 16 of page size 1.00 GiB failed node1.", "linux",
		  "hugepages (guest memory)" },
	};
	static const char *const none[] = {
		"ata6.01: SATA link down (SStatus 0 SControl 330)",
		"[    0.5] HugeTLB: registered 1.00 GiB page size, pre-allocated 0 pages",
		"[    0.5] rcu: Hierarchical SRCU implementation.",
	};
	struct vfd_unknown_class c;

	(void)state;
	expect_problems(lines, sizeof(lines) / sizeof(lines[0]));
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		if (classify(none[i], &c))
			print_error("'%s' is unknown (%s, %s)\n", none[i], c.program, c.subsystem);
		assert_false(classify(none[i], &c));
	}
	assert_false(classify("[   55.2] frob-pcie f8000000.pcie: correctable error interrupt "
			      "received", &c) && c.problem);
}

/*
 * The words share hint bits where only their kind counts: every bit fits the
 * mask, and the hints as the prefilter forms them (hints_of, by each word's
 * bit) classify a line as the classifier's own search does
 * (vfd_unknown_classify_alone, what tests/explain/test-safety-net.c measures)
 */
static void hint_bits(void **state)
{
	static const char *const lines[] = {
		"[   12.3] pci 0000:01:00.0: not ready after 1023ms; giving up",
		"[    1.1] iommu: DMA domain TLB invalidation policy: lazy mode",
		"vfio-pci 0000:01:00.0: BAR 0: can't reserve [mem 0xf0000000-0xf0ffffff 64bit]",
		"dracut[F]: Aborting initrd creation.",
		"EAL: 0000:44:00.3 VFIO group is not viable!",
		"[    3.6] kvm_amd: PMU virtualization is disabled",
		"e1000e 0000:00:19.0 eno1: NIC Link is Up",
	};
	size_t n;

	(void)state;
	vfd_unknown_words(&n);
	for (size_t i = 0; i < n; i++)
		assert_true(vfd_unknown_word_bit(i) < 64);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct vfd_unknown_class a, b;
		bool ra = classify(lines[i], &a), rb;

		rb = vfd_unknown_classify_alone(lines[i], strlen(lines[i]), &b);
		assert_int_equal(ra, rb);
		if (ra) {
			assert_int_equal(a.problem, b.problem);
			assert_string_equal(a.program, b.program);
			assert_string_equal(a.subsystem, b.subsystem);
		}
	}
}

static void accumulated(void **state)
{
	struct vfd_explain *ex = vfd_explain_new(kb);
	const struct vfd_unknown *u;
	uint64_t problems, info, dropped, incomplete;
	static const char *const log[] = {
		"[    1.000000] DMAR-IR: Failed to enable irq remapping. You are vulnerable.",
		"[    2.500000] DMAR-IR: Failed to enable irq remapping. You are vulnerable.",
		"[    3.000000] DMAR: No ATSR found",
		"[    4.000000] e1000e 0000:00:19.0 eno1: NIC Link is Up",
		"[    5.000000] frobnicator melted",
	};
	static const int want[] = { 3, 3, 4, 0, 1 };

	(void)state;
	assert_non_null(ex);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(vfd_explain_feed(ex, log[i], strlen(log[i])), want[i]);
	/* the two failures differ only in their timestamps: one record, two lines */
	assert_int_equal(vfd_explain_unknown_count(ex), 2);
	u = vfd_explain_unknown(ex, 0);
	assert_int_equal(u->count, 2);
	assert_int_equal(u->first_lineno, 1);
	assert_true(u->class.problem);
	assert_string_equal(u->line, log[0]);
	u = vfd_explain_unknown(ex, 1);
	assert_false(u->class.problem);
	assert_int_equal(u->first_lineno, 3);
	assert_null(vfd_explain_unknown(ex, 2));
	vfd_explain_unknown_stats(ex, &problems, &info, &dropped, &incomplete);
	assert_int_equal(problems, 2);
	assert_int_equal(info, 1);
	assert_int_equal(dropped, 0);
	assert_int_equal(incomplete, 0);
	assert_int_equal(vfd_explain_count(ex), 1);
	vfd_explain_free(ex);
}

/* more distinct unknown lines than are kept: the rest are counted */
static void bounded(void **state)
{
	struct vfd_explain *ex = vfd_explain_new(kb);
	uint64_t problems, dropped;
	char line[128];

	(void)state;
	for (int i = 0; i < VFD_EXPLAIN_MAX_UNKNOWN + 10; i++) {
		/* letters, not digits, make them distinct */
		int n = snprintf(line, sizeof(line), "DMAR: frob %c%c%c failed", 'a' + i % 26,
				 'a' + i / 26 % 26, 'a' + i / 676 % 26);

		assert_int_equal(vfd_explain_feed(ex, line, (size_t)n), 3);
	}
	assert_int_equal(vfd_explain_unknown_count(ex), VFD_EXPLAIN_MAX_UNKNOWN);
	vfd_explain_unknown_stats(ex, &problems, NULL, &dropped, NULL);
	assert_int_equal(problems, VFD_EXPLAIN_MAX_UNKNOWN + 10);
	assert_int_equal(dropped, 10);
	vfd_explain_free(ex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(problems),
		cmocka_unit_test(not_passthrough),
		cmocka_unit_test(vm_errors),
		cmocka_unit_test(vm_errors_elsewhere),
		cmocka_unit_test(informational),
		cmocka_unit_test(tenth_round_problems),
		cmocka_unit_test(tenth_round_not_problems),
		cmocka_unit_test(twenty_first_round),
		cmocka_unit_test(hint_bits),
		cmocka_unit_test(accumulated),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
