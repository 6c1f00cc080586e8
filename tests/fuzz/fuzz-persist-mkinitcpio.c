// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the bash arrays of mkinitcpio.conf (MODULES=(...),
 * FILES=(...), the old string form). An edit that succeeds must be final.
 */
#include <stdlib.h>
#include <string.h>

#include "persist.h"
#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void final(const char *text, size_t len, const struct array_edit *e)
{
	char *out = NULL, *again = NULL;
	size_t olen = 0, alen = 0;

	if (shell_array_edit(text, len, e, &out, &olen, NULL, NULL, NULL) == 0) {
		if (shell_array_edit(out, olen, e, &again, &alen, NULL, NULL, NULL) != 0)
			abort();
		if (alen != olen || memcmp(out, again, olen) != 0)
			abort();
	}
	free(out);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const mods[] = { "vfio_pci", "vfio", "vfio_iommu_type1", NULL };
	static const char *const files[] = { "/etc/udev/rules.d/60-vfio-doctor.rules", NULL };
	static const char *const gone[] = { "amdgpu", NULL };
	struct array_edit m = { .name = "MODULES", .prepend = mods, .remove = gone, .modules = true };
	struct array_edit f = { .name = "FILES", .append = files };
	char *text = malloc(size + 1), **words = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	final(text, size, &m);
	final(text, size, &f);
	if (sh_get_words(text, size, "HOOKS", &words, NULL) == 0)
		vfd_strv_free(words);
	free(text);
	return 0;
}
