// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sample lines catalogue-lines.c makes of a format (for explain-coverage and the
 * other catalogue tests), for the conversions of each language the catalogue holds:
 * C's, Go's (%v %+v %w %q %t %T, from tools/harvest_go.py) and Python's (%(name)s, %r,
 * from tools/harvest_python.py).  A Go or Python conversion read as a C one would give a
 * line no program prints, and the coverage count of those programs would mean nothing.
 * And the lines a message makes under a wrapper of prefixes_of() (wrap_next()).
 */
#include <stdio.h>
#include <string.h>

#include "catalogue-lines.h"

static int n, failed;

static void check(const char *fmt, const char *want_line, const char *want_pattern)
{
	char line[LINE_MAX_LEN], pattern[LINE_MAX_LEN];
	bool ok;

	instantiate(fmt, "x.go", "f", 0, line, sizeof(line), pattern, sizeof(pattern));
	ok = strcmp(line, want_line) == 0 && strcmp(pattern, want_pattern) == 0;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++n, fmt);
	if (!ok) {
		printf("# line    '%s' (want '%s')\n# pattern '%s' (want '%s')\n", line, want_line,
		       pattern, want_pattern);
		failed = 1;
	}
}

/* the lines @msg makes under the wrapper @w (wrap_next()), '|' between them */
static void check_wrap(const char *w, const char *msg, const char *want)
{
	char got[LINE_MAX_LEN] = "", line[LINE_MAX_LEN / 2];
	bool ok;

	for (const char *s = msg; *s;)
		if (wrap_next(w, &s, line, sizeof(line)) && strlen(got) + strlen(line) + 2 < sizeof(got))
			strcat(strcat(got, *got ? "|" : ""), line);
	ok = strcmp(got, want) == 0;
	printf("%s %d - wrapper %s\n", ok ? "ok" : "not ok", ++n, w);
	if (!ok) {
		printf("# got  '%s'\n# want '%s'\n", got, want);
		failed = 1;
	}
}

int main(void)
{
	/* C, as before: the length modifiers before an integer conversion */
	check("BAR %d: %llx bytes, %zu left, %td apart", "BAR 3: 1f bytes, 3 left, 3 apart",
	      "BAR %num%: %word% bytes, %num% left, %num% apart");
	/* Go */
	check("failed to allocate %+v for %s", "failed to allocate sample_name for sample_name",
	      "failed to allocate %any% for %any%");
	check("Failed to bind %q to vfio-pci: %w", "Failed to bind \"item0\" to vfio-pci: no such device",
	      "Failed to bind %word% to vfio-pci: %any%");
	check("enabled=%t type %T, 100%% done", "enabled=true type string, 100% done",
	      "enabled=%word% type %word%, 100%% done");
	/* Python */
	check("PCI device %(id)s not found on %(host)s",
	      "PCI device 0000:01:00.0 not found on sample_name",
	      "PCI device %slot% not found on %any%");
	check("VFIO bind of %r failed", "VFIO bind of 'item0' failed", "VFIO bind of %word% failed");
	/* a plain prefix before each line; JSON and logfmt quote the whole message */
	check_wrap("x: ", "a\nb", "x: a|x: b");
	check_wrap("{\"msg\":\"%q\",\"pos\":\"vm.go:1\"}", "bind \"gpu0\"\tto C:\\vfio\nnext",
		   "{\"msg\":\"bind \\\"gpu0\\\"\\tto C:\\\\vfio\\nnext\",\"pos\":\"vm.go:1\"}");
	/* TrueNAS escapes only the newline */
	check_wrap("(ERROR) m():1 - %n", "say \"a\"\nb", "(ERROR) m():1 - say \"a\"\\nb");
	printf("1..%d\n", n);
	return failed;
}
