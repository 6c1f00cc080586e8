// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: the kind explain reports for a catalogue format against the kind
 * the format's place in the source names (data/source-kinds.tsv).
 *
 * The message catalogue knows for each format the file and function that
 * print it; data/source-kinds.tsv says, for the places where the code makes
 * it clear, which kind of cause (issue 15's taxonomy) a message printed there
 * names. Each error or warning format with such a kind is instantiated as
 * test-coverage does (catalogue-lines.c: sample values, the first prefix its
 * program's lines carry, or the samples file's real line) and fed on its own
 * through vfd_explain_feed twice: with the family entries alone (as
 * test-family-kinds does: the kind a family gives when no dedicated entry
 * exists) and with the whole knowledge base (what explain says).
 *
 * The formats are split before any figure was looked at: SHA-256 of SALT,
 * the program, a tab and the format as the catalogue writes it; first byte
 * mod 3 == 0 is the check third, the rest the tuning part. The family side
 * (kind-words.tsv, kb-cause.c, family entries' kinds) is tuned on the tuning
 * part only (--wrong lists only its formats); both parts are printed and
 * gated: per cent of the formats read as a problem whose kind is the
 * source's, for the families alone and for the whole knowledge base.
 *
 * usage: test-source-kinds [--samples FILE] [--floor-fam TUNE CHECK]
 *                          [--floor-whole TUNE CHECK] SOURCE-KINDS CATALOGUE
 *        test-source-kinds --wrong [--samples FILE] SOURCE-KINDS CATALOGUE
 *            the tuning part's formats read with another kind than the
 *            source's: "family" or "whole", source kind, kind given, entry,
 *            file:function, line
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "tap-result.h"
#include "sha256.h"
#include "coverage-side.h"
#include "catalogue-lines.h"
#include "families-only.h"

#define SALT "vfio-doctor source-kinds 1\n"
#define MAX_ROWS 1024
#define N_KINDS 15		/* SPEC-15's taxonomy, vfd_kb_kinds */

enum part { TUNE, CHECK, N_PARTS };
static const char *const part_names[] = { "tuning", "check" };
enum kb_used { FAM, WHOLE, N_KBS };
static const char *const kb_names[] = { "families alone", "whole knowledge base" };

/* one row of source-kinds.tsv: program, file, function, format globs, kind */
struct place {
	char *col[6];
};

static struct place places[MAX_ROWS];
static size_t n_places;

/* formats, read as a problem, read with the source's kind: by source kind */
struct tally {
	unsigned int formats[N_KINDS], read[N_KINDS][N_KBS], right[N_KINDS][N_KBS];
};

static int kind_index(const char *k)
{
	for (int i = 0; vfd_kb_kinds[i]; i++)
		if (strcmp(vfd_kb_kinds[i], k) == 0)
			return i;
	return -1;
}

/* source-kinds.tsv's rows (the text stays allocated for the run); false when malformed */
static bool load_places(const char *path)
{
	FILE *f = fopen(path, "r");
	char *row = NULL;
	size_t cap = 0;
	ssize_t n;
	bool ok = f != NULL;

	while (ok && (n = getline(&row, &cap, f)) >= 0) {
		struct place *p = &places[n_places];
		char *s;

		if (n && row[n - 1] == '\n')
			row[--n] = '\0';
		if (!n || row[0] == '#')
			continue;
		s = strdup(row);
		for (int i = 0; i < 6; i++) {
			p->col[i] = s;
			s = s ? strchr(s, '\t') : NULL;
			if (s)
				*s++ = '\0';
			else if (i < 5)
				ok = false;
		}
		if (ok && strcmp(p->col[4], "-") != 0 && kind_index(p->col[4]) < 0)
			ok = false;
		if (ok && ++n_places == MAX_ROWS)
			ok = false;
	}
	free(row);
	if (f)
		fclose(f);
	return ok && n_places > 0;
}

/* the kind index the first matching row gives @program's @fmt printed at @file:@function */
static int source_kind(const char *program, const char *file, const char *function,
		       const char *fmt)
{
	for (size_t i = 0; i < n_places; i++) {
		char *const *c = places[i].col;

		if (strcmp(c[0], program) == 0 && fnmatch(c[1], file, 0) == 0 &&
		    fnmatch(c[2], function, 0) == 0 && fnmatch(c[3], fmt, 0) == 0)
			return kind_index(c[4]);	/* -1 for "-" */
	}
	return -1;
}

/* the one problem @kb's explain makes of @text, or NULL */
static const struct vfd_problem *read_text(struct vfd_explain **ex, struct vfd_kb *kb,
					   const char *text)
{
	vfd_explain_free(*ex);
	*ex = vfd_explain_new(kb);
	if (!*ex)
		abort();
	if (vfd_explain_feed(*ex, text, strlen(text)) < 0)
		abort();
	return vfd_explain_count(*ex) ? vfd_explain_problem(*ex, 0) : NULL;
}

static double pct(unsigned int a, unsigned int b)
{
	return b ? 100.0 * a / b : 0.0;
}

/* @skip: a kind index left out (-1: none) */
static void sums(const struct tally *t, enum kb_used k, int skip, unsigned int *formats,
		 unsigned int *read, unsigned int *right)
{
	*formats = *read = *right = 0;
	for (int i = 0; i < N_KINDS; i++) {
		if (i == skip)
			continue;
		*formats += t->formats[i];
		*read += t->read[i][k];
		*right += t->right[i][k];
	}
}

static void print_tally(enum part part, const struct tally *t)
{
	for (int k = 0; k < N_KBS; k++) {
		unsigned int formats, read, right;

		sums(t, k, -1, &formats, &read, &right);
		printf("# %s part, %s: %u formats with a source kind, %u read as a problem, "
		       "%u with the source's kind (%.1f%% of those read)\n", part_names[part],
		       kb_names[k], formats, read, right, pct(right, read));
		sums(t, k, kind_index("config"), &formats, &read, &right);
		printf("#   without config (%u formats): %u read, %u with the source's kind "
		       "(%.1f%%)\n", formats, read, right, pct(right, read));
	}
	printf("#   %-16s %7s %9s %9s %9s %9s\n", "source kind", "formats", "fam read",
	       "fam right", "all read", "all right");
	for (int i = 0; i < N_KINDS; i++)
		if (t->formats[i])
			printf("#   %-16s %7u %9u %9u %9u %9u\n", vfd_kb_kinds[i], t->formats[i],
			       t->read[i][FAM], t->right[i][FAM], t->read[i][WHOLE],
			       t->right[i][WHOLE]);
}

struct run {
	struct vfd_kb *kb[N_KBS];
	struct vfd_explain *ex;
	struct tally part[N_PARTS];
	unsigned int no_kind;	/* error/warning formats without a source kind */
	bool wrong;
};

static void one_format(struct run *r, char **col, const char *msg)
{
	int want = source_kind(col[0], col[3], col[4], col[6]);
	char key[LINE_MAX_LEN + 64], text[LINE_MAX_LEN + 256];
	enum part part;

	if (want < 0) {
		r->no_kind++;
		return;
	}
	snprintf(key, sizeof(key), "%s\t%s", col[0], col[6]);
	part = sha256_in_third(SALT, key) ? CHECK : TUNE;
	snprintf(text, sizeof(text), "%s%s",
		 prefixes_of(col[0], col[1], col[3], col[5])[0], msg);
	r->part[part].formats[want]++;
	for (int k = 0; k < N_KBS; k++) {
		const struct vfd_problem *p = read_text(&r->ex, r->kb[k], text);
		int given = p && !p->entry->harmless ? kind_index(p->kind) : -1;

		if (given < 0)
			continue;
		r->part[part].read[want][k]++;
		r->part[part].right[want][k] += given == want;
		if (r->wrong && part == TUNE && given != want) {
			for (char *nl = strchr(text, '\n'); nl; nl = strchr(nl, '\n'))
				*nl = '|';
			printf("%s\t%s\t%s\t%s\t%s:%s\t%s\n", k == FAM ? "family" : "whole",
			       vfd_kb_kinds[want], p->kind, p->entry->id, col[3], col[4], text);
		}
	}
}

static bool read_catalogue(struct run *r, const char *path, struct side_file *samples)
{
	struct catalogue_rows rows;
	char *col[7];
	bool any = false;

	if (!catalogue_open(&rows, path))
		return false;
	while (catalogue_next(&rows, col)) {
		char line[LINE_MAX_LEN], unused[LINE_MAX_LEN];
		const char *lines[MAX_SAMPLES];

		any = true;
		if (strcmp(col[1], "error") != 0 && strcmp(col[1], "warning") != 0)
			continue;
		/* the samples file's first real line where it has one, else values */
		if (samples_of(samples, col[0], col[6], lines, MAX_SAMPLES) && samples->n)
			snprintf(line, sizeof(line), "%s", lines[0]);
		else
			instantiate(col[6], col[3], col[4], 0, line, sizeof(line), unused,
				    sizeof(unused));
		one_format(r, col, line);
	}
	catalogue_close(&rows);
	return any;
}

int main(int argc, char **argv)
{
	const char *table = NULL, *catalogue = NULL, *samples_path = NULL;
	double floor[N_KBS][N_PARTS] = { { 0, 0 }, { 0, 0 } };
	struct side_file samples = { 0 };
	struct vfd_parse_error err;
	struct run r = { 0 };
	bool usage = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--wrong") == 0)
			r.wrong = true;
		else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
			samples_path = argv[++i];
		else if (strcmp(argv[i], "--floor-fam") == 0 && i + 2 < argc)
			floor[FAM][TUNE] = atof(argv[++i]), floor[FAM][CHECK] = atof(argv[++i]);
		else if (strcmp(argv[i], "--floor-whole") == 0 && i + 2 < argc)
			floor[WHOLE][TUNE] = atof(argv[++i]),
			floor[WHOLE][CHECK] = atof(argv[++i]);
		else if (argv[i][0] != '-' && !table)
			table = argv[i];
		else if (argv[i][0] != '-' && !catalogue)
			catalogue = argv[i];
		else
			usage = true;
	}
	if (usage || !catalogue) {
		fprintf(stderr, "usage: test-source-kinds [--wrong] [--samples FILE] "
				"[--floor-fam TUNE CHECK] [--floor-whole TUNE CHECK] "
				"SOURCE-KINDS CATALOGUE\n");
		return 2;
	}
	if (samples_path && !load_side_file(&samples, samples_path)) {
		fprintf(stderr, "test-source-kinds: cannot read '%s'\n", samples_path);
		return 1;
	}
	r.kb[FAM] = families_only();
	if (!r.kb[FAM] || vfd_kb_new_builtin(&r.kb[WHOLE], &err) < 0) {
		fprintf(stderr, "test-source-kinds: the built-in knowledge base does not load\n");
		return 1;
	}
	if (!r.wrong)
		printf("TAP version 13\n");
	bool loaded = load_places(table);

	if (r.wrong && !loaded)
		fprintf(stderr, "test-source-kinds: '%s' is malformed\n", table);
	else if (!r.wrong)
		result(loaded, "'%s' has rows of 6 columns with known kinds (%zu rows)", table,
		       n_places);
	loaded = read_catalogue(&r, catalogue, &samples);
	if (r.wrong)
		goto out;
	result(loaded, "the catalogue '%s' reads", catalogue);
	result(sha256_works(), "SHA-256 gives FIPS 180-4's digest (the split rests on it)");
	printf("# %u error/warning formats have no source kind\n", r.no_kind);
	for (int part = 0; part < N_PARTS; part++)
		print_tally(part, &r.part[part]);
	for (int k = 0; k < N_KBS; k++)
		for (int part = 0; part < N_PARTS; part++) {
			unsigned int formats, read, right;

			sums(&r.part[part], k, -1, &formats, &read, &right);
			result(read > 0 && pct(right, read) >= floor[k][part],
			       "%s: the source's kind on %.1f%% of the %s part's %u formats read "
			       "(floor %.1f%%)", kb_names[k], pct(right, read), part_names[part],
			       read, floor[k][part]);
		}
	printf("1..%u\n", n_test);
out:
	vfd_explain_free(r.ex);
	vfd_kb_free(r.kb[FAM]);
	vfd_kb_free(r.kb[WHOLE]);
	free_side_file(&samples);
	return r.wrong ? 0 : n_failed ? 1 : 0;
}
