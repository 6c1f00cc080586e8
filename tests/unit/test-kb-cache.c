// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The matcher's cache of line readings (lib/logs/kb-cache.c) and the proof
 * that lets it key a line by its text after the dmesg time stamp
 * (lib/logs/kb-stamp.c): the table's hits, collisions, replacement, bounds
 * and rests; the stamp's grammar; and, on the built-in knowledge base, the
 * reading of every corpus line under several stamps, from the cache and
 * without it, field by field. The corpus files are the arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"
#include "kb-cache.h"
#include "kb-internal.h"
#include "kb-stamp.h"

static int n_files;
static char **files;

static struct kb_reading reading(uint32_t pattern)
{
	struct kb_reading r = { 0 };

	r.pattern = pattern;
	r.cap[0] = (uint16_t)(pattern + 1);
	r.cap[CAP_START] = (uint16_t)(pattern + 2);
	r.hints = (uint64_t)pattern << 40 | 3;
	return r;
}

static const struct kb_reading *get(struct kb_cache *c, const char *key, uint8_t tag)
{
	size_t n = strlen(key);
	const unsigned char *k = (const unsigned char *)key;

	return kb_cache_get(c, kb_cache_hash(k, n, tag), k, n, tag);
}

static void put(struct kb_cache *c, const char *key, uint8_t tag, uint32_t pattern)
{
	struct kb_reading r = reading(pattern);
	size_t n = strlen(key);
	const unsigned char *k = (const unsigned char *)key;

	kb_cache_put(c, kb_cache_hash(k, n, tag), k, n, tag, &r);
}

static void hit_gives_what_was_kept(void **state)
{
	struct kb_cache *c = kb_cache_new(4);
	const struct kb_reading *r;

	(void)state;
	assert_non_null(c);
	assert_null(get(c, "pci 0000:00:01.0: PME# supported", 0));
	put(c, "pci 0000:00:01.0: PME# supported", 0, 7);
	r = get(c, "pci 0000:00:01.0: PME# supported", 0);
	assert_non_null(r);
	assert_int_equal(r->pattern, 7);
	assert_int_equal(r->cap[0], 8);
	assert_int_equal(r->cap[CAP_START], 9);
	assert_true(r->hints == ((uint64_t)7 << 40 | 3));
	/* another byte, a prefix, another tag: not the same key */
	assert_null(get(c, "pci 0000:00:01.0: PME# supporteD", 0));
	assert_null(get(c, "pci 0000:00:01.0: PME# support", 0));
	assert_null(get(c, "pci 0000:00:01.0: PME# supported", 1));
	assert_int_equal(kb_cache_used(c), 1);
	kb_cache_free(c);
}

/* two keys of one hash: the bytes decide, never the hash alone */
static void same_hash_other_key(void **state)
{
	struct kb_cache *c = kb_cache_new(0);
	struct kb_reading r = reading(5);
	const unsigned char *a = (const unsigned char *)"alpha", *b = (const unsigned char *)"bravo";

	(void)state;
	assert_non_null(c);
	kb_cache_put(c, 42, a, 5, 0, &r);
	assert_null(kb_cache_get(c, 42, b, 5, 0));
	assert_non_null(kb_cache_get(c, 42, a, 5, 0));
	assert_null(kb_cache_get(c, 43, a, 5, 0));
	kb_cache_free(c);
}

/* one set full of keys: one more replaces the one used least recently */
static void full_set_replaces_least_recent(void **state)
{
	struct kb_cache *c = kb_cache_new(0);
	char key[16];

	(void)state;
	assert_non_null(c);
	/* "key 0" (the first kept, then used again) to "key WAYS-1" */
	for (int i = 0; i < KB_CACHE_WAYS; i++) {
		snprintf(key, sizeof(key), "key %d", i);
		put(c, key, 0, (uint32_t)i + 1);
	}
	assert_non_null(get(c, "key 0", 0));	/* "key 1" is now the oldest */
	put(c, "last", 0, 99);
	assert_null(get(c, "key 1", 0));
	assert_int_equal(get(c, "key 0", 0)->pattern, 1);
	assert_int_equal(get(c, "last", 0)->pattern, 99);
	for (int i = 2; i < KB_CACHE_WAYS; i++) {
		snprintf(key, sizeof(key), "key %d", i);
		assert_int_equal(get(c, key, 0)->pattern, (uint32_t)i + 1);
	}
	assert_int_equal(kb_cache_used(c), KB_CACHE_WAYS);
	kb_cache_free(c);
}

/* the table never grows: ten thousand keys into sixteen slots */
static void memory_is_bounded(void **state)
{
	struct kb_cache *c = kb_cache_new(3);
	size_t bytes;
	char key[32];

	(void)state;
	assert_non_null(c);
	bytes = kb_cache_bytes(c);
	assert_int_equal(bytes, 8 * KB_CACHE_WAYS * (64 + KB_CACHE_KEY_MAX));
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "line %d", i);
		put(c, key, (uint8_t)(i & 1), (uint32_t)i);
		/* the key just kept is there */
		assert_non_null(get(c, key, (uint8_t)(i & 1)));
		assert_true(kb_cache_used(c) <= 8 * KB_CACHE_WAYS);
	}
	assert_int_equal(kb_cache_used(c), 8 * KB_CACHE_WAYS);
	assert_int_equal(kb_cache_bytes(c), bytes);
	kb_cache_free(c);
}

/*
 * the hash spreads keys that differ in a few bytes over the sets, as a random
 * one would: 4,096 log-like keys in 4,096 sets of two slots (16,384 slots
 * with more ways) fill about 3,670 or more (a set takes min(keys, ways) of a
 * Poisson(1) number of keys)
 */
static void keys_spread_over_sets(void **state)
{
	struct kb_cache *c = kb_cache_new(12);
	char key[64];

	(void)state;
	assert_non_null(c);
	for (int i = 0; i < 4096; i++) {
		snprintf(key, sizeof(key), "pci 0000:%02x:%02x.%d: PME# supported from D%d",
			 i >> 5 & 0xff, i & 0x1f, i % 7, i % 4);
		put(c, key, 0, 1);
	}
	assert_true(kb_cache_used(c) > 3500);
	kb_cache_free(c);
}

static void long_key_not_kept(void **state)
{
	struct kb_cache *c = kb_cache_new(4);
	char key[KB_CACHE_KEY_MAX + 2];

	(void)state;
	assert_non_null(c);
	memset(key, 'x', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	put(c, key, 0, 1);
	assert_null(get(c, key, 0));
	assert_int_equal(kb_cache_used(c), 0);
	key[KB_CACHE_KEY_MAX] = '\0';	/* the longest kept */
	put(c, key, 0, 2);
	assert_int_equal(get(c, key, 0)->pattern, 2);
	kb_cache_free(c);
}

/* a window of misses: the cache rests as many lines, then twice as many */
static void rests_after_poor_windows(void **state)
{
	struct kb_cache *c = kb_cache_new(4);
	char key[32];
	size_t rested = 0;

	(void)state;
	assert_non_null(c);
	for (unsigned int i = 0; i < KB_CACHE_WINDOW; i++) {
		assert_true(kb_cache_active(c));
		snprintf(key, sizeof(key), "miss %u", i);
		assert_null(get(c, key, 0));
	}
	while (!kb_cache_active(c))
		rested++;
	assert_int_equal(rested, KB_CACHE_WINDOW);
	for (unsigned int i = 0; i < KB_CACHE_WINDOW; i++)
		get(c, "never kept", 0);
	for (rested = 0; !kb_cache_active(c);)
		rested++;
	assert_int_equal(rested, 2 * KB_CACHE_WINDOW);
	/* a window of hits: no rest */
	put(c, "kept", 0, 1);
	for (unsigned int i = 0; i < KB_CACHE_WINDOW; i++)
		assert_non_null(get(c, "kept", 0));
	assert_true(kb_cache_active(c));
	kb_cache_free(c);
}

static void stamp_grammar(void **state)
{
	static const struct {
		const char *line;
		size_t stamp;
	} cases[] = {
		{ "[    3.141592] vfio-pci: probe", 15 }, { "[12345.678901] x", 15 },
		{ "[1.2] x", 6 }, { "[1.2] ", 6 }, { "[1.2]x", 0 }, { "[ 1.] x", 0 },
		{ "[ .5] x", 0 }, { "[ a.5] x", 0 }, { " [1.5] x", 0 }, { "[1.5]", 0 },
		{ "[    3.141592]", 0 }, { "Dec  6 07:00:01 host kernel: x", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *l = cases[i].line;

		if (kb_stamp_len((const unsigned char *)l, strlen(l)) != cases[i].stamp)
			fail_msg("stamp of '%s' is not %zu bytes", l, cases[i].stamp);
	}
}

static bool same_byte(const void *ctx, size_t k, unsigned char b)
{
	return ((const unsigned char *)ctx)[k] == b;
}

static bool may_start(const char *word)
{
	return kb_stamp_may_start(same_byte, word, strlen(word));
}

static void words_inside_a_stamp(void **state)
{
	(void)state;
	/* in a stamp, or from it into the text */
	assert_true(may_start("9050"));
	assert_true(may_start("3.7"));
	assert_true(may_start("]"));
	assert_true(may_start("] x"));
	assert_true(may_start(" 12"));
	assert_true(may_start("[ 1"));
	/* no place of a stamp begins them */
	assert_false(may_start("[drm]"));
	assert_false(may_start("[0x"));
	assert_false(may_start("0000:"));
	assert_false(may_start("43)"));
	assert_false(may_start("4g decoding"));
	assert_false(may_start("vfio"));
	assert_false(may_start("1.2.3"));
}

/* ------------------------------------------------ readings, cached or not */

/* two knowledge bases of one text: their entries by id */
static void assert_same_match(const struct vfd_kb_match *a, int ra, const struct vfd_kb_match *b,
			      int rb, const char *line)
{
	if (ra != rb || !a->entry != !b->entry ||
	    (a->entry && strcmp(a->entry->id, b->entry->id) != 0) || a->pattern != b->pattern ||
	    a->start != b->start ||
	    a->end != b->end || a->n_values != b->n_values ||
	    a->slot_from_prefix != b->slot_from_prefix || a->hints != b->hints ||
	    a->incomplete != b->incomplete)
		fail_msg("readings differ on '%s'", line);
	for (size_t i = 0; i < a->n_values; i++)
		if (a->values[i].type != b->values[i].type ||
		    strcmp(a->values[i].text, b->values[i].text) != 0)
			fail_msg("value %zu differs on '%s'", i, line);
}

/* stamps that hold the words a stamp can ("9050", "256", "1000", "746", "3.7") */
static const char *const stamps[] = {
	"[    0.000000] ", "[ 9050.256000] ", "[ 1000.746000] ", "[    3.700000] ",
	"[12345.678901] ", "[7.5] ", "",
};

/* @text under each stamp: the cache (filled by the first) against a fresh read */
static size_t check_text(struct vfd_kb *cached, struct vfd_kb *plain, const char *text)
{
	char line[KB_CACHE_KEY_MAX + 64];
	size_t hits = 0;

	for (int round = 0; round < 2; round++) {
		for (size_t s = 0; s < sizeof(stamps) / sizeof(stamps[0]); s++) {
			struct vfd_kb_match a, b;
			uint64_t before = kb_cache_hits(cached->cache);
			int ra, rb;

			snprintf(line, sizeof(line), "%s%s", stamps[s], text);
			ra = vfd_kb_match(cached, line, strlen(line), &a);
			rb = vfd_kb_match(plain, line, strlen(line), &b);
			assert_same_match(&a, ra, &b, rb, line);
			hits += kb_cache_hits(cached->cache) > before;
		}
	}
	return hits;
}

static void readings_same_with_cache(void **state)
{
	static const char *const made[] = {
		"pci 0000:00:1f.0: Re-allocating PLX PCI 9050 BAR 0 to length 256 to avoid bit 7 bug",
		"pcieport 0000:00:1c.0: DPC: Data Link Layer Link Active not cleared in 1000 msec",
		"AMD-Vi: Applying erratum 746 workaround",
		"To use --kmoddir option module-init-tools >= 3.7 is required",
		"vfio-pci 0000:01:00.0: BAR 0: can't reserve [mem 0xf0000000-0xf0ffffff 64bit]",
		"nothing about passthrough at all here",
	};
	struct vfd_kb *cached, *plain;
	struct vfd_parse_error err;
	size_t lines = 0, hits = 0;
	char *buf = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(vfd_kb_new_builtin(&cached, &err), 0);
	assert_int_equal(vfd_kb_new_builtin(&plain, &err), 0);
	assert_int_equal(kb_match_cache_open(cached), 0);
	/* a knowledge base makes its cache at its 64th line: never, here */
	plain->lines_read = KB_CACHE_AFTER;
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		hits += check_text(cached, plain, made[i]);
	for (int f = 0; f < n_files; f++) {
		FILE *in = fopen(files[f], "r");
		ssize_t n;

		assert_non_null(in);
		while ((n = getline(&buf, &cap, in)) > 0) {
			char *text = strchr(buf, '\t');
			size_t len;

			if (buf[0] == '#' || !text)
				continue;
			text++;
			len = strcspn(text, "\r\n");
			text[len] = '\0';
			text += kb_stamp_len((const unsigned char *)text, len);
			if (strlen(text) > KB_CACHE_KEY_MAX)
				continue;
			hits += check_text(cached, plain, text);
			lines++;
		}
		fclose(in);
	}
	free(buf);
	print_message("# %zu corpus lines, %zu readings from the cache\n", lines, hits);
	/*
	 * the built-in knowledge base must not see into a stamp: then the cache
	 * keys every line with its stamp, answers nearly nothing, and a boot log
	 * costs four times as much (the twenty-second round: one harmless
	 * pattern, "%slot%: ... in 1000 msec", did that). Name the patterns a
	 * match of which may start inside a stamp and holds a word that may too.
	 */
	if (!cached->stamp_blind) {
		bool *word = calloc(cached->n_patterns + 1, sizeof(*word));

		assert_non_null(word);
		int r = cached->prefilter ? kb_stamp_words(cached->prefilter, word) : -1;

		if (r != 0)
			print_message("# kb_stamp_words() %d: a word the classifier shares may "
				      "start inside a stamp (bisect the kb files' match lines)\n", r);
		else
			for (size_t p = 0; p < cached->n_patterns; p++)
				if (word[p] && (cached->patterns[p].stamp_try ||
						 cached->patterns[p].stamp_match))
					print_message("# may see into a stamp: %s, match %u\n",
						      cached->entries[cached->patterns[p].entry].id,
						      cached->patterns[p].index + 1);
		free(word);
	}
	assert_true(cached->stamp_blind);
	/* the cache answered: the comparison above compared something */
	assert_true(hits > 0);
	vfd_kb_free(cached);
	vfd_kb_free(plain);
}

static struct vfd_kb *kb_of(const char *match, const char *kind)
{
	char text[512];
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;
	int n = snprintf(text, sizeof(text),
			 "format: 1\n\nid: kernel.stamped\nlayer: kernel\ntitle: t\nsource: s\n"
			 "match: %s\nmeaning: m\ncause: c\nfix: f\n%s\n", match, kind);

	vfd_kb_parse(text, (size_t)n, &kb, &err);
	return kb;
}

/* "kind:" where the parser asks for it */
static struct vfd_kb *kb_matching(const char *match)
{
	struct vfd_kb *kb = kb_of(match, "");

	return kb ? kb : kb_of(match, "kind: config\n");
}

/*
 * a pattern that starts with a placeholder may match inside the stamp: the
 * reading of a line whose stamp lets it differs from that of the same text
 * after another stamp, so no such line is kept by its text
 */
static void reading_of_the_stamp_not_kept(void **state)
{
	static const char *const lines[] = {
		"[    1.500001] stamped words here", "[    2.500000] stamped words here",
		"[   33.000001] stamped words here", "[    4.000070] stamped words here",
	};
	static const int matches[] = { 0, 1, 0, 1 };
	struct vfd_kb *cached = kb_matching("%num%0] stamped words here");
	struct vfd_kb *plain = kb_matching("%num%0] stamped words here");

	(void)state;
	assert_non_null(cached);
	assert_non_null(plain);
	assert_int_equal(kb_match_cache_open(cached), 0);
	plain->lines_read = KB_CACHE_AFTER;
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			struct vfd_kb_match a, b;
			int ra = vfd_kb_match(cached, lines[i], strlen(lines[i]), &a);
			int rb = vfd_kb_match(plain, lines[i], strlen(lines[i]), &b);

			assert_int_equal(rb, matches[i]);
			assert_same_match(&a, ra, &b, rb, lines[i]);
		}
	assert_int_equal(kb_cache_hits(cached->cache), 0);
	/* a text that such a match cannot go on with: kept, and read again from the cache */
	for (int round = 0; round < 2; round++) {
		static const char line[] = "[    2.500000] x stamped words here";
		struct vfd_kb_match a;

		assert_int_equal(vfd_kb_match(cached, line, strlen(line), &a), 0);
	}
	assert_int_equal(kb_cache_hits(cached->cache), 1);
	vfd_kb_free(cached);
	vfd_kb_free(plain);
}

/*
 * patterns with a word a stamp may hold ("1000") could, on a line whose
 * stamp holds it, use the whole step budget of a line: then no reading
 * after a stamp is kept (a line without one is)
 */
static void budget_bound_keeps_nothing(void **state)
{
	size_t cap = 300 * 240 + 64, n = 0;
	char *text = malloc(cap);
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;
	struct vfd_kb_match m;
	static const char stamped[] = "[ 1000.000000] vfio nothing else here",
			  whole[] = "vfio nothing else here";

	(void)state;
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "format: 1\n\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "id: kernel.bound-%d\nlayer: kernel\ntitle: t\nsource: s\n"
				      "match: vfio 1000 %%any%% alpha %%any%% beta %%any%% gamma "
				      "%%any%% delta %%any%% omega%d\nmeaning: m\ncause: c\nfix: f\n"
				      "kind: config\n\n", i, i);
	if (vfd_kb_parse(text, n, &kb, &err) < 0)
		fail_msg("%s", err.message);
	free(text);
	assert_int_equal(kb_match_cache_open(kb), 0);
	assert_true(kb->stamp_blind);
	assert_true(kb->stamp_steps_per_byte * (KB_CACHE_KEY_MAX + 32) > (1u << 22));
	for (int round = 0; round < 3; round++) {
		vfd_kb_match(kb, stamped, strlen(stamped), &m);
		vfd_kb_match(kb, whole, strlen(whole), &m);
	}
	assert_int_equal(kb_cache_hits(kb->cache), 2);
	vfd_kb_free(kb);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hit_gives_what_was_kept),
		cmocka_unit_test(same_hash_other_key),
		cmocka_unit_test(full_set_replaces_least_recent),
		cmocka_unit_test(memory_is_bounded),
		cmocka_unit_test(keys_spread_over_sets),
		cmocka_unit_test(long_key_not_kept),
		cmocka_unit_test(rests_after_poor_windows),
		cmocka_unit_test(stamp_grammar),
		cmocka_unit_test(words_inside_a_stamp),
		cmocka_unit_test(readings_same_with_cache),
		cmocka_unit_test(reading_of_the_stamp_not_kept),
		cmocka_unit_test(budget_bound_keeps_nothing),
	};

	n_files = argc - 1;
	files = argv + 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
