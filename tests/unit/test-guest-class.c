// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-class checks inside the guest (lib/guest/guest-class.c) over small
 * trees laid out as the kernel lays them out: an HD Audio function's sound
 * card and codecs, a USB host controller's root hubs, ports and devices, an
 * NVMe controller's namespaces; and whether each is there yet (what the
 * trial's /init waits for). The failures are proven here; the working case
 * also in the test bed (tests/vm/scenarios/trial-classes.sh).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest-class.h"
#include "tree.h"
#include "vfd.h"

static const struct vfd_finding *find(const struct vfd_report *rep, const char *id,
				      const char *device)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->findings[i].id, id) == 0 && rep->findings[i].device &&
		    strcmp(rep->findings[i].device, device) == 0)
			return &rep->findings[i];
	return NULL;
}

static bool in_evidence(const struct vfd_finding *f, const char *needle)
{
	for (char **e = f->evidence; e && *e; e++)
		if (strstr(*e, needle))
			return true;
	return false;
}

/* sys/devices/pci0000:00/SLOT/SUB/NAME, linked from sys/LINKDIR/NAME (@up: "../" count) */
static void sysfs_dev(const char *dir, const char *slot, const char *sub, const char *name,
		      const char *linkdir, const char *up)
{
	char rel[300], target[300];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/%s%s%s/uevent", slot, sub,
		 *sub ? "/" : "", name);
	tree_file(dir, rel, "");
	snprintf(rel, sizeof(rel), "sys/%s/%s", linkdir, name);
	snprintf(target, sizeof(target), "%sdevices/pci0000:00/%s/%s%s%s", up, slot, sub,
		 *sub ? "/" : "", name);
	tree_link(dir, rel, target);
}

/* the checks of one function, as vfd_guest_run makes them for a driven one */
static struct vfd_report check(const char *dir, const char *slot, uint32_t class_code,
			       const char *driver)
{
	struct vfd_report rep = { 0 };
	struct vfd_root *root = vfd_root_new(dir);

	assert_non_null(root);
	vfd_guest_class_check(root, &rep, slot, class_code, driver);
	vfd_root_unref(root);
	return rep;
}

/* the finding @id of that check, which must be there with @status */
static const struct vfd_finding *judged(struct vfd_report *rep, const char *dir, const char *slot,
					uint32_t class_code, const char *driver, const char *id,
					enum vfd_status status)
{
	const struct vfd_finding *f;

	*rep = check(dir, slot, class_code, driver);
	f = find(rep, id, slot);
	assert_non_null(f);
	assert_int_equal(f->status, status);
	return f;
}

static bool ready(const char *dir, const char *slot, uint32_t class_code)
{
	struct vfd_root *root = vfd_root_new(dir);
	bool r;

	assert_non_null(root);
	r = vfd_guest_class_ready(root, slot, class_code);
	vfd_root_unref(root);
	return r;
}

static void audio(void **state)
{
	char *dir = tree_new();
	struct vfd_report rep;
	const struct vfd_finding *f;

	(void)state;
	/* an HDA controller with one codec; another whose codecs never answered */
	sysfs_dev(dir, "0000:00:1b.0", "sound", "card0", "class/sound", "../../");
	tree_file(dir, "sys/class/sound/card0/id", "Intel\n");
	tree_file(dir, "proc/asound/card0/codec#0",
		  "Codec: Realtek ALC887-VD\nAddress: 0\nVendor Id: 0x10ec0887\n");
	tree_file(dir, "proc/asound/card0/pcm0p/info", "card: 0\n");
	sysfs_dev(dir, "0000:01:00.1", "sound", "card1", "class/sound", "../../");
	tree_file(dir, "proc/asound/card1/id", "HDMI\n");
	assert_false(ready(dir, "0000:01:00.1", 0x040300));
	assert_true(ready(dir, "0000:00:1b.0", 0x040300));

	f = judged(&rep, dir, "0000:00:1b.0", 0x040300, "snd_hda_intel", "guest.audio", VFD_OK);
	assert_string_equal(f->summary, "sound card 0 (snd_hda_intel): 1 codec: Realtek ALC887-VD");
	assert_true(in_evidence(f, "/proc/asound/card0/codec#0: Codec: Realtek ALC887-VD"));
	assert_true(in_evidence(f, "/sys/class/sound/card0 is below 0000:00:1b.0 (id Intel)"));
	vfd_report_clear(&rep);

	f = judged(&rep, dir, "0000:01:00.1", 0x040300, "snd_hda_intel", "guest.audio", VFD_WARN);
	assert_non_null(strstr(f->summary, "no HD Audio codec answered"));
	vfd_report_clear(&rep);

	/* driven, but no card below it: the driver stopped before registering */
	f = judged(&rep, dir, "0000:00:1f.3", 0x040100, "snd_intel8x0", "guest.audio", VFD_FAIL);
	assert_non_null(strstr(f->summary, "registered no sound card"));
	vfd_report_clear(&rep);
	assert_false(ready(dir, "0000:00:1f.3", 0x040100));
	tree_free(dir);
}

static void usb(void **state)
{
	char *dir = tree_new();
	struct vfd_report rep;
	const struct vfd_finding *f;

	(void)state;
	/* an xHCI: a USB 2 and a USB 3 root hub, a keyboard on the first bus */
	sysfs_dev(dir, "0000:00:04.0", "", "usb1", "bus/usb/devices", "../../../");
	tree_file(dir, "sys/bus/usb/devices/usb1/maxchild", "15\n");
	tree_file(dir, "sys/bus/usb/devices/usb1/version", " 2.00\n");
	sysfs_dev(dir, "0000:00:04.0", "", "usb2", "bus/usb/devices", "../../../");
	tree_file(dir, "sys/bus/usb/devices/usb2/maxchild", "15\n");
	tree_file(dir, "sys/bus/usb/devices/usb2/version", " 3.00\n");
	sysfs_dev(dir, "0000:00:04.0", "usb1", "1-1", "bus/usb/devices", "../../../");
	sysfs_dev(dir, "0000:00:04.0", "usb1/1-1", "1-1:1.0", "bus/usb/devices", "../../../");
	sysfs_dev(dir, "0000:00:04.0", "usb1", "1-0:1.0", "bus/usb/devices", "../../../");
	/* another controller's root hub, which is not this one's */
	sysfs_dev(dir, "0000:00:1d.0", "", "usb3", "bus/usb/devices", "../../../");
	tree_file(dir, "sys/bus/usb/devices/usb3/maxchild", "0\n");
	tree_file(dir, "sys/bus/usb/devices/usb3/version", " 2.00\n");
	assert_true(ready(dir, "0000:00:04.0", 0x0c0330));

	f = judged(&rep, dir, "0000:00:04.0", 0x0c0330, "xhci_hcd", "guest.usb", VFD_OK);
	assert_string_equal(f->summary, "2 root hubs (xhci_hcd): usb1 USB 2.00 with 15 ports, "
			    "usb2 USB 3.00 with 15 ports; 1 device connected");
	assert_true(in_evidence(f, "usb2: USB 3.00 root hub with 15 ports, 0 devices on its bus"));
	vfd_report_clear(&rep);

	f = judged(&rep, dir, "0000:00:1d.0", 0x0c0320, "ehci-pci", "guest.usb", VFD_WARN);
	assert_string_equal(f->summary, "1 root hub (ehci-pci) with no port");
	vfd_report_clear(&rep);

	f = judged(&rep, dir, "0000:00:14.0", 0x0c0330, "xhci_hcd", "guest.usb", VFD_FAIL);
	vfd_report_clear(&rep);
	assert_false(ready(dir, "0000:00:14.0", 0x0c0330));

	/* prog-if fe is a USB device controller, not a host: not judged here */
	rep = check(dir, "0000:00:14.0", 0x0c03fe, "udc");
	assert_int_equal(rep.n, 0);
	vfd_report_clear(&rep);
	tree_free(dir);
}

static void nvme(void **state)
{
	char *dir = tree_new();
	struct vfd_report rep;
	const struct vfd_finding *f;

	(void)state;
	sysfs_dev(dir, "0000:00:05.0", "nvme", "nvme0", "class/nvme", "../../");
	tree_file(dir, "sys/class/nvme/nvme0/model", "QEMU NVMe Ctrl                          \n");
	tree_file(dir, "sys/class/nvme/nvme0/state", "live\n");
	/* the namespace scan runs after the probe: not ready until it is there */
	assert_false(ready(dir, "0000:00:05.0", 0x010802));
	f = judged(&rep, dir, "0000:00:05.0", 0x010802, "nvme", "guest.nvme", VFD_WARN);
	assert_string_equal(f->summary, "nvme0 (QEMU NVMe Ctrl, live) has no namespace");
	vfd_report_clear(&rep);

	tree_file(dir, "sys/devices/pci0000:00/0000:00:05.0/nvme/nvme0/nvme0n1/size", "2097152\n");
	/* not a namespace: the controller's own attributes and devices */
	tree_file(dir, "sys/devices/pci0000:00/0000:00:05.0/nvme/nvme0/nvme0n/size", "1\n");
	tree_file(dir, "sys/devices/pci0000:00/0000:00:05.0/nvme/nvme0/ng0n1/dev", "240:0\n");
	assert_true(ready(dir, "0000:00:05.0", 0x010802));
	f = judged(&rep, dir, "0000:00:05.0", 0x010802, "nvme", "guest.nvme", VFD_OK);
	assert_string_equal(f->summary,
			    "nvme0 (QEMU NVMe Ctrl, live): 1 namespace: nvme0n1 (1.1 GB)");
	assert_true(in_evidence(f, "/sys/class/nvme/nvme0/nvme0n1: 2097152 sectors of 512 bytes"));
	vfd_report_clear(&rep);

	/* native multipath: the namespace's path below the controller is nvme1c1n1 */
	sysfs_dev(dir, "0000:00:06.0", "nvme", "nvme1", "class/nvme", "../../");
	tree_file(dir, "sys/class/nvme/nvme1/state", "resetting\n");
	/* 64 MiB: under a gigabyte, said in MB */
	tree_file(dir, "sys/devices/pci0000:00/0000:00:06.0/nvme/nvme1/nvme1c1n1/size", "131072\n");
	/* a controller that is not live is not working, namespace or not */
	f = judged(&rep, dir, "0000:00:06.0", 0x010802, "nvme", "guest.nvme", VFD_WARN);
	assert_non_null(strstr(f->summary, "1 namespace: nvme1c1n1 (67 MB)"));
	vfd_report_clear(&rep);

	/* driven, no controller */
	f = judged(&rep, dir, "0000:00:07.0", 0x010802, "nvme", "guest.nvme", VFD_FAIL);
	vfd_report_clear(&rep);
	tree_free(dir);
}

/* vfd_guest_run makes the class's finding for a function that is driven */
static void through_guest_run(void **state)
{
	char *dir = tree_new();
	struct vfd_report rep = { 0 };
	struct vfd_root *root;

	(void)state;
	tree_device(dir, "pci0000:00/0000:00:04.0", 0x8086, 0xa36d, 0x0c0330, 0, -1, false,
		    "xhci_hcd", -1);
	sysfs_dev(dir, "0000:00:04.0", "", "usb1", "bus/usb/devices", "../../../");
	tree_file(dir, "sys/bus/usb/devices/usb1/maxchild", "4\n");
	tree_file(dir, "sys/bus/usb/devices/usb1/version", " 2.00\n");
	/* an NVMe that nothing drives: no class finding, the driver finding says it */
	tree_device(dir, "pci0000:00/0000:00:05.0", 0x144d, 0xa808, 0x010802, 0, -1, false, NULL,
		    -1);
	/*
	 * an HD Audio function bound, in a tree without sys/class/sound (a
	 * snapshot that did not collect it): nothing to say, not a failure
	 */
	tree_device(dir, "pci0000:00/0000:00:06.0", 0x8086, 0x293e, 0x040300, 0, -1, false,
		    "snd_hda_intel", -1);
	root = vfd_root_new(dir);
	assert_non_null(root);
	assert_int_equal(vfd_guest_run(root, NULL, NULL, &rep), 0);
	assert_non_null(find(&rep, "guest.usb", "0000:00:04.0"));
	assert_null(find(&rep, "guest.nvme", "0000:00:05.0"));
	assert_null(find(&rep, "guest.audio", "0000:00:06.0"));
	assert_non_null(find(&rep, "guest.driver", "0000:00:06.0"));
	vfd_report_clear(&rep);
	vfd_root_unref(root);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audio),
		cmocka_unit_test(usb),
		cmocka_unit_test(nvme),
		cmocka_unit_test(through_guest_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
