// SPDX-License-Identifier: GPL-2.0-or-later
/* TAP test points for the explain tests written in C: "ok N - ..." / "not ok N - ..." */
#ifndef VFD_TAP_RESULT_H
#define VFD_TAP_RESULT_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned int n_test, n_failed;

static void result(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", ok ? "ok" : "not ok", ++n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		n_failed++;
}

#endif
