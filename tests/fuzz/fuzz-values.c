// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: sysfs values (and the boot display in boot_params) and device arguments. */
#include <stdlib.h>
#include <string.h>

#include "guest-bootfb.h"
#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_devspec spec;
	struct vfd_guest_bootfb fb;
	char *s = malloc(size + 1);
	uint64_t u;
	int64_t i;

	if (!s)
		return 0;
	/* /sys/kernel/boot_params/data, read as bytes */
	if (vfd_guest_read_bootfb(data, size, &fb) == 0 && fb.type > 0xff)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	vfd_parse_u64(s, &u);
	vfd_parse_s64(s, &i);
	if (vfd_devspec_parse(s, &spec) == 0 && !spec.by_id) {
		char buf[16];

		vfd_bdf_format(&spec.bdf, buf, sizeof(buf));
		/* what we format must parse back to the same address */
		if (vfd_devspec_parse(buf, &spec) != 0)
			abort();
	}
	free(s);
	return 0;
}
