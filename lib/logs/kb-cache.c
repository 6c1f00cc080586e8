// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The matcher's cache of readings (see kb-cache.h): 2^bits sets of
 * KB_CACHE_WAYS slots of 320 bytes, each with its key's bytes, so that a
 * hit is a key compared byte for byte, never a hash taken on trust.
 */
#include <stdlib.h>
#include <string.h>

#include "kb-cache.h"

struct cache_slot {
	uint64_t hash;			/* of the key; the slot is empty when used == 0 */
	uint16_t len;
	uint8_t tag;
	uint32_t used;			/* the cache's clock at its last hit or put */
	struct kb_reading reading;
	unsigned char key[KB_CACHE_KEY_MAX];
} __attribute__((aligned(64)));


struct kb_cache *kb_cache_new(unsigned int bits)
{
	struct kb_cache *c;

	if (bits > 24)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->sets = (size_t)1 << bits;
	/* calloc: the pages of sets never used are never touched */
	c->slots = calloc(c->sets * KB_CACHE_WAYS, sizeof(*c->slots));
	if (!c->slots) {
		free(c);
		return NULL;
	}
	return c;
}

void kb_cache_free(struct kb_cache *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c);
}

/*
 * 64-bit words of the key, each multiplied in (the constants of splitmix64):
 * where the CPU has no CRC32 instruction
 */
static uint64_t hash_mul(const unsigned char *key, size_t len, uint8_t tag)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ ((uint64_t)len << 8 | tag);
	size_t i = 0;

	/* two words a turn of the loop (the same hash: its steps were a third of it) */
	for (; i + 16 <= len; i += 16) {
		uint64_t x, y;

		memcpy(&x, key + i, 8);
		memcpy(&y, key + i + 8, 8);
		h = (h ^ x) * UINT64_C(0xbf58476d1ce4e5b9);
		h ^= h >> 29;
		h = (h ^ y) * UINT64_C(0xbf58476d1ce4e5b9);
		h ^= h >> 29;
	}
	if (i + 8 <= len) {
		uint64_t x;

		memcpy(&x, key + i, 8);
		h = (h ^ x) * UINT64_C(0xbf58476d1ce4e5b9);
		h ^= h >> 29;
		i += 8;
	}
	if (i < len) {
		uint64_t x = 0;

		/* the last eight bytes again (a fixed-size load, not a call) */
		if (len >= 8)
			memcpy(&x, key + len - 8, 8);
		else
			for (size_t k = i; k < len; k++)
				x = x << 8 | key[k];
		h = (h ^ x) * UINT64_C(0xbf58476d1ce4e5b9);
	}
	h ^= h >> 31;
	h *= UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 32);
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * The key's 64-bit words through the CRC32 instruction (SSE4.2, asked at run
 * time), in two chains that start apart, then splitmix64's last steps so that
 * the set's bits depend on all of them: a boot log's line of 55 bytes after
 * its stamp cost 72 instructions with hash_mul(), about half with this. The
 * hash only places a key (every hit compares its bytes), so which of the two
 * a CPU runs changes no reading.
 */
__attribute__((target("sse4.2"))) static uint64_t hash_crc(const unsigned char *key, size_t len,
							   uint8_t tag)
{
	uint64_t a = (uint64_t)len << 8 | tag, b = UINT64_C(0x9e3779b97f4a7c15), x, y;
	size_t i = 0;

	for (; i + 16 <= len; i += 16) {
		memcpy(&x, key + i, 8);
		memcpy(&y, key + i + 8, 8);
		a = __builtin_ia32_crc32di(a, x);
		b = __builtin_ia32_crc32di(b, y);
	}
	if (i + 8 <= len) {
		memcpy(&x, key + i, 8);
		a = __builtin_ia32_crc32di(a, x);
		i += 8;
	}
	if (i < len) {
		x = 0;
		/* the last eight bytes again (a fixed-size load, not a call) */
		if (len >= 8)
			memcpy(&x, key + len - 8, 8);
		else
			for (size_t k = i; k < len; k++)
				x = x << 8 | key[k];
		b = __builtin_ia32_crc32di(b, x);
	}
	x = (a << 32 | b) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 32);
}
#endif

uint64_t kb_cache_hash(const unsigned char *key, size_t len, uint8_t tag)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (__builtin_cpu_supports("sse4.2"))
		return hash_crc(key, len, tag);
#endif
	return hash_mul(key, len, tag);
}

static struct cache_slot *set_of(const struct kb_cache *c, uint64_t h)
{
	return &c->slots[(h & (c->sets - 1)) * KB_CACHE_WAYS];
}

/* the clock of a hit or put; when it wraps, every slot counts as unused long ago */
static uint32_t tick(struct kb_cache *c)
{
	if (++c->clock == 0) {
		for (size_t i = 0; i < c->sets * KB_CACHE_WAYS; i++)
			if (c->slots[i].used)
				c->slots[i].used = 1;
		c->clock = 2;
	}
	return c->clock;
}

/* a window of look-ups is over: rest after a poor one, longer each time */
static void window_done(struct kb_cache *c)
{
	if (c->hits * KB_CACHE_POOR < c->window) {
		c->rest_len = c->rest_len ? 2 * c->rest_len : KB_CACHE_WINDOW;
		if (c->rest_len > KB_CACHE_REST_MAX)
			c->rest_len = KB_CACHE_REST_MAX;
		c->rest = c->rest_len;
	} else {
		c->rest_len = 0;
	}
	c->window = c->hits = 0;
}

/* may slot @s hold the key of hash @h, @len bytes and @tag (its bytes aside)? */
static inline bool slot_may_hold(const struct cache_slot *s, uint64_t h, size_t len, uint8_t tag)
{
	return s->used && s->hash == h && s->len == len && s->tag == tag;
}

const struct kb_reading *kb_cache_get(struct kb_cache *c, uint64_t h, const unsigned char *key,
				      size_t len, uint8_t tag)
{
	struct cache_slot *set = set_of(c, h), *hit = NULL;
	size_t w = 0;

	if (len > KB_CACHE_KEY_MAX)
		return NULL;
	/*
	 * the first slot whose hash, length and tag are the key's, then its
	 * bytes: one call, after the loop (a call in it kept the loop's values
	 * in memory); the next ones only where the bytes differ
	 */
	while (w < KB_CACHE_WAYS && !slot_may_hold(&set[w], h, len, tag))
		w++;
	if (w < KB_CACHE_WAYS && memcmp(set[w].key, key, len) == 0)
		hit = &set[w];
	for (w++; !hit && w < KB_CACHE_WAYS; w++)
		if (slot_may_hold(&set[w], h, len, tag) && memcmp(set[w].key, key, len) == 0)
			hit = &set[w];
	if (hit) {
		hit->used = tick(c);
		c->hits++;
		c->total_hits++;
	}
	if (++c->window == KB_CACHE_WINDOW)
		window_done(c);
	return hit ? &hit->reading : NULL;
}

void kb_cache_put(struct kb_cache *c, uint64_t h, const unsigned char *key, size_t len,
		  uint8_t tag, const struct kb_reading *r)
{
	struct cache_slot *set = set_of(c, h), *victim = &set[0];

	if (len > KB_CACHE_KEY_MAX)
		return;
	/* an empty slot, else the one least recently used */
	for (size_t w = 0; w < KB_CACHE_WAYS; w++) {
		if (!set[w].used) {
			victim = &set[w];
			break;
		}
		if (set[w].used < victim->used)
			victim = &set[w];
	}
	if (!victim->used)
		c->used++;
	victim->hash = h;
	victim->len = (uint16_t)len;
	victim->tag = tag;
	victim->reading = *r;
	memcpy(victim->key, key, len);
	victim->used = tick(c);
}

size_t kb_cache_used(const struct kb_cache *c)
{
	return c ? c->used : 0;
}

uint64_t kb_cache_hits(const struct kb_cache *c)
{
	return c ? c->total_hits : 0;
}

size_t kb_cache_bytes(const struct kb_cache *c)
{
	return c ? c->sets * KB_CACHE_WAYS * sizeof(*c->slots) : 0;
}
