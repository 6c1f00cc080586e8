// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor preflight: open one device through the VFIO API as QEMU would,
 * and show each step with what it gave, and for a failing one what it means
 * and the fix. Text by path, a table (-o), or JSON (-J).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "findings.h"
#include "config.h"
#include "output.h"
#include "table.h"

/* bumped when a key changes meaning or disappears; additions keep it */
#define PREFLIGHT_JSON_SCHEMA 1

enum {
	COL_STATUS, COL_STEP, COL_PATH, COL_CALL, COL_RETURN, COL_ERRNO, COL_RESULT,
	COL_MEANING, COL_FIX, COL_EVIDENCE,
};

static const struct colinfo columns[] = {
	[COL_STATUS] = { "STATUS", 6, 0, "ok, info, warn, fail or skip", COL_STR },
	[COL_STEP] = { "STEP", 15, 0, "stable step name (open-group, map-dma, ...)", COL_STR },
	[COL_PATH] = { "PATH", 8, 0, "host, legacy (group and container) or iommufd", COL_STR },
	[COL_CALL] = { "CALL", 0.3, SCOLS_FL_WRAP, "the system call made", COL_STR },
	[COL_RETURN] = { "RETURN", 6, SCOLS_FL_RIGHT, "what the call returned", COL_NUM },
	[COL_ERRNO] = { "ERRNO", 8, 0, "the error it failed with (EBUSY, ...)", COL_STR },
	[COL_RESULT] = { "RESULT", 0.3, SCOLS_FL_WRAP, "what came back", COL_STR },
	[COL_MEANING] = { "MEANING", 0.3, SCOLS_FL_WRAP, "why the step failed", COL_STR },
	[COL_FIX] = { "FIX", 0.3, SCOLS_FL_WRAP, "what to do, one step a line", COL_ARRAY },
	[COL_EVIDENCE] = { "EVIDENCE", 0.3, SCOLS_FL_WRAP, "what else was read, one a line",
			   COL_ARRAY },
};

static const int default_columns[] = { COL_STATUS, COL_STEP, COL_PATH, COL_ERRNO, COL_RESULT };

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor preflight [options] DEVICE\n"
	      "\nOpen DEVICE through the VFIO API the way QEMU does, without starting a VM:\n"
	      "the group and container path and, where the kernel has it, the iommufd path,\n"
	      "each system call a step, with what a failure means and the fix. Opening the\n"
	      "device resets it. DEVICE is DDDD:BB:DD.F, BB:DD.F or vendor:device.\n"
	      "\nOptions:\n"
	      " -u, --user <name>       run the VFIO steps as this account (the QEMU user)\n"
	      " -m, --memory <size>     guest RAM to check the memlock limit against (4G, 4096M)\n"
	      "     --reset             also reset the device (VFIO_DEVICE_RESET)\n"
	      " -v, --verbose           show the evidence of every step, not only failures\n"
	      " -J, --json              use JSON output format\n"
	      " -o, --output <list>     print a table with these columns (+<list> adds)\n"
	      " -O, --output-all        print a table with all columns\n"
	      " -H, --list-columns      list the available columns\n"
	      " -n, --noheadings        don't print headings (tables)\n"
	      " -r, --raw               use raw table output\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\nExit status: 0 all steps ok, 1 warnings, 2 a step failed or error.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

static const char *errname(int err)
{
	const char *n = err ? strerrorname_np(err) : NULL;

	return n ? n : (err ? "E?" : NULL);
}

static const char *status_color(enum vfd_status s)
{
	switch (s) {
	case VFD_OK:
		return C_GREEN;
	case VFD_WARN:
		return C_YELLOW;
	case VFD_FAIL:
		return C_RED;
	default:
		return C_DIM;
	}
}

/* the step's meaning with its placeholders filled (caller frees) */
static char *meaning_of(const struct vfd_preflight *pf, const struct vfd_pf_step *st)
{
	if (!st->meaning)
		return NULL;
	return vfd_pf_expand(st->meaning, pf->slot, pf->group, pf->user, pf->driver);
}

static const char *const path_titles[] = {
	[VFD_PF_HOST] = "host",
	[VFD_PF_LEGACY] = "legacy group and container (/dev/vfio/N, /dev/vfio/vfio: QEMU's default)",
	[VFD_PF_IOMMUFD] = "iommufd (device cdev and /dev/iommu: QEMU -object iommufd)",
};

static void print_step(const struct vfd_preflight *pf, const struct vfd_pf_step *st,
		       const struct outopts *o)
{
	bool detail = o->verbose || st->status == VFD_WARN || st->status == VFD_FAIL;
	const char *c = o->color ? status_color(st->status) : "";
	const char *r = o->color ? C_RESET : "";
	const char *dim = o->color ? C_DIM : "";
	char *m;

	printf("  %s%-4s%s  %-15s %s", c, vfd_status_name(st->status), r,
	       vfd_pf_step_name(st->id), st->call);
	if (st->syscall && st->err)
		printf(" = -1 %s (%s)", errname(st->err), strerror(st->err));
	else if (st->syscall)
		printf(" = %lld", st->ret);
	if (st->result[0])
		printf("%s%s", st->syscall || st->call[0] ? ": " : "", st->result);
	putchar('\n');
	if (!detail)
		return;
	m = meaning_of(pf, st);
	if (m)
		printf("        means: %s\n", m);
	free(m);
	for (char **e = st->evidence; e && *e; e++)
		printf("        %s%s%s\n", dim, *e, r);
	for (char **x = st->fix; x && *x; x++)
		printf("        fix: %s\n", *x);
}

static void print_text(const struct vfd_preflight *pf, const struct outopts *o)
{
	const struct vfd_pf_step *first = vfd_preflight_first_failure(pf);
	size_t counts[VFD_SKIP + 1] = { 0 };

	printf("vfio-doctor preflight: %s, IOMMU group ", pf->slot);
	if (pf->group >= 0)
		printf("%d", pf->group);
	else
		fputs("none", stdout);
	printf(", driver %s, as %s\n", pf->driver ? pf->driver : "none", pf->user);
	for (int p = VFD_PF_HOST; p <= VFD_PF_IOMMUFD; p++) {
		bool header = false;

		for (size_t i = 0; i < pf->n; i++) {
			const struct vfd_pf_step *st = &pf->steps[i];

			/* the limits come last, under their own heading */
			if ((int)st->path != p || st->id == VFD_PF_MEMLOCK ||
			    st->id == VFD_PF_HUGEPAGES)
				continue;
			if (!header) {
				printf("\n%s%s%s\n", o->color ? C_BOLD : "", path_titles[p],
				       o->color ? C_RESET : "");
				header = true;
			}
			counts[st->status]++;
			print_step(pf, st, o);
		}
		if (!header && p != VFD_PF_HOST)
			printf("\n%s%s%s\n  (not run: %s)\n", o->color ? C_BOLD : "", path_titles[p],
			       o->color ? C_RESET : "",
			       pf->group < 0 ? "the device has no IOMMU group" :
			       "the account could not be used");
	}
	printf("\n%smemory%s\n", o->color ? C_BOLD : "", o->color ? C_RESET : "");
	for (size_t i = 0; i < pf->n; i++) {
		const struct vfd_pf_step *st = &pf->steps[i];

		if (st->id != VFD_PF_MEMLOCK && st->id != VFD_PF_HUGEPAGES)
			continue;
		counts[st->status]++;
		print_step(pf, st, o);
	}
	if (first)
		printf("\nfails at %s (%s path): %s\n", vfd_pf_step_name(first->id),
		       vfd_pf_path_name(first->path),
		       first->err ? strerror(first->err) : first->result);
	else if (!pf->live)
		printf("\nskip: the VFIO ioctls need the live host, not a sysroot\n");
	else
		printf("\nthe device opens as QEMU opens it (legacy path %s, iommufd path %s)\n",
		       vfd_status_name(pf->legacy), vfd_status_name(pf->iommufd));
	printf("%zu ok, %zu info, %zu warn, %zu fail, %zu skipped\n", counts[VFD_OK],
	       counts[VFD_INFO], counts[VFD_WARN], counts[VFD_FAIL], counts[VFD_SKIP]);
}

static void json_size(FILE *out, const char *key, uint64_t v, bool known)
{
	fprintf(out, "\"%s\": ", key);
	if (!known || v == VFD_UNLIMITED)
		fputs("null", out);
	else
		fprintf(out, "%llu", (unsigned long long)v);
}

static void print_json(const struct vfd_preflight *pf)
{
	const struct vfd_pf_memory *m = &pf->memory;
	const struct vfd_pf_step *first = vfd_preflight_first_failure(pf);
	FILE *out = stdout;

	fprintf(out, "{\n   \"schema\": %d,\n   \"version\": ", PREFLIGHT_JSON_SCHEMA);
	json_str(out, VFD_VERSION);
	fputs(",\n   \"device\": ", out);
	json_str(out, pf->slot);
	fputs(",\n   \"group\": ", out);
	if (pf->group >= 0)
		fprintf(out, "%d", pf->group);
	else
		fputs("null", out);
	fputs(",\n   \"driver\": ", out);
	json_str(out, pf->driver);
	fputs(",\n   \"user\": ", out);
	json_str(out, pf->user);
	fprintf(out, ",\n   \"live\": %s,\n   \"status\": ", pf->live ? "true" : "false");
	json_str(out, vfd_status_name(vfd_preflight_worst(pf)));
	fputs(",\n   \"failed_step\": ", out);
	json_str(out, first ? vfd_pf_step_name(first->id) : NULL);
	fputs(",\n   \"legacy\": ", out);
	json_str(out, vfd_status_name(pf->legacy));
	fputs(",\n   \"iommufd\": ", out);
	json_str(out, vfd_status_name(pf->iommufd));
	fputs(",\n   \"steps\": [", out);
	for (size_t i = 0; i < pf->n; i++) {
		const struct vfd_pf_step *st = &pf->steps[i];
		char *mean = meaning_of(pf, st);

		fputs(i ? ",\n      {" : "\n      {", out);
		fputs("\"step\": ", out);
		json_str(out, vfd_pf_step_name(st->id));
		fputs(", \"path\": ", out);
		json_str(out, vfd_pf_path_name(st->path));
		fputs(", \"status\": ", out);
		json_str(out, vfd_status_name(st->status));
		fputs(",\n       \"call\": ", out);
		json_str(out, st->call);
		fputs(", \"return\": ", out);
		if (st->syscall)
			fprintf(out, "%lld", st->ret);
		else
			fputs("null", out);
		fputs(", \"errno\": ", out);
		if (st->err)
			fprintf(out, "%d", st->err);
		else
			fputs("null", out);
		fputs(", \"errname\": ", out);
		json_str(out, errname(st->err));
		fputs(",\n       \"result\": ", out);
		json_str(out, st->result[0] ? st->result : NULL);
		fputs(",\n       \"meaning\": ", out);
		json_str(out, mean);
		fputs(",\n       \"evidence\": ", out);
		json_strv(out, st->evidence);
		fputs(",\n       \"fix\": ", out);
		json_strv(out, st->fix);
		fputc('}', out);
		free(mean);
	}
	fputs(pf->n ? "\n   ],\n" : "],\n", out);
	fputs("   \"memory\": {", out);
	json_size(out, "guest", m->guest, m->guest != 0);
	fputs(", ", out);
	json_size(out, "memlock", m->memlock_soft, m->rlimit_known);
	fputs(", ", out);
	json_size(out, "memlock_hard", m->memlock_hard, m->rlimit_known);
	fprintf(out, ", \"memlock_unlimited\": %s, \"cap_ipc_lock\": %s",
		m->rlimit_known && m->memlock_soft == VFD_UNLIMITED ? "true" : "false",
		m->cap_ipc_lock ? "true" : "false");
	fputs(",\n      ", out);
	json_size(out, "login_memlock", m->conf.soft, m->conf_read && m->conf.soft_set);
	fputs(", ", out);
	json_size(out, "login_memlock_hard", m->conf.hard, m->conf_read && m->conf.hard_set);
	fputs(",\n      \"hugepages\": [", out);
	for (size_t i = 0; i < m->n_hugepages; i++)
		fprintf(out, "%s{\"size\": %llu, \"total\": %llu, \"free\": %llu}", i ? ", " : "",
			(unsigned long long)m->hugepages[i].size,
			(unsigned long long)m->hugepages[i].total,
			(unsigned long long)m->hugepages[i].free);
	fputs("]}\n}\n", out);
}

static const char *step_cell(const void *data, size_t row, int col, char *buf, size_t size,
			     bool *owned)
{
	const struct vfd_preflight *pf = data;
	const struct vfd_pf_step *st = &pf->steps[row];

	switch (col) {
	case COL_STATUS:
		return vfd_status_name(st->status);
	case COL_STEP:
		return vfd_pf_step_name(st->id);
	case COL_PATH:
		return vfd_pf_path_name(st->path);
	case COL_CALL:
		return st->call;
	case COL_RETURN:
		snprintf(buf, size, "%lld", st->ret);
		return st->syscall ? buf : NULL;
	case COL_ERRNO:
		return errname(st->err);
	case COL_RESULT:
		return st->result;
	case COL_MEANING:
		*owned = true;
		return meaning_of(pf, st);
	case COL_FIX:
		*owned = true;
		return join_lines(st->fix);
	case COL_EVIDENCE:
		*owned = true;
		return join_lines(st->evidence);
	}
	return NULL;
}

static int print_table(const struct vfd_preflight *pf, const struct outopts *o)
{
	return table_print(o, columns, pf->n, step_cell, pf);
}

int cmd_preflight(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_RESET = 0x100 };
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		/* the old spelling, kept for scripts; not in --help */
		{ "as-user", required_argument, NULL, 'u' },
		{ "memory", required_argument, NULL, 'm' },
		{ "reset", no_argument, NULL, OPT_RESET },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		TABLE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct vfd_preflight_opts popts = { 0 };
	struct vfd_preflight pf = { 0 };
	struct vfd_selection sel = { .bad_arg = -1 };
	struct outopts o = { 0 };
	struct vfd_host *host = NULL;
	bool table = false;
	char slot[16];
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "u:m:vJo:OHnrh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			popts.as_user = optarg;
			break;
		case 'm':
			if (vfd_parse_size(optarg, &popts.memory) < 0 || !popts.memory) {
				warnx_("invalid memory size '%s': expected a size such as 4G, 4096M "
				       "or 4096 (MiB, as QEMU's -m)", optarg);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_RESET:
			popts.reset = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'H':
			columns_list(columns, ARRAY_LEN(columns));
			return EXIT_CLEAN;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (outopts_option(&o, c, optarg, &table))
				break;
			if (cmd_unknown_option(c, optarg, "preflight ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (table && columns_select(&o, columns, ARRAY_LEN(columns), default_columns,
				    ARRAY_LEN(default_columns)) < 0)
		return EXIT_TROUBLE;
	if (optind >= argc) {
		warnx_("no device given: expected one PCI address (e.g. 0000:01:00.0) or "
		       "vendor:device IDs");
		return cmd_usage_error("preflight ");
	}
	if (optind + 1 < argc) {
		warnx_("too many devices: preflight takes one device, got '%s' and '%s'",
		       argv[optind], argv[optind + 1]);
		return EXIT_TROUBLE;
	}
	if (!cmd_devices_parse(argc, argv, optind, &sel))
		return EXIT_TROUBLE;
	o.color = want_color() && !o.json && !table;
	host = cmd_open_host(ctx);
	if (!host)
		goto out;
	if (!cmd_user_known(host, popts.as_user))
		goto out;
	if (!cmd_devices_resolve(host, &sel, VFD_EXPAND_NONE))
		goto out;
	if (sel.n > 1) {
		warnx_("'%s' matches several devices (%s, %s, ...): name one by its address",
		       argv[optind], vfd_pcidev_get_slot(sel.devs[0]),
		       vfd_pcidev_get_slot(sel.devs[1]));
		goto out;
	}
	snprintf(slot, sizeof(slot), "%s", vfd_pcidev_get_slot(sel.devs[0]));
	r = vfd_preflight_run(host, slot, &popts, &pf);
	if (r < 0) {
		warnx_("preflight of %s failed: %s", slot, strerror(-r));
		goto out;
	}
	if (o.json)
		print_json(&pf);
	else if (table)
		print_table(&pf, &o);
	else
		print_text(&pf, &o);
	rc = findings_exit_for(vfd_preflight_worst(&pf));
out:
	vfd_preflight_clear(&pf);
	vfd_selection_clear(&sel);
	vfd_host_free(host);
	return rc;
}
