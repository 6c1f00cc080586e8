// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The knowledge base's matcher: the entry that best explains one log line
 * (the prefilter picks the candidates, kb-pattern.c's VM runs them), the
 * values it names, and the expansion of an entry's text with them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kb-cache.h"
#include "kb-internal.h"
#include "kb-prefilter.h"
#include "kb-cause.h"
#include "kb-stamp.h"

/*
 * VM steps (thread additions and advances) for all the patterns tried on one
 * line: ordinary lines need a few thousand; the cap stops patterns built of
 * many %any% on a line of 64 KiB after some milliseconds, not minutes.
 */
#define KB_STEP_BUDGET	(1u << 22)
#define MATCH_LINE_MAX	65535u		/* a log line is matched on this many bytes */
#define CACHE_LINE_MAX	(KB_CACHE_KEY_MAX + 32)	/* the longest line the cache is asked about */

static const char *const value_names[] = {
	[VFD_KB_SLOT] = "slot", [VFD_KB_GROUP] = "group", [VFD_KB_ERRNO] = "errno",
	[VFD_KB_BAR] = "bar", [VFD_KB_PROCESS] = "process", [VFD_KB_PATH] = "path",
	[VFD_KB_NUM] = "num", [VFD_KB_WORD] = "word", [VFD_KB_ANY] = "any",
};

const char *vfd_kb_value_name(enum vfd_kb_value_type type)
{
	if ((size_t)type < ARRAY_SIZE(value_names))
		return value_names[type];
	return "unknown";
}

/* --------------------------------------------------------- matching */

/*
 * "01:00.0" -> "0000:01:00.0", hex in lower case. A value of 12 bytes is
 * only lowered: vfd_bdf_parse() accepts 12 bytes only as DDDD:BB:DD.F with
 * every field at its full width, which vfd_bdf_format() writes back at the
 * same widths in lower case, and a value it refuses is lowered below (the
 * parse was two thirds of a matched line's address from its prefix)
 */
static void normalize_slot(char *v, size_t size)
{
	struct vfd_bdf bdf;

	/* a placeholder ("0000:0X:00.0", "<BDF>") as the poster wrote it */
	for (const char *c = v; *c; c++)
		if (is_slot_placeholder((unsigned char)*c) || *c == '<')
			return;
	if (strnlen(v, 13) == 12) {
		for (char *c = v; *c; c++)
			*c = (char)lower((unsigned char)*c);
		return;
	}
	if (vfd_bdf_parse(v, &bdf) == 0)
		vfd_bdf_format(&bdf, v, size);
	else
		for (char *c = v; *c; c++)
			*c = (char)lower((unsigned char)*c);
}

static void add_value(struct vfd_kb_match *m, enum vfd_kb_value_type type, const char *s,
		      size_t len)
{
	struct vfd_kb_value *v;

	if (m->n_values == VFD_KB_MAX_VALUES)
		return;
	/* where it is in the line: set by the caller for a value of the pattern */
	m->value_start[m->n_values] = m->value_end[m->n_values] = 0;
	v = &m->values[m->n_values++];
	v->type = type;
	if (len >= sizeof(v->text))
		len = sizeof(v->text) - 1;
	memcpy(v->text, s, len);
	v->text[len] = '\0';
	if (type == VFD_KB_ERRNO || type == VFD_KB_ANY)
		while (len && (v->text[len - 1] == ' ' || v->text[len - 1] == '\t'))
			v->text[--len] = '\0';
	if (type == VFD_KB_SLOT)
		normalize_slot(v->text, sizeof(v->text));
}

/* is line[i..] a full-form address DDDD:BB:DD.F not inside a longer token? */
static bool slot_at(const unsigned char *s, size_t i, size_t len)
{
	static const char shape[] = "hhhh:hh:hh.o";

	if (i + 12 > len || (i > 0 && in_class(C_SLOTCH, s[i - 1])))
		return false;
	for (size_t k = 0; k < 12; k++) {
		unsigned char c = s[i + k];

		/* a digit may be a placeholder: a poster hid the address */
		if (shape[k] == 'h' ? !in_class(C_SLOTHEX, c)
				    : shape[k] == 'o' ? !in_class(C_SLOTFN, c)
						      : c != (unsigned char)shape[k])
			return false;
	}
	return i + 12 == len || !in_class(C_SLOTHEX, s[i + 12]);
}

/* is line[i..] "host=BB:DD.F" (QEMU's short form)? */
static bool short_slot_at(const unsigned char *s, size_t i, size_t len)
{
	static const char shape[] = "host=XX:XX.O";	/* X hex digit, O 0-7 */

	if (i + 12 > len || (i > 0 && in_class(C_ALNUM, s[i - 1])))
		return false;
	for (size_t k = 0; k < 12; k++) {
		unsigned char c = s[i + k];

		if (shape[k] == 'X' ? !is_hex(c) : shape[k] == 'O' ? !in_class(C_OCT, c)
								   : c != (unsigned char)shape[k])
			return false;
	}
	return i + 12 == len || !is_hex(s[i + 12]);
}

/*
 * The device a message is about is often named only in its prefix: the
 * kernel's "vfio-pci 0000:01:00.0: ", QEMU's "host=0000:01:00.0" (or
 * "host=01:00.0") or "\"host\":\"0000:01:00.0\"". Take the last address
 * before the message.
 */
/* the place of the last @c in s[0..end), or -1 */
static ptrdiff_t last_of(const unsigned char *s, size_t end, int c)
{
	const unsigned char *p = end ? memrchr(s, c, end) : NULL;

	return p ? p - s : -1;
}

/* what fill_match() found before the message: where in the line, how long (0: none) */
struct prefix_found {
	uint16_t slot_at, slot_len, group_at, group_len;
};

static void slot_from_prefix(struct vfd_kb_match *m, const unsigned char *line,
			     struct prefix_found *found)
{
	/*
	 * the places each shape needs, last first: a full address has its
	 * fifth byte ':' and ends before the message, QEMU's short one starts
	 * with 'h'; memrchr() finds them (a byte-by-byte walk of the prefix was
	 * the cost)
	 */
	ptrdiff_t colon = m->start >= 12 ? last_of(line, m->start - 7, ':') : -1;
	ptrdiff_t h = last_of(line, m->start, 'h');

	while (colon >= 4 || h >= 0) {
		size_t i = colon - 4 > h ? (size_t)(colon - 4) : (size_t)h;

		if (slot_at(line, i, m->start)) {
			found->slot_at = (uint16_t)i;
			found->slot_len = 12;
			add_value(m, VFD_KB_SLOT, (const char *)line + i, 12);
			m->slot_from_prefix = true;
			return;
		}
		if (short_slot_at(line, i, m->start)) {
			found->slot_at = (uint16_t)(i + 5);
			found->slot_len = 7;
			add_value(m, VFD_KB_SLOT, (const char *)line + i + 5, 7);
			m->slot_from_prefix = true;
			return;
		}
		if (colon >= 4 && (size_t)(colon - 4) == i)
			colon = last_of(line, (size_t)colon, ':');
		if (h >= 0 && (size_t)h == i)
			h = last_of(line, (size_t)h, 'h');
	}
}

/* QEMU's "failed to setup container for group 49: ..." names the group first */
static void group_from_prefix(struct vfd_kb_match *m, const unsigned char *line,
			      struct prefix_found *found)
{
	/* a 'g' or 'G' with room for "group " and a digit before the message */
	size_t lim = m->start > 6 ? m->start - 6 : 0;
	ptrdiff_t lo = last_of(line, lim, 'g'), up = last_of(line, lim, 'G');

	while (lo >= 0 || up >= 0) {
		size_t i = (size_t)(lo > up ? lo : up), d = i + 6, e;

		if (lo > up)
			lo = last_of(line, i, 'g');
		else
			up = last_of(line, i, 'G');
		if ((i > 0 && in_class(C_ALNUM, line[i - 1])) ||
		    strncasecmp((const char *)line + i, "group ", 6) != 0)
			continue;
		for (e = d; e < m->start && is_digit(line[e]); e++)
			;
		if (e > d && (e == m->start || !in_class(C_ALNUM, line[e]))) {
			found->group_at = (uint16_t)d;
			found->group_len = (uint16_t)(e - d);
			add_value(m, VFD_KB_GROUP, (const char *)line + d, e - d);
			return;
		}
	}
}

/*
 * wrapper 0 < broad family 1 < harmless wrapper 2 < family 3 < dedicated 4: a
 * broad family (data/kb/95-kind-families.kb) reads a line by the passthrough
 * thing and the kind word it names, anywhere in it, so a program's own family
 * knows the line better; a harmless wrapper knows the whole line by its
 * prefix (libvirt's debug level, a BAR listing), whatever words it holds
 */
static unsigned int entry_rank(const struct vfd_kb_entry *e)
{
	if (e->wrapper)
		return e->harmless ? 2 : 0;
	return e->broad ? 1 : e->family ? 3 : 4;
}

/*
 * Several families often match one line at the same place (the kind families
 * of data/kb/95-kind-families.kb: "vfio ... reset" and "vfio ... busy" both
 * match "vfio: cannot reset: Device or resource busy"). The kind reported is
 * read from the message's words (kb-kind.c) whichever entry wins, so the entry
 * whose own kind that reading confirms is the one whose meaning, causes and
 * fixes fit the line. 1 for such a family, 0 otherwise (and for the others).
 */
static uint64_t family_agrees(const struct vfd_kb_entry *e, const char *msg, size_t len)
{
	const char *kind;

	if (!e->family || e->wrapper)
		return 0;
	kind = vfd_kb_kind_of(e, msg, len);
	return kind && e->kind && strcmp(kind, e->kind) == 0;
}

/*
 * Does the match of @outer (a dedicated entry of a stage kind: "start
 * failed: %any%", "failed to access '%any%': %any%") carry the match of
 * @inner, a dedicated entry of a cause kind that starts inside it? Then the
 * inner message names what made the step fail and wins, though it starts
 * later (the rule of kb-kind.c kb_match_kind, for a cause that has an entry
 * of its own). Asked only when two dedicated entries matched one line.
 */
static bool holds_cause(const struct vfd_kb *kb, const struct kb_pattern *outer,
			const uint16_t *outer_cap, const struct kb_pattern *inner,
			const uint16_t *inner_cap)
{
	const struct vfd_kb_entry *o = &kb->entries[outer->entry], *i = &kb->entries[inner->entry];

	return inner_cap[CAP_START] > outer_cap[CAP_START] &&
	       inner_cap[CAP_START] < outer_cap[CAP_START + 1] && entry_rank(o) == 4 &&
	       entry_rank(i) == 4 && !i->harmless && kb_stage_kind(o->kind) &&
	       !kb_stage_kind(i->kind);
}

/*
 * how a candidate ranks before it runs, the most specific least: its entry's
 * rank, then its literal text (at most PATTERN_MAX characters), inverted
 */
static uint32_t cand_key(const struct vfd_kb *kb, size_t c)
{
	const struct kb_pattern *p = &kb->patterns[c];

	_Static_assert(PATTERN_MAX < 1024, "literal text in ten bits");
	return (4 - entry_rank(&kb->entries[p->entry])) << 10 | (1023u - p->literal_chars);
}

/*
 * the candidates with the highest rank and most literal text first: dedicated
 * entries before the wrappers and families that say less, so that once one
 * matched, those that rank below it are skipped without running (they could
 * not win). A stable sort by cand_key(), made once a candidate (the
 * insertion sort that read two patterns and two entries a comparison was a
 * fifth of vfd_kb_match() with a large knowledge base): in place for a few,
 * else two passes of a radix sort (its 13 bits: 7, then 6).
 */
static void most_specific_first(struct vfd_kb *kb, size_t n)
{
	uint64_t *key = kb->cand_keys;
	uint32_t count[129];

	if (n < 2)
		return;
	if (n <= 32) {
		for (size_t i = 0; i < n; i++)
			key[i] = (uint64_t)cand_key(kb, kb->cands[i]) << 32 | i;
		for (size_t i = 1; i < n; i++) {
			uint64_t k = key[i];
			size_t j = i;

			for (; j > 0 && key[j - 1] > k; j--)
				key[j] = key[j - 1];
			key[j] = k;
		}
		/* the candidates in their new order (key's upper half is free) */
		for (size_t i = 0; i < n; i++)
			key[i] = (uint64_t)kb->cands[(uint32_t)key[i]] << 32 | (uint32_t)key[i];
		for (size_t i = 0; i < n; i++)
			kb->cands[i] = (size_t)(key[i] >> 32);
		return;
	}
	/* the low seven bits: cands into key (the key, then the candidate) */
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++)
		count[(cand_key(kb, kb->cands[i]) & 127) + 1]++;
	for (size_t b = 1; b < 129; b++)
		count[b] += count[b - 1];
	for (size_t i = 0; i < n; i++) {
		uint32_t k = cand_key(kb, kb->cands[i]);

		key[count[k & 127]++] = (uint64_t)k << 40 | kb->cands[i];
	}
	/* the high six: key back into cands */
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++)
		count[(key[i] >> 47) + 1]++;
	for (size_t b = 1; b < 65; b++)
		count[b] += count[b - 1];
	for (size_t i = 0; i < n; i++)
		kb->cands[count[key[i] >> 47]++] = (size_t)(key[i] & ((UINT64_C(1) << 40) - 1));
}

/*
 * @m from the pattern that won and its captures (absolute places in @text);
 * inlined: as a call it cost a tenth more of vfd_kb_match's instructions.
 * The address and group before the message are looked for and noted in
 * @found (absolute places), or, where a line of the same text was read
 * before, taken from @known (the cache's reading, its places moved by @base):
 * that search was a fifth of the cost of a line the cache answers.
 */
static inline __attribute__((always_inline)) void fill_match(const struct vfd_kb *kb, const struct kb_pattern *best,
		       const uint16_t *best_cap, const char *text, struct vfd_kb_match *m,
		       uint32_t drop, struct prefix_found *found, const struct kb_reading *known,
		       size_t base)
{
	const unsigned char *line = (const unsigned char *)text;

	m->entry = &kb->entries[best->entry];
	m->pattern = best->index;
	for (uint8_t v = 0; v < best->n_values; v++) {
		uint16_t s = best_cap[2 * v], e = best_cap[2 * v + 1];

		/* a value of a cut line that lay across the cut (kb-cut.c) */
		if (drop >> v & 1)
			continue;

		add_value(m, best->types[v], text + s, e >= s ? e - s : 0);
		m->value_start[m->n_values - 1] = s;
		m->value_end[m->n_values - 1] = e >= s ? e : s;
	}
	m->start = best_cap[CAP_START];
	m->end = best_cap[CAP_START + 1];
	if (known) {
		/* asked as the first reading asked: by the pattern's own values */
		if (known->slot_len) {
			add_value(m, VFD_KB_SLOT, text + base + known->slot_at, known->slot_len);
			m->slot_from_prefix = true;
		}
		if (known->group_len)
			add_value(m, VFD_KB_GROUP, text + base + known->group_at, known->group_len);
		return;
	}
	if (!vfd_kb_match_value(m, VFD_KB_SLOT))
		slot_from_prefix(m, line, found);
	if (!vfd_kb_match_value(m, VFD_KB_GROUP))
		group_from_prefix(m, line, found);
}

void kb_match_fill(const struct vfd_kb *kb, const struct kb_pattern *p, const uint16_t *cap,
		   const char *text, uint32_t drop, struct vfd_kb_match *m)
{
	struct prefix_found found = { 0 };

	fill_match(kb, p, cap, text, m, drop, &found, NULL, 0);
}

unsigned int kb_match_rank(const struct vfd_kb_entry *e)
{
	return entry_rank(e);
}

/*
 * May the cache keep a line's reading by its text after a time stamp
 * (kb->stamp_blind)? Not where a word of the classifier or of the kinds may
 * start inside a stamp. A pattern's word that may ("9050", "3.7") only adds
 * the pattern to the candidates of a line whose stamp holds it; where none
 * of these may start a match in a stamp, the pattern's match lies after it,
 * where the line does not hold the word: it fails, and changes the reading
 * only if its run used the rest of the line's step budget. What such runs
 * can take is kb->stamp_steps (remember() keeps a reading only where the
 * budget has that much left).
 */
static int stamp_check(struct vfd_kb *kb)
{
	bool *word = malloc((kb->n_patterns + 1) * sizeof(*word));
	int r;

	kb->stamp_blind = false;
	if (!word)
		return -ENOMEM;
	r = kb->prefilter ? kb_stamp_words(kb->prefilter, word) : 1;
	if (r != 0 || kb_kind_words_may_start_in_stamp()) {
		free(word);
		return r < 0 ? r : 0;
	}
	kb->stamp_blind = true;
	for (size_t p = 0; p < kb->n_patterns; p++) {
		const struct kb_pattern *pat = &kb->patterns[p];

		if (!word[p])
			continue;
		if (pat->stamp_match)
			kb->stamp_blind = false;
		/* kb_pattern_max_steps() */
		kb->stamp_steps_fixed += 3 * (uint64_t)pat->n_prog + 1;
		kb->stamp_steps_per_byte += 3 * (uint64_t)pat->n_prog;
	}
	free(word);
	return 0;
}

int kb_match_cache_open(struct vfd_kb *kb)
{
	if (kb->cache)
		return 0;
	kb->cache = kb_cache_new(KB_CACHE_BITS);
	if (!kb->cache)
		return -ENOMEM;
	if (stamp_check(kb) < 0)
		kb->stamp_blind = false;
	return 0;
}

/*
 * The line's key in the cache: the text after its time stamp (@base, the
 * stamp's length) where the knowledge base cannot see into a stamp
 * (kb-stamp.c), else all of it; the tag tells a text after a stamp from a
 * whole line (the byte before the text differs).
 */
static uint8_t cache_key(const struct vfd_kb *kb, const unsigned char *line, size_t len,
			 size_t *base)
{
	*base = kb->stamp_blind ? kb_stamp_len(line, len) : 0;
	return *base > 0;
}

/* @kind's number in the cache's reading: its place in vfd_kb_kinds + 1; 0: none */
static uint32_t kind_number(const char *kind)
{
	for (uint32_t i = 0; kind && vfd_kb_kinds[i] && i < 255; i++)
		if (strcmp(vfd_kb_kinds[i], kind) == 0)
			return i + 1;
	return 0;
}

/* a line's reading from the cache: 1 or 0 as vfd_kb_match() */
static int replay(const struct vfd_kb *kb, const struct kb_reading *r, const char *text,
		  size_t len, size_t base, struct vfd_kb_match *m)
{
	const struct kb_pattern *p;
	uint16_t cap[CAP_N];

	if (!r->pattern) {
		m->hints = r->hints;
		return 0;
	}
	p = &kb->patterns[r->pattern - 1];
	if (r->kind) {
		m->kind = vfd_kb_kinds[r->kind - 1];
		m->kind_line = text;
		m->kind_len = len;
	}
	/* only the captures fill_match() reads: the pattern's values and the match's */
	for (size_t k = 0; k < 2 * (size_t)p->n_values; k++)
		cap[k] = (uint16_t)(r->cap[k] + base);
	cap[CAP_START] = (uint16_t)(r->cap[CAP_START] + base);
	cap[CAP_START + 1] = (uint16_t)(r->cap[CAP_START + 1] + base);
	fill_match(kb, p, cap, text, m, 0, NULL, r, base);
	return 1;
}

/*
 * keep the reading of a line read in full: only where it depends on the key
 * alone. Past a stamp, no candidate may start a match inside it
 * (kb-stamp.c), so its captures lie after it, and the step budget left must
 * cover the runs another stamp could add (stamp_check). A line
 * not fully examined is not kept (its reading depends on the work done).
 */
static void remember(struct vfd_kb *kb, size_t n_cands, const struct kb_pattern *best,
		     const uint16_t *best_cap, uint64_t h, const unsigned char *key,
		     size_t key_len, uint8_t tag, size_t base, const struct vfd_kb_match *m,
		     const struct prefix_found *found)
{
	struct kb_reading r = { 0 };

	/* another stamp may be longer: the bounds are for the longest line looked up */
	uint64_t other_stamp = kb->stamp_steps_fixed + kb->stamp_steps_per_byte * CACHE_LINE_MAX;

	if (m->incomplete)
		return;
	/*
	 * a candidate that may begin tries in the stamp: its steps depend on
	 * the stamp, up to all it can take; one whose match may begin there and
	 * go on with this text: not kept (its program is built to know, as its
	 * run would)
	 */
	for (size_t c = 0; base && c < n_cands; c++) {
		struct kb_pattern *p = &kb->patterns[kb->cands[c]];

		if (!p->stamp_try)
			continue;
		if (p->stamp_match && kb_pattern_ready(kb, p) < 0)
			return;
		if (p->stamp_match && (!p->stamp_next || !key_len ||
				       p->stamp_next[key[0] >> 6] >> (key[0] & 63) & 1))
			return;
		other_stamp += kb_pattern_max_steps(p, CACHE_LINE_MAX);
	}
	if (base && kb->steps <= other_stamp)
		return;
	if (best) {
		/* the pattern's number + 1 takes 24 bits: a larger one is not kept */
		if ((size_t)(best - kb->patterns) + 1 >= (size_t)1 << 24)
			return;
		r.pattern = ((uint32_t)(best - kb->patterns) + 1) & 0xffffffu;
		r.kind = kind_number(m->kind);
		/* its values' captures and the message's start and end */
		for (size_t k = 0; k < CAP_N; k++) {
			if (k >= 2u * best->n_values && k < CAP_START)
				continue;
			if (best_cap[k] < base)
				return;
			r.cap[k] = (uint16_t)(best_cap[k] - base);
		}
		/*
		 * none lies in a stamp (kb-stamp.c) and all in the key: kept only
		 * where that holds
		 */
		if ((found->slot_len && (found->slot_at < base || found->slot_at - base > UINT8_MAX)) ||
		    (found->group_len && (found->group_at < base ||
					  found->group_at - base > UINT8_MAX ||
					  found->group_len > UINT8_MAX)))
			return;
		r.slot_at = (uint8_t)(found->slot_len ? found->slot_at - base : 0);
		r.slot_len = (uint8_t)found->slot_len;
		r.group_at = (uint8_t)(found->group_len ? found->group_at - base : 0);
		r.group_len = (uint8_t)found->group_len;
	} else {
		r.hints = m->hints;
	}
	kb_cache_put(kb->cache, h, key, key_len, tag, &r);
}

int vfd_kb_match(struct vfd_kb *kb, const char *text, size_t len, struct vfd_kb_match *m)
{
	const unsigned char *line = (const unsigned char *)text;
	uint16_t cap[CAP_N], best_cap[CAP_N];
	const struct kb_pattern *best = NULL;
	uint64_t best_score = 0, h = 0;
	struct prefix_found found = { 0 };
	size_t n_cands, base = 0;
	uint8_t tag = 0;
	bool cached;

	/* the values are filled as they are found: only the head needs clearing */
	m->entry = NULL;
	m->pattern = 0;
	m->start = m->end = 0;
	m->n_values = 0;
	m->slot_from_prefix = false;
	m->hints = 0;
	m->incomplete = false;
	m->cut = false;
	m->chopped = false;
	m->end_cut = false;
	m->joined = false;
	m->kind = NULL;
	if (!kb || (!text && len))
		return -EINVAL;
	if (len > MATCH_LINE_MAX) {
		len = MATCH_LINE_MAX;
		m->incomplete = true;
	}
	/* a knowledge base that reads a few lines (a fuzzer's, watch's first) never pays for it */
	if (!kb->cache && kb->lines_read < KB_CACHE_AFTER && ++kb->lines_read == KB_CACHE_AFTER)
		kb_match_cache_open(kb);
	cached = kb->cache && len <= CACHE_LINE_MAX && kb_cache_active(kb->cache);
	if (cached) {
		const struct kb_reading *r;

		tag = cache_key(kb, line, len, &base);
		cached = len - base <= KB_CACHE_KEY_MAX;
		h = cached ? kb_cache_hash(line + base, len - base, tag) : 0;
		r = cached ? kb_cache_get(kb->cache, h, line + base, len - base, tag) : NULL;
		if (r)
			return replay(kb, r, text, len, base, m);
	}
	n_cands = kb_prefilter_run(kb->prefilter, text, len, kb->cands);
	most_specific_first(kb, n_cands);
	kb->steps = KB_STEP_BUDGET;
	for (size_t c = 0; c < n_cands; c++) {
		struct kb_pattern *p = &kb->patterns[kb->cands[c]];
		const struct vfd_kb_entry *e = &kb->entries[p->entry];
		uint64_t score, agrees;
		int r;

		/* a wrapper only when nothing else matches, a family when no dedicated entry */
		if (best && entry_rank(e) < entry_rank(&kb->entries[best->entry]))
			continue;
		r = kb_pattern_run(kb, p, line, len, cap);
		if (r < 0 || kb->steps == 0) {
			/* out of budget: what matched so far stands, the rest is unknown */
			m->incomplete = true;
			break;
		}
		if (r == 0)
			continue;
		/*
		 * the rank; then the message that starts first in the line, then
		 * (between families) the one whose kind the message's words confirm,
		 * then the most specific pattern, then the earlier entry. Between
		 * broad families the confirmed kind goes first, then the earlier
		 * entry: they all read the same line by its words ("failed ... vfio
		 * ... busy" is the busy family's line however early the failure is
		 * named), and the file puts the families of one kind of cause before
		 * those that only know a thing and a failure.
		 */
		/* a broad family reads the whole line, as explain reports its kind */
		agrees = e->broad ? family_agrees(e, text, len)
				  : family_agrees(e, text + cap[CAP_START], len - cap[CAP_START]);
		score = ((uint64_t)entry_rank(e) << 50) |
			(e->broad ? agrees << 49 | (uint64_t)(0xffffu - (p->entry & 0xffffu)) << 32 : 0) |
			((uint64_t)(MATCH_LINE_MAX - cap[CAP_START]) << 16) |
			(e->broad ? 0 : agrees << 15) | p->literal_chars;
		if (best && !holds_cause(kb, best, best_cap, p, cap) &&
		    (holds_cause(kb, p, cap, best, best_cap) || score < best_score ||
		     (score == best_score && (p->entry > best->entry ||
					      (p->entry == best->entry && p->index > best->index)))))
			continue;
		best = p;
		best_score = score;
		memcpy(best_cap, cap, sizeof(cap));
	}
	if (!best)
		m->hints = kb_prefilter_hints(kb->prefilter);
	/* filled first: the reading kept notes what the fill found before the message */
	if (best)
		fill_match(kb, best, best_cap, text, m, 0, &found, NULL, 0);
	/*
	 * the kind kept with the reading: it reads the text after m->start
	 * (its values lie there), or for a broad family the whole line, whose
	 * stamp no kind word can start in (kb-stamp.c): the key's text alone
	 */
	if (cached && best) {
		m->kind = kb_match_kind(m, text, len);
		m->kind_line = text;
		m->kind_len = len;
	}
	if (cached)
		remember(kb, n_cands, best, best_cap, h, line + base, len - base, tag, base, m,
			 &found);
	return best != NULL;
}

const char *vfd_kb_match_value(const struct vfd_kb_match *m, enum vfd_kb_value_type type)
{
	for (size_t i = 0; m && i < m->n_values; i++)
		if (m->values[i].type == type)
			return m->values[i].text;
	return NULL;
}

char *vfd_kb_expand(const char *text, const struct vfd_kb_match *m)
{
	size_t len = strlen(text), cap = len + 1, n = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		const char *rep = NULL;
		char fallback[24];
		size_t skip = 1;

		if (text[i] == '%') {
			for (size_t k = 0; k < kb_n_placeholders; k++) {
				size_t nl = strlen(kb_placeholders[k].name);

				if (i + nl + 1 < len && text[i + 1 + nl] == '%' &&
				    strncmp(text + i + 1, kb_placeholders[k].name, nl) == 0) {
					rep = vfd_kb_match_value(m, kb_placeholders[k].type);
					if (!rep) {
						snprintf(fallback, sizeof(fallback), "<%s>",
							 kb_placeholders[k].name);
						rep = fallback;
					}
					skip = nl + 2;
					break;
				}
			}
		}
		if (!rep) {
			out[n++] = text[i++];
			continue;
		}
		size_t rl = strlen(rep);

		if (n + rl + (len - i) + 1 > cap) {
			char *no;

			cap = n + rl + (len - i) + 1;
			no = realloc(out, cap);
			if (!no) {
				free(out);
				return NULL;
			}
			out = no;
		}
		memcpy(out + n, rep, rl);
		n += rl;
		i += skip;
	}
	out[n] = '\0';
	return out;
}
