// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * persist: make vfio-pci bindings survive a reboot. The plan is a list of
 * file changes, each with the old and the new text, computed by the pure
 * editors (edit.c, shell.c, grub.c, modprobe.c, initramfs.c) from what the
 * host shows; applying it writes every file atomically (a link's target,
 * owner and mode kept: root_edit_file), with the previous content kept beside
 * it as FILE.vfio-doctor.bak, and undoes what was written when a write fails.
 * A run killed part way is finished by the next one (never_written,
 * scan_leftovers).
 *
 * What persist set up is recorded in /etc/vfio-doctor/persist.state (under
 * /etc because it must outlive a reboot): the devices with how they are
 * bound, every file it manages with the hash of the content it left there,
 * and the command line words and array elements it added or removed. A later
 * run adds devices to that set; --undo takes devices out, and once none is
 * left gives every file back: the backup when the file still holds exactly
 * what persist wrote (byte for byte the previous content), otherwise a
 * reverse edit of persist's own words and block, so edits made since by
 * someone else survive.
 *
 * This file holds the plan itself; the table of files it writes and their
 * steps, the devices, the texts and the apply are its siblings
 * (persist-plan.h lists them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist-plan.h"

static int dev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pdev *)a)->slot, ((const struct pdev *)b)->slot);
}

/* a file only an interrupted run left behind: planned for removal */
static void drop_leftover(struct work *w, const char *path, const char *why)
{
	char *text = NULL;
	size_t len = 0;
	unsigned int mode = 0644;
	int r;

	if (persist_visited(w, path))
		return;
	persist_visit(w, path);
	r = persist_read(w->root, path, &text, &len, &mode);
	if (r <= 0) {
		free(text);
		return;
	}
	r = persist_add_change(w, NULL, path, text, len, true, NULL, 0, mode, false, false, why);
	if (r < 0) {
		free(text);
		w->err = r;
		return;
	}
	w->cleanups++;
}

/* ".NAME.PID.tmp" of a process that is gone: what vfd_atomic_write (atomic.c) left */
static bool stale_temporary(const char *name, const char *base_pattern)
{
	char inner[NAME_MAX + 1], pat[NAME_MAX + 1], *dot, *end;
	size_t n = strlen(name);
	long pid;

	if (n < 7 || name[0] != '.' || strcmp(name + n - 4, ".tmp") != 0 || n - 5 >= sizeof(inner))
		return false;
	memcpy(inner, name + 1, n - 5);
	inner[n - 5] = '\0';
	dot = strrchr(inner, '.');
	if (!dot || !dot[1])
		return false;
	pid = strtol(dot + 1, &end, 10);
	if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
		return false;
	*dot = '\0';
	if (fnmatch(base_pattern, inner, FNM_PERIOD) == 0)
		return true;
	snprintf(pat, sizeof(pat), "%s" BAK_SUFFIX, base_pattern);
	return fnmatch(pat, inner, FNM_PERIOD) == 0;
}

/* the temporary files of @entry's directory (a path or a pattern of the table) */
static void scan_temporaries(struct work *w, const char *entry)
{
	const char *slash = strrchr(entry, '/');
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (!slash || (size_t)(slash - entry) >= sizeof(dir))
		return;
	memcpy(dir, entry, (size_t)(slash - entry));
	dir[slash - entry] = '\0';
	d = vfd_root_opendirf(w->root, "%s", dir);
	while (d && (de = readdir(d)) && !w->err) {
		char *path;

		if (!stale_temporary(de->d_name, slash + 1))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (!path)
			w->err = -ENOMEM;
		else
			drop_leftover(w, path, "remove a temporary file of a run that was stopped");
		free(path);
	}
	if (d)
		closedir(d);
}

/*
 * What a run killed mid-way leaves besides its record: temporary files beside
 * every file persist writes (and beside the targets of links among them).
 */
static void scan_leftovers_of(struct work *w, const char *entry)
{
	char *real = NULL;

	scan_temporaries(w, entry);
	if (!strchr(entry, '*') && root_resolve_links(w->root, entry, &real) == 0 &&
	    strcmp(real, entry) != 0)
		scan_temporaries(w, real);
	free(real);
}

static void scan_leftovers(struct work *w)
{
	for (const struct persist_target *const *t = persist_targets; *t && !w->err; t++)
		for (const struct persist_file *f = (*t)->files; f->path && !w->err; f++)
			scan_leftovers_of(w, f->path);
	if (!w->err)
		scan_leftovers_of(w, STATE_PATH);
}

/*
 * Give a file back: the backup when the file is still what persist left,
 * otherwise persist's own block, words or file taken out.
 */
static void release(struct work *w, const struct pfile *pf)
{
	char *text = NULL, *bak = NULL, *out = NULL;
	size_t len = 0, blen = 0, olen = 0;
	unsigned int mode = 0644;
	struct vfd_parse_error e = { 0 };
	const struct persist_file *f = persist_file_of(pf->path);
	int r = persist_read(w->root, pf->path, &text, &len, &mode);

	persist_visit(w, pf->path);
	if (r <= 0) {
		/* gone already: nothing to give back, but say so if unreadable */
		if (r < 0)
			persist_problem_edit(w, pf->path, &e, r);
		if (r < 0)
			persist_keep(w, pf->path);
		return;
	}
	if (pf->hash_ok && text_hash(text, len) == pf->hash) {
		char bpath[PATH_MAX];

		if (pf->created) {
			persist_settle_any(w, f, pf->path, true, text, len, mode, NULL, 0, 0,
					   "remove what vfio-doctor persist created", true);
			return;
		}
		snprintf(bpath, sizeof(bpath), "%s" BAK_SUFFIX, pf->path);
		if (persist_read(w->root, bpath, &bak, &blen, NULL) == 1) {
			persist_settle_any(w, f, pf->path, true, text, len, mode, bak, blen, mode,
					   "put back the content it had before vfio-doctor persist",
					   true);
			return;
		}
	}
	if (!pf->created && persist_never_written(w, pf->path, text, len)) {
		/* a run stopped after the backup: the file is as it was, the backup goes */
		char *bpath = persist_bak_path(pf->path);

		free(text);
		if (bpath)
			drop_leftover(w, bpath, "remove the backup of a run that stopped before "
					       "changing the file");
		else
			w->err = -ENOMEM;
		free(bpath);
		return;
	}
	switch (f ? f->kind : FK_STATE) {
	case FK_OWNED:
		persist_settle_any(w, f, pf->path, true, text, len, mode, NULL, 0, 0,
				   "remove what vfio-doctor persist created", true);
		return;
	case FK_BLOCK:
		r = block_set(text, len, NULL, &out, &olen, &e);
		break;
	case FK_TOKENS:
		out = malloc(len + 1);
		if (!out) {
			r = -ENOMEM;
			break;
		}
		memcpy(out, text, len);
		out[len] = '\0';
		olen = len;
		r = 0;
		/* the words persist added go, the ones it removed come back */
		for (const struct token_key *k = f->keys; k && k->key && r == 0; k++) {
			char **plus = pstate_tokens(&w->old, pf->path, k->key, true);
			char **minus = pstate_tokens(&w->old, pf->path, k->key, false);
			char *next = NULL;
			size_t nlen = 0;

			if (!plus || !minus) {
				r = -ENOMEM;
			} else if (plus[0] || minus[0]) {
				r = k->edit(out, olen, k->key, (const char *const *)minus,
					    (const char *const *)plus, &next, &nlen, NULL, NULL,
					    &e);
				if (r == 0) {
					free(out);
					out = next;
					olen = nlen;
				}
			}
			vfd_strv_free(plus);
			vfd_strv_free(minus);
		}
		break;
	default:
		r = 0;
		free(text);
		return;
	}
	if (r < 0) {
		free(out);
		free(text);
		persist_problem_edit(w, pf->path, &e, r);
		persist_keep(w, pf->path);
		return;
	}
	persist_settle_any(w, f, pf->path, true, text, len, mode, out, olen, mode,
			   "take out what vfio-doctor persist added", true);
}

static void step_state(struct work *w, char *old, size_t oldlen, bool existed)
{
	char *new = NULL;
	int r;

	if (w->now.ndevs || w->now.nfiles) {
		new = pstate_render(&w->now);
		if (!new) {
			free(old);
			w->err = -ENOMEM;
			return;
		}
	}
	if ((!new && !existed) ||
	    (new && existed && strlen(new) == oldlen && memcmp(new, old, oldlen) == 0)) {
		free(new);
		free(old);
		return;
	}
	r = persist_add_change(w, NULL, STATE_PATH, old, oldlen, existed, new,
			       new ? strlen(new) : 0, 0644, false, false,
			       new ? "the record of what persist set up (for --undo)"
				   : "the record of what persist set up: nothing is left");
	if (r < 0) {
		free(old);
		free(new);
		w->err = r;
	}
}

static bool target_is_cmdline(const struct persist_target *t)
{
	return t->files[0].cmdline;
}

/*
 * The kernel command line: the words persist wants, into every file that
 * holds it here; where none does, the user's or a tool's part.
 */
static void step_cmdline(struct work *w)
{
	bool by_file = false;

	if (!persist_cmdline_wants(w))
		return;
	for (const struct persist_target *const *t = persist_targets; *t; t++)
		if (target_is_cmdline(*t) && (*t)->used(w)) {
			(*t)->plan(w);
			by_file = true;
		}
	if (!by_file)
		persist_cmdline_by_hand(w);
	else if (w->cmd_added.oom || w->cmd_removed.oom)
		w->err = -ENOMEM;
}

int vfd_plan_persist(struct vfd_host *host, const char *const *devices,
		     const struct vfd_persist_opts *opts, struct vfd_persist_plan *plan)
{
	static const struct vfd_persist_opts none = { 0 };
	struct work w = { .host = host, .root = vfd_host_get_root(host), .plan = plan };
	struct vfd_selection own, *sel = opts ? opts->selection : NULL;
	char *stext = NULL;
	size_t slen = 0;
	unsigned int line = 0;
	bool etc_never;
	int r;

	memset(plan, 0, sizeof(*plan));
	w.opts = opts ? opts : &none;
	/* the arguments, parsed once: by the caller, or here */
	if (!sel) {
		r = vfd_selection_parse(devices, &own);
		if (r < 0) {
			vfd_selection_clear(&own);
			return r;
		}
		sel = &own;
	}
	r = persist_read(w.root, STATE_PATH, &stext, &slen, NULL);
	if (r == 1)
		r = pstate_parse(stext, slen, &w.old, &line);
	if (r < 0) {
		struct vfd_finding *f;

		if (line)
			f = persist_problem(&w, "persist.state", VFD_FAIL, NULL,
					    "/" STATE_PATH ": line %u is not what persist writes",
					    line);
		else
			f = persist_problem(&w, "persist.state", VFD_FAIL, NULL,
					    "cannot read '/" STATE_PATH "': %s", strerror(-r));
		if (f)
			finding_fix(f, "restore the file from /" STATE_PATH BAK_SUFFIX
				       " or the files it names by hand");
		plan->refused = true;
		free(stext);
		pstate_clear(&w.old);
		if (sel == &own)
			vfd_selection_clear(&own);
		return r == -ENOMEM ? r : 0;
	}
	/* the record names files to rewrite and remove: only those persist writes */
	for (size_t i = 0; i < w.old.nfiles + w.old.ntoks; i++) {
		const char *path = i < w.old.nfiles ? w.old.files[i].path
						    : w.old.toks[i - w.old.nfiles].path;
		struct vfd_finding *f;

		if (persist_file_of(path))
			continue;
		f = persist_problem(&w, "persist.state", VFD_FAIL, NULL,
				    "/" STATE_PATH " names '/%s', which is not a file "
				    "persist writes; nothing is changed", path);
		if (f)
			finding_fix(f, "check who wrote /" STATE_PATH "; remove the line (or the "
				       "file, then undo persist's changes by hand)");
		plan->refused = true;
		free(stext);
		pstate_clear(&w.old);
		if (sel == &own)
			vfd_selection_clear(&own);
		return 0;
	}
	/* the platform decides which files hold what (lib/host/platform.c) */
	vfd_system_detect(w.root, &w.sys);
	etc_never = platform_never(&w.sys, VFD_NEVER_ETC);
	/* the platform's table says which generators' files it never reads */
	w.initramfs = platform_never(&w.sys, VFD_NEVER_INITRAMFS_FILES) ? VFD_INITRAMFS_NONE
									 : w.sys.initramfs;
	/* and whether its boot loader reads /etc/default/grub at all */
	w.kargs = w.sys.kargs;
	if ((w.kargs == VFD_KARGS_GRUB || w.kargs == VFD_KARGS_GRUBBY) &&
	    platform_never(&w.sys, VFD_NEVER_GRUB_DEFAULT))
		w.kargs = VFD_KARGS_NONE;
	plan->by_hand = etc_never;
	for (size_t i = 0; i < w.old.ndevs; i++) {
		struct pdev *d = pstate_add_dev(&w.now, w.old.devs[i].slot);

		if (!d)
			break;
		d->by_id = w.old.devs[i].by_id;
		d->vendor = w.old.devs[i].vendor;
		d->device = w.old.devs[i].device;
		for (char **m = w.old.devs[i].mods; m && *m; m++)
			persist_strv_add_unique(&d->mods, *m);
	}
	r = w.now.oom ? -ENOMEM : 0;
	if (r == 0)
		scan_leftovers(&w);
	if (r == 0 && w.err)
		r = w.err;
	if (r == 0 && w.opts->undo) {
		if (!w.old.ndevs && !w.old.nfiles) {
			if (etc_never)
				persist_print_only(&w);
			else if (!w.cleanups)
				persist_problem(&w, "persist.nothing", VFD_INFO, NULL,
						"nothing to undo: vfio-doctor persist "
						"has set up nothing here");
			goto done;
		}
		if (sel->nargs)
			persist_drop_devices(&w, sel);
		else
			while (w.now.ndevs)
				pstate_drop_dev(&w.now, w.now.ndevs - 1);
	} else if (r == 0 && w.sys.container) {
		struct vfd_finding *f = persist_problem(&w, "persist.container", VFD_FAIL, NULL,
							"this is a container: the kernel "
							"it runs and its boot "
							"configuration are the host's");

		if (f) {
			finding_evidence(f, "%s", w.sys.guest_why);
			finding_fix(f, "run vfio-doctor persist on the host, and pass /dev/vfio "
				       "into the container");
		}
		plan->refused = true;
	} else if (r == 0) {
		/* resolved where devices are taken: --undo names recorded ones, maybe gone */
		r = vfd_selection_resolve(host, sel, VFD_EXPAND_NONE);
		if (r == 0)
			r = persist_judge_devices(&w, sel);
		if (r == 0)
			r = persist_take_devices(&w, sel);
	}
	if (r < 0 || plan->refused)
		goto done;
	if (w.now.ndevs)
		qsort(w.now.devs, w.now.ndevs, sizeof(*w.now.devs), dev_cmp);
	for (size_t i = 0; i < w.now.ndevs; i++) {
		w.any_address |= !w.now.devs[i].by_id;
		w.any_id |= w.now.devs[i].by_id;
	}
	if (w.any_id)
		persist_warn_shared(&w);
	if (w.now.ndevs) {
		w.mods = vfd_modules_new(w.root, vfd_host_get_release(host));
		w.vfio_builtin = w.mods &&
				 vfd_modules_state(w.mods, "vfio_pci") == VFD_MODULE_BUILTIN;
		if (w.vfio_builtin && w.any_id) {
			struct vfd_finding *f;

			f = persist_problem(&w, "persist.builtin-ids", VFD_FAIL, NULL,
					    "vfio-pci is built into this kernel: "
					    "'options vfio-pci ids=' in modprobe.d is "
					    "never read");

			if (f)
				finding_fix(f, "persist by address (without --by-id), or put "
					       "vfio-pci.ids= on the kernel command line");
			plan->refused = true;
			goto done;
		}
		if (w.vfio_builtin)
			persist_problem(&w, "persist.builtin", VFD_INFO, NULL,
					"vfio-pci is built into this kernel "
					"(modules.builtin): it is there before any "
					"driver, no softdep or initramfs module is needed");
		if (w.sys.initramfs == VFD_INITRAMFS_NONE && !w.vfio_builtin && !etc_never)
			persist_problem(&w, "persist.no-initramfs", VFD_INFO, NULL,
					"no initramfs generator found (initramfs-tools, "
					"dracut, mkinitcpio, booster): vfio-pci loads "
					"from the root file system");
	}
	if (w.now.ndevs && !etc_never) {
		/* the files of every target this host reads; the command line's last */
		for (const struct persist_target *const *t = persist_targets; *t; t++)
			if (!target_is_cmdline(*t) && (!(*t)->used || (*t)->used(&w)))
				(*t)->plan(&w);
		step_cmdline(&w);
		if (w.sys.kargs == VFD_KARGS_BOOTC)
			persist_bootc_steps(&w);
	} else if (w.now.ndevs) {
		step_cmdline(&w);
		persist_print_only(&w);
	}
	if (w.opts->undo && !w.now.ndevs)
		persist_tool_undo_note(&w);
	/* whatever persist managed and this run did not decide about goes back */
	for (size_t i = 0; i < w.old.nfiles && w.err == 0; i++)
		if (!persist_visited(&w, w.old.files[i].path))
			release(&w, &w.old.files[i]);
	if (w.err == 0 && !etc_never) {
		step_state(&w, stext, slen, stext != NULL);
		stext = NULL;
	}
	if (w.err == 0)
		persist_describe(&w);
	r = w.err;
done:
	free(stext);
	strv_builder_clear(&w.visited);
	vfd_modules_free(w.mods);
	vfd_system_clear(&w.sys);
	strv_builder_clear(&w.cmd_added);
	strv_builder_clear(&w.cmd_removed);
	strv_builder_clear(&w.cmd_want);
	free(w.cmd_want_why);
	free(w.cmd_why);
	pstate_clear(&w.old);
	pstate_clear(&w.now);
	if (sel == &own)
		vfd_selection_clear(&own);
	if (r < 0)
		vfd_persist_plan_clear(plan);
	return r;
}

void vfd_persist_plan_clear(struct vfd_persist_plan *plan)
{
	for (size_t i = 0; i < plan->nchanges; i++) {
		free(plan->changes[i].path);
		free(plan->changes[i].old_text);
		free(plan->changes[i].new_text);
		free(plan->changes[i].why);
	}
	free(plan->changes);
	vfd_report_clear(&plan->problems);
	vfd_strv_free(plan->devices);
	vfd_strv_free(plan->commands);
	memset(plan, 0, sizeof(*plan));
}

char *vfd_file_change_diff(const struct vfd_file_change *c)
{
	char *name = xasprintf("/%s", c->path);
	char *d;

	if (!name)
		return NULL;
	d = unified_diff(c->kind == VFD_CHANGE_CREATE ? NULL : name, c->old_text ? c->old_text : "",
			 c->old_len, c->kind == VFD_CHANGE_REMOVE ? NULL : name,
			 c->new_text ? c->new_text : "", c->new_len);
	free(name);
	return d;
}
