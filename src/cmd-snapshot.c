// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor snapshot: capture what check and groups read into a sysroot
 * tarball, for bug reports and test fixtures. The file is written to a
 * temporary name beside the target and renamed, so it is whole or absent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "output.h"

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor snapshot [options]\n"
	      "\nWrite what 'check' and 'groups' read (sysfs attributes and links, config\n"
	      "space, kernel command line, module state, the kernel log, /dev/vfio nodes)\n"
	      "as a tarball that 'vfio-doctor --sysroot DIR' replays once unpacked.\n"
	      "Credentials, host names and addresses on the command line, MAC and IP\n"
	      "addresses and serial numbers in the log, the host name, and accounts,\n"
	      "mounts and routes the checks do not need are redacted (see the man page).\n"
	      "\nOptions:\n"
	      "     --output-file <file>  write to <file> (.tar.xz, .tar.gz or .tar; '-' for\n"
	      "                         standard output, the default when it is not a terminal)\n"
	      " -f, --force             replace <file> if it exists\n"
	      "     --no-redact         copy every file as it is (not for public reports)\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\nFor more details see vfio-doctor(8).\n", stdout);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), n = strlen(suffix);

	return l >= n && strcmp(s + l - n, suffix) == 0;
}

int cmd_snapshot(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_NO_REDACT = 256, OPT_OUTPUT_FILE };
	static const struct option longopts[] = {
		{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
		{ "force", no_argument, NULL, 'f' },
		{ "no-redact", no_argument, NULL, OPT_NO_REDACT },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct vfd_snapshot_opts opts = { .redact = true, .compress = VFD_SNAPSHOT_XZ };
	const char *file = NULL;
	struct vfd_atomic_file out;
	struct vfd_host *host;
	bool force = false;
	int c, fd, r;

	while ((c = getopt_long(argc, argv, "o:fh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUTPUT_FILE:
			file = optarg;
			break;
		case 'o':
			return cmd_retired_letter('o', "-o selects columns; name the tarball "
						  "with --output-file FILE");
		case 'f':
			force = true;
			break;
		case OPT_NO_REDACT:
			opts.redact = false;
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (cmd_unknown_option(c, optarg, "snapshot ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (optind < argc) {
		warnx_("unexpected argument '%s': snapshot takes no devices", argv[optind]);
		return EXIT_TROUBLE;
	}
	if (!file || strcmp(file, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			warnx_("refusing to write a tarball to a terminal: use -o FILE");
			return EXIT_TROUBLE;
		}
		file = NULL;
	} else if (ends_with(file, ".tar")) {
		opts.compress = VFD_SNAPSHOT_NONE;
	} else if (ends_with(file, ".tar.gz") || ends_with(file, ".tgz")) {
		opts.compress = VFD_SNAPSHOT_GZIP;
	} else if (!ends_with(file, ".tar.xz") && !ends_with(file, ".txz")) {
		warnx_("invalid output name '%s': expected a name ending in .tar.xz, .tar.gz or .tar",
		       file);
		return EXIT_TROUBLE;
	}
	if (file && !force && access(file, F_OK) == 0) {
		warnx_("'%s' exists: use --force to replace it", file);
		return EXIT_TROUBLE;
	}
	/* the same checks as every command: a sysroot must be one */
	host = cmd_open_host(ctx);
	if (!host)
		return EXIT_TROUBLE;
	if (file) {
		r = vfd_atomic_open(&out, AT_FDCWD, file, 0644, 0);
		if (r < 0) {
			warnx_("cannot create '%s': %s", file, strerror(-r));
			vfd_host_free(host);
			return EXIT_TROUBLE;
		}
		fd = out.fd;
	} else {
		fd = STDOUT_FILENO;
	}
	r = vfd_snapshot_write(vfd_host_get_root(host), fd, &opts);
	vfd_host_free(host);
	if (file) {
		if (r == 0)
			r = vfd_atomic_commit(&out);
		else
			vfd_atomic_abort(&out);
	}
	if (r < 0) {
		warnx_("cannot write snapshot '%s': %s", file ? file : "-", strerror(-r));
		return EXIT_TROUBLE;
	}
	return EXIT_CLEAN;
}
