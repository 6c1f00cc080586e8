// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Binding, safely. A plan is the list of sysfs writes that moves devices to
 * vfio-pci (or back), made and judged before anything is touched; applying it
 * is a transaction: what was done is undone when a step fails.
 *
 * Binding uses driver_override + drivers_probe (drivers/pci/pci-driver.c,
 * Documentation/ABI/testing/sysfs-bus-pci): it names one device, so two
 * identical GPUs or the host's own HDMI audio are never caught by an ID match
 * the way new_id and "options vfio-pci ids=" catch them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "select.h"

#define VFIO_DRIVER "vfio-pci"

static void step_clear(struct vfd_step *s)
{
	free(s->path);
	free(s->value);
	free(s->expect);
}

static void target_clear(struct vfd_target *t)
{
	free(t->driver);
	free(t->override);
}

void vfd_plan_clear(struct vfd_plan *plan)
{
	for (size_t i = 0; i < plan->nsteps; i++)
		step_clear(&plan->steps[i]);
	for (size_t i = 0; i < plan->ntargets; i++)
		target_clear(&plan->targets[i]);
	free(plan->steps);
	free(plan->targets);
	vfd_report_clear(&plan->problems);
	memset(plan, 0, sizeof(*plan));
}

void vfd_apply_result_clear(struct vfd_apply_result *res)
{
	free(res->detail);
	memset(res, 0, sizeof(*res));
}

static int add_step(struct vfd_plan *plan, enum vfd_step_kind kind, const char *slot,
		    char *path, const char *value, const char *expect)
{
	struct vfd_step *ns, *s;

	if (!path)
		return -ENOMEM;
	ns = realloc(plan->steps, (plan->nsteps + 1) * sizeof(*ns));
	if (!ns) {
		free(path);
		return -ENOMEM;
	}
	plan->steps = ns;
	s = &plan->steps[plan->nsteps];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	snprintf(s->slot, sizeof(s->slot), "%s", slot);
	s->path = path;
	s->value = strdup(value);
	s->expect = expect ? strdup(expect) : NULL;
	plan->nsteps++;
	if (!s->value || (expect && !s->expect))
		return -ENOMEM;
	return 0;
}

static bool has_target(const struct vfd_plan *plan, const char *slot)
{
	for (size_t i = 0; i < plan->ntargets; i++)
		if (strcmp(plan->targets[i].slot, slot) == 0)
			return true;
	return false;
}

static int add_target(struct vfd_plan *plan, struct vfd_pcidev *d, const char *prev_driver,
		      const char *prev_override)
{
	struct vfd_target *nt, *t;

	if (has_target(plan, vfd_pcidev_get_slot(d)))
		return 0;
	nt = realloc(plan->targets, (plan->ntargets + 1) * sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	plan->targets = nt;
	t = &plan->targets[plan->ntargets++];
	memset(t, 0, sizeof(*t));
	snprintf(t->slot, sizeof(t->slot), "%s", vfd_pcidev_get_slot(d));
	t->group = vfd_pcidev_get_group(d);
	t->driver = prev_driver ? strdup(prev_driver) : NULL;
	t->override = prev_override ? strdup(prev_override) : NULL;
	if ((prev_driver && !t->driver) || (prev_override && !t->override))
		return -ENOMEM;
	return 0;
}

static bool on_vfio(const struct vfd_pcidev *d)
{
	const char *drv = vfd_pcidev_get_driver(d);

	return drv && strcmp(drv, VFIO_DRIVER) == 0;
}

/* the steps that move one device to vfio-pci */
static int plan_bind_device(struct vfd_plan *plan, struct vfd_pcidev *d)
{
	const char *slot = vfd_pcidev_get_slot(d);
	const char *drv = vfd_pcidev_get_driver(d);
	int r;

	r = add_target(plan, d, drv, vfd_pcidev_get_driver_override(d));
	if (r == 0)
		r = add_step(plan, VFD_STEP_OVERRIDE, slot,
			     xasprintf("sys/bus/pci/devices/%s/driver_override", slot), VFIO_DRIVER,
			     NULL);
	if (r == 0 && drv)
		r = add_step(plan, VFD_STEP_UNBIND, slot,
			     xasprintf("sys/bus/pci/drivers/%s/unbind", drv), slot, NULL);
	if (r == 0)
		r = add_step(plan, VFD_STEP_PROBE, slot, strdup("sys/bus/pci/drivers_probe"), slot,
			     VFIO_DRIVER);
	return r;
}

/* the slots the plan moves, for the group judgement */
static bool judge_groups(struct vfd_host *host, struct vfd_plan *plan,
			 const struct vfd_take_opts *take)
{
	const char **taken = calloc(plan->ntargets + 1, sizeof(*taken));
	bool ok;

	if (!taken)
		return false;
	for (size_t t = 0; t < plan->ntargets; t++)
		taken[t] = plan->targets[t].slot;
	ok = vfd_take_judge_groups(host, taken, plan->ntargets, take, &plan->problems);
	free(taken);
	return ok;
}

int vfd_plan_bind(struct vfd_host *host, const char *const *devices,
		  const struct vfd_bind_opts *opts, struct vfd_plan *plan)
{
	struct vfd_selection sel;
	int r;

	memset(plan, 0, sizeof(*plan));
	r = vfd_select(host, devices, VFD_EXPAND_NONE, &sel);
	if (r < 0)
		return r;
	r = vfd_plan_bind_devices(host, sel.devs, sel.n, opts, plan);
	vfd_selection_clear(&sel);
	return r;
}

int vfd_plan_bind_devices(struct vfd_host *host, struct vfd_pcidev *const *named, size_t n,
			  const struct vfd_bind_opts *opts, struct vfd_plan *plan)
{
	struct vfd_take_opts take = {
		.prefix = "bind",
		.force = opts && opts->force,
		.allow_nonviable = (opts && opts->allow_nonviable) || (opts && opts->group),
	};
	int r = 0;

	memset(plan, 0, sizeof(*plan));
	plan->driver = VFIO_DRIVER;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct vfd_pcidev *d = named[i];
		const char *slot = vfd_pcidev_get_slot(d);
		struct vfd_group *g = vfd_host_find_group(host, vfd_pcidev_get_group(d));
		const char *why_id;

		if (!vfd_take_judge_device(host, d, &take, &plan->problems)) {
			plan->refused = true;
			continue;
		}
		if (opts && opts->group) {
			for (size_t m = 0; m < vfd_group_count_devices(g) && r == 0; m++) {
				struct vfd_pcidev *member = vfd_group_device(g, m);

				/*
				 * bridges stay on pcieport and host bridges driverless: neither
				 * blocks viability, and vfio-pci cannot or should not have them
				 */
				if (vfd_pcidev_unassignable(member, &why_id) || on_vfio(member) ||
				    has_target(plan, vfd_pcidev_get_slot(member)))
					continue;
				r = plan_bind_device(plan, member);
			}
		} else if (on_vfio(d)) {
			report_add(&plan->problems, "bind.already", "device", VFD_INFO, slot,
				   "%s is already bound to vfio-pci", slot);
		} else if (!has_target(plan, slot)) {
			r = plan_bind_device(plan, d);
		}
	}
	if (r < 0)
		return r;
	for (size_t t = 0; t < plan->ntargets; t++)
		if (!vfd_take_judge_use(host, vfd_host_find(host, plan->targets[t].slot), &take,
					&plan->problems))
			plan->refused = true;
	if (!judge_groups(host, plan, &take))
		plan->refused = true;
	return 0;
}

/* the steps that give one device back */
static int plan_restore_device(struct vfd_host *host, struct vfd_plan *plan, struct vfd_pcidev *d)
{
	struct vfd_root *root = vfd_host_get_root(host);
	const char *slot = vfd_pcidev_get_slot(d);
	const char *cur = vfd_pcidev_get_driver(d);
	struct vfd_binding_record rec;
	int r = vfd_record_load(root, slot, &rec);
	bool have = r == 0;
	const char *prev = have ? rec.driver : NULL;

	if (r == -EBADMSG) {
		struct vfd_finding *f = report_add(&plan->problems, "restore.record", "device",
						   VFD_FAIL, slot,
						   "/run/vfio-doctor/bindings/%s: the recorded driver "
						   "or override is not a driver name (a directory of "
						   "/sys/bus/pci/drivers); the record is not used",
						   slot);

		if (f)
			finding_fix(f, "remove /run/vfio-doctor/bindings/%s and bind the device "
				       "to its driver by hand", slot);
		vfd_record_clear(&rec);
		plan->refused = true;
		return 0;
	}

	if (!have && !on_vfio(d) && !vfd_pcidev_get_driver_override(d)) {
		report_add(&plan->problems, "restore.nothing", "device", VFD_INFO, slot,
			   "%s: nothing to give back (no record, not on vfio-pci)", slot);
		return 0;
	}
	/* the target keeps what it has now: a failed restore returns it there */
	r = add_target(plan, d, cur, vfd_pcidev_get_driver_override(d));
	if (r == 0)
		r = add_step(plan, VFD_STEP_OVERRIDE, slot,
			     xasprintf("sys/bus/pci/devices/%s/driver_override", slot),
			     have && rec.override ? rec.override : "\n", NULL);
	if (r == 0 && cur && (!prev || strcmp(cur, prev) != 0))
		r = add_step(plan, VFD_STEP_UNBIND, slot,
			     xasprintf("sys/bus/pci/drivers/%s/unbind", cur), slot, NULL);
	if (r == 0 && prev && (!cur || strcmp(cur, prev) != 0))
		r = add_step(plan, VFD_STEP_BIND, slot,
			     xasprintf("sys/bus/pci/drivers/%s/bind", prev), slot, prev);
	else if (r == 0 && !prev && cur)
		/* no record: let the kernel pick, as after a reboot */
		r = add_step(plan, VFD_STEP_PROBE, slot, strdup("sys/bus/pci/drivers_probe"), slot,
			     NULL);
	if (have)
		vfd_record_clear(&rec);
	return r;
}

int vfd_plan_restore(struct vfd_host *host, const char *const *devices, struct vfd_plan *plan)
{
	struct vfd_selection sel;
	char **recorded = NULL;
	int r;

	memset(plan, 0, sizeof(*plan));
	plan->driver = "";
	if (!devices) {
		r = vfd_record_list(vfd_host_get_root(host), &recorded);
		if (r < 0)
			return r;
		devices = (const char *const *)recorded;
	}
	r = vfd_select(host, devices, VFD_EXPAND_NONE, &sel);
	if (r == 0)
		r = vfd_plan_restore_devices(host, sel.devs, sel.n, plan);
	vfd_selection_clear(&sel);
	vfd_strv_free(recorded);
	return r;
}

int vfd_plan_restore_devices(struct vfd_host *host, struct vfd_pcidev *const *devices, size_t n,
			     struct vfd_plan *plan)
{
	int r = 0;

	memset(plan, 0, sizeof(*plan));
	plan->driver = "";
	for (size_t i = 0; r == 0 && i < n; i++)
		r = plan_restore_device(host, plan, devices[i]);
	return r;
}

const char *vfd_step_strerror(enum vfd_step_kind kind, int err)
{
	switch (err) {
	case ENODEV:
		return kind == VFD_STEP_OVERRIDE ? "no such device"
		       : "no such device, or the driver refused it (its probe failed: see the "
			 "kernel log)";
	case EBUSY:
		return "Device or resource busy: the device is already bound to a driver, or "
		       "its driver will not let go of it";
	case EINVAL:
		return "the kernel rejected the value (not a device address, or a device the "
		       "driver does not support)";
	case EACCES:
	case EPERM:
		return "permission denied: run as root, with /sys mounted read-write";
	case ENOENT:
		return "no such file: the driver is not loaded or the device is gone";
	case EROFS:
		return "read-only: a snapshot (--sysroot) cannot be changed";
	case EEXIST:
		return "already bound";
	default:
		return strerror(err);
	}
}

/* the driver holding @slot right now, read fresh (caller frees) */
static char *current_driver(struct vfd_root *root, const char *slot)
{
	char *drv = NULL;

	if (vfd_root_readlinkf_base(root, &drv, "sys/bus/pci/devices/%s/driver", slot) < 0)
		return NULL;
	return drv;
}

/* put one device back as it was before the plan touched it; first error wins */
static int roll_back(struct vfd_root *root, const struct vfd_target *t)
{
	char *cur = current_driver(root, t->slot);
	int r, first = 0;

	r = vfd_root_writef(root, t->override ? t->override : "\n",
			    "sys/bus/pci/devices/%s/driver_override", t->slot);
	first = r;
	if (cur && (!t->driver || strcmp(cur, t->driver) != 0)) {
		r = vfd_root_writef(root, t->slot, "sys/bus/pci/drivers/%s/unbind", cur);
		if (!first)
			first = r;
		free(cur);
		cur = NULL;
	}
	if (t->driver && !cur) {
		r = vfd_root_writef(root, t->slot, "sys/bus/pci/drivers/%s/bind", t->driver);
		if (!first)
			first = r;
	}
	free(cur);
	return first;
}

/* the kernel log lines about @slot, for a probe that did not bind */
static char *probe_log(struct vfd_root *root, const char *slot)
{
	struct vfd_kmsg k;
	char *out = NULL;
	size_t from;

	if (vfd_kmsg_read(root, &k) < 0)
		return NULL;
	from = k.n > 400 ? k.n - 400 : 0;
	for (size_t i = from; i < k.n; i++) {
		char *n;

		if (!strstr(k.lines[i].text, slot))
			continue;
		n = out ? xasprintf("%s\n%s", out, k.lines[i].text) : strdup(k.lines[i].text);
		free(out);
		out = n;
	}
	vfd_kmsg_clear(&k);
	return out;
}

static void wait_for_node(struct vfd_root *root, int group)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	/* udev makes /dev/vfio/N shortly after vfio-pci registers the group */
	for (int i = 0; i < 50 && group >= 0; i++) {
		if (vfd_root_existsf(root, "dev/vfio/%d", group))
			return;
		nanosleep(&ts, NULL);
	}
}

int vfd_plan_apply(struct vfd_host *host, struct vfd_plan *plan, struct vfd_apply_result *res)
{
	struct vfd_root *root = vfd_host_get_root(host);
	bool binding = plan->driver && *plan->driver;
	bool *created = NULL;
	int r = 0;

	memset(res, 0, sizeof(*res));
	if (plan->refused)
		return res->err = -EPERM;
	if (binding && vfd_root_is_live(root) && plan->nsteps) {
		struct vfd_modules *mods = vfd_modules_new(root, vfd_host_get_release(host));

		r = mods ? vfd_modules_load(mods, "vfio_pci") : -ENOMEM;
		vfd_modules_free(mods);
		if (r < 0) {
			res->detail = xasprintf("cannot load vfio-pci: %s", strerror(-r));
			return res->err = r;
		}
	}
	/* the record comes before the first change: a crash leaves a way back */
	created = calloc(plan->ntargets + 1, sizeof(*created));
	if (!created)
		return res->err = -ENOMEM;
	for (size_t t = 0; binding && t < plan->ntargets; t++) {
		struct vfd_binding_record rec = { 0 };

		snprintf(rec.slot, sizeof(rec.slot), "%s", plan->targets[t].slot);
		rec.driver = plan->targets[t].driver;
		rec.override = plan->targets[t].override;
		r = vfd_record_save(root, &rec);
		if (r < 0) {
			res->detail = xasprintf("cannot record the state of %s under "
						"/run/vfio-doctor: %s", rec.slot, strerror(-r));
			free(created);
			return res->err = r;
		}
		created[t] = r == 1;
	}
	r = 0;
	for (size_t i = 0; i < plan->nsteps; i++) {
		struct vfd_step *s = &plan->steps[i];

		r = vfd_root_writef(root, s->value, "%s", s->path);
		if (r == 0 && s->expect) {
			char *now = current_driver(root, s->slot);

			if (!now || strcmp(now, s->expect) != 0) {
				r = -ENODEV;
				res->detail = probe_log(root, s->slot);
				if (!res->detail)
					res->detail = xasprintf("%s is %s after the write, not %s",
								s->slot, now ? now : "unbound",
								s->expect);
			}
			free(now);
		}
		if (r < 0) {
			res->err = r;
			res->failed = i;
			break;
		}
		res->done++;
	}
	if (r < 0) {
		/* undo: every target back to what it had, newest first */
		for (size_t t = plan->ntargets; t-- > 0;) {
			int rb = roll_back(root, &plan->targets[t]);

			if (rb < 0 && !res->rollback_err)
				res->rollback_err = rb;
		}
		res->rolled_back = true;
		/* back where it started: drop the records this run wrote */
		for (size_t t = 0; binding && !res->rollback_err && t < plan->ntargets; t++)
			if (created[t])
				vfd_record_remove(root, plan->targets[t].slot);
		free(created);
		return r;
	}
	for (size_t t = 0; t < plan->ntargets; t++) {
		if (binding && vfd_root_is_live(root))
			wait_for_node(root, plan->targets[t].group);
		if (!binding)
			vfd_record_remove(root, plan->targets[t].slot);
	}
	free(created);
	return 0;
}
