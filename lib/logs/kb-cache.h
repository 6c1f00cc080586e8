/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The matcher's cache of readings (kb-cache.c): a log of many boots repeats
 * nearly every line after its time stamp, and a line's reading depends on
 * its text alone (kb-match.c says when, kb-stamp.c why the stamp does not
 * count), so a line already read is answered from here. A fixed table, set
 * associative, a slot replaced when its set is full: memory is bounded
 * whatever the log, and each line costs a hash of its text and one probe.
 */
#ifndef VFD_KB_CACHE_H
#define VFD_KB_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kb-internal.h"

/*
 * longer texts are not kept. 192 left out 2,419 lines of the boot log (59
 * texts, one of 196 bytes 1,460 times), each read in full every time; 256
 * keeps 1,899 of them, in slots of 320 bytes
 */
#define KB_CACHE_KEY_MAX	256
/*
 * slots of a set. The boot log's 2,699 keys in 4,096 sets of two left about
 * 120 sets with three or more, whose keys then missed on every boot (1,900
 * misses); 2,048 sets of four (the same memory) leave about 20
 */
#define KB_CACHE_WAYS		4
#define KB_CACHE_BITS		11	/* the matcher's: 2,048 sets, 2.5 MiB */
#define KB_CACHE_AFTER		64	/* ... made at the knowledge base's 64th line */
/*
 * A log whose lines do not repeat (one boot, or numbers in every line) would
 * pay a hash, a probe and a copy per line for nothing: after a window of
 * KB_CACHE_WINDOW look-ups with fewer than one hit in KB_CACHE_POOR, the
 * cache rests (kb_cache_active() says no) for as many lines, twice as many
 * after each poor window in a row, at most KB_CACHE_REST_MAX.
 */
#define KB_CACHE_WINDOW		4096u
#define KB_CACHE_POOR		8u
#define KB_CACHE_REST_MAX	65536u

/* what vfd_kb_match() needs to give a line's reading again */
struct kb_reading {
	uint32_t pattern : 24;		/* the pattern that won + 1; 0: no entry matched */
	/* its kind of cause (kb_match_kind()): vfd_kb_kinds[kind - 1]; 0: not kept */
	uint32_t kind : 8;
	uint16_t cap[CAP_N];		/* its captures, from the start of the key */
	union {
		/*
		 * a match: the address and the group it took from before the
		 * message (kb-match.c slot_from_prefix, group_from_prefix), from
		 * the start of the key (at most KB_CACHE_KEY_MAX bytes): where
		 * and how long (0: none)
		 */
		struct {
			uint8_t slot_at, slot_len, group_at, group_len;
		};
		uint64_t hints;		/* no match: the classifier's words */
	};
};

struct cache_slot;

struct kb_cache {
	struct cache_slot *slots;	/* set s: slots[s * KB_CACHE_WAYS ...] */
	size_t sets;			/* a power of two */
	size_t used;
	uint64_t total_hits;
	uint32_t clock;
	/* look-ups and hits of this window, and the rest that poor windows earn */
	uint32_t window, hits, rest, rest_len;
};

/* a cache of 2^@bits sets of KB_CACHE_WAYS slots; NULL (ENOMEM) */
struct kb_cache *kb_cache_new(unsigned int bits);
void kb_cache_free(struct kb_cache *c);
/* the hash of a key: its @len bytes and @tag (which kind of text it is) */
uint64_t kb_cache_hash(const unsigned char *key, size_t len, uint8_t tag);
/* should a line be looked up now? false while the cache rests (above); asked every line */
static inline bool kb_cache_active(struct kb_cache *c)
{
	if (!c->rest)
		return true;
	c->rest--;
	return false;
}
/* the reading kept for the key (hash @h of @key, @len, @tag), or NULL */
const struct kb_reading *kb_cache_get(struct kb_cache *c, uint64_t h, const unsigned char *key,
				      size_t len, uint8_t tag);
/*
 * keep @r for the key, in place of the set's least recently used slot
 * when the set is full; a key longer than KB_CACHE_KEY_MAX is not kept
 */
void kb_cache_put(struct kb_cache *c, uint64_t h, const unsigned char *key, size_t len,
		  uint8_t tag, const struct kb_reading *r);
/* slots in use, hits so far, and the table's size in bytes (for tests) */
size_t kb_cache_used(const struct kb_cache *c);
uint64_t kb_cache_hits(const struct kb_cache *c);
size_t kb_cache_bytes(const struct kb_cache *c);

#endif
