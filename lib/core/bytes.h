/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Little-endian reads from byte buffers (PCI config space, option ROMs,
 * VFIO answers are little-endian by the PCI spec whatever the CPU). The
 * caller checks the bounds; no unaligned loads, no packed structs.
 */
#ifndef VFD_BYTES_H
#define VFD_BYTES_H

#include <stdint.h>

static inline uint16_t get_le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *b)
{
	return (uint64_t)get_le32(b) | (uint64_t)get_le32(b + 4) << 32;
}

#endif
