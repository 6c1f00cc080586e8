/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The knowledge base of log messages (data/kb/NN-NAME.kb joined, compiled in),
 * inside libvfd: the compiler from message patterns to small programs and the
 * VM that runs them (kb-pattern.c), the parser of the stanza format that
 * builds a struct vfd_kb (kb-parse.c), the matcher of one log line
 * (kb-match.c) and the reader of a line that systemd cut short (kb-cut.c).
 * Calls go one way: match and parse use pattern, cut uses match and pattern.
 *
 * Matching costs time linear in the line: one pass over the line's 4-byte
 * windows (kb-prefilter.c) finds the gate words it holds, then the other
 * literal words of the patterns those gates lead to, and only the patterns
 * all of whose words occur in it run, as a Pike VM (every thread advances
 * one character at a time in lockstep; threads in the same state merge, so
 * nothing ever backtracks). The same pass finds the words that the
 * classifier of lines the knowledge base does not know looks for
 * (explain-unknown.c). The VM's work on one line is capped (KB_STEP_BUDGET):
 * a line that reaches the cap is reported as not fully examined. Patterns are
 * unanchored: the log prefixes in front of a message (timestamps, host names,
 * "kernel:", QEMU's "-device ...:", libvirt's wrapping) are simply skipped.
 */
#ifndef VFD_KB_INTERNAL_H
#define VFD_KB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* capture slots: two per placeholder, then the start and end of the whole match */
#define CAP_N		(2 * VFD_KB_MAX_VALUES + 2)
#define CAP_START	(2 * VFD_KB_MAX_VALUES)

/* ------------------------------------------------------------ classes */

enum cls {
	C_BLANK, C_DIGIT, C_HEX, C_OCT, C_WORD, C_PROCESS, C_PATH, C_ANY, C_UPPER,
	C_PHRASE, C_SLOTCH, C_ALNUM, C_SLOTHEX, C_SLOTFN, C_ANGLE,
};
#define C_LAST	C_ANGLE

/*
 * a digit a poster wrote over an address to hide it, or a guide's stand-in
 * for one ("0000:0X:00.0", "0000:xx:00.0", "XX:XX.X", "NN:NN.N")
 */
static inline bool is_slot_placeholder(unsigned char c)
{
	return c == 'X' || c == 'x' || c == 'Y' || c == 'y' || c == 'Z' || c == 'z' ||
	       c == 'N' || c == 'n' || c == '#';
}

static inline bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static inline bool in_class(enum cls k, unsigned char c)
{
	switch (k) {
	case C_BLANK:
		return c == ' ' || c == '\t';
	case C_DIGIT:
		return is_digit(c);
	case C_HEX:
		return is_hex(c);
	case C_OCT:
		return c >= '0' && c <= '7';
	case C_WORD:
		return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
	case C_PROCESS:
		/* a command name: anything printable but the quotes around it */
		return (c > ' ' && c != 0x7f && c != '"' && c != '(' && c != ')' && c != ':');
	case C_PATH:
		return c > ' ' && c != 0x7f && c != '\'' && c != '"';
	case C_ANY:
		return c != '\n';
	case C_UPPER:
		return c >= 'A' && c <= 'Z';
	case C_PHRASE:
		/* the words of strerror(): "Input/output error", "Read-only file system" */
		return is_alpha(c) || c == ' ' || c == '/' || c == '-' || c == '\'';
	case C_SLOTCH:
		return is_hex(c) || c == ':' || c == '.';
	case C_ALNUM:
		return is_alpha(c) || is_digit(c);
	case C_SLOTHEX:
		return is_hex(c) || is_slot_placeholder(c);
	case C_SLOTFN:
		return (c >= '0' && c <= '7') || is_slot_placeholder(c);
	case C_ANGLE:
		/* a guide's "<BDF>", "<PCI address>", "<domain:bus:slot.fn>" */
		return is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' ||
		       c == ':' || c == ' ';
	}
	return false;
}

/* ------------------------------------------------------------ programs */

enum op { I_CHAR, I_CLASS, I_SPLIT, I_JMP, I_SAVE, I_NOTPREV, I_NOTNEXT, I_MATCH };

struct inst {
	uint8_t op;
	uint8_t arg;		/* I_CHAR: lower-case byte; I_CLASS, I_NOT*: class; I_SAVE: slot */
	uint16_t x, y;		/* I_SPLIT: x is tried first; I_JMP: x; I_CHAR: y below */
};
/* I_CHAR's y: a byte of a placeholder's shape (the ':' of a slot), not the
   pattern's literal text (kb-cut.c counts only that) */
#define PLACEHOLDER_CHAR	1

struct kb_pattern {
	struct inst *prog;		/* NULL until the pattern is first run (kb_pattern_load) */
	/* with stamp_match and the program built: the bytes the text after a
	   stamp may start with for such a match (256 bits; NULL: any) */
	uint64_t *stamp_next;
	/*
	 * the sizes below fit the limits (PATTERN_MAX, a program of 65535
	 * instructions, a file of KB_MAX_SIZE) and the bytes a match can
	 * start with are the built program's (kb_pattern_first): 64 bytes a
	 * pattern, where they and size_t fields made 152 (a fifth of a large
	 * knowledge base's memory)
	 */
	uint32_t n_prog, cap;
	uint32_t entry;			/* index into kb->entries */
	uint32_t index;			/* which match: line of its entry */
	uint16_t literal_chars;		/* how specific the pattern is */
	/*
	 * the prefilter's keys: the literal words of three characters or more
	 * (see keep_word), each NUL-terminated, one after another in the
	 * compiler's @words (the caller's buffer, handed to the prefilter)
	 */
	uint16_t keyword_len;
	uint16_t longest;		/* the longest literal word */
	char lead[8];			/* the literal text a match starts with, lower case */
	uint8_t n_values;
	uint8_t types[VFD_KB_MAX_VALUES];
	uint8_t n_words;
	uint8_t lead_len;
	/*
	 * a try may start inside a dmesg time stamp (by the lead: its steps
	 * then depend on the stamp), and a match may (known once the program
	 * is built; until then as the first): kb-stamp.h
	 */
	bool stamp_try, stamp_match;
};

/*
 * after a built program's n_prog instructions (one allocation, kb-pattern.c
 * kb_pattern_load): per instruction its literal byte (0 for other
 * instructions) and, n_prog + 8 bytes on, 0x20 where that byte is a letter
 * (a line's byte b is then lower(b) == lit exactly when (b | fold) == lit),
 * each with eight zero bytes after the last, so that a run of literals is
 * compared eight bytes at a time
 */
static inline const unsigned char *kb_pattern_lits(const struct kb_pattern *p)
{
	return (const unsigned char *)(p->prog + p->n_prog);
}

/*
 * after the literals, at the next multiple of eight bytes (kb_pattern_load
 * makes room): the bytes a match of @p can start with, a bit each (256)
 */
static inline size_t kb_pattern_first_at(size_t n_prog)
{
	return (n_prog * sizeof(struct inst) + 2 * (n_prog + 8) + 7) & ~(size_t)7;
}

static inline const uint64_t *kb_pattern_first(const struct kb_pattern *p)
{
	return (const uint64_t *)(const void *)((const unsigned char *)p->prog +
						 kb_pattern_first_at(p->n_prog));
}

struct thread {
	uint16_t pc;
	uint16_t cap[CAP_N];	/* offsets: lines are matched on at most 65535 bytes */
};

/* a choice left for later by the backtracking matcher (kb-pattern.c) */
struct choice {
	uint16_t pc, pos;
	uint16_t low;		/* a run of choices: pos, pos - 1 ... low */
	uint16_t cap[CAP_N];
};
#define KB_CHOICES	4096	/* more pending choices: the Pike VM takes the line */

struct vfd_kb {
	struct vfd_kb_entry *entries;
	/*
	 * the knowledge base's file, its values ended in place: the entries'
	 * texts (kb-parse.c: every value, but checks' finding ids)
	 */
	char *text;
	size_t text_map_len;		/* a mapping of that many bytes (munmap); 0: malloc()ed */
	size_t n_entries, cap_entries;
	struct kb_pattern *patterns;
	size_t n_patterns, cap_patterns;

	/* the entries by id (open addressing): entry index + 1, 0 empty */
	uint32_t *id_index;
	size_t id_index_size;		/* a power of two */

	/* the words of all patterns and of the classifier of unknown lines */
	struct kb_prefilter *prefilter;
	/*
	 * the readings of lines already read, by their text (kb-cache.h; NULL:
	 * none); with stamp_blind, the text after a dmesg time stamp, which no
	 * word of the prefilter or of the kinds can start in (kb-stamp.h)
	 */
	struct kb_cache *cache;
	/* the patterns' words and scratch for lines cut short (kb-cut.c), made at the first */
	struct kb_cut_index *cut_index;
	void (*cut_index_free)(struct kb_cut_index *ix);	/* set with it (no call back into kb-cut.c) */
	uint64_t *join_grams;		/* the patterns' literal 4-grams, hashed (kb-join.c) */
	bool stamp_blind;
	uint32_t lines_read;		/* up to KB_CACHE_AFTER, when the cache is made */
	/* the most steps the patterns with a word a stamp may hold can take
	   on a line: fixed + per_byte x its length (kb-match.c stamp_check) */
	uint64_t stamp_steps_fixed, stamp_steps_per_byte;

	/* scratch for matching: not thread-safe, one line at a time */
	size_t *cands;
	uint64_t *cand_keys;		/* their order, for the sort (kb-match.c) */
	uint32_t steps;			/* VM steps left for this line */
	struct thread *tl[2];
	struct choice *choices;		/* KB_CHOICES of them */
	uint32_t *mark;			/* per pc: list generation */
	uint32_t gen;
	size_t max_prog;
	/* per byte: bit k set when in_class(k, byte), for the matcher's steps */
	uint16_t class_of[256];
};

static inline bool kb_in_class(const struct vfd_kb *kb, uint8_t k, unsigned char c)
{
	return kb->class_of[c] >> k & 1;
}

struct kb_placeholder {
	const char *name;
	enum vfd_kb_value_type type;
	enum cls cls;		/* for runs; also the class checked before a leading one */
};

/* the placeholders of a pattern, %slot% ... %any% (kb-pattern.c) */
extern const struct kb_placeholder kb_placeholders[];
extern const size_t kb_n_placeholders;

/* kb-pattern.c */

/*
 * Check @text (the pattern of a 'match:' line @line) and fill @p, zeroed by
 * the caller: its words for the prefilter, its lead, and the size of its
 * program (n_prog), which is only built into p->prog where the caller gave a
 * buffer of that size (kb_pattern_run does so on the pattern's first run).
 * The words go into @words, the caller's buffer of PATTERN_MAX + 1 bytes
 * (the words with their NULs fit in the text's length).
 * 0, or -EINVAL with @err filled, -ENOMEM. On failure the caller frees
 * p->prog.
 */
#define PATTERN_MAX	512		/* longest pattern */
int kb_pattern_compile(struct kb_pattern *p, const char *text, char *words,
		       struct vfd_parse_error *err, unsigned int line);
/*
 * The leftmost match of @p in @line with @kb's scratch space and step budget:
 * 1 with the CAP_N capture offsets in @out, 0 none, -ENOMEM when its
 * program could not be built, -E2BIG when the line's
 * step budget ran out first.
 */
int kb_pattern_run(struct vfd_kb *kb, struct kb_pattern *p, const unsigned char *line,
		   size_t len, uint16_t *out);
/*
 * kb-match.c, for kb-cut.c: @m from @p's captures @cap in @text (the
 * values whose bit is set in @drop left out), and an entry's rank among
 * readings (wrapper 0 ... dedicated 4)
 */
void kb_match_fill(const struct vfd_kb *kb, const struct kb_pattern *p, const uint16_t *cap,
		   const char *text, uint32_t drop, struct vfd_kb_match *m);
unsigned int kb_match_rank(const struct vfd_kb_entry *e);
/* kb-match.c: make @kb's cache of readings now (else at its KB_CACHE_AFTER-th line); 0, -ENOMEM */
int kb_match_cache_open(struct vfd_kb *kb);

/* build @p's program if it is not yet (as its first run would): 0, -ENOMEM */
int kb_pattern_ready(struct vfd_kb *kb, struct kb_pattern *p);
/* the most steps of the line's budget one run of @p on @len bytes can take */
static inline uint64_t kb_pattern_max_steps(const struct kb_pattern *p, size_t len)
{
	/* per place, the VM adds at most every instruction twice and advances them */
	return 3 * (uint64_t)p->n_prog * (len + 1) + 1;
}

#endif
