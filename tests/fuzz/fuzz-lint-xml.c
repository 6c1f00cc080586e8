// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the libvirt domain reader of lint (libxml2 with its guards). */
#include <stdlib.h>
#include <string.h>

#include "vfd-vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_vm_conf conf;
	struct vfd_parse_error err;

	if (vfd_vm_parse_libvirt((const char *)data, size, &conf, &err) == 0)
		vfd_vm_conf_clear(&conf);
	else if (memchr(err.message, '\0', sizeof(err.message)) == NULL)
		abort();	/* the message must always be a terminated string */
	return 0;
}
