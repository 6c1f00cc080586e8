// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * strerror()'s texts in the user's language read back into English: glibc
 * translates them through its own catalogue (libc.mo, Debian's libc-l10n),
 * and programs print them after ": ". Only the catalogues' translations of
 * strerror()'s English texts are kept, and those texts are glibc's own,
 * asked of it at run time (strerror_l() in the C locale): nothing here is
 * in the project.
 */
#ifndef VFD_TRANSLATED_ERRNO_H
#define VFD_TRANSLATED_ERRNO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mo_catalogue;
struct errno_texts;

/* Returns: 0, or -ENOMEM. */
int errno_texts_new(struct errno_texts **out);
void errno_texts_free(struct errno_texts *e);
/*
 * errno_texts_add - the translations in @c of strerror()'s texts, as
 * language number @lang (one that differs from its English in case alone
 * is left out)
 * Returns: the number added, or -ENOMEM.
 */
int errno_texts_add(struct errno_texts *e, const struct mo_catalogue *c, uint16_t lang);
size_t errno_texts_count(const struct errno_texts *e);
/*
 * errno_texts_english - @s (@len bytes, all of it) as a translation of a
 * strerror() text: its English (in the catalogue, NUL-terminated) and language
 * Returns: true if found.
 */
bool errno_texts_english(const struct errno_texts *e, const char *s, size_t len,
			 const char **id, size_t *id_len, uint16_t *lang);

#endif
