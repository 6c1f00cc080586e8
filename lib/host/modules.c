// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module state. Loaded and built-in come from /proc/modules and /sys/module
 * inside the root (libkmod's own state query reads the absolute /sys, so it
 * would lie about a sysroot); "available" comes from the module tree of the
 * running release through libkmod, which also knows modules.builtin.
 *
 * The static guest build (VFD_NO_KMOD: no libkmod to link) keeps the state
 * and the alias lookup of a tree (modules_new_at), which reads modules.alias
 * and modules.builtin.alias as text; what needs libkmod (module files and
 * their dependencies, loading) is left out of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#ifndef VFD_NO_KMOD
#include <libkmod.h>

#include "dlib.h"
#endif
#include "internal.h"

/* the largest modules.alias read as text (a distribution kernel's: about 1 MiB) */
#define ALIAS_MAX (16u << 20)

struct vfd_modules {
	struct vfd_root *root;
#ifndef VFD_NO_KMOD
	struct kmod_ctx *kmod;
#endif
	char *tree;		/* module tree path relative to the root, or NULL */
	char *proc_modules;	/* contents of proc/modules, or NULL */
	char *alias;		/* modules.alias text, where libkmod does not read the tree */
	char *builtin_alias;	/* modules.builtin.alias text, likewise */
	char tree_error[160];	/* why the tree exists but cannot be read, or "" */
};

#ifndef VFD_NO_KMOD
static void kmod_quiet(void *data, int priority, const char *file, int line, const char *fn,
		       const char *format, va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}

/*
 * What libkmod opens by path in a module tree (libkmod/libkmod.c index_files[],
 * libkmod-module.c for modules.builtin.modinfo, the text forms it falls back
 * to). It opens them with plain open(), so in a sysroot it is handed the
 * tree's real path (no link in it, below the root) and only when none of
 * these is a link or anything but a file: nothing it reads leaves the tree.
 *
 * One read is not ours to steer: kmod_new() parses the running kernel's
 * /proc/cmdline for "MODULE.PARAM=" options and "modprobe.blacklist="
 * (libkmod-config.c, kmod_config_parse_kcmdline), whatever the tree. We ask
 * libkmod only which modules exist and where (kmod_module_new_from_lookup,
 * _get_name, _get_path), never for options or the blacklist, so nothing of
 * the host's command line reaches what a sysroot's report says.
 */
static const char *const kmod_files[] = {
	"modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin",
	"modules.symbols", "modules.symbols.bin", "modules.builtin", "modules.builtin.bin",
	"modules.builtin.alias.bin", "modules.builtin.modinfo", "modules.softdep",
	"modules.weakdep", "modules.devname", NULL,
};

/* libkmod over the tree @dir of the root, quiet; NULL (*why set) when it cannot be */
static struct kmod_ctx *kmod_open(struct vfd_root *root, const char *dir, char *why, size_t size)
{
	struct kmod_ctx *kmod = NULL;
	const char *empty = NULL;
	char *abs = NULL;

	if (root_real_dir(root, dir, kmod_files, &abs) < 0)
		snprintf(why, size, "'%s' is not a module tree libkmod may read", dir);
	if (!abs)
		return NULL;
	/* no config: modprobe.d aliases do not change what exists */
	if (vfd_dl_libkmod() < 0)
		snprintf(why, size, "cannot load libkmod: %s", vfd_dl_error());
	else if (!(kmod = kmod_new(abs, &empty)))
		snprintf(why, size, "libkmod cannot read its index");
	if (kmod)
		kmod_set_log_fn(kmod, kmod_quiet, NULL);
	free(abs);
	return kmod;
}
#endif

struct vfd_modules *vfd_modules_new(struct vfd_root *root, const char *release)
{
	static const char *const bases[] = { "lib/modules", "usr/lib/modules" };
	struct vfd_modules *mods = calloc(1, sizeof(*mods));

	if (!mods)
		return NULL;
	mods->root = vfd_root_ref(root);
	vfd_root_read_filef(root, 1 << 22, &mods->proc_modules, NULL, "proc/modules");
	for (size_t i = 0; release && i < ARRAY_SIZE(bases) && !mods->tree; i++) {
		/* a tree with no index (depmod never ran) is as good as none */
		if (vfd_root_existsf(root, "%s/%s/modules.dep.bin", bases[i], release) ||
		    vfd_root_existsf(root, "%s/%s/modules.dep", bases[i], release))
			mods->tree = xasprintf("%s/%s", bases[i], release);
	}
#ifndef VFD_NO_KMOD
	if (mods->tree)
		mods->kmod = kmod_open(root, mods->tree, mods->tree_error, sizeof(mods->tree_error));
#else
	if (mods->tree)
		snprintf(mods->tree_error, sizeof(mods->tree_error), "built without libkmod");
#endif
	return mods;
}

struct vfd_modules *modules_new_at(struct vfd_root *root, const char *dir)
{
	struct vfd_modules *mods = calloc(1, sizeof(*mods));

	if (!mods)
		return NULL;
	mods->root = vfd_root_ref(root);
	mods->tree = strdup(dir);
	if (!mods->tree) {
		vfd_modules_free(mods);
		return NULL;
	}
	vfd_root_read_filef(root, 1 << 22, &mods->proc_modules, NULL, "proc/modules");
#ifndef VFD_NO_KMOD
	if (vfd_root_existsf(root, "%s/modules.alias.bin", dir)) {
		char why[160];

		mods->kmod = kmod_open(root, dir, why, sizeof(why));
		if (mods->kmod)
			return mods;
	}
#endif
	vfd_root_read_filef(root, ALIAS_MAX, &mods->alias, NULL, "%s/modules.alias", dir);
	vfd_root_read_filef(root, ALIAS_MAX, &mods->builtin_alias, NULL,
			    "%s/modules.builtin.alias", dir);
	return mods;
}

void vfd_modules_free(struct vfd_modules *mods)
{
	if (!mods)
		return;
#ifndef VFD_NO_KMOD
	if (mods->kmod)
		kmod_unref(mods->kmod);
#endif
	free(mods->tree);
	free(mods->alias);
	free(mods->builtin_alias);
	free(mods->proc_modules);
	vfd_root_unref(mods->root);
	free(mods);
}

const char *vfd_modules_tree(const struct vfd_modules *mods)
{
#ifndef VFD_NO_KMOD
	return mods->kmod ? mods->tree : NULL;
#else
	return mods->alias || mods->builtin_alias ? mods->tree : NULL;
#endif
}

const char *vfd_modules_tree_error(const struct vfd_modules *mods)
{
	/* set only where a tree exists and libkmod did not open it */
	return mods->tree_error[0] ? mods->tree_error : NULL;
}

/* module names use '_' in /sys/module and /proc/modules */
static void normalize(const char *name, char *out, size_t size)
{
	size_t i = 0;

	for (; name[i] && i + 1 < size; i++)
		out[i] = name[i] == '-' ? '_' : name[i];
	out[i] = '\0';
}

static bool in_proc_modules(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; p && *p;) {
		if (strncmp(p, name, len) == 0 && p[len] == ' ')
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

#ifndef VFD_NO_KMOD
/* what the tree says of @norm: available, built in, missing; unknown without a tree */
static enum vfd_module_state tree_state(struct vfd_modules *mods, const char *norm)
{
	struct kmod_list *list = NULL, *it;
	enum vfd_module_state state = VFD_MODULE_UNKNOWN;

	if (!mods->kmod || kmod_module_new_from_lookup(mods->kmod, norm, &list) != 0)
		return state;
	state = VFD_MODULE_MISSING;
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);
		const char *path = kmod_module_get_path(m);

		if (strcmp(kmod_module_get_name(m), norm) == 0)
			state = path ? VFD_MODULE_AVAILABLE : VFD_MODULE_BUILTIN;
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	return state;
}
#endif

enum vfd_module_state vfd_modules_state(struct vfd_modules *mods, const char *name)
{
	enum vfd_module_state state = VFD_MODULE_UNKNOWN;
	char norm[128];

	normalize(name, norm, sizeof(norm));
	if (mods->proc_modules && in_proc_modules(mods->proc_modules, norm))
		return VFD_MODULE_LOADED;
	/* a loaded module has initstate; a built-in one only a directory */
	if (vfd_root_existsf(mods->root, "sys/module/%s/initstate", norm))
		return VFD_MODULE_LOADED;
#ifndef VFD_NO_KMOD
	state = tree_state(mods, norm);
	if (state == VFD_MODULE_AVAILABLE || state == VFD_MODULE_BUILTIN)
		return state;
#endif
	/* built-in modules with parameters show up here without initstate */
	if (vfd_root_existsf(mods->root, "sys/module/%s", norm))
		return VFD_MODULE_BUILTIN;
	return state;
}

char *vfd_modules_param(struct vfd_modules *mods, const char *name, const char *param)
{
	char norm[128];
	char *s = NULL;

	normalize(name, norm, sizeof(norm));
	if (vfd_root_readf_str(mods->root, &s, "sys/module/%s/parameters/%s", norm, param) < 0)
		return NULL;
	return s;
}

const char *vfd_module_state_name(enum vfd_module_state state)
{
	switch (state) {
	case VFD_MODULE_MISSING:
		return "missing";
	case VFD_MODULE_AVAILABLE:
		return "available";
	case VFD_MODULE_LOADED:
		return "loaded";
	case VFD_MODULE_BUILTIN:
		return "builtin";
	default:
		return "unknown";
	}
}

static void add_name(struct strv_builder *b, const char *name, size_t len)
{
	for (size_t i = 0; i < b->n; i++)
		if (strlen(b->v[i]) == len && strncmp(b->v[i], name, len) == 0)
			return;
	strv_addf(b, "%.*s", (int)len, name);
}

/* "alias PATTERN MODULE" lines whose pattern matches @modalias (as libkmod: fnmatch) */
static bool match_alias_text(const char *text, const char *modalias, struct strv_builder *out)
{
	bool found = false;

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[512];

		if (len < sizeof(line) && strncmp(p, "alias ", 6) == 0) {
			char *pat, *mod;

			memcpy(line, p, len);
			line[len] = '\0';
			pat = line + 6;
			mod = strchr(pat, ' ');
			if (mod) {
				*mod++ = '\0';
				mod[strcspn(mod, " \t\r")] = '\0';
				if (*mod && fnmatch(pat, modalias, 0) == 0) {
					add_name(out, mod, strlen(mod));
					found = true;
				}
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return found;
}

char **modules_alias_names(struct vfd_modules *mods, const char *modalias, bool *builtin)
{
	struct strv_builder b = { 0 };

	*builtin = false;
#ifndef VFD_NO_KMOD
	if (mods->kmod) {
		struct kmod_list *list = NULL, *it;

		if (kmod_module_new_from_lookup(mods->kmod, modalias, &list) == 0) {
			kmod_list_foreach(it, list) {
				struct kmod_module *m = kmod_module_get_module(it);
				const char *name = kmod_module_get_name(m);

				add_name(&b, name, strlen(name));
				if (!kmod_module_get_path(m))
					*builtin = true;
				kmod_module_unref(m);
			}
			kmod_module_unref_list(list);
		}
		return strv_take(&b);
	}
#endif
	if (mods->alias)
		match_alias_text(mods->alias, modalias, &b);
	if (mods->builtin_alias && match_alias_text(mods->builtin_alias, modalias, &b))
		*builtin = true;
	return strv_take(&b);
}

#ifndef VFD_NO_KMOD
int vfd_modules_load(struct vfd_modules *mods, const char *name)
{
	struct kmod_list *list = NULL, *it;
	int r = -ENOENT;

	if (!vfd_root_is_live(mods->root))
		return -EROFS;
	switch (vfd_modules_state(mods, name)) {
	case VFD_MODULE_LOADED:
	case VFD_MODULE_BUILTIN:
		return 0;
	default:
		break;
	}
	if (!mods->kmod)
		return mods->tree_error[0] ? -ELIBACC : -ENOENT;
	if (kmod_module_new_from_lookup(mods->kmod, name, &list) < 0)
		return -ENOENT;
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);

		r = kmod_module_probe_insert_module(m, 0, NULL, NULL, NULL, NULL);
		kmod_module_unref(m);
		if (r == 0)
			break;
	}
	kmod_module_unref_list(list);
	return r > 0 ? -EINVAL : r;
}

void vfd_module_files_free(struct vfd_module_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].path);
		vfd_strv_free(files[i].firmware);
	}
	free(files);
}

struct collect {
	struct vfd_module_file *v;
	size_t n;
	int depth;
};

static bool collected(const struct collect *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return true;
	return false;
}

/* the firmware files a module names (modinfo's "firmware" keys) */
static char **module_firmware(struct kmod_module *m)
{
	struct kmod_list *info = NULL, *it;
	struct strv_builder b = { 0 };

	if (kmod_module_get_info(m, &info) < 0)
		return strv_take(&b);
	kmod_list_foreach(it, info) {
		if (strcmp(kmod_module_info_get_key(it), "firmware") == 0)
			strv_addf(&b, "%s", kmod_module_info_get_value(it));
	}
	kmod_module_info_free_list(info);
	return strv_take(&b);
}

static int collect_module(struct collect *c, struct kmod_module *m);

/* each module of @list (and what it needs), in order; the list is freed */
static int collect_list(struct collect *c, struct kmod_list *list)
{
	struct kmod_list *it;
	int r = 0;

	kmod_list_foreach(it, list) {
		struct kmod_module *d = kmod_module_get_module(it);

		if (r == 0)
			r = collect_module(c, d);
		kmod_module_unref(d);
	}
	kmod_module_unref_list(list);
	return r;
}

/*
 * @m after its dependencies (modules.dep), each once; built-in ones have no
 * file. Its soft dependencies come along too: "pre:" ones before it, "post:"
 * ones after, as modprobe loads them (modules.softdep, which depmod writes
 * from the modules' own "softdep" modinfo, read by libkmod with the tree;
 * kmod_module_get_softdeps resolves their aliases to modules).
 */
static int collect_module(struct collect *c, struct kmod_module *m)
{
	struct kmod_list *pre = NULL, *post = NULL;
	struct vfd_module_file *nv, *f;
	const char *name = kmod_module_get_name(m), *path = kmod_module_get_path(m);
	int r = 0;

	if (collected(c, name) || c->depth > 32)
		return 0;
	c->depth++;
	if (kmod_module_get_softdeps(m, &pre, &post) < 0)
		pre = post = NULL;
	r = collect_list(c, pre);
	if (r == 0)
		r = collect_list(c, kmod_module_get_dependencies(m));
	c->depth--;
	if (r < 0 || collected(c, name)) {
		kmod_module_unref_list(post);
		return r;
	}
	nv = realloc(c->v, (c->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	c->v = nv;
	f = &c->v[c->n++];
	memset(f, 0, sizeof(*f));
	f->name = strdup(name);
	f->path = path ? strdup(path) : NULL;
	f->firmware = module_firmware(m);
	if (!f->name || (path && !f->path) || !f->firmware) {
		kmod_module_unref_list(post);
		return -ENOMEM;
	}
	c->depth++;
	r = collect_list(c, post);
	c->depth--;
	return r;
}

int vfd_modules_for_alias(struct vfd_modules *mods, const char *modalias,
			  struct vfd_module_file **files, size_t *n)
{
	struct collect c = { .v = *files, .n = *n };
	struct kmod_list *list = NULL, *it;
	int r = 0, matched = 0;

	if (!mods->kmod)
		return mods->tree_error[0] ? -ELIBACC : -ENOENT;
	if (kmod_module_new_from_lookup(mods->kmod, modalias, &list) < 0)
		return -ENOENT;
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);

		if (r == 0)
			r = collect_module(&c, m);
		kmod_module_unref(m);
		matched++;
	}
	kmod_module_unref_list(list);
	*files = c.v;
	*n = c.n;
	return r < 0 ? r : matched;
}
#endif
