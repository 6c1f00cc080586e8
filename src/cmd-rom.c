// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor rom: parse a PCI option ROM (a GPU's VBIOS) and judge whether a
 * guest's firmware can use it, or read a device's ROM through sysfs into a
 * file. The library parses and reads; this file only decides the wording.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "findings.h"
#include "output.h"
#include "select.h"

/* PCI ROM BARs decode at most 16 MiB; leave room for tool headers */
#define ROM_MAX_SIZE (32u << 20)
struct rom_report {
	const char *source;		/* file name or slot */
	struct vfd_rom_info info;
	struct vfd_rom_target dev;
	struct vfd_report findings;	/* vfd_rom_judge()'s */
};

struct rom_opts {
	bool json, force, dry_run, color;
	const char *output;		/* dump: -o FILE */
	const char *device;		/* info FILE: --device DEV */
};

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor rom info [options] <file>|<device>\n"
	      " vfio-doctor rom dump [options] <device> --output-file <file>\n"
	      "\nParse a PCI option ROM (a GPU's VBIOS): every image in it, its checksum\n"
	      "and EFI driver, and whether SeaBIOS and OVMF can use it. 'dump' reads a\n"
	      "device's ROM through sysfs into <file>, then parses it. <device> is\n"
	      "DDDD:BB:DD.F, BB:DD.F or vendor:device.\n"
	      "\nOptions:\n"
	      " -J, --json              use JSON output format\n"
	      " -d, --device <device>   info <file>: the device the ROM is meant for\n"
	      "     --output-file <file>  dump: write the ROM to <file>\n"
	      " -f, --force             dump: replace <file> if it exists\n"
	      "     --dry-run           dump: print the sysfs reads and writes, change nothing\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\nFor more details see vfio-doctor(8).\n", stdout);
}

/* the image a firmware would use: first x86 image, or first EFI one for @machine */
static const struct vfd_rom_image *find_image(const struct vfd_rom_info *info, bool efi,
					      size_t *index)
{
	for (size_t i = 0; i < info->n_images; i++) {
		const struct vfd_rom_image *img = &info->images[i];

		if (!img->has_pcir)
			continue;
		if ((efi && img->efi) || (!efi && img->code_type == VFD_ROM_CODE_X86)) {
			*index = i;
			return img;
		}
	}
	return NULL;
}

/* --------------------------------------------------------- output */

/* rom prints its finding ids without the layer, as it always has */
static const char *short_id(const struct vfd_finding *f)
{
	return strncmp(f->id, "rom.", 4) == 0 ? f->id + 4 : f->id;
}

/* the numbers behind a finding, or NULL */
static const char *detail_of(const struct vfd_finding *f)
{
	return f->evidence && f->evidence[0] ? f->evidence[0] : NULL;
}

/* its fix, or NULL */
static const char *fix_of(const struct vfd_finding *f)
{
	return f->fix && f->fix[0] ? f->fix[0] : NULL;
}

static const char *status_color(enum vfd_status s)
{
	return s == VFD_FAIL ? C_RED : s == VFD_WARN ? C_YELLOW : s == VFD_OK ? C_GREEN : "";
}

/* code types as people say them */
static const char *code_type_label(uint8_t code_type)
{
	switch (code_type) {
	case VFD_ROM_CODE_X86:
		return "x86 (legacy BIOS)";
	case VFD_ROM_CODE_OPENFIRMWARE:
		return "Open Firmware";
	case VFD_ROM_CODE_PARISC:
		return "HP PA-RISC";
	case VFD_ROM_CODE_EFI:
		return "EFI";
	}
	return NULL;
}

static void print_image_text(const struct vfd_rom_image *img, size_t i)
{
	const char *type = code_type_label(img->code_type);

	printf(" image %zu at 0x%zx: ", i + 1, img->offset);
	if (!img->has_pcir) {
		printf("55 AA, no PCI data structure\n");
		return;
	}
	if (type)
		printf("%s", type);
	else
		printf("code type 0x%02x", img->code_type);
	printf(", %zu bytes, %04x:%04x, class %06x%s\n", img->length, img->vendor, img->device,
	       img->class_code, img->last ? ", last" : "");
	printf("   PCIR at +0x%x (revision %u), code revision 0x%04x", img->pcir_offset,
	       img->pcir_revision, img->code_revision);
	if (img->n_device_list) {
		printf(", device list");
		for (size_t j = 0; j < img->n_device_list; j++)
			printf(" %04x", img->device_list[j]);
	}
	putchar('\n');
	if (img->code_type == VFD_ROM_CODE_X86) {
		if (img->checksum_known)
			printf("   checksum %s over %zu bytes\n", img->checksum ? "wrong" : "ok",
			       img->init_size);
		else
			printf("   checksum not checked\n");
	} else if (img->efi) {
		const char *sub = vfd_efi_subsystem_name(img->efi_subsystem);
		const char *mach = vfd_efi_machine_name(img->efi_machine);

		printf("   EFI ");
		if (sub)
			printf("%s", sub);
		else
			printf("subsystem %u", img->efi_subsystem);
		if (mach)
			printf(" for %s", mach);
		else
			printf(" for machine 0x%04x", img->efi_machine);
		printf(", %s, driver at +0x%x\n", img->efi_compression ? "compressed"
		       : "not compressed", img->efi_image_offset);
	}
}

/* "yes (image 2: EFI boot-service-driver for x64)" or "no: ..." */
static void print_verdict(const struct vfd_rom_info *info, bool efi, bool header)
{
	int ok = efi ? vfd_rom_uefi_image(info, VFD_EFI_MACHINE_X64)
		     : vfd_rom_legacy_image(info);
	const struct vfd_rom_image *img;
	const char *mach;
	size_t i = 0;

	if (ok >= 0) {
		img = &info->images[ok];
		printf("%s (image %d", header ? "not as it is; yes once the header is stripped"
		       : "yes", ok + 1);
		if (efi)
			printf(": EFI %s for %s", vfd_efi_subsystem_name(img->efi_subsystem),
			       vfd_efi_machine_name(img->efi_machine));
		printf(")\n");
		return;
	}
	img = find_image(info, efi, &i);
	mach = img ? vfd_efi_machine_name(img->efi_machine) : NULL;
	if (!img)
		printf("no: %s\n", efi ? "no EFI image" : "no x86 (legacy BIOS) image");
	else if (efi && !(img->problems & ~VFD_ROM_PCIR_UNALIGNED) &&
		 img->efi_machine != VFD_EFI_MACHINE_X64 && mach)
		printf("no: the EFI image (image %zu) is for %s\n", i + 1, mach);
	else if (efi && !(img->problems & ~VFD_ROM_PCIR_UNALIGNED) &&
		 img->efi_machine != VFD_EFI_MACHINE_X64)
		printf("no: the EFI image (image %zu) is for another machine\n", i + 1);
	else if (efi && !(img->problems & ~VFD_ROM_PCIR_UNALIGNED))
		printf("no: the EFI image (image %zu) is not a driver\n", i + 1);
	else
		printf("no: image %zu is damaged (see below)\n", i + 1);
}

static void print_text(const struct rom_report *rep, const struct rom_opts *o)
{
	const struct vfd_rom_info *info = &rep->info;
	bool header = info->problems & VFD_ROM_VENDOR_HEADER;
	enum vfd_status w = vfd_report_worst(&rep->findings);

	printf("%s: %zu bytes, %zu image%s", rep->source, info->size, info->n_images,
	       info->n_images == 1 ? "" : "s");
	if (info->start)
		printf(", first at offset %zu", info->start);
	putchar('\n');
	for (size_t i = 0; i < info->n_images; i++)
		print_image_text(&info->images[i], i);
	if (info->complete || (info->problems & VFD_ROM_NO_LAST)) {
		if (info->trailing)
			printf(" after the last image: %zu bytes%s\n", info->trailing,
			       info->trailing_padding ? " of padding" : "");
		else
			printf(" after the last image: nothing\n");
	}
	putchar('\n');
	printf("SeaBIOS (legacy BIOS): ");
	print_verdict(info, false, header);
	printf("OVMF (UEFI, x64):      ");
	print_verdict(info, true, header);
	if (rep->dev.known) {
		char label[32];

		snprintf(label, sizeof(label), "device%s%s:", rep->dev.slot[0] ? " " : "",
			 rep->dev.slot);
		printf("%-23s%04x:%04x, %s\n", label, rep->dev.vendor, rep->dev.device,
		       !vfd_rom_named_image(info) ? "no image to compare"
		       : vfd_rom_claims_device(info, rep->dev.vendor, rep->dev.device)
		       ? "named by the ROM" : "NOT named by the ROM");
	}
	if (rep->findings.n) {
		printf("\nfindings:\n");
		for (size_t i = 0; i < rep->findings.n; i++) {
			const struct vfd_finding *f = &rep->findings.findings[i];

			printf(" %s%-4s%s %s: %s\n", o->color ? status_color(f->status) : "",
			       vfd_status_name(f->status), o->color ? C_RESET : "", short_id(f),
			       f->summary);
			if (detail_of(f))
				printf("      %s\n", detail_of(f));
			if (fix_of(f))
				printf("      fix: %s\n", fix_of(f));
		}
	}
	printf("\nstatus: %s%s%s\n", o->color ? status_color(w) : "", vfd_status_name(w),
	       o->color ? C_RESET : "");
}

static void json_hex(const char *key, unsigned int v, int digits, bool comma)
{
	printf("\"%s\": \"%0*x\"%s", key, digits, v, comma ? ", " : "");
}

static void print_image_json(const struct vfd_rom_image *img)
{
	bool first = true;

	printf("{\"offset\": %zu, \"length\": %zu, \"pcir\": %s", img->offset, img->length,
	       img->has_pcir ? "true" : "false");
	if (img->has_pcir) {
		printf(", \"pcir_offset\": %u, \"pcir_revision\": %u, ", img->pcir_offset,
		       img->pcir_revision);
		json_hex("vendor", img->vendor, 4, true);
		json_hex("device", img->device, 4, true);
		printf("\"device_list\": [");
		for (size_t j = 0; j < img->n_device_list; j++)
			printf("%s\"%04x\"", j ? ", " : "", img->device_list[j]);
		printf("], ");
		json_hex("class", img->class_code, 6, true);
		printf("\"code_type\": %u, \"code_type_name\": ", img->code_type);
		json_str(stdout, vfd_rom_code_type_name(img->code_type));
		printf(", \"code_revision\": %u, \"last\": %s", img->code_revision,
		       img->last ? "true" : "false");
	}
	if (img->has_pcir && img->code_type == VFD_ROM_CODE_X86) {
		printf(", \"init_size\": %zu, \"checksum_ok\": %s", img->init_size,
		       !img->checksum_known ? "null" : img->checksum ? "false" : "true");
	}
	if (img->efi) {
		printf(", \"efi\": {\"subsystem\": %u, \"subsystem_name\": ", img->efi_subsystem);
		json_str(stdout, vfd_efi_subsystem_name(img->efi_subsystem));
		printf(", ");
		json_hex("machine", img->efi_machine, 4, true);
		printf("\"machine_name\": ");
		json_str(stdout, vfd_efi_machine_name(img->efi_machine));
		printf(", \"compressed\": %s, \"image_offset\": %u, \"init_size\": %zu}",
		       img->efi_compression ? "true" : "false", img->efi_image_offset,
		       img->init_size);
	} else if (img->has_pcir && img->code_type == VFD_ROM_CODE_EFI) {
		printf(", \"efi\": null");
	}
	printf(", \"problems\": [");
	for (unsigned int bit = 1; bit && bit <= VFD_ROM_LAST_PROBLEM; bit <<= 1) {
		if (!(img->problems & bit))
			continue;
		printf("%s", first ? "" : ", ");
		json_str(stdout, vfd_rom_problem_name(bit));
		first = false;
	}
	printf("]}");
}

static void print_json(const struct rom_report *rep)
{
	const struct vfd_rom_info *info = &rep->info;
	const struct vfd_rom_target *dev = &rep->dev;

	printf("{\n   \"rom\": {\n      \"source\": ");
	json_str(stdout, rep->source);
	printf(",\n      \"size\": %zu, \"start\": %zu, \"end\": %zu, \"complete\": %s, "
	       "\"trailing\": %zu, \"trailing_padding\": %s, \"nvidia_header\": %s,\n",
	       info->size, info->start, info->end, info->complete ? "true" : "false",
	       info->trailing, info->trailing_padding ? "true" : "false",
	       info->nvidia_header ? "true" : "false");
	printf("      \"images\": [");
	for (size_t i = 0; i < info->n_images; i++) {
		printf("%s\n         ", i ? "," : "");
		print_image_json(&info->images[i]);
	}
	printf("%s],\n", info->n_images ? "\n      " : "");
	printf("      \"seabios\": %s, \"ovmf\": %s,\n",
	       vfd_rom_has_legacy(info) ? "true" : "false",
	       vfd_rom_has_uefi(info, VFD_EFI_MACHINE_X64) ? "true" : "false");
	printf("      \"device\": ");
	if (!dev->known) {
		printf("null,\n");
	} else {
		printf("{\"slot\": ");
		json_str(stdout, dev->slot[0] ? dev->slot : NULL);
		printf(", ");
		json_hex("vendor", dev->vendor, 4, true);
		json_hex("device", dev->device, 4, true);
		printf("\"claimed\": %s},\n",
		       vfd_rom_claims_device(info, dev->vendor, dev->device) ? "true" : "false");
	}
	printf("      \"status\": \"%s\",\n      \"findings\": [",
	       vfd_status_name(vfd_report_worst(&rep->findings)));
	for (size_t i = 0; i < rep->findings.n; i++) {
		const struct vfd_finding *f = &rep->findings.findings[i];

		printf("%s\n         {\"id\": ", i ? "," : "");
		json_str(stdout, short_id(f));
		printf(", \"status\": \"%s\", \"summary\": ", vfd_status_name(f->status));
		json_str(stdout, f->summary);
		printf(", \"detail\": ");
		json_str(stdout, detail_of(f));
		printf(", \"fix\": ");
		json_str(stdout, fix_of(f));
		printf("}");
	}
	printf("%s]\n   }\n}\n", rep->findings.n ? "\n      " : "");
}

static int report(struct rom_report *rep, const uint8_t *buf, size_t len,
		  const struct rom_opts *o)
{
	vfd_rom_parse(buf, len, &rep->info);
	if (vfd_rom_judge(&rep->info, &rep->dev, &rep->findings) < 0) {
		warnx_("out of memory judging the ROM");
		return EXIT_TROUBLE;
	}
	if (o->json)
		print_json(rep);
	else
		print_text(rep, o);
	return findings_exit_status(&rep->findings);
}

/* ---------------------------------------------------------- input */

static int read_rom_file(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t n = 0;
	int fd;

	/* O_NONBLOCK: a FIFO given as the image must not wait for a writer */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		warnx_("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		warnx_("cannot read '%s': expected a ROM image file", path);
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > ROM_MAX_SIZE) {
		warnx_("'%s' is too large for an option ROM: %jd bytes, at most %u", path,
		       (intmax_t)st.st_size, ROM_MAX_SIZE);
		close(fd);
		return -1;
	}
	buf = malloc((size_t)st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		warnx_("out of memory reading '%s'", path);
		return -1;
	}
	while (n < (size_t)st.st_size) {
		ssize_t got = read(fd, buf + n, (size_t)st.st_size - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			warnx_("cannot read '%s': %s", path, got < 0 ? strerror(errno)
			       : "file shrank while reading");
			free(buf);
			close(fd);
			return -1;
		}
		n += (size_t)got;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
}

/* one device for @arg, or NULL after one error line (several matches included) */
static struct vfd_pcidev *find_device(struct vfd_host *host, const char *arg)
{
	const char *args[2] = { arg, NULL };
	struct vfd_selection sel;
	struct vfd_pcidev *d = NULL;
	int r = vfd_select(host, args, VFD_EXPAND_NONE, &sel);

	if (r == -EINVAL)
		cmd_bad_device(arg);
	else if (r == -ENODEV)
		warnx_("no PCI device matches '%s'", arg);
	else if (r < 0)
		warnx_("%s", strerror(-r));
	else if (sel.n > 1)
		warnx_("'%s' matches several devices (%s, %s, ...): name one by its address",
		       arg, vfd_pcidev_get_slot(sel.devs[0]), vfd_pcidev_get_slot(sel.devs[1]));
	else
		d = sel.devs[0];
	vfd_selection_clear(&sel);
	return d;
}

/* the kernel's own words about this device's ROM, as hints */
static void print_kmsg_hints(struct vfd_host *host, const char *slot)
{
	struct vfd_kmsg kmsg = { 0 };
	const struct vfd_kmsg_line *line;
	size_t pos = 0;

	if (vfd_kmsg_read(vfd_host_get_root(host), &kmsg) < 0)
		return;
	while ((line = vfd_kmsg_find(&kmsg, "PCI ROM", &pos)))
		if (strstr(line->text, slot))
			fprintf(stderr, "  kernel log: %s\n", line->text);
	vfd_kmsg_clear(&kmsg);
}

static void explain_read_error(struct vfd_host *host, const struct vfd_rom_target *t, const char *path,
			       int r, unsigned int flags)
{
	if (flags & VFD_ROM_READ_LEFT_ON) {
		warnx_("cannot switch the ROM of %s off again: %s; run: echo 0 > %s", t->slot,
		       strerror(-r), path);
		return;
	}
	switch (r) {
	case -ENOENT:
		warnx_("cannot read the ROM of %s: '%s' does not exist (the device has no "
		       "expansion ROM, or this sysroot holds no saved image)", t->slot, path);
		return;
	case -EACCES:
	case -EPERM:
		warnx_("cannot read '%s': %s (run as root)", path, strerror(-r));
		return;
	case -EFBIG:
		warnx_("cannot read '%s': larger than %u bytes, not an option ROM", path,
		       ROM_MAX_SIZE);
		return;
	}
	warnx_("cannot read the ROM of %s ('%s'): %s", t->slot, path, strerror(-r));
	if (r != -EIO)
		return;
	fputs("  The kernel found no valid ROM behind the BAR, or the device did not answer:\n"
	      "  - no 55 AA signature (the kernel logs \"Invalid PCI ROM header signature\"):\n"
	      "    the card exposes no ROM, or only a shadow copy;\n", stderr);
	if (t->boot_vga == 1)
		fputs("  - this is the boot GPU: its ROM is the firmware's shadow copy, often\n"
		      "    invalid; dump it with another GPU as the boot display;\n", stderr);
	if (strcmp(t->driver, "vfio-pci") == 0)
		fputs("  - it is bound to vfio-pci: if a guest is running on it, stop the guest\n"
		      "    and dump again;\n", stderr);
	fputs("  - the device is asleep (D3cold) or was reset badly: rebind its driver or\n"
	      "    reboot the host, then dump again.\n", stderr);
	print_kmsg_hints(host, t->slot);
}

/* read the ROM of @arg on the root of @ctx; fills @t; 0 or -1 after an error */
static int read_device_rom(const struct cmd_ctx *ctx, const char *arg, struct vfd_rom_target *t,
			   uint8_t **buf, size_t *len)
{
	struct vfd_host *host = cmd_open_host(ctx);
	struct vfd_pcidev *d;
	unsigned int flags = 0;
	char path[PATH_MAX];
	int r;

	if (!host)
		return -1;
	d = find_device(host, arg);
	if (!d) {
		vfd_host_free(host);
		return -1;
	}
	vfd_rom_target_of(t, d);
	t->from_device = true;
	snprintf(path, sizeof(path), "%s%ssys/bus/pci/devices/%s/rom",
		 ctx->sysroot ? ctx->sysroot : "/",
		 ctx->sysroot && ctx->sysroot[strlen(ctx->sysroot) - 1] != '/' ? "/" : "",
		 t->slot);
	r = vfd_rom_read(vfd_host_get_root(host), t->slot, ROM_MAX_SIZE, buf, len, &flags);
	if (r < 0)
		explain_read_error(host, t, path, r, flags);
	vfd_host_free(host);
	return r < 0 ? -1 : 0;
}

/* --device for a file: IDs alone, or a device looked up on the root */
static int target_from_arg(const struct cmd_ctx *ctx, const char *arg, struct vfd_rom_target *t)
{
	struct vfd_devspec spec;
	struct vfd_host *host;
	struct vfd_pcidev *d;

	if (vfd_devspec_parse(arg, &spec) < 0) {
		cmd_bad_device(arg);
		return -1;
	}
	if (spec.by_id) {
		t->known = true;
		t->vendor = spec.vendor;
		t->device = spec.device;
		t->boot_vga = -1;
		return 0;
	}
	host = cmd_open_host(ctx);
	if (!host)
		return -1;
	d = find_device(host, arg);
	if (d)
		vfd_rom_target_of(t, d);
	vfd_host_free(host);
	return d ? 0 : -1;
}

/* a file when it names one (or looks like a path), otherwise a device */
static bool is_file_arg(const char *arg)
{
	struct vfd_devspec spec;

	if (strchr(arg, '/') || access(arg, F_OK) == 0)
		return true;
	return vfd_devspec_parse(arg, &spec) < 0;
}

static int rom_info(const struct cmd_ctx *ctx, const struct rom_opts *o, const char *arg)
{
	struct rom_report *rep = calloc(1, sizeof(*rep));
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = EXIT_TROUBLE;

	if (!rep)
		return EXIT_TROUBLE;
	rep->dev.boot_vga = -1;
	rep->source = arg;
	if (is_file_arg(arg)) {
		if (o->device && target_from_arg(ctx, o->device, &rep->dev) < 0)
			goto out;
		if (read_rom_file(arg, &buf, &len) < 0)
			goto out;
	} else {
		if (o->device) {
			warnx_("--device is for a ROM file; '%s' is already a device", arg);
			goto out;
		}
		if (read_device_rom(ctx, arg, &rep->dev, &buf, &len) < 0)
			goto out;
		rep->source = rep->dev.slot;
	}
	rc = report(rep, buf, len, o);
out:
	free(buf);
	vfd_report_clear(&rep->findings);
	free(rep);
	return rc;
}

/* ----------------------------------------------------------- dump */

/* write @buf to @file through a temporary file renamed into place (vfd_atomic_write) */
static int write_atomic(const char *file, const uint8_t *buf, size_t len)
{
	struct vfd_sighold held;
	int r;

	/* no half-written temporary file left behind by ^C */
	vfd_signals_hold(&held);
	r = vfd_atomic_write(AT_FDCWD, file, buf, len, 0644, 0);
	vfd_signals_release(&held);
	if (r < 0)
		warnx_("cannot write '%s': %s", file, strerror(-r));
	return r < 0 ? -1 : 0;
}

/* the directory @file goes into takes a new file: the real run's temporary file */
static bool output_dir_writable(const char *file)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(file, '/');

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == file)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
	if (access(dir, W_OK | X_OK) == 0)
		return true;
	warnx_("cannot create '%s': '%s': %s", file, dir, strerror(errno));
	return false;
}

/*
 * A dry run on the live host: reading the ROM means switching it on, a
 * write, so the dry run checks what the real run needs (the device, its rom
 * attribute, the right to switch it on and read it) and prints the steps.
 */
static int dump_dry_run_live(const struct cmd_ctx *ctx, const struct rom_opts *o,
			     const char *arg, struct vfd_rom_target *t)
{
	struct vfd_host *host = cmd_open_host(ctx);
	struct vfd_pcidev *d = host ? find_device(host, arg) : NULL;
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	const char *base;
	int rc = EXIT_TROUBLE;

	if (!d)
		goto out;
	vfd_rom_target_of(t, d);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/rom", t->slot);
	if (access(path, F_OK) < 0) {
		explain_read_error(host, t, path, -errno, 0);
		goto out;
	}
	if (access(path, R_OK | W_OK) < 0) {
		explain_read_error(host, t, path, -errno, 0);
		goto out;
	}
	/* the temporary file vfd_atomic_open() makes: ".NAME.PID.tmp" beside the file */
	base = strrchr(o->output, '/');
	base = base ? base + 1 : o->output;
	snprintf(tmp, sizeof(tmp), "%.*s.%s.PID.tmp", (int)(base - o->output), o->output, base);
	printf("would run:\n");
	printf("  echo 1 > %s   (only if the ROM is off)\n", path);
	printf("  cat %s > %s\n", path, tmp);
	printf("  echo 0 > %s   (only if it was off)\n", path);
	printf("  mv %s %s\n", tmp, o->output);
	printf("(the ROM itself is read by the real run: switching it on is a write)\n");
	rc = EXIT_CLEAN;
out:
	vfd_host_free(host);
	return rc;
}

static int rom_dump(const struct cmd_ctx *ctx, const struct rom_opts *o, const char *arg)
{
	struct rom_report *rep;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = EXIT_TROUBLE;

	if (!o->output) {
		warnx_("rom dump needs --output-file FILE: where to write the ROM");
		return cmd_usage_error("rom ");
	}
	if (o->device) {
		warnx_("--device is for 'rom info FILE'; 'rom dump' reads '%s' itself", arg);
		return EXIT_TROUBLE;
	}
	/* refuse before touching the device */
	if (!o->force && access(o->output, F_OK) == 0) {
		warnx_("'%s' exists: use --force to replace it", o->output);
		return EXIT_TROUBLE;
	}
	rep = calloc(1, sizeof(*rep));
	if (!rep)
		return EXIT_TROUBLE;
	rep->dev.boot_vga = -1;
	if (!output_dir_writable(o->output))
		goto out;
	if (o->dry_run && !ctx->sysroot) {
		rc = dump_dry_run_live(ctx, o, arg, &rep->dev);
		goto out;
	}
	/* a sysroot's ROM is a saved file: a dry run reads and checks it too */
	if (read_device_rom(ctx, arg, &rep->dev, &buf, &len) < 0)
		goto out;
	if (o->dry_run) {
		printf("would copy %s/sys/bus/pci/devices/%s/rom (%zu bytes) to %s (nothing is "
		       "written into the sysroot)\n\n", ctx->sysroot, rep->dev.slot, len,
		       o->output);
		rep->source = rep->dev.slot;
		rc = report(rep, buf, len, o);
		goto out;
	}
	if (write_atomic(o->output, buf, len) < 0)
		goto out;
	rep->source = o->output;
	if (!o->json)
		printf("wrote %zu bytes from %s to %s\n\n", len, rep->dev.slot, o->output);
	rc = report(rep, buf, len, o);
out:
	free(buf);
	vfd_report_clear(&rep->findings);
	free(rep);
	return rc;
}

int cmd_rom(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_DRY_RUN = 256, OPT_OUTPUT_FILE };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "device", required_argument, NULL, 'd' },
		{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct rom_opts o = { 0 };
	const char *verb, *arg;
	int c;

	while ((c = getopt_long(argc, argv, "Jd:o:fh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			o.json = true;
			output_set_json(true);
			break;
		case 'd':
			o.device = optarg;
			break;
		case OPT_OUTPUT_FILE:
			o.output = optarg;
			break;
		case 'o':
			return cmd_retired_letter('o', "-o selects columns; name the ROM file "
						  "with --output-file FILE");
		case 'f':
			o.force = true;
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (cmd_unknown_option(c, optarg, "rom ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (optind >= argc) {
		warnx_("rom needs 'info' or 'dump'");
		return cmd_usage_error("rom ");
	}
	verb = argv[optind++];
	if (strcmp(verb, "info") != 0 && strcmp(verb, "dump") != 0) {
		warnx_("unknown rom command '%s': expected 'info' or 'dump'", verb);
		return cmd_usage_error("rom ");
	}
	if (optind >= argc) {
		warnx_("rom %s needs %s", verb, strcmp(verb, "info") == 0
		       ? "a ROM file or a device" : "a device");
		return cmd_usage_error("rom ");
	}
	arg = argv[optind++];
	if (optind < argc) {
		warnx_("unexpected argument '%s': rom %s takes one %s", argv[optind], verb,
		       strcmp(verb, "info") == 0 ? "file or device" : "device");
		return EXIT_TROUBLE;
	}
	o.color = want_color() && !o.json;
	if (strcmp(verb, "info") == 0) {
		if (o.output || o.force || o.dry_run) {
			warnx_("--output-file, --force and --dry-run are for 'rom dump'");
			return EXIT_TROUBLE;
		}
		return rom_info(ctx, &o, arg);
	}
	return rom_dump(ctx, &o, arg);
}
