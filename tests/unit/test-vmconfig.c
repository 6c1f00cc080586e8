// SPDX-License-Identifier: GPL-2.0-or-later
/* The readers of lint: QEMU command lines (shell words, QemuOpts, JSON) and libvirt domains. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vfd-vm.h"

static int parse_qemu(const char *text, struct vfd_vm_conf *c, struct vfd_parse_error *e)
{
	return vfd_vm_parse_qemu(text, strlen(text), c, e);
}

static int parse_xml(const char *text, struct vfd_vm_conf *c, struct vfd_parse_error *e)
{
	return vfd_vm_parse_libvirt(text, strlen(text), c, e);
}

static void qemu_script(void **state)
{
	static const char text[] =
		"#!/bin/sh\n"
		"# a comment with -device vfio-pci,host=09:00.0 in it\n"
		"cp -n a b && echo 'not QEMU'\n"
		"exec /usr/bin/qemu-system-x86_64 -name 'guest=my vm' \\\n"
		"  -machine type=pc-q35-8.2,accel=kvm \\\n"
		"  -m \"4096\" -overcommit mem-lock=on \\\n"
		"  -drive if=pflash,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \\\n"
		"  -device vfio-pci,host=01:00.0,romfile=/a,,b.rom,x-vga=on,multifunction=on,"
		"addr=0x0.0,bus=rp1 \\\n"
		"  -device vfio-pci,sysfsdev=/sys/bus/pci/devices/0000:01:00.1,bus=rp1,addr=0.1\n"
		"echo done\n";
	struct vfd_vm_conf c;
	struct vfd_parse_error e;

	assert_int_equal(parse_qemu(text, &c, &e), 0);
	assert_int_equal(c.source, VFD_VM_SOURCE_QEMU);
	assert_string_equal(c.name, "my vm");
	assert_string_equal(c.machine, "pc-q35-8.2");
	assert_int_equal(c.machine_type, VFD_MACHINE_Q35);
	assert_int_equal(c.firmware, VFD_FIRMWARE_EFI);
	assert_string_equal(c.firmware_path, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	assert_true(c.memory == 4096ull << 20);
	assert_true(c.locked);
	assert_int_equal(c.n_hostdevs, 2);
	assert_true(c.hostdevs[0].has_host);
	assert_int_equal(c.hostdevs[0].host.bus, 1);
	/* ",," is a comma inside a value */
	assert_string_equal(c.hostdevs[0].romfile, "/a,b.rom");
	assert_true(c.hostdevs[0].x_vga);
	assert_true(c.hostdevs[0].multifunction);
	assert_true(c.hostdevs[0].has_guest_addr);
	assert_string_equal(c.hostdevs[0].guest_bus, "rp1");
	assert_int_equal(c.hostdevs[1].host.fn, 1);
	assert_int_equal(c.hostdevs[1].guest_fn, 1);
	assert_int_equal(c.hostdevs[1].line, 9);
	vfd_vm_conf_clear(&c);
}

static void qemu_defaults_and_json(void **state)
{
	struct vfd_vm_conf c;
	struct vfd_parse_error e;

	/* bare options; no -machine is QEMU's pc with SeaBIOS and a VGA */
	assert_int_equal(parse_qemu("-m 2G -device '{\"driver\":\"vfio-pci\",\"host\":"
				    "\"0000:03:00.0\",\"x-vga\":true,\"id\":\"g\",\"opts\":"
				    "{\"a\":[1,2]}}' -set device.g.multifunction=on\n",
				    &c, &e), 0);
	assert_int_equal(c.machine_type, VFD_MACHINE_I440FX);
	assert_int_equal(c.firmware, VFD_FIRMWARE_BIOS);
	assert_true(c.emulated_vga);
	assert_int_equal(c.n_hostdevs, 1);
	assert_int_equal(c.hostdevs[0].host.bus, 3);
	assert_true(c.hostdevs[0].x_vga);
	vfd_vm_conf_clear(&c);
	/* -set by id, -nodefaults, hugepages by the backend */
	assert_int_equal(parse_qemu("-nodefaults -M q35 -device vfio-pci,host=01:00.0,id=h0 "
				    "-set device.h0.x-vga=on -object memory-backend-memfd,id=m,"
				    "size=1G,hugetlb=on,hugetlbsize=1G -m 1G", &c, &e), 0);
	assert_false(c.emulated_vga);
	assert_true(c.hostdevs[0].x_vga);
	assert_true(c.hugepages);
	assert_true(c.hugepage_size == 1ull << 30);
	vfd_vm_conf_clear(&c);
	/* a tmpfs backend is not hugepages */
	assert_int_equal(parse_qemu("-mem-path /dev/shm", &c, &e), 0);
	assert_false(c.hugepages);
	vfd_vm_conf_clear(&c);
}

static void qemu_errors(void **state)
{
	struct vfd_vm_conf c;
	struct vfd_parse_error e;

	assert_int_equal(parse_qemu("qemu-system-x86_64 \\\n -device 'vfio-pci\n", &c, &e),
			 -EINVAL);
	assert_int_equal(e.line, 2);
	assert_non_null(strstr(e.message, "unterminated"));
	assert_int_equal(parse_qemu("-machine q35 -device", &c, &e), -EINVAL);
	assert_non_null(strstr(e.message, "needs an argument"));
	assert_int_equal(parse_qemu("-device '{\"driver\": \"vfio-pci\", }'", &c, &e), -EINVAL);
	assert_non_null(strstr(e.message, "JSON"));
	assert_int_equal(parse_qemu("-device '{\"a\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}'",
				    &c, &e), -EINVAL);
	assert_int_equal(parse_qemu("hello world\n", &c, &e), -EINVAL);
	assert_non_null(strstr(e.message, "no qemu-system"));
	assert_int_equal(parse_qemu("-m lots", &c, &e), -EINVAL);
	assert_int_equal(vfd_vm_parse_qemu("-m\0 1G", 6, &c, &e), -EINVAL);
}

/* pasted typography: read as meant, each word kept with its place and character */
static void qemu_typography(void **state)
{
	static const char text[] =
		"qemu-system-x86_64 \xe2\x80\x93machine q35 -name Bob\xe2\x80\x99s \\\n"
		"  \xe2\x80\x94-device \xe2\x80\x9cvfio-pci,host=01:00.0,romfile=\xe2\x80\x98/a.rom"
		"\xe2\x80\x99\xe2\x80\x9d \\\n"
		"  -device '{\xe2\x80\x9c" "driver\xe2\x80\x9d:\xe2\x80\x9cvfio-pci\xe2\x80\x9d,"
		"\xe2\x80\x9chost\xe2\x80\x9d:\xe2\x80\x9c" "02:00.0\xe2\x80\x9d}' \\\n"
		"  \xe2\x80\x93no-such-option.img \xe2\x88\x92m 2G\n";
	struct vfd_vm_conf c;
	struct vfd_parse_error e;

	(void)state;
	assert_int_equal(parse_qemu(text, &c, &e), 0);
	assert_string_equal(c.machine, "q35");
	/* the apostrophe inside the name is the name's */
	assert_string_equal(c.name, "Bob\xe2\x80\x99s");
	assert_int_equal(c.memory, 2ull << 30);
	assert_int_equal(c.n_hostdevs, 2);
	assert_string_equal(c.hostdevs[0].host_text, "01:00.0");
	assert_string_equal(c.hostdevs[0].romfile, "/a.rom");
	assert_string_equal(c.hostdevs[1].host_text, "02:00.0");
	/* "–no-such-option.img" is no option: a disk image to QEMU, not reported */
	assert_int_equal(c.n_typos, 5);
	assert_true(c.typos[0].dash);
	assert_string_equal(c.typos[0].word, "\xe2\x80\x93machine");
	assert_int_equal(c.typos[0].codepoint, 0x2013);
	assert_int_equal(c.typos[0].line, 1);
	assert_int_equal(c.typos[0].index, 1);
	assert_true(c.typos[1].dash);
	assert_int_equal(c.typos[1].codepoint, 0x2014);
	assert_int_equal(c.typos[1].line, 2);
	assert_int_equal(c.typos[1].index, 5);
	assert_false(c.typos[2].dash);
	assert_int_equal(c.typos[2].codepoint, 0x201c);
	assert_false(c.typos[3].dash);
	assert_int_equal(c.typos[3].line, 3);
	assert_true(c.typos[4].dash);
	assert_int_equal(c.typos[4].codepoint, 0x2212);
	assert_int_equal(c.typos[4].line, 4);
	vfd_vm_conf_clear(&c);
}

/* curly quotes around an attribute value: named, with the attribute and the line */
static void libvirt_typographic_quotes(void **state)
{
	static const char text[] =
		"<domain type='kvm'>\n"
		"  <!-- mode=\xe2\x80\x9cin a comment\xe2\x80\x9d is not markup -->\n"
		"  <devices><hostdev mode=\xe2\x80\x9csubsystem\xe2\x80\x9d type='pci'/></devices>\n"
		"</domain>\n";
	struct vfd_vm_conf c;
	struct vfd_parse_error e;

	(void)state;
	assert_int_equal(parse_xml(text, &c, &e), -EINVAL);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.message, "U+201C LEFT DOUBLE QUOTATION MARK"));
	assert_non_null(strstr(e.message, "'mode'"));
	/* in text, curly quotes are text */
	assert_int_equal(parse_xml("<domain><name>\xe2\x80\x9cx\xe2\x80\x9d</name></domain>",
				   &c, &e), 0);
	vfd_vm_conf_clear(&c);
}

static const char domain[] =
	"<?xml version='1.0'?>\n"
	"<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
	"  <name> bliss </name>\n"
	"  <memory unit='GiB'>6</memory>\n"
	"  <memoryBacking><hugepages><page size='1' unit='G'/></hugepages><locked/>"
	"</memoryBacking>\n"
	"  <memtune><hard_limit unit='M'>7168</hard_limit></memtune>\n"
	"  <os firmware='efi'><type arch='x86_64' machine='pc-i440fx-9.0'>hvm</type></os>\n"
	"  <devices>\n"
	"    <hostdev mode='subsystem' type='pci'>\n"
	"      <source><address domain='0' bus='1' slot='0' function='0'/></source>\n"
	"      <rom bar='off' file='/r.rom'/>\n"
	"      <address type='pci' bus='0x05' slot='0x00' function='0x0' multifunction='on'/>\n"
	"    </hostdev>\n"
	"    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
	"      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/></source>\n"
	"      <alias name='ua-audio'/>\n"
	"    </hostdev>\n"
	"    <hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/></source>"
	"</hostdev>\n"
	"    <video><model type='none'/></video>\n"
	"  </devices>\n"
	"  <qemu:override><qemu:device alias='ua-audio'><qemu:frontend>"
	"<qemu:property name='x-vga' type='bool' value='true'/></qemu:frontend></qemu:device>"
	"</qemu:override>\n"
	"</domain>\n";

static void libvirt_domain(void **state)
{
	struct vfd_vm_conf c;
	struct vfd_parse_error e;

	assert_int_equal(parse_xml(domain, &c, &e), 0);
	assert_int_equal(c.source, VFD_VM_SOURCE_LIBVIRT);
	assert_string_equal(c.name, "bliss");
	assert_true(c.memory == 6ull << 30);
	assert_true(c.hugepages);
	assert_true(c.hugepage_size == 1ull << 30);
	assert_true(c.locked);
	assert_true(c.hard_limit == 7168ull << 20);
	assert_int_equal(c.machine_type, VFD_MACHINE_I440FX);
	assert_int_equal(c.firmware, VFD_FIRMWARE_EFI);
	assert_false(c.emulated_vga);
	/* the USB hostdev is not a PCI one */
	assert_int_equal(c.n_hostdevs, 2);
	/* libvirt's default is managed='no' */
	assert_int_equal(c.hostdevs[0].managed, 0);
	assert_int_equal(c.hostdevs[1].managed, 1);
	assert_true(c.hostdevs[0].has_host);
	assert_int_equal(c.hostdevs[1].host.fn, 1);
	assert_string_equal(c.hostdevs[0].romfile, "/r.rom");
	assert_int_equal(c.hostdevs[0].rombar, 0);
	assert_true(c.hostdevs[0].multifunction);
	assert_int_equal(c.hostdevs[0].line, 9);
	assert_false(c.hostdevs[0].x_vga);
	assert_true(c.hostdevs[1].x_vga);
	vfd_vm_conf_clear(&c);
	/* the dispatcher: XML by its first character, after a BOM and blanks */
	assert_int_equal(vfd_vm_parse("\xef\xbb\xbf\n <domain><name>x</name></domain>", 36, &c, &e),
			 0);
	assert_int_equal(c.source, VFD_VM_SOURCE_LIBVIRT);
	vfd_vm_conf_clear(&c);
}

static void libvirt_hostile(void **state)
{
	struct vfd_vm_conf c;
	struct vfd_parse_error e;
	char *deep, *p;

	assert_int_equal(parse_xml("<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
				   "<domain><name>&x;</name></domain>", &c, &e), -EINVAL);
	assert_non_null(strstr(e.message, "DOCTYPE"));
	assert_int_equal(parse_xml("<domain xmlns:xi='http://www.w3.org/2001/XInclude'>"
				   "<xi:include href='/etc/passwd'/></domain>", &c, &e), -EINVAL);
	assert_non_null(strstr(e.message, "XInclude"));
	assert_int_equal(parse_xml("<network/>", &c, &e), -EINVAL);
	assert_int_equal(parse_xml("<domain><name>x</domain>", &c, &e), -EINVAL);
	assert_non_null(strstr(e.message, "not well-formed"));
	assert_int_equal(parse_xml("<domain><memory unit='parsec'>1</memory></domain>", &c, &e),
			 -EINVAL);
	/* 33 levels below <domain>: refused, with the line */
	deep = calloc(1, 1024);
	assert_non_null(deep);
	p = deep + sprintf(deep, "<domain>\n");
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "<a>");
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "</a>");
	sprintf(p, "</domain>");
	assert_int_equal(parse_xml(deep, &c, &e), -EINVAL);
	assert_non_null(strstr(e.message, "nested"));
	free(deep);
	assert_int_equal(vfd_vm_parse_libvirt("<domain/>", VFD_VM_MAX_INPUT + 1, &c, &e), -EFBIG);
}

static void machine_names(void **state)
{
	assert_int_equal(vfd_vm_machine_parse("q35"), VFD_MACHINE_Q35);
	assert_int_equal(vfd_vm_machine_parse("pc-q35-7.2"), VFD_MACHINE_Q35);
	assert_int_equal(vfd_vm_machine_parse("pc"), VFD_MACHINE_I440FX);
	assert_int_equal(vfd_vm_machine_parse("pc-i440fx-2.12"), VFD_MACHINE_I440FX);
	assert_int_equal(vfd_vm_machine_parse("virt"), VFD_MACHINE_OTHER);
	/* Proxmox's pinned builds: the +pveN and .pxe suffixes keep the chipset */
	assert_int_equal(vfd_vm_machine_parse("q35+pve0"), VFD_MACHINE_Q35);
	assert_int_equal(vfd_vm_machine_parse("pc-q35-8.1+pve0"), VFD_MACHINE_Q35);
	assert_int_equal(vfd_vm_machine_parse("pc-q35-9.2+pve1.pxe"), VFD_MACHINE_Q35);
	assert_int_equal(vfd_vm_machine_parse("pc-i440fx-5.1+pve0"), VFD_MACHINE_I440FX);
	assert_int_equal(vfd_vm_machine_parse("pc-i440fx-8.0.pxe"), VFD_MACHINE_I440FX);
	assert_int_equal(vfd_vm_machine_parse("pc-2.3"), VFD_MACHINE_I440FX);
	assert_int_equal(vfd_vm_machine_parse("virt-8.1+pve0"), VFD_MACHINE_OTHER);
	assert_int_equal(vfd_vm_machine_parse("q35+pve"), VFD_MACHINE_OTHER);
	assert_int_equal(vfd_vm_machine_parse(NULL), VFD_MACHINE_UNKNOWN);
	assert_string_equal(vfd_vm_firmware_name(VFD_FIRMWARE_EFI), "efi");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_script),
		cmocka_unit_test(qemu_defaults_and_json),
		cmocka_unit_test(qemu_errors),
		cmocka_unit_test(qemu_typography),
		cmocka_unit_test(libvirt_typographic_quotes),
		cmocka_unit_test(libvirt_domain),
		cmocka_unit_test(libvirt_hostile),
		cmocka_unit_test(machine_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
