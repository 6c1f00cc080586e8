// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The prefilter's words as the knowledge base adds them (kb-prefilter.h):
 * each word of every pattern and of the classifier interned once, an id a
 * word, with the patterns' lists of ids; kb-prefilter.c lays them out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb-prefilter.h"
#include "kb-prefilter-int.h"

/*
 * the hash of word @s (@len bytes) in the index of words: eight bytes at a
 * time, the last one to seven in two overlapping loads (fnv1a_str() took a
 * byte at a time, a twentieth of a large knowledge base's start-up);
 * inlined, as intern() is
 */
static inline __attribute__((always_inline)) uint64_t
word_hash(const char *s, size_t len)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) * (len + 1), x;
	size_t k = 0, rest;

	for (; k + 8 <= len; k += 8) {
		memcpy(&x, s + k, 8);
		h = (h ^ x) * UINT64_C(0xbf58476d1ce4e5b9);
		h ^= h >> 29;
	}
	rest = len - k;
	if (rest >= 4) {
		uint32_t a, b;

		memcpy(&a, s + k, 4);
		memcpy(&b, s + len - 4, 4);
		x = (uint64_t)a << 32 | b;
	} else if (rest >= 2) {
		uint16_t a, b;

		memcpy(&a, s + k, 2);
		memcpy(&b, s + len - 2, 2);
		x = (uint64_t)a << 16 | b;
	} else {
		x = rest ? (unsigned char)s[k] : 0;
	}
	h = (h ^ x) * UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 31;
	h *= UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 32);
}

/*
 * are the @len bytes at @a and @b the same? A pattern's words are cut to 24
 * bytes: two or three loads that overlap, not a memcmp() call a word of
 * every pattern
 */
static inline __attribute__((always_inline)) bool same_word(const char *a, const char *b,
							     size_t len)
{
	uint64_t x, y, u, v;

	if (len < 4 || len > 24)
		return memcmp(a, b, len) == 0;
	if (len < 8) {
		uint32_t p, q, r, t;

		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&r, a + len - 4, 4);
		memcpy(&t, b + len - 4, 4);
		return ((p ^ q) | (r ^ t)) == 0;
	}
	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	memcpy(&u, a + len - 8, 8);
	memcpy(&v, b + len - 8, 8);
	if ((x ^ y) | (u ^ v))
		return false;
	if (len <= 16)
		return true;
	memcpy(&x, a + 8, 8);
	memcpy(&y, b + 8, 8);
	return x == y;
}

static int reindex(struct kb_prefilter *pf, size_t size)
{
	uint32_t *index = calloc(size, sizeof(*index));

	if (!index)
		return -ENOMEM;
	for (size_t w = 0; w < pf->n_words; w++) {
		size_t i = word_hash(pf->words[w], pf->lens[w]) & (size - 1);

		while (index[i])
			i = (i + 1) & (size - 1);
		index[i] = (uint32_t)w + 1;
	}
	free(pf->index);
	pf->index = index;
	pf->index_size = size;
	return 0;
}

/*
 * the id of @word (@len bytes), added when new; -ENOMEM. Inlined into its
 * two calls: once a word of every pattern, the call cost 4M instructions of
 * a large knowledge base's start-up
 */
static inline __attribute__((always_inline)) int64_t
intern(struct kb_prefilter *pf, const char *word, size_t len)
{
	size_t i;

	if (2 * (pf->n_words + 1) > pf->index_size &&
	    reindex(pf, pf->index_size ? 2 * pf->index_size : 1024) < 0)
		return -ENOMEM;
	/* by length first: the words' lengths are known (no strcmp() a word) */
	for (i = word_hash(word, len) & (pf->index_size - 1); pf->index[i];
	     i = (i + 1) & (pf->index_size - 1))
		if (pf->lens[pf->index[i] - 1] == len &&
		    same_word(pf->words[pf->index[i] - 1], word, len))
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
		nu = realloc(pf->lens, (ncap + 1) * sizeof(*nu));
		if (!nu)
			return -ENOMEM;
		pf->lens = nu;
		pf->cap_words = ncap;
	}
	pf->words[pf->n_words] = text_arena_room(&pf->texts, len);
	if (!pf->words[pf->n_words])
		return -ENOMEM;
	memcpy(pf->words[pf->n_words], word, len + 1);
	pf->lens[pf->n_words] = (uint32_t)len;
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

	if (pattern != pf->n_patterns || n_words == 0 || pf->seen)
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
		size_t len = strlen(words);
		int64_t id = len >= 2 ? intern(pf, words, len) : -EINVAL;

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
		words += len + 1;
	}
	pf->pw_start[++pf->n_patterns] = (uint32_t)pf->n_pw;
	return 0;
}

int kb_prefilter_add_hint(struct kb_prefilter *pf, const char *word, unsigned int bit, bool gate)
{
	int64_t id;

	if (bit >= 64 || !*word || (gate && strlen(word) < 4) || pf->seen)
		return -EINVAL;
	id = intern(pf, word, strlen(word));
	if (id < 0)
		return (int)id;
	pf->hint[id] = (int16_t)bit;
	pf->gate[id] = gate;
	return 0;
}
