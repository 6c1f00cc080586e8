// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor qemu-args, libvirt-xml and vm: print VM configuration for
 * passed-through devices. The library decides what goes together and where;
 * this file parses options, prints the result on stdout and the notes on
 * stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "findings.h"
#include "output.h"
#include "vfd-vm.h"

enum {
	OPT_BUS = 0x100,
	OPT_SLOT,
	OPT_ROMFILE,
	OPT_XVGA,
	OPT_PRESET,
	OPT_GPU,
	OPT_USB,
	OPT_DISK,
	OPT_CPUS,
	OPT_NAME,
	OPT_FORMAT,
	OPT_OVMF,
	OPT_VARS,
};

static void usage_devices(const char *cmd)
{
	bool libvirt = !strcmp(cmd, "libvirt-xml");

	printf("\nUsage:\n"
	       " vfio-doctor %s [options] DEVICE...\n"
	       "\n%s for DEVICE and what must go with it:\n"
	       "the other functions of its slot and the rest of its IOMMU group (not bridges),\n"
	       "as one multi-function device per slot, each on a PCIe root port of its own\n"
	       "(q35). Notes go to standard error.\n"
	       "\nOptions:\n"
	       " -M, --machine <type>    q35 (default) or i440fx\n"
	       " -F, --firmware <name>   efi (OVMF, default) or bios (SeaBIOS): what the ROM\n"
	       "                           and x-vga are checked against\n"
	       "     --bus <bus>         %s\n"
	       "     --slot <n>          guest slot of the first root port (i440fx: device),\n"
	       "                           default 0x10\n"
	       "     --romfile <file>    ROM image for the first DEVICE (checked: exists, the QEMU\n"
	       "                           user can read it, the firmware can run it)\n"
	       "     --x-vga             legacy VGA ranges for VGA devices (SeaBIOS guests only)\n"
	       " -u, --user <name>       the account QEMU runs as (default: libvirt-qemu or qemu)\n"
	       "\n"
	       " -h, --help              display this help\n"
	       "\nExit status: 0 done, 1 done with warnings, 2 failures or error.\n"
	       "For more details see vfio-doctor(8).\n", cmd,
	       libvirt ? "Print libvirt <controller> and <hostdev> elements"
	       : "Print QEMU -device arguments",
	       libvirt ? "index of the first root port (default 16); i440fx: the bus number"
	       : "QEMU bus id the ports or devices plug into (default pcie.0/pci.0)");
}

static void usage_vm(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor vm --preset android --gpu DEVICE [options]\n"
	      "\nPrint a complete guest: a shell script running QEMU, or a libvirt domain.\n"
	      "The android preset: q35, OVMF with its own variable store, KVM, the GPU as\n"
	      "the only display, virtio disk and network, memory locked for VFIO.\n"
	      "\nOptions:\n"
	      "     --preset <name>     android (Android-x86, BlissOS)\n"
	      "     --gpu <device>      the GPU that becomes the display\n"
	      "     --usb <device>      a USB controller for touch and input devices\n"
	      "     --disk <image>      disk image (virtio); an .iso becomes a SATA CD-ROM\n"
	      " -m, --memory <size>     guest memory (default 8G)\n"
	      "     --cpus <n>          virtual CPUs (default 4)\n"
	      "     --name <name>       guest name (default android)\n"
	      "     --format <format>   qemu (default) or libvirt\n"
	      "     --ovmf <code>[,<vars>]  OVMF firmware and vars template (default: found)\n"
	      "     --vars <file>       the guest's own UEFI variable store\n"
	      "     --romfile <file>    ROM image for the GPU\n"
	      "     --x-vga             legacy VGA ranges for the GPU (warned against: OVMF)\n"
	      " -u, --user <name>       the account QEMU runs as (default: libvirt-qemu or qemu)\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\nExit status: 0 done, 1 done with warnings, 2 failures or error.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

/* notes on stderr, one line each with the fix indented; the worst status decides */
static int print_notes(const struct vfd_report *notes)
{
	for (size_t i = 0; i < notes->n; i++) {
		const struct vfd_finding *f = &notes->findings[i];
		const char *kind = f->status == VFD_FAIL ? "error"
				   : f->status == VFD_WARN ? "warning" : "note";

		fprintf(stderr, "%s: %s: %s\n", output_program_name(), kind, f->summary);
		for (char **e = f->evidence; f->status >= VFD_WARN && e && *e; e++)
			fprintf(stderr, "    %s\n", *e);
		for (char **x = f->fix; f->status >= VFD_WARN && x && *x; x++)
			fprintf(stderr, "    fix: %s\n", *x);
	}
	return findings_exit_status(notes);
}

/* the path QEMU will be given: absolute, from the current directory */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX];
	char *s = NULL;

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&s, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < 0)
		return NULL;
	return s;
}

/* one line for an error of vfd_vm_devset_build_selected / vfd_vm_preset on @sel */
static void build_error(int r, const struct vfd_selection *sel, const char *romfile)
{
	int i = r == -EISDIR ? vfd_selection_first_unassignable(sel) : -1;

	if (r == -EINVAL || r == -ENODEV) {
		cmd_select_error(sel, r);
	} else if (i >= 0) {
		const struct vfd_pcidev *d = sel->devs[i];
		const char *arg = sel->args[sel->arg[i]], *why;

		if (vfd_pcidev_is_bridge(d))
			warnx_("'%s' is a PCI bridge: vfio-pci does not take bridges; name the "
			       "devices behind it", arg);
		else
			warnx_("'%s' cannot be passed through: %s", arg,
			       vfd_pcidev_unassignable(d, &why));
	} else if (r == -ENOENT && romfile) {
		warnx_("romfile '%s' does not exist", romfile);
	} else {
		warnx_("cannot build the configuration: %s", strerror(-r));
	}
}

static bool parse_machine(const char *s, enum vfd_vm_machine *m)
{
	*m = vfd_vm_machine_parse(s);
	if (*m == VFD_MACHINE_Q35 || *m == VFD_MACHINE_I440FX)
		return true;
	warnx_("invalid machine '%s': expected q35 or i440fx", s);
	return false;
}

static bool parse_firmware(const char *s, enum vfd_vm_firmware *fw)
{
	if (!strcmp(s, "efi") || !strcmp(s, "ovmf") || !strcmp(s, "uefi"))
		*fw = VFD_FIRMWARE_EFI;
	else if (!strcmp(s, "bios") || !strcmp(s, "seabios"))
		*fw = VFD_FIRMWARE_BIOS;
	else {
		warnx_("invalid firmware '%s': expected efi or bios", s);
		return false;
	}
	return true;
}

static bool parse_slot(const char *s, int *slot)
{
	uint64_t v;

	if (vfd_parse_u64(s, &v) < 0 || v < 1 || v > 31) {
		warnx_("invalid slot '%s': expected a number from 1 to 31 (0x1f)", s);
		return false;
	}
	*slot = (int)v;
	return true;
}

static int run_devices(const struct cmd_ctx *ctx, const char *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "machine", required_argument, NULL, 'M' },
		{ "firmware", required_argument, NULL, 'F' },
		{ "bus", required_argument, NULL, OPT_BUS },
		{ "slot", required_argument, NULL, OPT_SLOT },
		{ "romfile", required_argument, NULL, OPT_ROMFILE },
		{ "x-vga", no_argument, NULL, OPT_XVGA },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	bool libvirt = !strcmp(cmd, "libvirt-xml");
	struct vfd_vm_opts opts = { .slot = -1, .libvirt = libvirt };
	struct vfd_vm_devset set = { 0 };
	struct vfd_selection sel = { .bad_arg = -1 };
	struct vfd_report notes = { 0 };
	struct vfd_host *host = NULL;
	char *romfile = NULL, *out;
	char try[32];
	int c, r, rc = EXIT_TROUBLE;

	snprintf(try, sizeof(try), "%s ", cmd);
	while ((c = getopt_long(argc, argv, "M:F:m:f:u:h" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'M':
			if (!parse_machine(optarg, &opts.machine))
				return EXIT_TROUBLE;
			break;
		case 'F':
			if (!parse_firmware(optarg, &opts.firmware))
				return EXIT_TROUBLE;
			break;
		case 'm':
			return cmd_retired_letter('m', "-m is --memory; the machine type is "
						  "-M/--machine, as QEMU's -M");
		case 'f':
			return cmd_retired_letter('f', "-f is --force; the firmware is -F/--firmware");
		case OPT_BUS:
			opts.bus = optarg;
			break;
		case OPT_SLOT:
			if (!parse_slot(optarg, &opts.slot))
				return EXIT_TROUBLE;
			break;
		case OPT_ROMFILE:
			free(romfile);
			romfile = absolute(optarg);
			if (!romfile)
				return EXIT_TROUBLE;
			break;
		case OPT_XVGA:
			opts.x_vga = true;
			break;
		case 'u':
			opts.user = optarg;
			break;
		case 'h':
			usage_devices(cmd);
			return EXIT_CLEAN;
		default:
			if (cmd_unknown_option(c, optarg, try) == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (optind >= argc) {
		warnx_("no device given: expected one or more PCI addresses or "
		       "vendor:device IDs");
		free(romfile);
		return cmd_usage_error(try);
	}
	if (!cmd_devices_parse(argc, argv, optind, &sel)) {
		free(romfile);
		return EXIT_TROUBLE;
	}
	opts.romfile = romfile;
	host = cmd_open_host(ctx);
	if (!host || !cmd_user_known(host, opts.user) ||
	    !cmd_devices_resolve(host, &sel, VFD_EXPAND_NONE))
		goto out;
	r = vfd_vm_devset_build_selected(host, &sel, &opts, &set, &notes);
	if (r < 0) {
		build_error(r, &sel, romfile);
		goto out;
	}
	out = libvirt ? vfd_vm_libvirt_devices(&set, &opts) : vfd_vm_qemu_args(&set, &opts);
	if (!out) {
		warnx_("out of memory");
		goto out;
	}
	fputs(out, stdout);
	if (!libvirt)
		fputc('\n', stdout);
	free(out);
	rc = print_notes(&notes);
out:
	vfd_vm_devset_clear(&set);
	vfd_selection_clear(&sel);
	vfd_report_clear(&notes);
	vfd_host_free(host);
	free(romfile);
	return rc;
}

int cmd_qemu_args(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return run_devices(ctx, "qemu-args", argc, argv);
}

int cmd_libvirt_xml(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return run_devices(ctx, "libvirt-xml", argc, argv);
}

int cmd_vm(const struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "preset", required_argument, NULL, OPT_PRESET },
		{ "gpu", required_argument, NULL, OPT_GPU },
		{ "usb", required_argument, NULL, OPT_USB },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ovmf", required_argument, NULL, OPT_OVMF },
		{ "vars", required_argument, NULL, OPT_VARS },
		{ "romfile", required_argument, NULL, OPT_ROMFILE },
		{ "x-vga", no_argument, NULL, OPT_XVGA },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct vfd_vm_preset_opts o = { .format = VFD_VM_FORMAT_QEMU, .dev = { .slot = -1 } };
	struct vfd_selection sel = { .bad_arg = -1 };
	const char *devs[3] = { NULL };
	struct vfd_report notes = { 0 };
	struct vfd_host *host = NULL;
	char *romfile = NULL, *disk = NULL, *ovmf = NULL, *out = NULL, err[256];
	uint64_t v;
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "m:u:h" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PRESET:
			if (strcmp(optarg, "android") != 0) {
				warnx_("unknown preset '%s': expected android", optarg);
				goto out;
			}
			o.preset = optarg;
			break;
		case OPT_GPU:
			o.gpu = optarg;
			break;
		case OPT_USB:
			o.usb = optarg;
			break;
		case OPT_DISK:
			free(disk);
			disk = absolute(optarg);
			o.disk = disk;
			break;
		case 'm':
			if (vfd_parse_size(optarg, &o.memory) < 0 || o.memory < (256ull << 20)) {
				warnx_("invalid memory size '%s': expected a size such as 8G or "
				       "4096M (at least 256M)", optarg);
				goto out;
			}
			break;
		case OPT_CPUS:
			if (vfd_parse_u64(optarg, &v) < 0 || v < 1 || v > 1024) {
				warnx_("invalid CPU count '%s': expected a number from 1 to 1024",
				       optarg);
				goto out;
			}
			o.cpus = (unsigned int)v;
			break;
		case OPT_NAME:
			/* it becomes a file name (the vars copy) and a libvirt name */
			if (!*optarg || strchr(optarg, '/') || strlen(optarg) > 64) {
				warnx_("invalid name '%s': expected at most 64 characters, no '/'",
				       optarg);
				goto out;
			}
			o.name = optarg;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "qemu")) {
				o.format = VFD_VM_FORMAT_QEMU;
			} else if (!strcmp(optarg, "libvirt")) {
				o.format = VFD_VM_FORMAT_LIBVIRT;
			} else {
				warnx_("invalid format '%s': expected qemu or libvirt", optarg);
				goto out;
			}
			break;
		case OPT_OVMF:
			free(ovmf);
			ovmf = strdup(optarg);
			if (!ovmf)
				goto out;
			break;
		case OPT_VARS:
			o.vars = optarg;
			break;
		case OPT_ROMFILE:
			free(romfile);
			romfile = absolute(optarg);
			o.dev.romfile = romfile;
			break;
		case OPT_XVGA:
			o.dev.x_vga = true;
			break;
		case 'u':
			o.dev.user = optarg;
			break;
		case 'h':
			usage_vm();
			rc = EXIT_CLEAN;
			goto out;
		default:
			if (cmd_unknown_option(c, optarg, "vm ") == 0)
				break;
			goto out;
		}
	}
	if (optind < argc) {
		warnx_("unexpected argument '%s': devices are given with --gpu and --usb",
		       argv[optind]);
		goto out;
	}
	if (!o.preset || !o.gpu) {
		warnx_("%s is required: vfio-doctor vm --preset android --gpu DEVICE",
		       !o.preset ? "--preset" : "--gpu");
		goto out;
	}
	/* resolved by vfd_vm_preset, after the firmware is found */
	devs[0] = o.gpu;
	devs[1] = o.usb;
	r = vfd_selection_parse((const char *const *)devs, &sel);
	if (r < 0) {
		cmd_select_error(&sel, r);
		goto out;
	}
	o.selection = &sel;
	if (ovmf) {
		char *comma = strchr(ovmf, ',');

		if (comma)
			*comma = '\0';
		o.ovmf_code = ovmf;
		o.ovmf_vars = comma ? comma + 1 : NULL;
		if (ovmf[0] != '/' || (o.ovmf_vars && o.ovmf_vars[0] != '/')) {
			warnx_("invalid --ovmf '%s': expected absolute paths CODE[,VARS]", ovmf);
			goto out;
		}
	}
	host = cmd_open_host(ctx);
	if (!host || !cmd_user_known(host, o.dev.user))
		goto out;
	r = vfd_vm_preset(host, &o, &out, &notes, err, sizeof(err));
	if (r < 0) {
		if (r == -ENOENT && err[0])
			warnx_("%s%s", err, ovmf ? "" : ", or give --ovmf CODE[,VARS]");
		else
			build_error(r, &sel, romfile);
		goto out;
	}
	fputs(out, stdout);
	rc = print_notes(&notes);
out:
	free(out);
	free(ovmf);
	free(disk);
	free(romfile);
	vfd_selection_clear(&sel);
	vfd_report_clear(&notes);
	vfd_host_free(host);
	return rc;
}
