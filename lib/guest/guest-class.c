// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-class proof that a function works in the guest, read where the kernel
 * publishes it once a driver has taken the device:
 *   audio  /sys/class/sound/cardN below the function (sound/core/init.c), and
 *          for HD Audio the codecs that answered, /proc/asound/cardN/codec#K
 *          (sound/pci/hda/hda_proc.c, first line "Codec: NAME");
 *   USB    the root hubs the host controller registered, usbN in
 *          /sys/bus/usb/devices below the function, with "maxchild" ports and
 *          "version" (drivers/usb/core/sysfs.c), and the devices on bus N
 *          ("N-1", "N-1.2"; interfaces carry a ':');
 *   NVMe   the controller /sys/class/nvme/nvmeN below the function and its
 *          namespaces, nvmeNnM (or nvmeNcCnM, the path of a multipath
 *          namespace) below it with their "size" in 512-byte sectors
 *          (drivers/nvme/host/core.c, multipath.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "guest-class.h"
#include "internal.h"

#define LAYER "guest"
#define MAX_LISTED 8

enum fclass { FC_OTHER, FC_AUDIO, FC_USB, FC_NVME };

static enum fclass class_of(uint32_t class_code)
{
	uint32_t sub = class_code >> 8;

	/* 04/01 audio, 04/03 HD Audio; 0c/03 USB with prog-if fe a device, not a host */
	if (sub == 0x0401 || sub == 0x0403)
		return FC_AUDIO;
	if (sub == 0x0c03 && (class_code & 0xff) != 0xfe)
		return FC_USB;
	if (class_code == 0x010802)
		return FC_NVME;
	return FC_OTHER;
}

/* whether sys/@dir/@name links to a device below the PCI function @slot */
static bool below(struct vfd_root *root, const char *dir, const char *name, const char *slot)
{
	char *target = NULL, *save = NULL, last[16] = "";

	if (vfd_root_readlinkf(root, &target, "sys/%s/%s", dir, name) < 0)
		return false;
	/* ../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0/sound/card0: the last slot */
	for (char *p = strtok_r(target, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		struct vfd_bdf bdf;

		if (strlen(p) == 12 && vfd_bdf_parse(p, &bdf) == 0)
			snprintf(last, sizeof(last), "%s", p);
	}
	free(target);
	return strcmp(last, slot) == 0;
}

/* "PREFIX<digits>" (card0, usb3, nvme1): the number, or -1 */
static long numbered(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);
	char *end;
	long n;

	if (strncmp(name, prefix, len) != 0 || name[len] < '0' || name[len] > '9')
		return -1;
	n = strtol(name + len, &end, 10);
	return *end || n > 65535 ? -1 : n;
}

/*
 * the entries of sys/@dir named PREFIX<n> below @slot, sorted by n; -1 when
 * sys/@dir is not there at all: the subsystem's core makes it as it loads
 * (a driver of the class cannot be bound without it), so only a tree that
 * did not collect it (a snapshot, a hand-made tree) lacks it, and that says
 * nothing of the device
 */
static ssize_t devices_below(struct vfd_root *root, const char *dir, const char *prefix,
			     const char *slot, long *out, size_t max)
{
	DIR *d = vfd_root_opendirf(root, "sys/%s", dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return -1;

	while (d && (de = readdir(d)) && n < max) {
		long num = numbered(de->d_name, prefix);

		if (num >= 0 && below(root, dir, de->d_name, slot))
			out[n++] = num;
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
			long t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* the first line of sys/@dir@n/@name, trimmed, or NULL */
static char *attr(struct vfd_root *root, const char *dir, long n, const char *name)
{
	char *v = NULL, *s;
	size_t len;

	if (vfd_root_readf_str(root, &v, "sys/%s%ld/%s", dir, n, name) < 0 || !v)
		return NULL;
	s = v + strspn(v, " \t");
	len = strcspn(s, "\n");
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	memmove(v, s, len);
	v[len] = '\0';
	return v;
}

static void fix_unregistered(struct vfd_finding *f)
{
	finding_fix(f, "the driver stopped before registering: see guest.driver-errors and the "
		       "kernel log");
}

/* ------------------------------------------------------------ audio */

/* the codecs of card @card: their count; their names as evidence */
static size_t codecs(struct vfd_root *root, long card, struct vfd_finding *f, char *names,
		     size_t size)
{
	DIR *d = vfd_root_opendirf(root, "proc/asound/card%ld", card);
	struct dirent *de;
	size_t n = 0, used = 0;

	while (d && (de = readdir(d))) {
		char *text = NULL, *name;

		if (numbered(de->d_name, "codec#") < 0)
			continue;
		n++;
		if (vfd_root_readf_str(root, &text, "proc/asound/card%ld/%s", card, de->d_name) < 0)
			continue;
		name = text;
		if (strncmp(name, "Codec: ", 7) == 0)
			name += 7;
		name[strcspn(name, "\n")] = '\0';
		if (f)
			finding_evidence(f, "/proc/asound/card%ld/%s: Codec: %s", card, de->d_name,
					 name);
		if (names && used < size)
			used += (size_t)snprintf(names + used, size - used, "%s%s", used ? ", " : "",
						 name);
		free(text);
	}
	if (d)
		closedir(d);
	return n;
}

static void check_audio(struct vfd_root *root, struct vfd_report *rep, const char *slot,
			uint32_t class_code, const char *driver)
{
	bool hda = (class_code >> 8) == 0x0403;
	struct vfd_finding *f;
	long cards[MAX_LISTED];
	ssize_t n = devices_below(root, "class/sound", "card", slot, cards, MAX_LISTED);
	size_t total = 0;
	char names[256] = "";

	if (n < 0)
		return;
	if (!n) {
		f = report_add(rep, "guest.audio", LAYER, VFD_FAIL, slot,
			       "%s drives the audio function but registered no sound card "
			       "(/sys/class/sound/card*)", driver);
		fix_unregistered(f);
		return;
	}
	f = report_add(rep, "guest.audio", LAYER, VFD_OK, slot, "%s", "");
	for (ssize_t i = 0; i < n; i++) {
		char *id = attr(root, "class/sound/card", cards[i], "id");

		finding_evidence(f, "/sys/class/sound/card%ld is below %s (id %s)", cards[i], slot,
				 id ? id : "unknown");
		total += codecs(root, cards[i], f, names, sizeof(names));
		free(id);
	}
	free(f->summary);
	if (hda && !total) {
		f->status = VFD_WARN;
		f->summary = xasprintf("sound card %ld (%s) but no HD Audio codec answered "
				       "(/proc/asound/card%ld/codec#*)", cards[0], driver, cards[0]);
		finding_fix(f, "the kernel log says why (\"no codecs found\", \"azx_get_response "
			       "timeout\"); the HDMI audio function of a GPU lists its codec once the "
			       "GPU's own driver is bound");
		return;
	}
	if (hda)
		f->summary = xasprintf("sound card %ld (%s): %zu codec%s: %s", cards[0], driver,
				       total, total == 1 ? "" : "s", names);
	else
		f->summary = xasprintf("sound card %ld (%s)", cards[0], driver);
}

/* -------------------------------------------------------------- USB */

/* the devices on bus @bus: "N-port[.port...]", not interfaces (they carry ':') */
static size_t usb_devices(struct vfd_root *root, long bus)
{
	DIR *d = vfd_root_opendirf(root, "sys/bus/usb/devices");
	struct dirent *de;
	char prefix[24];
	size_t n = 0;

	snprintf(prefix, sizeof(prefix), "%ld-", bus);
	while (d && (de = readdir(d)))
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0 && !strchr(de->d_name, ':');
	if (d)
		closedir(d);
	return n;
}

static void check_usb(struct vfd_root *root, struct vfd_report *rep, const char *slot,
		      const char *driver)
{
	struct vfd_finding *f;
	long hubs[MAX_LISTED];
	ssize_t n = devices_below(root, "bus/usb/devices", "usb", slot, hubs, MAX_LISTED);
	size_t ports = 0, devices = 0, used = 0;
	char list[256] = "";

	if (n < 0)
		return;
	if (!n) {
		f = report_add(rep, "guest.usb", LAYER, VFD_FAIL, slot,
			       "%s drives the USB controller but registered no root hub "
			       "(/sys/bus/usb/devices/usb*)", driver);
		fix_unregistered(f);
		return;
	}
	f = report_add(rep, "guest.usb", LAYER, VFD_OK, slot, "%s", "");
	for (ssize_t i = 0; i < n; i++) {
		char *maxchild = attr(root, "bus/usb/devices/usb", hubs[i], "maxchild");
		char *version = attr(root, "bus/usb/devices/usb", hubs[i], "version");
		long p = maxchild ? strtol(maxchild, NULL, 10) : 0;
		size_t on_bus = usb_devices(root, hubs[i]);

		if (p < 0 || p > 255)
			p = 0;
		ports += (size_t)p;
		devices += on_bus;
		finding_evidence(f, "/sys/bus/usb/devices/usb%ld: USB %s root hub with %ld port%s, "
				 "%zu device%s on its bus", hubs[i], version ? version : "?", p,
				 p == 1 ? "" : "s", on_bus, on_bus == 1 ? "" : "s");
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used,
						 "%susb%ld USB %s with %ld port%s", used ? ", " : "",
						 hubs[i], version ? version : "?", p, p == 1 ? "" : "s");
		free(maxchild);
		free(version);
	}
	free(f->summary);
	if (!ports) {
		f->status = VFD_WARN;
		f->summary = xasprintf("%zd root hub%s (%s) with no port", n, n == 1 ? "" : "s",
				       driver);
		finding_fix(f, "a root hub without ports cannot reach a device: see the kernel "
			       "log for the controller's errors");
		return;
	}
	f->summary = xasprintf("%zd root hub%s (%s): %s; %zu device%s connected", n,
			       n == 1 ? "" : "s", driver, list, devices, devices == 1 ? "" : "s");
}

/* ------------------------------------------------------------- NVMe */

/* nvmeNnM or nvmeNcCnM (a multipath namespace's path) */
static bool namespace_name(const char *s)
{
	const char *p = s + 4;

	if (strncmp(s, "nvme", 4) != 0 || *p < '0' || *p > '9')
		return false;
	p += strspn(p, "0123456789");
	if (*p == 'c') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		p += strspn(p, "0123456789");
	}
	if (*p++ != 'n' || *p < '0' || *p > '9')
		return false;
	return p[strspn(p, "0123456789")] == '\0';
}

/* the namespaces of controller @ctrl: their count; each as evidence */
static size_t namespaces(struct vfd_root *root, long ctrl, struct vfd_finding *f, char *list,
			 size_t size)
{
	DIR *d = vfd_root_opendirf(root, "sys/class/nvme/nvme%ld", ctrl);
	struct dirent *de;
	size_t n = 0, used = 0;

	while (d && (de = readdir(d))) {
		char *sectors, size_attr[300];
		double bytes;

		if (!namespace_name(de->d_name))
			continue;
		n++;
		snprintf(size_attr, sizeof(size_attr), "%s/size", de->d_name);
		sectors = attr(root, "class/nvme/nvme", ctrl, size_attr);
		bytes = sectors ? strtod(sectors, NULL) * 512 : 0;
		if (f)
			finding_evidence(f, "/sys/class/nvme/nvme%ld/%s: %s sectors of 512 bytes",
					 ctrl, de->d_name, sectors ? sectors : "unknown");
		if (list && used < size)
			/* decimal units as the drive makers'; a small namespace in MB */
			used += (size_t)snprintf(list + used, size - used, "%s%s (%.*f %s)",
						 used ? ", " : "", de->d_name, bytes < 1e9 ? 0 : 1,
						 bytes < 1e9 ? bytes / 1e6 : bytes / 1e9,
						 bytes < 1e9 ? "MB" : "GB");
		free(sectors);
	}
	if (d)
		closedir(d);
	return n;
}

static void check_nvme(struct vfd_root *root, struct vfd_report *rep, const char *slot,
		       const char *driver)
{
	struct vfd_finding *f;
	long ctrls[MAX_LISTED];
	ssize_t n = devices_below(root, "class/nvme", "nvme", slot, ctrls, MAX_LISTED);
	size_t total = 0;
	char *model, *state, list[256] = "";

	if (n < 0)
		return;
	if (!n) {
		f = report_add(rep, "guest.nvme", LAYER, VFD_FAIL, slot,
			       "%s drives the NVMe function but registered no controller "
			       "(/sys/class/nvme)", driver);
		fix_unregistered(f);
		return;
	}
	model = attr(root, "class/nvme/nvme", ctrls[0], "model");
	state = attr(root, "class/nvme/nvme", ctrls[0], "state");
	f = report_add(rep, "guest.nvme", LAYER, VFD_OK, slot, "%s", "");
	finding_evidence(f, "/sys/class/nvme/nvme%ld is below %s: model %s, state %s", ctrls[0],
			 slot, model ? model : "unknown", state ? state : "unknown");
	total = namespaces(root, ctrls[0], f, list, sizeof(list));
	free(f->summary);
	if (!total) {
		f->status = VFD_WARN;
		f->summary = xasprintf("nvme%ld (%s, %s) has no namespace", ctrls[0],
				       model ? model : driver, state ? state : "state unknown");
		finding_fix(f, "a controller with no namespace made has nothing to read; otherwise "
			       "the kernel log says why the namespace scan failed");
	} else {
		f->summary = xasprintf("nvme%ld (%s, %s): %zu namespace%s: %s", ctrls[0],
				       model ? model : driver, state ? state : "state unknown",
				       total, total == 1 ? "" : "s", list);
		if (state && strcmp(state, "live") != 0) {
			f->status = VFD_WARN;
			finding_fix(f, "the controller is not live: see the kernel log");
		}
	}
	free(model);
	free(state);
}

/* --------------------------------------------------------------- API */

void vfd_guest_class_check(struct vfd_root *root, struct vfd_report *rep, const char *slot,
			   uint32_t class_code, const char *driver)
{
	if (!root || !rep || !slot || !driver)
		return;
	switch (class_of(class_code)) {
	case FC_AUDIO:
		check_audio(root, rep, slot, class_code, driver);
		break;
	case FC_USB:
		check_usb(root, rep, slot, driver);
		break;
	case FC_NVME:
		check_nvme(root, rep, slot, driver);
		break;
	default:
		break;
	}
}

bool vfd_guest_class_ready(struct vfd_root *root, const char *slot, uint32_t class_code)
{
	long found[MAX_LISTED];
	ssize_t n;

	switch (class_of(class_code)) {
	case FC_AUDIO:
		n = devices_below(root, "class/sound", "card", slot, found, MAX_LISTED);
		/* HD Audio: a codec; other audio: the card */
		return n > 0 && ((class_code >> 8) != 0x0403 || codecs(root, found[0], NULL, NULL, 0));
	case FC_USB:
		return devices_below(root, "bus/usb/devices", "usb", slot, found, MAX_LISTED) > 0;
	case FC_NVME:
		n = devices_below(root, "class/nvme", "nvme", slot, found, MAX_LISTED);
		return n > 0 && namespaces(root, found[0], NULL, NULL, 0);
	default:
		return true;
	}
}
