// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What generating and linting VM definitions share: names, sizes, the QEMU
 * user and what it may read, ROM files, OVMF on the host.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vm-internal.h"


bool vm_is_uuid(const char *s)
{
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[36] == '\0';
}

/* ----------------------------------------------------------- names */

const char *vfd_vm_machine_name(enum vfd_vm_machine machine)
{
	switch (machine) {
	case VFD_MACHINE_Q35:
		return "q35";
	case VFD_MACHINE_I440FX:
		return "i440fx";
	case VFD_MACHINE_OTHER:
		return "other";
	default:
		return "unknown";
	}
}

const char *vfd_vm_firmware_name(enum vfd_vm_firmware firmware)
{
	switch (firmware) {
	case VFD_FIRMWARE_BIOS:
		return "bios";
	case VFD_FIRMWARE_EFI:
		return "efi";
	default:
		return "unknown";
	}
}

enum vfd_vm_machine vfd_vm_machine_parse(const char *type)
{
	char base[64];
	size_t n;
	char *plus;

	if (!type || !*type)
		return VFD_MACHINE_UNKNOWN;
	/*
	 * Proxmox pins its own builds of the versioned types: "pc-q35-8.1+pve0",
	 * "pc-i440fx-5.1+pve0", with ".pxe" for its iPXE ROM variant
	 * (qemu-server PVE/QemuServer/Machine.pm, the machine type pattern); the
	 * suffixes do not change the chipset
	 */
	n = strlen(type);
	if (n >= sizeof(base))
		return VFD_MACHINE_OTHER;
	memcpy(base, type, n + 1);
	if (n > 4 && !strcmp(base + n - 4, ".pxe"))
		base[n - 4] = '\0';
	plus = strstr(base, "+pve");
	if (plus && plus[4] && strspn(plus + 4, "0123456789") == strlen(plus + 4))
		*plus = '\0';
	/* QEMU's x86 machine types: q35, pc-q35-X.Y; pc, pc-i440fx-X.Y (and pc-X.Y, old) */
	if (strcmp(base, "q35") == 0 || strncmp(base, "pc-q35-", 7) == 0)
		return VFD_MACHINE_Q35;
	if (strcmp(base, "pc") == 0 || strncmp(base, "pc-i440fx-", 10) == 0 ||
	    strcmp(base, "i440fx") == 0 ||
	    (strncmp(base, "pc-", 3) == 0 && base[3] >= '0' && base[3] <= '9'))
		return VFD_MACHINE_I440FX;
	return VFD_MACHINE_OTHER;
}

/* ------------------------------------------------------- QEMU user */

/* user = "NAME" in etc/libvirt/qemu.conf, when set (caller frees) */
static char *qemu_conf_user(struct vfd_root *root)
{
	char *text = NULL, *user = NULL;

	if (vfd_root_read_filef(root, 1 << 20, &text, NULL, "etc/libvirt/qemu.conf") < 0)
		return NULL;
	for (char *line = text; line && *line;) {
		char *eol = strchr(line, '\n');
		char *p = line;

		if (eol)
			*eol = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "user", 4) == 0) {
			p += 4;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '=') {
				char *q = strchr(p, '"'), *e = q ? strchr(q + 1, '"') : NULL;

				if (q && e && e > q + 1) {
					free(user);
					user = strndup(q + 1, (size_t)(e - q - 1));
				}
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	free(text);
	return user;
}

static bool has_user(struct vfd_root *root, const char *name)
{
	char *passwd = NULL;
	size_t l = strlen(name);
	bool found = false;

	if (vfd_root_read_filef(root, 1 << 20, &passwd, NULL, "etc/passwd") < 0)
		return false;
	for (const char *p = passwd; p && *p && !found;) {
		found = strncmp(p, name, l) == 0 && p[l] == ':';
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	free(passwd);
	return found;
}

const char *vfd_vm_default_user(struct vfd_root *root)
{
	static char conf_user[64];
	struct vfd_system sys;
	char *u = qemu_conf_user(root);

	/* an explicit user in qemu.conf wins: it is what libvirt runs QEMU as */
	if (u && strlen(u) < sizeof(conf_user)) {
		snprintf(conf_user, sizeof(conf_user), "%s", u);
		free(u);
		return conf_user;
	}
	free(u);
	vfd_system_detect(root, &sys);
	switch (sys.distro) {
	case VFD_DISTRO_FEDORA:
		vfd_system_clear(&sys);
		return "qemu";
	case VFD_DISTRO_DEBIAN:
	case VFD_DISTRO_ARCH:
		vfd_system_clear(&sys);
		return "libvirt-qemu";
	default:
		vfd_system_clear(&sys);
		break;
	}
	if (!has_user(root, "libvirt-qemu") && has_user(root, "qemu"))
		return "qemu";
	return "libvirt-qemu";
}

const char *vm_user(struct vfd_root *root, const char *user)
{
	return user && *user ? user : vfd_vm_default_user(root);
}

/*
 * user_can_open() asks for read and write (device nodes); copying the bit we
 * need into both makes it answer for that bit alone.
 */
static struct stat only_bit(const struct stat *st, unsigned int shift)
{
	struct stat s = *st;
	mode_t m = 0;

	for (int cls = 0; cls < 3; cls++) {
		mode_t bit = (st->st_mode >> (cls * 3)) & (1u << shift);

		if (bit)
			m |= (mode_t)(06u << (cls * 3));
	}
	s.st_mode = (st->st_mode & ~(mode_t)0777) | m;
	return s;
}

int vm_user_can_read(struct vfd_root *root, const char *user, const char *path, bool *can,
		     char **why)
{
	char dir[PATH_MAX];
	struct stat st, fake;
	char *w = NULL;
	int r;

	*can = true;
	*why = NULL;
	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	/* every directory on the way needs search (x) permission */
	for (const char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		size_t l = (size_t)(p - path);

		memcpy(dir, path, l);
		dir[l] = '\0';
		r = vfd_root_statf(root, &st, "%s", dir);
		if (r < 0)
			return r;
		fake = only_bit(&st, 0);
		r = user_can_open(root, user, &fake, can, &w);
		free(w);
		w = NULL;
		if (r < 0)
			return r;
		if (!*can) {
			char *node = describe_node(root, &st);

			*why = xasprintf("%s may not enter %s (%s)", user, dir, node ? node : "?");
			free(node);
			return 0;
		}
	}
	r = vfd_root_statf(root, &st, "%s", path);
	if (r < 0)
		return r;
	fake = only_bit(&st, 2);
	r = user_can_open(root, user, &fake, can, &w);
	free(w);
	if (r < 0)
		return r;
	if (!*can) {
		char *node = describe_node(root, &st);

		*why = xasprintf("%s may not read %s (%s)", user, path, node ? node : "?");
		free(node);
	}
	return 0;
}

bool vm_vga_disabled(struct vfd_root *root)
{
	char *v = NULL;
	bool on;

	if (vfd_root_readf_str(root, &v, "sys/module/vfio_pci/parameters/disable_vga") < 0)
		return false;
	on = v[0] == 'Y' || v[0] == 'y' || v[0] == '1';
	free(v);
	return on;
}

/* ------------------------------------------------------------ ROMs */

/* "x86, efi x64" for evidence */
static void rom_images(const struct vfd_rom_info *info, struct tbuf *b)
{
	for (size_t i = 0; i < info->n_images; i++) {
		const struct vfd_rom_image *im = &info->images[i];
		const char *type = im->has_pcir ? vfd_rom_code_type_name(im->code_type) : NULL;

		if (i)
			tbuf_adds(b, ", ");
		if (!type)
			tbuf_adds(b, im->has_pcir ? "unknown type" : "no PCIR");
		else if (im->efi && vfd_efi_machine_name(im->efi_machine))
			tbuf_addf(b, "%s %s", type, vfd_efi_machine_name(im->efi_machine));
		else
			tbuf_adds(b, type);
	}
	if (!info->n_images)
		tbuf_adds(b, "no image");
}

int vm_check_romfile(struct vfd_root *root, const char *user, const char *path,
		     const struct vfd_pcidev *dev, enum vfd_vm_firmware firmware, const char *id,
		     struct vfd_report *report)
{
	const char *slot = dev ? vfd_pcidev_get_slot(dev) : NULL;
	struct vfd_rom_info *info = NULL;
	struct vfd_finding *f;
	struct tbuf images = { 0 };
	char *buf = NULL, *why = NULL, *list;
	size_t len = 0;
	struct stat st;
	bool can = true;
	int r;

	if (path[0] != '/') {
		f = report_add(report, id, "vm", VFD_FAIL, slot,
			       "romfile '%s' is not an absolute path", path);
		finding_fix(f, "give the full path: QEMU looks a relative name up in its own "
			       "firmware directories, not beside the definition");
		return 0;
	}
	r = vfd_root_statf(root, &st, "%s", path);
	if (r < 0 || !S_ISREG(st.st_mode)) {
		f = report_add(report, id, "vm", VFD_FAIL, slot, "romfile %s %s", path,
			       r == -ENOENT ? "does not exist"
			       : r < 0 ? "cannot be inspected" : "is not a regular file");
		if (r < 0 && r != -ENOENT)
			finding_evidence(f, "%s: %s", path, strerror(-r));
		finding_fix(f, "dump the ROM with: vfio-doctor rom dump %s -o %s",
			    slot ? slot : "DEVICE", path);
		return r == -ENOENT ? -ENOENT : 0;
	}
	r = vm_user_can_read(root, user, path, &can, &why);
	if (r == 0 && !can) {
		f = report_add(report, id, "vm", VFD_FAIL, slot,
			       "romfile %s is not readable by %s, the QEMU user", path, user);
		finding_evidence(f, "%s", why);
		finding_fix(f, "chmod a+r %s, or move it to /usr/share/qemu or "
			       "/var/lib/libvirt/images", path);
		free(why);
		return 0;
	}
	free(why);
	r = vfd_root_read_filef(root, (16u << 20) + 1, &buf, &len, "%s", path);
	if (r < 0 || len > (16u << 20)) {
		f = report_add(report, id, "vm", VFD_FAIL, slot, "romfile %s %s", path,
			       r < 0 ? "cannot be read" : "is larger than 16 MiB: not a ROM");
		if (r < 0)
			finding_evidence(f, "%s: %s", path, strerror(-r));
		free(buf);
		return 0;
	}
	info = calloc(1, sizeof(*info));
	if (!info) {
		free(buf);
		return -ENOMEM;
	}
	vfd_rom_parse((const uint8_t *)buf, len, info);
	free(buf);
	rom_images(info, &images);
	list = tbuf_take(&images, NULL);
	if (vfd_rom_status(info) == VFD_FAIL || !info->n_images) {
		f = report_add(report, id, "vm", VFD_FAIL, slot,
			       "romfile %s is not a usable option ROM", path);
		for (unsigned int bit = 1; bit && bit <= VFD_ROM_LAST_PROBLEM; bit <<= 1)
			if ((info->problems & bit) && vfd_rom_problem_status(bit) == VFD_FAIL)
				finding_evidence(f, "%s: %s", path, vfd_rom_problem_text(bit));
		finding_fix(f, "vfio-doctor rom info %s", path);
	} else if (dev && !vfd_rom_claims_device(info, vfd_pcidev_get_vendor(dev),
						  vfd_pcidev_get_device(dev))) {
		f = report_add(report, id, "vm", VFD_WARN, slot,
			       "romfile %s is for another device: no image names %04x:%04x", path,
			       vfd_pcidev_get_vendor(dev), vfd_pcidev_get_device(dev));
		finding_evidence(f, "%s: images: %s", path, list ? list : "?");
		finding_fix(f, "use the ROM of this exact card (vfio-doctor rom dump %s)", slot);
	} else if (firmware == VFD_FIRMWARE_EFI && !vfd_rom_has_uefi(info, VFD_EFI_MACHINE_X64)) {
		f = report_add(report, id, "vm", VFD_WARN, slot,
			       "romfile %s has no EFI image: OVMF shows nothing on this card "
			       "until the guest's driver starts", path);
		finding_evidence(f, "%s: images: %s", path, list ? list : "?");
		finding_fix(f, "use a ROM with a UEFI GOP image (the card maker's update), "
			       "or accept a blank screen until the guest boots");
	} else if (firmware == VFD_FIRMWARE_BIOS && !vfd_rom_has_legacy(info)) {
		f = report_add(report, id, "vm", VFD_FAIL, slot,
			       "romfile %s has no legacy x86 image: SeaBIOS cannot start this card",
			       path);
		finding_evidence(f, "%s: images: %s", path, list ? list : "?");
		finding_fix(f, "boot the guest with OVMF (UEFI) instead of SeaBIOS");
	} else {
		f = report_add(report, id, "vm", VFD_OK, slot, "romfile %s: %s", path,
			       list ? list : "?");
		if (r == 0)
			finding_evidence(f, "%s: readable by %s", path, user);
		else
			finding_evidence(f, "%s: access not checked: %s is not in etc/passwd", path,
					 user);
	}
	free(list);
	free(info);
	return 0;
}

/* ------------------------------------------------------------ OVMF */

int vfd_vm_find_ovmf(struct vfd_root *root, char **code, char **vars)
{
	/* plain builds only: Secure Boot ones refuse the unsigned loaders of Android-x86 */
	static const char *const pairs[][2] = {
		/* Debian, Ubuntu (ovmf) */
		{ "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd" },
		{ "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd" },
		/* Fedora, RHEL (edk2-ovmf) */
		{ "/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd" },
		/* Arch (edk2-ovmf) */
		{ "/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd" },
		{ "/usr/share/edk2/x64/OVMF_CODE.fd", "/usr/share/edk2/x64/OVMF_VARS.fd" },
		{ "/usr/share/edk2-ovmf/x64/OVMF_CODE.fd", "/usr/share/edk2-ovmf/x64/OVMF_VARS.fd" },
		/* QEMU's own copy */
		{ "/usr/share/qemu/edk2-x86_64-code.fd", "/usr/share/qemu/edk2-i386-vars.fd" },
	};

	*code = *vars = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		if (!vfd_root_existsf(root, "%s", pairs[i][0]) ||
		    !vfd_root_existsf(root, "%s", pairs[i][1]))
			continue;
		*code = strdup(pairs[i][0]);
		*vars = strdup(pairs[i][1]);
		if (!*code || !*vars) {
			free(*code);
			free(*vars);
			*code = *vars = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	return -ENOENT;
}
