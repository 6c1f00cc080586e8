/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: the knowledge base of log messages and explain. Include "vfd.h", not this file. */
#ifndef LIBVFD_KB_H
#define LIBVFD_KB_H

#include "vfd-root.h"
#include "vfd-pci.h"

/* ---------------------------------------------------- knowledge base */

/*
 * The knowledge base of log messages: data/kb/NN-NAME.kb joined, compiled in, or a
 * file given with --kb. Each entry describes one message of the kernel, QEMU,
 * libvirt or a guest: patterns that recognise it in a log line, what it
 * means, its causes (each with the check findings that confirm or rule it
 * out) and the fix. The format is documented at the top of the file.
 */
struct vfd_kb;

/* what a placeholder of a pattern captured */
enum vfd_kb_value_type {
	VFD_KB_SLOT,		/* %slot%: a PCI address, stored as DDDD:BB:DD.F */
	VFD_KB_GROUP,		/* %group%: an IOMMU group number */
	VFD_KB_ERRNO,		/* %errno%: "-22", or strerror() text */
	VFD_KB_BAR,		/* %bar%: a BAR or region number */
	VFD_KB_PROCESS,		/* %process%: a command name */
	VFD_KB_PATH,		/* %path%: a file name */
	VFD_KB_NUM,		/* %num%: any decimal number (pid, size, count) */
	VFD_KB_WORD,		/* %word%: a driver name, a hex value, one token */
	VFD_KB_ANY,		/* %any%: any text */
};

#define VFD_KB_MAX_VALUES 8

/* one condition: finding @finding has one of the statuses (bits 1 << enum vfd_status) */
struct vfd_kb_cond {
	char *finding;
	unsigned int statuses;
};

/* conditions that must all hold */
struct vfd_kb_check {
	struct vfd_kb_cond *conds;
	size_t n;
};

struct vfd_kb_cause {
	char *text;
	char *verify;			/* a manual step, may hold placeholders; or NULL */
	struct vfd_kb_check *checks;	/* any one of them confirms the cause */
	size_t n_checks;
};

struct vfd_kb_pattern_text {
	char *text;			/* the pattern as written */
	char *versions;			/* where this wording is used, or NULL */
};

/* An entry; every field is owned by the knowledge base and read-only. */
struct vfd_kb_entry {
	char *id;			/* stable, dotted: "qemu.group-not-viable" */
	char *layer;			/* kernel, qemu, libvirt, sysfs, guest, distro, xen, ... */
	char *title;			/* one line */
	char *meaning;			/* a paragraph */
	const char *kind;		/* cause kind: "iommu-off", "binding", ... (vfd_kb_kinds) */
	bool harmless;			/* looks alarming, is not */
	bool wrapper;			/* only carries another message: matched last */
	bool family;			/* covers a whole family: loses to dedicated entries */
	bool broad;			/* a family of any program (by its words): loses to
					 * the programs' own families */
	char **sources;			/* "repo:path:function", NULL-terminated */
	size_t n_sources;
	struct vfd_kb_pattern_text *patterns;
	size_t n_patterns;
	struct vfd_kb_cause *causes;
	size_t n_causes;
	char **fixes;			/* NULL-terminated, may hold placeholders */
	size_t n_fixes;
};

/*
 * vfd_kb_parse - read a knowledge base held in memory
 * @buf, @len: the text (at most 16 MiB); nothing of it is kept.
 * @err: filled with the line and a sentence on failure (may be NULL).
 * Returns: 0 with a new *out (free with vfd_kb_free), -EINVAL for a malformed
 *          file, -EFBIG for one too large, -ENOMEM.
 */
int vfd_kb_parse(const char *buf, size_t len, struct vfd_kb **out, struct vfd_parse_error *err);
/*
 * vfd_kb_parse_take - vfd_kb_parse() of a text the knowledge base takes
 * @buf: malloc()ed, @len bytes of text and room for one more; written to,
 * and freed with the knowledge base or on failure (no copy of the file)
 */
int vfd_kb_parse_take(char *buf, size_t len, struct vfd_kb **out, struct vfd_parse_error *err);
/*
 * vfd_kb_parse_take_mapped - vfd_kb_parse_take() of a text in a private,
 * writable mapping of @map_len bytes (mmap; @len bytes of text and a zero
 * byte after them), unmapped with the knowledge base or on failure
 */
int vfd_kb_parse_take_mapped(char *map, size_t len, size_t map_len, struct vfd_kb **out,
			     struct vfd_parse_error *err);
/* the compiled-in knowledge base (data/kb/NN-NAME.kb), parsed (as vfd_kb_parse) */
int vfd_kb_new_builtin(struct vfd_kb **out, struct vfd_parse_error *err);
/* the text of the compiled-in knowledge base */
const char *vfd_kb_builtin_text(size_t *len);
void vfd_kb_free(struct vfd_kb *kb);
size_t vfd_kb_count(const struct vfd_kb *kb);
/* entry @index in file order, or NULL */
const struct vfd_kb_entry *vfd_kb_entry(const struct vfd_kb *kb, size_t index);
/* the entry with this id, or NULL */
const struct vfd_kb_entry *vfd_kb_find(const struct vfd_kb *kb, const char *id);
/* position of @entry (one of @kb's) in file order */
size_t vfd_kb_entry_index(const struct vfd_kb *kb, const struct vfd_kb_entry *entry);
/* "slot", "group", ... */
const char *vfd_kb_value_name(enum vfd_kb_value_type type);
/* the cause kinds an entry's kind: may name, NULL-terminated (SPEC-15's taxonomy) */
extern const char *const vfd_kb_kinds[];
/*
 * vfd_kb_kind_of - the kind of cause of a message @msg[0..len) that @entry
 * matched: a dedicated entry's own kind; for a family entry (or a wrapper)
 * the kind of the cause the message carries (an errno whose meaning is
 * settled, "not viable", "no IOMMU": lib/logs/kb-cause.c), else the kind whose
 * words (data/kind-words.tsv, compiled in) the message holds first, else the
 * entry's kind. A static string.
 */
const char *vfd_kb_kind_of(const struct vfd_kb_entry *entry, const char *msg, size_t len);
/* 0 when the compiled-in words of the kinds are well formed, else -EINVAL */
int vfd_kb_kind_table_check(void);

struct vfd_kb_value {
	enum vfd_kb_value_type type;
	char text[96];			/* truncated when longer */
};

struct vfd_kb_match {
	const struct vfd_kb_entry *entry;
	size_t pattern;			/* which of the entry's patterns matched */
	size_t start, end;		/* the message within the line */
	size_t n_values;
	struct vfd_kb_value values[VFD_KB_MAX_VALUES];
	/* where each value of the pattern is in the line (0, 0 for one taken
	   from the prefix): kb_match_kind reads the cause they carry */
	size_t value_start[VFD_KB_MAX_VALUES], value_end[VFD_KB_MAX_VALUES];
	bool slot_from_prefix;		/* the slot value came from the line's prefix */
	/*
	 * the words of the classifier of unknown lines found in the line (bit i:
	 * its word i), for vfd_unknown_classify(); set when no entry matched (0
	 * when one did: the classifier is for the lines no entry knows)
	 */
	uint64_t hints;
	/* the line was not fully examined: longer than 64 KiB, or the matcher's
	   work limit per line ran out (a pattern may match that was not tried) */
	bool incomplete;
	/*
	 * read from a line that systemd shortened to the terminal's width (a
	 * U+2026 where text was left out): the pattern matched the text before
	 * it as the start of the message and the text after it as the end
	 * (kb-cut.c); values that lay across the cut are not given
	 */
	bool cut;
	/* the cut was the line's end, with no mark (vfd_explain_set_chopped()):
	   the pattern matched the line as the start of the message only */
	bool chopped;
	/* the cut was the line's end, where a copy put a mark ("...", "[...]",
	   "(truncated)"; kb_match_end_cut()): read from the message's start only */
	bool end_cut;
	/* read with a blank inside a word taken out (a wrapped line joined
	   back, kb_match_joined()): the line shown is the joined one */
	bool joined;
	/*
	 * internal (kb-match.c): the kind of cause kept with the cache's
	 * reading of @kind_line[0..kind_len), for kb_match_kind() on that line
	 * (NULL: none kept)
	 */
	const char *kind;
	const char *kind_line;
	size_t kind_len;
};

/*
 * vfd_kb_match - recognise one log line (without its newline)
 * Patterns may match anywhere in the line, so log prefixes need no
 * stripping. When several entries match, entries rank wrapper < broad
 * family < harmless wrapper < family < dedicated (a wrapper loses to any
 * other entry, a broad family to a program's own family and to a harmless
 * wrapper, a family entry to any dedicated one); within a rank the message
 * that starts first wins, then (between families) the one whose kind the
 * message's words confirm (between broad families that goes first), then the
 * most specific pattern (most literal characters); but a dedicated entry of
 * a cause kind that matches inside the text of a dedicated entry of a stage
 * kind (binding, config, guest-driver) wins over it. A
 * message that names no device gets the last full PCI address before it in
 * the line (the kernel's "vfio-pci 0000:01:00.0: " prefix, QEMU's host=).
 * Time is linear in @len; only the first 64 KiB are looked at. Uses scratch
 * space in @kb: one thread at a time.
 * Returns: 1 with @m filled, 0 when nothing matches, -EINVAL.
 */
int vfd_kb_match(struct vfd_kb *kb, const char *line, size_t len, struct vfd_kb_match *m);
/* the first value of @type in @m, or NULL */
const char *vfd_kb_match_value(const struct vfd_kb_match *m, enum vfd_kb_value_type type);
/*
 * vfd_kb_expand - @text (a fix or verify step) with %slot%, %group%, ... replaced
 * by the values of @m; a missing value shows as <slot>. Caller frees; NULL on ENOMEM.
 */
char *vfd_kb_expand(const char *text, const struct vfd_kb_match *m);

/* ---------------------------------------------------------- explain */

/*
 * Explaining a log: feed it line by line; matching lines are gathered into
 * distinct problems (one entry and the same identifying values: slot, group,
 * errno, BAR, process, path, word; %num% and %any% values such as pids and
 * addresses do not split problems). Memory stays bounded: at most
 * VFD_EXPLAIN_MAX_PROBLEMS problems are kept, further ones only counted.
 */
struct vfd_explain;

#define VFD_EXPLAIN_MAX_PROBLEMS 4096

enum vfd_verdict_state {
	VFD_CAUSE_UNCHECKED,	/* no check covers this cause (see its verify step) */
	VFD_CAUSE_UNKNOWN,	/* the checks it needs were skipped or did not run */
	VFD_CAUSE_HOLDS,	/* the checks confirm it on this host */
	VFD_CAUSE_RULED_OUT,	/* the checks contradict it on this host */
};

struct vfd_verdict {
	enum vfd_verdict_state state;
	char **evidence;	/* "finding (status): summary" and its evidence; NULL-terminated */
};

struct vfd_problem {
	const struct vfd_kb_entry *entry;
	const char *kind;		/* of the first line's message (vfd_kb_kind_of) */
	struct vfd_kb_match match;	/* of the first line */
	char *line;			/* the first line, at most 512 bytes */
	uint64_t count;			/* lines that matched */
	uint64_t first_lineno;		/* 1-based */
	char device[16];		/* the device checked, "" when none */
	bool diagnosed;
	char *device_note;		/* why no device was checked, or NULL */
	struct vfd_verdict *verdicts;	/* one per cause of the entry, after diagnosis */
};

/* A new accumulator using @kb (not owned; must outlive it), or NULL (ENOMEM). */
struct vfd_explain *vfd_explain_new(struct vfd_kb *kb);
void vfd_explain_free(struct vfd_explain *ex);
/*
 * vfd_explain_set_chopped - the lines to come may have lost their end with
 * no mark (a pager's "less -S" chops a line at the screen's edge): a line no
 * entry reads as it is is then read as the start of a message, where at
 * least KB_CUT_CHOP_HEAD_MIN (30) literal characters of a pattern match its
 * start (the match is marked cut). Off by default.
 */
void vfd_explain_set_chopped(struct vfd_explain *ex, bool chopped);
/*
 * vfd_explain_set_as_written - the lines to come are read as their program
 * wrote them (the journal, the kernel's buffer, a machine's log file), not as
 * a person copied them: no end cut with a mark is read as a message's start
 * and no blank is taken out of a word. Those repairs are for pasted text
 * (on by default); a machine's log pays their cost for nothing.
 */
void vfd_explain_set_as_written(struct vfd_explain *ex, bool as_written);
/*
 * vfd_explain_set_locale_dir - where the message catalogues of translated
 * programs are (default /usr/share/locale): a line no entry reads that holds
 * a byte over 0x7f is looked up in DIR/LANG/LC_MESSAGES/libvirt.mo, read
 * on the first such line (explain-translated.h). Returns 0 or -ENOMEM.
 */
int vfd_explain_set_locale_dir(struct vfd_explain *ex, const char *dir);
/*
 * vfd_explain_set_user_locale - the user's languages, whose catalogues are
 * tried before all the others are loaded: @language as LANGUAGE (a colon
 * list), @locale as the first of LC_ALL, LC_MESSAGES and LANG that is set
 * (both may be NULL; a C or POSIX locale names none). A line that none of
 * them reads is still read with every installed catalogue.
 * Returns 0 or -ENOMEM.
 */
int vfd_explain_set_user_locale(struct vfd_explain *ex, const char *language, const char *locale);
/*
 * vfd_explain_feed - one line of the log, without its newline
 * Returns: 1 a problem line, 2 a harmless line, 3 a line not understood that
 *          reports trouble about passthrough (see vfd_unknown_classify),
 *          4 an informational one, 0 a line about something else, -ENOMEM.
 */
int vfd_explain_feed(struct vfd_explain *ex, const char *line, size_t len);
/* distinct problems (harmless ones included), in order of first appearance */
size_t vfd_explain_count(const struct vfd_explain *ex);
const struct vfd_problem *vfd_explain_problem(const struct vfd_explain *ex, size_t index);
/*
 * vfd_explain_translated - the English message problem @index's first line
 * was read as (at most 512 bytes) where that line was a translation
 * (vfd_explain_set_locale_dir()), and the catalogue's language into
 * *@language; NULL (and *@language NULL) for a line read as it is
 */
const char *vfd_explain_translated(const struct vfd_explain *ex, size_t index,
				   const char **language);
/* lines fed, lines matched, and problems dropped past the limit */
void vfd_explain_stats(const struct vfd_explain *ex, uint64_t *lines, uint64_t *matched,
		       uint64_t *dropped);
/*
 * vfd_explain_diagnose - run the checks each problem's causes name
 * Runs vfd_check_run once per device involved (the slot a message names, or
 * a device of the group it names) and once for the host, and sets each
 * cause's verdict. Harmless problems are left alone.
 * Returns: 0 or -ENOMEM.
 */
int vfd_explain_diagnose(struct vfd_explain *ex, struct vfd_host *host);
/*
 * Lines the knowledge base does not know but that name passthrough things
 * (vfio, the IOMMU, DMAR, AMD-Vi, hostdev, an IOMMU group, a PCI address
 * next to a failure, DPDK's EAL, libxl, NVRM ...): kept apart, so that a log
 * is never called clean for want of an entry.
 */
struct vfd_unknown_class {
	const char *program;	/* "linux", "qemu", "libvirt", "dpdk", "xen", "nvidia",
				   "dracut", "mkinitcpio", "initramfs-tools", "proxmox",
				   "crosvm", "cloud-hypervisor", "looking-glass", or
				   "unknown"; static */
	const char *subsystem;	/* "vfio-pci", "intel-iommu (DMAR)", ...; static */
	bool problem;		/* it reports trouble (a failure, error, refusal...);
				   false: an informational line */
};

/*
 * vfd_unknown_classify - does @line, which no entry matched, name passthrough
 * things, and where does it most likely come from?
 * @hints: the hints of the line's vfd_kb_match() (the classifier's words it
 *         holds, found by the knowledge base's prefilter).
 * Returns: true with *out filled, false for a line about something else.
 */
bool vfd_unknown_classify(const char *line, size_t len, uint64_t hints,
			  struct vfd_unknown_class *out);

#define VFD_EXPLAIN_MAX_UNKNOWN 1024

/* a distinct line not understood (lines that differ only in numbers are one) */
struct vfd_unknown {
	struct vfd_unknown_class class;
	char *line;			/* the first line, at most 512 bytes */
	uint64_t count;
	uint64_t first_lineno;		/* 1-based */
};

/* distinct unknown lines kept (problems and informational ones), in order */
size_t vfd_explain_unknown_count(const struct vfd_explain *ex);
const struct vfd_unknown *vfd_explain_unknown(const struct vfd_explain *ex, size_t index);
/*
 * lines not understood that report trouble, informational ones, those past
 * VFD_EXPLAIN_MAX_UNKNOWN (counted only), and lines not fully examined
 * (longer than the matcher reads, or past its work limit per line)
 */
void vfd_explain_unknown_stats(const struct vfd_explain *ex, uint64_t *problems,
			       uint64_t *info, uint64_t *dropped, uint64_t *incomplete);

/* "not checked", "unknown", "holds", "ruled out" */
const char *vfd_verdict_name(enum vfd_verdict_state state);
/*
 * true when @text looks like a message about passthrough: vfio, the IOMMU
 * (DMAR, AMD-Vi), interrupt remapping, KVM, VGA arbitration, PCIe ports and
 * AER (for `watch`; lines the knowledge base matches count too)
 */
bool vfd_explain_is_relevant(const char *text);

#endif
