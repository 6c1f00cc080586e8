// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor check: run the layered diagnosis and render its findings as a
 * report grouped by layer, a table (-o), or JSON (-J).
 */
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

	printf("vfio-doctor check: %s, kernel %s, %s\n",
	       sys->pretty_name ? sys->pretty_name : vfd_distro_name(sys->distro),
	       rel ? rel : "unknown", vfd_bootloader_name(sys->boot));
	findings_print_text(stdout, rep, layers, ARRAY_LEN(layers), o);
}

static void print_json(FILE *out, struct vfd_host *host, const struct vfd_report *rep,
		       const struct vfd_system *sys)
{
	fprintf(out, "{\n   \"schema\": %d,\n   \"version\": ", CHECK_JSON_SCHEMA);
	json_str(out, VFD_VERSION);
	fputs(",\n   \"kernel\": ", out);
	json_str(out, vfd_host_get_release(host));
	fputs(",\n   \"distribution\": ", out);
	json_str(out, sys->distro == VFD_DISTRO_UNKNOWN ? NULL : vfd_distro_name(sys->distro));
	fputs(",\n   \"bootloader\": ", out);
	json_str(out, sys->boot == VFD_BOOT_UNKNOWN ? NULL : vfd_bootloader_name(sys->boot));
	fputs(",\n   \"status\": ", out);
	json_str(out, vfd_status_name(vfd_report_worst(rep)));
	fputs(",\n   \"findings\": ", out);
	findings_print_json(out, rep);
	fputs("\n}\n", out);
}

/* join a list with newlines: libsmartcols wraps multi-line cells */
static char *join_lines(char **v)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; v && v[i]; i++)
		len += strlen(v[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; s && v && v[i]; i++) {
		if (i)
			strcat(s, "\n");
		strcat(s, v[i]);
	}
	return s;
}

static int print_table(const struct vfd_report *rep, const struct outopts *o)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return -1;
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	for (size_t i = 0; i < o->ncolumns; i++) {
		const struct colinfo *ci = &columns[o->columns[i]];

		if (!scols_table_new_column(tb, ci->name, ci->whint, ci->flags))
			goto fail;
	}
	for (size_t r = 0; r < rep->n; r++) {
		const struct vfd_finding *f = &rep->findings[r];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			goto fail;
		for (size_t i = 0; i < o->ncolumns; i++) {
			switch (o->columns[i]) {
			case COL_SEVERITY:
				scols_line_set_data(ln, i, vfd_status_name(f->status));
				break;
			case COL_CHECK:
				scols_line_set_data(ln, i, f->id);
				break;
			case COL_LAYER:
				scols_line_set_data(ln, i, f->layer);
				break;
			case COL_DEVICE:
				scols_line_set_data(ln, i, f->device);
				break;
			case COL_MESSAGE:
				scols_line_set_data(ln, i, f->summary);
				break;
			case COL_HINT:
				scols_line_refer_data(ln, i, join_lines(f->fix));
				break;
			case COL_EVIDENCE:
				scols_line_refer_data(ln, i, join_lines(f->evidence));
				break;
			}
		}
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	return 0;
fail:
	scols_unref_table(tb);
	return -1;
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
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, 'O' },
		{ "list-columns", no_argument, NULL, 'H' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ofile = NULL;
	bool prom = false;
	struct outfile of;
	FILE *out = stdout;
	struct vfd_check_opts copts = { 0 };
	struct vfd_report report = { 0 };
	struct vfd_system sys = { 0 };
	struct outopts o = { 0 };
	struct vfd_host *host = NULL;
	bool table = false;
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "u:vJo:OHnrh", longopts, NULL)) != -1) {
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
			break;
		case 'o':
			o.output = optarg;
			table = true;
			break;
		case 'O':
			o.output_all = true;
			table = true;
			break;
		case 'H':
			columns_list(columns, sizeof(columns) / sizeof(columns[0]));
			return EXIT_CLEAN;
		case 'n':
			o.noheadings = true;
			break;
		case 'r':
			o.raw = true;
			table = true;
			break;
		case OPT_FORMAT:
			o.json = strcmp(optarg, "json") == 0;
			prom = strcmp(optarg, "prometheus") == 0;
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
			return cmd_usage_error("check ");
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
	for (int i = optind; i < argc; i++) {
		struct vfd_devspec spec;

		if (vfd_devspec_parse(argv[i], &spec) < 0) {
			cmd_bad_device(argv[i]);
			return EXIT_TROUBLE;
		}
	}
	copts.devices = (const char *const *)(argv + optind);
	o.color = want_color() && !o.json && !prom && !table;
	host = cmd_open_host(ctx);
	if (!host)
		return EXIT_TROUBLE;
	r = vfd_check_run(host, &copts, &report);
	if (r == -ENODEV) {
		for (int i = optind; i < argc; i++) {
			struct vfd_devspec spec;
			size_t idx;

			if (vfd_devspec_parse(argv[i], &spec) == 0 &&
			    vfd_host_lookup(host, &spec, &idx) < 0)
				warnx_("no PCI device matches '%s'", argv[i]);
		}
		goto out;
	}
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
	switch (vfd_report_worst(&report)) {
	case VFD_FAIL:
		rc = EXIT_TROUBLE;
		break;
	case VFD_WARN:
		rc = EXIT_WARN;
		break;
	default:
		rc = EXIT_CLEAN;
	}
out:
	vfd_system_clear(&sys);
	vfd_report_clear(&report);
	vfd_host_free(host);
	return rc;
}
