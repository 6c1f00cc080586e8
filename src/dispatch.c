// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The global options and the choice of subcommand, for vfio-doctor and for
 * the static guest-only build alike: the two must read the same command line.
 */
#include <getopt.h>
#include <locale.h>
#include <string.h>

#include "dispatch.h"
#include "output.h"

int cmd_usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'vfio-doctor %s--help' for more information.\n", cmd ? cmd : "");
	return EXIT_TROUBLE;
}

int dispatch(const struct program *prog, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx = { 0 };
	int c;

	/*
	 * The user's locale, as util-linux tools take it: names from pci.ids in
	 * UTF-8 and tree lines drawn with box characters where the terminal's
	 * locale says UTF-8. Numbers stay in the C format: JSON and the Prometheus
	 * text need a dot.
	 */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	/* from here on, what is printed is escaped for the terminal (output.c) */
	output_init();
	/* '+': stop at the subcommand; its options are its own */
	while ((c = getopt_long(argc, argv, "+s:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			ctx.sysroot = optarg;
			break;
		case 'h':
			prog->usage(stdout);
			return EXIT_CLEAN;
		case 'V':
			puts(prog->version);
			return EXIT_CLEAN;
		default:
			return cmd_usage_error(NULL);
		}
	}
	if (optind >= argc) {
		warnx_("no command given%s", prog->only ? prog->only : "");
		prog->usage(stderr);
		return EXIT_TROUBLE;
	}
	for (size_t i = 0; i < prog->n_commands; i++) {
		if (strcmp(argv[optind], prog->commands[i].name) == 0) {
			char **sub = argv + optind;
			int subc = argc - optind;

			optind = 0;	/* reset getopt for the subcommand */
			return prog->commands[i].run(&ctx, subc, sub);
		}
	}
	warnx_("unknown command '%s'%s", argv[optind], prog->only ? prog->only : "");
	return cmd_usage_error(NULL);
}
