// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the text parsers behind preflight. The input is split at
 * its first two form feeds into an /etc/passwd, an /etc/group and a
 * limits.conf; the whole input also goes to the meminfo and size parsers and,
 * as a VFIO_IOMMU_GET_INFO answer, to the IOVA picker.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a NUL-terminated copy of [p, p + n) (the parsers of files take C strings) */
static char *dup_part(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *ff1 = memchr(data, '\f', size), *ff2 = NULL;
	char *passwd, *group, *limits, *all;
	struct vfd_memlock_conf conf;
	struct vfd_account acct;
	struct vfd_meminfo mi;
	uint64_t bytes, iova;
	unsigned int n;
	size_t l1, l2;

	if (ff1)
		ff2 = memchr(ff1 + 1, '\f', size - (size_t)(ff1 + 1 - data));
	l1 = ff1 ? (size_t)(ff1 - data) : size;
	l2 = ff1 ? (ff2 ? (size_t)(ff2 - ff1 - 1) : size - l1 - 1) : 0;
	passwd = dup_part(data, l1);
	group = dup_part(ff1 ? ff1 + 1 : data, l2);
	limits = dup_part(ff2 ? ff2 + 1 : data, ff2 ? size - (size_t)(ff2 + 1 - data) : 0);
	all = dup_part(data, size);
	if (!passwd || !group || !limits || !all)
		goto out;

	/* the first name of the passwd part, then a fixed one */
	{
		char name[64];
		size_t k = 0;

		while (k < sizeof(name) - 1 && passwd[k] && passwd[k] != ':' && passwd[k] != '\n') {
			name[k] = passwd[k];
			k++;
		}
		name[k] = '\0';
		if (vfd_account_parse(passwd, group, k ? name : "qemu", &acct) != 0)
			vfd_account_parse("qemu:x:64055:64055::/:\n", group, "qemu", &acct);
	}
	vfd_memlock_conf_init(&conf);
	vfd_limits_parse(limits, strlen(limits), "limits.conf", &acct, &conf);
	vfd_limits_parse((const char *)data, size, NULL, &acct, &conf);

	vfd_meminfo_parse((const char *)data, size, &mi);
	vfd_parse_size(all, &bytes);
	preflight_pick_iova(data, size, 1 << 20, 1 << 20, &iova, &n);
out:
	free(passwd);
	free(group);
	free(limits);
	free(all);
	return 0;
}
