// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: the safety net of explain, the classifier of lines the knowledge
 * base does not know (lib/logs/explain-unknown.c), measured by itself.
 *
 * Coverage: every error- and warning-level format of the message catalogue
 * (data/catalogue.tsv) is instantiated as the coverage test does it
 * (catalogue-lines.c: sample values, every real prefix of its program) and
 * given to the classifier alone, as if no entry knew it
 * (vfd_unknown_classify_alone). A format is "problem" when every line tried
 * is flagged as an unknown problem (a message of several lines: one of its
 * lines), "info" when each is flagged but some only as informational,
 * "silent" when one is not flagged at all (a false all-clear, had no entry
 * known it). The rows are split by a fixed hash before any figure was looked
 * at: SHA-256 of SALT, the program, a tab and the format (as the catalogue
 * writes it); first byte mod 3 == 0 is the held-out third. The classifier's
 * rules are tuned on the development part only; both parts are printed, and
 * the development part must keep the floor per program (--floor: rows of a
 * program and the per cent of its formats flagged as problems, at least). Info-level formats flagged as a
 * problem are counted too (informational lines must stay informational).
 *
 * False flags: lines that are no problem must not be flagged as one: each
 * line of a corpus file (--clean, "EXPECTED<TAB>LINE"; boot lines) must give
 * none; the harmless rows of a labelled set (--harmless, devset.tsv) are
 * counted, distinct lines, and must stay within --max-false per cent; the
 * lines of a corpus file (--report) or of a plain file (--plain, e.g. the
 * bench log's boot lines) are only counted.
 *
 * usage: test-safety-net [--samples FILE] [--floor FILE] [--clean FILE]...
 *                        [--harmless SET.tsv [--max-false PER_CENT]]
 *                        [--report FILE]... [--plain FILE]... CATALOGUE
 *        test-safety-net --list [--samples FILE] CATALOGUE
 *            the development part's error and warning formats, one a line:
 *            outcome, program, level, file:function, the line that was
 *            silent or informational (the held-out part is never listed)
 *        test-safety-net --flags FILE...  the lines of FILE flagged as
 *            problems (plain lines), for looking at false flags
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "explain-unknown.h"
#include "tap-result.h"
#include "coverage-side.h"
#include "catalogue-lines.h"
#include "sha256.h"

#define SALT		"vfio-doctor safety-net 1\n"

enum outcome { SILENT, INFO, PROBLEM };
static const char *const outcome_names[] = { "silent", "info", "problem" };
enum part { DEV, HELD };
static const char *const part_names[] = { "dev", "held-out" };

struct tally {
	unsigned int n[2][3];		/* [part][outcome] of error/warning formats */
	unsigned int info[2], info_problem[2];	/* info formats, flagged as problems */
	double floor;			/* dev part: per cent flagged as problems, at least */
	bool has_floor;
};

/* per program, in the order of catalogue-lines.c's program_index() */
static struct tally tallies[MAX_PROGRAMS];

static struct tally *tally_of(const char *program)
{
	return &tallies[program_index(program)];
}

/* the part of the catalogue @program's @format is in: fixed by its digest */
static enum part part_of(const char *program, const char *format)
{
	size_t n = strlen(SALT) + strlen(program) + 1 + strlen(format);
	char *text = malloc(n + 1);
	uint8_t digest[32];

	if (!text)
		abort();
	snprintf(text, n + 1, "%s%s\t%s", SALT, program, format);
	sha256(text, n, digest);
	free(text);
	return digest[0] % 3 == 0 ? HELD : DEV;
}

/* what the classifier alone says of one line */
static enum outcome classify(const char *line, size_t len)
{
	struct vfd_unknown_class c;

	if (!vfd_unknown_classify_alone(line, len, &c))
		return SILENT;
	return c.problem ? PROBLEM : INFO;
}

/* a message (lines split by '\n') behind @prefix: the best of its lines */
static enum outcome classify_message(const char *prefix, const char *msg)
{
	enum outcome best = SILENT;

	for (const char *s = msg; *s;) {
		char buf[LINE_MAX_LEN * 2 + 256];
		size_t n = wrap_next(prefix, &s, buf, sizeof(buf));

		if (n) {
			enum outcome o = classify(buf, n);

			best = o > best ? o : best;
		}
	}
	return best;
}

/* the floor file: "PROGRAM<TAB>PER CENT" rows, '#' comments */
static bool load_floors(const char *path)
{
	FILE *f = fopen(path, "r");
	char row[256], program[32];
	double n;

	if (!f)
		return false;
	while (fgets(row, sizeof(row), f)) {
		if (row[0] == '#' || row[0] == '\n')
			continue;
		if (sscanf(row, "%31[^\t]\t%lf", program, &n) != 2 || n < 0 || n > 100) {
			fclose(f);
			return false;
		}
		tally_of(program)->floor = n;
		tally_of(program)->has_floor = true;
	}
	fclose(f);
	return true;
}

static double percent(unsigned int a, unsigned int b)
{
	return b ? 100.0 * a / b : 100.0;
}

/*
 * One catalogue row: its worst outcome over the lines tried (every sample or
 * variant, under every prefix); @worst_line gets the line that gave it.
 */
static enum outcome judge_row(struct side_file *samples, char **col, char *worst_line,
			      size_t size)
{
	const char *lines[MAX_SAMPLES];
	const char *const *prefixes = prefixes_of(col[0], col[1], col[3], col[5]);
	size_t n_lines = samples_of(samples, col[0], col[6], lines, MAX_SAMPLES);
	enum outcome worst = PROBLEM;

	worst_line[0] = '\0';
	for (size_t v = 0; v < n_lines; v++) {
		char tried[LINE_MAX_LEN], unused[LINE_MAX_LEN];

		if (samples->n)
			snprintf(tried, sizeof(tried), "%s", lines[v]);
		else
			instantiate(col[6], col[3], col[4], v, tried, sizeof(tried), unused,
				    sizeof(unused));
		for (size_t p = 0; p < MAX_PREFIXES && prefixes[p]; p++) {
			enum outcome o = classify_message(prefixes[p], tried);

			/* the lines it made, '|' between them */
			if (o < worst || !worst_line[0]) {
				const char *s = tried;
				size_t k = 0, n;

				for (; *s && k + 1 < size; k += n) {
					n = wrap_next(prefixes[p], &s, worst_line + k, size - k);
					if (n && *s && k + n + 1 < size)
						worst_line[k + n++] = '|';
				}
				worst_line[k] = '\0';
			}
			worst = o < worst ? o : worst;
		}
	}
	return worst;
}

/* read the catalogue; in @list mode print the development part's rows */
static bool read_catalogue(const char *path, struct side_file *samples, bool list,
			   unsigned int *bad_rows)
{
	struct catalogue_rows rows;
	char *col[7];

	if (!catalogue_open(&rows, path))
		return false;
	while (catalogue_next(&rows, col)) {
		char line[LINE_MAX_LEN + 256];
		enum part part = part_of(col[0], rows.raw_format);
		enum outcome o = judge_row(samples, col, line, sizeof(line));
		struct tally *t = tally_of(col[0]);
		bool problem_level = strcmp(col[1], "error") == 0 ||
				     strcmp(col[1], "warning") == 0;

		if (problem_level) {
			t->n[part][o]++;
		} else {
			t->info[part]++;
			/* an info line flagged as a problem under every prefix */
			t->info_problem[part] += o == PROBLEM;
		}
		if (list && part == DEV && (problem_level ? o != PROBLEM : o == PROBLEM))
			printf("%s\t%s\t%s\t%s:%s\t%s\n", problem_level ? outcome_names[o] :
			       "info-flagged", col[0], col[1], col[3], col[4], line);
	}
	*bad_rows += rows.bad_rows + rows.bad_header;
	catalogue_close(&rows);
	return true;
}

/* the text of a corpus row "EXPECTED<TAB>LINE", or of a set row "KIND<TAB>LINE<TAB>URL" */
static char *second_column(char *row)
{
	char *tab = strchr(row, '\t'), *end;

	if (!tab)
		return NULL;
	end = strchr(tab + 1, '\t');
	if (end)
		*end = '\0';
	return tab + 1;
}

enum line_source { CORPUS, HARMLESS_SET, PLAIN };

/* distinct lines of @path flagged as problems (printed as comments with @show) */
static long false_flags(const char *path, enum line_source source, bool show,
			unsigned int *lines_read)
{
	FILE *f = fopen(path, "r");
	char *row = NULL, **seen = NULL;
	size_t cap = 0, n_seen = 0;
	long flagged = 0;
	ssize_t n;

	if (!f)
		return -1;
	while ((n = getline(&row, &cap, f)) >= 0) {
		char *line = row;
		bool dup = false;

		if (n && row[n - 1] == '\n')
			row[--n] = '\0';
		if (source != PLAIN) {
			if (row[0] == '#' || !(line = second_column(row)))
				continue;
			if (source == HARMLESS_SET && strncmp(row, "harmless\t", 9) != 0)
				continue;
		}
		if (!*line)
			continue;
		for (size_t i = 0; i < n_seen && !dup; i++)
			dup = strcmp(seen[i], line) == 0;
		if (dup)
			continue;
		seen = realloc(seen, (n_seen + 1) * sizeof(*seen));
		if (!seen || !(seen[n_seen] = strdup(line)))
			abort();
		n_seen++;
		if (classify(line, strlen(line)) == PROBLEM) {
			flagged++;
			if (show)
				printf("# flagged: %s\n", line);
		}
	}
	*lines_read += (unsigned int)n_seen;
	for (size_t i = 0; i < n_seen; i++)
		free(seen[i]);
	free(seen);
	free(row);
	fclose(f);
	return flagged;
}

static void print_tallies(void)
{
	for (int part = DEV; part <= HELD; part++) {
		unsigned int sum[3] = { 0 }, info = 0, info_problem = 0;

		for (size_t i = 0; i < program_count(); i++) {
			const struct tally *t = &tallies[i];
			unsigned int all = t->n[part][0] + t->n[part][1] + t->n[part][2];

			for (int o = 0; o < 3; o++)
				sum[o] += t->n[part][o];
			info += t->info[part];
			info_problem += t->info_problem[part];
			printf("# safety net %-8s %-16s error+warning %4u: problem %4u (%5.1f%%), "
			       "info %3u, silent %3u; info formats flagged as problems %u/%u\n",
			       part_names[part], program_name(i), all, t->n[part][PROBLEM],
			       percent(t->n[part][PROBLEM], all), t->n[part][INFO],
			       t->n[part][SILENT], t->info_problem[part], t->info[part]);
		}
		printf("# safety net %-8s %-16s error+warning %4u: problem %4u (%5.1f%%), "
		       "info %3u, silent %3u; info formats flagged as problems %u/%u\n",
		       part_names[part], "all", sum[0] + sum[1] + sum[2], sum[PROBLEM],
		       percent(sum[PROBLEM], sum[0] + sum[1] + sum[2]), sum[INFO], sum[SILENT],
		       info_problem, info);
	}
}

int main(int argc, char **argv)
{
	const char *path = NULL, *samples_path = NULL, *floor_path = NULL;
	const char *clean[8], *plain[8], *report[8], *harmless = NULL;
	size_t n_clean = 0, n_plain = 0, n_report = 0;
	double max_false = -1;
	bool list = false, flags = false;
	struct side_file samples = { 0 };
	unsigned int bad_rows = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--list") == 0)
			list = true;
		else if (strcmp(a, "--flags") == 0)
			flags = true;
		else if (v && strcmp(a, "--samples") == 0)
			samples_path = argv[++i];
		else if (v && strcmp(a, "--floor") == 0)
			floor_path = argv[++i];
		else if (v && strcmp(a, "--harmless") == 0)
			harmless = argv[++i];
		else if (v && strcmp(a, "--max-false") == 0)
			max_false = strtod(argv[++i], NULL);
		else if (v && strcmp(a, "--report") == 0 && n_report < 8)
			report[n_report++] = argv[++i];
		else if (v && strcmp(a, "--clean") == 0 && n_clean < 8)
			clean[n_clean++] = argv[++i];
		else if (v && strcmp(a, "--plain") == 0 && n_plain < 8)
			plain[n_plain++] = argv[++i];
		else if (a[0] != '-' && flags && n_plain < 8)
			plain[n_plain++] = a;
		else if (a[0] != '-' && !path)
			path = a;
		else
			i = argc, path = NULL, flags = false;
	}
	if (flags) {
		for (size_t i = 0; i < n_plain; i++) {
			unsigned int n = 0;

			if (false_flags(plain[i], PLAIN, true, &n) < 0) {
				fprintf(stderr, "test-safety-net: cannot read '%s'\n", plain[i]);
				return 2;
			}
		}
		return 0;
	}
	if (!path) {
		fprintf(stderr, "usage: test-safety-net [--list] [--samples FILE] [--floor FILE] "
			"[--clean FILE]... [--harmless SET.tsv] [--max-false PER_CENT] "
			"[--report FILE]... [--plain FILE]... CATALOGUE\n");
		return 2;
	}
	if (samples_path && !load_side_file(&samples, samples_path)) {
		printf("not ok 1 - cannot read samples '%s'\n1..1\n", samples_path);
		return 1;
	}
	if (floor_path && !load_floors(floor_path)) {
		printf("not ok 1 - cannot read '%s' as rows of a program and a number\n1..1\n",
		       floor_path);
		return 1;
	}
	if (!read_catalogue(path, &samples, list, &bad_rows)) {
		printf("not ok 1 - cannot open catalogue '%s'\n1..1\n", path);
		return 1;
	}
	free_side_file(&samples);
	if (list)
		return 0;
	print_tallies();
	result(sha256_works(), "SHA-256 gives FIPS 180-4's digests of \"abc\" and of 56 bytes");
	result(program_count() > 0 && bad_rows == 0, "the catalogue has rows and a header, each of 7 "
	       "columns (%u bad)", bad_rows);
	for (size_t i = 0; i < program_count(); i++) {
		const struct tally *t = &tallies[i];
		unsigned int all = t->n[DEV][0] + t->n[DEV][1] + t->n[DEV][2];
		double got = percent(t->n[DEV][PROBLEM], all);

		if (!t->has_floor)
			continue;
		result(all > 0 && got >= t->floor, "%s: the development part's error and warning "
		       "formats flagged as problems by the classifier alone: %.1f%% (%u/%u), "
		       "floor %.1f%%", program_name(i), got, t->n[DEV][PROBLEM], all, t->floor);
	}
	for (size_t i = 0; i < n_clean; i++) {
		unsigned int n = 0;
		long f = false_flags(clean[i], CORPUS, true, &n);

		result(f == 0 && n > 0, "%s: none of %u distinct lines flagged as a problem "
		       "(%ld are)", clean[i], n, f);
	}
	if (harmless) {
		unsigned int n = 0;
		long f = false_flags(harmless, HARMLESS_SET, false, &n);

		result(f >= 0 && (max_false < 0 || percent((unsigned int)f, n) <= max_false),
		       "%s: distinct harmless lines flagged as problems by the classifier alone: "
		       "%ld of %u (%.1f%%), at most %.1f%%", harmless, f, n,
		       percent((unsigned int)f, n), max_false);
	}
	for (size_t i = 0; i < n_report; i++) {
		unsigned int n = 0;
		long f = false_flags(report[i], CORPUS, false, &n);

		printf("# %s: %ld of %u distinct lines flagged as problems\n", report[i], f, n);
		result(f >= 0, "%s: read (%u distinct lines)", report[i], n);
	}
	for (size_t i = 0; i < n_plain; i++) {
		unsigned int n = 0;
		long f = false_flags(plain[i], PLAIN, false, &n);

		printf("# %s: %ld of %u distinct lines flagged as problems\n", plain[i], f, n);
		result(f >= 0, "%s: read (%u distinct lines)", plain[i], n);
	}
	printf("1..%u\n", n_test);
	return n_failed ? 1 : 0;
}
