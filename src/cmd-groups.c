// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor groups: IOMMU groups and their devices as an lsblk-style table
 * (groups are parents, devices children), or the PCI topology with --tree.
 */
#include <getopt.h>
#include <libsmartcols.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output.h"
#include "table.h"

enum {
	COL_GROUP, COL_SLOT, COL_ID, COL_VENDOR, COL_DEVICE, COL_SVENDOR, COL_SDEVICE,
	COL_CLASS, COL_CLASSNAME, COL_VENDORNAME, COL_DEVICENAME, COL_NAME, COL_REV,
	COL_DRIVER, COL_OVERRIDE, COL_VIABLE, COL_BLOCKS, COL_PARENT, COL_BRIDGE, COL_RESET,
	COL_BOOTVGA, COL_NUMA, COL_PHYSFN,
};

static const struct colinfo columns[] = {
	[COL_GROUP] = { "GROUP", 5, SCOLS_FL_RIGHT, "IOMMU group number (null without an IOMMU)",
			COL_NUM },
	[COL_SLOT] = { "SLOT", 12, 0, "PCI address DDDD:BB:DD.F", COL_STR },
	[COL_ID] = { "ID", 9, 0, "vendor:device IDs", COL_STR },
	[COL_VENDOR] = { "VENDOR", 6, 0, "vendor ID, 4 hex digits", COL_STR },
	[COL_DEVICE] = { "DEVICE", 6, 0, "device ID, 4 hex digits", COL_STR },
	[COL_SVENDOR] = { "SVENDOR", 7, 0, "subsystem vendor ID", COL_STR },
	[COL_SDEVICE] = { "SDEVICE", 7, 0, "subsystem device ID", COL_STR },
	[COL_CLASS] = { "CLASS", 6, 0, "class code, 6 hex digits", COL_STR },
	/* the class is cut first: the name says more (a GPU's model) */
	[COL_CLASSNAME] = { "CLASSNAME", 0.08, SCOLS_FL_TRUNC, "class name from pci.ids", COL_STR },
	[COL_VENDORNAME] = { "VENDORNAME", 0.15, SCOLS_FL_TRUNC, "vendor name from pci.ids",
			     COL_STR },
	[COL_DEVICENAME] = { "DEVICENAME", 0.2, SCOLS_FL_TRUNC, "device name from pci.ids",
			     COL_STR },
	[COL_NAME] = { "NAME", 0.4, SCOLS_FL_TRUNC, "vendor and device names", COL_STR },
	[COL_REV] = { "REV", 3, 0, "revision, 2 hex digits", COL_STR },
	[COL_DRIVER] = { "DRIVER", 10, 0, "bound driver (null when unbound)", COL_STR },
	[COL_OVERRIDE] = { "OVERRIDE", 10, 0, "driver_override (null when unset)", COL_STR },
	[COL_VIABLE] = { "VIABLE", 6, 0, "the device's group can be used by VFIO", COL_BOOL },
	[COL_BLOCKS] = { "BLOCKS", 6, 0, "this device keeps its group from being viable",
			 COL_BOOL },
	[COL_PARENT] = { "PARENT", 12, 0, "upstream bridge", COL_STR },
	[COL_BRIDGE] = { "BRIDGE", 6, 0, "the device is a PCI bridge", COL_BOOL },
	[COL_RESET] = { "RESET", 8, 0, "reset methods the kernel can use", COL_STR },
	[COL_BOOTVGA] = { "BOOTVGA", 7, 0, "the firmware's boot display", COL_BOOL },
	[COL_NUMA] = { "NUMA", 4, SCOLS_FL_RIGHT, "NUMA node", COL_NUM },
	[COL_PHYSFN] = { "PHYSFN", 12, 0, "SR-IOV physical function of a VF", COL_STR },
};

static const int default_columns[] = {
	COL_GROUP, COL_SLOT, COL_ID, COL_CLASSNAME, COL_NAME, COL_DRIVER, COL_VIABLE,
};
/* JSON always carries the keys the man page promises for every device object */
static const int default_json_columns[] = {
	COL_GROUP, COL_SLOT, COL_VENDOR, COL_DEVICE, COL_CLASS, COL_CLASSNAME, COL_NAME,
	COL_DRIVER, COL_VIABLE,
};
static const int default_tree_columns[] = {
	COL_SLOT, COL_GROUP, COL_ID, COL_NAME, COL_DRIVER,
};

enum { F_GPU = 1, F_USB = 2, F_NET = 4, F_STORAGE = 8, F_AUDIO = 16 };

struct groups_opts {
	struct outopts out;
	/*
	 * a table on a terminal: short class and vendor names, and no PCI
	 * domain where every device is in domain 0 (as lspci prints it), so
	 * that a model name fits 80 columns; pipes and -J/-r/-P get them whole
	 */
	bool compact, no_domain;
	unsigned int classes;
	struct vfd_selection sel;	/* the devices named (resolved), none when sel.nargs is 0 */
};

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor groups [options] [DEVICE...]\n"
	      "\nList IOMMU groups, their devices, and whether VFIO can use each group.\n"
	      "DEVICE is DDDD:BB:DD.F, BB:DD.F or vendor:device; the groups that hold a\n"
	      "matching device are shown whole.\n"
	      "\nOptions:\n"
	      " -J, --json              use JSON output format\n"
	      " -o, --output <list>     output columns (+<list> adds to the defaults)\n"
	      " -O, --output-all        output all columns\n"
	      " -H, --list-columns      list the available columns\n"
	      " -n, --noheadings        don't print headings\n"
	      " -r, --raw               use raw output format\n"
	      " -P, --pairs             use key=\"value\" output format\n"
	      " -t, --tree              show the PCI topology (like lspci -t) with groups\n"
	      "     --gpu               only groups with a display controller\n"
	      "     --usb               only groups with a USB controller\n"
	      "     --net               only groups with a network controller\n"
	      "     --storage           only groups with a storage controller\n"
	      "     --audio             only groups with an audio device\n"
	      "\n"
	      " -h, --help              display this help\n"
	      "\nFor more details see vfio-doctor(8).\n", stdout);
}

static bool class_match(unsigned int classes, uint32_t c)
{
	return ((classes & F_GPU) && vfd_class_is_display(c)) ||
	       ((classes & F_USB) && vfd_class_is_usb(c)) ||
	       ((classes & F_NET) && vfd_class_is_network(c)) ||
	       ((classes & F_STORAGE) && vfd_class_is_storage(c)) ||
	       ((classes & F_AUDIO) && vfd_class_is_audio(c));
}

static bool device_selected(const struct groups_opts *o, const struct vfd_pcidev *d)
{
	if (!o->classes && !o->sel.nargs)
		return true;
	if (o->classes && class_match(o->classes, vfd_pcidev_get_class(d)))
		return true;
	for (size_t i = 0; i < o->sel.n; i++)
		if (o->sel.devs[i] == d)
			return true;
	return false;
}

/* lsblk's booleans: 1 and 0 in tables, true and false in JSON */
static const char *yesno(bool b)
{
	return b ? "1" : "0";
}

/*
 * A class name for a narrow table: "VGA compatible controller" is a "VGA",
 * an "Audio device" "Audio"; the word the class is known by stays.
 */
static const char *short_class(const char *name, char *buf, size_t size)
{
	static const char *const tails[] = { " compatible controller", " controller", " device" };
	size_t len = strlen(name);

	for (size_t i = 0; i < ARRAY_LEN(tails); i++) {
		size_t t = strlen(tails[i]);

		if (len > t && strcmp(name + len - t, tails[i]) == 0) {
			snprintf(buf, size, "%.*s", (int)(len - t), name);
			return buf;
		}
	}
	return name;
}

/*
 * The short form pci.ids gives in brackets at the end of a name: a vendor's
 * ("Advanced Micro Devices, Inc. [AMD/ATI]": "AMD/ATI"), a device's model
 * ("TU117 [GeForce GTX 1650]": "GeForce GTX 1650"). False when there is none.
 */
static bool bracketed(const char *name, char *buf, size_t size)
{
	const char *open = strrchr(name, '[');
	size_t len = strlen(name);

	if (!open || len < 3 || name[len - 1] != ']' || name + len - 1 <= open + 1)
		return false;
	snprintf(buf, size, "%.*s", (int)(name + len - 2 - open), open + 1);
	return true;
}

/* a vendor name for a narrow table: its bracketed form, else less "Corporation" */
static void short_vendor(const char *name, char *buf, size_t size)
{
	static const char *const tails[] = { " Corporation", " Corp.", ", Inc.", " Inc.",
					     " Co., Ltd.", " Co., Ltd", ", Ltd.", " Ltd.",
					     " Technology", " GmbH", " AG" };
	size_t len = strlen(name);

	if (bracketed(name, buf, size))
		return;
	for (size_t i = 0; i < ARRAY_LEN(tails); i++) {
		size_t t = strlen(tails[i]);

		if (len > t && strcmp(name + len - t, tails[i]) == 0) {
			len -= t;
			break;
		}
	}
	snprintf(buf, size, "%.*s", (int)len, name);
}

/* the cell text of one device column; buf for formatted values */
/* @s after the @n bytes at @buf, cut to fit @size with its NUL; the new length */
static size_t append_cut(char *buf, size_t n, size_t size, const char *s)
{
	size_t len = strlen(s);

	if (len > size - 1 - n)
		len = size - 1 - n;
	memcpy(buf + n, s, len);
	return n + len;
}

/* snprintf(buf, size, "%s %s", a, b) without parsing a format: it runs once a function */
static void join_words(char *buf, size_t size, const char *a, const char *b)
{
	size_t n;

	if (!size)
		return;
	n = append_cut(buf, 0, size, a);
	n = append_cut(buf, n, size, " ");
	n = append_cut(buf, n, size, b);
	buf[n] = '\0';
}

static const char *device_cell(struct vfd_host *host, const struct groups_opts *go,
			       struct vfd_pcidev *d, int col, bool viable, char *buf, size_t size)
{
	unsigned int kv = vfd_host_kernel_version(host);
	const char *s;

	switch (col) {
	case COL_GROUP:
		if (vfd_pcidev_get_group(d) < 0)
			return NULL;
		snprintf(buf, size, "%d", vfd_pcidev_get_group(d));
		return buf;
	case COL_SLOT:
		/* "0000:01:00.0" less its "0000:" */
		if (go->no_domain && strlen(vfd_pcidev_get_slot(d)) > 5)
			return vfd_pcidev_get_slot(d) + 5;
		return vfd_pcidev_get_slot(d);
	case COL_ID:
		snprintf(buf, size, "%04x:%04x", vfd_pcidev_get_vendor(d), vfd_pcidev_get_device(d));
		return buf;
	case COL_VENDOR:
		snprintf(buf, size, "%04x", vfd_pcidev_get_vendor(d));
		return buf;
	case COL_DEVICE:
		snprintf(buf, size, "%04x", vfd_pcidev_get_device(d));
		return buf;
	case COL_SVENDOR:
		snprintf(buf, size, "%04x", vfd_pcidev_get_subsys_vendor(d));
		return buf;
	case COL_SDEVICE:
		snprintf(buf, size, "%04x", vfd_pcidev_get_subsys_device(d));
		return buf;
	case COL_CLASS:
		snprintf(buf, size, "%06x", vfd_pcidev_get_class(d));
		return buf;
	case COL_CLASSNAME:
		s = vfd_host_class_name(host, vfd_pcidev_get_class(d));
		if (!s) {
			snprintf(buf, size, "Class %04x", vfd_pcidev_get_class(d) >> 8);
			return buf;
		}
		return go->compact ? short_class(s, buf, size) : s;
	case COL_VENDORNAME:
		return vfd_host_vendor_name(host, vfd_pcidev_get_vendor(d));
	case COL_DEVICENAME:
		return vfd_host_device_name(host, vfd_pcidev_get_vendor(d), vfd_pcidev_get_device(d));
	case COL_NAME: {
		const char *v = vfd_host_vendor_name(host, vfd_pcidev_get_vendor(d));
		const char *dn = vfd_host_device_name(host, vfd_pcidev_get_vendor(d),
						      vfd_pcidev_get_device(d));
		char vshort[128], dshort[256];

		/* narrow: "NVIDIA GeForce GTX 1650" for "NVIDIA Corporation TU117 [...]" */
		if (v && go->compact) {
			short_vendor(v, vshort, sizeof(vshort));
			v = vshort;
		}
		if (dn && go->compact && vfd_class_is_display(vfd_pcidev_get_class(d)) &&
		    bracketed(dn, dshort, sizeof(dshort)))
			dn = dshort;

		/* without pci.ids, show the IDs as lspci does */
		if (!v)
			snprintf(buf, size, "Device %04x:%04x", vfd_pcidev_get_vendor(d),
				 vfd_pcidev_get_device(d));
		else if (!dn)
			snprintf(buf, size, "%s Device %04x", v, vfd_pcidev_get_device(d));
		else
			join_words(buf, size, v, dn);
		return buf;
	}
	case COL_REV:
		snprintf(buf, size, "%02x", vfd_pcidev_get_revision(d));
		return buf;
	case COL_DRIVER:
		return vfd_pcidev_get_driver(d);
	case COL_OVERRIDE:
		return vfd_pcidev_get_driver_override(d);
	case COL_VIABLE:
		/* without a group VFIO cannot use the device at all */
		return yesno(vfd_pcidev_get_group(d) >= 0 && viable);
	case COL_BLOCKS:
		return vfd_pcidev_get_group(d) < 0 ? NULL : yesno(!vfd_pcidev_is_viability_ok(d, kv));
	case COL_PARENT:
		return vfd_pcidev_get_parent(d);
	case COL_BRIDGE:
		return yesno(vfd_pcidev_is_bridge(d));
	case COL_RESET:
		return vfd_pcidev_get_reset_method(d);
	case COL_BOOTVGA:
		if (vfd_pcidev_get_boot_vga(d) < 0)
			return NULL;
		return yesno(vfd_pcidev_get_boot_vga(d) == 1);
	case COL_NUMA:
		if (vfd_pcidev_get_numa_node(d) < 0)
			return NULL;
		snprintf(buf, size, "%d", vfd_pcidev_get_numa_node(d));
		return buf;
	case COL_PHYSFN:
		return vfd_pcidev_get_physfn(d);
	}
	return NULL;
}

/*
 * libsmartcols cuts a cell down to its column's header, never the header:
 * where the headers alone are wider than the terminal the line would wrap.
 * Then the class goes first, the IDs next (the name says the same), while
 * the columns were not chosen with -o.
 */
/* the least a column takes: its header, or its width hint where it is not cut */
static size_t min_width(int col, bool no_domain)
{
	size_t w = strlen(columns[col].name);

	if (col == COL_SLOT)
		return no_domain ? 7 : 12;
	if (!(columns[col].flags & SCOLS_FL_TRUNC) && columns[col].whint > w)
		w = (size_t)columns[col].whint;
	return w;
}

static void fit_headers(struct outopts *o, size_t width, bool no_domain)
{
	static const int droppable[] = { COL_CLASSNAME, COL_ID, COL_DRIVER };
	size_t need = 0;

	if (!width || o->output || o->output_all)
		return;
	for (size_t i = 0; i < o->ncolumns; i++)
		need += min_width(o->columns[i], no_domain) + 1 + (o->tree && i == 0 ? 8 : 0);
	for (size_t k = 0; k < ARRAY_LEN(droppable) && need > width; k++) {
		for (size_t i = 0; i < o->ncolumns; i++) {
			if (o->columns[i] != droppable[k])
				continue;
			need -= min_width(droppable[k], no_domain) + 1;
			memmove(&o->columns[i], &o->columns[i + 1],
				(o->ncolumns - i - 1) * sizeof(o->columns[0]));
			o->ncolumns--;
			break;
		}
	}
}

/*
 * No IOMMU group at all: VFIO can use nothing here. Say why on stderr, in
 * the words of the check that fails (the IOMMU layer's, as 'check' reports
 * it), and fail as 'check' does.
 */
static int no_groups_reason(struct vfd_host *host)
{
	struct vfd_check_opts copts = { 0 };
	struct vfd_report report = { 0 };
	const char *why = NULL;

	if (vfd_check_run(host, &copts, &report) == 0) {
		for (size_t i = 0; i < report.n && !why; i++)
			if (report.findings[i].status == VFD_FAIL &&
			    strcmp(report.findings[i].layer, "iommu") == 0)
				why = report.findings[i].summary;
		for (size_t i = 0; i < report.n && !why; i++)
			if (report.findings[i].status == VFD_FAIL)
				why = report.findings[i].summary;
	}
	warnx_("no IOMMU groups, so VFIO can use no device: %s (see 'vfio-doctor check')",
	       why ? why : "the kernel runs without an IOMMU");
	vfd_report_clear(&report);
	return EXIT_TROUBLE;
}

/* lspci leaves the domain out when there is only domain 0000 */
static bool all_in_domain0(struct vfd_host *host)
{
	for (size_t i = 0; i < vfd_host_count_devices(host); i++)
		if (strncmp(vfd_pcidev_get_slot(vfd_host_device(host, i)), "0000:", 5) != 0)
			return false;
	return true;
}

static struct libscols_table *make_table(const struct outopts *o, bool no_domain)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_enable_json(tb, o->json);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_export(tb, o->pairs);
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_enable_colors(tb, o->color);
	/* one JSON schema: with --tree the nesting is the topology (vfio-doctor(8)) */
	scols_table_set_name(tb, "iommugroups");
	for (size_t i = 0; i < o->ncolumns; i++) {
		const struct colinfo *ci = &columns[o->columns[i]];
		int flags = ci->flags;
		struct libscols_column *cl;

		/* the hierarchy: the topology with --tree, groups and children in JSON */
		if (i == 0 && (o->tree || o->json))
			flags |= SCOLS_FL_TREE;
		cl = scols_table_new_column(tb, ci->name,
					    o->columns[i] == COL_SLOT && no_domain ? 7 : ci->whint,
					    flags);
		if (!cl) {
			scols_unref_table(tb);
			return NULL;
		}
		if (o->json)
			scols_column_set_json_type(cl, ci->type == COL_NUM ? SCOLS_JSON_NUMBER
						   : ci->type == COL_BOOL ? SCOLS_JSON_BOOLEAN
						   : SCOLS_JSON_STRING);
	}
	return tb;
}

static int fill_line(struct vfd_host *host, const struct groups_opts *go,
		     struct libscols_line *ln, struct vfd_pcidev *d, bool viable)
{
	const struct outopts *o = &go->out;

	for (size_t i = 0; i < o->ncolumns; i++) {
		char buf[512];
		const char *s = device_cell(host, go, d, o->columns[i], viable, buf, sizeof(buf));

		if (s && scols_line_set_data(ln, i, s) < 0)
			return -1;
	}
	return 0;
}

/* the group rows: one parent line per group, devices as children */
static int add_groups(struct vfd_host *host, const struct groups_opts *go, struct libscols_table *tb)
{
	const struct outopts *o = &go->out;
	size_t ngroups = vfd_host_count_groups(host);

	for (size_t gi = 0; gi < ngroups; gi++) {
		struct vfd_group *g = vfd_host_group(host, gi);
		size_t n = vfd_group_count_devices(g);
		bool selected = false, viable;
		struct libscols_line *parent;

		for (size_t i = 0; i < n && !selected; i++)
			selected = device_selected(go, vfd_group_device(g, i));
		if (!selected)
			continue;
		viable = vfd_group_is_viable(host, g);
		/* tables list devices flat, each with its group; JSON nests them */
		parent = o->json ? scols_table_new_line(tb, NULL) : NULL;
		if (o->json && !parent)
			return -1;
		/* the group line: its number and viability, the rest empty */
		for (size_t i = 0; parent && i < o->ncolumns; i++) {
			char buf[32];

			if (o->columns[i] == COL_GROUP) {
				snprintf(buf, sizeof(buf), "%d", vfd_group_get_number(g));
				scols_line_set_data(parent, i, buf);
			} else if (o->columns[i] == COL_VIABLE) {
				scols_line_set_data(parent, i, yesno(viable));
			}
		}
		for (size_t i = 0; i < n; i++) {
			struct libscols_line *ln = scols_table_new_line(tb, parent);

			if (!ln || fill_line(host, go, ln, vfd_group_device(g, i), viable) < 0)
				return -1;
		}
	}
	/* devices without a group (no IOMMU): one parent with a null group */
	{
		struct libscols_line *parent = NULL;

		for (size_t i = 0; i < vfd_host_count_devices(host); i++) {
			struct vfd_pcidev *d = vfd_host_device(host, i);
			struct libscols_line *ln;

			if (vfd_pcidev_get_group(d) >= 0 || !device_selected(go, d))
				continue;
			if (!parent && o->json) {
				parent = scols_table_new_line(tb, NULL);
				if (!parent)
					return -1;
			}
			ln = scols_table_new_line(tb, parent);
			if (!ln || fill_line(host, go, ln, d, false) < 0)
				return -1;
		}
	}
	return 0;
}

/* whether @d's group holds a device the filters select (@d alone without a group) */
static bool group_selected(struct vfd_host *host, const struct groups_opts *go,
			   struct vfd_pcidev *d)
{
	int number = vfd_pcidev_get_group(d);
	struct vfd_group *g = number >= 0 ? vfd_host_find_group(host, number) : NULL;

	if (!g)
		return device_selected(go, d);
	for (size_t i = 0; i < vfd_group_count_devices(g); i++)
		if (device_selected(go, vfd_group_device(g, i)))
			return true;
	return false;
}

/*
 * How deep the tree is drawn. Below it, functions are drawn beside each other
 * under their ancestor at this depth (PARENT still names the real parent):
 * each level costs every line below it a level of indentation, so a chain of
 * thousands (a stranger's sysroot; real hosts are a dozen deep) would make the
 * output grow as the square of the tree. Capped, it grows as the tree.
 */
#define TREE_MAX_DEPTH 32

/* the topology: each device under its parent bridge */
static int add_tree(struct vfd_host *host, const struct groups_opts *go, struct libscols_table *tb)
{
	size_t n = vfd_host_count_devices(host);
	size_t alloc = n ? n : 1;
	/* its line; the line its children go under; its drawn depth; a walk's stack */
	struct libscols_line **lines = calloc(alloc, sizeof(*lines));
	struct libscols_line **holder = calloc(alloc, sizeof(*holder));
	size_t *depth = calloc(alloc, sizeof(*depth));
	size_t *path = calloc(alloc, sizeof(*path));
	int r = -1;

	if (!lines || !holder || !depth || !path)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t len = 0, up = i;

		/* a selected group's devices, drawn with the bridges above them */
		if (!group_selected(host, go, vfd_host_device(host, i)))
			continue;

		/* the ancestors not drawn yet; the library ends every parent walk */
		while (up != SIZE_MAX && !lines[up] && len < n) {
			const char *ps = vfd_pcidev_get_parent(vfd_host_device(host, up));
			struct vfd_pcidev *p = ps ? vfd_host_find(host, ps) : NULL;

			path[len++] = up;
			up = p ? vfd_host_index(host, p) : SIZE_MAX;
		}
		if (up != SIZE_MAX && !lines[up])
			up = SIZE_MAX;
		/* then draw them from the top down */
		while (len > 0) {
			size_t k = path[--len];
			struct vfd_pcidev *d = vfd_host_device(host, k);
			struct libscols_line *pl = up == SIZE_MAX ? NULL : holder[up];
			int g = vfd_pcidev_get_group(d);

			depth[k] = up == SIZE_MAX ? 0 : depth[up] + 1;
			if (depth[k] > TREE_MAX_DEPTH)
				depth[k] = TREE_MAX_DEPTH;
			lines[k] = scols_table_new_line(tb, pl);
			if (!lines[k] ||
			    fill_line(host, go, lines[k], d,
				      g >= 0 && vfd_group_is_viable(host, vfd_host_find_group(host, g))) < 0)
				goto out;
			holder[k] = depth[k] < TREE_MAX_DEPTH ? lines[k] : pl;
			up = k;
		}
	}
	r = 0;
out:
	free(lines);
	free(holder);
	free(depth);
	free(path);
	return r;
}

int cmd_groups(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_GPU = 256, OPT_USB, OPT_NET, OPT_STORAGE, OPT_AUDIO };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		TABLE_LONGOPTS,
		{ "pairs", no_argument, NULL, 'P' },
		{ "tree", no_argument, NULL, 't' },
		{ "gpu", no_argument, NULL, OPT_GPU },
		{ "usb", no_argument, NULL, OPT_USB },
		{ "net", no_argument, NULL, OPT_NET },
		{ "storage", no_argument, NULL, OPT_STORAGE },
		{ "audio", no_argument, NULL, OPT_AUDIO },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct groups_opts go = { 0 };
	struct libscols_table *tb = NULL;
	struct vfd_host *host = NULL;
	int c, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "Jo:OHnrPth" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'H':
			columns_list(columns, sizeof(columns) / sizeof(columns[0]));
			return EXIT_CLEAN;
		case OPT_GPU:
			go.classes |= F_GPU;
			break;
		case OPT_USB:
			go.classes |= F_USB;
			break;
		case OPT_NET:
			go.classes |= F_NET;
			break;
		case OPT_STORAGE:
			go.classes |= F_STORAGE;
			break;
		case OPT_AUDIO:
			go.classes |= F_AUDIO;
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (outopts_option(&go.out, c, optarg, NULL))
				break;
			if (cmd_unknown_option(c, optarg, "groups ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	{
		/* JSON has the same keys with or without --tree */
		const int *defaults = go.out.json ? default_json_columns
				      : go.out.tree ? default_tree_columns : default_columns;
		size_t ndefaults = go.out.json ? ARRAY_LEN(default_json_columns)
				   : go.out.tree ? ARRAY_LEN(default_tree_columns)
				   : ARRAY_LEN(default_columns);

		if (columns_select(&go.out, columns, ARRAY_LEN(columns), defaults, ndefaults) < 0)
			return EXIT_TROUBLE;
	}
	if (!cmd_devices_parse(argc, argv, optind, &go.sel))
		return EXIT_TROUBLE;
	go.out.color = want_color() && !go.out.json && !go.out.raw && !go.out.pairs;
	go.compact = terminal_width() > 0 && !go.out.json && !go.out.raw && !go.out.pairs;
	host = cmd_open_host(ctx);
	if (!host)
		goto out;
	go.no_domain = go.compact && all_in_domain0(host);
	if (go.compact)
		fit_headers(&go.out, terminal_width(), go.no_domain);
	if (!cmd_devices_resolve(host, &go.sel, VFD_EXPAND_NONE))
		goto out;
	tb = make_table(&go.out, go.no_domain);
	if (!tb || (go.out.tree ? add_tree(host, &go, tb) : add_groups(host, &go, tb)) < 0) {
		warnx_("out of memory building the table");
		goto out;
	}
	table_print_scols(tb);
	rc = vfd_host_count_groups(host) ? EXIT_CLEAN : no_groups_reason(host);
out:
	scols_unref_table(tb);
	vfd_host_free(host);
	vfd_selection_clear(&go.sel);
	return rc;
}
