// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The knowledge base of log messages (data/kb/NN-NAME.kb joined, compiled in): a
 * parser for its stanza format, a compiler from message patterns to small
 * programs, and a matcher for one log line.
 *
 * Matching costs time linear in the line: one Aho-Corasick pass over the line
 * (kb-prefilter.c, ac.c) finds the literal words of every pattern, and only
 * the patterns all of whose words occur in it run, as a Pike VM (every
 * thread advances one character at a time in lockstep; threads in the same
 * state merge, so nothing ever backtracks). The same pass finds the words that the
 * classifier of lines the knowledge base does not know looks for
 * (explain-unknown.c). The VM's work on one line is capped (KB_STEP_BUDGET):
 * a line that reaches the cap is reported as not fully examined. Patterns are
 * unanchored: the log prefixes in front of a message (timestamps, host names,
 * "kernel:", QEMU's "-device ...:", libvirt's wrapping) are simply skipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "explain-unknown.h"
#include "internal.h"
#include "kb-prefilter.h"

/* the file generated from data/kb/NN-NAME.kb by tools/kb-embed.c */
extern const char vfd_kb_builtin_data[];
extern const size_t vfd_kb_builtin_size;

#define KB_MAX_SIZE	(4u << 20)	/* a KB file larger than this is refused */
#define KB_LINE_MAX	4096		/* longest line of a KB file */
#define PATTERN_MAX	512		/* longest pattern */
#define KEYWORD_MIN	4		/* the prefilter needs a word this long */
#define KEYWORD_MAX	24		/* ... and at most this much of it */
#define WORDS_MAX	32		/* words of a pattern the prefilter requires */
#define WORD_MIN	3		/* ... each this long at least (one KEYWORD_MIN long) */
/*
 * VM steps (thread additions and advances) for all the patterns tried on one
 * line: ordinary lines need a few thousand; the cap stops patterns built of
 * many %any% on a line of 64 KiB after some milliseconds, not minutes.
 */
#define KB_STEP_BUDGET	(1u << 22)
#define MATCH_LINE_MAX	65535u		/* a log line is matched on this many bytes */
/* capture slots: two per placeholder, then the start and end of the whole match */
#define CAP_N		(2 * VFD_KB_MAX_VALUES + 2)
#define CAP_START	(2 * VFD_KB_MAX_VALUES)

/* ------------------------------------------------------------ classes */

enum cls {
	C_BLANK, C_DIGIT, C_HEX, C_OCT, C_WORD, C_PROCESS, C_PATH, C_ANY, C_UPPER,
	C_PHRASE, C_SLOTCH, C_ALNUM,
};

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool in_class(enum cls k, unsigned char c)
{
	switch (k) {
	case C_BLANK:
		return c == ' ' || c == '\t';
	case C_DIGIT:
		return is_digit(c);
	case C_HEX:
		return is_hex(c);
	case C_OCT:
		return c >= '0' && c <= '7';
	case C_WORD:
		return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
	case C_PROCESS:
		/* a command name: anything printable but the quotes around it */
		return (c > ' ' && c != 0x7f && c != '"' && c != '(' && c != ')' && c != ':');
	case C_PATH:
		return c > ' ' && c != 0x7f && c != '\'' && c != '"';
	case C_ANY:
		return c != '\n';
	case C_UPPER:
		return c >= 'A' && c <= 'Z';
	case C_PHRASE:
		/* the words of strerror(): "Input/output error", "Read-only file system" */
		return is_alpha(c) || c == ' ' || c == '/' || c == '-' || c == '\'';
	case C_SLOTCH:
		return is_hex(c) || c == ':' || c == '.';
	case C_ALNUM:
		return is_alpha(c) || is_digit(c);
	}
	return false;
}

/* ------------------------------------------------------------ programs */

enum op { I_CHAR, I_CLASS, I_SPLIT, I_JMP, I_SAVE, I_NOTPREV, I_NOTNEXT, I_MATCH };

struct inst {
	uint8_t op;
	uint8_t arg;		/* I_CHAR: lower-case byte; I_CLASS, I_NOT*: class; I_SAVE: slot */
	uint16_t x, y;		/* I_SPLIT: x is tried first; I_JMP: x */
};

struct kb_pattern {
	struct inst *prog;
	size_t n_prog, cap;
	size_t entry;			/* index into kb->entries */
	size_t index;			/* which match: line of its entry */
	uint8_t n_values;
	uint8_t types[VFD_KB_MAX_VALUES];
	/*
	 * the prefilter's keys: the literal words of three characters or more
	 * (see keep_word), each NUL-terminated, one after another
	 */
	char *keyword;
	size_t keyword_len;
	uint8_t n_words;
	size_t longest;			/* the longest literal word */
	unsigned int literal_chars;	/* how specific the pattern is */
	bool first[256];		/* bytes a match can start with */
	char lead[8];			/* the literal text a match starts with, lower case */
	uint8_t lead_len;
};

struct thread {
	uint16_t pc;
	uint16_t cap[CAP_N];	/* offsets: lines are matched on at most 65535 bytes */
};

struct vfd_kb {
	struct vfd_kb_entry *entries;
	size_t n_entries, cap_entries;
	struct kb_pattern *patterns;
	size_t n_patterns, cap_patterns;

	/* the words of all patterns and of the classifier of unknown lines */
	struct kb_prefilter *prefilter;

	/* scratch for matching: not thread-safe, one line at a time */
	size_t *cands;
	uint32_t steps;			/* VM steps left for this line */
	struct thread *tl[2];
	uint32_t *mark;			/* per pc: list generation */
	uint32_t gen;
	size_t max_prog;
};

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

static int emit(struct kb_pattern *p, uint8_t op, uint8_t arg, size_t x, size_t y)
{
	if (p->n_prog >= 65535 || x > 65535 || y > 65535)
		return -E2BIG;
	if (p->n_prog == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		struct inst *n = realloc(p->prog, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->prog = n;
		p->cap = ncap;
	}
	p->prog[p->n_prog++] = (struct inst){ op, arg, (uint16_t)x, (uint16_t)y };
	return (int)p->n_prog - 1;
}

/* one or more characters of a class, greedily */
static int emit_run(struct kb_pattern *p, enum cls k)
{
	int loop = emit(p, I_CLASS, (uint8_t)k, 0, 0);

	if (loop < 0)
		return loop;
	return emit(p, I_SPLIT, 0, (size_t)loop, p->n_prog + 1);
}

/* DDDD:BB:DD.F (4 or 5 domain digits, as VMD domains have) or BB:DD.F */
static int emit_slot(struct kb_pattern *p)
{
	int split, r = 0;
	size_t bus;

	split = emit(p, I_SPLIT, 0, p->n_prog + 1, 0);
	for (int i = 0; i < 4 && r >= 0; i++)
		r = emit(p, I_CLASS, C_HEX, 0, 0);
	/* optional fifth domain digit */
	if (r >= 0)
		r = emit(p, I_SPLIT, 0, p->n_prog + 1, p->n_prog + 2);
	if (r >= 0)
		r = emit(p, I_CLASS, C_HEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CHAR, ':', 0, 0);
	if (split < 0 || r < 0)
		return split < 0 ? split : r;
	bus = p->n_prog;
	p->prog[split].y = (uint16_t)bus;
	r = emit(p, I_CLASS, C_HEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CLASS, C_HEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CHAR, ':', 0, 0);
	if (r >= 0)
		r = emit(p, I_CLASS, C_HEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CLASS, C_HEX, 0, 0);
	if (r >= 0)
		r = emit(p, I_CHAR, '.', 0, 0);
	if (r >= 0)
		r = emit(p, I_CLASS, C_OCT, 0, 0);
	if (r >= 0)
		r = emit(p, I_NOTNEXT, C_HEX, 0, 0);
	return r;
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
		r = emit(p, I_CHAR, '-', 0, 0);
	if (r >= 0)
		r = emit_run(p, C_DIGIT);
	jnum = emit(p, I_JMP, 0, 0, 0);
	if (split < 0 || r < 0 || jnum < 0)
		return -ENOMEM;
	p->prog[split].y = (uint16_t)p->n_prog;
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
	p->prog[jnum].x = (uint16_t)p->n_prog;
	return 0;
}

struct placeholder {
	const char *name;
	enum vfd_kb_value_type type;
	enum cls cls;		/* for runs; also the class checked before a leading one */
};

static const struct placeholder placeholders[] = {
	{ "slot", VFD_KB_SLOT, C_SLOTCH },	{ "group", VFD_KB_GROUP, C_DIGIT },
	{ "errno", VFD_KB_ERRNO, C_ALNUM },	{ "bar", VFD_KB_BAR, C_DIGIT },
	{ "process", VFD_KB_PROCESS, C_PROCESS }, { "path", VFD_KB_PATH, C_PATH },
	{ "num", VFD_KB_NUM, C_DIGIT },		{ "word", VFD_KB_WORD, C_WORD },
	{ "any", VFD_KB_ANY, C_ANY },
};

static void set_error(struct vfd_kb_error *err, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(struct vfd_kb_error *err, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/*
 * note a literal word of the pattern: the prefilter requires each one of three
 * characters or more (the first WORDS_MAX distinct ones, cut to KEYWORD_MAX;
 * the last place is kept for a word of KEYWORD_MIN, which every pattern has)
 */
static int keep_word(struct kb_pattern *p, const char *word, size_t len)
{
	size_t cut = len > KEYWORD_MAX ? KEYWORD_MAX : len;
	char k[KEYWORD_MAX + 1], *nk;

	if (len > p->longest)
		p->longest = len;
	if (len < WORD_MIN || p->n_words == WORDS_MAX ||
	    (len < KEYWORD_MIN && p->n_words == WORDS_MAX - 1))
		return 0;
	for (size_t i = 0; i < cut; i++)
		k[i] = (char)lower((unsigned char)word[i]);
	k[cut] = '\0';
	for (size_t off = 0; off < p->keyword_len; off += strlen(p->keyword + off) + 1)
		if (strcmp(p->keyword + off, k) == 0)
			return 0;
	nk = realloc(p->keyword, p->keyword_len + cut + 1);
	if (!nk)
		return -ENOMEM;
	memcpy(nk + p->keyword_len, k, cut + 1);
	p->keyword = nk;
	p->keyword_len += cut + 1;
	p->n_words++;
	return 0;
}

/* the bytes the instructions reachable from @pc without input can consume */
static void first_set(struct kb_pattern *p, uint16_t pc)
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
			p->first[in->arg] = true;
			if (in->arg >= 'a' && in->arg <= 'z')
				p->first[in->arg - 32] = true;
			break;
		case I_CLASS:
			for (int c = 0; c < 256; c++)
				if (in_class(in->arg, (unsigned char)c))
					p->first[c] = true;
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

/*
 * Compile @text into @p. Literal characters match themselves (ASCII case
 * ignored), a run of blanks matches one or more blanks, %name% is a
 * placeholder, %% a percent sign.
 */
static int compile_pattern(struct kb_pattern *p, const char *text, struct vfd_kb_error *err,
			   unsigned int line)
{
	size_t len = strlen(text);
	char word[PATTERN_MAX + 1];
	size_t wlen = 0;
	bool first = true, last_alnum = false;
	int r = 0;

	if (len == 0 || len > PATTERN_MAX) {
		set_error(err, line, "pattern is empty or longer than %d characters", PATTERN_MAX);
		return -EINVAL;
	}
	r = emit(p, I_SAVE, CAP_START, 0, 0);
	for (size_t i = 0; i < len && r >= 0;) {
		unsigned char c = (unsigned char)text[i];

		if (c == '%' && i + 1 < len && text[i + 1] == '%') {
			c = '%';
			i++;
		} else if (c == '%') {
			const char *close = memchr(text + i + 1, '%', len - i - 1);
			const struct placeholder *ph = NULL;
			size_t nlen = close ? (size_t)(close - text - i - 1) : 0;

			for (size_t k = 0; close && k < ARRAY_SIZE(placeholders); k++)
				if (strlen(placeholders[k].name) == nlen &&
				    strncmp(placeholders[k].name, text + i + 1, nlen) == 0)
					ph = &placeholders[k];
			if (!ph) {
				set_error(err, line, "unknown placeholder in pattern at '%.20s' "
					  "(expected %%slot%%, %%group%%, %%errno%%, %%bar%%, "
					  "%%process%%, %%path%%, %%num%%, %%word%% or %%any%%)",
					  text + i);
				return -EINVAL;
			}
			if (p->n_values == VFD_KB_MAX_VALUES) {
				set_error(err, line, "more than %d placeholders in one pattern",
					  VFD_KB_MAX_VALUES);
				return -EINVAL;
			}
			if (first && ph->type == VFD_KB_ANY) {
				set_error(err, line, "a pattern cannot start with %%any%%");
				return -EINVAL;
			}
			r = keep_word(p, word, wlen);
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
			r = keep_word(p, word, wlen);
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
		word[wlen++] = (char)c;
		p->literal_chars++;
		last_alnum = in_class(C_ALNUM, c);
		first = false;
		i++;
	}
	if (r >= 0)
		r = keep_word(p, word, wlen);
	if (r >= 0 && last_alnum)
		r = emit(p, I_NOTNEXT, C_ALNUM, 0, 0);
	if (r >= 0)
		r = emit(p, I_SAVE, CAP_START + 1, 0, 0);
	if (r >= 0)
		r = emit(p, I_MATCH, 0, 0, 0);
	if (r == -E2BIG) {
		set_error(err, line, "pattern too complex");
		return -EINVAL;
	}
	if (r < 0)
		return r;
	first_set(p, 0);
	/* the literal characters before the first blank or placeholder */
	while (p->lead_len < sizeof(p->lead) && p->lead_len < len &&
	       !strchr("% \t", text[p->lead_len])) {
		p->lead[p->lead_len] = (char)lower((unsigned char)text[p->lead_len]);
		p->lead_len++;
	}
	if (p->longest < KEYWORD_MIN) {
		set_error(err, line, "pattern needs a literal word of at least %d characters "
			  "(the prefilter looks for it)", KEYWORD_MIN);
		return -EINVAL;
	}
	return 0;
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
		if (pos == 0 || !in_class(in->arg, line[pos - 1]))
			add_thread(kb, p, list, n, (uint16_t)(pc + 1), cap, line, len, pos);
		return;
	case I_NOTNEXT:
		if (pos == len || !in_class(in->arg, line[pos]))
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
	if (!p->first[line[pos]] || len - pos < p->lead_len)
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
static int run_pattern(struct vfd_kb *kb, const struct kb_pattern *p, const unsigned char *line,
		       size_t len, uint16_t *out)
{
	struct thread *cl = kb->tl[0], *nl = kb->tl[1], *tmp;
	uint16_t zero[CAP_N] = { 0 };
	size_t nc = 0, nn, pos = 0;
	bool matched = false;

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
			    (in->op == I_CLASS && in_class(in->arg, line[pos])))
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

/* -------------------------------------------------- the prefilter */

/* every pattern's words, then the classifier's, into one prefilter */
static int prefilter_build(struct vfd_kb *kb)
{
	size_t n_unknown = 0;
	const char *const *unknown = vfd_unknown_words(&n_unknown);
	int r = 0;

	kb->prefilter = kb_prefilter_new();
	if (!kb->prefilter)
		return -ENOMEM;
	for (size_t i = 0; i < kb->n_patterns && r >= 0; i++) {
		const struct kb_pattern *p = &kb->patterns[i];
		char *words;

		if (p->lead_len != 2) {
			r = kb_prefilter_add_pattern(kb->prefilter, i, p->keyword, p->n_words);
			continue;
		}
		/*
		 * a lead of two bytes ("xe %slot%:%any%no table") is no word, but a
		 * match holds it all the same: required too, it keeps the VM off
		 * every line that holds the pattern's one common word
		 */
		words = malloc(p->keyword_len + 3);
		if (!words)
			return -ENOMEM;
		memcpy(words, p->keyword, p->keyword_len);
		memcpy(words + p->keyword_len, p->lead, 2);
		words[p->keyword_len + 2] = '\0';
		r = kb_prefilter_add_pattern(kb->prefilter, i, words, p->n_words + 1);
		free(words);
	}
	for (size_t i = 0; i < n_unknown && r >= 0; i++)
		r = kb_prefilter_add_hint(kb->prefilter, unknown[i], (unsigned int)i,
					  vfd_unknown_word_gates(i));
	return r < 0 ? r : kb_prefilter_build(kb->prefilter);
}

/* -------------------------------------------------------- the parser */

struct field {
	char key[16];
	char *value;
	unsigned int line;
};

struct stanza {
	struct field *f;
	size_t n, cap;
};

static void stanza_clear(struct stanza *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->f[i].value);
	s->n = 0;
}

static const char *const layers[] = {
	"kernel", "qemu", "libvirt", "sysfs", "guest", "distro", "xen", "dpdk", "crosvm",
	"cloud-hypervisor", "initramfs",
};
/* the cause kinds of SPEC-15 (the held-out sets are labelled with them) */
const char *const vfd_kb_kinds[] = {
	"iommu-off", "irq-remap", "group-viability", "device-busy", "binding", "module", "reset",
	"rom", "bar-resource", "dma-mapping", "permission", "firmware-bug", "config",
	"guest-driver", "harmless", NULL,
};
static const char *const status_words[] = { "ok", "info", "warn", "fail", "skip" };

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -ENOMEM;
	memset((char *)nv + *cap * size, 0, (ncap - *cap) * size);
	*v = nv;
	*cap = ncap;
	return 0;
}

static int push_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

static bool valid_id(const char *s)
{
	const char *dot = strchr(s, '.');

	if (!dot || dot == s || !dot[1] || strlen(s) > 64)
		return false;
	for (const char *c = s; *c; c++)
		if (!(is_alpha((unsigned char)*c) || is_digit((unsigned char)*c) || *c == '.' ||
		      *c == '-' || *c == '_') || (*c >= 'A' && *c <= 'Z'))
			return false;
	return true;
}

/* "device.group=fail iommu.enabled=fail,warn" */
static int parse_check(struct vfd_kb_cause *cause, const char *text, struct vfd_kb_error *err,
		       unsigned int line)
{
	struct vfd_kb_check *nc, *check;
	char *copy = strdup(text), *save = NULL;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	nc = realloc(cause->checks, (cause->n_checks + 1) * sizeof(*nc));
	if (!nc) {
		free(copy);
		return -ENOMEM;
	}
	cause->checks = nc;
	check = &nc[cause->n_checks++];
	memset(check, 0, sizeof(*check));
	for (char *tok = strtok_r(copy, " \t", &save); tok && r == 0;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '='), *ssave = NULL;
		struct vfd_kb_cond *cond, *ncond;

		if (!eq || eq == tok) {
			set_error(err, line, "check '%s': expected FINDING=STATUS[,STATUS]", tok);
			r = -EINVAL;
			break;
		}
		*eq = '\0';
		if (!valid_id(tok)) {
			set_error(err, line, "check: '%s' is not a finding id (layer.name)", tok);
			r = -EINVAL;
			break;
		}
		ncond = realloc(check->conds, (check->n + 1) * sizeof(*ncond));
		if (!ncond) {
			r = -ENOMEM;
			break;
		}
		check->conds = ncond;
		cond = &ncond[check->n++];
		cond->statuses = 0;
		cond->finding = strdup(tok);
		if (!cond->finding) {
			r = -ENOMEM;
			break;
		}
		for (char *st = strtok_r(eq + 1, ",", &ssave); st; st = strtok_r(NULL, ",", &ssave)) {
			size_t k;

			for (k = 0; k < ARRAY_SIZE(status_words); k++)
				if (strcmp(st, status_words[k]) == 0)
					break;
			if (k == ARRAY_SIZE(status_words)) {
				set_error(err, line, "check: unknown status '%s' (expected ok, info, "
					  "warn, fail or skip)", st);
				r = -EINVAL;
				break;
			}
			cond->statuses |= 1u << k;
		}
		if (r == 0 && !cond->statuses) {
			set_error(err, line, "check: no status after '%s='", tok);
			r = -EINVAL;
		}
	}
	if (r == 0 && check->n == 0) {
		set_error(err, line, "check: no condition");
		r = -EINVAL;
	}
	free(copy);
	return r;
}

static bool yes_no(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0)
		*out = false;
	else
		return false;
	return true;
}

/* kind: one of vfd_kb_kinds, once */
static int set_kind(struct vfd_kb_entry *e, const struct field *f, struct vfd_kb_error *err)
{
	size_t k;

	if (e->kind) {
		set_error(err, f->line, "'kind' given twice in one entry");
		return -EINVAL;
	}
	for (k = 0; vfd_kb_kinds[k]; k++)
		if (strcmp(f->value, vfd_kb_kinds[k]) == 0)
			break;
	if (!vfd_kb_kinds[k]) {
		set_error(err, f->line, "kind '%.40s': expected one of iommu-off, irq-remap, "
			  "group-viability, device-busy, binding, module, reset, rom, bar-resource, "
			  "dma-mapping, permission, firmware-bug, config, guest-driver, harmless",
			  f->value);
		return -EINVAL;
	}
	e->kind = vfd_kb_kinds[k];
	return 0;
}

static int set_once(char **field, const struct field *f, struct vfd_kb_error *err)
{
	if (*field) {
		set_error(err, f->line, "'%s' given twice in one entry", f->key);
		return -EINVAL;
	}
	*field = strdup(f->value);
	return *field ? 0 : -ENOMEM;
}

static void entry_clear(struct vfd_kb_entry *e)
{
	free(e->id);
	free(e->layer);
	free(e->title);
	free(e->meaning);
	vfd_strv_free(e->sources);
	for (size_t i = 0; i < e->n_patterns; i++) {
		free(e->patterns[i].text);
		free(e->patterns[i].versions);
	}
	free(e->patterns);
	for (size_t i = 0; i < e->n_causes; i++) {
		struct vfd_kb_cause *c = &e->causes[i];

		free(c->text);
		free(c->verify);
		for (size_t k = 0; k < c->n_checks; k++) {
			for (size_t j = 0; j < c->checks[k].n; j++)
				free(c->checks[k].conds[j].finding);
			free(c->checks[k].conds);
		}
		free(c->checks);
	}
	free(e->causes);
	vfd_strv_free(e->fixes);
	memset(e, 0, sizeof(*e));
}

static int add_pattern(struct vfd_kb *kb, struct vfd_kb_entry *e, const struct field *f,
		       struct vfd_kb_error *err)
{
	struct vfd_kb_pattern_text *np;
	struct kb_pattern *p;
	int r;

	if (grow((void **)&kb->patterns, &kb->cap_patterns, kb->n_patterns, sizeof(*p)) < 0)
		return -ENOMEM;
	p = &kb->patterns[kb->n_patterns];
	memset(p, 0, sizeof(*p));
	p->entry = kb->n_entries;
	p->index = e->n_patterns;
	r = compile_pattern(p, f->value, err, f->line);
	if (r < 0) {
		free(p->prog);
		free(p->keyword);
		memset(p, 0, sizeof(*p));
		return r;
	}
	np = realloc(e->patterns, (e->n_patterns + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	e->patterns = np;
	np[e->n_patterns].versions = NULL;
	np[e->n_patterns].text = strdup(f->value);
	if (!np[e->n_patterns].text)
		return -ENOMEM;
	e->n_patterns++;
	kb->n_patterns++;
	if (p->n_prog > kb->max_prog)
		kb->max_prog = p->n_prog;
	return 0;
}

static int build_entry(struct vfd_kb *kb, struct stanza *s, struct vfd_kb_error *err)
{
	struct vfd_kb_entry e = { 0 };
	size_t first_pattern = kb->n_patterns;
	int r = 0;

	for (size_t i = 0; i < s->n && r == 0; i++) {
		const struct field *f = &s->f[i];
		struct vfd_kb_cause *last = e.n_causes ? &e.causes[e.n_causes - 1] : NULL;

		if (i == 0 && strcmp(f->key, "id") != 0) {
			set_error(err, f->line, "an entry must start with 'id:' (found '%s:')",
				  f->key);
			r = -EINVAL;
		} else if (strcmp(f->key, "id") == 0) {
			if (!valid_id(f->value)) {
				set_error(err, f->line, "id '%s': expected lower-case words joined "
					  "by dots, e.g. kernel.probe-failed", f->value);
				r = -EINVAL;
			} else {
				r = set_once(&e.id, f, err);
			}
			for (size_t k = 0; r == 0 && k < kb->n_entries; k++) {
				if (strcmp(kb->entries[k].id, f->value) == 0) {
					set_error(err, f->line, "id '%s' used twice", f->value);
					r = -EINVAL;
				}
			}
		} else if (strcmp(f->key, "layer") == 0) {
			size_t k;

			for (k = 0; k < ARRAY_SIZE(layers); k++)
				if (strcmp(f->value, layers[k]) == 0)
					break;
			if (k == ARRAY_SIZE(layers)) {
				set_error(err, f->line, "layer '%.40s': expected kernel, qemu, libvirt, "
					  "sysfs, guest, distro, xen, dpdk, crosvm, cloud-hypervisor or "
					  "initramfs", f->value);
				r = -EINVAL;
			} else {
				r = set_once(&e.layer, f, err);
			}
		} else if (strcmp(f->key, "title") == 0) {
			r = set_once(&e.title, f, err);
		} else if (strcmp(f->key, "meaning") == 0) {
			r = set_once(&e.meaning, f, err);
		} else if (strcmp(f->key, "source") == 0) {
			r = push_str(&e.sources, &e.n_sources, f->value);
		} else if (strcmp(f->key, "fix") == 0) {
			r = push_str(&e.fixes, &e.n_fixes, f->value);
		} else if (strcmp(f->key, "kind") == 0) {
			r = set_kind(&e, f, err);
		} else if (strcmp(f->key, "harmless") == 0 || strcmp(f->key, "wrapper") == 0 ||
			   strcmp(f->key, "family") == 0) {
			bool *flag = f->key[0] == 'h' ? &e.harmless : f->key[0] == 'w' ? &e.wrapper
											 : &e.family;

			if (!yes_no(f->value, flag)) {
				set_error(err, f->line, "%s: expected yes or no", f->key);
				r = -EINVAL;
			}
		} else if (strcmp(f->key, "match") == 0) {
			r = add_pattern(kb, &e, f, err);
		} else if (strcmp(f->key, "versions") == 0) {
			if (!e.n_patterns || e.patterns[e.n_patterns - 1].versions) {
				set_error(err, f->line, "'versions:' must follow its 'match:' line");
				r = -EINVAL;
			} else {
				e.patterns[e.n_patterns - 1].versions = strdup(f->value);
				r = e.patterns[e.n_patterns - 1].versions ? 0 : -ENOMEM;
			}
		} else if (strcmp(f->key, "cause") == 0) {
			struct vfd_kb_cause *nc = realloc(e.causes, (e.n_causes + 1) * sizeof(*nc));

			if (!nc) {
				r = -ENOMEM;
			} else {
				e.causes = nc;
				memset(&nc[e.n_causes], 0, sizeof(*nc));
				nc[e.n_causes].text = strdup(f->value);
				r = nc[e.n_causes++].text ? 0 : -ENOMEM;
			}
		} else if (strcmp(f->key, "check") == 0 || strcmp(f->key, "verify") == 0) {
			if (!last) {
				set_error(err, f->line, "'%s:' must follow its 'cause:' line", f->key);
				r = -EINVAL;
			} else if (f->key[0] == 'c') {
				r = parse_check(last, f->value, err, f->line);
			} else if (last->verify) {
				set_error(err, f->line, "one 'verify:' per cause");
				r = -EINVAL;
			} else {
				last->verify = strdup(f->value);
				r = last->verify ? 0 : -ENOMEM;
			}
		} else {
			set_error(err, f->line, "unknown key '%s'", f->key);
			r = -EINVAL;
		}
	}
	if (r == 0) {
		const char *missing = !e.layer ? "layer" : !e.title ? "title" : !e.meaning ? "meaning"
				      : !e.kind ? "kind" : !e.n_sources ? "source"
				      : !e.n_patterns ? "match"
				      : !e.harmless && !e.n_causes ? "cause"
				      : !e.harmless && !e.n_fixes ? "fix" : NULL;

		if (missing) {
			set_error(err, s->f[0].line, "entry '%s' has no '%s:'", e.id, missing);
			r = -EINVAL;
		} else if (e.harmless != (strcmp(e.kind, "harmless") == 0)) {
			set_error(err, s->f[0].line, "entry '%s': 'harmless: yes' and 'kind: "
				  "harmless' go together", e.id);
			r = -EINVAL;
		} else if (e.family && e.harmless) {
			/* a family covers messages not known one by one: never an all-clear */
			set_error(err, s->f[0].line, "entry '%s': a family entry cannot be "
				  "harmless", e.id);
			r = -EINVAL;
		} else if (e.wrapper && e.family) {
			set_error(err, s->f[0].line, "entry '%s' is both a wrapper and a family",
				  e.id);
			r = -EINVAL;
		}
	}
	if (r == 0)
		r = grow((void **)&kb->entries, &kb->cap_entries, kb->n_entries, sizeof(e));
	if (r < 0) {
		/* drop the patterns this entry compiled */
		for (size_t i = first_pattern; i < kb->n_patterns; i++) {
			free(kb->patterns[i].prog);
			free(kb->patterns[i].keyword);
		}
		kb->n_patterns = first_pattern;
		entry_clear(&e);
		return r;
	}
	kb->entries[kb->n_entries++] = e;
	return 0;
}

/* the first stanza may be "format: 1" alone */
static int header_stanza(struct stanza *s, struct vfd_kb_error *err)
{
	if (s->n != 1 || strcmp(s->f[0].value, "1") != 0) {
		set_error(err, s->f[0].line, "format '%s' is not known to this vfio-doctor "
			  "(expected 'format: 1' alone in the first stanza)", s->f[0].value);
		return -EINVAL;
	}
	return 0;
}

static int end_stanza(struct vfd_kb *kb, struct stanza *s, bool *first, struct vfd_kb_error *err)
{
	int r = 0;

	if (s->n == 0)
		return 0;
	if (strcmp(s->f[0].key, "format") == 0) {
		if (*first)
			r = header_stanza(s, err);
		else {
			set_error(err, s->f[0].line, "'format:' belongs in the first stanza");
			r = -EINVAL;
		}
	} else {
		r = build_entry(kb, s, err);
	}
	*first = false;
	stanza_clear(s);
	return r;
}

static int add_field(struct stanza *s, const char *line, size_t len, unsigned int lineno,
		     struct vfd_kb_error *err)
{
	const char *colon = memchr(line, ':', len);
	size_t klen = colon ? (size_t)(colon - line) : 0;
	const char *v;
	struct field *f;

	if (!colon || klen == 0 || klen >= sizeof(f->key)) {
		set_error(err, lineno, "expected 'key: value'");
		return -EINVAL;
	}
	for (size_t i = 0; i < klen; i++) {
		if (!((line[i] >= 'a' && line[i] <= 'z') || line[i] == '-')) {
			set_error(err, lineno, "expected 'key: value' with a lower-case key");
			return -EINVAL;
		}
	}
	v = colon + 1;
	while (v < line + len && (*v == ' ' || *v == '\t'))
		v++;
	if (v == line + len) {
		set_error(err, lineno, "'%.*s:' has no value", (int)klen, line);
		return -EINVAL;
	}
	if (grow((void **)&s->f, &s->cap, s->n, sizeof(*f)) < 0)
		return -ENOMEM;
	f = &s->f[s->n];
	memcpy(f->key, line, klen);
	f->key[klen] = '\0';
	f->value = strndup(v, (size_t)(line + len - v));
	f->line = lineno;
	if (!f->value)
		return -ENOMEM;
	s->n++;
	return 0;
}

/* a line that starts with a blank continues the previous value */
static int continue_field(struct stanza *s, const char *line, size_t len, unsigned int lineno,
			  struct vfd_kb_error *err)
{
	struct field *f;
	size_t old;
	char *nv;

	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (s->n == 0) {
		set_error(err, lineno, "continuation line without a 'key: value' before it");
		return -EINVAL;
	}
	f = &s->f[s->n - 1];
	if (strcmp(f->key, "match") == 0) {
		set_error(err, lineno, "a pattern must fit on its 'match:' line");
		return -EINVAL;
	}
	old = strlen(f->value);
	nv = realloc(f->value, old + len + 2);
	if (!nv)
		return -ENOMEM;
	nv[old] = ' ';
	memcpy(nv + old + 1, line, len);
	nv[old + 1 + len] = '\0';
	f->value = nv;
	return 0;
}

static int kb_alloc_scratch(struct vfd_kb *kb)
{
	size_t n = kb->max_prog + 1;

	kb->cands = malloc((kb->n_patterns + 1) * sizeof(*kb->cands));
	kb->tl[0] = malloc(n * sizeof(struct thread));
	kb->tl[1] = malloc(n * sizeof(struct thread));
	kb->mark = calloc(n, sizeof(*kb->mark));
	if (!kb->cands || !kb->tl[0] || !kb->tl[1] || !kb->mark)
		return -ENOMEM;
	return 0;
}

int vfd_kb_parse(const char *buf, size_t len, struct vfd_kb **out, struct vfd_kb_error *err)
{
	struct vfd_kb *kb;
	struct stanza s = { 0 };
	const char *p = buf, *end = buf + len;
	unsigned int lineno = 0;
	bool first = true;
	int r = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	*out = NULL;
	if (!buf && len)
		return -EINVAL;
	if (len > KB_MAX_SIZE) {
		set_error(err, 0, "larger than %u bytes", KB_MAX_SIZE);
		return -EFBIG;
	}
	kb = calloc(1, sizeof(*kb));
	if (!kb)
		return -ENOMEM;
	while (p < end && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t ll = (size_t)(eol - p);
		bool blank = true;

		lineno++;
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (ll > KB_LINE_MAX) {
			set_error(err, lineno, "line longer than %d characters", KB_LINE_MAX);
			r = -EINVAL;
			break;
		}
		if (memchr(p, '\0', ll)) {
			set_error(err, lineno, "NUL byte in the file");
			r = -EINVAL;
			break;
		}
		for (size_t i = 0; i < ll; i++)
			if (p[i] != ' ' && p[i] != '\t')
				blank = false;
		if (blank)
			r = end_stanza(kb, &s, &first, err);
		else if (p[0] == '#')
			;	/* comment */
		else if (p[0] == ' ' || p[0] == '\t')
			r = continue_field(&s, p, ll, lineno, err);
		else
			r = add_field(&s, p, ll, lineno, err);
		p = nl ? nl + 1 : end;
	}
	if (r == 0)
		r = end_stanza(kb, &s, &first, err);
	stanza_clear(&s);
	free(s.f);
	if (r == 0 && kb->n_entries == 0) {
		set_error(err, lineno, "no entries");
		r = -EINVAL;
	}
	if (r == 0) {
		r = prefilter_build(kb);
		if (r == -E2BIG) {
			set_error(err, 0, "too many patterns for the prefilter");
			r = -EINVAL;
		}
	}
	if (r == 0)
		r = kb_alloc_scratch(kb);
	if (r < 0) {
		if (r == -ENOMEM && err && !err->message[0])
			set_error(err, lineno, "out of memory");
		vfd_kb_free(kb);
		return r;
	}
	*out = kb;
	return 0;
}

const char *vfd_kb_builtin_text(size_t *len)
{
	if (len)
		*len = vfd_kb_builtin_size;
	return vfd_kb_builtin_data;
}

int vfd_kb_new_builtin(struct vfd_kb **out, struct vfd_kb_error *err)
{
	return vfd_kb_parse(vfd_kb_builtin_data, vfd_kb_builtin_size, out, err);
}

void vfd_kb_free(struct vfd_kb *kb)
{
	if (!kb)
		return;
	for (size_t i = 0; i < kb->n_entries; i++)
		entry_clear(&kb->entries[i]);
	free(kb->entries);
	for (size_t i = 0; i < kb->n_patterns; i++) {
		free(kb->patterns[i].prog);
		free(kb->patterns[i].keyword);
	}
	free(kb->patterns);
	kb_prefilter_free(kb->prefilter);
	free(kb->cands);
	free(kb->tl[0]);
	free(kb->tl[1]);
	free(kb->mark);
	free(kb);
}

size_t vfd_kb_count(const struct vfd_kb *kb)
{
	return kb ? kb->n_entries : 0;
}

const struct vfd_kb_entry *vfd_kb_entry(const struct vfd_kb *kb, size_t index)
{
	return kb && index < kb->n_entries ? &kb->entries[index] : NULL;
}

const struct vfd_kb_entry *vfd_kb_find(const struct vfd_kb *kb, const char *id)
{
	for (size_t i = 0; kb && id && i < kb->n_entries; i++)
		if (strcmp(kb->entries[i].id, id) == 0)
			return &kb->entries[i];
	return NULL;
}

size_t vfd_kb_entry_index(const struct vfd_kb *kb, const struct vfd_kb_entry *entry)
{
	return (size_t)(entry - kb->entries);
}

/* --------------------------------------------------------- matching */

/* "01:00.0" -> "0000:01:00.0", hex in lower case */
static void normalize_slot(char *v, size_t size)
{
	struct vfd_bdf bdf;

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

		if (shape[k] == 'h' ? !is_hex(c) : shape[k] == 'o' ? !in_class(C_OCT, c)
								   : c != (unsigned char)shape[k])
			return false;
	}
	return i + 12 == len || !is_hex(s[i + 12]);
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
static void slot_from_prefix(struct vfd_kb_match *m, const unsigned char *line)
{
	for (size_t i = m->start; i-- > 0;) {
		if (slot_at(line, i, m->start)) {
			add_value(m, VFD_KB_SLOT, (const char *)line + i, 12);
			m->slot_from_prefix = true;
			return;
		}
		if (short_slot_at(line, i, m->start)) {
			add_value(m, VFD_KB_SLOT, (const char *)line + i + 5, 7);
			m->slot_from_prefix = true;
			return;
		}
	}
}

/* QEMU's "failed to setup container for group 49: ..." names the group first */
static void group_from_prefix(struct vfd_kb_match *m, const unsigned char *line)
{
	for (size_t i = m->start; i-- > 0;) {
		size_t d = i + 6, e;

		if (d >= m->start || (i > 0 && in_class(C_ALNUM, line[i - 1])) ||
		    strncasecmp((const char *)line + i, "group ", 6) != 0)
			continue;
		for (e = d; e < m->start && is_digit(line[e]); e++)
			;
		if (e > d && (e == m->start || !in_class(C_ALNUM, line[e]))) {
			add_value(m, VFD_KB_GROUP, (const char *)line + d, e - d);
			return;
		}
	}
}

/* wrapper 0 < family 1 < dedicated 2 */
static unsigned int entry_rank(const struct vfd_kb_entry *e)
{
	return e->wrapper ? 0 : e->family ? 1 : 2;
}

/* how a candidate ranks before it runs: its entry's rank, then its literal text */
static unsigned long cand_order(const struct vfd_kb *kb, size_t c)
{
	const struct kb_pattern *p = &kb->patterns[c];

	return ((unsigned long)entry_rank(&kb->entries[p->entry]) << 32) | p->literal_chars;
}

/*
 * the candidates with the highest rank and most literal text first: dedicated
 * entries before the wrappers and families that say less, so that once one
 * matched, those that rank below it are skipped without running (they could
 * not win)
 */
static void most_specific_first(struct vfd_kb *kb, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		size_t c = kb->cands[i], j = i;
		unsigned long key = cand_order(kb, c);

		while (j > 0 && cand_order(kb, kb->cands[j - 1]) < key) {
			kb->cands[j] = kb->cands[j - 1];
			j--;
		}
		kb->cands[j] = c;
	}
}

int vfd_kb_match(struct vfd_kb *kb, const char *text, size_t len, struct vfd_kb_match *m)
{
	const unsigned char *line = (const unsigned char *)text;
	uint16_t cap[CAP_N], best_cap[CAP_N];
	const struct kb_pattern *best = NULL;
	unsigned long best_score = 0;
	size_t n_cands;

	/* the values are filled as they are found: only the head needs clearing */
	m->entry = NULL;
	m->pattern = 0;
	m->start = m->end = 0;
	m->n_values = 0;
	m->slot_from_prefix = false;
	m->hints = 0;
	m->incomplete = false;
	if (!kb || (!text && len))
		return -EINVAL;
	if (len > MATCH_LINE_MAX) {
		len = MATCH_LINE_MAX;
		m->incomplete = true;
	}
	n_cands = kb_prefilter_run(kb->prefilter, text, len, kb->cands);
	most_specific_first(kb, n_cands);
	kb->steps = KB_STEP_BUDGET;
	for (size_t c = 0; c < n_cands; c++) {
		const struct kb_pattern *p = &kb->patterns[kb->cands[c]];
		const struct vfd_kb_entry *e = &kb->entries[p->entry];
		unsigned long score;
		int r;

		/* a wrapper only when nothing else matches, a family when no dedicated entry */
		if (best && entry_rank(e) < entry_rank(&kb->entries[best->entry]))
			continue;
		r = run_pattern(kb, p, line, len, cap);
		if (r < 0 || kb->steps == 0) {
			/* out of budget: what matched so far stands, the rest is unknown */
			m->incomplete = true;
			break;
		}
		if (r == 0)
			continue;
		/*
		 * the rank, then the message that starts first in the line, then the
		 * most specific pattern, then the earlier entry
		 */
		score = ((unsigned long)entry_rank(e) << 40) |
			((unsigned long)(MATCH_LINE_MAX - cap[CAP_START]) << 16) | p->literal_chars;
		if (best && (score < best_score ||
			     (score == best_score && (p->entry > best->entry ||
						      (p->entry == best->entry && p->index > best->index)))))
			continue;
		best = p;
		best_score = score;
		memcpy(best_cap, cap, sizeof(cap));
	}
	if (!best) {
		m->hints = kb_prefilter_hints(kb->prefilter);
		return 0;
	}
	m->entry = &kb->entries[best->entry];
	m->pattern = best->index;
	for (uint8_t v = 0; v < best->n_values; v++) {
		uint16_t s = best_cap[2 * v], e = best_cap[2 * v + 1];

		add_value(m, best->types[v], text + s, e >= s ? e - s : 0);
	}
	m->start = best_cap[CAP_START];
	m->end = best_cap[CAP_START + 1];
	if (!vfd_kb_match_value(m, VFD_KB_SLOT))
		slot_from_prefix(m, line);
	if (!vfd_kb_match_value(m, VFD_KB_GROUP))
		group_from_prefix(m, line);
	return 1;
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
			for (size_t k = 0; k < ARRAY_SIZE(placeholders); k++) {
				size_t nl = strlen(placeholders[k].name);

				if (i + nl + 1 < len && text[i + 1 + nl] == '%' &&
				    strncmp(text + i + 1, placeholders[k].name, nl) == 0) {
					rep = vfd_kb_match_value(m, placeholders[k].type);
					if (!rep) {
						snprintf(fallback, sizeof(fallback), "<%s>",
							 placeholders[k].name);
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
