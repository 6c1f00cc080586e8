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

/*
 * The one context every command reads: the global options before the command
 * fill it, and cmd_global_option() fills it from the command's own options,
 * so that "vfio-doctor check --sysroot DIR" means what "--sysroot DIR check"
 * does. Commands see it through a const pointer and read it after getopt.
 */
static struct cmd_ctx global_ctx;

int cmd_global_option(int opt, const char *arg)
{
	switch (opt) {
	case 's':
	case OPT_GLOBAL_SYSROOT:
		global_ctx.sysroot = arg;
		return 1;
	case OPT_GLOBAL_COLOR:
		if (output_set_color_mode(arg) < 0) {
			warnx_("invalid --color '%s': expected auto, always or never", arg);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

int cmd_retired_letter(char letter, const char *now)
{
	warnx_("-%c is not this command's option any more: %s (see CONVENTIONS in "
	       "vfio-doctor(8))", letter, now);
	return EXIT_TROUBLE;
}

int cmd_unknown_option(int opt, const char *arg, const char *cmd)
{
	int r = cmd_global_option(opt, arg);

	if (r > 0)
		return 0;
	if (r == 0 && cmd)
		return cmd_usage_error(cmd);
	return r == 0 ? cmd_usage_error(NULL) : EXIT_TROUBLE;
}

int dispatch(const struct program *prog, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char named[64];
	int c, rc;

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
		case 'h':
			prog->usage(stdout);
			return EXIT_CLEAN;
		case 'V':
			puts(prog->version);
			return EXIT_CLEAN;
		default: {
			int r = cmd_global_option(c, optarg);

			if (r > 0)
				break;
			return r < 0 ? EXIT_TROUBLE : cmd_usage_error(NULL);
		}
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

			/*
			 * errors, ours and getopt's (which names argv[0]), say
			 * "vfio-doctor CMD: ..."
			 */
			output_set_command(prog->commands[i].name);
			snprintf(named, sizeof(named), "%s", output_program_name());
			sub[0] = named;
			optind = 0;	/* reset getopt for the subcommand */
			rc = prog->commands[i].run(&global_ctx, subc, sub);
			cmd_root_release();
			return rc;
		}
	}
	warnx_("unknown command '%s'%s", argv[optind], prog->only ? prog->only : "");
	return cmd_usage_error(NULL);
}
