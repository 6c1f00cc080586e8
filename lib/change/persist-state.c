// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The record of what persist set up, /etc/vfio-doctor/persist.state: one
 * entry a line, words separated by blanks, '#' comments.
 *   device SLOT address|id VVVV:DDDD MODULE,...|-
 *   file PATH created|existed HASH|-
 *   token PATH KEY +|- WORD
 * A device and how it is bound (with the host drivers that get a softdep); a
 * file persist manages, whether persist made it, and the FNV-1a 64 hash of
 * what persist left in it ("-" once someone else changed it); a command line
 * word or array element persist added (+) or removed (-) under KEY
 * (GRUB_CMDLINE_LINUX_DEFAULT, GRUB_CMDLINE_LINUX where grubby keeps the words,
 * MODULES, FILES, "options" for a systemd-boot entry, or "-" for
 * /etc/kernel/cmdline).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "persist.h"

void pstate_clear(struct pstate *s)
{
	for (size_t i = 0; i < s->ndevs; i++)
		vfd_strv_free(s->devs[i].mods);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	for (size_t i = 0; i < s->ntoks; i++) {
		free(s->toks[i].path);
		free(s->toks[i].key);
		free(s->toks[i].token);
	}
	free(s->devs);
	free(s->files);
	free(s->toks);
	memset(s, 0, sizeof(*s));
}

struct pdev *pstate_dev(struct pstate *s, const char *slot)
{
	for (size_t i = 0; i < s->ndevs; i++)
		if (strcmp(s->devs[i].slot, slot) == 0)
			return &s->devs[i];
	return NULL;
}

/* a new device entry (or the existing one for @slot, emptied) */
struct pdev *pstate_add_dev(struct pstate *s, const char *slot)
{
	struct pdev *d = pstate_dev(s, slot), *nd;

	if (d) {
		vfd_strv_free(d->mods);
		d->mods = NULL;
		return d;
	}
	nd = realloc(s->devs, (s->ndevs + 1) * sizeof(*nd));
	if (!nd) {
		s->oom = true;
		return NULL;
	}
	s->devs = nd;
	d = &s->devs[s->ndevs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->slot, sizeof(d->slot), "%s", slot);
	return d;
}

void pstate_drop_dev(struct pstate *s, size_t i)
{
	vfd_strv_free(s->devs[i].mods);
	memmove(&s->devs[i], &s->devs[i + 1], (s->ndevs - i - 1) * sizeof(*s->devs));
	s->ndevs--;
}

struct pfile *pstate_file(struct pstate *s, const char *path)
{
	for (size_t i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].path, path) == 0)
			return &s->files[i];
	return NULL;
}

void pstate_add_file(struct pstate *s, const char *path, bool created, bool hash_ok,
			   uint64_t hash)
{
	struct pfile *nf, *f = pstate_file(s, path);

	if (!f) {
		nf = realloc(s->files, (s->nfiles + 1) * sizeof(*nf));
		if (!nf) {
			s->oom = true;
			return;
		}
		s->files = nf;
		f = &s->files[s->nfiles];
		f->path = strdup(path);
		if (!f->path) {
			s->oom = true;
			return;
		}
		s->nfiles++;
	}
	f->created = created;
	f->hash_ok = hash_ok;
	f->hash = hash;
}

static bool pstate_has_token(const struct pstate *s, const char *path, const char *key,
			    const char *token, bool added)
{
	for (size_t i = 0; i < s->ntoks; i++) {
		const struct ptoken *t = &s->toks[i];

		if (t->added == added && strcmp(t->path, path) == 0 && strcmp(t->key, key) == 0 &&
		    strcmp(t->token, token) == 0)
			return true;
	}
	return false;
}

void pstate_add_token(struct pstate *s, const char *path, const char *key,
			    const char *token, bool added)
{
	struct ptoken *nt, *t;

	if (pstate_has_token(s, path, key, token, added))
		return;
	nt = realloc(s->toks, (s->ntoks + 1) * sizeof(*nt));
	if (!nt) {
		s->oom = true;
		return;
	}
	s->toks = nt;
	t = &s->toks[s->ntoks];
	t->path = strdup(path);
	t->key = strdup(key);
	t->token = strdup(token);
	t->added = added;
	if (!t->path || !t->key || !t->token) {
		free(t->path);
		free(t->key);
		free(t->token);
		s->oom = true;
		return;
	}
	s->ntoks++;
}

/* the tokens of (@path, @key) persist added (@added) or removed, a new list */
char **pstate_tokens(const struct pstate *s, const char *path, const char *key,
			   bool added)
{
	struct strv_builder b = { 0 };

	for (size_t i = 0; i < s->ntoks; i++) {
		const struct ptoken *t = &s->toks[i];

		if (t->added == added && strcmp(t->path, path) == 0 && strcmp(t->key, key) == 0)
			strv_addf(&b, "%s", t->token);
	}
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	return strv_take(&b);
}

void pstate_copy_tokens(struct pstate *to, const struct pstate *from, const char *path)
{
	for (size_t i = 0; i < from->ntoks; i++)
		if (strcmp(from->toks[i].path, path) == 0)
			pstate_add_token(to, path, from->toks[i].key, from->toks[i].token,
					from->toks[i].added);
}

/* the words of one line, split at blanks (the state never holds others) */
static char **line_words(const char *p, size_t n)
{
	struct strv_builder b = { 0 };

	for (size_t i = 0; i < n;) {
		size_t j;

		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r') {
			i++;
			continue;
		}
		for (j = i; j < n && p[j] != ' ' && p[j] != '\t' && p[j] != '\r'; j++)
			;
		strv_addf(&b, "%.*s", (int)(j - i), p + i);
		i = j;
	}
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	return strv_take(&b);
}

/* the relative path of a state entry ("/etc/x" there, "etc/x" here) */
static const char *pstate_path(const char *w)
{
	return *w == '/' ? w + 1 : w;
}

static int pstate_parse_line(struct pstate *s, char **w, size_t n)
{
	if (strcmp(w[0], "device") == 0 && n == 5) {
		struct vfd_bdf bdf;
		unsigned int v, d;
		char slot[16], tail;
		struct pdev *p;

		if (vfd_bdf_parse(w[1], &bdf) < 0 ||
		    (strcmp(w[2], "address") != 0 && strcmp(w[2], "id") != 0) ||
		    sscanf(w[3], "%4x:%4x%c", &v, &d, &tail) != 2)
			return -EINVAL;
		vfd_bdf_format(&bdf, slot, sizeof(slot));
		p = pstate_add_dev(s, slot);
		if (!p)
			return -ENOMEM;
		p->by_id = strcmp(w[2], "id") == 0;
		p->vendor = (uint16_t)v;
		p->device = (uint16_t)d;
		if (strcmp(w[4], "-") != 0) {
			struct strv_builder b = { 0 };

			for (char *m = w[4], *c; m && *m; m = c ? c + 1 : NULL) {
				c = strchr(m, ',');
				if (c)
					*c = '\0';
				if (*m)
					strv_addf(&b, "%s", m);
			}
			if (b.oom) {
				strv_builder_clear(&b);
				return -ENOMEM;
			}
			p->mods = strv_take(&b);
		}
		return 0;
	}
	if (strcmp(w[0], "file") == 0 && n == 4) {
		uint64_t h = 0;
		bool ok = strcmp(w[3], "-") != 0;
		char *end = NULL;

		if (strcmp(w[2], "created") != 0 && strcmp(w[2], "existed") != 0)
			return -EINVAL;
		if (ok) {
			h = strtoull(w[3], &end, 16);
			if (!end || *end || strlen(w[3]) != 16)
				return -EINVAL;
		}
		pstate_add_file(s, pstate_path(w[1]), strcmp(w[2], "created") == 0, ok, h);
		return s->oom ? -ENOMEM : 0;
	}
	if (strcmp(w[0], "token") == 0 && n == 5) {
		if (strcmp(w[3], "+") != 0 && strcmp(w[3], "-") != 0)
			return -EINVAL;
		pstate_add_token(s, pstate_path(w[1]), w[2], w[4], strcmp(w[3], "+") == 0);
		return s->oom ? -ENOMEM : 0;
	}
	return -EINVAL;
}

/* the state file; -EINVAL with @line for a line it does not understand */
int pstate_parse(const char *text, size_t len, struct pstate *s, unsigned int *line)
{
	unsigned int ln = 0;

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		char **w = line_words(text + pos, end - pos);
		size_t n = vfd_strv_len(w);
		int r = 0;

		ln++;
		if (!w)
			return -ENOMEM;
		/* the tool never writes a NUL: a word cut at one would come back different */
		if (memchr(text + pos, '\0', end - pos)) {
			vfd_strv_free(w);
			*line = ln;
			return -EINVAL;
		}
		if (n && w[0][0] != '#')
			r = pstate_parse_line(s, w, n);
		vfd_strv_free(w);
		if (r < 0) {
			*line = ln;
			return r;
		}
		pos = nl ? end + 1 : len;
	}
	return 0;
}

char *pstate_render(const struct pstate *s)
{
	struct tbuf b = { 0 };

	tbuf_adds(&b, "# What 'vfio-doctor persist' set up, read by its next run and by --undo.\n"
		      "# Written by the tool: do not edit. 'vfio-doctor persist --undo' removes "
		      "it all.\n");
	for (size_t i = 0; i < s->ndevs; i++) {
		const struct pdev *d = &s->devs[i];

		tbuf_addf(&b, "device %s %s %04x:%04x ", d->slot, d->by_id ? "id" : "address",
			  d->vendor, d->device);
		if (!d->mods || !d->mods[0])
			tbuf_adds(&b, "-");
		for (char **m = d->mods; m && *m; m++)
			tbuf_addf(&b, "%s%s", m == d->mods ? "" : ",", *m);
		tbuf_adds(&b, "\n");
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct pfile *f = &s->files[i];

		if (f->hash_ok)
			tbuf_addf(&b, "file /%s %s %016" PRIx64 "\n", f->path,
				  f->created ? "created" : "existed", f->hash);
		else
			tbuf_addf(&b, "file /%s %s -\n", f->path, f->created ? "created" : "existed");
	}
	for (size_t i = 0; i < s->ntoks; i++)
		tbuf_addf(&b, "token /%s %s %c %s\n", s->toks[i].path, s->toks[i].key,
			  s->toks[i].added ? '+' : '-', s->toks[i].token);
	return tbuf_take(&b, NULL);
}
