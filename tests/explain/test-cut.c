// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: a message still reads right when systemd shortened it to the
 * terminal's width. Every line of a set in the threads.tsv format (the
 * development set) or the binaries.tsv format is read bare, then as the
 * journal line `systemctl status` (without a pager) or `journalctl
 * --no-full` prints on a terminal of 80, 100 and 120 columns: behind
 * "Dec 05 10:00:00 host kernel: " and cut the way systemd 252 cuts it
 * (src/shared/logs-show.c print_multiline(), src/basic/string-util.c
 * ascii_ellipsize_mem() and ellipsize_mem(); README of tests/explain/dev,
 * "Tenth round, cut lines"):
 *   - the message gets the columns the prefix leaves (W); when it does not
 *     fit (prefix + length + 1 >= columns), it keeps the first
 *     ((W - 1) * 90 + 50) / 100 bytes, then U+2026, then the last bytes
 *     that fill the W columns; a message of 299 bytes or more keeps its
 *     first W - 1 and the ellipsis ends the line (systemd cuts such a
 *     message at its end, percent 100);
 *   - in a locale that is not UTF-8 (src/basic/locale-util.c
 *     is_locale_utf8(): LANG, LC_ALL or LC_CTYPE set to a locale whose
 *     codeset is not UTF-8, "C" included; or SYSTEMD_UTF8=0) the ellipsis is
 *     "...", three columns: the first ((W - 3) * 90 + 50) / 100 bytes, "...",
 *     the last bytes that fill W. The lines with a byte beyond ASCII are
 *     left out there (systemd cuts those by another rule);
 *   - chopped by a pager (less -S: the first @columns characters of the
 *     journal line, no mark at all), read with vfd_explain_set_chopped()
 *     as `explain --chopped` reads it.
 * Each cut line's reading is counted: kept (the bare reading's entry),
 * lost (no problem or harmless reading, or only a wrapper's), or changed
 * (another entry of another kind, by the cut reading of kb-cut.c: a wrong
 * reading; a family that reads the text left before the cut, as it did
 * before lines were read as cut, is counted apart). More than one changed
 * reading in a hundred cut lines fails the test (those measured differ only
 * in the lost text: "probe with drive…or -121" is vfio-pci's or amdgpu's);
 * so does a kept count under the floor measured for each width.
 * The held-out sets are never given to it (tests/explain/heldout/README.md).
 *
 * usage: test-cut SET.tsv...
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "tap-result.h"
#include "set-lines.h"

#define LINE_MAX_TEST 4096

static const char journal_prefix[] = "Dec 05 10:00:00 host kernel: ";

/*
 * terminal widths and the ellipsis (U+2026, or "..." in a locale that is not
 * UTF-8), and the fewest readings each must keep (tests/explain/dev/README.md)
 */
enum cut_mark { MARK_ELLIPSIS, MARK_DOTS, MARK_NONE };

static const char *const mark_names[] = { "U+2026", "\"...\"", "chopped" };

static const struct {
	unsigned int columns;
	enum cut_mark mark;
	unsigned int kept_floor;
} widths[] = {
	{ 80, MARK_ELLIPSIS, 320 },
	{ 100, MARK_ELLIPSIS, 415 },
	{ 120, MARK_ELLIPSIS, 305 },
	{ 80, MARK_DOTS, 265 },
	{ 100, MARK_DOTS, 340 },
	{ 120, MARK_DOTS, 240 },
	{ 80, MARK_NONE, 260 },
	{ 100, MARK_NONE, 350 },
	{ 120, MARK_NONE, 245 },
};

/* the bytes of the first @cols characters of UTF-8 @s (each one column) */
static size_t bytes_of_cols(const char *s, size_t len, size_t cols)
{
	size_t i = 0;

	for (size_t c = 0; c < cols && i < len; c++)
		do
			i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80);
	return i;
}

static size_t cols_of(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/*
 * @msg behind the journal's prefix as systemd prints it on @columns
 * columns (a UTF-8 locale, or one that is not: @ascii) into @out; false
 * when it fits (nothing is cut) or, in a locale that is not UTF-8, when
 * it has a byte beyond ASCII
 */
static bool systemd_cut(const char *msg, unsigned int columns, bool ascii, char *out,
			size_t size)
{
	size_t len = strlen(msg), prefix = strlen(journal_prefix), cols = cols_of(msg, len);
	size_t w = columns - prefix, head, tail, hb, tb;
	size_t need = ascii ? 3 : 1;	/* the ellipsis's columns */
	bool tail_line = len + 1 >= 300;

	if (prefix + cols + 1 < columns && !tail_line)
		return false;
	if (cols <= w || (ascii && cols != len))
		return false;
	head = tail_line ? w - need : ((w - need) * 90 + 50) / 100;
	tail = w - need - head;
	hb = bytes_of_cols(msg, len, head);
	/* the last @tail characters */
	tb = len - bytes_of_cols(msg, len, cols - tail);
	snprintf(out, size, "%s%.*s%s%.*s", journal_prefix, (int)hb, msg,
		 ascii ? "..." : "\u2026", (int)tb, msg + len - tb);
	return true;
}

/* the journal line of @msg as less -S shows it on @columns columns; false when it fits */
static bool pager_chop(const char *msg, unsigned int columns, char *out, size_t size)
{
	size_t len = strlen(msg), prefix = strlen(journal_prefix);

	if (prefix + cols_of(msg, len) <= columns)
		return false;
	snprintf(out, size, "%s%.*s", journal_prefix, (int)bytes_of_cols(msg, len, columns - prefix),
		 msg);
	return true;
}

struct reading {
	bool any;		/* a problem or harmless reading by a non-wrapper */
	bool cut;		/* read from a shortened line */
	bool harmless;
	char id[96];
	char kind[32];
};

static int read_line(struct vfd_kb *kb, const char *line, bool chopped, struct reading *out)
{
	struct vfd_explain *ex = vfd_explain_new(kb);
	int r;

	memset(out, 0, sizeof(*out));
	if (!ex)
		return -1;
	vfd_explain_set_chopped(ex, chopped);
	r = vfd_explain_feed(ex, line, strlen(line));
	if (r >= 0 && vfd_explain_count(ex) > 0) {
		const struct vfd_problem *p = vfd_explain_problem(ex, 0);

		out->any = !p->entry->wrapper;
		out->cut = p->match.cut;
		out->harmless = p->entry->harmless;
		snprintf(out->kind, sizeof(out->kind), "%s", p->kind ? p->kind : p->entry->kind);
		snprintf(out->id, sizeof(out->id), "%s", p->entry->id);
	}
	vfd_explain_free(ex);
	return r < 0 ? -1 : 0;
}

struct counts {
	unsigned int cut, kept, same_kind, lost, changed, changed_whole, flagged;
};

static struct counts totals[sizeof(widths) / sizeof(widths[0])];

static void check_set(struct vfd_kb *kb, const char *path, bool verbose)
{
	struct set_lines set;
	char text[LINE_MAX_TEST], *line;
	struct reading bare, got;
	const char *base;
	unsigned int lineno;

	if (set_open(&set, path) < 0)
		return;
	base = set.base;
	while ((line = set_next(&set))) {
		lineno = set.lineno;
		if (!*line || read_line(kb, line, false, &bare) < 0 || !bare.any)
			continue;
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			struct counts *c = &totals[w];
			enum cut_mark mark = widths[w].mark;

			if (!(mark == MARK_NONE
			      ? pager_chop(line, widths[w].columns, text, sizeof(text))
			      : systemd_cut(line, widths[w].columns, mark == MARK_DOTS, text,
					    sizeof(text))) ||
			    read_line(kb, text, mark == MARK_NONE, &got) < 0)
				continue;
			c->cut++;
			c->flagged += got.cut;
			if (!got.any) {
				c->lost++;
				if (verbose)
					printf("# lost %u %s: %s:%u %s\n", widths[w].columns,
					       mark_names[widths[w].mark], base, lineno, text);
			} else if (strcmp(got.id, bare.id) == 0) {
				c->kept++;
			} else if (strcmp(got.kind, bare.kind) == 0 && got.harmless == bare.harmless) {
				c->same_kind++;
				if (verbose)
					printf("# same kind %u: %s:%u %s (%s, whole %s)\n",
					       widths[w].columns, base, lineno, text, got.id, bare.id);
			} else if (!got.cut) {
				/* a family that knows the text left before the cut, as before kb-cut.c */
				c->changed_whole++;
				if (verbose)
					printf("# changed whole %u: %s:%u %s (%s, whole %s)\n",
					       widths[w].columns, base, lineno, text, got.id, bare.id);
			} else {
				c->changed++;
				printf("# changed: %s:%u at %u columns, %s: read as %s (%s), whole as %s (%s): "
				       "%s\n",
				       base, lineno, widths[w].columns, mark_names[widths[w].mark],
				       got.id, got.kind, bare.id,
				       bare.kind, text);
			}
		}
	}
	set_close(&set);
}

int main(int argc, char **argv)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb;
	bool verbose = getenv("VFD_CUT_VERBOSE") != NULL;

	if (vfd_kb_new_builtin(&kb, &err) < 0) {
		printf("not ok 1 - built-in knowledge base: line %u: %s\n1..1\n", err.line,
		       err.message);
		return 1;
	}
	for (int a = 1; a < argc; a++) {
		if (strstr(argv[a], "heldout")) {
			result(false, "%s: a held-out set is only ever scored", argv[a]);
			continue;
		}
		check_set(kb, argv[a], verbose);
	}
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		const struct counts *c = &totals[w];

		/* at most one in a hundred: what tells those entries apart was lost */
		result(c->changed * 100 <= c->cut && c->kept >= widths[w].kept_floor && c->cut > 0,
		       "%u columns, %s: %u lines cut, %u readings kept (floor %u), %u by another "
		       "entry of the same kind, %u lost, %u changed by a cut reading, %u by a "
		       "family that read the line as it is; %u read as cut",
		       widths[w].columns, mark_names[widths[w].mark], c->cut, c->kept,
		       widths[w].kept_floor, c->same_kind,
		       c->lost, c->changed, c->changed_whole, c->flagged);
	}
	printf("1..%u\n", n_test);
	vfd_kb_free(kb);
	return n_failed ? 1 : 0;
}
