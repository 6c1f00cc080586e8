// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading libxml2, libarchive and libkmod when a command first needs them (see
 * dlib.h for why). Each is opened once, by its soname, and every symbol the
 * library uses is looked up at once, so a missing one is reported before any
 * work starts rather than as a crash halfway through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libkmod.h>

#include "dlib.h"

#define VFD_DL_DEFINE(sym) __typeof__(sym) *dl_##sym;
VFD_DL_XML(VFD_DL_DEFINE)
VFD_DL_ARCHIVE(VFD_DL_DEFINE)
VFD_DL_KMOD(VFD_DL_DEFINE)

static char dl_message[256];

struct dl_symbol {
	const char *name;
	void **slot;
};

#define VFD_DL_ENTRY(sym) { #sym, (void **)&dl_##sym },
static const struct dl_symbol xml_symbols[] = { VFD_DL_XML(VFD_DL_ENTRY) };
static const struct dl_symbol archive_symbols[] = { VFD_DL_ARCHIVE(VFD_DL_ENTRY) };
static const struct dl_symbol kmod_symbols[] = { VFD_DL_KMOD(VFD_DL_ENTRY) };

/* 1 loaded, -1 failed (not tried again: the answer will not change), 0 not yet */
static int load(const char *soname, const struct dl_symbol *syms, size_t n, int *state)
{
	void *h;

	if (*state)
		return *state > 0 ? 0 : -ELIBACC;
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(dl_message, sizeof(dl_message), "%s", dlerror());
		*state = -1;
		return -ELIBACC;
	}
	for (size_t i = 0; i < n; i++) {
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot) {
			snprintf(dl_message, sizeof(dl_message), "%s: no symbol %s", soname,
				 syms[i].name);
			/* kept open: the pointers already set would dangle otherwise */
			*state = -1;
			return -ELIBACC;
		}
	}
	*state = 1;
	return 0;
}

int vfd_dl_libxml2(void)
{
	static int state;

	return load("libxml2.so.2", xml_symbols, sizeof(xml_symbols) / sizeof(xml_symbols[0]),
		    &state);
}

int vfd_dl_libarchive(void)
{
	static int state;

	return load("libarchive.so.13", archive_symbols,
		    sizeof(archive_symbols) / sizeof(archive_symbols[0]), &state);
}

int vfd_dl_libkmod(void)
{
	static int state;

	return load("libkmod.so.2", kmod_symbols, sizeof(kmod_symbols) / sizeof(kmod_symbols[0]),
		    &state);
}

const char *vfd_dl_error(void)
{
	return dl_message;
}
