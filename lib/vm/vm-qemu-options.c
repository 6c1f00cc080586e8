// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's option table, for the reader of command lines (lint-qemu.c) and for
 * lint's findings (lint.c): whether an option takes a value, and which QEMU
 * versions the table was made from.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "vm-internal.h"

/*
 * QEMU's option table, compiled in from data/qemu-options.tsv (written by
 * tools/qemu-options-table from qemu-options.hx of several QEMU versions):
 * "NAME<TAB>arg|none<TAB>VERSIONS" lines. QEMU reads the next word as the
 * option's value exactly when its DEF() says HAS_ARG (vl.c, lookup_opt).
 */
extern const char vfd_qemu_options_data[];
extern const size_t vfd_qemu_options_size;

int vfd_vm_qemu_option_arg(const char *name)
{
	const char *p = vfd_qemu_options_data, *end = p + vfd_qemu_options_size;
	size_t n = strlen(name);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if (*p != '#' && (size_t)(eol - p) > n + 4 && !memcmp(p, name, n) && p[n] == '\t')
			return !memcmp(p + n + 1, "arg", 3) && (p[n + 4] == '\t' || p + n + 4 == eol);
		p = eol + 1;
	}
	return -ENOENT;
}

const char *vfd_vm_qemu_versions(void)
{
	static const char key[] = "# QEMU versions: ";
	static char versions[128];
	const char *p, *eol;
	size_t n;

	if (versions[0])
		return versions;
	p = memmem(vfd_qemu_options_data, vfd_qemu_options_size, key, sizeof(key) - 1);
	if (!p)
		return "?";
	p += sizeof(key) - 1;
	eol = memchr(p, '\n', vfd_qemu_options_size - (size_t)(p - vfd_qemu_options_data));
	n = eol ? (size_t)(eol - p) : strlen(p);
	if (n >= sizeof(versions))
		n = sizeof(versions) - 1;
	memcpy(versions, p, n);
	versions[n] = '\0';
	return versions;
}
