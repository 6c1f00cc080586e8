/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The top of both command lines (vfio-doctor and its static guest-only build). */
#ifndef VFD_DISPATCH_H
#define VFD_DISPATCH_H

#include <stddef.h>
#include <stdio.h>

#include "cmd.h"

struct subcommand {
	const char *name;
	int (*run)(const struct cmd_ctx *ctx, int argc, char **argv);
	const char *help;
};

struct program {
	const struct subcommand *commands;
	size_t n_commands;
	const char *version;		/* the --version line */
	const char *only;		/* added to "unknown command": what this build has */
	void (*usage)(FILE *out);
};

/* the global options (--sysroot, --help, --version), then the subcommand's run */
int dispatch(const struct program *prog, int argc, char **argv);

#endif
