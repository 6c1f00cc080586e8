// SPDX-License-Identifier: GPL-2.0-or-later
/* Device arguments: the forms accepted and the ones rejected. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"

static void full_address(void **state)
{
	struct vfd_bdf b;
	char buf[16];

	assert_int_equal(vfd_bdf_parse("0000:01:00.0", &b), 0);
	assert_int_equal(b.domain, 0);
	assert_int_equal(b.bus, 1);
	assert_int_equal(b.dev, 0);
	assert_int_equal(b.fn, 0);
	assert_int_equal(vfd_bdf_parse("10000:ff:1f.7", &b), -EINVAL);
	assert_int_equal(vfd_bdf_parse("abcd:Ff:1F.7", &b), 0);
	vfd_bdf_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "abcd:ff:1f.7");
}

static void short_address(void **state)
{
	struct vfd_bdf b;

	assert_int_equal(vfd_bdf_parse("01:00.1", &b), 0);
	assert_int_equal(b.domain, 0);
	assert_int_equal(b.bus, 1);
	assert_int_equal(b.fn, 1);
	assert_int_equal(vfd_bdf_parse("0:2.0", &b), 0);
	assert_int_equal(b.dev, 2);
}

static void rejects(void **state)
{
	static const char *const bad[] = {
		"", "01:00", "01:00.8", "01:20.0", "0000:01:00", "zz:00.0", "01:00.0x",
		"0000:01:00.0.1", ":00.0", "01:.0", "01:00.", "-1:00.0", "0000::00.0",
		"123:00.0", "01:000.0", "0x01:00.0", " 01:00.0", "01:00.0 ",
	};
	struct vfd_bdf b;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vfd_bdf_parse(bad[i], &b) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(vfd_bdf_parse(NULL, &b), -EINVAL);
}

static void devspec_ids(void **state)
{
	struct vfd_devspec s;

	assert_int_equal(vfd_devspec_parse("10de:1f06", &s), 0);
	assert_true(s.by_id);
	assert_int_equal(s.vendor, 0x10de);
	assert_int_equal(s.device, 0x1f06);
	assert_int_equal(vfd_devspec_parse("01:00.0", &s), 0);
	assert_false(s.by_id);
	/* two-digit pairs look like bus:dev, without the dot they are nothing */
	assert_int_equal(vfd_devspec_parse("10de:1f0", &s), -EINVAL);
	assert_int_equal(vfd_devspec_parse("10de1f06", &s), -EINVAL);
	assert_int_equal(vfd_devspec_parse("10de:1f06:1", &s), -EINVAL);
	assert_int_equal(vfd_devspec_parse("gpu", &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_address),
		cmocka_unit_test(short_address),
		cmocka_unit_test(rejects),
		cmocka_unit_test(devspec_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
