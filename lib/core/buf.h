/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The growable buffers of libvfd: one for text (struct tbuf), one for string
 * lists (struct strv_builder, and strv_append() for a list kept in a struct).
 * Allocation failure is remembered, not returned at each add: the caller
 * checks once, at take. Internal to libvfd.
 */
#ifndef VFD_BUF_H
#define VFD_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* a growable byte buffer, NUL-terminated, that may hold NUL bytes; failure sets ->oom */
struct tbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void tbuf_add(struct tbuf *b, const char *s, size_t n);
void tbuf_adds(struct tbuf *b, const char *s);
void tbuf_addf(struct tbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * the text, NUL-terminated ("" when nothing was added; caller frees) and its
 * length in *@len (may be NULL); NULL after an allocation failure. The buffer
 * is emptied either way.
 */
char *tbuf_take(struct tbuf *b, size_t *len);
void tbuf_clear(struct tbuf *b);

/* asprintf's result, NULL on failure */
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable NULL-terminated string list. */
struct strv_builder {
	char **v;
	size_t n, cap;
	bool oom;
};

/* append a formatted string; on allocation failure remember it in ->oom */
void strv_addf(struct strv_builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* take the list (never NULL unless out of memory); the builder is emptied */
char **strv_take(struct strv_builder *b);
void strv_builder_clear(struct strv_builder *b);

/*
 * strv_append - add @s (taken: freed on failure; NULL is an earlier allocation
 * failure) to the NULL-terminated list *@strv (NULL is an empty one).
 * strv_appendf - the same with a formatted string.
 * For lists that live in a struct (a finding's evidence); 0 or -ENOMEM.
 */
int strv_append(char ***strv, char *s);
int strv_appendf(char ***strv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strv_vappendf(char ***strv, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/*
 * array_reserve - room in the growable array *@items (of *@cap elements of
 * @size bytes) for element @n: the capacity doubles, starting at @first; new
 * elements are zeroed. 0, or -ENOMEM with the array as it was.
 */
int array_reserve(void **items, size_t *cap, size_t n, size_t size, size_t first);
/*
 * the same without zeroing, for arrays whose elements are each written in
 * full when added: the built-in knowledge base's 9,000 patterns of 160
 * bytes were zeroed at each doubling, a twentieth of explain's start-up
 */
int array_reserve_raw(void **items, size_t *cap, size_t n, size_t size, size_t first);

#endif
