// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor check: run the layered diagnosis and render its findings as a
 * report grouped by layer, a table (-o), or JSON (-J).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "findings.h"
#include "outfile.h"
#include "output.h"
#include "table.h"
#include "render-prometheus.h"

/* bumped when a key changes meaning or disappears; additions keep it */
#define CHECK_JSON_SCHEMA 1

enum { COL_SEVERITY, COL_CHECK, COL_LAYER, COL_DEVICE, COL_MESSAGE, COL_HINT, COL_EVIDENCE };

static const struct colinfo columns[] = {
	[COL_SEVERITY] = { "SEVERITY", 8, 0, "ok, info, warn, fail or skip", COL_STR },
	[COL_CHECK] = { "CHECK", 24, 0, "stable finding id (layer.name)", COL_STR },
	[COL_LAYER] = { "LAYER", 8, 0, "platform, firmware, iommu, modules or device", COL_STR },
	[COL_DEVICE] = { "DEVICE", 12, 0, "PCI address the finding is about", COL_STR },
	[COL_MESSAGE] = { "MESSAGE", 0.5, SCOLS_FL_WRAP, "one-line summary", COL_STR },
	[COL_HINT] = { "HINT", 0.3, SCOLS_FL_WRAP, "the fix, one step a line", COL_ARRAY },
	[COL_EVIDENCE] = { "EVIDENCE", 0.3, SCOLS_FL_WRAP, "what was read, one item a line",
			   COL_ARRAY },
};

static const int default_columns[] = { COL_SEVERITY, COL_CHECK, COL_DEVICE, COL_MESSAGE, COL_HINT };

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor check [options] [DEVICE...]\n"
	      "\nDiagnose the host layer by layer: platform, firmware, iommu, modules and,\n"
	      "for each DEVICE (or every device bound to vfio-pci), its group, driver,\n"
	      "node, reset and siblings. DEVICE is DDDD:BB:DD.F, BB:DD.F or vendor:device.\n"
	      "\nOptions:\n"
	      " -u, --user <name>       also check that <name> (the QEMU user) can open the nodes\n"
	      "     --preflight         also open each device through VFIO as QEMU would (resets\n"
	      "                           it; as <name> with --user; see 'vfio-doctor preflight')\n"
	      " -v, --verbose           show the evidence of every finding, not only problems\n"
	      " -J, --json              use JSON output format (--format json)\n"
	      "     --format <name>     text, json, or prometheus (node_exporter metrics)\n"
	      "     --output-file <file>  write json or prometheus output to <file> atomically\n"
	      " -o, --output <list>     print a table with these columns (+<list> adds)\n"
	      " -O, --output-all        print a table with all columns\n"
	      " -H, --list-columns      list the available columns\n"
	      " -n, --noheadings        don't print headings (tables)\n"
	      " -r, --raw               use raw table output\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\nExit status: 0 all ok, 1 warnings, 2 failures or error.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

static const char *const layers[] = { "platform", "firmware", "iommu", "modules", "device" };

static void print_text(struct vfd_host *host, const struct vfd_report *rep, const struct outopts *o,
		       const struct vfd_system *sys)
{
	const char *rel = vfd_host_get_release(host);

	const char *plat = vfd_system_platform_name(sys);
	const char *pretty = sys->pretty_name;
	char *head = NULL;
	int n;

	/* the platform first when os-release does not name it (Proxmox VE says Debian) */
	if (plat && pretty)
		n = asprintf(&head, "%s (%s), kernel %s, %s", plat, pretty, rel ? rel : "unknown",
			     vfd_system_boot_desc(sys));
	else
		n = asprintf(&head, "%s, kernel %s, %s",
			     pretty ? pretty : plat ? plat : "unknown platform",
			     rel ? rel : "unknown", vfd_system_boot_desc(sys));
	findings_print_wrapped(stdout, o->width, "vfio-doctor check: ", 19, 19, "",
			       n < 0 ? "?" : head, "");
	free(head);
	findings_print_text(stdout, rep, layers, ARRAY_LEN(layers), o);
}

static void print_json(FILE *out, struct vfd_host *host, const struct vfd_report *rep,
		       const struct vfd_system *sys)
{
	findings_json_begin(out, CHECK_JSON_SCHEMA);
	findings_json_field(out, "kernel", vfd_host_get_release(host));
	findings_json_field(out, "distribution", sys->distro == VFD_DISTRO_UNKNOWN ? NULL :
			    vfd_distro_name(sys->distro));
	findings_json_field(out, "platform", vfd_system_platform_id(sys));
	findings_json_field(out, "bootloader", sys->boot == VFD_BOOT_UNKNOWN ? NULL :
			    vfd_bootloader_name(sys->boot));
	findings_json_end(out, rep);
}

static const char *finding_cell(const void *data, size_t row, int col, char *buf, size_t size,
				bool *owned)
{
	const struct vfd_finding *f = &((const struct vfd_report *)data)->findings[row];

	(void)buf;
	(void)size;
	switch (col) {
	case COL_SEVERITY:
		return vfd_status_name(f->status);
	case COL_CHECK:
		return f->id;
	case COL_LAYER:
		return f->layer;
	case COL_DEVICE:
		return f->device;
	case COL_MESSAGE:
		return f->summary;
	case COL_HINT:
		*owned = true;
		return join_lines(f->fix);
	case COL_EVIDENCE:
		*owned = true;
		return join_lines(f->evidence);
	}
	return NULL;
}

static int print_table(const struct vfd_report *rep, const struct outopts *o)
{
	return table_print(o, columns, rep->n, finding_cell, rep);
}

int cmd_check(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_FORMAT = CHAR_MAX + 1, OPT_OUTPUT_FILE };
	enum { OPT_PREFLIGHT = CHAR_MAX + 32 };
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "preflight", no_argument, NULL, OPT_PREFLIGHT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		TABLE_LONGOPTS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *ofile = NULL;
	bool prom = false;
	struct outfile of;
	FILE *out = stdout;
	struct vfd_check_opts copts = { 0 };
	struct vfd_selection sel = { .bad_arg = -1 };
	struct vfd_report report = { 0 };
	struct vfd_system sys = { 0 };
	struct outopts o = { 0 };
	struct vfd_host *host = NULL;
	bool table = false;
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "u:vJo:OHnrh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			copts.user = optarg;
			break;
		case OPT_PREFLIGHT:
			copts.preflight = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'J':
			o.json = true;
			prom = false;
			output_set_json(true);
			break;
		case 'H':
			columns_list(columns, sizeof(columns) / sizeof(columns[0]));
			return EXIT_CLEAN;
		case OPT_FORMAT:
			o.json = strcmp(optarg, "json") == 0;
			prom = strcmp(optarg, "prometheus") == 0;
			output_set_json(o.json || prom);
			if (!o.json && !prom && strcmp(optarg, "text") != 0) {
				warnx_("invalid format '%s': expected text, json or prometheus",
				       optarg);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_OUTPUT_FILE:
			ofile = optarg;
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (outopts_option(&o, c, optarg, &table))
				break;
			if (cmd_unknown_option(c, optarg, "check ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (ofile && !o.json && !prom) {
		warnx_("--output-file '%s' needs --format json (-J) or --format prometheus",
		       ofile);
		return EXIT_TROUBLE;
	}
	if (table && columns_select(&o, columns, sizeof(columns) / sizeof(columns[0]),
				    default_columns, sizeof(default_columns) / sizeof(int)) < 0)
		return EXIT_TROUBLE;
	if (!cmd_devices_parse(argc, argv, optind, &sel))
		return EXIT_TROUBLE;
	copts.selection = &sel;
	o.color = want_color() && !o.json && !prom && !table;
	o.width = o.json || prom || table ? 0 : terminal_width();
	host = cmd_open_host(ctx);
	if (!host)
		goto out;
	if (!cmd_user_known(host, copts.user) ||
	    !cmd_devices_resolve(host, &sel, VFD_EXPAND_NONE))
		goto out;
	r = vfd_check_run(host, &copts, &report);
	if (r < 0) {
		warnx_("check failed: %s", strerror(-r));
		goto out;
	}
	vfd_system_detect(vfd_host_get_root(host), &sys);
	if (ofile) {
		r = outfile_open(&of, ofile);
		if (r < 0) {
			warnx_("cannot write '%s': %s", ofile, strerror(-r));
			goto out;
		}
		out = of.fp;
	}
	if (prom) {
		struct prom_meta meta = { .version = VFD_VERSION,
					  .kernel = vfd_host_get_release(host) };

		if (sys.distro != VFD_DISTRO_UNKNOWN)
			meta.distribution = vfd_distro_name(sys.distro);
		if (sys.boot != VFD_BOOT_UNKNOWN)
			meta.bootloader = vfd_bootloader_name(sys.boot);
		prom_render(out, &report, &meta);
	} else if (o.json) {
		print_json(out, host, &report, &sys);
	} else if (table) {
		print_table(&report, &o);
	} else {
		print_text(host, &report, &o, &sys);
	}
	r = ofile ? outfile_commit(&of) : 0;
	if (r < 0) {
		warnx_("cannot write '%s': %s", ofile, strerror(-r));
		goto out;
	}
	rc = findings_exit_status(&report);
out:
	vfd_system_clear(&sys);
	vfd_selection_clear(&sel);
	vfd_report_clear(&report);
	vfd_host_free(host);
	return rc;
}
