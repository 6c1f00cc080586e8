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
 * A second sample, kinds-2.tsv (drawn after the catalogue took in libvirt's
 * domain define/start path and QEMU's command-line errors; its header says
 * how), is split by SHA-256 into a tuning part and a check third, each with
 * its floor (tests/meson.build): rules are tuned on the tuning part only.
 * The words before that round gave 92/110 (83.6%) on the tuning part and
 * 31/32 (96.9%) on the check part; with a VM definition's family keeping its
 * kind against the words of the ACPI tables, of interrupt remapping and
 * "label" (data/kind-words.tsv), 94/110 (85.5%) and 31/32; the floors sit
 * just under (84, 93).
 *
 * usage: test-kinds KINDS.TSV [--split TUNE-PCT CHECK-PCT KINDS-2.TSV]
 *                 (lines "kind<TAB>line<TAB>where", '#' comments)
 *        test-kinds --wrong KINDS.TSV [--split T C KINDS-2.TSV]   the rows the
 *                 refinement gets wrong (of KINDS-2.TSV, the tuning part's only)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "tap-result.h"
#include "sha256.h"

#define KIND_RIGHT_MIN 80

/* kinds-2.tsv's split: SHA-256 of this and the line, first byte mod 3 == 0 the check third */
#define SPLIT_SALT "vfio-doctor kinds-2 1\n"

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

/* the rows of one labelled file, or of one part of it */
struct tally {
	unsigned int rows, family, refined_right, entry_right;
};

enum part { WHOLE, TUNE, CHECK };

static const char *const part_names[] = { "", " (tuning part)", " (check part)" };

/*
 * Score the labelled rows of @path into @t (t[WHOLE] unsplit, else t[TUNE]
 * and t[CHECK] by the line's digest). With @wrong, print the rows the
 * refinement gets wrong, never a check part's. Returns the malformed rows,
 * or -1 when @path cannot be read.
 */
static int score_file(struct vfd_kb *kb, const char *path, bool split, bool wrong,
		      struct tally t[3])
{
	unsigned int bad_rows = 0;
	char buf[8192];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		char *kind = buf, *line, *where;
		struct vfd_kb_match m;
		struct tally *p;
		const char *got;
		enum part part;

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
		part = !split ? WHOLE : sha256_in_third(SPLIT_SALT, line) ? CHECK : TUNE;
		p = &t[part];
		p->rows++;
		if (vfd_kb_match(kb, line, strlen(line), &m) != 1 || !m.entry->family)
			continue;	/* a dedicated entry knows it now: its kind is its own */
		p->family++;
		got = vfd_kb_kind_of(m.entry, line + m.start, strlen(line) - m.start);
		p->refined_right += strcmp(got, kind) == 0;
		p->entry_right += strcmp(m.entry->kind, kind) == 0;
		if (wrong && part != CHECK && strcmp(got, kind) != 0)
			printf("%s\tgot %s (entry %s: %s)\t%s\t%s\n", kind, got, m.entry->id,
			       m.entry->kind, line, where);
	}
	fclose(f);
	return (int)bad_rows;
}

static double pct(unsigned int n, unsigned int of)
{
	return of ? 100.0 * n / of : 0;
}

static void print_tally(const char *path, enum part part, const struct tally *t)
{
	printf("# %s%s: kind right: refined %u/%u (%.1f%%), the family entries' own kind "
	       "%u/%u (%.1f%%)\n", path, part_names[part], t->refined_right, t->family,
	       pct(t->refined_right, t->family), t->entry_right, t->family,
	       pct(t->entry_right, t->family));
}

/* the refined kind is right on at least @floor per cent of @t's family rows */
static void gate(const char *path, enum part part, const struct tally *t, double floor)
{
	print_tally(path, part, t);
	result(t->family && pct(t->refined_right, t->family) >= floor,
	       "%s%s: the refined kind is right on at least %.1f%% of the family-matched rows",
	       path, part_names[part], floor);
}

int main(int argc, char **argv)
{
	bool wrong_mode = argc > 1 && strcmp(argv[1], "--wrong") == 0;
	int first = wrong_mode ? 2 : 1, bad;
	struct tally whole[3] = { 0 };
	struct vfd_parse_error err;
	struct vfd_kb *kb;

	if (argc - first != 1 && (argc - first != 5 || strcmp(argv[first + 1], "--split") != 0)) {
		fprintf(stderr, "usage: test-kinds [--wrong] KINDS.TSV [--split TUNE-PCT "
				"CHECK-PCT KINDS-2.TSV]\n");
		return 2;
	}
	if (vfd_kb_new_builtin(&kb, &err) < 0) {
		fprintf(stderr, "test-kinds: built-in knowledge base: line %u: %s\n", err.line,
			err.message);
		return 1;
	}
	bad = score_file(kb, argv[first], false, wrong_mode, whole);
	if (bad < 0) {
		fprintf(stderr, "test-kinds: cannot read '%s'\n", argv[first]);
		return 1;
	}
	if (wrong_mode) {
		if (argc - first == 5 && score_file(kb, argv[first + 4], true, true,
						     (struct tally[3]){ 0 }) < 0)
			fprintf(stderr, "test-kinds: cannot read '%s'\n", argv[first + 4]);
		vfd_kb_free(kb);
		return 0;
	}
	printf("TAP version 13\n");
	result(vfd_kb_kind_table_check() == 0, "data/kind-words.tsv names only the taxonomy's "
	       "kinds and fits the table");
	result(bad == 0 && whole[WHOLE].rows >= 100, "%u labelled rows, %u malformed",
	       whole[WHOLE].rows, bad);
	result(whole[WHOLE].family >= 100, "%u of them still matched by a family entry (100 or "
	       "more)", whole[WHOLE].family);
	gate(argv[first], WHOLE, &whole[WHOLE], KIND_RIGHT_MIN);
	result(whole[WHOLE].refined_right >= whole[WHOLE].entry_right,
	       "the refinement does no worse than the family's kind");
	result(wrapped_wrong(kb) == 0, "a wrapper's kind is read from the message it carries");
	if (argc - first == 5) {
		const char *path = argv[first + 4];
		struct tally parts[3] = { 0 };

		result(sha256_works(), "SHA-256 gives FIPS 180-4's digests (the split rests on it)");
		bad = score_file(kb, path, true, false, parts);
		result(bad == 0 && parts[TUNE].rows + parts[CHECK].rows >= 100,
		       "%s: %u labelled rows (%u tuning, %u check), %d malformed", path,
		       parts[TUNE].rows + parts[CHECK].rows, parts[TUNE].rows, parts[CHECK].rows,
		       bad);
		gate(path, TUNE, &parts[TUNE], atof(argv[first + 2]));
		gate(path, CHECK, &parts[CHECK], atof(argv[first + 3]));
	}
	printf("1..%u\n", n_test);
	vfd_kb_free(kb);
	return n_failed ? 1 : 0;
}
