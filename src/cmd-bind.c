// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor bind / unbind / restore: show the plan, refuse what would cost
 * the host a disk, a network or its display, and run the rest as a
 * transaction (the library undoes it on failure).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "findings.h"
#include "output.h"
#include "trial.h"

enum bind_mode { MODE_BIND, MODE_UNBIND, MODE_RESTORE };

static const char *const mode_names[] = { "bind", "unbind", "restore" };

static void usage(enum bind_mode mode)
{
	switch (mode) {
	case MODE_BIND:
		fputs("\nUsage:\n"
		      " vfio-doctor bind [options] DEVICE...\n"
		      "\nGive devices to vfio-pci with driver_override and drivers_probe (per device,\n"
		      "so identical devices elsewhere are untouched). The previous driver is recorded\n"
		      "under /run/vfio-doctor; 'unbind' and 'restore' give it back.\n"
		      "\nOptions:\n"
		      " -g, --group             bind every non-bridge device of the devices' groups\n"
		      "     --allow-nonviable   bind even if the group stays non-viable\n"
		      " -f, --force             bind devices the host is using (disk, network, display)\n"
		      "     --dry-run           show the plan and what it would refuse; change nothing\n", stdout);
		break;
	case MODE_UNBIND:
		fputs("\nUsage:\n"
		      " vfio-doctor unbind [options] DEVICE...\n"
		      "\nGive devices back to the driver they had before 'bind' (from its record), or,\n"
		      "without a record, to the driver the kernel picks; driver_override is put back.\n"
		      "\nOptions:\n"
		      "     --dry-run           show the plan; change nothing\n", stdout);
		break;
	case MODE_RESTORE:
		fputs("\nUsage:\n"
		      " vfio-doctor restore [options] [DEVICE...]\n"
		      "\nGive back every device 'bind' recorded (or only the DEVICEs named), and\n"
		      "remove the private directory of a 'trial' that was killed (SIGKILL).\n"
		      "\nOptions:\n"
		      "     --dry-run           show the plan; change nothing\n", stdout);
		break;
	}
	fputs("\n -h, --help              display this help\n"
	      "\nDEVICE is DDDD:BB:DD.F, BB:DD.F or vendor:device (every match).\n"
	      "Exit status: 0 done, 2 refused, failed (and rolled back) or bad usage.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

/* restore: what a trial killed with SIGKILL left behind (lib/trial/trial-record.c) */
static void clean_trials(struct vfd_host *host, bool dry)
{
	struct vfd_root *root = vfd_host_get_root(host);
	char **dirs = NULL;
	int r;

	/* a sysroot is only read */
	dry |= !vfd_root_is_live(root);
	r = vfd_trial_cleanup(root, dry, &dirs);
	for (size_t i = 0; dirs && dirs[i]; i++)
		printf("%s: %s (left by a trial that did not end)\n", dirs[i],
		       dry ? "would be removed" : "removed");
	if (r < 0)
		warnx_("cannot remove a trial's directory: %s", strerror(-r));
	vfd_strv_free(dirs);
}

/* the step as the shell line a user could type */
static void print_step(const struct vfd_step *s, const char *prefix)
{
	const char *v = s->value;

	if (strcmp(v, "\n") == 0)
		printf("%secho > /%s\n", prefix, s->path);
	else
		printf("%secho %s > /%s\n", prefix, v, s->path);
}

void cmd_print_plan(const struct vfd_plan *plan, bool to_vfio)
{
	for (size_t t = 0; t < plan->ntargets; t++) {
		const struct vfd_target *tg = &plan->targets[t];

		if (to_vfio)
			printf("%s: %s -> vfio-pci\n", tg->slot, tg->driver ? tg->driver : "no driver");
		else
			printf("%s: %s -> previous driver\n", tg->slot,
			       tg->driver ? tg->driver : "no driver");
		for (size_t i = 0; i < plan->nsteps; i++)
			if (strcmp(plan->steps[i].slot, tg->slot) == 0)
				print_step(&plan->steps[i], "  ");
	}
}

int cmd_apply_plan(struct vfd_host *host, struct vfd_plan *plan, struct vfd_apply_result *res)
{
	struct vfd_sighold held;
	int r;

	/* a ^C in the middle must not leave half a binding: hold signals until done */
	vfd_signals_hold(&held);
	r = vfd_plan_apply(host, plan, res);
	vfd_signals_release(&held);
	return r;
}

static int cmd_bind_any(const struct cmd_ctx *ctx, int argc, char **argv, enum bind_mode mode)
{
	enum { OPT_ALLOW = 256, OPT_DRY_RUN };
	static const struct option longopts[] = {
		{ "group", no_argument, NULL, 'g' },
		{ "allow-nonviable", no_argument, NULL, OPT_ALLOW },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *shortopts = mode == MODE_BIND ? "gfnh" CMD_GLOBAL_SHORTOPTS
						    : "nh" CMD_GLOBAL_SHORTOPTS;
	struct vfd_bind_opts opts = { 0 };
	struct vfd_apply_result res = { 0 };
	struct vfd_plan plan = { 0 };
	struct vfd_selection sel = { .bad_arg = -1 };
	struct vfd_host *host = NULL;
	bool dry = false, color = want_color();
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			opts.group = true;
			break;
		case OPT_ALLOW:
			if (mode != MODE_BIND)
				return cmd_usage_error(mode == MODE_UNBIND ? "unbind " : "restore ");
			opts.allow_nonviable = true;
			break;
		case 'f':
			opts.force = true;
			break;
		case 'n':
			return cmd_retired_letter('n', "-n is --noheadings; a dry run is --dry-run");
		case OPT_DRY_RUN:
			dry = true;
			break;
		case 'h':
			usage(mode);
			return EXIT_CLEAN;
		default: {
			char try[16];

			snprintf(try, sizeof(try), "%s ", mode_names[mode]);
			if (cmd_unknown_option(c, optarg, try) == 0)
				break;
			return EXIT_TROUBLE;
		}
		}
	}
	if (optind >= argc && mode != MODE_RESTORE) {
		warnx_("no device given: expected DDDD:BB:DD.F, BB:DD.F or vendor:device");
		return EXIT_TROUBLE;
	}
	if (!cmd_devices_parse(argc, argv, optind, &sel))
		return EXIT_TROUBLE;
	host = cmd_open_host(ctx);
	if (!host || !cmd_devices_resolve(host, &sel, VFD_EXPAND_NONE))
		goto out;
	if (mode == MODE_RESTORE)
		clean_trials(host, dry);
	if (mode == MODE_BIND)
		r = vfd_plan_bind_devices(host, sel.devs, sel.n, &opts, &plan);
	else if (sel.nargs)
		r = vfd_plan_restore_devices(host, sel.devs, sel.n, &plan);
	else
		/* every recorded device; one gone from the host has no argument to name */
		r = vfd_plan_restore(host, NULL, &plan);
	if (r == -ENODEV && !sel.nargs)
		goto out;
	if (r < 0) {
		warnx_("cannot plan: %s", strerror(-r));
		goto out;
	}
	findings_print_problems(stdout, &plan.problems, color);
	if (!plan.nsteps) {
		printf("nothing to do\n");
		rc = plan.refused ? EXIT_TROUBLE : EXIT_CLEAN;
		goto out;
	}
	cmd_print_plan(&plan, mode == MODE_BIND);
	if (plan.refused) {
		warnx_("refused: see the problems above (nothing was changed)");
		goto out;
	}
	if (dry) {
		printf("dry run: nothing was changed\n");
		rc = EXIT_CLEAN;
		goto out;
	}
	r = cmd_apply_plan(host, &plan, &res);
	if (r < 0) {
		if (res.failed < plan.nsteps && res.done < plan.nsteps) {
			const struct vfd_step *s = &plan.steps[res.failed];

			warnx_("step %zu failed: echo %s > /%s: %s", res.failed + 1,
			       strcmp(s->value, "\n") ? s->value : "", s->path,
			       vfd_step_strerror(s->kind, -r));
		} else {
			warnx_("%s failed: %s", mode_names[mode], res.detail ? res.detail : strerror(-r));
		}
		if (res.detail && res.failed < plan.nsteps)
			fprintf(stderr, "%s\n", res.detail);
		if (res.rolled_back)
			fprintf(stderr, res.rollback_err ? "rollback incomplete: %s\n"
					: "rolled back: the devices are as they were%s\n",
				res.rollback_err ? strerror(-res.rollback_err) : "");
		goto out;
	}
	for (size_t t = 0; t < plan.ntargets; t++) {
		if (mode == MODE_BIND)
			printf("%s: bound to vfio-pci (/dev/vfio/%d)\n", plan.targets[t].slot,
			       plan.targets[t].group);
		else
			printf("%s: given back\n", plan.targets[t].slot);
	}
	rc = EXIT_CLEAN;
out:
	vfd_apply_result_clear(&res);
	vfd_plan_clear(&plan);
	vfd_selection_clear(&sel);
	vfd_host_free(host);
	return rc;
}

int cmd_bind(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_bind_any(ctx, argc, argv, MODE_BIND);
}

int cmd_unbind(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_bind_any(ctx, argc, argv, MODE_UNBIND);
}

int cmd_restore(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_bind_any(ctx, argc, argv, MODE_RESTORE);
}
