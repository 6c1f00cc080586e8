// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Translated messages read back into English (explain-translated.h).
 *
 * A catalogue holds thousands of messages per language and dozens of
 * languages, so a line is not tried against each: every translation is
 * indexed by the rarest four bytes of its literal text (rarest over all the
 * catalogues loaded), and a line looks up each of its own four-byte windows.
 * A translation found there is matched against the line with its printf
 * conversions as captures, and must reach the line's end (a message ends
 * its line; what comes before is the program's prefix). Of the translations
 * that match, the one that explains most literal text wins, counting what
 * its %s captures explain in turn: libvirt prints "internal error: %s"
 * translated around a message translated on its own.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain-translated.h"
#include "mo-catalogue.h"
#include "translated-errno.h"

#define MIN_RUN		4	/* literal bytes a translation needs to be indexed */
#define MAX_SEGS	64	/* pieces of a format (literal runs and conversions) */
#define MAX_ARGS	16	/* arguments of a format */
#define BUCKET_BITS	18	/* at most: a bucket for two translations, up to 256 Ki */
#define NEST_MAX	2	/* captures read as translations in turn, this deep */
#define STEP_LIMIT	200000	/* matcher steps per line: a bound, not a tuning */
#define MAX_STARTS	64	/* places a translation's start is tried per window */

struct pat {
	const char *str, *id;
	uint32_t str_len, id_len;
	uint32_t anchor;	/* the rarest window's offset in str */
	uint16_t lang;
};

/* translations of virsh's "error: " kept apart (virsh_prefix()); more are not read */
#define MAX_VIRSH_PREFIXES 64

struct vfd_translated {
	struct mo_catalogue **cats;
	char **langs;		/* the languages' directory names, by number */
	size_t n_cats, n_langs, refused;
	struct pat *pats;
	size_t n_pats;
	unsigned bits;		/* of the buckets' index */
	uint32_t *bucket;	/* (1 << bits) + 1 starts into refs */
	uint32_t *refs;		/* pattern indexes, by their anchor's bucket */
	struct errno_texts *errs;	/* strerror()'s texts, from libc.mo */
	uint32_t virsh_prefix[MAX_VIRSH_PREFIXES];	/* patterns of "error: " */
	size_t n_virsh_prefix;
};

/*
 * the message domains read when no one is named: the programs of
 * data/catalogue.tsv that Debian ships catalogues of (libvirt-l10n;
 * virtinst's virt-manager.mo, for virt-manager and virt-install). QEMU's
 * qemu.mo (qemu-system-gui) holds only its GTK window's menus; kmod,
 * dracut, Xen and the kernel are not translated. libc.mo is read apart,
 * for strerror()'s texts only (ERRNO_DOMAIN).
 */
static const char *const domains[] = { "libvirt", "virt-manager" };
#define N_DOMAINS (sizeof(domains) / sizeof(domains[0]))
#define ERRNO_DOMAIN "libc"
/*
 * the English text a message of a domain after the first needs: a short one
 * of virt-manager's ("Error: %s") read a virsh line's "error: " and its
 * message as its own (measured: 10 points fewer read back exactly)
 */
#define SECOND_LITERAL 16

/* one piece of a format: a literal run (cls 0) or a conversion */
struct seg {
	uint32_t off, len;	/* in the format; a literal's bytes are these */
	char cls;		/* 0, 's', 'd', 'u', 'x', 'c', 'f', 'p' */
	uint8_t arg;		/* 0-based argument of a conversion */
};

struct fmt {
	struct seg segs[MAX_SEGS];
	size_t n, n_args, literal, longest_run;
};

/* ---------------------------------------------------------- formats */

/* the conversion at @s[i] ('%'): its length, class and 1-based position (0 none); 0 unsupported */
static size_t conv_at(const char *s, size_t len, size_t i, char *cls, unsigned *pos)
{
	size_t j = i + 1, k;
	unsigned n = 0;

	*pos = 0;
	if (j < len && s[j] == '%') {
		*cls = '%';
		return 2;
	}
	for (k = j; k < len && s[k] >= '0' && s[k] <= '9' && n < 100; k++)
		n = n * 10 + (unsigned)(s[k] - '0');
	if (k > j && k < len && s[k] == '$') {
		if (n == 0 || n > MAX_ARGS)
			return 0;
		*pos = n;
		j = k + 1;
	}
	while (j < len && strchr("-+ #0'", s[j]))
		j++;
	while (j < len && s[j] >= '0' && s[j] <= '9')
		j++;
	if (j < len && s[j] == '.') {
		j++;
		while (j < len && s[j] >= '0' && s[j] <= '9')
			j++;
	}
	while (j < len && strchr("hlLqjzZt", s[j]))
		j++;
	if (j >= len)
		return 0;
	switch (s[j]) {
	case 's': *cls = 's'; break;
	case 'd': case 'i': *cls = 'd'; break;
	case 'u': case 'o': *cls = 'u'; break;
	case 'x': case 'X': *cls = 'x'; break;
	case 'c': *cls = 'c'; break;
	case 'p': *cls = 'p'; break;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
		*cls = 'f';
		break;
	default:
		return 0;	/* '*', %n, %m and the like: not read back */
	}
	return j + 1 - i;
}

/* @s as pieces; false for a format this reader does not take */
static bool parse_fmt(const char *s, size_t len, struct fmt *f)
{
	size_t run = 0, next_arg = 0;
	int positional = -1;

	f->n = f->n_args = f->literal = f->longest_run = 0;
	for (size_t i = 0; i < len;) {
		struct seg *g;
		unsigned pos;
		char cls;
		size_t cl;

		if (f->n == MAX_SEGS)
			return false;
		if (s[i] != '%') {
			size_t j = i;

			while (j < len && s[j] != '%')
				j++;
			run = j - i;
			if (run > f->longest_run)
				f->longest_run = run;
			f->segs[f->n++] = (struct seg){ (uint32_t)i, (uint32_t)run, 0, 0 };
			f->literal += run;
			i = j;
			continue;
		}
		cl = conv_at(s, len, i, &cls, &pos);
		if (!cl)
			return false;
		g = &f->segs[f->n++];
		if (cls == '%') {
			/* the second '%' stands for itself */
			*g = (struct seg){ (uint32_t)i + 1, 1, 0, 0 };
			f->literal++;
			i += 2;
			continue;
		}
		/* all positional or none, as printf requires */
		if (positional >= 0 && positional != (pos != 0))
			return false;
		positional = pos != 0;
		if (!pos && next_arg == MAX_ARGS)
			return false;
		*g = (struct seg){ (uint32_t)i, (uint32_t)cl, cls,
				   (uint8_t)(pos ? pos - 1 : next_arg++) };
		if ((size_t)g->arg + 1 > f->n_args)
			f->n_args = (size_t)g->arg + 1;
		i += cl;
	}
	return true;
}

/*
 * every argument the English message prints is captured by the translation,
 * and the English message has @min_literal bytes of text
 */
static bool usable(const char *str, size_t str_len, const char *id, size_t id_len,
		   size_t min_literal)
{
	struct fmt fs, fi;
	bool seen[MAX_ARGS] = { false };

	/* not one that differs in case alone ("Error" for "error"): English lines hold those */
	if (!id_len || !str_len || (str_len == id_len && strncasecmp(str, id, id_len) == 0))
		return false;
	if (!parse_fmt(str, str_len, &fs) || fs.longest_run < MIN_RUN)
		return false;
	if (!parse_fmt(id, id_len, &fi) || fi.literal < min_literal)
		return false;
	for (size_t i = 0; i < fs.n; i++)
		if (fs.segs[i].cls)
			seen[fs.segs[i].arg] = true;
	for (size_t i = 0; i < fi.n; i++)
		if (fi.segs[i].cls && !seen[fi.segs[i].arg])
			return false;
	return true;
}

/* ------------------------------------------------------------ index */

static inline uint32_t window_bucket(const char *s, unsigned bits)
{
	uint32_t v;

	memcpy(&v, s, 4);
	return (v * 2654435761u) >> (32 - bits);
}

/*
 * each window of @p's literal runs: counted (@counts) or, with @pick, the
 * rarest chosen. Within the runs parse_fmt() finds: a window that holds a
 * conversion's letters ("s ne" of "%s ne") is no text a line holds.
 */
static void windows(struct pat *p, uint32_t *counts, unsigned bits, bool pick)
{
	uint32_t best = UINT32_MAX;
	struct fmt f;

	if (!parse_fmt(p->str, p->str_len, &f))
		return;
	for (size_t k = 0; k < f.n; k++) {
		const struct seg *g = &f.segs[k];

		for (uint32_t i = g->off; !g->cls && i + 4 <= g->off + g->len; i++) {
			uint32_t b = window_bucket(p->str + i, bits);

			if (!pick) {
				if (counts[b] < UINT32_MAX)
					counts[b]++;
			} else if (counts[b] < best) {
				best = counts[b];
				p->anchor = i;
			}
		}
	}
}

static int build_index(struct vfd_translated *t)
{
	uint32_t *counts, buckets;

	/* a small catalogue (tests, fuzzing) needs no large table */
	for (t->bits = 8; t->bits < BUCKET_BITS && (1u << t->bits) < 2 * t->n_pats; t->bits++)
		;
	buckets = 1u << t->bits;
	counts = calloc(buckets, sizeof(*counts));
	t->bucket = calloc(buckets + 1, sizeof(*t->bucket));
	t->refs = malloc((t->n_pats ? t->n_pats : 1) * sizeof(*t->refs));
	if (!counts || !t->bucket || !t->refs) {
		free(counts);
		return -ENOMEM;
	}
	t->n_virsh_prefix = 0;
	for (size_t i = 0; i < t->n_pats; i++) {
		const struct pat *p = &t->pats[i];

		if (p->id_len == 7 && memcmp(p->id, "error: ", 7) == 0 &&
		    t->n_virsh_prefix < MAX_VIRSH_PREFIXES)
			t->virsh_prefix[t->n_virsh_prefix++] = (uint32_t)i;
		windows(&t->pats[i], counts, t->bits, false);
	}
	for (size_t i = 0; i < t->n_pats; i++)
		windows(&t->pats[i], counts, t->bits, true);
	memset(counts, 0, buckets * sizeof(*counts));
	for (size_t i = 0; i < t->n_pats; i++)
		counts[window_bucket(t->pats[i].str + t->pats[i].anchor, t->bits)]++;
	for (size_t b = 0; b < buckets; b++)
		t->bucket[b + 1] = t->bucket[b] + counts[b];
	for (size_t i = 0; i < t->n_pats; i++) {
		uint32_t b = window_bucket(t->pats[i].str + t->pats[i].anchor, t->bits);

		t->refs[t->bucket[b + 1] - counts[b]--] = (uint32_t)i;
	}
	free(counts);
	return 0;
}

/* ------------------------------------------------------------ loading */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the usable translations of catalogue @c (language @lang) added to @t */
static int add_catalogue(struct vfd_translated *t, struct mo_catalogue *c, size_t lang,
			 size_t min_literal, size_t *cap)
{
	for (size_t i = 0; i < mo_catalogue_count(c); i++) {
		const char *id, *str;
		size_t il, sl;

		if (mo_catalogue_get(c, i, &id, &il, &str, &sl) < 0)
			continue;
		/*
		 * a translator's trailing blank ("%s " for "%s"): a line's are not
		 * read (find_best()); a prefix's ("error: ") are its own
		 */
		while (sl && il && !strchr(" \t\n", id[il - 1]) && strchr(" \t\n", str[sl - 1]))
			sl--;
		if (!usable(str, sl, id, il, min_literal))
			continue;
		if (t->n_pats == *cap) {
			size_t ncap = *cap ? *cap * 2 : 4096;
			struct pat *np = realloc(t->pats, ncap * sizeof(*np));

			if (!np)
				return -ENOMEM;
			t->pats = np;
			*cap = ncap;
		}
		t->pats[t->n_pats++] = (struct pat){ str, id, (uint32_t)sl, (uint32_t)il, 0,
						     (uint16_t)lang };
	}
	return 0;
}

/* DIR/LANG/LC_MESSAGES/DOMAIN.mo added to @t: its messages, or (@errs) its strerror() texts */
static int load_one(struct vfd_translated *t, const char *dir, const char *lang, const char *domain,
		    uint16_t lang_no, bool errs, size_t *cap)
{
	struct mo_catalogue *c;
	char *path = NULL;
	int e;

	if (asprintf(&path, "%s/%s/LC_MESSAGES/%s.mo", dir, lang, domain) < 0)
		return -ENOMEM;
	e = mo_catalogue_open(path, &c);
	free(path);
	if (e == -EBADMSG || e == -EFBIG)
		t->refused++;
	if (e < 0)
		return e == -ENOMEM ? e : 0;
	t->cats[t->n_cats++] = c;
	if (errs)
		return errno_texts_add(t->errs, c, lang_no) < 0 ? -ENOMEM : 0;
	return add_catalogue(t, c, lang_no, strcmp(domain, domains[0]) == 0 ? 0 : SECOND_LITERAL,
			     cap);
}

/* is @name one of the colon-separated @languages? */
static bool listed(const char *languages, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = languages; *p; p += strcspn(p, ":"), p += *p == ':') {
		if (strncmp(p, name, n) == 0 && (p[n] == ':' || p[n] == '\0'))
			return true;
	}
	return false;
}

int vfd_translated_load(const char *dir, const char *domain, struct vfd_translated **out)
{
	return vfd_translated_load_languages(dir, domain, NULL, out);
}

int vfd_translated_load_languages(const char *dir, const char *domain, const char *languages,
				  struct vfd_translated **out)
{
	struct vfd_translated *t = calloc(1, sizeof(*t));
	char **names = NULL;
	size_t n_names = 0, cap_names = 0, cap = 0, n_doms;
	DIR *d;
	struct dirent *de;
	int r = 0;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char **nn;

		if (de->d_name[0] == '.' || (languages && !listed(languages, de->d_name)))
			continue;
		if (n_names == cap_names) {
			cap_names = cap_names ? cap_names * 2 : 64;
			nn = realloc(names, cap_names * sizeof(*nn));
			if (!nn) {
				r = -ENOMEM;
				break;
			}
			names = nn;
		}
		names[n_names] = strdup(de->d_name);
		if (!names[n_names]) {
			r = -ENOMEM;
			break;
		}
		n_names++;
	}
	if (d)
		closedir(d);
	/* the same order on every host: the first language to read a line names it */
	if (r == 0 && n_names)
		qsort(names, n_names, sizeof(*names), by_name);
	n_doms = domain ? 1 : N_DOMAINS + 1;
	t->cats = calloc(n_names ? n_names * n_doms : 1, sizeof(*t->cats));
	t->langs = calloc(n_names ? n_names : 1, sizeof(*t->langs));
	if (r == 0 && (!t->cats || !t->langs || errno_texts_new(&t->errs) < 0))
		r = -ENOMEM;
	/* a pattern's language is its directory's number: t->langs holds every name */
	for (size_t i = 0; r == 0 && i < n_names && i < UINT16_MAX; i++) {
		t->langs[i] = names[i];
		names[i] = NULL;
		t->n_langs++;
		for (size_t k = 0; r == 0 && k < n_doms; k++) {
			const char *dom = domain ? domain : k < N_DOMAINS ? domains[k] : ERRNO_DOMAIN;

			r = load_one(t, dir, t->langs[i], dom, (uint16_t)i,
				     strcmp(dom, ERRNO_DOMAIN) == 0, &cap);
		}
	}
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	if (r == 0)
		r = build_index(t);
	if (r < 0) {
		vfd_translated_free(t);
		return r;
	}
	*out = t;
	return 0;
}

int vfd_translated_parse(const void *buf, size_t len, const char *lang,
			 struct vfd_translated **out)
{
	struct vfd_translated *t = calloc(1, sizeof(*t));
	size_t cap = 0;
	int r;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->cats = calloc(1, sizeof(*t->cats));
	t->langs = calloc(1, sizeof(*t->langs));
	r = t->cats && t->langs ? mo_catalogue_parse(buf, len, &t->cats[0]) : -ENOMEM;
	if (r == 0) {
		t->n_cats = 1;
		t->langs[0] = strdup(lang);
		t->n_langs = t->langs[0] ? 1 : 0;
		r = t->langs[0] ? add_catalogue(t, t->cats[0], 0, 0, &cap) : -ENOMEM;
	}
	/* the same catalogue as libc's too: a test's, or a fuzzer's */
	if (r == 0 && (errno_texts_new(&t->errs) < 0 || errno_texts_add(t->errs, t->cats[0], 0) < 0))
		r = -ENOMEM;
	if (r == 0)
		r = build_index(t);
	if (r < 0) {
		vfd_translated_free(t);
		return r;
	}
	*out = t;
	return 0;
}

void vfd_translated_free(struct vfd_translated *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_cats; i++)
		mo_catalogue_free(t->cats[i]);
	for (size_t i = 0; i < t->n_langs; i++)
		free(t->langs[i]);
	errno_texts_free(t->errs);
	free(t->cats);
	free(t->langs);
	free(t->pats);
	free(t->bucket);
	free(t->refs);
	free(t);
}

void vfd_translated_stats(const struct vfd_translated *t, size_t *catalogues, size_t *refused,
			  size_t *matchers)
{
	if (catalogues)
		*catalogues = t ? t->n_cats : 0;
	if (refused)
		*refused = t ? t->refused : 0;
	if (matchers)
		*matchers = t ? t->n_pats : 0;
}

/* ----------------------------------------------------------- matching */

struct ctx {
	const struct vfd_translated *t;
	unsigned steps;
};

/* a translation found in a text: where, its captures, and what it explains */
struct hit {
	const struct pat *p;
	size_t start, end, score;
	size_t cs[MAX_ARGS], ce[MAX_ARGS];
};

struct mstate {
	struct ctx *cx;
	const char *text, *fmt;
	size_t end;
	const struct fmt *f;
	struct hit *h;
	bool tail_ok;		/* the message may stop before the end, at ": " */
};

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool xdigit(char c)
{
	return digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* the longest text at @s (@n bytes) a conversion of class @cls may have printed */
static size_t span(char cls, const char *s, size_t n)
{
	size_t i = 0, j;

	switch (cls) {
	case 'd':
		if (n && (s[0] == '-' || s[0] == '+'))
			i = 1;
		/* fall through */
	case 'u':
		for (j = i; j < n && digit(s[j]); j++)
			;
		return j > i ? j : 0;
	case 'x':
	case 'p':
		while (i < n && (xdigit(s[i]) || s[i] == 'x' || s[i] == 'X' ||
				 (cls == 'p' && strchr("(nil)", s[i]))))
			i++;
		return i;
	case 'f':
		while (i < n && (digit(s[i]) || strchr(".+-eEinfa", s[i])))
			i++;
		return i;
	case 'c': {
		unsigned char c = (unsigned char)(n ? s[0] : 0);
		size_t l = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		return n && l <= n ? l : 0;
	}
	default:
		return n;
	}
}

/* the pieces from @k on match the text from @pos to the end */
static bool match_from(struct mstate *st, size_t k, size_t pos)
{
	const struct seg *g;
	size_t max;

	if (++st->cx->steps > STEP_LIMIT)
		return false;
	if (k == st->f->n) {
		/* virReportSystemError() puts ": " and strerror()'s text after the message */
		if (pos != st->end && !(st->tail_ok && st->end - pos > 2 &&
					st->text[pos] == ':' && st->text[pos + 1] == ' '))
			return false;
		st->h->end = pos;
		return true;
	}
	g = &st->f->segs[k];
	if (!g->cls)
		return st->end - pos >= g->len && memcmp(st->text + pos, st->fmt + g->off, g->len) == 0 &&
		       match_from(st, k + 1, pos + g->len);
	st->h->cs[g->arg] = pos;
	max = span(g->cls, st->text + pos, st->end - pos);
	if (g->cls == 's') {
		const struct seg *lit = k + 1 < st->f->n && !st->f->segs[k + 1].cls ?
					&st->f->segs[k + 1] : NULL;

		if (k + 1 == st->f->n) {
			st->h->ce[g->arg] = st->h->end = st->end;
			return true;
		}
		/* the shortest value first, jumping to where the next literal is */
		for (size_t q = pos; q <= st->end; q++) {
			if (lit) {
				const char *at = memmem(st->text + q, st->end - q, st->fmt + lit->off,
							lit->len);

				if (!at)
					return false;
				q = (size_t)(at - st->text);
			}
			st->h->ce[g->arg] = q;
			if (match_from(st, k + 1, q))
				return true;
			if (st->cx->steps > STEP_LIMIT)
				return false;
		}
		return false;
	}
	if (g->cls == 'c' && max) {
		st->h->ce[g->arg] = pos + max;
		return match_from(st, k + 1, pos + max);
	}
	/* a number: the longest first */
	for (size_t l = max; l >= 1; l--) {
		st->h->ce[g->arg] = pos + l;
		if (match_from(st, k + 1, pos + l))
			return true;
	}
	return false;
}

static bool find_best(struct ctx *cx, const char *text, size_t len, bool anchored, int depth,
		      struct hit *best);

/* what a match explains: its literal text, and that of the captures read in turn */
static size_t score_of(struct ctx *cx, const struct fmt *f, const char *text, const struct hit *h,
		       int depth)
{
	size_t score = f->literal;

	for (size_t i = 0; i < f->n; i++) {
		const struct seg *g = &f->segs[i];
		struct hit sub;

		if (g->cls == 's' && depth < NEST_MAX &&
		    find_best(cx, text + h->cs[g->arg], h->ce[g->arg] - h->cs[g->arg], true,
			      depth + 1, &sub))
			score += sub.score;
	}
	return score;
}

/* translation @p, its window at @p_at in @text: tried at each start it may have */
static void try_pattern(struct ctx *cx, const struct pat *p, const char *text, size_t end,
			size_t p_at, bool anchored, int depth, struct hit *best, bool *found)
{
	struct fmt f;
	struct hit h = { .p = p };
	struct mstate st = { cx, text, p->str, end, &f, &h, depth == 0 };
	size_t k = 0, q, tries = 0;
	const struct seg *first;

	/* a prefix (depth < 0) is literal text only */
	if (!parse_fmt(p->str, p->str_len, &f) || (depth < 0 && f.n_args))
		return;
	while (k < f.n && !(f.segs[k].cls == 0 && p->anchor >= f.segs[k].off &&
			    p->anchor < f.segs[k].off + f.segs[k].len))
		k++;
	if (k == f.n || p->anchor - f.segs[k].off > p_at)
		return;
	q = p_at - (p->anchor - f.segs[k].off);	/* where piece k starts */
	first = &f.segs[0];
	for (size_t s = 0; s <= q && tries < MAX_STARTS; s++) {
		if (k == 0)
			s = q;
		else if (!first->cls) {
			size_t stop = q + first->len < end ? q + first->len : end;
			const char *at = memmem(text + s, stop - s, p->str + first->off, first->len);

			if (!at)
				break;
			s = (size_t)(at - text);
		} else if (first->cls != 's' && !anchored &&
			   (!span(first->cls, text + s, end - s) ||
			    (s && span(first->cls, text + s - 1, end - s + 1)))) {
			continue;
		}
		if (anchored && s)
			break;
		tries++;
		if (match_from(&st, 0, s)) {
			h.start = s;
			h.score = score_of(cx, &f, text, &h, depth);
			if (!*found || h.score > best->score ||
			    (h.score == best->score && h.start < best->start))
				*best = h;
			*found = true;
			return;
		}
		/* a leading %s takes the line's prefix with its value: one start */
		if (first->cls == 's' || cx->steps > STEP_LIMIT)
			return;
	}
}

/*
 * the translation that explains most of @text ending at its end (all of it
 * when @anchored): each four-byte window of @text looked up in the index
 */
static bool find_best(struct ctx *cx, const char *text, size_t len, bool anchored, int depth,
		      struct hit *best)
{
	const struct vfd_translated *t = cx->t;
	size_t end = len;
	bool found = false;

	/* a line's trailing blanks are no part of its message; a prefix's are (depth < 0) */
	if (!anchored && depth >= 0)
		while (end && (text[end - 1] == ' ' || text[end - 1] == '\t'))
			end--;
	for (size_t i = 0; i + 4 <= end && cx->steps <= STEP_LIMIT; i++) {
		uint32_t b = window_bucket(text + i, t->bits);

		for (uint32_t r = t->bucket[b]; r < t->bucket[b + 1]; r++) {
			const struct pat *p = &t->pats[t->refs[r]];

			if (memcmp(p->str + p->anchor, text + i, 4) == 0)
				try_pattern(cx, p, text, end, i, anchored, depth, best, &found);
		}
	}
	return found;
}

static int append(struct vfd_translation *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t ncap = (o->len + n + 1) * 2;
		char *nl = realloc(o->line, ncap);

		if (!nl)
			return -ENOMEM;
		o->line = nl;
		o->cap = ncap;
	}
	memcpy(o->line + o->len, s, n);
	o->len += n;
	o->line[o->len] = '\0';
	return 0;
}

/* the English message of @h, its values in the English conversions' places */
static int emit(struct ctx *cx, const struct hit *h, const char *text, int depth,
		struct vfd_translation *o)
{
	const struct pat *p = h->p;
	struct fmt f;
	int r = 0;

	if (!parse_fmt(p->id, p->id_len, &f))
		return append(o, p->id, p->id_len);
	for (size_t i = 0; i < f.n && r == 0; i++) {
		const struct seg *g = &f.segs[i];
		const char *v = text + h->cs[g->arg];
		size_t vl = h->ce[g->arg] - h->cs[g->arg];
		struct hit sub;

		if (!g->cls)
			r = append(o, p->id + g->off, g->len);
		else if (g->cls == 's' && depth < NEST_MAX &&
			 find_best(cx, v, vl, true, depth + 1, &sub))
			r = emit(cx, &sub, v, depth + 1, o);
		else
			r = append(o, v, vl);
	}
	return r;
}

/*
 * a translation with no values that ends right where the message starts:
 * virsh prints its "error: " through gettext as well ("Fehler: ")
 */
static bool find_prefix(struct ctx *cx, const char *line, size_t start, struct hit *ph)
{
	struct fmt f;

	if (start < MIN_RUN || !find_best(cx, line, start, false, -1, ph))
		return false;
	return parse_fmt(ph->p->str, ph->p->str_len, &f) && f.n_args == 0 &&
	       parse_fmt(ph->p->id, ph->p->id_len, &f) && f.n_args == 0;
}

/*
 * virsh's "error: " as translated at the start of @line, where the message
 * read is not right behind it: libvirt left a wrapper such as "internal
 * error: " in English. Its length (0: none), blanks after it included.
 */
static size_t virsh_prefix(const struct vfd_translated *t, const char *line, size_t start)
{
	size_t best = 0;

	for (size_t k = 0; k < t->n_virsh_prefix; k++) {
		const struct pat *p = &t->pats[t->virsh_prefix[k]];
		size_t n = p->str_len, i = 0, j = 0;

		/* the translation's own trailing blank may be missing: "erreur :", "erro:" */
		while (n && p->str[n - 1] == ' ')
			n--;
		/* French's no-break space before the colon, or the plain one a paste has */
		while (i < n && j < start) {
			if (p->str[i] == line[j]) {
				i++, j++;
			} else if (i + 1 < n && memcmp(p->str + i, "\xc2\xa0", 2) == 0 && line[j] == ' ') {
				i += 2, j++;
			} else {
				break;
			}
		}
		if (i == n && j < start && j > best)
			best = j;
	}
	while (best && best < start && line[best] == ' ')
		best++;
	return best;
}

/*
 * a strerror() text in the user's language after one of the last three ": "
 * of @s (virReportSystemError(), perror(), QEMU's error_setg_errno(),
 * kmod's "could not insert ...: %s"): where it stands ([*ts, *te), trailing
 * blanks left out) and its English
 */
static bool errno_tail(const struct vfd_translated *t, const char *s, size_t len, size_t *ts,
		       size_t *te, const char **id, size_t *il, uint16_t *lang)
{
	size_t end = len;
	unsigned tries = 0;

	if (!errno_texts_count(t->errs))
		return false;
	while (end && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
		end--;
	for (size_t i = end; i >= 2 && tries < 3; i--) {
		if (s[i - 2] != ':' || s[i - 1] != ' ')
			continue;
		tries++;
		if (errno_texts_english(t->errs, s + i, end - i, id, il, lang)) {
			*ts = i;
			*te = end;
			return true;
		}
	}
	return false;
}

bool vfd_translated_errno_tail(const struct vfd_translated *t, const char *line, size_t len)
{
	size_t ts, te, il;
	const char *id;
	uint16_t lang;

	return t && errno_tail(t, line, len, &ts, &te, &id, &il, &lang);
}

int vfd_translated_read(const struct vfd_translated *t, const char *line, size_t len,
			struct vfd_translation *out)
{
	struct ctx cx = { t, 0 };
	struct hit h, ph;
	size_t ts = len, te = len, il = 0, mlen = len, pl;
	const char *id = NULL;
	uint16_t lang = 0;
	bool tail, found;
	int r;

	if (!t)
		return 0;
	/* the message is looked for before a translated strerror() text */
	tail = errno_tail(t, line, len, &ts, &te, &id, &il, &lang);
	if (tail)
		mlen = ts - 2;
	found = t->n_pats && find_best(&cx, line, mlen, false, 0, &h);
	if (!found && !tail)
		return 0;
	out->len = 0;
	if (!found) {
		/* an English message (or none known): what is read back is the strerror() text */
		r = append(out, line, ts);
		out->start = out->len;
		if (r == 0)
			r = append(out, id, il);
		out->end = out->len;
		if (r == 0)
			r = append(out, line + te, len - te);
		out->language = t->langs[lang];
		return r < 0 ? r : 1;
	}
	if (find_prefix(&cx, line, h.start, &ph)) {
		r = append(out, line, ph.start);
		if (r == 0)
			r = append(out, ph.p->id, ph.p->id_len);
	} else if ((pl = virsh_prefix(t, line, h.start))) {
		r = append(out, "error: ", 7);
		if (r == 0)
			r = append(out, line + pl, h.start - pl);
	} else {
		r = append(out, line, h.start);
	}
	out->start = out->len;
	if (r == 0)
		r = emit(&cx, &h, line, 0, out);
	out->end = out->len;
	if (r == 0)
		r = append(out, line + h.end, ts - h.end);
	if (r == 0)
		r = append(out, id ? id : "", il);
	if (r == 0)
		r = append(out, line + te, len - te);
	out->language = t->langs[h.p->lang];
	return r < 0 ? r : 1;
}
