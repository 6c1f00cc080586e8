// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the snapshot redactors (lib/snapshot/redact.c) over command lines
 * and log records. Beyond not crashing, they must keep line boundaries: a
 * redaction never eats or adds a newline.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t newlines(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t len = 0;
	char *out;

	out = redact_cmdline(in, size, &len);
	if (out && newlines(out, len) != newlines(in, size))
		abort();
	free(out);
	/* a record has no newline of its own: the log is redacted one record at a time */
	if (!memchr(in, '\n', size)) {
		out = redact_log(in, size, &len);
		if (out && memchr(out, '\n', len))
			abort();
		free(out);
	}
	return 0;
}
