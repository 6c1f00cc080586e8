// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the knowledge base parser (the format of data/kb/NN-NAME.kb, as
 * loaded with --kb) and, when a file parses, matching a line with it.
 */
#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char line[] =
		"[    3.1] vfio-pci 0000:01:00.0: probe with driver vfio-pci failed with error -22";
	struct vfd_parse_error err;
	struct vfd_kb_match m;
	struct vfd_kb *kb;

	if (vfd_kb_parse((const char *)data, size, &kb, &err) < 0)
		return 0;
	vfd_kb_match(kb, line, sizeof(line) - 1, &m);
	vfd_kb_match(kb, (const char *)data, size, &m);
	vfd_kb_free(kb);
	return 0;
}
