// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bind, unbind and restore against fixture trees with a kernel model behind
 * them: plans, refusals, the transaction and its rollback at every step.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "kmodel.h"
#include "tree.h"
#include "vfd.h"

#define PORT "0000:00:1c.0"
#define NIC "0000:01:00.0"

struct fx {
	char *dir;
	struct kmodel model;
	struct vfd_root *root;
	struct vfd_host *host;
};

/* a root port and an e1000e alone in its group */
static void nic_tree(struct fx *fx)
{
	fx->dir = tree_new();
	tree_device(fx->dir, "pci0000:00/" PORT, 0x8086, 0xa110, 0x060400, 1, 4, true, "pcieport", 1);
	tree_device(fx->dir, "pci0000:00/" PORT "/" NIC, 0x8086, 0x10d3, 0x020000, 0, 0, false,
		    "e1000e", 2);
	tree_file(fx->dir, "sys/bus/pci/drivers/vfio-pci/new_id", "");
	tree_file(fx->dir, "sys/devices/pci0000:00/" PORT "/" NIC "/driver_override", "(null)\n");
}

static void open_fx(struct fx *fx)
{
	fx->model.dir = fx->dir;
	fx->model.native[0].slot = NIC;
	fx->model.native[0].driver = "e1000e";
	/* bind's records are files in the tree; its sysfs writes go to the model */
	fx->root = vfd_root_open(fx->dir, VFD_ROOT_WRITABLE);
	assert_non_null(fx->root);
	vfd_root_set_write_fn(fx->root, kmodel_write, &fx->model);
	fx->host = vfd_host_new(fx->root);
	assert_non_null(fx->host);
}

/* the host model reads sysfs once: rescan after the model changed it */
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

static const char *const nic_arg[] = { NIC, NULL };

static void bind_then_restore(void **state)
{
	struct vfd_bind_opts opts = { 0 };
	struct vfd_binding_record rec;
	struct vfd_apply_result res;
	struct vfd_plan plan;
	struct fx fx = { 0 };

	nic_tree(&fx);
	open_fx(&fx);
	assert_int_equal(vfd_plan_bind(fx.host, nic_arg, &opts, &plan), 0);
	assert_false(plan.refused);
	assert_int_equal(plan.nsteps, 3);
	assert_int_equal(plan.steps[0].kind, VFD_STEP_OVERRIDE);
	assert_string_equal(plan.steps[1].path, "sys/bus/pci/drivers/e1000e/unbind");
	assert_string_equal(plan.steps[2].path, "sys/bus/pci/drivers_probe");
	assert_int_equal(vfd_plan_apply(fx.host, &plan, &res), 0);
	assert_string_equal(kmodel_driver(fx.dir, NIC), "vfio-pci");
	assert_string_equal(kmodel_override(fx.dir, NIC), "vfio-pci");
	assert_int_equal(vfd_record_load(fx.root, NIC, &rec), 0);
	assert_string_equal(rec.driver, "e1000e");
	assert_null(rec.override);
	vfd_record_clear(&rec);
	vfd_plan_clear(&plan);
	vfd_apply_result_clear(&res);

	/* binding again plans nothing and keeps the first record */
	rescan(&fx);
	assert_int_equal(vfd_plan_bind(fx.host, nic_arg, &opts, &plan), 0);
	assert_int_equal(plan.nsteps, 0);
	vfd_plan_clear(&plan);

	/* restore with no argument: everything recorded */
	assert_int_equal(vfd_plan_restore(fx.host, NULL, &plan), 0);
	assert_int_equal(plan.nsteps, 3);
	assert_int_equal(vfd_plan_apply(fx.host, &plan, &res), 0);
	assert_string_equal(kmodel_driver(fx.dir, NIC), "e1000e");
	assert_string_equal(kmodel_override(fx.dir, NIC), "(null)");
	assert_int_equal(vfd_record_load(fx.root, NIC, &rec), -ENOENT);
	vfd_plan_clear(&plan);
	vfd_apply_result_clear(&res);
	close_fx(&fx);
}

/* a failure injected at each write leaves the device exactly as it was */
static void rollback_each_step(void **state)
{
	static const int errs[] = { -EBUSY, -ENODEV, -EINVAL };

	for (int step = 1; step <= 3; step++) {
		struct vfd_bind_opts opts = { 0 };
		struct vfd_apply_result res;
		struct vfd_binding_record rec;
		struct vfd_plan plan;
		struct fx fx = { 0 };

		nic_tree(&fx);
		open_fx(&fx);
		fx.model.fail_at = step;
		fx.model.fail_err = errs[step - 1];
		assert_int_equal(vfd_plan_bind(fx.host, nic_arg, &opts, &plan), 0);
		assert_int_equal(vfd_plan_apply(fx.host, &plan, &res), errs[step - 1]);
		assert_int_equal(res.failed, step - 1);
		assert_int_equal(res.done, step - 1);
		assert_true(res.rolled_back);
		assert_int_equal(res.rollback_err, 0);
		assert_string_equal(kmodel_driver(fx.dir, NIC), "e1000e");
		assert_string_equal(kmodel_override(fx.dir, NIC), "(null)");
		/* nothing left to restore after a clean rollback */
		assert_int_equal(vfd_record_load(fx.root, NIC, &rec), -ENOENT);
		vfd_plan_clear(&plan);
		vfd_apply_result_clear(&res);
		close_fx(&fx);
	}
}

/* drivers_probe succeeds even when vfio-pci's probe fails: the link tells */
static void probe_that_does_not_bind(void **state)
{
	struct vfd_bind_opts opts = { 0 };
	struct vfd_apply_result res;
	struct vfd_plan plan;
	struct fx fx = { 0 };

	nic_tree(&fx);
	open_fx(&fx);
	fx.model.no_probe = NIC;
	assert_int_equal(vfd_plan_bind(fx.host, nic_arg, &opts, &plan), 0);
	assert_int_equal(vfd_plan_apply(fx.host, &plan, &res), -ENODEV);
	assert_int_equal(res.failed, 2);
	assert_non_null(res.detail);
	assert_non_null(strstr(res.detail, "not vfio-pci"));
	assert_string_equal(kmodel_driver(fx.dir, NIC), "e1000e");
	vfd_plan_clear(&plan);
	vfd_apply_result_clear(&res);
	close_fx(&fx);
}

/* the SATA controller holding the root filesystem is refused unless forced */
static void mounted_disk_refused(void **state)
{
	static const char *const sata[] = { "0000:00:1f.2", NULL };
	struct vfd_bind_opts opts = { 0 };
	struct vfd_apply_result res;
	struct vfd_plan plan;
	struct fx fx = { 0 };
	char link[4096];

	fx.dir = tree_new();
	tree_device(fx.dir, "pci0000:00/0000:00:1f.2", 0x8086, 0x2922, 0x010601, 0, -1, false,
		    "ahci", 3);
	tree_file(fx.dir, "sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/"
		  "block/sda/sda1/dev", "8:1\n");
	tree_file(fx.dir, "sys/class/block/.keep", "");
	snprintf(link, sizeof(link), "%s/sys/class/block/sda1", fx.dir);
	assert_int_equal(symlink("../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/"
				 "0:0:0:0/block/sda/sda1", link), 0);
	tree_file(fx.dir, "proc/self/mountinfo",
		  "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
	tree_file(fx.dir, "sys/bus/pci/drivers/vfio-pci/new_id", "");
	open_fx(&fx);
	assert_int_equal(vfd_plan_bind(fx.host, sata, &opts, &plan), 0);
	assert_true(plan.refused);
	assert_int_equal(plan.problems.n, 1);
	assert_string_equal(plan.problems.findings[0].id, "bind.in-use");
	assert_non_null(strstr(plan.problems.findings[0].evidence[0],
			       "sda1 is mounted on / (the root filesystem)"));
	/* a refused plan never touches the device */
	assert_int_equal(vfd_plan_apply(fx.host, &plan, &res), -EPERM);
	assert_string_equal(kmodel_driver(fx.dir, "0000:00:1f.2"), "ahci");
	vfd_plan_clear(&plan);
	vfd_apply_result_clear(&res);
	opts.force = true;
	assert_int_equal(vfd_plan_bind(fx.host, sata, &opts, &plan), 0);
	assert_false(plan.refused);
	assert_int_equal(plan.problems.findings[0].status, VFD_WARN);
	vfd_plan_clear(&plan);
	close_fx(&fx);
}

/* a GPU whose DRM node a display server holds: refused, with the process named */
static void display_server_refused(void **state)
{
	static const char *const gpu[] = { "0000:00:02.0", NULL };
	struct vfd_bind_opts opts = { 0 };
	struct vfd_plan plan;
	struct fx fx = { 0 };
	char link[4096];
	bool named = false;

	fx.dir = tree_new();
	tree_device(fx.dir, "pci0000:00/0000:00:02.0", 0x1234, 0x1111, 0x030000, 0, -1, false,
		    "bochs-drm", 4);
	tree_file(fx.dir, "sys/devices/pci0000:00/0000:00:02.0/drm/card0/dev", "226:0\n");
	tree_file(fx.dir, "sys/class/drm/.keep", "");
	snprintf(link, sizeof(link), "%s/sys/class/drm/card0", fx.dir);
	assert_int_equal(symlink("../../devices/pci0000:00/0000:00:02.0/drm/card0", link), 0);
	tree_file(fx.dir, "proc/4242/comm", "Xorg\n");
	tree_file(fx.dir, "proc/4242/fd/.keep", "");
	snprintf(link, sizeof(link), "%s/proc/4242/fd/7", fx.dir);
	assert_int_equal(symlink("/dev/dri/card0", link), 0);
	open_fx(&fx);
	assert_int_equal(vfd_plan_bind(fx.host, gpu, &opts, &plan), 0);
	assert_true(plan.refused);
	assert_string_equal(plan.problems.findings[0].id, "bind.in-use");
	for (char **e = plan.problems.findings[0].evidence; *e; e++)
		named |= strstr(*e, "process Xorg (pid 4242) holds /dev/dri/card0") != NULL;
	assert_true(named);
	vfd_plan_clear(&plan);
	close_fx(&fx);
}

/* two NICs behind a conventional PCI bridge: one alone is refused, --group works */
static void shared_group(void **state)
{
	static const char *const one[] = { "0000:02:01.0", NULL };
	struct vfd_bind_opts opts = { 0 };
	struct vfd_apply_result res;
	struct vfd_plan plan;
	struct fx fx = { 0 };

	fx.dir = tree_new();
	tree_device(fx.dir, "pci0000:00/0000:00:1c.0", 0x8086, 0x2448, 0x060400, 1, 4, true,
		    "pcieport", 5);
	tree_device(fx.dir, "pci0000:00/0000:00:1c.0/0000:01:00.0", 0x1b36, 0x000e, 0x060400, 1,
		    7, false, NULL, 6);
	tree_device(fx.dir, "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:01.0", 0x8086, 0x100e,
		    0x020000, 0, -1, false, "e1000", 6);
	tree_device(fx.dir, "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:02.0", 0x10ec, 0x8139,
		    0x020000, 0, -1, false, "8139cp", 6);
	tree_file(fx.dir, "sys/bus/pci/drivers/vfio-pci/new_id", "");
	open_fx(&fx);
	assert_int_equal(vfd_plan_bind(fx.host, one, &opts, &plan), 0);
	assert_true(plan.refused);
	assert_string_equal(plan.problems.findings[0].id, "bind.group-not-viable");
	assert_string_equal(plan.problems.findings[0].evidence[0],
			    "0000:02:02.0 is bound to 8139cp (blocks the group)");
	vfd_plan_clear(&plan);

	opts.allow_nonviable = true;
	assert_int_equal(vfd_plan_bind(fx.host, one, &opts, &plan), 0);
	assert_false(plan.refused);
	vfd_plan_clear(&plan);

	opts.allow_nonviable = false;
	opts.group = true;
	assert_int_equal(vfd_plan_bind(fx.host, one, &opts, &plan), 0);
	assert_false(plan.refused);
	/* both NICs, not the bridge */
	assert_int_equal(plan.ntargets, 2);
	assert_int_equal(vfd_plan_apply(fx.host, &plan, &res), 0);
	assert_string_equal(kmodel_driver(fx.dir, "0000:02:01.0"), "vfio-pci");
	assert_string_equal(kmodel_driver(fx.dir, "0000:02:02.0"), "vfio-pci");
	assert_string_equal(kmodel_driver(fx.dir, "0000:01:00.0"), "");
	vfd_plan_clear(&plan);
	vfd_apply_result_clear(&res);

	/* unbind one: it goes back to its own driver through drivers/8139cp/bind */
	rescan(&fx);
	{
		static const char *const rtl[] = { "0000:02:02.0", NULL };

		assert_int_equal(vfd_plan_restore(fx.host, rtl, &plan), 0);
		assert_string_equal(plan.steps[plan.nsteps - 1].path,
				    "sys/bus/pci/drivers/8139cp/bind");
		assert_int_equal(vfd_plan_apply(fx.host, &plan, &res), 0);
		assert_string_equal(kmodel_driver(fx.dir, "0000:02:02.0"), "8139cp");
		assert_string_equal(kmodel_driver(fx.dir, "0000:02:01.0"), "vfio-pci");
		vfd_plan_clear(&plan);
		vfd_apply_result_clear(&res);
	}
	close_fx(&fx);
}

static void refusals(void **state)
{
	static const char *const bridge[] = { PORT, NULL };
	static const char *const bad[] = { "1:2:3", NULL };
	static const char *const absent[] = { "0000:09:00.0", NULL };
	struct vfd_bind_opts opts = { .force = true, .allow_nonviable = true };
	struct vfd_plan plan;
	struct fx fx = { 0 };

	nic_tree(&fx);
	open_fx(&fx);
	/* a bridge is refused even with every override */
	assert_int_equal(vfd_plan_bind(fx.host, bridge, &opts, &plan), 0);
	assert_true(plan.refused);
	assert_string_equal(plan.problems.findings[0].id, "bind.bridge");
	vfd_plan_clear(&plan);
	assert_int_equal(vfd_plan_bind(fx.host, bad, &opts, &plan), -EINVAL);
	vfd_plan_clear(&plan);
	assert_int_equal(vfd_plan_bind(fx.host, absent, &opts, &plan), -ENODEV);
	vfd_plan_clear(&plan);
	close_fx(&fx);

	/*
	 * a host bridge has a normal header, so vfio-pci would take it, but it is
	 * refused by name; --group leaves one that shares the group (AMD's "dummy
	 * host bridges" sit in the groups of their root ports) and binds the rest
	 */
	fx.dir = tree_new();
	tree_device(fx.dir, "pci0000:00/0000:00:01.0", 0x1022, 0x1482, 0x060000, 0, -1, false,
		    NULL, 2);
	tree_device(fx.dir, "pci0000:00/" NIC, 0x8086, 0x10d3, 0x020000, 0, 0, false, "e1000e", 2);
	tree_file(fx.dir, "sys/devices/pci0000:00/" NIC "/driver_override", "(null)\n");
	open_fx(&fx);
	{
		static const char *const host_bridge[] = { "0000:00:01.0", NULL };
		static const char *const nic[] = { NIC, NULL };
		struct vfd_bind_opts group = { .group = true };

		assert_int_equal(vfd_plan_bind(fx.host, host_bridge, &opts, &plan), 0);
		assert_true(plan.refused);
		assert_string_equal(plan.problems.findings[0].id, "bind.host-bridge");
		assert_int_equal(plan.nsteps, 0);
		vfd_plan_clear(&plan);
		assert_int_equal(vfd_plan_bind(fx.host, nic, &group, &plan), 0);
		assert_false(plan.refused);
		assert_int_equal(plan.ntargets, 1);
		assert_string_equal(plan.targets[0].slot, NIC);
		vfd_plan_clear(&plan);
	}
	close_fx(&fx);

	/* no IOMMU group: vfio-pci would fail to probe */
	fx.dir = tree_new();
	tree_device(fx.dir, "pci0000:00/" NIC, 0x8086, 0x10d3, 0x020000, 0, 0, false, "e1000e", -1);
	open_fx(&fx);
	assert_int_equal(vfd_plan_bind(fx.host, nic_arg, &opts, &plan), 0);
	assert_true(plan.refused);
	assert_string_equal(plan.problems.findings[0].id, "bind.no-group");
	vfd_plan_clear(&plan);
	close_fx(&fx);
}

/* a snapshot is never written to without a kernel behind it */
static void sysroot_is_read_only(void **state)
{
	struct vfd_root *root;
	char *dir = tree_new();

	root = vfd_root_new(dir);
	assert_non_null(root);
	assert_int_equal(vfd_root_writef(root, "1", "sys/bus/pci/rescan"), -EROFS);
	assert_int_equal(vfd_root_write_file(root, "run/x/y", "z", 1, 0644), -EROFS);
	assert_int_equal(vfd_record_remove(root, NIC), -EROFS);
	assert_false(vfd_root_is_writable(root));
	vfd_root_unref(root);
	tree_free(dir);
}

static int count_writes(void *data, const char *path, const char *value)
{
	(void)path, (void)value;
	++*(int *)data;
	return 0;
}

/* a kernel model is a hook for sysfs writes, not a licence to write files */
static void write_hook_is_no_permission(void **state)
{
	struct vfd_root *root;
	char *dir = tree_new();
	int writes = 0;

	root = vfd_root_new(dir);
	assert_non_null(root);
	vfd_root_set_write_fn(root, count_writes, &writes);
	assert_int_equal(vfd_root_writef(root, "1", "sys/bus/pci/rescan"), 0);
	assert_int_equal(writes, 1);
	assert_int_equal(vfd_root_write_file(root, "run/x/y", "z", 1, 0644), -EROFS);
	assert_false(vfd_root_existsf(root, "run/x/y"));
	vfd_root_unref(root);

	/* a writable tree takes files; its sysfs still needs a kernel behind it */
	root = vfd_root_open(dir, VFD_ROOT_WRITABLE);
	assert_non_null(root);
	assert_true(vfd_root_is_writable(root));
	assert_int_equal(vfd_root_write_file(root, "run/x/y", "z", 1, 0644), 0);
	assert_true(vfd_root_existsf(root, "run/x/y"));
	assert_int_equal(vfd_root_writef(root, "1", "sys/bus/pci/rescan"), -EROFS);
	vfd_root_unref(root);
	tree_free(dir);
}

static void errno_words(void **state)
{
	assert_non_null(strstr(vfd_step_strerror(VFD_STEP_UNBIND, EBUSY), "busy"));
	assert_non_null(strstr(vfd_step_strerror(VFD_STEP_PROBE, ENODEV), "refused"));
	assert_non_null(strstr(vfd_step_strerror(VFD_STEP_OVERRIDE, EACCES), "root"));
	assert_non_null(strstr(vfd_step_strerror(VFD_STEP_BIND, EINVAL), "rejected"));
}

/* a planted record whose driver climbs out of sys/bus/pci/drivers is refused */
static void hostile_record_refused(void **state)
{
	static const char *const bad[] = {
		"../../../../etc", "..", ".", "e1000e/../../x", "e1000e\nunbind", "e 1000",
		"\x1b[31m", "",
	};
	struct vfd_binding_record rec;
	struct vfd_apply_result res;
	struct vfd_plan plan;
	struct fx fx = { 0 };
	char text[256];

	(void)state;
	nic_tree(&fx);
	open_fx(&fx);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "slot=" NIC "\ndriver=%s\noverride=\n", bad[i]);
		tree_file(fx.dir, "run/vfio-doctor/bindings/" NIC, text);
		if (!*bad[i] || strchr(bad[i], '\n')) {
			/* no driver (or a line that is not one): nothing to trust, nothing refused */
			assert_int_equal(vfd_record_load(fx.root, NIC, &rec), 0);
			vfd_record_clear(&rec);
			continue;
		}
		assert_int_equal(vfd_record_load(fx.root, NIC, &rec), -EBADMSG);
		vfd_record_clear(&rec);
		assert_int_equal(vfd_plan_restore(fx.host, nic_arg, &plan), 0);
		assert_true(plan.refused);
		assert_int_equal(plan.nsteps, 0);
		assert_int_equal(plan.problems.n, 1);
		assert_string_equal(plan.problems.findings[0].id, "restore.record");
		assert_int_equal(vfd_plan_apply(fx.host, &plan, &res), -EPERM);
		vfd_plan_clear(&plan);
		vfd_apply_result_clear(&res);
		assert_string_equal(kmodel_driver(fx.dir, NIC), "e1000e");
	}
	/* an override that is not a driver name either */
	tree_file(fx.dir, "run/vfio-doctor/bindings/" NIC,
		  "slot=" NIC "\ndriver=e1000e\noverride=../x\n");
	assert_int_equal(vfd_record_load(fx.root, NIC, &rec), -EBADMSG);
	vfd_record_clear(&rec);
	assert_true(vfd_driver_name_valid("vfio-pci"));
	assert_true(vfd_driver_name_valid("snd_hda_intel"));
	assert_false(vfd_driver_name_valid("a/b"));
	close_fx(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bind_then_restore),
		cmocka_unit_test(rollback_each_step),
		cmocka_unit_test(probe_that_does_not_bind),
		cmocka_unit_test(mounted_disk_refused),
		cmocka_unit_test(display_server_refused),
		cmocka_unit_test(shared_group),
		cmocka_unit_test(refusals),
		cmocka_unit_test(sysroot_is_read_only),
		cmocka_unit_test(write_hook_is_no_permission),
		cmocka_unit_test(errno_words),
		cmocka_unit_test(hostile_record_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
