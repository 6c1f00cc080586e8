// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the kernel log decoder (kmsg records and dmesg text). */
#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_kmsg k;

	if (vfd_kmsg_parse((const char *)data, size, &k) == 0) {
		vfd_kmsg_find(&k, "iommu", NULL);
		vfd_kmsg_clear(&k);
	}
	return 0;
}
