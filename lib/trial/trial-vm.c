// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's command line for the trial: q35, small memory, no disk, no network
 * but the devices given, two serial ports written to files (the console and
 * the guest's report), the host's kernel and the trial's initramfs. The
 * devices are placed exactly as `qemu-args` places them (lib/vm/vm-qemu.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"
#include "trial.h"

/* one value as vm-qemu.c wrote it: bare, or in single quotes with '\'' for a quote */
static char *unquote(const char *s)
{
	size_t n = strlen(s);
	char *out, *o;

	if (s[0] != '\'')
		return strdup(s);
	out = malloc(n + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = s + 1; *p; p++) {
		if (strncmp(p, "'\\''", 4) == 0) {
			*o++ = '\'';
			p += 3;
		} else if (*p != '\'') {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* "-device A \\\n-device B" into the builder, one option and one value each */
static void add_device_lines(struct strv_builder *b, const char *text)
{
	char *copy = strdup(text), *save = NULL;

	if (!copy) {
		b->oom = true;
		return;
	}
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);
		char *space, *value;

		if (n >= 2 && strcmp(line + n - 2, " \\") == 0)
			line[n - 2] = '\0';
		space = strchr(line, ' ');
		if (!space)
			continue;
		*space = '\0';
		value = unquote(space + 1);
		strv_addf(b, "%s", line);
		if (value)
			strv_addf(b, "%s", value);
		else
			b->oom = true;
		free(value);
	}
	free(copy);
}

char **vfd_trial_qemu_argv(const struct vfd_trial_vm *vm)
{
	struct vfd_vm_opts opts = { .machine = VFD_MACHINE_Q35, .firmware = vm->firmware,
				    .slot = -1 };
	struct strv_builder b = { 0 };
	char *devices;

	strv_addf(&b, "%s", vm->qemu);
	strv_addf(&b, "-machine");
	strv_addf(&b, "q35,accel=%s", vm->kvm ? "kvm" : "tcg");
	if (vm->kvm) {
		strv_addf(&b, "-cpu");
		strv_addf(&b, "host");
	}
	strv_addf(&b, "-m");
	strv_addf(&b, "%u", vm->memory_mb ? vm->memory_mb : 512);
	/* nothing the trial did not ask for: no default NIC, VGA, drives or monitor */
	strv_addf(&b, "-nodefaults");
	strv_addf(&b, "-nic");
	strv_addf(&b, "none");
	strv_addf(&b, "-display");
	strv_addf(&b, "none");
	strv_addf(&b, "-no-user-config");
	strv_addf(&b, "-no-reboot");
	strv_addf(&b, "-serial");
	strv_addf(&b, "file:%s", vm->console_log);
	strv_addf(&b, "-serial");
	strv_addf(&b, "file:%s", vm->report_log);
	if (vm->debugcon_log && vm->firmware != VFD_FIRMWARE_EFI) {
		/* SeaBIOS prints its enumeration and "Running option rom" on port 0x402 */
		strv_addf(&b, "-chardev");
		strv_addf(&b, "file,id=vfd-debugcon,path=%s", vm->debugcon_log);
		strv_addf(&b, "-device");
		strv_addf(&b, "isa-debugcon,iobase=0x402,chardev=vfd-debugcon");
	}
	if (vm->firmware == VFD_FIRMWARE_EFI && vm->ovmf_code) {
		strv_addf(&b, "-drive");
		strv_addf(&b, "if=pflash,format=raw,readonly=on,file=%s", vm->ovmf_code);
		if (vm->ovmf_vars) {
			strv_addf(&b, "-drive");
			strv_addf(&b, "if=pflash,format=raw,file=%s", vm->ovmf_vars);
		}
	}
	strv_addf(&b, "-kernel");
	strv_addf(&b, "%s", vm->kernel);
	strv_addf(&b, "-initrd");
	strv_addf(&b, "%s", vm->initrd);
	strv_addf(&b, "-append");
	/*
	 * panic=-1 with -no-reboot: a guest that panics ends QEMU at once; quiet:
	 * warnings and errors only on the console, each line through an emulated
	 * UART costs (the guest's report carries its own kernel log).
	 * drm_kms_helper.fbdev_emulation=0 (drivers/gpu/drm/drm_fb_helper.c; /init
	 * passes it to the module as modprobe would): no framebuffer console on a
	 * GPU given to the trial. The trial judges the DRM device and its
	 * connectors, which need no fbdev, while fbcon's drawing into the device's
	 * memory is slow wherever the VM is emulated (each write to an assigned
	 * BAR takes QEMU's MMIO path under TCG).
	 */
	strv_addf(&b, "console=ttyS0 quiet panic=-1 rdinit=/init "
		  "drm_kms_helper.fbdev_emulation=0%s%s",
		  vm->append_extra ? " " : "", vm->append_extra ? vm->append_extra : "");
	if (vm->devices) {
		devices = vfd_vm_qemu_args(vm->devices, &opts);
		if (devices)
			add_device_lines(&b, devices);
		else
			b.oom = true;
		free(devices);
	}
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	return strv_take(&b);
}

int vfd_trial_kvm_usable(const char *path, const char **step)
{
	int fd, vm, r = 0;

	*step = "open";
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*step = "KVM_GET_API_VERSION";
	r = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (r < 0) {
		r = -errno;
	} else if (r != KVM_API_VERSION) {
		r = -EPROTO;
	} else {
		/* the VM is made and dropped: what QEMU will do first */
		*step = "KVM_CREATE_VM";
		vm = ioctl(fd, KVM_CREATE_VM, 0);
		r = vm < 0 ? -errno : 0;
		if (vm >= 0)
			close(vm);
	}
	close(fd);
	if (r == 0)
		*step = NULL;
	return r;
}
