// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor watch: follow the kernel log as it is written (the handbook's
 * `dmesg -w`) and print the messages about passthrough (vfio, IOMMU, PCI,
 * KVM), each with the knowledge base entry it matches, until SIGINT or
 * SIGTERM. /dev/kmsg hands out one record per read(); a reader that falls
 * behind the ring buffer gets EPIPE once and continues at the oldest record
 * still there. With --sysroot the file DIR/dev/kmsg is read once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "output.h"

#define RECORD_MAX 8192		/* a /dev/kmsg record is at most about 1 KiB of text */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor watch [options]\n"
	      "\nFollow the kernel log and print the messages about vfio, the IOMMU, PCI and\n"
	      "KVM as they arrive, each with what it means, until interrupted; those the\n"
	      "knowledge base does not know are marked UNKNOWN. With --sysroot, print\n"
	      "those of DIR/dev/kmsg once.\n"
	      "\nOptions:\n"
	      "     --since-boot      first replay the messages already in the log\n"
	      "     --kb <file>       use this knowledge base instead of the built-in one\n"
	      " -J, --json            one JSON object per message (JSON lines)\n"
	      "\n"
	      " -h, --help            display this help\n"
	      "\nExit status: 0 when interrupted, 2 on error.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

struct watch {
	struct vfd_kb *kb;
	bool json, color;
};

static void show(struct watch *w, const struct vfd_kmsg_line *l)
{
	struct vfd_kb_match m;
	size_t len = strlen(l->text);
	bool matched = vfd_kb_match(w->kb, l->text, len, &m) == 1;
	struct vfd_unknown_class u;
	bool unknown = !matched && vfd_unknown_classify(l->text, len, m.hints, &u);

	if (!matched && !unknown && !vfd_explain_is_relevant(l->text))
		return;
	if (w->json) {
		printf("{\"usec\": %llu, \"level\": %d, \"text\": ", (unsigned long long)l->usec,
		       l->level);
		json_str(stdout, l->text);
		fputs(", \"id\": ", stdout);
		json_str(stdout, matched ? m.entry->id : NULL);
		fputs(", \"kind\": ", stdout);
		json_str(stdout, matched ? m.entry->kind : NULL);
		fputs(", \"title\": ", stdout);
		json_str(stdout, matched ? m.entry->title : NULL);
		printf(", \"harmless\": %s", !matched ? "null" : m.entry->harmless ? "true"
										       : "false");
		fputs(", \"unknown\": ", stdout);
		if (unknown) {
			fputs("{\"program\": ", stdout);
			json_str(stdout, u.program);
			fputs(", \"subsystem\": ", stdout);
			json_str(stdout, u.subsystem);
			printf(", \"problem\": %s}", u.problem ? "true" : "false");
		} else {
			fputs("null", stdout);
		}
		fputs("}\n", stdout);
	} else {
		printf("[%5llu.%06llu] %s\n", (unsigned long long)(l->usec / 1000000),
		       (unsigned long long)(l->usec % 1000000), l->text);
		if (matched)
			printf("    %s-> %s: %s%s%s\n",
			       w->color ? (m.entry->harmless ? C_DIM : C_YELLOW) : "", m.entry->id,
			       m.entry->title, m.entry->harmless ? " (harmless)" : "",
			       w->color ? C_RESET : "");
		else if (unknown)
			printf("    %s-> UNKNOWN%s: not in the knowledge base; likely from %s, %s%s%s\n",
			       w->color && u.problem ? C_YELLOW : w->color ? C_DIM : "",
			       u.problem ? "" : " (informational)", u.program, u.subsystem,
			       u.problem ? " (report: 'vfio-doctor snapshot' and this line)" : "",
			       w->color ? C_RESET : "");
	}
	fflush(stdout);
}

static int watch_file(struct watch *w, struct vfd_root *root, const char *dir)
{
	struct vfd_kmsg k;
	int r = vfd_kmsg_read(root, &k);

	if (r < 0) {
		warnx_("cannot read the kernel log '%s%sdev/kmsg': %s", dir,
		       dir[strlen(dir) - 1] == '/' ? "" : "/", strerror(-r));
		return EXIT_TROUBLE;
	}
	for (size_t i = 0; i < k.n; i++)
		show(w, &k.lines[i]);
	vfd_kmsg_clear(&k);
	return EXIT_CLEAN;
}

static int watch_live(struct watch *w, struct vfd_root *root, bool since_boot)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	char *buf;
	bool lost = false;
	int fd, rc = EXIT_CLEAN;

	fd = vfd_root_openat(root, "dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		warnx_("cannot read the kernel log '/dev/kmsg': %s%s", strerror(-fd),
		       fd == -EPERM || fd == -EACCES ? " (run as root, or set "
						       "kernel.dmesg_restrict=0)" : "");
		return EXIT_TROUBLE;
	}
	/* a fresh reader starts at the oldest record; seek to the end to see only new ones */
	if (!since_boot && lseek(fd, 0, SEEK_END) < 0) {
		warnx_("cannot seek to the end of '/dev/kmsg': %s", strerror(errno));
		close(fd);
		return EXIT_TROUBLE;
	}
	buf = malloc(RECORD_MAX);
	if (!buf) {
		close(fd);
		warnx_("out of memory");
		return EXIT_TROUBLE;
	}
	/* the signals arrive only inside ppoll(): no wake-up is lost between checks */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		ssize_t got = read(fd, buf, RECORD_MAX - 1);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct vfd_kmsg k;

		if (got > 0) {
			if (vfd_kmsg_parse(buf, (size_t)got, &k) == 0) {
				for (size_t i = 0; i < k.n; i++)
					show(w, &k.lines[i]);
				vfd_kmsg_clear(&k);
			}
			continue;
		}
		if (got == 0)
			errno = EAGAIN;
		if (errno == EPIPE) {
			/* the ring buffer overwrote records we had not read yet */
			if (!lost)
				warnx_("the kernel log overflowed: some messages were lost before "
				       "they could be read");
			lost = true;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			warnx_("cannot read '/dev/kmsg': %s", strerror(errno));
			rc = EXIT_TROUBLE;
			break;
		}
		if (ppoll(&pfd, 1, NULL, &orig) < 0 && errno != EINTR) {
			warnx_("cannot wait for '/dev/kmsg': %s", strerror(errno));
			rc = EXIT_TROUBLE;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	free(buf);
	close(fd);
	return rc;
}

int cmd_watch(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_SINCE_BOOT = 256, OPT_KB };
	static const struct option longopts[] = {
		{ "since-boot", no_argument, NULL, OPT_SINCE_BOOT },
		{ "kb", required_argument, NULL, OPT_KB },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *kb_path = NULL, *dir = ctx->sysroot ? ctx->sysroot : "/";
	struct watch w = { 0 };
	struct vfd_root *root;
	bool since_boot = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "Jh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SINCE_BOOT:
			since_boot = true;
			break;
		case OPT_KB:
			kb_path = optarg;
			break;
		case 'J':
			w.json = true;
			output_set_json(true);
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (cmd_unknown_option(c, optarg, "watch ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (optind < argc) {
		warnx_("unexpected argument '%s' (watch takes only options)", argv[optind]);
		return cmd_usage_error("watch ");
	}
	root = cmd_root_new(dir);
	if (!root) {
		if (errno == ENOTDIR && ctx->sysroot)
			warnx_("sysroot '%s' is not a sysroot: expected a directory holding sys/ "
			       "(and proc/, dev/), as written by 'vfio-doctor snapshot'", dir);
		else
			warnx_("cannot open %s '%s': %s", ctx->sysroot ? "sysroot" : "root", dir,
			       strerror(errno));
		return EXIT_TROUBLE;
	}
	w.kb = cmd_load_kb(kb_path);
	if (!w.kb) {
		vfd_root_unref(root);
		return EXIT_TROUBLE;
	}
	w.color = want_color() && !w.json;
	if (vfd_root_is_live(root))
		rc = watch_live(&w, root, since_boot);
	else
		rc = watch_file(&w, root, dir);
	vfd_kb_free(w.kb);
	vfd_root_unref(root);
	return rc;
}
