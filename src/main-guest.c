// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static build's main (make static, meson -Dguest_only=true): the same
 * command line as vfio-doctor, with only the guest subcommand, so that one
 * binary with no libraries can be pushed into an Android guest.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "output.h"

int cmd_usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'vfio-doctor %s--help' for more information.\n", cmd ? cmd : "");
	return EXIT_TROUBLE;
}

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
	static const struct option longopts[] = {
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+s:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			ctx.sysroot = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_CLEAN;
		case 'V':
			printf("vfio-doctor %s (static, guest only)\n", VFD_VERSION);
			return EXIT_CLEAN;
		default:
			return cmd_usage_error(NULL);
		}
	}
	if (optind >= argc) {
		warnx_("no command given: this build has only 'guest'");
		usage(stderr);
		return EXIT_TROUBLE;
	}
	if (strcmp(argv[optind], "guest") != 0) {
		warnx_("unknown command '%s': this static build has only 'guest'", argv[optind]);
		return cmd_usage_error(NULL);
	}
	argv += optind;
	argc -= optind;
	optind = 0;	/* reset getopt for the subcommand */
	return cmd_guest(&ctx, argc, argv);
}
