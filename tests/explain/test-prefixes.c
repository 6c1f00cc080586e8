// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: a message reads the same behind the prefixes users paste it with.
 * Every line of a set in the threads.tsv format (kind, line, url: the
 * development set) or the binaries.tsv format (program, level, line, source)
 * goes through explain bare and behind each prefix below (a dmesg timestamp,
 * dmesg -T, the journal, syslog, a /dev/kmsg record, a Markdown quote; and
 * in place of the program's own head, QEMU's heads with Proxmox's "kvm: ",
 * libvirt's log head); the outcome must not change:
 *   - a problem of kind K stays a problem of kind K (another entry may read it,
 *     a program's family that knows the prefix, but not another kind);
 *   - a harmless line stays harmless behind the log formats' own prefixes
 *     (libvirt's head here says an error was logged: a harmless note at
 *     error level is no longer the same note);
 *   - a line flagged as unknown is not silent behind a prefix.
 * The same holds for the copies that web pages, forums, chat and Markdown make
 * of a line (typographic quotes and dashes, no-break spaces, invisible marks,
 * HTML's escapes, backticks around it): explain reads them as printed
 * (lib/logs/paste-text.c); and for a message inside a Go logger's quotes
 * (KubeVirt's JSON, logrus's logfmt: lib/logs/log-escape.c).
 * The held-out sets are never given to it (tests/explain/heldout/README.md).
 *
 * usage: test-prefixes SET.tsv...
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "explain-level.h"
#include "tap-result.h"
#include "set-lines.h"

#define LINE_MAX_TEST 4096

/*
 * The prefixes. A log's own head (timestamps, a quote) goes before any line;
 * a program's head replaces the head of that program's lines only (a kernel
 * line is never pasted behind "kvm: "): QEMU's name as QEMU, RHEL's qemu-kvm
 * and Proxmox's kvm print it, libvirt's log head for virsh's "error: ".
 * Proxmox's "TASK ERROR: " is left out: it carries only qemu-server's own
 * messages (its family reads them, corpus/tools.txt), never a kernel or QEMU
 * line, and a head that says a task failed is read as that task's failure.
 */
enum head { H_ANY, H_QEMU, H_VIRSH };

static const struct {
	const char *text;
	enum head replaces;	/* H_ANY: prepended to every line */
	bool log_format;	/* a log's own head: says nothing about the level */
} prefixes[] = {
	{ "[   12.345678] ", H_ANY, true },
	{ "[Mon Dec  5 10:00:00 2024] ", H_ANY, true },
	{ "Dec 05 10:00:00 host kernel: ", H_ANY, true },
	{ "Dec  5 10:00:00 host kernel: [   12.345678] ", H_ANY, true },
	{ "6,1234,12345678,-;", H_ANY, true },
	{ "> ", H_ANY, true },
	{ "qemu-system-x86_64: ", H_QEMU, false },
	{ "2024-01-01T00:00:00.000000Z qemu-system-x86_64: ", H_QEMU, false },
	{ "qemu-kvm: ", H_QEMU, false },
	{ "kvm: ", H_QEMU, false },
	{ "2024-01-01 00:00:00.000+0000: 1234: error : virHostdevPreparePCIDevices:123 : ", H_VIRSH,
	  false },
};

static const char *const qemu_heads[] = { "qemu-system-x86_64: ", "qemu-kvm: ", "kvm: ", NULL };

/* the length of @line's head of kind @h (QEMU's name, virsh's "error: "), or 0 */
static size_t head_of(const char *line, enum head h)
{
	if (h == H_QEMU) {
		for (size_t i = 0; qemu_heads[i]; i++)
			if (strncmp(line, qemu_heads[i], strlen(qemu_heads[i])) == 0)
				return strlen(qemu_heads[i]);
		return 0;
	}
	return h == H_VIRSH && strncmp(line, "error: ", 7) == 0 ? 7 : 0;
}

enum outcome { O_NONE, O_UNKNOWN, O_HARMLESS, O_PROBLEM };

static const char *const outcome_names[] = { "silent", "unknown", "harmless", "problem" };

struct reading {
	enum outcome outcome;
	char kind[32];
	char id[96];
};

static int read_line(struct vfd_kb *kb, const char *line, struct reading *out)
{
	struct vfd_explain *ex = vfd_explain_new(kb);
	int r;

	memset(out, 0, sizeof(*out));
	if (!ex)
		return -1;
	r = vfd_explain_feed(ex, line, strlen(line));
	if (r >= 0 && vfd_explain_count(ex) > 0) {
		const struct vfd_problem *p = vfd_explain_problem(ex, 0);

		out->outcome = p->entry->harmless ? O_HARMLESS : O_PROBLEM;
		snprintf(out->kind, sizeof(out->kind), "%s", p->kind ? p->kind : p->entry->kind);
		snprintf(out->id, sizeof(out->id), "%s", p->entry->id);
	} else if (r >= 0 && vfd_explain_unknown_count(ex) > 0) {
		out->outcome = O_UNKNOWN;
	}
	vfd_explain_free(ex);
	return r < 0 ? -1 : 0;
}

/*
 * why @got is not the outcome @bare allows behind a prefix or in a copy, or
 * NULL; @log_format: the change says nothing about the line's level
 */
static const char *differs(const struct reading *bare, const struct reading *got, bool log_format)
{
	switch (bare->outcome) {
	case O_PROBLEM:
		if (got->outcome != O_PROBLEM)
			return "no longer a problem";
		return strcmp(bare->kind, got->kind) ? "another kind" : NULL;
	case O_HARMLESS:
		return log_format && got->outcome != O_HARMLESS ? "no longer harmless" : NULL;
	case O_UNKNOWN:
		return got->outcome == O_NONE ? "silent" : NULL;
	case O_NONE:
		break;
	}
	return NULL;
}

/*
 * The copies. Each writes @line as that kind of copy into @out (room for
 * LINE_MAX_TEST bytes, UTF-8 as the copies use it); the copy of a line
 * that has nothing it changes equals the line and is not counted.
 */
static void put(char *out, size_t *o, const char *text)
{
	size_t n = strlen(text);

	if (*o + n < LINE_MAX_TEST) {
		memcpy(out + *o, text, n);
		*o += n;
	}
}

/* a word processor's or a forum's quotes: ’ for ', “ and ” in turn for " */
static void typographic(const char *line, char *out)
{
	size_t o = 0;
	bool open = true;

	for (const char *c = line; *c; c++) {
		char one[2] = { *c, 0 };

		if (*c == '\'')
			put(out, &o, "\u2019");
		else if (*c == '"')
			put(out, &o, (open = !open) ? "\u201d" : "\u201c");
		else
			put(out, &o, one);
	}
	out[o] = '\0';
}

/* a page's source or a mail archive: HTML's escapes */
static void html_escaped(const char *line, char *out)
{
	size_t o = 0;

	for (const char *c = line; *c; c++) {
		char one[2] = { *c, 0 };

		put(out, &o, *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : *c == '>' ? "&gt;"
			     : *c == '"' ? "&quot;" : *c == '\'' ? "&#39;" : one);
	}
	out[o] = '\0';
}

/* a rendered page: no-break spaces, a zero width space after each '/' (where it may wrap) */
static void rendered(const char *line, char *out)
{
	size_t o = 0;

	put(out, &o, "\ufeff");	/* the mark some editors start a text with */
	for (const char *c = line; *c; c++) {
		char one[2] = { *c, 0 };

		put(out, &o, *c == ' ' ? "\u00a0" : one);
		if (*c == '/')
			put(out, &o, "\u200b");
	}
	out[o] = '\0';
	if (!strchr(line, ' ') && !strchr(line, '/'))
		strcpy(out, line);
}

/* forum software's dashes: " - " as an en dash, "--" as an em dash */
static void dashes(const char *line, char *out)
{
	size_t o = 0;

	for (const char *c = line; *c; c++) {
		char one[2] = { *c, 0 };

		if (c[0] == '-' && c[1] == '-') {
			put(out, &o, "\u2014");
			c++;
		} else if (c > line && c[-1] == ' ' && c[0] == '-' && c[1] == ' ') {
			put(out, &o, "\u2013");
		} else {
			put(out, &o, one);
		}
	}
	out[o] = '\0';
}

/* Markdown's inline code */
static void backticks(const char *line, char *out)
{
	snprintf(out, LINE_MAX_TEST, "`%s`", line);
}

/* @line as a Go logger quotes a message (strconv.Quote, encoding/json), between @head and @tail */
static void quoted(const char *head, const char *line, const char *tail, char *out)
{
	size_t o = 0;

	put(out, &o, head);
	for (const char *c = line; *c; c++) {
		char one[2] = { *c, 0 };

		put(out, &o, *c == '"' ? "\\\"" : *c == '\\' ? "\\\\" : *c == '\t' ? "\\t" : one);
	}
	put(out, &o, tail);
	out[o] = '\0';
}

/* KubeVirt's log line (client-go/log through go-kit's JSON logger) */
static void kubevirt_json(const char *line, char *out)
{
	quoted("{\"component\":\"virt-launcher\",\"level\":\"error\",\"msg\":\"", line,
	       "\",\"pos\":\"manager.go:1021\",\"timestamp\":\"2026-12-05T10:00:00.000000Z\"}", out);
}

/* logrus's text formatter (Kata, Incus, LXD, Harvester): the message as msg="..." */
static void logrus_text(const char *line, char *out)
{
	quoted("time=\"2026-12-05T10:00:00Z\" level=error msg=\"", line, "\" instance=vm1", out);
}

static const struct {
	const char *name;
	void (*make)(const char *line, char *out);
	bool error_level;	/* a logger's head at error level around the line */
} copies[] = {
	{ "typographic quotes", typographic, false },
	{ "HTML escapes", html_escaped, false },
	{ "a rendered page's blanks and marks", rendered, false },
	{ "typographic dashes", dashes, false },
	{ "Markdown inline code", backticks, false },
	{ "KubeVirt's JSON log", kubevirt_json, true },
	{ "logrus's logfmt", logrus_text, true },
};

/*
 * a line harmless only by its own info level (lib/logs/explain-level.c) is
 * logged at error level inside a Go logger's copy, and becomes the kernel's
 * behind a kernel's head (dmesg's time stamp, the journal's "kernel: "),
 * whose messages carry no logger's level word: not the same note
 */
static bool by_level(const struct reading *bare)
{
	return strcmp(bare->id, VFD_EXPLAIN_LEVEL_ENTRY) == 0;
}

static bool level_only(const struct reading *bare, size_t copy)
{
	return copies[copy].error_level && by_level(bare);
}

static bool kernel_head(const char *text)
{
	return text[0] == '[' || (text[0] >= '0' && text[0] <= '9') || strstr(text, " kernel: ");
}

/* 1 and a failed test when @got is not what @bare allows (differs()), else 0 */
static unsigned int changed(const struct reading *bare, const struct reading *got, bool log_format,
			    const char *set, unsigned int lineno, const char *how)
{
	const char *why = differs(bare, got, log_format);

	if (!why)
		return 0;
	result(false, "%s:%u %s: %s (bare: %s %s %s, got: %s %s %s)", set, lineno, how, why,
	       outcome_names[bare->outcome], bare->id, bare->kind, outcome_names[got->outcome],
	       got->id, got->kind);
	return 1;
}

static void check_set(struct vfd_kb *kb, const char *path)
{
	unsigned int lines = 0, tried = 0, copied = 0, broken = 0;
	struct set_lines set;
	char text[LINE_MAX_TEST], how[128], *line;
	struct reading bare, got;
	const char *base;
	unsigned int lineno;

	if (set_open(&set, path) < 0)
		return;
	base = set.base;
	while ((line = set_next(&set))) {
		lineno = set.lineno;
		if (!*line || read_line(kb, line, &bare) < 0)
			continue;
		lines++;
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			size_t head = head_of(line, prefixes[i].replaces);

			if (prefixes[i].replaces != H_ANY && !head)
				continue;
			snprintf(text, sizeof(text), "%s%s", prefixes[i].text, line + head);
			if (read_line(kb, text, &got) < 0)
				continue;
			tried++;
			snprintf(how, sizeof(how), "behind \"%s\"", prefixes[i].text);
			broken += changed(&bare, &got, prefixes[i].log_format &&
					  !(by_level(&bare) && kernel_head(prefixes[i].text)),
					  base, lineno, how);
		}
		for (size_t i = 0; i < sizeof(copies) / sizeof(copies[0]); i++) {
			copies[i].make(line, text);
			if (strcmp(text, line) == 0 || read_line(kb, text, &got) < 0)
				continue;
			copied++;
			snprintf(how, sizeof(how), "as %s", copies[i].name);
			broken += changed(&bare, &got, !level_only(&bare, i), base, lineno, how);
		}
	}
	set_close(&set);
	result(broken == 0,
	       "%s: %u lines, %u readings behind %zu prefixes, %u in %zu kinds of copy, %u changed",
	       base, lines, tried, sizeof(prefixes) / sizeof(prefixes[0]), copied,
	       sizeof(copies) / sizeof(copies[0]), broken);
}

/* A held-out set is a file named heldout*.tsv or a file of the heldout/
 * folder; only the last two path components count, so a checkout whose own
 * folder name holds "heldout" can still run the development sets. */
static bool is_heldout_path(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dir;

	if (!base)
		return strncmp(path, "heldout", 7) == 0;
	base++;
	if (strncmp(base, "heldout", 7) == 0)
		return true;
	dir = base - 1;
	while (dir > path && dir[-1] != '/')
		dir--;
	return strncmp(dir, "heldout/", 8) == 0;
}

int main(int argc, char **argv)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb;

	if (vfd_kb_new_builtin(&kb, &err) < 0) {
		printf("not ok 1 - built-in knowledge base: line %u: %s\n1..1\n", err.line,
		       err.message);
		return 1;
	}
	for (int a = 1; a < argc; a++) {
		if (is_heldout_path(argv[a])) {
			result(false, "%s: a held-out set is only ever scored", argv[a]);
			continue;
		}
		check_set(kb, argv[a]);
	}
	printf("1..%u\n", n_test);
	vfd_kb_free(kb);
	return n_failed ? 1 : 0;
}
