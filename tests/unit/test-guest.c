// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inside the guest: the Android property parsers (build.prop, getprop), the
 * firmware failure line, running getprop with a timeout, and vfd_guest_run
 * over small trees (modules.alias matched as text, built-in aliases).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vfd.h"
#include "tree.h"

static void build_prop(void **state)
{
	static const char text[] =
		"# begin build properties\n"
		"ro.build.version.release=11\n"
		"  ro.hardware.egl =  mesa  \r\n"
		"ro.product.model=Pixel = 4\n"
		"import /vendor/default.prop\n"
		"\n"
		"=no key\n"
		"bad key=x\n"
		"ro..double=x\n"
		".ro.lead=x\n"
		"ro.empty=\n"
		"ro.last=tail";
	struct vfd_props p = { 0 };
	const char *src = NULL;

	assert_int_equal(vfd_props_parse(&p, text, sizeof(text) - 1, VFD_PROPS_FILE,
					 "system/build.prop"), 5);
	assert_string_equal(vfd_props_get(&p, "ro.hardware.egl", &src), "mesa");
	assert_string_equal(src, "system/build.prop");
	assert_string_equal(vfd_props_get(&p, "ro.product.model", NULL), "Pixel = 4");
	assert_string_equal(vfd_props_get(&p, "ro.empty", NULL), "");
	assert_string_equal(vfd_props_get(&p, "ro.last", NULL), "tail");
	assert_null(vfd_props_get(&p, "bad key", NULL));
	assert_null(vfd_props_get(&p, "import /vendor/default.prop", NULL));
	assert_null(vfd_props_get(&p, "ro..double", NULL));

	/* a later file overrides, and says so */
	assert_int_equal(vfd_props_parse(&p, "ro.hardware.egl=swiftshader\n", 28, VFD_PROPS_FILE,
					 "vendor/build.prop"), 1);
	assert_string_equal(vfd_props_get(&p, "ro.hardware.egl", &src), "swiftshader");
	assert_string_equal(src, "vendor/build.prop");
	assert_int_equal(p.n, 5);
	vfd_props_clear(&p);
}

static void getprop_lines(void **state)
{
	static const char text[] =
		"[ro.hardware.egl]: [angle]\n"
		"[ro.hardware.vulkan]: [radv]\n"
		"[weird]: [a]: [b]]\n"
		"[persist.empty]: []\n"
		"[no.close]: [x\n"
		"garbage\n"
		"[]: [nokey]\n";
	struct vfd_props p = { 0 };

	assert_int_equal(vfd_props_parse(&p, text, sizeof(text) - 1, VFD_PROPS_GETPROP,
					 "getprop"), 4);
	assert_string_equal(vfd_props_get(&p, "ro.hardware.egl", NULL), "angle");
	assert_string_equal(vfd_props_get(&p, "weird", NULL), "a]: [b]");
	assert_string_equal(vfd_props_get(&p, "persist.empty", NULL), "");
	assert_null(vfd_props_get(&p, "no.close", NULL));
	vfd_props_clear(&p);
}

static void props_limits(void **state)
{
	struct vfd_props p = { 0 };
	char line[64];
	size_t len;
	char *big = malloc(5000);

	assert_int_equal(vfd_props_parse(NULL, "a=b", 3, VFD_PROPS_FILE, "x"), -EINVAL);
	assert_int_equal(vfd_props_parse(&p, NULL, 1, VFD_PROPS_FILE, "x"), -EINVAL);
	assert_int_equal(vfd_props_parse(&p, "a\0=b\nc=d\0e\nf=g", 14, VFD_PROPS_FILE, "x"), 1);
	assert_string_equal(vfd_props_get(&p, "f", NULL), "g");
	/* a value past 4096 bytes is not a property */
	memset(big, 'v', 5000);
	memcpy(big, "k=", 2);
	assert_int_equal(vfd_props_parse(&p, big, 5000, VFD_PROPS_FILE, "x"), 0);
	free(big);
	for (int i = 0; i < VFD_PROPS_MAX + 10; i++) {
		len = (size_t)snprintf(line, sizeof(line), "p.%d=%d\n", i, i);
		vfd_props_parse(&p, line, len, VFD_PROPS_FILE, "many");
	}
	assert_int_equal(p.n, VFD_PROPS_MAX);
	assert_int_equal(p.dropped, 11);
	vfd_props_clear(&p);
}

static void fw_lines(void **state)
{
	struct vfd_fw_failure fw;

	assert_int_equal(vfd_fw_failure_parse("amdgpu 0000:01:00.0: Direct firmware load for "
					      "amdgpu/polaris10_mc.bin failed with error -2", &fw), 1);
	assert_string_equal(fw.name, "amdgpu/polaris10_mc.bin");
	assert_int_equal(fw.err, -2);
	assert_string_equal(fw.driver, "amdgpu");
	assert_string_equal(fw.slot, "0000:01:00.0");
	/* a platform device: driver, no slot */
	assert_int_equal(vfd_fw_failure_parse("bluetooth hci0: Direct firmware load for "
					      "rtl_bt/x.bin failed with error -2", &fw), 1);
	assert_string_equal(fw.driver, "bluetooth");
	assert_string_equal(fw.slot, "");
	/* no prefix at all */
	assert_int_equal(vfd_fw_failure_parse("Direct firmware load for a.bin failed with error -110",
					      &fw), 1);
	assert_string_equal(fw.driver, "");
	assert_int_equal(fw.err, -110);
	assert_int_equal(vfd_fw_failure_parse("Direct firmware load for a b failed with error -2",
					      &fw), 0);
	assert_int_equal(vfd_fw_failure_parse("Direct firmware load for x failed with error 2", &fw),
			 0);
	assert_int_equal(vfd_fw_failure_parse("Direct firmware load for  failed with error -2", &fw),
			 0);
	assert_int_equal(vfd_fw_failure_parse("Direct firmware load for x failed with error -2x",
					      &fw), 0);
	assert_int_equal(vfd_fw_failure_parse("nothing here", &fw), 0);
	assert_int_equal(vfd_fw_failure_parse(NULL, &fw), -EINVAL);
}

static char *script(const char *dir, const char *name, const char *body)
{
	char *path = NULL;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
	return path;
}

static void getprop_run(void **state)
{
	char tmpl[] = "/tmp/vfd-getprop-XXXXXX";
	char *dir = mkdtemp(tmpl);
	char *ok, *slow, *bad;
	struct vfd_props p = { 0 };

	assert_non_null(dir);
	ok = script(dir, "ok", "printf '[ro.hardware.egl]: [mesa]\\n[ro.hardware]: [x86_64]\\n'");
	slow = script(dir, "slow", "exec sleep 30");
	bad = script(dir, "bad", "echo broken >&2; exit 3");
	assert_int_equal(vfd_getprop_run(ok, 5000, &p), 0);
	assert_string_equal(vfd_props_get(&p, "ro.hardware.egl", NULL), "mesa");
	/* killed when it does not answer; what it said before is not used */
	assert_int_equal(vfd_getprop_run(slow, 100, &p), -ETIME);
	assert_int_equal(vfd_getprop_run(bad, 5000, &p), -EIO);
	assert_int_equal(vfd_getprop_run("/nonexistent/getprop", 100, &p), -ENOENT);
	assert_int_equal(p.n, 2);
	vfd_props_clear(&p);
	unlink(ok);
	unlink(slow);
	unlink(bad);
	rmdir(dir);
	free(ok);
	free(slow);
	free(bad);
}

static const struct vfd_finding *find(const struct vfd_report *rep, const char *id,
				      const char *device)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->findings[i].id, id) == 0 &&
		    (!device || (rep->findings[i].device &&
				 strcmp(rep->findings[i].device, device) == 0)))
			return &rep->findings[i];
	return NULL;
}

static bool says(const struct vfd_finding *f, const char *needle)
{
	if (strstr(f->summary, needle))
		return true;
	for (char **e = f->evidence; e && *e; e++)
		if (strstr(*e, needle))
			return true;
	for (char **e = f->fix; e && *e; e++)
		if (strstr(*e, needle))
			return true;
	return false;
}

static struct vfd_report run(const char *dir, const struct vfd_guest_opts *opts)
{
	struct vfd_report rep = { 0 };
	struct vfd_root *root = vfd_root_new(dir);

	assert_non_null(root);
	assert_int_equal(vfd_guest_run(root, opts, NULL, &rep), 0);
	vfd_root_unref(root);
	return rep;
}

static void modules_alias(void **state)
{
	char *dir = tree_new();
	struct vfd_report rep;
	const struct vfd_finding *f;

	/* an unbound GPU, an unbound USB controller, a bound NIC */
	tree_device(dir, "pci0000:00/0000:00:05.0", 0x10de, 0x1f06, 0x030000, 0, -1, false, NULL,
		    -1);
	tree_file(dir, "sys/bus/pci/devices/0000:00:05.0/modalias",
		  "pci:v000010DEd00001F06sv00001043sd00008673bc03sc00i00\n");
	tree_device(dir, "pci0000:00/0000:00:06.0", 0x1912, 0x0014, 0x0c0330, 0, -1, false, NULL,
		    -1);
	tree_file(dir, "sys/bus/pci/devices/0000:00:06.0/modalias",
		  "pci:v00001912d00000014sv00001912sd00000014bc0Csc03i30\n");
	tree_device(dir, "pci0000:00/0000:00:07.0", 0x8086, 0x1533, 0x020000, 0, -1, false, "igb",
		    -1);
	tree_file(dir, "lib/modules/6.1.0-test/modules.alias",
		  "# Aliases extracted from modules themselves.\n"
		  "alias pci:v000010DEd*sv*sd*bc03sc*i* nouveau\n"
		  "alias pci:v*d*sv*sd*bc0Csc03i30* xhci_pci\n"
		  "alias malformed\n");
	tree_file(dir, "lib/modules/6.1.0-test/modules.builtin.alias",
		  "alias pci:v*d*sv*sd*bc0Csc03i30* xhci_pci\n");
	rep = run(dir, NULL);
	f = find(&rep, "guest.driver", "0000:00:05.0");
	assert_non_null(f);
	assert_int_equal(f->status, VFD_FAIL);
	assert_true(says(f, "nouveau matches its modalias, not loaded"));
	assert_true(says(f, "modprobe nouveau"));
	f = find(&rep, "guest.driver", "0000:00:06.0");
	assert_non_null(f);
	assert_true(says(f, "xhci_pci matches its modalias (built in)"));
	f = find(&rep, "guest.driver", "0000:00:07.0");
	assert_non_null(f);
	assert_int_equal(f->status, VFD_OK);
	vfd_report_clear(&rep);

	/* --expect: only that device, and one that is absent fails */
	{
		struct vfd_devspec e[2];
		struct vfd_guest_opts o = { .expect = e, .n_expect = 2 };

		assert_int_equal(vfd_devspec_parse("8086:1533", &e[0]), 0);
		assert_int_equal(vfd_devspec_parse("10de:2204", &e[1]), 0);
		rep = run(dir, &o);
		assert_null(find(&rep, "guest.driver", "0000:00:05.0"));
		assert_non_null(find(&rep, "guest.driver", "0000:00:07.0"));
		f = find(&rep, "guest.devices", NULL);
		assert_non_null(f);
		assert_int_equal(f->status, VFD_FAIL);
		assert_true(says(f, "10de:2204"));
		vfd_report_clear(&rep);
	}
	tree_free(dir);
}

static void only_emulated(void **state)
{
	char *dir = tree_new();
	struct vfd_report rep;
	const struct vfd_finding *f;

	tree_device(dir, "pci0000:00/0000:00:01.0", 0x1234, 0x1111, 0x030000, 0, -1, false,
		    "bochs-drm", -1);
	tree_device(dir, "pci0000:00/0000:00:02.0", 0x1af4, 0x1041, 0x020000, 0, -1, false,
		    "virtio-pci", -1);
	rep = run(dir, NULL);
	f = find(&rep, "guest.devices", NULL);
	assert_non_null(f);
	assert_int_equal(f->status, VFD_WARN);
	assert_null(find(&rep, "guest.driver", NULL));
	vfd_report_clear(&rep);
	tree_free(dir);
}

/* a class device (net/eth0, drm/card0) below @slot, linked from sys/class as the kernel links it */
static void class_dev(const char *dir, const char *cls, const char *name, const char *slot)
{
	char rel[256], link[512], target[256];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/%s/%s/uevent", slot, cls, name);
	tree_file(dir, rel, "");
	snprintf(rel, sizeof(rel), "sys/class/%s/.keep", cls);
	tree_file(dir, rel, "");
	snprintf(link, sizeof(link), "%s/sys/class/%s/%s", dir, cls, name);
	snprintf(target, sizeof(target), "../../devices/pci0000:00/%s/%s/%s", slot, cls, name);
	assert_int_equal(symlink(target, link), 0);
}

static void nic_and_gpu_work(void **state)
{
	char *dir = tree_new();
	struct vfd_report rep;
	const struct vfd_finding *f;

	/* an e1000e with its link up, an igb with no cable, an r8169 with no interface */
	tree_device(dir, "pci0000:00/0000:00:07.0", 0x8086, 0x10d3, 0x020000, 0, -1, false,
		    "e1000e", -1);
	class_dev(dir, "net", "eth0", "0000:00:07.0");
	tree_file(dir, "sys/class/net/eth0/address", "52:54:00:aa:bb:cc\n");
	tree_file(dir, "sys/class/net/eth0/carrier", "1\n");
	tree_file(dir, "sys/class/net/eth0/operstate", "up\n");
	tree_file(dir, "sys/class/net/eth0/speed", "1000\n");
	tree_device(dir, "pci0000:00/0000:00:08.0", 0x8086, 0x1533, 0x020000, 0, -1, false, "igb",
		    -1);
	class_dev(dir, "net", "eth1", "0000:00:08.0");
	tree_file(dir, "sys/class/net/eth1/address", "52:54:00:00:00:01\n");
	tree_file(dir, "sys/class/net/eth1/carrier", "0\n");
	tree_device(dir, "pci0000:00/0000:00:09.0", 0x10ec, 0x8168, 0x020000, 0, -1, false,
		    "r8169", -1);
	/* a GPU with a card node and a connected connector */
	tree_device(dir, "pci0000:00/0000:00:0a.0", 0x1002, 0x67df, 0x030000, 0, -1, false,
		    "amdgpu", -1);
	class_dev(dir, "drm", "card0", "0000:00:0a.0");
	class_dev(dir, "drm", "renderD128", "0000:00:0a.0");
	class_dev(dir, "drm", "card0-DP-1", "0000:00:0a.0");
	tree_file(dir, "sys/class/drm/card0-DP-1/status", "connected\n");
	tree_file(dir, "sys/class/drm/card0-DP-1/modes", "2560x1440\n1920x1080\n");
	tree_file(dir, "dev/dri/card0", "");
	tree_file(dir, "dev/dri/renderD128", "");
	rep = run(dir, NULL);
	f = find(&rep, "guest.net", "0000:00:07.0");
	assert_non_null(f);
	assert_int_equal(f->status, VFD_OK);
	assert_string_equal(f->summary, "eth0 (e1000e): MAC 52:54:00:aa:bb:cc, link up, 1000 Mb/s");
	f = find(&rep, "guest.net", "0000:00:08.0");
	assert_non_null(f);
	assert_int_equal(f->status, VFD_WARN);
	assert_true(says(f, "link down"));
	f = find(&rep, "guest.net", "0000:00:09.0");
	assert_non_null(f);
	assert_int_equal(f->status, VFD_FAIL);
	assert_true(says(f, "made no network interface"));
	f = find(&rep, "guest.drm", "0000:00:0a.0");
	assert_non_null(f);
	assert_true(says(f, "1 of 1 connectors connected"));
	assert_true(says(f, "connector card0-DP-1: connected, first mode 2560x1440"));
	vfd_report_clear(&rep);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_prop),
		cmocka_unit_test(getprop_lines),
		cmocka_unit_test(props_limits),
		cmocka_unit_test(fw_lines),
		cmocka_unit_test(getprop_run),
		cmocka_unit_test(modules_alias),
		cmocka_unit_test(only_emulated),
		cmocka_unit_test(nic_and_gpu_work),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
