// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fast pci.ids reader: lookups, the inputs libpci rejects, and the same
 * answers as libpci on every list here (written to a file for libpci to read).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <pci/pci.h>

#include "internal.h"

/* made-up entries in the list's format: vendors, devices, subsystems, classes */
static const char good[] =
	"# a comment\n"
	"\n"
	"1234  Example Widgets\n"
	"\t0001  Widget Controller\n"
	"\t\t1234 0010  Widget Controller (OEM)\n"
	"\t0002  Widget Bridge \n"
	"\t\t1234 0010  The same subsystem under another device\n"
	"abcd  Lowercase Hex Inc.\r\n"
	"\tbeef  Carriage Returned\r\n"
	"S 1234\n"
	"\t7777  Generic Subsystem\n"
	"X Some future block\n"
	"\tanything at all\n"
	"C 02  Network controller\n"
	"\t00  Ethernet controller\n"
	"\t80  Network controller\n"
	"C 0c  Serial bus controller\n"
	"\t03  USB controller\n"
	"\t\t30  XHCI\n"
	"C ff  Unassigned class\n";

static struct pciids *parse(const char *text)
{
	return pciids_parse(text, strlen(text));
}

static char *name_of(struct pciids *ids, int cat, unsigned int a, unsigned int b)
{
	size_t len;
	const char *s = pciids_lookup(ids, cat, a, b, 0, &len);

	return s ? strndup(s, len) : NULL;
}

static void lookups(void **state)
{
	struct pciids *ids = parse(good);
	char *s;

	(void)state;
	assert_non_null(ids);
	s = name_of(ids, PCIIDS_VENDOR, 0x1234, 0);
	assert_string_equal(s, "Example Widgets");
	free(s);
	s = name_of(ids, PCIIDS_DEVICE, 0x1234, 0x0001);
	assert_string_equal(s, "Widget Controller");
	free(s);
	/* one trailing blank is not part of the name */
	s = name_of(ids, PCIIDS_DEVICE, 0x1234, 0x0002);
	assert_string_equal(s, "Widget Bridge");
	free(s);
	s = name_of(ids, PCIIDS_DEVICE, 0xabcd, 0xbeef);
	assert_string_equal(s, "Carriage Returned");
	free(s);
	s = name_of(ids, PCIIDS_SUBCLASS, 0x0c, 0x03);
	assert_string_equal(s, "USB controller");
	free(s);
	s = name_of(ids, PCIIDS_CLASS, 0xff, 0);
	assert_string_equal(s, "Unassigned class");
	free(s);
	assert_null(name_of(ids, PCIIDS_DEVICE, 0x1234, 0x0003));
	assert_null(name_of(ids, PCIIDS_VENDOR, 0x5678, 0));
	assert_null(name_of(ids, PCIIDS_SUBCLASS, 0xff, 0x00));
	assert_null(name_of(ids, PCIIDS_VENDOR, 0x12345, 0));
	pciids_free(ids);
}

/* libpci reads lines of up to 1023 bytes; longer ones are an error */
static char *long_line(size_t name_len, bool newline)
{
	char *s = malloc(name_len + 16);

	memcpy(s, "1234  ", 6);
	memset(s + 6, 'x', name_len);
	strcpy(s + 6 + name_len, newline ? "\n" : "");
	return s;
}

static const char *const bad[] = {
	"123  Short ID\n",
	"12345 No blank after the ID\n",
	"1234\n",
	"1234  Vendor\n\t\t\t0001  Too deep\n",
	"\t0001  Device before any vendor\n",
	"1234  Vendor\n1234  Vendor again\n",
	"1234  Vendor\n\t0001  A\n\t0001  B\n",
	"S 5678\n",
	"1234  Vendor\nS 1234 \t\n\t0001\n",
	"1234  Vendor\n\t0001  Device\n\t\t1234  Half a subsystem\n",
	"C 2  Short class\n",
	"C 02  Class\n\t0  Short subclass\n",
	"C 02  Class\n\t00  Sub\n\t\t001  Long prog-if\n",
	"1234  \n",
	"1234  Vendor\n\tzzzz  Not hex\n",
	"1234  Vendor\n\t0001  D\n\t\t1111 2222  A\n\t\t3333 4444  B\n\t\t1111 2222  A again\n",
	"1234  Vendor\n\t0001  D\n\t\t1111 2222  A\n# a comment\n\t\t1111 2222  A again\n",
};

static void rejected(void **state)
{
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pciids *ids = pciids_parse(bad[i], strlen(bad[i]));

		if (ids)
			fail_msg("accepted bad list %zu", i);
	}
	/* a NUL inside the text: the line stops there and, before the end, is too long */
	{
		static const char nul[] = "1234  Vendor\n5678  Other\0tail\n9999  Last\n";

		assert_null(pciids_parse(nul, sizeof(nul) - 1));
	}
	s = long_line(1016, true);		/* 1022 bytes and the newline: fits */
	{
		struct pciids *ids = pciids_parse(s, strlen(s));

		assert_non_null(ids);
		pciids_free(ids);
	}
	free(s);
	s = long_line(1017, true);		/* 1023 bytes before the newline: too long */
	assert_null(pciids_parse(s, strlen(s)));
	free(s);
	s = long_line(1016, false);		/* the last line, ended by the end of file */
	{
		struct pciids *ids = pciids_parse(s, strlen(s));

		assert_non_null(ids);
		pciids_free(ids);
	}
	free(s);
	s = long_line(1017, false);		/* 1023 bytes exactly at the end: too long */
	assert_null(pciids_parse(s, strlen(s)));
	free(s);
	/* gzip data is libpci's to read */
	assert_null(pciids_parse("\x1f\x8b\x08\x00", 4));
}

static jmp_buf pci_jump;

static __attribute__((noreturn)) void pci_fail(char *msg, ...)
{
	(void)msg;
	longjmp(pci_jump, 1);
}

static void pci_silent(char *msg, ...)
{
	(void)msg;
}

/*
 * libpci on the same text: NULL when its parser reported an error, else the
 * names it gives for @n lookups, joined by '|'.
 */
static char *libpci_names(const char *text, size_t len, const unsigned int (*q)[3], size_t n)
{
	char path[] = "/tmp/vfd-pciids-XXXXXX";
	struct pci_access *volatile a = NULL;
	char *volatile out = NULL;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	if (setjmp(pci_jump) == 0) {
		char buf[256];
		size_t cap = 4096, used = 0;

		a = pci_alloc();
		a->error = pci_fail;
		a->warning = pci_silent;
		a->debug = pci_silent;
		pci_set_name_list_path(a, path, 0);
		out = calloc(1, cap);
		for (size_t i = 0; i < n; i++) {
			const char *s;

			if (q[i][0] == PCIIDS_VENDOR)
				s = pci_lookup_name(a, buf, sizeof(buf), PCI_LOOKUP_VENDOR |
						    PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
						    q[i][1]);
			else if (q[i][0] == PCIIDS_DEVICE)
				s = pci_lookup_name(a, buf, sizeof(buf), PCI_LOOKUP_DEVICE |
						    PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
						    q[i][1], q[i][2]);
			else
				s = pci_lookup_name(a, buf, sizeof(buf), PCI_LOOKUP_CLASS |
						    PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
						    q[i][1] << 8 | q[i][2]);
			used += (size_t)snprintf(out + used, cap - used, "%s|", s ? s : "-");
		}
	} else {
		free(out);
		out = NULL;
	}
	if (a)
		pci_cleanup(a);
	unlink(path);
	return out;
}

static char *our_names(const char *text, size_t len, const unsigned int (*q)[3], size_t n)
{
	struct pciids *ids = pciids_parse(text, len);
	char *out;
	size_t used = 0;

	if (!ids)
		return NULL;
	out = calloc(1, 4096);
	for (size_t i = 0; i < n; i++) {
		int cat = q[i][0] == PCIIDS_CLASS ? PCIIDS_SUBCLASS : (int)q[i][0];
		char *s = name_of(ids, cat, q[i][1], q[i][2]);

		if (!s && q[i][0] == PCIIDS_CLASS) {
			/* libpci's fallback to the class, with the number */
			s = name_of(ids, PCIIDS_CLASS, q[i][1], 0);
			if (s) {
				char *m = NULL;

				if (asprintf(&m, "%s [%02x%02x]", s, q[i][1], q[i][2]) < 0)
					m = NULL;
				free(s);
				s = m;
			}
		}
		used += (size_t)snprintf(out + used, 4096 - used, "%s|", s ? s : "-");
		free(s);
	}
	pciids_free(ids);
	return out;
}

static void same_as_libpci(void **state)
{
	static const unsigned int q[][3] = {
		{ PCIIDS_VENDOR, 0x1234, 0 }, { PCIIDS_VENDOR, 0xabcd, 0 },
		{ PCIIDS_VENDOR, 0x5678, 0 }, { PCIIDS_DEVICE, 0x1234, 0x0001 },
		{ PCIIDS_DEVICE, 0x1234, 0x0002 }, { PCIIDS_DEVICE, 0xabcd, 0xbeef },
		{ PCIIDS_DEVICE, 0x1234, 0x7777 }, { PCIIDS_CLASS, 0x02, 0x00 },
		{ PCIIDS_CLASS, 0x02, 0x80 }, { PCIIDS_CLASS, 0x0c, 0x03 },
		{ PCIIDS_CLASS, 0xff, 0x01 }, { PCIIDS_CLASS, 0x07, 0x00 },
	};
	size_t n = sizeof(q) / sizeof(q[0]);
	char *lib, *ours;

	(void)state;
	lib = libpci_names(good, strlen(good), q, n);
	ours = our_names(good, strlen(good), q, n);
	assert_non_null(lib);
	assert_non_null(ours);
	assert_string_equal(ours, lib);
	free(lib);
	free(ours);
	/* and both refuse every bad list */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lib = libpci_names(bad[i], strlen(bad[i]), q, n);
		if (lib)
			fail_msg("libpci accepted bad list %zu: the reader is stricter than libpci", i);
	}
}

/*
 * Every vendor and device of the installed list (pciutils' own copy, 36,000
 * lines), and a device each vendor lacks: the reader finds a device by
 * walking its vendor's block, so this covers every block boundary there is.
 */
static void installed_list_same_as_libpci(void **state)
{
	struct pci_access *a = pci_alloc();
	char path[512];
	struct pciids *ids;
	char *buf, line[1100], ours[256], lib[256];
	size_t size, checked = 0;
	unsigned int vendor = 0x10000;
	FILE *f;

	(void)state;
	/* the list libpci was built to read, as the host scan finds it; not its .gz */
	snprintf(path, sizeof(path), "%s", a->id_file_name);
	if (strlen(path) > 3 && strcmp(path + strlen(path) - 3, ".gz") == 0)
		path[strlen(path) - 3] = '\0';
	if (pciids_read_file(path, &buf, &size) < 0) {
		pci_cleanup(a);
		skip();
		return;
	}
	ids = pciids_parse(buf, size);
	assert_non_null(ids);
	/* as the host scan does: the pages go back once indexed, lookups fault them in */
	pciids_drop_pages(buf, size);
	a->error = pci_fail;
	a->warning = pci_silent;
	a->debug = pci_silent;
	pci_set_name_list_path(a, path, 0);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned int id, dev;
		const char *s, *theirs;
		size_t len;
		int n = 0;

		if (line[0] == 'C' && line[1] == ' ')
			break;		/* the classes: devices are over */
		if (sscanf(line, "%4x%n", &id, &n) == 1 && n == 4 && line[4] == ' ') {
			vendor = id;
			dev = 0xfffe;	/* a device few vendors list: mostly a miss */
		} else if (vendor <= 0xffff && line[0] == '\t' && line[1] != '\t' &&
			   sscanf(line + 1, "%4x%n", &id, &n) == 1 && n == 4) {
			dev = id;
		} else {
			continue;
		}
		s = pciids_lookup(ids, PCIIDS_DEVICE, vendor, dev, 0, &len);
		snprintf(ours, sizeof(ours), "%.*s", s ? (int)len : 1, s ? s : "-");
		theirs = pci_lookup_name(a, lib, sizeof(lib), PCI_LOOKUP_DEVICE |
					 PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, vendor, dev);
		if (strcmp(ours, theirs ? theirs : "-") != 0)
			fail_msg("%04x:%04x: ours '%s', libpci '%s'", vendor, dev, ours,
				 theirs ? theirs : "-");
		checked++;
	}
	fclose(f);
	assert_true(checked > 1000);
	pci_cleanup(a);
	pciids_free(ids);
	pciids_free_file(buf, size);
}

/* a list whose size is a multiple of the page size still ends in a NUL */
static void mapped_list_page_sized(void **state)
{
	static const char head[] = "8086  Intel Corporation\n"
				   "\t10ed  82599 Ethernet Controller Virtual Function\n";
	char path[] = "/tmp/vfd-pciids-XXXXXX", *buf = NULL;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = 0, len = 0, n;
	struct pciids *ids;
	const char *name;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, head, sizeof(head) - 1), (ssize_t)sizeof(head) - 1);
	/* comment lines up to the page's end, the last one cut to fit */
	for (n = sizeof(head) - 1; n < page; n += 64) {
		char line[64];
		size_t k = page - n < sizeof(line) ? page - n : sizeof(line);

		memset(line, '#', k);
		line[k - 1] = '\n';
		assert_int_equal(write(fd, line, k), (ssize_t)k);
	}
	close(fd);
	assert_int_equal(pciids_read_file(path, &buf, &size), 0);
	unlink(path);
	assert_int_equal(size, page);
	assert_int_equal(buf[size], '\0');
	ids = pciids_parse(buf, size);
	assert_non_null(ids);
	pciids_drop_pages(buf, size);
	name = pciids_lookup(ids, PCIIDS_DEVICE, 0x8086, 0x10ed, 0, &len);
	assert_non_null(name);
	assert_int_equal(len, strlen("82599 Ethernet Controller Virtual Function"));
	assert_memory_equal(name, "82599 Ethernet Controller Virtual Function", len);
	pciids_free(ids);
	pciids_free_file(buf, size);
	/* an empty list is refused: libpci answers then */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pciids_read_file(path, &buf, &size), -EINVAL);
	unlink(path);
}

static void modalias(void **state)
{
	uint16_t v = 0, d = 0;

	(void)state;
	assert_int_equal(modalias_pci_ids("pci:v00008086d000010EDsv00008086sd0000000Cbc02sc00i00",
					  &v, &d), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(d, 0x10ed);
	assert_int_equal(modalias_pci_ids("pci:v000010DEd00002230sv", &v, &d), 0);
	assert_int_equal(d, 0x2230);
	assert_int_equal(modalias_pci_ids("pci:v00018086d000010EDsv00008086", &v, &d), -ERANGE);
	assert_int_equal(modalias_pci_ids("pci:v00008086d000010E", &v, &d), -EINVAL);
	assert_int_equal(modalias_pci_ids("usb:v1D6Bp0002d0606", &v, &d), -EINVAL);
	assert_int_equal(modalias_pci_ids("pci:v0000808Xd000010EDsv", &v, &d), -EINVAL);
	assert_int_equal(modalias_pci_ids("", &v, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookups),
		cmocka_unit_test(rejected),
		cmocka_unit_test(same_as_libpci),
		cmocka_unit_test(installed_list_same_as_libpci),
		cmocka_unit_test(mapped_list_page_sized),
		cmocka_unit_test(modalias),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
