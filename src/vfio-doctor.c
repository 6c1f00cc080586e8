// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor: find and fix what stops a PCI device from being passed to a
 * VM with vfio-pci. This file only dispatches: global options, then one
 * subcommand from the table.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "dispatch.h"
#include "output.h"

static const struct subcommand subcommands[] = {
	{ "check", cmd_check, "diagnose the host layer by layer (the main job)" },
	{ "groups", cmd_groups, "list IOMMU groups, their devices and viability" },
	{ "snapshot", cmd_snapshot, "capture this host as a sysroot tarball for --sysroot" },
	{ "bind", cmd_bind, "give devices to vfio-pci, safely (driver_override)" },
	{ "unbind", cmd_unbind, "give devices back to their previous drivers" },
	{ "restore", cmd_restore, "give back every device bind changed" },
	{ "persist", cmd_persist, "bind devices to vfio-pci at every boot (or --undo it)" },
	{ "explain", cmd_explain, "explain the passthrough errors in a log, checked on this host" },
	{ "watch", cmd_watch, "follow the kernel log and explain passthrough messages" },
	{ "rom", cmd_rom, "parse a PCI option ROM (VBIOS) or dump a device's ROM" },
	{ "preflight", cmd_preflight, "open a device through VFIO as QEMU would, step by step" },
	{ "qemu-args", cmd_qemu_args, "QEMU -device arguments for devices and their siblings" },
	{ "libvirt-xml", cmd_libvirt_xml, "libvirt <hostdev> elements for devices and siblings" },
	{ "vm", cmd_vm, "a complete guest definition (--preset android)" },
	{ "lint", cmd_lint, "check a libvirt domain or QEMU command line against the host" },
	{ "trial", cmd_trial, "prove a passthrough end to end in a throwaway VM" },
	{ "guest", cmd_guest, "run inside a VM: is the passed-through device seen and working" },
};

static void usage(FILE *out)
{
	fputs("\nUsage:\n"
	      " vfio-doctor [options] <command> [command options]\n"
	      "\nFind and fix what stops a PCI device from being passed through to a VM.\n"
	      "\nCommands:\n", out);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, " %-10s %s\n", subcommands[i].name, subcommands[i].help);
	fputs("\nOptions:\n"
	      " -s, --sysroot <dir>  read sys/, proc/, dev/ and etc/ below <dir> (a snapshot)\n"
	      "     --color[=<when>] colour: auto (default), always or never\n"
	      "\n"
	      " -h, --help           display this help\n"
	      " -V, --version        display version\n"
	      "\nThe global options may follow the command too. Run\n"
	      "'vfio-doctor <command> --help' for the options of a command.\n"
	      "For more details see vfio-doctor(8).\n", out);
}

struct vfd_host *cmd_open_host(const struct cmd_ctx *ctx)
{
	const char *dir = ctx->sysroot ? ctx->sysroot : "/";
	struct vfd_root *root = cmd_root_new(dir);
	struct vfd_host *host;

	if (!root) {
		if (errno == ENOTDIR && ctx->sysroot)
			warnx_("sysroot '%s' is not a sysroot: expected a directory holding sys/ "
			       "(and proc/, dev/), as written by 'vfio-doctor snapshot'", dir);
		else
			warnx_("cannot open %s '%s': %s", ctx->sysroot ? "sysroot" : "root", dir,
			       strerror(errno));
		return NULL;
	}
	host = vfd_host_new(root);
	if (!host) {
		if (errno == ENOENT)
			warnx_("cannot read '%s%ssys/bus/pci/devices': no PCI bus in this %s", dir,
			       dir[strlen(dir) - 1] == '/' ? "" : "/",
			       ctx->sysroot ? "sysroot" : "system");
		else
			warnx_("cannot read '%s%ssys/bus/pci/devices': %s", dir,
			       dir[strlen(dir) - 1] == '/' ? "" : "/", strerror(errno));
	}
	vfd_root_unref(root);
	return host;
}

void cmd_bad_device(const char *arg)
{
	warnx_("invalid device '%s': expected a PCI address DDDD:BB:DD.F or BB:DD.F "
	       "(e.g. 0000:01:00.0) or vendor:device IDs (e.g. 10de:1f06)", arg);
}

void cmd_select_error(const struct vfd_selection *sel, int r)
{
	const char *arg = sel->args && sel->bad_arg >= 0 ? sel->args[sel->bad_arg] : NULL;

	if (r == -EINVAL && arg)
		cmd_bad_device(arg);
	else if (r == -ENODEV && arg)
		warnx_("no PCI device matches '%s'", arg);
	else
		warnx_("cannot select the devices: %s", strerror(-r));
}

bool cmd_devices_parse(int argc, char **argv, int first, struct vfd_selection *sel)
{
	int r = vfd_selection_parse(first < argc ? (const char *const *)(argv + first) : NULL, sel);

	if (r < 0)
		cmd_select_error(sel, r);
	return r == 0;
}

bool cmd_devices_resolve(struct vfd_host *host, struct vfd_selection *sel, enum vfd_expand expand)
{
	int r = vfd_selection_resolve(host, sel, expand);

	if (r < 0)
		cmd_select_error(sel, r);
	return r == 0;
}

bool cmd_devices_valid(int argc, char **argv, int first)
{
	struct vfd_selection sel;
	bool ok = cmd_devices_parse(argc, argv, first, &sel);

	vfd_selection_clear(&sel);
	return ok;
}

bool cmd_user_known(const struct vfd_host *host, const char *user)
{
	struct vfd_root *root = vfd_host_get_root(host);
	struct vfd_account acct;

	if (!user || vfd_account_lookup(root, user, &acct) != -ESRCH)
		return true;
	/* an account from NSS (LDAP, systemd-homed) is one too on the live host */
	if (vfd_root_is_live(root) && getpwnam(user))
		return true;
	warnx_("unknown user '%s': no such account in %setc/passwd (expected the account "
	       "QEMU runs as, e.g. libvirt-qemu or qemu)", user,
	       vfd_root_is_live(root) ? "/" : "the sysroot's ");
	return false;
}

void cmd_report_unmatched(struct vfd_host *host, int argc, char **argv, int first)
{
	struct vfd_selection sel;

	if (cmd_devices_parse(argc, argv, first, &sel))
		cmd_devices_resolve(host, &sel, VFD_EXPAND_NONE);
	vfd_selection_clear(&sel);
}

int main(int argc, char **argv)
{
	static const struct program prog = {
		.commands = subcommands,
		.n_commands = ARRAY_LEN(subcommands),
		.version = "vfio-doctor " VFD_VERSION,
		.usage = usage,
	};

	return dispatch(&prog, argc, argv);
}
