/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files of this machine read whole, and data decompressed in memory (gzip,
 * xz, zstd... whatever libarchive's filters read): the trial's modules and
 * its kernel image.
 */
#ifndef VFD_TRIAL_UNPACK_H
#define VFD_TRIAL_UNPACK_H

#include <stddef.h>

/*
 * vfd_slurp - the regular file @path, at most @max bytes, into *@out (NUL
 * after the last byte; caller frees).
 * Returns: 0, -EIO (not a regular file, too big, short read), -ENOMEM, -errno.
 */
int vfd_slurp(const char *path, size_t max, char **out, size_t *len);

/*
 * vfd_decompress - @data decompressed, at most @max bytes out (libarchive,
 * loaded on first use).
 * Returns: 0, -EIO (not compressed data libarchive reads, corrupt, or over
 *          @max), -ELIBACC (no libarchive), -ENOMEM.
 */
int vfd_decompress(const char *data, size_t len, size_t max, char **out, size_t *out_len);

#endif
