/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host model's functions that only libvfd calls (checks, changes, trial):
 * not in the topic headers, which hold what the CLI uses. Included by
 * internal.h.
 */
#ifndef VFD_HOST_INTERNAL_H
#define VFD_HOST_INTERNAL_H

#include "vfd.h"

/* ------------------------------------------------ modules (modules.c) */

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

/*
 * vfd_modules_for_alias - the modules whose aliases match @modalias (a
 * device's sys/.../modalias), each after its dependencies, appended to
 * *@files (*@n entries) unless already there.
 * Returns: the number of modules matching (0: none, nothing added), -ENOENT
 *          without a module tree, -ELIBACC when libkmod cannot be loaded, -ENOMEM.
 */
int vfd_modules_for_alias(struct vfd_modules *mods, const char *modalias,
			  struct vfd_module_file **files, size_t *n);
/*
 * modules.c: modules_new_at - module state as vfd_modules_new() gives it, with
 * the module tree at @dir (relative to the root; the guest's are not always
 * lib/modules/RELEASE) for alias lookups: libkmod where the tree has
 * modules.alias.bin and the build has libkmod, else modules.alias and
 * modules.builtin.alias read as text. NULL (errno set) without memory.
 * modules_alias_names - the modules whose aliases match @modalias, each once
 * (caller frees with vfd_strv_free); *@builtin when one is built into the
 * kernel. NULL without memory.
 */
struct vfd_modules *modules_new_at(struct vfd_root *root, const char *dir);
char **modules_alias_names(struct vfd_modules *mods, const char *modalias, bool *builtin);
/* platform.c: steps to load @module now and at every boot (caller frees) */
char **vfd_system_module_fix(const struct vfd_system *sys, const char *module);

/* ------------------------------------------------- accounts (limits.c) */

/* the name of @uid into @buf ("uid N" when unknown); 0 or -ESRCH / -ENOENT */
int vfd_account_name(struct vfd_root *root, unsigned int uid, char *buf, size_t size);
/* etc/security/limits.conf, then etc/security/limits.d/ *.conf in name order */
int vfd_limits_read(struct vfd_root *root, const struct vfd_account *acct,
		    struct vfd_memlock_conf *c);

/* ------------------------------------------------------ PCI (pci.c) */

/* header type without the multi-function bit: 0 normal, 1 bridge, 2 CardBus */
int vfd_pcidev_get_header_type(const struct vfd_pcidev *dev);
bool vfd_pcidev_is_multifunction(const struct vfd_pcidev *dev);
/* number of virtfnN links (VFs currently enabled) */
int vfd_pcidev_get_num_vfs(struct vfd_pcidev *dev);
/* config space as the kernel shows it (64, 256 or 4096 bytes); NULL if unreadable */
const uint8_t *vfd_pcidev_get_config(struct vfd_pcidev *dev, size_t *len);

/* -------------------------------------------------- usage (usage.c) */

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

/*
 * Device arguments on the host (the CLI resolves them through vfd_select(),
 * lib/checks/select.h): vfd_host_lookup, for IDs, the first match;
 * vfd_host_lookup_next the matches after @start (index), 0 or 1 when none left.
 */
/* Resolves a device argument; for IDs, the first match (see _next for more). */
int vfd_host_lookup(const struct vfd_host *host, const struct vfd_devspec *spec,
		    size_t *index);
/* matching devices of spec after @start (index), 0 or 1 when none left */
int vfd_host_lookup_next(const struct vfd_host *host, const struct vfd_devspec *spec,
			 size_t start, size_t *index);

/* ---------------------------------------------------- PCI (pci.c) */

/*
 * pci.c: host_cache - the slot of a cache another module keeps per host (the
 * usage index of usage.c, the names of pci-names.c), the one that @free_fn
 * frees, made on first use (*slot NULL then): the caller fills it, the host
 * frees it with @free_fn. NULL when every slot is taken by another owner.
 * The host model so calls back into no module that uses it.
 */
void **host_cache(struct vfd_host *host, void (*free_fn)(void *data));
/*
 * pci.c: the files of the host's functions that the scan and the attributes
 * read so far could not read for want of permission (EACCES, EPERM), as
 * "sys/bus/pci/devices/SLOT/ATTR", in the order met, each once; owned by the
 * host, valid until the next read. For the guest run without root.
 */
char *const *host_refused(const struct vfd_host *host, size_t *n);

#endif
