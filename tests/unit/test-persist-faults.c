// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * persist when things go wrong: a write that fails (everything written
 * before is put back), configuration files that are links (their targets
 * edited, or the plan refused), owners and modes kept, a run killed at every
 * step of its writes (the next run finishes it), a planted record refused.
 * usage: test-persist-faults
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
#include "persist-fx.h"
#include "tree.h"
#include "vfd.h"


/* one write fails: every file written before is put back */
static void rollback_on_failure(void **state)
{
	static const struct vfd_persist_opts none = { 0 };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char path[4096], *before, *after;
	size_t failed = 0;

	(void)state;
	fx_debian_tree(&fx);
	/* the hooks directory is a link to nowhere: reading finds no hook, writing fails */
	snprintf(path, sizeof(path), "%s/etc/initramfs-tools/hooks", fx.dir);
	assert_int_equal(symlink("nowhere", path), 0);
	before = fx_snapshot_etc(fx.dir);
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_true(vfd_persist_apply(fx.host, &p, &failed) < 0);
	assert_string_equal(p.changes[failed].path, "etc/initramfs-tools/hooks/vfio-doctor");
	vfd_persist_plan_clear(&p);
	after = fx_snapshot_etc(fx.dir);
	assert_string_equal(after, before);
	free(before);
	free(after);
	fx_close(&fx);
}

/* /etc/default/grub and a modprobe.d file as links: their targets are edited, links stay */
static void links_edit_targets(void **state)
{
	static const struct vfd_persist_opts none = { 0 }, undo = { .undo = true };
	struct vfd_persist_plan p;
	struct fx fx = { 0 };
	char *grub, *text, *before;

	(void)state;
	fx_debian_tree(&fx);
	grub = fx_read_tree(fx.dir, "etc/default/grub");
	tree_file(fx.dir, "etc/grub.d/real-grub", grub);
	fx_link_at(fx.dir, "etc/default/grub", "../grub.d/real-grub");
	text = fx_read_tree(fx.dir, "etc/modprobe.d/vfio.conf");
	tree_file(fx.dir, "etc/shared/vfio.conf", text);
	free(text);
	/* absolute: inside the root, not the host's /etc */
	fx_link_at(fx.dir, "etc/modprobe.d/vfio.conf", "/etc/shared/vfio.conf");
	before = fx_snapshot_etc(fx.dir);
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
	assert_false(p.refused);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	assert_true(fx_is_link(fx.dir, "etc/default/grub"));
	assert_true(fx_is_link(fx.dir, "etc/modprobe.d/vfio.conf"));
	text = fx_read_tree(fx.dir, "etc/grub.d/real-grub");
	assert_non_null(strstr(text, "intel_iommu=on"));
	free(text);
	text = fx_read_tree(fx.dir, "etc/shared/vfio.conf");
	assert_non_null(strstr(text, "softdep nouveau pre: vfio-pci"));
	free(text);
	/* the backup holds the target's old content */
	text = fx_read_tree(fx.dir, "etc/default/grub.vfio-doctor.bak");
	assert_non_null(text);
	assert_string_equal(text, grub);
	free(text);
	assert_int_equal(vfd_plan_persist(fx.host, NULL, &undo, &p), 0);
	assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), 0);
	vfd_persist_plan_clear(&p);
	assert_true(fx_is_link(fx.dir, "etc/default/grub"));
	text = fx_snapshot_etc(fx.dir);
	assert_string_equal(text, before);
	free(text);
	free(before);
	free(grub);
	fx_close(&fx);
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

		fx_debian_tree(&fx);
		tree_file(fx.dir, "nix/store/0abc-grub/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n");
		/* where reading, confined, finds the link's target: the top of the root */
		tree_file(fx.dir, "outside-grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n");
		fx_link_at(fx.dir, "etc/default/grub", cases[i].target);
		before = fx_snapshot_etc(fx.dir);
		fx_open(&fx);
		assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
		assert_true(p.refused);
		assert_true(fx_has_problem(&p, "persist.link", cases[i].says));
		assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), -EPERM);
		vfd_persist_plan_clear(&p);
		after = fx_snapshot_etc(fx.dir);
		assert_string_equal(after, before);
		free(after);
		free(before);
		fx_close(&fx);
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
	fx_debian_tree(&fx);
	snprintf(path, sizeof(path), "%s/etc/default/grub", fx.dir);
	assert_int_equal(chmod(path, 0444), 0);
	if (root)
		assert_int_equal(chown(path, 1000, 27), 0);
	old_umask = umask(027);
	fx_open(&fx);
	assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
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
	fx_close(&fx);
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

	fx_rescan(fx);
	assert_int_equal(vfd_plan_persist(fx->host, devices, opts, &p), 0);
	if (p.refused)
		fail_msg("refused:\n%s", fx_render(&p));
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
		fx_debian_tree(&fx);
		before = fx_snapshot_etc(fx.dir);
		fx_open(&fx);
		/* a clean run, for what a finished run leaves */
		plan_and_apply(&fx, fx_gpu_args, &none);
		persisted = fx_snapshot_etc(fx.dir);
		plan_and_apply(&fx, NULL, &undo);

		/* persist killed at step @at, then --undo */
		if (!persist_done) {
			fx_rescan(&fx);
			assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
			persist_done = apply_killed_at(&fx, &p, at);
			vfd_persist_plan_clear(&p);
			plan_and_apply(&fx, NULL, &undo);
			now = fx_snapshot_etc(fx.dir);
			if (strcmp(now, before) != 0)
				fail_msg("persist killed at step %lu, then --undo:\n%s\nwanted:\n%s", at,
					 now, before);
			free(now);

			/* persist killed at step @at, then persist again: as a clean run */
			fx_rescan(&fx);
			assert_int_equal(vfd_plan_persist(fx.host, fx_gpu_args, &none, &p), 0);
			apply_killed_at(&fx, &p, at);
			vfd_persist_plan_clear(&p);
			plan_and_apply(&fx, fx_gpu_args, &none);
			now = fx_snapshot_etc(fx.dir);
			if (strcmp(now, persisted) != 0 && dump(now, persisted))
				fail_msg("persist killed at step %lu, then persist:\n%s\nwanted:\n%s",
					 at, now, persisted);
			free(now);
			plan_and_apply(&fx, NULL, &undo);
		}
		/* --undo killed at step @at, then --undo again */
		if (!undo_done) {
			plan_and_apply(&fx, fx_gpu_args, &none);
			fx_rescan(&fx);
			assert_int_equal(vfd_plan_persist(fx.host, NULL, &undo, &p), 0);
			undo_done = apply_killed_at(&fx, &p, at);
			vfd_persist_plan_clear(&p);
			plan_and_apply(&fx, NULL, &undo);
			now = fx_snapshot_etc(fx.dir);
			if (strcmp(now, before) != 0)
				fail_msg("--undo killed at step %lu, then --undo:\n%s\nwanted:\n%s", at,
					 now, before);
			free(now);
		}
		free(before);
		free(persisted);
		fx_close(&fx);
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

		fx_debian_tree(&fx);
		tree_file(fx.dir, "etc/shadow", shadow);
		tree_file(fx.dir, "etc/shadow.vfio-doctor.bak", "root::0:0:99999:7:::\n");
		snprintf(line, sizeof(line), "%s", lines[i]);
		/* the hash of the file named, as persist would have recorded it */
		snprintf(strstr(line, "%016llx") ? strstr(line, "%016llx") : strstr(line, "%llx"),
			 20, "%016llx\n", (unsigned long long)text_hash(shadow, strlen(shadow)));
		snprintf(text, sizeof(text), "device " GPU " address 10de:1f06 -\n%s", line);
		tree_file(fx.dir, "etc/vfio-doctor/persist.state", text);
		fx_open(&fx);
		for (int u = 0; u < 2; u++) {
			assert_int_equal(vfd_plan_persist(fx.host, u ? NULL : fx_gpu_args,
							  u ? &undo : &none, &p), 0);
			assert_true(p.refused);
			assert_true(fx_has_problem(&p, "persist.state", "not a file persist writes"));
			assert_int_equal(vfd_persist_apply(fx.host, &p, NULL), -EPERM);
			vfd_persist_plan_clear(&p);
		}
		now = fx_read_tree(fx.dir, "etc/shadow");
		assert_string_equal(now, shadow);
		free(now);
		fx_close(&fx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rollback_on_failure),
		cmocka_unit_test(links_edit_targets),
		cmocka_unit_test(links_refused),
		cmocka_unit_test(owner_and_mode_kept),
		cmocka_unit_test(killed_at_every_step),
		cmocka_unit_test(planted_state_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
