// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The root a command reads, with the library's log lines (a file refused, a
 * release ignored) on standard error. Shared by both mains, so the static
 * guest build says the same as the full one. A command opens its root once:
 * every later caller (explain --dmesg, then its host for --check) gets the
 * same one, so a file refused is named once and read through one context.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

/* the command's root, held until the command returns (cmd_root_release) */
static struct vfd_root *command_root;

struct vfd_root *cmd_root_new(const char *dir)
{
	struct vfd_root *root;

	if (command_root && strcmp(vfd_root_get_prefix(command_root), dir) == 0)
		return vfd_root_ref(command_root);
	root = vfd_root_new(dir);
	if (!root)
		return NULL;
	vfd_root_set_log_fn(root, host_log, NULL);
	if (!command_root)
		command_root = vfd_root_ref(root);
	return root;
}

void cmd_root_release(void)
{
	vfd_root_unref(command_root);
	command_root = NULL;
}
