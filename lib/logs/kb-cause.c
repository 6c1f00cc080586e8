// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cause inside a wrapper. Many messages name the step that failed and
 * then carry what made it fail: the kernel's "probe of %s failed with error
 * %d" (drivers/base/dd.c), QEMU's "error getting device from group %d: %s"
 * (hw/vfio: the strerror of the ioctl), libvirt's "Failed to open config
 * space file '%s': %s", a shell's "echo: write error: %s". The step is where
 * the trouble showed; the errno (or a condition such as "not viable") is the
 * cause the user has to fix. This file reads that cause: an errno by its
 * text, its symbol or its negative number, given the kind of its cause only
 * where the errno means one thing for passthrough, or where the path the
 * message names settles it:
 *
 *   EBUSY   a group or device already open by another process, a device
 *           held by another driver (drivers/vfio/group.c
 *           vfio_group_fops_open; libvirt virpci.c): device-busy
 *   EACCES  by its text ("Permission denied", what a syscall told a
 *           program): permission, the file mode or an LSM refused an access
 *   EPERM   irq-remap where a group is attached to a container's IOMMU
 *           backend ("set iommu for container", VFIO_SET_IOMMU): type1
 *           refuses a group without interrupt remapping with it
 *   EPERM, and EACCES as a number  permission where a program opens or
 *           accesses a file (a path, "open", "access" in the message): the
 *           file mode, an LSM, a capability (noiommu groups need
 *           CAP_SYS_RAWIO: group.c vfio_group_fops_open). Elsewhere it is
 *           the kernel refusing an operation (type1's attach without
 *           interrupt remapping: vfio_iommu_type1.c
 *           vfio_iommu_type1_attach_group; a driver's probe returning -13),
 *           left to the entry
 *   ENOMEM  dma-mapping where the message is about DMA mapping or pinning
 *           (type1 vfio_pin_pages_remote: the locked memory limit)
 *   ENOSPC  the same: type1's vfio_dma_do_map gives it when the mappings
 *           reach dma_entry_limit
 *   ENOENT, ENODEV by the path: /dev/vfio/N (made when a vfio driver takes
 *           a device of group N: group.c vfio_create_group) -> binding;
 *           /dev/vfio/vfio, /dev/iommu, /dev/kvm, /sys/module/..., a
 *           driver's directory under /sys/bus/pci/drivers (ENOENT: the
 *           module that makes it is not loaded) -> module, but ENODEV from
 *           a driver's bind file is the driver refusing the device ->
 *           binding; /sys/bus/pci/devices/ADDR (no device at that address:
 *           the VM definition names one the host does not have) -> config;
 *           ENODEV where kmod could not insert a module: its init found no
 *           device to drive -> binding;
 *           /sys/kernel/iommu_groups (only an active IOMMU driver fills it:
 *           drivers/iommu/iommu.c iommu_group_alloc) and a device's
 *           iommu_group link -> iommu-off; but the entries of a device
 *           the kernel makes only in some state (device_entry()): its
 *           driver link -> binding, its rom -> rom, its reset -> reset
 *
 * and two conditions whose words settle the kind wherever they are carried:
 * a group that is "not viable" and "no IOMMU". Everything else: NULL, the
 * entry's own kind (or its family's words) stands.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "kb-cause.h"

enum inner_errno { E_NONE, E_PERM, E_NOENT, E_NOMEM, E_ACCES, E_BUSY, E_NODEV, E_NOSPC };

static const struct {
	enum inner_errno e;
	int number;
	const char *symbol;
	const char *text;		/* strerror(3) in the C locale */
} errnos[] = {
	{ E_PERM, 1, "EPERM", "operation not permitted" },
	{ E_NOENT, 2, "ENOENT", "no such file or directory" },
	{ E_NOMEM, 12, "ENOMEM", "cannot allocate memory" },
	{ E_ACCES, 13, "EACCES", "permission denied" },
	{ E_BUSY, 16, "EBUSY", "device or resource busy" },
	{ E_NODEV, 19, "ENODEV", "no such device" },
	{ E_NOSPC, 28, "ENOSPC", "no space left on device" },
};

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}


static bool has_text(const char *s, size_t len, const char *text)
{
	size_t tl = strlen(text);

	for (size_t i = 0; i + tl <= len; i++)
		if (strncasecmp(s + i, text, tl) == 0)
			return true;
	return false;
}

/* @text (lower case) at @s[i..len), either case; with @whole, ending where a word ends */
static bool text_at(const char *s, size_t i, size_t len, const char *text, bool whole)
{
	size_t tl = strlen(text);

	if (i + tl > len || strncasecmp(s + i, text, tl) != 0)
		return false;
	return !whole || i + tl == len || !alnum(s[i + tl]);
}

static bool has_word(const char *s, size_t len, const char *word)
{
	for (size_t i = 0; i < len; i++)
		if ((i == 0 || !alnum(s[i - 1])) && text_at(s, i, len, word, true))
			return true;
	return false;
}

/* what a message carries: the first errno, and the two conditions */
struct carried {
	enum inner_errno e;
	bool e_is_number;		/* the errno was a number, not its text or symbol */
	bool not_viable, no_iommu;
};

/* a negative number standing alone at @s[i] ('-' there): its errno, or E_NONE */
static enum inner_errno errno_number(const char *s, size_t i, size_t len)
{
	size_t k = i + 1;
	int n = 0;

	if (k == len || !digit(s[k]) || (i > 0 && s[i - 1] == '-'))
		return E_NONE;
	while (k < len && digit(s[k]) && n < 1000)
		n = n * 10 + (s[k++] - '0');
	if (k < len && (alnum(s[k]) || s[k] == '.' || s[k] == '-' || s[k] == ':'))
		return E_NONE;
	for (size_t j = 1; j < ARRAY_SIZE(errnos); j++)
		if (errnos[j].number == n)
			return errnos[j].e;
	return E_NONE;
}

/* the errno whose strerror text or symbol starts at @s[i], or E_NONE */
static enum inner_errno errno_words(const char *s, size_t i, size_t len)
{
	for (size_t j = 0; j < ARRAY_SIZE(errnos); j++) {
		if (s[i] == 'E') {
			/* the length first: the message is not terminated */
			if (text_at(s, i, len, errnos[j].symbol, true) &&
			    strncmp(s + i, errnos[j].symbol, strlen(errnos[j].symbol)) == 0)
				return errnos[j].e;
			continue;
		}
		if ((s[i] | 0x20) != errnos[j].text[0] || !text_at(s, i, len, errnos[j].text, true))
			continue;
		/* "No such device or address" is ENXIO */
		if (errnos[j].e == E_NODEV && text_at(s, i + strlen(errnos[j].text), len,
						      " or address", false))
			continue;
		return errnos[j].e;
	}
	return E_NONE;
}

/*
 * One pass over the words of @s[0..len): the first errno (its strerror text,
 * its symbol, or with @numbers a negative number standing alone: "error
 * -16", "= -12 (", "(-13)"; -1 is left out, user-space programs return it
 * for any failure), "not viable", "no IOMMU". Only a word's first byte is
 * looked at in most places: this runs on every line a family matches.
 */
static void carried_in(const char *s, size_t len, bool numbers, struct carried *out)
{
	out->e = E_NONE;
	out->e_is_number = out->not_viable = out->no_iommu = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i], l = (char)(c | 0x20);

		if (i > 0 && alnum(s[i - 1]))
			continue;
		if (c == '-') {
			if (numbers && out->e == E_NONE) {
				out->e = errno_number(s, i, len);
				out->e_is_number = out->e != E_NONE;
			}
			continue;
		}
		if (l == 'n' && text_at(s, i, len, "not viable", true)) {
			out->not_viable = true;
			return;
		}
		if ((l == 'n' && text_at(s, i, len, "no iommu", true)) ||
		    (l == 'i' && (text_at(s, i, len, "iommu not present", true) ||
				  text_at(s, i, len, "iommu not found", true) ||
				  text_at(s, i, len, "iommu not enabled", true))))
			out->no_iommu = true;
		if (out->e == E_NONE && (c == 'E' || l == 'o' || l == 'n' || l == 'c' || l == 'p' ||
					 l == 'd'))
			out->e = errno_words(s, i, len);
	}
}

enum path_kind {
	P_NONE, P_GROUP_NODE, P_MODULE_NODE, P_CDEV_NODE, P_DRIVER, P_DEVICE, P_DEVICE_DRIVER,
	P_DEVICE_ROM, P_DEVICE_RESET, P_GROUPS_DIR, P_OTHER
};

/*
 * @s[i..len) goes on after a device's directory: is the entry it names one
 * the kernel makes only in some state of the device? Then a missing one is
 * that state, not a device missing:
 *   driver       the link exists only while a driver is bound
 *                (drivers/base/dd.c driver_sysfs_add): a device with no driver
 *   iommu_group  the link exists only once the device joined an IOMMU group
 *                (drivers/iommu/iommu.c iommu_group_add_device): no IOMMU
 *                driver took the device
 *   rom          shown only for a device with a ROM BAR (drivers/pci/
 *                pci-sysfs.c pci_dev_rom_attr_is_visible)
 *   reset        shown only for a device with a reset method (pci-sysfs.c
 *                pci_dev_reset_attr_is_visible; before 5.15 created only when
 *                dev->reset_fn was set)
 *   reset_method the same test (pci.c pci_dev_reset_method_attr_is_visible,
 *                5.15 on)
 * driver_override, romfile and the rest are other names.
 */
static enum path_kind device_entry(const char *s, size_t i, size_t len)
{
	static const struct {
		const char *name;
		enum path_kind kind;
	} entries[] = {
		{ "driver", P_DEVICE_DRIVER },
		{ "iommu_group", P_GROUPS_DIR },
		{ "rom", P_DEVICE_ROM },
		{ "reset", P_DEVICE_RESET },
		{ "reset_method", P_DEVICE_RESET },
	};

	while (i < len && s[i] != '/' && s[i] != ' ' && s[i] != '\'' && s[i] != '"')
		i++;
	if (i >= len || s[i] != '/')
		return P_DEVICE;
	i++;
	for (size_t k = 0; k < ARRAY_SIZE(entries); k++) {
		size_t n = strlen(entries[k].name);

		if (i + n <= len && strncmp(s + i, entries[k].name, n) == 0 &&
		    (i + n == len || !(alnum(s[i + n]) || s[i + n] == '-' || s[i + n] == '_')))
			return entries[k].kind;
	}
	return P_DEVICE;
}

/*
 * @s[i..len) goes on after a device's directory: is it the device number of
 * its VFIO cdev (ADDR/vfio-dev/vfioN/dev)? The vfio-dev/vfioN directory is
 * there for any device vfio registered; its "dev" file only when the kernel
 * added the cdev (drivers/vfio/vfio.h vfio_device_add: cdev_device_add with
 * CONFIG_VFIO_DEVICE_CDEV, a bare device_add without it or for noiommu)
 */
static bool device_cdev_file(const char *s, size_t i, size_t len)
{
	while (i < len && s[i] != '/' && s[i] != ' ' && s[i] != '\'' && s[i] != '"')
		i++;
	if (i + 14 > len || strncmp(s + i, "/vfio-dev/vfio", 14) != 0)
		return false;
	i += 14;
	while (i < len && digit(s[i]))
		i++;
	return i + 4 <= len && strncmp(s + i, "/dev", 4) == 0 &&
	       (i + 4 == len || !(alnum(s[i + 4]) || s[i + 4] == '-' || s[i + 4] == '/'));
}

/* what the first device node or sysfs path the message names is */
static enum path_kind path_in(const char *s, size_t len, bool *bind_file)
{
	static const struct {
		const char *prefix;
		enum path_kind kind;
	} paths[] = {
		{ "/dev/vfio/vfio", P_MODULE_NODE },
		/*
		 * the device's cdev (iommufd): the kernel names the node
		 * vfio/devices/vfioN (drivers/vfio/device_cdev.c
		 * vfio_device_devnode) and adds it only when built with
		 * CONFIG_VFIO_DEVICE_CDEV (device_cdev_file() below)
		 */
		{ "/dev/vfio/devices/", P_CDEV_NODE },
		{ "/dev/vfio/", P_GROUP_NODE },
		{ "/dev/iommu", P_MODULE_NODE },
		{ "/dev/kvm", P_MODULE_NODE },
		{ "/sys/module/", P_MODULE_NODE },
		{ "/sys/bus/pci/drivers/", P_DRIVER },
		{ "/sys/bus/pci/devices/", P_DEVICE },
		{ "/sys/kernel/iommu_groups", P_GROUPS_DIR },
		{ "/sys/", P_OTHER },
		{ "/dev/", P_OTHER },
	};

	*bind_file = false;
	for (size_t i = 0; i + 4 < len; i++) {
		if (s[i] != '/' || (s[i + 1] != 'd' && s[i + 1] != 's'))
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(paths); j++) {
			size_t pl = strlen(paths[j].prefix);

			if (i + pl > len || strncmp(s + i, paths[j].prefix, pl) != 0)
				continue;
			/* a group's node is /dev/vfio/N or /dev/vfio/noiommu-N */
			if (paths[j].kind == P_GROUP_NODE &&
			    !(i + pl < len && digit(s[i + pl])) &&
			    !(i + pl + 8 <= len && strncmp(s + i + pl, "noiommu-", 8) == 0))
				return P_OTHER;
			if (paths[j].kind == P_DRIVER) {
				size_t e = i + pl;

				while (e < len && s[e] != ' ' && s[e] != ':' && s[e] != '\'' && s[e] != '"')
					e++;
				*bind_file = e >= 5 && strncmp(s + e - 5, "/bind", 5) == 0;
			}
			if (paths[j].kind == P_DEVICE && device_cdev_file(s, i + pl, len))
				return P_CDEV_NODE;
			if (paths[j].kind == P_DEVICE)
				return device_entry(s, i + pl, len);
			return paths[j].kind;
		}
	}
	return P_NONE;
}

/* the message is about mapping or pinning memory for a device's DMA */
static bool about_dma(const char *s, size_t len)
{
	return has_text(s, len, "dma") || has_text(s, len, "pin_") || has_word(s, len, "pin") ||
	       has_text(s, len, "pinn") || has_text(s, len, "memlock") ||
	       has_text(s, len, "locked memory");
}

/* the message is about a program opening or accessing a file */
static bool about_access(const char *s, size_t len)
{
	return has_word(s, len, "open") || has_word(s, len, "opening") ||
	       has_word(s, len, "access") || has_word(s, len, "accessing");
}

/* the message is about attaching a group to a container's IOMMU backend */
static bool set_iommu_step(const char *s, size_t len)
{
	return has_text(s, len, "set iommu for container") || has_text(s, len, "vfio_set_iommu");
}

bool kb_stage_kind(const char *kind)
{
	return kind && (strcmp(kind, "binding") == 0 || strcmp(kind, "config") == 0 ||
			strcmp(kind, "guest-driver") == 0);
}

const char *kb_inner_cause(const char *msg, size_t len, const char *inner, size_t inner_len,
			   bool numbers)
{
	struct carried got;
	enum path_kind path;
	bool bind_file;

	if (!inner || inner_len == 0)
		return NULL;
	carried_in(inner, inner_len, numbers, &got);
	if (got.not_viable)
		return "group-viability";
	if (got.no_iommu)
		return "iommu-off";
	switch (got.e) {
	case E_BUSY:
		return "device-busy";
	case E_ACCES:
		/* "Permission denied" is what a syscall told a program: an access refused */
		if (!got.e_is_number)
			return "permission";
		/* fall through */
	case E_PERM:
		/*
		 * type1 refuses to attach a group whose MSIs cannot be isolated
		 * with -EPERM (vfio_iommu_type1.c vfio_iommu_type1_attach_group:
		 * "No interrupt remapping support"), and QEMU names that step
		 * "set iommu for container" (container-legacy.c vfio_set_iommu)
		 */
		if (!got.e_is_number && set_iommu_step(msg, len))
			return "irq-remap";
		path = path_in(msg, len, &bind_file);
		return path != P_NONE || about_access(msg, len) ? "permission" : NULL;
	case E_NOMEM:
	case E_NOSPC:
		return about_dma(msg, len) ? "dma-mapping" : NULL;
	case E_NOENT:
	case E_NODEV:
		path = path_in(msg, len, &bind_file);
		/* DPDK's "cannot open VFIO container" (eal_vfio.c) is /dev/vfio/vfio */
		if (path == P_NONE && has_word(msg, len, "vfio container"))
			path = P_MODULE_NODE;
		/*
		 * a module's init that found no device to drive returns -ENODEV
		 * (the kernel hands init's errno back to insmod: kernel/module/
		 * main.c do_init_module; nvidia's init when no GPU probed): the
		 * device is held by another driver or is not there for this one
		 */
		if (path == P_NONE && got.e == E_NODEV && has_text(msg, len, "could not insert"))
			return "binding";
		switch (path) {
		case P_GROUP_NODE:
		case P_DEVICE_DRIVER:
			return "binding";
		case P_MODULE_NODE:
			return "module";
		/*
		 * a missing cdev node read alone is a kernel without the VFIO
		 * cdev (GUIDE.md rule 6); a management layer that asks for a
		 * node the kernel never offered is its thread's config
		 */
		case P_CDEV_NODE:
			return "module";
		case P_DRIVER:
			return bind_file && got.e == E_NODEV ? "binding" : "module";
		case P_DEVICE:
			return "config";
		case P_DEVICE_ROM:
			return "rom";
		case P_DEVICE_RESET:
			return "reset";
		case P_GROUPS_DIR:
			return "iommu-off";
		default:
			return NULL;
		}
	default:
		return NULL;
	}
}
