// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor lint: check a libvirt domain or a QEMU command line against the
 * host, with the findings, rendering and exit statuses of check.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "findings.h"
#include "output.h"
#include "vfd-vm.h"

/* bumped when a key changes meaning or disappears; additions keep it */
#define LINT_JSON_SCHEMA 1

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor lint [options] FILE\n"
	      "\nCheck a VM definition against this host: a libvirt domain XML, a Proxmox VM\n"
	      "configuration (/etc/pve/qemu-server/ID.conf), or a file holding a QEMU command\n"
	      "line (a script, 'qm showcmd' output, or bare options, one a line or not):\n"
	      "machine type, firmware and the GPU's ROM, each passed device (exists, can be\n"
	      "passed, bound, siblings, group, romfile, x-vga; mediated devices), the memlock\n"
	      "limit and hugepages. FILE '-' reads standard input.\n"
	      "\nOptions:\n"
	      " -u, --user <name>       the account QEMU runs as (default: libvirt-qemu or qemu)\n"
	      " -v, --verbose           show the evidence of every finding, not only problems\n"
	      " -J, --json              use JSON output format\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\nExit status: 0 all ok, 1 warnings, 2 failures or error.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

/* the whole file, at most @max bytes; -EFBIG past it */
static int slurp(const char *path, size_t max, char **buf, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : 0;
	size_t cap = 65536, n = 0;
	char *b;

	if (fd < 0)
		return -errno;
	b = malloc(cap);
	if (!b)
		goto nomem;
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *nb;

			if (cap > max)
				break;
			cap *= 2;
			nb = realloc(b, cap);
			if (!nb)
				goto nomem;
			b = nb;
		}
		got = read(fd, b + n, cap - n);
		if (got < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(b);
			if (fd)
				close(fd);
			return -e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (fd)
		close(fd);
	if (n > max) {
		free(b);
		return -EFBIG;
	}
	*buf = b;
	*len = n;
	return 0;
nomem:
	free(b);
	if (fd)
		close(fd);
	return -ENOMEM;
}

static void print_json(const char *file, const struct vfd_vm_conf *conf,
		       const struct vfd_report *rep)
{
	findings_json_begin(stdout, LINT_JSON_SCHEMA);
	findings_json_field(stdout, "file", file);
	findings_json_field(stdout, "source",
			    conf->source == VFD_VM_SOURCE_LIBVIRT ? "libvirt"
			    : conf->source == VFD_VM_SOURCE_PVE ? "proxmox" : "qemu");
	findings_json_end(stdout, rep);
}

int cmd_lint(const struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const layers[] = { "vm" };
	struct vfd_lint_opts lopts = { 0 };
	struct vfd_vm_conf conf = { 0 };
	struct vfd_report report = { 0 };
	struct vfd_parse_error err = { 0 };
	struct outopts o = { 0 };
	struct vfd_host *host = NULL;
	const char *file;
	char *buf = NULL;
	size_t len = 0;
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "u:vJh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			lopts.user = optarg;
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
			if (cmd_unknown_option(c, optarg, "lint ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (argc - optind != 1) {
		warnx_("expected one FILE (a libvirt domain XML, a Proxmox VM configuration "
		       "or a QEMU command line)");
		return cmd_usage_error("lint ");
	}
	file = argv[optind];
	r = slurp(file, VFD_VM_MAX_INPUT, &buf, &len);
	if (r == -EFBIG) {
		warnx_("'%s' is larger than %u MiB: not a domain or a command line", file,
		       VFD_VM_MAX_INPUT >> 20);
		return EXIT_TROUBLE;
	}
	if (r < 0) {
		warnx_("cannot read '%s': %s", file, strerror(-r));
		return EXIT_TROUBLE;
	}
	r = vfd_vm_parse(buf, len, &conf, &err);
	free(buf);
	if (r < 0) {
		if (err.line)
			warnx_("%s:%u: %s", file, err.line, err.message[0] ? err.message
			       : strerror(-r));
		else
			warnx_("%s: %s", file, err.message[0] ? err.message : strerror(-r));
		return EXIT_TROUBLE;
	}
	host = cmd_open_host(ctx);
	if (!host || !cmd_user_known(host, lopts.user))
		goto out;
	r = vfd_vm_lint(host, &conf, &lopts, &report);
	if (r < 0) {
		warnx_("lint failed: %s", strerror(-r));
		goto out;
	}
	o.color = want_color() && !o.json;
	if (o.json) {
		print_json(file, &conf, &report);
	} else {
		printf("vfio-doctor lint: %s (%s)\n", file,
		       conf.source == VFD_VM_SOURCE_LIBVIRT ? "libvirt domain"
		       : conf.source == VFD_VM_SOURCE_PVE ? "Proxmox VM configuration"
		       : "QEMU command line");
		findings_print_text(stdout, &report, layers, 1, &o);
	}
	rc = findings_exit_status(&report);
out:
	vfd_vm_conf_clear(&conf);
	vfd_report_clear(&report);
	vfd_host_free(host);
	return rc;
}
