// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The knowledge base's prefilter. Every literal word (three bytes or more) of
 * every pattern must occur in a line the pattern matches, so the Pike VM of
 * kb.c runs only on lines that hold all of a pattern's words.
 *
 * Each pattern has a primary word: of its words of four bytes or more (every
 * pattern has one, kb.c sees to it), the one least likely in a
 * log line by the letters of its rarest 4-byte window (ac.c), then the one
 * fewest patterns share (a word many patterns use, "failed", "device", is
 * common in logs as well), then the longer one. One automaton (ac.c) holds
 * all the words and those of the classifier of unknown lines, and finds them
 * all in one pass; the primaries, and the classifier's words that make a
 * line relevant, are its gates: a line without a 4-byte window of any gate
 * word is dropped by a cheap test before the automaton reads it. A pattern
 * is a candidate when its primary is in the line and each of its other
 * words too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "kb-prefilter.h"

struct kb_prefilter {
	struct vfd_ac *ac;

	/* distinct words, in the order first added; the automaton's ids are these */
	char **words;
	size_t n_words, cap_words;
	uint32_t *users;		/* per word: patterns that require it */
	int16_t *hint;			/* per word: the classifier's bit, -1 none */
	bool *gate;			/* per word: a classifier word that gates */
	uint32_t *index;		/* hash index of the words: id + 1, 0 empty */
	size_t index_size;		/* a power of two */

	/* per pattern: its words, pw[pw_start[p] .. pw_start[p + 1]) */
	uint32_t *pw, *pw_start;
	size_t n_pw, cap_pw, n_patterns, cap_patterns;

	/* after the build: per word, the patterns it is the primary of */
	uint32_t *prim_start, *prim_list;

	/* scratch of a run */
	uint32_t *seen;			/* per word: the run that found it */
	uint32_t stamp;
};

struct kb_prefilter *kb_prefilter_new(void)
{
	struct kb_prefilter *pf = calloc(1, sizeof(*pf));

	if (!pf)
		return NULL;
	pf->ac = vfd_ac_new();
	pf->pw_start = calloc(1, sizeof(*pf->pw_start));
	if (!pf->ac || !pf->pw_start) {
		kb_prefilter_free(pf);
		return NULL;
	}
	pf->cap_patterns = 0;
	return pf;
}

void kb_prefilter_free(struct kb_prefilter *pf)
{
	if (!pf)
		return;
	vfd_ac_free(pf->ac);
	for (size_t i = 0; i < pf->n_words; i++)
		free(pf->words[i]);
	free(pf->words);
	free(pf->users);
	free(pf->hint);
	free(pf->gate);
	free(pf->index);
	free(pf->pw);
	free(pf->pw_start);
	free(pf->prim_start);
	free(pf->prim_list);
	free(pf->seen);
	free(pf);
}

/* FNV-1a */
static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static int reindex(struct kb_prefilter *pf, size_t size)
{
	uint32_t *index = calloc(size, sizeof(*index));

	if (!index)
		return -ENOMEM;
	for (size_t w = 0; w < pf->n_words; w++) {
		size_t i = hash(pf->words[w]) & (size - 1);

		while (index[i])
			i = (i + 1) & (size - 1);
		index[i] = (uint32_t)w + 1;
	}
	free(pf->index);
	pf->index = index;
	pf->index_size = size;
	return 0;
}

/* the id of @word, added when new; -ENOMEM */
static int64_t intern(struct kb_prefilter *pf, const char *word)
{
	size_t i;

	if (2 * (pf->n_words + 1) > pf->index_size &&
	    reindex(pf, pf->index_size ? 2 * pf->index_size : 1024) < 0)
		return -ENOMEM;
	for (i = hash(word) & (pf->index_size - 1); pf->index[i];
	     i = (i + 1) & (pf->index_size - 1))
		if (strcmp(pf->words[pf->index[i] - 1], word) == 0)
			return pf->index[i] - 1;
	if (pf->n_words == pf->cap_words) {
		size_t ncap = pf->cap_words ? 2 * pf->cap_words : 256;
		char **nw = realloc(pf->words, ncap * sizeof(*nw));
		uint32_t *nu;
		int16_t *nh;
		bool *ng;

		if (!nw)
			return -ENOMEM;
		pf->words = nw;
		nu = realloc(pf->users, ncap * sizeof(*nu));
		if (!nu)
			return -ENOMEM;
		pf->users = nu;
		nh = realloc(pf->hint, ncap * sizeof(*nh));
		if (!nh)
			return -ENOMEM;
		pf->hint = nh;
		ng = realloc(pf->gate, ncap * sizeof(*ng));
		if (!ng)
			return -ENOMEM;
		pf->gate = ng;
		pf->cap_words = ncap;
	}
	pf->words[pf->n_words] = strdup(word);
	if (!pf->words[pf->n_words])
		return -ENOMEM;
	pf->users[pf->n_words] = 0;
	pf->hint[pf->n_words] = -1;
	pf->gate[pf->n_words] = false;
	pf->index[i] = (uint32_t)++pf->n_words;
	return (int64_t)pf->n_words - 1;
}

int kb_prefilter_add_pattern(struct kb_prefilter *pf, size_t pattern, const char *words,
			     size_t n_words)
{
	uint32_t *ns;

	if (pattern != pf->n_patterns || n_words == 0 || pf->prim_start)
		return -EINVAL;
	if (pf->n_patterns + 1 >= pf->cap_patterns) {
		size_t ncap = pf->cap_patterns ? 2 * pf->cap_patterns : 256;

		ns = realloc(pf->pw_start, (ncap + 1) * sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		pf->pw_start = ns;
		pf->cap_patterns = ncap;
	}
	for (size_t k = 0; k < n_words; k++) {
		int64_t id = *words ? intern(pf, words) : -EINVAL;

		if (id < 0)
			return (int)id;
		if (pf->n_pw == pf->cap_pw) {
			size_t ncap = pf->cap_pw ? 2 * pf->cap_pw : 1024;
			uint32_t *np = realloc(pf->pw, ncap * sizeof(*np));

			if (!np)
				return -ENOMEM;
			pf->pw = np;
			pf->cap_pw = ncap;
		}
		pf->pw[pf->n_pw++] = (uint32_t)id;
		pf->users[id]++;
		words += strlen(words) + 1;
	}
	pf->pw_start[++pf->n_patterns] = (uint32_t)pf->n_pw;
	return 0;
}

int kb_prefilter_add_hint(struct kb_prefilter *pf, const char *word, unsigned int bit, bool gate)
{
	int64_t id;

	if (bit >= 64 || !*word || (gate && strlen(word) < 4) || pf->prim_start)
		return -EINVAL;
	id = intern(pf, word);
	if (id < 0)
		return (int)id;
	pf->hint[id] = (int16_t)bit;
	pf->gate[id] = gate;
	return 0;
}

/* the rarest word of pattern @p, then the one fewest patterns share, then the longer */
static uint32_t primary(const struct kb_prefilter *pf, size_t p)
{
	uint32_t best = pf->pw[pf->pw_start[p]];
	size_t off;
	unsigned int best_score = vfd_ac_rarest_window(pf->words[best], strlen(pf->words[best]),
						       &off);

	for (uint32_t k = pf->pw_start[p] + 1; k < pf->pw_start[p + 1]; k++) {
		uint32_t w = pf->pw[k];
		unsigned int score = vfd_ac_rarest_window(pf->words[w], strlen(pf->words[w]), &off);

		if (score < best_score ||
		    (score == best_score && (pf->users[w] < pf->users[best] ||
					     (pf->users[w] == pf->users[best] &&
					      strlen(pf->words[w]) > strlen(pf->words[best]))))) {
			best = w;
			best_score = score;
		}
	}
	return best;
}

int kb_prefilter_build(struct kb_prefilter *pf)
{
	uint32_t *prim;
	int r = 0;

	if (pf->prim_start)
		return -EINVAL;
	pf->prim_start = calloc(pf->n_words + 2, sizeof(*pf->prim_start));
	pf->prim_list = malloc((pf->n_patterns + 1) * sizeof(*pf->prim_list));
	pf->seen = calloc(pf->n_words + 1, sizeof(*pf->seen));
	prim = malloc((pf->n_patterns + 1) * sizeof(*prim));
	if (!pf->prim_start || !pf->prim_list || !pf->seen || !prim) {
		free(prim);
		return -ENOMEM;
	}
	/* counting sort of the patterns by primary word */
	for (size_t p = 0; p < pf->n_patterns; p++) {
		prim[p] = primary(pf, p);
		pf->prim_start[prim[p] + 2]++;
	}
	for (size_t w = 0; w < pf->n_words; w++)
		pf->prim_start[w + 2] += pf->prim_start[w + 1];
	for (size_t p = 0; p < pf->n_patterns; p++)
		pf->prim_list[pf->prim_start[prim[p] + 1]++] = (uint32_t)p;
	/* the automaton: word ids are the same as here */
	for (size_t w = 0; w < pf->n_words && r >= 0; w++)
		r = vfd_ac_add(pf->ac, pf->words[w], strlen(pf->words[w]));
	for (size_t p = 0; p < pf->n_patterns && r >= 0; p++)
		r = vfd_ac_gate(pf->ac, prim[p]);
	for (size_t w = 0; w < pf->n_words && r >= 0; w++)
		if (pf->gate[w])
			r = vfd_ac_gate(pf->ac, (uint32_t)w);
	free(prim);
	return r < 0 ? r : vfd_ac_build(pf->ac);
}

size_t kb_prefilter_run(struct kb_prefilter *pf, const char *line, size_t len, size_t *cands,
			uint64_t *hints)
{
	const uint32_t *ids;
	size_t n = vfd_ac_scan(pf->ac, line, len, &ids), n_cands = 0;

	*hints = 0;
	if (n == 0)
		return 0;
	if (++pf->stamp == 0) {
		memset(pf->seen, 0, (pf->n_words + 1) * sizeof(*pf->seen));
		pf->stamp = 1;
	}
	for (size_t i = 0; i < n; i++) {
		pf->seen[ids[i]] = pf->stamp;
		if (pf->hint[ids[i]] >= 0)
			*hints |= UINT64_C(1) << pf->hint[ids[i]];
	}
	for (size_t i = 0; i < n; i++) {
		for (uint32_t k = pf->prim_start[ids[i]]; k < pf->prim_start[ids[i] + 1]; k++) {
			uint32_t p = pf->prim_list[k], j = pf->pw_start[p];

			while (j < pf->pw_start[p + 1] && pf->seen[pf->pw[j]] == pf->stamp)
				j++;
			if (j == pf->pw_start[p + 1])
				cands[n_cands++] = p;
		}
	}
	return n_cands;
}
