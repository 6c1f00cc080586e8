// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the newc cpio reader, entry by entry to the trailer. */
#include <stdint.h>

#include "cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_cpio_entry e;
	size_t pos = 0;
	int n = 0;

	while (n++ < 100000 && vfd_cpio_next(data, size, &pos, &e) == 1) {
		volatile uint8_t sink = e.size ? e.data[e.size - 1] : 0;

		(void)sink;
	}
	return 0;
}
