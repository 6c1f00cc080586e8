// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a pasted line read back as printed (paste-text.c). On
 * any bytes: the text never grows, no byte outside ASCII appears that was
 * not there, and a line that the word-at-a-time test passes is kept byte
 * for byte; paste_scan() answers as the byte-wise tests; the places of
 * U+2026 that paste_restore_marks() reports rise,
 * hold "..." in the text it writes, and are as many as the ellipses it
 * read, as such or as HTML entities (up to its room). On the printable ASCII of the input, copied the ways a web page
 * or forum copies text: the copy reads back as that ASCII exactly.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paste-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* HTML's spelling of U+2026 at @s: "&hellip;", "&#8230;", "&#x2026;" (up to 6 digits) */
static bool ellipsis_entity(const char *s, size_t len)
{
	unsigned long v = 0;
	size_t i = 2, digits = 0;
	bool hex;

	if (len >= 8 && memcmp(s, "&hellip;", 8) == 0)
		return true;
	if (len < 4 || s[0] != '&' || s[1] != '#')
		return false;
	hex = s[2] == 'x' || s[2] == 'X';
	i += hex;
	for (; i < len && digits < 6; i++, digits++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * (hex ? 16 : 10) + (unsigned long)(c - '0');
		else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
			v = v * 16 + (unsigned long)((c | 0x20) - 'a' + 10);
		else
			break;
	}
	return digits && i < len && s[i] == ';' && v == 0x2026;
}

/* three dots in a row, one byte at a time */
static bool has_dots_bytewise(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++)
		if (s[i] == '.' && s[i + 1] == '.' && s[i + 2] == '.')
			return true;
	return false;
}

static void any_bytes(const char *in, size_t size, char *out)
{
	size_t n = paste_restore(in, size, out);

	if (n > size)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] >= 0x80 && !memchr(in, out[i], size))
			abort();
	if (!paste_suspect(in, size) && (n != size || memcmp(in, out, size)))
		abort();
	/* the one-pass scan (blocks that overlap) is the two byte-wise tests */
	if (paste_scan(in, size) != (paste_suspect_swar(in, size) ? PASTE_SUSPECT :
				     has_dots_bytewise(in, size) ? PASTE_DOTS : 0))
		abort();
	{
		char *again = malloc(size + 1);
		size_t marks[3], n_marks = 9, m, ellipses = 0;

		if (!again)
			return;
		m = paste_restore_marks(in, size, again, marks, 3, &n_marks);
		if (m != n || memcmp(again, out, n) != 0 || n_marks > 3)
			abort();
		for (size_t k = 0; k < n_marks; k++)
			if ((k && marks[k] <= marks[k - 1]) || marks[k] + 3 > n ||
			    memcmp(out + marks[k], "...", 3) != 0)
				abort();
		/*
		 * every U+2026 of the input is one, and every entity for it (a
		 * backtick wrap only drops ASCII, an entity holds no '&' within)
		 */
		for (size_t i = 0; i < size; i++)
			ellipses += (i + 3 <= size && memcmp(in + i, "\u2026", 3) == 0) ||
				    ellipsis_entity(in + i, size - i);
		if (n_marks != (ellipses < 3 ? ellipses : 3))
			abort();
		free(again);
	}
}

/* the copy of ASCII character @c, the @k-th way of those that copy it */
static const char *copy_of(char c, unsigned k)
{
	static const char *const quote[] = { "\u2019", "&#39;", "&apos;", "\u2018", "&#x2019;", "'" };
	static const char *const dquote[] = { "\u201c", "\u201d", "&quot;", "&#34;", "\"" };
	static const char *const blank[] = { "\u00a0", " \u200b", "&nbsp;", "\u202f", " " };

	switch (c) {
	case '\'': return quote[k % 6];
	case '"': return dquote[k % 5];
	case ' ': return blank[k % 5];
	case '<': return k & 1 ? "&lt;" : "<";
	case '>': return k & 1 ? "&gt;" : ">";
	case '.': return k % 3 == 0 ? "\u200b." : ".";
	default: return NULL;
	}
}

static void copied_ascii(const uint8_t *data, size_t size)
{
	/* every copy is at most 9 bytes, and the line is put between backticks */
	char *ascii = malloc(size + 1), *copy = malloc(9 * size + 3), *out = malloc(9 * size + 3);
	size_t a = 0, c = 0, n;
	bool ticks = size && (data[0] & 1);

	if (!ascii || !copy || !out)
		goto out;
	for (size_t i = 0; i < size; i++)
		if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '&' && data[i] != '`')
			ascii[a++] = (char)data[i];
	/* Markdown's backticks also take blanks at the ends: none there */
	while (ticks && a && ascii[a - 1] == ' ')
		a--;
	if (ticks && a && ascii[0] == ' ')
		ticks = false;
	if (ticks)
		copy[c++] = '`';
	for (size_t i = 0; i < a; i++) {
		const char *t = copy_of(ascii[i], data[i] >> 1);

		if (t) {
			memcpy(copy + c, t, strlen(t));
			c += strlen(t);
		} else {
			copy[c++] = ascii[i];
		}
	}
	if (ticks)
		copy[c++] = '`';
	n = paste_restore(copy, c, out);
	if (n != a || memcmp(out, ascii, a))
		abort();
out:
	free(ascii);
	free(copy);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = malloc(size ? size : 1);

	if (!out)
		return 0;
	any_bytes((const char *)data, size, out);
	free(out);
	copied_ascii(data, size);
	return 0;
}
