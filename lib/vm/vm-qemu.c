// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU command-line arguments for a device set: a pcie-root-port per guest
 * slot on q35, then one -device vfio-pci per function, function 0 carrying
 * multifunction=on when the slot holds several.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vm-internal.h"

/* characters that never need quoting in a POSIX shell word */
static bool shell_safe(const char *w)
{
	if (!*w)
		return false;
	for (const char *p = w; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    ",._+:@%/=-", *p))
			return false;
	return true;
}

void shell_quote(struct tbuf *b, const char *w)
{
	if (shell_safe(w)) {
		tbuf_adds(b, w);
		return;
	}
	tbuf_adds(b, "'");
	for (const char *p = w; *p; p++) {
		char c[2] = { *p, 0 };

		tbuf_adds(b, *p == '\'' ? "'\\''" : c);
	}
	tbuf_adds(b, "'");
}

/* a QEMU option value: commas are doubled (QemuOpts) */
char *qemu_opt_escape(const char *v)
{
	struct tbuf b = { 0 };

	for (const char *p = v; *p; p++) {
		char c[2] = { *p, 0 };

		tbuf_adds(&b, *p == ',' ? ",," : c);
	}
	return tbuf_take(&b, NULL);
}

/* one "-OPT VALUE" line of the output */
static void add_line(struct tbuf *b, const char *opt, const char *value)
{
	if (b->len)
		tbuf_adds(b, " \\\n");
	tbuf_adds(b, opt);
	tbuf_adds(b, " ");
	shell_quote(b, value);
}

/* --bus names a QEMU bus id here ("pcie.0"); a number is libvirt's bus index */
static bool bus_is_id(const char *s)
{
	return (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z');
}

static const char *default_bus(enum vfd_vm_machine machine)
{
	return machine == VFD_MACHINE_I440FX ? "pci.0" : "pcie.0";
}

void qemu_add_devset(struct tbuf *out, const struct vfd_vm_devset *set,
		     const struct vfd_vm_opts *opts)
{
	enum vfd_vm_machine machine = opts->machine ? opts->machine : VFD_MACHINE_Q35;
	const char *bus = opts->bus && *opts->bus && bus_is_id(opts->bus)
			  ? opts->bus : default_bus(machine);
	unsigned int id = 0;

	for (size_t u = 0; u < set->n; u++) {
		const struct vfd_vm_unit *unit = &set->units[u];
		char port[32], *line;

		if (machine != VFD_MACHINE_I440FX) {
			/* chassis and port only need to be unique: the index is */
			snprintf(port, sizeof(port), VM_PORT_PREFIX "%u", unit->index);
			line = xasprintf("pcie-root-port,id=%s,bus=%s,addr=0x%x.0,chassis=%u,"
					 "port=0x%x", port, bus, unit->slot, unit->index,
					 unit->index);
			add_line(out, "-device", line ? line : "");
			out->oom |= !line;
			free(line);
		}
		for (size_t i = 0; i < unit->n; i++) {
			const struct vfd_vm_func *f = &unit->funcs[i];
			struct tbuf d = { 0 };
			char *v;

			tbuf_addf(&d, "vfio-pci,host=%s,id=vfd-hostdev%u", f->slot, id++);
			if (machine != VFD_MACHINE_I440FX)
				tbuf_addf(&d, ",bus=%s,addr=0x0.%u", port, f->fn);
			else
				tbuf_addf(&d, ",bus=%s,addr=0x%x.%u", bus, unit->slot, f->fn);
			if (f->fn == 0 && unit->n > 1)
				tbuf_adds(&d, ",multifunction=on");
			if (f->x_vga)
				tbuf_adds(&d, ",x-vga=on");
			if (f->romfile) {
				char *e = qemu_opt_escape(f->romfile);

				tbuf_addf(&d, ",romfile=%s", e ? e : "");
				d.oom |= !e;
				free(e);
			}
			v = tbuf_take(&d, NULL);
			add_line(out, "-device", v ? v : "");
			out->oom |= !v;
			free(v);
		}
	}
}

char *vfd_vm_qemu_args(const struct vfd_vm_devset *set, const struct vfd_vm_opts *opts)
{
	struct tbuf b = { 0 };

	qemu_add_devset(&b, set, opts);
	return tbuf_take(&b, NULL);
}
