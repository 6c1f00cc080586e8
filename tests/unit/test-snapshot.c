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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tree.h"
#include "vfd.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
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

/* a member's name: UTF-8 names do not convert to the C locale's ASCII, read them as UTF-8 */
static const char *entry_name(struct archive_entry *e)
{
	return archive_entry_pathname(e) ? archive_entry_pathname(e)
					 : archive_entry_pathname_utf8(e);
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
		if (strcmp(entry_name(e), name) != 0)
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
	/* a person's account is not what the checks look at: it goes */
	assert_null(strstr(passwd, "jane"));
	assert_non_null(strstr(passwd, "root:x:0:0::/root:/bin/bash"));
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


/* every member of the archive: names and contents, each joined by "\n" (caller frees) */
static void everything(const char *path, char **names, char **contents, size_t *clen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	FILE *n, *c;
	size_t nlen = 0;

	n = open_memstream(names, &nlen);
	c = open_memstream(contents, clen);
	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 16384), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		char buf[8192];
		la_ssize_t r;

		fprintf(n, "%s\n", entry_name(e));
		if (archive_entry_symlink(e) || archive_entry_symlink_utf8(e))
			fprintf(c, "%s\n", archive_entry_symlink(e) ? archive_entry_symlink(e)
								    : archive_entry_symlink_utf8(e));
		while ((r = archive_read_data(a, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)r, c);
		fputc('\n', c);
	}
	archive_read_free(a);
	fclose(n);
	fclose(c);
}

/* snapshot @dir (redacted) into a new temporary file; the caller unlinks it */
static void snapshot_tmp(const char *dir, char *file)
{
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	close(fd);
	snapshot_to(dir, file, true);
}

static void must_lack(const char *text, const char *secret)
{
	if (strstr(text, secret))
	{
		fprintf(stderr, "# in:\n%s\n", text);
		fail_msg("the snapshot still holds '%s'", secret);
	}
}

static void must_have(const char *text, const char *kept)
{
	if (!strstr(text, kept))
	{
		fprintf(stderr, "# in:\n%s\n", text);
		fail_msg("the snapshot lost '%s'", kept);
	}
}

#define SECRET_CMDLINE                                                                       \
	"BOOT_IMAGE=/vmlinuz-6.1.0-13-amd64 root=/dev/sda1 ro quiet intel_iommu=on iommu=pt " \
	"vfio-pci.ids=10de:1f06,10de:10f9 modprobe.blacklist=nouveau rd.driver.pre=vfio-pci " \
	"netroot=iscsi:admin:Hunter2@192.0.2.7::3260::iqn.2001-04.com.example:gpubox "         \
	"ip=192.0.2.9::192.0.2.1:255.255.255.0:gpubox-seven.example.org:eth0:none "           \
	"rd.luks.key=/keys/disk.key:UUID=abc rd.iscsi.password=Swordfish "                   \
	"my.api_token=Zebra42 plain=backup@nas.example.org nfsroot=198.51.100.3:/exports/x " \
	"BOOTIF=01-52-54-00-12-34-56 odd.thing=\"value with spaces\" pcie_acs_override=downstream"

static const char *const cmdline_secrets[] = {
	"Hunter2", "192.0.2.7", "192.0.2.9", "gpubox-seven", "disk.key", "Swordfish", "Zebra42",
	"nas.example.org", "198.51.100.3", "52-54-00-12-34-56", "iqn.2001-04",
};

static const char *const cmdline_kept[] = {
	"BOOT_IMAGE=/vmlinuz-6.1.0-13-amd64", "root=/dev/sda1", " ro ", "intel_iommu=on",
	"iommu=pt", "vfio-pci.ids=10de:1f06,10de:10f9", "modprobe.blacklist=nouveau",
	"rd.driver.pre=vfio-pci", "netroot=REDACTED", "ip=REDACTED", "rd.luks.key=REDACTED",
	"odd.thing=\"value with spaces\"", "pcie_acs_override=downstream",
};

/* credentials and host names on the command line, wherever it is written */
static void cmdline_redacted(void **state)
{
	char *dir = tree_new();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	char *names, *all;
	size_t len;
	const char *members[] = { "proc/cmdline", "etc/kernel/cmdline", "etc/default/grub",
				  "dev/kmsg" };

	(void)state;
	tree_file(dir, "proc/cmdline", SECRET_CMDLINE "\n");
	tree_file(dir, "etc/kernel/cmdline", SECRET_CMDLINE "\n");
	tree_file(dir, "etc/default/grub", "GRUB_DEFAULT=0\n"
		  "GRUB_CMDLINE_LINUX_DEFAULT='" SECRET_CMDLINE "'\nGRUB_CMDLINE_LINUX=\"\"\n");
	tree_file(dir, "dev/kmsg", "5,0,0,-;Linux version 6.1.0-13-amd64\n"
		  "6,1,10,-;Command line: " SECRET_CMDLINE "\n"
		  "5,2,20,-;Kernel command line: " SECRET_CMDLINE "\n"
		  "5,3,30,-;Unknown kernel command line parameters \"" SECRET_CMDLINE
		  "\", will be passed to user space.\n");
	snapshot_tmp(dir, file);
	for (size_t m = 0; m < ARRAY_SIZE(members); m++) {
		char *text = member(file, members[m], &len);

		assert_non_null(text);
		for (size_t i = 0; i < ARRAY_SIZE(cmdline_secrets); i++)
			must_lack(text, cmdline_secrets[i]);
		for (size_t i = 0; i < ARRAY_SIZE(cmdline_kept); i++)
			must_have(text, cmdline_kept[i]);
		free(text);
	}
	everything(file, &names, &all, &len);
	for (size_t i = 0; i < ARRAY_SIZE(cmdline_secrets); i++)
		must_lack(all, cmdline_secrets[i]);
	free(names);
	free(all);
	unlink(file);
	tree_free(dir);
}

/* MACs, IP addresses, serial numbers: none in the log, none from sysfs */
static void addresses_and_serials_redacted(void **state)
{
	static const char *const secrets[] = {
		"52:54:00:ab:cd:ef", "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:0b:0c",
		"203.0.113.77", "2001:db8:85a3::8a2e:370:7334", "fe80::5054:ff:feab:cdef",
		"S4EWNX0R123456", "WD-WCC4N0123456", "ZA1B2C3D", "NVME-SERIAL-9",
	};
	char *dir = tree_new();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	char *names, *all, *kmsg;
	size_t len;

	(void)state;
	tree_file(dir, "dev/kmsg",
		  "6,1,10,-;e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s:Width x1) "
		  "52:54:00:ab:cd:ef\n"
		  "6,2,20,-;mlx4_ib: ib0 hw address "
		  "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:0b:0c\n"
		  "6,3,30,-;IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready\n"
		  "4,4,40,-;nfs: server 203.0.113.77 not responding, still trying\n"
		  "4,5,50,-;eth0: duplicate address 2001:db8:85a3::8a2e:370:7334 detected!\n"
		  "6,6,60,-;br0: port 1(vnet0) entered fe80::5054:ff:feab:cdef.\n"
		  "6,7,70,-;usb 1-4: SerialNumber: ZA1B2C3D\n"
		  "6,8,80,-;scsi 0:0:0:0: Direct-Access ATA Serial Number: S4EWNX0R123456\n"
		  "6,9,90,-;ata1.00: serial number WD-WCC4N0123456\n"
		  "6,10,100,-;vfio-pci 0000:01:00.0: vgaarb: VGA decodes changed at 12:34:56\n");
	/* attributes that hold serials and MACs (snapshot must not take them) */
	tree_file(dir, "sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/serial", "NVME-SERIAL-9\n");
	tree_file(dir, "sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/"
		  "vpd_pg80", "S4EWNX0R123456\n");
	tree_file(dir, "sys/devices/pci0000:00/0000:00:19.0/net/eth0/address",
		  "52:54:00:ab:cd:ef\n");
	tree_file(dir, "sys/devices/pci0000:00/0000:00:19.0/net/eth0/operstate", "up\n");
	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/sys/class", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/sys/class/net", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/sys/class/net/eth0", dir);
		assert_int_equal(symlink("../../devices/pci0000:00/0000:00:19.0/net/eth0", path),
				 0);
		snprintf(path, sizeof(path), "%s/sys/class/nvme", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/sys/class/nvme/nvme0", dir);
		assert_int_equal(symlink("../../devices/pci0000:00/0000:00:1d.0/nvme/nvme0", path),
				 0);
	}
	snapshot_tmp(dir, file);
	everything(file, &names, &all, &len);
	for (size_t i = 0; i < ARRAY_SIZE(secrets); i++)
		must_lack(all, secrets[i]);
	kmsg = member(file, "dev/kmsg", &len);
	assert_non_null(kmsg);
	/* what the checks read stays: PCI addresses, link speeds, times, the rest of a line */
	must_have(kmsg, "e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s:Width x1) "
		  "xx:xx:xx:xx:xx:xx\n");
	must_have(kmsg, "nfs: server x.x.x.x not responding");
	must_have(kmsg, "duplicate address x:x::x detected!");
	must_have(kmsg, "entered x:x::x.\n");
	must_have(kmsg, "SerialNumber: REDACTED\n");
	must_have(kmsg, "Serial Number: REDACTED\n");
	must_have(kmsg, "vfio-pci 0000:01:00.0: vgaarb: VGA decodes changed at 12:34:56\n");
	must_have(all, "up\n");
	free(kmsg);
	free(names);
	free(all);
	unlink(file);
	tree_free(dir);
}

/* a serial shorter than the word that replaces it: the next record survives */
static void short_serial_keeps_next_record(void **state)
{
	char *dir = tree_new();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	char *kmsg;
	size_t len, records = 0;

	(void)state;
	tree_file(dir, "dev/kmsg", "6,1,10,-;usb 1-1: SerialNumber: 12\n"
		  "6,2,20,-;usb 1-1: Product: Tiny\n"
		  "6,3,30,-;usb 1-2: SerialNumber: \n"
		  "6,4,40,-;vfio-pci 0000:01:00.0: enabling device\n");
	snapshot_tmp(dir, file);
	kmsg = member(file, "dev/kmsg", &len);
	assert_non_null(kmsg);
	for (size_t i = 0; i < len; i++)
		records += kmsg[i] == '\n';
	assert_int_equal(records, 4);
	must_have(kmsg, ";usb 1-1: SerialNumber: REDACTED\n");
	must_have(kmsg, ";usb 1-1: Product: Tiny\n");
	must_have(kmsg, ";vfio-pci 0000:01:00.0: enabling device\n");
	must_lack(kmsg, "SerialNumber: 12");
	free(kmsg);
	unlink(file);
	tree_free(dir);
}

/* passwd and group: root, the QEMU users, the kvm/vfio groups, the nodes' owners */
static void accounts_reduced(void **state)
{
	char *dir = tree_new();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	char path[4096], *passwd, *group;
	size_t len;

	(void)state;
	tree_file(dir, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
		  "jane:x:1000:1000:Jane Doe,,,:/home/jane:/bin/bash\n"
		  "libvirt-qemu:x:64055:107:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n"
		  "vmowner:x:1001:1001:VM Owner:/home/vmowner:/bin/bash\n"
		  "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n");
	tree_file(dir, "etc/group", "root:x:0:\nsudo:x:27:jane\nkvm:x:106:jane,libvirt-qemu\n"
		  "libvirt-qemu:x:107:libvirt-qemu\njane:x:1000:\nvmowner:x:1001:\n"
		  "vfio:x:990:vmowner,jane\nbackup:x:34:\n");
	/* a VFIO group node that vmowner owns: its owner is what access checks name */
	tree_file(dir, "dev/vfio/vfio", "");
	tree_file(dir, "dev/vfio/3", "");
	snprintf(path, sizeof(path), "%s/dev/vfio/3", dir);
	assert_int_equal(chown(path, 1001, 990), 0);
	snapshot_tmp(dir, file);
	passwd = member(file, "etc/passwd", &len);
	group = member(file, "etc/group", &len);
	assert_non_null(passwd);
	assert_non_null(group);
	assert_string_equal(passwd, "root:x:0:0::/root:/bin/bash\n"
			    "libvirt-qemu:x:64055:107::/var/lib/libvirt:/usr/sbin/nologin\n"
			    "vmowner:x:1001:1001::/home/vmowner:/bin/bash\n");
	assert_string_equal(group, "root:x:0:\nkvm:x:106:libvirt-qemu\n"
			    "libvirt-qemu:x:107:libvirt-qemu\nvmowner:x:1001:\n"
			    "vfio:x:990:vmowner\n");
	free(passwd);
	free(group);
	unlink(file);
	tree_free(dir);
}

/* routes: default routes only, no gateway; mounts: block devices, names reduced */
static void routes_and_mounts_reduced(void **state)
{
	char *dir = tree_new();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	char *route, *mounts, *swaps;
	size_t len;

	(void)state;
	tree_file(dir, "proc/net/route",
		  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\t"
		  "Window\tIRTT\n"
		  "eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
		  "eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n");
	tree_file(dir, "proc/self/mountinfo",
		  "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
		  "26 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw,errors=remount-ro\n"
		  "27 26 8:3 /jane /mnt/jane-tax-2023 ro,relatime - ext4 /dev/sda3 rw\n"
		  "28 26 0:45 / /home/jane/secret rw - fuse.sshfs jane@nas.example.org:/x rw\n");
	tree_file(dir, "proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n"
		  "/dev/sda4 partition 1000 0 -2\n/home/jane/swapfile file 1000 0 -3\n");
	snapshot_tmp(dir, file);
	route = member(file, "proc/net/route", &len);
	mounts = member(file, "proc/self/mountinfo", &len);
	swaps = member(file, "proc/swaps", &len);
	assert_non_null(route);
	assert_non_null(mounts);
	assert_non_null(swaps);
	assert_string_equal(route, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
			    "Mask\t\tMTU\tWindow\tIRTT\n"
			    "eth0\t00000000\t00000000\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
	assert_string_equal(mounts, "26 1 8:2 / / rw - ext4 /dev/sda2 rw\n"
			    "27 26 8:3 / /redacted ro - ext4 /dev/sda3 rw\n");
	assert_string_equal(swaps, "Filename\tType\tSize\tUsed\tPriority\n"
			    "/dev/sda4 partition 1000 0 -2\n");
	free(route);
	free(mounts);
	free(swaps);
	unlink(file);
	tree_free(dir);
}

/* an interface named in UTF-8 (and one not in any charset) under LC_ALL=C */
static void non_ascii_names(void **state)
{
	static const char *const names[] = { "wl\xc3\xa9n0", "eth\xff" };
	char *dir = tree_new();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	char *all_names, *all;
	size_t len;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char rel[256], path[4096];

		snprintf(rel, sizeof(rel), "sys/devices/virtual/net/%s/operstate", names[i]);
		tree_file(dir, rel, "up\n");
		snprintf(path, sizeof(path), "%s/sys/class", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/sys/class/net", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/sys/class/net/%s", dir, names[i]);
		snprintf(rel, sizeof(rel), "../../devices/virtual/net/%s", names[i]);
		assert_int_equal(symlink(rel, path), 0);
	}
	snapshot_tmp(dir, file);
	everything(file, &all_names, &all, &len);
	must_have(all_names, "sys/class/net/wl\xc3\xa9n0\n");
	must_have(all_names, "sys/devices/virtual/net/eth\xff/operstate\n");
	free(all_names);
	free(all);
	unlink(file);
	tree_free(dir);
}

/* an osrelease that climbs: no member name leaves the tree */
static void release_cannot_climb(void **state)
{
	char *dir = tree_new();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	char *names, *all;
	size_t len;

	(void)state;
	tree_file(dir, "proc/sys/kernel/osrelease", "..\n");
	tree_file(dir, "lib/modules.dep", "kernel/x.ko:\n");
	tree_file(dir, "lib/modules/6.1.0/modules.dep", "kernel/y.ko:\n");
	/* a class link that climbs past the top names no member either */
	tree_file(dir, "operstate", "up\n");
	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/sys/class", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/sys/class/net", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/sys/class/net/evil", dir);
		assert_int_equal(symlink("../../../../../../..", path), 0);
	}
	snapshot_tmp(dir, file);
	everything(file, &names, &all, &len);
	must_lack(names, "..");
	must_lack(names, "\n/");
	assert_true(names[0] != '/');
	must_lack(all, "kernel/x.ko");
	free(names);
	free(all);
	unlink(file);
	tree_free(dir);
}

/* interfaces named after their MAC get stand-ins, the same in every file */
static void mac_named_interfaces(void **state)
{
	char *dir = tree_new();
	char file[] = "/tmp/vfd-snap-XXXXXX";
	char path[4096], *names, *all, *route;
	size_t len;

	(void)state;
	tree_file(dir, "sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/net/"
		  "enx525400abcdef/operstate", "up\n");
	snprintf(path, sizeof(path), "%s/sys/class", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/class/net", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/class/net/enx525400abcdef", dir);
	assert_int_equal(symlink("../../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/net/"
				 "enx525400abcdef", path), 0);
	tree_file(dir, "dev/kmsg", "6,1,10,-;r8152 2-1:1.0 enx525400abcdef: renamed from eth0\n");
	tree_file(dir, "proc/net/route", "Iface\tDestination\tGateway \tFlags\n"
		  "enx525400abcdef\t00000000\t0102A8C0\t0003\n");
	tree_file(dir, "proc/net/if_inet6",
		  "fe80000000000000505400fffeabcdef 02 40 20 80 enx525400abcdef\n");
	snapshot_tmp(dir, file);
	everything(file, &names, &all, &len);
	must_lack(names, "525400abcdef");
	must_lack(all, "525400abcdef");
	must_lack(all, "abcdef");
	must_have(names, "sys/class/net/enx000000000001\n");
	must_have(names, "/net/enx000000000001/operstate\n");
	must_have(all, "/net/enx000000000001\n");
	must_have(all, "r8152 2-1:1.0 enx000000000001: renamed from eth0");
	route = member(file, "proc/net/route", &len);
	assert_non_null(route);
	must_have(route, "\nenx000000000001\t00000000\t00000000\t0003\n");
	free(route);
	free(names);
	free(all);
	unlink(file);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(redacted),
		cmocka_unit_test(kept_when_asked),
		cmocka_unit_test(cmdline_redacted),
		cmocka_unit_test(addresses_and_serials_redacted),
		cmocka_unit_test(short_serial_keeps_next_record),
		cmocka_unit_test(accounts_reduced),
		cmocka_unit_test(routes_and_mounts_reduced),
		cmocka_unit_test(non_ascii_names),
		cmocka_unit_test(release_cannot_climb),
		cmocka_unit_test(mac_named_interfaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
