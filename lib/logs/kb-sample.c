// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The prefilter's sample of a log (kb-prefilter.c says why): one line in
 * SAMPLE_EVERY of the first ones, the words each holds and how often each
 * 4-byte window occurs; then the primaries are chosen again, the rarest in
 * this log, and the gates keep their rarest windows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb-prefilter-int.h"

/* does the sampled line (mapped into pf->map) hold word @w? */
static bool line_holds(const struct kb_prefilter *pf, uint32_t w)
{
	return kb_line_map_holds(&pf->map, pf->mapped[w], pf->lens[w]);
}

/* pf->by_tri_start and pf->by_tri; without memory, none (every word is asked) */
void kb_pf_index_by_trigram(struct kb_prefilter *pf)
{
	const size_t n_buckets = (1u << KB_TRI_BITS) + 1;	/* the last: two-byte words */
	uint32_t *start = calloc(n_buckets + 1, sizeof(*start));
	uint32_t *list = malloc((pf->n_words + 1) * sizeof(*list));

	if (!start || !list) {
		free(start);
		free(list);
		return;
	}
	for (size_t w = 0; w < pf->n_words; w++)
		start[(pf->lens[w] < 3 ? n_buckets - 1 : kb_tri_at(pf->mapped[w])) + 1]++;
	for (size_t h = 0; h < n_buckets; h++)
		start[h + 1] += start[h];
	for (size_t w = 0; w < pf->n_words; w++)
		list[start[pf->lens[w] < 3 ? n_buckets - 1 : kb_tri_at(pf->mapped[w])]++] =
			(uint32_t)w;
	/* each start moved to the next one's: back by one bucket */
	memmove(start + 1, start, n_buckets * sizeof(*start));
	start[0] = 0;
	pf->by_tri_start = start;
	pf->by_tri = list;
}

/* the sample's count of word @w held by line number @n of the sample */
static void count_held(struct kb_prefilter *pf, uint32_t w, size_t n)
{
	pf->freq[w]++;
	pf->held[w * (SAMPLE_LINES / 64) + n / 64] |= UINT64_C(1) << (n % 64);
}

/*
 * the words sampled line number @n (@len bytes, mapped into pf->map) holds:
 * for each trigram hash of the line, at the place where it first occurs, the
 * words that start with it (line_holds() needs the first trigram), then the
 * two-byte words
 */
static void sample_words(struct kb_prefilter *pf, size_t len, size_t n)
{
	const uint32_t *start = pf->by_tri_start;

	if (!start) {
		for (uint32_t w = 0; w < pf->n_words; w++)
			if (line_holds(pf, w))
				count_held(pf, w, n);
		return;
	}
	for (size_t i = 0; i + 3 <= len; i++) {
		uint32_t h = kb_tri_at(pf->map.line + i);

		if (!kb_line_map_first(&pf->map, i))
			continue;
		for (uint32_t k = start[h]; k < start[h + 1]; k++)
			if (line_holds(pf, pf->by_tri[k]))
				count_held(pf, pf->by_tri[k], n);
	}
	for (uint32_t k = start[1u << KB_TRI_BITS]; k < start[(1u << KB_TRI_BITS) + 1]; k++)
		if (line_holds(pf, pf->by_tri[k]))
			count_held(pf, pf->by_tri[k], n);
}

/* count sampled line number pf->n_counted (@len bytes at @s) */
static void count_line(struct kb_prefilter *pf, const unsigned char *s, size_t len)
{
	size_t n = pf->n_counted++;

	kb_line_map_set(&pf->map, pf->cls, s, len);
	for (size_t i = 0; pf->window_count && i + 4 <= len; i++) {
		uint16_t *c = &pf->window_count[count_slot(window_at(s + i))];

		*c += *c < UINT16_MAX;
	}
	sample_words(pf, len, n);
}

/* count the lines kept so far, in their order */
static void count_pending(struct kb_prefilter *pf)
{
	for (size_t at = 0; at < pf->pending_len;) {
		uint32_t len;

		memcpy(&len, pf->pending + at, sizeof(len));
		count_line(pf, pf->pending + at + sizeof(len), len);
		at += sizeof(len) + len;
	}
	pf->pending_len = 0;
}

/*
 * keep sampled line @s (@len bytes) to count with the others once the
 * sample is complete; where there is no room (a long line, no memory), the
 * ones kept and this one are counted now
 */
static void keep_line(struct kb_prefilter *pf, const unsigned char *s, size_t len)
{
	uint32_t n = (uint32_t)len;
	size_t need = pf->pending_len + sizeof(n) + len;

	if (need > pf->pending_cap && need <= PENDING_MAX) {
		size_t cap = pf->pending_cap ? pf->pending_cap : 16384;
		unsigned char *np;

		while (cap < need)
			cap *= 2;
		np = realloc(pf->pending, cap);
		if (np) {
			pf->pending = np;
			pf->pending_cap = cap;
		}
	}
	if (need > pf->pending_cap) {
		count_pending(pf);
		count_line(pf, s, len);
		return;
	}
	memcpy(pf->pending + pf->pending_len, &n, sizeof(n));
	memcpy(pf->pending + pf->pending_len + sizeof(n), s, len);
	pf->pending_len = need;
}

/*
 * one line in SAMPLE_EVERY of the first ones: count the words it holds; after
 * SAMPLE_LINES of them, choose the primaries and secondaries again, the
 * rarest in this log first. The letters of a word say little of how common
 * it is in a boot log ("acpi", "table", "pci_bus" look rare), the log itself
 * does; the candidates are the same whichever word is looked for first.
 * The lines are counted when the sample is complete: on a log whose lines
 * the cache answers, fewer than SAMPLE_EVERY * SAMPLE_LINES reach the
 * prefilter, and counting them as they came was four percent of explain's
 * instructions on a 50 MB boot log.
 */
bool kb_pf_sample(struct kb_prefilter *pf, const unsigned char *s, size_t len)
{
	if (pf->runs++ % SAMPLE_EVERY == 0)
		keep_line(pf, s, len);
	if (pf->runs < SAMPLE_EVERY * SAMPLE_LINES)
		return false;
	count_pending(pf);
	pf->sampled = true;
	return true;
}

void kb_pf_sample_done(struct kb_prefilter *pf)
{
	free(pf->window_count);
	pf->window_count = NULL;
	free(pf->pending);
	pf->pending = NULL;
	pf->pending_len = pf->pending_cap = 0;
	free(pf->by_tri_start);
	free(pf->by_tri);
	pf->by_tri_start = pf->by_tri = NULL;
}
