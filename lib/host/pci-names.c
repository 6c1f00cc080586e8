// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Names of vendors, devices and classes, as lspci gives them.
 *
 * pciids.c reads the list libpci would read (its id_file_name) and answers
 * for every ID the list holds. libpci keeps its place for what that reader
 * does not do: the udev hwdb (systemd's copy of the list, newer than the
 * installed pci.ids on some hosts), a compressed pci.ids.gz, a class known
 * only by its first byte, and any list our reader refuses. It is asked only
 * after the reader said "unknown", and at most once per ID for the whole
 * host: libpci does not remember a miss and asks the hwdb again each time,
 * and where the hwdb index is absent libudev tries five paths twice for
 * every lookup (pciutils lib/names.c id_lookup, lib/names-hwdb.c). On a host
 * of 4,096 functions with IDs newer than its pci.ids that was 40,960 failed
 * open() calls for one `groups`; with the memo below it is ten per distinct
 * ID (bench/names, bench/RESULTS.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "pci-model.h"

enum name_kind { NAME_VENDOR, NAME_DEVICE, NAME_CLASS, NAME_KINDS };

/* libpci's answer for one ID: its name, or NULL when it has none */
struct memo {
	uint64_t key;		/* kind << 32 | IDs; 0: empty slot */
	char *name;
};

struct names {
	struct pci_access *pacc;
	bool pacc_failed;
	bool ids_tried;
	struct pciids *ids;	/* the fast reader of libpci's list, when it took the file */
	char *ids_buf;
	size_t ids_size;
	struct memo *memo;	/* open addressing, a power of two long */
	size_t memo_cap, memo_n;
	char buf[NAME_KINDS][256];
};

static void names_free(void *data)
{
	struct names *nm = data;

	pciids_free(nm->ids);
	pciids_free_file(nm->ids_buf, nm->ids_size);
	if (nm->pacc)
		pci_cleanup(nm->pacc);
	for (size_t i = 0; i < nm->memo_cap; i++)
		free(nm->memo[i].name);
	free(nm->memo);
	free(nm);
}

static struct names *names_of(struct vfd_host *host)
{
	void **slot = host_cache(host, names_free);

	if (slot && !*slot)
		*slot = calloc(1, sizeof(struct names));
	return slot ? *slot : NULL;
}

/*
 * libpci's default error handler exits (on allocation failure). The handler
 * must not return, so it jumps back to the lookup that called it.
 */
static __thread jmp_buf *pci_error_jump;

static __attribute__((noreturn)) void pci_error(char *msg, ...)
{
	(void)msg;
	if (pci_error_jump)
		longjmp(*pci_error_jump, 1);
	abort();
}

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

static struct pci_access *name_access(struct names *nm)
{
	if (nm->pacc || nm->pacc_failed)
		return nm->pacc;
	nm->pacc = pci_alloc();
	if (!nm->pacc) {
		nm->pacc_failed = true;
		return NULL;
	}
	nm->pacc->error = pci_error;
	nm->pacc->warning = pci_quiet;
	nm->pacc->debug = pci_quiet;
	return nm->pacc;
}

static struct memo *memo_slot(struct memo *memo, size_t cap, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);

	while (memo[i].key && memo[i].key != key)
		i = (i + 1) & (cap - 1);
	return &memo[i];
}

/* the memo's entry for @key, made empty when new; NULL without memory */
static struct memo *memo_get(struct names *nm, uint64_t key, bool *found)
{
	struct memo *m;

	if (2 * (nm->memo_n + 1) > nm->memo_cap) {
		size_t cap = nm->memo_cap ? nm->memo_cap * 2 : 64;
		struct memo *nv = calloc(cap, sizeof(*nv));

		if (!nv)
			return NULL;
		for (size_t i = 0; i < nm->memo_cap; i++)
			if (nm->memo[i].key)
				*memo_slot(nv, cap, nm->memo[i].key) = nm->memo[i];
		free(nm->memo);
		nm->memo = nv;
		nm->memo_cap = cap;
	}
	m = memo_slot(nm->memo, nm->memo_cap, key);
	*found = m->key == key;
	if (!*found) {
		m->key = key;
		m->name = NULL;
		nm->memo_n++;
	}
	return m;
}

/* libpci's name for (@v1, @v2) of @kind into the kind's buffer, asked once per ID */
static const char *lookup(struct names *nm, enum name_kind kind, int flags, unsigned int v1,
			  unsigned int v2)
{
	/* kind + 1: no key is 0, the empty slot's */
	uint64_t key = (uint64_t)(kind + 1) << 32 | v1 << 16 | v2;
	struct pci_access *a = name_access(nm);
	char *buf = nm->buf[kind];
	bool found = false;
	struct memo *m;
	jmp_buf jump;
	char *s;

	if (!a)
		return NULL;
	m = memo_get(nm, key, &found);
	if (m && found) {
		if (!m->name)
			return NULL;
		size_t len = strnlen(m->name, sizeof(nm->buf[kind]) - 1);

		memcpy(buf, m->name, len);
		buf[len] = '\0';
		return buf;
	}
	if (setjmp(jump)) {
		pci_error_jump = NULL;
		return NULL;
	}
	pci_error_jump = &jump;
	if (flags & PCI_LOOKUP_DEVICE)
		s = pci_lookup_name(a, buf, sizeof(nm->buf[kind]), flags | PCI_LOOKUP_NO_NUMBERS,
				    v1, v2);
	else
		s = pci_lookup_name(a, buf, sizeof(nm->buf[kind]), flags | PCI_LOOKUP_NO_NUMBERS,
				    v1);
	pci_error_jump = NULL;
	/* a name not kept (no memory) is asked for again next time, as before */
	if (m && s)
		m->name = strdup(s);
	if (m && s && !m->name) {
		m->key = 0;
		nm->memo_n--;
	}
	return s;
}

/*
 * The same list libpci would read, indexed by pciids.c; NULL when that reader
 * refuses the file (libpci then answers, as it always did).
 */
static struct pciids *fast_ids(struct names *nm)
{
	struct pci_access *a;
	size_t size;
	char *buf;

	if (nm->ids_tried)
		return nm->ids;
	nm->ids_tried = true;
	a = name_access(nm);
	if (!a || !a->id_file_name)
		return NULL;
	/* as libpci opens it: NAME, or, where that fails, NAME without ".gz" */
	if (pciids_read_file(a->id_file_name, &buf, &size) < 0) {
		size_t len = strlen(a->id_file_name);
		char *plain;
		int r;

		if (len < 3 || strcmp(a->id_file_name + len - 3, ".gz") != 0)
			return NULL;
		plain = strndup(a->id_file_name, len - 3);
		r = plain ? pciids_read_file(plain, &buf, &size) : -ENOMEM;
		free(plain);
		if (r < 0)
			return NULL;
	}
	nm->ids = pciids_parse(buf, size);
	if (nm->ids) {
		nm->ids_buf = buf;
		nm->ids_size = size;
		/* 1.3 MiB of resident memory otherwise, for the dozen names a table shows */
		pciids_drop_pages(buf, size);
	} else {
		pciids_free_file(buf, size);
	}
	return nm->ids;
}

/* a listed name as libpci's format_name() writes it, "..." where it is cut */
static const char *fast_name(struct names *nm, enum name_kind kind, int cat, unsigned int id1,
			     unsigned int id2)
{
	struct pciids *ids = fast_ids(nm);
	char *buf = nm->buf[kind];
	size_t size = sizeof(nm->buf[kind]), len;
	const char *name;

	if (!ids)
		return NULL;
	name = pciids_lookup(ids, cat, id1, id2, 0, &len);
	if (!name)
		return NULL;
	len = strnlen(name, len);	/* as "%.*s" stops at a NUL */
	/* a copy, cut with "..." where it does not fit (memcpy: this runs per function) */
	memcpy(buf, name, len < size ? len : size - 1);
	buf[len < size ? len : size - 1] = '\0';
	if (len >= size)
		buf[size - 2] = buf[size - 3] = buf[size - 4] = '.';
	return buf;
}

/*
 * The names live in a buffer per kind (vendor, device, class) that the next
 * lookup of the same kind reuses: copy them before asking for another.
 */
const char *vfd_host_vendor_name(struct vfd_host *host, uint16_t vendor)
{
	struct names *nm = names_of(host);
	const char *s;

	if (!nm)
		return NULL;
	s = fast_name(nm, NAME_VENDOR, PCIIDS_VENDOR, vendor, 0);
	return s ? s : lookup(nm, NAME_VENDOR, PCI_LOOKUP_VENDOR, vendor, 0);
}

const char *vfd_host_device_name(struct vfd_host *host, uint16_t vendor, uint16_t device)
{
	struct names *nm = names_of(host);
	const char *s;

	if (!nm)
		return NULL;
	s = fast_name(nm, NAME_DEVICE, PCIIDS_DEVICE, vendor, device);
	return s ? s : lookup(nm, NAME_DEVICE, PCI_LOOKUP_DEVICE, vendor, device);
}

const char *vfd_host_class_name(struct vfd_host *host, uint32_t class_code)
{
	struct names *nm = names_of(host);
	const char *s;

	if (!nm)
		return NULL;
	/* the subclass name; a class-only name is libpci's, after it tried the hwdb */
	s = fast_name(nm, NAME_CLASS, PCIIDS_SUBCLASS, (class_code >> 16) & 0xff,
		      (class_code >> 8) & 0xff);
	return s ? s : lookup(nm, NAME_CLASS, PCI_LOOKUP_CLASS, class_code >> 8, 0);
}
