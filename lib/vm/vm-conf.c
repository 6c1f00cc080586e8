// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The neutral model of a VM definition (struct vfd_vm_conf) that the readers
 * fill (lint-xml.c, lint-qemu.c, lint-pve.c) and lint judges (lint.c).
 */
#include <stdlib.h>
#include <string.h>

#include "vm-internal.h"

void vfd_vm_conf_clear(struct vfd_vm_conf *c)
{
	for (size_t i = 0; i < c->n_hostdevs; i++) {
		free(c->hostdevs[i].host_text);
		free(c->hostdevs[i].romfile);
		free(c->hostdevs[i].guest_bus);
		free(c->hostdevs[i].mdev);
		free(c->hostdevs[i].mdev_type);
		free(c->hostdevs[i].mapping);
	}
	free(c->hostdevs);
	free(c->name);
	free(c->machine);
	free(c->firmware_path);
	free(c->bad_option);
	free(c->start_error);
	for (size_t i = 0; i < c->n_typos; i++)
		free(c->typos[i].word);
	free(c->typos);
	memset(c, 0, sizeof(*c));
}
