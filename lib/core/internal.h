/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared inside libvfd; not part of the public API. */
#ifndef VFD_INTERNAL_H
#define VFD_INTERNAL_H

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "buf.h"
#include "vfd.h"
/* the layers' functions that only libvfd calls */
#include "change-internal.h"
#include "host-internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))

void vfd_log(const struct vfd_root *root, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define vfd_dbg(root, ...) vfd_log(root, 7, __VA_ARGS__)

/* root.c: the root's readers and writers that only libvfd uses (see vfd-root.h) */
/* root-write.c: @path (relative to the root) and the directories above it */
int vfd_root_mkdirs(struct vfd_root *root, const char *path);
int vfd_root_openf(struct vfd_root *root, int flags, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* decimal, 0x hex or 0 octal, as sysfs writes them; -EINVAL on anything else */
int vfd_root_readf_u64(struct vfd_root *root, uint64_t *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vfd_root_readf_s64(struct vfd_root *root, int64_t *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* NULL with errno on failure; caller closedir()s */
DIR *vfd_root_opendirf(struct vfd_root *root, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vfd_root_statf(struct vfd_root *root, struct stat *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* asprintf that returns NULL on failure */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * redact.c: what a snapshot leaves out (vfio-doctor(8), SNAPSHOT). Each returns a
 * new NUL-terminated text (caller frees) and its length in *@out_len; NULL on ENOMEM.
 * redact_cmdline - a kernel command line (or a file of GRUB_CMDLINE_* lines):
 * values of keys that carry credentials, host names or addresses become
 * "REDACTED", kept keys (IOMMU, VFIO, KVM, PCI, ...) stay as they are.
 * redact_log - one kernel log record: the command line it echoes as above,
 * hardware addresses, IPv4 and IPv6 addresses and serial numbers.
 */
char *redact_cmdline(const char *text, size_t len, size_t *out_len);
char *redact_log(const char *text, size_t len, size_t *out_len);

/* limits.c: field @n (0-based) of the passwd-style line [p, end): start and *@len, or NULL */
const char *colon_span(const char *p, const char *end, int n, size_t *len);

/*
 * root-write.c: root_resolve_links - @path (relative to the root) with every link
 * in it followed inside the root, as the kernel would (caller frees *@out).
 * -EXDEV when a link climbs above the root, -EROFS when the file lies in a
 * read-only store (nix/store, gnu/store), -ELOOP after 40 links.
 * root_edit_file - vfd_root_write_file() on the file @path resolves to: a link
 * stays a link and its target is edited (owner, group and mode kept).
 */
int root_resolve_links(struct vfd_root *root, const char *path, char **out);
int root_edit_file(struct vfd_root *root, const char *path, const char *data, size_t len,
		   unsigned int mode);
/*
 * root-write.c: root_unlink - unlinkat(2) of @path below a writable root
 * (@flags: 0 or AT_REMOVEDIR); a path already gone is 0. -EROFS on a root
 * that is not writable (vfd_root_is_writable).
 */
int root_unlink(struct vfd_root *root, const char *path, int flags);
/*
 * Test hook: called at each step of a file write (a temporary made, written,
 * renamed) and before each unlink of persist, so that tests can stop the
 * process at any one of them. NULL outside tests.
 */
extern void (*vfd_test_step_hook)(const char *what, const char *path);
void vfd_test_step(const char *what, const char *path);

/* Findings: add one with its evidence and fixes taken from builders. */
struct vfd_finding *report_add(struct vfd_report *report, const char *id, const char *layer,
			       enum vfd_status status, const char *device,
			       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void finding_evidence(struct vfd_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void finding_fix(struct vfd_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* move a whole list of steps into the fix (takes ownership of @steps) */
void finding_fix_steps(struct vfd_finding *f, char **steps);

/* kernel versions as vfd_host_kernel_version() gives them */
#define KERNEL_5_15 (5u << 16 | 15u << 8)
#define KERNEL_6_0 (6u << 16)
#define KERNEL_6_2 (6u << 16 | 2u << 8)

/*
 * preflight.c: the IOVA to map @size bytes at, from a VFIO_IOMMU_GET_INFO
 * answer of @len bytes: @want when a usable range holds it, else the lowest
 * page-aligned start that fits. Returns 0 (*iova set), -ENOSPC when no range
 * fits, -EINVAL for a malformed capability chain.
 */
int preflight_pick_iova(const void *info, size_t len, uint64_t want, uint64_t size,
			uint64_t *iova, unsigned int *nranges);

/* the bound driver's name for messages */
/* FNV-1a, 64 bits, of a string: the hash of the tables that key on text */
static inline uint64_t fnv1a_str(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static inline const char *driver_name_or_none(const struct vfd_pcidev *d)
{
	const char *drv = vfd_pcidev_get_driver(d);

	return drv ? drv : "no driver";
}


/* access.c: may @user open a node with this mode and owner? (etc/passwd, etc/group) */
int user_can_open(struct vfd_root *root, const char *user, const struct stat *st, bool *can,
		  char **why);
/* "crw-rw---- root:kvm" for evidence (caller frees) */
char *describe_node(struct vfd_root *root, const struct stat *st);
/* the name of group @gid in the root's etc/group; NULL when unknown */
char *group_name(struct vfd_root *root, unsigned int gid);

/*
 * root.c: entries of a directory opened once with vfd_root_openf() (@dfd, at
 * @dir below the root); symlinked entries and paths still go through the root.
 * Each returns 0 (read_child: the length read) or a negative errno.
 */
/*
 * For a library that opens files by path itself (libkmod): the real absolute
 * path of the directory @rel inside the root, with no link left in it, where
 * each of @files (NULL-terminated) is a regular file or absent. *out is new
 * (caller frees). -ELOOP when one of @files is a link, -VFD_ENOTREG when it
 * is something else, -EXDEV when the directory is not below the root.
 */
int root_real_dir(struct vfd_root *root, const char *rel, const char *const *files, char **out);
int root_open_child(struct vfd_root *root, int dfd, const char *dir, const char *name,
		    int flags);
/* one attribute, newline stripped, NUL-terminated in @buf */
int root_read_child(struct vfd_root *root, int dfd, const char *dir, const char *name,
		    char *buf, size_t size);
/* the target of the link @name (caller frees) */
int root_readlink_child(struct vfd_root *root, int dfd, const char *dir, const char *name,
			char **out);

/* pciids.c: the pci.ids list, accepted only where libpci accepts all of it */
enum {
	PCIIDS_UNKNOWN = 1, PCIIDS_VENDOR, PCIIDS_DEVICE, PCIIDS_SUBSYSTEM, PCIIDS_GEN_SUBSYSTEM,
	PCIIDS_CLASS, PCIIDS_SUBCLASS, PCIIDS_PROGIF,
};
struct pciids;
/* index @buf (kept, not copied); NULL + EINVAL where libpci would report an error */
struct pciids *pciids_parse(const char *buf, size_t size);
void pciids_free(struct pciids *ids);
/* the name of an entry (@len bytes, not NUL-terminated), or NULL when not listed */
const char *pciids_lookup(struct pciids *ids, int cat, unsigned int id1, unsigned int id2,
			  unsigned int id3, size_t *len);
/* map the list file, NUL after its end (the tool's data, not the host's: not below the sysroot) */
int pciids_read_file(const char *path, char **buf, size_t *size);
/* once indexed: hand the file's pages back; lookups fault in the few they read */
void pciids_drop_pages(char *buf, size_t size);
/* release what pciids_read_file() returned */
void pciids_free_file(char *buf, size_t size);

/* pci.c: vendor and device from a PCI modalias ("pci:v00008086d000010EDsv..."); 0 or -errno */
int modalias_pci_ids(const char *s, uint16_t *vendor, uint16_t *device);

/* quote a kernel log line as evidence: "kernel log: <text>" */
void finding_kmsg(struct vfd_finding *f, const struct vfd_kmsg_line *line);

/* parse-error.c: fill @err (may be NULL) with @line and the formatted sentence */
__attribute__((format(printf, 3, 4)))
void vfd_parse_error_set(struct vfd_parse_error *err, unsigned int line, const char *fmt, ...);

#endif
