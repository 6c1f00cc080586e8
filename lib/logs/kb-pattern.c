// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The knowledge base's patterns (kb-internal.h): a compiler from a message
 * pattern to a small program, and the Pike VM that runs one on a log line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kb-internal.h"
#include "kb-stamp.h"
#include "kb-word.h"

#define KEYWORD_MIN	4		/* the prefilter needs a word this long */
#define KEYWORD_MAX	24		/* ... and at most this much of it */
#define WORDS_MAX	32		/* words of a pattern the prefilter requires */
#define WORD_MIN	3		/* ... each this long at least (one KEYWORD_MIN long) */

/*
 * a pattern's program is at most 4 instructions a byte of its text and 4
 * more (%slot%: 24 for its 6 bytes), so its places fit an instruction's
 * 16-bit operands
 */
_Static_assert(4 * PATTERN_MAX + 4 < 65535, "a program's places fit in 16 bits");

/*
 * one instruction; without a program buffer (the first pass, at load time) it
 * is only counted (with no test: the sizes are bounded above), with one
 * (kb_pattern_load) the buffer holds them all
 */
static inline int emit(struct kb_pattern *p, uint8_t op, uint8_t arg, size_t x, size_t y)
{
	if (p->prog) {
		if (p->n_prog >= p->cap)
			return -E2BIG;
		p->prog[p->n_prog] = (struct inst){ op, arg, (uint16_t)x, (uint16_t)y };
	}
	return (int)p->n_prog++;
}

/* point a jump emitted earlier (at @at) at @to, where the program is built */
static void patch(struct kb_pattern *p, int at, bool second, size_t to)
{
	if (!p->prog)
		return;
	if (second)
		p->prog[at].y = (uint16_t)to;
	else
		p->prog[at].x = (uint16_t)to;
}

/* one or more characters of a class, greedily */
static inline int emit_run(struct kb_pattern *p, enum cls k)
{
	int loop = emit(p, I_CLASS, (uint8_t)k, 0, 0);

	if (loop < 0)
		return loop;
	return emit(p, I_SPLIT, 0, (size_t)loop, p->n_prog + 1);
}

/*
 * DDDD:BB:DD.F (4 or 5 domain digits, as VMD domains have) or BB:DD.F; a
 * digit may be a placeholder (is_slot_placeholder(): a poster hid the
 * address, or copied a guide's), and the whole a guide's "<BDF>"
 */
static int emit_slot(struct kb_pattern *p)
{
	int alt, split, jend, loop, r = 0;
	size_t bus;

	alt = emit(p, I_SPLIT, 0, p->n_prog + 1, 0);
	split = emit(p, I_SPLIT, 0, p->n_prog + 1, 0);
	for (int i = 0; i < 4 && r >= 0; i++)
		r = emit(p, I_CLASS, C_SLOTHEX, 0, 0);
	/* optional fifth domain digit */
	if (r >= 0)
		r = emit(p, I_SPLIT, 0, p->n_prog + 1, p->n_prog + 2);
	if (r >= 0)
		r = emit(p, I_CLASS, C_SLOTHEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CHAR, ':', 0, PLACEHOLDER_CHAR);
	if (alt < 0 || split < 0 || r < 0)
		return alt < 0 ? alt : split < 0 ? split : r;
	bus = p->n_prog;
	patch(p, split, true, bus);
	r = emit(p, I_CLASS, C_SLOTHEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CLASS, C_SLOTHEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CHAR, ':', 0, PLACEHOLDER_CHAR);
	if (r >= 0)
		r = emit(p, I_CLASS, C_SLOTHEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CLASS, C_SLOTHEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CHAR, '.', 0, PLACEHOLDER_CHAR);
	if (r >= 0)
		r = emit(p, I_CLASS, C_SLOTFN, 0, 0);
	if (r >= 0)
		r = emit(p, I_NOTNEXT, C_SLOTHEX, 0, 0);
	jend = emit(p, I_JMP, 0, 0, 0);
	if (r < 0 || jend < 0)
		return r < 0 ? r : jend;
	/* "<" a stand-in's words ">" */
	patch(p, alt, true, p->n_prog);
	r = emit(p, I_CHAR, '<', 0, PLACEHOLDER_CHAR);
	loop = emit(p, I_CLASS, C_ANGLE, 0, 0);
	if (r >= 0 && loop >= 0)
		r = emit(p, I_SPLIT, 0, (size_t)loop, p->n_prog + 1);
	if (r >= 0)
		r = emit(p, I_CHAR, '>', 0, PLACEHOLDER_CHAR);
	if (r < 0 || loop < 0)
		return r < 0 ? r : loop;
	patch(p, jend, false, p->n_prog);
	return 0;
}

/* -22, 22, or the text strerror() gives ("No such file or directory") */
static int emit_errno(struct kb_pattern *p)
{
	int split, jnum, loop, r;

	/* split: number or words */
	split = emit(p, I_SPLIT, 0, p->n_prog + 1, 0);
	/* an optional minus sign, then digits */
	r = emit(p, I_SPLIT, 0, p->n_prog + 1, p->n_prog + 2);
	if (r >= 0)
		r = emit(p, I_CHAR, '-', 0, PLACEHOLDER_CHAR);
	if (r >= 0)
		r = emit_run(p, C_DIGIT);
	jnum = emit(p, I_JMP, 0, 0, 0);
	if (split < 0 || r < 0 || jnum < 0)
		return -ENOMEM;
	patch(p, split, true, p->n_prog);
	/* a capital, then any number of phrase characters */
	r = emit(p, I_CLASS, C_UPPER, 0, 0);
	loop = emit(p, I_SPLIT, 0, p->n_prog + 1, p->n_prog + 3);
	if (r < 0 || loop < 0)
		return -ENOMEM;
	r = emit(p, I_CLASS, C_PHRASE, 0, 0);
	if (r >= 0)
		r = emit(p, I_JMP, 0, (size_t)loop, 0);
	if (r < 0)
		return r;
	patch(p, jnum, false, p->n_prog);
	return 0;
}

const struct kb_placeholder kb_placeholders[] = {
	{ "slot", VFD_KB_SLOT, C_SLOTCH },	{ "group", VFD_KB_GROUP, C_DIGIT },
	{ "errno", VFD_KB_ERRNO, C_ALNUM },	{ "bar", VFD_KB_BAR, C_DIGIT },
	{ "process", VFD_KB_PROCESS, C_PROCESS }, { "path", VFD_KB_PATH, C_PATH },
	{ "num", VFD_KB_NUM, C_DIGIT },		{ "word", VFD_KB_WORD, C_WORD },
	{ "any", VFD_KB_ANY, C_ANY },
};
const size_t kb_n_placeholders = ARRAY_SIZE(kb_placeholders);


/*
 * note a literal word of the pattern, written lower-cased at the end of the
 * kept ones (@words + p->keyword_len, @len bytes) as it was read: the
 * prefilter requires each one of three characters or more (the first
 * WORDS_MAX distinct ones, cut to KEYWORD_MAX; the last place is kept for a
 * word of KEYWORD_MIN, which every pattern has). @seen has a bit per kept
 * word's length and first byte: a word whose bit is clear is new without a
 * rescan of the kept ones (that rescan, per word of every pattern, was a
 * tenth of a large knowledge base's start-up). Inlined into its three
 * calls: a call a word of every pattern cost a fortieth of that start-up.
 */
static inline __attribute__((always_inline)) void
keep_word(struct kb_pattern *p, char *words, uint64_t *seen, size_t len)
{
	size_t cut = len > KEYWORD_MAX ? KEYWORD_MAX : len;
	/* sized by the caller for every word of the pattern's text: no growth */
	char *k = words + p->keyword_len;
	uint64_t bit;

	if (len > p->longest)
		p->longest = (uint16_t)len;
	if (len < WORD_MIN || p->n_words == WORDS_MAX ||
	    (len < KEYWORD_MIN && p->n_words == WORDS_MAX - 1))
		return;
	k[cut] = '\0';
	bit = UINT64_C(1) << ((cut * 7 + (unsigned char)k[0]) & 63);
	/* one pass over the kept words: compared while they are walked */
	for (size_t off = 0; *seen & bit && off < p->keyword_len;) {
		size_t j = 0;

		while (words[off + j] == k[j] && k[j] != '\0')
			j++;
		if (words[off + j] == k[j])
			return;
		off += j;
		while (words[off] != '\0')
			off++;
		off++;
	}
	*seen |= bit;
	p->keyword_len = (uint16_t)(p->keyword_len + cut + 1);
	p->n_words++;
}

static void first_add(uint64_t *first, unsigned char c)
{
	first[c >> 6] |= UINT64_C(1) << (c & 63);
}

static bool first_has(const struct kb_pattern *p, unsigned char c)
{
	return kb_pattern_first(p)[c >> 6] >> (c & 63) & 1;
}

/*
 * the bytes the instructions reachable from @pc without input can consume,
 * into @first (256 bits, zeroed by the caller)
 */
static void first_set(struct kb_pattern *p, uint16_t pc, uint64_t *first)
{
	/* programs are small and acyclic without input; a visited mark still guards */
	static const size_t max_depth = 65535;
	uint16_t stack[64];
	size_t top = 0, steps = 0;

	stack[top++] = pc;
	while (top && steps++ < max_depth) {
		const struct inst *in = &p->prog[stack[--top]];

		switch (in->op) {
		case I_CHAR:
			first_add(first, in->arg);
			if (in->arg >= 'a' && in->arg <= 'z')
				first_add(first, (unsigned char)(in->arg - 32));
			break;
		case I_CLASS:
			for (int c = 0; c < 256; c++)
				if (in_class(in->arg, (unsigned char)c))
					first_add(first, (unsigned char)c);
			break;
		case I_SPLIT:
			if (top + 2 <= ARRAY_SIZE(stack)) {
				stack[top++] = in->y;
				stack[top++] = in->x;
			}
			break;
		case I_JMP:
			stack[top++] = in->x;
			break;
		case I_MATCH:
			break;
		default:	/* I_SAVE, I_NOTPREV, I_NOTNEXT: no input */
			stack[top++] = (uint16_t)(in - p->prog + 1);
		}
	}
}

/* lower() as a table, for the compiler's walk over every pattern's text */
/* | 0x20: an upper-case letter's bit 5 is clear; no arm exceeds a byte (clang checks both) */
#define LOW1(c)		((c) >= 'A' && (c) <= 'Z' ? (c) | 0x20 : (c))
#define LOW4(c)		LOW1(c), LOW1((c) + 1), LOW1((c) + 2), LOW1((c) + 3)
#define LOW16(c)	LOW4(c), LOW4((c) + 4), LOW4((c) + 8), LOW4((c) + 12)
#define LOW64(c)	LOW16(c), LOW16((c) + 16), LOW16((c) + 32), LOW16((c) + 48)
static const unsigned char lower_of[256] = { LOW64(0), LOW64(64), LOW64(128), LOW64(192) };

/* the bytes that end a run of literal characters (the text's NUL too) */
static const bool literal_end[256] = { ['\0'] = true, ['%'] = true, [' '] = true, ['\t'] = true };

/*
 * lower_of[] but 0 for literal_end's bytes: count_pattern's loop over a
 * literal run reads each byte once (one table, one test a byte)
 */
#define LIT1(c)		((c) == '\0' || (c) == '%' || (c) == ' ' || (c) == '\t' ? 0 : LOW1(c))
#define LIT4(c)		LIT1(c), LIT1((c) + 1), LIT1((c) + 2), LIT1((c) + 3)
#define LIT16(c)	LIT4(c), LIT4((c) + 4), LIT4((c) + 8), LIT4((c) + 12)
#define LIT64(c)	LIT16(c), LIT16((c) + 16), LIT16((c) + 32), LIT16((c) + 48)
static const unsigned char literal_lower[256] = { LIT64(0), LIT64(64), LIT64(128), LIT64(192) };

/*
 * the literal characters of @text from *@i up to the next '%', blank, tab
 * or its end: one I_CHAR each (counted only, without a program buffer),
 * appended lower-cased to the word being read (@word, @wlen)
 */
static int emit_literals(struct kb_pattern *p, const char *text, size_t *i, char *word,
			 size_t *wlen)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t from = *i, at = *i, w = *wlen, n;

	/* copied into the word as they are read: a memcpy() call cost more */
	while (!literal_end[t[at]])
		word[w++] = (char)lower_of[t[at++]];
	n = at - from;
	*i = at;
	*wlen = w;
	if (p->prog && p->n_prog + n > p->cap)
		return -E2BIG;
	if (p->prog)
		for (size_t k = 0; k < n; k++)
			p->prog[p->n_prog + k] = (struct inst){ I_CHAR, lower(t[from + k]), 0, 0 };
	p->n_prog += n;
	p->literal_chars = (uint16_t)(p->literal_chars + n);
	return 0;
}

/*
 * the placeholder whose name and closing '%' are at @name (the text after a
 * '%', up to its end at @end), or NULL; its name's length in *@nlen. A name
 * holds no '%', so this is the one the first '%' after @name closes (no
 * search for it); the one name it can be is told by its first byte (and
 * "process" from "path" by the second), not by a try of each
 */
static const struct kb_placeholder *placeholder_at(const char *name, const char *end,
						   size_t *nlen)
{
	static const uint8_t name_len[] = { 4, 5, 5, 3, 7, 4, 3, 4, 3 };
	size_t k, n;

	_Static_assert(ARRAY_SIZE(name_len) == ARRAY_SIZE(kb_placeholders), "a length a name");
	switch (name[0]) {
	case 's': k = 0; break;
	case 'g': k = 1; break;
	case 'e': k = 2; break;
	case 'b': k = 3; break;
	case 'p': k = (size_t)(end - name) > 1 && name[1] == 'r' ? 4 : 5; break;
	case 'n': k = 6; break;
	case 'w': k = 7; break;
	case 'a': k = 8; break;
	default: return NULL;
	}
	n = name_len[k];
	if ((size_t)(end - name) <= n || name[n] != '%')
		return NULL;
	for (size_t j = 1; j < n; j++)
		if (name[j] != kb_placeholders[k].name[j])
			return NULL;
	*nlen = n;
	return &kb_placeholders[k];
}

/* the last steps of both passes: where a try may start, the check of the words */
static int finish_pattern(struct kb_pattern *p, struct vfd_parse_error *err, unsigned int line)
{
	p->stamp_try = p->stamp_match = kb_stamp_pattern_may_start(p);
	if (p->longest < KEYWORD_MIN) {
		vfd_parse_error_set(err, line, "pattern needs a literal word of at least %d characters "
			  "(the prefilter looks for it)", KEYWORD_MIN);
		return -EINVAL;
	}
	return 0;
}

/*
 * the placeholder whose '%' is at text[@i], checked as both passes check it
 * (@first: it starts the pattern); NULL with @err filled. Inlined: a call a
 * placeholder cost 1.5M instructions of a large knowledge base's start-up
 */
static inline __attribute__((always_inline)) const struct kb_placeholder *
placeholder_checked(const struct kb_pattern *p, const char *text, size_t i, size_t len, bool first,
		    size_t *nlen, struct vfd_parse_error *err, unsigned int line)
{
	const struct kb_placeholder *ph = placeholder_at(text + i + 1, text + len, nlen);

	if (!ph)
		vfd_parse_error_set(err, line, "unknown placeholder in pattern at '%.20s' "
				    "(expected %%slot%%, %%group%%, %%errno%%, %%bar%%, "
				    "%%process%%, %%path%%, %%num%%, %%word%% or %%any%%)", text + i);
	else if (p->n_values == VFD_KB_MAX_VALUES)
		vfd_parse_error_set(err, line, "more than %d placeholders in one pattern",
				    VFD_KB_MAX_VALUES);
	else if (first && ph->type == VFD_KB_ANY)
		vfd_parse_error_set(err, line, "a pattern cannot start with %%any%%");
	else
		return ph;
	return NULL;
}

/*
 * kb_pattern_compile() without a program buffer (at load time, for every
 * pattern): the same checks, words, lead and count of instructions, found
 * token by token (a literal run, a run of blanks, a placeholder, "%%"), not
 * byte by byte with a count of each instruction (the walk was a third of a
 * large knowledge base's start-up). kb_pattern_load() builds the program
 * with the full compiler and fails where the counts differ.
 */
static int count_pattern(struct kb_pattern *p, const char *text, char *words,
			 struct vfd_parse_error *err, unsigned int line)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t len = strlen(text), i = 0, wlen = 0, n = 1;	/* I_SAVE CAP_START */
	char *word = words;
	uint64_t seen = 0;
	bool last_alnum = false;

	if (len == 0 || len > PATTERN_MAX) {
		vfd_parse_error_set(err, line, "pattern is empty or longer than %d characters", PATTERN_MAX);
		return -EINVAL;
	}
	while (i < len) {
		unsigned char c = t[i];
		size_t from = i, nlen = 0;
		const struct kb_placeholder *ph;

		if (literal_lower[c]) {
			const unsigned char *at = t + i;
			char *to = word + wlen;
			unsigned char l;

			/* I_NOTPREV before a leading letter or digit, an I_CHAR a byte */
			n += from == 0 && in_class(C_ALNUM, c);
			while ((l = literal_lower[*at]) != 0) {
				*to++ = (char)l;
				at++;
			}
			i = (size_t)(at - t);
			wlen = (size_t)(to - word);
			n += i - from;
			p->literal_chars = (uint16_t)(p->literal_chars + (i - from));
			if (from == 0) {
				p->lead_len = (uint8_t)(wlen < sizeof(p->lead) ? wlen : sizeof(p->lead));
				memcpy(p->lead, words, p->lead_len);
			}
			last_alnum = in_class(C_ALNUM, (unsigned char)word[wlen - 1]);
			continue;
		}
		if (c == '%' && t[i + 1] == '%') {
			/* one I_CHAR; the word goes on */
			word[wlen++] = '%';
			n++;
			p->literal_chars++;
			i += 2;
			last_alnum = false;
			continue;
		}
		keep_word(p, words, &seen, wlen);
		word = words + p->keyword_len;
		wlen = 0;
		last_alnum = false;
		if (c != '%') {
			/* blanks: I_CLASS and I_SPLIT */
			while (t[i] == ' ' || t[i] == '\t')
				i++;
			n += 2;
			continue;
		}
		ph = placeholder_checked(p, text, i, len, from == 0, &nlen, err, line);
		if (!ph)
			return -EINVAL;
		/* I_NOTPREV where it leads, I_SAVE, its program, I_SAVE */
		p->n_prog = (uint32_t)(n + (from == 0) + 1);
		if (ph->type == VFD_KB_SLOT)
			emit_slot(p);
		else if (ph->type == VFD_KB_ERRNO)
			emit_errno(p);
		else
			emit_run(p, ph->cls);
		n = p->n_prog + 1;
		p->types[p->n_values++] = ph->type;
		i += nlen + 2;
	}
	keep_word(p, words, &seen, wlen);
	/* I_NOTNEXT after a trailing letter or digit, I_SAVE, I_MATCH */
	p->n_prog = (uint32_t)(n + last_alnum + 2);
	return finish_pattern(p, err, line);
}

/*
 * Compile @text into @p. Literal characters match themselves (ASCII case
 * ignored), a run of blanks matches one or more blanks, %name% is a
 * placeholder, %% a percent sign.
 */
int kb_pattern_compile(struct kb_pattern *p, const char *text, char *words,
		       struct vfd_parse_error *err, unsigned int line)
{
	if (!p->prog)
		return count_pattern(p, text, words, err, line);
	size_t len = strlen(text);
	/* the word being read: written where keep_word() keeps it */
	char *word = words;
	size_t wlen = 0;
	uint64_t seen = 0;		/* keep_word's signatures of the kept words */
	bool first = true, last_alnum = false;
	int r = 0;

	if (len == 0 || len > PATTERN_MAX) {
		vfd_parse_error_set(err, line, "pattern is empty or longer than %d characters", PATTERN_MAX);
		return -EINVAL;
	}
	r = emit(p, I_SAVE, CAP_START, 0, 0);
	for (size_t i = 0; i < len && r >= 0;) {
		unsigned char c = (unsigned char)text[i];

		if (c == '%' && i + 1 < len && text[i + 1] == '%') {
			c = '%';
			i++;
		} else if (c == '%') {
			size_t nlen = 0;
			const struct kb_placeholder *ph =
				placeholder_checked(p, text, i, len, first, &nlen, err, line);

			if (!ph)
				return -EINVAL;
			keep_word(p, words, &seen, wlen);
			word = words + p->keyword_len;
			wlen = 0;
			/* a leading placeholder starts where its kind of text starts */
			if (r >= 0 && first)
				r = emit(p, I_NOTPREV, (uint8_t)ph->cls, 0, 0);
			if (r >= 0)
				r = emit(p, I_SAVE, (uint8_t)(2 * p->n_values), 0, 0);
			if (r >= 0 && ph->type == VFD_KB_SLOT)
				r = emit_slot(p);
			else if (r >= 0 && ph->type == VFD_KB_ERRNO)
				r = emit_errno(p);
			else if (r >= 0)
				r = emit_run(p, ph->cls);
			if (r >= 0)
				r = emit(p, I_SAVE, (uint8_t)(2 * p->n_values + 1), 0, 0);
			p->types[p->n_values++] = ph->type;
			i += nlen + 2;
			first = false;
			last_alnum = false;
			continue;
		}
		if (c == ' ' || c == '\t') {
			keep_word(p, words, &seen, wlen);
			word = words + p->keyword_len;
			wlen = 0;
			while (i < len && (text[i] == ' ' || text[i] == '\t'))
				i++;
			if (r >= 0)
				r = emit_run(p, C_BLANK);
			first = false;
			last_alnum = false;
			continue;
		}
		/* a message that starts or ends with a word must not be part of a longer one */
		if (first && in_class(C_ALNUM, c))
			r = emit(p, I_NOTPREV, C_ALNUM, 0, 0);
		if (r >= 0)
			r = emit(p, I_CHAR, lower(c), 0, 0);
		word[wlen++] = (char)lower_of[c];
		p->literal_chars++;
		first = false;
		i++;
		/*
		 * the literal characters after it up to the next placeholder or
		 * blank in one go (most of a pattern's text, and of load time)
		 */
		if (c != '%' && r >= 0)
			r = emit_literals(p, text, &i, word, &wlen);
		/*
		 * the lead: the text before the first blank or placeholder, the
		 * run just read where the text starts with one ("%%" ends it)
		 */
		if (word == words && wlen == i && text[0] != '%') {
			p->lead_len = (uint8_t)(wlen < sizeof(p->lead) ? wlen : sizeof(p->lead));
			memcpy(p->lead, words, p->lead_len);
		}
		last_alnum = in_class(C_ALNUM, (unsigned char)word[wlen - 1]);
	}
	if (r >= 0)
		keep_word(p, words, &seen, wlen);
	if (r >= 0 && last_alnum)
		r = emit(p, I_NOTNEXT, C_ALNUM, 0, 0);
	if (r >= 0)
		r = emit(p, I_SAVE, CAP_START + 1, 0, 0);
	if (r >= 0)
		r = emit(p, I_MATCH, 0, 0, 0);
	if (r == -E2BIG) {
		vfd_parse_error_set(err, line, "pattern too complex");
		return -EINVAL;
	}
	if (r < 0)
		return r;
	if (p->prog) {
		/* the room kb_pattern_load() made after the literals */
		uint64_t *starts = (uint64_t *)(void *)((unsigned char *)p->prog +
							kb_pattern_first_at(p->n_prog));

		memset(starts, 0, 4 * sizeof(*starts));
		first_set(p, 0, starts);
	}
	return finish_pattern(p, err, line);
}

/*
 * The program of @p, made the first time the prefilter offers the pattern:
 * most patterns of a knowledge base never meet a line they could match, and
 * building every program at load time was most of explain's start-up. The
 * text was checked and the program counted at load time (kb_pattern_compile
 * without a buffer), so this can only run out of memory.
 */
static int kb_pattern_load(struct vfd_kb *kb, struct kb_pattern *p)
{
	const char *text = kb->entries[p->entry].patterns[p->index].text;
	char words[PATTERN_MAX + 1];
	struct kb_pattern full = { .cap = p->n_prog };
	unsigned char *lit;
	int r;

	full.prog = malloc(kb_pattern_first_at(p->n_prog) + 4 * sizeof(uint64_t));
	if (!full.prog)
		return -ENOMEM;
	r = kb_pattern_compile(&full, text, words, NULL, 0);
	if (r < 0 || full.n_prog != p->n_prog) {
		free(full.prog);
		return r < 0 ? r : -EINVAL;
	}
	/*
	 * an I_CHAR's x, unused by the VM: how many I_CHARs run from it, so that
	 * the backtracking matcher compares them in one go
	 */
	for (size_t pc = p->n_prog; pc-- > 0;)
		if (full.prog[pc].op == I_CHAR)
			full.prog[pc].x = pc + 1 < p->n_prog && full.prog[pc + 1].op == I_CHAR &&
					  full.prog[pc + 1].x < UINT16_MAX ?
					  (uint16_t)(full.prog[pc + 1].x + 1) : 1;
	lit = (unsigned char *)(full.prog + p->n_prog);
	memset(lit, 0, 2 * (p->n_prog + 8));
	for (size_t pc = 0; pc < p->n_prog; pc++)
		if (full.prog[pc].op == I_CHAR) {
			lit[pc] = full.prog[pc].arg;
			lit[p->n_prog + 8 + pc] = lit[pc] >= 'a' && lit[pc] <= 'z' ? 0x20 : 0;
		}
	p->prog = full.prog;
	if (p->stamp_match) {
		uint64_t next[4];

		p->stamp_match = kb_stamp_program_next(kb, p, next);
		/* without memory for the set, any byte */
		p->stamp_next = p->stamp_match ? malloc(sizeof(next)) : NULL;
		if (p->stamp_next)
			memcpy(p->stamp_next, next, sizeof(next));
	}
	return 0;
}

int kb_pattern_ready(struct vfd_kb *kb, struct kb_pattern *p)
{
	return p->prog ? 0 : kb_pattern_load(kb, p);
}

/* ----------------------------------------------------------- the VM */

static void add_thread(struct vfd_kb *kb, const struct kb_pattern *p, struct thread *list,
		       size_t *n, uint16_t pc, const uint16_t *cap, const unsigned char *line,
		       size_t len, size_t pos)
{
	const struct inst *in;

	if (kb->mark[pc] == kb->gen || kb->steps == 0)
		return;
	kb->steps--;
	kb->mark[pc] = kb->gen;
	in = &p->prog[pc];
	switch (in->op) {
	case I_JMP:
		add_thread(kb, p, list, n, in->x, cap, line, len, pos);
		return;
	case I_SPLIT:
		add_thread(kb, p, list, n, in->x, cap, line, len, pos);
		add_thread(kb, p, list, n, in->y, cap, line, len, pos);
		return;
	case I_SAVE: {
		uint16_t copy[CAP_N];

		memcpy(copy, cap, sizeof(copy));
		copy[in->arg] = (uint16_t)pos;
		add_thread(kb, p, list, n, (uint16_t)(pc + 1), copy, line, len, pos);
		return;
	}
	case I_NOTPREV:
		if (pos == 0 || !kb_in_class(kb, in->arg, line[pos - 1]))
			add_thread(kb, p, list, n, (uint16_t)(pc + 1), cap, line, len, pos);
		return;
	case I_NOTNEXT:
		if (pos == len || !kb_in_class(kb, in->arg, line[pos]))
			add_thread(kb, p, list, n, (uint16_t)(pc + 1), cap, line, len, pos);
		return;
	default:
		list[*n].pc = pc;
		memcpy(list[*n].cap, cap, sizeof(list[*n].cap));
		(*n)++;
	}
}

/* a fresh generation for the pc marks; on wrap-around the marks start over */
static void next_gen(struct vfd_kb *kb)
{
	if (++kb->gen == 0) {
		memset(kb->mark, 0, (kb->max_prog + 1) * sizeof(*kb->mark));
		kb->gen = 1;
	}
}

/* can a match of @p start at @pos? its first byte, then its leading literal text */
static bool can_start(const struct kb_pattern *p, const unsigned char *line, size_t len,
		      size_t pos)
{
	if (!first_has(p, line[pos]) || len - pos < p->lead_len)
		return false;
	for (uint8_t k = 1; k < p->lead_len; k++)
		if (lower(line[pos + k]) != (unsigned char)p->lead[k])
			return false;
	return true;
}

/*
 * leftmost match of @p in the line; 1 with the captures, 0 none, -E2BIG when
 * the line's step budget ran out first
 */
#define BACKTRACK_STEPS	20000	/* more: the Pike VM takes the line */

/*
 * The program of @p run by backtracking from @start: a SPLIT tries its
 * first branch and leaves the second as a choice, so the first path that
 * reaches MATCH is the one of highest priority, the match the Pike VM
 * reports for the same start. On log lines the patterns' literal text fails
 * within a byte or two, and this costs a fraction of the VM, which carries
 * every thread's captures along. 1 with the captures, 0 none, -E2BIG when
 * the choices or steps ran out (the caller runs the VM instead).
 */
static int backtrack_from(struct vfd_kb *kb, const struct kb_pattern *p,
			  const unsigned char *line, size_t len, size_t start, uint16_t *out,
			  unsigned int *steps)
{
	struct choice *ch = kb->choices;
	size_t n_ch = 0, pending = 0, pos = start;	/* entries, choices they hold */
	uint16_t pc = 0, cap[CAP_N] = { 0 };
	const unsigned char *lit = kb_pattern_lits(p);

	for (;;) {
		const struct inst *in = &p->prog[pc];
		bool ok = true;

		if (++*steps > BACKTRACK_STEPS)
			return -E2BIG;
		switch (in->op) {
		case I_CHAR: {
			/*
			 * the run of in->x characters at once; the steps counted as
			 * one at a time: those up to the first that differs, or all
			 */
			uint16_t k = 0, run = in->x;

			if (pos + 8 <= len) {
				/* the first eight at once (kb_pattern_lits()) */
				uint64_t x, l, f;

				memcpy(&x, line + pos, 8);
				memcpy(&l, lit + pc, 8);
				memcpy(&f, lit + p->n_prog + 8 + pc, 8);
				x = (x | f) ^ l;
				k = x ? (uint16_t)(__builtin_ctzll(x) / 8) : 8;
				if (k > run)
					k = run;
			}
			/* past the eight, or near the line's end: one at a time */
			if (k == 8 || pos + 8 > len)
				while (k < run && pos + k < len &&
				       lower(line[pos + k]) == in[k].arg)
					k++;
			if (*steps + (k == run ? run - 1u : k) > BACKTRACK_STEPS)
				return -E2BIG;
			*steps += k == run ? run - 1u : k;
			ok = k == run;
			pos += run;
			pc = (uint16_t)(pc + run);
			break;
		}
		case I_CLASS:
			if (in[1].op == I_SPLIT && in[1].x == pc && in[1].y == pc + 2u) {
				/*
				 * a greedy run (emit_run): the m bytes of the class at
				 * once, 2m more steps and m choices as one at a time
				 * would take (the last is taken at once), the m - 1
				 * left in one entry that gives back the places from
				 * pos + m - 1 down to pos + 1
				 */
				size_t m = 0;

				while (pos + m < len && kb_in_class(kb, in->arg, line[pos + m]))
					m++;
				if (m > 0) {
					if (*steps + 2 * m > BACKTRACK_STEPS ||
					    pending + m > KB_CHOICES)
						return -E2BIG;
					*steps += (unsigned int)(2 * m);
					if (m > 1) {
						ch[n_ch].pc = (uint16_t)(pc + 2);
						ch[n_ch].pos = (uint16_t)(pos + m - 1);
						ch[n_ch].low = (uint16_t)(pos + 1);
						memcpy(ch[n_ch].cap, cap, sizeof(cap));
						n_ch++;
						pending += m - 1;
					}
					pos += m;
					pc = (uint16_t)(pc + 2);
					break;
				}
			}
			ok = pos < len && kb_in_class(kb, in->arg, line[pos]);
			pos++;
			pc++;
			break;
		case I_SPLIT:
			if (pending == KB_CHOICES)
				return -E2BIG;
			ch[n_ch].pc = in->y;
			ch[n_ch].pos = ch[n_ch].low = (uint16_t)pos;
			memcpy(ch[n_ch].cap, cap, sizeof(cap));
			n_ch++;
			pending++;
			pc = in->x;
			break;
		case I_JMP:
			pc = in->x;
			break;
		case I_SAVE:
			cap[in->arg] = (uint16_t)pos;
			pc++;
			break;
		case I_NOTPREV:
			ok = pos == 0 || !kb_in_class(kb, in->arg, line[pos - 1]);
			pc++;
			break;
		case I_NOTNEXT:
			ok = pos == len || !kb_in_class(kb, in->arg, line[pos]);
			pc++;
			break;
		default:	/* I_MATCH */
			memcpy(out, cap, sizeof(cap));
			return 1;
		}
		if (ok)
			continue;
		if (pending == 0)
			return 0;
		pending--;
		pc = ch[n_ch - 1].pc;
		pos = ch[n_ch - 1].pos;
		memcpy(cap, ch[n_ch - 1].cap, sizeof(cap));
		/* a run's entry gives its places one at a time, the last one first */
		if (ch[n_ch - 1].pos > ch[n_ch - 1].low)
			ch[n_ch - 1].pos--;
		else
			n_ch--;
	}
}

/* the leftmost match by backtracking; -E2BIG: this line is the VM's */
static int backtrack_run(struct vfd_kb *kb, const struct kb_pattern *p,
			 const unsigned char *line, size_t len, uint16_t *out)
{
	unsigned int steps = 0;
	size_t n_lead = p->lead_len < 2 ? p->lead_len : 2;

	for (size_t pos = 0; pos < len; pos++) {
		int r;

		/* most places do not hold the lead's first bytes: a search skips them */
		if (n_lead) {
			pos = kb_lead_next(line, len, pos, p->lead, n_lead);
			if (pos == len)
				break;
		}
		if (!can_start(p, line, len, pos))
			continue;
		r = backtrack_from(kb, p, line, len, pos, out, &steps);
		if (r != 0)
			return r;
	}
	return 0;
}

int kb_pattern_run(struct vfd_kb *kb, struct kb_pattern *p, const unsigned char *line,
		   size_t len, uint16_t *out)
{
	struct thread *cl = kb->tl[0], *nl = kb->tl[1], *tmp;
	uint16_t zero[CAP_N] = { 0 };
	size_t nc = 0, nn, pos = 0;
	bool matched = false;

	if (!p->prog) {
		int r = kb_pattern_load(kb, p);

		if (r < 0)
			return r;
	}
	{
		int r = backtrack_run(kb, p, line, len, out);

		if (r != -E2BIG) {
			if (kb->steps == 0)
				return -E2BIG;
			kb->steps--;
			return r;
		}
	}
	for (;;) {
		if (nc == 0) {
			/* no thread alive: jump to where a match could start */
			if (matched)
				break;
			while (pos < len && !can_start(p, line, len, pos))
				pos++;
			if (pos >= len)
				break;
			next_gen(kb);
			add_thread(kb, p, cl, &nc, 0, zero, line, len, pos);
			if (nc == 0) {
				pos++;
				continue;
			}
		}
		nn = 0;
		next_gen(kb);
		for (size_t t = 0; t < nc; t++) {
			const struct inst *in = &p->prog[cl[t].pc];

			if (in->op == I_MATCH) {
				memcpy(out, cl[t].cap, sizeof(cl[t].cap));
				matched = true;
				break;	/* threads after this one have lower priority */
			}
			if (pos >= len)
				continue;
			if ((in->op == I_CHAR && lower(line[pos]) == in->arg) ||
			    (in->op == I_CLASS && kb_in_class(kb, in->arg, line[pos])))
				add_thread(kb, p, nl, &nn, (uint16_t)(cl[t].pc + 1), cl[t].cap, line,
					   len, pos + 1);
		}
		if (kb->steps < nc)
			return -E2BIG;
		kb->steps -= (uint32_t)nc;
		if (pos >= len)
			break;
		/* a new start at the next position, least preferred: leftmost wins */
		if (!matched && pos + 1 < len && can_start(p, line, len, pos + 1))
			add_thread(kb, p, nl, &nn, 0, zero, line, len, pos + 1);
		tmp = cl;
		cl = nl;
		nl = tmp;
		nc = nn;
		pos++;
	}
	return matched;
}
