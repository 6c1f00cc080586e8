// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: Android property files and getprop output (the first
 * byte picks the format), and the kernel's firmware failure line on every
 * line of the same input.
 */
#include <stdlib.h>
#include <string.h>

#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_props p = { 0 };
	enum vfd_props_format fmt;
	const char *text;
	char *s;

	if (size < 1)
		return 0;
	fmt = data[0] & 1 ? VFD_PROPS_GETPROP : VFD_PROPS_FILE;
	text = (const char *)data + 1;
	size--;
	/* twice into one store: the second pass overrides every key it finds */
	vfd_props_parse(&p, text, size, fmt, "first");
	vfd_props_parse(&p, text, size, fmt, "second");
	for (size_t i = 0; i < p.n; i++) {
		const char *src = NULL;

		if (vfd_props_get(&p, p.v[i].key, &src) != p.v[i].value || src != p.v[i].source)
			abort();
	}
	vfd_props_clear(&p);

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, text, size);
	s[size] = '\0';
	for (char *line = s, *nl; line; line = nl) {
		struct vfd_fw_failure fw;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (vfd_fw_failure_parse(line, &fw) == 1 && (fw.err >= 0 || !fw.name[0]))
			abort();
	}
	free(s);
	return 0;
}
