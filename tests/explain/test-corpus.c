// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: every line of the corpus files (tests/explain/corpus/NAME.txt) is
 * matched against the built-in knowledge base and must give the expected
 * entry (and the values named), or nothing for lines marked "-". Then: every
 * entry of the knowledge base must have at least one corpus line.
 *
 * Corpus format: "EXPECTED<TAB>LINE"; EXPECTED is an entry id followed by
 * optional ;type=value pairs ("qemu.group-enoent;group=1;errno=No such file or
 * directory") and ;kind=KIND, the kind of cause explain reports for the line
 * (lib/logs/kb-kind.c kb_match_kind), or "-". Lines starting with '#' are comments.
 * usage: test-corpus FILE...
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "tap-result.h"
#include "kb-cause.h"
#include "log-escape.h"

static enum vfd_kb_value_type value_type(const char *name)
{
	for (int t = VFD_KB_SLOT; t <= VFD_KB_ANY; t++)
		if (strcmp(vfd_kb_value_name((enum vfd_kb_value_type)t), name) == 0)
			return (enum vfd_kb_value_type)t;
	return (enum vfd_kb_value_type)-1;
}

/* does @m hold a value of that type equal to @want (or give @line that kind)? */
static bool has_value(const struct vfd_kb_match *m, const char *line, const char *spec, char *why,
		      size_t size)
{
	char name[16];
	const char *eq = strchr(spec, '=');
	enum vfd_kb_value_type t;

	if (!eq || (size_t)(eq - spec) >= sizeof(name)) {
		snprintf(why, size, "bad expectation '%s'", spec);
		return false;
	}
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = '\0';
	if (strcmp(name, "kind") == 0) {
		const char *kind = kb_match_kind(m, line, strlen(line));

		if (kind && strcmp(kind, eq + 1) == 0)
			return true;
		snprintf(why, size, "kind %s, not %s", kind ? kind : "(none)", eq + 1);
		return false;
	}
	t = value_type(name);
	for (size_t i = 0; i < m->n_values; i++)
		if (m->values[i].type == t && strcmp(m->values[i].text, eq + 1) == 0)
			return true;
	snprintf(why, size, "no %s value '%s'", name, eq + 1);
	return false;
}

static void check_line(struct vfd_kb *kb, const char *file, unsigned int lineno, char *expect,
		       const char *line, bool *covered)
{
	struct vfd_kb_match m;
	char why[160] = "";
	char *save = NULL, *id = strtok_r(expect, ";", &save);
	size_t len = strlen(line);
	int r = vfd_kb_match(kb, line, len, &m);
	char *unquoted = strchr(line, '\\') ? malloc(len + 1) : NULL;
	size_t n = r >= 0 && unquoted ? kb_match_unescaped(kb, line, len, unquoted, &m, &r) : 0;
	bool ok;

	/* a message inside a logger's quotes: read back as explain reads it (log-escape.h) */
	if (n) {
		unquoted[n] = '\0';
		line = unquoted;
	}
	if (!id) {
		result(false, "%s:%u: no expectation", file, lineno);
	} else if (strcmp(id, "-") == 0) {
		ok = r == 0;
		result(ok, "%s:%u: no match%s%s", file, lineno, ok ? "" : ", got ",
		       ok ? "" : m.entry->id);
	} else {
		ok = r == 1 && strcmp(m.entry->id, id) == 0;
		if (!ok)
			snprintf(why, sizeof(why), "got %s", r == 1 ? m.entry->id : "no match");
		for (char *v = strtok_r(NULL, ";", &save); ok && v; v = strtok_r(NULL, ";", &save))
			ok = has_value(&m, line, v, why, sizeof(why));
		if (r == 1 && strcmp(m.entry->id, id) == 0)
			covered[vfd_kb_entry_index(kb, m.entry)] = true;
		result(ok, "%s:%u: %s%s%s", file, lineno, id, *why ? ": " : "", why);
	}
	free(unquoted);
}

int main(int argc, char **argv)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb;
	bool *covered;
	size_t missing = 0;

	if (vfd_kb_new_builtin(&kb, &err) < 0) {
		printf("not ok 1 - built-in knowledge base: line %u: %s\n1..1\n", err.line,
		       err.message);
		return 1;
	}
	result(vfd_kb_count(kb) >= 80, "built-in knowledge base has %zu entries (80 or more)",
	       vfd_kb_count(kb));
	covered = calloc(vfd_kb_count(kb), sizeof(*covered));
	for (int a = 1; a < argc; a++) {
		const char *base = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
		FILE *f = fopen(argv[a], "r");
		char *buf = NULL;
		size_t cap = 0;
		unsigned int lineno = 0;
		ssize_t n;

		if (!f) {
			result(false, "cannot open '%s'", argv[a]);
			continue;
		}
		while ((n = getline(&buf, &cap, f)) >= 0) {
			char *tab;

			lineno++;
			if (n && buf[n - 1] == '\n')
				buf[--n] = '\0';
			if (!n || buf[0] == '#')
				continue;
			tab = strchr(buf, '\t');
			if (!tab) {
				result(false, "%s:%u: no tab between expectation and line", base,
				       lineno);
				continue;
			}
			*tab = '\0';
			check_line(kb, base, lineno, buf, tab + 1, covered);
		}
		free(buf);
		fclose(f);
	}
	for (size_t i = 0; argc > 1 && i < vfd_kb_count(kb); i++) {
		if (!covered[i]) {
			printf("# no corpus line for %s\n", vfd_kb_entry(kb, i)->id);
			missing++;
		}
	}
	if (argc > 1)
		result(missing == 0, "every entry has a corpus line (%zu missing)", missing);
	printf("1..%u\n", n_test);
	free(covered);
	vfd_kb_free(kb);
	return n_failed ? 1 : 0;
}
