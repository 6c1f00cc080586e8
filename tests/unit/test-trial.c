// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trial's pieces that need no VM: the newc writer and reader, the
 * initramfs (its entries read back), QEMU's command line, and the judgement
 * of serial transcripts as a guest would send them.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpio.h"
#include "json.h"
#include "trial.h"
#include "vfd.h"

/* the whole of a file descriptor's file */
static uint8_t *slurp_fd(int fd, size_t *len)
{
	struct stat st;
	uint8_t *buf;

	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	*len = (size_t)st.st_size;
	return buf;
}

static int tmpfile_fd(char *path)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	return fd;
}

static void cpio_round_trip(void **state)
{
	char path[] = "/tmp/vfd-test-cpio.XXXXXX";
	int fd = tmpfile_fd(path);
	struct vfd_cpio c;
	struct vfd_cpio_entry e;
	size_t len, pos = 0;
	uint8_t *buf;

	vfd_cpio_init(&c, fd);
	assert_int_equal(vfd_cpio_dir(&c, "dev"), 0);
	assert_int_equal(vfd_cpio_chardev(&c, "dev/console", 5, 1), 0);
	assert_int_equal(vfd_cpio_file(&c, "a", 0755, "xyz", 3), 0);
	assert_int_equal(vfd_cpio_file(&c, "empty", 0644, NULL, 0), 0);
	assert_int_equal(vfd_cpio_finish(&c), 0);
	buf = slurp_fd(fd, &len);
	/* every entry starts on a 4-byte boundary, the whole too */
	assert_int_equal(len % 4, 0);
	assert_memory_equal(buf, "070701", 6);
	assert_int_equal(vfd_cpio_next(buf, len, &pos, &e), 1);
	assert_string_equal(e.name, "dev");
	assert_int_equal(e.mode, S_IFDIR | 0755);
	assert_int_equal(vfd_cpio_next(buf, len, &pos, &e), 1);
	assert_string_equal(e.name, "dev/console");
	assert_int_equal(e.mode & S_IFMT, S_IFCHR);
	assert_int_equal(e.rdev_major, 5);
	assert_int_equal(e.rdev_minor, 1);
	assert_int_equal(vfd_cpio_next(buf, len, &pos, &e), 1);
	assert_string_equal(e.name, "a");
	assert_int_equal(e.size, 3);
	assert_memory_equal(e.data, "xyz", 3);
	assert_int_equal(e.mode, S_IFREG | 0755);
	assert_int_equal(pos % 4, 0);
	assert_int_equal(vfd_cpio_next(buf, len, &pos, &e), 1);
	assert_string_equal(e.name, "empty");
	assert_int_equal(vfd_cpio_next(buf, len, &pos, &e), 0);
	/* cut short: refused, not read past the end */
	pos = 0;
	assert_int_equal(vfd_cpio_next(buf, 100, &pos, &e), -EBADMSG);
	free(buf);
	close(fd);
	unlink(path);
}

/* a bzImage's setup header with its version string at @at (boot.rst) */
static size_t fake_bzimage(uint8_t *buf, size_t size, unsigned int proto, size_t at,
			   const char *version)
{
	memset(buf, 0, size);
	memcpy(buf + 0x202, "HdrS", 4);
	buf[0x206] = proto & 0xff;
	buf[0x207] = proto >> 8;
	buf[0x20e] = (at - 0x200) & 0xff;
	buf[0x20f] = (at - 0x200) >> 8;
	memcpy(buf + at, version, strlen(version));
	return at + strlen(version);
}

static void kernel_image_release(void **state)
{
	static uint8_t img[20000];
	char rel[65];
	size_t end;

	(void)state;
	end = fake_bzimage(img, sizeof(img), 0x020f, 17600,
			   "6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP");
	assert_int_equal(vfd_trial_kernel_release(img, sizeof(img), rel, sizeof(rel)), 0);
	assert_string_equal(rel, "6.1.0-57-amd64");
	/* the string cut off by the end of what was read: no release, no overread */
	assert_int_equal(vfd_trial_kernel_release(img, 17600 + 6, rel, sizeof(rel)), -ENODATA);
	assert_int_equal(vfd_trial_kernel_release(img, end, rel, sizeof(rel)), 0);
	/* too small a buffer for it */
	assert_int_equal(vfd_trial_kernel_release(img, sizeof(img), rel, 8), -ENODATA);
	/* a release that would leave lib/modules */
	fake_bzimage(img, sizeof(img), 0x020f, 0x400, "../../etc (x)");
	assert_int_equal(vfd_trial_kernel_release(img, sizeof(img), rel, sizeof(rel)), -ENODATA);
	assert_string_equal(rel, "");
	/* before boot protocol 2.00 there is no kernel_version field */
	fake_bzimage(img, sizeof(img), 0x0105, 0x400, "2.0.40 (x)");
	assert_int_equal(vfd_trial_kernel_release(img, sizeof(img), rel, sizeof(rel)), -ENODATA);
	/* no setup header: an ELF vmlinux, a compressed file */
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	assert_int_equal(vfd_trial_kernel_release(img, sizeof(img), rel, sizeof(rel)), -ENOEXEC);
	assert_int_equal(vfd_trial_kernel_release(img, 100, rel, sizeof(rel)), -ENOEXEC);
}

/* ------------------------------------------------ the kernel for PVH */

static void put_le(uint8_t *b, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/*
 * a minimal x86-64 ELF: the header, one PT_NOTE program header and its notes
 * (a "Linux" note, then, with @pvh, "Xen" type 18 with entry 0x1000850)
 */
static size_t fake_vmlinux(uint8_t *b, bool pvh)
{
	size_t at = 64 + 56, notes = at;

	memset(b, 0, 256);
	memcpy(b, "\177ELF", 4);
	b[4] = 2;
	b[5] = 1;
	put_le(b + 18, 62, 2);
	put_le(b + 32, 64, 8);	/* e_phoff */
	put_le(b + 54, 56, 2);	/* e_phentsize */
	put_le(b + 56, 1, 2);	/* e_phnum */
	put_le(b + 64, 4, 4);	/* PT_NOTE */
	put_le(b + 64 + 8, notes, 8);
	put_le(b + at, 6, 4);	/* "Linux\0", padded to 8 */
	put_le(b + at + 4, 4, 4);
	put_le(b + at + 8, 1, 4);
	memcpy(b + at + 12, "Linux", 6);
	at += 12 + 8 + 4;
	if (pvh) {
		put_le(b + at, 4, 4);
		put_le(b + at + 4, 4, 4);
		put_le(b + at + 8, 18, 4);
		memcpy(b + at + 12, "Xen", 4);
		put_le(b + at + 16, 0x1000850, 4);
		at += 20;
	}
	put_le(b + 64 + 32, at - notes, 8);	/* p_filesz */
	return at;
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

/* @data as gzip with one stored deflate block (RFC 1951 3.2.4, RFC 1952) */
static size_t gzip_stored(uint8_t *out, const uint8_t *data, size_t n)
{
	static const uint8_t head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };

	memcpy(out, head, 10);
	out[10] = 1;	/* BFINAL, stored */
	put_le(out + 11, n, 2);
	put_le(out + 13, ~n & 0xffff, 2);
	memcpy(out + 15, data, n);
	put_le(out + 15 + n, crc32_of(data, n), 4);
	put_le(out + 19 + n, n, 4);
	return 23 + n;
}

/* a bzImage: setup header at 0x1f1.., protected-mode code at 0x400 (setup_sects 1) */
static size_t fake_bzimage_payload(uint8_t *img, const uint8_t *elf, size_t elf_len,
				   uint32_t appended_size)
{
	size_t z;

	memset(img, 0, 0x600);
	memcpy(img + 0x202, "HdrS", 4);
	put_le(img + 0x206, 0x020f, 2);
	img[0x1f1] = 1;
	put_le(img + 0x248, 0x10, 4);	/* payload 0x10 into the protected-mode code */
	z = gzip_stored(img + 0x410, elf, elf_len);
	put_le(img + 0x410 + z, appended_size, 4);
	put_le(img + 0x24c, z + 4, 4);
	return 0x410 + z + 4;
}

static void kernel_image_pvh(void **state)
{
	uint8_t elf[256], img[4096], *got;
	char src[] = "/tmp/vfd-test-bzimage.XXXXXX", dir[] = "/tmp/vfd-test-pvh.XXXXXX", out[64];
	size_t elf_len, len, off, plen, size, got_len;
	uint32_t entry = 0;
	int fd;

	(void)state;
	/* the PVH note found past another note; none, a truncated one, no ELF */
	elf_len = fake_vmlinux(elf, true);
	assert_int_equal(vfd_trial_elf_pvh_entry(elf, elf_len, &entry), 0);
	assert_int_equal(entry, 0x1000850);
	assert_int_equal(vfd_trial_elf_pvh_entry(elf, elf_len - 1, &entry), -ENOENT);
	assert_int_equal(vfd_trial_elf_pvh_entry(elf, 63, &entry), -ENOEXEC);
	elf[18] = 3;	/* EM_386 */
	assert_int_equal(vfd_trial_elf_pvh_entry(elf, elf_len, &entry), -ENOEXEC);
	assert_int_equal(vfd_trial_elf_pvh_entry(elf, fake_vmlinux(elf, false), &entry), -ENOENT);

	/* the payload and the size appended to it */
	elf_len = fake_vmlinux(elf, true);
	len = fake_bzimage_payload(img, elf, elf_len, (uint32_t)elf_len);
	assert_int_equal(vfd_trial_kernel_payload(img, len, &off, &plen, &size), 0);
	assert_int_equal(off, 0x410);
	assert_int_equal(plen, len - 0x410 - 4);
	assert_int_equal(size, elf_len);
	/* a payload past the end of the image, a boot protocol before 2.08 */
	assert_int_equal(vfd_trial_kernel_payload(img, len - 1, &off, &plen, &size), -ENODATA);
	put_le(img + 0x206, 0x0207, 2);
	assert_int_equal(vfd_trial_kernel_payload(img, len, &off, &plen, &size), -ENODATA);
	put_le(img + 0x206, 0x020f, 2);
	assert_int_equal(vfd_trial_kernel_payload(elf, elf_len, &off, &plen, &size), -ENOEXEC);

	/* written whole, and only when it has the PVH entry */
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/vmlinux", dir);
	fd = tmpfile_fd(src);
	assert_int_equal(write(fd, img, len), (ssize_t)len);
	assert_int_equal(vfd_trial_kernel_write_pvh(src, out), 0);
	close(fd);
	fd = open(out, O_RDONLY);
	got = slurp_fd(fd, &got_len);
	close(fd);
	assert_int_equal(got_len, elf_len);
	assert_memory_equal(got, elf, elf_len);
	free(got);
	unlink(out);
	/* the appended size disagrees: not decompressed whole, nothing written */
	len = fake_bzimage_payload(img, elf, elf_len, (uint32_t)elf_len + 1);
	fd = open(src, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, img, len), (ssize_t)len);
	close(fd);
	assert_int_equal(vfd_trial_kernel_write_pvh(src, out), -EIO);
	assert_int_equal(access(out, F_OK), -1);
	/* no PVH entry: nothing written */
	elf_len = fake_vmlinux(elf, false);
	len = fake_bzimage_payload(img, elf, elf_len, (uint32_t)elf_len);
	fd = open(src, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, img, len), (ssize_t)len);
	close(fd);
	assert_int_equal(vfd_trial_kernel_write_pvh(src, out), -ENOENT);
	assert_int_equal(access(out, F_OK), -1);
	unlink(src);
	rmdir(dir);
}

/* find @name in the archive; its entry in @e */
static bool archive_has(const uint8_t *buf, size_t len, const char *name,
			struct vfd_cpio_entry *e)
{
	size_t pos = 0;

	while (vfd_cpio_next(buf, len, &pos, e) == 1)
		if (strcmp(e->name, name) == 0)
			return true;
	return false;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static bool exists_in(const char *dir, const char *rel)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return access(path, F_OK) == 0;
}

static void mkfile(const char *dir, const char *rel, const char *text)
{
	char path[600], cmd[1300];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	write_file(path, text);
}

/* restore's part: what a trial killed with SIGKILL left, found from its record */
static void private_dir_cleanup(void **state)
{
	char dir[] = "/tmp/vfd-test-trialdir.XXXXXX", **gone = NULL;
	struct vfd_root *root;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mkfile(dir, "sys/.keep", "");
	root = vfd_root_open(dir, VFD_ROOT_WRITABLE);
	assert_non_null(root);
	/* a killed trial: its directory and its record */
	mkfile(dir, "tmp/vfio-doctor-trial.AbC123/initrd.cpio", "070701");
	mkfile(dir, "tmp/vfio-doctor-trial.AbC123/console.txt", "boot");
	assert_int_equal(vfd_trial_record_save(root, 4000000, "/tmp/vfio-doctor-trial.AbC123"), 0);
	/* a trial still running (its process is vfio-doctor): left alone */
	mkfile(dir, "tmp/vfio-doctor-trial.Run999/report.txt", "");
	assert_int_equal(vfd_trial_record_save(root, 4000001, "/tmp/vfio-doctor-trial.Run999"), 0);
	mkfile(dir, "proc/4000001/comm", "vfio-doctor\n");
	/* a record naming anything else is never followed, only dropped */
	mkfile(dir, "etc/keep", "x");
	mkfile(dir, "run/vfio-doctor/trials/4000002", "pid=4000002\ndir=/etc\n");
	assert_int_equal(vfd_trial_record_save(root, 1, "/etc"), -EINVAL);
	/* a directory with a file no trial writes is not emptied blindly */
	mkfile(dir, "tmp/vfio-doctor-trial.Other1/mine.txt", "y");
	mkfile(dir, "run/vfio-doctor/trials/4000003",
	       "pid=4000003\ndir=/tmp/vfio-doctor-trial.Other1\n");

	/* a dry run lists and changes nothing */
	assert_int_equal(vfd_trial_cleanup(root, true, &gone), 0);
	assert_non_null(gone);
	assert_true(exists_in(dir, "tmp/vfio-doctor-trial.AbC123/initrd.cpio"));
	assert_true(exists_in(dir, "run/vfio-doctor/trials/4000000"));
	vfd_strv_free(gone);

	assert_int_equal(vfd_trial_cleanup(root, false, &gone), -ENOTEMPTY);
	assert_non_null(gone);
	assert_string_equal(gone[0], "/tmp/vfio-doctor-trial.AbC123");
	assert_null(gone[1]);
	vfd_strv_free(gone);
	assert_false(exists_in(dir, "tmp/vfio-doctor-trial.AbC123"));
	assert_false(exists_in(dir, "run/vfio-doctor/trials/4000000"));
	assert_true(exists_in(dir, "tmp/vfio-doctor-trial.Run999/report.txt"));
	assert_true(exists_in(dir, "run/vfio-doctor/trials/4000001"));
	assert_true(exists_in(dir, "etc/keep"));
	assert_false(exists_in(dir, "run/vfio-doctor/trials/4000002"));
	assert_true(exists_in(dir, "tmp/vfio-doctor-trial.Other1/mine.txt"));
	assert_true(exists_in(dir, "run/vfio-doctor/trials/4000003"));

	/* the trial's own end: directory and record gone */
	assert_int_equal(vfd_trial_dir_remove(root, "/tmp/vfio-doctor-trial.Run999"), 0);
	assert_int_equal(vfd_trial_record_remove(root, 4000001), 0);
	assert_false(exists_in(dir, "tmp/vfio-doctor-trial.Run999"));
	assert_false(exists_in(dir, "run/vfio-doctor/trials/4000001"));
	assert_int_equal(vfd_trial_dir_remove(root, "/tmp/../etc"), -EINVAL);
	vfd_root_unref(root);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

static void initramfs_contents(void **state)
{
	char dir[] = "/tmp/vfd-test-initrd.XXXXXX", init[512], ko[512], out[] =
		"/tmp/vfd-test-initrd-out.XXXXXX", fwdir[512], fw[1100];
	char *fw_names[] = { "vendor/fw.bin", "missing.bin", NULL };
	char *no_fw[] = { NULL };
	struct vfd_module_file mods[] = {
		{ .name = "dep", .path = ko, .firmware = no_fw },
		{ .name = "builtin_one", .path = NULL, .firmware = no_fw },
		{ .name = "drv", .path = ko, .firmware = fw_names },
	};
	struct vfd_report notes = { 0 };
	struct vfd_cpio_entry e;
	struct vfd_root *root;
	uint8_t *buf;
	size_t len;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(init, sizeof(init), "%s/init-binary", dir);
	snprintf(ko, sizeof(ko), "%s/mod.ko", dir);
	write_file(init, "#!init\n");
	write_file(ko, "\177ELF module\n");
	snprintf(fwdir, sizeof(fwdir), "%s/lib/firmware/vendor", dir);
	assert_int_equal(system(NULL) != 0, 1);
	snprintf(fw, sizeof(fw), "mkdir -p %s %s/sys", fwdir, dir);
	assert_int_equal(system(fw), 0);
	snprintf(fw, sizeof(fw), "%s/fw.bin", fwdir);
	write_file(fw, "FW");
	root = vfd_root_new(dir);
	assert_non_null(root);
	fd = tmpfile_fd(out);
	{
		struct vfd_trial_initrd in = { .init = init, .mods = mods, .n_mods = 3,
					       .root = root };

		assert_int_equal(vfd_trial_write_initramfs(fd, &in, &notes), 0);
	}
	buf = slurp_fd(fd, &len);
	assert_true(archive_has(buf, len, "init", &e));
	assert_int_equal(e.mode, S_IFREG | 0755);
	assert_memory_equal(e.data, "#!init\n", 7);
	assert_true(archive_has(buf, len, "dev/console", &e));
	assert_true(archive_has(buf, len, "lib/modules/dep.ko", &e));
	assert_true(archive_has(buf, len, "lib/modules/drv.ko", &e));
	assert_false(archive_has(buf, len, "lib/modules/builtin_one.ko", &e));
	assert_true(archive_has(buf, len, "lib/firmware/vendor", &e));
	assert_int_equal(e.mode & S_IFMT, S_IFDIR);
	assert_true(archive_has(buf, len, "lib/firmware/vendor/fw.bin", &e));
	assert_memory_equal(e.data, "FW", 2);
	/* the load order: dependencies first, built-in ones left out */
	assert_true(archive_has(buf, len, VFD_TRIAL_MODULE_LIST, &e));
	assert_int_equal(e.size, strlen("/lib/modules/dep.ko\n/lib/modules/drv.ko\n"));
	assert_memory_equal(e.data, "/lib/modules/dep.ko\n/lib/modules/drv.ko\n", e.size);
	/* what was left out is said */
	assert_int_equal(notes.n, 2);
	assert_non_null(strstr(notes.findings[0].summary, "builtin_one"));
	assert_non_null(strstr(notes.findings[1].summary, "missing.bin"));
	free(buf);
	close(fd);
	unlink(out);
	vfd_report_clear(&notes);
	/* no init: a clear error, not an archive without /init */
	{
		struct vfd_trial_initrd in = { .init = "/nonexistent/init", .root = root };
		char out2[] = "/tmp/vfd-test-initrd-out.XXXXXX";

		fd = tmpfile_fd(out2);
		assert_int_equal(vfd_trial_write_initramfs(fd, &in, NULL), -ENOENT);
		close(fd);
		unlink(out2);
	}
	vfd_root_unref(root);
	snprintf(fw, sizeof(fw), "rm -rf %s", dir);
	assert_int_equal(system(fw), 0);
}

static bool argv_has(char **argv, const char *a, const char *b)
{
	for (size_t i = 0; argv[i] && argv[i + 1]; i++)
		if (strcmp(argv[i], a) == 0 && (!b || strcmp(argv[i + 1], b) == 0))
			return true;
	return false;
}

static void qemu_command_line(void **state)
{
	struct vfd_vm_func funcs[] = { { .slot = "0000:01:00.0", .vendor = 0x8086,
					 .device = 0x10d3, .named = true } };
	struct vfd_vm_unit unit = { .funcs = funcs, .n = 1, .slot = 0x10 };
	struct vfd_vm_devset set = { .units = &unit, .n = 1 };
	struct vfd_trial_vm vm = {
		.qemu = "/usr/bin/qemu-system-x86_64", .kvm = false,
		.firmware = VFD_FIRMWARE_BIOS, .kernel = "/k", .initrd = "/i",
		.console_log = "/d/console.txt", .report_log = "/d/report.txt",
		.append_extra = "vfd.expect=8086:10d3", .devices = &set,
	};
	char **argv = vfd_trial_qemu_argv(&vm);
	bool vfio = false;

	assert_non_null(argv);
	assert_string_equal(argv[0], "/usr/bin/qemu-system-x86_64");
	assert_true(argv_has(argv, "-machine", "q35,accel=tcg"));
	assert_true(argv_has(argv, "-nodefaults", NULL));
	assert_true(argv_has(argv, "-nic", "none"));
	assert_true(argv_has(argv, "-serial", "file:/d/console.txt"));
	assert_true(argv_has(argv, "-serial", "file:/d/report.txt"));
	assert_true(argv_has(argv, "-kernel", "/k"));
	assert_true(argv_has(argv, "-initrd", "/i"));
	assert_true(argv_has(argv, "-append",
			     "console=ttyS0 quiet panic=-1 rdinit=/init "
			     "drm_kms_helper.fbdev_emulation=0 vfd.expect=8086:10d3"));
	/* no disk and no drive in TCG with SeaBIOS */
	assert_false(argv_has(argv, "-drive", NULL));
	assert_false(argv_has(argv, "-hda", NULL));
	for (size_t i = 0; argv[i]; i++)
		vfio |= strncmp(argv[i], "vfio-pci,host=0000:01:00.0,", 27) == 0 &&
			strcmp(argv[i - 1], "-device") == 0;
	assert_true(vfio);
	vfd_strv_free(argv);
}

/* KVM is used only where /dev/kvm makes a VM; each failing step is named */
static void kvm_usable(void **state)
{
	const char *step = "x";

	(void)state;
	assert_int_equal(vfd_trial_kvm_usable("/nonexistent/kvm", &step), -ENOENT);
	assert_string_equal(step, "open");
	/* a node that is not KVM's: the API question is refused */
	assert_int_equal(vfd_trial_kvm_usable("/dev/null", &step), -ENOTTY);
	assert_string_equal(step, "KVM_GET_API_VERSION");
}

/* a guest report as /init sends it, with the carriage returns of the tty */
static const char nic_report[] =
	"noise\r\n" VFD_TRIAL_MARK_BEGIN "\r\n"
	"{\r\n   \"schema\": 1,\r\n   \"version\": \"0.1.0\",\r\n   \"status\": \"ok\",\r\n"
	"   \"passed\": [{\"slot\": \"0000:00:01.0\", \"id\": \"8086:10d3\"}],\r\n"
	"   \"findings\": [\r\n"
	"{\"id\": \"guest.driver\", \"layer\": \"guest\", \"status\": \"ok\", \"device\": "
	"\"0000:00:01.0\", \"summary\": \"Intel NIC 8086:10d3 driven by e1000e\", \"evidence\": "
	"[\"/sys/bus/pci/devices/0000:00:01.0/driver -> e1000e\"], \"fix\": []},\r\n"
	"{\"id\": \"guest.net\", \"layer\": \"guest\", \"status\": \"%s\", \"device\": "
	"\"0000:00:01.0\", \"summary\": \"eth0 (e1000e): MAC 52:54:00:aa:bb:cc, link %s\", "
	"\"evidence\": [\"/sys/class/net/eth0/carrier: 1\"], \"fix\": []}\r\n"
	"]\r\n}\r\n" VFD_TRIAL_MARK_END "\r\n";

static const char console_ok[] =
	"Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org)\n"
	"vfio-doctor-init: started\n";

static const struct vfd_trial_dev nic = { .slot = "0000:01:00.0", .vendor = 0x8086,
					  .device = 0x10d3, .class_code = 0x020000 };

static const struct vfd_finding *find(const struct vfd_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->findings[i].id, id) == 0)
			return &rep->findings[i];
	return NULL;
}

static void judge_works(void **state)
{
	char report[4096];
	struct vfd_trial_run run = { .started = true, .console = console_ok, .report = report,
				     .devs = &nic, .n_devs = 1 };
	struct vfd_report rep = { 0 };
	const char *broken = "x";

	snprintf(report, sizeof(report), nic_report, "ok", "up, 1000 Mb/s");
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_null(broken);
	assert_int_equal(find(&rep, "trial.qemu")->status, VFD_OK);
	assert_int_equal(find(&rep, "trial.kernel")->status, VFD_OK);
	assert_int_equal(find(&rep, "trial.report")->status, VFD_OK);
	assert_int_equal(find(&rep, "trial.devices")->status, VFD_OK);
	assert_int_equal(find(&rep, "trial.driver")->status, VFD_OK);
	assert_int_equal(find(&rep, "trial.function")->status, VFD_OK);
	/* the guest's findings follow, as the guest wrote them, named by the host's device */
	assert_string_equal(find(&rep, "guest.net")->layer, "guest");
	assert_non_null(strstr(find(&rep, "guest.net")->summary, "52:54:00:aa:bb:cc"));
	assert_string_equal(find(&rep, "guest.net")->device, "0000:01:00.0");
	assert_string_equal(find(&rep, "guest.net")->evidence[0], "in the guest: 0000:00:01.0");
	assert_int_equal(vfd_report_worst(&rep), VFD_OK);
	vfd_report_clear(&rep);

	/* two identical NICs given: which guest function is which cannot be told by ID */
	{
		struct vfd_trial_dev two[2] = { nic, nic };
		struct vfd_trial_run run2 = run;

		snprintf(two[1].slot, sizeof(two[1].slot), "0000:02:00.0");
		run2.devs = two;
		run2.n_devs = 2;
		assert_int_equal(vfd_trial_judge(&run2, &rep, &broken), 0);
		assert_string_equal(find(&rep, "guest.net")->device, "0000:00:01.0");
		vfd_report_clear(&rep);
	}

	/* link down: works with a warning at the function layer */
	snprintf(report, sizeof(report), nic_report, "warn", "down");
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_null(broken);
	assert_int_equal(find(&rep, "trial.function")->status, VFD_WARN);
	assert_int_equal(vfd_report_worst(&rep), VFD_WARN);
	vfd_report_clear(&rep);
}

/* a GPU under OVMF: the firmware's framebuffer on it or not (guest.boot-display) */
static const char gpu_report[] =
	VFD_TRIAL_MARK_BEGIN "\n{\"schema\": 1, \"findings\": [\n"
	"{\"id\": \"guest.driver\", \"status\": \"ok\", \"device\": \"0000:00:02.0\", "
	"\"summary\": \"VGA 1234:1111 driven by bochs-drm\"},\n"
	"{\"id\": \"guest.drm\", \"status\": \"ok\", \"device\": \"0000:00:02.0\", "
	"\"summary\": \"card0\"},\n"
	"{\"id\": \"guest.boot-display\", \"status\": \"%s\", \"device\": \"0000:00:02.0\", "
	"\"summary\": \"%s\"}\n]}\n" VFD_TRIAL_MARK_END "\n";

static void judge_boot_display(void **state)
{
	static const struct vfd_trial_dev vga = { .slot = "0000:02:00.0", .vendor = 0x1234,
						  .device = 0x1111, .class_code = 0x030000 };
	char report[4096];
	struct vfd_trial_run run = { .started = true, .console = console_ok, .report = report,
				     .devs = &vga, .n_devs = 1 };
	struct vfd_report rep = { 0 };
	const char *broken = "x";

	(void)state;
	snprintf(report, sizeof(report), gpu_report, "ok",
		 "the firmware drew on the passed-through GPU before the kernel");
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_null(broken);
	assert_int_equal(find(&rep, "trial.function")->status, VFD_OK);
	assert_int_equal(find(&rep, "guest.boot-display")->status, VFD_OK);
	vfd_report_clear(&rep);

	/* no GOP ran on it: the trial works, with a warning at the function layer */
	snprintf(report, sizeof(report), gpu_report, "warn",
		 "the UEFI GOP's framebuffer is not on the passed-through GPU");
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_null(broken);
	assert_int_equal(find(&rep, "trial.function")->status, VFD_WARN);
	assert_int_equal(vfd_report_worst(&rep), VFD_WARN);
	vfd_report_clear(&rep);
}

static void judge_broken_layers(void **state)
{
	struct vfd_trial_run run = { .started = true, .exit_status = 1, .devs = &nic, .n_devs = 1,
				     .qemu_stderr = "qemu-system-x86_64: -device vfio-pci,host="
						    "0000:01:00.0: vfio 0000:01:00.0: group 7 is "
						    "not viable\n" };
	struct vfd_report rep = { 0 };
	struct vfd_parse_error err;
	const char *broken = NULL;
	struct vfd_kb *kb = NULL;

	/* QEMU refused: the first broken layer is QEMU, its error decoded */
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	run.kb = kb;
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.qemu");
	assert_null(find(&rep, "trial.kernel"));
	{
		const struct vfd_finding *f = find(&rep, "trial.qemu");
		bool decoded = false;

		for (char **e = f->evidence; *e; e++)
			decoded |= strstr(*e, "explain ") != NULL;
		assert_true(decoded);
	}
	vfd_report_clear(&rep);

	/* the kernel booted, /init never reported: broken at the report */
	run.exit_status = 0;
	run.qemu_stderr = NULL;
	run.console = console_ok;
	run.report = "garbage without markers";
	run.timed_out = true;
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.report");
	vfd_report_clear(&rep);

	/* the report is there but the device is not on the guest's bus */
	run.report = VFD_TRIAL_MARK_BEGIN "\n{\"findings\": [{\"id\": \"guest.devices\", "
		     "\"status\": \"fail\", \"summary\": \"no device 8086:10d3 on the guest's "
		     "PCI bus\"}]}\n" VFD_TRIAL_MARK_END "\n";
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.devices");
	vfd_report_clear(&rep);

	/* a quiet kernel: /init's line alone shows that it booted */
	run.console = "vfio-doctor-init: started\n";
	run.report = NULL;
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_int_equal(find(&rep, "trial.kernel")->status, VFD_OK);
	assert_string_equal(broken, "trial.report");
	vfd_report_clear(&rep);

	/* stopped by a signal before the guest booted: that, not QEMU, is named */
	run.console = "";
	run.report = "";
	run.timed_out = false;
	run.interrupted = true;
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.interrupted");
	assert_int_equal(find(&rep, "trial.qemu")->status, VFD_SKIP);
	assert_null(find(&rep, "trial.kernel"));
	vfd_report_clear(&rep);
	run.interrupted = false;

	/* a console without a kernel: broken at QEMU */
	run.console = "SeaBIOS (version 1.16)\n";
	run.report = NULL;
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.qemu");
	vfd_report_clear(&rep);
	vfd_kb_free(kb);
}

static void judge_firmware(void **state)
{
	char report[4096];
	struct vfd_trial_run run = { .started = true, .console = console_ok, .report = report,
				     .devs = &nic, .n_devs = 1 };
	struct vfd_report rep = { 0 };
	const struct vfd_finding *f;
	const char *broken = NULL;

	snprintf(report, sizeof(report), nic_report, "ok", "up");
	/* SeaBIOS's debug console lists the NIC behind its root port */
	run.firmware_log = "=== PCI device probing ===\nPCI: init bdf=00:00.0 id=8086:29c0\n"
			   "PCI: init bdf=01:00.0 id=8086:10d3\nScan for VGA option rom\n";
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	f = find(&rep, "trial.firmware");
	assert_int_equal(f->status, VFD_OK);
	assert_string_equal(f->evidence[0], "seabios: PCI: init bdf=01:00.0 id=8086:10d3");
	vfd_report_clear(&rep);
	/* not enumerated: the firmware layer is the first broken one */
	run.firmware_log = "PCI: init bdf=00:00.0 id=8086:29c0\n";
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.firmware");
	vfd_report_clear(&rep);
	/* OVMF: not read, skipped */
	run.firmware_log = NULL;
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_int_equal(find(&rep, "trial.firmware")->status, VFD_SKIP);
	assert_null(broken);
	vfd_report_clear(&rep);
}

/* stopped at the timeout after SeaBIOS handed over: QEMU worked, the kernel layer is broken */
static void judge_timeout(void **state)
{
	struct vfd_trial_run run = { .started = true, .exit_status = -1, .timed_out = true,
				     .emulated = true, .timeout = 420, .seconds = 421,
				     .console = "", .devs = &nic, .n_devs = 1,
				     .firmware_log = "PCI: init bdf=01:00.0 id=8086:10d3\n"
						     "Booting from ROM...\nBooting from c100:0054\n" };
	struct vfd_report rep = { 0 };
	const struct vfd_finding *f;
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;
	const char *broken = NULL;
	bool last = false, tcg = false;

	(void)state;
	/* QEMU's word on the trial's own SIGTERM is no problem of the VM */
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	run.kb = kb;
	run.qemu_stderr = "qemu-system-x86_64: terminating on signal 15 from pid 423 "
			  "(build/normal/vfio-doctor)\n";
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.kernel");
	assert_int_equal(find(&rep, "trial.qemu")->status, VFD_OK);
	assert_int_equal(find(&rep, "trial.firmware")->status, VFD_OK);
	f = find(&rep, "trial.kernel");
	assert_int_equal(f->status, VFD_FAIL);
	assert_string_equal(f->evidence[0], "stopped at the timeout (420 s) after 421 s");
	for (char **e = f->evidence; *e; e++)
		last |= strcmp(*e, "seabios, last line: Booting from c100:0054") == 0;
	for (char **x = f->fix; *x; x++)
		tcg |= strstr(*x, "longer --timeout") != NULL;
	assert_true(last);
	assert_true(tcg);
	vfd_report_clear(&rep);
	/* nothing from the firmware either: QEMU is the layer to look at */
	run.firmware_log = NULL;
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.qemu");
	vfd_report_clear(&rep);
	/* OVMF's terminal cleared on the console (as Debian's OVMF does): it ran */
	run.console = "\033[2J\033[01;01H\033[=3h\033[2J\033[01;01H";
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_string_equal(broken, "trial.kernel");
	vfd_report_clear(&rep);
	/* not stopped by the trial: the same line is QEMU's own end, decoded */
	run.timed_out = false;
	assert_int_equal(vfd_trial_judge(&run, &rep, &broken), 0);
	assert_int_equal(find(&rep, "trial.qemu")->status, VFD_WARN);
	vfd_report_clear(&rep);
	vfd_kb_free(kb);
}

/* --twice: the second run judged against the first */
static void judge_twice(void **state)
{
	char report[4096];
	struct vfd_trial_run run = { .started = true, .console = console_ok, .report = report,
				     .devs = &nic, .n_devs = 1 };
	struct vfd_trial_end e1 = { .seconds = 200, .emulated = true },
			     e2 = { .seconds = 421, .timed_out = true, .emulated = true };
	struct vfd_report first = { 0 }, second = { 0 };
	const struct vfd_finding *f;
	const char *broken = NULL;

	(void)state;
	snprintf(report, sizeof(report), nic_report, "ok", "up");
	assert_int_equal(vfd_trial_judge(&run, &first, &broken), 0);
	/* the second worked too */
	assert_int_equal(vfd_trial_judge(&run, &second, &broken), 0);
	assert_int_equal(vfd_trial_judge_twice(&first, &e1, &second, broken, &e1), 0);
	f = find(&second, "trial.twice");
	assert_int_equal(f->status, VFD_OK);
	assert_string_equal(f->evidence[0], "first VM: 200 s; second VM: 200 s");
	vfd_report_clear(&second);
	/* the second broken after the first worked: the finding is broken, with the timeout said */
	run.report = NULL;
	run.console = "";
	run.timed_out = true;
	assert_int_equal(vfd_trial_judge(&run, &second, &broken), 0);
	assert_int_equal(vfd_trial_judge_twice(&first, &e1, &second, broken, &e2), 0);
	f = find(&second, "trial.twice");
	assert_int_equal(f->status, VFD_FAIL);
	assert_non_null(strstr(f->summary, "not in the second (broken at trial.qemu)"));
	assert_string_equal(f->evidence[0],
			    "first VM: 200 s; second VM: 421 s, stopped at the timeout");
	assert_non_null(f->evidence[1]);
	assert_non_null(strstr(f->evidence[1], "TCG"));
	/* the first broken: the second proves nothing more */
	assert_int_equal(vfd_trial_judge_twice(&second, &e2, &first, NULL, &e1), 0);
	assert_int_equal(find(&first, "trial.twice")->status, VFD_SKIP);
	vfd_report_clear(&second);
	vfd_report_clear(&first);
}

static void json_reader(void **state)
{
	static const char *const bad[] = { "", "{", "[1,]", "{\"a\" 1}", "\"\\x\"", "01",
					   "\"\\ud800\"", "[1] x", "\"\\u0000\"", "tru" };
	const char *text = " {\"a\": [1, -2.5e1, true, null], \"b\": \"x\\u00e9\\n\"} ";
	struct vfd_json v;

	assert_int_equal(vfd_json_parse(text, strlen(text), &v), 0);
	assert_int_equal(v.type, VFD_JSON_OBJECT);
	assert_int_equal(vfd_json_get(&v, "a")->n, 4);
	assert_true(vfd_json_get(&v, "a")->items[1].number == -25.0);
	assert_string_equal(vfd_json_get_str(&v, "b"), "x\xc3\xa9\n");
	assert_null(vfd_json_get(&v, "c"));
	vfd_json_clear(&v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (vfd_json_parse(bad[i], strlen(bad[i]), &v) != -EBADMSG)
			fail_msg("accepted '%s'", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpio_round_trip),
		cmocka_unit_test(kernel_image_release),
		cmocka_unit_test(kernel_image_pvh),
		cmocka_unit_test(private_dir_cleanup),
		cmocka_unit_test(initramfs_contents),
		cmocka_unit_test(qemu_command_line),
		cmocka_unit_test(kvm_usable),
		cmocka_unit_test(judge_works),
		cmocka_unit_test(judge_boot_display),
		cmocka_unit_test(judge_broken_layers),
		cmocka_unit_test(judge_firmware),
		cmocka_unit_test(judge_timeout),
		cmocka_unit_test(judge_twice),
		cmocka_unit_test(json_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
