// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A VM definition read by its content with the reader it needs: libvirt XML
 * (lint-xml.c), a Proxmox VM configuration (lint-pve.c) or a QEMU command
 * line (lint-qemu.c).
 */
#include <string.h>

#include "vm-internal.h"

int vfd_vm_parse(const char *buf, size_t len, struct vfd_vm_conf *out, struct vfd_parse_error *err)
{
	size_t i = 0;

	/* a UTF-8 byte order mark, then blanks, then '<' for XML */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i < len && buf[i] == '<')
		return vfd_vm_parse_libvirt(buf, len, out, err);
	if (vfd_vm_is_pve(buf, len))
		return vfd_vm_parse_pve(buf, len, out, err);
	return vfd_vm_parse_qemu(buf, len, out, err);
}
