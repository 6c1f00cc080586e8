// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The knowledge base's file format (data/kb/00-header.kb documents it):
 * stanzas of 'key: value' lines, one entry each, parsed into a struct vfd_kb
 * whose patterns are compiled (kb-pattern.c) and whose words go into one
 * prefilter (kb-prefilter.c); the entries' accessors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "explain-unknown.h"
#include "kb-cache.h"
#include "kb-internal.h"
#include "kb-prefilter.h"

/*
 * a KB file larger than this is refused: a bound on what a hostile file may
 * cost; the built-in one is 1.3 MB since the catalogue grew, and one several
 * times larger (bench/explain-speed's five-fold) must still load
 */
#define KB_MAX_SIZE	(16u << 20)
#define KB_LINE_MAX	4096		/* longest line of a KB file */

/* the file generated from data/kb/NN-NAME.kb by tools/kb-embed.c */
extern const char vfd_kb_builtin_data[];
extern const size_t vfd_kb_builtin_size;

/* -------------------------------------------------- the prefilter */

/*
 * the words of pattern @i, just compiled with its words in @words (room for
 * three more bytes), into the prefilter; they are not kept otherwise (a
 * malloc and a free a pattern)
 */
static int prefilter_add(struct vfd_kb *kb, size_t i, char *words)
{
	const struct kb_pattern *p = &kb->patterns[i];

	if (!kb->prefilter)
		kb->prefilter = kb_prefilter_new();
	if (!kb->prefilter)
		return -ENOMEM;
	if (p->lead_len != 2)
		return kb_prefilter_add_pattern(kb->prefilter, i, words, p->n_words);
	/*
	 * a lead of two bytes ("xe %slot%:%any%no table") is no word, but a
	 * match holds it all the same: required too, it keeps the VM off
	 * every line that holds the pattern's one common word
	 */
	memcpy(words + p->keyword_len, p->lead, 2);
	words[p->keyword_len + 2] = '\0';
	return kb_prefilter_add_pattern(kb->prefilter, i, words, p->n_words + 1);
}

/* the classifier's words after the patterns', and the prefilter's tables */
static int prefilter_build(struct vfd_kb *kb)
{
	size_t n_unknown = 0;
	const char *const *unknown = vfd_unknown_words(&n_unknown);
	int r = 0;

	if (!kb->prefilter)
		return -EINVAL;	/* no entries, reported before */
	for (size_t i = 0; i < n_unknown && r >= 0; i++)
		r = kb_prefilter_add_hint(kb->prefilter, unknown[i], vfd_unknown_word_bit(i),
					  vfd_unknown_word_gates(i));
	return r < 0 ? r : kb_prefilter_build(kb->prefilter);
}

/* -------------------------------------------------------- the parser */

/* the keys of a stanza, told apart once as a field is read (was a strcmp() chain per field) */
enum key {
	K_OTHER, K_MATCH, K_ID, K_FORMAT, K_LAYER, K_TITLE, K_MEANING, K_SOURCE, K_FIX, K_KIND,
	K_HARMLESS, K_WRAPPER, K_FAMILY, K_BROAD, K_VERSIONS, K_CAUSE, K_CHECK, K_VERIFY,
};

static const char *const key_names[] = {
	[K_MATCH] = "match", [K_ID] = "id", [K_FORMAT] = "format", [K_LAYER] = "layer",
	[K_TITLE] = "title", [K_MEANING] = "meaning", [K_SOURCE] = "source", [K_FIX] = "fix",
	[K_KIND] = "kind", [K_HARMLESS] = "harmless", [K_WRAPPER] = "wrapper",
	[K_FAMILY] = "family", [K_BROAD] = "broad", [K_VERSIONS] = "versions",
	[K_CAUSE] = "cause", [K_CHECK] = "check", [K_VERIFY] = "verify",
};

/*
 * the keys by their length (2 ... 8), then by their first byte: most fields
 * are "match", the first of its length (a try of every key, each with a
 * memcmp() call, cost more)
 */
static const uint8_t keys_of_len[9][6] = {
	[2] = { K_ID }, [3] = { K_FIX }, [4] = { K_KIND },
	[5] = { K_MATCH, K_LAYER, K_TITLE, K_BROAD, K_CAUSE, K_CHECK },
	[6] = { K_FORMAT, K_SOURCE, K_FAMILY, K_VERIFY },
	[7] = { K_MEANING, K_WRAPPER }, [8] = { K_HARMLESS, K_VERSIONS },
};

static enum key key_of(const char *key, size_t len)
{
	if (len >= ARRAY_SIZE(keys_of_len))
		return K_OTHER;
	for (size_t i = 0; i < ARRAY_SIZE(keys_of_len[0]) && keys_of_len[len][i]; i++) {
		const char *name = key_names[keys_of_len[len][i]];
		size_t j = 0;

		while (j < len && name[j] == key[j])
			j++;
		if (j == len)
			return (enum key)keys_of_len[len][i];
	}
	return K_OTHER;
}

struct field {
	char key[16];
	uint8_t kind;		/* enum key */
	char *value;
	unsigned int line;
};

struct stanza {
	struct field *f;
	size_t n, cap;
};

/* the values stay in the knowledge base's text, taken or not */
static void stanza_clear(struct stanza *s)
{
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
static int parse_check(struct vfd_kb_cause *cause, const char *text, struct vfd_parse_error *err,
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
			vfd_parse_error_set(err, line, "check '%s': expected FINDING=STATUS[,STATUS]", tok);
			r = -EINVAL;
			break;
		}
		*eq = '\0';
		if (!valid_id(tok)) {
			vfd_parse_error_set(err, line, "check: '%s' is not a finding id (layer.name)", tok);
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
				vfd_parse_error_set(err, line, "check: unknown status '%s' (expected ok, info, "
					  "warn, fail or skip)", st);
				r = -EINVAL;
				break;
			}
			cond->statuses |= 1u << k;
		}
		if (r == 0 && !cond->statuses) {
			vfd_parse_error_set(err, line, "check: no status after '%s='", tok);
			r = -EINVAL;
		}
	}
	if (r == 0 && check->n == 0) {
		vfd_parse_error_set(err, line, "check: no condition");
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
static int set_kind(struct vfd_kb_entry *e, const struct field *f, struct vfd_parse_error *err)
{
	size_t k;

	if (e->kind) {
		vfd_parse_error_set(err, f->line, "'kind' given twice in one entry");
		return -EINVAL;
	}
	for (k = 0; vfd_kb_kinds[k]; k++)
		if (strcmp(f->value, vfd_kb_kinds[k]) == 0)
			break;
	if (!vfd_kb_kinds[k]) {
		vfd_parse_error_set(err, f->line, "kind '%.40s': expected one of iommu-off, irq-remap, "
			  "group-viability, device-busy, binding, module, reset, rom, bar-resource, "
			  "dma-mapping, permission, firmware-bug, config, guest-driver, harmless",
			  f->value);
		return -EINVAL;
	}
	e->kind = vfd_kb_kinds[k];
	return 0;
}

/*
 * the value of field @f, for the entry: it lies in the knowledge base's own
 * copy of the file (kb->text), ended in place (a copy of every value was a
 * malloc, a copy and a free each, a tenth of a large knowledge base's
 * start-up; then a text arena, a second copy of most of the file)
 */
static char *take_value(struct field *f)
{
	char *v = f->value;

	f->value = NULL;
	return v;
}

/*
 * @s at the end of the NULL-terminated list *@v of *@n texts (strv_append()
 * would free @s on failure: kb->text's)
 */
static int list_append(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static int set_once(char **field, struct field *f, struct vfd_parse_error *err)
{
	if (*field) {
		vfd_parse_error_set(err, f->line, "'%s' given twice in one entry", f->key);
		return -EINVAL;
	}
	*field = take_value(f);
	return 0;
}

/* @e's own allocations; its texts are kb->text's (freed with the knowledge base) */
static void entry_clear(struct vfd_kb_entry *e)
{
	free(e->sources);
	free(e->patterns);
	for (size_t i = 0; i < e->n_causes; i++) {
		struct vfd_kb_cause *c = &e->causes[i];

		for (size_t k = 0; k < c->n_checks; k++) {
			for (size_t j = 0; j < c->checks[k].n; j++)
				free(c->checks[k].conds[j].finding);
			free(c->checks[k].conds);
		}
		free(c->checks);
	}
	free(e->causes);
	free(e->fixes);
	memset(e, 0, sizeof(*e));
}

static int add_pattern(struct vfd_kb *kb, struct vfd_kb_entry *e, struct field *f,
		       struct vfd_parse_error *err)
{
	struct vfd_kb_pattern_text *np;
	struct kb_pattern *p;
	char words[PATTERN_MAX + 4];
	int r;

	if (array_reserve_raw((void **)&kb->patterns, &kb->cap_patterns, kb->n_patterns, sizeof(*p), 8) < 0)
		return -ENOMEM;
	p = &kb->patterns[kb->n_patterns];
	memset(p, 0, sizeof(*p));
	p->entry = (uint32_t)kb->n_entries;
	p->index = (uint32_t)e->n_patterns;
	r = kb_pattern_compile(p, f->value, words, err, f->line);
	if (r < 0) {
		free(p->prog);
		memset(p, 0, sizeof(*p));
		return r;
	}
	/* room for every 'match:' of the stanza was made by build_entry() */
	np = e->patterns;
	np[e->n_patterns].versions = NULL;
	np[e->n_patterns].text = take_value(f);
	e->n_patterns++;
	kb->n_patterns++;
	if (p->n_prog > kb->max_prog)
		kb->max_prog = p->n_prog;
	return prefilter_add(kb, kb->n_patterns - 1, words);
}

/* the slot of @id in kb->id_index: its own, or the empty one to take */
static size_t id_slot(const struct vfd_kb *kb, const char *id)
{
	size_t mask = kb->id_index_size - 1, i = fnv1a_str(id) & mask;

	while (kb->id_index[i] && strcmp(kb->entries[kb->id_index[i] - 1].id, id) != 0)
		i = (i + 1) & mask;
	return i;
}

/*
 * index the id of the last entry, so that a knowledge base of thousands of
 * entries is not checked for a repeated id by comparing every pair
 */
static int index_id(struct vfd_kb *kb)
{
	if (2 * kb->n_entries > kb->id_index_size) {
		size_t size = kb->id_index_size ? 2 * kb->id_index_size : 1024;
		uint32_t *index = calloc(size, sizeof(*index));

		if (!index)
			return -ENOMEM;
		free(kb->id_index);
		kb->id_index = index;
		kb->id_index_size = size;
		for (size_t k = 0; k + 1 < kb->n_entries; k++)
			kb->id_index[id_slot(kb, kb->entries[k].id)] = (uint32_t)k + 1;
	}
	kb->id_index[id_slot(kb, kb->entries[kb->n_entries - 1].id)] = (uint32_t)kb->n_entries;
	return 0;
}

static int build_entry(struct vfd_kb *kb, struct stanza *s, struct vfd_parse_error *err)
{
	struct vfd_kb_entry e = { 0 };
	size_t first_pattern = kb->n_patterns, n_match = 0;
	int r = 0;

	/*
	 * the entry's patterns in one allocation: one realloc() a pattern was
	 * a twentieth of explain's start-up (bench/RESULTS-explain.md, round 16)
	 */
	for (size_t i = 0; i < s->n; i++)
		n_match += s->f[i].kind == K_MATCH;
	if (n_match) {
		e.patterns = malloc(n_match * sizeof(*e.patterns));
		if (!e.patterns)
			r = -ENOMEM;
	}
	for (size_t i = 0; i < s->n && r == 0; i++) {
		struct field *f = &s->f[i];
		struct vfd_kb_cause *last = e.n_causes ? &e.causes[e.n_causes - 1] : NULL;

		if (i == 0 && f->kind != K_ID) {
			vfd_parse_error_set(err, f->line, "an entry must start with 'id:' (found '%s:')",
				  f->key);
			r = -EINVAL;
		} else if (f->kind == K_MATCH) {
			/* first: most of a knowledge base's lines */
			r = add_pattern(kb, &e, f, err);
		} else if (f->kind == K_ID) {
			if (!valid_id(f->value)) {
				vfd_parse_error_set(err, f->line, "id '%s': expected lower-case words joined "
					  "by dots, e.g. kernel.probe-failed", f->value);
				r = -EINVAL;
			} else {
				r = set_once(&e.id, f, err);
			}
			if (r == 0 && vfd_kb_find(kb, e.id)) {
				vfd_parse_error_set(err, f->line, "id '%s' used twice", e.id);
				r = -EINVAL;
			}
		} else if (f->kind == K_LAYER) {
			size_t k;

			for (k = 0; k < ARRAY_SIZE(layers); k++)
				if (strcmp(f->value, layers[k]) == 0)
					break;
			if (k == ARRAY_SIZE(layers)) {
				vfd_parse_error_set(err, f->line, "layer '%.40s': expected kernel, qemu, libvirt, "
					  "sysfs, guest, distro, xen, dpdk, crosvm, cloud-hypervisor or "
					  "initramfs", f->value);
				r = -EINVAL;
			} else {
				r = set_once(&e.layer, f, err);
			}
		} else if (f->kind == K_TITLE) {
			r = set_once(&e.title, f, err);
		} else if (f->kind == K_MEANING) {
			r = set_once(&e.meaning, f, err);
		} else if (f->kind == K_SOURCE) {
			r = list_append(&e.sources, &e.n_sources, take_value(f));
		} else if (f->kind == K_FIX) {
			r = list_append(&e.fixes, &e.n_fixes, take_value(f));
		} else if (f->kind == K_KIND) {
			r = set_kind(&e, f, err);
		} else if (f->kind == K_HARMLESS || f->kind == K_WRAPPER || f->kind == K_FAMILY ||
			   f->kind == K_BROAD) {
			bool *flag = f->key[0] == 'h' ? &e.harmless : f->key[0] == 'w' ? &e.wrapper
				   : f->key[0] == 'b' ? &e.broad : &e.family;

			if (!yes_no(f->value, flag)) {
				vfd_parse_error_set(err, f->line, "%s: expected yes or no", f->key);
				r = -EINVAL;
			}
		} else if (f->kind == K_VERSIONS) {
			if (!e.n_patterns || e.patterns[e.n_patterns - 1].versions) {
				vfd_parse_error_set(err, f->line, "'versions:' must follow its 'match:' line");
				r = -EINVAL;
			} else {
				e.patterns[e.n_patterns - 1].versions = take_value(f);
			}
		} else if (f->kind == K_CAUSE) {
			struct vfd_kb_cause *nc = realloc(e.causes, (e.n_causes + 1) * sizeof(*nc));

			if (!nc) {
				r = -ENOMEM;
			} else {
				e.causes = nc;
				memset(&nc[e.n_causes], 0, sizeof(*nc));
				nc[e.n_causes++].text = take_value(f);
			}
		} else if (f->kind == K_CHECK || f->kind == K_VERIFY) {
			if (!last) {
				vfd_parse_error_set(err, f->line, "'%s:' must follow its 'cause:' line", f->key);
				r = -EINVAL;
			} else if (f->key[0] == 'c') {
				r = parse_check(last, f->value, err, f->line);
			} else if (last->verify) {
				vfd_parse_error_set(err, f->line, "one 'verify:' per cause");
				r = -EINVAL;
			} else {
				last->verify = take_value(f);
			}
		} else {
			vfd_parse_error_set(err, f->line, "unknown key '%s'", f->key);
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
			vfd_parse_error_set(err, s->f[0].line, "entry '%s' has no '%s:'", e.id, missing);
			r = -EINVAL;
		} else if (e.harmless != (strcmp(e.kind, "harmless") == 0)) {
			vfd_parse_error_set(err, s->f[0].line, "entry '%s': 'harmless: yes' and 'kind: "
				  "harmless' go together", e.id);
			r = -EINVAL;
		} else if (e.family && e.harmless) {
			/* a family covers messages not known one by one: never an all-clear */
			vfd_parse_error_set(err, s->f[0].line, "entry '%s': a family entry cannot be "
				  "harmless", e.id);
			r = -EINVAL;
		} else if (e.broad && !e.family) {
			vfd_parse_error_set(err, s->f[0].line, "entry '%s': 'broad: yes' needs "
				  "'family: yes'", e.id);
			r = -EINVAL;
		} else if (e.wrapper && e.family) {
			vfd_parse_error_set(err, s->f[0].line, "entry '%s' is both a wrapper and a family",
				  e.id);
			r = -EINVAL;
		}
	}
	if (r == 0)
		r = array_reserve_raw((void **)&kb->entries, &kb->cap_entries, kb->n_entries, sizeof(e), 8);
	if (r < 0) {
		/* drop the patterns this entry compiled */
		for (size_t i = first_pattern; i < kb->n_patterns; i++)
			free(kb->patterns[i].prog);
		kb->n_patterns = first_pattern;
		entry_clear(&e);
		return r;
	}
	kb->entries[kb->n_entries++] = e;
	return index_id(kb);
}

/* the first stanza may be "format: 1" alone */
static int header_stanza(struct stanza *s, struct vfd_parse_error *err)
{
	if (s->n != 1 || strcmp(s->f[0].value, "1") != 0) {
		vfd_parse_error_set(err, s->f[0].line, "format '%s' is not known to this vfio-doctor "
			  "(expected 'format: 1' alone in the first stanza)", s->f[0].value);
		return -EINVAL;
	}
	return 0;
}

static int end_stanza(struct vfd_kb *kb, struct stanza *s, bool *first, struct vfd_parse_error *err)
{
	int r = 0;

	if (s->n == 0)
		return 0;
	if (s->f[0].kind == K_FORMAT) {
		if (*first)
			r = header_stanza(s, err);
		else {
			vfd_parse_error_set(err, s->f[0].line, "'format:' belongs in the first stanza");
			r = -EINVAL;
		}
	} else {
		r = build_entry(kb, s, err);
	}
	*first = false;
	stanza_clear(s);
	return r;
}

/*
 * a 'key: value' line (@len bytes, without its line end) of the text,
 * which is writable: the value is ended in place at @line[@len] (the line's
 * '\r', '\n', or the NUL after the text)
 */
static int add_field(struct stanza *s, char *line, size_t len, unsigned int lineno,
		     struct vfd_parse_error *err)
{
	const char *colon;
	size_t klen = 0;
	char *v;
	struct field *f;

	/*
	 * the key's bytes up to its ':' in one walk (a memchr() call, then a
	 * walk, a field); anything else is told apart as it was
	 */
	while (klen < sizeof(f->key) && klen < len &&
	       ((line[klen] >= 'a' && line[klen] <= 'z') || line[klen] == '-'))
		klen++;
	if (klen == 0 || klen == sizeof(f->key) || klen == len || line[klen] != ':') {
		colon = memchr(line, ':', len);
		klen = colon ? (size_t)(colon - line) : 0;
		if (!colon || klen == 0 || klen >= sizeof(f->key)) {
			vfd_parse_error_set(err, lineno, "expected 'key: value'");
			return -EINVAL;
		}
		vfd_parse_error_set(err, lineno, "expected 'key: value' with a lower-case key");
		return -EINVAL;
	}
	v = line + klen + 1;
	while (v < line + len && (*v == ' ' || *v == '\t'))
		v++;
	if (v == line + len) {
		vfd_parse_error_set(err, lineno, "'%.*s:' has no value", (int)klen, line);
		return -EINVAL;
	}
	/* a call a field was a fiftieth of the parse: only to grow */
	if (s->n == s->cap && array_reserve((void **)&s->f, &s->cap, s->n, sizeof(*f), 8) < 0)
		return -ENOMEM;
	f = &s->f[s->n];
	memcpy(f->key, line, klen);
	f->key[klen] = '\0';
	f->kind = (uint8_t)key_of(line, klen);
	line[len] = '\0';
	f->value = v;
	f->line = lineno;
	s->n++;
	return 0;
}

/*
 * a continuation that starts with a cause's "check:" or "verify:" was meant as
 * that key: read as text, its check would silently never run
 */
static bool indented_key(const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	enum key k;

	if (!colon || colon == line)
		return false;
	k = key_of(line, (size_t)(colon - line));
	return k == K_CHECK || k == K_VERIFY;	/* prose may wrap before "cause:" */
}

/*
 * a line that starts with a blank continues the previous value: it is moved
 * to follow the value after a blank, in place (the value ends at or before
 * the line end before this line, so it moves back by two bytes or more)
 */
static int continue_field(struct stanza *s, char *line, size_t len, unsigned int lineno,
			  struct vfd_parse_error *err)
{
	struct field *f;
	char *end;

	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (s->n == 0) {
		vfd_parse_error_set(err, lineno, "continuation line without a 'key: value' before it");
		return -EINVAL;
	}
	f = &s->f[s->n - 1];
	if (f->kind == K_MATCH) {
		vfd_parse_error_set(err, lineno, "a pattern must fit on its 'match:' line");
		return -EINVAL;
	}
	if (indented_key(line, len)) {
		vfd_parse_error_set(err, lineno, "an indented '%.*s' would continue the value before it: "
				    "keys start at the beginning of the line",
				    (int)(strchr(line, ':') - line + 1), line);
		return -EINVAL;
	}
	end = f->value + strlen(f->value);
	*end = ' ';
	memmove(end + 1, line, len);
	end[1 + len] = '\0';
	return 0;
}

static int kb_alloc_scratch(struct vfd_kb *kb)
{
	size_t n = kb->max_prog + 1;

	kb->cands = malloc((kb->n_patterns + 1) * sizeof(*kb->cands));
	kb->cand_keys = malloc((kb->n_patterns + 1) * sizeof(*kb->cand_keys));
	kb->tl[0] = malloc(n * sizeof(struct thread));
	kb->tl[1] = malloc(n * sizeof(struct thread));
	kb->mark = calloc(n, sizeof(*kb->mark));
	kb->choices = malloc(KB_CHOICES * sizeof(*kb->choices));
	if (!kb->cands || !kb->cand_keys || !kb->tl[0] || !kb->tl[1] || !kb->mark || !kb->choices)
		return -ENOMEM;
	for (int c = 0; c < 256; c++) {
		kb->class_of[c] = 0;
		for (int k = C_BLANK; k <= C_LAST; k++)
			if (in_class((enum cls)k, (unsigned char)c))
				kb->class_of[c] |= (uint16_t)(1u << k);
	}
	return 0;
}


/* a text the knowledge base took: malloc()ed, or a mapping of @map_len bytes */
static void text_release(char *text, size_t map_len)
{
	if (map_len)
		munmap(text, map_len);
	else
		free(text);
}

/*
 * the knowledge base of @buf, @len bytes of text and one more (writable: the
 * values are ended in place), which it takes; the checks of
 * vfd_kb_parse() done
 */
static int parse_text(char *buf, size_t len, size_t map_len, struct vfd_kb **out,
		      struct vfd_parse_error *err)
{
	struct vfd_kb *kb;
	struct stanza s = { 0 };
	char *p = buf, *end = buf + len;
	const char *nul;
	unsigned int lineno = 0;
	bool first = true;
	int r = 0;

	kb = calloc(1, sizeof(*kb));
	if (!kb) {
		text_release(buf, map_len);
		return -ENOMEM;
	}
	kb->text = buf;
	kb->text_map_len = map_len;
	/* the first NUL, if any: its line is refused (one search, not one a line) */
	nul = len ? memchr(buf, '\0', len) : NULL;
	while (p < end && r == 0) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;
		size_t ll = (size_t)(eol - p);
		bool blank = true;

		lineno++;
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (ll > KB_LINE_MAX) {
			vfd_parse_error_set(err, lineno, "line longer than %d characters", KB_LINE_MAX);
			r = -EINVAL;
			break;
		}
		if (nul && nul < p + ll) {
			vfd_parse_error_set(err, lineno, "NUL byte in the file");
			r = -EINVAL;
			break;
		}
		/* up to the first byte that is not a blank */
		for (size_t i = 0; i < ll && blank; i++)
			blank = p[i] == ' ' || p[i] == '\t';
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
		vfd_parse_error_set(err, lineno, "no entries");
		r = -EINVAL;
	}
	if (r == 0) {
		r = prefilter_build(kb);
		if (r == -E2BIG) {
			vfd_parse_error_set(err, 0, "too many patterns for the prefilter");
			r = -EINVAL;
		}
	}
	if (r == 0)
		r = kb_alloc_scratch(kb);
	if (r < 0) {
		if (r == -ENOMEM && err && !err->message[0])
			vfd_parse_error_set(err, lineno, "out of memory");
		vfd_kb_free(kb);
		return r;
	}
	*out = kb;
	return 0;
}

/* the checks of both entry points; 0 to go on */
static int parse_start(const char *buf, size_t len, struct vfd_kb **out,
		       struct vfd_parse_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	*out = NULL;
	if (!buf && len)
		return -EINVAL;
	if (len > KB_MAX_SIZE) {
		vfd_parse_error_set(err, 0, "larger than %u bytes", KB_MAX_SIZE);
		return -EFBIG;
	}
	return 0;
}

int vfd_kb_parse(const char *buf, size_t len, struct vfd_kb **out, struct vfd_parse_error *err)
{
	int r = parse_start(buf, len, out, err);
	char *copy;

	if (r < 0)
		return r;
	/* one copy of the text, where each value was one (kb->text) */
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, buf, len);
	copy[len] = '\0';
	return parse_text(copy, len, 0, out, err);
}

int vfd_kb_parse_take(char *buf, size_t len, struct vfd_kb **out, struct vfd_parse_error *err)
{
	int r = parse_start(buf ? buf : "", len, out, err);

	if (r < 0 || !buf) {
		free(buf);
		return r < 0 ? r : -EINVAL;
	}
	return parse_text(buf, len, 0, out, err);
}

int vfd_kb_parse_take_mapped(char *map, size_t len, size_t map_len, struct vfd_kb **out,
			     struct vfd_parse_error *err)
{
	int r = parse_start(map ? map : "", len, out, err);

	if (!map || map_len <= len) {
		if (map && map_len)
			munmap(map, map_len);
		return r < 0 ? r : -EINVAL;
	}
	if (r < 0) {
		munmap(map, map_len);
		return r;
	}
	return parse_text(map, len, map_len, out, err);
}

const char *vfd_kb_builtin_text(size_t *len)
{
	if (len)
		*len = vfd_kb_builtin_size;
	return vfd_kb_builtin_data;
}

int vfd_kb_new_builtin(struct vfd_kb **out, struct vfd_parse_error *err)
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
	text_release(kb->text, kb->text_map_len);
	free(kb->id_index);
	for (size_t i = 0; i < kb->n_patterns; i++) {
		free(kb->patterns[i].prog);
		free(kb->patterns[i].stamp_next);
	}
	free(kb->patterns);
	kb_prefilter_free(kb->prefilter);
	kb_cache_free(kb->cache);
	if (kb->cut_index)
		kb->cut_index_free(kb->cut_index);
	free(kb->join_grams);
	free(kb->cands);
	free(kb->cand_keys);
	free(kb->tl[0]);
	free(kb->tl[1]);
	free(kb->mark);
	free(kb->choices);
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
	size_t slot;

	if (!kb || !id || !kb->id_index)
		return NULL;
	slot = id_slot(kb, id);
	return kb->id_index[slot] ? &kb->entries[kb->id_index[slot] - 1] : NULL;
}

size_t vfd_kb_entry_index(const struct vfd_kb *kb, const struct vfd_kb_entry *entry)
{
	return (size_t)(entry - kb->entries);
}
