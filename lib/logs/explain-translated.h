// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a translated message back into English: the message catalogues a
 * program's translations install (libvirt's libvirt.mo under
 * LOCALEDIR/LANG/LC_MESSAGES/), read in reverse. Each translation becomes a
 * matcher whose printf conversions capture values; a line that holds one is
 * rewritten with the English message in its place, its values where the
 * English message has them. Nothing here is in the project: only what the
 * host has installed is read, at run time.
 */
#ifndef VFD_EXPLAIN_TRANSLATED_H
#define VFD_EXPLAIN_TRANSLATED_H
#include <stdbool.h>
#include <stddef.h>

struct vfd_translated;

/*
 * vfd_translated_load - every DIR/LANG/LC_MESSAGES/@domain.mo under @dir;
 * @domain NULL: each domain of explain-translated.c's table (libvirt,
 * virt-manager), and of libc.mo strerror()'s texts, read where a line ends
 * in one after ": "
 * A missing @dir, or catalogues that cannot be read or are malformed, give
 * fewer (or no) catalogues, not an error: a host without translations reads
 * no translated line.
 * Returns: 0, or -ENOMEM.
 */
int vfd_translated_load(const char *dir, const char *domain, struct vfd_translated **out);
/*
 * vfd_translated_load_languages - vfd_translated_load() of the language
 * directories named in @languages only (a colon-separated list, "de_DE:de");
 * NULL: every one
 */
int vfd_translated_load_languages(const char *dir, const char *domain, const char *languages,
				  struct vfd_translated **out);
/*
 * vfd_translated_shared - vfd_translated_load_languages(), once per process
 * for each @dir, @domain and @languages (translated-shared.c): the result is
 * kept to the end (explain objects made one per line, as the tests make
 * them, load nothing again); never freed by the caller.
 * Returns: 0, or -ENOMEM (*@out NULL).
 */
int vfd_translated_shared(const char *dir, const char *domain, const char *languages,
			  const struct vfd_translated **out);
/*
 * vfd_translated_languages_of - the catalogue directories the user's locale
 * names, in gettext's order (translated-languages.c): each of @language
 * (LANGUAGE's colon list), then @locale (the first of LC_ALL, LC_MESSAGES
 * and LANG that is set), a name "ll_CC.codeset@modifier" giving
 * ll_CC@modifier, ll@modifier, ll_CC and ll; into @buf (@size bytes) as a
 * colon list, names that do not fit left out.
 * Returns: its length; 0 where @locale is unset, C or POSIX (as gettext,
 * LANGUAGE is then not read either).
 */
size_t vfd_translated_languages_of(const char *language, const char *locale, char *buf,
				   size_t size);
/*
 * vfd_translated_parse - the catalogue in @len bytes at @buf (which must
 * outlive the result) alone, as language @lang: for tests and fuzzing
 * Returns: 0, -EBADMSG or -EFBIG (mo_catalogue_parse()), or -ENOMEM.
 */
int vfd_translated_parse(const void *buf, size_t len, const char *lang,
			 struct vfd_translated **out);
void vfd_translated_free(struct vfd_translated *t);
/* catalogues loaded, catalogues refused, and translations kept as matchers */
void vfd_translated_stats(const struct vfd_translated *t, size_t *catalogues, size_t *refused,
			  size_t *matchers);

/* a line read back: the caller's buffer, grown as needed (free line) */
struct vfd_translation {
	char *line;		/* the line with its message in English */
	size_t len, cap;
	size_t start, end;	/* the English message within line */
	const char *language;	/* the catalogue's directory name ("de", "pt_BR") */
};

/*
 * vfd_translated_read - the translated message the end of @line holds (the
 * one that explains most of it: a wrapper such as "internal error: %s" with
 * its inner message translated in turn), as English into @out; a strerror()
 * text after its last ": " too, and that alone where the message is English
 * (out->start, end: then the strerror() text)
 * Returns: 1 read, 0 no translation found, -ENOMEM.
 */
int vfd_translated_read(const struct vfd_translated *t, const char *line, size_t len,
			struct vfd_translation *out);

/* does @line end in a strerror() text translated (after ": ")? */
bool vfd_translated_errno_tail(const struct vfd_translated *t, const char *line, size_t len);

/*
 * vfd_translated_ascii_worth - an ASCII line in vfd_translated_ascii_shape()
 * worth looking up: none of a few English words in it, or, after an English
 * message, a strerror() text that is not glibc's English one and holds none
 * of them. English logs then load no catalogue (0.13 s, 31 MB).
 */
bool vfd_translated_ascii_worth(const char *s, size_t len);

/* vfd_translated_ascii_shape() past its first byte, out of line */
bool vfd_translated_shape_rest(const char *s, size_t len);

/*
 * vfd_translated_ascii_shape - may @s, all ASCII and read by no entry, be a
 * translation? German, Spanish, Italian, Dutch... print many messages in
 * ASCII, but most ASCII lines are English, and looking a line up costs: so
 * only the shapes the translating programs print are: libvirtd's log
 * prefix ("2026-12-05 10:00:00.000+0000: "), or a program's name and ": "
 * starting the line (virsh's "error: " as translated, "Fehler: ", "erreur : ",
 * "erro:" with the message right after it;
 * "modprobe: ", "qemu-system-x86_64: "), not a kernel subsystem's capitals
 * ("ACPI: "). Every line of a log comes here: a kernel log's "[" is
 * refused inline, by its first byte.
 */
static inline bool vfd_translated_ascii_shape(const char *s, size_t len)
{
	unsigned c0 = len ? (unsigned char)s[0] : 0;

	if ((c0 | 0x20) - 'a' >= 26 && c0 - '0' >= 10)
		return false;
	return vfd_translated_shape_rest(s, len);
}

#endif
