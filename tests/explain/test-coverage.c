// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: the knowledge base covers the message catalogue (data/catalogue.tsv,
 * harvested from the programs' sources by tools/harvest-messages).
 *
 * Every format is instantiated with sample values chosen by its conversions
 * and their context (a device address where the kernel's dev_* prefix or a
 * "%04x:%02x:%02x.%x" names one, a negative errno after "error"/"failed",
 * strerror text after "failed: ", a resource range for %pR, ...) and put
 * behind the real prefixes its program's lines carry in logs (dmesg and
 * journal for the kernel, QEMU's "-device ...:" bare and wrapped by libvirt,
 * virsh and libvirtd, ...). Then:
 *   - an error or warning format must be matched under every prefix by an
 *     entry that is not a wrapper (a dedicated entry, or a family entry);
 *   - an info format must not be taken for a problem by a family entry, and
 *     must be matched: as harmless, or by a dedicated entry (which then
 *     judged it a problem on purpose, and is counted); one that no pattern
 *     can match is named, with the reason, in the allowlist (--allow), and an
 *     allowlisted format that is matched now fails the test;
 *   - a trace event (level trace: QEMU's -trace output) must be matched bare, behind
 *     PID@SEC.USEC: and behind an ISO time by an entry of its own, harmless or a
 *     problem: never by a family or a wrapper (their count on a line of its own);
 *   - an error or warning format whose every reading is a harmless entry is
 *     a false all-clear: their number may not exceed --max-harmless (the
 *     figure reached, 0 by default).
 * A "%s" right before a "%pR" is the resource's name (pci_resource_name():
 * "BAR 0", "VF BAR 0", "ROM", "bridge window"): such a format is tried with
 * each. Where a "%s" takes a few fixed words the samples file (--samples)
 * gives the real lines instead.
 * The coverage figures are printed per program.
 *
 * usage: test-coverage [--samples FILE] [--allow FILE] CATALOGUE
 *                                          TAP, one test point per program and check
 *        test-coverage --harmless CATALOGUE the error and warning formats read
 *                                          as harmless: "only" (every reading)
 *                                          or "partly", program, level,
 *                                          file:function, the entry, the line
 *        test-coverage --missing CATALOGUE the formats not covered, each with the
 *                                          line it was tried as and a suggested
 *                                          pattern (a help for writing entries)
 *        test-coverage --list CATALOGUE    every format: program, level, the entry
 *                                          and kind (as explain reports it) that match it, the line tried, a
 *                                          suggested pattern, file:function
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "tap-result.h"
#include "coverage-side.h"
#include "catalogue-lines.h"
#include "log-escape.h"


/* does @pattern hold a literal word of 4 characters (the prefilter's key)? */
static bool has_keyword(const char *pattern)
{
	size_t run = 0;

	for (const char *c = pattern; *c; c++) {
		if (*c == '%') {
			const char *close = strchr(c + 1, '%');

			run = 0;
			if (close)
				c = close;
			continue;
		}
		run = *c == ' ' || *c == '\t' ? 0 : run + 1;
		if (run >= 4)
			return true;
	}
	return false;
}


/* ------------------------------------------------------------ judging */

struct tally {
	char program[32];
	unsigned int problems, problems_matched;	/* error + warning formats */
	unsigned int info, info_harmless, info_unmatched, info_dedicated, info_family;
	unsigned int info_allowed, allow_stale;		/* unmatched on purpose; no longer */
	unsigned int by_family;				/* error/warning covered by a family */
	unsigned int problems_harmless;			/* error/warning read only as harmless */
};

static struct tally tallies[MAX_PROGRAMS];

/*
 * QEMU's trace events (level trace): each must be matched under every head by an
 * entry of its own, harmless or a problem, never by a family (a false alarm)
 */
static struct {
	unsigned int n, harmless, dedicated, unmatched;
} traces;
static size_t n_tallies;

static struct tally *tally_of(const char *program)
{
	size_t i = program_index(program);

	n_tallies = program_count();
	snprintf(tallies[i].program, sizeof(tallies[i].program), "%s", program);
	return &tallies[i];
}

/*
 * the entry matching the line @buf (@n bytes), or NULL: a line with a
 * backslash read out of its logger's quotes too, as explain reads it
 */
static const struct vfd_kb_entry *judge(struct vfd_kb *kb, const char *buf, size_t n)
{
	char unquoted[LINE_MAX_LEN * 2 + 256];
	struct vfd_kb_match m;
	int r = vfd_kb_match(kb, buf, n, &m);

	if (r >= 0 && memchr(buf, '\\', n))
		kb_match_unescaped(kb, buf, n, unquoted, &m, &r);
	return r == 1 ? m.entry : NULL;
}

/*
 * The best entry for a whole message under one prefix: a message of several
 * lines is recognised when one of them is; a problem entry counts over a
 * harmless one, a dedicated one over a family, anything over a wrapper.
 */
static const struct vfd_kb_entry *judge_message(struct vfd_kb *kb, const char *prefix,
						const char *msg)
{
	const struct vfd_kb_entry *best = NULL;
	int best_rank = -1;

	for (const char *s = msg; *s;) {
		char buf[LINE_MAX_LEN * 2 + 256];
		size_t len = wrap_next(prefix, &s, buf, sizeof(buf));
		const struct vfd_kb_entry *e = len ? judge(kb, buf, len) : NULL;

		if (e) {
			int rank = e->wrapper ? 0 : (e->family ? 1 : 3) + !e->harmless;

			if (rank > best_rank) {
				best = e;
				best_rank = rank;
			}
		}
	}
	return best;
}

static double percent(unsigned int a, unsigned int b)
{
	return b ? 100.0 * a / b : 100.0;
}

int main(int argc, char **argv)
{
	bool missing_mode = false, list_mode = false, harmless_mode = false;
	unsigned long max_harmless = 0;
	const char *path = NULL, *samples_path = NULL, *allow_path = NULL;
	struct side_file samples = { 0 }, allow = { 0 };
	struct vfd_parse_error err;
	struct vfd_kb *kb;
	struct catalogue_rows rows;
	char *col[7];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--missing") == 0)
			missing_mode = true;
		else if (strcmp(argv[i], "--list") == 0)
			list_mode = true;
		else if (strcmp(argv[i], "--harmless") == 0)
			harmless_mode = true;
		else if (strcmp(argv[i], "--max-harmless") == 0 && i + 1 < argc)
			max_harmless = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
			samples_path = argv[++i];
		else if (strcmp(argv[i], "--allow") == 0 && i + 1 < argc)
			allow_path = argv[++i];
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path) {
		fprintf(stderr, "usage: test-coverage [--missing|--list|--harmless] [--samples FILE] "
			"[--allow FILE] [--max-harmless N] CATALOGUE\n");
		return 2;
	}
	if ((samples_path && !load_side_file(&samples, samples_path)) ||
	    (allow_path && !load_side_file(&allow, allow_path))) {
		printf("not ok 1 - cannot read '%s' as rows of program, format and a third "
		       "column\n1..1\n", samples.n_rows || !samples_path ? allow_path : samples_path);
		return 1;
	}
	if (!catalogue_open(&rows, path)) {
		printf("not ok 1 - cannot open catalogue '%s'\n1..1\n", path);
		return 1;
	}
	if (vfd_kb_new_builtin(&kb, &err) < 0) {
		printf("not ok 1 - built-in knowledge base: line %u: %s\n1..1\n", err.line,
		       err.message);
		catalogue_close(&rows);
		return 1;
	}
	while (catalogue_next(&rows, col)) {
		char line[LINE_MAX_LEN], pattern[LINE_MAX_LEN];
		const char *lines[MAX_SAMPLES];
		const char *const *prefixes;
		const struct vfd_kb_entry *worst = NULL, *harmless = NULL;
		struct side_row *allowed;
		struct tally *t;
		size_t n_lines;
		bool problem, all = true, family = false, dedicated_problem = false;
		bool harmless_all = true, family_problem = false, trace;

		instantiate(col[6], col[3], col[4], 0, line, sizeof(line), pattern, sizeof(pattern));
		problem = strcmp(col[1], "error") == 0 || strcmp(col[1], "warning") == 0;
		trace = strcmp(col[1], "trace") == 0;
		t = tally_of(col[0]);
		prefixes = prefixes_of(col[0], col[1], col[3], col[5]);
		n_lines = samples_of(&samples, col[0], col[6], lines, MAX_SAMPLES);
		for (size_t v = 0; v < n_lines; v++) {
			char tried[LINE_MAX_LEN], unused[LINE_MAX_LEN];

			if (samples.n)
				snprintf(tried, sizeof(tried), "%s", lines[v]);
			else
				instantiate(col[6], col[3], col[4], v, tried, sizeof(tried), unused,
					    sizeof(unused));
			for (size_t p = 0; p < MAX_PREFIXES && prefixes[p]; p++) {
				const struct vfd_kb_entry *e = judge_message(kb, prefixes[p], tried);

				/* a harmless wrapper is a match for an informational line */
				if (!e || (e->wrapper && (problem || !e->harmless))) {
					all = false;
					worst = e;
					if (v > 0 || samples.n)
						snprintf(line, sizeof(line), "%s", tried);
					continue;
				}
				family |= e->family;
				harmless_all &= e->harmless;
				if (e->harmless)
					harmless = e;
				family_problem |= e->family && !e->harmless;
				dedicated_problem |= !e->family && !e->harmless;
			}
		}
		allowed = problem || trace ? NULL : side_row_of(&allow, col[0], col[6]);
		/* a message of several lines is reported on one (TAP comments) */
		for (char *nl = strchr(line, '\n'); nl; nl = strchr(nl, '\n'))
			*nl = '|';
		if (trace) {
			traces.n++;
			traces.harmless += all && !family && harmless_all;
			traces.dedicated += all && !family && !harmless_all;
			traces.unmatched += !all || family;
		} else if (problem) {
			t->problems++;
			t->problems_matched += all;
			t->by_family += all && family;
			t->problems_harmless += all && harmless_all;
		} else {
			t->info++;
			if (family_problem)
				t->info_family++;
			else if (all && harmless_all)
				t->info_harmless++;
			else if (all && dedicated_problem)
				t->info_dedicated++;
			else if (allowed)
				t->info_allowed++;
			else
				t->info_unmatched++;
			/* an allowlisted format that is matched now must leave the list */
			if (allowed && (all || family_problem))
				t->allow_stale++;
		}
		/* "only": every reading harmless; "partly": under some prefixes or samples */
		if (harmless_mode) {
			if (problem && harmless)
				printf("%s\t%s\t%s\t%s:%s\t%s\t%s\n",
				       all && harmless_all ? "only" : "partly", col[0], col[1], col[3],
				       col[4], harmless->id, line);
			continue;
		}
		if (list_mode) {
			const struct vfd_kb_entry *e = judge_message(kb, prefixes[0], line);

			/* the kind explain reports: a family entry's refined by the message */
			const char *kind = e ? vfd_kb_kind_of(e, line, strlen(line)) : "-";

			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s:%s\n", col[0], col[1], e ? e->id : "-",
			       kind, line, has_keyword(pattern) ? pattern : "-", col[3],
			       col[4]);
			continue;
		}
		if (missing_mode && (!all || (!problem && family_problem)) && !allowed)
			printf("%s\t%s\t%s:%s\t%s\n\tline:    %s\n\tpattern: %s%s\n", col[0],
			       col[1], col[3], col[4],
			       worst ? worst->id : family_problem ? "family" : "-", line, pattern,
			       has_keyword(pattern) ? "" : "   (no literal word of 4: a family)");
		else if (!missing_mode && trace && (!all || family))
			printf("# trace event not matched by an entry of its own: %s:%s: %s\n",
			       col[3], col[4], line);
		else if (!missing_mode && trace)
			;
		else if (!missing_mode && !all && !allowed && (problem || !family_problem))
			printf("# not covered: %s %s %s:%s: %s\n", col[0], col[1], col[3], col[4],
			       line);
		else if (!missing_mode && !problem && family_problem)
			printf("# info taken for a problem by a family entry: %s %s:%s: %s\n",
			       col[0], col[3], col[4], line);
		else if (!missing_mode && allowed && (all || family_problem))
			printf("# allowlisted but matched now: %s %s:%s: %s\n", col[0], col[3],
			       col[4], line);
	}
	if (rows.bad_header && !missing_mode && !harmless_mode)
		result(false, "catalogue header is '%s'", catalogue_header);
	if (rows.bad_rows && !missing_mode && !harmless_mode)
		printf("# %u rows are not 7 tab-separated columns\n", rows.bad_rows);
	catalogue_close(&rows);
	if (missing_mode || list_mode || harmless_mode) {
		free_side_file(&samples);
		free_side_file(&allow);
		vfd_kb_free(kb);
		return 0;
	}
	{
		struct tally sum = { .program = "all" };
		unsigned int unused_samples = 0, unused_allow = 0;

		for (size_t i = 0; i < n_tallies; i++) {
			const struct tally *t = &tallies[i];

			sum.problems += t->problems;
			sum.problems_matched += t->problems_matched;
			sum.by_family += t->by_family;
			sum.problems_harmless += t->problems_harmless;
			sum.info += t->info;
			sum.info_harmless += t->info_harmless;
			sum.info_unmatched += t->info_unmatched;
			sum.info_dedicated += t->info_dedicated;
			sum.info_family += t->info_family;
			sum.info_allowed += t->info_allowed;
			sum.allow_stale += t->allow_stale;
		}
		for (size_t i = 0; i < samples.n_rows; i++)
			unused_samples += !samples.rows[i].used;
		for (size_t i = 0; i < allow.n_rows; i++)
			unused_allow += !allow.rows[i].used;
		printf("# coverage: %u/%u error+warning formats matched (%.1f%%, %u by a family "
		       "entry, %u only as harmless); %u/%u info formats matched (%.1f%%: %u harmless, %u judged "
		       "problems by a dedicated entry), %u allowlisted, %u unmatched\n",
		       sum.problems_matched, sum.problems, percent(sum.problems_matched,
								   sum.problems),
		       sum.by_family, sum.problems_harmless, sum.info_harmless + sum.info_dedicated,
		       sum.info,
		       percent(sum.info_harmless + sum.info_dedicated, sum.info),
		       sum.info_harmless, sum.info_dedicated, sum.info_allowed,
		       sum.info_unmatched);
		printf("# coverage trace: %u/%u trace events matched (%u harmless, %u judged "
		       "problems by a dedicated entry), %u unmatched\n",
		       traces.harmless + traces.dedicated, traces.n, traces.harmless,
		       traces.dedicated, traces.unmatched);
		for (size_t i = 0; i < n_tallies; i++) {
			const struct tally *t = &tallies[i];

			printf("# coverage %-16s %5u/%-5u error+warning (%5.1f%%, %u by family, "
			       "%u only harmless), info %u/%u (%u harmless, %u dedicated, %u allowlisted, %u unmatched)\n",
			       t->program, t->problems_matched, t->problems,
			       percent(t->problems_matched, t->problems), t->by_family,
			       t->problems_harmless, t->info_harmless + t->info_dedicated, t->info, t->info_harmless,
			       t->info_dedicated, t->info_allowed, t->info_unmatched);
		}
		result(sum.problems + sum.info > 0, "the catalogue holds formats (%u)",
		       sum.problems + sum.info);
		result(rows.bad_rows == 0, "every row has 7 columns (%u bad)", rows.bad_rows);
		for (size_t i = 0; i < n_tallies; i++) {
			const struct tally *t = &tallies[i];

			result(t->problems_matched == t->problems,
			       "%s: every error and warning format is matched (%u/%u)", t->program,
			       t->problems_matched, t->problems);
			result(t->info_family == 0,
			       "%s: no info format is taken for a problem by a family entry "
			       "(%u are)", t->program, t->info_family);
			result(t->info_unmatched == 0,
			       "%s: every info format is matched as harmless or by a dedicated "
			       "entry, or allowlisted (%u/%u matched, %u allowlisted)", t->program,
			       t->info_harmless + t->info_dedicated, t->info, t->info_allowed);
		}
		result(traces.unmatched == 0, "every trace event is matched by an entry of its "
		       "own, harmless or a problem (%u/%u)", traces.n - traces.unmatched, traces.n);
		/* a problem known only as harmless is the worst reading: no new one */
		result(sum.problems_harmless <= max_harmless,
		       "at most %lu error and warning formats are read only as harmless (%u are; "
		       "--harmless lists them)", max_harmless, sum.problems_harmless);
		result(sum.allow_stale == 0 && unused_allow == 0,
		       "every allowlisted format is in the catalogue and still unmatched (%u "
		       "matched now, %u not in the catalogue)", sum.allow_stale, unused_allow);
		result(unused_samples == 0, "every row of the samples file names a catalogue "
		       "format (%u do not)", unused_samples);
	}
	printf("1..%u\n", n_test);
	free_side_file(&samples);
	free_side_file(&allow);
	vfd_kb_free(kb);
	return n_failed ? 1 : 0;
}
