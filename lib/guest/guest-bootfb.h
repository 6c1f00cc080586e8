/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The display the boot loader handed to the guest's kernel (screen_info at the
 * start of x86 boot_params), read by the guest check guest.boot-display
 * (lib/guest/guest-bootfb.c).
 */
#ifndef VFD_GUEST_BOOTFB_H
#define VFD_GUEST_BOOTFB_H

#include <stddef.h>
#include <stdint.h>

struct vfd_guest_bootfb {
	unsigned int type;	/* orig_video_isVGA: 0x70 EFI, 0x23 VESA, 0x22 VGA text */
	unsigned int width, height, depth;
	uint64_t base, size;	/* the linear framebuffer, in bytes */
};

/*
 * vfd_guest_read_bootfb - the boot display from the first @len bytes of
 * /sys/kernel/boot_params/data: 0, or -EINVAL when @len is too short.
 */
int vfd_guest_read_bootfb(const unsigned char *data, size_t len, struct vfd_guest_bootfb *fb);

#endif
