// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mk-tree: build the PCI part of a sysroot for the shell tests, with the unit
 * tests' tree builder (tests/unit/tree.c), so that hostile shapes start from
 * trees laid out as the kernel lays them out.
 *
 * usage: mk-tree group DIR
 *          a root port (ACS) with a downstream port (ACS) below it, and
 *          below that two endpoints in different slots sharing group 1: the
 *          group code walks up from them to find the port without ACS
 *        mk-tree chain DIR N
 *          N bridges, each below the one before (N at most 8192)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../unit/tree.h"

static int group_tree(const char *dir)
{
	tree_device(dir, "pci0000:00/0000:00:01.0", 0x8086, 0x1901, 0x060400, 1, 4, true,
		    "pcieport", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:00:02.0", 0x10b5, 0x8747, 0x060400, 1, 6,
		    true, "pcieport", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:00:02.0/0000:01:00.0", 0x10de, 0x1f06,
		    0x030000, 0, 0, false, "nvidia", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:00:02.0/0000:01:01.0", 0x8086, 0x10fb,
		    0x020000, 0, 0, false, "ixgbe", 1);
	return 0;
}

static int chain_tree(const char *dir, long n)
{
	char parent[64] = "pci0000:00", path[128];

	if (n < 1 || n > 8192)
		return 2;
	for (long i = 0; i < n; i++) {
		char slot[16];

		snprintf(slot, sizeof(slot), "0000:%02lx:%02lx.0", i / 32, i % 32);
		/* each function's directory is under its parent's: the link names both */
		snprintf(path, sizeof(path), "%s/%s", parent, slot);
		tree_device(dir, path, 0x8086, 0x1901, 0x060400, 1, 4, true, "pcieport", -1);
		snprintf(parent, sizeof(parent), "pci0000:00/%s", slot);
	}
	return 0;
}

/* the directories tree_new() would make, in a directory of the caller's choosing */
static void skeleton(const char *dir)
{
	static const char *const dirs[] = { "", "/sys", "/sys/bus", "/sys/bus/pci",
		"/sys/bus/pci/devices", "/sys/kernel", "/sys/kernel/iommu_groups" };
	char path[4096];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, dirs[i]);
		mkdir(path, 0755);
	}
	tree_file(dir, "proc/sys/kernel/osrelease", "6.1.0-test\n");
}

int main(int argc, char **argv)
{
	if (argc >= 3)
		skeleton(argv[2]);
	if (argc == 3 && strcmp(argv[1], "group") == 0)
		return group_tree(argv[2]);
	if (argc == 4 && strcmp(argv[1], "chain") == 0)
		return chain_tree(argv[2], strtol(argv[3], NULL, 10));
	fprintf(stderr, "usage: mk-tree group DIR | mk-tree chain DIR N\n");
	return 2;
}
