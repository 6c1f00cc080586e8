// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The root a command reads, with the library's log lines (a file refused, a
 * release ignored) on standard error. Shared by both mains, so the static
 * guest build says the same as the full one.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cmd.h"
#include "output.h"

static __attribute__((format(printf, 3, 0))) void host_log(void *data, int priority,
							      const char *fmt, va_list ap)
{
	(void)data;
	/* syslog levels: a warning is for the user, the rest for whoever debugs */
	if (priority <= 4)
		fprintf(stderr, "%s: ", output_program_name());
	else
		fprintf(stderr, "%s: debug(%d): ", output_program_name(), priority);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

struct vfd_root *cmd_root_new(const char *dir)
{
	struct vfd_root *root = vfd_root_new(dir);

	if (root)
		vfd_root_set_log_fn(root, host_log, NULL);
	return root;
}
