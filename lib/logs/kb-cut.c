// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines cut short by systemd (kb-cut.h). systemd 252 fits a journal line to
 * the terminal unless told to show it in full: src/shared/logs-show.c,
 * print_multiline(), gives the message the columns its prefix (time, host,
 * identifier[pid]: ) leaves, and when it does not fit hands it to
 * ellipsize_mem() (src/basic/string-util.c) with 90 percent: about nine
 * tenths of the room keep the message's start, one column takes the
 * ellipsis, the rest keeps its end. A message of 300 bytes or more is cut
 * at its end instead (percent 100). The ellipsis is U+2026 in a UTF-8
 * locale (also when the C locale was not asked for: is_locale_utf8()), and
 * "..." where a locale that is not UTF-8 was set (LANG, LC_ALL, LC_CTYPE;
 * "C" too) or SYSTEMD_UTF8=0: three columns, so the head is then
 * ((W - 3) * 90 + 50) / 100 bytes (kb_cut_ascii_marks() finds such dots). journalctl shows
 * lines in full by default (arg_full), and `systemctl status` when its
 * output goes to a pager or a pipe (get_output_flags()): the cut lines
 * users paste come from `systemctl status --no-pager` and `journalctl
 * --no-full` on a terminal. (less -S, systemd's pager, chops a line at
 * the screen's edge with no mark at all; such a line is not known to be cut.)
 *
 * The line before a cut is the start of the message's instance, the line
 * after it its end: a pattern's program is run over the text before the
 * cut as a Pike VM would (threads merge by instruction), then every
 * instruction the threads can reach by consuming any text is a thread
 * after the cut, and the program runs on. A thread counts the literal
 * characters it matched before its first cut and after its last; the
 * counts guard against a reading by little of the pattern (KB_CUT_HEAD_MIN,
 * KB_CUT_TAIL_MIN) and rank the patterns that match. The prefilter cannot
 * choose the candidates (a pattern's words may be in the lost text): every
 * pattern that has a word of four bytes or more in the line is run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "kb-cut.h"
#include "kb-internal.h"
#include "kb-stamp.h"

/* longer lines are not read as cut: systemd cuts to a terminal's width */
#define CUT_LINE_MAX	1024
/* thread steps for all the patterns run on one line (a line of 1 KiB full of
   the patterns' words; ordinary cut lines take a few hundred thousand) */
#define CUT_STEP_BUDGET	(1u << 24)
#define CAP_GAP		0xffffu		/* a capture taken inside the lost text */
#define WORD_MIN_CUT	4

struct cut_thread {
	uint16_t pc;
	uint8_t gaps;			/* bit k: mark k was taken as a cut */
	uint16_t before, mid, after;	/* literal characters: before the first cut,
					   between cuts, after the last */
	uint16_t cap[CAP_N];
};

struct kb_cut_index {
	char *words;			/* per pattern its words, each after its 2-byte length; length 0 ends */
	size_t *first;			/* per pattern: offset of its first word */
	uint64_t grams[1024];		/* the line's 4-byte windows, hashed (2^16 bits) */
	char *low;			/* the line in lower case */
	/* the VM's scratch, per instruction and cut flag (2 * max_prog slots) */
	struct cut_thread *list[2], *pending;
	size_t n_list[2], n_pending;
	uint32_t *seen, *at, *seen_pending, *at_pending, *dfs;
	uint16_t *stack;		/* the walk through the lost text: 2 * slots */
	uint32_t gen, dfs_gen;		/* generations of seen[]/seen_pending[] and dfs[] */
	size_t slots;
};

void kb_cut_index_free(struct kb_cut_index *ix)
{
	if (!ix)
		return;
	free(ix->words);
	free(ix->first);
	free(ix->low);
	free(ix->list[0]);
	free(ix->list[1]);
	free(ix->pending);
	free(ix->seen);
	free(ix->at);
	free(ix->seen_pending);
	free(ix->at_pending);
	free(ix->dfs);
	free(ix->stack);
	free(ix);
}

/*
 * the literal words of @text (a pattern) of WORD_MIN_CUT bytes or more, lower
 * case, each after its length, into @out (each written after the two bytes
 * its length will take, not moved there). @low: per byte its lower case, 0
 * for the bytes that end a word or start a placeholder (NUL, blank, tab,
 * '%'): one test a byte (the index of five copies of the KB, 2.2 MB of
 * patterns, took 40 M instructions before)
 */
static size_t pattern_words(const char *text, char *out, const unsigned char *low)
{
	size_t o = 0, wlen = 0;

	for (const char *c = text;; c++) {
		unsigned char ch = (unsigned char)*c;

		if (low[ch]) {
			out[o + 2 + wlen++] = (char)low[ch];
			continue;
		}
		if (ch == '%' && c[1] == '%') {
			out[o + 2 + wlen++] = '%';
			c++;
			continue;
		}
		if (ch == '%') {
			const char *close = strchr(c + 1, '%');

			c = close ? close : c + strlen(c) - 1;
		}
		if (wlen >= WORD_MIN_CUT) {
			/* a word is shorter than a pattern: 512 */
			out[o] = (char)(wlen & 0xff);
			out[o + 1] = (char)(wlen >> 8);
			o += wlen + 2;
		}
		wlen = 0;
		if (*c == '\0')
			break;
	}
	out[o++] = '\0';
	out[o++] = '\0';
	return o;
}

static int index_build(struct vfd_kb *kb)
{
	struct kb_cut_index *ix = calloc(1, sizeof(*ix));
	size_t total = 0, o = 0;
	unsigned char low[256];

	if (!ix)
		return -ENOMEM;
	for (size_t p = 0; p < kb->n_patterns; p++)
		total += 2 * strlen(kb->entries[kb->patterns[p].entry].patterns[kb->patterns[p].index].text) + 3;
	ix->words = malloc(total + 1);
	ix->first = malloc((kb->n_patterns + 1) * sizeof(*ix->first));
	ix->slots = 2 * (kb->max_prog + 1);
	ix->list[0] = malloc(ix->slots * sizeof(struct cut_thread));
	ix->list[1] = malloc(ix->slots * sizeof(struct cut_thread));
	ix->pending = malloc(ix->slots * sizeof(struct cut_thread));
	ix->seen = calloc(ix->slots, sizeof(uint32_t));
	ix->at = calloc(ix->slots, sizeof(uint32_t));
	ix->seen_pending = calloc(ix->slots, sizeof(uint32_t));
	ix->at_pending = calloc(ix->slots, sizeof(uint32_t));
	ix->dfs = calloc(ix->slots, sizeof(uint32_t));
	ix->low = malloc(CUT_LINE_MAX + 1);
	ix->stack = malloc(2 * ix->slots * sizeof(*ix->stack));
	if (!ix->stack || !ix->words || !ix->first || !ix->list[0] || !ix->list[1] || !ix->pending ||
	    !ix->seen || !ix->at || !ix->seen_pending || !ix->at_pending || !ix->dfs || !ix->low) {
		kb_cut_index_free(ix);
		return -ENOMEM;
	}
	for (unsigned int c = 0; c < 256; c++)
		low[c] = c == '\0' || c == ' ' || c == '\t' || c == '%' ? 0 : lower((unsigned char)c);
	for (size_t p = 0; p < kb->n_patterns; p++) {
		const struct kb_pattern *pat = &kb->patterns[p];

		ix->first[p] = o;
		o += pattern_words(kb->entries[pat->entry].patterns[pat->index].text, ix->words + o, low);
	}
	ix->first[kb->n_patterns] = o;
	kb->cut_index = ix;
	kb->cut_index_free = kb_cut_index_free;
	return 0;
}

static inline uint32_t gram_hash(const char *s)
{
	uint32_t w;

	memcpy(&w, s, 4);
	return (w * 2654435761u) >> 16;
}

/* does the line (ix->low, @len bytes) hold one of pattern @p's words? */
static bool holds_word(const struct kb_cut_index *ix, size_t p, size_t len)
{
	const unsigned char *w = (const unsigned char *)ix->words + ix->first[p];

	for (size_t n; (n = (size_t)w[0] | (size_t)w[1] << 8) != 0; w += n + 2) {
		uint32_t h = gram_hash((const char *)w + 2);

		if ((ix->grams[h >> 6] >> (h & 63) & 1) && memmem(ix->low, len, w + 2, n))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- the VM */

/* a fresh generation of @ix's marks; on wrap-around they start over */
static void next_gen(struct kb_cut_index *ix)
{
	if (++ix->gen == 0) {
		memset(ix->seen, 0, ix->slots * sizeof(*ix->seen));
		memset(ix->seen_pending, 0, ix->slots * sizeof(*ix->seen_pending));
		ix->gen = 1;
	}
}

static uint32_t next_dfs_gen(struct kb_cut_index *ix)
{
	if (++ix->dfs_gen == 0) {
		memset(ix->dfs, 0, ix->slots * sizeof(*ix->dfs));
		ix->dfs_gen = 1;
	}
	return ix->dfs_gen;
}

struct cut_run {
	struct vfd_kb *kb;
	struct kb_cut_index *ix;
	const struct kb_pattern *p;
	const unsigned char *line;
	size_t len;
	uint32_t steps;			/* left of CUT_STEP_BUDGET */
	/* one cut, at the end, no tail (kb_match_chopped(), kb_match_end_cut()):
	   the head's literal characters needed; 0 for cuts with a tail */
	unsigned int head_min;
	/* the best match of this pattern so far */
	bool found;
	struct cut_thread best;
};

/* is @a a better thread than @b at the same instruction? */
static bool better(const struct cut_thread *a, const struct cut_thread *b)
{
	if (!a->gaps)
		return a->before > b->before;
	if (a->after != b->after)
		return a->after > b->after;
	return a->before + a->mid + a->after > b->before + b->mid + b->after;
}

static unsigned int total(const struct cut_thread *t)
{
	return (unsigned int)t->before + t->mid + t->after;
}

/* a thread reached the end of the pattern */
static void matched(struct cut_run *cr, const struct cut_thread *t)
{
	if (!t->gaps)
		return;
	if (cr->head_min ? t->before < cr->head_min
			 : t->before < KB_CUT_HEAD_MIN || t->after < KB_CUT_TAIL_MIN)
		return;
	/* the most literal text, then the earliest start, then the longest (runs are greedy) */
	if (cr->found && (total(t) < total(&cr->best) ||
			  (total(t) == total(&cr->best) &&
			   (t->cap[CAP_START] > cr->best.cap[CAP_START] ||
			    (t->cap[CAP_START] == cr->best.cap[CAP_START] &&
			     (uint16_t)(t->cap[CAP_START + 1] + 1) <=
			     (uint16_t)(cr->best.cap[CAP_START + 1] + 1))))))
		return;
	cr->found = true;
	cr->best = *t;
}

/*
 * @t into the list being built (ix->list[@which], at @pos) and on through the
 * instructions that take no input; a better thread at an instruction
 * already reached takes its place and goes on again (the programs have no
 * loop without input, so this ends)
 */
static void add(struct cut_run *cr, int which, const struct cut_thread *t, size_t pos)
{
	struct kb_cut_index *ix = cr->ix;
	const struct inst *in = &cr->p->prog[t->pc];
	size_t slot = 2 * (size_t)t->pc + (t->gaps != 0);
	struct cut_thread next;

	if (ix->seen[slot] == ix->gen) {
		struct cut_thread *old = &ix->list[which][ix->at[slot]];

		if (!better(t, old))
			return;
		*old = *t;
	} else {
		ix->seen[slot] = ix->gen;
		ix->at[slot] = (uint32_t)ix->n_list[which];
		ix->list[which][ix->n_list[which]++] = *t;
	}
	next = *t;
	switch (in->op) {
	case I_JMP:
		next.pc = in->x;
		add(cr, which, &next, pos);
		return;
	case I_SPLIT:
		next.pc = in->x;
		add(cr, which, &next, pos);
		next.pc = in->y;
		add(cr, which, &next, pos);
		return;
	case I_SAVE:
		next.cap[in->arg] = (uint16_t)pos;
		next.pc++;
		add(cr, which, &next, pos);
		return;
	case I_NOTPREV:
		if (pos == 0 || !kb_in_class(cr->kb, in->arg, cr->line[pos - 1]))
			next.pc++, add(cr, which, &next, pos);
		return;
	case I_NOTNEXT:
		if (pos == cr->len || !kb_in_class(cr->kb, in->arg, cr->line[pos]))
			next.pc++, add(cr, which, &next, pos);
		return;
	case I_MATCH:
		matched(cr, t);
		return;
	default:
		return;		/* I_CHAR, I_CLASS: wait for the next byte */
	}
}

/* a thread after the cut at instruction @t->pc (one that consumes), kept if better */
static void pend(struct kb_cut_index *ix, const struct cut_thread *t)
{
	size_t slot = 2 * (size_t)t->pc + 1;

	if (ix->seen_pending[slot] == ix->gen) {
		struct cut_thread *old = &ix->pending[ix->at_pending[slot]];

		if (better(t, old))
			*old = *t;
		return;
	}
	ix->seen_pending[slot] = ix->gen;
	ix->at_pending[slot] = (uint32_t)ix->n_pending;
	ix->pending[ix->n_pending++] = *t;
}

/*
 * a cut at mark @k after thread @t (at an instruction that consumes): every
 * instruction it can reach by consuming one byte or more of any text, the
 * guards' tests taken as passed (the bytes around them are lost); those that
 * consume become threads after the cut, an end reached is a match that ends
 * in the lost text
 */
static void cut_through(struct cut_run *cr, const struct cut_thread *t, unsigned int k,
			uint32_t dfs_gen)
{
	struct kb_cut_index *ix = cr->ix;
	uint16_t *stack = ix->stack;
	size_t top = 0;
	struct cut_thread g = *t;

	if (g.gaps) {
		g.mid = (uint16_t)(g.mid + g.after);
		g.after = 0;
	}
	g.gaps |= (uint8_t)(1u << k);
	stack[top++] = (uint16_t)(t->pc + 1);	/* it consumes the lost text's first byte */
	while (top) {
		uint16_t pc = stack[--top];
		const struct inst *in = &cr->p->prog[pc];

		if (ix->dfs[pc] == dfs_gen)
			continue;
		ix->dfs[pc] = dfs_gen;
		switch (in->op) {
		case I_JMP:
			stack[top++] = in->x;
			break;
		case I_SPLIT:
			stack[top++] = in->x;
			stack[top++] = in->y;
			break;
		case I_SAVE:
			/* a save in the lost text: its place is not known */
			g.cap[in->arg] = CAP_GAP;
			stack[top++] = (uint16_t)(pc + 1);
			break;
		case I_MATCH:
			g.pc = pc;
			matched(cr, &g);
			break;
		case I_NOTPREV:
		case I_NOTNEXT:
			stack[top++] = (uint16_t)(pc + 1);
			break;
		default:
			g.pc = pc;
			pend(ix, &g);
			/* it may consume more of the lost text */
			stack[top++] = (uint16_t)(pc + 1);
			break;
		}
	}
}

/* may a match start at @pos (< the line's length): its first byte, its lead */
static inline bool can_start(const struct cut_run *cr, size_t pos)
{
	const struct kb_pattern *p = cr->p;
	unsigned char c = cr->line[pos];

	return (kb_pattern_first(p)[c >> 6] >> (c & 63) & 1) &&
	       (!p->lead_len || (pos + p->lead_len <= cr->len &&
				 memcmp(cr->ix->low + pos, p->lead, p->lead_len) == 0));
}

/* has a thread of list @which gone through a cut? */
static bool any_cut(const struct kb_cut_index *ix, int which)
{
	for (size_t i = 0; i < ix->n_list[which]; i++)
		if (ix->list[which][i].gaps)
			return true;
	return false;
}

/* pattern @p over the line with its cut marks; its best match into cr->best */
static void run_pattern(struct cut_run *cr, const size_t *marks, size_t n_marks)
{
	struct kb_cut_index *ix = cr->ix;
	int cur = 0;
	size_t pending_at = SIZE_MAX, k = 0;
	ix->n_list[0] = 0;
	next_gen(ix);
	for (size_t pos = 0;; pos++) {
		struct cut_thread start = { 0 };

		/* no thread alive: on to where a match can start (or stop) */
		if (!ix->n_list[cur] && pending_at == SIZE_MAX) {
			while (pos + KB_CUT_HEAD_MIN <= marks[n_marks - 1] && !can_start(cr, pos))
				pos++;
			if (pos + KB_CUT_HEAD_MIN > marks[n_marks - 1])
				return;
		}

		/* the threads that went through a cut resume after it */
		if (pos == pending_at) {
			for (size_t i = 0; i < ix->n_pending; i++) {
				const struct cut_thread *t = &ix->pending[i];
				size_t slot = 2 * (size_t)t->pc + 1;

				if (ix->seen[slot] == ix->gen) {
					if (better(t, &ix->list[cur][ix->at[slot]]))
						ix->list[cur][ix->at[slot]] = *t;
				} else {
					ix->seen[slot] = ix->gen;
					ix->at[slot] = (uint32_t)ix->n_list[cur];
					ix->list[cur][ix->n_list[cur]++] = *t;
				}
			}
			pending_at = SIZE_MAX;
		}
		/*
		 * a match starts where its first byte can be, and early enough to
		 * hold KB_CUT_HEAD_MIN literal characters before the last cut
		 */
		if (pos + KB_CUT_HEAD_MIN <= marks[n_marks - 1] && can_start(cr, pos))
			add(cr, cur, &start, pos);
		while (k < n_marks && marks[k] < pos)
			k++;
		if (k < n_marks && marks[k] == pos && pos + 3 <= cr->len) {
			ix->n_pending = 0;
			for (size_t i = 0; i < ix->n_list[cur]; i++) {
				const struct cut_thread *t = &ix->list[cur][i];
				uint8_t op = cr->p->prog[t->pc].op;

				if ((op != I_CHAR && op != I_CLASS) ||
				    (!t->gaps && t->before < KB_CUT_HEAD_MIN))
					continue;
				cut_through(cr, t, (unsigned int)k, next_dfs_gen(ix));
			}
			pending_at = ix->n_pending ? pos + 3 : SIZE_MAX;
		}
		/* past the last cut, only the threads that went through one can match */
		if (pos >= cr->len || (pos > marks[n_marks - 1] && pending_at == SIZE_MAX &&
				       !any_cut(ix, cur)))
			break;
		/* one byte on */
		if (cr->steps < ix->n_list[cur] + 1) {
			cr->steps = 0;
			return;
		}
		cr->steps -= (uint32_t)ix->n_list[cur] + 1;
		ix->n_list[!cur] = 0;
		next_gen(ix);
		for (size_t i = 0; i < ix->n_list[cur]; i++) {
			struct cut_thread t = ix->list[cur][i];
			const struct inst *in = &cr->p->prog[t.pc];
			unsigned char c = cr->line[pos];

			if (in->op == I_CHAR && lower(c) == in->arg) {
				if (in->y == PLACEHOLDER_CHAR)
					;
				else if (!t.gaps)
					t.before++;
				else
					t.after++;
			} else if (!(in->op == I_CLASS && kb_in_class(cr->kb, in->arg, c))) {
				continue;
			}
			t.pc++;
			add(cr, !cur, &t, pos + 1);
		}
		cur = !cur;
	}
}

static int match_cut(struct vfd_kb *kb, const char *text, size_t len, const size_t *marks,
		     size_t n_marks, unsigned int head_min, struct vfd_kb_match *m)
{
	struct cut_run cr = { .kb = kb, .line = (const unsigned char *)text, .len = len,
			      .steps = CUT_STEP_BUDGET, .head_min = head_min };
	const struct kb_pattern *best = NULL;
	struct cut_thread best_t = { 0 };
	unsigned int best_rank = 0;
	uint16_t cap[CAP_N];
	uint32_t drop = 0;
	int r;

	memset(m, 0, sizeof(*m));
	if (!kb || !text || !marks || n_marks == 0)
		return -EINVAL;
	if (len > CUT_LINE_MAX || len < 4)
		return 0;
	if (n_marks > KB_CUT_MARKS_MAX)
		n_marks = KB_CUT_MARKS_MAX;
	if (!kb->cut_index && (r = index_build(kb)) < 0)
		return r;
	cr.ix = kb->cut_index;
	memset(cr.ix->grams, 0, sizeof(cr.ix->grams));
	for (size_t i = 0; i < len; i++)
		cr.ix->low[i] = (char)lower((unsigned char)text[i]);
	for (size_t i = 0; i + 4 <= len; i++) {
		uint32_t h = gram_hash(cr.ix->low + i);

		cr.ix->grams[h >> 6] |= UINT64_C(1) << (h & 63);
	}
	for (size_t p = 0; p < kb->n_patterns; p++) {
		struct kb_pattern *pat = &kb->patterns[p];
		const struct vfd_kb_entry *e = &kb->entries[pat->entry];
		unsigned int rank;

		/* the rank only where it is needed: it was 284,468 calls for 4 lines (five copies) */
		if ((best && kb_match_rank(e) < best_rank) || !holds_word(cr.ix, p, len))
			continue;
		rank = kb_match_rank(e);
		/*
		 * the literal text a match starts with (pat->lead, at most 8 bytes)
		 * comes before the KB_CUT_HEAD_MIN characters the head holds: it
		 * is before the last cut, whole
		 */
		if (pat->lead_len && !memmem(cr.ix->low, marks[n_marks - 1], pat->lead, pat->lead_len))
			continue;
		r = kb_pattern_ready(kb, pat);
		if (r < 0)
			return r;
		cr.p = pat;
		cr.found = false;
		run_pattern(&cr, marks, n_marks);
		if (cr.steps == 0) {
			/* out of budget: what matched so far stands, the rest is unknown */
			m->incomplete = true;
			break;
		}
		if (!cr.found)
			continue;
		/* the highest rank, then the most literal text, then the earlier entry */
		if (best && rank == best_rank && total(&cr.best) <= total(&best_t))
			continue;
		best = pat;
		best_rank = rank;
		best_t = cr.best;
	}
	if (!best)
		return 0;
	memcpy(cap, best_t.cap, sizeof(cap));
	for (uint8_t v = 0; v < best->n_values; v++) {
		uint16_t s = cap[2 * v], e = cap[2 * v + 1];
		bool across = false;

		for (size_t k = 0; k < n_marks; k++)
			if ((best_t.gaps >> k & 1) && s <= marks[k] && e > marks[k])
				across = true;
		if (s == CAP_GAP || e == CAP_GAP || across)
			drop |= 1u << v;
	}
	if (cap[CAP_START + 1] == CAP_GAP)
		cap[CAP_START + 1] = (uint16_t)len;
	kb_match_fill(kb, best, cap, text, drop, m);
	m->cut = true;
	return 1;
}

/*
 * a message cut with "..." (string-util.c ascii_ellipsize_mem(), percent 90):
 * its first x = (n * 90 + 50) / 100 bytes, then the last n - x, n = W - 3.
 * The tail is about a tenth of n, so the n that can give @tail are near
 * ten times it.
 */
static bool ascii_cut_fits(size_t head, size_t tail)
{
	size_t from = tail * 10 > 30 ? tail * 10 - 30 : 0;

	for (size_t n = from; n <= tail * 10 + 30; n++) {
		size_t x = (n * 90 + 50) / 100;

		if (x == head && n - x == tail)
			return true;
		if (x > head)
			break;
	}
	return false;
}

/* where the message may start, a line's start or the end of a journal prefix's ": " */
#define ASCII_CUT_PREFIX_MAX	160

/* does a "..." at @at fit a cut of a message starting at the line's start or after a ": "? */
static bool ascii_cut_at(const char *text, size_t len, size_t at)
{
	size_t tail = len - at - 3;

	if (tail < KB_CUT_TAIL_MIN)
		return false;
	/*
	 * the whole line as the message, unless it starts with dmesg's stamp:
	 * the kernel's ring buffer as dmesg prints it is never cut, and the
	 * journal puts its own prefix before such a stamp
	 */
	if (!kb_stamp_len((const unsigned char *)text, len) && ascii_cut_fits(at, tail))
		return true;
	for (size_t s = 0; s + 2 <= at && s < ASCII_CUT_PREFIX_MAX; s++)
		if (text[s] == ':' && text[s + 1] == ' ' && ascii_cut_fits(at - s - 2, tail))
			return true;
	return false;
}

size_t kb_cut_ascii_marks(const char *text, size_t len, size_t *marks, size_t max)
{
	size_t n = 0;

	if (len > CUT_LINE_MAX)
		return 0;
	for (size_t p = 0; n < max && p + 3 < len;) {
		const char *dots = memmem(text + p, len - p, "...", 3);
		size_t run, end;

		if (!dots)
			break;
		run = (size_t)(dots - text);
		for (end = run + 3; end < len && text[end] == '.'; end++)
			;
		/* in a run of more dots the cut's three may be any three of them: the first that fits */
		for (size_t at = run; at + 3 <= end; at++)
			if (ascii_cut_at(text, len, at)) {
				marks[n++] = at;
				break;
			}
		p = end;
	}
	return n;
}

int kb_match_cut(struct vfd_kb *kb, const char *text, size_t len, const size_t *marks,
		 size_t n_marks, struct vfd_kb_match *m)
{
	return match_cut(kb, text, len, marks, n_marks, 0, m);
}

/* @text[0..len) as a message's start with @head_min literal characters of a pattern */
static int match_head(struct vfd_kb *kb, const char *text, size_t len, unsigned int head_min,
		      struct vfd_kb_match *m)
{
	/* the line and a "..." where its end was lost: the cut's three bytes */
	char buf[CUT_LINE_MAX + 3];
	size_t mark = len;
	int r;

	memset(m, 0, sizeof(*m));
	if (!kb || !text)
		return -EINVAL;
	if (len + 3 > CUT_LINE_MAX || len < 4)
		return 0;
	memcpy(buf, text, len);
	memcpy(buf + len, "...", 3);
	r = match_cut(kb, buf, len + 3, &mark, 1, head_min, m);
	/* the values point into the text given: none may lie in the added dots */
	if (r == 1 && m->end > len)
		m->end = len;
	return r;
}

int kb_match_chopped(struct vfd_kb *kb, const char *text, size_t len, struct vfd_kb_match *m)
{
	int r = match_head(kb, text, len, KB_CUT_CHOP_HEAD_MIN, m);

	m->chopped = r == 1;
	return r;
}

/*
 * the marks a copy leaves where it cut a line's end, longest first ("[...]"
 * before "..."): an issue title, a chat preview and a viewer's cell end in
 * "..." or U+2026 (read back as "..." by paste_restore(), kept here too for
 * a line that was not), an editor's elision in "[...]", a log shipper's or
 * bot's in "(truncated)"
 */
static const struct {
	const char *s;
	size_t len;
} end_marks[] = {
	{ "[\xe2\x80\xa6]", 5 }, { "(truncated)", 11 }, { "[truncated]", 11 },
	{ "[...]", 5 }, { "\xe2\x80\xa6", 3 }, { "...", 3 },
};

size_t kb_cut_end_mark(const char *text, size_t len)
{
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r'))
		len--;
	for (size_t i = 0; i < sizeof(end_marks) / sizeof(end_marks[0]); i++) {
		size_t n = end_marks[i].len, head = len - n;

		if (len < n || memcmp(text + head, end_marks[i].s, n) != 0)
			continue;
		/* "...." is a run of dots, not a mark after a full stop */
		if (n == 3 && head && text[head - 1] == '.')
			return 0;
		while (head && (text[head - 1] == ' ' || text[head - 1] == '\t'))
			head--;
		return head >= KB_CUT_END_LINE_MIN ? head : 0;
	}
	return 0;
}

/*
 * a cut reading @r (@cm) over the whole line's reading @whole (@m): @cm where
 * it ranks higher; out of steps, the line was not fully examined either way
 */
static int over_whole(int whole, int r, const struct vfd_kb_match *cm, struct vfd_kb_match *m)
{
	if (r < 0)
		return r;
	if (cm->incomplete)
		m->incomplete = true;
	if (r == 0 || (whole == 1 && kb_match_rank(cm->entry) <= kb_match_rank(m->entry)))
		return whole;
	*m = *cm;
	return 1;
}

int kb_match_end_cut(struct vfd_kb *kb, const char *text, size_t len, int whole,
		     struct vfd_kb_match *m)
{
	struct vfd_kb_match cm;
	size_t head;
	int r;

	/* a dedicated entry read the whole line: the mark was the message's own */
	if (whole < 0 || (whole == 1 && kb_match_rank(m->entry) == 4))
		return whole;
	head = kb_cut_end_mark(text, len);
	if (!head)
		return whole;
	r = match_head(kb, text, head, KB_CUT_END_HEAD_MIN, &cm);
	cm.end_cut = r == 1;
	return over_whole(whole, r, &cm, m);
}

int kb_match_cut_over(struct vfd_kb *kb, const char *text, size_t len, const size_t *marks,
		      size_t n_marks, int whole, struct vfd_kb_match *m)
{
	struct vfd_kb_match cm;

	/* a dedicated entry read the whole line: the ellipsis was the text "..." */
	if (whole < 0 || (whole == 1 && kb_match_rank(m->entry) == 4))
		return whole;
	return over_whole(whole, kb_match_cut(kb, text, len, marks, n_marks, &cm), &cm, m);
}
