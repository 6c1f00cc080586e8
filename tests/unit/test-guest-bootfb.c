// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest's boot display (lib/guest/guest-bootfb.c): screen_info at the
 * start of /sys/kernel/boot_params/data, laid out as the kernel's uapi header
 * lays it out, judged against the passed-through GPU's memory BARs.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest-bootfb.h"
#include "tree.h"
#include "vfd.h"

#define GPU "0000:00:02.0"
#define OTHER "0000:00:01.0"

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* boot_params' first page with a screen_info of @type at @base */
static void boot_params(unsigned char page[4096], unsigned int type, uint64_t base)
{
	memset(page, 0, 4096);
	page[0x0f] = (unsigned char)type;
	put16(page + 0x12, 1280);
	put16(page + 0x14, 800);
	put16(page + 0x16, 32);
	put32(page + 0x18, (uint32_t)base);
	put32(page + 0x1c, type == 0x23 ? 64 : 4096000);
	if (base >> 32) {
		put32(page + 0x36, 1u << 1);	/* VIDEO_CAPABILITY_64BIT_BASE */
		put32(page + 0x3a, (uint32_t)(base >> 32));
	}
}

static void write_bytes(const char *dir, const char *rel, const unsigned char *data, size_t len)
{
	char path[512];
	FILE *f;

	tree_file(dir, rel, "");
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* a guest with a Cirrus VGA at 00:01.0 and the GPU (standard VGA IDs) at 00:02.0 */
static char *guest_tree(void)
{
	char *dir = tree_new();

	tree_device(dir, "pci0000:00/" OTHER, 0x1013, 0x00b8, 0x030000, 0, -1, false, NULL, -1);
	tree_file(dir, "sys/devices/pci0000:00/" OTHER "/resource",
		  "0x00000000fc000000 0x00000000fdffffff 0x0000000000042208\n"
		  "0x00000000febd0000 0x00000000febd0fff 0x0000000000040200\n");
	tree_device(dir, "pci0000:00/" GPU, 0x1234, 0x1111, 0x030000, 0, -1, false, "bochs-drm",
		    -1);
	tree_file(dir, "sys/devices/pci0000:00/" GPU "/resource",
		  "0x0000000080000000 0x0000000080ffffff 0x0000000000042208\n"
		  "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		  "0x00000000c0001000 0x00000000c0001fff 0x0000000000040200\n"
		  "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		  "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		  "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		  "0x00000000c0000000 0x00000000c000ffff 0x0000000000046200\n");
	return dir;
}

/* the guest run with the GPU expected (as the trial's /init runs it) */
static struct vfd_report run(const char *dir)
{
	struct vfd_devspec expect;
	struct vfd_guest_opts opts = { .expect = &expect, .n_expect = 1 };
	struct vfd_report rep = { 0 };
	struct vfd_root *root = vfd_root_new(dir);

	assert_int_equal(vfd_devspec_parse("1234:1111", &expect), 0);
	assert_non_null(root);
	assert_int_equal(vfd_guest_run(root, &opts, NULL, &rep), 0);
	vfd_root_unref(root);
	return rep;
}

static const struct vfd_finding *boot_display(const struct vfd_report *rep)
{
	const struct vfd_finding *found = NULL;

	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->findings[i].id, "guest.boot-display") == 0) {
			assert_null(found);	/* one per guest */
			found = &rep->findings[i];
		}
	return found;
}

/* the guest run on boot_params with a screen_info of @type at @base (@len bytes of
 * it written): its one boot-display finding, which must have @status */
static const struct vfd_finding *judged(struct vfd_report *rep, const char *dir,
					unsigned int type, uint64_t base, size_t len,
					enum vfd_status status)
{
	unsigned char page[4096];
	const struct vfd_finding *f;

	boot_params(page, type, base);
	write_bytes(dir, "sys/kernel/boot_params/data", page, len);
	*rep = run(dir);
	f = boot_display(rep);
	assert_non_null(f);
	assert_int_equal(f->status, status);
	return f;
}

static bool in_evidence(const struct vfd_finding *f, const char *needle)
{
	for (char **e = f->evidence; e && *e; e++)
		if (strstr(*e, needle))
			return true;
	return false;
}

static void reader(void **state)
{
	unsigned char page[4096];
	struct vfd_guest_bootfb fb;

	(void)state;
	boot_params(page, 0x70, 0x380000000000ull);
	assert_int_equal(vfd_guest_read_bootfb(page, sizeof(page), &fb), 0);
	assert_int_equal(fb.type, 0x70);
	assert_int_equal(fb.width, 1280);
	assert_int_equal(fb.height, 800);
	assert_int_equal(fb.depth, 32);
	assert_true(fb.base == 0x380000000000ull);
	assert_true(fb.size == 4096000);
	/* VESA's size is in 64 KiB units */
	boot_params(page, 0x23, 0xe0000000);
	assert_int_equal(vfd_guest_read_bootfb(page, sizeof(page), &fb), 0);
	assert_true(fb.base == 0xe0000000 && fb.size == 64u << 16);
	/* the 64-bit base only when the capability says so */
	page[0x3a] = 0x12;
	assert_int_equal(vfd_guest_read_bootfb(page, sizeof(page), &fb), 0);
	assert_true(fb.base == 0xe0000000);
	assert_int_equal(vfd_guest_read_bootfb(page, 0x3f, &fb), -EINVAL);
}

static void gop_on_the_gpu(void **state)
{
	char *dir = guest_tree();
	struct vfd_report rep;
	const struct vfd_finding *f;

	(void)state;
	/* OVMF's GOP drew in BAR 0 of the GPU */
	f = judged(&rep, dir, 0x70, 0x80000000, 4096, VFD_OK);
	assert_string_equal(f->device, GPU);
	assert_string_equal(f->summary, "the firmware drew on the passed-through GPU before the "
			    "kernel: the UEFI GOP's 1280x800 framebuffer is in its BAR 0");
	assert_true(in_evidence(f, "video type 0x70, 1280x800, 32 bits per pixel, "
				   "framebuffer 0x80000000 (4000 KiB)"));
	assert_true(in_evidence(f, "/sys/bus/pci/devices/" GPU "/resource: BAR 0 is "
				   "0x80000000-0x80ffffff"));
	vfd_report_clear(&rep);

	/* the expansion ROM's window (the 7th line) is not a BAR a GOP draws in */
	judged(&rep, dir, 0x70, 0xc0000000, 4096, VFD_WARN);
	vfd_report_clear(&rep);
	tree_free(dir);
}

static void gop_elsewhere(void **state)
{
	char *dir = guest_tree();
	struct vfd_report rep;
	const struct vfd_finding *f;

	(void)state;
	/* the firmware drew on the Cirrus VGA: a dark screen on the GPU until its driver */
	f = judged(&rep, dir, 0x70, 0xfc000000, 4096, VFD_WARN);
	assert_string_equal(f->device, GPU);
	assert_non_null(strstr(f->summary, "the UEFI GOP's framebuffer is not on the "
				       "passed-through GPU"));
	assert_true(in_evidence(f, "the framebuffer is in BAR 0 of " OTHER " (1013:00b8)"));
	assert_non_null(f->fix);
	vfd_report_clear(&rep);
	tree_free(dir);
}

static void no_display_handed_over(void **state)
{
	char *dir = guest_tree();
	struct vfd_report rep;
	const struct vfd_finding *f;

	(void)state;
	/* a PVH or direct boot leaves screen_info zero: not known, not a problem */
	f = judged(&rep, dir, 0, 0, 4096, VFD_INFO);
	assert_true(in_evidence(f, "video type 0x00"));
	vfd_report_clear(&rep);

	/* the same under UEFI: the EFI stub found no GOP at all */
	tree_file(dir, "sys/firmware/efi/fw_platform_size", "64\n");
	f = judged(&rep, dir, 0, 0, 4096, VFD_WARN);
	assert_non_null(strstr(f->summary, "handed the kernel no framebuffer"));
	assert_non_null(f->fix);
	vfd_report_clear(&rep);

	/* a truncated file: said, not read past */
	f = judged(&rep, dir, 0, 0, 16, VFD_INFO);
	assert_non_null(strstr(f->summary, "16 bytes, too short"));
	vfd_report_clear(&rep);
	tree_free(dir);
}

static void not_on_x86(void **state)
{
	char *dir = guest_tree();
	struct vfd_report rep;

	(void)state;
	/* no boot_params (an ARM guest, a snapshot without it): nothing said */
	rep = run(dir);
	assert_null(boot_display(&rep));
	vfd_report_clear(&rep);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader),
		cmocka_unit_test(gop_on_the_gpu),
		cmocka_unit_test(gop_elsewhere),
		cmocka_unit_test(no_display_handed_over),
		cmocka_unit_test(not_on_x86),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
