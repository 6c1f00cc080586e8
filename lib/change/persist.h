/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure editors behind `persist`: each takes a file's text and returns the
 * new text, or an error saying where the file could not be understood. No
 * file access here: the plan's files read, plan and write (persist-plan.h).
 * Texts are (buffer, length) pairs and may hold anything, NUL bytes
 * included; outputs are NUL-terminated for convenience (caller frees).
 */
#ifndef VFD_PERSIST_H
#define VFD_PERSIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "vfd-root.h"

/* ------------------------------------------------------------ edit.c */

/* the line ending a text uses: "\r\n" when its first line ends so, else "\n" */
const char *text_eol(const char *text, size_t len);
/*
 * How many line endings must come before a line appended to @text so that it
 * starts a line of its own: one when the last line has no newline, one more
 * when the last line ends in a backslash that continues it onto the next (the
 * shell and modprobe.d both join such lines; an empty line ends the join).
 */
unsigned int text_eols_before_append(const char *text, size_t len);
/* FNV-1a 64 of the text, as the state file records it */
uint64_t text_hash(const char *text, size_t len);

/* One replacement of a text: bytes [start, end) become @with. */
struct splice {
	size_t start, end;
	char *with;		/* owned */
};

struct splices {
	struct splice *v;
	size_t n;
	bool oom;
};

void splices_add(struct splices *s, size_t start, size_t end, const char *with);
/* the text with every splice applied (they must not overlap); caller frees */
char *splices_apply(struct splices *s, const char *text, size_t len, size_t *out_len);
void splices_clear(struct splices *s);

/*
 * Marked blocks: lines persist owns inside a file others own too, between
 *   # BEGIN vfio-doctor persist (remove with: vfio-doctor persist --undo)
 *   # END vfio-doctor persist
 * comment lines (every format edited this way takes '#' comments).
 */
#define BLOCK_BEGIN "# BEGIN vfio-doctor persist"
#define BLOCK_END "# END vfio-doctor persist"

/*
 * block_find - where the block is: [*start, *end) covers both marker lines and
 * their line endings. Returns 1 found, 0 none, -EINVAL for a BEGIN without
 * END, an END without BEGIN, or a second block (@err says which line).
 */
int block_find(const char *text, size_t len, size_t *start, size_t *end,
	       struct vfd_parse_error *err);
/*
 * block_set - the text with the block holding @lines (NULL-terminated, no line
 * endings; written with the file's own), replacing an existing block in
 * place or appended at the end. An empty or NULL @lines removes the block.
 * Returns 0 with *out (caller frees), -EINVAL as block_find, -ENOMEM.
 */
int block_set(const char *text, size_t len, const char *const *lines, char **out,
	      size_t *out_len, struct vfd_parse_error *err);

/* ----------------------------------------------------------- shell.c */

/*
 * Just enough of the POSIX shell grammar to edit KEY=VALUE and KEY=(...)
 * files (/etc/default/grub, mkinitcpio.conf) without running them.
 */

/* one character of a value after quote removal, and where it came from */
struct shchar {
	char c;
	size_t raw;		/* offset in the file */
	size_t rawlen;		/* 1, or 2 for an escaped character */
	char quote;		/* 0, '\'' or '"' */
};

/* a whitespace-separated word inside a value, or one element of an array */
struct shword {
	char *text;		/* unquoted */
	size_t start, end;	/* raw bytes [start, end) */
	bool plain;		/* the raw bytes are the text: it can be cut out alone */
};

struct shvalue {
	size_t start, end;	/* raw bytes of the value (quotes included) */
	unsigned int line;	/* where the assignment starts */
	bool array;		/* NAME=(...) */
	size_t open, close;	/* array: the '(' and ')'; scalar ending in a quote: that
				   segment's opening and closing quote */
	bool quoted_end;	/* scalar: the value ends with a closing quote */
	struct shword *words;	/* scalar: words of the unquoted value; array: elements */
	size_t nwords;
};

/*
 * sh_find_assign - the last assignment of @name at the start of a line
 * ("export NAME=" too), its value parsed strictly: command substitution and
 * parameter expansion are errors, since what they give is unknown. Other
 * lines are skipped, their quotes followed so that a value spanning lines is
 * not read as assignments. Returns 1 with @v filled (free with
 * sh_value_clear), 0 when there is none, -EINVAL with @err, -ENOMEM.
 */
int sh_find_assign(const char *text, size_t len, const char *name, struct shvalue *v,
		   struct vfd_parse_error *err);
/*
 * The words of the last assignment of @var (a plain variable or an array),
 * unquoted; caller frees. -ENOENT when there is none.
 */
int sh_get_words(const char *text, size_t len, const char *var, char ***words,
		 struct vfd_parse_error *err);
void sh_value_clear(struct shvalue *v);
/* a literal written inside double quotes: \ " $ ` escaped (caller frees) */
char *sh_dquote_escape(const char *s);
/*
 * Where to cut to remove words of @v marked in @drop (one bool per word),
 * taking one adjacent run of blanks with each so no double space is left.
 * Adds the ranges to @sp. Every dropped word must be plain.
 */
void sh_cut_words(const char *text, size_t vstart, size_t vend, const struct shword *words,
		  size_t n, const bool *drop, struct splices *sp);

/* ------------------------------------------------------------ grub.c */

/*
 * Kernel command line edits. A token to add is left out when the line already
 * has it: the same word, or for KEY=VALUE a KEY= whose comma-separated value
 * holds VALUE (intel_iommu=on,igfx_off has intel_iommu=on). A token to remove
 * is every word equal to it. @added and @removed (NULL-terminated, may be
 * NULL) say what was really done (caller frees with vfd_strv_free).
 */
struct cmdline_edit {
	const char *const *add;
	const char *const *remove;
	bool to_all;		/* grub_edit: add to GRUB_CMDLINE_LINUX (grubby's variable) */
};

/*
 * grub_edit - /etc/default/grub: looks at GRUB_CMDLINE_LINUX and
 * GRUB_CMDLINE_LINUX_DEFAULT (the last assignment of each, as the shell
 * would), removes from both, adds to GRUB_CMDLINE_LINUX_DEFAULT, or with
 * @edit->to_all to GRUB_CMDLINE_LINUX (a new line when the file has none). Only the words concerned change: quoting, comments,
 * continuation lines and the other lines are kept. A value the tool cannot
 * know without running the shell ($VAR, `cmd`), an unterminated quote, or a
 * word to remove that is quoted in parts is an error: -EINVAL with @err.
 * Returns 0 with *out (caller frees), -EINVAL, -ENOMEM.
 */
int grub_edit(const char *text, size_t len, const struct cmdline_edit *edit, char **out,
	      size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err);

/*
 * kcmdline_edit - /etc/kernel/cmdline (kernel-install, systemd-boot): the
 * whole file is one command line, double quotes group as for the kernel.
 * Tokens are added after the last word (keeping the line ending), or make the
 * line of an empty file. Returns as grub_edit.
 */
int kcmdline_edit(const char *text, size_t len, const struct cmdline_edit *edit, char **out,
		  size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err);

/*
 * entry_options_edit - a systemd-boot loader entry (Boot Loader Specification
 * type #1): removes from every "options" line, adds after the last kept word
 * of the last one (a new "options" line when there is none). Other lines are
 * kept byte for byte. Returns as grub_edit.
 */
int entry_options_edit(const char *text, size_t len, const struct cmdline_edit *edit,
		       char **out, size_t *out_len, char ***added, char ***removed,
		       struct vfd_parse_error *err);

/* ------------------------------------------------------- modprobe.c */

/* what the modprobe.d files already say, outside persist's own block */
struct modprobe_info {
	char **softdeps;	/* modules with a softdep line ('_' form) */
	char **softdeps_vfio;	/* ... of which the pre: list has vfio-pci */
	char **vfio_ids;	/* the ids= of "options vfio-pci" / "options vfio_pci" */
};

/*
 * modprobe_parse - read one modprobe.d file (modprobe.d(5): '#' comments,
 * backslash continuation lines) into @info, adding to what it holds. Lines
 * inside persist's block are skipped. Returns 0, -EINVAL for a broken block,
 * -ENOMEM.
 */
int modprobe_parse(const char *text, size_t len, struct modprobe_info *info,
		   struct vfd_parse_error *err);
void modprobe_info_clear(struct modprobe_info *info);
/* "nouveau" and "vfio-pci" are one name to modprobe: '-' and '_' alike */
bool module_name_eq(const char *a, const char *b);

/* ------------------------------------------------------ initramfs.c */

/* the module names of an initramfs-tools modules file (first word of each line) */
int modules_file_names(const char *text, size_t len, char ***names);

/*
 * shell_array_edit - one array of a bash configuration file (mkinitcpio.conf:
 * MODULES=(...), FILES=(...), HOOKS=(...); the old string form MODULES="..."
 * too): @prepend words are put first, @append words last, @remove words
 * taken out; words already there are not added again (module names compare
 * with '-' and '_' alike when @modules). The last assignment is the one
 * edited; a file without one gets a new line. Errors as grub_edit.
 */
struct array_edit {
	const char *name;
	const char *const *prepend;
	const char *const *append;
	const char *const *remove;
	bool modules;
};

int shell_array_edit(const char *text, size_t len, const struct array_edit *edit, char **out,
		     size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err);

/* --------------------------------------------------- persist-state.c */

/* what /etc/vfio-doctor/persist.state holds (the format is in persist-state.c) */
struct pdev {
	char slot[16];
	bool by_id;
	uint16_t vendor, device;
	char **mods;		/* host driver modules that get a softdep */
};

struct pfile {
	char *path;		/* relative to the root */
	bool created;		/* persist made it: give it back by removing it */
	bool hash_ok;		/* hash is what persist left there */
	uint64_t hash;
};

struct ptoken {
	char *path, *key, *token;
	bool added;		/* '+' persist added it, '-' persist removed it */
};

struct pstate {
	struct pdev *devs;
	size_t ndevs;
	struct pfile *files;
	size_t nfiles;
	struct ptoken *toks;
	size_t ntoks;
	bool oom;
};

void pstate_clear(struct pstate *s);
/* the entry of @slot, or NULL */
struct pdev *pstate_dev(struct pstate *s, const char *slot);
/* a new entry for @slot (or the existing one, its modules dropped); NULL on ENOMEM */
struct pdev *pstate_add_dev(struct pstate *s, const char *slot);
void pstate_drop_dev(struct pstate *s, size_t index);
struct pfile *pstate_file(struct pstate *s, const char *path);
/* add or update; allocation failures set s->oom */
void pstate_add_file(struct pstate *s, const char *path, bool created, bool hash_ok,
		     uint64_t hash);
void pstate_add_token(struct pstate *s, const char *path, const char *key, const char *token,
		      bool added);
/* the words of (@path, @key) persist added (@added) or removed: a new list, NULL on ENOMEM */
char **pstate_tokens(const struct pstate *s, const char *path, const char *key, bool added);
/* every token record of @path from @from into @to */
void pstate_copy_tokens(struct pstate *to, const struct pstate *from, const char *path);
/*
 * pstate_parse - read the state file into @s (adding to it). Returns 0,
 * -EINVAL with *@line for a line that is not what persist writes, -ENOMEM.
 */
int pstate_parse(const char *text, size_t len, struct pstate *s, unsigned int *line);
/* the state file's text (caller frees), NULL on ENOMEM */
char *pstate_render(const struct pstate *s);

/* ------------------------------------------------------------ diff.c */

/*
 * unified_diff - the change from @a to @b as a unified diff with three lines
 * of context, headed "--- @a_name" / "+++ @b_name" (NULL names: /dev/null).
 * Empty string when the texts are equal; NULL on ENOMEM.
 */
char *unified_diff(const char *a_name, const char *a, size_t alen, const char *b_name,
		   const char *b, size_t blen);

#endif
