// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Explaining a log: the lines the knowledge base recognises, gathered into
 * distinct problems, then each problem's causes judged against the host by
 * the checks of vfd_check_run(): a cause holds when the findings it names
 * have the statuses it lists, and is ruled out when they have others. Lines
 * that match no entry but name passthrough things are kept as unknown
 * (explain-unknown.c), so that no log reads as clean for want of an entry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "explain-translated.h"
#include "explain-level.h"
#include "explain-repair.h"
#include "explain-unknown-memo.h"
#include "internal.h"
#include "kb-cache.h"
#include "kb-cause.h"
#include "kb-cut.h"
#include "log-escape.h"
#include "paste-text.h"

#define LINE_KEEP	512		/* bytes of a problem's first line kept */
#define TABLE_SIZE	(2 * VFD_EXPLAIN_MAX_PROBLEMS)	/* open addressing, power of two */
#define EVIDENCE_LINES	4		/* evidence lines quoted per finding */
#define UNKNOWN_TABLE	(2 * VFD_EXPLAIN_MAX_UNKNOWN)	/* open addressing, power of two */

struct vfd_explain {
	struct vfd_kb *kb;
	struct vfd_problem *problems;
	char **keys;			/* the identity of each problem */
	uint64_t *hashes;
	size_t n, cap;
	int32_t table[TABLE_SIZE];	/* problem index + 1, 0 empty */
	ssize_t *last_of_entry;		/* per entry: its latest problem, -1 none */
	uint64_t lines, matched, dropped;

	struct vfd_unknown *unknown;	/* distinct lines not understood */
	uint64_t *unknown_hashes;
	size_t n_unknown;
	int32_t unknown_table[UNKNOWN_TABLE];	/* index + 1, 0 empty */
	uint64_t unknown_problems, unknown_info, unknown_dropped, incomplete;
	struct unknown_memo *unknown_memo;	/* the classifier's answers (made on first use) */
	struct repair_memo *repair_memo;	/* lines a copy's repair did not read */
	const struct vfd_kb_entry *level_entry;	/* for a line harmless by its level, or NULL */

	char *paste;			/* a pasted line read back (paste-text.c) */
	size_t paste_cap, paste_len;
	char *unquoted;			/* ... and out of its logger's quotes (log-escape.h) */
	bool chopped;			/* lines may have lost their end (vfd_explain_set_chopped) */
	bool as_written;		/* no copy's repair (vfd_explain_set_as_written) */

	/* translated messages (explain-translated.c), loaded on the first line that needs them */
	char *locale_dir;
	const struct vfd_translated *translated;	/* shared by the process */
	bool translated_loaded;
	/* the user's own languages' catalogues, tried first (vfd_explain_set_user_locale()) */
	char *languages;
	const struct vfd_translated *own;
	bool own_loaded;
	struct vfd_translation english;
	const char *given;		/* the line as given, where ex->paste holds its English */
	size_t given_len;
	uint64_t given_lineno;		/* ... for the line of this number */
	/* the problems whose first line was a translation: beside them, so that
	   struct vfd_problem, indexed on every line, keeps its size */
	struct translated_note {
		size_t problem;
		char *english;
		const char *language;
	} *notes;
	size_t n_notes, notes_cap;
};

struct vfd_explain *vfd_explain_new(struct vfd_kb *kb)
{
	struct vfd_explain *ex = calloc(1, sizeof(*ex));
	size_t n = vfd_kb_count(kb);

	if (!ex)
		return NULL;
	ex->kb = kb;
	/* an older --kb without the entry: no line is called harmless by its level */
	ex->level_entry = vfd_kb_find(kb, VFD_EXPLAIN_LEVEL_ENTRY);
	ex->last_of_entry = malloc((n + 1) * sizeof(*ex->last_of_entry));
	if (!ex->last_of_entry) {
		free(ex);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		ex->last_of_entry[i] = -1;
	return ex;
}

static void verdicts_free(struct vfd_problem *p)
{
	for (size_t i = 0; p->verdicts && i < p->entry->n_causes; i++)
		vfd_strv_free(p->verdicts[i].evidence);
	free(p->verdicts);
	p->verdicts = NULL;
	free(p->device_note);
	p->device_note = NULL;
}

void vfd_explain_free(struct vfd_explain *ex)
{
	if (!ex)
		return;
	for (size_t i = 0; i < ex->n; i++) {
		verdicts_free(&ex->problems[i]);
		free(ex->problems[i].line);
		free(ex->keys[i]);
	}
	for (size_t i = 0; i < ex->n_notes; i++)
		free(ex->notes[i].english);
	free(ex->notes);
	free(ex->locale_dir);
	free(ex->languages);
	free(ex->english.line);
	free(ex->paste);
	free(ex->unquoted);
	free(ex->problems);
	free(ex->keys);
	free(ex->hashes);
	free(ex->last_of_entry);
	for (size_t i = 0; i < ex->n_unknown; i++)
		free(ex->unknown[i].line);
	free(ex->unknown);
	free(ex->unknown_hashes);
	unknown_memo_free(ex->unknown_memo);
	explain_repair_memo_free(ex->repair_memo);
	free(ex);
}

/* values that tell one occurrence from another; counts and addresses do not */
static bool identifying(enum vfd_kb_value_type t)
{
	return t != VFD_KB_NUM && t != VFD_KB_ANY;
}

/*
 * a family entry's messages of different kinds are different problems; the
 * key is written into @buf (@size bytes) where it fits, else into memory of
 * its own (the caller frees what is not @buf): a line of a problem already
 * seen costs no allocation. Its length into *@key_len (each part's length
 * taken once: a matched line of a boot log comes here, 200,000 of them)
 */
static char *problem_key(const struct vfd_kb_match *m, const char *kind, size_t *n_ident,
			 char *buf, size_t size, size_t *key_len)
{
	size_t id_len = strlen(m->entry->id), kind_len = m->entry->family ? strlen(kind) : 0;
	size_t len = id_len + 1 + (m->entry->family ? kind_len + 1 : 0), vlen[VFD_KB_MAX_VALUES];
	char *key, *p;

	*n_ident = 0;
	for (size_t i = 0; i < m->n_values; i++)
		if (identifying(m->values[i].type)) {
			vlen[i] = strlen(m->values[i].text);
			len += vlen[i] + 3;
		}
	key = len <= size ? buf : malloc(len);
	if (!key)
		return NULL;
	memcpy(key, m->entry->id, id_len);
	p = key + id_len;
	if (m->entry->family) {
		*p++ = '/';
		memcpy(p, kind, kind_len);
		p += kind_len;
	}
	for (size_t i = 0; i < m->n_values; i++) {
		if (!identifying(m->values[i].type))
			continue;
		*p++ = '\x1f';
		*p++ = (char)('a' + m->values[i].type);
		*p++ = '=';
		memcpy(p, m->values[i].text, vlen[i]);
		p += vlen[i];
		(*n_ident)++;
	}
	*p = '\0';
	*key_len = (size_t)(p - key);
	return key;
}

static ssize_t lookup(const struct vfd_explain *ex, const char *key, uint64_t h, size_t *slot)
{
	size_t i = h & (TABLE_SIZE - 1);

	for (;;) {
		int32_t v = ex->table[i];

		if (v == 0) {
			*slot = i;
			return -1;
		}
		if (ex->hashes[v - 1] == h && strcmp(ex->keys[v - 1], key) == 0)
			return v - 1;
		i = (i + 1) & (TABLE_SIZE - 1);
	}
}

/* FNV-1a of the line with each run of digits as one '#': timestamps, pids and
   addresses do not make a line distinct */
static uint64_t shape_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;
	bool digits = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool d = c >= '0' && c <= '9';

		if (d && digits)
			continue;
		digits = d;
		h ^= d ? '#' : c;
		h *= 1099511628211ull;
	}
	return h;
}

/* a line no entry matched: kept when it names passthrough things */
static int feed_unknown(struct vfd_explain *ex, const char *line, size_t len, uint64_t hints)
{
	struct vfd_unknown_class class;
	struct vfd_unknown *u;
	uint64_t h;
	size_t i;

	/* without a gate word the classifier finds nothing: most lines */
	if (!hints || !unknown_memo_classify(&ex->unknown_memo, line, len, hints, &class))
		return 0;
	if (class.problem)
		ex->unknown_problems++;
	else
		ex->unknown_info++;
	h = shape_hash(line, len);
	for (i = h & (UNKNOWN_TABLE - 1); ex->unknown_table[i]; i = (i + 1) & (UNKNOWN_TABLE - 1)) {
		if (ex->unknown_hashes[ex->unknown_table[i] - 1] == h) {
			ex->unknown[ex->unknown_table[i] - 1].count++;
			return class.problem ? 3 : 4;
		}
	}
	if (ex->n_unknown == VFD_EXPLAIN_MAX_UNKNOWN) {
		ex->unknown_dropped++;
		return class.problem ? 3 : 4;
	}
	if (!ex->unknown) {
		ex->unknown = calloc(VFD_EXPLAIN_MAX_UNKNOWN, sizeof(*ex->unknown));
		ex->unknown_hashes = calloc(VFD_EXPLAIN_MAX_UNKNOWN, sizeof(*ex->unknown_hashes));
		if (!ex->unknown || !ex->unknown_hashes)
			return -ENOMEM;
	}
	u = &ex->unknown[ex->n_unknown];
	u->line = strndup(line, len < LINE_KEEP ? len : LINE_KEEP);
	if (!u->line)
		return -ENOMEM;
	u->class = class;
	u->count = 1;
	u->first_lineno = ex->lines;
	ex->unknown_hashes[ex->n_unknown] = h;
	ex->unknown_table[i] = (int32_t)++ex->n_unknown;
	return class.problem ? 3 : 4;
}

size_t vfd_explain_unknown_count(const struct vfd_explain *ex)
{
	return ex ? ex->n_unknown : 0;
}

const struct vfd_unknown *vfd_explain_unknown(const struct vfd_explain *ex, size_t index)
{
	return ex && index < ex->n_unknown ? &ex->unknown[index] : NULL;
}

void vfd_explain_unknown_stats(const struct vfd_explain *ex, uint64_t *problems,
			       uint64_t *info, uint64_t *dropped, uint64_t *incomplete)
{
	if (problems)
		*problems = ex->unknown_problems;
	if (info)
		*info = ex->unknown_info;
	if (dropped)
		*dropped = ex->unknown_dropped;
	if (incomplete)
		*incomplete = ex->incomplete;
}

/* a cut reading's result @r (@cm) over a line's reading @m that found nothing:
   @cm where it read the line; out of steps, the line is not fully examined */
static int take_cut(int r, const struct vfd_kb_match *cm, struct vfd_kb_match *m)
{
	if (r < 0)
		return r;
	if (cm->incomplete)
		m->incomplete = true;
	if (r == 0)
		return 0;
	*m = *cm;
	return 1;
}

/*
 * a line no entry reads as it is (@m its reading: none, with its hints) that
 * holds "...": systemd's ellipsis in a locale that is not UTF-8, where the
 * dots sit as systemd's cut puts them (kb_cut_ascii_marks()). Three dots
 * are common in messages ("Loading..."), so only such lines, and only
 * where no whole-line reading exists. Out of line as read_pasted().
 */
static __attribute__((noinline, cold)) int read_ascii_cut(struct vfd_explain *ex,
							  const char *line, size_t len,
							  struct vfd_kb_match *m)
{
	size_t marks[KB_CUT_MARKS_MAX], n_marks;
	struct vfd_kb_match cm;
	int r;

	n_marks = kb_cut_ascii_marks(line, len, marks, KB_CUT_MARKS_MAX);
	if (!n_marks)
		return 0;
	r = kb_match_cut(ex->kb, line, len, marks, n_marks, &cm);
	return take_cut(r, &cm, m);
}

void vfd_explain_set_chopped(struct vfd_explain *ex, bool chopped)
{
	ex->chopped = chopped;
}

void vfd_explain_set_as_written(struct vfd_explain *ex, bool as_written)
{
	ex->as_written = as_written;
}

/* a line no entry reads (@m: its hints), where lines may have lost their end
   with no mark: read as a message's start (kb_match_chopped()) */
static __attribute__((noinline, cold)) int read_chopped(struct vfd_explain *ex, const char *line,
							size_t len, struct vfd_kb_match *m)
{
	struct vfd_kb_match cm;
	int r = kb_match_chopped(ex->kb, line, len, &cm);

	return take_cut(r, &cm, m);
}

/*
 * a line no entry reads (@read_as 0), or only a family (@read_as 1), or
 * one that ends in a translated strerror() text (the English one may be
 * read by an entry of its own: "Operation not permitted"), that may be a
 * translation (the caller's test: a letter of a script other than
 * ASCII's, paste_has_letter(), or an ASCII line of a translating program's
 * shape, vfd_translated_ascii_shape()): read back into English by the
 * installed catalogues, loaded here the first time, and that English line
 * matched. Where the English line is read, or no entry read the line, it
 * takes the place of the line in ex->paste, @m is its reading, and
 * ex->given names the line as given (@line); else @read_as is returned, @m
 * untouched. The typographic quotes of a translation are its own: the line
 * as given is tried first, then as read back (@restored, which may be @line).
 */
/* @line (or @restored) read back into ex->english by the catalogues of @t: 1 read,
   0 not (a line an entry reads is read only for its strerror() text) */
static int translate_with(struct vfd_explain *ex, const struct vfd_translated *t,
			  const char *line, size_t len, const char *restored,
			  size_t restored_len, const struct vfd_kb_match *m, int read_as)
{
	int r;

	if (read_as > 0 && !m->entry->family && !vfd_translated_errno_tail(t, line, len) &&
	    !vfd_translated_errno_tail(t, restored, restored_len))
		return 0;
	r = vfd_translated_read(t, line, len, &ex->english);
	if (r == 0 && (restored_len != len || memcmp(restored, line, len) != 0))
		r = vfd_translated_read(t, restored, restored_len, &ex->english);
	return r;
}

/* room for @len bytes in ex->paste and ex->unquoted, which trade places (read_pasted()) */
static int grow_paste(struct vfd_explain *ex, size_t len)
{
	char *np, *nu;

	if (len <= ex->paste_cap)
		return 0;
	np = realloc(ex->paste, len);
	nu = np ? realloc(ex->unquoted, len) : NULL;
	if (np)
		ex->paste = np;
	if (!nu)
		return -ENOMEM;
	ex->unquoted = nu;
	ex->paste_cap = len;
	return 0;
}

/* @set loaded the first time (@loaded): @languages' catalogues, or (NULL) all */
static int load_set(struct vfd_explain *ex, const char *languages,
		    const struct vfd_translated **set, bool *loaded)
{
	if (*loaded)
		return 0;
	*loaded = true;
	/* NULL domain: libvirt's, virt-manager's and libc's strerror() texts */
	return vfd_translated_shared(ex->locale_dir ? ex->locale_dir : "/usr/share/locale", NULL,
				     languages, set);
}

static int read_translated(struct vfd_explain *ex, const char *line, size_t len,
			   const char *restored, size_t restored_len, struct vfd_kb_match *m,
			   int read_as)
{
	struct vfd_kb_match tm;
	int r = 0;

	/*
	 * the user's own languages first: a line from their host is in one of
	 * them, and those few catalogues load in a fraction of all of them
	 */
	if (ex->languages) {
		r = load_set(ex, ex->languages, &ex->own, &ex->own_loaded);
		if (r == 0)
			r = translate_with(ex, ex->own, line, len, restored, restored_len, m,
					   read_as);
	}
	if (r == 0) {
		r = load_set(ex, NULL, &ex->translated, &ex->translated_loaded);
		if (r == 0)
			r = translate_with(ex, ex->translated, line, len, restored, restored_len,
					   m, read_as);
	}
	if (r <= 0)
		return r < 0 ? r : read_as;
	r = vfd_kb_match(ex->kb, ex->english.line, ex->english.len, &tm);
	if (r == 0 && kb_has_dots(ex->english.line, ex->english.len))
		r = read_ascii_cut(ex, ex->english.line, ex->english.len, &tm);
	/* the English line's reading where it has one: the line as the program meant it */
	if (r < 0 || (read_as > 0 && r == 0))
		return r < 0 ? r : read_as;
	if (grow_paste(ex, ex->english.len) < 0)
		return -ENOMEM;
	memcpy(ex->paste, ex->english.line, ex->english.len);
	ex->paste_len = ex->english.len;
	ex->given = line;
	ex->given_len = len;
	ex->given_lineno = ex->lines;
	*m = tm;
	return r;
}

/* the new problem ex->n, of a line read as a translation: its English and language noted */
static int store_translated(struct vfd_explain *ex)
{
	size_t el = ex->english.end - ex->english.start;
	struct translated_note *n;

	if (array_reserve((void **)&ex->notes, &ex->notes_cap, ex->n_notes, sizeof(*ex->notes),
			  8) < 0)
		return -ENOMEM;
	n = &ex->notes[ex->n_notes];
	n->english = strndup(ex->english.line + ex->english.start, el < LINE_KEEP ? el : LINE_KEEP);
	if (!n->english)
		return -ENOMEM;
	n->problem = ex->n;
	n->language = ex->english.language;
	ex->n_notes++;
	return 0;
}

const char *vfd_explain_translated(const struct vfd_explain *ex, size_t index,
				   const char **language)
{
	for (size_t i = 0; ex && i < ex->n_notes; i++)
		if (ex->notes[i].problem == index) {
			*language = ex->notes[i].language;
			return ex->notes[i].english;
		}
	*language = NULL;
	return NULL;
}

/*
 * a line that may be a copy (paste_suspect): read back as printed into
 * ex->paste (@line and @len then name it), and matched; where it holds an
 * ellipsis, systemd may have cut it to the terminal's width (kb-cut.h); or
 * it is a translation, and ex->paste holds its English (read_translated()).
 * Out of line: most lines of a log never come here.
 */
static __attribute__((noinline, cold)) int read_pasted(struct vfd_explain *ex, const char *line,
						       size_t len, struct vfd_kb_match *m)
{
	size_t marks[KB_CUT_MARKS_MAX], n_marks = 0;
	int r;

	if (grow_paste(ex, len) < 0)
		return -ENOMEM;
	ex->paste_len = paste_restore_marks(line, len, ex->paste, marks, KB_CUT_MARKS_MAX, &n_marks);
	r = vfd_kb_match(ex->kb, ex->paste, ex->paste_len, m);
	if (n_marks)
		r = kb_match_cut_over(ex->kb, ex->paste, ex->paste_len, marks, n_marks, r, m);
	else if (r == 0 && kb_has_dots(ex->paste, ex->paste_len))
		r = read_ascii_cut(ex, ex->paste, ex->paste_len, m);
	/*
	 * or a message in the user's language: read in English, where no entry
	 * reads it or only a family does (a family reads any message of a
	 * libvirt function, in any language: its own entry says more); asked
	 * where it holds a letter of another script (paste_has_letter(): typographic quotes,
	 * dashes and an ellipsis are ASCII once read back, and a symbol such
	 * as systemd's bullet in every status paste is no word: it would load
	 * every catalogue), or an ASCII line of a translating program's shape
	 */
	if (r >= 0 && (paste_has_letter(ex->paste, ex->paste_len) ||
		       (vfd_translated_ascii_shape(ex->paste, ex->paste_len) &&
			vfd_translated_ascii_worth(ex->paste, ex->paste_len))))
		r = read_translated(ex, line, len, ex->paste, ex->paste_len, m, r);
	/* a message in a JSON or logfmt logger's quotes: its \" and \n read back */
	if (r >= 0 && ex->given_lineno != ex->lines && memchr(ex->paste, '\\', ex->paste_len)) {
		size_t n = kb_match_unescaped(ex->kb, ex->paste, ex->paste_len, ex->unquoted, m, &r);
		char *swap = ex->paste;

		if (n) {
			ex->paste = ex->unquoted;
			ex->unquoted = swap;
			ex->paste_len = n;
		}
	}
	return r;
}

/* an ASCII line in the shape of a translating program's (vfd_translated_ascii_shape()): read
   as a translation, ex->paste its English where it is one. Out of line: rare. */
static __attribute__((noinline, cold)) int read_ascii_translated(struct vfd_explain *ex,
								 const char *line, size_t len,
								 struct vfd_kb_match *m, int read_as)
{
	if (!vfd_translated_ascii_worth(line, len))
		return read_as;
	return read_translated(ex, line, len, line, len, m, read_as);
}

int vfd_explain_set_user_locale(struct vfd_explain *ex, const char *language, const char *locale)
{
	char list[256], *l = NULL;

	if (vfd_translated_languages_of(language, locale, list, sizeof(list)) && !(l = strdup(list)))
		return -ENOMEM;
	free(ex->languages);
	ex->languages = l;
	return 0;
}

int vfd_explain_set_locale_dir(struct vfd_explain *ex, const char *dir)
{
	char *d = dir ? strdup(dir) : NULL;

	if (dir && !d)
		return -ENOMEM;
	free(ex->locale_dir);
	ex->locale_dir = d;
	return 0;
}

int vfd_explain_feed(struct vfd_explain *ex, const char *line, size_t len)
{
	struct vfd_kb_match m;
	struct vfd_problem *p;
	size_t n_ident, slot = 0, ei, key_len;
	uint64_t h;
	ssize_t found;
	const char *kind;
	char buf[1024], *key;
	unsigned int scan;
	int r;

	ex->lines++;
	scan = paste_scan(line, len);
	/* a copy from a web page or chat: read as its program printed it */
	if (scan & PASTE_SUSPECT) {
		r = read_pasted(ex, line, len, &m);
		if (r == -ENOMEM)
			return r;
		line = ex->paste;
		len = ex->paste_len;
	} else {
		r = vfd_kb_match(ex->kb, line, len, &m);
		if (r == 0 && (scan & PASTE_DOTS))
			r = read_ascii_cut(ex, line, len, &m);
		/* German, Spanish... print many messages in ASCII */
		if (r >= 0 && vfd_translated_ascii_shape(line, len)) {
			r = read_ascii_translated(ex, line, len, &m, r);
			if (ex->given_lineno == ex->lines) {
				line = ex->paste;
				len = ex->paste_len;
			}
		}
	}
	if (r == 0 && ex->chopped)
		r = read_chopped(ex, line, len, &m);
	/* cut at its end with a mark, or wrapped inside a word and joined back */
	if (!ex->as_written && explain_may_repair(line, len, r, &m)) {
		if (grow_paste(ex, len) < 0)
			return -ENOMEM;
		r = explain_repair(ex->kb, &ex->unknown_memo, &ex->repair_memo, ex->unquoted, &line,
				   &len, r, &m);
	}
	if (m.incomplete)
		ex->incomplete++;
	/* no entry and nothing the classifier keeps: harmless if its program says so */
	if (r == 0 && ((r = feed_unknown(ex, line, len, m.hints)) != 0 ||
		       !vfd_explain_level_match(ex->level_entry, line, len, &m)))
		return r;
	if (r < 0)
		return r;
	ex->matched++;
	ei = vfd_kb_entry_index(ex->kb, m.entry);
	/*
	 * the message to the end of the line: a family pattern may end at its
	 * trouble word; a broad family reads the whole line (its pattern may start
	 * at any of its words, the thing or the kind's)
	 */
	kind = kb_match_kind(&m, line, len);
	key = problem_key(&m, kind, &n_ident, buf, sizeof(buf), &key_len);
	if (!key)
		return -ENOMEM;
	/*
	 * eight bytes a step (the cache's hash of a line): FNV-1a's byte at a
	 * time was 2% of a log whose lines all differ; the hash only finds the
	 * key's slot (lookup() compares the key itself)
	 */
	h = kb_cache_hash((const unsigned char *)key, key_len, 0);
	found = lookup(ex, key, h, &slot);
	/* a line with no values of its own (a hint line) belongs to the latest problem */
	if (found < 0 && n_ident == 0 && ex->last_of_entry[ei] >= 0)
		found = ex->last_of_entry[ei];
	if (found >= 0) {
		if (key != buf)
			free(key);
		ex->problems[found].count++;
		ex->last_of_entry[ei] = found;
		return m.entry->harmless ? 2 : 1;
	}
	if (ex->n == VFD_EXPLAIN_MAX_PROBLEMS) {
		if (key != buf)
			free(key);
		ex->dropped++;
		return m.entry->harmless ? 2 : 1;
	}
	/* a new problem keeps its key */
	if (key == buf) {
		key = strdup(buf);
		if (!key)
			return -ENOMEM;
	}
	if (ex->n == ex->cap) {
		size_t ncap = ex->cap ? ex->cap * 2 : 16;
		struct vfd_problem *np = realloc(ex->problems, ncap * sizeof(*np));
		char **nk;
		uint64_t *nh;

		if (np)
			ex->problems = np;
		nk = np ? realloc(ex->keys, ncap * sizeof(*nk)) : NULL;
		if (nk)
			ex->keys = nk;
		nh = nk ? realloc(ex->hashes, ncap * sizeof(*nh)) : NULL;
		if (!nh) {
			free(key);
			return -ENOMEM;
		}
		ex->hashes = nh;
		ex->cap = ncap;
	}
	p = &ex->problems[ex->n];
	memset(p, 0, sizeof(*p));
	p->entry = m.entry;
	p->kind = kind;
	p->match = m;
	/* the line as the log has it; a translation also as the English it was read as */
	if (ex->given_lineno == ex->lines) {
		if (store_translated(ex) < 0) {
			free(key);
			return -ENOMEM;
		}
		line = ex->given;
		len = ex->given_len;
	}
	p->line = strndup(line, len < LINE_KEEP ? len : LINE_KEEP);
	if (!p->line) {
		/* no problem ex->n after all: nor its note */
		if (ex->given_lineno == ex->lines)
			free(ex->notes[--ex->n_notes].english);
		free(key);
		return -ENOMEM;
	}
	p->count = 1;
	p->first_lineno = ex->lines;
	ex->keys[ex->n] = key;
	ex->hashes[ex->n] = h;
	ex->table[slot] = (int32_t)ex->n + 1;
	ex->last_of_entry[ei] = (ssize_t)ex->n;
	ex->n++;
	return m.entry->harmless ? 2 : 1;
}

size_t vfd_explain_count(const struct vfd_explain *ex)
{
	return ex ? ex->n : 0;
}

const struct vfd_problem *vfd_explain_problem(const struct vfd_explain *ex, size_t index)
{
	return ex && index < ex->n ? &ex->problems[index] : NULL;
}

void vfd_explain_stats(const struct vfd_explain *ex, uint64_t *lines, uint64_t *matched,
		       uint64_t *dropped)
{
	if (lines)
		*lines = ex->lines;
	if (matched)
		*matched = ex->matched;
	if (dropped)
		*dropped = ex->dropped;
}

const char *vfd_verdict_name(enum vfd_verdict_state state)
{
	switch (state) {
	case VFD_CAUSE_UNCHECKED:
		return "not checked";
	case VFD_CAUSE_UNKNOWN:
		return "unknown";
	case VFD_CAUSE_HOLDS:
		return "holds";
	case VFD_CAUSE_RULED_OUT:
		return "ruled out";
	}
	return "unknown";
}

/* --------------------------------------------------------- diagnosis */

/* one check report per device ("" for the host alone) */
struct report_cache {
	char device[16];
	struct vfd_report report;
	int err;
};

struct diag {
	struct vfd_host *host;
	struct report_cache *cache;
	size_t n, cap;
};

static struct report_cache *report_for(struct diag *d, const char *device)
{
	struct vfd_check_opts opts = { 0 };
	const char *devs[2] = { device, NULL };
	struct report_cache *c;

	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->cache[i].device, device) == 0)
			return &d->cache[i];
	if (array_reserve((void **)&d->cache, &d->cap, d->n, sizeof(*d->cache), 8) < 0)
		return NULL;
	c = &d->cache[d->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->device, sizeof(c->device), "%s", device);
	if (*device)
		opts.devices = devs;
	c->err = vfd_check_run(d->host, &opts, &c->report);
	return c;
}

/* the device a problem is about, on this host; "" when none */
static void pick_device(struct vfd_problem *p, struct vfd_host *host)
{
	const char *slot = vfd_kb_match_value(&p->match, VFD_KB_SLOT);
	const char *group = vfd_kb_match_value(&p->match, VFD_KB_GROUP);
	int64_t g;

	p->device[0] = '\0';
	if (slot) {
		if (vfd_host_find(host, slot))
			snprintf(p->device, sizeof(p->device), "%s", slot);
		else
			p->device_note = xasprintf("%s is not present on this host: a log from "
						   "another machine? (replay its snapshot with "
						   "--sysroot)", slot);
		return;
	}
	if (group && vfd_parse_s64(group, &g) == 0 && g >= 0 && g <= INT32_MAX) {
		struct vfd_group *grp = vfd_host_find_group(host, (int)g);

		/* the first endpoint of the group stands for it */
		for (size_t i = 0; grp && i < vfd_group_count_devices(grp); i++) {
			struct vfd_pcidev *dev = vfd_group_device(grp, i);

			if (!vfd_pcidev_is_bridge(dev)) {
				snprintf(p->device, sizeof(p->device), "%s", vfd_pcidev_get_slot(dev));
				return;
			}
		}
		p->device_note = xasprintf("IOMMU group %s has no endpoint on this host", group);
	}
}

enum tri { T_UNKNOWN, T_TRUE, T_FALSE };

/* the finding @id of the report; one of check's device findings only for @device */
static const struct vfd_finding *find_finding(const struct vfd_report *rep, const char *id,
					      const char *device)
{
	const struct vfd_finding_kind *kind = vfd_finding_kind_find(id);
	bool per_device = kind && (kind->flags & VFD_KIND_PER_DEVICE);

	for (size_t i = 0; i < rep->n; i++) {
		const struct vfd_finding *f = &rep->findings[i];

		if (strcmp(f->id, id) != 0)
			continue;
		if (per_device && (!*device || !f->device || strcmp(f->device, device) != 0))
			continue;
		return f;
	}
	return NULL;
}

static void quote_finding(struct strv_builder *ev, const struct vfd_finding *f)
{
	size_t n = 0;

	strv_addf(ev, "%s (%s): %s", f->id, vfd_status_name(f->status), f->summary);
	for (char **e = f->evidence; e && *e && n < EVIDENCE_LINES; e++, n++)
		strv_addf(ev, "  %s", *e);
}

/*
 * Some findings exist only when something is wrong (the catalogue's
 * VFD_KIND_WHEN_WRONG: device.boot-vga, device.siblings, the command-line
 * warnings). When the check that would report one ran and said nothing, its
 * condition is false, not unknown. A host check ran when its layer reported
 * anything and its skip finding, if it has one, is not a skip. The device
 * checks run together: when they reported anything for the device, a
 * per-device finding they did not report (VFD_KIND_PER_DEVICE) is taken as
 * false whatever its flags, as explain has always taken it.
 */
static bool check_ran(const struct vfd_report *rep, const char *id, const char *device)
{
	const struct vfd_finding_kind *kind = vfd_finding_kind_find(id);
	bool per_device, any = false;

	if (!kind)
		return false;
	per_device = kind->flags & VFD_KIND_PER_DEVICE;
	if (per_device ? !*device : !(kind->flags & VFD_KIND_WHEN_WRONG))
		return false;
	for (size_t i = 0; i < rep->n; i++) {
		const struct vfd_finding *f = &rep->findings[i];

		if (kind->skip_id && strcmp(f->id, kind->skip_id) == 0 && f->status == VFD_SKIP)
			return false;
		if (strcmp(f->layer, kind->layer) != 0)
			continue;
		if (!per_device)
			any = true;
		else if (f->device && strcmp(f->device, device) == 0)
			return true;
	}
	return any;
}

static enum tri eval_check(const struct vfd_kb_check *check, const struct vfd_report *rep,
			   const char *device, struct strv_builder *ev)
{
	enum tri result = T_TRUE;

	for (size_t i = 0; i < check->n; i++) {
		const struct vfd_kb_cond *c = &check->conds[i];
		const struct vfd_finding *f = find_finding(rep, c->finding, device);

		if (!f && check_ran(rep, c->finding, device)) {
			strv_addf(ev, "%s: not reported (the check found nothing to say)",
				  c->finding);
			result = T_FALSE;
			continue;
		}
		if (!f || f->status == VFD_SKIP) {
			if (result == T_TRUE)
				result = T_UNKNOWN;
			continue;
		}
		quote_finding(ev, f);
		if (!(c->statuses & (1u << f->status)))
			result = T_FALSE;
	}
	return result;
}

static int judge(struct vfd_problem *p, const struct vfd_report *rep)
{
	const struct vfd_kb_entry *e = p->entry;

	p->verdicts = calloc(e->n_causes ? e->n_causes : 1, sizeof(*p->verdicts));
	if (!p->verdicts)
		return -ENOMEM;
	for (size_t i = 0; i < e->n_causes; i++) {
		const struct vfd_kb_cause *c = &e->causes[i];
		struct strv_builder hold = { 0 }, against = { 0 };
		bool any_true = false, all_false = c->n_checks > 0;

		for (size_t k = 0; rep && k < c->n_checks; k++) {
			struct strv_builder ev = { 0 };
			enum tri t = eval_check(&c->checks[k], rep, p->device, &ev);
			char **lines = strv_take(&ev);

			if (t == T_TRUE && !any_true) {
				any_true = true;
				for (char **l = lines; l && *l; l++)
					strv_addf(&hold, "%s", *l);
			} else if (t != T_TRUE) {
				for (char **l = lines; l && *l; l++)
					strv_addf(&against, "%s", *l);
			}
			if (t != T_FALSE)
				all_false = false;
			vfd_strv_free(lines);
		}
		if (!rep)
			all_false = false;
		if (c->n_checks == 0)
			p->verdicts[i].state = VFD_CAUSE_UNCHECKED;
		else if (any_true)
			p->verdicts[i].state = VFD_CAUSE_HOLDS;
		else if (all_false)
			p->verdicts[i].state = VFD_CAUSE_RULED_OUT;
		else
			p->verdicts[i].state = VFD_CAUSE_UNKNOWN;
		p->verdicts[i].evidence = strv_take(any_true ? &hold : &against);
		strv_builder_clear(any_true ? &against : &hold);
		if (!p->verdicts[i].evidence)
			return -ENOMEM;
	}
	p->diagnosed = true;
	return 0;
}

int vfd_explain_diagnose(struct vfd_explain *ex, struct vfd_host *host)
{
	struct diag d = { .host = host };
	int r = 0;

	for (size_t i = 0; i < ex->n && r == 0; i++) {
		struct vfd_problem *p = &ex->problems[i];
		struct report_cache *c;

		if (p->entry->harmless)
			continue;
		verdicts_free(p);
		pick_device(p, host);
		/* a device this host does not have: the log is from elsewhere, judge nothing */
		if (vfd_kb_match_value(&p->match, VFD_KB_SLOT) && !p->device[0]) {
			r = judge(p, NULL);
			continue;
		}
		c = report_for(&d, p->device);
		if (!c) {
			r = -ENOMEM;
			break;
		}
		if (c->err == -ENOMEM) {
			r = -ENOMEM;
			break;
		}
		r = judge(p, c->err < 0 ? NULL : &c->report);
	}
	for (size_t i = 0; i < d.n; i++)
		vfd_report_clear(&d.cache[i].report);
	free(d.cache);
	return r;
}

bool vfd_explain_is_relevant(const char *text)
{
	/* not every PCI or KVM line: enumeration and kvm-clock lines would drown the rest */
	static const char *const words[] = {
		"vfio", "iommu", "dmar", "amd-vi", "ivrs", "remapping", "kvm:", "kvm_intel",
		"kvm_amd", "vgaarb", "pcieport", "aer:", "pcie bus error",
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcasestr(text, words[i]))
			return true;
	return false;
}
