// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device selection (lib/checks/select.c): arguments parsed once and resolved, the
 * index of the one that failed, expansion to the slot and to the group; the
 * judgement of whether a device may be taken.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "select.h"
#include "tree.h"
#include "vfd.h"
#include "vfd-vm.h"

#define PORT "0000:00:1c.0"
#define GPU "0000:01:00.0"
#define HDA "0000:01:00.1"
#define NIC "0000:02:00.0"
#define NIC2 "0000:03:00.0"

struct fx {
	char *dir;
	struct vfd_root *root;
	struct vfd_host *host;
};

/*
 * A port, a GPU with its audio function in group 1, an e1000e alone in group
 * 2, a second e1000e with no group, and an SATA controller bound to ahci that
 * shares group 3 with a third device.
 */
static void open_fx(struct fx *fx)
{
	fx->dir = tree_new();
	tree_device(fx->dir, "pci0000:00/" PORT, 0x8086, 0xa110, 0x060400, 1, 4, true, "pcieport", 4);
	tree_device(fx->dir, "pci0000:00/" PORT "/" GPU, 0x10de, 0x1f06, 0x030000, 0, 0, false,
		    "nouveau", 1);
	tree_device(fx->dir, "pci0000:00/" PORT "/" HDA, 0x10de, 0x10f9, 0x040300, 0, 0, false,
		    "snd_hda_intel", 1);
	tree_device(fx->dir, "pci0000:00/0000:00:1d.0/" NIC, 0x8086, 0x10d3, 0x020000, 0, 0, false,
		    "e1000e", 2);
	tree_device(fx->dir, "pci0000:00/0000:00:1e.0/" NIC2, 0x8086, 0x10d3, 0x020000, 0, 0, false,
		    NULL, -1);
	tree_device(fx->dir, "pci0000:00/0000:00:1f.2", 0x8086, 0x2922, 0x010601, 0, -1, false,
		    "ahci", 3);
	tree_device(fx->dir, "pci0000:00/0000:00:1f.3", 0x8086, 0x2930, 0x0c0500, 0, -1, false,
		    "i801_smbus", 3);
	fx->host = tree_open_host(fx->dir, &fx->root);
}

static void close_fx(struct fx *fx)
{
	vfd_host_free(fx->host);
	vfd_root_unref(fx->root);
	tree_free(fx->dir);
}

static const char *slot_of(const struct vfd_selection *sel, size_t i)
{
	return vfd_pcidev_get_slot(sel->devs[i]);
}

static void resolves_and_expands_slot(void **state)
{
	const char *const args[] = { "01:00.0", NULL };
	struct vfd_selection sel;
	struct fx fx;

	open_fx(&fx);
	assert_int_equal(vfd_select(fx.host, args, VFD_EXPAND_NONE, &sel), 0);
	assert_int_equal(sel.n, 1);
	assert_string_equal(slot_of(&sel, 0), GPU);
	assert_int_equal(sel.arg[0], 0);
	vfd_selection_clear(&sel);

	/* the audio function comes along, marked as brought (-1) */
	assert_int_equal(vfd_select(fx.host, args, VFD_EXPAND_SLOT, &sel), 0);
	assert_int_equal(sel.n, 2);
	assert_string_equal(slot_of(&sel, 1), HDA);
	assert_int_equal(sel.arg[1], -1);
	assert_int_equal(sel.bad_arg, -1);
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

static void ids_match_every_device_once(void **state)
{
	/* both e1000e by ID, then one of them again by address: no duplicate */
	const char *const args[] = { "8086:10d3", NIC, NULL };
	struct vfd_selection sel;
	char **slots;
	struct fx fx;

	open_fx(&fx);
	assert_int_equal(vfd_select(fx.host, args, VFD_EXPAND_SLOT, &sel), 0);
	assert_int_equal(sel.n, 2);
	slots = vfd_selection_slots(&sel);
	assert_non_null(slots);
	assert_string_equal(slots[0], NIC);
	assert_string_equal(slots[1], NIC2);
	assert_null(slots[2]);
	vfd_strv_free(slots);
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

static void names_the_failing_argument(void **state)
{
	const char *const unmatched[] = { GPU, "05:00.0", NULL };
	const char *const malformed[] = { GPU, NIC, "01:00", NULL };
	struct vfd_selection sel;
	struct fx fx;

	open_fx(&fx);
	assert_int_equal(vfd_select(fx.host, unmatched, VFD_EXPAND_SLOT, &sel), -ENODEV);
	assert_int_equal(sel.bad_arg, 1);
	assert_int_equal(sel.n, 0);
	vfd_selection_clear(&sel);
	assert_int_equal(vfd_select(fx.host, malformed, VFD_EXPAND_NONE, &sel), -EINVAL);
	assert_int_equal(sel.bad_arg, 2);
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

static void expands_group_without_bridges(void **state)
{
	const char *const args[] = { "00:1f.2", NULL };
	struct vfd_selection sel;
	struct fx fx;

	open_fx(&fx);
	assert_int_equal(vfd_select(fx.host, args, VFD_EXPAND_GROUP, &sel), 0);
	assert_int_equal(sel.n, 2);
	assert_string_equal(slot_of(&sel, 1), "0000:00:1f.3");
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

static const struct vfd_finding *find(const struct vfd_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->findings[i].id, id) == 0)
			return &rep->findings[i];
	return NULL;
}

static void judges_bridge_and_no_group(void **state)
{
	struct vfd_take_opts opts = { .prefix = "trial" };
	struct vfd_report rep = { 0 };
	struct fx fx;

	open_fx(&fx);
	assert_false(vfd_take_judge_device(fx.host, vfd_host_find(fx.host, PORT), &opts, &rep));
	assert_non_null(find(&rep, "trial.bridge"));
	assert_false(vfd_take_judge_device(fx.host, vfd_host_find(fx.host, NIC2), &opts, &rep));
	assert_non_null(find(&rep, "trial.no-group"));
	assert_true(vfd_take_judge_device(fx.host, vfd_host_find(fx.host, NIC), &opts, &rep));
	assert_int_equal(rep.n, 2);
	vfd_report_clear(&rep);
	close_fx(&fx);
}

static void judges_groups(void **state)
{
	const char *const alone[] = { "0000:00:1f.2" };
	const char *const both[] = { "0000:00:1f.2", "0000:00:1f.3" };
	struct vfd_take_opts opts = { .prefix = "trial" };
	struct vfd_report rep = { 0 };
	const struct vfd_finding *f;
	struct fx fx;

	open_fx(&fx);
	/* the SMBus controller stays on its driver: group 3 non-viable */
	assert_false(vfd_take_judge_groups(fx.host, alone, 1, &opts, &rep));
	f = find(&rep, "trial.group-not-viable");
	assert_non_null(f);
	assert_int_equal(f->status, VFD_FAIL);
	assert_non_null(strstr(f->evidence[0], "0000:00:1f.3"));
	vfd_report_clear(&rep);
	/* allowed: a warning, not a refusal */
	opts.allow_nonviable = true;
	assert_true(vfd_take_judge_groups(fx.host, alone, 1, &opts, &rep));
	assert_int_equal(rep.findings[0].status, VFD_WARN);
	vfd_report_clear(&rep);
	opts.allow_nonviable = false;
	/* the whole group taken: viable */
	assert_true(vfd_take_judge_groups(fx.host, both, 2, &opts, &rep));
	assert_int_equal(rep.n, 0);
	close_fx(&fx);
}

static void parses_before_the_host_and_resolves_after(void **state)
{
	const char *const malformed[] = { GPU, "01:00", NULL };
	const char *const args[] = { NIC, "0000:99:00.0", NULL };
	struct vfd_selection sel;
	struct fx fx;

	/* no host needed to reject a malformed argument; the arguments stay for the message */
	assert_int_equal(vfd_selection_parse(malformed, &sel), -EINVAL);
	assert_int_equal(sel.bad_arg, 1);
	assert_ptr_equal(sel.args, malformed);
	vfd_selection_clear(&sel);

	open_fx(&fx);
	assert_int_equal(vfd_selection_parse(args, &sel), 0);
	assert_int_equal(sel.nargs, 2);
	assert_int_equal(sel.n, 0);
	assert_int_equal(vfd_selection_resolve(fx.host, &sel, VFD_EXPAND_NONE), -ENODEV);
	assert_int_equal(sel.bad_arg, 1);
	assert_string_equal(sel.args[sel.bad_arg], "0000:99:00.0");
	assert_int_equal(sel.n, 0);
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

static void finds_what_each_argument_named(void **state)
{
	const char *const args[] = { NIC, PORT, GPU, NULL };
	struct vfd_selection sel;
	struct fx fx;

	open_fx(&fx);
	assert_int_equal(vfd_select(fx.host, args, VFD_EXPAND_SLOT, &sel), 0);
	assert_string_equal(vfd_pcidev_get_slot(vfd_selection_named_by(&sel, 2)), GPU);
	assert_null(vfd_selection_named_by(&sel, 3));
	/* the port, named by argument 1, is the first that no guest can have */
	assert_int_equal(vfd_selection_first_unassignable(&sel), 1);
	assert_int_equal(sel.arg[1], 1);
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

static size_t count_id(const struct vfd_report *rep, const char *id, const char *device)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n; i++)
		n += strcmp(rep->findings[i].id, id) == 0 && rep->findings[i].device &&
		     strcmp(rep->findings[i].device, device) == 0;
	return n;
}

static void check_names_the_unmatched_argument(void **state)
{
	const char *const absent[] = { GPU, "0000:99:00.0", NULL };
	const char *const twice[] = { GPU, "01:00.0", NULL };
	struct vfd_check_opts opts = { .devices = absent };
	struct vfd_report rep = { 0 };
	struct vfd_selection sel;
	struct fx fx;

	open_fx(&fx);
	/* by strings: -ENODEV and nothing reported */
	assert_int_equal(vfd_check_run(fx.host, &opts, &rep), -ENODEV);
	assert_int_equal(rep.n, 0);
	/* selected first, the caller knows which argument it was */
	assert_int_equal(vfd_select(fx.host, absent, VFD_EXPAND_NONE, &sel), -ENODEV);
	assert_int_equal(sel.bad_arg, 1);
	vfd_selection_clear(&sel);
	/* the devices of a selection are checked, each once, and only they */
	assert_int_equal(vfd_select(fx.host, twice, VFD_EXPAND_NONE, &sel), 0);
	opts.devices = NULL;
	opts.selection = &sel;
	assert_int_equal(vfd_check_run(fx.host, &opts, &rep), 0);
	assert_int_equal(count_id(&rep, "device.driver", GPU), 1);
	assert_int_equal(count_id(&rep, "device.driver", HDA), 0);
	vfd_report_clear(&rep);
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

static void bind_takes_the_selection(void **state)
{
	const char *const args[] = { NIC, "0000:99:00.0", NULL };
	const char *const nic[] = { NIC, NULL };
	struct vfd_plan plan;
	struct vfd_selection sel;
	struct fx fx;

	open_fx(&fx);
	assert_int_equal(vfd_plan_bind(fx.host, args, NULL, &plan), -ENODEV);
	vfd_plan_clear(&plan);
	assert_int_equal(vfd_select(fx.host, args, VFD_EXPAND_NONE, &sel), -ENODEV);
	assert_int_equal(sel.bad_arg, 1);
	vfd_selection_clear(&sel);
	/* the one that matches: planned from the devices, not from the strings again */
	assert_int_equal(vfd_select(fx.host, nic, VFD_EXPAND_NONE, &sel), 0);
	assert_int_equal(vfd_plan_bind_devices(fx.host, sel.devs, sel.n, NULL, &plan), 0);
	assert_int_equal(plan.ntargets, 1);
	assert_string_equal(plan.targets[0].slot, NIC);
	vfd_plan_clear(&plan);
	/* nothing recorded, not on vfio-pci: nothing to give back, no step */
	assert_int_equal(vfd_plan_restore_devices(fx.host, sel.devs, sel.n, &plan), 0);
	assert_int_equal(plan.nsteps, 0);
	assert_non_null(find(&plan.problems, "restore.nothing"));
	vfd_plan_clear(&plan);
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

static void qemu_args_name_the_argument(void **state)
{
	const char *const absent[] = { GPU, "0000:99:00.0", NULL };
	const char *const bridge[] = { GPU, "00:1c.0", NULL };
	const char *const gpu[] = { "10de:1f06", NULL };
	struct vfd_vm_opts opts = { .slot = -1 };
	struct vfd_report notes = { 0 };
	struct vfd_vm_devset set;
	struct vfd_selection sel;
	struct fx fx;

	open_fx(&fx);
	assert_int_equal(vfd_vm_devset_build(fx.host, absent, &opts, &set, &notes), -ENODEV);
	assert_int_equal(vfd_select(fx.host, absent, VFD_EXPAND_NONE, &sel), -ENODEV);
	assert_int_equal(sel.bad_arg, 1);
	vfd_selection_clear(&sel);
	/* a bridge: -EISDIR, and the selection says which argument named it */
	assert_int_equal(vfd_select(fx.host, bridge, VFD_EXPAND_NONE, &sel), 0);
	assert_int_equal(vfd_vm_devset_build_selected(fx.host, &sel, &opts, &set, &notes),
			 -EISDIR);
	assert_int_equal(sel.arg[vfd_selection_first_unassignable(&sel)], 1);
	vfd_selection_clear(&sel);
	/* by IDs: the GPU brings its audio function, one unit for the slot */
	assert_int_equal(vfd_select(fx.host, gpu, VFD_EXPAND_NONE, &sel), 0);
	assert_int_equal(vfd_vm_devset_build_selected(fx.host, &sel, &opts, &set, &notes), 0);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.units[0].n, 2);
	vfd_vm_devset_clear(&set);
	vfd_report_clear(&notes);
	vfd_selection_clear(&sel);
	close_fx(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolves_and_expands_slot),
		cmocka_unit_test(ids_match_every_device_once),
		cmocka_unit_test(names_the_failing_argument),
		cmocka_unit_test(expands_group_without_bridges),
		cmocka_unit_test(judges_bridge_and_no_group),
		cmocka_unit_test(judges_groups),
		cmocka_unit_test(parses_before_the_host_and_resolves_after),
		cmocka_unit_test(finds_what_each_argument_named),
		cmocka_unit_test(check_names_the_unmatched_argument),
		cmocka_unit_test(bind_takes_the_selection),
		cmocka_unit_test(qemu_args_name_the_argument),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
