// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the release in a kernel image's setup header (--kernel FILE). */
#include <stdint.h>
#include <string.h>

#include "trial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char rel[65];

	if (vfd_trial_kernel_release(data, size, rel, sizeof(rel)) == 0 && strlen(rel) >= sizeof(rel))
		__builtin_trap();
	return 0;
}
