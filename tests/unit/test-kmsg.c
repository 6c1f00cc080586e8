// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel log decoder: /dev/kmsg records, dmesg text, and junk. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"

static void records(void **state)
{
	static const char log[] =
		"6,1,0,-;Linux version 6.1.0-27-amd64\n"
		"4,512,1523401,-;AMD-Vi: Unknown option - 'on'\n"
		" SUBSYSTEM=pci\n"
		" DEVICE=+pci:0000:00:02.0\n"
		"6,513,1600000,c,more;pci 0000:00:02.0: Adding to iommu group 3\n";
	struct vfd_kmsg k;
	size_t pos = 0;

	assert_int_equal(vfd_kmsg_parse(log, sizeof(log) - 1, &k), 0);
	assert_int_equal(k.n, 3);
	assert_int_equal(k.lines[1].level, 4);
	assert_int_equal(k.lines[1].usec, 1523401);
	assert_string_equal(k.lines[1].text, "AMD-Vi: Unknown option - 'on'");
	assert_string_equal(k.lines[2].text, "pci 0000:00:02.0: Adding to iommu group 3");
	assert_non_null(vfd_kmsg_find(&k, "Adding to iommu group", &pos));
	assert_int_equal(pos, 3);
	assert_null(vfd_kmsg_find(&k, "Adding to iommu group", &pos));
	vfd_kmsg_clear(&k);
}

static void dmesg_text(void **state)
{
	static const char log[] =
		"[    0.000000] Linux version 6.12.9\r\n"
		"[   12.345678] DMAR: IOMMU enabled\n"
		"[12345.5] short fraction\n"
		"plain line\n"
		"\n"
		"[ broken stamp] kept whole";
	struct vfd_kmsg k;

	assert_int_equal(vfd_kmsg_parse(log, sizeof(log) - 1, &k), 0);
	assert_int_equal(k.n, 5);
	assert_string_equal(k.lines[0].text, "Linux version 6.12.9");
	assert_int_equal(k.lines[1].usec, 12345678);
	assert_int_equal(k.lines[1].level, -1);
	assert_int_equal(k.lines[2].usec, 12345500000ull);
	assert_string_equal(k.lines[3].text, "plain line");
	assert_string_equal(k.lines[4].text, "[ broken stamp] kept whole");
	vfd_kmsg_clear(&k);
}

static void hostile(void **state)
{
	static const char log[] = "99999999999999999999999,1,2,-;overflowing level\n"
				  "6,1,2;no flags field is fine\n"
				  "6,,2,-;empty seq\n"
				  "[99999999999999999999999999.0] huge stamp\n";
	struct vfd_kmsg k;

	assert_int_equal(vfd_kmsg_parse(log, sizeof(log) - 1, &k), 0);
	/* nothing is dropped: undecodable headers stay part of the text */
	assert_int_equal(k.n, 4);
	assert_string_equal(k.lines[0].text, "99999999999999999999999,1,2,-;overflowing level");
	vfd_kmsg_clear(&k);
	assert_int_equal(vfd_kmsg_parse("", 0, &k), 0);
	assert_int_equal(k.n, 0);
	vfd_kmsg_clear(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records),
		cmocka_unit_test(dmesg_text),
		cmocka_unit_test(hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
