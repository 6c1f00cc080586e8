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

/* open a path inside the root; returns an fd or -errno */
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

/* kernel release (proc/sys/kernel/osrelease), or NULL; owned by host */
const char *vfd_host_get_release(struct vfd_host *host);
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
/* the module tree used, or NULL when none was found */
const char *vfd_modules_tree(const struct vfd_modules *mods);
/* value of /sys/module/NAME/parameters/PARAM (caller frees) or NULL */
char *vfd_modules_param(struct vfd_modules *mods, const char *name, const char *param);
const char *vfd_module_state_name(enum vfd_module_state state);
/* load @name and its dependencies (live host only): 0, -ENOENT, -EPERM... */
int vfd_modules_load(struct vfd_modules *mods, const char *name);

/* ------------------------------------------------------- distro */

enum vfd_distro { VFD_DISTRO_UNKNOWN, VFD_DISTRO_DEBIAN, VFD_DISTRO_FEDORA, VFD_DISTRO_ARCH };
enum vfd_bootloader { VFD_BOOT_UNKNOWN, VFD_BOOT_GRUB, VFD_BOOT_SYSTEMD_BOOT };

struct vfd_system {
	enum vfd_distro distro;
	enum vfd_bootloader boot;
	char *pretty_name;	/* os-release PRETTY_NAME, or NULL */
};

/* from etc/os-release and the bootloader files in the root */
int vfd_system_detect(struct vfd_root *root, struct vfd_system *out);
void vfd_system_clear(struct vfd_system *sys);
/* distribution and bootloader names for display */
const char *vfd_distro_name(enum vfd_distro distro);
const char *vfd_bootloader_name(enum vfd_bootloader boot);
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

struct vfd_check_opts {
	const char *const *devices;	/* device arguments, NULL-terminated, or NULL */
	const char *user;		/* --user NAME for node access, or NULL */
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
/* -ENOENT when there is no record for @slot */
int vfd_record_load(struct vfd_root *root, const char *slot, struct vfd_binding_record *rec);
void vfd_record_clear(struct vfd_binding_record *rec);
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

/* ----------------------------------------------------------- misc */

void vfd_strv_free(char **strv);
size_t vfd_strv_len(char *const *strv);

#ifdef __cplusplus
}
#endif
#endif
