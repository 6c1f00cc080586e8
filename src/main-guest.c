// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static build's main (make static, meson -Dguest_only=true): the same
 * command line as vfio-doctor, with only the guest subcommand, so that one
 * binary with no libraries can be pushed into an Android guest. Run by the
 * kernel as process 1, it is the trial's /init (src/guest-init.c).
 */
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "dispatch.h"
#include "guest-init.h"
#include "output.h"

static void usage(FILE *out)
{
	fputs("\nUsage:\n"
	      " vfio-doctor [options] guest [command options]\n"
	      "\nThe static build of vfio-doctor for use inside a VM: only 'guest'.\n"
	      "\nCommands:\n"
	      " guest      check a passed-through device from inside the VM\n"
	      "\nOptions:\n"
	      " -s, --sysroot <dir>  read sys/, proc/, dev/ and the Android partitions below <dir>\n"
	      "\n"
	      " -h, --help           display this help\n"
	      " -V, --version        display version\n"
	      "\nRun 'vfio-doctor guest --help' for its options.\n"
	      "For more details see vfio-doctor(8).\n", out);
}

int main(int argc, char **argv)
{
	static const struct subcommand commands[] = {
		{ "guest", cmd_guest, "check a passed-through device from inside the VM" },
	};
	static const struct program prog = {
		.commands = commands,
		.n_commands = ARRAY_LEN(commands),
		.version = "vfio-doctor " VFD_VERSION " (static, guest only)",
		.only = ": this static build has only 'guest'",
		.usage = usage,
	};

	if (getpid() == 1)
		guest_init();
	return dispatch(&prog, argc, argv);
}
