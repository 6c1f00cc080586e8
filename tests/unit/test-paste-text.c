// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A pasted line read back as printed (lib/logs/paste-text.c): the copies'
 * characters and escapes each, what must be kept as it is (other UTF-8,
 * broken or overlong sequences, an '&' that starts no entity, a backtick
 * inside the line), the word-at-a-time test at every offset, and explain
 * reading a forum's copy of a line as the line itself.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"
#include "paste-text.h"

static void assert_restores(const char *pasted, const char *printed)
{
	size_t len = strlen(pasted), n;
	char *out = malloc(len + 1);

	assert_non_null(out);
	n = paste_restore(pasted, len, out);
	assert_true(n <= len);
	out[n] = '\0';
	if (strcmp(out, printed))
		print_error("'%s' read back as '%s', expected '%s'\n", pasted, out, printed);
	assert_string_equal(out, printed);
	free(out);
}

static void typographic_characters(void **state)
{
	(void)state;
	assert_restores("BAR 0: can\u2019t reserve", "BAR 0: can't reserve");
	assert_restores("\u2018PA\u2019 IOVA mode", "'PA' IOVA mode");
	assert_restores("Property \u201cvfio-pci.x-vga\u201d not found", "Property \"vfio-pci.x-vga\" not found");
	assert_restores("\u201eq\u201f \u2032x\u2033", "\"q\" 'x\"");
	assert_restores("a \u2013 b \u2014dry-run \u2212 1", "a - b -dry-run - 1");
	assert_restores("waiting\u2026", "waiting...");
	assert_restores("group\u00a07\u202fis\u2009not", "group 7 is not");
	assert_restores("\ufeffvfio\u200b-pci\u00ad \u2060x", "vfio-pci x");
}

static void html_escapes(void **state)
{
	(void)state;
	assert_restores("can&#39;t &quot;x&quot; &lt;3&gt; a&amp;b", "can't \"x\" <3> a&b");
	assert_restores("&apos;q&apos; &#x27;r&#X27; &#8217;s&#8217;", "'q' 'r' 's'");
	assert_restores("&rsquo;&lsquo;&rdquo;&ldquo;&ndash;&mdash;&hellip;&nbsp;", "''\"\"--... ");
	/* one level only: a text escaped twice keeps its second escape */
	assert_restores("&amp;lt;", "&lt;");
	/* no entity: kept as it is */
	assert_restores("a & b &c; &#; &#x; &#65 &#1234567; &#1; &#x110000;",
			"a & b &c; &#; &#x; &#65 &#1234567; &#1; &#x110000;");
	assert_restores("&", "&");
	assert_restores("&#", "&#");
	assert_restores("&#6", "&#6");
}

/* U+2026 as such and as HTML's entities is a mark (a place systemd may have cut) */
static void ellipsis_marks(void **state)
{
	static const char *const lines[] = {
		"cannot reset dev\u2026us was locked", "cannot reset dev&hellip;us was locked",
		"cannot reset dev&#8230;us was locked", "cannot reset dev&#x2026;us was locked",
	};
	size_t marks[4], n;
	char out[128];

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		n = 9;
		assert_int_equal(paste_restore_marks(lines[i], strlen(lines[i]), out, marks, 4, &n),
				 strlen("cannot reset dev...us was locked"));
		assert_int_equal(n, 1);
		assert_int_equal(marks[0], strlen("cannot reset dev"));
	}
	/* three ASCII dots, and other entities, are no marks here */
	n = 9;
	paste_restore_marks("a...b &amp; &#8217; &mdash;", 27, out, marks, 4, &n);
	assert_int_equal(n, 0);
}

static void kept_as_it_is(void **state)
{
	(void)state;
	/* other UTF-8: a sensor's degree sign, a name, CJK */
	assert_restores("temp 45\u00b0C M\u00fcller \u6e29\u5ea6", "temp 45\u00b0C M\u00fcller \u6e29\u5ea6");
	/* broken, cut and overlong sequences are bytes, not characters */
	assert_restores("a\xe2\x80", "a\xe2\x80");
	assert_restores("a\xe2\x80x\x99", "a\xe2\x80x\x99");
	assert_restores("\xc0\xa7 \xe0\x80\xa7 \xff", "\xc0\xa7 \xe0\x80\xa7 \xff");
	/* mkinitcpio quotes a module as `name': not Markdown */
	assert_restores("==> ERROR: module not found: `nvidia'", "==> ERROR: module not found: `nvidia'");
	assert_restores("`", "`");
	assert_restores("", "");
}

static void markdown_inline_code(void **state)
{
	(void)state;
	assert_restores("`vfio-pci 0000:01:00.0: BAR 0: can't reserve`",
			"vfio-pci 0000:01:00.0: BAR 0: can't reserve");
	assert_restores("  ```DMAR: DRHD: handling fault```  ", "DMAR: DRHD: handling fault");
	assert_restores("``", "");
}

static bool suspect_sse(const char *s, size_t len)
{
	return paste_suspect(s, len);
}

/* both tests, at every offset of every length across their blocks of 16 and 8 */
static void suspect_at_every_offset(void **state)
{
	static const char *const marks[] = { "\xe2", "&", "`", "\xc2", "\x80" };
	bool (*const suspect[])(const char *, size_t) = { suspect_sse, paste_suspect_swar };
	char line[70];

	(void)state;
	for (size_t f = 0; f < 2; f++)
		for (size_t len = 0; len < sizeof(line); len++) {
			memset(line, 'a', sizeof(line));
			assert_false(suspect[f](line, len));
			for (size_t at = 0; at < len; at++)
				for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
					memset(line, 'a', sizeof(line));
					line[at] = marks[k][0];
					assert_true(suspect[f](line, len));
					/* a mark past the end is not in the line */
					assert_false(suspect[f](line, at));
				}
		}
	/* bytes near the marks in value are not marks */
	assert_false(paste_suspect("%'a_@~\x7f\x25\x27\x5f\x61%'a_@~\x7f", 17));
	assert_false(paste_suspect_swar("%'a_@~\x7f\x25\x27\x5f\x61", 11));
}

/* three dots in a row, one byte at a time */
static bool dots_bytewise(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++)
		if (s[i] == '.' && s[i + 1] == '.' && s[i + 2] == '.')
			return true;
	return false;
}

/* paste_scan()'s answer as the two tests it stands for give it */
static unsigned int scan_bytewise(const char *s, size_t len)
{
	if (paste_suspect_swar(s, len))
		return PASTE_SUSPECT;
	return dots_bytewise(s, len) ? PASTE_DOTS : 0;
}

/*
 * paste_scan() (blocks of 32 and 16 that overlap) against the byte-wise
 * tests: runs of one to four dots and a mark at every offset of every length
 * up to past three blocks, then random lines of dots, marks and letters
 */
static void scan_at_every_offset(void **state)
{
	static const char marks[] = { 'a', '\\', '&', '`', '\xc3' };
	char line[112];
	uint32_t x = 2463534242u;
	unsigned int seen[3] = { 0 };

	(void)state;
	for (size_t len = 0; len <= sizeof(line); len++)
		for (size_t at = 0; at < len; at++)
			for (size_t run = 1; run <= 4 && at + run <= len; run++)
				for (size_t k = 0; k < sizeof(marks); k++) {
					memset(line, 'a', sizeof(line));
					memset(line + at, '.', run);
					line[(at * 7 + run) % len] = marks[k];
					assert_int_equal(paste_scan(line, len), scan_bytewise(line, len));
				}
	for (int t = 0; t < 200000; t++) {
		size_t len;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		len = x % sizeof(line);
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			line[i] = x % 256 ? (x % 3 ? '.' : 'a') : marks[(x >> 8) % sizeof(marks)];
		}
		seen[scan_bytewise(line, len)]++;
		assert_int_equal(paste_scan(line, len), scan_bytewise(line, len));
	}
	/* every answer among them */
	assert_true(seen[0] && seen[PASTE_SUSPECT] && seen[PASTE_DOTS]);
}

/* explain reads a forum's copy of a line as the line itself */
static void explain_reads_a_copy(void **state)
{
	static const char *const lines[] = {
		"vfio-pci 0000:01:00.0: BAR 0: can't reserve [mem 0xe0000000-0xefffffff 64bit pref]",
		"vfio-pci 0000:01:00.0: BAR 0: can\u2019t reserve [mem 0xe0000000-0xefffffff 64bit pref]",
		"vfio-pci 0000:01:00.0: BAR 0: can&#39;t reserve [mem 0xe0000000-0xefffffff 64bit pref]",
		"`vfio-pci\u00a00000:01:00.0: BAR 0: can\u2019t reserve [mem 0xe0000000-0xefffffff 64bit pref]`",
	};
	struct vfd_parse_error err;
	struct vfd_kb *kb;
	const char *want = NULL;

	(void)state;
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct vfd_explain *ex = vfd_explain_new(kb);
		const struct vfd_problem *p;

		assert_non_null(ex);
		assert_true(vfd_explain_feed(ex, lines[i], strlen(lines[i])) >= 0);
		assert_int_equal(vfd_explain_count(ex), 1);
		p = vfd_explain_problem(ex, 0);
		if (!want)
			want = p->entry->id;
		assert_string_equal(p->entry->id, want);
		/* the problem quotes the line as read */
		assert_null(strstr(p->line, "\u2019"));
		assert_null(strstr(p->line, "&#39;"));
		vfd_explain_free(ex);
	}
	vfd_kb_free(kb);
}

/* the gate of the translated-message reader: letters of other scripts, not symbols */
static void letters_of_other_scripts(void **state)
{
	static const char *const with[] = {
		"Fehler: Angeforderte Operation ist nicht g\u00fcltig",
		"\u043e\u0448\u0438\u0431\u043a\u0430: PCI",		/* Cyrillic */
		"\u30a8\u30e9\u30fc: PCI \u30c7\u30d0\u30a4\u30b9",	/* kana */
		"\u9519\u8bef", "\uc624\ub958", "\u00c9chec",
	};
	static const char *const without[] = {
		"plain ASCII: Device or resource busy",
		"\u25cf vfio-bind.service - Bind devices",	/* systemd's bullet */
		"\u2514\u2500 01:00.0 \u2192 vfio-pci \u00b7 \u00a9 \u00d7 \u2122",
		"\xc3", "\xe4\xb8", "\xc0\xa0 overlong", "\xe0\x80\x80",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		assert_true(paste_has_letter(with[i], strlen(with[i])));
	for (size_t i = 0; i < sizeof(without) / sizeof(without[0]); i++)
		assert_false(paste_has_letter(without[i], strlen(without[i])));
	/* a letter cut at the end of the buffer is not read past it */
	assert_false(paste_has_letter("\u00fc", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typographic_characters),
		cmocka_unit_test(html_escapes),
		cmocka_unit_test(ellipsis_marks),
		cmocka_unit_test(kept_as_it_is),
		cmocka_unit_test(markdown_inline_code),
		cmocka_unit_test(suspect_at_every_offset),
		cmocka_unit_test(scan_at_every_offset),
		cmocka_unit_test(explain_reads_a_copy),
		cmocka_unit_test(letters_of_other_scripts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
