// SPDX-License-Identifier: GPL-2.0-or-later
/* Config space capability walks over built buffers, broken ones included. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
	b[off + 2] = (uint8_t)(v >> 16);
	b[off + 3] = (uint8_t)(v >> 24);
}

/* an endpoint: PM at 0x40 -> Express at 0x50 (FLR set) ; ACS at 0x100 -> DSN at 0x150 */
static void make_endpoint(uint8_t *cfg, bool flr)
{
	memset(cfg, 0, 4096);
	cfg[0x06] = 0x10;	/* status: capabilities list */
	cfg[0x34] = 0x40;
	cfg[0x40] = PCI_CAP_ID_PM;
	cfg[0x41] = 0x50;
	cfg[0x50] = PCI_CAP_ID_EXP;
	cfg[0x51] = 0x00;
	cfg[0x52] = 0x02;	/* version 2, type 0 (endpoint) */
	put32(cfg, 0x54, flr ? 0x10000000u : 0);
	put32(cfg, 0x100, PCI_EXT_CAP_ID_ACS | 1u << 16 | 0x150u << 20);
	put32(cfg, 0x150, PCI_EXT_CAP_ID_DSN | 1u << 16);
}

static void walk(void **state)
{
	static uint8_t cfg[4096];

	make_endpoint(cfg, true);
	assert_int_equal(vfd_config_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_PM), 0x40);
	assert_int_equal(vfd_config_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_EXP), 0x50);
	assert_int_equal(vfd_config_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_AF), -ENOENT);
	assert_int_equal(vfd_config_find_ext_cap(cfg, sizeof(cfg), PCI_EXT_CAP_ID_ACS), 0x100);
	assert_int_equal(vfd_config_find_ext_cap(cfg, sizeof(cfg), PCI_EXT_CAP_ID_DSN), 0x150);
	assert_true(vfd_config_has_flr(cfg, sizeof(cfg)));
	assert_int_equal(vfd_config_pcie_type(cfg, sizeof(cfg)), 0);
	make_endpoint(cfg, false);
	assert_false(vfd_config_has_flr(cfg, sizeof(cfg)));
}

static void truncated(void **state)
{
	static uint8_t cfg[4096];

	make_endpoint(cfg, true);
	/* an unprivileged read sees 64 bytes: nothing past the header */
	assert_int_equal(vfd_config_find_cap(cfg, 64, PCI_CAP_ID_PM), -ENOENT);
	assert_false(vfd_config_has_flr(cfg, 64));
	assert_int_equal(vfd_config_find_ext_cap(cfg, 256, PCI_EXT_CAP_ID_ACS), -ENOENT);
	assert_int_equal(vfd_config_find_cap(cfg, 16, PCI_CAP_ID_PM), -EINVAL);
	assert_int_equal(vfd_config_find_cap(NULL, 4096, PCI_CAP_ID_PM), -EINVAL);
	/* the Express capability cut in the middle */
	assert_false(vfd_config_has_flr(cfg, 0x56));
}

static void loops(void **state)
{
	static uint8_t cfg[4096];

	make_endpoint(cfg, true);
	cfg[0x51] = 0x40;	/* Express points back at PM */
	assert_int_equal(vfd_config_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_AF), -ENOENT);
	put32(cfg, 0x150, PCI_EXT_CAP_ID_DSN | 1u << 16 | 0x100u << 20);
	assert_int_equal(vfd_config_find_ext_cap(cfg, sizeof(cfg), 0x1f), -ENOENT);
	/* a pointer into the header is the end of the list */
	cfg[0x51] = 0x10;
	assert_int_equal(vfd_config_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_AF), -ENOENT);
	/* no capability list bit: nothing to walk */
	cfg[0x06] = 0;
	assert_int_equal(vfd_config_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_PM), -ENOENT);
}

static void gone(void **state)
{
	static uint8_t cfg[4096];

	/* a device that fell off the bus reads all ones */
	memset(cfg, 0xff, sizeof(cfg));
	assert_int_equal(vfd_config_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_EXP), -ENOENT);
	assert_int_equal(vfd_config_find_ext_cap(cfg, sizeof(cfg), PCI_EXT_CAP_ID_ACS), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walk),
		cmocka_unit_test(truncated),
		cmocka_unit_test(loops),
		cmocka_unit_test(gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
