// SPDX-License-Identifier: GPL-2.0-or-later
/* Snapshots: what goes in, and what is redacted on the way. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tree.h"
#include "vfd.h"

#define DEV "pci0000:00/0000:00:02.0"

/* a NIC whose config space carries a Device Serial Number capability */
static char *serial_tree(void)
{
	char *dir = tree_new();
	char path[4096];
	uint8_t cfg[4096];
	FILE *f;

	tree_device(dir, DEV, 0x8086, 0x10d3, 0x020000, 0, 0, false, "e1000e", 3);
	snprintf(path, sizeof(path), "%s/sys/devices/" DEV "/config", dir);
	f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fread(cfg, 1, sizeof(cfg), f), sizeof(cfg));
	/* DSN at 0x100: header, then the 64-bit serial */
	cfg[0x100] = PCI_EXT_CAP_ID_DSN;
	cfg[0x102] = 0x01;
	for (int i = 0; i < 8; i++)
		cfg[0x104 + i] = (uint8_t)(0x11 * (i + 1));
	rewind(f);
	fwrite(cfg, 1, sizeof(cfg), f);
	fclose(f);
	tree_file(dir, "proc/sys/kernel/hostname", "gpubox-seven\n");
	tree_file(dir, "dev/kmsg", "6,1,100,-;usb 1-1: SerialNumber: 0123456789ABCDEF\n"
		  "6,2,200,-;systemd[1]: Hostname set to <gpubox-seven>.\n");
	tree_file(dir, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
		  "jane:x:1000:1000:Jane Doe,,,:/home/jane:/bin/bash\n");
	return dir;
}

/* the contents of @name in the archive at @path (caller frees), or NULL */
static char *member(const char *path, const char *name, size_t *len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *out = NULL;

	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 16384), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), name) != 0)
			continue;
		*len = (size_t)archive_entry_size(e);
		out = calloc(1, *len + 1);
		assert_int_equal(archive_read_data(a, out, *len), (la_ssize_t)*len);
		break;
	}
	archive_read_free(a);
	return out;
}

static void snapshot_to(const char *dir, const char *file, bool redact)
{
	struct vfd_snapshot_opts opts = { .redact = redact, .compress = VFD_SNAPSHOT_NONE };
	struct vfd_root *root = vfd_root_new(dir);
	FILE *f = fopen(file, "w");

	assert_non_null(root);
	assert_non_null(f);
	assert_int_equal(vfd_snapshot_write(root, fileno(f), &opts), 0);
	fclose(f);
	vfd_root_unref(root);
}

static void redacted(void **state)
{
	char *dir = serial_tree();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	int fd = mkstemp(file);
	size_t len = 0;
	char *cfg, *kmsg, *passwd, *link;

	assert_true(fd >= 0);
	close(fd);
	snapshot_to(dir, file, true);
	cfg = member(file, "sys/devices/" DEV "/config", &len);
	assert_non_null(cfg);
	assert_int_equal(len, 4096);
	for (int i = 0; i < 8; i++)
		assert_int_equal((uint8_t)cfg[0x104 + i], 0);
	/* the capability itself stays: only the serial goes */
	assert_int_equal((uint8_t)cfg[0x100], PCI_EXT_CAP_ID_DSN);
	assert_int_equal((uint8_t)cfg[0], 0x86);
	kmsg = member(file, "dev/kmsg", &len);
	assert_non_null(kmsg);
	assert_null(strstr(kmsg, "0123456789ABCDEF"));
	assert_non_null(strstr(kmsg, "SerialNumber: REDACTED"));
	assert_null(strstr(kmsg, "gpubox-seven"));
	passwd = member(file, "etc/passwd", &len);
	assert_non_null(passwd);
	assert_null(strstr(passwd, "Jane Doe"));
	assert_non_null(strstr(passwd, "jane:x:1000:1000::/home/jane:/bin/bash"));
	/* links are kept as links, at their place */
	link = member(file, "sys/bus/pci/devices/0000:00:02.0", &len);
	assert_non_null(link);
	free(cfg);
	free(kmsg);
	free(passwd);
	free(link);
	unlink(file);
	tree_free(dir);
}

static void kept_when_asked(void **state)
{
	char *dir = serial_tree();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	int fd = mkstemp(file);
	size_t len = 0;
	char *cfg, *kmsg;

	assert_true(fd >= 0);
	close(fd);
	snapshot_to(dir, file, false);
	cfg = member(file, "sys/devices/" DEV "/config", &len);
	assert_non_null(cfg);
	assert_int_equal((uint8_t)cfg[0x104], 0x11);
	kmsg = member(file, "dev/kmsg", &len);
	assert_non_null(strstr(kmsg, "0123456789ABCDEF"));
	free(cfg);
	free(kmsg);
	unlink(file);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(redacted),
		cmocka_unit_test(kept_when_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
