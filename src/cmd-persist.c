// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor persist: make the vfio-pci binding of devices survive a reboot.
 * The library plans every file change; this prints the problems, the changes
 * as unified diffs (--dry-run) or what was written, and the commands left to
 * run.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "findings.h"
#include "output.h"

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor persist [options] DEVICE...\n"
	      " vfio-doctor persist --undo [options] [DEVICE...]\n"
	      "\nMake devices go to vfio-pci at every boot: a udev rule per address (identical\n"
	      "devices elsewhere are untouched), softdeps so vfio-pci loads before the host\n"
	      "driver, vfio-pci in the initramfs, the IOMMU options on the kernel command line.\n"
	      "Each file is written atomically; its previous content stays in\n"
	      "FILE.vfio-doctor.bak. Running it again changes nothing.\n"
	      "\nOptions:\n"
	      "     --by-id             bind by vendor:device (options vfio-pci ids=): every\n"
	      "                           device with those IDs goes to vfio-pci\n"
	      "     --undo              take the devices named (all when none) out again and\n"
	      "                           give the files back\n"
	      " -f, --force             persist devices the host is using (disk, network, display)\n"
	      "     --iommu-pt          add iommu=pt to the kernel command line as well\n"
	      "     --dry-run           show every change as a unified diff; change nothing\n"
	      "\n -h, --help              display this help\n"
	      "\nDEVICE is DDDD:BB:DD.F, BB:DD.F or vendor:device (every match).\n"
	      "Exit status: 0 done (or nothing to do), 1 done with warnings, 2 refused, a file\n"
	      "left untouched, or bad usage.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

static void print_diff(const char *diff, bool color)
{
	for (const char *p = diff; *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		const char *c = "";

		if (color && (*p == '+' || *p == '-') && strncmp(p, "+++ ", 4) && strncmp(p, "--- ", 4))
			c = *p == '+' ? C_GREEN : C_RED;
		else if (color && *p == '@')
			c = C_DIM;
		printf("%s%.*s%s\n", c, n, p, *c ? C_RESET : "");
		p = nl ? nl + 1 : p + n;
	}
}

static const char *change_verb(enum vfd_change_kind kind)
{
	return kind == VFD_CHANGE_CREATE ? "create" : kind == VFD_CHANGE_REMOVE ? "remove"
									      : "modify";
}

/*
 * Whether this user may make every change of the plan on the live host: the
 * file (modify, remove) or its directory (create, and the rename that
 * replaces a file atomically). One error line for the first that fails.
 */
static bool changes_writable(const struct vfd_persist_plan *plan)
{
	for (size_t i = 0; i < plan->nchanges; i++) {
		const struct vfd_file_change *ch = &plan->changes[i];
		char path[PATH_MAX], *slash;

		snprintf(path, sizeof(path), "/%s", ch->path);
		slash = strrchr(path, '/');
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
		/* a directory persist creates is made under one that exists */
		while (access(path, F_OK) < 0 && strrchr(path, '/') && strcmp(path, "/") != 0) {
			slash = strrchr(path, '/');
			if (slash == path)
				slash[1] = '\0';
			else
				*slash = '\0';
		}
		if (access(path, W_OK | X_OK) < 0) {
			warnx_("cannot write '/%s': '%s': %s (run as root)", ch->path, path,
			       strerror(errno));
			return false;
		}
	}
	return true;
}

int cmd_persist(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_BY_ID = 256, OPT_IOMMU_PT, OPT_UNDO, OPT_DRY_RUN };
	static const struct option longopts[] = {
		{ "by-id", no_argument, NULL, OPT_BY_ID },
		{ "iommu-pt", no_argument, NULL, OPT_IOMMU_PT },
		{ "undo", no_argument, NULL, OPT_UNDO },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct vfd_persist_opts opts = { 0 };
	struct vfd_persist_plan plan = { 0 };
	struct vfd_host *host = NULL;
	bool dry = false, color = want_color();
	struct vfd_sighold held;
	size_t failed = 0;
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "fnuh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_IOMMU_PT:
			opts.iommu_pt = true;
			break;
		case OPT_BY_ID:
			opts.by_id = true;
			break;
		case 'n':
			return cmd_retired_letter('n', "-n is --noheadings; a dry run is --dry-run");
		case 'u':
			return cmd_retired_letter('u', "-u is --user; undo is --undo");
		case OPT_UNDO:
			opts.undo = true;
			break;
		case 'f':
			opts.force = true;
			break;
		case OPT_DRY_RUN:
			dry = true;
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (cmd_unknown_option(c, optarg, "persist ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (optind >= argc && !opts.undo) {
		warnx_("no device given: expected DDDD:BB:DD.F, BB:DD.F or vendor:device");
		return EXIT_TROUBLE;
	}
	if (opts.undo && opts.by_id) {
		warnx_("--by-id and --undo do not go together: --undo takes out what "
		       "was persisted, however it was bound");
		return EXIT_TROUBLE;
	}
	if (opts.undo && opts.iommu_pt) {
		warnx_("--iommu-pt and --undo do not go together: --undo takes out "
		       "iommu=pt with the rest of what persist added");
		return EXIT_TROUBLE;
	}
	if (!cmd_devices_valid(argc, argv, optind))
		return EXIT_TROUBLE;
	host = cmd_open_host(ctx);
	if (!host)
		return EXIT_TROUBLE;
	r = vfd_plan_persist(host, optind < argc ? (const char *const *)(argv + optind) : NULL,
			     &opts, &plan);
	if (r == -ENODEV) {
		cmd_report_unmatched(host, argc, argv, optind);
		goto out;
	}
	if (r < 0) {
		warnx_("cannot plan: %s", strerror(-r));
		goto out;
	}
	findings_print_problems(stdout, &plan.problems, color);
	if (plan.refused) {
		warnx_("refused: see the problems above (nothing was changed)");
		goto out;
	}
	if (!plan.nchanges) {
		if (plan.by_hand && plan.devices && plan.devices[0]) {
			/* NixOS, Unraid: the lines above are the change, made by the user */
			printf("persist writes no file on this platform: put the lines above in "
			       "place\n");
			for (char **d = plan.devices; *d; d++)
				printf("  %s\n", *d);
		} else if (plan.devices && plan.devices[0]) {
			printf("nothing to change: already persisted\n");
			for (char **d = plan.devices; *d; d++)
				printf("  %s\n", *d);
		} else {
			printf("nothing to change\n");
		}
		for (char **x = plan.commands; x && *x; x++)
			printf("%s %s\n", x == plan.commands ? "then run:" : "         ", *x);
		rc = findings_exit_status(&plan.problems);
		goto out;
	}
	if (dry) {
		for (size_t i = 0; i < plan.nchanges; i++) {
			char *d = vfd_file_change_diff(&plan.changes[i]);

			printf("# %s\n", plan.changes[i].why);
			if (d)
				print_diff(d, color);
			free(d);
		}
		printf("would change:\n");
		for (size_t i = 0; i < plan.nchanges; i++)
			printf("  %s /%s\n", change_verb(plan.changes[i].kind), plan.changes[i].path);
		for (char **d = plan.devices; d && *d; d++)
			printf("%s %s\n", d == plan.devices ? "would persist:" : "              ", *d);
		if (!plan.devices || !plan.devices[0])
			printf("nothing would be persisted any more\n");
		for (char **x = plan.commands; x && *x; x++)
			printf("%s %s\n", x == plan.commands ? "then run:" : "         ", *x);
		/* fail where the run would: a file this user may not write */
		if (vfd_root_is_live(vfd_host_get_root(host)) && !changes_writable(&plan)) {
			fprintf(stderr, "dry run: nothing was changed; the real run would fail\n");
			goto out;
		}
		printf("dry run: nothing was changed\n");
		rc = findings_exit_status(&plan.problems);
		goto out;
	}
	/* a ^C between two files must not leave half a configuration */
	vfd_signals_hold(&held);
	r = vfd_persist_apply(host, &plan, &failed);
	vfd_signals_release(&held);
	if (r == -EROFS) {
		warnx_("a sysroot is a snapshot and cannot be changed: use --dry-run to "
		       "see the changes");
		goto out;
	}
	if (r < 0) {
		if (failed < plan.nchanges)
			warnx_("cannot write '/%s': %s", plan.changes[failed].path, strerror(-r));
		else
			warnx_("persist failed: %s", strerror(-r));
		fprintf(stderr, "rolled back: the files are as they were\n");
		goto out;
	}
	for (size_t i = 0; i < plan.nchanges; i++) {
		const struct vfd_file_change *ch = &plan.changes[i];

		if (ch->kind == VFD_CHANGE_CREATE)
			printf("created /%s\n", ch->path);
		else if (ch->kind == VFD_CHANGE_REMOVE)
			printf("removed /%s\n", ch->path);
		else if (ch->backup)
			printf("changed /%s (the previous content is in /%s.vfio-doctor.bak)\n",
			       ch->path, ch->path);
		else
			printf("changed /%s\n", ch->path);
	}
	for (char **d = plan.devices; d && *d; d++)
		printf("%s %s\n", d == plan.devices ? "persisted:" : "          ", *d);
	if (!plan.devices || !plan.devices[0])
		printf("nothing is persisted any more\n");
	for (char **x = plan.commands; x && *x; x++)
		printf("%s %s\n", x == plan.commands ? "now run:" : "        ", *x);
	rc = findings_exit_status(&plan.problems);
out:
	vfd_persist_plan_clear(&plan);
	vfd_host_free(host);
	return rc;
}
