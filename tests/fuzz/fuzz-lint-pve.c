// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the Proxmox VM configuration reader of lint ("key: value"
 * lines, hostpciN property strings, args: through the QEMU reader).
 */
#include <stdlib.h>
#include <string.h>

#include "vfd-vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_vm_conf conf;
	struct vfd_parse_error err;

	(void)vfd_vm_is_pve((const char *)data, size);
	if (vfd_vm_parse_pve((const char *)data, size, &conf, &err) == 0) {
		if (conf.n_hostdevs > VFD_VM_MAX_HOSTDEVS)
			abort();
		for (size_t i = 0; i < conf.n_hostdevs; i++) {
			const struct vfd_vm_hostdev *h = &conf.hostdevs[i];

			if ((h->has_host && h->host.fn > 7) || (h->all_functions && h->mdev) ||
			    h->managed < -1 || h->managed > 1)
				abort();
		}
		vfd_vm_conf_clear(&conf);
	} else if (memchr(err.message, '\0', sizeof(err.message)) == NULL) {
		abort();	/* the message must always be a terminated string */
	}
	return 0;
}
