// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sysroot fixture of persist's tests (test-persist.c, test-persist-faults.c):
 * a host tree with a GPU and its HD audio function behind a root port, the
 * files below etc/ and boot/ as one text, a plan rendered and compared with
 * tests/expected/persist, and the whole persist / second run / undo cycle.
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "persist-fx.h"
#include "tree.h"

const char *fx_srcdir;

void fx_gpu(struct fx *fx, uint16_t vendor, uint16_t dev, uint16_t adev, const char *drv,
		const char *adrv)
{
	fx->dir = tree_new();
	tree_device(fx->dir, "pci0000:00/" PORT, 0x8086, 0x1901, 0x060400, 1, 4, true, "pcieport", 1);
	tree_device(fx->dir, "pci0000:00/" PORT "/" GPU, vendor, dev, 0x030000, 0, 0, false, drv, 2);
	tree_device(fx->dir, "pci0000:00/" PORT "/" AUDIO, vendor, adev, 0x040300, 0, 0, false, adrv, 2);
}

void fx_open(struct fx *fx)
{
	/* a test tree persist may write files into; sysfs writes stay refused */
	fx->root = vfd_root_open(fx->dir, VFD_ROOT_WRITABLE);
	assert_non_null(fx->root);
	fx->host = vfd_host_new(fx->root);
	assert_non_null(fx->host);
}

void fx_rescan(struct fx *fx)
{
	vfd_host_free(fx->host);
	fx->host = vfd_host_new(fx->root);
	assert_non_null(fx->host);
}

void fx_close(struct fx *fx)
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

char *fx_snapshot_etc(const char *dir)
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
char *fx_render(const struct vfd_persist_plan *p)
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
void fx_golden(const char *name, const char *text)
{
	char path[4096], *want = NULL;
	size_t len = 0;
	FILE *f;

	if (!fx_srcdir)
		return;
	snprintf(path, sizeof(path), "%s/expected/persist/%s.diff", fx_srcdir, name);
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
void fx_cycle(struct fx *fx, const char *name, const char *const *devices,
		  const struct vfd_persist_opts *opts)
{
	struct vfd_persist_opts undo = { .undo = true };
	struct vfd_persist_plan p;
	char *before = fx_snapshot_etc(fx->dir), *text, *after;

	fx_open(fx);
	assert_int_equal(vfd_plan_persist(fx->host, devices, opts, &p), 0);
	assert_false(p.refused);
	text = fx_render(&p);
	fx_golden(name, text);
	free(text);
	assert_true(p.nchanges > 0);
	assert_int_equal(vfd_persist_apply(fx->host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);

	fx_rescan(fx);
	assert_int_equal(vfd_plan_persist(fx->host, devices, opts, &p), 0);
	if (p.nchanges) {
		text = fx_render(&p);
		fail_msg("a second run still changes files:\n%s", text);
	}
	vfd_persist_plan_clear(&p);

	assert_int_equal(vfd_plan_persist(fx->host, NULL, &undo, &p), 0);
	assert_true(p.nchanges > 0);
	assert_int_equal(vfd_persist_apply(fx->host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	after = fx_snapshot_etc(fx->dir);
	assert_string_equal(after, before);
	free(after);
	free(before);

	/* and undoing again finds nothing */
	assert_int_equal(vfd_plan_persist(fx->host, NULL, &undo, &p), 0);
	assert_int_equal(p.nchanges, 0);
	vfd_persist_plan_clear(&p);
}

const char *const fx_gpu_args[] = { GPU, AUDIO, NULL };

void fx_debian_tree(struct fx *fx)
{
	fx_gpu(fx, 0x10de, 0x1f06, 0x10f9, "nouveau", "snd_hda_intel");
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

/* ------------------------------------------------------- behaviours */

bool fx_has_problem(const struct vfd_persist_plan *p, const char *id, const char *text)
{
	for (size_t i = 0; i < p->problems.n; i++)
		if (strcmp(p->problems.findings[i].id, id) == 0 &&
		    (!text || strstr(p->problems.findings[i].summary, text)))
			return true;
	return false;
}

const struct vfd_file_change *fx_change_of(const struct vfd_persist_plan *p, const char *path)
{
	for (size_t i = 0; i < p->nchanges; i++)
		if (strcmp(p->changes[i].path, path) == 0)
			return &p->changes[i];
	return NULL;
}

char *fx_read_tree(const char *dir, const char *rel)
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

/* plan and apply in one step; the plan must be applied whole */
void fx_plan_apply(struct fx *fx, const char *const *devices,
		       const struct vfd_persist_opts *opts)
{
	struct vfd_persist_plan p;

	assert_int_equal(vfd_plan_persist(fx->host, devices, opts, &p), 0);
	assert_int_equal(vfd_persist_apply(fx->host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
}

void fx_link_at(const char *dir, const char *rel, const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

bool fx_is_link(const char *dir, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}
