// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Printing a libsmartcols table whose every cell is plain ASCII, without the
 * library's cost per character.
 *
 * libsmartcols (util-linux 2.38, libsmartcols/src/calculate.c
 * count_cell_width() and print.c print_data()) measures every cell twice,
 * once to size its column and once to encode it, and both passes call
 * mbrtowc(), iswprint() and wcwidth() for each byte: at 4,096 PCI functions
 * that is half of the user time of `groups` (bench/RESULTS.md). For a cell of
 * printable ASCII the answer is known in advance (one column a byte, nothing
 * to encode), so a table of such cells printed where the library would not
 * fit it to a terminal is written here, byte for byte as the library writes
 * it: the widths of calculate.c count_column_width() (the header's width, or
 * the widest cell, or the width hint when both are narrower than it), one
 * space between columns, right-aligned columns padded on the left, the last
 * column not padded, a newline after every line. Anything else (JSON, raw,
 * key="value", trees, colours, a terminal, a cell with a control byte, a
 * byte outside ASCII or a backslash, which the library writes as "\x5c")
 * goes to scols_print_table() itself. tests/run-groups-plain.sh compares the
 * two on tables built to reach each rule.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "table.h"

/* flags under which the library's layout differs from the one written here */
#define PLAIN_UNSUPPORTED_FLAGS                                                     \
	(SCOLS_FL_TREE | SCOLS_FL_STRICTWIDTH | SCOLS_FL_NOEXTREMES | SCOLS_FL_HIDDEN | \
	 SCOLS_FL_WRAP)

/*
 * the width of @s when the library would print it unchanged: its length
 * when it is printable ASCII without a backslash, else (size_t)-1
 */
static size_t plain_width(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (c < 0x20 || c > 0x7e || c == '\\')
			return (size_t)-1;
	}
	return n;
}

static bool separator_is(const char *sep, const char *dflt)
{
	return !sep || strcmp(sep, dflt) == 0;
}

/* whether the table is one the library would print without fitting or decoration */
static bool table_is_plain(struct libscols_table *tb)
{
	struct libscols_cell *title = scols_table_get_title(tb);

	return !scols_table_is_json(tb) && !scols_table_is_raw(tb) &&
	       !scols_table_is_export(tb) && !scols_table_is_shellvar(tb) &&
	       !scols_table_is_tree(tb) && !scols_table_is_maxout(tb) &&
	       !scols_table_is_minout(tb) && !scols_table_is_noencoding(tb) &&
	       !scols_table_is_nolinesep(tb) && !scols_table_colors_wanted(tb) &&
	       !scols_table_is_empty(tb) && scols_table_get_stream(tb) == stdout &&
	       (!title || !scols_cell_get_data(title)) &&
	       separator_is(scols_table_get_column_separator(tb), " ") &&
	       separator_is(scols_table_get_line_separator(tb), "\n") &&
	       scols_table_get_termforce(tb) != SCOLS_TERMFORCE_ALWAYS &&
	       (scols_table_get_termforce(tb) == SCOLS_TERMFORCE_NEVER ||
		!isatty(STDOUT_FILENO));
}

struct plain_column {
	size_t width;
	bool right;
};

/*
 * the columns' widths as calculate.c count_column_width() sets them off a
 * terminal; false when a column or a cell is not plain
 */
static bool plain_widths(struct libscols_table *tb, struct plain_column *cols, size_t ncols)
{
	struct libscols_iter *itr = scols_new_iter(SCOLS_ITER_FORWARD);
	struct libscols_line *ln;
	bool ok = itr != NULL;

	for (size_t i = 0; ok && i < ncols; i++) {
		struct libscols_column *cl = scols_table_get_column(tb, i);
		struct libscols_cell *header = cl ? scols_column_get_header(cl) : NULL;
		size_t w = header ? plain_width(scols_cell_get_data(header)) : (size_t)-1;

		ok = cl && w != (size_t)-1 && !(scols_column_get_flags(cl) & PLAIN_UNSUPPORTED_FLAGS);
		/* the minimum: the header's width, at least 1 */
		cols[i].width = w ? w : 1;
		cols[i].right = ok && (scols_column_get_flags(cl) & SCOLS_FL_RIGHT);
	}
	{
		size_t *widest = calloc(ncols, sizeof(*widest));

		ok = ok && widest;
		while (ok && scols_table_next_line(tb, itr, &ln) == 0) {
			for (size_t i = 0; ok && i < ncols; i++) {
				struct libscols_cell *ce = scols_line_get_cell(ln, i);
				size_t w = plain_width(ce ? scols_cell_get_data(ce) : NULL);

				ok = w != (size_t)-1;
				if (ok && w > widest[i])
					widest[i] = w;
			}
		}
		for (size_t i = 0; ok && i < ncols; i++) {
			double hint = scols_column_get_whint(scols_table_get_column(tb, i));
			size_t min = cols[i].width;

			if (widest[i] >= min && hint >= 1 && widest[i] < (size_t)hint &&
			    min < (size_t)hint)
				cols[i].width = (size_t)hint;
			else if (widest[i] > min)
				cols[i].width = widest[i];
		}
		free(widest);
	}
	scols_free_iter(itr);
	return ok;
}

struct plain_out {
	char *buf;
	size_t len, cap;
	int err;
};

static void out_flush(struct plain_out *o)
{
	if (o->len && !o->err && fwrite(o->buf, 1, o->len, stdout) != o->len)
		o->err = -EIO;
	o->len = 0;
}

static void out_put(struct plain_out *o, const char *s, size_t n)
{
	if (o->len + n > o->cap)
		out_flush(o);
	if (n > o->cap) {
		if (!o->err && fwrite(s, 1, n, stdout) != n)
			o->err = -EIO;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_pad(struct plain_out *o, size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		out_put(o, spaces, k);
		n -= k;
	}
}

/* one line as print.c print_data() writes it, cell after cell */
static void plain_line(struct plain_out *o, const struct plain_column *cols, size_t ncols,
		       const char *const *cells)
{
	for (size_t i = 0; i < ncols; i++) {
		const char *s = cells[i] ? cells[i] : "";
		size_t len = strlen(s);
		bool last = i + 1 == ncols;

		if (cols[i].right && len) {
			out_pad(o, cols[i].width - len);
			len = cols[i].width;
		}
		out_put(o, s, strlen(s));
		if (last)
			break;
		out_pad(o, cols[i].width - len);
		out_put(o, " ", 1);
	}
	out_put(o, "\n", 1);
}

static int print_plain(struct libscols_table *tb, const struct plain_column *cols, size_t ncols)
{
	struct plain_out o = { .cap = 64 * 1024 };
	struct libscols_iter *itr = scols_new_iter(SCOLS_ITER_FORWARD);
	const char **cells = calloc(ncols, sizeof(*cells));
	struct libscols_line *ln;

	o.buf = malloc(o.cap);
	if (!o.buf || !itr || !cells) {
		o.err = -ENOMEM;
		goto out;
	}
	if (!scols_table_is_noheadings(tb)) {
		for (size_t i = 0; i < ncols; i++)
			cells[i] = scols_cell_get_data(
				scols_column_get_header(scols_table_get_column(tb, i)));
		plain_line(&o, cols, ncols, cells);
	}
	while (scols_table_next_line(tb, itr, &ln) == 0) {
		for (size_t i = 0; i < ncols; i++) {
			struct libscols_cell *ce = scols_line_get_cell(ln, i);

			cells[i] = ce ? scols_cell_get_data(ce) : NULL;
		}
		plain_line(&o, cols, ncols, cells);
	}
	out_flush(&o);
out:
	free(o.buf);
	free(cells);
	scols_free_iter(itr);
	return o.err;
}

int table_print_scols(struct libscols_table *tb)
{
	size_t ncols = scols_table_get_ncols(tb);
	struct plain_column *cols;
	int r;

	if (!ncols || !table_is_plain(tb) || getenv("VFD_TABLE_NO_PLAIN"))
		return scols_print_table(tb);
	cols = calloc(ncols, sizeof(*cols));
	if (!cols || !plain_widths(tb, cols, ncols)) {
		free(cols);
		return scols_print_table(tb);
	}
	r = print_plain(tb, cols, ncols);
	free(cols);
	return r;
}
