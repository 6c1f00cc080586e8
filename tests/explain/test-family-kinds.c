// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: the kind that family entries alone give real labelled lines.
 *
 * On held-out text about a third of the problem lines are read only by a
 * family entry (family: yes), whose kind is read from the message
 * (lib/logs/kb-kind.c, data/kind-words.tsv, kb-cause.c); on the development
 * set the rounds wrote dedicated entries for most lines, so the family path
 * is rarely exercised there. This test takes the compiled-in knowledge base,
 * keeps only its family entries (every stanza without "family: yes" that
 * is an entry is dropped; the format stanza stays), and feeds each labelled
 * line on its own through vfd_explain_feed as explain does (the same paste
 * reading, the same kb_match_kind path): the kind explain would give if no
 * dedicated entry, no wrapper and no harmless entry existed.
 *
 * The set's lines are split before any figure was looked at: SHA-256 of
 * SALT followed by the line as the set writes it (the "line" column, no
 * label, no address); first byte mod 3 == 0 is the check third, the rest
 * the tuning part. Rules of kind-words.tsv and kb-kind.c are tuned on the
 * tuning part only (--wrong lists only its lines); both parts are printed
 * and gated (--floor-tune, --floor-check: per cent right of the problem
 * lines a family reads). A second labeller's kinds of 160 development lines
 * (--sample SAMPLE.tsv --labels LABELS.tsv, tests/explain/dev/kind-agreement)
 * are scored the same way, split by the same rule, and only printed.
 *
 * Printed for each part: the problem lines (labelled other than harmless) a
 * family reads and how many of them get the label's kind, per label kind;
 * the harmless-labelled lines a family calls a problem (a family is never
 * harmless, so each one read is a false alarm had no harmless entry known
 * it); a confusion count table (label -> kind given, "-" for none); and, for
 * reference, the same counts with the whole knowledge base for the lines
 * whose reading is a family's (what the held-out score calls family-only).
 *
 * Recall (issue 15, eleventh round): how many of a part's problem lines a
 * family reads at all (with any kind but harmless), per label kind and per
 * program the line comes from (a needle table below, first hit wins), and
 * how many harmless-labelled lines a family calls a problem. Gated by
 * --recall-tune and --recall-check (per cent of the part's problem lines a
 * family reads), --max-flags (harmless lines of both parts a family
 * calls a problem, at most) and --max-whole-flags (the same for the whole
 * knowledge base, any entry: what explain itself says).
 *
 * usage: test-family-kinds [--floor-tune PCT] [--floor-check PCT]
 *                          [--recall-tune PCT] [--recall-check PCT]
 *                          [--max-flags N] [--max-whole-flags N]
 *                          [--sample SAMPLE.tsv --labels LABELS.tsv] SET.tsv
 *        test-family-kinds --wrong SET.tsv
 *            the tuning part's lines a family reads as a problem with
 *            another kind than the label: "wrong", label, kind given,
 *            entry, line (the check part is never listed)
 *        test-family-kinds --read SET.tsv
 *            the same for every tuning line a family reads ("right" too)
 *        test-family-kinds --missed SET.tsv
 *            the tuning part's problem lines no family reads (label, line)
 *            and its harmless lines a family calls a problem ("FLAG",
 *            entry, line): what recall rules are written from
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "tap-result.h"
#include "sha256.h"
#include "families-only.h"

#define SALT "vfio-doctor family-kinds 1\n"
#define LINE_MAX_LEN 8192
#define N_KINDS 15		/* SPEC-15's taxonomy, vfd_kb_kinds */

enum part { TUNE, CHECK, N_PARTS };
static const char *const part_names[] = { "tuning", "check" };

/* what one knowledge base made of the lines of one part */
struct tally {
	unsigned int lines[N_KINDS];		/* by label */
	unsigned int read[N_KINDS];		/* read by a family (a problem) */
	unsigned int right[N_KINDS];		/* ... with the label's kind */
	unsigned int given[N_KINDS][N_KINDS + 1];	/* label -> kind (last: none) */
};

static int kind_index(const char *k)
{
	for (int i = 0; vfd_kb_kinds[i]; i++)
		if (strcmp(vfd_kb_kinds[i], k) == 0)
			return i;
	return -1;
}

static int harmless_index(void)
{
	return kind_index("harmless");
}

static enum part part_of(const char *line)
{
	return sha256_in_third(SALT, line) ? CHECK : TUNE;
}

/* the one problem @kb's explain makes of @line, or NULL */
static const struct vfd_problem *read_line(struct vfd_explain **ex, struct vfd_kb *kb,
					   const char *line)
{
	vfd_explain_free(*ex);
	*ex = vfd_explain_new(kb);
	if (!*ex)
		abort();
	if (vfd_explain_feed(*ex, line, strlen(line)) < 0)
		abort();
	return vfd_explain_count(*ex) ? vfd_explain_problem(*ex, 0) : NULL;
}

static void count(struct tally *t, int label, const struct vfd_problem *p)
{
	int given = p && !p->entry->harmless ? kind_index(p->kind) : -1;

	t->lines[label]++;
	if (given < 0) {
		t->given[label][N_KINDS]++;
		return;
	}
	t->read[label]++;
	t->right[label] += given == label;
	t->given[label][given]++;
}

static void sums(const struct tally *t, unsigned int *lines, unsigned int *read,
		 unsigned int *right)
{
	int h = harmless_index();

	*lines = *read = *right = 0;
	for (int k = 0; k < N_KINDS; k++) {
		if (k == h)
			continue;
		*lines += t->lines[k];
		*read += t->read[k];
		*right += t->right[k];
	}
}

static double pct(unsigned int a, unsigned int b)
{
	return b ? 100.0 * a / b : 0.0;
}

/* short column names of the confusion table */
static const char *abbrev(int k)
{
	static const char *const names[] = { "off", "irq", "grp", "bsy", "bnd", "mod", "rst",
					     "rom", "bar", "dma", "prm", "fwb", "cfg", "gpu",
					     "hrm", "-" };

	return k >= 0 && k <= N_KINDS ? names[k] : "?";
}

static void print_tally(const char *what, const struct tally *t)
{
	unsigned int lines, read, right;
	int h = harmless_index();

	sums(t, &lines, &read, &right);
	printf("# %s: %u problem lines, %u read by a family (recall %.1f%%), right kind %u "
	       "(%.1f%%); harmless lines called a problem %u of %u\n", what, lines, read,
	       pct(read, lines), right, pct(right, read), t->read[h], t->lines[h]);
	printf("#   %-16s %5s %5s %5s\n", "label", "lines", "read", "right");
	for (int k = 0; k < N_KINDS; k++)
		if (t->lines[k])
			printf("#   %-16s %5u %5u %5u\n", vfd_kb_kinds[k], t->lines[k], t->read[k],
			       t->right[k]);
	printf("#   confusion (label -> given):   ");
	for (int g = 0; g <= N_KINDS; g++)
		printf("%4s", abbrev(g));
	putchar('\n');
	for (int k = 0; k < N_KINDS; k++) {
		if (!t->lines[k])
			continue;
		printf("#   %-16s %s ", vfd_kb_kinds[k], abbrev(k));
		for (int g = 0; g <= N_KINDS; g++)
			printf("%4u", t->given[k][g]);
		putchar('\n');
	}
}

/* a tab-separated row's field @n (0-based) copied into @out; false when absent */
static bool field(const char *row, int n, char *out, size_t size)
{
	const char *s = row;

	for (int i = 0; i < n; i++) {
		s = strchr(s, '\t');
		if (!s)
			return false;
		s++;
	}
	size_t len = strcspn(s, "\t\n");

	if (len >= size)
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

/*
 * The program a line comes from, by a word it holds (first row that
 * matches, case-insensitive): a coarse grouping for the recall table, not
 * a reading. The order puts the wrapping programs (libvirt quotes QEMU,
 * Proxmox quotes both) before the ones they quote.
 */
static const char *const programs[][2] = {
	{ "proxmox", "TASK ERROR" }, { "proxmox", "pve" }, { "proxmox", " qm " },
	{ "xen", "libxl" }, { "xen", "xen" }, { "xen", " xl " },
	{ "dpdk", "EAL:" }, { "dpdk", "dpdk" },
	{ "libvirt", "libvirt" }, { "libvirt", "virsh" }, { "libvirt", "error : " },
	{ "libvirt", "internal error" }, { "libvirt", "virt-manager" },
	{ "qemu", "qemu" }, { "qemu", "-device" }, { "qemu", "kvm:" },
	{ "kernel", "vfio" }, { "kernel", "kernel:" }, { "kernel", "] " },
	{ "kernel", "pci " }, { "kernel", "0000:" },
	{ "guest", "windows" }, { "guest", "nvidia" }, { "guest", "amdgpu" },
	{ "shell", "echo" }, { "shell", "bash" }, { "shell", "sudo" },
};
#define N_PROGRAMS 10	/* distinct names above, and "other" */
static const char *const program_names[N_PROGRAMS] = {
	"proxmox", "xen", "dpdk", "libvirt", "qemu", "kernel", "guest", "shell", "other",
};

static int program_of(const char *line)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (strcasestr(line, programs[i][1]))
			for (int n = 0; program_names[n]; n++)
				if (strcmp(program_names[n], programs[i][0]) == 0)
					return n;
	return 8;	/* other */
}

enum mode { COUNT, WRONG, READ, MISSED };

struct sets {
	struct vfd_kb *fam, *full;
	struct vfd_explain *ex;
	struct tally alone[N_PARTS], whole[N_PARTS];	/* families alone; whole KB's family readings */
	struct tally sample_b[N_PARTS];			/* labeller B's kinds, families alone */
	unsigned int by_program[N_PARTS][N_PROGRAMS][2];	/* problem lines, read */
	unsigned int whole_flags;	/* harmless lines the whole KB calls a problem */
	unsigned int malformed;
};

static bool is_problem(const struct vfd_problem *p)
{
	return p && !p->entry->harmless && kind_index(p->kind) >= 0;
}

static void one_line(struct sets *s, int label, const char *line, enum mode mode)
{
	enum part part = part_of(line);
	const struct vfd_problem *p = read_line(&s->ex, s->fam, line);

	if (mode == WRONG || mode == READ) {
		bool right = p && kind_index(p->kind) == label;

		if (part == TUNE && p && !p->entry->harmless && (mode == READ || !right))
			printf("%s\t%s\t%s\t%s\t%s\n", right ? "right" : "wrong",
			       vfd_kb_kinds[label], p->kind, p->entry->id, line);
		return;
	}
	if (mode == MISSED) {
		if (part == TUNE && label != harmless_index() && !is_problem(p))
			printf("%s\t%s\n", vfd_kb_kinds[label], line);
		if (part == TUNE && label == harmless_index() && is_problem(p))
			printf("FLAG\t%s\t%s\n", p->entry->id, line);
		return;
	}
	if (label != harmless_index()) {
		int prog = program_of(line);

		s->by_program[part][prog][0]++;
		s->by_program[part][prog][1] += is_problem(p);
	}
	count(&s->alone[part], label, p);
	p = read_line(&s->ex, s->full, line);
	if (label == harmless_index() && is_problem(p))
		s->whole_flags++;
	/* the whole knowledge base: only the lines a family reads there */
	count(&s->whole[part], label, p && p->entry->family ? p : NULL);
}

static bool read_set(struct sets *s, const char *path, enum mode mode)
{
	FILE *f = fopen(path, "r");
	char row[LINE_MAX_LEN], kind[32], line[LINE_MAX_LEN];
	bool header = true;

	if (!f)
		return false;
	while (fgets(row, sizeof(row), f)) {
		int label;

		if (header) {
			header = false;
			continue;
		}
		if (!field(row, 0, kind, sizeof(kind)) || !field(row, 1, line, sizeof(line)) ||
		    (label = kind_index(kind)) < 0) {
			s->malformed++;
			continue;
		}
		one_line(s, label, line, mode);
	}
	fclose(f);
	return true;
}

/* labels-b.tsv's "final" (column 4) for the line of sample.tsv with the same n */
static bool read_sample(struct sets *s, const char *sample, const char *labels)
{
	FILE *fs = fopen(sample, "r"), *fl = fopen(labels, "r");
	char srow[LINE_MAX_LEN], lrow[1024], n_s[16], n_l[16], line[LINE_MAX_LEN], kind[32];
	bool ok = fs && fl;

	/* both files list the numbers in the same order, one header line each */
	while (ok && fgets(srow, sizeof(srow), fs)) {
		int label;

		if (!fgets(lrow, sizeof(lrow), fl)) {
			ok = false;
			break;
		}
		if (strncmp(srow, "n\t", 2) == 0)
			continue;
		if (!field(srow, 0, n_s, sizeof(n_s)) || !field(srow, 1, line, sizeof(line)) ||
		    !field(lrow, 0, n_l, sizeof(n_l)) || !field(lrow, 3, kind, sizeof(kind)) ||
		    strcmp(n_s, n_l) != 0 || (label = kind_index(kind)) < 0) {
			s->malformed++;
			continue;
		}
		count(&s->sample_b[part_of(line)], label, read_line(&s->ex, s->fam, line));
	}
	if (fs)
		fclose(fs);
	if (fl)
		fclose(fl);
	return ok;
}

static bool floor_holds(const struct tally *t, double floor)
{
	unsigned int lines, read, right;

	sums(t, &lines, &read, &right);
	return read > 0 && pct(right, read) >= floor;
}

int main(int argc, char **argv)
{
	const char *set = NULL, *sample = NULL, *labels = NULL;
	double floor[N_PARTS] = { 0, 0 }, recall[N_PARTS] = { 0, 0 };
	long max_flags = -1, max_whole_flags = -1;
	enum mode mode = COUNT;
	struct vfd_parse_error err;
	struct sets s = { 0 };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--wrong") == 0)
			mode = WRONG;
		else if (strcmp(argv[i], "--missed") == 0)
			mode = MISSED;
		else if (strcmp(argv[i], "--read") == 0)
			mode = READ;
		else if (strcmp(argv[i], "--recall-tune") == 0 && i + 1 < argc)
			recall[TUNE] = atof(argv[++i]);
		else if (strcmp(argv[i], "--recall-check") == 0 && i + 1 < argc)
			recall[CHECK] = atof(argv[++i]);
		else if (strcmp(argv[i], "--max-flags") == 0 && i + 1 < argc)
			max_flags = atol(argv[++i]);
		else if (strcmp(argv[i], "--max-whole-flags") == 0 && i + 1 < argc)
			max_whole_flags = atol(argv[++i]);
		else if (strcmp(argv[i], "--floor-tune") == 0 && i + 1 < argc)
			floor[TUNE] = atof(argv[++i]);
		else if (strcmp(argv[i], "--floor-check") == 0 && i + 1 < argc)
			floor[CHECK] = atof(argv[++i]);
		else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc)
			sample = argv[++i];
		else if (strcmp(argv[i], "--labels") == 0 && i + 1 < argc)
			labels = argv[++i];
		else if (argv[i][0] != '-' && !set)
			set = argv[i];
		else
			set = NULL, i = argc;
	}
	if (!set || !sample != !labels) {
		fprintf(stderr, "usage: test-family-kinds [--floor-tune PCT] [--floor-check PCT] "
				"[--recall-tune PCT] [--recall-check PCT] [--max-flags N] "
				"[--max-whole-flags N] "
				"[--sample SAMPLE.tsv --labels LABELS.tsv] SET.tsv\n"
				"       test-family-kinds --wrong|--read|--missed SET.tsv\n");
		return 2;
	}
	s.fam = families_only();
	if (!s.fam || vfd_kb_new_builtin(&s.full, &err) < 0) {
		fprintf(stderr, "test-family-kinds: the built-in knowledge base does not load\n");
		return 1;
	}
	if (!read_set(&s, set, mode)) {
		fprintf(stderr, "test-family-kinds: cannot read '%s'\n", set);
		return 1;
	}
	if (mode != COUNT)
		goto out;
	printf("TAP version 13\n");
	result(sha256_works(), "SHA-256 gives FIPS 180-4's digest (the split rests on it)");
	result(vfd_kb_count(s.fam) > 0 && vfd_kb_count(s.fam) < vfd_kb_count(s.full),
	       "the families alone: %zu of %zu entries", vfd_kb_count(s.fam),
	       vfd_kb_count(s.full));
	if (sample && !read_sample(&s, sample, labels))
		result(false, "cannot read '%s' and '%s' row by row", sample, labels);
	result(s.malformed == 0, "no malformed row (%u)", s.malformed);
	for (int part = 0; part < N_PARTS; part++) {
		char what[96];

		snprintf(what, sizeof(what), "%s part, families alone", part_names[part]);
		print_tally(what, &s.alone[part]);
		snprintf(what, sizeof(what), "%s part, whole knowledge base, family readings",
			 part_names[part]);
		print_tally(what, &s.whole[part]);
		if (sample) {
			snprintf(what, sizeof(what), "%s part, labeller B's sample, families alone",
				 part_names[part]);
			print_tally(what, &s.sample_b[part]);
		}
	}
	for (int part = 0; part < N_PARTS; part++)
		result(floor_holds(&s.alone[part], floor[part]),
		       "families alone name the label's kind on at least %.1f%% of the %s "
		       "part's problem lines they read", floor[part], part_names[part]);
	unsigned int flags = 0;

	for (int part = 0; part < N_PARTS; part++) {
		unsigned int lines, read, right;

		sums(&s.alone[part], &lines, &read, &right);
		flags += s.alone[part].read[harmless_index()];
		printf("# %s part, families alone, recall by program: lines read\n",
		       part_names[part]);
		for (int n = 0; n < N_PROGRAMS && program_names[n]; n++)
			if (s.by_program[part][n][0])
				printf("#   %-10s %5u %5u\n", program_names[n],
				       s.by_program[part][n][0], s.by_program[part][n][1]);
		result(lines > 0 && pct(read, lines) >= recall[part],
		       "families alone read %u of the %s part's %u problem lines (%.1f%%, "
		       "floor %.1f%%)", read, part_names[part], lines, pct(read, lines),
		       recall[part]);
	}
	result(max_flags < 0 || flags <= (unsigned long)max_flags,
	       "families alone call %u harmless lines a problem (at most %ld)", flags, max_flags);
	result(max_whole_flags < 0 || s.whole_flags <= (unsigned long)max_whole_flags,
	       "the whole knowledge base calls %u harmless lines a problem (at most %ld)",
	       s.whole_flags, max_whole_flags);
	printf("1..%u\n", n_test);
out:
	vfd_explain_free(s.ex);
	vfd_kb_free(s.fam);
	vfd_kb_free(s.full);
	return mode != COUNT ? 0 : n_failed ? 1 : 0;
}
