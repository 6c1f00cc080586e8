// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the multi-word search of lib/logs/ac.c against a plain
 * search. The input is words, one per line, then an empty line, then the
 * text; words of four bytes or more whose line starts with '!' are gates.
 * Every word the plain search finds must be reported (when a gate word is
 * in the text, or there are no gates), each once, and nothing else; the
 * plain search compares bytes as the automaton does (vfd_ac_class_of: case,
 * digits and rare punctuation folded). A gate opens on its word as it is
 * (ASCII case aside), not on the same word with other digits.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS 64

/* is @w (@wl bytes) in @t, bytes compared by their class? */
static bool contains(const char *t, size_t tl, const char *w, size_t wl)
{
	for (size_t i = 0; i + wl <= tl; i++) {
		size_t k = 0;

		while (k < wl && vfd_ac_class_of((unsigned char)t[i + k]) ==
				 vfd_ac_class_of((unsigned char)w[k]))
			k++;
		if (k == wl)
			return true;
	}
	return false;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* is @w in @t, ASCII case aside? */
static bool contains_exact(const char *t, size_t tl, const char *w, size_t wl)
{
	for (size_t i = 0; i + wl <= tl; i++) {
		size_t k = 0;

		while (k < wl && lower((unsigned char)t[i + k]) == lower((unsigned char)w[k]))
			k++;
		if (k == wl)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *text;
	const char *words[MAX_WORDS];
	size_t lens[MAX_WORDS], n = 0, tl;
	bool gate[MAX_WORDS], gated = false, gate_in_text = false, want[MAX_WORDS], seen[MAX_WORDS];
	struct vfd_ac *ac = vfd_ac_new();
	const uint32_t *ids;
	size_t got;

	if (!ac)
		return 0;
	while (p < end && n < MAX_WORDS) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (len == 0) {
			p++;
			break;
		}
		gate[n] = p[0] == '!' && len >= 5;
		words[n] = gate[n] ? p + 1 : p;
		lens[n] = gate[n] ? len - 1 : len;
		{
			if (vfd_ac_add(ac, words[n], lens[n]) != (int)n)
				abort();
			if (gate[n] && vfd_ac_gate(ac, (uint32_t)n) != 0)
				abort();
			gated |= gate[n];
			n++;
		}
		p += len + (nl ? 1 : 0);
	}
	text = p;
	tl = (size_t)(end - p);
	if (vfd_ac_build(ac) < 0) {
		vfd_ac_free(ac);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		want[i] = contains(text, tl, words[i], lens[i]);
		seen[i] = false;
		gate_in_text |= gate[i] && contains_exact(text, tl, words[i], lens[i]);
	}
	got = vfd_ac_scan(ac, text, tl, &ids);
	for (size_t i = 0; i < got; i++) {
		if (ids[i] >= n || seen[ids[i]])
			abort();
		seen[ids[i]] = true;
	}
	for (size_t i = 0; i < n; i++) {
		/* without a gate word in the text a scan may say nothing (or, by a false
		   positive of the filter, everything) */
		if (gated && !gate_in_text && got == 0)
			continue;
		if (seen[i] != want[i])
			abort();
	}
	vfd_ac_free(ac);
	return 0;
}
