/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * persist's plan, shared by its files (internal to lib/change), in layers
 * that call only downwards (tools/check-structure: no cycle between files):
 *   persist.c          the plan: the record, the files to give back, leftovers;
 *                      walks the table of targets
 *   persist-apply.c    writing the plan, and putting it back when a write fails
 *   persist-targets.c  the table of targets (one entry per kind of
 *                      configuration, with its files) and the initramfs side
 *   persist-cmdline.c  the targets that hold the kernel command line
 *   persist-devices.c  which devices are persisted, and whether they may be
 *   persist-render.c   the texts persist writes, and what is left to the user
 *   persist-work.c     below them all: problems, reading files, settling a
 *                      file's change, token records
 * The pure editors these call are declared in persist.h.
 */
#ifndef VFD_PERSIST_PLAN_H
#define VFD_PERSIST_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"
#include "persist.h"
#include "platform.h"
#include "select.h"

#define STATE_PATH "etc/vfio-doctor/persist.state"
#define RULE_PATH "etc/udev/rules.d/60-vfio-doctor.rules"
#define HOOK_PATH "etc/initramfs-tools/hooks/vfio-doctor"
#define DRACUT_PATH "etc/dracut.conf.d/vfio-doctor.conf"
#define MODPROBE_PATH "etc/modprobe.d/vfio.conf"
#define ITMODULES_PATH "etc/initramfs-tools/modules"
#define MKINITCPIO_PATH "etc/mkinitcpio.conf"
#define BOOSTER_PATH "etc/booster.yaml"
#define GRUB_PATH "etc/default/grub"
#define KCMDLINE_PATH "etc/kernel/cmdline"
#define BAK_SUFFIX ".vfio-doctor.bak"
#define MAX_FILE (1u << 20)

#define GRUB_KEY "GRUB_CMDLINE_LINUX_DEFAULT"
#define GRUB_KEY_ALL "GRUB_CMDLINE_LINUX"
#define ENTRY_KEY "options"
#define WRITTEN_BY "# Written by vfio-doctor persist; remove with: vfio-doctor persist --undo\n"
#define KCMDLINE_KEY "-"

/*
 * Loaded early in every initramfs: the IOMMU backend with vfio-pci. Never
 * vfio_virqfd: before 6.2 it is a module vfio_pci depends on, which every
 * generator adds by itself (modules.dep), and since 6.2 it is part of vfio
 * ("vfio: Fold vfd_virqfd.ko into vfio.ko"), where naming it breaks mkinitcpio
 * and dracut builds.
 */
extern const char *const persist_vfio_modules[];

/* ------------------------------------------------------------- work */

struct work {
	struct vfd_host *host;
	struct vfd_root *root;
	struct vfd_persist_plan *plan;
	const struct vfd_persist_opts *opts;
	struct pstate old, now;
	struct vfd_system sys;
	/* the generator and the command line holder whose files persist writes */
	enum vfd_initramfs initramfs;
	enum vfd_kargs kargs;
	struct vfd_modules *mods;
	bool vfio_builtin;
	/* the command line words persist wants, and why (persist-cmdline.c) */
	struct strv_builder cmd_want;
	char *cmd_want_why;
	/* the command line words the edits added and removed, or a tool must (describe) */
	struct strv_builder cmd_added, cmd_removed;
	char *cmd_why;
	bool any_address, any_id;
	struct strv_builder visited;	/* files this run decided about */
	bool initramfs_changed, boot_changed;
	size_t cleanups;	/* changes that only clear what an interrupted run left */
	int err;		/* the first allocation failure */
};

/* ---------------------------------------------------------- targets */

enum file_kind { FK_OWNED, FK_BLOCK, FK_TOKENS, FK_STATE };

/*
 * A token editor: @add put in, @remove taken out of the words that @key
 * names in the text; @added and @removed say what it really did (caller
 * frees). The editors of persist.h behind one signature.
 */
typedef int (*token_editor)(const char *text, size_t len, const char *key,
			    const char *const *add, const char *const *remove, char **out,
			    size_t *out_len, char ***added, char ***removed,
			    struct vfd_parse_error *err);

struct token_key {
	const char *key;	/* NULL ends a list */
	token_editor edit;
};

/*
 * One file persist writes. A '*' in @path matches within one path component
 * (fnmatch(3) FNM_PATHNAME), for families of drop-in files.
 */
struct persist_file {
	const char *path;	/* relative to the root; NULL ends a list */
	enum file_kind kind;	/* how persist writes it, and gives it back */
	const struct token_key *keys;	/* FK_TOKENS: the words persist edits there */
	bool cmdline;		/* it holds the kernel command line: a boot change */
};

/*
 * One kind of configuration persist writes (a udev rule, modprobe.d, an
 * initramfs generator, a boot loader's command line), as pciutils' access
 * methods are one struct pci_methods each: the plan walks the table and asks
 * each target whether this host uses it, instead of a chain of cases.
 */
struct persist_target {
	const struct persist_file *files;	/* ends with a NULL path */
	/* whether this host reads it (NULL: every host persist writes files on) */
	bool (*used)(struct work *w);
	/* decide its files' content for the devices in w->now */
	void (*plan)(struct work *w);
};

/* ----------------------------------------------- persist-targets.c */

/* the table, NULL-terminated: the one list of the files persist writes */
extern const struct persist_target *const persist_targets[];
/* the file of the table @path is (NULL: none; persist.state is none of them) */
const struct persist_file *persist_file_of(const char *path);
/* FK_STATE for a path outside the table */
enum file_kind persist_file_kind(const char *path);

/* ----------------------------------------------- persist-cmdline.c */

extern const struct persist_target persist_target_grub, persist_target_kcmdline,
	persist_target_entries;
/* the command line words persist wants (w->cmd_want); false after ENOMEM */
bool persist_cmdline_wants(struct work *w);
/* no file holds the command line here: the words for the user, or for the tool that keeps it */
void persist_cmdline_by_hand(struct work *w);

/* -------------------------------------------------- persist-work.c */

/* the file of @files (NULL-path-terminated) that @path is, or NULL */
const struct persist_file *persist_file_match(const struct persist_file *files,
					      const char *path);
/* the editor of @key in @f, NULL when persist edits no such words there */
token_editor persist_file_editor(const struct persist_file *f, const char *key);

/* one of the plan's problems (layer "persist"); NULL on ENOMEM */
struct vfd_finding *persist_problem(struct work *w, const char *id, enum vfd_status status,
				    const char *device, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* a file that could not be read or understood: a failure naming it */
void persist_problem_edit(struct work *w, const char *path, const struct vfd_parse_error *e, int r);
void persist_visit(struct work *w, const char *path);
/* whether this run decided about @path already */
bool persist_visited(const struct work *w, const char *path);
/* a file below the root: 1 read, 0 missing, or -errno; *@mode when not NULL */
int persist_read(struct vfd_root *root, const char *path, char **text, size_t *len,
		 unsigned int *mode);
/* PATH.vfio-doctor.bak (caller frees), NULL on ENOMEM */
char *persist_bak_path(const char *path);
/*
 * One change of the plan: @path from @old (when @existed) to @new (NULL:
 * removed), its backup and the backup's removal. @f is the path's file of
 * the table (NULL for persist's own: the record, backups, temporaries).
 * Takes @old and @new on success.
 */
int persist_add_change(struct work *w, const struct persist_file *f, const char *path, char *old,
		       size_t oldlen, bool existed, char *new, size_t newlen, unsigned int mode,
		       bool backup, bool drop_backup, const char *why);
/*
 * Did a run stop between the backup of @path and its write? Then the file
 * still holds what the backup holds, byte for byte.
 */
bool persist_never_written(struct work *w, const char *path, const char *text, size_t len);
/*
 * The end of one file's decision: @new (NULL: the file should not exist) from
 * @old. Records the change and what the state says of the file afterwards;
 * @releasing when persist gives the file back (the record drops it). @f as
 * for persist_add_change. Takes @old and @new.
 */
void persist_settle_any(struct work *w, const struct persist_file *f, const char *path,
			bool existed, char *old, size_t oldlen, unsigned int oldmode, char *new,
			size_t newlen, unsigned int newmode, const char *why, bool releasing);
void persist_settle(struct work *w, const struct persist_file *f, const char *path, bool existed,
		    char *old, size_t oldlen, unsigned int oldmode, char *new, size_t newlen,
		    unsigned int newmode, const char *why);
/* keep a file out of this run: its state stays as it was */
void persist_keep(struct work *w, const char *path);
/* qsort comparison of two strings */
int persist_str_cmp(const void *a, const void *b);
/* add @s to the NULL-terminated list *@v unless it is there (allocation failure: left out) */
void persist_strv_add_unique(char ***v, const char *s);

/*
 * Edit the tokens of (@path, @key) with @ed: persist wants @want there and
 * the words of @user_remove gone. Tokens it added before and wants no more
 * go too. Moves the records into the new state; *@did_add and *@did_remove
 * (may be NULL) say what the editor did.
 */
int persist_edit_tokens(struct work *w, const char *path, const char *key, token_editor ed,
			const char *text, size_t len, const char *const *want,
			const char *const *user_remove, char **out, size_t *out_len,
			char ***did_add, char ***did_remove, struct vfd_parse_error *err);
/* drop every token record of @path from @s */
void persist_forget_tokens(struct pstate *s, const char *path);
/* the words of @v, @sep between them */
void persist_join(struct tbuf *b, char **v, const char *sep);
/* @m into @b unless a module of that name is there ('-' and '_' alike) */
void persist_add_module(struct strv_builder *b, const char *m);

/* ----------------------------------------------- persist-devices.c */

/* whether the devices of @sel may be persisted: problems, and plan->refused */
int persist_judge_devices(struct work *w, const struct vfd_selection *sel);
/* the devices of @sel into w->now, with the modules vfio-pci must load before */
int persist_take_devices(struct work *w, const struct vfd_selection *sel);
/* --by-id takes every device with the IDs: name the ones not meant */
void persist_warn_shared(struct work *w);
/* --undo DEVICE...: the recorded devices an argument of @sel (parsed) names leave w->now */
void persist_drop_devices(struct work *w, const struct vfd_selection *sel);

/* ------------------------------------------------ persist-render.c */

/* the udev rule line for one device, ending in a newline */
void persist_rule_line(struct tbuf *b, const char *slot);
/* the udev rule file for the devices of @s bound by address (caller frees) */
char *persist_render_rule(const struct pstate *s);
/* initramfs-tools' hook that copies the rule into the initramfs */
extern const char persist_hook_text[];
/* dracut's drop-in: the modules (@mods) and the rule (@rule) in the initramfs */
char *persist_render_dracut(bool mods, bool rule);
/* plan->devices and plan->commands: what was set up and what is left to run */
void persist_describe(struct work *w);
/* NixOS and Unraid: the setup as lines for the user to put in place */
void persist_print_only(struct work *w);
/* bootc: the kernel arguments and modules belong in the image */
void persist_bootc_steps(struct work *w);
/* --undo where a tool keeps the command line: name the words it keeps */
void persist_tool_undo_note(struct work *w);

#endif
