// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A command's rows as a flat libsmartcols table in the columns -o chose: the
 * command only says what text goes in each cell. Kept out of output.c, which
 * the static guest build (no libsmartcols) shares.
 */
#include <stdlib.h>
#include <string.h>
#include <libsmartcols.h>

#include "table.h"

char *join_lines(char *const *v)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; v && v[i]; i++)
		len += strlen(v[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; s && v && v[i]; i++) {
		if (i)
			strcat(s, "\n");
		strcat(s, v[i]);
	}
	return s;
}

int table_print(const struct outopts *o, const struct colinfo *columns, size_t nrows,
		table_cell_fn cell, const void *data)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return -1;
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	for (size_t i = 0; i < o->ncolumns; i++) {
		const struct colinfo *ci = &columns[o->columns[i]];

		if (!scols_table_new_column(tb, ci->name, ci->whint, ci->flags))
			goto fail;
	}
	for (size_t r = 0; r < nrows; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			goto fail;
		for (size_t i = 0; i < o->ncolumns; i++) {
			char buf[64];
			bool owned = false;
			const char *text = cell(data, r, o->columns[i], buf, sizeof(buf), &owned);

			if (owned)
				scols_line_refer_data(ln, i, (char *)text);
			else
				scols_line_set_data(ln, i, text);
		}
	}
	table_print_scols(tb);
	scols_unref_table(tb);
	return 0;
fail:
	scols_unref_table(tb);
	return -1;
}
