// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device selection and the judgement of whether a device may be taken from
 * the host: one place for what bind, trial (and the commands that follow)
 * need, so that an argument is parsed once and a refusal reads the same
 * everywhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "select.h"

void vfd_selection_clear(struct vfd_selection *sel)
{
	free(sel->devs);
	free(sel->arg);
	free(sel->specs);
	memset(sel, 0, sizeof(*sel));
	sel->bad_arg = -1;
}

static bool selected(const struct vfd_selection *sel, const struct vfd_pcidev *d)
{
	for (size_t i = 0; i < sel->n; i++)
		if (sel->devs[i] == d)
			return true;
	return false;
}

static int add(struct vfd_selection *sel, struct vfd_pcidev *d, int arg)
{
	struct vfd_pcidev **nd;
	int *na;

	if (selected(sel, d))
		return 0;
	nd = realloc(sel->devs, (sel->n + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	sel->devs = nd;
	na = realloc(sel->arg, (sel->n + 1) * sizeof(*na));
	if (!na)
		return -ENOMEM;
	sel->arg = na;
	sel->devs[sel->n] = d;
	sel->arg[sel->n++] = arg;
	return 0;
}

/* same domain, bus and device: the functions of one slot */
static bool same_slot(const struct vfd_pcidev *a, const struct vfd_pcidev *b)
{
	const char *sa = vfd_pcidev_get_slot(a), *sb = vfd_pcidev_get_slot(b);
	const char *dot = strrchr(sa, '.');

	return dot && strncmp(sa, sb, (size_t)(dot - sa) + 1) == 0;
}

/* the functions that go with @d: its slot's (a VF stands alone) or its group's */
static int expand_one(struct vfd_host *host, struct vfd_selection *sel, struct vfd_pcidev *d,
		      enum vfd_expand expand)
{
	const char *why_id;
	int r = 0;

	if (expand == VFD_EXPAND_SLOT && !vfd_pcidev_get_physfn(d)) {
		for (size_t i = 0; i < vfd_host_count_devices(host) && r == 0; i++) {
			struct vfd_pcidev *s = vfd_host_device(host, i);

			if (same_slot(s, d) && !vfd_pcidev_get_physfn(s) &&
			    !vfd_pcidev_unassignable(s, &why_id))
				r = add(sel, s, -1);
		}
	} else if (expand == VFD_EXPAND_GROUP) {
		struct vfd_group *g = vfd_host_find_group(host, vfd_pcidev_get_group(d));

		for (size_t i = 0; g && i < vfd_group_count_devices(g) && r == 0; i++) {
			struct vfd_pcidev *m = vfd_group_device(g, i);

			if (!vfd_pcidev_unassignable(m, &why_id))
				r = add(sel, m, -1);
		}
	}
	return r;
}

int vfd_selection_parse(const char *const *args, struct vfd_selection *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->bad_arg = -1;
	sel->args = args;
	while (args && args[sel->nargs])
		sel->nargs++;
	sel->specs = calloc(sel->nargs ? sel->nargs : 1, sizeof(*sel->specs));
	if (!sel->specs)
		return -ENOMEM;
	for (size_t a = 0; a < sel->nargs; a++) {
		if (vfd_devspec_parse(args[a], &sel->specs[a]) < 0) {
			vfd_selection_clear(sel);
			sel->args = args;
			sel->bad_arg = (int)a;
			return -EINVAL;
		}
	}
	return 0;
}

/* forget the devices found, keep the parsed arguments */
static void drop_devices(struct vfd_selection *sel)
{
	free(sel->devs);
	free(sel->arg);
	sel->devs = NULL;
	sel->arg = NULL;
	sel->n = 0;
}

int vfd_selection_resolve(struct vfd_host *host, struct vfd_selection *sel,
			  enum vfd_expand expand)
{
	size_t named;
	int r = 0;

	drop_devices(sel);
	sel->bad_arg = -1;
	for (size_t a = 0; a < sel->nargs && r == 0; a++) {
		size_t idx = 0, start = 0;
		bool any = false;

		while (r == 0 && vfd_host_lookup_next(host, &sel->specs[a], start, &idx) == 0) {
			r = add(sel, vfd_host_device(host, idx), (int)a);
			start = idx + 1;
			any = true;
		}
		if (r == 0 && !any) {
			r = -ENODEV;
			sel->bad_arg = (int)a;
		}
	}
	/* siblings after every named device, so that the named keep their argument */
	named = sel->n;
	for (size_t i = 0; i < named && r == 0; i++)
		r = expand_one(host, sel, sel->devs[i], expand);
	if (r < 0)
		drop_devices(sel);
	return r;
}

int vfd_select(struct vfd_host *host, const char *const *args, enum vfd_expand expand,
	       struct vfd_selection *sel)
{
	int r = vfd_selection_parse(args, sel);

	if (r == 0)
		r = vfd_selection_resolve(host, sel, expand);
	if (r < 0) {
		int bad = sel->bad_arg;

		vfd_selection_clear(sel);
		sel->args = args;
		sel->bad_arg = bad;
	}
	return r;
}

struct vfd_pcidev *vfd_selection_named_by(const struct vfd_selection *sel, int arg)
{
	for (size_t i = 0; i < sel->n; i++)
		if (sel->arg[i] == arg)
			return sel->devs[i];
	return NULL;
}

int vfd_selection_first_unassignable(const struct vfd_selection *sel)
{
	const char *why_id;

	for (size_t i = 0; i < sel->n; i++)
		if (sel->arg[i] >= 0 && vfd_pcidev_unassignable(sel->devs[i], &why_id))
			return (int)i;
	return -1;
}

char **vfd_selection_slots(const struct vfd_selection *sel)
{
	char **v = calloc(sel->n + 1, sizeof(*v));

	for (size_t i = 0; v && i < sel->n; i++) {
		v[i] = strdup(vfd_pcidev_get_slot(sel->devs[i]));
		if (!v[i]) {
			vfd_strv_free(v);
			return NULL;
		}
	}
	return v;
}

static const char *prefix_of(const struct vfd_take_opts *opts)
{
	return opts && opts->prefix ? opts->prefix : "take";
}

bool vfd_take_judge_device(struct vfd_host *host, struct vfd_pcidev *d,
			   const struct vfd_take_opts *opts, struct vfd_report *report)
{
	const char *slot = vfd_pcidev_get_slot(d);
	const char *why, *why_id;
	struct vfd_finding *f;
	char id[64];

	why = vfd_pcidev_unassignable(d, &why_id);
	if (why) {
		/* .bridge, .host-bridge: refused whatever the options */
		snprintf(id, sizeof(id), "%s.%s", prefix_of(opts), why_id);
		f = report_add(report, id, "device", VFD_FAIL, slot, "refusing %s: %s", slot, why);
		finding_fix(f, vfd_pcidev_is_bridge(d)
			       ? "bind the devices behind it instead"
			       : "leave it to the host: pass only the endpoints of its "
				 "group (vfio-doctor groups)");
		return false;
	}
	if (!vfd_host_find_group(host, vfd_pcidev_get_group(d))) {
		/* without a group vfio-pci's probe fails with -22 */
		snprintf(id, sizeof(id), "%s.no-group", prefix_of(opts));
		f = report_add(report, id, "device", VFD_FAIL, slot,
			       "%s has no IOMMU group: vfio-pci would fail to probe it "
			       "(error -22)", slot);
		finding_fix(f, "enable the IOMMU first (vfio-doctor check)");
		return false;
	}
	return true;
}

bool vfd_take_judge_use(struct vfd_host *host, struct vfd_pcidev *d,
			const struct vfd_take_opts *opts, struct vfd_report *report)
{
	bool force = opts && opts->force;
	struct vfd_use *uses = NULL;
	struct vfd_finding *f;
	char id[64];
	int n = vfd_host_device_uses(host, d, &uses);

	if (n <= 0)
		return true;
	snprintf(id, sizeof(id), "%s.in-use", prefix_of(opts));
	f = report_add(report, id, "device", force ? VFD_WARN : VFD_FAIL,
		       vfd_pcidev_get_slot(d), "%s the host is using %s (%s)",
		       force ? "binding anyway (--force):" : "refusing:", vfd_pcidev_get_slot(d),
		       driver_name_or_none(d));
	for (int i = 0; i < n; i++)
		finding_evidence(f, "%s (%s)", uses[i].what, uses[i].evidence);
	vfd_uses_free(uses, n);
	if (force)
		return true;
	finding_fix(f, "stop using it first (unmount, swapoff, take the interface down, "
		       "move the console), or pass --force if you accept losing it");
	return false;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

bool vfd_take_judge_groups(struct vfd_host *host, const char *const *taken, size_t n,
			   const struct vfd_take_opts *opts, struct vfd_report *report)
{
	bool allow = opts && opts->allow_nonviable, ok = true;
	unsigned int kv = vfd_host_kernel_version(host);
	char id[64];

	snprintf(id, sizeof(id), "%s.group-not-viable", prefix_of(opts));
	for (size_t t = 0; t < n; t++) {
		struct vfd_pcidev *d = vfd_host_find(host, taken[t]);
		int number = d ? vfd_pcidev_get_group(d) : -1;
		struct vfd_group *g = vfd_host_find_group(host, number);
		struct vfd_finding *f = NULL;
		bool seen = false;

		/* judge each group once */
		for (size_t u = 0; u < t; u++) {
			struct vfd_pcidev *e = vfd_host_find(host, taken[u]);

			seen |= e && vfd_pcidev_get_group(e) == number;
		}
		if (!g || seen)
			continue;
		for (size_t i = 0; i < vfd_group_count_devices(g); i++) {
			struct vfd_pcidev *m = vfd_group_device(g, i);

			if (in_list(taken, n, vfd_pcidev_get_slot(m)) ||
			    vfd_pcidev_is_viability_ok(m, kv))
				continue;
			if (!f)
				f = report_add(report, id, "device", allow ? VFD_WARN : VFD_FAIL,
					       taken[t], "IOMMU group %d would stay non-viable: "
					       "QEMU will fail with \"group %d is not viable\"",
					       number, number);
			finding_evidence(f, "%s is bound to %s (blocks the group)",
					 vfd_pcidev_get_slot(m), driver_name_or_none(m));
		}
		if (f && !allow) {
			finding_fix(f, "bind the whole group: vfio-doctor bind --group %s", taken[t]);
			finding_fix(f, "or bind anyway with --allow-nonviable (the device cannot be "
				       "used by a VM until the group is viable)");
			ok = false;
		}
	}
	return ok;
}
