// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libvirt domain XML for a device set, built with libxml2: a pcie-root-port
 * controller per guest slot on q35 and one <hostdev> per function with an
 * explicit guest address, so that the functions of one host slot stay one
 * multi-function device (libvirt would otherwise spread them over ports).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "dlib.h"
#include "vm-internal.h"

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	return parent ? xmlNewChild(parent, NULL, BAD_CAST name, NULL) : NULL;
}

static void pci_address(xmlNodePtr parent, unsigned int bus, unsigned int slot, unsigned int fn,
			bool multifunction)
{
	xmlNodePtr a = child(parent, "address");

	xml_propf(a, "type", "pci");
	xml_propf(a, "domain", "0x0000");
	xml_propf(a, "bus", "0x%02x", bus);
	xml_propf(a, "slot", "0x%02x", slot);
	xml_propf(a, "function", "0x%x", fn);
	if (multifunction)
		xml_propf(a, "multifunction", "on");
}

/* i440fx: the bus the devices sit on directly, from --bus (a number), 0 by default */
static unsigned int flat_bus(const struct vfd_vm_opts *opts)
{
	uint64_t v;

	if (opts->bus && vfd_parse_u64(opts->bus, &v) == 0 && v < 256)
		return (unsigned int)v;
	return 0;
}

int libvirt_add_devset(xmlNodePtr devices, const struct vfd_vm_devset *set,
		       const struct vfd_vm_opts *opts)
{
	bool q35 = opts->machine != VFD_MACHINE_I440FX;
	unsigned int id = 0;

	for (size_t u = 0; u < set->n && q35; u++) {
		const struct vfd_vm_unit *unit = &set->units[u];
		xmlNodePtr c = child(devices, "controller"), t;

		xml_propf(c, "type", "pci");
		xml_propf(c, "index", "%u", unit->index);
		xml_propf(c, "model", "pcie-root-port");
		t = child(c, "target");
		xml_propf(t, "chassis", "%u", unit->index);
		xml_propf(t, "port", "0x%x", unit->index);
		pci_address(c, 0, unit->slot, 0, false);
	}
	for (size_t u = 0; u < set->n; u++) {
		const struct vfd_vm_unit *unit = &set->units[u];

		for (size_t i = 0; i < unit->n; i++) {
			const struct vfd_vm_func *f = &unit->funcs[i];
			xmlNodePtr h = child(devices, "hostdev"), s, a;
			struct vfd_bdf bdf;

			if (vfd_bdf_parse(f->slot, &bdf) < 0)
				return -EINVAL;
			xml_propf(h, "mode", "subsystem");
			xml_propf(h, "type", "pci");
			xml_propf(h, "managed", "yes");
			s = child(h, "source");
			a = child(s, "address");
			xml_propf(a, "domain", "0x%04x", bdf.domain);
			xml_propf(a, "bus", "0x%02x", bdf.bus);
			xml_propf(a, "slot", "0x%02x", bdf.dev);
			xml_propf(a, "function", "0x%x", bdf.fn);
			/* a user alias ("ua-" prefix) is how <qemu:override> finds the device */
			if (f->x_vga)
				xml_propf(child(h, "alias"), "name", "ua-vfd-hostdev%u", id);
			if (f->romfile)
				xml_propf(child(h, "rom"), "file", "%s", f->romfile);
			if (q35)
				pci_address(h, unit->index, 0, f->fn, f->fn == 0 && unit->n > 1);
			else
				pci_address(h, flat_bus(opts), unit->slot, f->fn,
					    f->fn == 0 && unit->n > 1);
			id++;
		}
	}
	return devices ? 0 : -ENOMEM;
}

xmlNodePtr libvirt_xvga_override(const struct vfd_vm_devset *set)
{
	xmlNodePtr o = NULL;
	xmlNsPtr ns = NULL;
	unsigned int id = 0;

	for (size_t u = 0; u < set->n; u++) {
		for (size_t i = 0; i < set->units[u].n; i++, id++) {
			xmlNodePtr d, fe, p;

			if (!set->units[u].funcs[i].x_vga)
				continue;
			if (!o) {
				o = xmlNewNode(NULL, BAD_CAST "override");
				ns = o ? xmlNewNs(o, BAD_CAST QEMU_NS, BAD_CAST "qemu") : NULL;
				if (!ns) {
					xmlFreeNode(o);
					return NULL;
				}
				xmlSetNs(o, ns);
			}
			d = xmlNewChild(o, ns, BAD_CAST "device", NULL);
			xml_propf(d, "alias", "ua-vfd-hostdev%u", id);
			fe = d ? xmlNewChild(d, ns, BAD_CAST "frontend", NULL) : NULL;
			p = fe ? xmlNewChild(fe, ns, BAD_CAST "property", NULL) : NULL;
			xml_propf(p, "name", "x-vga");
			xml_propf(p, "type", "bool");
			xml_propf(p, "value", "true");
		}
	}
	return o;
}

/* the node serialised with two-space indentation, plus a newline */
void xml_propf(xmlNodePtr node, const char *name, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!node)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	xmlNewProp(node, BAD_CAST name, BAD_CAST buf);
}

char *libvirt_node_string(xmlDocPtr doc, xmlNodePtr node)
{
	xmlBufferPtr buf = xmlBufferCreate();
	char *s = NULL;

	if (!buf)
		return NULL;
	if (xmlNodeDump(buf, doc, node, 0, 1) >= 0)
		s = xasprintf("%s\n", (const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return s;
}

char *vfd_vm_libvirt_devices(const struct vfd_vm_devset *set, const struct vfd_vm_opts *opts)
{
	xmlDocPtr doc;
	xmlNodePtr devices, over;
	struct tbuf b = { 0 };
	char *s;

	if (vfd_dl_libxml2() < 0) {
		errno = ELIBACC;
		return NULL;
	}
	doc = xmlNewDoc(BAD_CAST "1.0");
	devices = doc ? xmlNewNode(NULL, BAD_CAST "devices") : NULL;
	if (!devices) {
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlDocSetRootElement(doc, devices);
	xmlIndentTreeOutput = 1;
	if (libvirt_add_devset(devices, set, opts) < 0)
		b.oom = true;
	s = libvirt_node_string(doc, devices);
	tbuf_adds(&b, s ? s : "");
	b.oom |= !s;
	free(s);
	over = libvirt_xvga_override(set);
	if (over) {
		s = libvirt_node_string(doc, over);
		tbuf_adds(&b, s ? s : "");
		b.oom |= !s;
		free(s);
		xmlFreeNode(over);
	}
	xmlFreeDoc(doc);
	return tbuf_take(&b, NULL);
}
