// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Typographic characters in pasted VM definitions. Word processors, chat
 * programs and web pages turn "-" and "--" into dashes (U+2013, U+2014) and
 * straight quotes into curly ones (U+201C ...). Neither a shell, nor QEMU,
 * nor an XML parser reads them as what they stand for: QEMU takes a word
 * that does not begin with an ASCII '-' for a disk image (softmmu/vl.c,
 * qemu_init: drive_add(IF_DEFAULT, ...) for every argv word without '-'),
 * so "–device" stops it with "Could not open '–device'"; a shell keeps curly
 * quotes inside the word; libxml2 wants '"' or '\'' around attribute values.
 * These helpers recognise the characters so that the readers can name them.
 */
#define _GNU_SOURCE
#include <string.h>

#include "vm-internal.h"

struct typo_char {
	unsigned int cp;
	const char *name;
};

/* Unicode's names (UnicodeData.txt) */
static const struct typo_char dashes[] = {
	{ 0x2010, "HYPHEN" },
	{ 0x2011, "NON-BREAKING HYPHEN" },
	{ 0x2012, "FIGURE DASH" },
	{ 0x2013, "EN DASH" },
	{ 0x2014, "EM DASH" },
	{ 0x2015, "HORIZONTAL BAR" },
	{ 0x2212, "MINUS SIGN" },
	{ 0xfe63, "SMALL HYPHEN-MINUS" },
	{ 0xff0d, "FULLWIDTH HYPHEN-MINUS" },
};

static const struct typo_char quotes[] = {
	{ 0x00ab, "LEFT-POINTING DOUBLE ANGLE QUOTATION MARK" },
	{ 0x00bb, "RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK" },
	{ 0x2018, "LEFT SINGLE QUOTATION MARK" },
	{ 0x2019, "RIGHT SINGLE QUOTATION MARK" },
	{ 0x201a, "SINGLE LOW-9 QUOTATION MARK" },
	{ 0x201b, "SINGLE HIGH-REVERSED-9 QUOTATION MARK" },
	{ 0x201c, "LEFT DOUBLE QUOTATION MARK" },
	{ 0x201d, "RIGHT DOUBLE QUOTATION MARK" },
	{ 0x201e, "DOUBLE LOW-9 QUOTATION MARK" },
	{ 0x201f, "DOUBLE HIGH-REVERSED-9 QUOTATION MARK" },
	{ 0x2032, "PRIME" },
	{ 0x2033, "DOUBLE PRIME" },
	{ 0xff02, "FULLWIDTH QUOTATION MARK" },
	{ 0xff07, "FULLWIDTH APOSTROPHE" },
};

/* the code point of the UTF-8 sequence at @s (2 or 3 bytes: all of the above), 0 if none */
static unsigned int utf8_at(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] >= 0xc2 && u[0] <= 0xdf && (u[1] & 0xc0) == 0x80) {
		*len = 2;
		return ((u[0] & 0x1fu) << 6) | (u[1] & 0x3fu);
	}
	if (u[0] >= 0xe0 && u[0] <= 0xef && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80) {
		unsigned int cp = ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) | (u[2] & 0x3fu);

		if (cp < 0x800)
			return 0;	/* overlong */
		*len = 3;
		return cp;
	}
	return 0;
}

static unsigned int lookup(const char *s, size_t *len, const struct typo_char *set, size_t n)
{
	size_t l = 0;
	unsigned int cp = utf8_at(s, &l);

	for (size_t i = 0; cp && i < n; i++)
		if (set[i].cp == cp) {
			*len = l;
			return cp;
		}
	return 0;
}

unsigned int vm_typo_dash(const char *s, size_t *len)
{
	return lookup(s, len, dashes, ARRAY_SIZE(dashes));
}

unsigned int vm_typo_quote(const char *s, size_t *len)
{
	return lookup(s, len, quotes, ARRAY_SIZE(quotes));
}

bool vm_typo_quote_is_double(unsigned int cp)
{
	return cp == 0x201c || cp == 0x201d || cp == 0x201e || cp == 0x201f ||
	       cp == 0x00ab || cp == 0x00bb || cp == 0x2033 || cp == 0xff02;
}

const char *vm_typo_name(unsigned int cp)
{
	for (size_t i = 0; i < ARRAY_SIZE(dashes); i++)
		if (dashes[i].cp == cp)
			return dashes[i].name;
	for (size_t i = 0; i < ARRAY_SIZE(quotes); i++)
		if (quotes[i].cp == cp)
			return quotes[i].name;
	return "?";
}
