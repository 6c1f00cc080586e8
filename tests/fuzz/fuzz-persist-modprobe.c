// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: modprobe.d and initramfs-tools modules files, persist's
 * marked block in them, and the unified diff of the change. A block written
 * must read back as the same block.
 */
#include <stdlib.h>
#include <string.h>

#include "persist.h"
#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const lines[] = { "softdep nouveau pre: vfio-pci",
					     "options vfio-pci ids=10de:1f06", NULL };
	struct modprobe_info info = { 0 };
	char *text = malloc(size + 1), *out = NULL, *again = NULL, *gone = NULL, *d;
	size_t olen = 0, alen = 0, glen = 0;
	char **names = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	modprobe_parse(text, size, &info, NULL);
	modprobe_info_clear(&info);
	if (modules_file_names(text, size, &names) == 0)
		vfd_strv_free(names);
	if (block_set(text, size, lines, &out, &olen, NULL) == 0) {
		/* written once, the same the second time; taken out, readable */
		if (block_set(out, olen, lines, &again, &alen, NULL) != 0 || alen != olen ||
		    memcmp(out, again, olen) != 0)
			abort();
		if (block_set(out, olen, NULL, &gone, &glen, NULL) != 0)
			abort();
		if (modprobe_parse(out, olen, &info, NULL) != 0)
			abort();
		modprobe_info_clear(&info);
		d = unified_diff("/a", text, size, "/a", out, olen);
		free(d);
	}
	free(out);
	free(again);
	free(gone);
	free(text);
	return 0;
}
