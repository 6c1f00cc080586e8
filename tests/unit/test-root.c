// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The root's confinement and its refusal of files that are not files.
 *
 * A sysroot is a stranger's tree: its links must resolve inside it whatever
 * they say (absolute, "../" past the top, loops, long chains), and a FIFO,
 * socket or device node where a file is expected must be refused at once,
 * never waited on. meson runs this file three times: as it is (openat2 where
 * the kernel has it), and under tests/helpers/no-openat2 answering ENOSYS and
 * EPERM, with VFD_TEST_NO_OPENAT2 set so the test proves the filter holds and
 * the root's own walk is what is being tested.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "tree.h"
#include "vfd.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

struct fixture {
	char *base;		/* holds "secret" (outside) and the sysroot "in" */
	char in[4096];
	struct vfd_root *root;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->base = tree_new();
	snprintf(f->in, sizeof(f->in), "%s/in", f->base);
	tree_file(f->in, "sys/.keep", "");
	tree_file(f->base, "secret", "outside\n");
	tree_file(f->in, "secret", "inside\n");
	f->root = vfd_root_new(f->in);
	assert_non_null(f->root);
	/* a hang is a failure: the alarm kills the test instead of the suite's timeout */
	alarm(20);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vfd_root_unref(f->root);
	tree_free(f->base);
	free(f);
	return 0;
}

/* read @rel through the root; the text, or "-errno" as text */
static const char *read_through(struct fixture *f, const char *rel)
{
	static char result[64];
	char *s = NULL;
	int r = vfd_root_readf_str(f->root, &s, "%s", rel);

	if (r < 0)
		snprintf(result, sizeof(result), "%d", r);
	else
		snprintf(result, sizeof(result), "%s", s);
	free(s);
	return result;
}

static void openat2_as_expected(void **state)
{
	long r = syscall(SYS_openat2, AT_FDCWD, ".", NULL, 0);

	(void)state;
	/* under the filter the call must be refused, or the walk is not what runs */
	if (getenv("VFD_TEST_NO_OPENAT2"))
		assert_true(r == -1 && (errno == ENOSYS || errno == EPERM));
}

static void links_stay_inside(void **state)
{
	struct fixture *f = *state;

	/* absolute: "/" is the sysroot */
	tree_link(f->in, "etc/os-release", "/secret");
	assert_string_equal(read_through(f, "etc/os-release"), "inside");
	/* relative past the top: ".." of the root is the root */
	tree_link(f->in, "proc/cmdline", "../../../../../../../secret");
	assert_string_equal(read_through(f, "proc/cmdline"), "inside");
	/* a path that climbs itself */
	assert_string_equal(read_through(f, "../secret"), "inside");
	assert_string_equal(read_through(f, "sys/../../../secret"), "inside");
	/* a directory link that points out, with a file below it */
	tree_link(f->in, "sys/up", "../..");
	assert_string_equal(read_through(f, "sys/up/secret"), "inside");
	tree_link(f->in, "sys/abs", "/");
	assert_string_equal(read_through(f, "sys/abs/sys/abs/secret"), "inside");
	/* a link to a link to outside */
	tree_link(f->in, "a", "b");
	tree_link(f->in, "b", "/../../secret");
	assert_string_equal(read_through(f, "a"), "inside");
	/* nothing inside by that name: not found, never the host's file */
	tree_link(f->in, "etc/hostname", "/../../../../etc/passwd");
	assert_string_equal(read_through(f, "etc/hostname"), "-2");
}

static void link_loops_end(void **state)
{
	struct fixture *f = *state;
	char rel[64], target[64];

	tree_link(f->in, "loop1", "loop2");
	tree_link(f->in, "loop2", "/loop1");
	assert_int_equal(atoi(read_through(f, "loop1")), -ELOOP);
	tree_link(f->in, "self", "self/x");
	assert_int_equal(atoi(read_through(f, "self")), -ELOOP);
	/* a chain of 40 links resolves (the kernel's MAXSYMLINKS); 41 does not */
	for (int i = 0; i < 41; i++) {
		snprintf(rel, sizeof(rel), "chain/%d", i);
		snprintf(target, sizeof(target), "%d", i + 1);
		tree_link(f->in, rel, target);
	}
	tree_file(f->in, "chain/41", "end\n");
	assert_string_equal(read_through(f, "chain/1"), "end");
	assert_int_equal(atoi(read_through(f, "chain/0")), -ELOOP);
}

static void sysfs_links_resolve(void **state)
{
	struct fixture *f = *state;
	struct vfd_root *root;
	struct vfd_host *host;
	char *s = NULL;

	(void)f;
	/* the kernel's own shape: bus entries are "../../../devices/..." links */
	char *dir = tree_new();

	tree_device(dir, "pci0000:00/0000:00:1c.0", 0x8086, 0xa110, 0x060400, 1, 4, true,
		    "pcieport", 1);
	tree_device(dir, "pci0000:00/0000:00:1c.0/0000:01:00.0", 0x10de, 0x1f06, 0x030000, 0, 0,
		    false, "nvidia", 2);
	host = tree_open_host(dir, &root);
	assert_int_equal(vfd_host_count_devices(host), 2);
	tree_file(dir, "sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/vendor", "0x10de\n");
	assert_int_equal(vfd_root_readf_str(root, &s, "sys/bus/pci/devices/0000:01:00.0/vendor"),
			 0);
	assert_string_equal(s, "0x10de");
	free(s);
	/* the group link climbs five levels and comes down into sys/kernel */
	assert_int_equal(vfd_root_readlinkf_base(root, &s,
						 "sys/bus/pci/devices/0000:01:00.0/iommu_group"), 0);
	assert_string_equal(s, "2");
	free(s);
	assert_true(vfd_root_existsf(root, "sys/bus/pci/devices/0000:01:00.0/iommu_group/devices/"
				     "0000:01:00.0/config"));
	assert_int_equal(vfd_root_readlinkf_base(root, &s,
						 "sys/bus/pci/devices/0000:01:00.0/driver"), 0);
	assert_string_equal(s, "nvidia");
	free(s);
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

static void readlink_dirs_inside(void **state)
{
	struct fixture *f = *state;
	char *s = NULL;

	/* the directory part of a readlink is resolved inside too */
	tree_link(f->base, "outlink", "host-target");
	tree_link(f->in, "d/out", "/../..");
	tree_link(f->in, "outlink", "sysroot-target");
	assert_int_equal(vfd_root_readlinkf(f->root, &s, "d/out/outlink"), 0);
	assert_string_equal(s, "sysroot-target");
	free(s);
}

static void not_files_refused(void **state)
{
	struct fixture *f = *state;
	char path[4200];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *buf = NULL;
	int sock;

	/* a FIFO nobody writes: open and read would wait for ever */
	snprintf(path, sizeof(path), "%s/proc/fifo", f->in);
	tree_file(f->in, "proc/.keep", "");
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(atoi(read_through(f, "proc/fifo")), -VFD_ENOTREG);
	assert_int_equal(vfd_root_read_filef(f->root, 4096, &buf, NULL, "proc/fifo"),
			 -VFD_ENOTREG);
	assert_int_equal(vfd_root_openat(f->root, "proc/fifo", O_RDONLY), -VFD_ENOTREG);
	assert_int_equal(vfd_root_openat(f->root, "proc/fifo", O_WRONLY), -VFD_ENOTREG);
	/* reached through a link, too */
	tree_link(f->in, "proc/cmdline", "fifo");
	assert_int_equal(atoi(read_through(f, "proc/cmdline")), -VFD_ENOTREG);
	/* a socket */
	assert_true(strlen(f->in) + 6 <= sizeof(sun.sun_path));
	memcpy(sun.sun_path, f->in, strlen(f->in));
	memcpy(sun.sun_path + strlen(f->in), "/sock", 6);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(sock >= 0);
	assert_int_equal(bind(sock, (struct sockaddr *)&sun, sizeof(sun)), 0);
	tree_link(f->in, "etc/os-release", "../../sock");
	assert_true(atoi(read_through(f, "etc/os-release")) < 0);
	close(sock);
	/* a directory where a file is expected */
	tree_file(f->in, "etc/dir/x", "");
	assert_int_equal(atoi(read_through(f, "etc/dir")), -EISDIR);
	/* a device node in a sysroot: the tree's, not this machine's, so not opened */
	snprintf(path, sizeof(path), "%s/dev/null", f->in);
	tree_file(f->in, "dev/.keep", "");
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		assert_int_equal(vfd_root_read_filef(f->root, 4096, &buf, NULL, "dev/null"),
				 -VFD_ENOTREG);
		assert_int_equal(vfd_root_openat(f->root, "dev/null", O_RDONLY), -VFD_ENOTREG);
	}
	/* a regular file still reads */
	assert_string_equal(read_through(f, "secret"), "inside");
}

static void live_root_opens_devices(void **state)
{
	struct vfd_root *root = vfd_root_new("/");
	int fd;

	(void)state;
	assert_non_null(root);
	/* the live root opens device nodes (its /dev/kmsg is one) and leaves them blocking */
	fd = vfd_root_openat(root, "dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	vfd_root_unref(root);
}

static void release_names(void **state)
{
	static const char *const good[] = { "6.1.0-18-amd64", "4.18.0-513.el8.x86_64",
					    "6.6.10-arch1-1", "6.1.0+", "5.15.0~rc1" };
	static const char *const bad[] = { "", "..", "../../..", "6.1/../..", "6.1 x", "a/b",
					   "6.1\n", "6..1", "\033[2J" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(vfd_release_is_valid(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(vfd_release_is_valid(bad[i]));
	/* 64 bytes is the most struct new_utsname keeps */
	char longest[66];

	memset(longest, '1', 65);
	longest[65] = '\0';
	assert_false(vfd_release_is_valid(longest));
	longest[64] = '\0';
	assert_true(vfd_release_is_valid(longest));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openat2_as_expected),
		cmocka_unit_test_setup_teardown(links_stay_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(link_loops_end, setup, teardown),
		cmocka_unit_test_setup_teardown(sysfs_links_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(readlink_dirs_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(not_files_refused, setup, teardown),
		cmocka_unit_test(live_root_opens_devices),
		cmocka_unit_test(release_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
