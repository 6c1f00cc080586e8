// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A bounded reader of GNU gettext message catalogues (.mo files): every
 * count, offset and length of the file is checked against its size, and
 * every string against its terminating NUL, before any is handed out.
 */
#ifndef VFD_MO_CATALOGUE_H
#define VFD_MO_CATALOGUE_H
#include <stddef.h>
#include <stdint.h>

/* larger catalogues are refused: libvirt's biggest is under 2 MiB */
#define MO_MAX_SIZE (64u << 20)

struct mo_catalogue;

/*
 * mo_catalogue_open - map the .mo file at @path and check it whole
 * Returns: 0, -EBADMSG (not a .mo file, or one whose tables point outside
 * it), -EFBIG (over MO_MAX_SIZE), -ENOMEM, or the -errno of open/fstat/mmap.
 */
int mo_catalogue_open(const char *path, struct mo_catalogue **out);
/*
 * mo_catalogue_parse - the same checks on @len bytes at @buf, which the
 * catalogue reads in place: @buf must outlive it
 */
int mo_catalogue_parse(const void *buf, size_t len, struct mo_catalogue **out);
void mo_catalogue_free(struct mo_catalogue *c);

/* the number of messages (the header entry, msgid "", included) */
size_t mo_catalogue_count(const struct mo_catalogue *c);
/*
 * mo_catalogue_get - message @i: its msgid and msgstr, each NUL-terminated
 * inside the file, with their lengths. Of a plural message, the singular
 * msgid and the first msgstr; a msgctxt (before U+0004) is left out of the msgid.
 * Returns: 0, or -ERANGE when @i is not below mo_catalogue_count().
 */
int mo_catalogue_get(const struct mo_catalogue *c, size_t i, const char **msgid,
		     size_t *id_len, const char **msgstr, size_t *str_len);

#endif
