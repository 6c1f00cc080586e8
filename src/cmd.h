/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The subcommand interface: each cmd-*.c provides one run function. */
#ifndef VFD_CMD_H
#define VFD_CMD_H

#include <stdbool.h>

#include "select.h"
#include "vfd.h"

/* exit statuses, documented in the man page */
#define EXIT_CLEAN 0	/* nothing to report */
#define EXIT_WARN 1	/* warnings */
#define EXIT_TROUBLE 2	/* failures, bad usage, or the tool could not do its job */

struct cmd_ctx {
	const char *sysroot;	/* --sysroot DIR, or NULL for the live host */
};

/*
 * The global options, accepted before the command and after it: each
 * command's getopt table ends with CMD_GLOBAL_LONGOPTS, its short options
 * with CMD_GLOBAL_SHORTOPTS, and its default case calls cmd_unknown_option().
 */
enum { OPT_GLOBAL_SYSROOT = 0x1000, OPT_GLOBAL_COLOR };
#define CMD_GLOBAL_LONGOPTS \
	{ "sysroot", required_argument, NULL, OPT_GLOBAL_SYSROOT }, \
	{ "color", optional_argument, NULL, OPT_GLOBAL_COLOR }
#define CMD_GLOBAL_SHORTOPTS "s:"
/* take a global option: 1 taken, 0 not one, -1 bad value (one error line printed) */
int cmd_global_option(int opt, const char *arg);
/*
 * The default case of a command's getopt loop: 0 when @opt was a global
 * option (go on), else EXIT_TROUBLE after the "Try ... --help" line for @cmd
 * ("check ", with its space).
 */
int cmd_unknown_option(int opt, const char *arg, const char *cmd);

/*
 * A letter this command gave another meaning before the grammar was made one
 * (-o FILE, -n dry run, -u undo...): one line saying what to type now, and
 * EXIT_TROUBLE, so that an old script stops instead of doing something else.
 */
int cmd_retired_letter(char letter, const char *now);

/* open the root and scan the host; print one error line and return NULL on failure */
struct vfd_host *cmd_open_host(const struct cmd_ctx *ctx);
/* vfd_root_new() whose warnings (a file refused as not regular) reach stderr */
struct vfd_root *cmd_root_new(const char *dir);
/* one line naming a device argument of the wrong form, with the forms expected */
void cmd_bad_device(const char *arg);
/*
 * The device arguments argv[first..argc) of a command, parsed once (before
 * the host is read) into @sel; false after one cmd_select_error() line.
 */
bool cmd_devices_parse(int argc, char **argv, int first, struct vfd_selection *sel);
/* resolve @sel on @host (vfd_selection_resolve); false after one cmd_select_error() line */
bool cmd_devices_resolve(struct vfd_host *host, struct vfd_selection *sel, enum vfd_expand expand);
/* the one line for a failed vfd_select(), vfd_selection_parse() or _resolve(): names the argument */
void cmd_select_error(const struct vfd_selection *sel, int r);
/* whether argv[first..argc) are all device arguments; one cmd_bad_device() line if not */
bool cmd_devices_valid(int argc, char **argv, int first);
/* false after one error line when @user (may be NULL) has no account on @host */
bool cmd_user_known(const struct vfd_host *host, const char *user);
/* one line naming the first of argv[first..argc) that no PCI function of @host matches */
void cmd_report_unmatched(struct vfd_host *host, int argc, char **argv, int first);
/* print "Try 'vfio-doctor CMD --help'" and return EXIT_TROUBLE */
int cmd_usage_error(const char *cmd);

int cmd_groups(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_check(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_snapshot(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_bind(const struct cmd_ctx *ctx, int argc, char **argv);
/* a bind plan as bind prints it: each device, then its steps as shell lines */
void cmd_print_plan(const struct vfd_plan *plan, bool to_vfio);
/* vfd_plan_apply with signals held (vfd_signals_hold()) until it is done */
int cmd_apply_plan(struct vfd_host *host, struct vfd_plan *plan, struct vfd_apply_result *res);
int cmd_trial(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_unbind(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_restore(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_persist(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_explain(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_watch(const struct cmd_ctx *ctx, int argc, char **argv);
/* the built-in knowledge base, or the one in @path; NULL after one error line */
struct vfd_kb *cmd_load_kb(const char *path);
int cmd_rom(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_preflight(const struct cmd_ctx *ctx, int argc, char **argv);
/* VM configuration: cmd-vmconfig.c generates it, cmd-lint.c checks it */
int cmd_qemu_args(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_libvirt_xml(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_vm(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_lint(const struct cmd_ctx *ctx, int argc, char **argv);
/* inside a VM; also the static build's only command (src/main-guest.c) */
int cmd_guest(const struct cmd_ctx *ctx, int argc, char **argv);

#endif
