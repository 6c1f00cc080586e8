// SPDX-License-Identifier: GPL-2.0-or-later
/* The side files of test-coverage.c and the catalogue's text helpers they share */
#ifndef VFD_COVERAGE_SIDE_H
#define VFD_COVERAGE_SIDE_H
#include <stdbool.h>
#include <stddef.h>

/*
 * A side file: rows of three tab-separated columns, program, format (as the
 * catalogue writes it) and a third one, '#' comments. The samples file gives
 * the lines a format really prints where its "%s" takes a few fixed words
 * (a ternary in the source: "successfully" or "failed"), one row per line,
 * used instead of the instantiation; the allowlist names informational
 * formats that no pattern can match, with the reason.
 */
#define MAX_SAMPLES	8

struct side_row {
	char *program, *format, *third;
	bool used;
};

struct side_file {
	struct side_row *rows;
	size_t n_rows, n;	/* n: rows found for the format asked last */
};

bool load_side_file(struct side_file *sf, const char *path);
void free_side_file(struct side_file *sf);
/* the row of @sf for @program's @fmt, NULL when none (marked used) */
struct side_row *side_row_of(struct side_file *sf, const char *program, const char *fmt);
/* undo the catalogue's escapes: \t \n \\ */
void unescape(char *s);
/* drop the newlines and blanks that end a format, and the newlines that start it */
void trim_newlines(char *s);

#endif
