/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A word of the knowledge base's prefilter looked for in a log line as it is,
 * its bytes compared by their classes (kb-word.c): no mapped copy of the line.
 */
#ifndef VFD_KB_WORD_H
#define VFD_KB_WORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * the searches and the prefilter's scan use AVX2 where the CPU has it (asked
 * at run time); -DVFD_NO_AVX2 builds them without, to test the others
 */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__) && !defined(VFD_NO_AVX2)
#define KB_WORD_AVX2 1
/*
 * does this CPU run AVX2: a test of a word libgcc's constructor filled in
 * (the call of a function that kept the answer was a tenth of the word search)
 */
static inline bool kb_have_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}
#endif

/*
 * A word's first bytes that are letters or punctuation the classes keep, as
 * one 8-byte compare: a line's byte b has a letter's class c exactly when
 * (b | 0x20) == c, and a kept punctuation byte's class when b == c. So eight
 * bytes of the line OR @fold AND @keep equal @head where the word's first
 * @head_len bytes (0 to 8, up to its first digit or rare byte) are there.
 */
struct kb_word_head {
	uint64_t head, fold, keep;
	uint32_t head_len;
};

/*
 * a word (its bytes by class, @len of them, two or more) and the two
 * neighbouring bytes that a search looks for first: the pair least common in
 * log lines of letters, kept punctuation and digits, at @anchor (@anchored
 * false: the word has no such pair, every place is compared). A line's byte
 * b is of pair byte i's class when ((b | fold[i]) - base[i]) mod 256 <=
 * range[i]: a letter's class with the case bit set, a punctuation byte's
 * exactly (range 0), a digit's from '0' to '9' (range 9).
 */
struct kb_word {
	const unsigned char *mapped;
	uint32_t len, anchor;
	bool anchored;
	unsigned char fold[2], base[2], range[2];
	struct kb_word_head head;
};

/* how common byte @c is in a log line: letters by their frequency in English */
extern const int16_t kb_commonness_less10[256];
static inline unsigned int kb_byte_commonness(unsigned char c)
{
	return (unsigned int)(10 + kb_commonness_less10[c]);
}
/* the head of the word @mapped (@len bytes by class) */
void kb_word_head_init(struct kb_word_head *h, const unsigned char *mapped, uint32_t len);
/* @w for the word @mapped (@len bytes by class, two or more; kept, not copied) */
void kb_word_init(struct kb_word *w, const unsigned char *mapped, uint32_t len);
/*
 * does @s (@len bytes, as in the log) hold the word @mapped (@wlen bytes by
 * class, its head @h) at @at, each byte of class @cls[byte] (the table the
 * word was mapped by)?
 */
static inline bool kb_word_head_at(const struct kb_word_head *h, const unsigned char *mapped,
				   uint32_t wlen, const unsigned char *cls,
				   const unsigned char *s, size_t len, size_t at)
{
	const unsigned char *p = s + at;
	uint32_t k = 0;

	if (at + wlen > len)
		return false;
	if (at + 8 <= len) {
		uint64_t x;

		memcpy(&x, p, 8);
		if (((x | h->fold) & h->keep) != h->head)
			return false;
		k = h->head_len;
	}
	for (; k < wlen; k++)
		if (cls[p[k]] != mapped[k])
			return false;
	return true;
}

/* the same for @w */
static inline bool kb_word_at(const struct kb_word *w, const unsigned char *cls,
			      const unsigned char *s, size_t len, size_t at)
{
	return kb_word_head_at(&w->head, w->mapped, w->len, cls, s, len, at);
}
/* does @s (@len bytes, as in the log) hold the word anywhere? */
bool kb_word_find(const struct kb_word *w, const unsigned char *cls, const unsigned char *s,
		  size_t len);

/*
 * the first place from @from on where @s (@len bytes) holds the first @n
 * (1 or 2) bytes of @lead (lower case, none of 'A' to 'Z'), ASCII case
 * ignored; @len when there is none
 */
size_t kb_lead_next(const unsigned char *s, size_t len, size_t from, const char *lead, size_t n);

#endif
