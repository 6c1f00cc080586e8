// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: the kind of cause of a message known only by its family entry
 * (lib/logs/kb-kind.c, data/kind-words.tsv). tests/explain/kinds.tsv holds catalogue
 * formats that a family entry covers, as the coverage test instantiates them,
 * each labelled by hand with its true kind from what the message means in its
 * source. The kind explain reports (the refinement) must be right on at least
 * KIND_RIGHT_MIN percent of them and on no fewer than the family entries' own
 * kinds; both figures are printed. The goal of issue 15 is 85%; the words as
 * written from the taxonomy reached 73.9% (105/142) on the random sample, and
 * 75.4% (107/142) with the family's own kind standing where the message
 * confirms it (kb-kind.c); with the 31 rows of the weakest kinds' areas added
 * (kinds.tsv says how they were picked) 77.5% (131/169); the floor sits just under what
 * they reach, so that a change of the words that loses ground fails here.
 * Raising it takes better words, not other labels. The eleventh round's
 * family rules (the IOMMU drivers' families dma-mapping, their fault
 * reports before the tables' words, a GPU driver's own probe and MMIO kept
 * as guest-driver: tests/explain/dev/README.md) reached 81.0% (136/168),
 * and the floor moved to 80.
 *
 * usage: test-kinds KINDS.TSV      (lines "kind<TAB>line<TAB>where", '#' comments)
 *        test-kinds --wrong KINDS.TSV   the rows the refinement gets wrong
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "tap-result.h"

#define KIND_RIGHT_MIN 80

static bool known_kind(const char *k)
{
	for (size_t i = 0; vfd_kb_kinds[i]; i++)
		if (strcmp(vfd_kb_kinds[i], k) == 0)
			return true;
	return false;
}

/*
 * A wrapper entry carries a message nothing else knew: the errno text or the
 * carried message names the kind ("echo: write error: %errno%" is a bind
 * that failed, a device another driver holds, or a permission).
 */
static const struct {
	const char *kind, *line;
} wrapped[] = {
	{ "device-busy", "echo: write error: Device or resource busy" },
	{ "permission", "bash: echo: write error: Permission denied" },
	{ "binding", "echo: write error: No such device" },
	{ "binding", "echo: write error: Invalid argument" },
};

static unsigned int wrapped_wrong(struct vfd_kb *kb)
{
	unsigned int wrong = 0;

	for (size_t i = 0; i < sizeof(wrapped) / sizeof(wrapped[0]); i++) {
		const char *line = wrapped[i].line, *got = "(no match)";
		struct vfd_kb_match m;

		if (vfd_kb_match(kb, line, strlen(line), &m) == 1 && m.entry->wrapper)
			got = vfd_kb_kind_of(m.entry, line + m.start, strlen(line) - m.start);
		if (strcmp(got, wrapped[i].kind) != 0) {
			printf("# '%s': %s, not %s\n", line, got, wrapped[i].kind);
			wrong++;
		}
	}
	return wrong;
}

int main(int argc, char **argv)
{
	bool wrong_mode = argc == 3 && strcmp(argv[1], "--wrong") == 0;
	const char *path = argv[argc - 1];
	unsigned int rows = 0, family = 0, refined_right = 0, entry_right = 0, bad_rows = 0;
	struct vfd_parse_error err;
	struct vfd_kb *kb;
	char buf[8192];
	FILE *f;

	if (argc != 2 && !wrong_mode) {
		fprintf(stderr, "usage: test-kinds [--wrong] KINDS.TSV\n");
		return 2;
	}
	if (vfd_kb_new_builtin(&kb, &err) < 0) {
		fprintf(stderr, "test-kinds: built-in knowledge base: line %u: %s\n", err.line,
			err.message);
		return 1;
	}
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "test-kinds: cannot read '%s'\n", path);
		return 1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *kind = buf, *line, *where;
		struct vfd_kb_match m;
		const char *got;

		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		line = strchr(buf, '\t');
		where = line ? strchr(line + 1, '\t') : NULL;
		if (!where || !known_kind((*line = '\0', kind))) {
			bad_rows++;
			continue;
		}
		*where++ = '\0';
		line++;
		rows++;
		if (vfd_kb_match(kb, line, strlen(line), &m) != 1 || !m.entry->family)
			continue;	/* a dedicated entry knows it now: its kind is its own */
		family++;
		got = vfd_kb_kind_of(m.entry, line + m.start, strlen(line) - m.start);
		refined_right += strcmp(got, kind) == 0;
		entry_right += strcmp(m.entry->kind, kind) == 0;
		if (wrong_mode && strcmp(got, kind) != 0)
			printf("%s\tgot %s (entry %s: %s)\t%s\t%s\n", kind, got, m.entry->id,
			       m.entry->kind, line, where);
	}
	fclose(f);
	if (wrong_mode)
		return 0;
	printf("TAP version 13\n");
	result(vfd_kb_kind_table_check() == 0, "data/kind-words.tsv names only the taxonomy's "
	       "kinds and fits the table");
	result(bad_rows == 0 && rows >= 100, "%u labelled rows, %u malformed", rows, bad_rows);
	result(family >= 100, "%u of them still matched by a family entry (100 or more)", family);
	printf("# kind right: refined %u/%u (%.1f%%), the family entries' own kind %u/%u "
	       "(%.1f%%)\n", refined_right, family, family ? 100.0 * refined_right / family : 0,
	       entry_right, family, family ? 100.0 * entry_right / family : 0);
	result(family && refined_right * 100 >= family * KIND_RIGHT_MIN,
	       "the refined kind is right on at least %d%% of the family-matched rows",
	       KIND_RIGHT_MIN);
	result(refined_right >= entry_right, "the refinement does no worse than the family's kind");
	result(wrapped_wrong(kb) == 0, "a wrapper's kind is read from the message it carries");
	printf("1..%u\n", n_test);
	vfd_kb_free(kb);
	return n_failed ? 1 : 0;
}
