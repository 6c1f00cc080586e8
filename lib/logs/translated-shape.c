// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which all-ASCII lines may be translations (explain-translated.h,
 * vfd_translated_ascii_shape() and vfd_translated_ascii_worth()): by their
 * shape alone, no catalogue loaded, as every line a log holds may come here.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "explain-translated.h"

bool vfd_translated_shape_rest(const char *s, size_t len)
{
	size_t i = 1;

	if (s[0] >= '0' && s[0] <= '9')
		return len >= 30 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' &&
		       s[19] == '.' && (s[23] == '+' || s[23] == '-');
	if (len < 4 || (s[1] >= 'A' && s[1] <= 'Z'))
		return false;
	while (i < len && i < 32 && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
				     (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
		i++;
	/* French puts a space before the colon ("erreur : ") */
	if (i + 2 < len && s[i] == ' ' && s[i + 1] == ':')
		i++;
	if (i + 1 >= len || s[i] != ':')
		return false;
	/*
	 * French and Brazilian Portuguese translate virsh's "error: " without its
	 * blank ("erreur :", "erro:"), so the message follows the colon at once
	 */
	return s[i + 1] == ' ' || ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z');
}

/*
 * words of English messages that the languages with ASCII translations do
 * not use: a line holding one is English
 */
static const char *const english_words[] = {
	" the ", " to ", " not ", " with ", " and ", " from ", " or ", "failed",
	"Failed", "cannot", "Cannot", "unable", "Unable", "unsupported", "unexpected",
};

static bool has_english(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(english_words) / sizeof(*english_words); i++)
		if (memmem(s, len, english_words[i], strlen(english_words[i])))
			return true;
	return false;
}

/* @s is one of strerror()'s English texts (glibc's, in the C locale) */
static bool english_strerror(const char *s, size_t len)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	bool found = false;

	for (int n = 1; c && n <= 133 && !found; n++) {
		const char *e = strerror_l(n, c);

		found = e && strlen(e) == len && memcmp(e, s, len) == 0;
	}
	if (c)
		freelocale(c);
	return found;
}

bool vfd_translated_ascii_worth(const char *s, size_t len)
{
	const char *tail = NULL;
	size_t tl;

	if (!has_english(s, len))
		return true;
	/* an English message: worth it for a strerror() text after it that is not English */
	for (size_t i = len; i >= 2 && !tail; i--)
		if (s[i - 2] == ':' && s[i - 1] == ' ')
			tail = s + i;
	if (!tail)
		return false;
	tl = len - (size_t)(tail - s);
	while (tl && (tail[tl - 1] == ' ' || tail[tl - 1] == '\t' || tail[tl - 1] == '\r'))
		tl--;
	return tl && !has_english(tail, tl) && !english_strerror(tail, tl);
}
