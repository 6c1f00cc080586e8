// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The matcher's work per line is bounded (lib/logs/kb-match.c KB_STEP_BUDGET): a
 * knowledge base of patterns full of %any%, all of whose words are in a long
 * line, used to take a minute on it; now the line is given up on quickly and
 * reported as not fully examined, and ordinary lines are not affected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "vfd.h"

#define PATTERNS 300

/* PATTERNS entries, each "vfio %any% alpha %any% beta ... %any% omegaN" */
static struct vfd_kb *greedy_kb_as(const char *kind)
{
	size_t cap = PATTERNS * 220 + 64, n = 0;
	char *text = malloc(cap);
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;

	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "format: 1\n\n");
	for (int i = 0; i < PATTERNS; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "id: kernel.greedy-%d\nlayer: kernel\ntitle: t\nsource: s\n"
				      "match: vfio %%any%% alpha %%any%% beta %%any%% gamma %%any%% "
				      "delta %%any%% epsilon %%any%% zeta %%any%% theta %%any%% "
				      "omega%d\nmeaning: m\ncause: c\nfix: f\n%s\n", i, i % 10, kind);
	vfd_kb_parse(text, n, &kb, &err);
	free(text);
	return kb;
}

/* with "kind:" when the parser asks for it (the format gained it alongside) */
static struct vfd_kb *greedy_kb(void)
{
	struct vfd_kb *kb = greedy_kb_as("");

	return kb ? kb : greedy_kb_as("kind: config\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void long_line(void **state)
{
	static const char words[] = "vfio alpha beta gamma delta epsilon zeta theta omega1 ";
	struct vfd_kb *kb = greedy_kb();
	struct vfd_explain *ex;
	size_t len = 60000;
	char *line = malloc(len + 1);
	struct vfd_kb_match m;
	uint64_t incomplete;
	double start;

	(void)state;
	assert_non_null(kb);
	ex = vfd_explain_new(kb);
	assert_non_null(line);
	for (size_t i = 0; i < len; i++)
		line[i] = words[i % (sizeof(words) - 1)];
	line[len] = '\0';
	start = now();
	vfd_kb_match(kb, line, len, &m);
	/* ~4M steps at a few ns each; far from the minutes it used to take */
	assert_true(now() - start < 5.0);
	assert_true(m.incomplete);
	/* through explain: counted */
	vfd_explain_feed(ex, line, len);
	vfd_explain_unknown_stats(ex, NULL, NULL, NULL, &incomplete);
	assert_int_equal(incomplete, 1);
	/* a short line with the same words is examined in full and matches */
	snprintf(line, len, "vfio 1 alpha 2 beta 3 gamma 4 delta 5 epsilon 6 zeta 7 theta 8 omega1");
	assert_int_equal(vfd_kb_match(kb, line, strlen(line), &m), 1);
	assert_false(m.incomplete);
	assert_string_equal(m.entry->id, "kernel.greedy-1");
	vfd_explain_free(ex);
	vfd_kb_free(kb);
	free(line);
}

/* a line longer than the matcher reads is cut, and said to be */
static void cut_line(void **state)
{
	struct vfd_kb *kb = NULL;
	struct vfd_parse_error err;
	struct vfd_kb_match m;
	size_t len = 70000;
	char *line = malloc(len);

	(void)state;
	assert_non_null(line);
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	memset(line, 'x', len);
	assert_int_equal(vfd_kb_match(kb, line, len, &m), 0);
	assert_true(m.incomplete);
	assert_int_equal(vfd_kb_match(kb, line, 100, &m), 0);
	assert_false(m.incomplete);
	vfd_kb_free(kb);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_line),
		cmocka_unit_test(cut_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
