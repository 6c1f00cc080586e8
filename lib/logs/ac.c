// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Aho-Corasick over a set of literal words (Aho and Corasick, "Efficient
 * string matching", CACM 1975): a trie of the words, each state's failure
 * link (the longest proper suffix of its path that is also a path), and
 * from those a complete transition table, so that the scan reads each byte
 * once and does one table load per byte whatever the number of words.
 *
 * The table is dense over the byte classes that occur in the words (every
 * other byte is class 0 and leads back towards the root), and holds row
 * offsets rather than states, with the top bit marking the states where a
 * word ends (here or on the suffix chain), so the scan loop is one load, one
 * mask and one test per byte.
 *
 * That pass is a chain of dependent loads, so it costs the latency of a load
 * per byte. With gates, a line first goes through a filter of one 4-byte
 * window of each gate word (a hashed bit set of 2^20 bits, 128 KiB, that
 * stays in the L2 cache; one probe costs less than the two of a Bloom filter
 * in 32 KiB and lets through fewer windows by chance): each 4-byte
 * window of the line is hashed and tested independently of the others, which
 * the CPU runs in parallel, and most lines of a log hold none of the gates.
 * The window kept of a word is its rarest by the frequency of letters in
 * English text and of digits, blanks and punctuation in logs, so that
 * "register" is tested as "egis", not as the "regi" of every "region".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"

#define AC_HIT		0x80000000u
#define AC_MAX_TABLE	(1u << 24)	/* transition entries: 64 MiB at most */
#define GATE_BITS	20		/* the filter of the gates: 2^20 bits, 128 KiB */
#define FOLD4		0x20202020u	/* ASCII letters to lower case, four at a time */

struct vfd_ac {
	char **words;			/* lower case, as added */
	size_t *lens;
	size_t n_words, cap_words, total;
	bool built;
	bool *gate;			/* per word */
	bool gated;
	uint64_t *bloom;		/* 2^GATE_BITS bits */

	uint8_t cls[256];		/* byte -> class, 0 for bytes in no word */
	size_t nclass;
	uint32_t *scan;			/* [state * nclass + class]: next row | AC_HIT */
	int32_t *out;			/* per state: a word ending there, -1 none */
	int32_t *out_next;		/* per word: the next word ending in the same state */
	uint32_t *dict;			/* per state: the next state on its suffix chain
					   where a word ends, 0 none */
	size_t states;

	/* scratch of a scan */
	uint32_t *seen;			/* per state: the scan that reported it */
	uint32_t stamp;
	uint32_t *hits;
};

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

unsigned char vfd_ac_class_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if ((c >= 'a' && c <= 'z') || (c && strchr(" -_:./()[]=,", c)))
		return c;
	if (c >= '0' && c <= '9')
		return '0';
	return 1;
}

struct vfd_ac *vfd_ac_new(void)
{
	return calloc(1, sizeof(struct vfd_ac));
}

void vfd_ac_free(struct vfd_ac *ac)
{
	if (!ac)
		return;
	for (size_t i = 0; i < ac->n_words; i++)
		free(ac->words[i]);
	free(ac->words);
	free(ac->lens);
	free(ac->scan);
	free(ac->out);
	free(ac->out_next);
	free(ac->dict);
	free(ac->seen);
	free(ac->hits);
	free(ac->gate);
	free(ac->bloom);
	free(ac);
}

size_t vfd_ac_count(const struct vfd_ac *ac)
{
	return ac ? ac->n_words : 0;
}

int vfd_ac_add(struct vfd_ac *ac, const char *word, size_t len)
{
	char *w;

	if (!ac || ac->built || !word || len == 0)
		return -EINVAL;
	if (ac->total + len >= AC_MAX_TABLE || ac->n_words >= INT32_MAX)
		return -E2BIG;
	if (ac->n_words == ac->cap_words) {
		size_t ncap = ac->cap_words ? ac->cap_words * 2 : 64;
		char **nw = realloc(ac->words, ncap * sizeof(*nw));
		size_t *nl;
		bool *ng;

		if (!nw)
			return -ENOMEM;
		ac->words = nw;
		nl = realloc(ac->lens, ncap * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		ac->lens = nl;
		ng = realloc(ac->gate, ncap * sizeof(*ng));
		if (!ng)
			return -ENOMEM;
		ac->gate = ng;
		ac->cap_words = ncap;
	}
	w = malloc(len);
	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++)
		w[i] = (char)fold((unsigned char)word[i]);
	ac->words[ac->n_words] = w;
	ac->lens[ac->n_words] = len;
	ac->gate[ac->n_words] = false;
	ac->total += len;
	return (int)ac->n_words++;
}

int vfd_ac_gate(struct vfd_ac *ac, uint32_t id)
{
	if (!ac || ac->built || id >= ac->n_words || ac->lens[id] < 4)
		return -EINVAL;
	ac->gate[id] = true;
	ac->gated = true;
	return 0;
}

/*
 * how common a byte is in log text, roughly per mille: letters after their
 * frequency in English (Lewand, "Cryptological Mathematics", 2000), blank,
 * digits and the punctuation of kernel lines guessed higher
 */
static unsigned int commonness(unsigned char c)
{
	static const unsigned char letters[26] = {
		82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24,
		67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1,
	};

	if (c >= 'a' && c <= 'z')
		return letters[c - 'a'];
	if (c >= 'A' && c <= 'Z')
		return letters[c - 'A'];
	if (c == ' ')
		return 150;
	if (c >= '0' && c <= '9')
		return 40;
	if (c == ':' || c == '.' || c == ',')
		return 30;
	return 10;
}

unsigned int vfd_ac_rarest_window(const char *word, size_t len, size_t *offset)
{
	const unsigned char *w = (const unsigned char *)word;
	unsigned int best_score = ~0u;

	*offset = 0;
	for (size_t k = 0; k + 4 <= len; k++) {
		unsigned int score = commonness(w[k]) + commonness(w[k + 1]) +
				     commonness(w[k + 2]) + commonness(w[k + 3]);

		if (score < best_score) {
			best_score = score;
			*offset = k;
		}
	}
	return best_score;
}

/* the bit of a 4-byte window, case folded (multiplicative hashing, Knuth) */
static inline uint32_t window_bit(const unsigned char *s)
{
	uint32_t x;

	memcpy(&x, s, 4);
	return ((x | FOLD4) * 0x9e3779b1u) >> (32 - GATE_BITS);
}

static int build_gates(struct vfd_ac *ac)
{
	if (!ac->gated)
		return 0;
	ac->bloom = calloc((1u << GATE_BITS) / 64, sizeof(*ac->bloom));
	if (!ac->bloom)
		return -ENOMEM;
	for (size_t i = 0; i < ac->n_words; i++) {
		uint32_t a;
		size_t off;

		if (!ac->gate[i])
			continue;
		vfd_ac_rarest_window(ac->words[i], ac->lens[i], &off);
		a = window_bit((const unsigned char *)ac->words[i] + off);
		ac->bloom[a / 64] |= UINT64_C(1) << (a % 64);
	}
	return 0;
}

/* does @s hold the kept window of a gate word (or a false positive)? */
static bool gate_open(const struct vfd_ac *ac, const unsigned char *s, size_t len)
{
	const uint64_t *bloom = ac->bloom;

	for (size_t i = 0; i + 4 <= len; i++) {
		uint32_t a = window_bit(s + i);

		if ((bloom[a / 64] >> (a % 64)) & 1)
			return true;
	}
	return false;
}

/* the trie of the words; *next is [state * nclass + class], 0 = no edge yet */
static int build_trie(struct vfd_ac *ac, uint32_t *next)
{
	size_t nclass = ac->nclass;

	ac->states = 1;
	for (size_t i = 0; i < ac->n_words; i++) {
		size_t s = 0;

		for (size_t k = 0; k < ac->lens[i]; k++) {
			uint32_t *t = &next[s * nclass + ac->cls[(unsigned char)ac->words[i][k]]];

			if (!*t)
				*t = (uint32_t)ac->states++;
			s = *t;
		}
		ac->out_next[i] = ac->out[s];
		ac->out[s] = (int32_t)i;
	}
	return 0;
}

/* breadth first: each state's failure link, then its missing edges through it */
static int link_states(struct vfd_ac *ac, uint32_t *next)
{
	size_t nclass = ac->nclass, qh = 0, qt = 0;
	uint32_t *fail = calloc(ac->states, sizeof(*fail));
	uint32_t *queue = malloc(ac->states * sizeof(*queue));

	if (!fail || !queue) {
		free(fail);
		free(queue);
		return -ENOMEM;
	}
	for (size_t c = 1; c < nclass; c++)
		if (next[c])
			queue[qt++] = next[c];
	while (qh < qt) {
		uint32_t s = queue[qh++];

		ac->dict[s] = ac->out[fail[s]] >= 0 ? fail[s] : ac->dict[fail[s]];
		for (size_t c = 1; c < nclass; c++) {
			uint32_t *t = &next[(size_t)s * nclass + c];

			if (*t) {
				fail[*t] = next[(size_t)fail[s] * nclass + c];
				queue[qt++] = *t;
			} else {
				*t = next[(size_t)fail[s] * nclass + c];
			}
		}
	}
	free(fail);
	free(queue);
	return 0;
}

int vfd_ac_build(struct vfd_ac *ac)
{
	size_t nclass = 1, max_states;
	uint32_t *next;
	int r;

	if (!ac || ac->built)
		return -EINVAL;
	/*
	 * a class per byte of the words, after vfd_ac_class_of(): letters of
	 * either case, all digits and all rare bytes share theirs, so the table
	 * has fewer columns (and stays in cache) for a few more false reports
	 */
	memset(ac->cls, 0, sizeof(ac->cls));
	for (size_t i = 0; i < ac->n_words; i++)
		for (size_t k = 0; k < ac->lens[i]; k++) {
			unsigned char b = vfd_ac_class_of((unsigned char)ac->words[i][k]);

			if (!ac->cls[b])
				ac->cls[b] = (uint8_t)nclass++;
		}
	for (int c = 0; c < 256; c++)
		ac->cls[c] = ac->cls[vfd_ac_class_of((unsigned char)c)];
	ac->nclass = nclass;
	max_states = ac->total + 1;
	if (max_states * nclass > AC_MAX_TABLE)
		return -E2BIG;
	next = calloc(max_states * nclass, sizeof(*next));
	ac->out = malloc(max_states * sizeof(*ac->out));
	ac->dict = calloc(max_states, sizeof(*ac->dict));
	ac->out_next = malloc((ac->n_words + 1) * sizeof(*ac->out_next));
	ac->seen = calloc(max_states, sizeof(*ac->seen));
	ac->hits = malloc((ac->n_words + 1) * sizeof(*ac->hits));
	if (!next || !ac->out || !ac->dict || !ac->out_next || !ac->seen || !ac->hits) {
		free(next);
		return -ENOMEM;
	}
	for (size_t s = 0; s < max_states; s++)
		ac->out[s] = -1;
	r = build_trie(ac, next);
	if (r == 0)
		r = link_states(ac, next);
	if (r == 0)
		r = build_gates(ac);
	if (r < 0) {
		free(next);
		return r;
	}
	/* the scan table: rows as offsets, AC_HIT where some word ends */
	for (size_t i = 0; i < ac->states * nclass; i++) {
		uint32_t t = next[i];

		next[i] = (uint32_t)(t * nclass) | (ac->out[t] >= 0 || ac->dict[t] ? AC_HIT : 0);
	}
	ac->scan = realloc(next, ac->states * nclass * sizeof(*next));
	if (!ac->scan)
		ac->scan = next;
	ac->built = true;
	return 0;
}

size_t vfd_ac_scan(struct vfd_ac *ac, const char *text, size_t len, const uint32_t **ids)
{
	const unsigned char *s = (const unsigned char *)text;
	const uint32_t *scan;
	const uint8_t *cls;
	uint32_t off = 0;
	size_t n = 0;

	*ids = NULL;
	if (!ac || !ac->built)
		return 0;
	*ids = ac->hits;
	if (ac->gated && !gate_open(ac, s, len))
		return 0;
	if (++ac->stamp == 0) {
		memset(ac->seen, 0, ac->states * sizeof(*ac->seen));
		ac->stamp = 1;
	}
	scan = ac->scan;
	cls = ac->cls;
	for (size_t i = 0; i < len; i++) {
		uint32_t next = scan[off + cls[s[i]]];

		off = next & ~AC_HIT;
		if (!(next & AC_HIT))
			continue;
		/* each state reports its words once a scan; its chain was walked with it */
		for (uint32_t st = off / (uint32_t)ac->nclass; st && ac->seen[st] != ac->stamp;
		     st = ac->dict[st]) {
			ac->seen[st] = ac->stamp;
			for (int32_t o = ac->out[st]; o >= 0; o = ac->out_next[o])
				ac->hits[n++] = (uint32_t)o;
		}
	}
	return n;
}
