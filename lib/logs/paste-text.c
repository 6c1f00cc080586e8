// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a pasted line back into the bytes its program printed. The forms
 * come from what copying does to text, not from any one source:
 *   - word processors, forum software and chat clients "smarten" quotes
 *     (U+2018/2019 for ', U+201C/201D for "), dashes (U+2013/2014 for - and
 *     --), three dots (U+2026) and blanks (U+00A0 no-break space, U+202F);
 *   - copying from a rendered page brings invisible marks along (U+200B
 *     zero width space, U+2060 word joiner, U+FEFF, the soft hyphen);
 *   - text taken from a page's source or a mail archive keeps HTML's
 *     escapes (&#39; &quot; &gt; ...);
 *   - Markdown's inline code puts a whole line between backticks.
 * An apostrophe in "can't reserve" is part of the literal the knowledge base
 * looks for: without this, such a line fell to a broad family or to nothing.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kb-cut.h"
#include "kb-word.h"
#include "paste-text.h"

/*
 * the first byte from @i on that is over 0x7f or (with @amp) an '&', or
 * @len: every other byte is kept as it is, so runs of them are skipped
 * sixteen at a time (a systemd unit's "\x2d" sends a boot log's lines here)
 */
static size_t next_special(const unsigned char *u, size_t i, size_t len, bool amp)
{
#if defined(__SSE2__)
	const __m128i a = _mm_set1_epi8('&');

	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
		int m = _mm_movemask_epi8(amp ? _mm_or_si128(v, _mm_cmpeq_epi8(v, a)) : v);

		if (m)
			return i + (size_t)__builtin_ctz((unsigned int)m);
	}
#endif
	while (i < len && u[i] < 0x80 && !(amp && u[i] == '&'))
		i++;
	return i;
}

bool paste_suspect_swar(const char *s, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t w, hit = 0;
	size_t i = 0;

	/* a byte equal to c: the classic "has a zero byte" test on w ^ c */
#define HAS_BYTE(w, c) ((((w) ^ ones * (c)) - ones) & ~((w) ^ ones * (c)))
	for (; i + 8 <= len && !hit; i += 8) {
		memcpy(&w, s + i, 8);
		hit = (w | HAS_BYTE(w, '&') | HAS_BYTE(w, '`') | HAS_BYTE(w, '\\')) & highs;
	}
	if (!hit && i < len) {
		w = 0;		/* zeros are neither high, '&', '`' nor '\\' */
		memcpy(&w, s + i, len - i);
		hit = (w | HAS_BYTE(w, '&') | HAS_BYTE(w, '`') | HAS_BYTE(w, '\\')) & highs;
	}
#undef HAS_BYTE
	return hit != 0;
}

#if defined(__SSE2__)
/*
 * paste_scan() of @s, @len 16 or more: blocks of sixteen 14 bytes apart, so
 * that each run of three dots lies whole in one of them (kb_has_dots()); a
 * byte seen twice changes neither answer
 */
static unsigned int scan_sse2(const char *s, size_t len)
{
	const __m128i amp = _mm_set1_epi8('&'), tick = _mm_set1_epi8('`');
	const __m128i bs = _mm_set1_epi8('\\'), dot = _mm_set1_epi8('.');
	unsigned int dots = 0, d;

	for (size_t i = 0;; i += 14) {
		__m128i v;

		if (i + 16 > len)
			i = len - 16;
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(v, _mm_cmpeq_epi8(v, bs)),
						   _mm_or_si128(_mm_cmpeq_epi8(v, amp),
								_mm_cmpeq_epi8(v, tick)))))
			return PASTE_SUSPECT;
		d = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, dot));
		dots |= d & (d >> 1) & (d >> 2);
		if (i + 16 == len)
			return dots ? PASTE_DOTS : 0;
	}
}
#endif

#ifdef KB_WORD_AVX2
#include <immintrin.h>

/* scan_sse2() 32 bytes a block, 30 apart; @len 32 or more */
static __attribute__((target("avx2"))) unsigned int scan_avx2(const char *s, size_t len)
{
	const __m256i amp = _mm256_set1_epi8('&'), tick = _mm256_set1_epi8('`');
	const __m256i bs = _mm256_set1_epi8('\\'), dot = _mm256_set1_epi8('.');
	uint32_t dots = 0, d;

	for (size_t i = 0;; i += 30) {
		__m256i v;

		if (i + 32 > len)
			i = len - 32;
		v = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
		if (_mm256_movemask_epi8(_mm256_or_si256(
			    _mm256_or_si256(v, _mm256_cmpeq_epi8(v, bs)),
			    _mm256_or_si256(_mm256_cmpeq_epi8(v, amp), _mm256_cmpeq_epi8(v, tick)))))
			return PASTE_SUSPECT;
		d = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, dot));
		dots |= d & (d >> 1) & (d >> 2);
		if (i + 32 == len)
			return dots ? PASTE_DOTS : 0;
	}
}
#endif

unsigned int paste_scan(const char *s, size_t len)
{
#ifdef KB_WORD_AVX2
	if (len >= 32 && kb_have_avx2())
		return scan_avx2(s, len);
#endif
#if defined(__SSE2__)
	if (len >= 16)
		return scan_sse2(s, len);
#endif
	if (paste_suspect_swar(s, len))
		return PASTE_SUSPECT;
	return kb_has_dots(s, len) ? PASTE_DOTS : 0;
}

/*
 * what a code point reads as: its ASCII text into @buf (empty to drop it)
 * and its length, or -1 to keep the bytes that spelled it
 */
static int ascii_of(unsigned int cp, char buf[4])
{
	const char *text;

	if (cp >= 0x20 && cp < 0x7f) {
		buf[0] = (char)cp;
		return 1;
	}
	switch (cp) {
	case 0x00a0: case 0x2002: case 0x2003: case 0x2004: case 0x2005: case 0x2006:
	case 0x2007: case 0x2008: case 0x2009: case 0x200a: case 0x202f: case 0x205f:
	case 0x3000:
		text = " ";
		break;
	case 0x00ad: case 0x200b: case 0x200c: case 0x200d: case 0x200e: case 0x200f:
	case 0x2060: case 0xfeff:
		text = "";
		break;
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
	case 0x2212:
		text = "-";
		break;
	case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032:
		text = "'";
		break;
	case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
		text = "\"";
		break;
	case 0x2026:
		text = "...";
		break;
	default:
		return -1;
	}
	memcpy(buf, text, strlen(text));
	return (int)strlen(text);
}

/* the code point of a well-formed UTF-8 sequence at @s and its length, or 0 */
static size_t utf8_at(const unsigned char *s, size_t len, unsigned int *cp)
{
	size_t n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, *cp = s[0] & 0x0f;
	else
		return 0;	/* ASCII, a stray byte, or beyond the planes we map */
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms are not the characters they would spell */
	if (n == 3 && *cp < 0x800)
		return 0;
	return n;
}

/*
 * HTML's entity at @s ('&'): its length, what it reads as in @buf and @n,
 * the code point it names in @cp_out (U+2026 for "&hellip;"; 0 for the
 * other names), or 0
 */
static size_t entity_at(const char *s, size_t len, char buf[4], int *n_out, unsigned int *cp_out)
{
	static const struct { const char *name; const char *text; } names[] = {
		{ "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" }, { "quot;", "\"" },
		{ "apos;", "'" }, { "nbsp;", " " }, { "lsquo;", "'" }, { "rsquo;", "'" },
		{ "ldquo;", "\"" }, { "rdquo;", "\"" }, { "ndash;", "-" }, { "mdash;", "-" },
		{ "hellip;", "..." },
	};
	unsigned int cp = 0;
	size_t i = 1, digits = 0;
	bool hex;

	if (len > 1 && s[1] != '#') {
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			size_t n = strlen(names[k].name);

			if (len - 1 >= n && memcmp(s + 1, names[k].name, n) == 0) {
				*n_out = (int)strlen(names[k].text);
				memcpy(buf, names[k].text, (size_t)*n_out);
				*cp_out = strcmp(names[k].name, "hellip;") ? 0 : 0x2026;
				return n + 1;
			}
		}
		return 0;
	}
	i = 2;
	hex = i < len && (s[i] == 'x' || s[i] == 'X');
	i += hex;
	for (; i < len && digits < 6; i++, digits++) {
		unsigned char c = (unsigned char)s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		cp = cp * (hex ? 16 : 10) + d;
	}
	if (!digits || i >= len || s[i] != ';')
		return 0;
	*n_out = ascii_of(cp, buf);
	*cp_out = cp;
	return *n_out >= 0 ? i + 1 : 0;
}

/* the span inside a line wrapped in backticks (Markdown's inline code) */
static void unwrap_backticks(const char *s, size_t *start, size_t *end)
{
	size_t b = *start, e = *end;

	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e - b < 2 || s[b] != '`' || s[e - 1] != '`')
		return;
	while (b < e && s[b] == '`')
		b++;
	while (e > b && s[e - 1] == '`')
		e--;
	*start = b;
	*end = e;
}

/*
 * a letter of the scripts messages are translated into: Latin with its
 * accents, Greek, Cyrillic, Armenian, Hebrew, Arabic, Thai, Georgian,
 * Hangul, kana and the CJK ideographs. The symbols around them (U+00A0 to
 * U+00BF, the multiplication and division signs, U+2000 to U+2BFF:
 * punctuation, arrows, box drawing, systemd's bullet) are not
 */
static bool is_script_letter(unsigned int cp)
{
	static const struct { unsigned int first, last; } letters[] = {
		{ 0x00c0, 0x00d6 }, { 0x00d8, 0x00f6 }, { 0x00f8, 0x024f },
		{ 0x0370, 0x052f }, { 0x0531, 0x058f }, { 0x0590, 0x06ff },
		{ 0x0e00, 0x0e7f }, { 0x10a0, 0x11ff }, { 0x1e00, 0x1fff },
		{ 0x3040, 0x30ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
		{ 0xac00, 0xd7af },
	};

	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (cp >= letters[i].first && cp <= letters[i].last)
			return true;
	return false;
}

bool paste_has_letter(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned int cp;
	size_t n;

	for (size_t i = 0; i < len; i++) {
		i = next_special(u, i, len, false);
		if (i == len)
			break;
		n = utf8_at(u + i, len - i, &cp);
		if (n && is_script_letter(cp))
			return true;
		if (n)
			i += n - 1;
	}
	return false;
}

size_t paste_restore(const char *s, size_t len, char *out)
{
	return paste_restore_marks(s, len, out, NULL, 0, NULL);
}

size_t paste_restore_marks(const char *s, size_t len, char *out, size_t *marks, size_t max,
			   size_t *n_marks)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, end = len, o = 0;

	if (n_marks)
		*n_marks = 0;

	unwrap_backticks(s, &i, &end);
	while (i < end) {
		char text[4];
		unsigned int cp;
		size_t n = 0, j = next_special(u, i, end, true);
		int t = -1;

		/* memmove(): @out may be @s itself */
		memmove(out + o, s + i, j - i);
		o += j - i;
		i = j;
		if (i == end)
			break;
		cp = 0;
		if (u[i] >= 0x80) {
			n = utf8_at(u + i, end - i, &cp);
			if (n)
				t = ascii_of(cp, text);
		} else if (u[i] == '&') {
			n = entity_at(s + i, end - i, text, &t, &cp);
		}
		if (!n || t < 0) {
			out[o++] = s[i++];
			continue;
		}
		/*
		 * U+2026, as such or as HTML's &hellip; &#8230; &#x2026; (a page's
		 * source): where systemd cut a line (kb-cut.h), or a forum's "..."
		 */
		if (cp == 0x2026 && marks && *n_marks < max)
			marks[(*n_marks)++] = o;
		/* every replacement is no longer than what it replaces */
		memcpy(out + o, text, (size_t)t);
		o += (size_t)t;
		i += n;
	}
	return o;
}
