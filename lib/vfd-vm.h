/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfd, VM configuration: generating QEMU arguments and libvirt XML for
 * passed-through devices, and linting a VM definition against the host.
 * Same conventions as vfd.h: 0 or a negative errno, the library never prints.
 */
#ifndef VFD_VM_H
#define VFD_VM_H

#include "vfd.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vfd_vm_machine {
	VFD_MACHINE_UNKNOWN,
	VFD_MACHINE_Q35,	/* q35, pc-q35-*: PCI Express root complex */
	VFD_MACHINE_I440FX,	/* pc, pc-i440fx-*: conventional PCI only */
	VFD_MACHINE_OTHER,
};

enum vfd_vm_firmware {
	VFD_FIRMWARE_UNKNOWN,
	VFD_FIRMWARE_BIOS,	/* SeaBIOS: runs the legacy (x86) image of option ROMs */
	VFD_FIRMWARE_EFI,	/* OVMF: runs the EFI image of option ROMs */
};

/* "bios", "efi", ... (a static string) */
const char *vfd_vm_firmware_name(enum vfd_vm_firmware firmware);
/* the machine family of a QEMU -machine type or libvirt machine= value */
enum vfd_vm_machine vfd_vm_machine_parse(const char *type);

/* ------------------------------------------------------- generation */

/* one host function given to the guest */
struct vfd_vm_func {
	char slot[16];		/* host address DDDD:BB:DD.F */
	uint16_t vendor, device;
	uint32_t class_code;
	unsigned int fn;	/* guest function number */
	bool named;		/* named by the user (else brought along) */
	char *why;		/* why it was brought along, NULL when named */
	bool x_vga;		/* give it the legacy VGA ranges (x-vga=on) */
	char *romfile;		/* romfile= / <rom file=>, or NULL */
};

/*
 * one guest slot: the functions of one host slot, or a lone device of a
 * shared group, as a multi-function device when it holds several
 */
struct vfd_vm_unit {
	struct vfd_vm_func *funcs;	/* ordered by guest function, 0 first */
	size_t n;
	unsigned int slot;		/* guest slot on the root bus: of its root port (q35) */
	unsigned int index;		/* libvirt controller index of the root port (q35) */
};

struct vfd_vm_devset {
	struct vfd_vm_unit *units;
	size_t n;
};

struct vfd_vm_opts {
	enum vfd_vm_machine machine;	/* UNKNOWN means q35 */
	enum vfd_vm_firmware firmware;	/* UNKNOWN means efi */
	const char *bus;		/* QEMU: bus id; libvirt: first bus number; NULL: default */
	int slot;			/* first guest slot, -1: default (0x10) */
	const char *romfile;		/* for the first named device, path on the host */
	bool x_vga;
	const char *user;		/* account QEMU runs as, NULL: the distribution's */
	bool libvirt;			/* for libvirt: managed='yes' binds devices at start */
};

/*
 * vfd_vm_devset_build - the functions that must go to the guest together
 * @devices: device arguments (vfd_devspec_parse forms), NULL-terminated.
 * Each named device brings the other functions of its slot (not for SR-IOV
 * virtual functions) and every other device of its IOMMU group that is not a
 * bridge. Each host slot becomes one guest unit.
 * @notes: warnings and notes about the result are appended (layer "vm": not
 *         bound to vfio-pci, group not viable, x-vga that does not apply, a
 *         romfile the QEMU user cannot read or that has no image the firmware
 *         can run).
 * Returns: 0; -EINVAL for a malformed device argument; -ENODEV when one
 *          matches nothing; -EISDIR when one is a bridge; -ENOENT when the
 *          romfile does not exist in the root; -ENOMEM.
 */
int vfd_vm_devset_build(struct vfd_host *host, const char *const *devices,
			const struct vfd_vm_opts *opts, struct vfd_vm_devset *set,
			struct vfd_report *notes);
/*
 * vfd_vm_devset_build_selected - the same for devices already selected
 * (lib/checks/select.h, any expansion: only the named devices are read), so
 * that the caller can name the argument that failed. Returns as above, less
 * -EINVAL and -ENODEV; vfd_selection_first_unassignable() gives the device
 * behind -EISDIR.
 */
struct vfd_selection;
int vfd_vm_devset_build_selected(struct vfd_host *host, const struct vfd_selection *sel,
				 const struct vfd_vm_opts *opts, struct vfd_vm_devset *set,
				 struct vfd_report *notes);
void vfd_vm_devset_clear(struct vfd_vm_devset *set);

/*
 * vfd_vm_qemu_args - "-device" arguments for the set, one option a line
 * joined by " \\\n", shell-quoted where needed: a pcie-root-port per unit on
 * q35, vfio-pci for each function. Returns a new string (caller frees) or
 * NULL (ENOMEM).
 */
char *vfd_vm_qemu_args(const struct vfd_vm_devset *set, const struct vfd_vm_opts *opts);

/*
 * vfd_vm_libvirt_devices - a <devices> element holding the pcie-root-port
 * controllers (q35) and one <hostdev mode='subsystem' type='pci'
 * managed='yes'> per function; with x-vga, a <qemu:override> element follows
 * (libvirt has no attribute for it). Returns a new string (caller frees) or
 * NULL (ENOMEM).
 */
char *vfd_vm_libvirt_devices(const struct vfd_vm_devset *set, const struct vfd_vm_opts *opts);

enum vfd_vm_format { VFD_VM_FORMAT_QEMU, VFD_VM_FORMAT_LIBVIRT };

struct vfd_vm_preset_opts {
	const char *preset;		/* "android" */
	const char *name;		/* domain name, NULL: the preset's */
	const char *gpu;		/* device argument */
	const char *usb;		/* device argument or NULL */
	/*
	 * { gpu, usb } parsed by the caller (vfd_selection_parse), or NULL;
	 * resolved here, so that after -ENODEV or -EISDIR it names the argument
	 */
	struct vfd_selection *selection;
	const char *disk;		/* image path or NULL; .iso becomes a CD-ROM */
	uint64_t memory;		/* bytes, 0: 8 GiB */
	unsigned int cpus;		/* 0: 4 */
	const char *ovmf_code;		/* NULL: search the root */
	const char *ovmf_vars;		/* template; NULL: beside the code */
	const char *vars;		/* the guest's own vars file, NULL: default */
	enum vfd_vm_format format;
	struct vfd_vm_opts dev;		/* romfile, x_vga, user; machine is q35 */
};

/*
 * vfd_vm_find_ovmf - OVMF firmware in the root: the Debian, Fedora and Arch
 * paths (4 MiB builds first, no Secure Boot builds). @code and @vars are new
 * strings (caller frees), absolute paths on the host.
 * Returns: 0, -ENOENT when none is installed, -ENOMEM.
 */
int vfd_vm_find_ovmf(struct vfd_root *root, char **code, char **vars);

/*
 * vfd_vm_preset - a complete guest definition for @opts->preset: a shell
 * script running QEMU, or a libvirt domain. See the man page for each choice.
 * Returns: 0 with *out (caller frees); the errors of vfd_vm_devset_build;
 *          -ENOENT with @err filled when OVMF or an input file is missing;
 *          -EINVAL for an unknown preset.
 */
int vfd_vm_preset(struct vfd_host *host, const struct vfd_vm_preset_opts *opts, char **out,
		  struct vfd_report *notes, char *err, size_t errsize);

/* ------------------------------------------------------------- lint */

#define VFD_VM_MAX_INPUT	(4u << 20)	/* bytes of a domain or command line */
#define VFD_VM_MAX_DEPTH	32		/* XML element nesting */
#define VFD_VM_MAX_HOSTDEVS	256

enum vfd_vm_source { VFD_VM_SOURCE_LIBVIRT, VFD_VM_SOURCE_QEMU, VFD_VM_SOURCE_PVE };

/* a passed-through device as the definition says it */
struct vfd_vm_hostdev {
	bool has_host;			/* @host holds a parsed address */
	struct vfd_bdf host;
	char *host_text;		/* the address as written, or NULL */
	int managed;			/* libvirt managed=: 1, 0; -1 for QEMU */
	char *romfile;			/* or NULL */
	int rombar;			/* 1 on, 0 off, -1 not said */
	bool x_vga;
	bool multifunction;
	bool has_guest_addr;
	char *guest_bus;		/* QEMU bus id or libvirt bus number, or NULL */
	unsigned int guest_slot, guest_fn;
	unsigned int line;		/* line of the file, 0 when unknown */
	bool interface;			/* libvirt <interface type='hostdev'> (an SR-IOV VF NIC) */
	char *mdev;			/* a mediated device's UUID (sysfsdev= under
					   /sys/bus/mdev/devices, libvirt type='mdev'), or NULL */
	char *mdev_type;		/* Proxmox mdev=TYPE: an instance of this type of the
					   device @host is made at start, or NULL */
	bool all_functions;		/* Proxmox: @host named without a function: every
					   function of the slot, as one multi-function device */
	char *mapping;			/* Proxmox mapping=NAME (cluster-wide mapping), or NULL */
};

/*
 * A word of a QEMU command line with a typographic character QEMU does not
 * read as meant: a dash for the '-' of an option (QEMU takes the word for a
 * disk image), a curly quote where a shell quote was meant (QEMU takes it
 * as part of the value). The reader read the word as meant.
 */
struct vfd_vm_typo {
	char *word;			/* as written */
	unsigned int line;		/* line of the file */
	unsigned int index;		/* word of the command, from 1 (0: not known) */
	unsigned int codepoint;		/* the first such character of the word */
	bool dash;			/* a dash read as '-' (else quotes left out) */
};

struct vfd_vm_conf {
	enum vfd_vm_source source;
	char *name;			/* libvirt <name>, QEMU -name, or NULL */
	char *machine;			/* as written, or NULL (QEMU's default is pc) */
	enum vfd_vm_machine machine_type;
	enum vfd_vm_firmware firmware;
	char *firmware_path;		/* loader, -bios or pflash file, or NULL */
	uint64_t memory;		/* bytes, 0 when not said */
	bool hugepages;
	uint64_t hugepage_size;		/* bytes, 0 for the default size */
	bool locked;			/* <locked/>, mem-lock=on, mlock=on */
	uint64_t hard_limit;		/* libvirt <memtune><hard_limit>, bytes, 0 none */
	uint64_t ulimit_memlock;	/* QEMU: the most a script's "ulimit -l" before the
					   command asks for, bytes (VFD_UNLIMITED), 0 none */
	bool emulated_vga;		/* an emulated display device besides */
	char *bad_option;		/* QEMU: the first option that is in no QEMU version's
					   option table, or NULL */
	unsigned int bad_option_line;
	char *start_error;		/* Proxmox: why qemu-server would refuse to start
					   the guest (its own message), or NULL */
	unsigned int start_error_line;
	struct vfd_vm_typo *typos;	/* QEMU: typographic dashes and quotes, in order */
	size_t n_typos;
	struct vfd_vm_hostdev *hostdevs;
	size_t n_hostdevs;
};

/*
 * vfd_vm_parse_libvirt - read a libvirt domain held in memory
 * Parsed with libxml2 without network access, entity substitution or DTD
 * loading; a DOCTYPE, XInclude, more than VFD_VM_MAX_DEPTH levels or
 * VFD_VM_MAX_INPUT bytes are refused, so nothing but @buf is ever read.
 * Returns: 0 (clear @out with vfd_vm_conf_clear), -EINVAL with @err filled
 *          for a malformed or refused document, -EFBIG, -ENOMEM.
 */
int vfd_vm_parse_libvirt(const char *buf, size_t len, struct vfd_vm_conf *out,
			 struct vfd_parse_error *err);
/*
 * vfd_vm_parse_qemu - read a QEMU command line held in memory: shell words
 * (quotes, backslashes, backslash-newline continuations, # comments), from
 * the qemu-system-* word on when there is one; -device in both the
 * driver,key=value and the JSON form. Returns as vfd_vm_parse_libvirt.
 */
int vfd_vm_parse_qemu(const char *buf, size_t len, struct vfd_vm_conf *out,
		      struct vfd_parse_error *err);
/*
 * vfd_vm_parse_pve - read a Proxmox VE VM configuration held in memory
 * (/etc/pve/qemu-server/ID.conf: "key: value" lines; snapshot, pending and
 * special sections after the current configuration are skipped): hostpciN,
 * machine, bios, memory, hugepages, vga, and the QEMU options of args:.
 * Returns as vfd_vm_parse_libvirt.
 */
int vfd_vm_parse_pve(const char *buf, size_t len, struct vfd_vm_conf *out,
		     struct vfd_parse_error *err);
/* true when @buf reads as a Proxmox VM configuration ("key: value" lines) */
bool vfd_vm_is_pve(const char *buf, size_t len);
/* any of the three, by content: '<' first is XML; "key: value" lines are Proxmox */
int vfd_vm_parse(const char *buf, size_t len, struct vfd_vm_conf *out, struct vfd_parse_error *err);
void vfd_vm_conf_clear(struct vfd_vm_conf *conf);

struct vfd_lint_opts {
	const char *user;		/* account QEMU runs as, NULL: the distribution's */
};

/*
 * vfd_vm_lint - check a VM definition against the host: machine type,
 * firmware and the GPU's ROM, each hostdev (exists, bound, siblings and
 * group, romfile, x-vga), the memlock limit of the QEMU user, hugepages.
 * Findings go to @report in layer "vm". Returns 0 or -ENOMEM.
 */
int vfd_vm_lint(struct vfd_host *host, const struct vfd_vm_conf *conf,
		const struct vfd_lint_opts *opts, struct vfd_report *report);

#ifdef __cplusplus
}
#endif
#endif
