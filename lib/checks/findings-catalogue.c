// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The findings catalogue: every finding id the library reports, its layer,
 * whether it is reported only when something is wrong, and the line the man
 * page's FINDINGS list gives for it (tests/run-findings.sh keeps the page in
 * step with this table; tests/unit/test-findings.c checks that every id the
 * checks produce on the test trees is here).
 */
#define _GNU_SOURCE
#include <string.h>

#include "internal.h"

#define WRONG	VFD_KIND_WHEN_WRONG
#define DEV	VFD_KIND_PER_DEVICE

/* device.preflight.STEP: STEP is one of preflight's step names */
static bool is_preflight_step(const char *name)
{
	for (int i = 0; i < VFD_PF_N_STEPS; i++)
		if (strcmp(vfd_pf_step_name((enum vfd_pf_step_id)i), name) == 0)
			return true;
	return false;
}

/* the refusals of lib/checks/select.c's vfd_take_judge_*(), for one id prefix */
#define TAKE_KINDS(prefix, layer, what)						\
	{ prefix ".bridge", layer, WRONG, NULL, NULL,			\
	  what " refused: the device is a PCI bridge; pass the devices behind it." }, \
	{ prefix ".host-bridge", layer, WRONG, NULL, NULL,		\
	  what " refused: the device is a host bridge, which stays with the host." }, \
	{ prefix ".no-group", layer, WRONG, NULL, NULL,		\
	  what " refused: the device has no IOMMU group (the IOMMU is off)." },	\
	{ prefix ".in-use", layer, WRONG, NULL, NULL,			\
	  what " refused (a warning with --force): the host uses the device: a "	\
	  "mounted file system, swap, an interface that is up, the console." },	\
	{ prefix ".group-not-viable", layer, WRONG, NULL, NULL,	\
	  what " refused (a warning with --allow-nonviable): a device left on a host " \
	  "driver keeps the IOMMU group non-viable." }

static const struct vfd_finding_kind kinds[] = {
	/* check: platform, firmware, iommu, modules, device (lib/checks/check-*.c) */
	{ "platform.distribution", "platform", WRONG, NULL, NULL,
	  "The platform is not recognised: the fixes are generic steps." },
	{ "platform.cpu", "platform", 0, NULL, NULL,
	  "The CPU's virtualization flag (vmx or svm) in /proc/cpuinfo." },
	{ "platform.kvm", "platform", 0, NULL, NULL,
	  "/dev/kvm exists, and who may open it (with --user)." },
	{ "firmware.iommu-table", "firmware", 0, NULL, NULL,
	  "The firmware's ACPI DMAR, IVRS or VIOT table that describes the IOMMU." },
	{ "iommu.enabled", "iommu", 0, NULL, NULL,
	  "IOMMU units and groups exist; when not, why (command line, build default)." },
	{ "iommu.cmdline", "iommu", 0, NULL, NULL,
	  "The kernel command line has no harmful IOMMU word (skip: unreadable)." },
	{ "iommu.cmdline-option", "iommu", WRONG, "iommu.cmdline", NULL,
	  "A word of intel_iommu= or amd_iommu= the kernel does not know; once per word." },
	{ "iommu.cmdline-passthrough", "iommu", WRONG, "iommu.cmdline", NULL,
	  "iommu=pt is set: host devices bypass translation, harmless for VFIO." },
	{ "iommu.cmdline-vfio-ids", "iommu", WRONG, "iommu.cmdline", NULL,
	  "vfio-pci.ids= is set: vfio-pci claims these IDs at boot." },
	{ "iommu.cmdline-unsafe-interrupts", "iommu", WRONG, "iommu.cmdline", NULL,
	  "vfio_iommu_type1.allow_unsafe_interrupts is set: a guest could inject "
	  "interrupts." },
	{ "iommu.acs-override", "iommu", WRONG, "iommu.cmdline", NULL,
	  "pcie_acs_override= is set: only patched kernels know it, and it gives up "
	  "isolation." },
	{ "iommu.interrupt-remapping", "iommu", 0, NULL, NULL,
	  "Interrupt remapping is on (or why not, and what VFIO then refuses)." },
	{ "modules.vfio", "modules", 0, NULL, NULL,
	  "The vfio module is loaded, built in, or available." },
	{ "modules.vfio_iommu_type1", "modules", 0, NULL, NULL,
	  "The vfio_iommu_type1 module is loaded, built in, or available." },
	{ "modules.vfio_pci", "modules", 0, NULL, NULL,
	  "The vfio_pci module is loaded, built in, or available." },
	{ "modules.vfio-node", "modules", 0, NULL, NULL,
	  "/dev/vfio/vfio, the container node, exists." },
	{ "device.none", "device", WRONG | DEV, NULL, NULL,
	  "No device was named and none is bound to vfio-pci: nothing to check." },
	{ "device.assignable", "device", WRONG | DEV, NULL, NULL,
	  "The device cannot be passed through (a bridge or host bridge)." },
	{ "device.group", "device", DEV, NULL, NULL,
	  "The device's IOMMU group and its viability, with what blocks it." },
	{ "device.driver", "device", DEV, NULL, NULL,
	  "The device's driver and driver_override." },
	{ "device.node", "device", DEV, NULL, NULL,
	  "/dev/vfio/N of the device's group, and who may open it." },
	{ "device.reset", "device", DEV, NULL, NULL,
	  "The device's reset method, and known reset bugs." },
	{ "device.boot-vga", "device", WRONG | DEV, NULL, NULL,
	  "The device is the boot display: the firmware framebuffer holds it." },
	{ "device.siblings", "device", WRONG | DEV, NULL, NULL,
	  "Other functions of the slot must go to the guest too." },
	{ "device.preflight", "device", DEV, NULL, NULL,
	  "With --preflight: the outcome of opening the device through VFIO." },
	{ "device.preflight.STEP", "device", WRONG | DEV, NULL, is_preflight_step,
	  "With --preflight: a step of preflight that failed (e.g. "
	  "device.preflight.map-dma)." },

	/* bind, unbind, restore (lib/change/bind.c) */
	{ "bind.already", "device", 0, NULL, NULL,
	  "The device is bound to vfio-pci already: nothing to do." },
	TAKE_KINDS("bind", "device", "bind"),
	{ "restore.record", "device", WRONG, NULL, NULL,
	  "The binding record of the device names no driver: it is not used." },
	{ "restore.nothing", "device", WRONG, NULL, NULL,
	  "Nothing to give back: no record, not on vfio-pci." },

	/* persist (lib/change/persist.c) */
	TAKE_KINDS("persist", "persist", "persist"),
	{ "persist.no-group-yet", "persist", WRONG, NULL, NULL,
	  "The device has no IOMMU group until the command line persist writes turns "
	  "the IOMMU on." },
	{ "persist.driver-builtin", "persist", 0, NULL, NULL,
	  "The device's driver is built into the kernel: the udev rule takes the "
	  "device from it." },
	{ "persist.shared-ids", "persist", WRONG, NULL, NULL,
	  "vfio-pci ids= would also take another device with the same IDs." },
	{ "persist.unparsable", "persist", WRONG, NULL, NULL,
	  "A file persist would edit cannot be parsed: it is left untouched." },
	{ "persist.unreadable", "persist", WRONG, NULL, NULL,
	  "A file persist would edit cannot be read: it is left untouched." },
	{ "persist.link", "persist", WRONG, NULL, NULL,
	  "A file persist would edit is a link out of the root or into a read-only "
	  "store." },
	{ "persist.not-persisted", "persist", WRONG, NULL, NULL,
	  "persist --undo for a device persist has not set up." },
	{ "persist.softdep-conflict", "persist", WRONG, NULL, NULL,
	  "A module already has a softdep line without vfio-pci." },
	{ "persist.ids-override", "persist", WRONG, NULL, NULL,
	  "A later modprobe.d file sets vfio-pci ids= too and replaces the list." },
	{ "persist.booster", "persist", WRONG, NULL, NULL,
	  "booster's configuration sets modules_force_load itself." },
	{ "persist.no-initramfs-config", "persist", WRONG, NULL, NULL,
	  "mkinitcpio is installed without its configuration file." },
	{ "persist.mkinitcpio-hooks", "persist", WRONG, NULL, NULL,
	  "mkinitcpio's HOOKS lack modconf, or both udev and systemd." },
	{ "persist.grub-dropin", "persist", WRONG, NULL, NULL,
	  "A GRUB drop-in sets the command line after the file persist edits." },
	{ "persist.no-bootloader", "persist", WRONG, NULL, NULL,
	  "No bootloader configuration found: the command line is for the user to "
	  "change." },
	{ "persist.by-hand", "persist", 0, NULL, NULL,
	  "The platform keeps no file of persist's: the lines are for the user to "
	  "add or remove." },
	{ "persist.nixos", "persist", 0, NULL, NULL,
	  "NixOS: the lines go into configuration.nix; no file is written." },
	{ "persist.unraid", "persist", 0, NULL, NULL,
	  "Unraid: the settings live on the flash device; no file is written." },
	{ "persist.bootc", "persist", 0, NULL, NULL,
	  "bootc: the kernel arguments and initramfs are built into the image." },
	{ "persist.cmdline-kept", "persist", 0, NULL, NULL,
	  "The platform, not persist, keeps the IOMMU word on the command line." },
	{ "persist.state", "persist", WRONG, NULL, NULL,
	  "persist.state is unreadable or names a file persist does not write." },
	{ "persist.nothing", "persist", WRONG, NULL, NULL,
	  "persist --undo with nothing set up." },
	{ "persist.container", "persist", WRONG, NULL, NULL,
	  "A container: its kernel and boot configuration are the host's." },
	{ "persist.builtin-ids", "persist", WRONG, NULL, NULL,
	  "vfio-pci is built in: ids= in modprobe.d is never read." },
	{ "persist.builtin", "persist", 0, NULL, NULL,
	  "vfio-pci is built in: no softdep or initramfs module is needed." },
	{ "persist.no-initramfs", "persist", 0, NULL, NULL,
	  "No initramfs generator found: vfio-pci loads from the root file system." },

	/* rom info, rom dump (lib/rom/rom-judge.c) */
	{ "rom.empty", "rom", WRONG, NULL, NULL, "The ROM has no data." },
	{ "rom.no-signature", "rom", WRONG, NULL, NULL,
	  "No 55 AA signature with a PCI data structure: not an option ROM." },
	{ "rom.vendor-header", "rom", WRONG, NULL, NULL,
	  "A flashing tool's header comes before the first image." },
	{ "rom.bad-pcir", "rom", WRONG, NULL, NULL,
	  "The pointer at 0x18 leads to no PCI data structure." },
	{ "rom.pcir-unaligned", "rom", WRONG, NULL, NULL,
	  "The PCI data structure is not 4-byte aligned: OVMF stops there." },
	{ "rom.zero-length", "rom", WRONG, NULL, NULL, "An image has length 0." },
	{ "rom.truncated", "rom", WRONG, NULL, NULL,
	  "An image runs past the end of the data." },
	{ "rom.bad-checksum", "rom", WRONG, NULL, NULL,
	  "The x86 image's bytes do not sum to 0: SeaBIOS refuses it." },
	{ "rom.overlap", "rom", WRONG, NULL, NULL,
	  "An image's header or initialization size reaches into the next image." },
	{ "rom.bad-efi", "rom", WRONG, NULL, NULL,
	  "An EFI image lacks its 0x0EF1 signature or has a wrong driver offset." },
	{ "rom.no-last-image", "rom", WRONG, NULL, NULL,
	  "The chain ends without an image marked last." },
	{ "rom.too-many-images", "rom", WRONG, NULL, NULL,
	  "More images than the parser follows." },
	{ "rom.trailing-data", "rom", WRONG, NULL, NULL,
	  "Data that is not padding follows the last image." },
	{ "rom.wrong-device", "rom", WRONG, NULL, NULL,
	  "The ROM does not name the device's IDs." },
	{ "rom.no-efi-x64", "rom", WRONG, NULL, NULL,
	  "A GPU ROM without an x64 EFI driver (GOP): OVMF shows nothing." },
	{ "rom.boot-vga", "rom", WRONG, NULL, NULL,
	  "Read from the boot GPU: the firmware's shadow copy, maybe changed." },
	{ "rom.vfio-pci-in-use", "rom", WRONG, NULL, NULL,
	  "A bad ROM read from a device on vfio-pci: a running guest may hold it." },

	/* lint, qemu-args, libvirt-xml, vm (lib/vm/) */
	{ "vm.definition", "vm", 0, NULL, NULL,
	  "What the VM definition says: machine, firmware, memory, devices." },
	{ "vm.proxmox", "vm", WRONG, NULL, NULL,
	  "Proxmox would refuse to start the VM, in its own words." },
	{ "vm.qemu-option", "vm", WRONG, NULL, NULL,
	  "An option no QEMU version knows." },
	{ "vm.typography", "vm", WRONG, NULL, NULL,
	  "A typographic dash or quote where QEMU needs a plain '-' or shell quote." },
	{ "vm.machine", "vm", 0, NULL, NULL,
	  "The machine type: q35 keeps devices on PCI Express." },
	{ "vm.firmware", "vm", 0, NULL, NULL,
	  "The guest firmware against each device's ROM." },
	{ "vm.romfile", "vm", 0, NULL, NULL,
	  "A romfile: an absolute path QEMU's user can read, a usable option ROM." },
	{ "vm.hostdev", "vm", 0, NULL, NULL,
	  "A passed-through device exists on the host and can be passed." },
	{ "vm.hostdev-driver", "vm", 0, NULL, NULL,
	  "A passed-through device is on vfio-pci or will be." },
	{ "vm.mapping", "vm", 0, NULL, NULL,
	  "A Proxmox resource mapping resolves to a device of this host." },
	{ "vm.mdev", "vm", 0, NULL, NULL,
	  "A mediated device exists and its type can be created." },
	{ "vm.siblings", "vm", 0, NULL, NULL,
	  "The other functions of a passed-through slot go to the guest too." },
	{ "vm.group", "vm", 0, NULL, NULL,
	  "Every IOMMU group of the passed-through devices is viable." },
	{ "vm.x-vga", "vm", 0, NULL, NULL,
	  "x-vga=on is on a VGA device, with SeaBIOS, and vfio-pci offers VGA." },
	{ "vm.memlock", "vm", 0, NULL, NULL,
	  "The locked-memory limit covers the guest's RAM." },
	{ "vm.hugepages", "vm", 0, NULL, NULL,
	  "Enough huge pages are reserved for the guest's RAM." },
	{ "vm.gpu", "vm", WRONG, NULL, NULL,
	  "vm --preset: a device given as the GPU is no display controller." },
	{ "vm.usb", "vm", WRONG, NULL, NULL,
	  "vm --preset: a device given as the USB controller is none." },
	{ "vm.disk", "vm", WRONG, NULL, NULL,
	  "vm --preset: the disk image is missing or not what was expected." },

	/* trial (lib/trial/) */
	{ "trial.qemu", "trial", 0, NULL, NULL, "QEMU started and ran the guest." },
	{ "trial.firmware", "trial", 0, NULL, NULL,
	  "SeaBIOS enumerated every device given." },
	{ "trial.kernel", "trial", 0, NULL, NULL,
	  "The guest's kernel booted and reported back." },
	{ "trial.devices", "trial", 0, NULL, NULL,
	  "The guest saw every device given, with the same IDs." },
	{ "trial.driver", "trial", 0, NULL, NULL,
	  "A driver of the guest took every device." },
	{ "trial.function", "trial", 0, NULL, NULL, "The devices work in the guest." },
	{ "trial.host-log", "trial", 0, NULL, NULL,
	  "The host's kernel log during the trial, decoded." },
	{ "trial.interrupted", "trial", WRONG, NULL, NULL,
	  "The trial was interrupted before it ended." },
	{ "trial.report", "trial", 0, NULL, NULL,
	  "The guest's report came back whole." },
	{ "trial.module", "trial", WRONG, NULL, NULL,
	  "A driver module the guest needs is missing from the trial's kernel." },
	{ "trial.twice", "trial", 0, NULL, NULL,
	  "With --twice, the devices worked again in a second VM right after the first." },

	/* guest (lib/guest/guest.c) */
	{ "guest.system", "guest", 0, NULL, NULL, "The guest's system and kernel." },
	{ "guest.devices", "guest", 0, NULL, NULL,
	  "The passed-through devices are on the guest's PCI bus." },
	{ "guest.driver", "guest", 0, NULL, NULL, "A driver claimed the device." },
	{ "guest.driver-errors", "guest", WRONG, NULL, NULL,
	  "The guest's kernel log has driver errors for the device." },
	{ "guest.firmware", "guest", WRONG, NULL, NULL,
	  "Firmware the driver needs failed to load." },
	{ "guest.drm", "guest", 0, NULL, NULL, "The GPU's DRM device and driver." },
	{ "guest.net", "guest", 0, NULL, NULL,
	  "The NIC's network interface and its link." },
	{ "guest.audio", "guest", 0, NULL, NULL,
	  "The sound card of an audio function and the codecs it found." },
	{ "guest.usb", "guest", 0, NULL, NULL,
	  "A USB controller's root hubs, their ports and the devices on them." },
	{ "guest.nvme", "guest", 0, NULL, NULL,
	  "An NVMe controller and its namespaces." },
	{ "guest.cmdline", "guest", WRONG, NULL, NULL,
	  "nomodeset or HWACCEL=0 keeps the GPU from rendering." },
	{ "guest.primary-display", "guest", 0, NULL, NULL,
	  "The passed-through GPU is the primary display." },
	{ "guest.boot-display", "guest", 0, NULL, NULL,
	  "The firmware drew on the passed-through GPU before the kernel (its GOP or VESA "
	  "framebuffer is in the GPU's BAR)." },
	{ "guest.egl", "guest", 0, NULL, NULL, "Android: the EGL driver for the GPU." },
	{ "guest.vulkan", "guest", 0, NULL, NULL,
	  "Android: the Vulkan driver for the GPU." },
	{ "guest.gralloc", "guest", 0, NULL, NULL,
	  "Android: the buffer allocator (gralloc)." },
	{ "guest.access", "guest", WRONG, NULL, NULL,
	  "Files that could not be read without root." },
};

size_t vfd_finding_kind_count(void)
{
	return ARRAY_SIZE(kinds);
}

const struct vfd_finding_kind *vfd_finding_kind_at(size_t index)
{
	return index < ARRAY_SIZE(kinds) ? &kinds[index] : NULL;
}

const struct vfd_finding_kind *vfd_finding_kind_find(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		const struct vfd_finding_kind *k = &kinds[i];
		const char *stem_end;

		if (!k->member) {
			if (strcmp(k->id, id) == 0)
				return k;
			continue;
		}
		/* a family: "stem.NAME" with NAME one of its members */
		stem_end = strrchr(k->id, '.');
		if (strncmp(k->id, id, (size_t)(stem_end - k->id) + 1) == 0 &&
		    k->member(id + (stem_end - k->id) + 1))
			return k;
	}
	return NULL;
}
