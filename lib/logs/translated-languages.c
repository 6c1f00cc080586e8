// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The languages a user's own lines are printed in, from the locale variables
 * gettext reads (vfd_translated_languages_of()): their catalogues are tried
 * before every other language's are loaded.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "explain-translated.h"

/* @name (@n bytes) appended to the colon list in @buf unless it is there */
static void add(char *buf, size_t size, size_t *len, const char *name, size_t n)
{
	for (const char *p = buf; *p; p += strcspn(p, ":"), p += *p == ':') {
		if (strncmp(p, name, n) == 0 && (p[n] == ':' || p[n] == '\0'))
			return;
	}
	if (!n || *len + !!*len + n >= size)
		return;
	if (*len)
		buf[(*len)++] = ':';
	memcpy(buf + *len, name, n);
	*len += n;
	buf[*len] = '\0';
}

/* one locale name, "ll_CC.codeset@modifier": ll_CC@modifier, ll@modifier, ll_CC, ll */
static void add_locale(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	size_t ll = strcspn(s, "_.@"), cc = strcspn(s, ".@"), at = strcspn(s, "@");
	char name[64];

	if (ll > n)
		ll = n;
	if (cc > n)
		cc = n;
	if (at > n)
		at = n;
	/* a name with characters a directory of locales never has is no language */
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == '\n')
			return;
	if (at < n && cc + (n - at) < sizeof(name)) {
		memcpy(name, s, cc);
		memcpy(name + cc, s + at, n - at);
		add(buf, size, len, name, cc + n - at);
		if (cc > ll) {
			memcpy(name + ll, s + at, n - at);
			add(buf, size, len, name, ll + n - at);
		}
	}
	add(buf, size, len, s, cc);
	add(buf, size, len, s, ll);
}

static bool english_or_c(const char *locale)
{
	return !locale || !*locale || strcmp(locale, "C") == 0 || strcmp(locale, "POSIX") == 0 ||
	       strncmp(locale, "C.", 2) == 0;
}

size_t vfd_translated_languages_of(const char *language, const char *locale, char *buf,
				   size_t size)
{
	size_t len = 0;

	if (!size)
		return 0;
	buf[0] = '\0';
	/* as gettext: LANGUAGE counts only where the locale is not C */
	if (english_or_c(locale))
		return 0;
	for (const char *p = language ? language : ""; *p; p += strcspn(p, ":"), p += *p == ':')
		add_locale(buf, size, &len, p, strcspn(p, ":"));
	add_locale(buf, size, &len, locale, strlen(locale));
	return len;
}
