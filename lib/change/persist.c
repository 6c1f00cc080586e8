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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "persist.h"
#include "platform.h"

#define STATE_PATH "etc/vfio-doctor/persist.state"
#define RULE_PATH "etc/udev/rules.d/60-vfio-doctor.rules"
#define HOOK_PATH "etc/initramfs-tools/hooks/vfio-doctor"
#define DRACUT_PATH "etc/dracut.conf.d/vfio-doctor.conf"
#define MODPROBE_PATH "etc/modprobe.d/vfio.conf"
#define ITMODULES_PATH "etc/initramfs-tools/modules"
#define MKINITCPIO_PATH "etc/mkinitcpio.conf"
#define BOOSTER_PATH "etc/booster.yaml"
#define GRUB_PATH "etc/default/grub"
#define KCMDLINE_PATH "etc/kernel/cmdline"
#define BAK_SUFFIX ".vfio-doctor.bak"
#define MAX_FILE (1u << 20)

#define GRUB_KEY "GRUB_CMDLINE_LINUX_DEFAULT"
#define GRUB_KEY_ALL "GRUB_CMDLINE_LINUX"
#define ENTRY_KEY "options"
#define WRITTEN_BY "# Written by vfio-doctor persist; remove with: vfio-doctor persist --undo\n"
#define KCMDLINE_KEY "-"

/*
 * Loaded early in every initramfs: the IOMMU backend with vfio-pci. Never
 * vfio_virqfd: before 6.2 it is a module vfio_pci depends on, which every
 * generator adds by itself (modules.dep), and since 6.2 it is part of vfio
 * ("vfio: Fold vfd_virqfd.ko into vfio.ko"), where naming it breaks mkinitcpio
 * and dracut builds.
 */
static const char *const vfio_modules[] = { "vfio", "vfio_iommu_type1", "vfio_pci", NULL };
/* the Arch wiki's order for MODULES=: vfio-pci first, ahead of any GPU driver listed */
static const char *const mkinitcpio_modules[] = { "vfio_pci", "vfio", "vfio_iommu_type1", NULL };
/* words that keep the IOMMU off or that the kernel does not know (check's iommu layer) */
static const char *const cmdline_remove[] = {
	"intel_iommu=off", "amd_iommu=off", "iommu=off", "amd_iommu=on", NULL,
};

enum file_kind { FK_OWNED, FK_BLOCK, FK_TOKENS, FK_STATE };

/*
 * Every file persist writes, and how: the one list of them. persist.state may
 * name these and no other (persist_target_known), and --undo gives back only
 * these. A new target is one line here; a '*' in an entry matches within one
 * path component (fnmatch(3) FNM_PATHNAME), for families of drop-in files.
 */
static const struct known_file {
	const char *path;
	enum file_kind kind;
} known_files[] = {
	{ RULE_PATH, FK_OWNED },	{ HOOK_PATH, FK_OWNED },
	{ DRACUT_PATH, FK_OWNED },	{ MODPROBE_PATH, FK_BLOCK },
	{ ITMODULES_PATH, FK_BLOCK },	{ MKINITCPIO_PATH, FK_TOKENS },
	{ BOOSTER_PATH, FK_BLOCK },
	{ GRUB_PATH, FK_TOKENS },	{ KCMDLINE_PATH, FK_TOKENS },
	/* systemd-boot entries on the ESP (platform_entry_dirs), their options line */
	{ "boot/loader/entries/*.conf", FK_TOKENS },
	{ "efi/loader/entries/*.conf", FK_TOKENS },
	{ "boot/efi/loader/entries/*.conf", FK_TOKENS },
};

static const struct known_file *known_file(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_files); i++) {
		const char *k = known_files[i].path;

		if (strchr(k, '*') ? fnmatch(k, path, FNM_PATHNAME | FNM_PERIOD) == 0
				   : strcmp(k, path) == 0)
			return &known_files[i];
	}
	return NULL;
}

/* may persist.state name @path (relative to the root)? */
static bool persist_target_known(const char *path)
{
	return known_file(path) != NULL;
}

static int dev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pdev *)a)->slot, ((const struct pdev *)b)->slot);
}

/* ------------------------------------------------------------- work */

struct work {
	struct vfd_host *host;
	struct vfd_root *root;
	struct vfd_persist_plan *plan;
	const struct vfd_persist_opts *opts;
	struct pstate old, now;
	struct vfd_system sys;
	struct vfd_modules *mods;
	bool vfio_builtin;
	/* the command line words the edits added and removed, or a tool must (describe) */
	struct strv_builder cmd_added, cmd_removed;
	char *cmd_why;
	bool any_address, any_id;
	char **visited;		/* files this run decided about */
	size_t nvisited;
	bool initramfs_changed, boot_changed;
	size_t cleanups;	/* changes that only clear what an interrupted run left */
	int err;		/* the first allocation failure */
};

/* one of the plan's problems (layer "persist"); NULL on ENOMEM */
static __attribute__((format(printf, 5, 6))) struct vfd_finding *
problem(struct work *w, const char *id, enum vfd_status status, const char *device,
	const char *fmt, ...)
{
	struct vfd_finding *f;
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	f = report_add(&w->plan->problems, id, "persist", status, device, "%s", text);
	free(text);
	return f;
}

static void visit(struct work *w, const char *path)
{
	char **nv = realloc(w->visited, (w->nvisited + 2) * sizeof(*nv));

	if (!nv) {
		w->err = -ENOMEM;
		return;
	}
	w->visited = nv;
	nv[w->nvisited] = strdup(path);
	if (!nv[w->nvisited])
		w->err = -ENOMEM;
	else
		w->nvisited++;
	nv[w->nvisited] = NULL;
}

static bool visited(const struct work *w, const char *path)
{
	for (size_t i = 0; i < w->nvisited; i++)
		if (strcmp(w->visited[i], path) == 0)
			return true;
	return false;
}

static enum file_kind kind_of(const char *path)
{
	const struct known_file *k = known_file(path);

	return k ? k->kind : FK_STATE;
}

/* a systemd-boot entry below the ESP: one of the loader/entries patterns */
static bool is_entry(const char *path)
{
	const char *e = strstr(path, "loader/entries/");

	return e && known_file(path) != NULL;
}

/* a file that holds the kernel command line */
static bool is_cmdline_file(const char *path)
{
	return strcmp(path, GRUB_PATH) == 0 || strcmp(path, KCMDLINE_PATH) == 0 || is_entry(path);
}

static char *bak_path(const char *path)
{
	return xasprintf("%s" BAK_SUFFIX, path);
}

/* writes of configuration files are allowed on the live host and in test trees */
static bool may_write(struct vfd_root *root)
{
	return vfd_root_is_live(root) || vfd_root_has_write_fn(root);
}

/* a file below the root: 1 read, 0 missing, or -errno */
static int read_file(struct vfd_root *root, const char *path, char **text, size_t *len,
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

static void problem_edit(struct work *w, const char *path, const struct edit_error *e,
			 int r)
{
	struct vfd_finding *f;

	if (r == -ENOMEM) {
		w->err = r;
		return;
	}
	if (r == -EINVAL && e->line)
		f = problem(w, "persist.unparsable", VFD_FAIL, NULL,
			    "/%s: line %u: %s; the file is left untouched", path, e->line, e->msg);
	else if (r == -EINVAL)
		f = problem(w, "persist.unparsable", VFD_FAIL, NULL,
			    "/%s: %s; the file is left untouched", path, e->msg);
	else
		f = problem(w, "persist.unreadable", VFD_FAIL, NULL,
			    "cannot read '/%s': %s; the file is left untouched", path, strerror(-r));
	if (f)
		finding_fix(f, "fix the file (or make the change shown below by hand), then run "
			       "vfio-doctor persist again");
}

static int add_change(struct work *w, const char *path, char *old, size_t oldlen, bool existed,
		      char *new, size_t newlen, unsigned int mode, bool backup, bool drop_backup,
		      const char *why)
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
	if (kind_of(path) != FK_STATE) {
		if (is_cmdline_file(path))
			w->boot_changed = true;
		else
			w->initramfs_changed = true;
	}
	return 0;
}

static bool bak_exists(struct work *w, const char *path)
{
	char *bpath = bak_path(path);
	bool there = bpath && vfd_root_existsf(w->root, "%s", bpath);

	free(bpath);
	return there;
}

/*
 * Did a run stop between the backup of @path and its write? Then the file
 * still holds what the backup holds, byte for byte.
 */
static bool never_written(struct work *w, const char *path, const char *text, size_t len)
{
	char *bpath = bak_path(path), *bak = NULL;
	size_t blen = 0;
	bool same;

	same = bpath && read_file(w->root, bpath, &bak, &blen, NULL) == 1 && blen == len &&
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
static bool links_writable(struct work *w, const char *path)
{
	struct vfd_finding *f = NULL;
	char *real = NULL;
	int r;

	if (kind_of(path) == FK_STATE)
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
		f = problem(w, "persist.link", VFD_FAIL, NULL,
			    "/%s is a link whose target lies outside the root: persist edits a "
			    "link's target and will not write there; nothing is changed", path);
	else if (r == -EROFS)
		f = problem(w, "persist.link", VFD_FAIL, NULL,
			    "/%s is a link into a read-only store (/nix/store, /gnu/store); "
			    "nothing is changed", path);
	else
		f = problem(w, "persist.link", VFD_FAIL, NULL,
			    "cannot follow the links of /%s: %s; nothing is changed", path,
			    strerror(-r));
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

/*
 * The end of one file's decision: @new (NULL: the file should not exist) from
 * @old. Records the change and what the state says of the file afterwards.
 * Takes @old and @new.
 */
static void settle_any(struct work *w, const char *path, bool existed, char *old,
		       size_t oldlen, unsigned int oldmode, char *new, size_t newlen,
		       unsigned int newmode, const char *why, bool releasing)
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
				     (!prev->created && never_written(w, path, old, oldlen))));
	int r;

	visit(w, path);
	/* a file persist made that holds nothing else any more goes */
	if (new && created && only_blank(new, newlen) && kind_of(path) != FK_TOKENS) {
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
	if (new && !links_writable(w, path)) {
		free(old);
		free(new);
		return;
	}
	if (new && !releasing)
		pstate_add_file(&w->now, path, created, ok, text_hash(new, newlen));
	r = add_change(w, path, old, oldlen, existed, new, newlen, existed ? oldmode : newmode,
		       backup, prev && !prev->created && (releasing || !new), why);
	if (r < 0) {
		free(old);
		free(new);
		w->err = r;
	}
}

static void settle(struct work *w, const char *path, bool existed, char *old, size_t oldlen,
		   unsigned int oldmode, char *new, size_t newlen, unsigned int newmode,
		   const char *why)
{
	settle_any(w, path, existed, old, oldlen, oldmode, new, newlen, newmode, why, false);
}

/* keep a file out of this run: its state stays as it was */
static void keep(struct work *w, const char *path)
{
	const struct pfile *prev = pstate_file(&w->old, path);

	visit(w, path);
	if (prev) {
		pstate_add_file(&w->now, path, prev->created, prev->hash_ok, prev->hash);
		pstate_copy_tokens(&w->now, &w->old, path);
	}
}

/*
 * Edit the tokens of (@path, @key): persist wants @want there and the words
 * of @user_remove gone. Tokens it added before and wants no more go too.
 * Runs @edit, then moves the records into the new state.
 */
typedef int (*token_editor)(const char *text, size_t len, const char *key,
			    const char *const *add, const char *const *remove, char **out,
			    size_t *out_len, char ***added, char ***removed,
			    struct edit_error *err);

static int edit_tokens_any(struct work *w, const char *path, const char *key, token_editor ed,
			   const char *text, size_t len, const char *const *want,
			   const char *const *user_remove, char **out, size_t *out_len,
			   char ***did_add, char ***did_remove, struct edit_error *err)
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

static int edit_tokens(struct work *w, const char *path, const char *key, token_editor ed,
		       const char *text, size_t len, const char *const *want,
		       const char *const *user_remove, char **out, size_t *out_len,
		       struct edit_error *err)
{
	return edit_tokens_any(w, path, key, ed, text, len, want, user_remove, out, out_len, NULL,
			       NULL, err);
}

static int grub_editor(const char *text, size_t len, const char *key, const char *const *add,
		       const char *const *remove, char **out, size_t *out_len, char ***added,
		       char ***removed, struct edit_error *err)
{
	struct cmdline_edit e = { .add = add, .remove = remove };

	/* grubby's platforms keep the words in GRUB_CMDLINE_LINUX, where grubby puts them */
	e.to_all = strcmp(key, GRUB_KEY_ALL) == 0;
	return grub_edit(text, len, &e, out, out_len, added, removed, err);
}

static int kcmdline_editor(const char *text, size_t len, const char *key,
			   const char *const *add, const char *const *remove, char **out,
			   size_t *out_len, char ***added, char ***removed, struct edit_error *err)
{
	struct cmdline_edit e = { .add = add, .remove = remove };

	(void)key;
	return kcmdline_edit(text, len, &e, out, out_len, added, removed, err);
}

static int entry_editor(const char *text, size_t len, const char *key, const char *const *add,
			const char *const *remove, char **out, size_t *out_len, char ***added,
			char ***removed, struct edit_error *err)
{
	struct cmdline_edit e = { .add = add, .remove = remove };

	(void)key;
	return entry_options_edit(text, len, &e, out, out_len, added, removed, err);
}

static int modules_editor(const char *text, size_t len, const char *key,
			  const char *const *add, const char *const *remove, char **out,
			  size_t *out_len, char ***added, char ***removed, struct edit_error *err)
{
	struct array_edit e = { .name = key, .remove = remove, .modules = true };

	e.prepend = add;
	return shell_array_edit(text, len, &e, out, out_len, added, removed, err);
}

static int files_editor(const char *text, size_t len, const char *key, const char *const *add,
			const char *const *remove, char **out, size_t *out_len, char ***added,
			char ***removed, struct edit_error *err)
{
	struct array_edit e = { .name = key, .remove = remove };

	e.append = add;
	return shell_array_edit(text, len, &e, out, out_len, added, removed, err);
}

static token_editor editor_for(const char *path, const char *key)
{
	if (strcmp(path, GRUB_PATH) == 0)
		return grub_editor;
	if (strcmp(path, KCMDLINE_PATH) == 0)
		return kcmdline_editor;
	if (is_entry(path))
		return entry_editor;
	return strcmp(key, "MODULES") == 0 ? modules_editor : files_editor;
}

/* a file only an interrupted run left behind: planned for removal */
static void drop_leftover(struct work *w, const char *path, const char *why)
{
	char *text = NULL;
	size_t len = 0;
	unsigned int mode = 0644;
	int r;

	if (visited(w, path))
		return;
	visit(w, path);
	r = read_file(w->root, path, &text, &len, &mode);
	if (r <= 0) {
		free(text);
		return;
	}
	r = add_change(w, path, text, len, true, NULL, 0, mode, false, false, why);
	if (r < 0) {
		free(text);
		w->err = r;
		return;
	}
	w->cleanups++;
}

/* ".NAME.PID.tmp" of a process that is gone: what write_atomic (state.c) left */
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

/* the temporary files of @entry's directory (a path or a pattern of known_files) */
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
static void scan_leftovers(struct work *w)
{
	for (size_t i = 0; i <= ARRAY_SIZE(known_files) && !w->err; i++) {
		const char *entry = i < ARRAY_SIZE(known_files) ? known_files[i].path : STATE_PATH;
		char *real = NULL;

		scan_temporaries(w, entry);
		if (!strchr(entry, '*') && root_resolve_links(w->root, entry, &real) == 0 &&
		    strcmp(real, entry) != 0)
			scan_temporaries(w, real);
		free(real);
	}
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
	struct edit_error e = { 0 };
	int r = read_file(w->root, pf->path, &text, &len, &mode);

	visit(w, pf->path);
	if (r <= 0) {
		/* gone already: nothing to give back, but say so if unreadable */
		if (r < 0)
			problem_edit(w, pf->path, &e, r);
		if (r < 0)
			keep(w, pf->path);
		return;
	}
	if (pf->hash_ok && text_hash(text, len) == pf->hash) {
		char bpath[PATH_MAX];

		if (pf->created) {
			settle_any(w, pf->path, true, text, len, mode, NULL, 0, 0,
				   "remove what vfio-doctor persist created", true);
			return;
		}
		snprintf(bpath, sizeof(bpath), "%s" BAK_SUFFIX, pf->path);
		if (read_file(w->root, bpath, &bak, &blen, NULL) == 1) {
			settle_any(w, pf->path, true, text, len, mode, bak, blen, mode,
				   "put back the content it had before vfio-doctor persist", true);
			return;
		}
	}
	if (!pf->created && never_written(w, pf->path, text, len)) {
		/* a run stopped after the backup: the file is as it was, the backup goes */
		char *bpath = bak_path(pf->path);

		free(text);
		if (bpath)
			drop_leftover(w, bpath, "remove the backup of a run that stopped before "
					       "changing the file");
		else
			w->err = -ENOMEM;
		free(bpath);
		return;
	}
	switch (kind_of(pf->path)) {
	case FK_OWNED:
		settle_any(w, pf->path, true, text, len, mode, NULL, 0, 0,
			   "remove what vfio-doctor persist created", true);
		return;
	case FK_BLOCK:
		r = block_set(text, len, NULL, &out, &olen, &e);
		break;
	case FK_TOKENS: {
		static const char *const keys[] = {
			GRUB_KEY, GRUB_KEY_ALL, KCMDLINE_KEY, ENTRY_KEY, "MODULES", "FILES",
		};

		out = malloc(len + 1);
		if (!out) {
			r = -ENOMEM;
			break;
		}
		memcpy(out, text, len);
		out[len] = '\0';
		olen = len;
		r = 0;
		for (size_t k = 0; k < ARRAY_SIZE(keys) && r == 0; k++) {
			char **plus = pstate_tokens(&w->old, pf->path, keys[k], true);
			char **minus = pstate_tokens(&w->old, pf->path, keys[k], false);
			char *next = NULL;
			size_t nlen = 0;

			if (!plus || !minus) {
				r = -ENOMEM;
			} else if (plus[0] || minus[0]) {
				r = editor_for(pf->path, keys[k])(out, olen, keys[k],
								  (const char *const *)minus,
								  (const char *const *)plus, &next,
								  &nlen, NULL, NULL, &e);
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
	}
	default:
		r = 0;
		free(text);
		return;
	}
	if (r < 0) {
		free(out);
		free(text);
		problem_edit(w, pf->path, &e, r);
		keep(w, pf->path);
		return;
	}
	settle_any(w, pf->path, true, text, len, mode, out, olen, mode,
		   "take out what vfio-doctor persist added", true);
}

/* ---------------------------------------------------------- devices */

/* the module behind a PCI driver: drivers/NAME/module -> .../module/MODULE */
static char *driver_module(struct vfd_root *root, const char *drv)
{
	char *m = NULL;

	if (vfd_root_readlinkf_base(root, &m, "sys/bus/pci/drivers/%s/module", drv) == 0)
		return m;
	m = strdup(drv);
	for (char *p = m; p && *p; p++)
		if (*p == '-')
			*p = '_';
	return m;
}

static void add_module(struct strv_builder *b, const char *m)
{
	for (size_t i = 0; i < b->n; i++)
		if (module_name_eq(b->v[i], m))
			return;
	strv_addf(b, "%s", m);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The host drivers vfio-pci must load before: the device's driver now (or,
 * when bind moved it, the one bind recorded) and the drivers of its kind
 * (GPUs by vendor, HD audio). Built-in ones are left out: a softdep cannot
 * order what is never loaded.
 */
static char **native_modules(struct work *w, struct vfd_pcidev *d)
{
	struct strv_builder b = { 0 };
	struct vfd_binding_record rec;
	const char *drv = vfd_pcidev_get_driver(d);
	uint32_t cls = vfd_pcidev_get_class(d);
	uint16_t vendor = vfd_pcidev_get_vendor(d);
	const char *names[3] = { NULL, NULL, NULL };
	bool have_rec = vfd_record_load(w->root, vfd_pcidev_get_slot(d), &rec) == 0;

	names[0] = drv;
	names[1] = have_rec ? rec.driver : NULL;
	for (size_t i = 0; i < 2; i++) {
		char *m;

		if (!names[i] || strcmp(names[i], "vfio-pci") == 0 ||
		    strcmp(names[i], "pci-stub") == 0 || strcmp(names[i], "pcieport") == 0)
			continue;
		m = driver_module(w->root, names[i]);
		if (!m) {
			b.oom = true;
			continue;
		}
		if (w->mods && vfd_modules_state(w->mods, m) == VFD_MODULE_BUILTIN) {
			const char *slot = vfd_pcidev_get_slot(d);
			struct vfd_finding *f;

			f = problem(w, "persist.driver-builtin", VFD_INFO, slot,
				    "%s: its driver %s is built into the kernel and binds first at "
				    "boot; the udev rule takes the device from it", slot, names[i]);

			if (f)
				finding_evidence(f, "/sys/module/%s: built in", m);
		} else {
			add_module(&b, m);
		}
		free(m);
	}
	if (have_rec)
		vfd_record_clear(&rec);
	if (vfd_class_is_display(cls)) {
		/* the drivers that claim GPUs of this vendor (nvidia: the proprietary one) */
		if (vendor == 0x10de) {
			add_module(&b, "nouveau");
			add_module(&b, "nvidia");
		} else if (vendor == 0x1002) {
			add_module(&b, "amdgpu");
			add_module(&b, "radeon");
		} else if (vendor == 0x8086) {
			add_module(&b, "i915");
			add_module(&b, "xe");
		}
	} else if (vfd_class_is_audio(cls) && (cls >> 8) == 0x0403) {
		add_module(&b, "snd_hda_intel");
	}
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	if (b.n)
		qsort(b.v, b.n, sizeof(*b.v), str_cmp);
	return strv_take(&b);
}

/* the devices an argument names: an address, or every device with those IDs */
static int resolve_arg(struct vfd_host *host, const char *arg, struct vfd_pcidev ***list,
		       size_t *n)
{
	struct vfd_devspec spec;
	size_t idx = 0, start = 0;
	bool any = false;

	if (vfd_devspec_parse(arg, &spec) < 0)
		return -EINVAL;
	while (vfd_host_lookup_next(host, &spec, start, &idx) == 0) {
		struct vfd_pcidev **nl = realloc(*list, (*n + 1) * sizeof(*nl));

		if (!nl)
			return -ENOMEM;
		*list = nl;
		(*list)[(*n)++] = vfd_host_device(host, idx);
		start = idx + 1;
		any = true;
	}
	return any ? 0 : -ENODEV;
}

/*
 * No group at all, and the firmware describes an IOMMU that the command line
 * keeps off (or this kernel does not turn on by itself): the one case where
 * persist must go on, since the edit that fixes it is its own. Not where no
 * file or tool holds the command line.
 */
static bool iommu_comes_on(struct work *w)
{
	if (vfd_host_count_groups(w->host) > 0 || w->sys.kargs == VFD_KARGS_NONE)
		return false;
	return vfd_root_existsf(w->root, "sys/firmware/acpi/tables/DMAR") ||
	       vfd_root_existsf(w->root, "sys/firmware/acpi/tables/IVRS");
}

/* bind's refusals for the devices to persist, as persist's problems */
static int judge_devices(struct work *w, const char *const *devices)
{
	struct vfd_bind_opts bo = { .allow_nonviable = true, .force = w->opts->force };
	struct vfd_plan bp;
	bool kept_fail = false;
	int r = vfd_plan_bind(w->host, devices, &bo, &bp);

	if (r < 0)
		return r;
	for (size_t i = 0; i < bp.problems.n; i++) {
		const struct vfd_finding *s = &bp.problems.findings[i];
		struct vfd_finding *f;
		char *id;

		if (strcmp(s->id, "bind.already") == 0)
			continue;
		if (strcmp(s->id, "bind.no-group") == 0 && iommu_comes_on(w)) {
			/* the group appears once the command line below turns the IOMMU on */
			f = problem(w, "persist.no-group-yet", VFD_WARN, s->device,
				    "%s has no IOMMU group yet: the IOMMU is off now; the kernel "
				    "command line below turns it on, and vfio-pci takes the device "
				    "after the reboot", s->device);
			if (f)
				finding_fix(f, "after the reboot: vfio-doctor check %s", s->device);
			continue;
		}
		kept_fail |= s->status == VFD_FAIL;
		id = xasprintf("persist.%s", strncmp(s->id, "bind.", 5) == 0 ? s->id + 5 : s->id);
		f = problem(w, id ? id : "persist.device", s->status, s->device, "%s", s->summary);
		free(id);
		for (char **e = s->evidence; f && e && *e; e++)
			finding_evidence(f, "%s", *e);
		for (char **x = s->fix; f && x && *x; x++)
			finding_fix(f, "%s", *x);
	}
	w->plan->refused |= bp.refused && kept_fail;
	vfd_plan_clear(&bp);
	return 0;
}

static int take_devices(struct work *w, const char *const *devices)
{
	struct vfd_pcidev **list = NULL;
	size_t n = 0;
	int r = 0;

	for (size_t a = 0; devices && devices[a] && r == 0; a++)
		r = resolve_arg(w->host, devices[a], &list, &n);
	for (size_t i = 0; i < n && r == 0; i++) {
		struct pdev *p = pstate_add_dev(&w->now, vfd_pcidev_get_slot(list[i]));

		if (!p) {
			r = -ENOMEM;
			break;
		}
		p->by_id = w->opts->by_id;
		p->vendor = vfd_pcidev_get_vendor(list[i]);
		p->device = vfd_pcidev_get_device(list[i]);
		p->mods = native_modules(w, list[i]);
		if (!p->mods)
			r = -ENOMEM;
	}
	free(list);
	return r;
}

/* --by-id takes every device with the IDs: name the ones not meant */
static void warn_shared(struct work *w)
{
	for (size_t i = 0; i < w->now.ndevs; i++) {
		const struct pdev *d = &w->now.devs[i];
		bool seen = false;

		for (size_t k = 0; k < i; k++)
			seen |= w->now.devs[k].by_id && w->now.devs[k].vendor == d->vendor &&
				w->now.devs[k].device == d->device;
		if (!d->by_id || seen)
			continue;
		for (size_t k = 0; k < vfd_host_count_devices(w->host); k++) {
			struct vfd_pcidev *h = vfd_host_device(w->host, k);
			const char *name;
			struct vfd_finding *f;

			if (vfd_pcidev_get_vendor(h) != d->vendor ||
			    vfd_pcidev_get_device(h) != d->device ||
			    pstate_dev(&w->now, vfd_pcidev_get_slot(h)))
				continue;
			name = vfd_host_device_name(w->host, d->vendor, d->device);
			f = problem(w, "persist.shared-ids", VFD_WARN, vfd_pcidev_get_slot(h),
				    "options vfio-pci ids=%04x:%04x also gives %s to vfio-pci at "
				    "boot (%s, now on %s)", d->vendor, d->device,
				    vfd_pcidev_get_slot(h), name ? name : "the same model",
				    driver_name_or_none(h));
			if (f)
				finding_fix(f, "persist by address instead (without --by-id): the "
					       "udev rule names %s alone", d->slot);
		}
	}
}

/* --undo DEVICE...: the recorded devices an argument names */
static int drop_devices(struct work *w, const char *const *devices)
{
	for (size_t a = 0; devices && devices[a]; a++) {
		struct vfd_devspec spec;
		char slot[16];
		bool any = false;

		if (vfd_devspec_parse(devices[a], &spec) < 0)
			return -EINVAL;
		vfd_bdf_format(&spec.bdf, slot, sizeof(slot));
		for (size_t i = w->now.ndevs; i-- > 0;) {
			const struct pdev *p = &w->now.devs[i];

			if (spec.by_id ? p->vendor == spec.vendor && p->device == spec.device
				       : strcmp(p->slot, slot) == 0) {
				pstate_drop_dev(&w->now, i);
				any = true;
			}
		}
		if (!any) {
			struct vfd_finding *f;

			f = problem(w, "persist.not-persisted", VFD_FAIL, NULL,
				    "'%s' is not persisted: nothing to undo for it", devices[a]);

			if (f)
				finding_evidence(f, "/" STATE_PATH ": no such device");
			w->plan->refused = true;
		}
	}
	return 0;
}

/* ---------------------------------------------------------- content */

/* the udev rule line for one device, ending in a newline */
static void rule_line(struct tbuf *b, const char *slot)
{
	/* udev: ATTR{} is written while the rules are read, RUN runs after all */
	tbuf_addf(b, "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"%s\", "
		     "ATTR{driver_override}=\"vfio-pci\", "
		     "RUN{builtin}+=\"kmod load vfio_pci\", "
		     "RUN+=\"/bin/sh -c '[ -e /sys/bus/pci/drivers/vfio-pci/%%k ] || "
		     "{ [ ! -e /sys/bus/pci/devices/%%k/driver ] || "
		     "echo %%k > /sys/bus/pci/devices/%%k/driver/unbind; "
		     "echo %%k > /sys/bus/pci/drivers_probe; }'\"\n", slot);
}

static char *render_rule(const struct pstate *s)
{
	struct tbuf b = { 0 };

	tbuf_adds(&b, WRITTEN_BY
		      "# One line per PCI device, matched by address as the kernel adds it: no\n"
		      "# driver but vfio-pci may take it (driver_override), vfio-pci is loaded,\n"
		      "# and the device is probed again, leaving a driver that got it first.\n");
	for (size_t i = 0; i < s->ndevs; i++)
		if (!s->devs[i].by_id)
			rule_line(&b, s->devs[i].slot);
	return tbuf_take(&b, NULL);
}

static const char hook_text[] =
	"#!/bin/sh\n"
	WRITTEN_BY
	"# Puts its udev rule into the initramfs, so that the devices it names go to\n"
	"# vfio-pci before a host driver loaded there can take them.\n"
	"[ \"$1\" = prereqs ] && exit 0\n"
	". /usr/share/initramfs-tools/hook-functions\n"
	"mkdir -p \"$DESTDIR/etc/udev/rules.d\"\n"
	"cp -p /" RULE_PATH " \"$DESTDIR/etc/udev/rules.d/\"\n";

static char *render_dracut(bool mods, bool rule)
{
	static const char mods_text[] =
		"# vfio-pci and its IOMMU backend in the initramfs, loaded early (the\n"
		"# softdeps of /etc/modprobe.d order them before the host drivers).\n"
		"force_drivers+=\" vfio vfio_iommu_type1 vfio_pci \"\n";
	static const char rule_text[] =
		"# The udev rule that gives the devices to vfio-pci, in the initramfs.\n"
		"install_items+=\" /" RULE_PATH " \"\n";

	return xasprintf(WRITTEN_BY "%s%s", mods ? mods_text : "", rule ? rule_text : "");
}

static void strv_push_unique(char ***v, const char *s)
{
	size_t n = vfd_strv_len(*v);
	char **nv;

	for (size_t i = 0; i < n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	nv = realloc(*v, (n + 2) * sizeof(*nv));
	if (!nv)
		return;
	*v = nv;
	nv[n] = strdup(s);
	nv[n + (nv[n] != NULL)] = NULL;
}

/* modprobe.d files in name order, for what they already say */
static int modprobe_others(struct work *w, struct modprobe_info *info, char **later_ids)
{
	struct dirent *de;
	DIR *dir = vfd_root_opendirf(w->root, "etc/modprobe.d");
	char **names = NULL;
	size_t n = 0;
	int r = 0;

	*later_ids = NULL;
	while (dir && (de = readdir(dir))) {
		size_t l = strlen(de->d_name);
		char **nn;

		if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0 || de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 2) * sizeof(*nn));
		if (!nn) {
			r = -ENOMEM;
			break;
		}
		names = nn;
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			break;
		}
		names[++n] = NULL;
	}
	if (dir)
		closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), str_cmp);
	for (size_t i = 0; i < n && r == 0; i++) {
		struct modprobe_info one = { 0 };
		struct edit_error e = { 0 };
		char *text = NULL, *path = xasprintf("etc/modprobe.d/%s", names[i]);
		size_t len = 0;

		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (read_file(w->root, path, &text, &len, NULL) == 1 &&
		    modprobe_parse(text, len, &one, &e) == 0) {
			for (char **m = one.softdeps; m && *m; m++)
				strv_push_unique(&info->softdeps, *m);
			for (char **m = one.softdeps_vfio; m && *m; m++)
				strv_push_unique(&info->softdeps_vfio, *m);
			for (char **m = one.vfio_ids; m && *m; m++)
				strv_push_unique(&info->vfio_ids, *m);
			/* a file read after vfio.conf overrides its ids= */
			if (one.vfio_ids && strcmp(names[i], "vfio.conf") > 0 && !*later_ids)
				*later_ids = strdup(path);
		}
		modprobe_info_clear(&one);
		free(text);
		free(path);
	}
	vfd_strv_free(names);
	return r;
}

/* ------------------------------------------------------------ steps */

static void forget_tokens(struct pstate *s, const char *path)
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

/* @text when @want (an allocation failure is remembered), else NULL; takes @text */
static char *wanted(struct work *w, bool want, char *text)
{
	if (!want) {
		free(text);
		return NULL;
	}
	if (!text)
		w->err = -ENOMEM;
	return text;
}

/* a whole file persist owns: @new, or none when NULL (takes @new) */
static void step_owned(struct work *w, const char *path, char *new, unsigned int mode,
		       const char *why)
{
	char *old = NULL;
	size_t len = 0;
	unsigned int omode = mode;
	struct edit_error e = { 0 };
	int r;

	if (w->err) {
		free(new);
		return;
	}
	r = read_file(w->root, path, &old, &len, &omode);
	if (r < 0) {
		free(new);
		problem_edit(w, path, &e, r);
		keep(w, path);
		return;
	}
	settle(w, path, r == 1, old, len, omode, new, new ? strlen(new) : 0, mode, why);
}

/* persist's block in a file others own too, holding @lines (none: no block) */
static void step_block(struct work *w, const char *path, char **lines, const char *why)
{
	char *old = NULL, *out = NULL;
	size_t len = 0, olen = 0;
	unsigned int mode = 0644;
	struct edit_error e = { 0 };
	int r = read_file(w->root, path, &old, &len, &mode);

	if (r >= 0)
		r = block_set(old ? old : "", len, (const char *const *)lines, &out, &olen, &e);
	if (r < 0) {
		free(old);
		problem_edit(w, path, &e, r);
		keep(w, path);
		return;
	}
	settle(w, path, old != NULL, old, len, mode, out, olen, 0644, why);
}

static void join_into(struct tbuf *b, char **v, const char *sep)
{
	for (size_t i = 0; v && v[i]; i++)
		tbuf_addf(b, "%s%s", i ? sep : "", v[i]);
}

static void step_modprobe(struct work *w)
{
	struct strv_builder lines = { 0 }, mods = { 0 }, ids = { 0 };
	struct modprobe_info info = { 0 };
	char *later = NULL, *why;
	struct tbuf wb = { 0 };
	int r = 0;

	if (!w->vfio_builtin && w->now.ndevs)
		r = modprobe_others(w, &info, &later);
	if (r < 0) {
		w->err = r;
		return;
	}
	for (size_t i = 0; !w->vfio_builtin && i < w->now.ndevs; i++)
		for (char **m = w->now.devs[i].mods; m && *m; m++)
			add_module(&mods, *m);
	if (mods.n)
		qsort(mods.v, mods.n, sizeof(*mods.v), str_cmp);
	for (size_t i = 0; i < mods.n; i++) {
		bool vfio = false, other = false;

		for (char **m = info.softdeps_vfio; m && *m; m++)
			vfio |= module_name_eq(*m, mods.v[i]);
		for (char **m = info.softdeps; m && *m; m++)
			other |= module_name_eq(*m, mods.v[i]);
		if (vfio)
			continue;
		if (other) {
			struct vfd_finding *f;

			f = problem(w, "persist.softdep-conflict", VFD_WARN, NULL,
				    "%s already has a softdep line without vfio-pci: a second one "
				    "would not add to it", mods.v[i]);

			if (f)
				finding_fix(f, "add vfio-pci to the pre: list of the softdep %s line "
					       "in /etc/modprobe.d", mods.v[i]);
			continue;
		}
		strv_addf(&lines, "softdep %s pre: vfio-pci", mods.v[i]);
	}
	if (w->any_id && !w->vfio_builtin) {
		struct tbuf b = { 0 };

		/* one ids= for all: a later ids= line replaces an earlier one */
		for (char **id = info.vfio_ids; id && *id; id++)
			strv_addf(&ids, "%s", *id);
		for (size_t i = 0; i < w->now.ndevs; i++) {
			char id[16];
			bool seen = false;

			if (!w->now.devs[i].by_id)
				continue;
			snprintf(id, sizeof(id), "%04x:%04x", w->now.devs[i].vendor,
				 w->now.devs[i].device);
			for (size_t k = 0; k < ids.n; k++)
				seen |= strcasecmp(ids.v[k], id) == 0;
			if (!seen)
				strv_addf(&ids, "%s", id);
		}
		tbuf_adds(&b, "options vfio-pci ids=");
		join_into(&b, ids.v, ",");
		{
			char *line = tbuf_take(&b, NULL);

			if (line)
				strv_addf(&lines, "%s", line);
			else
				lines.oom = true;
			free(line);
		}
		if (later) {
			struct vfd_finding *f;

			f = problem(w, "persist.ids-override", VFD_WARN, NULL,
				    "/%s is read after /" MODPROBE_PATH " and sets vfio-pci ids= "
				    "too: its list replaces this one", later);

			if (f)
				finding_fix(f, "keep one 'options vfio-pci ids=' line");
		}
	}
	if (mods.n) {
		tbuf_adds(&wb, "modprobe: load vfio-pci before ");
		join_into(&wb, mods.v, ", ");
	}
	if (ids.n) {
		tbuf_addf(&wb, "%soptions vfio-pci ids=", mods.n ? "; " : "modprobe: ");
		join_into(&wb, ids.v, ",");
	}
	if (!mods.n && !ids.n)
		tbuf_adds(&wb, "modprobe: nothing for vfio-pci any more");
	why = tbuf_take(&wb, NULL);
	if (lines.oom || !why)
		w->err = -ENOMEM;
	else
		step_block(w, MODPROBE_PATH, lines.v, why);
	free(why);
	free(later);
	strv_builder_clear(&lines);
	strv_builder_clear(&mods);
	strv_builder_clear(&ids);
	modprobe_info_clear(&info);
}

static void step_initramfs_tools(struct work *w, bool want, bool rule)
{
	struct strv_builder lines = { 0 };
	char *text = NULL, *outside = NULL, **names = NULL;
	size_t len = 0, olen = 0;
	struct edit_error e = { 0 };

	/* the modules the file already lists outside persist's block stay as they are */
	if (want && read_file(w->root, ITMODULES_PATH, &text, &len, NULL) == 1 &&
	    block_set(text, len, NULL, &outside, &olen, &e) == 0)
		modules_file_names(outside, olen, &names);
	for (const char *const *m = vfio_modules; want && *m; m++) {
		bool listed = false;

		for (char **n = names; n && *n; n++)
			listed |= module_name_eq(*n, *m);
		if (!listed)
			strv_addf(&lines, "%s", *m);
	}
	if (lines.oom)
		w->err = -ENOMEM;
	else
		step_block(w, ITMODULES_PATH, lines.v, "initramfs-tools: load vfio-pci early");
	strv_builder_clear(&lines);
	vfd_strv_free(names);
	free(text);
	free(outside);
	step_owned(w, HOOK_PATH, wanted(w, rule, strdup(hook_text)), 0755,
		   "initramfs-tools: put the udev rule into the initramfs");
}

/*
 * booster (Arch) reads /etc/booster.yaml; its modules_force_load key lists the
 * modules loaded in the initramfs before anything else (booster(1)). persist
 * owns a block holding that key, unless the user's part of the file sets it
 * already: YAML takes a key once, so then the user adds the modules.
 */
static void step_booster(struct work *w, bool want)
{
	static const char *const line[] = {
		"modules_force_load: vfio_pci,vfio,vfio_iommu_type1", NULL,
	};
	char *text = NULL, *outside = NULL;
	size_t len = 0, olen = 0;
	struct edit_error e = { 0 };
	bool theirs = false;

	if (read_file(w->root, BOOSTER_PATH, &text, &len, NULL) == 1 &&
	    block_set(text, len, NULL, &outside, &olen, &e) == 0)
		for (const char *p = outside; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			theirs |= strncmp(p, "modules_force_load:", 19) == 0;
	free(text);
	free(outside);
	if (theirs && want) {
		struct vfd_finding *f = problem(w, "persist.booster", VFD_WARN, NULL,
						"/" BOOSTER_PATH " sets modules_force_load itself: "
						"vfio-pci is not added to it");

		if (f)
			finding_fix(f, "add vfio_pci,vfio,vfio_iommu_type1 to the front of its "
				       "modules_force_load list, then /usr/lib/booster/regenerate_images");
		keep(w, BOOSTER_PATH);
		return;
	}
	step_block(w, BOOSTER_PATH, want ? (char **)line : NULL, "booster: load vfio-pci early");
}

static void step_mkinitcpio(struct work *w, bool want, bool rule)
{
	static const char *const rule_file[] = { "/" RULE_PATH, NULL };
	char *old = NULL, *mid = NULL, *out = NULL, **hooks = NULL;
	size_t len = 0, mlen = 0, olen = 0;
	unsigned int mode = 0644;
	struct edit_error e = { 0 };
	int r = read_file(w->root, MKINITCPIO_PATH, &old, &len, &mode);

	if (r == 0) {
		if (want || rule)
			problem(w, "persist.no-initramfs-config", VFD_WARN, NULL,
				"mkinitcpio is installed but /" MKINITCPIO_PATH " is missing: add "
				"vfio_pci vfio vfio_iommu_type1 to MODULES by hand");
		keep(w, MKINITCPIO_PATH);
		return;
	}
	if (r > 0)
		r = edit_tokens(w, MKINITCPIO_PATH, "MODULES", modules_editor, old, len,
				want ? mkinitcpio_modules : NULL, NULL, &mid, &mlen, &e);
	if (r >= 0)
		r = edit_tokens(w, MKINITCPIO_PATH, "FILES", files_editor, mid, mlen,
				rule ? rule_file : NULL, NULL, &out, &olen, &e);
	free(mid);
	if (r < 0) {
		free(old);
		forget_tokens(&w->now, MKINITCPIO_PATH);
		problem_edit(w, MKINITCPIO_PATH, &e, r);
		keep(w, MKINITCPIO_PATH);
		return;
	}
	if ((want || rule) && sh_get_words(out, olen, "HOOKS", &hooks, NULL) == 0) {
		bool modconf = false, udev = false;

		for (char **h = hooks; *h; h++) {
			modconf |= strcmp(*h, "modconf") == 0;
			udev |= strcmp(*h, "udev") == 0 || strcmp(*h, "systemd") == 0;
		}
		if (!modconf && want)
			problem(w, "persist.mkinitcpio-hooks", VFD_WARN, NULL,
				"HOOKS in /" MKINITCPIO_PATH " has no modconf: the softdeps of "
				"/etc/modprobe.d stay out of the initramfs");
		if (!udev && rule)
			problem(w, "persist.mkinitcpio-hooks", VFD_WARN, NULL,
				"HOOKS in /" MKINITCPIO_PATH " has neither udev nor systemd: the "
				"udev rule does not run in the initramfs");
		vfd_strv_free(hooks);
	}
	settle(w, MKINITCPIO_PATH, true, old, len, mode, out, olen, mode,
	       want ? "mkinitcpio: vfio-pci first in MODULES"
		    : rule ? "mkinitcpio: the udev rule in FILES"
			   : "mkinitcpio: take out what persist added");
}

/*
 * The IOMMU words the command line needs, with why (the check layer's
 * reasoning). Intel: intel_iommu=on unless this kernel turns the IOMMU on by
 * itself (CONFIG_INTEL_IOMMU_DEFAULT_ON, drivers/iommu/intel/Kconfig: default y
 * upstream, off in some distribution kernels). AMD: nothing; the AMD IOMMU
 * starts whenever the firmware has an IVRS table, amd_iommu= only takes "off"
 * and tuning words (Documentation/admin-guide/kernel-parameters.txt), so an
 * amd_iommu=on is removed instead.
 */
static void iommu_wants(struct work *w, struct strv_builder *add, char **why)
{
	const char *rel = vfd_host_get_release(w->host);
	char *config = NULL, *proc = NULL;
	struct vfd_cmdline_token *t = NULL;
	int n = 0;
	bool on_now = false;

	*why = NULL;
	if (!vfd_root_existsf(w->root, "sys/firmware/acpi/tables/DMAR"))
		return;
	if (rel && vfd_root_read_filef(w->root, 1 << 22, &config, NULL, "boot/config-%s",
				       rel) == 0 &&
	    (strstr(config, "\nCONFIG_INTEL_IOMMU_DEFAULT_ON=y") ||
	     strstr(config, "\nCONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y"))) {
		free(config);
		return;
	}
	free(config);
	if (vfd_root_readf_str(w->root, &proc, "proc/cmdline") == 0)
		n = vfd_cmdline_split(proc, &t);
	for (int i = 0; i < n; i++)
		if (strcmp(t[i].key, "intel_iommu") == 0 && t[i].value &&
		    (strcmp(t[i].value, "on") == 0 || strncmp(t[i].value, "on,", 3) == 0 ||
		     strstr(t[i].value, ",on")))
			on_now = true;
	vfd_cmdline_free(t, n > 0 ? n : 0);
	free(proc);
	/* on without being asked: the kernel's default is on */
	if (vfd_host_count_groups(w->host) > 0 && !on_now)
		return;
	strv_addf(add, "intel_iommu=on");
	*why = strdup("ACPI DMAR table; this kernel does not turn the Intel IOMMU on by itself");
}

/*
 * iommu=pt (the host's own devices bypass translation) is a choice, not a fix:
 * only with --iommu-pt, and kept by later runs once persist added it.
 */
static void cmdline_wants(struct work *w, struct strv_builder *add, char **why)
{
	bool pt = w->opts->iommu_pt;

	iommu_wants(w, add, why);
	for (size_t i = 0; i < w->old.ntoks && !pt; i++)
		pt = w->old.toks[i].added && strcmp(w->old.toks[i].token, "iommu=pt") == 0;
	if (!pt)
		return;
	strv_addf(add, "iommu=pt");
	if (!*why)
		*why = strdup("asked for with --iommu-pt");
}

/* a command line for /etc/kernel/cmdline from the running one, as kernel-install makes it */
static char *seed_kcmdline(struct work *w)
{
	struct tbuf b = { 0 };
	char *proc = NULL;
	bool first = true;

	if (vfd_root_read_filef(w->root, 1 << 16, &proc, NULL, "proc/cmdline") < 0)
		return NULL;
	/* words as written (quotes kept); only the loader's own are left out */
	for (char *p = proc, *s; (s = strsep(&p, " \t\n"));) {
		if (!*s || strncmp(s, "BOOT_IMAGE=", 11) == 0 || strncmp(s, "initrd=", 7) == 0)
			continue;
		tbuf_addf(&b, "%s%s", first ? "" : " ", s);
		first = false;
	}
	tbuf_adds(&b, "\n");
	free(proc);
	return tbuf_take(&b, NULL);
}

static bool mentions_any(const char *text, size_t len, const char *const *words)
{
	for (; *words; words++)
		if (memmem(text, len, *words, strlen(*words)))
			return true;
	return false;
}

/* grub-mkconfig reads /etc/default/grub.d/\*.cfg after the file: a value there wins */
static void warn_grub_dropins(struct work *w)
{
	struct dirent *de;
	DIR *dir = vfd_root_opendirf(w->root, "etc/default/grub.d");

	while (dir && (de = readdir(dir))) {
		size_t l = strlen(de->d_name);
		char *text = NULL;
		size_t len = 0;

		if (l < 5 || strcmp(de->d_name + l - 4, ".cfg") != 0)
			continue;
		if (vfd_root_read_filef(w->root, MAX_FILE, &text, &len, "etc/default/grub.d/%s",
					de->d_name) == 0 &&
		    memmem(text, len, GRUB_KEY "=", strlen(GRUB_KEY) + 1)) {
			struct vfd_finding *f;

			f = problem(w, "persist.grub-dropin", VFD_WARN, NULL,
				    "/etc/default/grub.d/%s sets " GRUB_KEY " after /" GRUB_PATH
				    ": its value replaces the one edited there", de->d_name);

			if (f)
				finding_fix(f, "make the same change in /etc/default/grub.d/%s",
					    de->d_name);
		}
		free(text);
	}
	if (dir)
		closedir(dir);
}

/* record what a command line file edit did, for the commands that follow it */
static void note_words(struct strv_builder *b, char **words)
{
	for (char **t = words; t && *t; t++) {
		bool seen = false;

		for (size_t i = 0; i < b->n; i++)
			seen |= strcmp(b->v[i], *t) == 0;
		if (!seen)
			strv_addf(b, "%s", *t);
	}
}

/* one file holding the command line: @want added, the words that keep the IOMMU off removed */
static void cmdline_file(struct work *w, const char *path, const char *key,
			 const struct strv_builder *want, const char *why)
{
	const char *const *rm = w->now.ndevs ? cmdline_remove : NULL;
	char *old = NULL, *out = NULL, **added = NULL, **removed = NULL;
	size_t len = 0, olen = 0;
	unsigned int mode = 0644;
	struct edit_error e = { 0 };
	bool existed;
	int r;

	r = read_file(w->root, path, &old, &len, &mode);
	existed = r == 1;
	if (r == 0 && strcmp(path, KCMDLINE_PATH) == 0 && (want->n || pstate_file(&w->old, path))) {
		old = seed_kcmdline(w);
		len = old ? strlen(old) : 0;
		if (!old)
			r = -ENOENT;
	}
	if (r < 0) {
		problem_edit(w, path, &e, r);
		keep(w, path);
		return;
	}
	if (!old)
		return;
	r = edit_tokens_any(w, path, key, editor_for(path, key), old, len,
			    (const char *const *)want->v, rm, &out, &olen, &added, &removed, &e);
	if (r < 0) {
		forget_tokens(&w->now, path);
		/* nothing wanted and nothing persist's: an unreadable file is not our business */
		if (r == -EINVAL && !want->n && !pstate_file(&w->old, path) &&
		    !mentions_any(old, len, cmdline_remove)) {
			free(old);
			return;
		}
		free(old);
		problem_edit(w, path, &e, r);
		keep(w, path);
		return;
	}
	if (!existed) {
		/* the seed is what kernel-install used so far: the file is new */
		free(old);
		old = NULL;
		len = 0;
	}
	note_words(&w->cmd_added, added);
	note_words(&w->cmd_removed, removed);
	{
		struct tbuf b = { 0 };
		char *text;

		tbuf_adds(&b, "kernel command line:");
		if (added && added[0]) {
			tbuf_adds(&b, " add ");
			join_into(&b, added, " ");
			if (why)
				tbuf_addf(&b, " (%s)", why);
		}
		if (removed && removed[0]) {
			tbuf_addf(&b, "%s remove ", added && added[0] ? ";" : "");
			join_into(&b, removed, " ");
		}
		if ((!added || !added[0]) && (!removed || !removed[0]))
			tbuf_adds(&b, " IOMMU options");
		text = tbuf_take(&b, NULL);
		settle(w, path, existed, old, len, mode, out, olen, 0644,
		       text ? text : "kernel command line");
		free(text);
	}
	vfd_strv_free(added);
	vfd_strv_free(removed);
}

/* every systemd-boot entry, as grubby's ALL: each one boots with its own options */
static void cmdline_entries(struct work *w, const struct strv_builder *want, const char *why)
{
	struct strv_builder names = { 0 };
	DIR *dir = vfd_root_opendirf(w->root, "%s", w->sys.entries_dir);
	struct dirent *de;

	while (dir && (de = readdir(dir))) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] != '.' && l > 5 && strcmp(de->d_name + l - 5, ".conf") == 0)
			strv_addf(&names, "%s/%s", w->sys.entries_dir, de->d_name);
	}
	if (dir)
		closedir(dir);
	if (names.oom) {
		w->err = -ENOMEM;
		strv_builder_clear(&names);
		return;
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), str_cmp);
	for (size_t i = 0; i < names.n && !w->err; i++)
		cmdline_file(w, names.v[i], ENTRY_KEY, want, why);
	strv_builder_clear(&names);
}

/*
 * Platforms whose command line a tool keeps (kernelstub, rpm-ostree, bootc,
 * NixOS, Unraid): nothing to edit here; describe() gives the words to the
 * tool. The running command line says what is there already.
 */
static void cmdline_by_tool(struct work *w, const struct strv_builder *want)
{
	struct vfd_cmdline_token *t = NULL;
	char *proc = NULL;
	int n = 0;

	if (vfd_root_readf_str(w->root, &proc, "proc/cmdline") == 0)
		n = vfd_cmdline_split(proc, &t);
	for (size_t i = 0; i < want->n; i++) {
		bool there = false;

		for (int k = 0; k < n && !there; k++) {
			char *word = t[k].value ? xasprintf("%s=%s", t[k].key, t[k].value)
						: strdup(t[k].key);

			there = word && strcmp(word, want->v[i]) == 0;
			free(word);
		}
		if (!there)
			strv_addf(&w->cmd_added, "%s", want->v[i]);
	}
	for (const char *const *r = cmdline_remove; w->now.ndevs && *r; r++)
		for (int k = 0; k < n; k++) {
			char *word = t[k].value ? xasprintf("%s=%s", t[k].key, t[k].value)
						: strdup(t[k].key);

			if (word && strcmp(word, *r) == 0)
				note_words(&w->cmd_removed, (char *[]){ word, NULL });
			free(word);
		}
	vfd_cmdline_free(t, n > 0 ? n : 0);
	free(proc);
}

static void step_cmdline(struct work *w)
{
	struct strv_builder want = { 0 };
	enum vfd_kargs kargs;
	char *why = NULL;

	if (w->now.ndevs)
		cmdline_wants(w, &want, &why);
	if (want.oom) {
		w->err = -ENOMEM;
		goto out;
	}
	kargs = w->sys.kargs;
	/* the table's word over the files: a platform that never reads it is not told */
	if ((kargs == VFD_KARGS_GRUB || kargs == VFD_KARGS_GRUBBY) &&
	    platform_never(&w->sys, VFD_NEVER_GRUB_DEFAULT))
		kargs = VFD_KARGS_NONE;
	switch (kargs) {
	case VFD_KARGS_GRUB:
	case VFD_KARGS_GRUBBY:
		if (w->now.ndevs)
			warn_grub_dropins(w);
		cmdline_file(w, GRUB_PATH, w->sys.kargs == VFD_KARGS_GRUBBY ? GRUB_KEY_ALL : GRUB_KEY,
			     &want, why);
		/*
		 * Fedora's kernel-install plugin 20-grub takes a new kernel's options
		 * from /etc/kernel/cmdline where the installer wrote one: keep it in step
		 * (never created here).
		 */
		if (w->sys.kargs == VFD_KARGS_GRUBBY &&
		    (vfd_root_existsf(w->root, KCMDLINE_PATH) || pstate_file(&w->old, KCMDLINE_PATH)))
			cmdline_file(w, KCMDLINE_PATH, KCMDLINE_KEY, &want, why);
		break;
	case VFD_KARGS_KCMDLINE:
		cmdline_file(w, KCMDLINE_PATH, KCMDLINE_KEY, &want, why);
		break;
	case VFD_KARGS_ENTRIES:
		cmdline_entries(w, &want, why);
		break;
	case VFD_KARGS_NONE: {
		struct vfd_finding *f;

		if (!want.n)
			break;
		f = problem(w, "persist.no-bootloader", VFD_WARN, NULL,
			    "no bootloader configuration found (/" GRUB_PATH ", /" KCMDLINE_PATH
			    ", systemd-boot entries): add %s to the kernel command line by hand",
			    want.v[0]);
		if (f)
			finding_evidence(f, "%s", why);
		break;
	}
	default:
		cmdline_by_tool(w, &want);
		if (why && w->cmd_added.n)
			w->cmd_why = strdup(why);
		break;
	}
	if (w->cmd_added.oom || w->cmd_removed.oom)
		w->err = -ENOMEM;
out:
	free(why);
	strv_builder_clear(&want);
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
	r = add_change(w, STATE_PATH, old, oldlen, existed, new, new ? strlen(new) : 0, 0644,
		       false, false, new ? "the record of what persist set up (for --undo)"
					 : "the record of what persist set up: nothing is left");
	if (r < 0) {
		free(old);
		free(new);
		w->err = r;
	}
}

/* "--flag=a --flag=b" for each word of @v */
static void flags_into(struct tbuf *b, const char *flag, const struct strv_builder *v)
{
	for (size_t i = 0; i < v->n; i++)
		tbuf_addf(b, " %s='%s'", flag, v->v[i]);
}

/* the words in one quoted list: 'a b' */
static char *quoted_words(const struct strv_builder *v)
{
	struct tbuf b = { 0 };

	tbuf_adds(&b, "'");
	join_into(&b, v->v, " ");
	tbuf_adds(&b, "'");
	return tbuf_take(&b, NULL);
}

/* the commands that make the kernel command line edit (or the tool's words) take effect */
static void boot_commands(struct work *w, struct strv_builder *cmds)
{
	const struct strv_builder *add = &w->cmd_added, *rem = &w->cmd_removed;
	struct tbuf b = { 0 };
	char *s;

	switch (w->sys.kargs) {
	case VFD_KARGS_GRUB:
		if (w->boot_changed)
			strv_addf(cmds, "%s", platform_grub_update(&w->sys));
		return;
	case VFD_KARGS_GRUBBY:
		/* /etc/default/grub is for new kernels; grubby puts the words into every entry */
		if (!add->n && !rem->n)
			return;
		tbuf_adds(&b, "grubby --update-kernel=ALL");
		if (add->n) {
			s = quoted_words(add);
			tbuf_addf(&b, " --args=%s", s ? s : "");
			free(s);
		}
		if (rem->n) {
			s = quoted_words(rem);
			tbuf_addf(&b, " --remove-args=%s", s ? s : "");
			free(s);
		}
		break;
	case VFD_KARGS_KCMDLINE:
		if (w->boot_changed)
			strv_addf(cmds, "%s", platform_kcmdline_refresh(&w->sys));
		return;
	case VFD_KARGS_KERNELSTUB:
		if (rem->n) {
			s = quoted_words(rem);
			strv_addf(cmds, "kernelstub -d %s", s ? s : "");
			free(s);
		}
		if (add->n) {
			s = quoted_words(add);
			strv_addf(cmds, "kernelstub -a %s", s ? s : "");
			free(s);
		}
		return;
	case VFD_KARGS_RPM_OSTREE:
		if (!add->n && !rem->n)
			return;
		tbuf_adds(&b, "rpm-ostree kargs");
		flags_into(&b, "--append", add);
		flags_into(&b, "--delete", rem);
		break;
	default:
		return;
	}
	s = tbuf_take(&b, NULL);
	if (s)
		strv_addf(cmds, "%s", s);
	else
		cmds->oom = true;
	free(s);
}

/*
 * rpm-ostree builds the initramfs on the host only when told to (rpm-ostree(1):
 * initramfs --enable, its --arg handed to dracut, and initramfs-etc --track to
 * carry /etc files into it); /etc/dracut.conf.d is not read for the image's one.
 */
static void ostree_initramfs_commands(struct work *w, struct strv_builder *cmds)
{
	bool had = w->old.ndevs > 0;

	if (w->now.ndevs && !w->vfio_builtin)
		strv_addf(cmds, "rpm-ostree initramfs --enable --arg=--force-drivers "
				"--arg='vfio vfio_iommu_type1 vfio_pci'");
	if (w->now.ndevs)
		strv_addf(cmds, "rpm-ostree initramfs-etc --track=/" MODPROBE_PATH "%s",
			  w->any_address ? " --track=/" RULE_PATH : "");
	else if (had)
		strv_addf(cmds, "rpm-ostree initramfs-etc --untrack=/" MODPROBE_PATH
				" --untrack=/" RULE_PATH);
}

/*
 * NixOS and Unraid take no file from persist: NixOS builds /etc from
 * configuration.nix, Unraid unpacks its root into RAM at each boot. The same
 * setup is given as the lines to put where the platform reads them.
 */
static void print_only(struct work *w)
{
	struct strv_builder lines = { 0 }, mods = { 0 }, ids = { 0 };
	struct vfd_finding *f;
	char *s;

	if (!w->now.ndevs) {
		f = problem(w, "persist.by-hand", VFD_INFO, NULL,
			    "%s keeps no file of persist's: take out the lines you added for "
			    "vfio-doctor by hand", w->sys.platform->name);
		return;
	}
	for (size_t i = 0; i < w->now.ndevs; i++)
		for (char **m = w->now.devs[i].mods; m && *m; m++)
			add_module(&mods, *m);
	for (size_t i = 0; i < w->now.ndevs; i++)
		if (w->now.devs[i].by_id || w->sys.kargs == VFD_KARGS_SYSLINUX)
			strv_addf(&ids, "%04x:%04x", w->now.devs[i].vendor, w->now.devs[i].device);
	if (w->sys.kargs == VFD_KARGS_NIXOS) {
		/* NixOS options: boot.kernelParams, boot.initrd.kernelModules, boot.extraModprobeConfig */
		struct tbuf b = { 0 };

		s = platform_nix_list("boot.kernelParams", (const char *const *)w->cmd_added.v);
		if (w->cmd_added.n && s)
			strv_addf(&lines, "%s", s);
		free(s);
		s = platform_nix_list("boot.initrd.kernelModules", vfio_modules);
		if (s && !w->vfio_builtin)
			strv_addf(&lines, "%s", s);
		free(s);
		for (size_t i = 0; !w->vfio_builtin && i < mods.n; i++)
			tbuf_addf(&b, "%ssoftdep %s pre: vfio-pci", b.len ? "\\n" : "", mods.v[i]);
		if (ids.n) {
			tbuf_addf(&b, "%soptions vfio-pci ids=", b.len ? "\\n" : "");
			join_into(&b, ids.v, ",");
		}
		s = tbuf_take(&b, NULL);
		if (s && *s)
			strv_addf(&lines, "boot.extraModprobeConfig = \"%s\";", s);
		free(s);
		/* the same rule as persist's udev file, in a Nix '' string (no '' or ${ in it) */
		tbuf_clear(&b);
		for (size_t i = 0; i < w->now.ndevs; i++)
			if (!w->now.devs[i].by_id)
				rule_line(&b, w->now.devs[i].slot);
		s = tbuf_take(&b, NULL);
		if (s && *s) {
			s[strlen(s) - 1] = '\0';
			strv_addf(&lines, "services.udev.extraRules = ''%s'';", s);
		}
		free(s);
		for (size_t i = 0; i < w->cmd_removed.n; i++)
			strv_addf(&lines, "take \"%s\" out of boot.kernelParams", w->cmd_removed.v[i]);
		f = problem(w, "persist.nixos", VFD_INFO, NULL,
			    "NixOS builds /etc from its configuration: put these lines into "
			    "/etc/nixos/configuration.nix (persist writes no file here)");
	} else {
		/*
		 * Unraid 6.9+: /boot/config/vfio-pci.cfg holds BIND=ADDRESS|VENDOR:DEVICE
		 * entries, bound to vfio-pci early in boot (Tools > System Devices writes
		 * it); the kernel command line is the append line of syslinux.cfg.
		 */
		struct tbuf b = { 0 };

		tbuf_adds(&b, "BIND=");
		for (size_t i = 0; i < w->now.ndevs; i++)
			tbuf_addf(&b, "%s%s|%04x:%04x", i ? " " : "", w->now.devs[i].slot,
				  w->now.devs[i].vendor, w->now.devs[i].device);
		s = tbuf_take(&b, NULL);
		if (s)
			strv_addf(&lines, "/boot/config/vfio-pci.cfg: %s", s);
		free(s);
		for (size_t i = 0; i < w->cmd_added.n; i++)
			strv_addf(&lines, "/boot/syslinux/syslinux.cfg: add %s to the append line of "
					  "the default label", w->cmd_added.v[i]);
		for (size_t i = 0; i < w->cmd_removed.n; i++)
			strv_addf(&lines, "/boot/syslinux/syslinux.cfg: remove %s from the append "
					  "line", w->cmd_removed.v[i]);
		f = problem(w, "persist.unraid", VFD_INFO, NULL,
			    "Unraid rebuilds /etc at every boot: its settings live on the flash "
			    "device under /boot (persist writes no file here)");
	}
	for (size_t i = 0; f && i < lines.n; i++)
		finding_fix(f, "%s", lines.v[i]);
	if (lines.oom || mods.oom || ids.oom)
		w->err = -ENOMEM;
	strv_builder_clear(&lines);
	strv_builder_clear(&mods);
	strv_builder_clear(&ids);
}

/* bootc: the kernel arguments and the initramfs are the image's */
static void bootc_steps(struct work *w)
{
	struct vfd_finding *f;
	struct tbuf b = { 0 };
	char *s;

	if (!w->now.ndevs || (!w->cmd_added.n && w->vfio_builtin))
		return;
	f = problem(w, "persist.bootc", VFD_INFO, NULL,
		    "a bootc host boots its image's kernel arguments and initramfs: build "
		    "them into the image");
	if (!f)
		return;
	if (w->cmd_added.n) {
		tbuf_adds(&b, "kargs = [");
		for (size_t i = 0; i < w->cmd_added.n; i++)
			tbuf_addf(&b, "%s\"%s\"", i ? ", " : "", w->cmd_added.v[i]);
		tbuf_adds(&b, "]");
		s = tbuf_take(&b, NULL);
		finding_fix(f, "/usr/lib/bootc/kargs.d/50-vfio.toml: %s", s ? s : "");
		free(s);
	}
	if (!w->vfio_builtin)
		finding_fix(f, "/usr/lib/dracut/dracut.conf.d/50-vfio.conf: force_drivers+=\" vfio "
			       "vfio_iommu_type1 vfio_pci \" (then dracut in the image build)");
	finding_fix(f, "then: bootc upgrade (or bootc switch to the new image)");
}

static void describe(struct work *w)
{
	struct strv_builder cmds = { 0 }, devs = { 0 };
	size_t before;

	for (size_t i = 0; i < w->now.ndevs; i++) {
		const struct pdev *d = &w->now.devs[i];
		struct tbuf b = { 0 };
		char *s;

		tbuf_addf(&b, "%s (%04x:%04x) by %s", d->slot, d->vendor, d->device,
			  w->sys.kargs == VFD_KARGS_NIXOS ? "the lines above"
			  : w->sys.kargs == VFD_KARGS_SYSLINUX ? "vfio-pci.cfg (BIND=)"
			  : d->by_id ? "ID (options vfio-pci ids=)" : "address (udev rule)");
		if (d->mods && d->mods[0] && !w->vfio_builtin &&
		    w->sys.kargs != VFD_KARGS_SYSLINUX) {
			tbuf_adds(&b, "; vfio-pci loads before ");
			join_into(&b, d->mods, ", ");
		}
		s = tbuf_take(&b, NULL);
		if (s)
			strv_addf(&devs, "%s", s);
		else
			devs.oom = true;
		free(s);
	}
	if (w->initramfs_changed && platform_initramfs_update(&w->sys))
		strv_addf(&cmds, "%s", platform_initramfs_update(&w->sys));
	if (w->sys.initramfs == VFD_INITRAMFS_RPM_OSTREE)
		ostree_initramfs_commands(w, &cmds);
	before = cmds.n;
	boot_commands(w, &cmds);
	if (w->sys.kargs == VFD_KARGS_NIXOS && w->now.ndevs)
		strv_addf(&cmds, "nixos-rebuild boot");
	if (w->plan->nchanges > w->cleanups || cmds.n > before ||
	    (w->now.ndevs && (w->sys.kargs == VFD_KARGS_NIXOS ||
			      w->sys.kargs == VFD_KARGS_SYSLINUX)))
		strv_addf(&cmds, "reboot");
	if (cmds.oom || devs.oom) {
		strv_builder_clear(&cmds);
		strv_builder_clear(&devs);
		w->err = -ENOMEM;
		return;
	}
	w->plan->commands = strv_take(&cmds);
	w->plan->devices = strv_take(&devs);
}

/*
 * --undo where a tool keeps the command line: persist recorded no words there,
 * so name the ones it would have asked for that the running kernel has.
 */
static void tool_undo_note(struct work *w)
{
	const char *how = NULL;
	char *proc = NULL;

	switch (w->sys.kargs) {
	case VFD_KARGS_KERNELSTUB:
		how = "kernelstub -d 'intel_iommu=on'";
		break;
	case VFD_KARGS_RPM_OSTREE:
		how = "rpm-ostree kargs --delete='intel_iommu=on'";
		break;
	default:
		return;
	}
	if (vfd_root_readf_str(w->root, &proc, "proc/cmdline") == 0 &&
	    strstr(proc, "intel_iommu=on")) {
		struct vfd_finding *f = problem(w, "persist.cmdline-kept", VFD_INFO, NULL,
						"intel_iommu=on stays on the kernel command line: "
						"%s keeps it, not persist", w->sys.platform->name);

		if (f)
			finding_fix(f, "if nothing else needs it: %s", how);
	}
	free(proc);
}

int vfd_plan_persist(struct vfd_host *host, const char *const *devices,
		     const struct vfd_persist_opts *opts, struct vfd_persist_plan *plan)
{
	static const struct vfd_persist_opts none = { 0 };
	struct work w = { .host = host, .root = vfd_host_get_root(host), .plan = plan };
	char *stext = NULL;
	size_t slen = 0;
	unsigned int line = 0;
	bool etc_never;
	int r;

	memset(plan, 0, sizeof(*plan));
	w.opts = opts ? opts : &none;
	for (size_t a = 0; devices && devices[a]; a++) {
		struct vfd_devspec spec;

		if (vfd_devspec_parse(devices[a], &spec) < 0)
			return -EINVAL;
	}
	r = read_file(w.root, STATE_PATH, &stext, &slen, NULL);
	if (r == 1)
		r = pstate_parse(stext, slen, &w.old, &line);
	if (r < 0) {
		struct vfd_finding *f = line
			? problem(&w, "persist.state", VFD_FAIL, NULL,
				  "/" STATE_PATH ": line %u is not what persist writes", line)
			: problem(&w, "persist.state", VFD_FAIL, NULL,
				  "cannot read '/" STATE_PATH "': %s", strerror(-r));

		if (f)
			finding_fix(f, "restore the file from /" STATE_PATH BAK_SUFFIX
				       " or the files it names by hand");
		plan->refused = true;
		free(stext);
		pstate_clear(&w.old);
		return r == -ENOMEM ? r : 0;
	}
	/* the record names files to rewrite and remove: only those persist writes */
	for (size_t i = 0; i < w.old.nfiles + w.old.ntoks; i++) {
		const char *path = i < w.old.nfiles ? w.old.files[i].path
						    : w.old.toks[i - w.old.nfiles].path;
		struct vfd_finding *f;

		if (persist_target_known(path))
			continue;
		f = problem(&w, "persist.state", VFD_FAIL, NULL,
			    "/" STATE_PATH " names '/%s', which is not a file persist writes; "
			    "nothing is changed", path);
		if (f)
			finding_fix(f, "check who wrote /" STATE_PATH "; remove the line (or the "
				       "file, then undo persist's changes by hand)");
		plan->refused = true;
		free(stext);
		pstate_clear(&w.old);
		return 0;
	}
	/* the platform decides which files hold what (lib/host/platform.c) */
	vfd_system_detect(w.root, &w.sys);
	etc_never = platform_never(&w.sys, VFD_NEVER_ETC);
	plan->by_hand = etc_never;
	for (size_t i = 0; i < w.old.ndevs; i++) {
		struct pdev *d = pstate_add_dev(&w.now, w.old.devs[i].slot);

		if (!d)
			break;
		d->by_id = w.old.devs[i].by_id;
		d->vendor = w.old.devs[i].vendor;
		d->device = w.old.devs[i].device;
		for (char **m = w.old.devs[i].mods; m && *m; m++)
			strv_push_unique(&d->mods, *m);
	}
	r = w.now.oom ? -ENOMEM : 0;
	if (r == 0)
		scan_leftovers(&w);
	if (r == 0 && w.err)
		r = w.err;
	if (r == 0 && w.opts->undo) {
		if (!w.old.ndevs && !w.old.nfiles) {
			if (etc_never)
				print_only(&w);
			else if (!w.cleanups)
				problem(&w, "persist.nothing", VFD_INFO, NULL,
					"nothing to undo: vfio-doctor persist has set up nothing "
					"here");
			goto done;
		}
		if (devices && devices[0])
			r = drop_devices(&w, devices);
		else
			while (w.now.ndevs)
				pstate_drop_dev(&w.now, w.now.ndevs - 1);
	} else if (r == 0 && w.sys.container) {
		struct vfd_finding *f = problem(&w, "persist.container", VFD_FAIL, NULL,
						"this is a container: the kernel it runs and its "
						"boot configuration are the host's");

		if (f) {
			finding_evidence(f, "%s", w.sys.guest_why);
			finding_fix(f, "run vfio-doctor persist on the host, and pass /dev/vfio "
				       "into the container");
		}
		plan->refused = true;
	} else if (r == 0) {
		r = judge_devices(&w, devices);
		if (r == 0)
			r = take_devices(&w, devices);
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
		warn_shared(&w);
	if (w.now.ndevs) {
		w.mods = vfd_modules_new(w.root, vfd_host_get_release(host));
		w.vfio_builtin = w.mods &&
				 vfd_modules_state(w.mods, "vfio_pci") == VFD_MODULE_BUILTIN;
		if (w.vfio_builtin && w.any_id) {
			struct vfd_finding *f;

			f = problem(&w, "persist.builtin-ids", VFD_FAIL, NULL,
				    "vfio-pci is built into this kernel: 'options vfio-pci ids=' in "
				    "modprobe.d is never read");

			if (f)
				finding_fix(f, "persist by address (without --by-id), or put "
					       "vfio-pci.ids= on the kernel command line");
			plan->refused = true;
			goto done;
		}
		if (w.vfio_builtin)
			problem(&w, "persist.builtin", VFD_INFO, NULL,
				"vfio-pci is built into this kernel (modules.builtin): it is there "
				"before any driver, no softdep or initramfs module is needed");
		if (w.sys.initramfs == VFD_INITRAMFS_NONE && !w.vfio_builtin && !etc_never)
			problem(&w, "persist.no-initramfs", VFD_INFO, NULL,
				"no initramfs generator found (initramfs-tools, dracut, mkinitcpio, "
				"booster): vfio-pci loads from the root file system");
	}
	if (w.now.ndevs && !etc_never) {
		bool want = !w.vfio_builtin;

		step_owned(&w, RULE_PATH, wanted(&w, w.any_address, render_rule(&w.now)), 0644,
			   "udev rule: give the devices to vfio-pci by address at boot");
		step_modprobe(&w);
		/* the platform's table says which generators' files it never reads */
		switch (platform_never(&w.sys, VFD_NEVER_INITRAMFS_FILES) ? VFD_INITRAMFS_NONE
									     : w.sys.initramfs) {
		case VFD_INITRAMFS_TOOLS:
			step_initramfs_tools(&w, want, w.any_address);
			break;
		case VFD_INITRAMFS_DRACUT:
			step_owned(&w, DRACUT_PATH, wanted(&w, want || w.any_address,
							   render_dracut(want, w.any_address)),
				   0644, w.any_address
				   ? "dracut: vfio-pci and the udev rule in the initramfs"
				   : "dracut: vfio-pci in the initramfs, loaded early");
			break;
		case VFD_INITRAMFS_MKINITCPIO:
			step_mkinitcpio(&w, want, w.any_address);
			break;
		case VFD_INITRAMFS_BOOSTER:
			step_booster(&w, want);
			break;
		default:
			break;
		}
		step_cmdline(&w);
		if (w.sys.kargs == VFD_KARGS_BOOTC)
			bootc_steps(&w);
	} else if (w.now.ndevs) {
		step_cmdline(&w);
		print_only(&w);
	}
	if (w.opts->undo && !w.now.ndevs)
		tool_undo_note(&w);
	/* whatever persist managed and this run did not decide about goes back */
	for (size_t i = 0; i < w.old.nfiles && w.err == 0; i++)
		if (!visited(&w, w.old.files[i].path))
			release(&w, &w.old.files[i]);
	if (w.err == 0 && !etc_never) {
		step_state(&w, stext, slen, stext != NULL);
		stext = NULL;
	}
	if (w.err == 0)
		describe(&w);
	r = w.err;
done:
	free(stext);
	for (size_t i = 0; i < w.nvisited; i++)
		free(w.visited[i]);
	free(w.visited);
	vfd_modules_free(w.mods);
	vfd_system_clear(&w.sys);
	strv_builder_clear(&w.cmd_added);
	strv_builder_clear(&w.cmd_removed);
	free(w.cmd_why);
	pstate_clear(&w.old);
	pstate_clear(&w.now);
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

/* ------------------------------------------------------------ apply */

static int root_unlink(struct vfd_root *root, const char *path, int flags)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int dfd, r = 0;

	if (!may_write(root))
		return -EROFS;
	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	dfd = vfd_root_openat(root, dir, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	vfd_test_step("unlink", slash + 1);
	if (unlinkat(dfd, slash + 1, flags) < 0 && errno != ENOENT)
		r = -errno;
	close(dfd);
	return r;
}

/*
 * A configuration file is edited where it really is: through a link to its
 * target (root_edit_file), so /etc/default/grub -> grub.d/real stays a link.
 * The record and the backups are persist's own files, written in place.
 */
static int write_text(struct vfd_root *root, const char *path, const char *text, size_t len,
		      unsigned int mode)
{
	if (kind_of(path) == FK_STATE)
		return vfd_root_write_file(root, path, text, len, mode);
	return root_edit_file(root, path, text, len, mode);
}

/* put one change back; the first error wins */
static int undo_change(struct vfd_root *root, const struct vfd_file_change *c, bool baked)
{
	int r;

	if (c->kind == VFD_CHANGE_CREATE)
		r = root_unlink(root, c->path, 0);
	else
		r = write_text(root, c->path, c->old_text, c->old_len, c->mode);
	if (baked) {
		char *bak = bak_path(c->path);
		int rb = bak ? root_unlink(root, bak, 0) : -ENOMEM;

		free(bak);
		if (r == 0)
			r = rb;
	}
	return r;
}

static bool is_state_removal(const struct vfd_file_change *c)
{
	return strcmp(c->path, STATE_PATH) == 0 && c->kind == VFD_CHANGE_REMOVE;
}

/* backups no longer needed, dropped before the record goes (a crash leaves the record) */
static void drop_backups(struct vfd_root *root, const struct vfd_persist_plan *plan)
{
	for (size_t i = 0; i < plan->nchanges; i++) {
		char *bak;

		if (!plan->changes[i].drop_backup)
			continue;
		bak = bak_path(plan->changes[i].path);
		if (bak)
			root_unlink(root, bak, 0);
		free(bak);
	}
}

int vfd_persist_apply(struct vfd_host *host, const struct vfd_persist_plan *plan,
		      size_t *failed)
{
	struct vfd_root *root = vfd_host_get_root(host);
	size_t n = plan->nchanges, *order, k = 0;
	bool *baked, dropped = false;
	int r = 0;

	if (failed)
		*failed = n;
	if (plan->refused)
		return -EPERM;
	if (!n)
		return 0;
	if (!may_write(root))
		return -EROFS;
	order = calloc(n, sizeof(*order));
	baked = calloc(n, sizeof(*baked));
	if (!order || !baked) {
		free(order);
		free(baked);
		return -ENOMEM;
	}
	/* the record first when it grows, last when it goes: a crash leaves a way back */
	for (size_t i = 0; i < n; i++)
		if (strcmp(plan->changes[i].path, STATE_PATH) == 0 && !is_state_removal(&plan->changes[i]))
			order[k++] = i;
	for (size_t i = 0; i < n; i++)
		if (strcmp(plan->changes[i].path, STATE_PATH) != 0)
			order[k++] = i;
	for (size_t i = 0; i < n; i++)
		if (is_state_removal(&plan->changes[i]))
			order[k++] = i;
	for (k = 0; k < n; k++) {
		const struct vfd_file_change *c = &plan->changes[order[k]];

		if (is_state_removal(c) && !dropped) {
			drop_backups(root, plan);
			dropped = true;
		}
		if (c->backup) {
			char *bak = bak_path(c->path);

			r = bak ? vfd_root_write_file(root, bak, c->old_text, c->old_len, c->mode)
				: -ENOMEM;
			free(bak);
			if (r < 0)
				break;
			baked[order[k]] = true;
		}
		if (c->kind == VFD_CHANGE_REMOVE)
			r = root_unlink(root, c->path, 0);
		else
			r = write_text(root, c->path, c->new_text, c->new_len, c->mode);
		if (r < 0)
			break;
	}
	if (r < 0) {
		if (failed)
			*failed = order[k];
		if (baked[order[k]]) {
			char *bak = bak_path(plan->changes[order[k]].path);

			if (bak)
				root_unlink(root, bak, 0);
			free(bak);
		}
		while (k-- > 0)
			undo_change(root, &plan->changes[order[k]], baked[order[k]]);
		free(order);
		free(baked);
		return r;
	}
	if (!dropped)
		drop_backups(root, plan);
	for (size_t i = 0; i < n; i++)
		/* the record's directory is persist's own too */
		if (is_state_removal(&plan->changes[i]))
			root_unlink(root, "etc/vfio-doctor", AT_REMOVEDIR);
	free(order);
	free(baked);
	return 0;
}
