/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a driven function does in the guest, per class, for the classes whose
 * working shows in sysfs and procfs without using the device: an audio
 * function's sound card and codecs (guest.audio), a USB host controller's
 * root hubs and ports (guest.usb), an NVMe controller's namespaces
 * (guest.nvme). NICs and GPUs are judged in lib/guest/guest.c.
 */
#ifndef VFD_GUEST_CLASS_H
#define VFD_GUEST_CLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "vfd.h"

/*
 * vfd_guest_class_check - the finding for the function at @slot (class
 * @class_code, bound to @driver) when its class is one of the above;
 * nothing for other classes.
 */
void vfd_guest_class_check(struct vfd_root *root, struct vfd_report *rep, const char *slot,
			   uint32_t class_code, const char *driver);

/*
 * vfd_guest_class_ready - whether what vfd_guest_class_check looks for is
 * there yet (HDA codecs and NVMe namespaces are probed after the driver
 * binds, in the background): the trial's /init waits for it. True for a
 * class not judged here.
 */
bool vfd_guest_class_ready(struct vfd_root *root, const char *slot, uint32_t class_code);

#endif
