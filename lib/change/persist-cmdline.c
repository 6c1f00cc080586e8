// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * persist's targets that hold the kernel command line: /etc/default/grub,
 * /etc/kernel/cmdline and systemd-boot's loader entries, each edited word by
 * word; and, where a tool keeps the command line (kernelstub, rpm-ostree,
 * bootc, NixOS, Unraid), the words for that tool.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist-plan.h"

/* words that keep the IOMMU off or that the kernel does not know (check's iommu layer) */
static const char *const cmdline_remove[] = {
	"intel_iommu=off", "amd_iommu=off", "iommu=off", "amd_iommu=on", NULL,
};

static int grub_editor(const char *text, size_t len, const char *key, const char *const *add,
		       const char *const *remove, char **out, size_t *out_len, char ***added,
		       char ***removed, struct vfd_parse_error *err)
{
	struct cmdline_edit e = { .add = add, .remove = remove };

	/* grubby's platforms keep the words in GRUB_CMDLINE_LINUX, where grubby puts them */
	e.to_all = strcmp(key, GRUB_KEY_ALL) == 0;
	return grub_edit(text, len, &e, out, out_len, added, removed, err);
}

static int kcmdline_editor(const char *text, size_t len, const char *key,
			   const char *const *add, const char *const *remove, char **out,
			   size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err)
{
	struct cmdline_edit e = { .add = add, .remove = remove };

	(void)key;
	return kcmdline_edit(text, len, &e, out, out_len, added, removed, err);
}

static int entry_editor(const char *text, size_t len, const char *key, const char *const *add,
			const char *const *remove, char **out, size_t *out_len, char ***added,
			char ***removed, struct vfd_parse_error *err)
{
	struct cmdline_edit e = { .add = add, .remove = remove };

	(void)key;
	return entry_options_edit(text, len, &e, out, out_len, added, removed, err);
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

			f = persist_problem(w, "persist.grub-dropin", VFD_WARN, NULL,
					    "/etc/default/grub.d/%s sets " GRUB_KEY " "
					    "after /" GRUB_PATH ": its value replaces "
					    "the one edited there", de->d_name);

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

/* systemd-boot entries on the ESP (platform_entry_dirs), their options line */
static const struct token_key entry_keys[] = { { ENTRY_KEY, entry_editor }, { NULL, NULL } };
static const struct persist_file entry_files[] = {
	{ .path = "boot/loader/entries/*.conf", .kind = FK_TOKENS, .keys = entry_keys,
	  .cmdline = true },
	{ .path = "efi/loader/entries/*.conf", .kind = FK_TOKENS, .keys = entry_keys,
	  .cmdline = true },
	{ .path = "boot/efi/loader/entries/*.conf", .kind = FK_TOKENS, .keys = entry_keys,
	  .cmdline = true },
	{ .path = NULL },
};

/* the entry of the table @path is (every entries directory platform.c finds is one) */
static const struct persist_file *entry_file(const char *path)
{
	const struct persist_file *f = persist_file_match(entry_files, path);

	return f ? f : &entry_files[0];
}

/* one file holding the command line: @want added, the words that keep the IOMMU off removed */
static void cmdline_file(struct work *w, const struct persist_file *f, const char *path,
			 const char *key, const struct strv_builder *want, const char *why)
{
	const char *const *rm = w->now.ndevs ? cmdline_remove : NULL;
	char *old = NULL, *out = NULL, **added = NULL, **removed = NULL;
	size_t len = 0, olen = 0;
	unsigned int mode = 0644;
	struct vfd_parse_error e = { 0 };
	bool existed;
	int r;

	r = persist_read(w->root, path, &old, &len, &mode);
	existed = r == 1;
	if (r == 0 && strcmp(path, KCMDLINE_PATH) == 0 && (want->n || pstate_file(&w->old, path))) {
		old = seed_kcmdline(w);
		len = old ? strlen(old) : 0;
		if (!old)
			r = -ENOENT;
	}
	if (r < 0) {
		persist_problem_edit(w, path, &e, r);
		persist_keep(w, path);
		return;
	}
	if (!old)
		return;
	r = persist_edit_tokens(w, path, key, persist_file_editor(f, key), old, len,
				(const char *const *)want->v, rm, &out, &olen, &added, &removed,
				&e);
	if (r < 0) {
		persist_forget_tokens(&w->now, path);
		/* nothing wanted and nothing persist's: an unreadable file is not our business */
		if (r == -EINVAL && !want->n && !pstate_file(&w->old, path) &&
		    !mentions_any(old, len, cmdline_remove)) {
			free(old);
			return;
		}
		free(old);
		persist_problem_edit(w, path, &e, r);
		persist_keep(w, path);
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
			persist_join(&b, added, " ");
			if (why)
				tbuf_addf(&b, " (%s)", why);
		}
		if (removed && removed[0]) {
			tbuf_addf(&b, "%s remove ", added && added[0] ? ";" : "");
			persist_join(&b, removed, " ");
		}
		if ((!added || !added[0]) && (!removed || !removed[0]))
			tbuf_adds(&b, " IOMMU options");
		text = tbuf_take(&b, NULL);
		persist_settle(w, f, path, existed, old, len, mode, out, olen, 0644,
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
		qsort(names.v, names.n, sizeof(*names.v), persist_str_cmp);
	for (size_t i = 0; i < names.n && !w->err; i++)
		cmdline_file(w, entry_file(names.v[i]), names.v[i], ENTRY_KEY, want, why);
	strv_builder_clear(&names);
}

/*
 * Platforms whose command line a tool keeps (kernelstub, rpm-ostree, bootc,
 * NixOS, Unraid): nothing to edit here; persist_describe() gives the words to the
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

static const struct token_key grub_keys[] = {
	{ GRUB_KEY, grub_editor }, { GRUB_KEY_ALL, grub_editor }, { NULL, NULL },
};
static const struct persist_file grub_file[] = {
	{ .path = GRUB_PATH, .kind = FK_TOKENS, .keys = grub_keys, .cmdline = true }, { .path = NULL },
};

static void step_grub(struct work *w)
{
	if (w->now.ndevs)
		warn_grub_dropins(w);
	cmdline_file(w, grub_file, GRUB_PATH,
		     w->sys.kargs == VFD_KARGS_GRUBBY ? GRUB_KEY_ALL : GRUB_KEY, &w->cmd_want,
		     w->cmd_want_why);
}

static bool uses_grub(struct work *w)
{
	return w->kargs == VFD_KARGS_GRUB || w->kargs == VFD_KARGS_GRUBBY;
}

const struct persist_target persist_target_grub = {
	.files = grub_file, .used = uses_grub, .plan = step_grub,
};

static const struct token_key kcmdline_keys[] = {
	{ KCMDLINE_KEY, kcmdline_editor }, { NULL, NULL },
};
static const struct persist_file kcmdline_file[] = {
	{ .path = KCMDLINE_PATH, .kind = FK_TOKENS, .keys = kcmdline_keys, .cmdline = true },
	{ .path = NULL },
};

static void step_kcmdline(struct work *w)
{
	cmdline_file(w, kcmdline_file, KCMDLINE_PATH, KCMDLINE_KEY, &w->cmd_want, w->cmd_want_why);
}

/*
 * Fedora's kernel-install plugin 20-grub takes a new kernel's options from
 * /etc/kernel/cmdline where the installer wrote one: with grubby it is kept
 * in step (never created there).
 */
static bool uses_kcmdline(struct work *w)
{
	return w->kargs == VFD_KARGS_KCMDLINE ||
	       (w->kargs == VFD_KARGS_GRUBBY && (vfd_root_existsf(w->root, KCMDLINE_PATH) ||
						 pstate_file(&w->old, KCMDLINE_PATH)));
}

const struct persist_target persist_target_kcmdline = {
	.files = kcmdline_file, .used = uses_kcmdline, .plan = step_kcmdline,
};

static void step_entries(struct work *w)
{
	cmdline_entries(w, &w->cmd_want, w->cmd_want_why);
}

static bool uses_entries(struct work *w)
{
	return w->kargs == VFD_KARGS_ENTRIES;
}

const struct persist_target persist_target_entries = {
	.files = entry_files, .used = uses_entries, .plan = step_entries,
};

bool persist_cmdline_wants(struct work *w)
{
	if (w->now.ndevs)
		cmdline_wants(w, &w->cmd_want, &w->cmd_want_why);
	if (w->cmd_want.oom)
		w->err = -ENOMEM;
	return !w->cmd_want.oom;
}

void persist_cmdline_by_hand(struct work *w)
{
	if (w->kargs == VFD_KARGS_NONE && w->cmd_want.n) {
		struct vfd_finding *f;

		f = persist_problem(w, "persist.no-bootloader", VFD_WARN, NULL,
				    "no bootloader configuration found (/" GRUB_PATH ", /"
				    KCMDLINE_PATH ", systemd-boot entries): add %s to the kernel "
				    "command line by hand", w->cmd_want.v[0]);
		if (f)
			finding_evidence(f, "%s", w->cmd_want_why);
	} else if (w->kargs != VFD_KARGS_NONE) {
		/* a tool keeps the command line: describe() gives it the words */
		cmdline_by_tool(w, &w->cmd_want);
		if (w->cmd_want_why && w->cmd_added.n)
			w->cmd_why = strdup(w->cmd_want_why);
	}
	if (w->cmd_added.oom || w->cmd_removed.oom)
		w->err = -ENOMEM;
}
