// SPDX-License-Identifier: GPL-2.0-or-later
/* The one mapping from findings to the exit status (src/findings.c; vfio-doctor(8)). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cmd.h"
#include "findings.h"
#include "internal.h"

static void by_status(void **state)
{
	assert_int_equal(findings_exit_for(VFD_OK), EXIT_CLEAN);
	assert_int_equal(findings_exit_for(VFD_INFO), EXIT_CLEAN);
	assert_int_equal(findings_exit_for(VFD_SKIP), EXIT_CLEAN);
	assert_int_equal(findings_exit_for(VFD_WARN), EXIT_WARN);
	assert_int_equal(findings_exit_for(VFD_FAIL), EXIT_TROUBLE);
}

static void by_report(void **state)
{
	struct vfd_report rep = { 0 };

	assert_int_equal(findings_exit_status(&rep), EXIT_CLEAN);
	report_add(&rep, "t.info", "test", VFD_INFO, NULL, "info");
	assert_int_equal(findings_exit_status(&rep), EXIT_CLEAN);
	report_add(&rep, "t.warn", "test", VFD_WARN, NULL, "warn");
	assert_int_equal(findings_exit_status(&rep), EXIT_WARN);
	report_add(&rep, "t.fail", "test", VFD_FAIL, NULL, "fail");
	report_add(&rep, "t.ok", "test", VFD_OK, NULL, "ok");
	assert_int_equal(findings_exit_status(&rep), EXIT_TROUBLE);
	vfd_report_clear(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_status),
		cmocka_unit_test(by_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
