/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared output helpers of the CLI: columns, colour, JSON strings. */
#ifndef VFD_OUTPUT_H
#define VFD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum coltype { COL_STR, COL_NUM, COL_BOOL, COL_ARRAY };

struct colinfo {
	const char *name;	/* header and, lower-cased, the JSON key */
	double whint;		/* libsmartcols width hint */
	int flags;		/* SCOLS_FL_* */
	const char *help;	/* one line for --list-columns */
	enum coltype type;
};

#define MAX_COLUMNS 64
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct outopts {
	bool json, raw, pairs, noheadings, tree, color, verbose;
	int columns[MAX_COLUMNS];
	size_t ncolumns;
	const char *output;	/* -o argument, or NULL */
	size_t width;		/* wrap prose at this width; 0: never (not a terminal) */
	bool output_all;
};

/*
 * Resolve "-o LIST" ("+LIST" appends to the defaults) against @table into
 * o->columns. @defaults are the default column indexes. Returns 0 or -1 after
 * printing an error naming the unknown column.
 */
int columns_select(struct outopts *o, const struct colinfo *table, size_t n,
		   const int *defaults, size_t ndefaults);
/* print the column table for -H/--list-columns */
void columns_list(const struct colinfo *table, size_t n);
/*
 * Take one of the listing options the table commands share: -J, -o, -O, -n,
 * -r, -P and -t (each command's getopt string says which it offers). -o, -O
 * and -r ask for the table even where the command's default is prose; that
 * goes to @table when it is not NULL. Returns false for any other option.
 */
bool outopts_option(struct outopts *o, int opt, const char *arg, bool *table);

/* --color=WHEN */
enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
/* take --color's argument (NULL: always); -1 for a word other than auto, always, never */
int output_set_color_mode(const char *when);
/* whether to colour stdout: --color, then NO_COLOR, TERM=dumb and isatty() */
bool want_color(void);
/* the terminal's width for wrapping stdout (COLUMNS honoured); 0 when not a terminal */
size_t terminal_width(void);
/* name errors "vfio-doctor CMD: ..." from now on */
void output_set_command(const char *cmd);
/* "vfio-doctor" or "vfio-doctor CMD" */
const char *output_program_name(void);
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_GREEN "\033[32m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RESET "\033[0m"

/*
 * Route stdout and stderr through the escaping filter (output.c explains
 * what it does); once, after setlocale(). output_set_json() switches stdout
 * to machine output: JSON or the Prometheus text, kept valid UTF-8.
 */
void output_init(void);
void output_set_json(bool machine);
/* the length of the UTF-8 sequence at @p: > 0 valid, 0 invalid, -1 cut short */
int utf8_seq_len(const unsigned char *p, size_t n);

/* JSON string with escapes, or null for NULL */
void json_str(FILE *out, const char *s);
/* a NULL-terminated list as a JSON array of strings ([] for NULL) */
void json_strv(FILE *out, char *const *v);

/* error helpers in the err(3) manner, prefixed with the program name */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
