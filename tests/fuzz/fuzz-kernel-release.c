// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a kernel image's setup header (--kernel FILE): its release
 * and where its payload lies; and the same bytes as the ELF whose PVH note the
 * trial looks for in the decompressed kernel.
 */
#include <stdint.h>
#include <string.h>

#include "trial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char rel[65];
	size_t off, plen, unpacked;
	uint32_t entry;

	if (vfd_trial_kernel_release(data, size, rel, sizeof(rel)) == 0 && strlen(rel) >= sizeof(rel))
		__builtin_trap();
	if (vfd_trial_kernel_payload(data, size, &off, &plen, &unpacked) == 0 &&
	    (off > size || plen > size - off))
		__builtin_trap();
	(void)vfd_trial_elf_pvh_entry(data, size, &entry);
	return 0;
}
