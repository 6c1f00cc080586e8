/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: the root a scan reads (a live host or a snapshot), logging, string vectors. Include "vfd.h", not this file. */
#ifndef LIBVFD_ROOT_H
#define LIBVFD_ROOT_H

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

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
/*
 * vfd_root_open - vfd_root_new() with @flags. VFD_ROOT_WRITABLE: the tool's
 * own files (state records, configuration edits) may be written below a
 * sysroot; for tests that run bind or persist on a tree. The live host takes
 * writes without it (the kernel and the file modes decide); a sysroot opened
 * without it is a snapshot, never written.
 */
#define VFD_ROOT_WRITABLE 0x1
struct vfd_root *vfd_root_open(const char *prefix, unsigned int flags);
/* whether files may be written below the root: the live host, or VFD_ROOT_WRITABLE */
bool vfd_root_is_writable(const struct vfd_root *root);
struct vfd_root *vfd_root_ref(struct vfd_root *root);
void vfd_root_unref(struct vfd_root *root);
/* true for "/": ioctls, uname() and the live kernel log may be used */
bool vfd_root_is_live(const struct vfd_root *root);
const char *vfd_root_get_prefix(const struct vfd_root *root);
/* Library diagnostics go only here (priority as syslog; VFD_DEBUG=1 shows all). */
void vfd_root_set_log_fn(struct vfd_root *root, vfd_log_fn fn, void *data);

/*
 * Writes to sysfs attributes: on the live host they go to the kernel; in a
 * sysroot they go to the write function when one is set (how tests put a
 * model of the kernel behind a fixture tree) and are refused with -EROFS
 * otherwise. @path is relative to the root. The write function only stands
 * for the kernel: whether files may be written is vfd_root_is_writable().
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
 * Only below a writable root (vfd_root_is_writable); -EROFS otherwise.
 */
int vfd_root_write_file(struct vfd_root *root, const char *path, const char *data, size_t len,
			unsigned int mode);

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
/* one attribute, trailing newline removed; *out is a new string (caller frees) */
int vfd_root_readf_str(struct vfd_root *root, char **out, const char *fmt, ...)
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
bool vfd_root_existsf(struct vfd_root *root, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* strict number parsers for sysfs values: 0 or -EINVAL / -ERANGE */
int vfd_parse_u64(const char *s, uint64_t *out);
int vfd_parse_s64(const char *s, int64_t *out);

/* ----------------------------------------------------------- misc */

/*
 * Where a parser of outside data (a .kb file, a VM definition, a file persist
 * edits) stopped: the 1-based line, 0 when the problem is not on one line,
 * and one sentence.
 */
struct vfd_parse_error {
	unsigned int line;
	char message[192];
};

void vfd_strv_free(char **strv);
size_t vfd_strv_len(char *const *strv);

#endif
