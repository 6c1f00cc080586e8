// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor explain: read a log (a file, standard input, the journal of
 * this boot, or the kernel log), pick out every line the knowledge base
 * knows, and for each distinct problem say what it means, which of its
 * causes hold on this host according to the checks, and the fix.
 *
 * The input is streamed in fixed buffers with a cap on the line length, so a
 * log of any size is read in bounded memory; only the distinct problems are
 * kept.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "output.h"

extern char **environ;

/* bumped when a key changes meaning or disappears; additions keep it */
#define EXPLAIN_JSON_SCHEMA 1
#define READ_BUF (1u << 16)
#define LINE_CAP (1u << 14)	/* longer lines are cut here, the rest skipped */

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor explain [options] [FILE|-]\n"
	      "\nRead a log and explain every message about passthrough it holds: what it\n"
	      "means, which of its causes hold on this host (per the checks of 'check'),\n"
	      "and the fix. Lines about passthrough that the knowledge base does not know\n"
	      "are listed as UNKNOWN, with the program they likely come from; other lines\n"
	      "are skipped. FILE defaults to standard input.\n"
	      "\nOptions:\n"
	      "     --journal         read the kernel messages of this boot (journalctl -k -b)\n"
	      "     --dmesg           read the kernel log (/dev/kmsg, or dev/kmsg of --sysroot)\n"
	      "     --kb <file>       use this knowledge base instead of the built-in one\n"
	      "     --no-checks       explain only; do not look at the host\n"
	      "     --chopped         lines may have lost their end with no mark (less -S)\n"
	      "     --locale-dir <dir>  read translated libvirt messages with the catalogues\n"
	      "                       in <dir> (default /usr/share/locale, under --sysroot)\n"
	      " -v, --verbose         also show harmless lines and informational unknown ones\n"
	      " -J, --json            use JSON output format\n"
	      "\n"
	      " -h, --help            display this help\n"
	      "\nExit status: 0 no problem found and every passthrough line understood,\n"
	      "1 problems found or lines not understood (UNKNOWN), 2 error.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

/*
 * is the log a machine's file rather than a paste? A regular file (the FILE
 * named, or standard input redirected from one) larger than a paste can be:
 * a copy's repairs (an end cut with a mark, a wrapped word joined back) are
 * then not tried, a machine wrote every line whole
 */
#define PASTE_MAX (4u << 20)
static bool machine_log(const char *file)
{
	struct stat st;
	int r = !file || strcmp(file, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(file, &st);

	return r == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > PASTE_MAX;
}

/* -------------------------------------------------- line reading */

struct reader {
	int fd;
	char *buf;
	size_t start, end;
	bool eof, skipping;
};

/* the next line without its newline (cut at LINE_CAP); 1, 0 at the end, -errno */
static int next_line(struct reader *r, const char **line, size_t *len)
{
	for (;;) {
		char *nl = r->start < r->end ? memchr(r->buf + r->start, '\n', r->end - r->start)
					     : NULL;
		ssize_t got;

		if (nl) {
			size_t s = r->start;

			r->start = (size_t)(nl - r->buf) + 1;
			if (r->skipping) {
				r->skipping = false;
				continue;
			}
			*line = r->buf + s;
			*len = (size_t)(nl - r->buf) - s;
			return 1;
		}
		if (r->end - r->start >= LINE_CAP) {
			/* an overlong line: keep its beginning, drop the rest up to the newline */
			*line = r->buf + r->start;
			*len = r->skipping ? 0 : LINE_CAP;
			r->start = r->end;
			if (r->skipping)
				continue;
			r->skipping = true;
			return 1;
		}
		if (r->eof) {
			if (r->start < r->end && !r->skipping) {
				*line = r->buf + r->start;
				*len = r->end - r->start;
				r->start = r->end;
				return 1;
			}
			return 0;
		}
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
		got = read(r->fd, r->buf + r->end, READ_BUF - r->end);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (got == 0)
			r->eof = true;
		r->end += (size_t)got;
	}
}

static int feed_fd(struct vfd_explain *ex, int fd, const char *name)
{
	struct reader r = { .fd = fd };
	const char *line = NULL;
	size_t len = 0;
	int n;

	r.buf = malloc(READ_BUF);
	if (!r.buf) {
		warnx_("out of memory");
		return -ENOMEM;
	}
	while ((n = next_line(&r, &line, &len)) > 0) {
		if (len && line[len - 1] == '\r')
			len--;
		if (vfd_explain_feed(ex, line, len) < 0) {
			warnx_("out of memory");
			free(r.buf);
			return -ENOMEM;
		}
	}
	free(r.buf);
	if (n < 0)
		warnx_("cannot read '%s': %s", name, strerror(-n));
	return n;
}

/* is @prog an executable in $PATH? */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL;
	bool found = false;

	copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *file = NULL;

		if (asprintf(&file, "%s/%s", dir, prog) < 0)
			break;
		found = access(file, X_OK) == 0;
		free(file);
	}
	free(copy);
	return found;
}

/* the first line of what @fd (a file at its end) holds, at most @size bytes */
static void first_line(int fd, char *buf, size_t size)
{
	ssize_t got = pread(fd, buf, size - 1, 0);
	char *nl;

	buf[got > 0 ? got : 0] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
}

/*
 * journalctl -k -b: a journal that is missing, or that this user may not
 * read, is an error, not an empty log. journalctl says so on standard error
 * ("No journal files were found.", "Hint: You are currently not seeing
 * messages from other users and the system.") and may still exit 0 with no
 * entries; the kernel writes dozens of lines at every boot, so none at all
 * means the journal could not be read.
 */
static int feed_journal(struct vfd_explain *ex)
{
	char *const args[] = { "journalctl", "-k", "-b", "--no-pager", "-q", "-o", "short", NULL };
	posix_spawn_file_actions_t fa;
	int pipefd[2], errfd, status, r;
	uint64_t before, after;
	char why[256];
	pid_t pid;

	if (!in_path("journalctl")) {
		warnx_("journalctl not found: --journal needs systemd's journalctl (give a log "
		       "file or use --dmesg instead)");
		return -ENOENT;
	}
	errfd = memfd_create("journalctl-stderr", MFD_CLOEXEC);
	if (errfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		warnx_("cannot run journalctl: %s", strerror(errno));
		if (errfd >= 0)
			close(errfd);
		return -errno;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errfd, STDERR_FILENO);
	r = posix_spawnp(&pid, "journalctl", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r != 0) {
		warnx_("cannot run journalctl: %s", strerror(r));
		close(pipefd[0]);
		close(errfd);
		return -r;
	}
	vfd_explain_stats(ex, &before, NULL, NULL);
	r = feed_fd(ex, pipefd[0], "journalctl -k -b");
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	vfd_explain_stats(ex, &after, NULL, NULL);
	first_line(errfd, why, sizeof(why));
	close(errfd);
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		warnx_("cannot read the journal: journalctl -k -b failed (exit status %d)%s%s",
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		       why[0] ? ": " : "", why);
		return -EIO;
	}
	if (r == 0 && after == before) {
		warnx_("cannot read the journal: journalctl -k -b gave no kernel messages (%s)",
		       why[0] ? why : "no journal of this boot, or no permission to read it: "
				      "run as root or in group systemd-journal, or use --dmesg");
		return -ENODATA;
	}
	return r;
}

static int feed_dmesg(struct vfd_explain *ex, const struct cmd_ctx *ctx)
{
	const char *dir = ctx->sysroot ? ctx->sysroot : "/";
	struct vfd_root *root = cmd_root_new(dir);
	struct vfd_kmsg k;
	int r;

	if (!root) {
		warnx_("cannot open %s '%s': %s", ctx->sysroot ? "sysroot" : "root", dir,
		       errno == ENOTDIR ? "not a sysroot (no sys/)" : strerror(errno));
		return -errno;
	}
	r = vfd_kmsg_read(root, &k);
	/* a live kernel always has records: none means they were kept from us */
	if (r == 0 && k.n == 0 && vfd_root_is_live(root))
		r = -ENODATA;
	vfd_root_unref(root);
	if (r < 0) {
		if (r == -EPERM || r == -EACCES)
			warnx_("cannot read the kernel log '%s%sdev/kmsg': %s (run as root, or set "
			       "kernel.dmesg_restrict=0)", dir,
			       dir[strlen(dir) - 1] == '/' ? "" : "/", strerror(-r));
		else if (r == -ENODATA)
			warnx_("cannot read the kernel log '%s%sdev/kmsg': it gave no records "
			       "(a container without the host's log?)", dir,
			       dir[strlen(dir) - 1] == '/' ? "" : "/");
		else
			warnx_("cannot read the kernel log '%s%sdev/kmsg': %s", dir,
			       dir[strlen(dir) - 1] == '/' ? "" : "/", strerror(-r));
		return r;
	}
	for (size_t i = 0; i < k.n && r == 0; i++)
		if (vfd_explain_feed(ex, k.lines[i].text, strlen(k.lines[i].text)) < 0)
			r = -ENOMEM;
	vfd_kmsg_clear(&k);
	return r;
}

/* ----------------------------------------------------------- text */

/*
 * @text folded at about 78 columns: the cursor is at column @col, and every
 * further line starts after @indent spaces
 */
static void print_wrapped(const char *text, int col, int indent)
{
	bool line_empty = true;

	while (*text) {
		const char *sp = strchr(text, ' ');
		int wl = sp ? (int)(sp - text) : (int)strlen(text);

		/* fwrite and putchar, not printf: explain's output is mostly this */
		if (!line_empty && col + 1 + wl > 78) {
			putchar('\n');
			for (col = 0; col < indent; col++)
				putchar(' ');
			line_empty = true;
		}
		if (!line_empty) {
			putchar(' ');
			col++;
		}
		fwrite(text, 1, (size_t)wl, stdout);
		col += wl;
		line_empty = false;
		text += wl;
		while (*text == ' ')
			text++;
	}
	putchar('\n');
}

static const char *verdict_color(enum vfd_verdict_state s)
{
	switch (s) {
	case VFD_CAUSE_HOLDS:
		return C_RED;
	case VFD_CAUSE_RULED_OUT:
		return C_GREEN;
	default:
		return C_DIM;
	}
}

static void print_values(const struct vfd_kb_match *m)
{
	bool any = false;

	for (size_t i = 0; i < m->n_values; i++) {
		if (m->values[i].type == VFD_KB_ANY)
			continue;
		printf("%s%s %s", any ? ", " : "  values: ", vfd_kb_value_name(m->values[i].type),
		       m->values[i].text);
		any = true;
	}
	if (any)
		putchar('\n');
}

static void print_problem(const struct vfd_explain *ex, size_t index, bool checked, bool color)
{
	const struct vfd_problem *p = vfd_explain_problem(ex, index);
	const struct vfd_kb_entry *e = p->entry;
	const char *language, *english = vfd_explain_translated(ex, index, &language);

	printf("%s%s%s: %s\n", color ? C_BOLD : "", e->id, color ? C_RESET : "", e->title);
	if (e->family && strcmp(p->kind, e->kind) != 0)
		printf("  kind: %s (read from the message's words; the family entry says %s)\n",
		       p->kind, e->kind);
	else
		printf("  kind: %s%s\n", e->kind, e->family ? " (a family entry: the message itself "
				       "is not known one by one)" : "");
	printf("  line %llu%s", (unsigned long long)p->first_lineno,
	       p->count > 1 ? "" : ": ");
	if (p->count > 1)
		printf(" (%llu lines): ", (unsigned long long)p->count);
	printf("%s\n", p->line);
	if (p->match.chopped)
		printf("  cut short: the line may have lost its end (--chopped); this reading\n"
		       "  rests on the start of the message only\n");
	else if (p->match.end_cut)
		printf("  cut short: the line ends where a copy cut it (\"...\", \"[...]\",\n"
		       "  \"(truncated)\"); this reading rests on the start of the message only\n");
	else if (p->match.cut)
		printf("  cut short: systemd left text out where the line shows \"...\"; this\n"
		       "  reading rests on the start and the end of the message only\n");
	if (p->match.joined)
		printf("  joined: read with a blank inside a word taken out (a line wrapped\n"
		       "  and joined back); the line shown is the joined one\n");
	if (english)
		printf("  read as the translation (%s) of: %s\n", language, english);
	print_values(&p->match);
	printf("  ");
	print_wrapped(e->meaning, 2, 2);
	if (e->harmless) {
		putchar('\n');
		return;
	}
	if (checked && p->device[0])
		printf("  causes (checked on this host, device %s):\n", p->device);
	else if (checked)
		printf("  causes (checked on this host%s%s):\n", p->device_note ? "; " : "",
		       p->device_note ? p->device_note : "");
	else
		printf("  causes:\n");
	for (size_t i = 0; i < e->n_causes; i++) {
		const struct vfd_kb_cause *c = &e->causes[i];
		enum vfd_verdict_state st = p->verdicts ? p->verdicts[i].state
							: VFD_CAUSE_UNCHECKED;
		const char *mark = !checked ? "-" : vfd_verdict_name(st);

		printf("    %s%-11s%s ", color && checked ? verdict_color(st) : "", mark,
		       color && checked ? C_RESET : "");
		print_wrapped(c->text, 16, 16);
		for (char **ev = p->verdicts ? p->verdicts[i].evidence : NULL; ev && *ev; ev++)
			printf("                %s%s%s\n", color ? C_DIM : "", *ev,
			       color ? C_RESET : "");
		/* a step by hand where the checks could not decide */
		if (c->verify && (!checked || st == VFD_CAUSE_UNCHECKED || st == VFD_CAUSE_UNKNOWN)) {
			char *v = vfd_kb_expand(c->verify, &p->match);

			printf("                verify: %s\n", v ? v : c->verify);
			free(v);
		}
	}
	printf("  fix:\n");
	for (size_t i = 0; i < e->n_fixes; i++) {
		char *f = vfd_kb_expand(e->fixes[i], &p->match);

		printf("    - ");
		print_wrapped(f ? f : e->fixes[i], 6, 6);
		free(f);
	}
	putchar('\n');
}

#define REPORT_HOW "run 'vfio-doctor snapshot' and attach its file and this line to a bug report"

static void print_unknown(const struct vfd_unknown *u, bool color)
{
	printf("%sUNKNOWN%s: %s\n", color ? C_BOLD : "", color ? C_RESET : "",
	       /* a problem line may be a VM program's error that names no device */
	       u->class.problem ? "a problem line (passthrough or a VM program's error) that the "
				  "knowledge base does not know"
				: "an informational line about passthrough the knowledge base "
				  "does not know");
	printf("  line %llu", (unsigned long long)u->first_lineno);
	if (u->count > 1)
		printf(" (%llu lines)", (unsigned long long)u->count);
	printf(": %s\n", u->line);
	printf("  likely from: %s, %s\n", u->class.program, u->class.subsystem);
	if (u->class.problem)
		printf("  report: %s\n", REPORT_HOW);
	putchar('\n');
}

/* ----------------------------------------------------------- JSON */

static void json_problem(const struct vfd_explain *ex, size_t index, bool checked)
{
	const struct vfd_problem *p = vfd_explain_problem(ex, index);
	const struct vfd_kb_entry *e = p->entry;
	const char *language, *english = vfd_explain_translated(ex, index, &language);

	fputs("{\"id\": ", stdout);
	json_str(stdout, e->id);
	fputs(", \"kind\": ", stdout);
	json_str(stdout, p->kind);
	printf(", \"family\": %s", e->family ? "true" : "false");
	fputs(", \"layer\": ", stdout);
	json_str(stdout, e->layer);
	fputs(", \"title\": ", stdout);
	json_str(stdout, e->title);
	printf(", \"harmless\": %s, \"count\": %llu, \"line_number\": %llu,\n       \"line\": ",
	       e->harmless ? "true" : "false", (unsigned long long)p->count,
	       (unsigned long long)p->first_lineno);
	json_str(stdout, p->line);
	/* only where it is so: the output of whole lines stays as it was */
	if (p->match.cut)
		fputs(", \"cut\": true", stdout);
	if (p->match.chopped)
		fputs(", \"chopped\": true", stdout);
	if (p->match.end_cut)
		fputs(", \"end_cut\": true", stdout);
	if (p->match.joined)
		fputs(", \"joined\": true", stdout);
	if (english) {
		fputs(",\n       \"translated\": {\"language\": ", stdout);
		json_str(stdout, language);
		fputs(", \"english\": ", stdout);
		json_str(stdout, english);
		fputc('}', stdout);
	}
	fputs(",\n       \"values\": [", stdout);
	for (size_t i = 0; i < p->match.n_values; i++) {
		fputs(i ? ", {\"type\": " : "{\"type\": ", stdout);
		json_str(stdout, vfd_kb_value_name(p->match.values[i].type));
		fputs(", \"value\": ", stdout);
		json_str(stdout, p->match.values[i].text);
		fputc('}', stdout);
	}
	fputs("],\n       \"device\": ", stdout);
	json_str(stdout, p->device[0] ? p->device : NULL);
	fputs(", \"device_note\": ", stdout);
	json_str(stdout, p->device_note);
	fputs(",\n       \"meaning\": ", stdout);
	json_str(stdout, e->meaning);
	fputs(",\n       \"sources\": ", stdout);
	json_strv(stdout, e->sources);
	fputs(",\n       \"causes\": [", stdout);
	for (size_t i = 0; i < e->n_causes; i++) {
		const struct vfd_kb_cause *c = &e->causes[i];
		char *verify = c->verify ? vfd_kb_expand(c->verify, &p->match) : NULL;

		fputs(i ? ",\n          {\"text\": " : "\n          {\"text\": ", stdout);
		json_str(stdout, c->text);
		fputs(", \"verdict\": ", stdout);
		if (checked && p->verdicts) {
			const char *name = vfd_verdict_name(p->verdicts[i].state);

			/* "ruled out" -> "ruled-out": keys and values without blanks */
			putchar('"');
			for (const char *s = name; *s; s++)
				putchar(*s == ' ' ? '-' : *s);
			putchar('"');
		} else {
			fputs("null", stdout);
		}
		fputs(", \"checks\": [", stdout);
		for (size_t k = 0; k < c->n_checks; k++) {
			fputs(k ? ", [" : "[", stdout);
			for (size_t j = 0; j < c->checks[k].n; j++) {
				const struct vfd_kb_cond *cond = &c->checks[k].conds[j];

				fputs(j ? ", \"" : "\"", stdout);
				fputs(cond->finding, stdout);
				for (int s = 0, first = 1; s <= VFD_SKIP; s++) {
					if (!(cond->statuses & (1u << s)))
						continue;
					printf("%c%s", first ? '=' : ',',
					       vfd_status_name((enum vfd_status)s));
					first = 0;
				}
				putchar('"');
			}
			putchar(']');
		}
		fputs("], \"verify\": ", stdout);
		json_str(stdout, verify);
		fputs(", \"evidence\": ", stdout);
		json_strv(stdout, p->verdicts ? p->verdicts[i].evidence : NULL);
		fputc('}', stdout);
		free(verify);
	}
	fputs(e->n_causes ? "\n       ],\n       \"fix\": [" : "],\n       \"fix\": [", stdout);
	for (size_t i = 0; i < e->n_fixes; i++) {
		char *f = vfd_kb_expand(e->fixes[i], &p->match);

		if (i)
			fputs(", ", stdout);
		json_str(stdout, f ? f : e->fixes[i]);
		free(f);
	}
	fputs("]}", stdout);
}

static void json_unknown(const struct vfd_explain *ex, bool verbose)
{
	bool first = true;

	fputs(",\n   \"unknown\": [", stdout);
	for (size_t i = 0; i < vfd_explain_unknown_count(ex); i++) {
		const struct vfd_unknown *u = vfd_explain_unknown(ex, i);

		if (!u->class.problem && !verbose)
			continue;
		fputs(first ? "\n      {\"line\": " : ",\n      {\"line\": ", stdout);
		json_str(stdout, u->line);
		printf(", \"line_number\": %llu, \"count\": %llu,\n       \"program\": ",
		       (unsigned long long)u->first_lineno, (unsigned long long)u->count);
		json_str(stdout, u->class.program);
		fputs(", \"subsystem\": ", stdout);
		json_str(stdout, u->class.subsystem);
		printf(", \"problem\": %s, \"report\": ", u->class.problem ? "true" : "false");
		json_str(stdout, u->class.problem ? REPORT_HOW : NULL);
		fputc('}', stdout);
		first = false;
	}
	fputs(first ? "]" : "\n   ]", stdout);
}

static void print_json(const struct vfd_explain *ex, bool checked, bool verbose)
{
	uint64_t lines, matched, dropped, unknown, info, unknown_dropped, incomplete;
	bool first = true;

	vfd_explain_stats(ex, &lines, &matched, &dropped);
	vfd_explain_unknown_stats(ex, &unknown, &info, &unknown_dropped, &incomplete);
	printf("{\n   \"schema\": %d,\n   \"version\": ", EXPLAIN_JSON_SCHEMA);
	json_str(stdout, VFD_VERSION);
	printf(",\n   \"lines\": %llu, \"matched\": %llu, \"dropped\": %llu, \"checked\": %s,\n"
	       "   \"not_understood\": %llu, \"unknown_informational\": %llu, "
	       "\"unknown_dropped\": %llu, \"incomplete\": %llu",
	       (unsigned long long)lines, (unsigned long long)matched,
	       (unsigned long long)dropped, checked ? "true" : "false",
	       (unsigned long long)unknown, (unsigned long long)info,
	       (unsigned long long)unknown_dropped, (unsigned long long)incomplete);
	json_unknown(ex, verbose);
	fputs(",\n   \"problems\": [", stdout);
	for (size_t i = 0; i < vfd_explain_count(ex); i++) {
		const struct vfd_problem *p = vfd_explain_problem(ex, i);

		if (p->entry->harmless && !verbose)
			continue;
		fputs(first ? "\n      " : ",\n      ", stdout);
		json_problem(ex, i, checked);
		first = false;
	}
	fputs(first ? "]\n}\n" : "\n   ]\n}\n", stdout);
}

/* ------------------------------------------------------------ main */

/* the locale gettext prints messages in: the first of LC_ALL, LC_MESSAGES and LANG set */
static const char *messages_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(*vars); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return v;
	}
	return NULL;
}

int cmd_explain(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_JOURNAL = 256, OPT_DMESG, OPT_KB, OPT_NO_CHECKS, OPT_CHOPPED, OPT_LOCALE_DIR };
	static const struct option longopts[] = {
		{ "journal", no_argument, NULL, OPT_JOURNAL },
		{ "dmesg", no_argument, NULL, OPT_DMESG },
		{ "kb", required_argument, NULL, OPT_KB },
		{ "no-checks", no_argument, NULL, OPT_NO_CHECKS },
		{ "chopped", no_argument, NULL, OPT_CHOPPED },
		{ "locale-dir", required_argument, NULL, OPT_LOCALE_DIR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	bool journal = false, dmesg = false, checks = true, verbose = false, json = false;
	bool chopped = false;
	const char *kb_path = NULL, *file = NULL, *locale_dir = NULL;
	char *sysroot_locale = NULL;
	struct vfd_explain *ex = NULL;
	struct vfd_host *host = NULL;
	struct vfd_kb *kb = NULL;
	size_t problems = 0, harmless = 0;
	uint64_t lines, matched, dropped, unknown, info, unknown_dropped, incomplete;
	int c, r, rc = EXIT_TROUBLE;
	bool color;

	while ((c = getopt_long(argc, argv, "vJh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JOURNAL:
			journal = true;
			break;
		case OPT_DMESG:
			dmesg = true;
			break;
		case OPT_KB:
			kb_path = optarg;
			break;
		case OPT_CHOPPED:
			chopped = true;
			break;
		case OPT_LOCALE_DIR:
			locale_dir = optarg;
			break;
		case OPT_NO_CHECKS:
			checks = false;
			break;
		case 'v':
			verbose = true;
			break;
		case 'J':
			json = true;
			output_set_json(true);
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (cmd_unknown_option(c, optarg, "explain ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (argc - optind > 1) {
		warnx_("one log at a time (got '%s' and '%s')", argv[optind],
		       argv[optind + 1]);
		return cmd_usage_error("explain ");
	}
	if (argc - optind == 1)
		file = argv[optind];
	if ((file != NULL) + journal + dmesg > 1) {
		warnx_("give a FILE, --journal or --dmesg, not several");
		return cmd_usage_error("explain ");
	}
	if (journal && ctx->sysroot) {
		warnx_("--journal reads this host's journal; with --sysroot use --dmesg "
		       "(DIR/dev/kmsg) or a log file");
		return cmd_usage_error("explain ");
	}
	if (chopped && (journal || dmesg)) {
		/* journalctl -k and the kernel's buffer give whole lines */
		warnx_("--chopped is for a pasted log; --journal and --dmesg read whole lines");
		return cmd_usage_error("explain ");
	}
	kb = cmd_load_kb(kb_path);
	if (!kb)
		return EXIT_TROUBLE;
	ex = vfd_explain_new(kb);
	if (!ex) {
		warnx_("out of memory");
		goto out;
	}
	vfd_explain_set_chopped(ex, chopped);
	vfd_explain_set_as_written(ex, journal || dmesg || machine_log(file));
	/* the catalogues of the host explained: under --sysroot, its own */
	if (!locale_dir && ctx->sysroot &&
	    asprintf(&sysroot_locale, "%s/usr/share/locale", ctx->sysroot) < 0)
		sysroot_locale = NULL;
	if (vfd_explain_set_locale_dir(ex, locale_dir ? locale_dir : sysroot_locale) < 0 ||
	    vfd_explain_set_user_locale(ex, getenv("LANGUAGE"), messages_locale()) < 0) {
		warnx_("out of memory");
		goto out;
	}
	if (journal) {
		r = feed_journal(ex);
	} else if (dmesg) {
		r = feed_dmesg(ex, ctx);
	} else if (!file || strcmp(file, "-") == 0) {
		r = feed_fd(ex, STDIN_FILENO, "standard input");
	} else {
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		struct stat st;

		if (fd < 0) {
			warnx_("cannot open log '%s': %s", file, strerror(errno));
			goto out;
		}
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			warnx_("log '%s' is a directory: expected a file of log lines", file);
			close(fd);
			goto out;
		}
		r = feed_fd(ex, fd, file);
		close(fd);
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < vfd_explain_count(ex); i++) {
		if (vfd_explain_problem(ex, i)->entry->harmless)
			harmless++;
		else
			problems++;
	}
	if (checks && problems) {
		host = cmd_open_host(ctx);
		if (!host)
			goto out;
		if (vfd_explain_diagnose(ex, host) < 0) {
			warnx_("out of memory");
			goto out;
		}
	}
	vfd_explain_stats(ex, &lines, &matched, &dropped);
	vfd_explain_unknown_stats(ex, &unknown, &info, &unknown_dropped, &incomplete);
	color = want_color() && !json;
	if (json) {
		print_json(ex, checks && problems, verbose);
	} else {
		for (size_t i = 0; i < vfd_explain_count(ex); i++) {
			const struct vfd_problem *p = vfd_explain_problem(ex, i);

			if (p->entry->harmless && !verbose)
				continue;
			print_problem(ex, i, checks && !p->entry->harmless, color);
		}
		for (size_t i = 0; i < vfd_explain_unknown_count(ex); i++) {
			const struct vfd_unknown *u = vfd_explain_unknown(ex, i);

			if (u->class.problem || verbose)
				print_unknown(u, color);
		}
		/* never "no known problem" while lines were not understood */
		if (problems)
			printf("%zu problem%s", problems, problems == 1 ? "" : "s");
		if (problems && unknown)
			printf(", ");
		if (unknown)
			printf("%llu line%s not understood (UNKNOWN)", (unsigned long long)unknown,
			       unknown == 1 ? "" : "s");
		if (!problems && !unknown)
			printf("no known problem");
		printf(" in %llu line%s", (unsigned long long)lines, lines == 1 ? "" : "s");
		if (incomplete)
			printf("; %llu line%s not fully examined (the matcher's work limit per line)",
			       (unsigned long long)incomplete, incomplete == 1 ? "" : "s");
		if (info)
			printf("; %llu informational line%s about passthrough not in the knowledge "
			       "base%s", (unsigned long long)info, info == 1 ? "" : "s",
			       verbose ? "" : " (shown with -v)");
		if (unknown_dropped)
			printf("; %llu further unknown lines not kept (limit %d)",
			       (unsigned long long)unknown_dropped, VFD_EXPLAIN_MAX_UNKNOWN);
		if (harmless)
			printf("; %zu harmless message%s%s", harmless, harmless == 1 ? "" : "s",
			       verbose ? "" : " (shown with -v)");
		if (dropped)
			printf("; %llu further problems not kept (limit %d)",
			       (unsigned long long)dropped, VFD_EXPLAIN_MAX_PROBLEMS);
		printf("\n");
	}
	/* lines not understood, or not fully examined, are no all-clear either */
	rc = problems || dropped || unknown || incomplete ? EXIT_WARN : EXIT_CLEAN;
out:
	free(sysroot_locale);
	vfd_host_free(host);
	vfd_explain_free(ex);
	/*
	 * a knowledge base of 50,000 patterns is tens of thousands of
	 * allocations, a fiftieth of its start-up to free one by one: the
	 * process is about to exit, and only a build that checks for leaks
	 * (meson.build) frees it
	 */
	if (VFD_FREE_AT_EXIT)
		vfd_kb_free(kb);
	return rc;
}
