/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The prefilter's own state, shared by its files: kb-prefilter-add.c (the
 * words as they are added), kb-prefilter.c (the layout of primaries and
 * gates, the scan of a line) and kb-sample.c (the sample of the log's first
 * lines that chooses them again).
 */
#ifndef VFD_KB_PREFILTER_INT_H
#define VFD_KB_PREFILTER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kb-linemap.h"
#include "text-arena.h"
#include "kb-word.h"

/*
 * the bit set of the kept windows: 2^16 bits, 8 KiB, so that the L1 cache
 * holds it where the scan probes it at every byte of the log (2^20 bits, 128
 * KiB, missed it at nearly every byte). A knowledge base of 1,000 gates sets
 * 1.5% of the bits, one of 3,000 4.5%: a window that passes by chance costs
 * a look-up in the exact table, less than the misses did.
 */
#define GATE_BITS	16
#define FOLD4		0x20202020u	/* ASCII letters to lower case, four at a time */
#define SAMPLE_EVERY	16		/* the primaries are chosen again after a sample */
#define SAMPLE_LINES	512		/* ... of this many lines, one in SAMPLE_EVERY */
#define WINDOW_BITS	16		/* the sample's windows: 2^16 hashed counts */
#define PENDING_MAX	(1u << 20)	/* the sampled lines kept to count later: bytes */

/*
 * a gate word that keeps a window: the word, where the window starts in it,
 * and its bytes as kb_word_at() compares them (a copy, so that the words of a
 * window lie together)
 */
struct gate_entry {
	uint32_t word;
	uint32_t offset;
	struct kb_word probe;
};

/*
 * a kept window in the exact table (FOLD4; 0: an empty slot) and its gate
 * words, gates[start .. end). The first of them is checked from the slot
 * itself (its word, where the window lies in it, its bytes), so that a
 * window the scan meets costs one cache line, not three dependent loads
 * (slot, gate entry, the word's bytes): 64 bytes, aligned.
 */
struct window_slot {
	uint32_t key, start, end;
	uint32_t word, offset, len;		/* gates[start]: its word ... */
	const unsigned char *mapped;		/* ... its bytes by class */
	struct kb_word_head head;		/* ... and their first eight */
} __attribute__((aligned(64)));

/* how a word is looked up in a line (struct word_look) */
enum look_how {
	LOOK_SEARCH,		/* searched for in the line */
	LOOK_ABSENT,		/* a gate the scan did not find: not there */
	LOOK_SAME,		/* as word same_as, looked up once for both */
};

/*
 * what a look-up of a word needs, in one cache line: its search, and how
 * (from plain, same_as and whether the layout made it a gate; set again
 * with each layout)
 */
struct word_look {
	struct kb_word probe;
	uint32_t same_as;
	uint8_t how;			/* enum look_how */
} __attribute__((aligned(64)));

/*
 * which word of each pattern is looked for first (its primary), which next
 * (its secondary), and the gates that follow from it
 */
struct layout {
	/*
	 * per word, the patterns it is the primary of, grouped by their
	 * secondary word; per place in that list, where the next group starts
	 * (so a group whose secondary is not in a line is passed over)
	 */
	uint32_t *prim_start, *prim_list, *sec_of, *group_end;
	/*
	 * per word: a gate (a primary, a secondary of four bytes or more, or a
	 * gate of the classifier): the window scan finds every one a line holds
	 */
	bool *is_gate;

	/* the gates: a bit per kept window, then the exact table of the windows */
	uint64_t *bits;
	struct window_slot *slots;	/* open addressing, by window */
	size_t win_size;		/* a power of two */
	struct gate_entry *gates;
	/*
	 * no kept window is made only of stamp bytes (stamp_byte()): the
	 * scan starts after a line's leading run of them (a dmesg time stamp)
	 */
	bool skip_stamp;
};

struct kb_prefilter {
	struct text_arena texts;	/* words and mapped words live here (a malloc each was a
					   tenth of the prefilter's start-up) */

	/* distinct words, in the order first added: their ids */
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

	/* per word: its text mapped by byte_class, its length, its look-up */
	unsigned char **mapped;
	uint32_t *lens;
	struct word_look *look;
	/*
	 * per word: of letters and the punctuation the classes keep only, so
	 * that the scan's check of a gate (ASCII case ignored, other bytes
	 * themselves) and a search of the mapped line say the same
	 */
	bool *plain;
	/*
	 * per word: LOOK_ABSENT, a plain gate, whose presence the scan told
	 * (set with each layout): asked in word_present() without a call
	 */
	bool *scan_told;
	/*
	 * per word: the first word with the same text by class ("(1)" and
	 * "(3)" are both "(0)"): a line holds both or neither, so a word that
	 * is not plain is looked up once for all of them
	 */
	uint32_t *same_as;
	/* per word: rarest_window's score and offset, asked for often */
	uint32_t *win_score, *win_off;
	uint32_t *hint_words;		/* the classifier's words */
	size_t n_hint_words;
	/* those of them whose presence the scan does not tell (not plain, or no gate) */
	uint32_t *hint_search;
	size_t n_hint_search;
	uint64_t found_hints;		/* the bits of those the scan found in the line */
	struct layout lay;

	/*
	 * the first lines of the log, one in SAMPLE_EVERY: per word, in how many,
	 * and which (a bit per line of the sample)
	 */
	uint32_t *freq;
	uint64_t *held;
	uint16_t *window_count;		/* per hashed 4-byte window: how often seen */
	/*
	 * the words by the hash of their first trigram (kb_tri_at()), words
	 * by_tri[by_tri_start[h] .. by_tri_start[h + 1]), then those of two bytes
	 * (no trigram) up to by_tri_start[2^KB_TRI_BITS + 1]: a sampled line is
	 * asked only about the words whose first trigram it may hold
	 */
	uint32_t *by_tri_start, *by_tri;
	size_t runs;
	bool sampled;
	/*
	 * the sampled lines not counted yet (each its length, 4 bytes, then its
	 * bytes): counted only once the sample is complete, so that a log of
	 * fewer lines never pays for a sample it will not use (kb-sample.c)
	 */
	unsigned char *pending;
	size_t pending_len, pending_cap;
	size_t n_counted;		/* the sampled lines counted so far */

	/* scratch of a run */
	/*
	 * per word: the run that looked for it (stamp), times two, plus 1 when
	 * the line holds it: one load tells both
	 */
	uint32_t *seen;
	uint32_t *found;		/* the gate words of the line */
	uint32_t stamp;			/* below 2^31 */
	const unsigned char *raw;	/* the line of the last run, as given */
	size_t line_len;		/* its length, when it found a gate */
	bool classify;			/* the last run found a gate of the classifier */
	struct kb_line_map map;		/* a sampled line, mapped */
	unsigned char cls[256];		/* byte_class as a table */
};

/* the bit of a 4-byte window, case folded (multiplicative hashing, Knuth) */
static inline uint32_t window_bit(uint32_t x)
{
	return (x * 0x9e3779b1u) >> (32 - GATE_BITS);
}

static inline uint32_t window_at(const unsigned char *s)
{
	uint32_t x;

	memcpy(&x, s, 4);
	return x | FOLD4;
}

static inline bool bit_set(const uint64_t *bits, uint32_t b)
{
	return (bits[b / 64] >> (b % 64)) & 1;
}

/* the slot of window @key in the exact table: its own, or the empty one to take */
static inline size_t window_slot(const struct layout *lay, uint32_t key)
{
	/*
	 * the product's high bits: its low ones depend only on the key's low
	 * bits, the window's first bytes, which many windows share
	 */
	size_t i = (size_t)(((uint64_t)(key * 0x9e3779b1u) * lay->win_size) >> 32);

	while (lay->slots[i].key && lay->slots[i].key != key)
		i = (i + 1) & (lay->win_size - 1);
	return i;
}

/*
 * the bytes of a dmesg time stamp, "[   12.345678] ": a line of the kernel's
 * log starts with 14 or more of them (printk's print_time(), kernel/printk/
 * printk.c), a fifth of the 4-byte windows of a boot log
 */
static inline bool stamp_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || c == '[' || c == ']' || c == '.' || c == ' ';
}

/* the place of window @key in the sample's counts */
static inline uint32_t count_slot(uint32_t key)
{
	return (key * 0x9e3779b1u) >> (32 - WINDOW_BITS);
}

/*
 * the gate words of the line @s (@len bytes, at most KB_PREFILTER_LINE_MAX)
 * by the scan of its windows, into pf->found (kb-scan.c); their number
 */
size_t kb_pf_scan(struct kb_prefilter *pf, const unsigned char *s, size_t len);
/* pf->by_tri_start and pf->by_tri; without memory, none (kb-sample.c) */
void kb_pf_index_by_trigram(struct kb_prefilter *pf);
/*
 * a line of the first ones, counted when it is one of the sample's: true
 * when the sample is complete (the layout is then made again, and
 * kb_pf_sample_done() frees what only the sample needed)
 */
bool kb_pf_sample(struct kb_prefilter *pf, const unsigned char *s, size_t len);
void kb_pf_sample_done(struct kb_prefilter *pf);

#endif
