// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: persist's record, /etc/vfio-doctor/persist.state. What it
 * reads it must write back so that reading that again gives the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "persist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pstate s = { 0 }, t = { 0 };
	char *text = malloc(size + 1), *once = NULL, *twice = NULL;
	unsigned int line = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (pstate_parse(text, size, &s, &line) == 0 && !s.oom) {
		once = pstate_render(&s);
		if (once) {
			if (pstate_parse(once, strlen(once), &t, &line) != 0)
				abort();
			twice = pstate_render(&t);
			if (!twice || strcmp(once, twice) != 0)
				abort();
		}
	}
	free(once);
	free(twice);
	pstate_clear(&s);
	pstate_clear(&t);
	free(text);
	return 0;
}
