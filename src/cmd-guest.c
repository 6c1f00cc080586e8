// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor guest: the diagnosis run inside the VM (adb shell on Android,
 * a console on Linux), rendered like check. Also the whole of the static
 * build (src/main-guest.c), so nothing here may need libsmartcols.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "findings.h"
#include "output.h"

/* bumped when a key changes meaning or disappears; additions keep it */
#define GUEST_JSON_SCHEMA 1
#define MAX_EXPECT 64

static const char *const layers[] = { "guest" };

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor guest [options]\n"
	      "\nRun inside the VM (adb shell, a terminal, a console), as root or not: the\n"
	      "passed-through devices on its PCI bus and their drivers, GPU DRM nodes,\n"
	      "firmware and driver errors in the kernel log, an emulated display that is\n"
	      "primary and, on Android, the graphics stack the properties select.\n"
	      "\nOptions:\n"
	      " -e, --expect <id>       the device passed, as vendor:device (e.g. 10de:1f06);\n"
	      "                           repeatable; default: every non-emulated device\n"
	      " -v, --verbose           show the evidence of every finding, not only problems\n"
	      " -J, --json              use JSON output format\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\nExit status: 0 all ok, 1 warnings, 2 failures or error.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

static struct vfd_root *open_root(const struct cmd_ctx *ctx)
{
	const char *dir = ctx->sysroot ? ctx->sysroot : "/";
	struct vfd_root *root = cmd_root_new(dir);

	if (root)
		return root;
	if (errno == ENOTDIR && ctx->sysroot)
		warnx_("sysroot '%s' is not a sysroot: expected a directory holding sys/ "
		       "(and proc/, dev/), as written by 'vfio-doctor snapshot'", dir);
	else
		warnx_("cannot open %s '%s': %s", ctx->sysroot ? "sysroot" : "root", dir,
		       strerror(errno));
	return NULL;
}

static void print_json(const struct vfd_guest_info *info, const struct vfd_report *rep)
{
	FILE *out = stdout;

	findings_json_begin(out, GUEST_JSON_SCHEMA);
	findings_json_field(out, "kernel", info->kernel);
	findings_json_field(out, "system", info->system);
	fprintf(out, ",\n   \"android\": %s", info->android ? "true" : "false");
	/* the functions checked with their IDs: the trial names the host's device by them */
	fprintf(out, ",\n   \"passed\": [");
	for (size_t i = 0; i < info->n_passed; i++)
		fprintf(out, "%s{\"slot\": \"%s\", \"id\": \"%04x:%04x\"}", i ? ", " : "",
			info->passed[i].slot, info->passed[i].vendor, info->passed[i].device);
	fprintf(out, "]");
	findings_json_end(out, rep);
}

int cmd_guest(const struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct vfd_devspec expect[MAX_EXPECT];
	struct vfd_guest_opts gopts = { .expect = expect };
	struct vfd_guest_info info = { 0 };
	struct vfd_report report = { 0 };
	struct outopts o = { 0 };
	struct vfd_root *root;
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "e:vJh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (vfd_devspec_parse(optarg, &expect[gopts.n_expect]) < 0 ||
			    !expect[gopts.n_expect].by_id) {
				warnx_("invalid --expect '%s': expected vendor:device IDs in hex "
				       "(e.g. 10de:1f06)", optarg);
				return EXIT_TROUBLE;
			}
			if (gopts.n_expect + 1 >= MAX_EXPECT) {
				warnx_("too many --expect options (at most %d)", MAX_EXPECT - 1);
				return EXIT_TROUBLE;
			}
			gopts.n_expect++;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'J':
			o.json = true;
			output_set_json(true);
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (cmd_unknown_option(c, optarg, "guest ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (optind < argc) {
		warnx_("unexpected argument '%s': guest takes devices with --expect "
		       "vendor:device", argv[optind]);
		return cmd_usage_error("guest ");
	}
	o.color = want_color() && !o.json;
	o.width = o.json ? 0 : terminal_width();
	root = open_root(ctx);
	if (!root)
		return EXIT_TROUBLE;
	r = vfd_guest_run(root, &gopts, &info, &report);
	if (r < 0) {
		warnx_("%s", strerror(-r));
		goto out;
	}
	if (o.json) {
		print_json(&info, &report);
	} else {
		printf("vfio-doctor guest: %s, kernel %s\n", info.system ? info.system : "unknown",
		       info.kernel ? info.kernel : "unknown");
		findings_print_text(stdout, &report, layers, ARRAY_LEN(layers), &o);
	}
	rc = findings_exit_status(&report);
out:
	vfd_guest_info_clear(&info);
	vfd_report_clear(&report);
	vfd_root_unref(root);
	return rc;
}
