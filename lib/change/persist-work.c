// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The work of one persist plan, below every other part of it: its problems,
 * the files it reads, the end of each file's decision (settle: the change,
 * the backup, what the record says of the file), the token records, and the
 * small lists the steps share. The files a decision is about are described
 * by the table's struct persist_file, handed in by the caller, so that this
 * layer needs nothing above it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist-plan.h"

const char *const persist_vfio_modules[] = { "vfio", "vfio_iommu_type1", "vfio_pci", NULL };

int persist_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void persist_strv_add_unique(char ***v, const char *s)
{
	for (char **x = *v; x && *x; x++)
		if (strcmp(*x, s) == 0)
			return;
	strv_append(v, strdup(s));
}

struct vfd_finding *persist_problem(struct work *w, const char *id, enum vfd_status status,
				    const char *device, const char *fmt, ...)
{
	struct vfd_finding *f;
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	if (!text)
		return NULL;
	f = report_add(&w->plan->problems, id, "persist", status, device, "%s", text);
	free(text);
	return f;
}

void persist_visit(struct work *w, const char *path)
{
	strv_addf(&w->visited, "%s", path);
	if (w->visited.oom)
		w->err = -ENOMEM;
}

bool persist_visited(const struct work *w, const char *path)
{
	for (size_t i = 0; i < w->visited.n; i++)
		if (strcmp(w->visited.v[i], path) == 0)
			return true;
	return false;
}

char *persist_bak_path(const char *path)
{
	return xasprintf("%s" BAK_SUFFIX, path);
}

int persist_read(struct vfd_root *root, const char *path, char **text, size_t *len,
		 unsigned int *mode)
{
	struct stat st;
	int r;

	*text = NULL;
	*len = 0;
	r = vfd_root_read_filef(root, MAX_FILE + 1, text, len, "%s", path);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (*len > MAX_FILE) {
		free(*text);
		*text = NULL;
		return -EFBIG;
	}
	if (mode) {
		*mode = 0644;
		if (vfd_root_statf(root, &st, "%s", path) == 0)
			*mode = st.st_mode & 07777;
	}
	return 1;
}

static bool only_blank(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", t[i]) || !t[i])
			return false;
	return true;
}

void persist_problem_edit(struct work *w, const char *path, const struct vfd_parse_error *e, int r)
{
	struct vfd_finding *f;

	if (r == -ENOMEM) {
		w->err = r;
		return;
	}
	if (r == -EINVAL && e->line)
		f = persist_problem(w, "persist.unparsable", VFD_FAIL, NULL,
				    "/%s: line %u: %s; the file is left untouched", path,
				    e->line, e->message);
	else if (r == -EINVAL)
		f = persist_problem(w, "persist.unparsable", VFD_FAIL, NULL,
				    "/%s: %s; the file is left untouched", path, e->message);
	else
		f = persist_problem(w, "persist.unreadable", VFD_FAIL, NULL,
				    "cannot read '/%s': %s; the file is left untouched",
				    path, strerror(-r));
	if (f)
		finding_fix(f, "fix the file (or make the change shown below by hand), then run "
			       "vfio-doctor persist again");
}

int persist_add_change(struct work *w, const struct persist_file *f, const char *path, char *old,
		       size_t oldlen, bool existed, char *new, size_t newlen, unsigned int mode,
		       bool backup, bool drop_backup, const char *why)
{
	struct vfd_persist_plan *p = w->plan;
	struct vfd_file_change *nc = realloc(p->changes, (p->nchanges + 1) * sizeof(*nc)), *c;

	if (!nc)
		return -ENOMEM;
	p->changes = nc;
	c = &p->changes[p->nchanges];
	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	c->why = strdup(why);
	if (!c->path || !c->why) {
		free(c->path);
		free(c->why);
		return -ENOMEM;
	}
	c->kind = !existed ? VFD_CHANGE_CREATE : new ? VFD_CHANGE_MODIFY : VFD_CHANGE_REMOVE;
	c->old_text = existed ? old : NULL;
	c->old_len = existed ? oldlen : 0;
	if (!existed)
		free(old);
	c->new_text = new;
	c->new_len = newlen;
	c->mode = mode;
	c->backup = backup;
	c->drop_backup = drop_backup;
	p->nchanges++;
	if (f && f->cmdline)
		w->boot_changed = true;
	else if (f)
		w->initramfs_changed = true;
	return 0;
}

static bool bak_exists(struct work *w, const char *path)
{
	char *bpath = persist_bak_path(path);
	bool there = bpath && vfd_root_existsf(w->root, "%s", bpath);

	free(bpath);
	return there;
}

/*
 * Did a run stop between the backup of @path and its write? Then the file
 * still holds what the backup holds, byte for byte.
 */
bool persist_never_written(struct work *w, const char *path, const char *text, size_t len)
{
	char *bpath = persist_bak_path(path), *bak = NULL;
	size_t blen = 0;
	bool same;

	same = bpath && persist_read(w->root, bpath, &bak, &blen, NULL) == 1 && blen == len &&
	       memcmp(bak, text, len) == 0;
	free(bak);
	free(bpath);
	return same;
}

/*
 * A configuration file that is a link is edited at its target, which must
 * lie inside the root and outside a read-only store: refuse the plan
 * otherwise, naming the file.
 */
static bool links_writable(struct work *w, const struct persist_file *file, const char *path)
{
	struct vfd_finding *f = NULL;
	char *real = NULL;
	int r;

	/* persist's own files (the record, backups) are written in place */
	if (!file)
		return true;
	r = root_resolve_links(w->root, path, &real);
	free(real);
	if (r == 0 || r == -ENOENT)
		return true;
	if (r == -ENOMEM) {
		w->err = r;
		return false;
	}
	if (r == -EXDEV)
		f = persist_problem(w, "persist.link", VFD_FAIL, NULL,
				    "/%s is a link whose target lies outside the root: "
				    "persist edits a link's target and will not write "
				    "there; nothing is changed", path);
	else if (r == -EROFS)
		f = persist_problem(w, "persist.link", VFD_FAIL, NULL,
				    "/%s is a link into a read-only store (/nix/store, "
				    "/gnu/store); nothing is changed", path);
	else
		f = persist_problem(w, "persist.link", VFD_FAIL, NULL,
				    "cannot follow the links of /%s: %s; nothing is "
				    "changed", path, strerror(-r));
	if (f)
		finding_fix(f, r == -EROFS
			       ? "make the change in the configuration that generates the file "
				 "(on NixOS: boot.kernelParams, boot.initrd.kernelModules, "
				 "boot.extraModprobeConfig)"
			       : "make the change shown below by hand, or replace the link by the "
				 "file it should be");
	w->plan->refused = true;
	return false;
}

void persist_settle_any(struct work *w, const struct persist_file *f, const char *path,
			bool existed, char *old, size_t oldlen, unsigned int oldmode, char *new,
			size_t newlen, unsigned int newmode, const char *why, bool releasing)
{
	const struct pfile *prev = pstate_file(&w->old, path);
	bool created = prev ? prev->created : !existed;
	/*
	 * A file that was there gets a backup the first time persist writes it, and
	 * again when a run was stopped before making it (the record names the file,
	 * no backup is there).
	 */
	bool backup = existed && !releasing && (!prev || (!prev->created && !bak_exists(w, path)));
	/*
	 * Is the file, once written, what the record says? Yes when it is new, just
	 * backed up, or still what persist left (or what the backup holds: a run
	 * stopped between the backup and the write). No when someone changed it.
	 */
	bool ok = !prev || !existed || backup ||
		  (prev->hash_ok && (text_hash(old, oldlen) == prev->hash ||
				     (!prev->created && persist_never_written(w, path, old, oldlen))));
	int r;

	persist_visit(w, path);
	/* a file persist made that holds nothing else any more goes */
	if (new && created && only_blank(new, newlen) && (!f || f->kind != FK_TOKENS)) {
		free(new);
		new = NULL;
	}
	if (!new && !existed) {
		free(old);
		return;
	}
	if (new && existed && newlen == oldlen && memcmp(new, old, oldlen) == 0) {
		free(new);
		free(old);
		if (prev && !releasing)
			pstate_add_file(&w->now, path, created, ok, prev->hash);
		return;
	}
	if (new && !links_writable(w, f, path)) {
		free(old);
		free(new);
		return;
	}
	if (new && !releasing)
		pstate_add_file(&w->now, path, created, ok, text_hash(new, newlen));
	r = persist_add_change(w, f, path, old, oldlen, existed, new, newlen,
			       existed ? oldmode : newmode, backup,
			       prev && !prev->created && (releasing || !new), why);
	if (r < 0) {
		free(old);
		free(new);
		w->err = r;
	}
}

void persist_settle(struct work *w, const struct persist_file *f, const char *path, bool existed,
		    char *old, size_t oldlen, unsigned int oldmode, char *new, size_t newlen,
		    unsigned int newmode, const char *why)
{
	persist_settle_any(w, f, path, existed, old, oldlen, oldmode, new, newlen, newmode, why,
			   false);
}

void persist_keep(struct work *w, const char *path)
{
	const struct pfile *prev = pstate_file(&w->old, path);

	persist_visit(w, path);
	if (prev) {
		pstate_add_file(&w->now, path, prev->created, prev->hash_ok, prev->hash);
		pstate_copy_tokens(&w->now, &w->old, path);
	}
}

int persist_edit_tokens(struct work *w, const char *path, const char *key, token_editor ed,
			const char *text, size_t len, const char *const *want,
			const char *const *user_remove, char **out, size_t *out_len,
			char ***did_add, char ***did_remove, struct vfd_parse_error *err)
{
	char **old_plus = pstate_tokens(&w->old, path, key, true);
	struct strv_builder rm = { 0 };
	char **added = NULL, **removed = NULL;
	int r;

	if (!old_plus)
		return -ENOMEM;
	for (const char *const *t = user_remove; t && *t; t++)
		strv_addf(&rm, "%s", *t);
	for (char **t = old_plus; *t; t++) {
		bool wanted = false;

		for (const char *const *x = want; x && *x; x++)
			wanted |= strcmp(*x, *t) == 0;
		if (!wanted)
			strv_addf(&rm, "%s", *t);
	}
	if (rm.oom) {
		vfd_strv_free(old_plus);
		strv_builder_clear(&rm);
		return -ENOMEM;
	}
	r = ed(text, len, key, want, (const char *const *)rm.v, out, out_len, &added, &removed,
	       err);
	if (r == 0) {
		/* the new records: what persist added and still wants, what it removed */
		for (char **t = old_plus; *t; t++)
			for (const char *const *x = want; x && *x; x++)
				if (strcmp(*x, *t) == 0)
					pstate_add_token(&w->now, path, key, *t, true);
		for (char **t = added; t && *t; t++)
			pstate_add_token(&w->now, path, key, *t, true);
		for (size_t i = 0; i < w->old.ntoks; i++) {
			const struct ptoken *t = &w->old.toks[i];

			if (!t->added && strcmp(t->path, path) == 0 && strcmp(t->key, key) == 0)
				pstate_add_token(&w->now, path, key, t->token, false);
		}
		for (char **t = removed; t && *t; t++) {
			bool ours = false;

			for (char **o = old_plus; *o; o++)
				ours |= strcmp(*o, *t) == 0;
			if (!ours)
				pstate_add_token(&w->now, path, key, *t, false);
		}
	}
	if (did_add) {
		*did_add = added;
		added = NULL;
	}
	if (did_remove) {
		*did_remove = removed;
		removed = NULL;
	}
	vfd_strv_free(added);
	vfd_strv_free(removed);
	vfd_strv_free(old_plus);
	strv_builder_clear(&rm);
	return r;
}

void persist_forget_tokens(struct pstate *s, const char *path)
{
	for (size_t i = s->ntoks; i-- > 0;) {
		if (strcmp(s->toks[i].path, path) != 0)
			continue;
		free(s->toks[i].path);
		free(s->toks[i].key);
		free(s->toks[i].token);
		memmove(&s->toks[i], &s->toks[i + 1], (s->ntoks - i - 1) * sizeof(*s->toks));
		s->ntoks--;
	}
}

void persist_join(struct tbuf *b, char **v, const char *sep)
{
	for (size_t i = 0; v && v[i]; i++)
		tbuf_addf(b, "%s%s", i ? sep : "", v[i]);
}

void persist_add_module(struct strv_builder *b, const char *m)
{
	for (size_t i = 0; i < b->n; i++)
		if (module_name_eq(b->v[i], m))
			return;
	strv_addf(b, "%s", m);
}

const struct persist_file *persist_file_match(const struct persist_file *files, const char *path)
{
	for (const struct persist_file *f = files; f && f->path; f++)
		if (strchr(f->path, '*') ? fnmatch(f->path, path, FNM_PATHNAME | FNM_PERIOD) == 0
					 : strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

token_editor persist_file_editor(const struct persist_file *f, const char *key)
{
	for (const struct token_key *k = f ? f->keys : NULL; k && k->key; k++)
		if (strcmp(k->key, key) == 0)
			return k->edit;
	return NULL;
}
