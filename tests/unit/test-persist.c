// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * persist: the pure editors on real-world shaped files (comments, quoting,
 * continuation lines, existing vfio options, CRLF, empty and missing files),
 * then whole plans in sysroot trees laid out as Debian, Fedora and Arch hosts,
 * with golden diffs, a second run that must change nothing and an undo that
 * must give back byte-identical files.
 * usage: test-persist [SOURCE_DIR] (for tests/expected/persist; the golden
 * comparisons are skipped without it). VFD_TEST_REGENERATE=1 rewrites them.
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
#include "tree.h"
#include "vfd.h"

static const char *srcdir;

/* ------------------------------------------------------------ helpers */

static char *edit_grub(const char *in, const char *const *add, const char *const *rm,
		       int *r, struct edit_error *e)
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
	struct edit_error e;
	char *out, *again;
	int r;

	out = edit_grub(in, on, bad, &r, &e);
	if (r != 0)
		fail_msg("grub_edit failed: line %u: %s", e.line, e.msg);
	assert_string_equal(out, expect);
	again = edit_grub(out, on, bad, &r, &e);
	assert_int_equal(r, 0);
	assert_string_equal(again, out);
	free(again);
	free(out);
}

static void grub_fails(const char *in, unsigned int line, const char *msg)
{
	struct edit_error e;
	char *out;
	int r;

	out = edit_grub(in, on, bad, &r, &e);
	assert_int_equal(r, -EINVAL);
	assert_null(out);
	assert_int_equal(e.line, line);
	if (!strstr(e.msg, msg))
		fail_msg("error '%s' does not say '%s'", e.msg, msg);
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
	struct edit_error e = { 0 };
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
			      size_t *, char ***, char ***, struct edit_error *);

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
	};
	struct cmdline_edit ed = { .add = on, .remove = bad };

	(void)state;
	edit_cases(entry_options_edit, cases, sizeof(cases) / sizeof(cases[0]));
	{
		struct edit_error e = { 0 };
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

/* ---------------------------------------------------------- sysroots */

#define PORT "0000:00:01.0"
#define GPU "0000:01:00.0"
#define AUDIO "0000:01:00.1"

struct fx {
	char *dir;
	struct vfd_root *root;
	struct vfd_host *host;
};

static void gpu(struct fx *fx, uint16_t vendor, uint16_t dev, uint16_t adev, const char *drv,
		const char *adrv)
{
	fx->dir = tree_new();
	tree_device(fx->dir, "pci0000:00/" PORT, 0x8086, 0x1901, 0x060400, 1, 4, true, "pcieport", 1);
	tree_device(fx->dir, "pci0000:00/" PORT "/" GPU, vendor, dev, 0x030000, 0, 0, false, drv, 2);
	tree_device(fx->dir, "pci0000:00/" PORT "/" AUDIO, vendor, adev, 0x040300, 0, 0, false, adrv, 2);
}

static void open_fx(struct fx *fx)
{
	/* a test tree persist may write files into; sysfs writes stay refused */
	fx->root = vfd_root_open(fx->dir, VFD_ROOT_WRITABLE);
	assert_non_null(fx->root);
	fx->host = vfd_host_new(fx->root);
	assert_non_null(fx->host);
}

static void rescan(struct fx *fx)
{
	vfd_host_free(fx->host);
	fx->host = vfd_host_new(fx->root);
	assert_non_null(fx->host);
}

static void close_fx(struct fx *fx)
{
	vfd_host_free(fx->host);
	vfd_root_unref(fx->root);
	tree_free(fx->dir);
}

/* every regular file below DIR/etc, "path\n<content>\n" sorted (caller frees) */
static void snap_walk(const char *base, const char *rel, char ***v, size_t *n)
{
	char path[8192];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char sub[2048];
		struct stat st;

		if (de->d_name[0] == '.' && (!de->d_name[1] || de->d_name[1] == '.'))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		snprintf(path, sizeof(path), "%s/%s", base, sub);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			snap_walk(base, sub, v, n);
		} else {
			FILE *f = fopen(path, "r");
			char *buf = calloc(1, (size_t)st.st_size + 1);

			if (f && buf && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
				*v = realloc(*v, (*n + 2) * sizeof(**v));
				if (asprintf(&(*v)[*n], "%s %o\n%s", sub, st.st_mode & 0777, buf) > 0)
					(*n)++;
				(*v)[*n] = NULL;
			}
			free(buf);
			if (f)
				fclose(f);
		}
	}
	if (d)
		closedir(d);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *snapshot_etc(const char *dir)
{
	char **v = NULL, *all = NULL;
	size_t n = 0, len = 0;
	FILE *f = open_memstream(&all, &len);

	snap_walk(dir, "etc", &v, &n);
	snap_walk(dir, "boot", &v, &n);
	if (n)
		qsort(v, n, sizeof(*v), str_cmp);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "== %s\n", v[i]);
	fclose(f);
	vfd_strv_free(v);
	return all;
}

/* the plan as text: problems, then each change's diff */
static char *render(const struct vfd_persist_plan *p)
{
	char *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len);

	for (size_t i = 0; i < p->problems.n; i++)
		fprintf(f, "%s: %s\n", vfd_status_name(p->problems.findings[i].status),
			p->problems.findings[i].summary);
	for (size_t i = 0; i < p->nchanges; i++) {
		char *d = vfd_file_change_diff(&p->changes[i]);

		fprintf(f, "# %s%s\n%s", p->changes[i].why, p->changes[i].backup ? " (backup)" : "",
			d ? d : "(no diff)\n");
		free(d);
	}
	for (char **d = p->devices; d && *d; d++)
		fprintf(f, "persisted: %s\n", *d);
	for (char **c = p->commands; c && *c; c++)
		fprintf(f, "then run: %s\n", *c);
	fclose(f);
	return all;
}

/* the rendered plan against tests/expected/persist/NAME.diff */
static void golden(const char *name, const char *text)
{
	char path[4096], *want = NULL;
	size_t len = 0;
	FILE *f;

	if (!srcdir)
		return;
	snprintf(path, sizeof(path), "%s/expected/persist/%s.diff", srcdir, name);
	if (getenv("VFD_TEST_REGENERATE") && strcmp(getenv("VFD_TEST_REGENERATE"), "1") == 0) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
		return;
	}
	f = fopen(path, "r");
	if (!f)
		fail_msg("no golden file %s (VFD_TEST_REGENERATE=1 makes it)", path);
	want = calloc(1, 1 << 20);
	len = fread(want, 1, (1 << 20) - 1, f);
	fclose(f);
	want[len] = '\0';
	if (strcmp(want, text) != 0) {
		fprintf(stderr, "# %s differs from the plan:\n%s", path, text);
		fail_msg("golden %s differs", name);
	}
	free(want);
}

/*
 * The whole cycle on one tree: plan against the golden diff, apply, a second
 * plan that changes nothing, undo back to the very same files.
 */
static void cycle(struct fx *fx, const char *name, const char *const *devices,
		  const struct vfd_persist_opts *opts)
{
	struct vfd_persist_opts undo = { .undo = true };
	struct vfd_persist_plan p;
	char *before = snapshot_etc(fx->dir), *text, *after;

	open_fx(fx);
	assert_int_equal(vfd_plan_persist(fx->host, devices, opts, &p), 0);
	assert_false(p.refused);
	text = render(&p);
	golden(name, text);
	free(text);
	assert_true(p.nchanges > 0);
	assert_int_equal(vfd_persist_apply(fx->host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);

	rescan(fx);
	assert_int_equal(vfd_plan_persist(fx->host, devices, opts, &p), 0);
	if (p.nchanges) {
		text = render(&p);
		fail_msg("a second run still changes files:\n%s", text);
	}
	vfd_persist_plan_clear(&p);

	assert_int_equal(vfd_plan_persist(fx->host, NULL, &undo, &p), 0);
	assert_true(p.nchanges > 0);
	assert_int_equal(vfd_persist_apply(fx->host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	after = snapshot_etc(fx->dir);
	assert_string_equal(after, before);
	free(after);
	free(before);

	/* and undoing again finds nothing */
	assert_int_equal(vfd_plan_persist(fx->host, NULL, &undo, &p), 0);
	assert_int_equal(p.nchanges, 0);
	vfd_persist_plan_clear(&p);
}

static const char *const gpu_args[] = { GPU, AUDIO, NULL };

static void debian_tree(struct fx *fx)
{
	gpu(fx, 0x10de, 0x1f06, 0x10f9, "nouveau", "snd_hda_intel");
	tree_file(fx->dir, "etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
		  "NAME=\"Debian GNU/Linux\"\nID=debian\n");
	tree_file(fx->dir, "etc/default/grub",
		  "# If you change this file, run 'update-grub' afterwards to update\n"
		  "# /boot/grub/grub.cfg.\n"
		  "# For full documentation of the options in this file, see:\n"
		  "#   info -f grub -n 'Simple configuration'\n"
		  "\n"
		  "GRUB_DEFAULT=0\n"
		  "GRUB_TIMEOUT=5\n"
		  "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet amd_iommu=on\"\n"
		  "GRUB_CMDLINE_LINUX=\"\"\n"
		  "\n"
		  "# Uncomment to enable BadRAM filtering, modify to suit your needs\n"
		  "#GRUB_BADRAM=\"0x01234567,0xfefefefe,0x89abcdef,0xefefefef\"\n");
	tree_file(fx->dir, "etc/initramfs-tools/modules",
		  "# List of modules that you want to include in your initramfs.\n"
		  "# They will be loaded at boot time in the order below.\n"
		  "#\n# Syntax:  module_name [args ...]\n#\n"
		  "# You must run update-initramfs(8) to effect this change.\n#\n"
		  "# Examples:\n#\n# raid1\n# sd_mod\n");
	tree_file(fx->dir, "etc/modprobe.d/vfio.conf", "# mine\noptions kvm ignore_msrs=1");
	tree_file(fx->dir, "sys/firmware/acpi/tables/DMAR", "DMAR");
	tree_file(fx->dir, "proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-6.1.0-test root=/dev/sda1 ro "
		  "quiet intel_iommu=on\n");
}

static void golden_debian(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };

	(void)state;
	debian_tree(&fx);
	cycle(&fx, "debian", gpu_args, &none);
	close_fx(&fx);
}

static void golden_fedora(void **state)
{
	static const struct vfd_persist_opts by_id = { .by_id = true };
	static const char *const args[] = { "10de:2204", AUDIO, NULL };
	struct fx fx = { 0 };
	char path[4096];

	(void)state;
	gpu(&fx, 0x10de, 0x2204, 0x1aef, "nvidia", "snd_hda_intel");
	tree_file(fx.dir, "etc/os-release", "NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=40\n");
	tree_file(fx.dir, "etc/default/grub",
		  "GRUB_TIMEOUT=5\n"
		  "GRUB_DISTRIBUTOR=\"$(sed 's, release .*$,,g' /etc/system-release)\"\n"
		  "GRUB_DEFAULT=saved\n"
		  "GRUB_DISABLE_SUBMENU=true\n"
		  "GRUB_TERMINAL_OUTPUT=\"console\"\n"
		  "GRUB_CMDLINE_LINUX=\"rd.lvm.lv=fedora/root rhgb quiet\"\n"
		  "GRUB_DISABLE_RECOVERY=\"true\"\n"
		  "GRUB_ENABLE_BLSCFG=true\n");
	snprintf(path, sizeof(path), "%s/etc/dracut.conf.d", fx.dir);
	assert_int_equal(mkdir(path, 0755), 0);
	/* anaconda writes it for kernel-install's 20-grub plugin */
	tree_file(fx.dir, "etc/kernel/cmdline", "root=/dev/mapper/fedora-root ro rd.lvm.lv=fedora/root "
		  "rhgb quiet\n");
	tree_file(fx.dir, "etc/modprobe.d/nvidia.conf", "options nvidia NVreg_PreserveVideoMemoryAllocations=1\n");
	tree_file(fx.dir, "sys/firmware/acpi/tables/DMAR", "DMAR");
	tree_file(fx.dir, "proc/cmdline", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=/dev/mapper/fedora-root "
		  "ro intel_iommu=on rhgb quiet\n");
	cycle(&fx, "fedora", args, &by_id);
	close_fx(&fx);
}

static void golden_arch(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };

	(void)state;
	gpu(&fx, 0x1002, 0x73bf, 0xab28, "amdgpu", "snd_hda_intel");
	tree_file(fx.dir, "etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n");
	tree_file(fx.dir, "etc/kernel/cmdline", "root=UUID=0a3407de-014b-458b-b5c1-848e92a327a3 rw "
		  "amd_iommu=on quiet\n");
	tree_file(fx.dir, "etc/mkinitcpio.conf",
		  "# vim:set ft=sh\n"
		  "# MODULES\n"
		  "# The following modules are loaded before any boot hooks are\n"
		  "# run.  Advanced users may wish to specify all system modules\n"
		  "# in this array.  For instance:\n"
		  "#     MODULES=(usbhid xhci_hcd)\n"
		  "MODULES=(amdgpu)\n"
		  "\n"
		  "# BINARIES\n"
		  "BINARIES=()\n"
		  "\n"
		  "# FILES\n"
		  "FILES=()\n"
		  "\n"
		  "# HOOKS\n"
		  "HOOKS=(base udev autodetect microcode modconf kms keyboard keymap consolefont "
		  "block filesystems fsck)\n");
	tree_file(fx.dir, "sys/firmware/acpi/tables/IVRS", "IVRS");
	tree_file(fx.dir, "proc/cmdline", "initrd=\\initramfs-linux.img root=UUID=0a34 rw "
		  "amd_iommu=on quiet\n");
	cycle(&fx, "arch", gpu_args, &none);
	close_fx(&fx);
}

/* ------------------------------------------------------- behaviours */

static bool has_problem(const struct vfd_persist_plan *p, const char *id, const char *text)
{
	for (size_t i = 0; i < p->problems.n; i++)
		if (strcmp(p->problems.findings[i].id, id) == 0 &&
		    (!text || strstr(p->problems.findings[i].summary, text)))
			return true;
	return false;
}

static const struct vfd_file_change *change_of(const struct vfd_persist_plan *p, const char *path)
{
	for (size_t i = 0; i < p->nchanges; i++)
		if (strcmp(p->changes[i].path, path) == 0)
			return &p->changes[i];
	return NULL;
}

static char *read_tree(const char *dir, const char *rel)
{
	char path[4096], *buf = calloc(1, 1 << 16);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "r");
	if (!f) {
		free(buf);
		return NULL;
	}
	buf[fread(buf, 1, (1 << 16) - 1, f)] = '\0';
	fclose(f);
	return buf;
}

/* a second GPU of the same model: --by-id would take it too, and says so */
static void by_id_names_shared(void **state)
{
	static const struct vfd_persist_opts by_id = { .by_id = true };
	static const char *const args[] = { GPU, NULL };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };

	(void)state;
	debian_tree(&fx);
	tree_device(fx.dir, "pci0000:00/0000:00:02.0", 0x10de, 0x1f06, 0x030000, 0, 0, false,
		    "nouveau", 3);
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, args, &by_id, &p), 0);
	assert_true(has_problem(&p, "persist.shared-ids", "0000:00:02.0"));
	assert_non_null(strstr(change_of(&p, "etc/modprobe.d/vfio.conf")->new_text,
			       "options vfio-pci ids=10de:1f06\n"));
	assert_null(change_of(&p, "etc/udev/rules.d/60-vfio-doctor.rules"));
	vfd_persist_plan_clear(&p);
	close_fx(&fx);
}

/* a grub.d drop-in that sets the same variable wins over the edit: say so */
static void grub_dropin_warns(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };

	(void)state;
	debian_tree(&fx);
	tree_file(fx.dir, "etc/default/grub.d/50-cloudimg-settings.cfg",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 console=ttyS0\"\n");
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_true(has_problem(&p, "persist.grub-dropin", "50-cloudimg-settings.cfg"));
	assert_non_null(change_of(&p, "etc/default/grub"));
	vfd_persist_plan_clear(&p);
	close_fx(&fx);
}

/* a GRUB file it cannot read is left alone with the line named; the rest goes on */
static void unparsable_left_untouched(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char *grub;

	(void)state;
	debian_tree(&fx);
	tree_file(fx.dir, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $EXTRA\"\n");
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_true(has_problem(&p, "persist.unparsable", "/etc/default/grub: line 1"));
	assert_null(change_of(&p, "etc/default/grub"));
	assert_non_null(change_of(&p, "etc/udev/rules.d/60-vfio-doctor.rules"));
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	grub = read_tree(fx.dir, "etc/default/grub");
	assert_string_equal(grub, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $EXTRA\"\n");
	free(grub);
	close_fx(&fx);
}

/* an edit made by someone else after persist survives --undo */
static void undo_keeps_later_edits(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char *text;

	(void)state;
	debian_tree(&fx);
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	text = read_tree(fx.dir, "etc/modprobe.d/vfio.conf");
	assert_non_null(strstr(text, "softdep nouveau pre: vfio-pci\n"));
	/* the user replaces the file, persist's block and all */
	tree_file(fx.dir, "etc/modprobe.d/vfio.conf", "# mine, changed\n");
	free(text);
	{
		/* the user edits the file: keep their line, drop persist's block */
		char *cur = read_tree(fx.dir, "etc/default/grub");
		char *edited = NULL;

		assert_int_equal(asprintf(&edited, "%sGRUB_TIMEOUT_STYLE=hidden\n", cur) > 0, true);
		tree_file(fx.dir, "etc/default/grub", edited);
		free(cur);
		free(edited);
	}
	assert_int_equal(vfd_plan_persist(fx.host, NULL, &undo, &p), 0);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	text = read_tree(fx.dir, "etc/default/grub");
	assert_non_null(strstr(text, "GRUB_TIMEOUT_STYLE=hidden\n"));
	assert_non_null(strstr(text, "amd_iommu=on"));
	assert_null(strstr(text, "intel_iommu=on"));
	free(text);
	text = read_tree(fx.dir, "etc/modprobe.d/vfio.conf");
	assert_string_equal(text, "# mine, changed\n");
	free(text);
	assert_null(read_tree(fx.dir, "etc/default/grub.vfio-doctor.bak"));
	assert_null(read_tree(fx.dir, "etc/vfio-doctor/persist.state"));
	close_fx(&fx);
}

/* one write fails: every file written before is put back */
static void rollback_on_failure(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char path[4096], *before, *after;
	size_t failed = 0;

	(void)state;
	debian_tree(&fx);
	/* the hooks directory is a link to nowhere: reading finds no hook, writing fails */
	snprintf(path, sizeof(path), "%s/etc/initramfs-tools/hooks", fx.dir);
	assert_int_equal(symlink("nowhere", path), 0);
	before = snapshot_etc(fx.dir);
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_true(vfd_persist_apply(fx.host, &p, &failed) < 0);
	assert_string_equal(p.changes[failed].path, "etc/initramfs-tools/hooks/vfio-doctor");
	vfd_persist_plan_clear(&p);
	after = snapshot_etc(fx.dir);
	assert_string_equal(after, before);
	free(before);
	free(after);
	close_fx(&fx);
}

/* plan and apply in one step; the plan must be applied whole */
static void plan_apply(struct fx *fx, const char *const *devices,
		       const struct vfd_persist_opts *opts)
{
	struct vfd_persist_plan p;

	assert_int_equal(vfd_plan_persist(fx->host, devices, opts, &p), 0);
	assert_int_equal(vfd_persist_apply(fx->host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
}

/* --undo of one device keeps the other; the last one gives everything back */
static void partial_undo(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	static const char *const one[] = { AUDIO, NULL };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char *before, *text;

	(void)state;
	debian_tree(&fx);
	before = snapshot_etc(fx.dir);
	open_fx(&fx);
	plan_apply(&fx, gpu_args, &none);
	plan_apply(&fx, one, &undo);
	text = read_tree(fx.dir, "etc/udev/rules.d/60-vfio-doctor.rules");
	assert_non_null(strstr(text, GPU));
	assert_null(strstr(text, AUDIO));
	free(text);
	text = read_tree(fx.dir, "etc/modprobe.d/vfio.conf");
	assert_null(strstr(text, "snd_hda_intel"));
	free(text);
	/* not persisted: refused, nothing planned */
	assert_int_equal(vfd_plan_persist(fx.host, one, &undo, &p), 0);
	assert_true(p.refused);
	assert_true(has_problem(&p, "persist.not-persisted", AUDIO));
	vfd_persist_plan_clear(&p);
	plan_apply(&fx, NULL, &undo);
	text = snapshot_etc(fx.dir);
	assert_string_equal(text, before);
	free(text);
	free(before);
	close_fx(&fx);
}

/* vfio-pci built in: no softdep or initramfs module; --by-id refused */
static void builtin_vfio(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, by_id = { .by_id = true };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };

	(void)state;
	debian_tree(&fx);
	tree_file(fx.dir, "sys/module/vfio_pci/parameters/ids", "\n");
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_true(has_problem(&p, "persist.builtin", NULL));
	assert_null(change_of(&p, "etc/modprobe.d/vfio.conf"));
	assert_null(change_of(&p, "etc/initramfs-tools/modules"));
	assert_non_null(change_of(&p, "etc/udev/rules.d/60-vfio-doctor.rules"));
	assert_non_null(change_of(&p, "etc/initramfs-tools/hooks/vfio-doctor"));
	vfd_persist_plan_clear(&p);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &by_id, &p), 0);
	assert_true(p.refused);
	assert_true(has_problem(&p, "persist.builtin-ids", NULL));
	vfd_persist_plan_clear(&p);
	close_fx(&fx);
}

/* a bridge is refused as bind refuses it; a snapshot cannot be written */
static void refusals(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	static const char *const port[] = { PORT, NULL };
	static const char *const nothing[] = { "0000:09:00.0", NULL };
	struct vfd_persist_plan p;
	struct vfd_root *ro;
	struct vfd_host *h;
	struct fx fx = { 0 };

	(void)state;
	debian_tree(&fx);
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, port, &none, &p), 0);
	assert_true(p.refused);
	assert_true(has_problem(&p, "persist.bridge", NULL));
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), -EPERM);
	vfd_persist_plan_clear(&p);
	assert_int_equal(vfd_plan_persist(fx.host, nothing, &none, &p), -ENODEV);
	ro = vfd_root_new(fx.dir);
	h = vfd_host_new(ro);
	assert_int_equal(vfd_plan_persist(h, gpu_args, &none, &p), 0);
	assert_int_equal(vfd_persist_apply(h, &p, NULL), -EROFS);
	vfd_persist_plan_clear(&p);
	vfd_host_free(h);
	vfd_root_unref(ro);
	close_fx(&fx);
}

/*
 * Arch with systemd-boot and the IOMMU off on the command line: no group yet,
 * yet persist goes on; it edits the options line of every entry on the ESP and
 * --undo gives them back.
 */
static void golden_arch_entries_iommu_off(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };
	struct vfd_persist_plan p;

	(void)state;
	fx.dir = tree_new();
	tree_device(fx.dir, "pci0000:00/" PORT, 0x8086, 0x1901, 0x060400, 1, 4, true, "pcieport",
		    -1);
	tree_device(fx.dir, "pci0000:00/" PORT "/" GPU, 0x1002, 0x73bf, 0x030000, 0, 0, false,
		    "amdgpu", -1);
	tree_device(fx.dir, "pci0000:00/" PORT "/" AUDIO, 0x1002, 0xab28, 0x040300, 0, 0, false,
		    "snd_hda_intel", -1);
	tree_file(fx.dir, "etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n");
	tree_file(fx.dir, "boot/loader/loader.conf", "default arch.conf\n");
	tree_file(fx.dir, "boot/loader/entries/arch.conf",
		  "title   Arch Linux\nlinux   /vmlinuz-linux\ninitrd  /initramfs-linux.img\n"
		  "options root=UUID=0a34 rw intel_iommu=off\n");
	tree_file(fx.dir, "boot/loader/entries/arch-fallback.conf",
		  "title   Arch Linux (fallback initramfs)\nlinux   /vmlinuz-linux\n"
		  "initrd  /initramfs-linux-fallback.img\noptions root=UUID=0a34 rw intel_iommu=off\n");
	tree_file(fx.dir, "etc/mkinitcpio.conf", "MODULES=()\nBINARIES=()\nFILES=()\n"
		  "HOOKS=(base udev autodetect microcode modconf kms block filesystems fsck)\n");
	tree_file(fx.dir, "usr/bin/mkinitcpio", "");
	tree_file(fx.dir, "sys/firmware/acpi/tables/DMAR", "DMAR");
	tree_file(fx.dir, "proc/cmdline", "initrd=\\initramfs-linux.img root=UUID=0a34 rw "
		  "intel_iommu=off\n");
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_false(p.refused);
	assert_true(has_problem(&p, "persist.no-group-yet", GPU));
	vfd_persist_plan_clear(&p);
	vfd_host_free(fx.host);
	vfd_root_unref(fx.root);
	cycle(&fx, "arch-entries", gpu_args, &none);
	close_fx(&fx);
}

/* Proxmox VE on ZFS with UEFI: /etc/kernel/cmdline, then proxmox-boot-tool refresh */
static void golden_proxmox_kcmdline(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };

	(void)state;
	gpu(&fx, 0x10de, 0x1f06, 0x10f9, "nouveau", "snd_hda_intel");
	tree_file(fx.dir, "etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
		  "ID=debian\n");
	tree_file(fx.dir, "etc/pve/.version", "");
	tree_file(fx.dir, "etc/kernel/proxmox-boot-uuids", "5A1B-3C2D\n");
	tree_file(fx.dir, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
	tree_file(fx.dir, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
	tree_file(fx.dir, "etc/initramfs-tools/modules", "# modules\n");
	tree_file(fx.dir, "sys/firmware/acpi/tables/DMAR", "DMAR");
	tree_file(fx.dir, "proc/cmdline", "initrd=\\EFI\\proxmox\\6.8.12-1-pve\\initrd.img-6.8.12-1-pve "
		  "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
	cycle(&fx, "proxmox", gpu_args, &none);
	close_fx(&fx);
}

/* --iommu-pt: added once, kept by a later run without it, taken out by --undo */
static void iommu_pt_sticks(void **state)
{
	static const struct vfd_persist_opts pt = { .iommu_pt = true }, none = { 0 },
					     undo = { .undo = true };
	struct fx fx = { 0 };
	struct vfd_persist_plan p;
	char *before, *after;

	(void)state;
	debian_tree(&fx);
	before = snapshot_etc(fx.dir);
	open_fx(&fx);
	plan_apply(&fx, gpu_args, &pt);
	after = snapshot_etc(fx.dir);
	assert_non_null(strstr(after, "iommu=pt"));
	free(after);
	rescan(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_int_equal(p.nchanges, 0);
	vfd_persist_plan_clear(&p);
	plan_apply(&fx, NULL, &undo);
	after = snapshot_etc(fx.dir);
	assert_string_equal(after, before);
	free(after);
	free(before);
	close_fx(&fx);
}

/* Arch with booster: persist's block in /etc/booster.yaml, unless the key is the user's */
static void golden_booster(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct fx fx = { 0 };
	struct vfd_persist_plan p;

	(void)state;
	gpu(&fx, 0x1002, 0x73bf, 0xab28, "amdgpu", "snd_hda_intel");
	tree_file(fx.dir, "etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n");
	tree_file(fx.dir, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"loglevel=3 quiet\"\n");
	tree_file(fx.dir, "etc/booster.yaml", "compression: zstd\n");
	tree_file(fx.dir, "usr/bin/booster", "");
	tree_file(fx.dir, "sys/firmware/acpi/tables/IVRS", "IVRS");
	tree_file(fx.dir, "proc/cmdline", "BOOT_IMAGE=/vmlinuz-linux root=UUID=0a34 rw quiet\n");
	cycle(&fx, "booster", gpu_args, &none);
	vfd_host_free(fx.host);
	vfd_root_unref(fx.root);
	tree_file(fx.dir, "etc/booster.yaml", "modules_force_load: amdgpu\n");
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_true(has_problem(&p, "persist.booster", NULL));
	for (size_t i = 0; i < p.nchanges; i++)
		assert_string_not_equal(p.changes[i].path, "etc/booster.yaml");
	vfd_persist_plan_clear(&p);
	close_fx(&fx);
}


static void link_at(const char *dir, const char *rel, const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static bool is_link(const char *dir, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* /etc/default/grub and a modprobe.d file as links: their targets are edited, links stay */
static void links_edit_targets(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char *grub, *text, *before;

	(void)state;
	debian_tree(&fx);
	grub = read_tree(fx.dir, "etc/default/grub");
	tree_file(fx.dir, "etc/grub.d/real-grub", grub);
	link_at(fx.dir, "etc/default/grub", "../grub.d/real-grub");
	text = read_tree(fx.dir, "etc/modprobe.d/vfio.conf");
	tree_file(fx.dir, "etc/shared/vfio.conf", text);
	free(text);
	/* absolute: inside the root, not the host's /etc */
	link_at(fx.dir, "etc/modprobe.d/vfio.conf", "/etc/shared/vfio.conf");
	before = snapshot_etc(fx.dir);
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_false(p.refused);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	assert_true(is_link(fx.dir, "etc/default/grub"));
	assert_true(is_link(fx.dir, "etc/modprobe.d/vfio.conf"));
	text = read_tree(fx.dir, "etc/grub.d/real-grub");
	assert_non_null(strstr(text, "intel_iommu=on"));
	free(text);
	text = read_tree(fx.dir, "etc/shared/vfio.conf");
	assert_non_null(strstr(text, "softdep nouveau pre: vfio-pci"));
	free(text);
	/* the backup holds the target's old content */
	text = read_tree(fx.dir, "etc/default/grub.vfio-doctor.bak");
	assert_non_null(text);
	assert_string_equal(text, grub);
	free(text);
	assert_int_equal(vfd_plan_persist(fx.host, NULL, &undo, &p), 0);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	assert_true(is_link(fx.dir, "etc/default/grub"));
	text = snapshot_etc(fx.dir);
	assert_string_equal(text, before);
	free(text);
	free(before);
	free(grub);
	close_fx(&fx);
}

/* a link out of the root or into a read-only store: refused, nothing written */
static void links_refused(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	static const struct {
		const char *target, *says;
	} cases[] = {
		{ "../../../../../../outside-grub", "outside the root" },
		{ "/nix/store/0abc-grub/grub", "read-only store" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vfd_persist_plan p;
		struct fx fx = { 0 };
		char *before, *after;

		debian_tree(&fx);
		tree_file(fx.dir, "nix/store/0abc-grub/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n");
		/* where reading, confined, finds the link's target: the top of the root */
		tree_file(fx.dir, "outside-grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n");
		link_at(fx.dir, "etc/default/grub", cases[i].target);
		before = snapshot_etc(fx.dir);
		open_fx(&fx);
		assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
		assert_true(p.refused);
		assert_true(has_problem(&p, "persist.link", cases[i].says));
		assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), -EPERM);
		vfd_persist_plan_clear(&p);
		after = snapshot_etc(fx.dir);
		assert_string_equal(after, before);
		free(after);
		free(before);
		close_fx(&fx);
	}
}

/* owner, group and mode of an edited file stay, whatever the umask */
static void owner_and_mode_kept(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char path[4096];
	struct stat st;
	bool root = geteuid() == 0;
	mode_t old_umask;

	(void)state;
	debian_tree(&fx);
	snprintf(path, sizeof(path), "%s/etc/default/grub", fx.dir);
	assert_int_equal(chmod(path, 0444), 0);
	if (root)
		assert_int_equal(chown(path, 1000, 27), 0);
	old_umask = umask(027);
	open_fx(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
	if (root) {
		assert_int_equal(st.st_uid, 1000);
		assert_int_equal(st.st_gid, 27);
	}
	/* a file persist makes gets its own mode, not the umask's */
	snprintf(path, sizeof(path), "%s/etc/udev/rules.d/60-vfio-doctor.rules", fx.dir);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(vfd_plan_persist(fx.host, NULL, &undo, &p), 0);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	snprintf(path, sizeof(path), "%s/etc/default/grub", fx.dir);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
	if (root)
		assert_int_equal(st.st_uid, 1000);
	umask(old_umask);
	close_fx(&fx);
}

/* for a failure: both trees into files a diff can read */
static bool dump(const char *now, const char *want)
{
	FILE *f = fopen("/tmp/vfd-test-now", "w");

	if (f) {
		fputs(now, f);
		fclose(f);
	}
	f = fopen("/tmp/vfd-test-want", "w");
	if (f) {
		fputs(want, f);
		fclose(f);
	}
	return true;
}

static unsigned long kill_at, steps;

static void kill_hook(const char *what, const char *path)
{
	(void)what, (void)path;
	if (++steps == kill_at)
		raise(SIGKILL);
}

/* apply @p in a child killed at step @at; true when the child finished instead */
static bool apply_killed_at(struct fx *fx, const struct vfd_persist_plan *p, unsigned long at)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		steps = 0;
		kill_at = at;
		vfd_test_step_hook = kill_hook;
		_exit(vfd_persist_apply(fx->host, p, NULL) == 0 ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status)) {
		assert_int_equal(WEXITSTATUS(status), 0);
		return true;
	}
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	return false;
}

static void plan_and_apply(struct fx *fx, const char *const *devices,
			   const struct vfd_persist_opts *opts)
{
	struct vfd_persist_plan p;

	rescan(fx);
	assert_int_equal(vfd_plan_persist(fx->host, devices, opts, &p), 0);
	if (p.refused)
		fail_msg("refused:\n%s", render(&p));
	assert_int_equal(vfd_persist_apply(fx->host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
}

/*
 * SIGKILL at every step of persist and of --undo (each temporary file, write,
 * rename and unlink): a later --undo gives back the very files there were, no
 * backup or temporary file left; a later run finishes what the killed one began.
 */
static void killed_at_every_step(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	bool persist_done = false, undo_done = false;

	(void)state;
	for (unsigned long at = 1; !persist_done || !undo_done; at++) {
		struct vfd_persist_plan p;
		struct fx fx = { 0 };
		char *before, *persisted, *now;

		assert_true(at < 500);
		debian_tree(&fx);
		before = snapshot_etc(fx.dir);
		open_fx(&fx);
		/* a clean run, for what a finished run leaves */
		plan_and_apply(&fx, gpu_args, &none);
		persisted = snapshot_etc(fx.dir);
		plan_and_apply(&fx, NULL, &undo);

		/* persist killed at step @at, then --undo */
		if (!persist_done) {
			rescan(&fx);
			assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
			persist_done = apply_killed_at(&fx, &p, at);
			vfd_persist_plan_clear(&p);
			plan_and_apply(&fx, NULL, &undo);
			now = snapshot_etc(fx.dir);
			if (strcmp(now, before) != 0)
				fail_msg("persist killed at step %lu, then --undo:\n%s\nwanted:\n%s", at,
					 now, before);
			free(now);

			/* persist killed at step @at, then persist again: as a clean run */
			rescan(&fx);
			assert_int_equal(vfd_plan_persist(fx.host, gpu_args, &none, &p), 0);
			apply_killed_at(&fx, &p, at);
			vfd_persist_plan_clear(&p);
			plan_and_apply(&fx, gpu_args, &none);
			now = snapshot_etc(fx.dir);
			if (strcmp(now, persisted) != 0 && dump(now, persisted))
				fail_msg("persist killed at step %lu, then persist:\n%s\nwanted:\n%s",
					 at, now, persisted);
			free(now);
			plan_and_apply(&fx, NULL, &undo);
		}
		/* --undo killed at step @at, then --undo again */
		if (!undo_done) {
			plan_and_apply(&fx, gpu_args, &none);
			rescan(&fx);
			assert_int_equal(vfd_plan_persist(fx.host, NULL, &undo, &p), 0);
			undo_done = apply_killed_at(&fx, &p, at);
			vfd_persist_plan_clear(&p);
			plan_and_apply(&fx, NULL, &undo);
			now = snapshot_etc(fx.dir);
			if (strcmp(now, before) != 0)
				fail_msg("--undo killed at step %lu, then --undo:\n%s\nwanted:\n%s", at,
					 now, before);
			free(now);
		}
		free(before);
		free(persisted);
		close_fx(&fx);
	}
}

/* a persist.state naming files persist never writes: refused, nothing touched */
static void planted_state_refused(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	static const char *const lines[] = {
		"file /etc/shadow created %016llx\n",
		"file /etc/default/../shadow existed %016llx\n",
		"file /etc/default/grub.d/x.cfg existed %016llx\n",
		"token /etc/shadow GRUB_CMDLINE_LINUX_DEFAULT + x%llx\n",
	};
	const char *shadow = "root:$6$secret:19000:0:99999:7:::\n";

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct vfd_persist_plan p;
		struct fx fx = { 0 };
		char text[512], line[256], *now;

		debian_tree(&fx);
		tree_file(fx.dir, "etc/shadow", shadow);
		tree_file(fx.dir, "etc/shadow.vfio-doctor.bak", "root::0:0:99999:7:::\n");
		snprintf(line, sizeof(line), "%s", lines[i]);
		/* the hash of the file named, as persist would have recorded it */
		snprintf(strstr(line, "%016llx") ? strstr(line, "%016llx") : strstr(line, "%llx"),
			 20, "%016llx\n", (unsigned long long)text_hash(shadow, strlen(shadow)));
		snprintf(text, sizeof(text), "device " GPU " address 10de:1f06 -\n%s", line);
		tree_file(fx.dir, "etc/vfio-doctor/persist.state", text);
		open_fx(&fx);
		for (int u = 0; u < 2; u++) {
			assert_int_equal(vfd_plan_persist(fx.host, u ? NULL : gpu_args,
							  u ? &undo : &none, &p), 0);
			assert_true(p.refused);
			assert_true(has_problem(&p, "persist.state", "not a file persist writes"));
			assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), -EPERM);
			vfd_persist_plan_clear(&p);
		}
		now = read_tree(fx.dir, "etc/shadow");
		assert_string_equal(now, shadow);
		free(now);
		close_fx(&fx);
	}
}

int main(int argc, char **argv)
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
		cmocka_unit_test(golden_debian),
		cmocka_unit_test(golden_fedora),
		cmocka_unit_test(golden_arch),
		cmocka_unit_test(golden_arch_entries_iommu_off),
		cmocka_unit_test(golden_proxmox_kcmdline),
		cmocka_unit_test(iommu_pt_sticks),
		cmocka_unit_test(golden_booster),
		cmocka_unit_test(by_id_names_shared),
		cmocka_unit_test(grub_dropin_warns),
		cmocka_unit_test(unparsable_left_untouched),
		cmocka_unit_test(undo_keeps_later_edits),
		cmocka_unit_test(rollback_on_failure),
		cmocka_unit_test(partial_undo),
		cmocka_unit_test(builtin_vfio),
		cmocka_unit_test(refusals),
		cmocka_unit_test(links_edit_targets),
		cmocka_unit_test(links_refused),
		cmocka_unit_test(owner_and_mode_kept),
		cmocka_unit_test(killed_at_every_step),
		cmocka_unit_test(planted_state_refused),
	};

	srcdir = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
