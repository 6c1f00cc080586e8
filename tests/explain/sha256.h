// SPDX-License-Identifier: GPL-2.0-or-later
/* SHA-256 (FIPS 180-4), for the tests' fixed splits of data into parts */
#ifndef VFD_TEST_SHA256_H
#define VFD_TEST_SHA256_H
#include <stddef.h>
#include <stdint.h>

/* the digest of @len bytes at @data into @out */
void sha256(const void *data, size_t len, uint8_t out[32]);

#endif
