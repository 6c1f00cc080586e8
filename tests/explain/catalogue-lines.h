// SPDX-License-Identifier: GPL-2.0-or-later
/* The catalogue's formats as log lines (catalogue-lines.c) */
#ifndef VFD_CATALOGUE_LINES_H
#define VFD_CATALOGUE_LINES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "coverage-side.h"

#define LINE_MAX_LEN	4096
#define MAX_PROGRAMS	64

/* the first line of data/catalogue.tsv */
extern const char *const catalogue_header;

/* split a catalogue row in place into its 7 columns */
bool split_row(char *row, char **col);

/* data/catalogue.tsv read row by row, as every catalogue test reads it */
struct catalogue_rows {
	FILE *f;
	char *row;
	size_t cap;
	unsigned int lineno;	/* the file's line of the row last returned */
	unsigned int bad_rows;	/* rows that are not 7 columns, skipped */
	bool bad_header;	/* the first line is not catalogue_header */
	char *raw_format;	/* the row's format as the file spells it (escaped) */
	size_t raw_cap;
};
bool catalogue_open(struct catalogue_rows *r, const char *path);
/*
 * the next row, split in place into @col (7 columns) with its format (col[6])
 * unescaped and its trailing newlines dropped; false at the end of the file
 */
bool catalogue_next(struct catalogue_rows *r, char **col);
void catalogue_close(struct catalogue_rows *r);
/*
 * the prefixes (NULL-terminated, at most MAX_PREFIXES) that a line of
 * @program's format of @level, printed from @file by @call, carries in real
 * logs; a wrapper that holds the message in quotes holds "%q" (or "%n")
 * where it goes: read them with wrap_next()
 */
#define MAX_PREFIXES	6
const char *const *prefixes_of(const char *program, const char *level, const char *file,
			       const char *call);
/*
 * The next line that the message *@msg (its lines split by '\n') makes under
 * the wrapper @w of prefixes_of(), into @out, its length (0 for an empty
 * line of the message); *@msg moves past what it used. Behind a plain
 * prefix each line of the message is a line of its own; in place of "%q"
 * the whole message is one line, quoted as Go's %q and JSON quote ('"',
 * '\\', newline and tab escaped), in place of "%n" its newlines escaped.
 */
size_t wrap_next(const char *w, const char **msg, char *out, size_t size);
/*
 * The message as a log shows it (in @line) and, in @pattern, a knowledge base
 * pattern for it: the dev_* prefix dropped, values as placeholders.
 * @variant picks one of the variants_of(@fmt) instantiations.
 */
void instantiate(const char *fmt, const char *file, const char *function, size_t variant,
		 char *line, size_t lsize, char *pattern, size_t psize);
/* the text each argument of a format was given by instantiate_args(), in order */
#define INSTANCE_ARGS_MAX 16
struct instance_args {
	size_t n;
	char v[INSTANCE_ARGS_MAX][128];
};
/* instantiate(), and the text of each argument into @args (NULL: not kept) */
void instantiate_args(const char *fmt, const char *file, const char *function, size_t variant,
		      char *line, size_t lsize, char *pattern, size_t psize,
		      struct instance_args *args);
/* how many variants of @fmt to try: one per resource name where it names one */
size_t variants_of(const char *fmt);
/*
 * The lines to try for @program's @fmt: those of the samples file (then
 * @samples->n is their number), or else the number of instantiations
 * (variants_of()), @samples->n being 0.
 */
size_t samples_of(struct side_file *samples, const char *program, const char *fmt,
		  const char **lines, size_t max);
/*
 * The programs met so far, in order: the index of @program (added when new;
 * the last one when MAX_PROGRAMS are there), a program's name, their number
 */
size_t program_index(const char *program);
const char *program_name(size_t i);
size_t program_count(void);

#endif
