// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The distribution family and bootloader, so that every fix is a command the
 * user can type: os-release(5) ID and ID_LIKE, then the bootloader's own
 * configuration files.
 */
#define _GNU_SOURCE
#include <string.h>

#include "internal.h"

/* value of KEY= in an os-release text, unquoted (caller frees) */
static char *os_release_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t vlen = len - klen - 1;

			if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
				v++;
				vlen -= 2;
			}
			return strndup(v, vlen);
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static bool word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p && *p;) {
		while (*p == ' ')
			p++;
		if (strncmp(p, word, wl) == 0 && (p[wl] == ' ' || p[wl] == '\0'))
			return true;
		p = strchr(p, ' ');
	}
	return false;
}

static enum vfd_distro family(const char *id, const char *like)
{
	static const struct {
		const char *word;
		enum vfd_distro distro;
	} map[] = {
		{ "debian", VFD_DISTRO_DEBIAN }, { "ubuntu", VFD_DISTRO_DEBIAN },
		{ "fedora", VFD_DISTRO_FEDORA }, { "rhel", VFD_DISTRO_FEDORA },
		{ "centos", VFD_DISTRO_FEDORA }, { "arch", VFD_DISTRO_ARCH },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (id && strcmp(id, map[i].word) == 0)
			return map[i].distro;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (like && word_in(like, map[i].word))
			return map[i].distro;
	return VFD_DISTRO_UNKNOWN;
}

int vfd_system_detect(struct vfd_root *root, struct vfd_system *out)
{
	char *text = NULL;

	memset(out, 0, sizeof(*out));
	if (vfd_root_read_filef(root, 1 << 16, &text, NULL, "etc/os-release") == 0 ||
	    vfd_root_read_filef(root, 1 << 16, &text, NULL, "usr/lib/os-release") == 0) {
		char *id = os_release_value(text, "ID");
		char *like = os_release_value(text, "ID_LIKE");

		out->distro = family(id, like);
		out->pretty_name = os_release_value(text, "PRETTY_NAME");
		free(id);
		free(like);
		free(text);
	}
	/* systemd-boot/kernel-install keep the command line in /etc/kernel/cmdline */
	if (vfd_root_existsf(root, "etc/kernel/cmdline") ||
	    vfd_root_existsf(root, "boot/loader/loader.conf") ||
	    vfd_root_existsf(root, "boot/efi/loader/loader.conf") ||
	    vfd_root_existsf(root, "efi/loader/loader.conf"))
		out->boot = VFD_BOOT_SYSTEMD_BOOT;
	else if (vfd_root_existsf(root, "etc/default/grub"))
		out->boot = VFD_BOOT_GRUB;
	return 0;
}

void vfd_system_clear(struct vfd_system *sys)
{
	free(sys->pretty_name);
	memset(sys, 0, sizeof(*sys));
}

const char *vfd_distro_name(enum vfd_distro distro)
{
	switch (distro) {
	case VFD_DISTRO_DEBIAN:
		return "Debian/Ubuntu";
	case VFD_DISTRO_FEDORA:
		return "Fedora/RHEL";
	case VFD_DISTRO_ARCH:
		return "Arch";
	default:
		return "unknown distribution";
	}
}

const char *vfd_bootloader_name(enum vfd_bootloader boot)
{
	switch (boot) {
	case VFD_BOOT_GRUB:
		return "GRUB";
	case VFD_BOOT_SYSTEMD_BOOT:
		return "systemd-boot";
	default:
		return "unknown bootloader";
	}
}

char **vfd_system_cmdline_fix(const struct vfd_system *sys, const char *add, const char *remove)
{
	struct strv_builder b = { 0 };
	const char *what = add ? add : remove;
	const char *verb = add ? "add" : "remove";

	if (sys->distro == VFD_DISTRO_FEDORA && sys->boot != VFD_BOOT_SYSTEMD_BOOT) {
		/* grubby edits every BLS entry and /etc/default/grub together */
		strv_addf(&b, "grubby --update-kernel=ALL --%s='%s'", add ? "args" : "remove-args",
			  what);
	} else if (sys->boot == VFD_BOOT_SYSTEMD_BOOT) {
		strv_addf(&b, "%s '%s' %s /etc/kernel/cmdline", verb, what,
			  add ? "to the line in" : "from the line in");
		if (sys->distro == VFD_DISTRO_ARCH)
			strv_addf(&b, "or edit the options line of /boot/loader/entries/*.conf");
		strv_addf(&b, "kernel-install add \"$(uname -r)\" \"/lib/modules/$(uname -r)/vmlinuz\"");
	} else {
		strv_addf(&b, "%s '%s' %s GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub", verb,
			  what, add ? "to" : "from");
		if (sys->distro == VFD_DISTRO_ARCH)
			strv_addf(&b, "grub-mkconfig -o /boot/grub/grub.cfg");
		else if (sys->distro == VFD_DISTRO_DEBIAN)
			strv_addf(&b, "update-grub");
		else
			strv_addf(&b, "update-grub (Debian/Ubuntu) or grub2-mkconfig -o "
				      "/boot/grub2/grub.cfg (Fedora) or grub-mkconfig -o "
				      "/boot/grub/grub.cfg (Arch)");
	}
	strv_addf(&b, "reboot");
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	return strv_take(&b);
}

char **vfd_system_module_fix(const struct vfd_system *sys, const char *module)
{
	struct strv_builder b = { 0 };

	(void)sys;
	strv_addf(&b, "modprobe %s", module);
	/* modules-load.d is read by systemd on every family we know */
	strv_addf(&b, "echo %s >> /etc/modules-load.d/vfio.conf", module);
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	return strv_take(&b);
}
