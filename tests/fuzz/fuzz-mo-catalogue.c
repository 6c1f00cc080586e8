// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: GNU gettext .mo files (lib/logs/mo-catalogue.c) and the
 * translations read back from them (lib/logs/explain-translated.c; the
 * same catalogue's strerror() texts too, lib/logs/translated-errno.c). The
 * input is a two-byte length (little-endian), that many bytes of .mo file,
 * and a log line. A catalogue that is accepted hands out only strings
 * inside the file that end with its NUL; a line read back is a line whose
 * message lies within it. Under ASan every read is checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explain-translated.h"
#include "mo-catalogue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void catalogue(const uint8_t *mo, size_t len)
{
	struct mo_catalogue *c;
	const char *id, *str;
	size_t il, sl;

	if (mo_catalogue_parse(mo, len, &c) < 0)
		return;
	for (size_t i = 0; i < mo_catalogue_count(c); i++) {
		if (mo_catalogue_get(c, i, &id, &il, &str, &sl) < 0)
			abort();
		if ((const uint8_t *)id < mo || (const uint8_t *)id + il >= mo + len ||
		    (const uint8_t *)str < mo || (const uint8_t *)str + sl >= mo + len ||
		    id[il] != '\0' || str[sl] != '\0')
			abort();
	}
	if (mo_catalogue_get(c, mo_catalogue_count(c), &id, &il, &str, &sl) == 0)
		abort();
	mo_catalogue_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_translation out = { 0 };
	struct vfd_translated *t;
	size_t len;
	uint8_t *mo;

	if (size < 2)
		return 0;
	len = (size_t)data[0] | (size_t)data[1] << 8;
	if (len > size - 2)
		len = size - 2;
	/* a copy of its own size: ASan sees a read past the file's end */
	mo = malloc(len ? len : 1);
	if (!mo)
		return 0;
	memcpy(mo, data + 2, len);
	catalogue(mo, len);
	if (vfd_translated_parse(mo, len, "xx", &t) == 0) {
		const char *line = (const char *)data + 2 + len;
		size_t ll = size - 2 - len;

		if (vfd_translated_read(t, line, ll, &out) > 0 &&
		    (out.start > out.end || out.end > out.len || strlen(out.line) > out.len))
			abort();
		vfd_translated_free(t);
	}
	free(out.line);
	free(mo);
	return 0;
}
