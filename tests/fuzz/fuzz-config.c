// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: config space capability walks over arbitrary bytes. */
#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vfd_config_find_cap(data, size, PCI_CAP_ID_EXP);
	vfd_config_find_ext_cap(data, size, PCI_EXT_CAP_ID_ACS);
	vfd_config_has_flr(data, size);
	vfd_config_pcie_type(data, size);
	return 0;
}
