/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flat libsmartcols tables of a command's rows (check and preflight -o). */
#ifndef VFD_TABLE_H
#define VFD_TABLE_H

#include "output.h"

/*
 * The text of row @row in column @col (one of the command's COL_* values) for
 * table_print(): a string the caller keeps, or one it allocated for the table
 * to free (*owned set). @buf (@size bytes) is scratch for numbers.
 */
typedef const char *(*table_cell_fn)(const void *data, size_t row, int col, char *buf,
				     size_t size, bool *owned);

/* a flat libsmartcols table of @nrows rows in o's columns; 0, or -1 when out of memory */
int table_print(const struct outopts *o, const struct colinfo *columns, size_t nrows,
		table_cell_fn cell, const void *data);

struct libscols_table;
/*
 * scols_print_table(), quicker for a table of printable ASCII off a terminal
 * (table-plain.c); the same bytes either way. 0 or -errno.
 */
int table_print_scols(struct libscols_table *tb);

/* a list as one cell, a line an item (libsmartcols wraps multi-line cells); NULL: no memory */
char *join_lines(char *const *v);

/* the long options of the commands that print a table; outopts_option() takes them */
#define TABLE_LONGOPTS \
	{ "output", required_argument, NULL, 'o' }, \
	{ "output-all", no_argument, NULL, 'O' }, \
	{ "list-columns", no_argument, NULL, 'H' }, \
	{ "noheadings", no_argument, NULL, 'n' }, \
	{ "raw", no_argument, NULL, 'r' }

#endif
