// SPDX-License-Identifier: GPL-2.0-or-later
/* SHA-256 (FIPS 180-4), for the tests' fixed splits of data into parts */
#ifndef VFD_TEST_SHA256_H
#define VFD_TEST_SHA256_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the digest of @len bytes at @data into @out */
void sha256(const void *data, size_t len, uint8_t out[32]);

/* FIPS 180-4's examples (one block, two blocks) come out right: a split rests on it */
bool sha256_works(void);

/* whether @text falls in the third of a split salted with @salt: the first
 * byte of the digest of @salt followed by @text, mod 3, is 0 */
bool sha256_in_third(const char *salt, const char *text);

#endif
