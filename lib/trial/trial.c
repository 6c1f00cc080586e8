// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trial's initramfs, written without an external tool: the static guest
 * build as /init, the device's modules and their firmware. The kernel
 * unpacks it into its rootfs and runs /init (init/initramfs.c,
 * init/main.c:kernel_init); /dev/console must exist before anything is
 * mounted, for init's standard streams (console_on_rootfs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpio.h"
#include "internal.h"
#include "trial.h"
#include "unpack.h"

#define MODULE_MAX (256u << 20)
#define FIRMWARE_MAX (64u << 20)

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int add_module(struct vfd_cpio *c, const struct vfd_module_file *m, struct strv_builder *order)
{
	char *data = NULL, *plain = NULL, *name;
	size_t len = 0, plain_len = 0;
	int r = vfd_slurp(m->path, MODULE_MAX, &data, &len);

	if (r < 0)
		return -EIO;
	if (ends_with(m->path, ".ko.xz") || ends_with(m->path, ".ko.zst") ||
	    ends_with(m->path, ".ko.gz")) {
		/*
		 * the guest kernel may lack CONFIG_MODULE_DECOMPRESS, and
		 * finit_module then takes only plain ELF
		 */
		r = vfd_decompress(data, len, MODULE_MAX, &plain, &plain_len);
		free(data);
		if (r < 0)
			return r == -ENOMEM ? r : -EIO;
		data = plain;
		len = plain_len;
	}
	name = xasprintf("lib/modules/%s.ko", m->name);
	r = name ? vfd_cpio_file(c, name, 0644, data, len) : -ENOMEM;
	if (r == 0)
		strv_addf(order, "/%s", name);
	free(name);
	free(data);
	return r;
}

/* lib/firmware/NAME, or the compressed forms the firmware loader also takes */
static int add_firmware(struct vfd_cpio *c, struct vfd_root *root, const char *fw,
			const char *module, struct vfd_report *notes)
{
	static const char *const suffixes[] = { "", ".zst", ".xz" };

	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		char *data = NULL, *name;
		size_t len = 0;
		int r;

		if (vfd_root_read_filef(root, FIRMWARE_MAX, &data, &len, "lib/firmware/%s%s", fw,
					suffixes[i]) < 0)
			continue;
		name = xasprintf("lib/firmware/%s%s", fw, suffixes[i]);
		r = name ? vfd_cpio_file(c, name, 0644, data, len) : -ENOMEM;
		free(name);
		free(data);
		return r;
	}
	if (notes)
		report_add(notes, "trial.firmware", "trial", VFD_INFO, NULL,
			   "firmware %s named by %s is not in /lib/firmware: left out", fw, module);
	return 0;
}

/* the parent directories of lib/firmware/a/b.bin, each once */
static int add_parents(struct vfd_cpio *c, const char *path, struct strv_builder *made)
{
	char *dup = strdup(path);
	int r = 0;

	if (!dup)
		return -ENOMEM;
	for (char *p = strchr(dup, '/'); p && r == 0; p = strchr(p + 1, '/')) {
		bool seen = false;

		*p = '\0';
		for (size_t i = 0; i < made->n; i++)
			seen |= strcmp(made->v[i], dup) == 0;
		if (!seen) {
			r = vfd_cpio_dir(c, dup);
			strv_addf(made, "%s", dup);
		}
		*p = '/';
	}
	free(dup);
	return r;
}

int vfd_trial_write_initramfs(int fd, const struct vfd_trial_initrd *in,
			      struct vfd_report *notes)
{
	static const char *const dirs[] = { "dev", "proc", "sys", "etc", "lib", "lib/modules",
					    "lib/firmware" };
	struct strv_builder order = { 0 }, made = { 0 };
	struct vfd_cpio c;
	char *init = NULL, *list = NULL;
	size_t init_len = 0, list_len = 0;
	int r;

	r = vfd_slurp(in->init, MODULE_MAX, &init, &init_len);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOENT;
	vfd_cpio_init(&c, fd);
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && r == 0; i++) {
		r = vfd_cpio_dir(&c, dirs[i]);
		strv_addf(&made, "%s", dirs[i]);
	}
	/* devices.txt: 5,1 console; 4,64 and 4,65 the first two 8250 ports */
	if (r == 0)
		r = vfd_cpio_chardev(&c, "dev/console", 5, 1);
	if (r == 0)
		r = vfd_cpio_file(&c, "init", 0755, init, init_len);
	for (size_t i = 0; i < in->n_mods && r == 0; i++) {
		const struct vfd_module_file *m = &in->mods[i];

		if (!m->path) {
			if (notes)
				report_add(notes, "trial.module", "trial", VFD_INFO, NULL,
					   "%s is built into the kernel", m->name);
			continue;
		}
		r = add_module(&c, m, &order);
		for (char **fw = m->firmware; r == 0 && fw && *fw; fw++) {
			char *path = xasprintf("lib/firmware/%s", *fw);

			r = path ? add_parents(&c, path, &made) : -ENOMEM;
			free(path);
			if (r == 0)
				r = add_firmware(&c, in->root, *fw, m->name, notes);
		}
	}
	if (r == 0) {
		for (size_t i = 0; i < order.n; i++)
			list_len += strlen(order.v[i]) + 1;
		list = calloc(1, list_len + 1);
		if (!list)
			r = -ENOMEM;
		for (size_t i = 0; list && i < order.n; i++) {
			strcat(list, order.v[i]);
			strcat(list, "\n");
		}
	}
	if (r == 0)
		r = vfd_cpio_file(&c, VFD_TRIAL_MODULE_LIST, 0644, list, list_len);
	if (r == 0)
		r = vfd_cpio_finish(&c);
	free(list);
	free(init);
	strv_builder_clear(&order);
	strv_builder_clear(&made);
	return r;
}

/*
 * whether the tree says which drivers are built in by alias: depmod writes
 * modules.builtin.alias.bin from the kernel's modules.builtin.modinfo (Linux
 * 5.2 on); without it a built-in driver cannot be told from a missing one
 */
static bool builtin_known(struct vfd_root *root, struct vfd_modules *m)
{
	const char *tree = vfd_modules_tree(m);

	return tree && vfd_root_existsf(root, "%s/modules.builtin.alias.bin", tree);
}

/*
 * An HD Audio controller's codecs are driven by modules the HDA bus asks for
 * only once it has found them (sound/pci/hda/hda_bind.c: a codec's own module
 * by request_module, then the generic parser, or the generic HDMI one for a
 * GPU's audio). The trial's initramfs has no modprobe to answer the kernel's
 * requests, so both generic parsers go in ahead, before the controller's
 * driver: its probe runs in the background and binds the codecs at once, and a
 * codec no driver takes leaves the card unregistered.
 */
static int hda_codec_modules(struct vfd_modules *m, struct vfd_module_file **mods,
			     size_t *n_mods)
{
	static const char *const generic[] = { "snd_hda_codec_generic", "snd_hda_codec_hdmi" };

	for (size_t k = 0; k < ARRAY_SIZE(generic); k++) {
		int r = vfd_modules_for_alias(m, generic[k], mods, n_mods);

		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

int vfd_trial_find_modules(struct vfd_root *root, const char *release,
			   const struct vfd_trial_dev *devs, size_t n,
			   struct vfd_module_file **mods, size_t *n_mods, struct vfd_report *notes)
{
	struct vfd_modules *m = vfd_modules_new(root, release);
	int r = 0;

	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < n && r != -ENOMEM; i++) {
		char *alias = NULL;

		if (vfd_root_readf_str(root, &alias, "sys/bus/pci/devices/%s/modalias",
				       devs[i].slot) < 0)
			continue;
		if ((devs[i].class_code >> 8) == 0x0403)
			r = hda_codec_modules(m, mods, n_mods);
		if (r != -ENOMEM)
			r = vfd_modules_for_alias(m, alias, mods, n_mods);
		if (r == 0 && notes && builtin_known(root, m)) {
			struct vfd_finding *f = report_add(
				notes, "trial.module", "trial", VFD_FAIL, devs[i].slot,
				"no module of kernel %s matches %s %04x:%04x (%s), and no driver "
				"built into it does: the guest cannot drive the device", release,
				devs[i].slot, devs[i].vendor, devs[i].device, alias);

			if (f) {
				finding_evidence(f, "module tree: %s (modules.alias and "
						 "modules.builtin.alias.bin looked up)",
						 vfd_modules_tree(m));
				finding_fix(f, "pass a kernel that has the driver with --kernel, or "
						"install the driver's module for %s and run depmod %s",
					    release, release);
			}
		} else if (r == 0 && notes) {
			report_add(notes, "trial.module", "trial", VFD_WARN, devs[i].slot,
				   "no module of this kernel matches %s %04x:%04x (%s): unless a "
				   "driver is built in, the guest will not drive it", devs[i].slot,
				   devs[i].vendor, devs[i].device, alias);
		}
		if (r < 0 && r != -ENOMEM && notes)
			report_add(notes, "trial.module", "trial", VFD_WARN, devs[i].slot,
				   "no module could be looked up for %s: %s", alias,
				   r == -ELIBACC ? "libkmod cannot be loaded" :
				   r == -ENOENT ? "no module tree for this kernel" : strerror(-r));
		free(alias);
	}
	vfd_modules_free(m);
	return r == -ENOMEM ? r : 0;
}
