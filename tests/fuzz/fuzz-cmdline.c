// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the kernel command line tokenizer and option checks. */
#include <stdlib.h>
#include <string.h>

#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_cmdline_token *t = NULL;
	char *s = malloc(size + 1);
	int n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	n = vfd_cmdline_split(s, &t);
	for (int i = 0; i < n; i++) {
		if (t[i].value)
			vfd_iommu_option_known(VFD_OPT_AMD, t[i].value);
	}
	vfd_cmdline_get(t, n > 0 ? n : 0, "intel_iommu");
	vfd_cmdline_free(t, n > 0 ? n : 0);
	free(s);
	return 0;
}
