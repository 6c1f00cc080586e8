// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A message inside a logger's quotes read back (lib/logs/log-escape.c): each
 * escape of Go's %q and JSON, what is kept (systemd's \x2d, a Windows path, a
 * backslash at the end), and explain reading a message inside KubeVirt's
 * JSON and logrus's logfmt as it reads the message bare, where the escaped
 * quotes broke a pattern's literal quote and a \n joined two messages; and
 * a line no entry knows flagged inside them as bare (explain-unknown.c).
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"
#include "log-escape.h"
#include "paste-text.h"

static void assert_unescapes(const char *quoted, const char *text, bool changed)
{
	size_t len = strlen(quoted), n;
	char *out = malloc(len + 1);
	bool any = !changed;

	assert_non_null(out);
	n = log_unescape(quoted, len, out, &any);
	assert_true(n <= len);
	out[n] = '\0';
	if (strcmp(out, text))
		print_error("'%s' read back as '%s', expected '%s'\n", quoted, out, text);
	assert_string_equal(out, text);
	assert_int_equal(any, changed);
	free(out);
}

static void escapes(void **state)
{
	(void)state;
	assert_unescapes("romfile \\\"/var/lib/vbios.rom\\\" is empty",
			 "romfile \"/var/lib/vbios.rom\" is empty", true);
	assert_unescapes("not viable\\nPlease ensure", "not viable\nPlease ensure", true);
	assert_unescapes("a\\tb\\r\\nc", "a\tb\n\nc", true);
	assert_unescapes("C:\\\\Windows", "C:\\Windows", true);
	assert_unescapes("not \\u003cuid\\u003e:\\u003cgid\\u003e \\u0026", "not <uid>:<gid> &", true);
	assert_unescapes("a\\/b", "a/b", true);
	/* \\ first: the n after it is a letter of the text */
	assert_unescapes("x\\\\nvlddmkm", "x\\nvlddmkm", true);
}

static void kept(void **state)
{
	(void)state;
	assert_unescapes("dev-disk-by\\x2duuid-1234.device", "dev-disk-by\\x2duuid-1234.device", false);
	assert_unescapes("trailing \\", "trailing \\", false);
	assert_unescapes("\\u00e9 \\u0007 \\u12 \\uzzzz", "\\u00e9 \\u0007 \\u12 \\uzzzz", false);
	assert_unescapes("no escape at all", "no escape at all", false);
	assert_unescapes("", "", false);
}

/* a backslash sends a line to the careful reading (paste_suspect), at every offset */
static void backslash_is_suspect(void **state)
{
	char line[40];

	(void)state;
	for (size_t len = 1; len < sizeof(line); len++)
		for (size_t at = 0; at < len; at++) {
			memset(line, 'a', sizeof(line));
			line[at] = '\\';
			assert_true(paste_suspect(line, len));
			assert_true(paste_suspect_swar(line, len));
			assert_false(paste_suspect(line, at));
		}
}

/* the entry explain gives @line, NULL for none */
static const char *entry_of(struct vfd_kb *kb, const char *line)
{
	struct vfd_explain *ex = vfd_explain_new(kb);
	const char *id = NULL;

	assert_non_null(ex);
	assert_true(vfd_explain_feed(ex, line, strlen(line)) >= 0);
	if (vfd_explain_count(ex))
		id = vfd_explain_problem(ex, 0)->entry->id;
	vfd_explain_free(ex);
	return id;
}

static void explain_reads_inside_quotes(void **state)
{
	static const struct {
		const char *bare, *wrapped;
	} cases[] = {
		/* a pattern's literal quote */
		{ "qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0,romfile=/r.rom: "
		  "failed to find romfile \"/r.rom\"",
		  "{\"component\":\"virt-handler\",\"level\":\"error\",\"msg\":\"Synchronizing the "
		  "VirtualMachineInstance failed.\",\"pos\":\"vm.go:1742\",\"reason\":\"qemu-system-x86_64: "
		  "-device vfio-pci,host=0000:01:00.0,romfile=/r.rom: failed to find romfile \\\"/r.rom\\\"\","
		  "\"timestamp\":\"2026-12-05T10:00:00.000000Z\"}" },
		{ "qemu-system-x86_64: vfio 0000:01:00.0: Wrong target AS \"I/O\", only system memory is allowed",
		  "time=\"2026-12-05T10:00:00Z\" level=error msg=\"qemu-system-x86_64: vfio 0000:01:00.0: "
		  "Wrong target AS \\\"I/O\\\", only system memory is allowed\" source=virtcontainers" },
		/* a \n before the message: its first word stuck to an n */
		{ "PCI device 17 not found",
		  "t=2026-12-05T10:00:00+0000 lvl=eror msg=\"Failed\" err=\"Build failed\\nPCI device 17 not found\"" },
	};
	struct vfd_parse_error err;
	struct vfd_kb *kb;

	(void)state;
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *bare = entry_of(kb, cases[i].bare), *wrapped = entry_of(kb, cases[i].wrapped);

		assert_non_null(bare);
		assert_non_null(wrapped);
		if (strcmp(bare, wrapped))
			print_error("'%s' read as %s, bare as %s\n", cases[i].wrapped, wrapped, bare);
		assert_string_equal(wrapped, bare);
	}
	/* a Windows path's "\n" is no newline: the line as given keeps its reading */
	assert_string_equal(entry_of(kb, "C:\\Windows\\System32\\DriverStore\\nvlddmkm.sys: "
					 "failed to find romfile \"/r.rom\""),
			    entry_of(kb, "failed to find romfile \"/r.rom\""));
	vfd_kb_free(kb);
}

/* a line no entry knows: flagged inside a Go logger's JSON or logfmt as it is bare */
static void unknown_inside_quotes(void **state)
{
	static const char *const lines[] = {
		"Error: Failed to run: /usr/bin/incusd forkstart vm1 /var/lib/incus/containers:",
		"{\"component\":\"virt-handler\",\"level\":\"error\",\"msg\":\"Error: Failed to run: "
		"/usr/bin/incusd forkstart vm1 /var/lib/incus/containers:\",\"pos\":\"vm.go:1\"}",
		"Dec 05 10:00:00 host incusd[1234]: time=\"2026-12-05T10:00:00Z\" level=error "
		"msg=\"Error: Failed to run: /usr/bin/incusd forkstart vm1 /var/lib/incus/containers:\"",
	};
	/*
	 * a knowledge base of one unrelated entry: the built-in one's broad
	 * families read nearly every passthrough line, and its Incus entries
	 * know this one
	 */
	static const char entry[] = "format: 1\n\nid: kernel.test-only\nlayer: kernel\n"
				    "kind: config\ntitle: t\nsource: linux:x.c:f\n"
				    "match: frobnicator melted\nmeaning: m\ncause: c\nfix: f\n";
	struct vfd_parse_error err;
	struct vfd_kb *kb;

	(void)state;
	assert_int_equal(vfd_kb_parse(entry, sizeof(entry) - 1, &kb, &err), 0);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct vfd_explain *ex = vfd_explain_new(kb);

		assert_non_null(ex);
		assert_true(vfd_explain_feed(ex, lines[i], strlen(lines[i])) >= 0);
		assert_int_equal(vfd_explain_count(ex), 0);
		assert_int_equal(vfd_explain_unknown_count(ex), 1);
		vfd_explain_free(ex);
	}
	vfd_kb_free(kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes),
		cmocka_unit_test(kept),
		cmocka_unit_test(backslash_is_suspect),
		cmocka_unit_test(explain_reads_inside_quotes),
		cmocka_unit_test(unknown_inside_quotes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
