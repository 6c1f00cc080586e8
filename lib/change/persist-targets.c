// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of persist's targets: every file it writes, grouped by the kind
 * of configuration it belongs to, and how each is planned. persist.state may
 * name these files and no other, and --undo gives back only these. A new
 * target is one struct persist_target here (or beside its siblings in
 * persist-cmdline.c) and one line in persist_targets[].
 *
 * This file plans the side read before the root file system is: the udev
 * rule, modprobe.d, and the initramfs generators' configuration.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "persist-plan.h"

/* the Arch wiki's order for MODULES=: vfio-pci first, ahead of any GPU driver listed */
static const char *const mkinitcpio_modules[] = { "vfio_pci", "vfio", "vfio_iommu_type1", NULL };

static int modules_editor(const char *text, size_t len, const char *key,
			  const char *const *add, const char *const *remove, char **out,
			  size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err)
{
	struct array_edit e = { .name = key, .remove = remove, .modules = true };

	e.prepend = add;
	return shell_array_edit(text, len, &e, out, out_len, added, removed, err);
}

static int files_editor(const char *text, size_t len, const char *key, const char *const *add,
			const char *const *remove, char **out, size_t *out_len, char ***added,
			char ***removed, struct vfd_parse_error *err)
{
	struct array_edit e = { .name = key, .remove = remove };

	e.append = add;
	return shell_array_edit(text, len, &e, out, out_len, added, removed, err);
}

/* the files of this side; the table at the end groups them by target */
static const struct persist_file udev_rule_file[] = {
	{ .path = RULE_PATH, .kind = FK_OWNED }, { .path = NULL },
};
static const struct persist_file modprobe_file[] = {
	{ .path = MODPROBE_PATH, .kind = FK_BLOCK }, { .path = NULL },
};
static const struct persist_file initramfs_tools_files[] = {
	{ .path = ITMODULES_PATH, .kind = FK_BLOCK },
	{ .path = HOOK_PATH, .kind = FK_OWNED },
	{ .path = NULL },
};
static const struct persist_file dracut_file[] = {
	{ .path = DRACUT_PATH, .kind = FK_OWNED }, { .path = NULL },
};
static const struct token_key mkinitcpio_keys[] = {
	{ "MODULES", modules_editor }, { "FILES", files_editor }, { NULL, NULL },
};
static const struct persist_file mkinitcpio_file[] = {
	{ .path = MKINITCPIO_PATH, .kind = FK_TOKENS, .keys = mkinitcpio_keys }, { .path = NULL },
};
static const struct persist_file booster_file[] = {
	{ .path = BOOSTER_PATH, .kind = FK_BLOCK }, { .path = NULL },
};

/* modprobe.d files in name order, for what they already say */
static int modprobe_others(struct work *w, struct modprobe_info *info, char **later_ids)
{
	struct dirent *de;
	DIR *dir = vfd_root_opendirf(w->root, "etc/modprobe.d");
	struct strv_builder names = { 0 };
	int r = 0;

	*later_ids = NULL;
	while (dir && (de = readdir(dir))) {
		size_t l = strlen(de->d_name);

		if (l >= 6 && strcmp(de->d_name + l - 5, ".conf") == 0 && de->d_name[0] != '.')
			strv_addf(&names, "%s", de->d_name);
	}
	if (dir)
		closedir(dir);
	if (names.oom)
		r = -ENOMEM;
	else if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), persist_str_cmp);
	for (size_t i = 0; i < names.n && r == 0; i++) {
		struct modprobe_info one = { 0 };
		struct vfd_parse_error e = { 0 };
		char *text = NULL, *path = xasprintf("etc/modprobe.d/%s", names.v[i]);
		size_t len = 0;

		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (persist_read(w->root, path, &text, &len, NULL) == 1 &&
		    modprobe_parse(text, len, &one, &e) == 0) {
			for (char **m = one.softdeps; m && *m; m++)
				persist_strv_add_unique(&info->softdeps, *m);
			for (char **m = one.softdeps_vfio; m && *m; m++)
				persist_strv_add_unique(&info->softdeps_vfio, *m);
			for (char **m = one.vfio_ids; m && *m; m++)
				persist_strv_add_unique(&info->vfio_ids, *m);
			/* a file read after vfio.conf overrides its ids= */
			if (one.vfio_ids && strcmp(names.v[i], "vfio.conf") > 0 && !*later_ids)
				*later_ids = strdup(path);
		}
		modprobe_info_clear(&one);
		free(text);
		free(path);
	}
	strv_builder_clear(&names);
	return r;
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
static void step_owned(struct work *w, const struct persist_file *f, char *new,
		       unsigned int mode, const char *why)
{
	const char *path = f->path;
	char *old = NULL;
	size_t len = 0;
	unsigned int omode = mode;
	struct vfd_parse_error e = { 0 };
	int r;

	if (w->err) {
		free(new);
		return;
	}
	r = persist_read(w->root, path, &old, &len, &omode);
	if (r < 0) {
		free(new);
		persist_problem_edit(w, path, &e, r);
		persist_keep(w, path);
		return;
	}
	persist_settle(w, f, path, r == 1, old, len, omode, new, new ? strlen(new) : 0, mode, why);
}

/* persist's block in a file others own too, holding @lines (none: no block) */
static void step_block(struct work *w, const struct persist_file *f, char **lines,
		       const char *why)
{
	const char *path = f->path;
	char *old = NULL, *out = NULL;
	size_t len = 0, olen = 0;
	unsigned int mode = 0644;
	struct vfd_parse_error e = { 0 };
	int r = persist_read(w->root, path, &old, &len, &mode);

	if (r >= 0)
		r = block_set(old ? old : "", len, (const char *const *)lines, &out, &olen, &e);
	if (r < 0) {
		free(old);
		persist_problem_edit(w, path, &e, r);
		persist_keep(w, path);
		return;
	}
	persist_settle(w, f, path, old != NULL, old, len, mode, out, olen, 0644, why);
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
			persist_add_module(&mods, *m);
	if (mods.n)
		qsort(mods.v, mods.n, sizeof(*mods.v), persist_str_cmp);
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

			f = persist_problem(w, "persist.softdep-conflict", VFD_WARN, NULL,
					    "%s already has a softdep line without "
					    "vfio-pci: a second one would not add to it",
					    mods.v[i]);

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
		persist_join(&b, ids.v, ",");
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

			f = persist_problem(w, "persist.ids-override", VFD_WARN, NULL,
					    "/%s is read after /" MODPROBE_PATH " and "
					    "sets vfio-pci ids= too: its list replaces "
					    "this one", later);

			if (f)
				finding_fix(f, "keep one 'options vfio-pci ids=' line");
		}
	}
	if (mods.n) {
		tbuf_adds(&wb, "modprobe: load vfio-pci before ");
		persist_join(&wb, mods.v, ", ");
	}
	if (ids.n) {
		tbuf_addf(&wb, "%soptions vfio-pci ids=", mods.n ? "; " : "modprobe: ");
		persist_join(&wb, ids.v, ",");
	}
	if (!mods.n && !ids.n)
		tbuf_adds(&wb, "modprobe: nothing for vfio-pci any more");
	why = tbuf_take(&wb, NULL);
	if (lines.oom || !why)
		w->err = -ENOMEM;
	else
		step_block(w, modprobe_file, lines.v, why);
	free(why);
	free(later);
	strv_builder_clear(&lines);
	strv_builder_clear(&mods);
	strv_builder_clear(&ids);
	modprobe_info_clear(&info);
}

static void step_initramfs_tools(struct work *w)
{
	bool want = !w->vfio_builtin, rule = w->any_address;
	struct strv_builder lines = { 0 };
	char *text = NULL, *outside = NULL, **names = NULL;
	size_t len = 0, olen = 0;
	struct vfd_parse_error e = { 0 };

	/* the modules the file already lists outside persist's block stay as they are */
	if (want && persist_read(w->root, ITMODULES_PATH, &text, &len, NULL) == 1 &&
	    block_set(text, len, NULL, &outside, &olen, &e) == 0)
		modules_file_names(outside, olen, &names);
	for (const char *const *m = persist_vfio_modules; want && *m; m++) {
		bool listed = false;

		for (char **n = names; n && *n; n++)
			listed |= module_name_eq(*n, *m);
		if (!listed)
			strv_addf(&lines, "%s", *m);
	}
	if (lines.oom)
		w->err = -ENOMEM;
	else
		step_block(w, &initramfs_tools_files[0], lines.v,
			   "initramfs-tools: load vfio-pci early");
	strv_builder_clear(&lines);
	vfd_strv_free(names);
	free(text);
	free(outside);
	step_owned(w, &initramfs_tools_files[1], wanted(w, rule, strdup(persist_hook_text)), 0755,
		   "initramfs-tools: put the udev rule into the initramfs");
}

/*
 * booster (Arch) reads /etc/booster.yaml; its modules_force_load key lists the
 * modules loaded in the initramfs before anything else (booster(1)). persist
 * owns a block holding that key, unless the user's part of the file sets it
 * already: YAML takes a key once, so then the user adds the modules.
 */
static void step_booster(struct work *w)
{
	bool want = !w->vfio_builtin;
	static const char *const line[] = {
		"modules_force_load: vfio_pci,vfio,vfio_iommu_type1", NULL,
	};
	char *text = NULL, *outside = NULL;
	size_t len = 0, olen = 0;
	struct vfd_parse_error e = { 0 };
	bool theirs = false;

	if (persist_read(w->root, BOOSTER_PATH, &text, &len, NULL) == 1 &&
	    block_set(text, len, NULL, &outside, &olen, &e) == 0)
		for (const char *p = outside; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			theirs |= strncmp(p, "modules_force_load:", 19) == 0;
	free(text);
	free(outside);
	if (theirs && want) {
		struct vfd_finding *f = persist_problem(w, "persist.booster", VFD_WARN, NULL,
							"/" BOOSTER_PATH " sets "
							"modules_force_load itself: "
							"vfio-pci is not added to it");

		if (f)
			finding_fix(f, "add vfio_pci,vfio,vfio_iommu_type1 to the front of its "
				       "modules_force_load list, then /usr/lib/booster/regenerate_images");
		persist_keep(w, BOOSTER_PATH);
		return;
	}
	step_block(w, booster_file, want ? (char **)line : NULL, "booster: load vfio-pci early");
}

static void step_mkinitcpio(struct work *w)
{
	bool want = !w->vfio_builtin, rule = w->any_address;
	static const char *const rule_file[] = { "/" RULE_PATH, NULL };
	char *old = NULL, *mid = NULL, *out = NULL, **hooks = NULL;
	size_t len = 0, mlen = 0, olen = 0;
	unsigned int mode = 0644;
	struct vfd_parse_error e = { 0 };
	int r = persist_read(w->root, MKINITCPIO_PATH, &old, &len, &mode);

	if (r == 0) {
		if (want || rule)
			persist_problem(w, "persist.no-initramfs-config", VFD_WARN, NULL,
					"mkinitcpio is installed but /" MKINITCPIO_PATH
					" is missing: add vfio_pci vfio vfio_iommu_type1 "
					"to MODULES by hand");
		persist_keep(w, MKINITCPIO_PATH);
		return;
	}
	if (r > 0)
		r = persist_edit_tokens(w, MKINITCPIO_PATH, "MODULES", modules_editor, old, len,
					want ? mkinitcpio_modules : NULL, NULL, &mid, &mlen, NULL,
					NULL, &e);
	if (r >= 0)
		r = persist_edit_tokens(w, MKINITCPIO_PATH, "FILES", files_editor, mid, mlen,
					rule ? rule_file : NULL, NULL, &out, &olen, NULL, NULL, &e);
	free(mid);
	if (r < 0) {
		free(old);
		persist_forget_tokens(&w->now, MKINITCPIO_PATH);
		persist_problem_edit(w, MKINITCPIO_PATH, &e, r);
		persist_keep(w, MKINITCPIO_PATH);
		return;
	}
	if ((want || rule) && sh_get_words(out, olen, "HOOKS", &hooks, NULL) == 0) {
		bool modconf = false, udev = false;

		for (char **h = hooks; *h; h++) {
			modconf |= strcmp(*h, "modconf") == 0;
			udev |= strcmp(*h, "udev") == 0 || strcmp(*h, "systemd") == 0;
		}
		if (!modconf && want)
			persist_problem(w, "persist.mkinitcpio-hooks", VFD_WARN, NULL,
					"HOOKS in /" MKINITCPIO_PATH " has no modconf: "
					"the softdeps of /etc/modprobe.d stay out of the "
					"initramfs");
		if (!udev && rule)
			persist_problem(w, "persist.mkinitcpio-hooks", VFD_WARN, NULL,
					"HOOKS in /" MKINITCPIO_PATH " has neither udev "
					"nor systemd: the udev rule does not run in the "
					"initramfs");
		vfd_strv_free(hooks);
	}
	persist_settle(w, mkinitcpio_file, MKINITCPIO_PATH, true, old, len, mode, out, olen, mode,
		       want ? "mkinitcpio: vfio-pci first in MODULES"
		       : rule ? "mkinitcpio: the udev rule in FILES"
			      : "mkinitcpio: take out what persist added");
}

static void step_rule(struct work *w)
{
	step_owned(w, udev_rule_file, wanted(w, w->any_address, persist_render_rule(&w->now)), 0644,
		   "udev rule: give the devices to vfio-pci by address at boot");
}

static void step_dracut(struct work *w)
{
	bool want = !w->vfio_builtin;

	step_owned(w, dracut_file, wanted(w, want || w->any_address,
					  persist_render_dracut(want, w->any_address)),
		   0644, w->any_address ? "dracut: vfio-pci and the udev rule in the initramfs"
					: "dracut: vfio-pci in the initramfs, loaded early");
}

/* ---------------------------------------------------------- the table */

static bool uses_initramfs_tools(struct work *w)
{
	return w->initramfs == VFD_INITRAMFS_TOOLS;
}

static bool uses_dracut(struct work *w)
{
	return w->initramfs == VFD_INITRAMFS_DRACUT;
}

static bool uses_mkinitcpio(struct work *w)
{
	return w->initramfs == VFD_INITRAMFS_MKINITCPIO;
}

static bool uses_booster(struct work *w)
{
	return w->initramfs == VFD_INITRAMFS_BOOSTER;
}

/* a udev rule per device bound by address */
static const struct persist_target target_udev = { .files = udev_rule_file, .plan = step_rule };
/* softdeps and ids= in persist's block of /etc/modprobe.d/vfio.conf */
static const struct persist_target target_modprobe = {
	.files = modprobe_file, .plan = step_modprobe,
};
static const struct persist_target target_initramfs_tools = {
	.files = initramfs_tools_files, .used = uses_initramfs_tools, .plan = step_initramfs_tools,
};
static const struct persist_target target_dracut = {
	.files = dracut_file, .used = uses_dracut, .plan = step_dracut,
};
static const struct persist_target target_mkinitcpio = {
	.files = mkinitcpio_file, .used = uses_mkinitcpio, .plan = step_mkinitcpio,
};
static const struct persist_target target_booster = {
	.files = booster_file, .used = uses_booster, .plan = step_booster,
};

/* in the order the plan takes them: the command line's targets come last */
const struct persist_target *const persist_targets[] = {
	&target_udev,		&target_modprobe,
	&target_initramfs_tools, &target_dracut, &target_mkinitcpio, &target_booster,
	&persist_target_grub,	&persist_target_kcmdline, &persist_target_entries,
	NULL,
};

const struct persist_file *persist_file_of(const char *path)
{
	for (const struct persist_target *const *t = persist_targets; *t; t++) {
		const struct persist_file *f = persist_file_match((*t)->files, path);

		if (f)
			return f;
	}
	return NULL;
}

enum file_kind persist_file_kind(const char *path)
{
	const struct persist_file *f = persist_file_of(path);

	return f ? f->kind : FK_STATE;
}
