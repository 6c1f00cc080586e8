// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The classifier's answers by the text after the stamp (explain-unknown-memo.h).
 * Why the stamp does not count: a stamp is '[', blanks, digits, '.', digits,
 * ']' and a blank (kb-stamp.h kb_stamp_len), and vfd_unknown_classify()
 * reads a line S + T so:
 *   - unknown_strip_prefixes() takes S as dmesg's "[...]" (no rule before it fits a
 *     '['), then goes on in T: the message, the kernel flag and the journal
 *     ident are the same for every S;
 *   - the searches of the whole line (unknown_other_words(), has_word(),
 *     only_as()) look for words made of letters, or " bar" and " fault",
 *     which start in S only at its last blank, followed by T's first bytes;
 *     has_word() sees that blank before T in every S; so do the nouns of
 *     unknown_names_pci_thing() (words of letters, after a byte that is no
 *     part of a name), and unknown_logger_level()'s keys ("time=\"", "t=",
 *     "{" ... "level") hold no byte S has but the blank;
 *   - has_pci_address(): an address's hex digits cannot run across S's
 *     "] ", and the byte it tests before one at T's start is that blank;
 *   - the line's length: SECOND_STAGE_MAX (4096) is past any line kept here.
 * So the answer depends on T, whether S is there, and the hints (a key part).
 */
#include <stdlib.h>
#include <string.h>

#include "explain-unknown-memo.h"
#include "kb-cache.h"
#include "kb-stamp.h"

#define MEMO_BITS	10	/* 1,024 lines, direct mapped: a boot log has a few hundred */
#define MEMO_KEY_MAX	192	/* longer texts are classified each time */

struct memo_slot {
	uint64_t hash, hints;
	struct vfd_unknown_class class;
	uint16_t len;
	uint8_t tag;		/* 1: the text followed a stamp */
	bool used, answer;
	unsigned char key[MEMO_KEY_MAX];
};

struct unknown_memo {
	struct memo_slot slots[1u << MEMO_BITS];
};

bool unknown_memo_classify(struct unknown_memo **memo, const char *line, size_t len,
			   uint64_t hints, struct vfd_unknown_class *out)
{
	const unsigned char *s = (const unsigned char *)line;
	struct memo_slot *slot;
	size_t base;
	uint64_t h;
	uint8_t tag;

	if (!line)
		return vfd_unknown_classify(line, len, hints, out);
	base = kb_stamp_len(s, len);
	tag = base > 0;
	if (len - base > MEMO_KEY_MAX)
		return vfd_unknown_classify(line, len, hints, out);
	if (!*memo)
		*memo = calloc(1, sizeof(**memo));
	if (!*memo)
		return vfd_unknown_classify(line, len, hints, out);
	h = kb_cache_hash(s + base, len - base, tag);
	slot = &(*memo)->slots[h & ((1u << MEMO_BITS) - 1)];
	if (slot->used && slot->hash == h && slot->hints == hints && slot->len == len - base &&
	    slot->tag == tag && memcmp(slot->key, s + base, len - base) == 0) {
		*out = slot->class;
		return slot->answer;
	}
	slot->answer = vfd_unknown_classify(line, len, hints, out);
	slot->class = *out;
	slot->used = true;
	slot->hash = h;
	slot->hints = hints;
	slot->len = (uint16_t)(len - base);
	slot->tag = tag;
	memcpy(slot->key, s + base, len - base);
	return slot->answer;
}

void unknown_memo_free(struct unknown_memo *memo)
{
	free(memo);
}
