/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the VM configuration files (vm-*.c, lint-*.c); not public. */
#ifndef VFD_VM_INTERNAL_H
#define VFD_VM_INTERNAL_H

#include "internal.h"
#include "vfd-vm.h"

/* "q35", "i440fx", ... (a static string) */
const char *vfd_vm_machine_name(enum vfd_vm_machine machine);
/* the account QEMU runs as under libvirt on the root's distribution */
const char *vfd_vm_default_user(struct vfd_root *root);

/* the QEMU versions whose option tables lint knows ("5.2 7.2 ...", static) */
const char *vfd_vm_qemu_versions(void);
/*
 * vfd_vm_qemu_option_arg - does QEMU option @name (without its dash) take a
 * value? From QEMU's option table (data/qemu-options.tsv). Returns 1 when it
 * takes one, 0 when not, -ENOENT when no QEMU version known has it.
 */
int vfd_vm_qemu_option_arg(const char *name);

/* class 03 00: a VGA-compatible display controller (the only kind with VGA ranges) */
static inline bool class_is_vga(uint32_t class_code)
{
	return (class_code >> 8) == 0x0300;
}

/* @s is a UUID as sysfs names mediated devices: 8-4-4-4-12 hex digits */
bool vm_is_uuid(const char *s);

/* the QEMU user given, or the distribution's */
const char *vm_user(struct vfd_root *root, const char *user);

/*
 * May @user read the host file @path (absolute) in @root: search permission
 * on every directory above it and read permission on it? 0 with *can and, when
 * not, *why (caller frees); -ENOENT when the file or a directory is missing,
 * -ESRCH when the user is not in etc/passwd.
 */
int vm_user_can_read(struct vfd_root *root, const char *user, const char *path, bool *can,
		     char **why);

/*
 * Findings about a ROM file for the device @dev (or NULL) under @firmware:
 * exists, readable by @user, parses, names the device, has an image the
 * firmware runs. @id is the finding id; @device the slot for the finding.
 * Returns -ENOENT when the file is missing (a fail finding is added), else 0.
 */
int vm_check_romfile(struct vfd_root *root, const char *user, const char *path,
		     const struct vfd_pcidev *dev, enum vfd_vm_firmware firmware, const char *id,
		     struct vfd_report *report);

/* vfio-pci's disable_vga parameter is set: the VGA region is never offered */
bool vm_vga_disabled(struct vfd_root *root);

/*
 * vm-typography.c: a typographic dash or quote (curly quote, guillemet,
 * prime) at @s, NUL-terminated: its code point, *len its UTF-8 bytes; 0 when
 * none is there
 */
unsigned int vm_typo_dash(const char *s, size_t *len);
unsigned int vm_typo_quote(const char *s, size_t *len);
/* a double quotation mark's stand-in (a JSON string's quote), not a single's */
bool vm_typo_quote_is_double(unsigned int cp);
/* Unicode's name of a dash or quote above ("EN DASH"), static */
const char *vm_typo_name(unsigned int cp);

/* vm-qemu.c: a shell word, quoted when needed */
void shell_quote(struct tbuf *b, const char *w);
/* a QEMU option value with its commas doubled (caller frees) */
char *qemu_opt_escape(const char *v);
/* the -device lines of a set, appended to @out */
void qemu_add_devset(struct tbuf *out, const struct vfd_vm_devset *set,
		     const struct vfd_vm_opts *opts);

/* vm-libvirt.c: the controllers and hostdevs of a set, into a <devices> node (libxml2) */
struct _xmlNode;
int libvirt_add_devset(struct _xmlNode *devices, const struct vfd_vm_devset *set,
		       const struct vfd_vm_opts *opts);
/* a <qemu:override> setting x-vga on each hostdev that has it, or NULL when none */
struct _xmlNode *libvirt_xvga_override(const struct vfd_vm_devset *set);
/* @node as indented XML text and a newline (caller frees), NULL on ENOMEM */
struct _xmlDoc;
/* set attribute @name of @node (when not NULL) to the formatted value */
void xml_propf(struct _xmlNode *node, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *libvirt_node_string(struct _xmlDoc *doc, struct _xmlNode *node);

/* the root ports' QEMU ids: "vfd-rp<index>" */
#define VM_PORT_PREFIX "vfd-rp"

#endif
