// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lines of a set in the threads.tsv format (kind, line, url: the
 * development set) or the binaries.tsv format (program, level, line,
 * source), told apart by the header, one at a time: for the explain tests
 * that read every line of a set in some changed form (test-prefixes.c,
 * test-cut.c). Needs tap-result.h.
 */
#ifndef VFD_SET_LINES_H
#define VFD_SET_LINES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct set_lines {
	FILE *f;
	char *buf;
	size_t cap;
	int column;		/* of the line: 2 in threads.tsv, 3 in binaries.tsv */
	unsigned int lineno;
	const char *base;	/* the set's file name, for messages */
};

/* 0, or -1 with a failed test (no such file, another header) */
static int set_open(struct set_lines *s, const char *path)
{
	ssize_t n;

	memset(s, 0, sizeof(*s));
	s->base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	s->f = fopen(path, "r");
	if (!s->f) {
		result(false, "cannot open '%s'", path);
		return -1;
	}
	n = getline(&s->buf, &s->cap, s->f);
	s->lineno = 1;
	if (n > 0 && s->buf[n - 1] == '\n')
		s->buf[--n] = '\0';
	if (n >= 0 && strcmp(s->buf, "kind\tline\turl") == 0)
		s->column = 2;
	else if (n >= 0 && strcmp(s->buf, "program\tlevel\tline\tsource") == 0)
		s->column = 3;
	if (!s->column) {
		result(false, "%s: expected the header of threads.tsv or binaries.tsv", s->base);
		free(s->buf);
		fclose(s->f);
		return -1;
	}
	return 0;
}

/* the next row's line (empty when the row has none), NULL at the end */
static char *set_next(struct set_lines *s)
{
	ssize_t n = getline(&s->buf, &s->cap, s->f);
	char *f = s->buf;

	if (n < 0)
		return NULL;
	s->lineno++;
	if (n && s->buf[n - 1] == '\n')
		s->buf[--n] = '\0';
	for (int c = 1; c < s->column && f; c++) {
		f = strchr(f, '\t');
		f = f ? f + 1 : NULL;
	}
	if (!f)
		return s->buf + n;
	if (strchr(f, '\t'))
		*strchr(f, '\t') = '\0';
	return f;
}

static void set_close(struct set_lines *s)
{
	free(s->buf);
	fclose(s->f);
}

#endif
