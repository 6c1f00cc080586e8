// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A kernel release read from a tree names directories (lib/modules/R,
 * boot/config-R): only what a release is made of may pass. Its own file, as the
 * static guest build needs it without the host model.
 */
#include <string.h>

#include "vfd.h"

bool vfd_release_is_valid(const char *release)
{
	size_t len = strlen(release);

	/* struct new_utsname keeps 64 bytes and a NUL (include/uapi/linux/utsname.h) */
	if (len == 0 || len > 64 || strstr(release, ".."))
		return false;
	/* what KERNELRELEASE is made of: version, EXTRAVERSION, LOCALVERSION */
	return strspn(release, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789._+~-") == len;
}
