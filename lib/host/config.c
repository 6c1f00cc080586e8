// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config space: pure functions over a buffer. Every offset is bounds-checked
 * and every walk is bounded, because broken devices and truncated sysfs reads
 * (non-root users see only the first 64 bytes) are normal.
 */
#include <errno.h>

#include "bytes.h"
#include "internal.h"

#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_HEADER_TYPE		0x0e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_CB_CAPABILITY_LIST	0x14
#define PCI_EXP_FLAGS		0x02
#define PCI_EXP_DEVCAP		0x04
#define PCI_EXP_DEVCAP_FLR	0x10000000u
#define PCI_CFG_SPACE_SIZE	256
#define PCI_CFG_SPACE_EXP_SIZE	4096

int vfd_config_find_cap(const uint8_t *cfg, size_t len, uint8_t cap_id)
{
	size_t pos;
	/* 48 hops is the most that fits in 256 bytes of 4-byte aligned headers */
	int ttl = 48;

	if (!cfg || len < 0x40)
		return -EINVAL;
	if (!(get_le16(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return -ENOENT;
	pos = (cfg[PCI_HEADER_TYPE] & 0x7f) == 2 ? cfg[PCI_CB_CAPABILITY_LIST]
						  : cfg[PCI_CAPABILITY_LIST];
	while (ttl-- > 0) {
		pos &= ~(size_t)3;
		if (pos < 0x40 || pos + 2 > len || pos + 2 > PCI_CFG_SPACE_SIZE)
			return -ENOENT;
		if (cfg[pos] == 0xff)
			return -ENOENT;
		if (cfg[pos] == cap_id)
			return (int)pos;
		pos = cfg[pos + 1];
	}
	return -ENOENT;
}

int vfd_config_find_ext_cap(const uint8_t *cfg, size_t len, uint16_t cap_id)
{
	size_t pos = PCI_CFG_SPACE_SIZE;
	/* (4096 - 256) / 8: the minimum extended capability is 8 bytes */
	int ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;

	if (!cfg || len < pos + 4)
		return len < 0x40 || !cfg ? -EINVAL : -ENOENT;
	while (ttl-- > 0) {
		uint32_t header;

		if (pos + 4 > len)
			return -ENOENT;
		header = get_le32(cfg + pos);
		if (header == 0 || header == 0xffffffffu)
			return -ENOENT;
		if ((header & 0xffff) == cap_id)
			return (int)pos;
		pos = (header >> 20) & 0xffc;
		if (pos < PCI_CFG_SPACE_SIZE)
			return -ENOENT;
	}
	return -ENOENT;
}

bool vfd_config_has_flr(const uint8_t *cfg, size_t len)
{
	int pos = vfd_config_find_cap(cfg, len, PCI_CAP_ID_EXP);

	if (pos < 0 || (size_t)pos + PCI_EXP_DEVCAP + 4 > len)
		return false;
	return get_le32(cfg + (size_t)pos + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR;
}

int vfd_config_pcie_type(const uint8_t *cfg, size_t len)
{
	int pos = vfd_config_find_cap(cfg, len, PCI_CAP_ID_EXP);

	if (pos < 0 || (size_t)pos + PCI_EXP_FLAGS + 2 > len)
		return -1;
	return (int)((get_le16(cfg + (size_t)pos + PCI_EXP_FLAGS) >> 4) & 0xf);
}
