// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * preflight: the errno explanations of every step, the parsers it relies on
 * (accounts, limits.conf as pam_limits reads it, meminfo, sizes, the IOMMU
 * info capability chain), and a run against a sysroot, where no ioctl may be
 * made.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <cmocka.h>

#include "internal.h"
#include "tree.h"

/* ------------------------------------------------------- explanations */

static void explain_known_pairs(void **state)
{
	static const struct {
		enum vfd_pf_step_id id;
		int err;
		const char *needle;	/* a word the meaning must hold */
	} cases[] = {
		{ VFD_PF_OPEN_GROUP, EBUSY, "already open" },
		{ VFD_PF_OPEN_GROUP, EACCES, "read and write" },
		{ VFD_PF_OPEN_GROUP, EPERM, "cgroup" },
		{ VFD_PF_OPEN_GROUP, ENOENT, "does not exist" },
		{ VFD_PF_GROUP_STATUS, 0, "not viable" },
		{ VFD_PF_CHECK_EXTENSION, 0, "vfio_iommu_type1" },
		{ VFD_PF_SET_CONTAINER, EPERM, "DMA ownership" },
		{ VFD_PF_SET_CONTAINER, EINVAL, "1:1" },
		{ VFD_PF_SET_IOMMU, EPERM, "interrupt remapping" },
		{ VFD_PF_SET_IOMMU, ENODEV, "vfio_iommu_type1" },
		{ VFD_PF_MAP_DMA, ENOMEM, "RLIMIT_MEMLOCK" },
		{ VFD_PF_MAP_DMA, ENOSPC, "dma_entry_limit" },
		{ VFD_PF_GET_DEVICE_FD, ENODEV, "not bound to vfio-pci" },
		{ VFD_PF_GET_DEVICE_FD, EACCES, "VF token" },
		{ VFD_PF_BIND_IOMMUFD, EPERM, "allow_unsafe_interrupts" },
		{ VFD_PF_BIND_IOMMUFD, EBUSY, "not viable" },
		{ VFD_PF_IOAS_MAP, ENOMEM, "RLIMIT_MEMLOCK" },
		{ VFD_PF_OPEN_IOMMUFD, ENOENT, "iommufd" },
		{ VFD_PF_DRIVER, 0, "not bound to vfio-pci" },
		{ VFD_PF_AS_USER, EPERM, "root" },
		{ VFD_PF_MEMLOCK, 0, "guest's RAM" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *meaning = NULL, *fix = NULL;

		assert_true(vfd_pf_explain(cases[i].id, cases[i].err, &meaning, &fix));
		assert_non_null(meaning);
		if (!strstr(meaning, cases[i].needle))
			fail_msg("%s/%d: '%s' lacks '%s'", vfd_pf_step_name(cases[i].id),
				 cases[i].err, meaning, cases[i].needle);
	}
}

static void explain_fixes(void **state)
{
	const char *meaning, *fix;

	/* the memlock fix names the limits file and libvirt's own handling */
	assert_true(vfd_pf_explain(VFD_PF_MAP_DMA, ENOMEM, &meaning, &fix));
	assert_non_null(strstr(fix, "limits.d"));
	assert_non_null(strstr(fix, "libvirt"));
	assert_true(vfd_pf_explain(VFD_PF_GROUP_STATUS, 0, &meaning, &fix));
	assert_non_null(strstr(fix, "bind --group %slot%"));
	assert_true(vfd_pf_explain(VFD_PF_OPEN_GROUP, EACCES, &meaning, &fix));
	assert_non_null(strstr(fix, "chown %user% /dev/vfio/%group%"));
	/* nothing to do but report it */
	assert_true(vfd_pf_explain(VFD_PF_API_VERSION, 0, &meaning, &fix));
	assert_null(fix);
}

static void explain_unknown(void **state)
{
	const char *meaning = NULL, *fix = "x";

	assert_false(vfd_pf_explain(VFD_PF_IOAS_ALLOC, EXDEV, &meaning, &fix));
	assert_non_null(meaning);
	assert_null(fix);
	assert_false(vfd_pf_explain(VFD_PF_HUGEPAGES, 0, &meaning, &fix));
	assert_non_null(meaning);
	/* errors any step may meet */
	assert_true(vfd_pf_explain(VFD_PF_OPEN_CDEV, EMFILE, &meaning, &fix));
	assert_true(vfd_pf_explain(VFD_PF_IOMMU_INFO, ENOTTY, &meaning, &fix));
}

/* every text of the table expands with no placeholder left over */
static void explain_placeholders(void **state)
{
	for (int id = 0; id < VFD_PF_N_STEPS; id++) {
		for (int err = 0; err < 134; err++) {
			const char *meaning, *fix;
			char *m, *f;

			if (!vfd_pf_explain((enum vfd_pf_step_id)id, err, &meaning, &fix))
				continue;
			m = vfd_pf_expand(meaning, "0000:01:00.0", 7, "qemu", "e1000e");
			f = vfd_pf_expand(fix, "0000:01:00.0", 7, "qemu", "e1000e");
			assert_non_null(m);
			if (strchr(m, '%') || (f && strchr(f, '%')))
				fail_msg("%s/%d leaves a placeholder: %s | %s",
					 vfd_pf_step_name((enum vfd_pf_step_id)id), err, m, f ? f : "");
			free(m);
			free(f);
		}
	}
}

static void expand_values(void **state)
{
	char *s = vfd_pf_expand("chown %user% /dev/vfio/%group% for %slot% (%driver%), 100%",
				"0000:01:00.0", 12, "libvirt-qemu", NULL);

	assert_string_equal(s, "chown libvirt-qemu /dev/vfio/12 for 0000:01:00.0 (no driver), 100%");
	free(s);
	s = vfd_pf_expand("%user% %group% %slot%", NULL, -1, "", "x");
	assert_string_equal(s, "<user> <group> <slot>");
	free(s);
	assert_null(vfd_pf_expand(NULL, "a", 1, "b", "c"));
}

static void step_names(void **state)
{
	for (int a = 0; a < VFD_PF_N_STEPS; a++) {
		const char *na = vfd_pf_step_name((enum vfd_pf_step_id)a);

		assert_string_not_equal(na, "unknown");
		for (int b = a + 1; b < VFD_PF_N_STEPS; b++)
			assert_string_not_equal(na, vfd_pf_step_name((enum vfd_pf_step_id)b));
	}
	assert_string_equal(vfd_pf_step_name(VFD_PF_MAP_DMA), "map-dma");
	assert_string_equal(vfd_pf_step_name(VFD_PF_N_STEPS), "unknown");
	assert_string_equal(vfd_pf_path_name(VFD_PF_IOMMUFD), "iommufd");
}

/* ----------------------------------------------------------- accounts */

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	"broken:x:abc:1::/:\n"
	"libvirt-qemu:x:64055:108:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n"
	"alice:x:1000:1000:Alice:/home/alice:/bin/bash";	/* no final newline */

static const char group[] =
	"root:x:0:\n"
	"kvm:x:104:libvirt-qemu,alice\n"
	"libvirt-qemu:x:108:\n"
	"render:x:105:alice\n"
	"alice:x:1000:\n"
	"nogroup:x:65534:\n";

static void account_parse(void **state)
{
	struct vfd_account a;

	assert_int_equal(vfd_account_parse(passwd, group, "libvirt-qemu", &a), 0);
	assert_int_equal(a.uid, 64055);
	assert_int_equal(a.gid, 108);
	assert_int_equal(a.ngroups, 2);
	assert_int_equal(a.gids[0], 108);
	assert_string_equal(a.group_names[0], "libvirt-qemu");
	assert_int_equal(a.gids[1], 104);
	assert_string_equal(a.group_names[1], "kvm");

	assert_int_equal(vfd_account_parse(passwd, group, "alice", &a), 0);
	assert_int_equal(a.uid, 1000);
	assert_int_equal(a.ngroups, 3);

	assert_int_equal(vfd_account_parse(passwd, NULL, "nobody", &a), 0);
	assert_int_equal(a.ngroups, 1);
	assert_string_equal(a.group_names[0], "");

	assert_int_equal(vfd_account_parse(passwd, group, "broken", &a), -ESRCH);
	assert_int_equal(vfd_account_parse(passwd, group, "mallory", &a), -ESRCH);
	/* a prefix is not a name */
	assert_int_equal(vfd_account_parse(passwd, group, "libvirt", &a), -ESRCH);
	assert_int_equal(vfd_account_parse(passwd, group, "", &a), -EINVAL);
	assert_int_equal(vfd_account_parse(NULL, group, "root", &a), -EINVAL);
}

/* -------------------------------------------------------- limits.conf */

static struct vfd_account qemu_account(void)
{
	struct vfd_account a;

	assert_int_equal(vfd_account_parse(passwd, group, "libvirt-qemu", &a), 0);
	return a;
}

static int parse(const char *text, struct vfd_memlock_conf *c)
{
	struct vfd_account a = qemu_account();

	return vfd_limits_parse(text, strlen(text), "etc/security/limits.conf", &a, c);
}

static void limits_precedence(void **state)
{
	struct vfd_memlock_conf c;

	/* the user's own line beats @group and *, whatever the order */
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("libvirt-qemu soft memlock 1024\n"
			       "@kvm soft memlock 2048\n"
			       "* soft memlock 4096\n", &c), 0);
	assert_true(c.soft_set);
	assert_int_equal(c.soft, 1024 * 1024);
	assert_int_equal(c.soft_line, 1);
	assert_string_equal(c.soft_file, "etc/security/limits.conf");
	assert_false(c.hard_set);

	/* @group (a supplementary one) beats *; of two equal ones the later wins */
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("* hard memlock 64\n@kvm hard memlock 128\n@kvm hard memlock 256\n"
			       "* hard memlock 512\n", &c), 0);
	assert_int_equal(c.hard, 256 * 1024);
	assert_int_equal(c.hard_line, 3);

	/* "-" sets both; unlimited words; case does not matter for type and item */
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("libvirt-qemu - MEMLOCK unlimited\n", &c), 0);
	assert_true(c.soft_set && c.hard_set);
	assert_true(c.soft == VFD_UNLIMITED && c.hard == VFD_UNLIMITED);
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("libvirt-qemu HARD memlock infinity\nlibvirt-qemu soft memlock -1\n",
			       &c), 0);
	assert_true(c.soft == VFD_UNLIMITED && c.hard == VFD_UNLIMITED);

	/* across files: a more specific earlier line still wins */
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("@libvirt-qemu soft memlock 100\n", &c), 0);
	assert_int_equal(parse("* soft memlock 200\n", &c), 0);
	assert_int_equal(c.soft, 100 * 1024);
}

static void limits_domains(void **state)
{
	struct vfd_memlock_conf c;

	/* other users, unknown groups, % domains and other items do not apply */
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("alice soft memlock 1\n@render soft memlock 2\n% soft memlock 3\n"
			       "%kvm soft memlock 4\nlibvirt-qemu soft nofile 5\n", &c), 0);
	assert_false(c.soft_set);

	/* uid and gid ranges */
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("60000:70000 soft memlock 8\n", &c), 0);
	assert_int_equal(c.soft, 8 * 1024);
	assert_int_equal(c.soft_prio, 0);
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("1000: soft memlock 9\n:64055 hard memlock 10\n:1 hard memlock 11\n",
			       &c), 0);
	assert_int_equal(c.soft, 9 * 1024);
	assert_int_equal(c.hard, 10 * 1024);
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("@:104 soft memlock 12\n@100:107 hard memlock 13\n", &c), 0);
	assert_int_equal(c.soft, 12 * 1024);
	/* a gid range tests the primary gid (108) only */
	assert_false(c.hard_set);
}

static void limits_syntax(void **state)
{
	struct vfd_memlock_conf c;

	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("# comment\n\n   \t\n"
			       "libvirt-qemu soft memlock 1024 # trailing comment\n"
			       "libvirt-qemu soft memlock\n"		/* three words */
			       "libvirt-qemu maybe memlock 5\n"		/* bad type */
			       "libvirt-qemu hard memlock lots\n"	/* bad value */
			       "x:y soft memlock 6\n"			/* bad range */
			       "libvirt-qemu\thard\tmemlock\t2048kB\n",	/* number first */
			       &c), 0);
	assert_int_equal(c.soft, 1024 * 1024);
	assert_int_equal(c.soft_line, 4);
	assert_int_equal(c.hard, 2048 * 1024);
	assert_int_equal(c.hard_line, 9);

	/* "<domain> -" on its own: no limits at all, and pam_limits stops reading */
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("@kvm -\n* soft memlock 1\n", &c), 1);
	assert_true(c.no_limits);
	assert_int_equal(c.no_limits_line, 1);
	assert_false(c.soft_set);
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("alice -\n", &c), 0);
	assert_false(c.no_limits);

	/* empty and NUL-holding input */
	vfd_memlock_conf_init(&c);
	assert_int_equal(parse("", &c), 0);
	{
		struct vfd_account a = qemu_account();
		const char bin[] = "libvirt-qemu soft memlock 7\0garbage\nlibvirt-qemu hard memlock 8";

		assert_int_equal(vfd_limits_parse(bin, sizeof(bin) - 1, NULL, &a, &c), 0);
		assert_int_equal(c.soft, 7 * 1024);
		assert_int_equal(c.hard, 8 * 1024);
		assert_int_equal(vfd_limits_parse(NULL, 3, NULL, &a, &c), -EINVAL);
	}
}

/* ---------------------------------------------------- meminfo, sizes */

static void meminfo(void **state)
{
	static const char text[] =
		"MemTotal:       16303412 kB\n"
		"MemFree:         1234567 kB\n"
		"MemAvailable:    8000000 kB\n"
		"HugePages_Total:      16\n"
		"HugePages_Free:       12\n"
		"HugePages_Rsvd:        0\n"
		"Hugepagesize:       2048 kB\n";
	struct vfd_meminfo m;

	assert_int_equal(vfd_meminfo_parse(text, strlen(text), &m), 0);
	assert_int_equal(m.total, 16303412ull * 1024);
	assert_int_equal(m.available, 8000000ull * 1024);
	assert_int_equal(m.hp_total, 16);
	assert_int_equal(m.hp_free, 12);
	assert_int_equal(m.hp_size, 2 << 20);
	assert_int_equal(m.found, 0x1f);
	{
		static const char bad[] = "MemTotal: x\nHugePages_Free:";

		assert_int_equal(vfd_meminfo_parse(bad, strlen(bad), &m), 0);
	}
	assert_int_equal(m.found, 0);
	assert_int_equal(vfd_meminfo_parse(NULL, 0, &m), 0);
	assert_int_equal(vfd_meminfo_parse(NULL, 1, &m), -EINVAL);
}

static void sizes(void **state)
{
	uint64_t b;

	assert_int_equal(vfd_parse_size("4G", &b), 0);
	assert_int_equal(b, 4ull << 30);
	assert_int_equal(vfd_parse_size("4096", &b), 0);	/* MiB, as QEMU -m */
	assert_int_equal(b, 4096ull << 20);
	assert_int_equal(vfd_parse_size("512MiB", &b), 0);
	assert_int_equal(b, 512ull << 20);
	assert_int_equal(vfd_parse_size("2gb", &b), 0);
	assert_int_equal(b, 2ull << 30);
	assert_int_equal(vfd_parse_size("1T", &b), 0);
	assert_int_equal(b, 1ull << 40);
	assert_int_equal(vfd_parse_size("65536B", &b), 0);
	assert_int_equal(b, 65536);
	assert_int_equal(vfd_parse_size("64k", &b), 0);
	assert_int_equal(b, 65536);
	assert_int_equal(vfd_parse_size("4X", &b), -EINVAL);
	assert_int_equal(vfd_parse_size("4GiBs", &b), -EINVAL);
	assert_int_equal(vfd_parse_size("", &b), -EINVAL);
	assert_int_equal(vfd_parse_size("-1G", &b), -EINVAL);
	assert_int_equal(vfd_parse_size("99999999999999999999", &b), -ERANGE);
	assert_int_equal(vfd_parse_size("17179869184G", &b), -ERANGE);
}

static void format_sizes(void **state)
{
	char buf[32];

	vfd_format_size(1 << 20, buf, sizeof(buf));
	assert_string_equal(buf, "1 MiB");
	vfd_format_size(8ull << 30, buf, sizeof(buf));
	assert_string_equal(buf, "8 GiB");
	vfd_format_size(65536 * 3, buf, sizeof(buf));
	assert_string_equal(buf, "192 KiB");
	vfd_format_size(VFD_UNLIMITED, buf, sizeof(buf));
	assert_string_equal(buf, "unlimited");
	vfd_format_size(0, buf, sizeof(buf));
	assert_string_equal(buf, "0 B");
	vfd_format_size(12345, buf, sizeof(buf));
	assert_string_equal(buf, "12.1 KiB");
}

/* ------------------------------------------------- IOMMU info: IOVA */

/* a VFIO_IOMMU_GET_INFO answer with one IOVA-range capability */
static size_t iommu_info(uint8_t *buf, size_t size, const uint64_t *ranges, uint32_t n)
{
	struct vfio_iommu_type1_info *ti = (void *)buf;
	struct vfio_iommu_type1_info_cap_iova_range *r;
	size_t off = 24, len = off + sizeof(*r) + n * sizeof(r->iova_ranges[0]);

	assert_true(len <= size);
	memset(buf, 0, size);
	ti->argsz = (uint32_t)len;
	ti->flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
	ti->iova_pgsizes = 0x40201000;
	ti->cap_offset = (uint32_t)off;
	r = (void *)(buf + off);
	r->header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
	r->header.version = 1;
	r->nr_iovas = n;
	for (uint32_t i = 0; i < n; i++) {
		r->iova_ranges[i].start = ranges[2 * i];
		r->iova_ranges[i].end = ranges[2 * i + 1];
	}
	return len;
}

static void pick_iova(void **state)
{
	_Alignas(8) uint8_t buf[256];
	uint64_t iova;
	unsigned int n;
	size_t len;

	/* x86: everything but the MSI window */
	{
		const uint64_t r[] = { 0, 0xfedfffff, 0xfef00000, 0xffffffffffull };

		len = iommu_info(buf, sizeof(buf), r, 2);
		assert_int_equal(preflight_pick_iova(buf, len, 1 << 20, 1 << 20, &iova, &n), 0);
		assert_int_equal(iova, 1 << 20);
		assert_int_equal(n, 2);
	}
	/* the wanted IOVA is reserved: the lowest start that fits */
	{
		const uint64_t r[] = { 0, 0xfff, 0x40000000, 0x7fffffff, 0x10000000, 0x1fffffff };

		len = iommu_info(buf, sizeof(buf), r, 3);
		assert_int_equal(preflight_pick_iova(buf, len, 1 << 20, 1 << 20, &iova, &n), 0);
		assert_int_equal(iova, 0x10000000);
	}
	/* nothing fits */
	{
		const uint64_t r[] = { 0, 0xfff };

		len = iommu_info(buf, sizeof(buf), r, 1);
		assert_int_equal(preflight_pick_iova(buf, len, 1 << 20, 1 << 20, &iova, &n),
				 -ENOSPC);
	}
	/* no capabilities: the wanted one */
	{
		struct vfio_iommu_type1_info ti = { .argsz = sizeof(ti) };

		assert_int_equal(preflight_pick_iova(&ti, sizeof(ti), 4096, 4096, &iova, &n), 0);
		assert_int_equal(iova, 4096);
		assert_int_equal(n, 0);
	}
	/* lies: a count past the end, an offset outside, a loop */
	{
		const uint64_t r[] = { 0, 0xffffffff };
		struct vfio_iommu_type1_info *ti = (void *)buf;

		len = iommu_info(buf, sizeof(buf), r, 1);
		((struct vfio_iommu_type1_info_cap_iova_range *)(buf + 24))->nr_iovas = 1000;
		assert_int_equal(preflight_pick_iova(buf, len, 0, 4096, &iova, &n), -EINVAL);
		len = iommu_info(buf, sizeof(buf), r, 1);
		ti->cap_offset = 4000;
		assert_int_equal(preflight_pick_iova(buf, len, 0, 4096, &iova, &n), -EINVAL);
		len = iommu_info(buf, sizeof(buf), r, 1);
		((struct vfio_info_cap_header *)(buf + 24))->id = 99;
		((struct vfio_info_cap_header *)(buf + 24))->next = 24;
		assert_int_equal(preflight_pick_iova(buf, len, 8192, 4096, &iova, &n), 0);
		assert_int_equal(iova, 8192);
	}
}

/* ------------------------------------------------------ sysroot run */

static void sysroot_run(void **state)
{
	char *dir = tree_new();
	struct vfd_preflight_opts o = { .as_user = "libvirt-qemu", .memory = 4ull << 30 };
	struct vfd_preflight pf;
	struct vfd_root *root;
	struct vfd_host *host;
	bool saw_skip = false;

	tree_device(dir, "pci0000:00/0000:00:1c.0", 0x8086, 0xa110, 0x060400, 1, 4, true,
		    "pcieport", 1);
	tree_device(dir, "pci0000:00/0000:00:1c.0/0000:01:00.0", 0x8086, 0x10d3, 0x020000, 0, 0,
		    false, "vfio-pci", 2);
	tree_device(dir, "pci0000:00/0000:00:1f.3", 0x8086, 0x2930, 0x0c0500, 0, -1, false,
		    "i801_smbus", -1);
	tree_file(dir, "etc/passwd", passwd);
	tree_file(dir, "etc/group", group);
	tree_file(dir, "etc/security/limits.conf", "* soft memlock 65536\n");
	tree_file(dir, "etc/security/limits.d/10-kvm.conf", "@kvm hard memlock 8388608\n");
	tree_file(dir, "etc/security/limits.d/README", "libvirt-qemu soft memlock 1\n");
	tree_file(dir, "proc/meminfo", "MemTotal: 8000000 kB\nMemAvailable: 4000000 kB\n");
	tree_file(dir, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "2048\n");
	tree_file(dir, "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "2048\n");
	root = vfd_root_new(dir);
	assert_non_null(root);
	host = vfd_host_new(root);
	assert_non_null(host);

	assert_int_equal(vfd_preflight_run(host, "0000:05:00.0", &o, &pf), -ENODEV);
	assert_int_equal(vfd_preflight_run(host, "0000:01:00.0", &o, &pf), 0);
	assert_false(pf.live);
	assert_int_equal(pf.group, 2);
	assert_string_equal(pf.driver, "vfio-pci");
	assert_string_equal(pf.user, "libvirt-qemu");
	assert_int_equal(pf.legacy, VFD_SKIP);
	assert_int_equal(pf.iommufd, VFD_SKIP);
	for (size_t i = 0; i < pf.n; i++) {
		const struct vfd_pf_step *st = &pf.steps[i];

		/* no system call in a sysroot */
		assert_false(st->syscall);
		if (st->path != VFD_PF_HOST) {
			assert_int_equal(st->status, VFD_SKIP);
			assert_non_null(strstr(st->result, "live host"));
			saw_skip = true;
		}
		if (st->id == VFD_PF_MEMLOCK) {
			/* the login limit (64 MiB from *) is below the guest's 4 GiB */
			assert_int_equal(st->status, VFD_WARN);
			assert_non_null(st->meaning);
			assert_non_null(st->fix);
			assert_non_null(strstr(st->fix[0], "libvirt-qemu hard memlock"));
		}
		if (st->id == VFD_PF_HUGEPAGES)
			assert_non_null(strstr(st->result, "2 MiB pages: 2048 of 2048 free (4 GiB)"));
	}
	assert_true(saw_skip);
	assert_true(pf.memory.conf_read);
	assert_int_equal(pf.memory.conf.files_read, 2);
	assert_int_equal(pf.memory.conf.soft, 64ull << 20);
	assert_int_equal(pf.memory.conf.hard, 8ull << 30);
	assert_string_equal(pf.memory.conf.hard_file, "etc/security/limits.d/10-kvm.conf");
	assert_false(pf.memory.rlimit_known);
	assert_int_equal(pf.memory.n_hugepages, 1);
	assert_int_equal(vfd_preflight_worst(&pf), VFD_WARN);
	assert_null(vfd_preflight_first_failure(&pf));
	vfd_preflight_clear(&pf);

	/* a device without a group and driver: fails in sysfs, before any path */
	assert_int_equal(vfd_preflight_run(host, "0000:00:1f.3", NULL, &pf), 0);
	assert_int_equal(pf.group, -1);
	assert_non_null(vfd_preflight_first_failure(&pf));
	assert_int_equal(vfd_preflight_first_failure(&pf)->id, VFD_PF_IOMMU_GROUP);
	assert_int_equal(vfd_preflight_worst(&pf), VFD_FAIL);
	vfd_preflight_clear(&pf);

	/* an account that is not there */
	o.as_user = "mallory";
	assert_int_equal(vfd_preflight_run(host, "0000:01:00.0", &o, &pf), 0);
	assert_int_equal(vfd_preflight_first_failure(&pf)->id, VFD_PF_AS_USER);
	assert_int_equal(vfd_preflight_first_failure(&pf)->err, ESRCH);
	vfd_preflight_clear(&pf);

	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(explain_known_pairs),
		cmocka_unit_test(explain_fixes),
		cmocka_unit_test(explain_unknown),
		cmocka_unit_test(explain_placeholders),
		cmocka_unit_test(expand_values),
		cmocka_unit_test(step_names),
		cmocka_unit_test(account_parse),
		cmocka_unit_test(limits_precedence),
		cmocka_unit_test(limits_domains),
		cmocka_unit_test(limits_syntax),
		cmocka_unit_test(meminfo),
		cmocka_unit_test(sizes),
		cmocka_unit_test(format_sizes),
		cmocka_unit_test(pick_iova),
		cmocka_unit_test(sysroot_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
