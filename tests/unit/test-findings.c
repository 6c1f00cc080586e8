// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The findings catalogue (lib/checks/findings-catalogue.c): its shape, and
 * every id the library produces on the test trees is in it: check (host, and
 * each device alone), bind and restore plans with each option, persist plans,
 * the ROM judge, and every finding the knowledge base names; and the man
 * page's FINDINGS list is the catalogue's (VFD_TEST_REGENERATE=1 rewrites it).
 *
 * usage: test-findings FIXTURES_DIR MAN   the cmocka tests (FIXTURES_DIR holds *.tar.xz,
 *                                         MAN is man/vfio-doctor.8.scd)
 *        test-findings --list             every catalogued id and its layer
 *        test-findings --man              the man page's FINDINGS list
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vfd.h"
#include "select.h"
#include "tree.h"

static const char *fixtures_dir, *man_path;

/* every finding of @rep is catalogued, in the layer the catalogue says */
static void assert_catalogued(const struct vfd_report *rep, const char *where)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct vfd_finding *f = &rep->findings[i];
		const struct vfd_finding_kind *k = vfd_finding_kind_find(f->id);

		if (!k)
			fail_msg("%s: finding id '%s' is not in the catalogue", where, f->id);
		if (strcmp(k->layer, f->layer) != 0)
			fail_msg("%s: '%s' has layer '%s', the catalogue says '%s'", where, f->id,
				 f->layer, k->layer);
	}
}

static bool valid_id(const char *id)
{
	const char *dot = strchr(id, '.');

	if (!dot || dot == id || !dot[1])
		return false;
	for (const char *p = id; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    !strchr("._-", *p) && !(isupper((unsigned char)*p) && strrchr(id, '.') < p))
			return false;
	return true;
}

static void catalogue_shape(void **state)
{
	static const char *const layers[] = { "platform", "firmware", "iommu", "modules",
					      "device", "persist", "rom", "vm", "trial", "guest" };
	size_t n = vfd_finding_kind_count();

	(void)state;
	assert_true(n > 0);
	assert_null(vfd_finding_kind_at(n));
	assert_null(vfd_finding_kind_find("no.such-finding"));
	assert_null(vfd_finding_kind_find(NULL));
	for (size_t i = 0; i < n; i++) {
		const struct vfd_finding_kind *k = vfd_finding_kind_at(i);
		bool layer_known = false;
		size_t len = strlen(k->text);

		if (!valid_id(k->id))
			fail_msg("'%s' is not a finding id (layer.name, lower case)", k->id);
		for (size_t j = 0; j < i; j++)
			if (strcmp(vfd_finding_kind_at(j)->id, k->id) == 0)
				fail_msg("'%s' is catalogued twice", k->id);
		for (size_t l = 0; l < sizeof(layers) / sizeof(layers[0]); l++)
			layer_known |= strcmp(layers[l], k->layer) == 0;
		if (!layer_known)
			fail_msg("%s: unknown layer '%s'", k->id, k->layer);
		/* the man page's list: one sentence, no markup of its own */
		if (len < 10 || k->text[len - 1] != '.' || strpbrk(k->text, "\t\n"))
			fail_msg("%s: its text is not one plain sentence: '%s'", k->id, k->text);
		if ((k->flags & VFD_KIND_PER_DEVICE) && strcmp(k->layer, "device") != 0)
			fail_msg("%s: per device outside check's device layer", k->id);
		if (k->skip_id && (!(k->flags & VFD_KIND_WHEN_WRONG) ||
				   !vfd_finding_kind_find(k->skip_id)))
			fail_msg("%s: skip id '%s' without WHEN_WRONG or not catalogued", k->id,
				 k->skip_id);
		/* a plain entry finds itself; a family's stem.NAME is no member */
		if (!k->member)
			assert_ptr_equal(vfd_finding_kind_find(k->id), k);
		else
			assert_null(vfd_finding_kind_find(k->id));
	}
}

/* device.preflight.STEP for each step check --preflight can report, and no other */
static void catalogue_families(void **state)
{
	char id[64];

	(void)state;
	for (int s = 0; s < VFD_PF_N_STEPS; s++) {
		snprintf(id, sizeof(id), "device.preflight.%s", vfd_pf_step_name(s));
		assert_non_null(vfd_finding_kind_find(id));
	}
	assert_null(vfd_finding_kind_find("device.preflight.unknown-step"));
	assert_null(vfd_finding_kind_find("device.preflight."));
	assert_non_null(vfd_finding_kind_find("device.preflight"));
}

/* persist renames bind's refusals bind.X to persist.X (lib/change/persist.c) */
static void catalogue_persist_renames(void **state)
{
	(void)state;
	for (size_t i = 0; i < vfd_finding_kind_count(); i++) {
		const struct vfd_finding_kind *k = vfd_finding_kind_at(i);
		char id[64];

		if (strncmp(k->id, "bind.", 5) != 0 || strcmp(k->id, "bind.already") == 0)
			continue;
		snprintf(id, sizeof(id), "persist.%s", k->id + 5);
		if (!vfd_finding_kind_find(id))
			fail_msg("%s is catalogued, but not %s", k->id, id);
	}
}

/* every finding a knowledge-base cause checks is one check reports */
static void catalogue_kb(void **state)
{
	struct vfd_kb *kb = NULL;
	struct vfd_parse_error err;

	(void)state;
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	for (size_t e = 0; e < vfd_kb_count(kb); e++) {
		const struct vfd_kb_entry *entry = vfd_kb_entry(kb, e);

		for (size_t c = 0; c < entry->n_causes; c++)
			for (size_t k = 0; k < entry->causes[c].n_checks; k++)
				for (size_t i = 0; i < entry->causes[c].checks[k].n; i++) {
					const char *id = entry->causes[c].checks[k].conds[i].finding;

					if (!vfd_finding_kind_find(id))
						fail_msg("kb entry %s checks '%s', which is not "
							 "catalogued", entry->id, id);
				}
	}
	vfd_kb_free(kb);
}

/*
 * The refusals of vfd_take_judge_*() under each prefix a command gives them:
 * catalogued, in the catalogue's layer (bind's in "device", persist's in
 * "persist").
 */
static void take_prefixes(void **state)
{
	static const char *const prefixes[] = { "bind", "persist" };
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_host *host;

	(void)state;
	tree_device(dir, "pci0000:00/0000:00:1c.0", 0x8086, 0xa110, 0x060400, 1, 4, true,
		    "pcieport", 4);
	tree_device(dir, "pci0000:00/0000:00:1c.0/0000:01:00.0", 0x10de, 0x1f06, 0x030000, 0, 0,
		    false, "nouveau", -1);
	host = tree_open_host(dir, &root);
	for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		struct vfd_take_opts opts = { .prefix = prefixes[p] };
		struct vfd_report rep = { 0 };
		char id[64];

		for (size_t i = 0; i < vfd_host_count_devices(host); i++)
			assert_false(vfd_take_judge_device(host, vfd_host_device(host, i), &opts,
							   &rep));
		assert_int_equal(rep.n, 2);
		assert_catalogued(&rep, prefixes[p]);
		snprintf(id, sizeof(id), "%s.bridge", prefixes[p]);
		assert_string_equal(rep.findings[0].id, id);
		snprintf(id, sizeof(id), "%s.no-group", prefixes[p]);
		assert_string_equal(rep.findings[1].id, id);
		assert_string_equal(rep.findings[1].layer, p == 0 ? "device" : "persist");
		vfd_report_clear(&rep);
	}
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

/* ------------------------------------------------- the test trees */

static void run_bind(struct vfd_host *host, struct vfd_pcidev *d, const char *name)
{
	static const struct vfd_bind_opts variants[] = {
		{ 0 }, { .force = true }, { .group = true }, { .allow_nonviable = true },
	};

	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		struct vfd_plan plan;

		assert_int_equal(vfd_plan_bind_devices(host, &d, 1, &variants[v], &plan), 0);
		assert_catalogued(&plan.problems, name);
		vfd_plan_clear(&plan);
	}
}

static void run_tree(const char *root, const char *name)
{
	struct vfd_root *r = vfd_root_new(root);
	struct vfd_host *host;
	struct vfd_report rep = { 0 };
	struct vfd_check_opts opts = { 0 };

	assert_non_null(r);
	host = vfd_host_new(r);
	assert_non_null(host);
	assert_int_equal(vfd_check_run(host, &opts, &rep), 0);
	assert_catalogued(&rep, name);
	vfd_report_clear(&rep);
	opts.preflight = true;
	for (size_t i = 0; i < vfd_host_count_devices(host); i++) {
		struct vfd_pcidev *d = vfd_host_device(host, i);
		const char *devs[2] = { vfd_pcidev_get_slot(d), NULL };
		struct vfd_persist_plan pp;
		struct vfd_persist_opts po = { 0 };
		struct vfd_plan plan;

		opts.devices = devs;
		assert_int_equal(vfd_check_run(host, &opts, &rep), 0);
		assert_catalogued(&rep, name);
		vfd_report_clear(&rep);
		run_bind(host, d, name);
		assert_int_equal(vfd_plan_restore(host, devs, &plan), 0);
		assert_catalogued(&plan.problems, name);
		vfd_plan_clear(&plan);
		for (int v = 0; v < 3; v++) {
			po.by_id = v == 1;
			po.undo = v == 2;
			memset(&pp, 0, sizeof(pp));
			vfd_plan_persist(host, devs, &po, &pp);
			assert_catalogued(&pp.problems, name);
			vfd_persist_plan_clear(&pp);
		}
	}
	vfd_host_free(host);
	vfd_root_unref(r);
}

static void fixture_trees(void **state)
{
	DIR *dir = opendir(fixtures_dir);
	struct dirent *de;
	size_t trees = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		char *root, *cmd;

		if (len < 8 || strcmp(de->d_name + len - 7, ".tar.xz") != 0)
			continue;
		root = tree_new();
		assert_true(asprintf(&cmd, "tar -xJf '%s/%s' -C '%s'", fixtures_dir, de->d_name,
				     root) > 0);
		assert_int_equal(system(cmd), 0);
		free(cmd);
		run_tree(root, de->d_name);
		tree_free(root);
		trees++;
	}
	closedir(dir);
	assert_true(trees >= 5);
}

/* the ROM judge: every problem of the parse, and what a device adds */
static void rom_judge(void **state)
{
	static const uint8_t junk[64] = { 'n', 'o', 't', ' ', 'a', ' ', 'r', 'o', 'm' };
	struct vfd_rom_target gpu = {
		.known = true, .from_device = true, .slot = "0000:01:00.0", .vendor = 0x10de,
		.device = 0x1b80, .class_code = 0x030000, .boot_vga = 1, .driver = "vfio-pci",
	};
	struct vfd_rom_info *info = calloc(1, sizeof(*info));
	char path[4096], id[64];
	struct dirent *de;
	DIR *dir;
	size_t roms = 0;

	(void)state;
	assert_non_null(info);
	for (unsigned int bit = 1; bit && bit <= VFD_ROM_LAST_PROBLEM; bit <<= 1) {
		snprintf(id, sizeof(id), "rom.%s", vfd_rom_problem_name(bit));
		if (!vfd_finding_kind_find(id))
			fail_msg("ROM problem %s is not catalogued as %s", vfd_rom_problem_name(bit), id);
	}
	snprintf(path, sizeof(path), "%s/../fuzz/corpus/rom", fixtures_dir);
	dir = opendir(path);
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		struct vfd_report rep = { 0 };
		uint8_t buf[1 << 16];
		size_t len;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/../fuzz/corpus/rom/%s", fixtures_dir, de->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		/* whole, cut in half, and cut again: truncation and checksum verdicts too */
		for (size_t cut = len; cut > 0; cut /= 2) {
			assert_int_equal(vfd_rom_parse(buf, cut, info), 0);
			assert_int_equal(vfd_rom_judge(info, &gpu, &rep), 0);
			assert_int_equal(vfd_rom_judge(info, NULL, &rep), 0);
		}
		assert_catalogued(&rep, de->d_name);
		vfd_report_clear(&rep);
		roms++;
	}
	closedir(dir);
	assert_true(roms > 0);
	{
		struct vfd_report rep = { 0 };
		bool wrong_device = false;

		assert_int_equal(vfd_rom_parse(junk, sizeof(junk), info), 0);
		assert_int_equal(vfd_rom_judge(info, &gpu, &rep), 0);
		assert_catalogued(&rep, "junk");
		for (size_t i = 0; i < rep.n; i++) {
			assert_string_equal(rep.findings[i].layer, "rom");
			wrong_device |= strcmp(rep.findings[i].id, "rom.wrong-device") == 0;
		}
		/* no image names IDs: nothing to compare the device with */
		assert_false(wrong_device);
		vfd_report_clear(&rep);
	}
	assert_int_equal(vfd_rom_judge(NULL, NULL, NULL), -EINVAL);
	free(info);
}

/* ----------------------------------------------------------- main */

/* @s with scdoc's markup characters escaped */
static void put_escaped(FILE *out, const char *s, int len)
{
	for (int i = 0; s[i] && (len < 0 || i < len); i++) {
		if (s[i] == '*' || s[i] == '_' || s[i] == '\\')
			fputc('\\', out);
		fputc(s[i], out);
	}
}

/* the list of man/vfio-doctor.8.scd's FINDINGS section */
static void print_man(FILE *out)
{
	for (size_t i = 0; i < vfd_finding_kind_count(); i++) {
		const struct vfd_finding_kind *k = vfd_finding_kind_at(i);
		const char *stem_end = strrchr(k->id, '.');

		fputc('*', out);
		if (k->member) {
			put_escaped(out, k->id, (int)(stem_end - k->id + 1));
			fprintf(out, "*_%s_", stem_end + 1);
		} else {
			put_escaped(out, k->id, -1);
			fputc('*', out);
		}
		fprintf(out, " (%s%s)\n\t", k->layer,
			k->flags & VFD_KIND_WHEN_WRONG ? ", only when wrong" : "");
		put_escaped(out, k->text, -1);
		fprintf(out, "\n\n");
	}
}

/* the page's FINDINGS list (from its first entry to the next section) is print_man's */
static void man_page_list(void **state)
{
	char *page = NULL, *want = NULL, *start, *end;
	size_t page_len = 0, want_len = 0;
	FILE *f = fopen(man_path, "r");
	FILE *mem = open_memstream(&want, &want_len);

	(void)state;
	assert_non_null(f);
	assert_non_null(mem);
	assert_true(getdelim(&page, &page_len, '\0', f) > 0);
	fclose(f);
	print_man(mem);
	fclose(mem);
	start = strstr(page, "\n# FINDINGS\n");
	assert_non_null(start);
	start = strstr(start, "\n*");
	assert_non_null(start);
	start++;
	end = strstr(start, "\n# ");
	assert_non_null(end);
	end++;
	if ((size_t)(end - start) == strlen(want) && memcmp(start, want, strlen(want)) == 0)
		goto out;
	if (getenv("VFD_TEST_REGENERATE")) {
		f = fopen(man_path, "w");
		assert_non_null(f);
		fprintf(f, "%.*s%s%s", (int)(start - page), page, want, end);
		assert_int_equal(fclose(f), 0);
		goto out;
	}
	for (size_t line = 1; *start && *want; line++) {
		size_t a = strcspn(start, "\n"), b = strcspn(want, "\n");

		if (a != b || memcmp(start, want, a) != 0)
			fail_msg("man page FINDINGS, line %zu of the list: '%.*s', the catalogue "
				 "gives '%.*s' (VFD_TEST_REGENERATE=1 rewrites it)", line,
				 (int)a, start, (int)b, want);
		start += a + (start[a] != '\0');
		want += b + (want[b] != '\0');
	}
	fail_msg("man page FINDINGS: the list's length differs from the catalogue's");
out:
	free(page);
	free(want);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue_shape),
		cmocka_unit_test(catalogue_families),
		cmocka_unit_test(catalogue_persist_renames),
		cmocka_unit_test(catalogue_kb),
		cmocka_unit_test(take_prefixes),
		cmocka_unit_test(fixture_trees),
		cmocka_unit_test(rom_judge),
		cmocka_unit_test(man_page_list),
	};

	if (argc == 2 && strcmp(argv[1], "--man") == 0) {
		print_man(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < vfd_finding_kind_count(); i++)
			printf("%s\t%s\n", vfd_finding_kind_at(i)->id, vfd_finding_kind_at(i)->layer);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: test-findings FIXTURES_DIR MAN | --man | --list\n");
		return 2;
	}
	fixtures_dir = argv[1];
	man_path = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
