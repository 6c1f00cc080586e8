// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the fast pci.ids reader against libpci itself. Both read
 * the same bytes; the reader must accept exactly what libpci accepts and give
 * the same name for every ID the input mentions.
 */
#define _GNU_SOURCE
#include <pci/pci.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jmp_buf lib_error;

static __attribute__((noreturn)) void on_error(char *msg, ...)
{
	/* names-parse.c closes the list before it reports: nothing leaks */
	(void)msg;
	longjmp(lib_error, 1);
}

static void quiet(char *msg, ...)
{
	(void)msg;
}

static int hex(const uint8_t *p, const uint8_t *end, int n)
{
	int v = 0;

	if (end - p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		int c = p[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else
			return -1;
	}
	return v;
}

static void compare(const char *ours, const char *theirs)
{
	if ((ours == NULL) != (theirs == NULL) || (ours && strcmp(ours, theirs) != 0))
		abort();
}

/* ours in libpci's format for a lookup with PCI_LOOKUP_NO_NUMBERS */
static char *ours_name(struct pciids *ids, int cat, unsigned int a, unsigned int b, char *buf,
		       size_t size)
{
	size_t len;
	const char *s = pciids_lookup(ids, cat, a, b, 0, &len);
	int n;

	if (!s && cat == PCIIDS_SUBCLASS) {
		s = pciids_lookup(ids, PCIIDS_CLASS, a, 0, 0, &len);
		if (!s)
			return NULL;
		n = snprintf(buf, size, "%.*s [%02x%02x]", (int)len, s, a, b);
	} else if (s) {
		n = snprintf(buf, size, "%.*s", (int)len, s);
	} else {
		return NULL;
	}
	if (n >= 0 && (size_t)n >= size)
		buf[size - 2] = buf[size - 3] = buf[size - 4] = '.';
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	const int flags = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;
	const uint8_t *end = data + size;
	struct pci_access *volatile a;
	struct pciids *ids;
	bool failed;
	char mine[256], theirs[256];
	int vendor = -1, klass = -1;

	/* gzip data is libpci's alone */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return 0;
	if (fd < 0) {
		fd = memfd_create("pci.ids", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	ids = pciids_parse((const char *)data, size);
	a = pci_alloc();
	a->error = on_error;
	a->warning = quiet;
	a->debug = quiet;
	pci_set_name_list_path(a, path, 0);
	failed = setjmp(lib_error) != 0;
	if (!failed)
		pci_lookup_name(a, theirs, sizeof(theirs), PCI_LOOKUP_VENDOR | flags, 0);
	if ((ids != NULL) == failed)
		abort();
	/* every vendor, device, class and subclass the input names, by line */
	for (const uint8_t *p = data; ids && p < end;) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		int id;

		if (p[0] == '\t' && vendor >= 0 && (id = hex(p + 1, end, 4)) >= 0) {
			compare(ours_name(ids, PCIIDS_DEVICE, (unsigned int)vendor, (unsigned int)id,
					  mine, sizeof(mine)),
				pci_lookup_name(a, theirs, sizeof(theirs), PCI_LOOKUP_DEVICE | flags,
						vendor, id));
		} else if (p[0] == '\t' && klass >= 0 && (id = hex(p + 1, end, 2)) >= 0) {
			compare(ours_name(ids, PCIIDS_SUBCLASS, (unsigned int)klass, (unsigned int)id,
					  mine, sizeof(mine)),
				pci_lookup_name(a, theirs, sizeof(theirs), PCI_LOOKUP_CLASS | flags,
						klass << 8 | id));
		} else if (p[0] == 'C' && (id = hex(p + 2, end, 2)) >= 0) {
			klass = id;
			vendor = -1;
		} else if ((id = hex(p, end, 4)) >= 0) {
			vendor = id;
			klass = -1;
			compare(ours_name(ids, PCIIDS_VENDOR, (unsigned int)id, 0, mine, sizeof(mine)),
				pci_lookup_name(a, theirs, sizeof(theirs), PCI_LOOKUP_VENDOR | flags,
						id));
		}
		p = nl ? nl + 1 : end;
	}
	pci_cleanup(a);
	pciids_free(ids);
	return 0;
}
