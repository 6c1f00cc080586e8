// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The multi-word search of lib/logs/ac.c: every occurrence of every word, case
 * ignored, words inside words and on the suffix chain, against a plain
 * search on random texts; the gates that let a text through only with one
 * of their words; and its refusals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "ac.h"

static struct vfd_ac *build(const char *const *words, size_t n)
{
	struct vfd_ac *ac = vfd_ac_new();

	assert_non_null(ac);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(vfd_ac_add(ac, words[i], strlen(words[i])), (int)i);
	assert_int_equal(vfd_ac_build(ac), 0);
	return ac;
}

/* the words of @ac found in @text, as a bit set over their indexes */
static uint64_t found(struct vfd_ac *ac, const char *text)
{
	const uint32_t *ids;
	size_t n = vfd_ac_scan(ac, text, strlen(text), &ids);
	uint64_t set = 0;

	for (size_t i = 0; i < n; i++) {
		assert_true(ids[i] < 64);
		/* each index once a scan */
		assert_false(set & (UINT64_C(1) << ids[i]));
		set |= UINT64_C(1) << ids[i];
	}
	return set;
}

static void basics(void **state)
{
	static const char *const words[] = { "he", "she", "his", "hers", "vfio", "VFIO-PCI",
					     "she" };
	struct vfd_ac *ac = build(words, 7);

	(void)state;
	assert_int_equal(vfd_ac_count(ac), 7);
	/* "ushers": she, he and hers end inside one another; the duplicate too */
	assert_int_equal(found(ac, "ushers"), 0x1 | 0x2 | 0x8 | 0x40);
	/* case is ignored on both sides, and a word is reported once however often */
	assert_int_equal(found(ac, "Vfio-Pci 0000:01:00.0: vfio-pci vfio"), 0x10 | 0x20);
	assert_int_equal(found(ac, "nothing to see"), 0);
	assert_int_equal(found(ac, ""), 0);
	/* a word at the very end, a lone prefix of a word */
	assert_int_equal(found(ac, "this"), 0x4);
	assert_int_equal(found(ac, "vfi"), 0);
	/* bytes outside every word, NUL included, lead back to the root */
	assert_int_equal(vfd_ac_scan(ac, "h\0e", 3, &(const uint32_t *){ NULL }), 0);
	vfd_ac_free(ac);
	vfd_ac_free(NULL);
}

static void refusals(void **state)
{
	struct vfd_ac *ac = vfd_ac_new();
	const uint32_t *ids;

	(void)state;
	assert_int_equal(vfd_ac_add(ac, "", 0), -EINVAL);
	assert_int_equal(vfd_ac_add(ac, "abcd", 4), 0);
	assert_int_equal(vfd_ac_add(ac, "ab", 2), 1);
	/* a gate needs four bytes, and a word that exists */
	assert_int_equal(vfd_ac_gate(ac, 1), -EINVAL);
	assert_int_equal(vfd_ac_gate(ac, 7), -EINVAL);
	/* nothing is found before the build */
	assert_int_equal(vfd_ac_scan(ac, "abcd", 4, &ids), 0);
	assert_int_equal(vfd_ac_build(ac), 0);
	assert_int_equal(vfd_ac_build(ac), -EINVAL);
	assert_int_equal(vfd_ac_add(ac, "late", 4), -EINVAL);
	assert_int_equal(vfd_ac_gate(ac, 0), -EINVAL);
	assert_int_equal(vfd_ac_scan(ac, "xxabcd", 6, &ids), 2);
	vfd_ac_free(ac);
}

static void gates(void **state)
{
	static const char *const words[] = { "fail", "vfio", "register", "error" };
	struct vfd_ac *ac = vfd_ac_new();

	(void)state;
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(vfd_ac_add(ac, words[i], strlen(words[i])), (int)i);
	assert_int_equal(vfd_ac_gate(ac, 1), 0);
	assert_int_equal(vfd_ac_gate(ac, 2), 0);
	assert_int_equal(vfd_ac_build(ac), 0);
	/* without a gate word nothing is reported, not even the other words */
	assert_int_equal(found(ac, "probe failed with error -22"), 0);
	/* with one, every word is */
	assert_int_equal(found(ac, "vfio-pci: probe failed with error -22"), 0x1 | 0x2 | 0x8);
	/* the window kept of a gate may be anywhere in it: any case, any place */
	assert_int_equal(found(ac, "cannot REGISTER the device: error"), 0x4 | 0x8);
	/* a part of a gate word alone does not open it, except by a rare false positive */
	assert_int_equal(found(ac, "regi error"), 0);
	vfd_ac_free(ac);
}

static void rarest_window(void **state)
{
	size_t off = 99;

	(void)state;
	/* "gist": g is rarer than the r and e around it */
	vfd_ac_rarest_window("register", 8, &off);
	assert_int_equal(off, 2);
	vfd_ac_rarest_window("vfio", 4, &off);
	assert_int_equal(off, 0);
	assert_int_equal(vfd_ac_rarest_window("abc", 3, &off), ~0u);
	/* punctuation and rare letters beat common letters */
	vfd_ac_rarest_window("aeiou_pci", 9, &off);
	assert_true(off >= 3);
}

/* random words and texts over a small alphabet, against strcasestr */
static void against_plain_search(void **state)
{
	static const char alphabet[] = "abAB-c ";
	unsigned int seed = 15;

	(void)state;
	for (int round = 0; round < 200; round++) {
		char words[40][8], text[200];
		const char *ptrs[40];
		size_t n = 1 + (size_t)(rand_r(&seed) % 40);
		struct vfd_ac *ac;
		bool gated = round % 2;
		uint64_t want = 0, any_gate = 0;

		for (size_t i = 0; i < n; i++) {
			size_t len = 1 + (size_t)(rand_r(&seed) % 6);

			for (size_t k = 0; k < len; k++)
				words[i][k] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
			words[i][len] = '\0';
			ptrs[i] = words[i];
		}
		ac = vfd_ac_new();
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(vfd_ac_add(ac, ptrs[i], strlen(ptrs[i])), (int)i);
			if (gated && strlen(ptrs[i]) >= 4 && rand_r(&seed) % 3 == 0) {
				assert_int_equal(vfd_ac_gate(ac, (uint32_t)i), 0);
				any_gate |= UINT64_C(1) << i;
			}
		}
		assert_int_equal(vfd_ac_build(ac), 0);
		for (int t = 0; t < 20; t++) {
			size_t len = (size_t)(rand_r(&seed) % (sizeof(text) - 1));
			uint64_t got;

			for (size_t k = 0; k < len; k++)
				text[k] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
			text[len] = '\0';
			want = 0;
			for (size_t i = 0; i < n; i++)
				if (strcasestr(text, ptrs[i]))
					want |= UINT64_C(1) << i;
			got = found(ac, text);
			if (any_gate && !(want & any_gate))
				/* no gate word: nothing, or (a false positive of the filter) everything */
				assert_true(got == 0 || got == want);
			else
				assert_int_equal(got, want);
		}
		vfd_ac_free(ac);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basics),
		cmocka_unit_test(refusals),
		cmocka_unit_test(gates),
		cmocka_unit_test(rarest_window),
		cmocka_unit_test(against_plain_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
