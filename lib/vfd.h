/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfd: the host model behind vfio-doctor.
 *
 * Conventions (see STYLE.md): functions return 0 or a negative errno;
 * constructors return NULL and set errno; _is_/_has_ return bool; getters
 * return pointers owned by the object; the library never prints or exits.
 */
#ifndef VFD_H
#define VFD_H

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- root */

struct vfd_root;

typedef void (*vfd_log_fn)(void *data, int priority, const char *fmt, va_list ap);

/*
 * vfd_root_new - open the root every read goes through
 * @prefix: "/" (or NULL) for the live host, or a sysroot directory that holds
 *          sys/ (and usually proc/, dev/, etc/) shaped like the live paths.
 * Returns: a new reference, or NULL with errno set (ENOENT, EACCES, ENOTDIR when
 *          the directory has no sys/ and so is not a sysroot).
 */
struct vfd_root *vfd_root_new(const char *prefix);
struct vfd_root *vfd_root_ref(struct vfd_root *root);
void vfd_root_unref(struct vfd_root *root);
/* true for "/": ioctls, uname() and the live kernel log may be used */
bool vfd_root_is_live(const struct vfd_root *root);
const char *vfd_root_get_prefix(const struct vfd_root *root);
/* Library diagnostics go only here (priority as syslog; VFD_DEBUG=1 shows all). */
void vfd_root_set_log_fn(struct vfd_root *root, vfd_log_fn fn, void *data);

/*
 * Writes (sysfs attributes): on the live host they go to the kernel; in a
 * sysroot they are refused with -EROFS unless a write function is set, which
 * is how tests put a model of the kernel behind a fixture tree. @path is
 * relative to the root.
 */
typedef int (*vfd_write_fn)(void *data, const char *path, const char *value);
void vfd_root_set_write_fn(struct vfd_root *root, vfd_write_fn fn, void *data);
/* write @value (one write(2)) to the file; 0 or -errno as the kernel returned it */
int vfd_root_writef(struct vfd_root *root, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Files the tool owns (state records, configuration edits): written to a
 * temporary file beside @path, synced, then renamed over it, so a reader sees
 * the old file or the new one, never a part. Directories are made as needed.
 * Only on the live host or where a write function is set; -EROFS otherwise.
 */
int vfd_root_write_file(struct vfd_root *root, const char *path, const char *data, size_t len,
			unsigned int mode);
int vfd_root_mkdirs(struct vfd_root *root, const char *path);

/*
 * Open a path inside the root; returns an fd or -errno. In a sysroot every
 * link resolves inside it, with openat2(RESOLVE_IN_ROOT) or, where the kernel
 * or a seccomp profile refuses openat2, by a walk a component at a time
 * (at most 40 links, ".." stops at the root). Never blocks on a FIFO: a FIFO
 * or socket, or a device node in a sysroot, is -VFD_ENOTREG (each such path
 * logged once, at priority 4). The readers below take only regular files (-EISDIR for a
 * directory, -VFD_ENOTREG for anything else).
 */
#define VFD_ENOTREG EINVAL
int vfd_root_openat(struct vfd_root *root, const char *path, int flags);
int vfd_root_openf(struct vfd_root *root, int flags, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* one attribute, trailing newline removed; *out is a new string (caller frees) */
int vfd_root_readf_str(struct vfd_root *root, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* decimal, 0x hex or 0 octal, as sysfs writes them; -EINVAL on anything else */
int vfd_root_readf_u64(struct vfd_root *root, uint64_t *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vfd_root_readf_s64(struct vfd_root *root, int64_t *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* a whole file, at most @max bytes, NUL-terminated (caller frees *out) */
int vfd_root_read_filef(struct vfd_root *root, size_t max, char **out, size_t *len,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* the link target as stored (caller frees) */
int vfd_root_readlinkf(struct vfd_root *root, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the last component of the link target (caller frees) */
int vfd_root_readlinkf_base(struct vfd_root *root, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* NULL with errno on failure; caller closedir()s */
DIR *vfd_root_opendirf(struct vfd_root *root, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vfd_root_statf(struct vfd_root *root, struct stat *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool vfd_root_existsf(struct vfd_root *root, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* strict number parsers for sysfs values: 0 or -EINVAL / -ERANGE */
int vfd_parse_u64(const char *s, uint64_t *out);
int vfd_parse_s64(const char *s, int64_t *out);

/* ----------------------------------------------------------- addresses */

struct vfd_bdf {
	unsigned int domain, bus, dev, fn;
};

/* Parse "DDDD:BB:DD.F" or "BB:DD.F" (domain 0). Returns 0 or -EINVAL. */
int vfd_bdf_parse(const char *s, struct vfd_bdf *out);
/* Formats "DDDD:BB:DD.F" into buf (at least 13 bytes). */
void vfd_bdf_format(const struct vfd_bdf *bdf, char *buf, size_t size);

/* A device argument: an address, or vendor:device IDs ("10de:1f06"). */
struct vfd_devspec {
	bool by_id;
	struct vfd_bdf bdf;
	uint16_t vendor, device;
};

/* Returns 0, or -EINVAL when @s is none of "DDDD:BB:DD.F", "BB:DD.F", "VVVV:DDDD". */
int vfd_devspec_parse(const char *s, struct vfd_devspec *out);

/* ----------------------------------------------------- config space */

/* PCI 3.0 6.7 capability IDs and PCIe 4.0 7.6 extended capability IDs we use */
#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_AF		0x13
#define PCI_EXT_CAP_ID_ACS	0x0d
#define PCI_EXT_CAP_ID_DSN	0x03

/*
 * vfd_config_find_cap - offset of a standard capability in config space
 * Walks the list at 0x34 with a bound on the number of hops (loops in broken
 * devices are common). Returns the offset (> 0), or -ENOENT, or -EINVAL when
 * @len is too short to hold a header.
 */
int vfd_config_find_cap(const uint8_t *cfg, size_t len, uint8_t cap_id);
/* the same for extended capabilities from 0x100 (needs len >= 4096 to see all) */
int vfd_config_find_ext_cap(const uint8_t *cfg, size_t len, uint16_t cap_id);
/* PCIe Device Capabilities: Function Level Reset supported */
bool vfd_config_has_flr(const uint8_t *cfg, size_t len);
/* PCIe port type from the Express capability, or -1 (PCIe 4.0 7.5.3.2) */
int vfd_config_pcie_type(const uint8_t *cfg, size_t len);

/* ------------------------------------------------------- host model */

struct vfd_host;
struct vfd_pcidev;
struct vfd_group;

/*
 * vfd_host_new - enumerate every PCI function under sys/bus/pci/devices
 * Reads, per function, the IDs (from config space, one read), the driver,
 * IOMMU group and parent links. Everything else is read on first use.
 * Returns: a new host, or NULL with errno (ENOENT when the root has no PCI bus
 *          directory; ENOMEM).
 */
struct vfd_host *vfd_host_new(struct vfd_root *root);
void vfd_host_free(struct vfd_host *host);
struct vfd_root *vfd_host_get_root(const struct vfd_host *host);

/*
 * The deepest path from a root bus, in functions: every bridge on it takes a
 * bus number of its own, and there are 256. Parent links that form a cycle or
 * go deeper are dropped (vfd_pcidev_get_parent() returns NULL for that device),
 * so every walk up the tree ends.
 */
#define VFD_PCI_MAX_DEPTH 256
/*
 * What was wrong with the sysroot's parent links (the first fault, one line,
 * owned by the host), or NULL for a sound tree. Reads the topology on first use.
 */
const char *vfd_host_get_topology_error(struct vfd_host *host);
size_t vfd_host_count_devices(const struct vfd_host *host);
/* devices sorted by address; index < count */
struct vfd_pcidev *vfd_host_device(const struct vfd_host *host, size_t index);
struct vfd_pcidev *vfd_host_find(const struct vfd_host *host, const char *slot);
/* position of @dev in the sorted device list */
size_t vfd_host_index(const struct vfd_host *host, const struct vfd_pcidev *dev);
/* Resolves a device argument; for IDs, the first match (see _next for more). */
int vfd_host_lookup(const struct vfd_host *host, const struct vfd_devspec *spec,
		    size_t *index);
/* matching devices of spec after @start (index), 0 or 1 when none left */
int vfd_host_lookup_next(const struct vfd_host *host, const struct vfd_devspec *spec,
			 size_t start, size_t *index);

/*
 * kernel release (proc/sys/kernel/osrelease), or NULL (also for one that is
 * not a release: see vfd_release_is_valid()); owned by host
 */
const char *vfd_host_get_release(struct vfd_host *host);
/*
 * @release can be a kernel release and a path component: 1 to 64 letters,
 * digits and ". _ + ~ -", no "..". A sysroot's osrelease names directories
 * (lib/modules/RELEASE, boot/config-RELEASE), so "../../.." must not pass.
 */
bool vfd_release_is_valid(const char *release);
/* kernel version as major*65536+minor*256, or 0 when unknown */
unsigned int vfd_host_kernel_version(struct vfd_host *host);

size_t vfd_host_count_groups(const struct vfd_host *host);
struct vfd_group *vfd_host_group(const struct vfd_host *host, size_t index);
struct vfd_group *vfd_host_find_group(const struct vfd_host *host, int number);

/* Names from pci.ids through libpci; NULL when unknown. Owned by the host. */
const char *vfd_host_vendor_name(struct vfd_host *host, uint16_t vendor);
const char *vfd_host_device_name(struct vfd_host *host, uint16_t vendor, uint16_t device);
const char *vfd_host_class_name(struct vfd_host *host, uint32_t class_code);

const char *vfd_pcidev_get_slot(const struct vfd_pcidev *dev);
uint16_t vfd_pcidev_get_vendor(const struct vfd_pcidev *dev);
uint16_t vfd_pcidev_get_device(const struct vfd_pcidev *dev);
uint16_t vfd_pcidev_get_subsys_vendor(const struct vfd_pcidev *dev);
uint16_t vfd_pcidev_get_subsys_device(const struct vfd_pcidev *dev);
/* 24-bit class code: base class, subclass, programming interface */
uint32_t vfd_pcidev_get_class(const struct vfd_pcidev *dev);
uint8_t vfd_pcidev_get_revision(const struct vfd_pcidev *dev);
/* header type without the multi-function bit: 0 normal, 1 bridge, 2 CardBus */
int vfd_pcidev_get_header_type(const struct vfd_pcidev *dev);
bool vfd_pcidev_is_multifunction(const struct vfd_pcidev *dev);
bool vfd_pcidev_is_bridge(const struct vfd_pcidev *dev);
/*
 * vfd_pcidev_unassignable - why @dev cannot be given to a guest, or NULL
 * when nothing in its header or class forbids it. *@id is set to the finding
 * id of the reason ("bridge", "host-bridge"). The string is static.
 */
const char *vfd_pcidev_unassignable(const struct vfd_pcidev *dev, const char **id);
/* bound driver name, or NULL when unbound */
const char *vfd_pcidev_get_driver(const struct vfd_pcidev *dev);
/* IOMMU group number, or -1 when the device has none */
int vfd_pcidev_get_group(const struct vfd_pcidev *dev);
/* slot of the upstream bridge, or NULL on a root bus */
const char *vfd_pcidev_get_parent(const struct vfd_pcidev *dev);
/* slot of the SR-IOV physical function, or NULL */
const char *vfd_pcidev_get_physfn(struct vfd_pcidev *dev);
/* driver_override, or NULL when "(null)"/absent */
const char *vfd_pcidev_get_driver_override(struct vfd_pcidev *dev);
/* reset_method ("flr bus", ...), "" when the kernel has none, NULL when unknown */
const char *vfd_pcidev_get_reset_method(struct vfd_pcidev *dev);
/* 1, 0, or -1 when the attribute is absent (non-VGA devices) */
int vfd_pcidev_get_boot_vga(struct vfd_pcidev *dev);
/* NUMA node, -1 when none or unknown */
int vfd_pcidev_get_numa_node(struct vfd_pcidev *dev);
/* number of virtfnN links (VFs currently enabled) */
int vfd_pcidev_get_num_vfs(struct vfd_pcidev *dev);
/* config space as the kernel shows it (64, 256 or 4096 bytes); NULL if unreadable */
const uint8_t *vfd_pcidev_get_config(struct vfd_pcidev *dev, size_t *len);
/* class helpers */
bool vfd_class_is_display(uint32_t class_code);
bool vfd_class_is_audio(uint32_t class_code);
bool vfd_class_is_usb(uint32_t class_code);
bool vfd_class_is_network(uint32_t class_code);
bool vfd_class_is_storage(uint32_t class_code);

/* ---------------------------------------------------------- groups */

int vfd_group_get_number(const struct vfd_group *group);
size_t vfd_group_count_devices(const struct vfd_group *group);
struct vfd_pcidev *vfd_group_device(const struct vfd_group *group, size_t index);

/*
 * vfd_driver_allows_shared_dma - the kernel's test for a device that may stay
 * bound in a group used by VFIO (drivers setting driver_managed_dma since
 * 5.19: vfio-pci and its variants, pci-stub, pcieport). NULL (unbound) is
 * allowed. The flag is not in sysfs, so this is a name list.
 */
bool vfd_driver_allows_shared_dma(const char *driver);
/* true when @dev does not keep its group from being viable on @kernel_version */
bool vfd_pcidev_is_viability_ok(const struct vfd_pcidev *dev, unsigned int kernel_version);
/* every device of the group passes vfd_pcidev_is_viability_ok */
bool vfd_group_is_viable(struct vfd_host *host, const struct vfd_group *group);
/* Why several devices share one group. */
enum vfd_share_reason {
	VFD_SHARE_NONE,			/* one device (or one device and its bridges) */
	VFD_SHARE_PCI_BRIDGE,		/* behind a conventional PCI bridge: no isolation possible */
	VFD_SHARE_MULTIFUNCTION,	/* functions of one slot without ACS */
	VFD_SHARE_NO_ACS,		/* an upstream port without ACS */
	VFD_SHARE_UNKNOWN,		/* config space unreadable (needs root) or no culprit seen */
};

/*
 * vfd_group_share_reason - why the devices of @group are grouped together
 * Fills @slot with the device to blame (the bridge, function 0, or the port
 * lacking ACS), "" when none.
 */
enum vfd_share_reason vfd_group_share_reason(struct vfd_host *host, const struct vfd_group *group,
					     char *slot, size_t size);

/* ----------------------------------------------------------- usage */

/*
 * What the host would lose if a device were taken from its driver: mounted
 * filesystems, swap, network interfaces with addresses, the console.
 */
enum vfd_use_kind {
	VFD_USE_MOUNT,
	VFD_USE_SWAP,
	VFD_USE_HOLDER,		/* LVM, MD or dm stacked on a disk */
	VFD_USE_NETIF,
	VFD_USE_DISPLAY,
	VFD_USE_CONSOLE,
	VFD_USE_INPUT,
};

struct vfd_use {
	enum vfd_use_kind kind;
	char *what;		/* "sda2 mounted on /home", "eth0 up, 10.0.0.2" */
	char *evidence;		/* the file that showed it */
};

/*
 * vfd_host_device_uses - how the host uses @dev right now
 * Fills a new array (caller frees with vfd_uses_free). The block, net and
 * graphics classes are scanned once per host and cached.
 * Returns: number of uses (>= 0) or -errno.
 */
int vfd_host_device_uses(struct vfd_host *host, const struct vfd_pcidev *dev,
			 struct vfd_use **uses);
void vfd_uses_free(struct vfd_use *uses, int n);

/* -------------------------------------------------------- cmdline */

struct vfd_cmdline_token {
	char *key;		/* "intel_iommu", "quiet" */
	char *value;		/* "on", or NULL for a bare flag */
};

/*
 * vfd_cmdline_split - split a kernel command line like the kernel's
 * next_arg(): spaces separate, double quotes group ("a=\"b c\""), the quotes
 * are removed. Returns the number of tokens (caller frees with
 * vfd_cmdline_free) or -ENOMEM.
 */
int vfd_cmdline_split(const char *line, struct vfd_cmdline_token **tokens);
void vfd_cmdline_free(struct vfd_cmdline_token *tokens, int n);
/* the value of the last occurrence of @key (as the kernel applies them), or NULL */
const char *vfd_cmdline_get(const struct vfd_cmdline_token *tokens, int n, const char *key);
/* true if @key occurs; module parameters match with '-' and '_' alike */
bool vfd_cmdline_has(const struct vfd_cmdline_token *tokens, int n, const char *key);

/* Each comma-separated word of an intel_iommu=/amd_iommu= value checked. */
enum vfd_iommu_opt_vendor { VFD_OPT_INTEL, VFD_OPT_AMD };
/* true when the kernel's parser knows @word for that option */
bool vfd_iommu_option_known(enum vfd_iommu_opt_vendor vendor, const char *word);

/* ----------------------------------------------------------- kmsg */

struct vfd_kmsg_line {
	int level;		/* syslog level, -1 when unknown (dmesg text) */
	uint64_t usec;		/* timestamp since boot, 0 when unknown */
	char *text;		/* message without prefix or trailing newline */
};

struct vfd_kmsg {
	struct vfd_kmsg_line *lines;
	size_t n;
};

/*
 * vfd_kmsg_parse - decode a kernel log held in memory
 * Accepts /dev/kmsg records ("6,123,4567,-;text", continuation lines starting
 * with a space are dropped), dmesg text ("[    1.234567] text") and plain
 * lines. Returns 0 or -ENOMEM; on success @out owns new lines.
 */
int vfd_kmsg_parse(const char *buf, size_t len, struct vfd_kmsg *out);
/*
 * vfd_kmsg_read - the kernel log of the root: /dev/kmsg read to its end on the
 * live host, the file dev/kmsg in a sysroot. Returns 0, -EPERM/-EACCES when
 * the log is not readable (not root), -ENOENT when absent.
 */
int vfd_kmsg_read(struct vfd_root *root, struct vfd_kmsg *out);
void vfd_kmsg_clear(struct vfd_kmsg *kmsg);
/* first line containing @needle at or after *pos; NULL when none */
const struct vfd_kmsg_line *vfd_kmsg_find(const struct vfd_kmsg *kmsg, const char *needle,
					  size_t *pos);

/* -------------------------------------------------------- modules */

enum vfd_module_state {
	VFD_MODULE_UNKNOWN,
	VFD_MODULE_MISSING,	/* neither loaded, built in, nor in the module tree */
	VFD_MODULE_AVAILABLE,	/* a .ko exists but is not loaded */
	VFD_MODULE_LOADED,
	VFD_MODULE_BUILTIN,
};

struct vfd_modules;

/*
 * vfd_modules_new - module state for the root's running kernel: /proc/modules
 * and /sys/module, plus the module tree (libkmod over lib/modules/RELEASE or
 * usr/lib/modules/RELEASE inside the root) when it exists. Without a module
 * tree (kernel upgraded, not rebooted) "available" cannot be known, and
 * unloaded modules come back as VFD_MODULE_UNKNOWN.
 */
struct vfd_modules *vfd_modules_new(struct vfd_root *root, const char *release);
void vfd_modules_free(struct vfd_modules *mods);
enum vfd_module_state vfd_modules_state(struct vfd_modules *mods, const char *name);
/* the module tree used, or NULL when none was found or it could not be read */
const char *vfd_modules_tree(const struct vfd_modules *mods);
/* why a module tree that exists could not be read (libkmod missing, say), or NULL */
const char *vfd_modules_tree_error(const struct vfd_modules *mods);
/* value of /sys/module/NAME/parameters/PARAM (caller frees) or NULL */
char *vfd_modules_param(struct vfd_modules *mods, const char *name, const char *param);
const char *vfd_module_state_name(enum vfd_module_state state);
/* load @name and its dependencies (live host only): 0, -ENOENT, -EPERM... */
int vfd_modules_load(struct vfd_modules *mods, const char *name);

/* A module file that a device needs, for an initramfs. */
struct vfd_module_file {
	char *name;		/* "e1000e" */
	char *path;		/* its .ko (maybe .ko.xz, .ko.zst) on this machine; NULL: built in */
	char **firmware;	/* the firmware files it names, NULL-terminated */
};

/*
 * vfd_modules_for_alias - the modules whose aliases match @modalias (a
 * device's sys/.../modalias), each after its dependencies, appended to
 * *@files (*@n entries) unless already there.
 * Returns: the number of modules matching (0: none, nothing added), -ENOENT
 *          without a module tree, -ELIBACC when libkmod cannot be loaded, -ENOMEM.
 */
int vfd_modules_for_alias(struct vfd_modules *mods, const char *modalias,
			  struct vfd_module_file **files, size_t *n);
void vfd_module_files_free(struct vfd_module_file *files, size_t n);

/* ------------------------------------------------------- platform */

enum vfd_distro { VFD_DISTRO_UNKNOWN, VFD_DISTRO_DEBIAN, VFD_DISTRO_FEDORA, VFD_DISTRO_ARCH };
enum vfd_bootloader {
	VFD_BOOT_UNKNOWN, VFD_BOOT_GRUB, VFD_BOOT_SYSTEMD_BOOT, VFD_BOOT_SYSLINUX,
};

/* how the platform keeps the kernel command line (lib/platform.c has the table) */
enum vfd_kargs {
	VFD_KARGS_NONE,		/* not known: generic steps only */
	VFD_KARGS_GRUB,		/* /etc/default/grub, then the platform's grub update */
	VFD_KARGS_GRUBBY,	/* /etc/default/grub and grubby --update-kernel=ALL (BLS) */
	VFD_KARGS_KCMDLINE,	/* /etc/kernel/cmdline, then the platform's refresh */
	VFD_KARGS_ENTRIES,	/* the options line of ESP/loader/entries/\*.conf */
	VFD_KARGS_KERNELSTUB,	/* kernelstub -a / -d (Pop!_OS) */
	VFD_KARGS_RPM_OSTREE,	/* rpm-ostree kargs (Silverblue, Kinoite, CoreOS) */
	VFD_KARGS_BOOTC,	/* kargs.d files in the bootc image */
	VFD_KARGS_NIXOS,	/* boot.kernelParams in configuration.nix */
	VFD_KARGS_SYSLINUX,	/* the append line of /boot/syslinux/syslinux.cfg (Unraid) */
};

/* what builds the initramfs */
enum vfd_initramfs {
	VFD_INITRAMFS_NONE, VFD_INITRAMFS_TOOLS, VFD_INITRAMFS_DRACUT, VFD_INITRAMFS_MKINITCPIO,
	VFD_INITRAMFS_BOOSTER, VFD_INITRAMFS_RPM_OSTREE, VFD_INITRAMFS_IMAGE,
	VFD_INITRAMFS_NIXOS,
};

struct vfd_platform;

struct vfd_system {
	enum vfd_distro distro;
	enum vfd_bootloader boot;
	char *pretty_name;	/* os-release PRETTY_NAME, or NULL */
	const struct vfd_platform *platform;	/* NULL: not recognised */
	enum vfd_kargs kargs;
	enum vfd_initramfs initramfs;
	char *entries_dir;	/* VFD_KARGS_ENTRIES: "boot/loader/entries" (below the root) */
	char *grub_text;	/* /etc/default/grub as read, for which variable holds a word */
	bool pbt;		/* Proxmox: proxmox-boot-tool keeps the ESPs */
	bool guest;		/* a VM or a container (hypervisor flag, DMI, marker files) */
	bool container;		/* ... a container: the kernel and its boot are the host's */
	char *guest_why;	/* what showed it */
};

/* from etc/os-release and the bootloader files in the root */
int vfd_system_detect(struct vfd_root *root, struct vfd_system *out);
void vfd_system_clear(struct vfd_system *sys);
/* distribution and bootloader names for display */
const char *vfd_distro_name(enum vfd_distro distro);
const char *vfd_bootloader_name(enum vfd_bootloader boot);
/*
 * The platform's name where os-release does not give it ("Proxmox VE" on
 * Debian's os-release, Unraid, rpm-ostree, bootc), else NULL.
 */
const char *vfd_system_platform_name(const struct vfd_system *sys);
/* the platform's short name for scripts ("proxmox", "fedora", "nixos"), or NULL */
const char *vfd_system_platform_id(const struct vfd_system *sys);
/* how the command line is set, for the header: "systemd-boot (proxmox-boot-tool)" */
const char *vfd_system_boot_desc(const struct vfd_system *sys);
/*
 * The exact steps to add (@add) or remove kernel parameters persistently, one
 * command a string, in a new list (caller frees with vfd_strv_free).
 */
char **vfd_system_cmdline_fix(const struct vfd_system *sys, const char *add,
			      const char *remove);
/* Steps to load @module now and at every boot (caller frees). */
char **vfd_system_module_fix(const struct vfd_system *sys, const char *module);

/* ------------------------------------------------------- findings */

enum vfd_status { VFD_OK, VFD_INFO, VFD_WARN, VFD_FAIL, VFD_SKIP };

struct vfd_finding {
	char *id;		/* "iommu.enabled": stable, documented */
	char *layer;		/* platform, firmware, iommu, modules, device, vm */
	enum vfd_status status;
	char *device;		/* slot or NULL */
	char *summary;		/* one line */
	char **evidence;	/* NULL-terminated: "file: what it held" */
	char **fix;		/* NULL-terminated: commands or steps */
};

struct vfd_report {
	struct vfd_finding *findings;
	size_t n, cap;
};

const char *vfd_status_name(enum vfd_status status);
/* worst status of the report (skip and info count as ok) */
enum vfd_status vfd_report_worst(const struct vfd_report *report);
void vfd_report_clear(struct vfd_report *report);
/* a copy of every finding of @src at the end of @dst: 0 or -ENOMEM */
int vfd_report_append(struct vfd_report *dst, const struct vfd_report *src);

struct vfd_check_opts {
	const char *const *devices;	/* device arguments, NULL-terminated, or NULL */
	const char *user;		/* --user NAME for node access, or NULL */
	bool preflight;			/* also open each device through VFIO (vfd_preflight_run) */
};

/*
 * vfd_check_run - the layered diagnosis (platform, firmware, iommu, modules,
 * device) of DESIGN.md, appended to @report.
 * Returns 0, -EINVAL for a device argument of the wrong form, -ENODEV for one
 * that matches no device (report then holds nothing), -ENOMEM.
 */
int vfd_check_run(struct vfd_host *host, const struct vfd_check_opts *opts,
		  struct vfd_report *report);

/* ---------------------------------------------------------- bind */

/* What bind changed for one device: kept in run/vfio-doctor/bindings/<slot>. */
struct vfd_binding_record {
	char slot[16];
	char *driver;		/* driver before bind, or NULL */
	char *override;		/* driver_override before bind, or NULL */
};

/* 1 written, 0 kept (a record already there wins: it holds the original driver), -errno */
int vfd_record_save(struct vfd_root *root, const struct vfd_binding_record *rec);
/*
 * -ENOENT when there is no record for @slot; -EBADMSG when its driver or
 * override is not a driver name (vfd_driver_name_valid): a record is never
 * trusted to name a path
 */
int vfd_record_load(struct vfd_root *root, const char *slot, struct vfd_binding_record *rec);
void vfd_record_clear(struct vfd_binding_record *rec);
/*
 * A PCI driver's name as sysfs shows it (a directory of sys/bus/pci/drivers):
 * 1 to 255 printable ASCII bytes, no '/' or blank, not "." or "..".
 */
bool vfd_driver_name_valid(const char *name);
int vfd_record_remove(struct vfd_root *root, const char *slot);
/* every recorded slot, a NULL-terminated list (caller frees with vfd_strv_free) */
int vfd_record_list(struct vfd_root *root, char ***slots);

enum vfd_step_kind {
	VFD_STEP_OVERRIDE,	/* write driver_override */
	VFD_STEP_UNBIND,	/* write the slot to drivers/DRIVER/unbind */
	VFD_STEP_BIND,		/* write the slot to drivers/DRIVER/bind */
	VFD_STEP_PROBE,		/* write the slot to drivers_probe */
};

/* one sysfs write of a plan */
struct vfd_step {
	enum vfd_step_kind kind;
	char slot[16];
	char *path;		/* relative to the root, e.g. sys/bus/pci/drivers_probe */
	char *value;		/* what is written ("\n" clears driver_override) */
	char *expect;		/* after a PROBE or BIND: the driver that must hold it, or NULL */
};

/* a device the plan changes, and what it had before */
struct vfd_target {
	char slot[16];
	char *driver;
	char *override;
	int group;
};

struct vfd_plan {
	struct vfd_target *targets;
	size_t ntargets;
	struct vfd_step *steps;
	size_t nsteps;
	/* why the plan may not run: uses of the devices, non-viable groups, bridges */
	struct vfd_report problems;
	bool refused;		/* a problem that --force (or --allow-nonviable) must overrule */
	const char *driver;	/* the driver the plan binds to, "" to give devices back */
};

struct vfd_bind_opts {
	bool group;		/* every non-bridge device of the named devices' groups */
	bool allow_nonviable;	/* bind even if the group stays non-viable */
	bool force;		/* bind devices the host is using */
};

/*
 * vfd_plan_bind - plan giving @devices (device arguments) to vfio-pci with
 * driver_override + drivers_probe. Devices already on vfio-pci are left out.
 * The host's use of each device (vfd_host_device_uses) and the group's
 * viability become plan->problems; plan->refused says whether they stop it.
 * Returns 0, -EINVAL for a bad device argument, -ENODEV when one matches
 * nothing, -ENOMEM.
 */
int vfd_plan_bind(struct vfd_host *host, const char *const *devices,
		  const struct vfd_bind_opts *opts, struct vfd_plan *plan);
/* the same for devices already resolved (lib/select.h), @n of them */
int vfd_plan_bind_devices(struct vfd_host *host, struct vfd_pcidev *const *devices, size_t n,
			  const struct vfd_bind_opts *opts, struct vfd_plan *plan);
/*
 * vfd_plan_restore - plan giving devices back: to the driver in their record,
 * or, without a record, to whatever driver the kernel picks; driver_override
 * is put back (cleared when there was none). @devices NULL means every
 * recorded device. Returns as vfd_plan_bind.
 */
int vfd_plan_restore(struct vfd_host *host, const char *const *devices, struct vfd_plan *plan);

struct vfd_apply_result {
	size_t done;		/* steps that succeeded */
	int err;		/* errno of the failing step, 0 on success */
	size_t failed;		/* index of the failing step when err != 0 */
	bool rolled_back;	/* the devices were given back their previous state */
	int rollback_err;	/* first error while rolling back, 0 if none */
	char *detail;		/* e.g. the kernel log lines of a failed probe */
};

/*
 * vfd_plan_apply - run the plan as a transaction: records first (bind), then
 * every write; after each PROBE/BIND the driver link must show the expected
 * driver. On a failure every target is put back as it was, and @res says
 * which step failed and why. Loads vfio-pci first when binding on the live
 * host and waits (up to 5 s) for /dev/vfio/N. Returns 0 or the negative errno
 * of the failing step.
 */
int vfd_plan_apply(struct vfd_host *host, struct vfd_plan *plan, struct vfd_apply_result *res);
void vfd_plan_clear(struct vfd_plan *plan);
void vfd_apply_result_clear(struct vfd_apply_result *res);
/* what an errno means for a sysfs write of this kind (static string) */
const char *vfd_step_strerror(enum vfd_step_kind kind, int err);

/* ------------------------------------------------------- snapshot */

enum vfd_snapshot_compress { VFD_SNAPSHOT_NONE, VFD_SNAPSHOT_GZIP, VFD_SNAPSHOT_XZ };

struct vfd_snapshot_opts {
	bool redact;			/* serial numbers and the host name */
	enum vfd_snapshot_compress compress;
};

/*
 * vfd_snapshot_write - write what check and groups read from @root as a
 * sysroot tarball to @fd. Missing files are left out; nothing is written
 * outside @fd. Returns 0, -EIO when the archive cannot be written, -ENOMEM.
 */
int vfd_snapshot_write(struct vfd_root *root, int fd, const struct vfd_snapshot_opts *opts);

/* ------------------------------------------------------------ rom */

/* PCI Firmware 3.0 5.1.2 code types */
#define VFD_ROM_CODE_X86		0x00	/* Intel x86, PC-AT compatible (legacy BIOS) */
#define VFD_ROM_CODE_OPENFIRMWARE	0x01
#define VFD_ROM_CODE_PARISC		0x02	/* HP PA-RISC */
#define VFD_ROM_CODE_EFI		0x03
/* UEFI 2.x 14.4.2: the EFI image header's subsystem and machine type */
#define VFD_EFI_SUBSYSTEM_APPLICATION		10
#define VFD_EFI_SUBSYSTEM_BOOT_DRIVER		11
#define VFD_EFI_SUBSYSTEM_RUNTIME_DRIVER	12
#define VFD_EFI_MACHINE_IA32		0x014c
#define VFD_EFI_MACHINE_X64		0x8664
#define VFD_EFI_MACHINE_AARCH64		0xaa64
#define VFD_EFI_MACHINE_EBC		0x0ebc

/* What can be wrong with a ROM; bits of vfd_rom_info.problems and image.problems. */
#define VFD_ROM_EMPTY			(1u << 0)	/* no data, or all 0x00 / 0xff */
#define VFD_ROM_NO_SIGNATURE		(1u << 1)	/* no 55 AA + PCIR anywhere */
#define VFD_ROM_VENDOR_HEADER		(1u << 2)	/* first image at start > 0 */
#define VFD_ROM_BAD_PCIR		(1u << 3)	/* pointer at 0x18 leads to no "PCIR" */
#define VFD_ROM_PCIR_UNALIGNED		(1u << 4)
#define VFD_ROM_ZERO_LENGTH		(1u << 5)	/* image or x86 init size of 0 */
#define VFD_ROM_TRUNCATED		(1u << 6)
#define VFD_ROM_BAD_CHECKSUM		(1u << 7)	/* x86 image */
#define VFD_ROM_OVERLAP			(1u << 8)	/* header/PCIR/init size past the image */
#define VFD_ROM_BAD_EFI			(1u << 9)	/* no 0x0EF1, or bad driver offset */
#define VFD_ROM_NO_LAST			(1u << 10)	/* chain ends with no "last" image */
#define VFD_ROM_TOO_MANY_IMAGES		(1u << 11)
#define VFD_ROM_TRAILING		(1u << 12)	/* non-padding data after the chain */
#define VFD_ROM_LAST_PROBLEM		VFD_ROM_TRAILING

#define VFD_ROM_MAX_IMAGES		32
#define VFD_ROM_MAX_DEVICE_LIST		16

struct vfd_rom_image {
	size_t offset;			/* of its 55 AA, from the start of the buffer */
	size_t length;			/* PCIR image length in bytes */
	unsigned int problems;		/* VFD_ROM_* found in this image */
	bool has_pcir;			/* the fields below this are valid */
	uint16_t pcir_offset;		/* the pointer at 0x18 */
	uint16_t vendor, device;
	uint16_t device_list[VFD_ROM_MAX_DEVICE_LIST];	/* PCIR revision 3 */
	size_t n_device_list;
	uint32_t class_code;		/* base class << 16 | subclass << 8 | interface */
	uint8_t pcir_revision;
	uint16_t pcir_length;
	uint16_t code_revision;
	uint8_t code_type;		/* VFD_ROM_CODE_*, or another value */
	bool last;			/* bit 7 of the indicator */
	size_t init_size;		/* x86 and EFI: initialization size in bytes */
	bool checksum_known;		/* x86: the init size lies inside the buffer */
	uint8_t checksum;		/* x86: byte sum over init_size, 0 when right */
	bool efi;			/* EFI: 0x0EF1 signature present, fields valid */
	uint16_t efi_subsystem, efi_machine, efi_compression, efi_image_offset;
};

struct vfd_rom_info {
	size_t size;			/* bytes given */
	size_t start;			/* offset of the first image: > 0 after a vendor header */
	size_t end;			/* just past the last image walked */
	bool complete;			/* the walk reached an image marked last */
	size_t trailing;		/* bytes after end */
	bool trailing_padding;		/* ... all 0x00 or all 0xff */
	bool nvidia_header;		/* the header before start begins with "NVGI" */
	uint16_t first_word;		/* with VFD_ROM_NO_SIGNATURE: what 55 AA should be */
	unsigned int problems;		/* union of every VFD_ROM_* found */
	size_t n_images;
	struct vfd_rom_image images[VFD_ROM_MAX_IMAGES];
};

/*
 * vfd_rom_parse - walk the image chain of a PCI expansion ROM held in memory
 * @buf, @len: the ROM (a file, or what sysfs returned); not modified, no
 *             pointer into it is kept.
 * @info: filled whole; no allocation. A ROM that starts with something other
 *        than 55 AA is searched for its first image (a flashing tool's header;
 *        info->start says where to cut).
 * Returns: 0 (what is wrong is in info->problems), -EINVAL for a NULL @info,
 *          or a NULL @buf with @len > 0.
 */
int vfd_rom_parse(const uint8_t *buf, size_t len, struct vfd_rom_info *info);
/* an x86 image, whole and with a right checksum: SeaBIOS can run it */
bool vfd_rom_has_legacy(const struct vfd_rom_info *info);
/*
 * an EFI boot service or runtime driver, whole, for @machine
 * (VFD_EFI_MACHINE_X64 for OVMF) or for EBC, which OVMF interprets
 */
bool vfd_rom_has_uefi(const struct vfd_rom_info *info, uint16_t machine);
/* index of the image vfd_rom_has_legacy() / vfd_rom_has_uefi() found, or -ENOENT */
int vfd_rom_legacy_image(const struct vfd_rom_info *info);
int vfd_rom_uefi_image(const struct vfd_rom_info *info, uint16_t machine);
/* true when an image names @vendor and @device (in its PCIR or device list) */
bool vfd_rom_claims_device(const struct vfd_rom_info *info, uint16_t vendor, uint16_t device);
/* the worst vfd_rom_problem_status() of info->problems (VFD_OK when none) */
enum vfd_status vfd_rom_status(const struct vfd_rom_info *info);
/* one problem bit: stable name ("truncated"), one plain sentence, severity */
const char *vfd_rom_problem_name(unsigned int bit);
const char *vfd_rom_problem_text(unsigned int bit);
enum vfd_status vfd_rom_problem_status(unsigned int bit);
/* "x86", "open-firmware", "pa-risc", "efi"; NULL for other values */
const char *vfd_rom_code_type_name(uint8_t code_type);
/* "application", "boot-service-driver", "runtime-driver"; NULL otherwise */
const char *vfd_efi_subsystem_name(uint16_t subsystem);
/* "x64", "ia32", "aarch64", "ebc", ...; NULL when unknown */
const char *vfd_efi_machine_name(uint16_t machine);

#define VFD_ROM_READ_SWITCHED	1u	/* the ROM was off: switched on, then off again */
#define VFD_ROM_READ_LEFT_ON	2u	/* switching it off again failed */

/*
 * vfd_rom_read - the expansion ROM of the device @slot ("0000:01:00.0")
 * On the live host: when reading sys/bus/pci/devices/SLOT/rom says the ROM is
 * off (EINVAL), writes "1\n" to it, reads it to the end and writes "0\n",
 * with SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE blocked in between so
 * that they arrive only once the ROM is off again. A ROM that was already on
 * is left on. In a sysroot the rom file is a saved image: it is read, never
 * written.
 * @max: largest size accepted; @flags: VFD_ROM_READ_* (may be NULL).
 * Returns: 0 with *buf (caller frees) and *len; -ENOENT when the device has
 *          no ROM attribute (no ROM BAR); -EACCES/-EPERM without root; -EIO
 *          when the kernel finds no valid ROM (see the kernel log) or the
 *          device does not answer; -EFBIG past @max; on failure *buf is NULL.
 */
int vfd_rom_read(struct vfd_root *root, const char *slot, size_t max, uint8_t **buf,
		 size_t *len, unsigned int *flags);

/* ---------------------------------------------------- knowledge base */

/*
 * The knowledge base of log messages: data/kb/NN-NAME.kb joined, compiled in, or a
 * file given with --kb. Each entry describes one message of the kernel, QEMU,
 * libvirt or a guest: patterns that recognise it in a log line, what it
 * means, its causes (each with the check findings that confirm or rule it
 * out) and the fix. The format is documented at the top of the file.
 */
struct vfd_kb;

/* what a placeholder of a pattern captured */
enum vfd_kb_value_type {
	VFD_KB_SLOT,		/* %slot%: a PCI address, stored as DDDD:BB:DD.F */
	VFD_KB_GROUP,		/* %group%: an IOMMU group number */
	VFD_KB_ERRNO,		/* %errno%: "-22", or strerror() text */
	VFD_KB_BAR,		/* %bar%: a BAR or region number */
	VFD_KB_PROCESS,		/* %process%: a command name */
	VFD_KB_PATH,		/* %path%: a file name */
	VFD_KB_NUM,		/* %num%: any decimal number (pid, size, count) */
	VFD_KB_WORD,		/* %word%: a driver name, a hex value, one token */
	VFD_KB_ANY,		/* %any%: any text */
};

#define VFD_KB_MAX_VALUES 8

/* one condition: finding @finding has one of the statuses (bits 1 << enum vfd_status) */
struct vfd_kb_cond {
	char *finding;
	unsigned int statuses;
};

/* conditions that must all hold */
struct vfd_kb_check {
	struct vfd_kb_cond *conds;
	size_t n;
};

struct vfd_kb_cause {
	char *text;
	char *verify;			/* a manual step, may hold placeholders; or NULL */
	struct vfd_kb_check *checks;	/* any one of them confirms the cause */
	size_t n_checks;
};

struct vfd_kb_pattern_text {
	char *text;			/* the pattern as written */
	char *versions;			/* where this wording is used, or NULL */
};

/* An entry; every field is owned by the knowledge base and read-only. */
struct vfd_kb_entry {
	char *id;			/* stable, dotted: "qemu.group-not-viable" */
	char *layer;			/* kernel, qemu, libvirt, sysfs, guest, distro, xen, ... */
	char *title;			/* one line */
	char *meaning;			/* a paragraph */
	const char *kind;		/* cause kind: "iommu-off", "binding", ... (vfd_kb_kinds) */
	bool harmless;			/* looks alarming, is not */
	bool wrapper;			/* only carries another message: matched last */
	bool family;			/* covers a whole family: loses to dedicated entries */
	char **sources;			/* "repo:path:function", NULL-terminated */
	size_t n_sources;
	struct vfd_kb_pattern_text *patterns;
	size_t n_patterns;
	struct vfd_kb_cause *causes;
	size_t n_causes;
	char **fixes;			/* NULL-terminated, may hold placeholders */
	size_t n_fixes;
};

/* where parsing stopped: line 0 when the problem is not on one line */
struct vfd_kb_error {
	unsigned int line;
	char message[192];
};

/*
 * vfd_kb_parse - read a knowledge base held in memory
 * @buf, @len: the text (at most 4 MiB); nothing of it is kept.
 * @err: filled with the line and a sentence on failure (may be NULL).
 * Returns: 0 with a new *out (free with vfd_kb_free), -EINVAL for a malformed
 *          file, -EFBIG for one too large, -ENOMEM.
 */
int vfd_kb_parse(const char *buf, size_t len, struct vfd_kb **out, struct vfd_kb_error *err);
/* the compiled-in knowledge base (data/kb/NN-NAME.kb), parsed (as vfd_kb_parse) */
int vfd_kb_new_builtin(struct vfd_kb **out, struct vfd_kb_error *err);
/* the text of the compiled-in knowledge base */
const char *vfd_kb_builtin_text(size_t *len);
void vfd_kb_free(struct vfd_kb *kb);
size_t vfd_kb_count(const struct vfd_kb *kb);
/* entry @index in file order, or NULL */
const struct vfd_kb_entry *vfd_kb_entry(const struct vfd_kb *kb, size_t index);
/* the entry with this id, or NULL */
const struct vfd_kb_entry *vfd_kb_find(const struct vfd_kb *kb, const char *id);
/* position of @entry (one of @kb's) in file order */
size_t vfd_kb_entry_index(const struct vfd_kb *kb, const struct vfd_kb_entry *entry);
/* "slot", "group", ... */
const char *vfd_kb_value_name(enum vfd_kb_value_type type);
/* the cause kinds an entry's kind: may name, NULL-terminated (SPEC-15's taxonomy) */
extern const char *const vfd_kb_kinds[];
/*
 * vfd_kb_kind_of - the kind of cause of a message @msg[0..len) that @entry
 * matched: a dedicated entry's own kind; for a family entry the kind whose
 * words (data/kind-words.tsv, compiled in) the message holds first, else the
 * entry's kind. A static string.
 */
const char *vfd_kb_kind_of(const struct vfd_kb_entry *entry, const char *msg, size_t len);
/* 0 when the compiled-in words of the kinds are well formed, else -EINVAL */
int vfd_kb_kind_table_check(void);

struct vfd_kb_value {
	enum vfd_kb_value_type type;
	char text[96];			/* truncated when longer */
};

struct vfd_kb_match {
	const struct vfd_kb_entry *entry;
	size_t pattern;			/* which of the entry's patterns matched */
	size_t start, end;		/* the message within the line */
	size_t n_values;
	struct vfd_kb_value values[VFD_KB_MAX_VALUES];
	bool slot_from_prefix;		/* the slot value came from the line's prefix */
	/*
	 * the words of the classifier of unknown lines found in the line (bit i:
	 * its word i), for vfd_unknown_classify(); set when no entry matched (0
	 * when one did: the classifier is for the lines no entry knows)
	 */
	uint64_t hints;
	/* the line was not fully examined: longer than 64 KiB, or the matcher's
	   work limit per line ran out (a pattern may match that was not tried) */
	bool incomplete;
};

/*
 * vfd_kb_match - recognise one log line (without its newline)
 * Patterns may match anywhere in the line, so log prefixes need no
 * stripping. When several entries match, entries rank wrapper < family <
 * dedicated (a wrapper loses to any other entry, a family entry to any
 * dedicated one); within a rank the message that starts first wins, then the
 * most specific pattern (most literal characters). A
 * message that names no device gets the last full PCI address before it in
 * the line (the kernel's "vfio-pci 0000:01:00.0: " prefix, QEMU's host=).
 * Time is linear in @len; only the first 64 KiB are looked at. Uses scratch
 * space in @kb: one thread at a time.
 * Returns: 1 with @m filled, 0 when nothing matches, -EINVAL.
 */
int vfd_kb_match(struct vfd_kb *kb, const char *line, size_t len, struct vfd_kb_match *m);
/* the first value of @type in @m, or NULL */
const char *vfd_kb_match_value(const struct vfd_kb_match *m, enum vfd_kb_value_type type);
/*
 * vfd_kb_expand - @text (a fix or verify step) with %slot%, %group%, ... replaced
 * by the values of @m; a missing value shows as <slot>. Caller frees; NULL on ENOMEM.
 */
char *vfd_kb_expand(const char *text, const struct vfd_kb_match *m);

/* ---------------------------------------------------------- explain */

/*
 * Explaining a log: feed it line by line; matching lines are gathered into
 * distinct problems (one entry and the same identifying values: slot, group,
 * errno, BAR, process, path, word; %num% and %any% values such as pids and
 * addresses do not split problems). Memory stays bounded: at most
 * VFD_EXPLAIN_MAX_PROBLEMS problems are kept, further ones only counted.
 */
struct vfd_explain;

#define VFD_EXPLAIN_MAX_PROBLEMS 4096

enum vfd_verdict_state {
	VFD_CAUSE_UNCHECKED,	/* no check covers this cause (see its verify step) */
	VFD_CAUSE_UNKNOWN,	/* the checks it needs were skipped or did not run */
	VFD_CAUSE_HOLDS,	/* the checks confirm it on this host */
	VFD_CAUSE_RULED_OUT,	/* the checks contradict it on this host */
};

struct vfd_verdict {
	enum vfd_verdict_state state;
	char **evidence;	/* "finding (status): summary" and its evidence; NULL-terminated */
};

struct vfd_problem {
	const struct vfd_kb_entry *entry;
	const char *kind;		/* of the first line's message (vfd_kb_kind_of) */
	struct vfd_kb_match match;	/* of the first line */
	char *line;			/* the first line, at most 512 bytes */
	uint64_t count;			/* lines that matched */
	uint64_t first_lineno;		/* 1-based */
	char device[16];		/* the device checked, "" when none */
	bool diagnosed;
	char *device_note;		/* why no device was checked, or NULL */
	struct vfd_verdict *verdicts;	/* one per cause of the entry, after diagnosis */
};

/* A new accumulator using @kb (not owned; must outlive it), or NULL (ENOMEM). */
struct vfd_explain *vfd_explain_new(struct vfd_kb *kb);
void vfd_explain_free(struct vfd_explain *ex);
/*
 * vfd_explain_feed - one line of the log, without its newline
 * Returns: 1 a problem line, 2 a harmless line, 3 a line not understood that
 *          reports trouble about passthrough (see vfd_unknown_classify),
 *          4 an informational one, 0 a line about something else, -ENOMEM.
 */
int vfd_explain_feed(struct vfd_explain *ex, const char *line, size_t len);
/* distinct problems (harmless ones included), in order of first appearance */
size_t vfd_explain_count(const struct vfd_explain *ex);
const struct vfd_problem *vfd_explain_problem(const struct vfd_explain *ex, size_t index);
/* lines fed, lines matched, and problems dropped past the limit */
void vfd_explain_stats(const struct vfd_explain *ex, uint64_t *lines, uint64_t *matched,
		       uint64_t *dropped);
/*
 * vfd_explain_diagnose - run the checks each problem's causes name
 * Runs vfd_check_run once per device involved (the slot a message names, or
 * a device of the group it names) and once for the host, and sets each
 * cause's verdict. Harmless problems are left alone.
 * Returns: 0 or -ENOMEM.
 */
int vfd_explain_diagnose(struct vfd_explain *ex, struct vfd_host *host);
/*
 * Lines the knowledge base does not know but that name passthrough things
 * (vfio, the IOMMU, DMAR, AMD-Vi, hostdev, an IOMMU group, a PCI address
 * next to a failure, DPDK's EAL, libxl, NVRM ...): kept apart, so that a log
 * is never called clean for want of an entry.
 */
struct vfd_unknown_class {
	const char *program;	/* "linux", "qemu", "libvirt", "dpdk", "xen", "nvidia",
				   "dracut", "mkinitcpio", "initramfs-tools", "proxmox",
				   "crosvm", "cloud-hypervisor", or "unknown"; static */
	const char *subsystem;	/* "vfio-pci", "intel-iommu (DMAR)", ...; static */
	bool problem;		/* it reports trouble (a failure, error, refusal...);
				   false: an informational line */
};

/*
 * vfd_unknown_classify - does @line, which no entry matched, name passthrough
 * things, and where does it most likely come from?
 * @hints: the hints of the line's vfd_kb_match() (the classifier's words it
 *         holds, found by the knowledge base's prefilter).
 * Returns: true with *out filled, false for a line about something else.
 */
bool vfd_unknown_classify(const char *line, size_t len, uint64_t hints,
			  struct vfd_unknown_class *out);

#define VFD_EXPLAIN_MAX_UNKNOWN 1024

/* a distinct line not understood (lines that differ only in numbers are one) */
struct vfd_unknown {
	struct vfd_unknown_class class;
	char *line;			/* the first line, at most 512 bytes */
	uint64_t count;
	uint64_t first_lineno;		/* 1-based */
};

/* distinct unknown lines kept (problems and informational ones), in order */
size_t vfd_explain_unknown_count(const struct vfd_explain *ex);
const struct vfd_unknown *vfd_explain_unknown(const struct vfd_explain *ex, size_t index);
/*
 * lines not understood that report trouble, informational ones, those past
 * VFD_EXPLAIN_MAX_UNKNOWN (counted only), and lines not fully examined
 * (longer than the matcher reads, or past its work limit per line)
 */
void vfd_explain_unknown_stats(const struct vfd_explain *ex, uint64_t *problems,
			       uint64_t *info, uint64_t *dropped, uint64_t *incomplete);

/* "not checked", "unknown", "holds", "ruled out" */
const char *vfd_verdict_name(enum vfd_verdict_state state);
/*
 * true when @text looks like a message about passthrough: vfio, the IOMMU
 * (DMAR, AMD-Vi), interrupt remapping, KVM, VGA arbitration, PCIe ports and
 * AER (for `watch`; lines the knowledge base matches count too)
 */
bool vfd_explain_is_relevant(const char *text);

/* ------------------------------------------------------ accounts, limits */

#define VFD_UNLIMITED UINT64_MAX
#define VFD_ACCOUNT_MAX_GROUPS 64

/* A user as etc/passwd and etc/group of the root describe it (no NSS). */
struct vfd_account {
	char name[64];
	unsigned int uid, gid;
	size_t ngroups;				/* the primary group first */
	unsigned int gids[VFD_ACCOUNT_MAX_GROUPS];
	char group_names[VFD_ACCOUNT_MAX_GROUPS][64];	/* "" when etc/group lacks it */
};

/*
 * vfd_account_parse - find @name in a passwd text and its groups in a group
 * text (@group may be NULL): the primary group, then every group listing the
 * user as a member. Returns 0, -ESRCH when the user is not there, -EINVAL.
 */
int vfd_account_parse(const char *passwd, const char *group, const char *name,
		      struct vfd_account *out);
/* the same from etc/passwd and etc/group of @root; -ENOENT without etc/passwd */
int vfd_account_lookup(struct vfd_root *root, const char *name, struct vfd_account *out);
/* the name of @uid into @buf ("uid N" when unknown); 0 or -ESRCH / -ENOENT */
int vfd_account_name(struct vfd_root *root, unsigned int uid, char *buf, size_t size);

/* The memlock limit pam_limits would set for an account at login. */
struct vfd_memlock_conf {
	bool soft_set, hard_set;
	uint64_t soft, hard;		/* bytes, VFD_UNLIMITED for unlimited */
	int soft_prio, hard_prio;	/* pam_limits precedence: 0 user, 1 group, 4 "*" */
	char soft_file[96], hard_file[96];	/* where each was set, relative to the root */
	unsigned int soft_line, hard_line;
	bool no_limits;			/* a "<domain> -" line: pam_limits sets no limit */
	char no_limits_file[96];
	unsigned int no_limits_line;
	unsigned int files_read;
};

/* nothing set yet: both limits at the lowest precedence */
void vfd_memlock_conf_init(struct vfd_memlock_conf *c);
/*
 * vfd_limits_parse - apply one limits.conf text to @c for @acct, as
 * pam_limits does: "user", "@group", "*", "uid:uid" and "@gid:gid" domains;
 * soft, hard or "-"; values in KiB or unlimited/infinity/-1; a more specific
 * domain beats a less specific one whatever the order, equal ones: the later
 * wins. Lines it cannot use are skipped, as pam_limits skips them.
 * @file names the text in @c (may be NULL).
 * Returns: 1 when a "<domain> -" line applies (pam_limits stops there), 0, -EINVAL.
 */
int vfd_limits_parse(const char *buf, size_t len, const char *file,
		     const struct vfd_account *acct, struct vfd_memlock_conf *c);
/* etc/security/limits.conf, then etc/security/limits.d/ *.conf in name order */
int vfd_limits_read(struct vfd_root *root, const struct vfd_account *acct,
		    struct vfd_memlock_conf *c);

/* What proc/meminfo says; bit k of found is set for each field read (in order). */
struct vfd_meminfo {
	uint64_t total, available;	/* bytes */
	uint64_t hp_total, hp_free;	/* huge pages of the default size */
	uint64_t hp_size;		/* bytes */
	unsigned int found;
};

/* vfd_meminfo_parse - the fields above from a meminfo text; 0 or -EINVAL */
int vfd_meminfo_parse(const char *buf, size_t len, struct vfd_meminfo *out);
/*
 * vfd_parse_size - "8G", "8GiB", "512M", "4096" (a bare number is MiB, as QEMU's
 * -m), "1048576B". Units are binary. Returns 0, -EINVAL, -ERANGE.
 */
int vfd_parse_size(const char *s, uint64_t *bytes);
/* "1 MiB", "1.5 GiB", "unlimited" */
void vfd_format_size(uint64_t bytes, char *buf, size_t size);

/* ------------------------------------------------------------ preflight */

/*
 * Preflight: open a device through the VFIO API as QEMU does, one system call
 * a step, without starting a VM, and explain every failing step. Opening the
 * device resets it (vfio-pci does that on every open and close): never run
 * it on a device a VM is using (the kernel refuses that with EBUSY anyway).
 */
enum vfd_pf_step_id {
	VFD_PF_DEVICE,		/* sysfs: the device exists */
	VFD_PF_IOMMU_GROUP,	/* sysfs: its iommu_group link */
	VFD_PF_DRIVER,		/* sysfs: bound to vfio-pci (or a vfio variant) */
	VFD_PF_AS_USER,		/* take the --as-user credentials in a child */
	VFD_PF_OPEN_GROUP,	/* legacy: open /dev/vfio/N */
	VFD_PF_GROUP_STATUS,
	VFD_PF_OPEN_CONTAINER,	/* open /dev/vfio/vfio */
	VFD_PF_API_VERSION,
	VFD_PF_CHECK_EXTENSION,
	VFD_PF_SET_CONTAINER,
	VFD_PF_SET_IOMMU,
	VFD_PF_IOMMU_INFO,
	VFD_PF_MAP_DMA,
	VFD_PF_GET_DEVICE_FD,
	VFD_PF_DEVICE_INFO,
	VFD_PF_REGION_INFO,
	VFD_PF_IRQ_INFO,
	VFD_PF_RESET,
	VFD_PF_UNMAP_DMA,
	VFD_PF_OPEN_CDEV,	/* iommufd: open /dev/vfio/devices/vfioN */
	VFD_PF_OPEN_IOMMUFD,	/* open /dev/iommu */
	VFD_PF_BIND_IOMMUFD,
	VFD_PF_IOAS_ALLOC,
	VFD_PF_ATTACH_PT,
	VFD_PF_IOAS_MAP,
	VFD_PF_IOAS_UNMAP,
	VFD_PF_MEMLOCK,		/* RLIMIT_MEMLOCK against the guest's RAM */
	VFD_PF_HUGEPAGES,
	VFD_PF_N_STEPS
};

enum vfd_pf_path {
	VFD_PF_HOST,		/* sysfs, credentials, limits */
	VFD_PF_LEGACY,		/* group + container (/dev/vfio/N, /dev/vfio/vfio) */
	VFD_PF_IOMMUFD,		/* device cdev + /dev/iommu (kernel 6.6+, QEMU -object iommufd) */
};

struct vfd_pf_step {
	enum vfd_pf_step_id id;
	enum vfd_pf_path path;
	enum vfd_status status;
	int err;			/* errno of the failed call, 0 otherwise */
	bool syscall;			/* @call is a system call and @ret what it returned */
	long long ret;
	char call[128];			/* "ioctl(group, VFIO_GROUP_GET_STATUS)" */
	char result[192];		/* what came back: "viable", "BAR0: 128 KiB rw mmap" */
	const char *meaning;		/* why it failed (static), NULL when it did not */
	char **fix;			/* NULL-terminated, owned; NULL when none */
	char **evidence;		/* NULL-terminated, owned: what else was read */
};

#define VFD_PF_MAX_HUGEPAGE_SIZES 4

struct vfd_pf_memory {
	uint64_t guest;			/* --memory, 0 when not given */
	bool rlimit_known;		/* the two below hold (live host) */
	uint64_t memlock_soft, memlock_hard;	/* of the process that mapped; VFD_UNLIMITED */
	bool cap_ipc_lock;		/* that process is exempt from the limit */
	bool conf_read;			/* limits.conf was read for the --as-user account */
	struct vfd_memlock_conf conf;
	bool meminfo_read;
	struct vfd_meminfo meminfo;
	size_t n_hugepages;
	struct {
		uint64_t size, total, free;	/* page size in bytes, page counts */
	} hugepages[VFD_PF_MAX_HUGEPAGE_SIZES];
};

struct vfd_preflight {
	char slot[16];
	int group;			/* -1 when the device has none */
	char *driver;			/* bound driver, NULL when none */
	char user[64];			/* whose credentials the steps ran with */
	bool live;			/* false in a sysroot: no system call was made */
	enum vfd_status legacy, iommufd;	/* worst step of each path; VFD_SKIP: not run */
	struct vfd_pf_step *steps;
	size_t n, cap;
	struct vfd_pf_memory memory;
};

struct vfd_preflight_opts {
	const char *as_user;		/* run the VFIO steps as this account (needs root) */
	uint64_t memory;		/* guest RAM in bytes to check the limits against; 0 */
	bool reset;			/* also VFIO_DEVICE_RESET where the device offers it */
};

/*
 * vfd_preflight_run - the VFIO sequence of QEMU for the device @slot
 * ("DDDD:BB:DD.F"): legacy group and container (open the group, its status,
 * the container, API version, type1 extension, SET_CONTAINER, SET_IOMMU,
 * IOMMU info, a DMA map of 1 MiB, the device fd, its info, regions and IRQs,
 * the reset with opts->reset, the unmap), then the iommufd path where the
 * kernel has /dev/iommu and the device a vfio-dev cdev. Everything opened is
 * closed and unmapped again, in reverse order, on every path. With
 * opts->as_user the steps run in a child with that account's uid, gid and
 * groups, and its memlock limit from limits.conf is read. In a sysroot only
 * sysfs and the limits are read; the VFIO steps are skipped.
 * Returns: 0 (how each step went is in @out: free with vfd_preflight_clear),
 *          -ENODEV when there is no such device, -EINVAL, -ENOMEM.
 */
int vfd_preflight_run(struct vfd_host *host, const char *slot,
		      const struct vfd_preflight_opts *opts, struct vfd_preflight *out);
/* free what vfd_preflight_run() filled in; NULL-safe */
void vfd_preflight_clear(struct vfd_preflight *pf);
/* worst status of all steps (skip and info count as ok) */
enum vfd_status vfd_preflight_worst(const struct vfd_preflight *pf);
/* the first step that failed, or NULL */
const struct vfd_pf_step *vfd_preflight_first_failure(const struct vfd_preflight *pf);
/* stable step names: "open-group", "map-dma", ...; path names: "host", "legacy", "iommufd" */
const char *vfd_pf_step_name(enum vfd_pf_step_id id);
const char *vfd_pf_path_name(enum vfd_pf_path path);
/*
 * vfd_pf_explain - what errno @err means at step @id, from the kernel's
 * drivers/vfio, and the fix. @err 0 is the call that succeeded with a bad
 * answer (a group that is not viable, no type1 extension). The texts may
 * hold %slot%, %group%, %user%, %driver% (see vfd_pf_expand). Pure.
 * Returns: true when the table knows the pair; otherwise false with a
 *          generic meaning and *fix NULL.
 */
bool vfd_pf_explain(enum vfd_pf_step_id id, int err, const char **meaning, const char **fix);
/* @text with the placeholders replaced (NULL values become <slot>, ...); caller frees */
char *vfd_pf_expand(const char *text, const char *slot, int group, const char *user,
		    const char *driver);

/* ----------------------------------------------------------- guest */

/*
 * Android property files (build.prop, default.prop: "key=value", '#'
 * comments) and `getprop` output ("[key]: [value]"). Parsing into the same
 * store again lets a later source override an earlier one, as Android's init
 * does when it loads /system, then /vendor, then /odm.
 */
struct vfd_prop {
	char *key;
	char *value;
	const char *source;	/* the name given to vfd_props_parse; owned by the store */
};

struct vfd_props {
	struct vfd_prop *v;
	size_t n, cap;
	char **sources;		/* every source name given, NULL-terminated */
	size_t dropped;		/* entries left out past VFD_PROPS_MAX */
};

#define VFD_PROPS_MAX 8192

enum vfd_props_format { VFD_PROPS_FILE, VFD_PROPS_GETPROP };

/*
 * vfd_props_parse - add the properties held in @buf (@len bytes, not
 * NUL-terminated; nothing of it is kept) to @props, named @source in
 * evidence. Malformed lines and illegal keys are skipped, as init skips them.
 * Returns: the number of properties taken (>= 0), -ENOMEM (@props keeps what
 *          was added), -EINVAL for NULLs.
 */
int vfd_props_parse(struct vfd_props *props, const char *buf, size_t len,
		    enum vfd_props_format format, const char *source);
/* the value of @key (and where it was set, when @source is not NULL), or NULL */
const char *vfd_props_get(const struct vfd_props *props, const char *key, const char **source);
void vfd_props_clear(struct vfd_props *props);

/*
 * vfd_getprop_run - run Android's getprop (@path, NULL for /system/bin/getprop)
 * and add its output to @props as source "getprop". The program is killed
 * when it has not finished within @timeout_ms (0: 3000).
 * Returns: 0, -ENOENT when there is no such program, -ETIME after a timeout,
 *          -EIO when it failed, -ENOMEM.
 */
int vfd_getprop_run(const char *path, unsigned int timeout_ms, struct vfd_props *props);

/* The kernel's "Direct firmware load for NAME failed with error N" line. */
struct vfd_fw_failure {
	char name[256];		/* the file asked for, relative to the firmware dirs */
	int err;		/* negative errno */
	char driver[32];	/* from the "driver 0000:01:00.0: " prefix, "" when none */
	char slot[16];		/* the device of that prefix when it is PCI, "" otherwise */
};

/*
 * vfd_fw_failure_parse - recognise a firmware load failure in one kernel
 * log message (without its timestamp). Returns 1 with @out filled, 0 when
 * @text is no such message or the name does not fit, -EINVAL for NULLs.
 */
int vfd_fw_failure_parse(const char *text, struct vfd_fw_failure *out);

struct vfd_guest_opts {
	const struct vfd_devspec *expect;	/* --expect IDs (by_id), or NULL */
	size_t n_expect;
	const char *getprop;		/* getprop program; NULL for /system/bin/getprop */
	unsigned int getprop_timeout_ms;	/* 0: 3000 */
};

struct vfd_guest_info {
	bool android;
	char *system;		/* "Android 11 (model)", "Linux" */
	char *kernel;		/* release, or NULL when unknown */
};

/*
 * vfd_guest_run - the diagnosis run inside a guest (layer "guest"): the
 * passed-through devices on its PCI bus (every device the hypervisor did not
 * emulate, or those matching @opts->expect), their drivers and, when none
 * claimed one, whether the kernel has a module for it (modules.alias); for
 * GPUs their DRM nodes; firmware load failures and driver errors in the
 * kernel log; a virtual display that is primary; on Android the graphics
 * stack chosen by the property files and, on the live system, getprop.
 * What could not be read (not root) becomes a finding, not an error.
 * @info: filled for the header (free with vfd_guest_info_clear); may be NULL.
 * Returns: 0, -EINVAL, -ENOMEM.
 */
int vfd_guest_run(struct vfd_root *root, const struct vfd_guest_opts *opts,
		  struct vfd_guest_info *info, struct vfd_report *report);
void vfd_guest_info_clear(struct vfd_guest_info *info);

/* -------------------------------------------------------- persist */

/*
 * persist: make bindings survive a reboot by editing configuration files
 * (a udev rule, /etc/modprobe.d, the initramfs generator's configuration, the
 * kernel command line). What it set up is recorded in
 * etc/vfio-doctor/persist.state, so a later run adds to it and an undo takes
 * exactly that out again.
 */
struct vfd_persist_opts {
	bool by_id;		/* "options vfio-pci ids=" instead of a udev rule per address */
	bool undo;		/* take the named devices out again (every one when none named) */
	bool force;		/* persist devices the host is using */
	bool iommu_pt;		/* add iommu=pt to the kernel command line */
};

enum vfd_change_kind { VFD_CHANGE_CREATE, VFD_CHANGE_MODIFY, VFD_CHANGE_REMOVE };

/* one file the plan writes, creates or removes */
struct vfd_file_change {
	char *path;		/* relative to the root: "etc/default/grub" */
	enum vfd_change_kind kind;
	char *old_text;		/* NULL when created */
	size_t old_len;
	char *new_text;		/* NULL when removed */
	size_t new_len;
	unsigned int mode;	/* the file's mode (kept when modified) */
	bool backup;		/* save old_text as PATH.vfio-doctor.bak before writing */
	bool drop_backup;	/* remove PATH.vfio-doctor.bak once done (the file is given back) */
	char *why;		/* one line: what the change is for */
};

struct vfd_persist_plan {
	struct vfd_file_change *changes;	/* only files that change, in display order */
	size_t nchanges;
	/* refusals (bind's), files that cannot be parsed (left untouched), IDs other
	 * devices share, what is built in */
	struct vfd_report problems;
	bool refused;		/* a problem stops the whole plan (see --force) */
	bool by_hand;		/* the platform takes no file (NixOS, Unraid): the problems
				   hold the lines to put in place */
	char **devices;		/* what is persisted once applied, one line a device */
	char **commands;	/* to run afterwards: rebuild the initramfs, the boot menu */
};

/*
 * vfd_plan_persist - plan the file changes that bind @devices (device
 * arguments, NULL-terminated) to vfio-pci at every boot, added to what an
 * earlier run set up; with @opts->undo, taking them (or, with no device,
 * everything) out again. The host's use of each device is judged as
 * vfd_plan_bind judges it. A file that cannot be parsed becomes a failure in
 * plan->problems and is left out; the rest of the plan stands.
 * Returns 0, -EINVAL for a bad device argument, -ENODEV for one that matches
 * nothing, -ENOMEM.
 */
int vfd_plan_persist(struct vfd_host *host, const char *const *devices,
		     const struct vfd_persist_opts *opts, struct vfd_persist_plan *plan);
/*
 * vfd_persist_apply - write the plan: each file atomically (vfd_root_write_file),
 * a backup first where the change says so; when one write fails, every file
 * written before is put back. @failed (may be NULL) gets the index of the
 * failing change. Returns 0, -EPERM for a refused plan, -EROFS in a sysroot
 * without a write function, or the errno of the failing write.
 */
int vfd_persist_apply(struct vfd_host *host, const struct vfd_persist_plan *plan,
		      size_t *failed);
void vfd_persist_plan_clear(struct vfd_persist_plan *plan);
/* the change as a unified diff ("" when none; caller frees; NULL on ENOMEM) */
char *vfd_file_change_diff(const struct vfd_file_change *change);

/* ----------------------------------------------------------- misc */

void vfd_strv_free(char **strv);
size_t vfd_strv_len(char *const *strv);

#ifdef __cplusplus
}
#endif
#endif
