// SPDX-License-Identifier: GPL-2.0-or-later
/* The side files of test-coverage.c (samples, allowlist) and the catalogue's escapes */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage-side.h"

/* the formats' own ends of line are not part of the message */
void trim_newlines(char *s)
{
	size_t len = strlen(s), lead = 0;

	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	while (s[lead] == '\n')
		lead++;
	memmove(s, s + lead, len - lead + 1);
}

/* undo the catalogue's escapes: \t \n \\ */
void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == '\\' && (r[1] == 't' || r[1] == 'n' || r[1] == '\\')) {
			*w++ = r[1] == 't' ? '\t' : r[1] == 'n' ? '\n' : '\\';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

bool load_side_file(struct side_file *sf, const char *path)
{
	FILE *f = fopen(path, "r");
	char *row = NULL;
	size_t cap = 0;
	ssize_t len;
	bool ok = true;

	if (!f)
		return false;
	while ((len = getline(&row, &cap, f)) >= 0) {
		char *tab1, *tab2;
		struct side_row *grown;

		if (len && row[len - 1] == '\n')
			row[--len] = '\0';
		if (!len || row[0] == '#')
			continue;
		tab1 = strchr(row, '\t');
		tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		grown = realloc(sf->rows, (sf->n_rows + 1) * sizeof(*sf->rows));
		if (!tab2 || !grown) {
			if (grown)
				sf->rows = grown;
			ok = false;
			break;
		}
		sf->rows = grown;
		*tab1 = *tab2 = '\0';
		sf->rows[sf->n_rows] = (struct side_row){ strdup(row), strdup(tab1 + 1),
							  strdup(tab2 + 1), false };
		unescape(sf->rows[sf->n_rows].format);
		trim_newlines(sf->rows[sf->n_rows].format);
		sf->n_rows++;
	}
	free(row);
	fclose(f);
	return ok;
}

void free_side_file(struct side_file *sf)
{
	for (size_t i = 0; i < sf->n_rows; i++) {
		free(sf->rows[i].program);
		free(sf->rows[i].format);
		free(sf->rows[i].third);
	}
	free(sf->rows);
}

/* the row of @sf for @program's @fmt, NULL when none (marked used) */
struct side_row *side_row_of(struct side_file *sf, const char *program, const char *fmt)
{
	for (size_t i = 0; i < sf->n_rows; i++)
		if (strcmp(sf->rows[i].program, program) == 0 && strcmp(sf->rows[i].format, fmt) == 0) {
			sf->rows[i].used = true;
			return &sf->rows[i];
		}
	return NULL;
}

