// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one error record of the parsers of outside data: the knowledge base's
 * .kb reader, the VM definition readers and persist's file editors all say
 * where they stopped the same way.
 */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

void vfd_parse_error_set(struct vfd_parse_error *err, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}
