// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a module tree's modules.alias and modules.builtin.alias
 * read as text (lib/host/modules.c, the static guest build's way and the
 * guest's where a tree has no modules.alias.bin), against a modalias. The
 * input is the modalias up to the first newline, then modules.alias up to
 * the first NUL byte, then modules.builtin.alias. Every module named must
 * be named in the text, once, and a built-in one must come from the
 * built-in list.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/vfd-fuzz-modalias-XXXXXX";
static bool made;

static void remove_tree(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/m/modules.alias", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/m/modules.builtin.alias", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/m", dir);
	rmdir(path);
	rmdir(dir);
}

static void put(const char *name, const char *text, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/m/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	if (len && fwrite(text, 1, len, f) != len)
		abort();
	fclose(f);
}

/* is @name a module (the last word of an "alias" line) of @text? */
static bool named_in(const char *name, const char *text, size_t len)
{
	size_t n = strlen(name);

	for (const char *p = text; p && p < text + len;) {
		const char *eol = memchr(p, '\n', (size_t)(text + len - p));
		const char *end = eol ? eol : text + len;
		const char *hit = memmem(p, (size_t)(end - p), name, n);

		if (hit && hit > p && hit[-1] == ' ')
			return true;
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nl, *nul, *alias, *builtin = "";
	size_t alias_len, builtin_len = 0;
	struct vfd_modules *mods;
	struct vfd_root *root;
	bool is_builtin = false, any_builtin = false;
	char *modalias, **names;

	if (!made) {
		char sub[64];

		/* one tree for the whole run, its two files rewritten for each input */
		if (!mkdtemp(dir))
			abort();
		snprintf(sub, sizeof(sub), "%s/m", dir);
		if (mkdir(sub, 0755) < 0)
			abort();
		made = true;
		atexit(remove_tree);
	}
	nl = memchr(in, '\n', size);
	if (!nl)
		return 0;
	modalias = strndup(in, (size_t)(nl - in));
	alias = nl + 1;
	alias_len = size - (size_t)(alias - in);
	nul = memchr(alias, '\0', alias_len);
	if (nul) {
		builtin = nul + 1;
		builtin_len = alias_len - (size_t)(builtin - alias);
		alias_len = (size_t)(nul - alias);
	}
	put("modules.alias", alias, alias_len);
	put("modules.builtin.alias", builtin, builtin_len);
	root = vfd_root_new(dir);
	mods = root && modalias ? modules_new_at(root, "m") : NULL;
	names = mods ? modules_alias_names(mods, modalias, &is_builtin) : NULL;
	for (size_t i = 0; names && names[i]; i++) {
		bool in_alias = named_in(names[i], alias, alias_len);
		bool in_builtin = named_in(names[i], builtin, builtin_len);

		if (!names[i][0] || (!in_alias && !in_builtin))
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				abort();
		any_builtin |= in_builtin;
	}
	if (is_builtin && !any_builtin)
		abort();
	vfd_strv_free(names);
	vfd_modules_free(mods);
	vfd_root_unref(root);
	free(modalias);
	return 0;
}
