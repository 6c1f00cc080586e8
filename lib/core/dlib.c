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
#include <stdint.h>
#include <stdio.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libkmod.h>

#include "config.h"
#include "dlib.h"

/*
 * The libraries this file loads, declared for packaging tools in an ELF note
 * (the "ELF dlopen metadata" specification, systemd.io/ELF_DLOPEN_METADATA:
 * owner "FDO", type 0x407c0c0a, a NUL-terminated JSON array as the
 * descriptor, in an allocated section named .note.dlopen). The sonames are
 * those meson found at build time (tools/soname-of). Priorities: check, the
 * command the tool is for, looks up modules with libkmod on every run, so it
 * is required; libxml2 (lint, libvirt-xml, vm) and libarchive (snapshot) serve
 * one command each, which says "cannot load" when they are missing.
 */
#define VFD_DLOPEN_JSON \
	"[{\"feature\":\"kmod\",\"description\":\"kernel module lookups (check, persist)\"," \
	"\"priority\":\"required\",\"soname\":[\"" VFD_SONAME_KMOD "\"]}," \
	"{\"feature\":\"xml\",\"description\":\"libvirt domain XML (lint, libvirt-xml, vm)\"," \
	"\"priority\":\"recommended\",\"soname\":[\"" VFD_SONAME_XML2 "\"]}," \
	"{\"feature\":\"archive\",\"description\":\"snapshot tarballs (snapshot)\"," \
	"\"priority\":\"recommended\",\"soname\":[\"" VFD_SONAME_ARCHIVE "\"]}]"
#define VFD_ELF_NOTE_DLOPEN_TYPE UINT32_C(0x407c0c0a)

/* an ELF note: the header, the owner's name and the descriptor, each padded to
 * 4 bytes; descsz counts the JSON and its NUL, not the padding */
/* ASan pads instrumented globals with redzones: a note must stay as written */
#ifdef __clang__
#define NOTE_UNPADDED __attribute__((no_sanitize("address")))
#else
#define NOTE_UNPADDED
#endif
__attribute__((used, section(".note.dlopen"))) NOTE_UNPADDED _Alignas(uint32_t)
static const struct {
	uint32_t namesz, descsz, type;
	char name[4];
	_Alignas(uint32_t) char desc[(sizeof(VFD_DLOPEN_JSON) + 3) & ~(size_t)3];
} dlopen_note = {
	.namesz = sizeof("FDO"),
	.descsz = sizeof(VFD_DLOPEN_JSON),
	.type = VFD_ELF_NOTE_DLOPEN_TYPE,
	.name = "FDO",
	.desc = VFD_DLOPEN_JSON,
};

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

	return load(VFD_SONAME_XML2, xml_symbols, sizeof(xml_symbols) / sizeof(xml_symbols[0]),
		    &state);
}

int vfd_dl_libarchive(void)
{
	static int state;

	return load(VFD_SONAME_ARCHIVE, archive_symbols,
		    sizeof(archive_symbols) / sizeof(archive_symbols[0]), &state);
}

int vfd_dl_libkmod(void)
{
	static int state;

	return load(VFD_SONAME_KMOD, kmod_symbols, sizeof(kmod_symbols) / sizeof(kmod_symbols[0]),
		    &state);
}

const char *vfd_dl_error(void)
{
	return dl_message;
}
