// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the /etc/default/grub, /etc/kernel/cmdline and systemd-boot
 * loader entry editors.
 * Besides not crashing, an edit that succeeds must be final: editing its
 * result again changes nothing (persist's second run relies on it).
 */
#include <stdlib.h>
#include <string.h>

#include "persist.h"
#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const add[] = { "intel_iommu=on", NULL };
static const char *const rm[] = { "amd_iommu=on", "iommu=off", "intel_iommu=off", NULL };

typedef int (*editor)(const char *, size_t, const struct cmdline_edit *, char **, size_t *,
		      char ***, char ***, struct vfd_parse_error *);

/* @to_all: the words go to GRUB_CMDLINE_LINUX (grubby's platforms) */
static void final_to(editor ed, const char *text, size_t len, bool to_all)
{
	struct cmdline_edit e = { .add = add, .remove = rm, .to_all = to_all };
	struct cmdline_edit back = { .add = rm + 0, .remove = add, .to_all = to_all };
	char *out = NULL, *again = NULL, *undo = NULL;
	size_t olen = 0, alen = 0, ulen = 0;
	char **added = NULL, **removed = NULL;

	if (ed(text, len, &e, &out, &olen, &added, &removed, NULL) == 0) {
		if (ed(out, olen, &e, &again, &alen, NULL, NULL, NULL) != 0)
			abort();
		if (alen != olen || memcmp(again, out, olen) != 0)
			abort();
		/* the reverse edit must stay readable too */
		back.add = (const char *const *)removed;
		back.remove = (const char *const *)added;
		if (ed(out, olen, &back, &undo, &ulen, NULL, NULL, NULL) != 0)
			abort();
	}
	free(out);
	free(again);
	free(undo);
	vfd_strv_free(added);
	vfd_strv_free(removed);
}

static void final(editor ed, const char *text, size_t len)
{
	final_to(ed, text, len, false);
	final_to(ed, text, len, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char **words = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	final(grub_edit, text, size);
	final(kcmdline_edit, text, size);
	final_to(entry_options_edit, text, size, false);
	if (sh_get_words(text, size, "GRUB_CMDLINE_LINUX", &words, NULL) == 0)
		vfd_strv_free(words);
	free(text);
	return 0;
}
