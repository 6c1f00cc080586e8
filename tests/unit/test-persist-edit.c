// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * persist's pure editors on real-world shaped files: comments, quoting,
 * continuation lines, existing vfio options, CRLF, empty and missing files;
 * and the unified diff persist shows. Whole plans in sysroot trees are
 * test-persist.c's.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "persist.h"
#include "vfd.h"

/* ------------------------------------------------------------ helpers */

static char *edit_grub(const char *in, const char *const *add, const char *const *rm,
		       int *r, struct vfd_parse_error *e)
{
	struct cmdline_edit ed = { .add = add, .remove = rm };
	char *out = NULL;

	memset(e, 0, sizeof(*e));
	*r = grub_edit(in, strlen(in), &ed, &out, NULL, NULL, NULL, e);
	return out;
}

static const char *const on[] = { "intel_iommu=on", NULL };
static const char *const bad[] = { "amd_iommu=on", "iommu=off", "intel_iommu=off", NULL };

/* the edit, then the same edit of its result: nothing more may change */
static void grub_case(const char *in, const char *expect)
{
	struct vfd_parse_error e;
	char *out, *again;
	int r;

	out = edit_grub(in, on, bad, &r, &e);
	if (r != 0)
		fail_msg("grub_edit failed: line %u: %s", e.line, e.message);
	assert_string_equal(out, expect);
	again = edit_grub(out, on, bad, &r, &e);
	assert_int_equal(r, 0);
	assert_string_equal(again, out);
	free(again);
	free(out);
}

static void grub_fails(const char *in, unsigned int line, const char *msg)
{
	struct vfd_parse_error e;
	char *out;
	int r;

	out = edit_grub(in, on, bad, &r, &e);
	assert_int_equal(r, -EINVAL);
	assert_null(out);
	assert_int_equal(e.line, line);
	if (!strstr(e.message, msg))
		fail_msg("error '%s' does not say '%s'", e.message, msg);
}

/* ------------------------------------------------------------- blocks */

static void block_new_and_replace(void **state)
{
	static const char *const two[] = { "softdep nouveau pre: vfio-pci", "x", NULL };
	static const char *const one[] = { "y", NULL };
	char *out = NULL, *out2 = NULL, *out3 = NULL;
	size_t len;

	(void)state;
	/* a last line without its newline gets one before the block */
	assert_int_equal(block_set("options kvm ignore_msrs=1", 25, two, &out, &len, NULL), 0);
	assert_string_equal(out, "options kvm ignore_msrs=1\n"
			    BLOCK_BEGIN " (remove with: vfio-doctor persist --undo)\n"
			    "softdep nouveau pre: vfio-pci\nx\n" BLOCK_END "\n");
	/* replaced in place, the rest kept */
	assert_int_equal(block_set(out, len, one, &out2, &len, NULL), 0);
	assert_non_null(strstr(out2, "\ny\n" BLOCK_END "\n"));
	assert_null(strstr(out2, "softdep"));
	/* no lines: no block */
	assert_int_equal(block_set(out2, len, NULL, &out3, &len, NULL), 0);
	assert_string_equal(out3, "options kvm ignore_msrs=1\n");
	free(out);
	free(out2);
	free(out3);
	/* modprobe.d joins a line ending in a backslash (here without its newline) with the next */
	assert_int_equal(block_set("options kvm \\\n", 13, one, &out, &len, NULL), 0);
	assert_string_equal(out, "options kvm \\\n\n"
			    BLOCK_BEGIN " (remove with: vfio-doctor persist --undo)\ny\n" BLOCK_END "\n");
	free(out);
	/* an empty file: just the block */
	assert_int_equal(block_set("", 0, one, &out, &len, NULL), 0);
	assert_int_equal(strncmp(out, BLOCK_BEGIN, strlen(BLOCK_BEGIN)), 0);
	free(out);
}

static void block_crlf(void **state)
{
	static const char *const one[] = { "vfio", NULL };
	const char *in = "# modules\r\nraid1\r\n";
	char *out = NULL;
	size_t len;

	(void)state;
	assert_int_equal(block_set(in, strlen(in), one, &out, &len, NULL), 0);
	assert_string_equal(out, "# modules\r\nraid1\r\n" BLOCK_BEGIN
			    " (remove with: vfio-doctor persist --undo)\r\nvfio\r\n" BLOCK_END "\r\n");
	free(out);
}

static void block_broken(void **state)
{
	struct vfd_parse_error e = { 0 };
	size_t s, n;
	char *out = NULL;
	const char *no_end = "a\n" BLOCK_BEGIN "\nx\n";
	const char *no_begin = "a\n" BLOCK_END "\n";
	const char *two = BLOCK_BEGIN "\n" BLOCK_END "\n" BLOCK_BEGIN "\n" BLOCK_END "\n";

	(void)state;
	assert_int_equal(block_find(no_end, strlen(no_end), &s, &n, &e), -EINVAL);
	assert_int_equal(e.line, 2);
	assert_int_equal(block_find(no_begin, strlen(no_begin), &s, &n, &e), -EINVAL);
	assert_int_equal(e.line, 2);
	assert_int_equal(block_set(two, strlen(two), NULL, &out, &n, &e), -EINVAL);
	assert_int_equal(e.line, 3);
	assert_null(out);
}

/* --------------------------------------------------------------- grub */

static void grub_debian_default(void **state)
{
	(void)state;
	grub_case("# If you change this file, run 'update-grub' afterwards to update\n"
		  "GRUB_DEFAULT=0\n"
		  "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
		  "GRUB_CMDLINE_LINUX=\"\"\n",
		  "# If you change this file, run 'update-grub' afterwards to update\n"
		  "GRUB_DEFAULT=0\n"
		  "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n"
		  "GRUB_CMDLINE_LINUX=\"\"\n");
}

static void grub_quoting(void **state)
{
	(void)state;
	/* single quotes stay single */
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT='quiet splash'\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT='quiet splash intel_iommu=on'\n");
	/* an unquoted value becomes quoted so the new word stays in it */
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=quiet\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n");
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=\n", "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	/* a trailing comment and export are kept */
	grub_case("export GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\" # mine\n",
		  "export GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\" # mine\n");
	/* escaped characters in the value are left as written */
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=\"acpi_osi=\\\"Windows 2020\\\" quiet\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"acpi_osi=\\\"Windows 2020\\\" quiet intel_iommu=on\"\n");
}

static void grub_continuation(void **state)
{
	(void)state;
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \\\n    amd_iommu=on splash\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \\\n    splash intel_iommu=on\"\n");
	/* a multi-line value of another variable holds no assignment */
	grub_case("GRUB_X=\"a\nGRUB_CMDLINE_LINUX_DEFAULT=nope\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"\"\n",
		  "GRUB_X=\"a\nGRUB_CMDLINE_LINUX_DEFAULT=nope\"\n"
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	/*
	 * a last line the shell continues (found by the fuzzer): an empty line
	 * first, or the added assignment would be part of the value before it
	 */
	grub_case("GRUB_CMDLINE_LINUX=a\\\\\\\r\n",
		  "GRUB_CMDLINE_LINUX=a\\\\\\\r\n\r\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\r\n");
	grub_case("GRUB_CMDLINE_LINUX=a\\\n",
		  "GRUB_CMDLINE_LINUX=a\\\n\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	/* no newline at the end: the one added would make "\\\r" a continuation */
	grub_case("\nGRUB_CMDLINE_LINUX=\\\r",
		  "\nGRUB_CMDLINE_LINUX=\\\r\n\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	/* cutting the last word leaves a backslash last: the newline added continues it */
	grub_case("\nGRUB_CMDLINE_LINUX=\\\riommu=off",
		  "\nGRUB_CMDLINE_LINUX=\\\r\n\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	/* an even run of backslashes is backslashes: no continuation */
	grub_case("GRUB_CMDLINE_LINUX=a\\\\\n",
		  "GRUB_CMDLINE_LINUX=a\\\\\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
}

static void grub_existing_options(void **state)
{
	(void)state;
	/* already there, in either variable, alone or among other values */
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n");
	grub_case("GRUB_CMDLINE_LINUX=\"intel_iommu=igfx_off,on\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"\"\n",
		  "GRUB_CMDLINE_LINUX=\"intel_iommu=igfx_off,on\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"\"\n");
	/* wrong words go wherever they are, without leaving double blanks */
	grub_case("GRUB_CMDLINE_LINUX=\"iommu=off rhgb\"\n"
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"amd_iommu=on quiet intel_iommu=off\"\n",
		  "GRUB_CMDLINE_LINUX=\"rhgb\"\n"
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n");
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=\"amd_iommu=on iommu=off\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	/* other vfio options are not ours to touch */
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=\"vfio-pci.ids=10de:1f06 iommu=pt\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"vfio-pci.ids=10de:1f06 iommu=pt intel_iommu=on\"\n");
	/* the last assignment is the one the shell keeps */
	grub_case("GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"b\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"b intel_iommu=on\"\n");
}

static void grub_missing_line_empty_crlf(void **state)
{
	(void)state;
	/* Fedora sets only GRUB_CMDLINE_LINUX: a new line at the end */
	grub_case("GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"rhgb quiet\"",
		  "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"rhgb quiet\"\n"
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	grub_case("", "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	grub_case("GRUB_TIMEOUT=5\r\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\r\n",
		  "GRUB_TIMEOUT=5\r\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\r\n");
	grub_case("GRUB_TIMEOUT=5\r\n", "GRUB_TIMEOUT=5\r\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\r\n");
}

static void grub_unparsable(void **state)
{
	(void)state;
	grub_fails("GRUB_A=1\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\n", 2, "unterminated double quote");
	grub_fails("GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT quiet\"\n", 1,
		   "computed by the shell");
	grub_fails("GRUB_CMDLINE_LINUX=`cat /etc/cmdline`\n", 1, "computed by the shell");
	grub_fails("GRUB_CMDLINE_LINUX_DEFAULT+=\" quiet\"\n", 1, "adds to itself");
	grub_fails("GRUB_CMDLINE_LINUX_DEFAULT=(a b)\n", 1, "array");
	/* a word to remove quoted in parts cannot be cut out alone */
	grub_fails("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet amd_\"'iommu=on'\n", 1, "quoted in parts");
	/* another variable's unterminated quote: nothing after it can be trusted */
	grub_fails("GRUB_X='a\nGRUB_CMDLINE_LINUX_DEFAULT=\"\"\n", 1, "unterminated single quote");
	/* cutting the word after an escaped '\r' would join the next line to the value */
	grub_fails("GRUB_CMDLINE_LINUX=a\\\riommu=off\nGRUB_TIMEOUT=5\n", 1,
		   "would not read back as intended");
}

static void grub_reverse(void **state)
{
	static const char *const back[] = { "amd_iommu=on", NULL };
	struct cmdline_edit ed = { .add = back, .remove = on };
	const char *in = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n";
	char *out = NULL, **added = NULL, **removed = NULL;
	int r;

	(void)state;
	r = grub_edit(in, strlen(in), &ed, &out, NULL, &added, &removed, NULL);
	assert_int_equal(r, 0);
	assert_string_equal(out, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet amd_iommu=on\"\n");
	assert_string_equal(added[0], "amd_iommu=on");
	assert_null(added[1]);
	assert_string_equal(removed[0], "intel_iommu=on");
	vfd_strv_free(added);
	vfd_strv_free(removed);
	free(out);
}

/* ------------------------------------------------------ kernel/cmdline */

struct edit_case {
	const char *in, *out;
};

typedef int (*cmdline_editor)(const char *, size_t, const struct cmdline_edit *, char **,
			      size_t *, char ***, char ***, struct vfd_parse_error *);

/* each input edited to its output, and the output edited again left as it is */
static void edit_cases(cmdline_editor ed, const struct edit_case *cases, size_t n)
{
	struct cmdline_edit e = { .add = on, .remove = bad };

	for (size_t i = 0; i < n; i++) {
		char *out = NULL, *again = NULL;

		assert_int_equal(ed(cases[i].in, strlen(cases[i].in), &e, &out, NULL, NULL, NULL,
				    NULL), 0);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(ed(out, strlen(out), &e, &again, NULL, NULL, NULL, NULL), 0);
		assert_string_equal(again, out);
		free(out);
		free(again);
	}
}

static void kcmdline_cases(void **state)
{
	static const struct edit_case cases[] = {
		{ "root=UUID=0a1b rw quiet\n", "root=UUID=0a1b rw quiet intel_iommu=on\n" },
		{ "root=UUID=0a1b rw quiet", "root=UUID=0a1b rw quiet intel_iommu=on" },
		{ "root=/dev/sda2 amd_iommu=on quiet\r\n", "root=/dev/sda2 quiet intel_iommu=on\r\n" },
		{ "amd_iommu=on\n", "intel_iommu=on\n" },
		{ "", "intel_iommu=on\n" },
		{ "\n", "intel_iommu=on\n" },
		{ "root=/dev/sda2 acpi_osi=\"Windows 2015\"\n",
		  "root=/dev/sda2 acpi_osi=\"Windows 2015\" intel_iommu=on\n" },
		{ "intel_iommu=on,sm_on rw\n", "intel_iommu=on,sm_on rw\n" },
	};

	(void)state;
	edit_cases(kcmdline_edit, cases, sizeof(cases) / sizeof(cases[0]));
}

/* loader entries (BLS type #1): every options line, words after the last one's */
static void entry_cases(void **state)
{
	static const struct edit_case cases[] = {
		{ "title Arch Linux\nlinux /vmlinuz-linux\noptions root=UUID=0a1b rw\n",
		  "title Arch Linux\nlinux /vmlinuz-linux\noptions root=UUID=0a1b rw intel_iommu=on\n" },
		{ "options  root=/dev/sda2 intel_iommu=off quiet\r\ninitrd /initrd\r\n",
		  "options  root=/dev/sda2 quiet intel_iommu=on\r\ninitrd /initrd\r\n" },
		/* two options lines: removal from both, the word after the last */
		{ "options root=/dev/sda2 iommu=off\noptions quiet\n",
		  "options root=/dev/sda2\noptions quiet intel_iommu=on\n" },
		/* already given by the first line: nothing added */
		{ "options intel_iommu=on\noptions quiet\n", "options intel_iommu=on\noptions quiet\n" },
		/* no options line: a new one at the end */
		{ "title x\nlinux /vmlinuz", "title x\nlinux /vmlinuz\noptions intel_iommu=on\n" },
		{ "options intel_iommu=off\n", "options intel_iommu=on\n" },
		{ "options \n", "options intel_iommu=on\n" },
		/* "optionsX" and a comment are not the options key */
		{ "# options x\noptionsfoo y\n", "# options x\noptionsfoo y\noptions intel_iommu=on\n" },
		{ "options acpi_osi=\"Windows 2015\" rw\n",
		  "options acpi_osi=\"Windows 2015\" rw intel_iommu=on\n" },
		/* the first word goes, the blank after "options" stays (found by
		 * fuzz-persist-grub: a carriage return or form feed after the word
		 * was left against "options", and the line read as no options line) */
		{ "options intel_iommu=off quiet\n", "options quiet intel_iommu=on\n" },
		{ "options intel_iommu=off\rquiet\n", "options \rquiet intel_iommu=on\n" },
		{ "options intel_iommu=off\fquiet\n", "options \fquiet intel_iommu=on\n" },
	};
	struct cmdline_edit ed = { .add = on, .remove = bad };

	(void)state;
	edit_cases(entry_options_edit, cases, sizeof(cases) / sizeof(cases[0]));
	{
		struct vfd_parse_error e = { 0 };
		char *out = NULL;

		assert_int_equal(entry_options_edit("title t\noptions a=\"b\n", 20, &ed, &out, NULL,
						    NULL, NULL, &e), -EINVAL);
		assert_int_equal(e.line, 2);
		assert_null(out);
	}
}

/* grubby's platforms: the words go into GRUB_CMDLINE_LINUX */
static void grub_to_all(void **state)
{
	struct cmdline_edit ed = { .add = on, .remove = bad, .to_all = true };
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "GRUB_CMDLINE_LINUX=\"rhgb quiet\"\n", "GRUB_CMDLINE_LINUX=\"rhgb quiet intel_iommu=on\"\n" },
		{ "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=off\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\nGRUB_CMDLINE_LINUX=\"intel_iommu=on\"\n" },
		{ "GRUB_CMDLINE_LINUX=rhgb\n", "GRUB_CMDLINE_LINUX=\"rhgb intel_iommu=on\"\n" },
		{ "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;

		assert_int_equal(grub_edit(cases[i].in, strlen(cases[i].in), &ed, &out, NULL, NULL,
					   NULL, NULL), 0);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

/* ------------------------------------------------------------ modprobe */

static void modprobe_reads(void **state)
{
	const char *in = "# vfio\n"
			 "options vfio-pci ids=10de:1f06,10de:10f9 disable_vga=1\n"
			 "softdep nouveau pre: vfio-pci\n"
			 "softdep snd_hda_intel \\\n   pre: vfio_pci post: foo\n"
			 "  # options vfio_pci ids=dead:beef\n"
			 "softdep amdgpu pre: drm\r\n"
			 BLOCK_BEGIN "\nsoftdep radeon pre: vfio-pci\n" BLOCK_END "\n"
			 "options vfio_pci ids=1002:73bf\n";
	struct modprobe_info info = { 0 };

	(void)state;
	assert_int_equal(modprobe_parse(in, strlen(in), &info, NULL), 0);
	assert_int_equal(vfd_strv_len(info.vfio_ids), 3);
	assert_string_equal(info.vfio_ids[0], "10de:1f06");
	assert_string_equal(info.vfio_ids[2], "1002:73bf");
	assert_int_equal(vfd_strv_len(info.softdeps), 3);
	assert_string_equal(info.softdeps[2], "amdgpu");
	/* persist's own block is not what the file "already says" */
	assert_int_equal(vfd_strv_len(info.softdeps_vfio), 2);
	assert_string_equal(info.softdeps_vfio[1], "snd_hda_intel");
	assert_true(module_name_eq("snd-hda-intel", "snd_hda_intel"));
	modprobe_info_clear(&info);
}

static void modules_file(void **state)
{
	const char *in = "# List of modules\n# raid1\nsd_mod\n  vfio_pci ids=1\r\n\n";
	char **n = NULL;

	(void)state;
	assert_int_equal(modules_file_names(in, strlen(in), &n), 0);
	assert_int_equal(vfd_strv_len(n), 2);
	assert_string_equal(n[1], "vfio_pci");
	vfd_strv_free(n);
}

/* --------------------------------------------------------- mkinitcpio */

static const char *const mk_mods[] = { "vfio_pci", "vfio", "vfio_iommu_type1", NULL };

static char *edit_array(const char *in, const char *name, const char *const *pre,
			const char *const *app, const char *const *rm, int *r)
{
	struct array_edit e = { name, pre, app, rm, strcmp(name, "MODULES") == 0 };
	char *out = NULL;

	*r = shell_array_edit(in, strlen(in), &e, &out, NULL, NULL, NULL, NULL);
	return out;
}

static void array_case(const char *in, const char *name, const char *const *pre,
		       const char *const *app, const char *expect)
{
	char *out, *again;
	int r;

	out = edit_array(in, name, pre, app, NULL, &r);
	assert_int_equal(r, 0);
	assert_string_equal(out, expect);
	again = edit_array(out, name, pre, app, NULL, &r);
	assert_int_equal(r, 0);
	assert_string_equal(again, out);
	free(out);
	free(again);
}

static void mkinitcpio_arrays(void **state)
{
	static const char *const rule[] = { "/etc/udev/rules.d/60-vfio-doctor.rules", NULL };

	(void)state;
	array_case("MODULES=()\n", "MODULES", mk_mods, NULL,
		   "MODULES=(vfio_pci vfio vfio_iommu_type1)\n");
	array_case("# MODULES=(usbhid)\nMODULES=(amdgpu)\n", "MODULES", mk_mods, NULL,
		   "# MODULES=(usbhid)\nMODULES=(vfio_pci vfio vfio_iommu_type1 amdgpu)\n");
	/* already listed, with '-' or '_': not again */
	array_case("MODULES=(vfio-pci amdgpu)\n", "MODULES", mk_mods, NULL,
		   "MODULES=(vfio vfio_iommu_type1 vfio-pci amdgpu)\n");
	/* several lines, comments, quotes */
	array_case("MODULES=(\n  'amdgpu' # the GPU\n  \"usbhid\"\n)\n", "MODULES", mk_mods, NULL,
		   "MODULES=(vfio_pci vfio vfio_iommu_type1\n  'amdgpu' # the GPU\n  \"usbhid\"\n)\n");
	/* the old string form */
	array_case("MODULES=\"amdgpu\"\n", "MODULES", mk_mods, NULL,
		   "MODULES=\"vfio_pci vfio vfio_iommu_type1 amdgpu\"\n");
	array_case("MODULES=\"\"\n", "MODULES", mk_mods, NULL,
		   "MODULES=\"vfio_pci vfio vfio_iommu_type1\"\n");
	array_case("FILES=(/etc/foo)\n", "FILES", NULL, rule,
		   "FILES=(/etc/foo /etc/udev/rules.d/60-vfio-doctor.rules)\n");
	array_case("FILES=()\r\n", "FILES", NULL, rule,
		   "FILES=(/etc/udev/rules.d/60-vfio-doctor.rules)\r\n");
	/* no assignment at all, or an empty file */
	array_case("HOOKS=(base udev)", "MODULES", mk_mods, NULL,
		   "HOOKS=(base udev)\nMODULES=(vfio_pci vfio vfio_iommu_type1)\n");
	array_case("", "MODULES", mk_mods, NULL, "MODULES=(vfio_pci vfio vfio_iommu_type1)\n");
}

static void mkinitcpio_remove_and_errors(void **state)
{
	char *out, **hooks = NULL;
	int r;

	(void)state;
	out = edit_array("MODULES=(vfio_pci vfio vfio_iommu_type1 amdgpu)\n", "MODULES", NULL, NULL,
			 mk_mods, &r);
	assert_int_equal(r, 0);
	assert_string_equal(out, "MODULES=(amdgpu)\n");
	free(out);
	out = edit_array("MODULES=(vfio_pci vfio vfio_iommu_type1)\n", "MODULES", NULL, NULL,
			 mk_mods, &r);
	assert_string_equal(out, "MODULES=()\n");
	free(out);
	out = edit_array("MODULES=(amdgpu\n", "MODULES", mk_mods, NULL, NULL, &r);
	assert_int_equal(r, -EINVAL);
	assert_null(out);
	out = edit_array("MODULES=($EXTRA)\n", "MODULES", mk_mods, NULL, NULL, &r);
	assert_int_equal(r, -EINVAL);
	assert_int_equal(sh_get_words("HOOKS=(base udev modconf)\n", 25, "HOOKS", &hooks, NULL), 0);
	assert_int_equal(vfd_strv_len(hooks), 3);
	vfd_strv_free(hooks);
}

/* --------------------------------------------------------------- diff */

static void diff_format(void **state)
{
	char *d;

	(void)state;
	d = unified_diff("/a", "x\n", 2, "/a", "x\n", 2);
	assert_string_equal(d, "");
	free(d);
	d = unified_diff(NULL, "", 0, "/n", "a\nb\n", 4);
	assert_string_equal(d, "--- /dev/null\n+++ /n\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	free(d);
	d = unified_diff("/n", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", 18, "/n",
			 "1\n2\n3\n4\nX\n6\n7\n8\n9", 17);
	assert_string_equal(d, "--- /n\n+++ /n\n@@ -2,8 +2,8 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"
			    "-9\n+9\n\\ No newline at end of file\n");
	free(d);
	d = unified_diff("/n", "a\n", 2, NULL, "", 0);
	assert_string_equal(d, "--- /n\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(block_new_and_replace),
		cmocka_unit_test(block_crlf),
		cmocka_unit_test(block_broken),
		cmocka_unit_test(grub_debian_default),
		cmocka_unit_test(grub_quoting),
		cmocka_unit_test(grub_continuation),
		cmocka_unit_test(grub_existing_options),
		cmocka_unit_test(grub_missing_line_empty_crlf),
		cmocka_unit_test(grub_unparsable),
		cmocka_unit_test(grub_reverse),
		cmocka_unit_test(kcmdline_cases),
		cmocka_unit_test(entry_cases),
		cmocka_unit_test(grub_to_all),
		cmocka_unit_test(modprobe_reads),
		cmocka_unit_test(modules_file),
		cmocka_unit_test(mkinitcpio_arrays),
		cmocka_unit_test(mkinitcpio_remove_and_errors),
		cmocka_unit_test(diff_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
