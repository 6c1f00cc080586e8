// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines cut short by systemd (lib/logs/kb-cut.c): the head, an unknown gap
 * and the tail matched by hand-made patterns; the guards (literal text on
 * each side), the ellipsis at the start and the end, two ellipses, an
 * ellipsis that was a forum's "...", a value across the cut, and explain
 * reading a U+2026 of a pasted line as a cut; a line's end cut with a mark
 * ("...", "[...]", "(truncated)") and a line wrapped inside a word and
 * joined back with a blank (kb-join.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"
#include "explain-repair.h"
#include "kb-cut.h"
#include "kb-join.h"

#define ENTRY(id, kind, match) \
	"id: " id "\nlayer: kernel\nkind: " kind "\ntitle: t\nsource: linux:a.c:f\n" \
	"match: " match "\nmeaning: m\ncause: c\nfix: f\n\n"

static const char kb_text[] =
	"format: 1\n\n"
	ENTRY("t.reset", "reset", "vfio-pci %slot%: cannot reset device after the bus was locked")
	ENTRY("t.bar", "bar-resource", "vfio-pci %slot%: BAR %bar%: can't reserve memory region of the device")
	ENTRY("t.probe", "binding", "probe with driver %word% failed with error %errno%")
	ENTRY("t.dots", "config", "waiting for the device... giving up after %num% tries")
	ENTRY("t.short", "config", "abcd efgh ijkl mnop qrst uvwx")
	ENTRY("t.named", "config", "the device named %word% was removed from the bus");

static struct vfd_kb *kb;

static int setup(void **state)
{
	struct vfd_parse_error err;

	(void)state;
	return vfd_kb_parse(kb_text, strlen(kb_text), &kb, &err);
}

static int teardown(void **state)
{
	(void)state;
	vfd_kb_free(kb);
	return 0;
}

/*
 * @line with "~" where systemd's ellipsis is, as the matcher gets it: each
 * "~" becomes "..." and its place a mark. The entry read, or NULL.
 */
static const char *read_cut(const char *line, struct vfd_kb_match *m)
{
	static char text[512];
	size_t marks[KB_CUT_MARKS_MAX], n = 0, o = 0;
	int r;

	for (const char *c = line; *c; c++) {
		if (*c == '~') {
			if (n < KB_CUT_MARKS_MAX)
				marks[n++] = o;
			memcpy(text + o, "...", 3);
			o += 3;
		} else {
			text[o++] = *c;
		}
	}
	text[o] = '\0';
	r = kb_match_cut(kb, text, o, marks, n, m);
	assert_true(r >= 0);
	return r == 1 ? m->entry->id : NULL;
}

static void assert_reads(const char *line, const char *id)
{
	struct vfd_kb_match m;
	const char *got = read_cut(line, &m);

	if (!id) {
		if (got)
			print_error("'%s' read as %s\n", line, got);
		assert_null(got);
		return;
	}
	if (!got || strcmp(got, id) != 0)
		print_error("'%s' read as %s, expected %s\n", line, got ? got : "nothing", id);
	assert_non_null(got);
	assert_string_equal(got, id);
	assert_true(m.cut);
}

static void head_gap_tail(void **state)
{
	(void)state;
	/* systemd's cut: most of the start, the last few characters */
	assert_reads("kernel: vfio-pci 0000:01:00.0: cannot reset dev~s locked", "t.reset");
	assert_reads("vfio-pci 0000:01:00.0: BAR 2: can't reserve mem~e device", "t.bar");
	/* the gap may hold whole words of the pattern */
	assert_reads("vfio-pci 0000:01:00.0: cannot reset~locked", "t.reset");
	/* head and tail must belong to one instance, in order */
	assert_reads("vfio-pci 0000:01:00.0: cannot reset dev~the device", NULL);
	/* the tail must be the end of the pattern's text, not any text */
	assert_reads("vfio-pci 0000:01:00.0: cannot reset dev~zzz qqq", NULL);
}

static void guards(void **state)
{
	(void)state;
	/* too little of the pattern before the cut (under KB_CUT_HEAD_MIN) */
	assert_reads("vfio-pci 0000:01:00.0: ca~s locked", NULL);
	/* twelve: "vfio-pci", ':', "can" (the slot's ':' and '.' are not the pattern's text) */
	assert_reads("vfio-pci 0000:01:00.0: can~s locked", "t.reset");
	/* a very short head: the ellipsis at the start */
	assert_reads("~ter the bus was locked", NULL);
	/* too little after it: the ellipsis at the very end needs a pattern that ends there */
	assert_reads("vfio-pci 0000:01:00.0: cannot reset device after t~", NULL);
	assert_reads("vfio-pci 0000:01:00.0: cannot reset device after t~d", NULL);
	assert_reads("vfio-pci 0000:01:00.0: cannot reset device after t~ked", "t.reset");
}

static void values_across_the_cut(void **state)
{
	struct vfd_kb_match m;

	(void)state;
	/* the name runs into the cut: only its ends are known, it is left out */
	assert_non_null(read_cut("the device named nvid~ia was removed from the bus", &m));
	assert_string_equal(m.entry->id, "t.named");
	assert_null(vfd_kb_match_value(&m, VFD_KB_WORD));
	/* an errno's text after the cut is no literal text of the pattern */
	assert_null(read_cut("nvidia 0000:02:00.0: probe with driver nvidia failed with error Inval~ment", &m));
	assert_non_null(read_cut("nvidia 0000:02:00.0: probe with driver nvidia fa~error -22", &m));
	assert_string_equal(vfd_kb_match_value(&m, VFD_KB_WORD), "nvidia");
	assert_string_equal(vfd_kb_match_value(&m, VFD_KB_ERRNO), "-22");
	/* the slot before the cut is whole and given */
	assert_non_null(read_cut("vfio-pci 0000:01:00.0: cannot reset device~s locked", &m));
	assert_string_equal(vfd_kb_match_value(&m, VFD_KB_SLOT), "0000:01:00.0");
}

static void real_dots_and_two_marks(void **state)
{
	(void)state;
	/* a "..." of the message itself, pasted as U+2026, with a cut after it */
	assert_reads("waiting for the device~ giving up af~ tries", "t.dots");
	/* (the same "..." with no cut after it: explain reads the whole line
	   first, explain_reads_a_pasted_cut) */
	/* two cuts: head, middle and tail of one instance */
	assert_reads("vfio-pci 0000:01:00.0: cannot reset de~er the~locked", "t.reset");
	/* too short a pattern on either side stays unread */
	assert_reads("abcd efgh~x", NULL);
}

/*
 * explain given the cut line @line (t.reset, read as cut) and then @dots,
 * whose "..." is the message's own (t.dots, read whole); caller frees
 */
static struct vfd_explain *cut_then_whole(const char *line, const char *dots)
{
	struct vfd_explain *ex = vfd_explain_new(kb);

	assert_non_null(ex);
	assert_int_equal(vfd_explain_feed(ex, line, strlen(line)), 1);
	assert_int_equal(vfd_explain_count(ex), 1);
	assert_string_equal(vfd_explain_problem(ex, 0)->entry->id, "t.reset");
	assert_true(vfd_explain_problem(ex, 0)->match.cut);
	assert_int_equal(vfd_explain_feed(ex, dots, strlen(dots)), 1);
	assert_int_equal(vfd_explain_count(ex), 2);
	assert_string_equal(vfd_explain_problem(ex, 1)->entry->id, "t.dots");
	assert_false(vfd_explain_problem(ex, 1)->match.cut);
	return ex;
}

static void explain_reads_a_pasted_cut(void **state)
{
	/* a forum's "..." (U+2026) in a whole message: read whole, not cut */
	(void)state;
	vfd_explain_free(cut_then_whole("Dec 05 10:00:00 host kernel: vfio-pci 0000:01:00.0: "
					"cannot reset device af\u2026us was locked",
					"Dec 05 10:00:00 host kernel: waiting for the device\u2026 "
					"giving up after 3 tries"));
}

/*
 * @msg as systemd prints it in a locale that is not UTF-8 on a terminal
 * leaving @w columns to the message (string-util.c ascii_ellipsize_mem(),
 * percent 90): its first ((w - 3) * 90 + 50) / 100 bytes, "...", the last
 * bytes that fill @w; behind @prefix
 */
static const char *ascii_cut(const char *prefix, const char *msg, size_t w)
{
	static char out[512];
	size_t len = strlen(msg), head = ((w - 3) * 90 + 50) / 100, tail = w - 3 - head;

	snprintf(out, sizeof(out), "%s%.*s...%s", prefix, (int)head, msg, msg + len - tail);
	return out;
}

static void ascii_marks(void **state)
{
	static const char msg[] = "vfio-pci 0000:01:00.0: cannot reset device after the bus was "
				  "locked by another thread of the kernel";
	size_t marks[KB_CUT_MARKS_MAX];
	const char *line;

	(void)state;
	/* systemd's cut fits at every width that cuts, with a journal prefix or none */
	for (size_t w = 40; w < sizeof(msg) - 1; w++) {
		line = ascii_cut("Dec 05 10:00:00 host kernel: ", msg, w);
		if (kb_cut_ascii_marks(line, strlen(line), marks, KB_CUT_MARKS_MAX) != 1)
			print_error("width %zu: '%s' not seen as cut\n", w, line);
		assert_int_equal(kb_cut_ascii_marks(line, strlen(line), marks, KB_CUT_MARKS_MAX), 1);
		assert_memory_equal(line + marks[0], "...", 3);
		assert_int_equal(marks[0], strlen("Dec 05 10:00:00 host kernel: ") +
				 ((w - 3) * 90 + 50) / 100);
		line = ascii_cut("", msg, w);
		assert_int_equal(kb_cut_ascii_marks(line, strlen(line), marks, KB_CUT_MARKS_MAX), 1);
	}
	/* a message's own dots: at the end, or with more text after them than a cut keeps */
	line = "Dec 05 10:00:00 host kernel: Loading compiled-in X.509 certificates...";
	assert_int_equal(kb_cut_ascii_marks(line, strlen(line), marks, KB_CUT_MARKS_MAX), 0);
	line = "Dec 05 10:00:00 host kernel: vfio-pci 0000:01:00.0: Trying to reset... done";
	assert_int_equal(kb_cut_ascii_marks(line, strlen(line), marks, KB_CUT_MARKS_MAX), 0);
	/* a dmesg line is never cut: its start is not a message's */
	line = "[    0.517589] smp: Bringing up secondary CPUs ... u258";
	assert_int_equal(kb_cut_ascii_marks(line, strlen(line), marks, KB_CUT_MARKS_MAX), 0);
	line = "[    0.517589] smp: Bringing up secondary CP...u258";
	assert_int_equal(kb_cut_ascii_marks(line, strlen(line), marks, KB_CUT_MARKS_MAX), 0);
	/* a run of four dots: the cut's three are the last (the head ended in '.') */
	line = ascii_cut("", "vfio-pci 0000:01:00.0: the bus.was locked by another thread", 37);
	assert_non_null(strstr(line, "bus....ead"));
	assert_int_equal(kb_cut_ascii_marks(line, strlen(line), marks, KB_CUT_MARKS_MAX), 1);
	assert_int_equal(marks[0], ((37 - 3) * 90 + 50) / 100);
}

static void explain_reads_an_ascii_cut(void **state)
{
	static const char msg[] = "vfio-pci 0000:01:00.0: cannot reset device after the bus was "
				  "locked";
	const char *misplaced = "Dec 05 10:00:00 host kernel: vfio-pci 0000:01:00.0: cannot "
				"reset dev...us was locked";
	struct vfd_explain *ex;

	/* the message's own "...": read whole, not cut */
	(void)state;
	ex = cut_then_whole(ascii_cut("Dec 05 10:00:00 host kernel: ", msg, 50),
			    "Dec 05 10:00:00 host kernel: waiting for the device... giving up "
			    "after 3 tries");
	/* three dots where systemd's cut would not put them: not read as a cut */
	vfd_explain_feed(ex, misplaced, strlen(misplaced));
	assert_int_equal(vfd_explain_count(ex), 2);
	vfd_explain_free(ex);
}

/* a line that lost its end with no mark (less -S): read only when told, on a long head */
static void chopped_lines(void **state)
{
	const char *line = "Dec 05 10:00:00 host kernel: vfio-pci 0000:01:00.0: cannot reset "
			   "device after the b";
	const char *short_head = "Dec 05 10:00:00 host kernel: vfio-pci 0000:01:00.0: cannot "
				 "reset de";
	struct vfd_kb_match m;
	struct vfd_explain *ex;

	(void)state;
	assert_int_equal(kb_match_chopped(kb, line, strlen(line), &m), 1);
	assert_string_equal(m.entry->id, "t.reset");
	assert_true(m.cut);
	assert_true(m.chopped);
	assert_true(m.end <= strlen(line));
	assert_string_equal(vfd_kb_match_value(&m, VFD_KB_SLOT), "0000:01:00.0");
	/* under KB_CUT_CHOP_HEAD_MIN literal characters: not read */
	assert_int_equal(kb_match_chopped(kb, short_head, strlen(short_head), &m), 0);
	/* explain: only when lines may be chopped */
	ex = vfd_explain_new(kb);
	assert_non_null(ex);
	/* not understood (a line about passthrough that no entry reads) */
	assert_int_equal(vfd_explain_feed(ex, line, strlen(line)), 3);
	assert_int_equal(vfd_explain_count(ex), 0);
	vfd_explain_set_chopped(ex, true);
	assert_int_equal(vfd_explain_feed(ex, line, strlen(line)), 1);
	assert_int_equal(vfd_explain_count(ex), 1);
	assert_true(vfd_explain_problem(ex, 0)->match.chopped);
	/* a line an entry reads as it is keeps that reading */
	assert_int_equal(vfd_explain_feed(ex, "waiting for the device... giving up after 3 tries",
					  49), 1);
	assert_false(vfd_explain_problem(ex, 1)->match.cut);
	vfd_explain_free(ex);
}

/* the marks a copy leaves at a cut end, and what is not one */
static void end_marks(void **state)
{
	static const char head[] = "vfio-pci 0000:01:00.0: cannot reset dev";
	static const struct {
		const char *line;
		size_t head;
	} cases[] = {
		{ "vfio-pci 0000:01:00.0: cannot reset dev...", 39 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev\xe2\x80\xa6", 39 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev [...]", 39 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev [\xe2\x80\xa6]  ", 39 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev (truncated)", 39 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev [truncated]", 39 },
		/* a run of dots, no mark, too short a line */
		{ "vfio-pci 0000:01:00.0: cannot reset dev....", 0 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev", 0 },
		{ "Loading vfio module...", 0 },
		{ "...", 0 },
		/* ends that are no mark, tested before the marks are (explain-repair.h) */
		{ "vfio-pci 0000:01:00.0: cannot reset dev.", 0 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev..", 0 },
		{ "vfio-pci 0000:01:00.0: BAR 0 (64 bytes)", 0 },
		{ "vfio-pci 0000:01:00.0: BAR 0 [mem 0x1000]", 0 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev [..]", 0 },
		{ "vfio-pci 0000:01:00.0: cannot reset dev\t...\r", 39 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].line), got = kb_cut_end_mark(cases[i].line, len);

		if (got != cases[i].head)
			print_error("'%s': %zu, expected %zu\n", cases[i].line, got, cases[i].head);
		assert_int_equal(got, cases[i].head);
		/* the inline test lets every marked line through */
		assert_int_equal(explain_may_end_cut(cases[i].line, len), got != 0);
	}
	assert_int_equal(strlen(head), 39);
}

/* a line cut at its end with a mark: read from its start, on a head of KB_CUT_END_HEAD_MIN */
static void end_cut_lines(void **state)
{
	const char *line = "vfio-pci 0000:01:00.0: cannot reset device af...";
	const char *short_head = "kernel: host vfio-pci 0000:01:00.0: cannot r...";
	const char *own_dots = "waiting for the device... giving up after 3 tries...";
	struct vfd_kb_match m;
	struct vfd_explain *ex;

	(void)state;
	assert_int_equal(kb_match_end_cut(kb, line, strlen(line), 0, &m), 1);
	assert_string_equal(m.entry->id, "t.reset");
	assert_true(m.cut);
	assert_true(m.end_cut);
	assert_false(m.chopped);
	assert_string_equal(vfd_kb_match_value(&m, VFD_KB_SLOT), "0000:01:00.0");
	/* under KB_CUT_END_HEAD_MIN literal characters ("vfio-pci", ':', "cannot r"): not read */
	assert_int_equal(kb_match_end_cut(kb, short_head, strlen(short_head), 0, &m), 0);
	/* a dedicated entry's reading of the whole line stands */
	assert_int_equal(vfd_kb_match(kb, own_dots, strlen(own_dots), &m), 1);
	assert_int_equal(kb_match_end_cut(kb, own_dots, strlen(own_dots), 1, &m), 1);
	assert_false(m.end_cut);
	/* explain reads it and says so; a cut line in U+2026 as a pasted one */
	ex = vfd_explain_new(kb);
	assert_non_null(ex);
	assert_int_equal(vfd_explain_feed(ex, line, strlen(line)), 1);
	assert_true(vfd_explain_problem(ex, 0)->match.end_cut);
	line = "vfio-pci 0000:02:00.0: BAR 2: can't reserve memory reg\xe2\x80\xa6";
	assert_int_equal(vfd_explain_feed(ex, line, strlen(line)), 1);
	assert_string_equal(vfd_explain_problem(ex, 1)->entry->id, "t.bar");
	assert_true(vfd_explain_problem(ex, 1)->match.end_cut);
	vfd_explain_free(ex);
}

/* a line wrapped inside a word and joined back with a blank */
static void joined_lines(void **state)
{
	const char *line = "vfio-pci 0000:01:00.0: cannot reset device aft er the bus was locked";
	char out[128];
	struct vfd_kb_match m;
	struct vfd_explain *ex;
	int r = 0;

	(void)state;
	assert_int_equal(kb_match_joined(kb, line, strlen(line), &r, &m, out), strlen(line) - 1);
	assert_int_equal(r, 1);
	assert_string_equal(m.entry->id, "t.reset");
	assert_true(m.joined);
	assert_memory_equal(out, "vfio-pci 0000:01:00.0: cannot reset device after the", 52);
	/* the join inside a value (a %word% may be any text): not read */
	line = "Dec 05 10:00:00 host kernel: the device named fo o was removed from the bus";
	r = 0;
	assert_int_equal(kb_match_joined(kb, line, strlen(line), &r, &m, out), 0);
	assert_int_equal(r, 0);
	/* the join inside the pattern's own words: read */
	line = "Dec 05 10:00:00 host kernel: the device named foo was rem oved from the bus";
	assert_int_equal(kb_match_joined(kb, line, strlen(line), &r, &m, out), strlen(line) - 1);
	assert_string_equal(m.entry->id, "t.named");
	/* a blank before KB_JOIN_COLUMN_MIN: no wrap falls there */
	line = "vfio-pci 0000:01:00.0: can not reset device after the bus was locked";
	r = 0;
	assert_int_equal(kb_match_joined(kb, line, strlen(line), &r, &m, out), 0);
	/* two blanks: a break at a word boundary, not a join */
	line = "vfio-pci 0000:01:00.0: cannot reset  device after the bus was locked";
	r = 0;
	assert_int_equal(kb_match_joined(kb, line, strlen(line), &r, &m, out), 0);
	/* explain: the joined line is the one shown */
	line = "vfio-pci 0000:01:00.0: cannot reset device after the b us was locked";
	ex = vfd_explain_new(kb);
	assert_non_null(ex);
	assert_int_equal(vfd_explain_feed(ex, line, strlen(line)), 1);
	assert_true(vfd_explain_problem(ex, 0)->match.joined);
	assert_string_equal(vfd_explain_problem(ex, 0)->line,
			    "vfio-pci 0000:01:00.0: cannot reset device after the bus was locked");
	vfd_explain_free(ex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(head_gap_tail),
		cmocka_unit_test(guards),
		cmocka_unit_test(ascii_marks),
		cmocka_unit_test(explain_reads_an_ascii_cut),
		cmocka_unit_test(chopped_lines),
		cmocka_unit_test(values_across_the_cut),
		cmocka_unit_test(real_dots_and_two_marks),
		cmocka_unit_test(explain_reads_a_pasted_cut),
		cmocka_unit_test(end_marks),
		cmocka_unit_test(end_cut_lines),
		cmocka_unit_test(joined_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
