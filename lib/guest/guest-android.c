// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Android: the property files that choose the graphics stack (in init's
 * order), getprop where it runs, and the EGL, Vulkan and gralloc choices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest-internal.h"

void guest_load_props(struct gctx *g)
{
	/* init's order (property_service.cpp); later files override earlier ones */
	static const char *const files[] = {
		"default.prop", "system/etc/prop.default", "system/build.prop",
		"system_ext/etc/build.prop", "system_ext/build.prop", "vendor/default.prop",
		"vendor/build.prop", "vendor/odm/etc/build.prop", "odm/etc/build.prop",
		"odm/build.prop", "product/etc/build.prop", "product/build.prop",
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *buf = NULL;
		size_t len = 0, before = g->props.n;
		int r = vfd_root_read_filef(g->root, PROPFILE_MAX, &buf, &len, "%s", files[i]);

		guest_note_denied(g, files[i], r);
		if (r < 0)
			continue;
		r = vfd_props_parse(&g->props, buf, len, VFD_PROPS_FILE, files[i]);
		if (r >= 0)
			strv_addf(&g->propfiles, "/%s: %d properties (%zu new)", files[i], r,
				  g->props.n - before);
		free(buf);
	}
	g->getprop_err = 1;
	if (vfd_root_is_live(g->root) && g->android)
		g->getprop_err = vfd_getprop_run(g->opts->getprop, g->opts->getprop_timeout_ms,
						 &g->props);
}

const char *guest_prop(struct gctx *g, const char *key, const char **src)
{
	const char *v = vfd_props_get(&g->props, key, src);

	return v && *v ? v : NULL;
}

/* "ro.hardware.egl=mesa (/vendor/build.prop)" */
void guest_evidence_prop(struct vfd_finding *f, struct gctx *g, const char *key)
{
	const char *src = NULL;
	const char *v = guest_prop(g, key, &src);

	if (v)
		finding_evidence(f, "%s=%s (%s%s)", key, v, strcmp(src, "getprop") ? "/" : "", src);
	else
		finding_evidence(f, "%s: not set%s", key,
				 g->getprop_err == 0 ? "" : " in the property files read");
	/* a file that could not be read may set it too (getprop would have the last word) */
	for (size_t i = 0; g->getprop_err != 0 && i < g->unreadable.n; i++)
		if (strstr(g->unreadable.v[i], ".prop"))
			finding_evidence(f, "/%s: unreadable, may set it too", g->unreadable.v[i]);
}

/* a library in one of the partitions' lib dirs; -1 when no such dir exists at all */
static int find_lib(struct gctx *g, const char *sub, const char *const *names, size_t n,
		    char *where, size_t size)
{
	static const char *const parts[] = { "vendor/lib64", "system/lib64", "vendor/lib",
					     "system/lib", "odm/lib64", "odm/lib" };
	bool any_dir = false;

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!vfd_root_existsf(g->root, "%s/%s", parts[i], sub))
			continue;
		any_dir = true;
		for (size_t j = 0; j < n; j++) {
			if (vfd_root_existsf(g->root, "%s/%s/%s", parts[i], sub, names[j])) {
				snprintf(where, size, "/%s/%s/%s", parts[i], sub, names[j]);
				return 1;
			}
		}
	}
	return any_dir ? 0 : -1;
}

static bool value_in(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n && list[i]; i++)
		if (strcmp(v, list[i]) == 0)
			return true;
	return false;
}

static void fix_prop(struct gctx *g, struct vfd_finding *f, const char *key, const char *want)
{
	const char *src = NULL;

	guest_prop(g, key, &src);
	if (src && strcmp(src, "getprop") != 0)
		finding_fix(f, "set %s=%s in /%s (adb root && adb remount, edit the line, "
			       "reboot)", key, want, src);
	else
		finding_fix(f, "set %s=%s in /vendor/build.guest_prop (adb root && adb remount, add the "
			       "line, reboot)", key, want);
}

void guest_finding_egl(struct gctx *g, struct gdev *gpu)
{
	static const char *const software[] = { "swiftshader", "emulation", "goldfish", "ranchu" };
	const struct gpu_stack *st = guest_stack_of(gpu->driver);
	const char *egl = guest_prop(g, "ro.hardware.egl", NULL);
	const char *vk = guest_prop(g, "ro.hardware.vulkan", NULL);
	struct vfd_finding *f;
	char where[256];

	if (!gpu->driver || !st || !st->mesa)
		return;
	if (!egl) {
		f = report_add(g->rep, "guest.egl", LAYER, VFD_INFO, gpu->slot,
			       "ro.hardware.egl is not set%s: the EGL loader's default applies",
			       g->getprop_err == 0 ? "" : " in the property files");
		guest_evidence_prop(f, g, "ro.hardware.egl");
		if (g->getprop_err != 0)
			finding_fix(f, "see the value in use with: adb shell getprop ro.hardware.egl "
				       "(it may be set at boot); Mesa is \"mesa\"");
		return;
	}
	if (strcmp(egl, "mesa") == 0) {
		const char *names[] = { "libGLES_mesa.so", "libEGL_mesa.so" };
		int r = find_lib(g, "egl", names, ARRAY_SIZE(names), where, sizeof(where));

		f = report_add(g->rep, "guest.egl", LAYER, r == 0 ? VFD_FAIL : VFD_OK, gpu->slot,
			       r == 0 ? "ro.hardware.egl=mesa but Mesa's EGL library is missing" :
			       "EGL is Mesa (%s for %s)", st->mesa, gpu->driver);
		guest_evidence_prop(f, g, "ro.hardware.egl");
		if (r == 1)
			finding_evidence(f, "%s: present", where);
		if (r == 0)
			finding_fix(f, "the image lacks /vendor/lib64/egl/libEGL_mesa.so (or "
				       "libGLES_mesa.so): use an image built with Mesa (Android-x86, "
				       "BlissOS)");
		return;
	}
	if (strcmp(egl, "angle") == 0 && vk && value_in(vk, st->vulkan, ARRAY_SIZE(st->vulkan))) {
		f = report_add(g->rep, "guest.egl", LAYER, VFD_OK, gpu->slot,
			       "EGL is ANGLE on the GPU's Vulkan driver (%s)", vk);
		guest_evidence_prop(f, g, "ro.hardware.egl");
		guest_evidence_prop(f, g, "ro.hardware.vulkan");
		return;
	}
	f = report_add(g->rep, "guest.egl", LAYER, VFD_WARN, gpu->slot,
		       "ro.hardware.egl=%s: Android does not render with Mesa on the %s GPU%s", egl,
		       gpu->driver, value_in(egl, software, ARRAY_SIZE(software)) ||
		       strcmp(egl, "angle") == 0 ? " (software rendering)" : "");
	guest_evidence_prop(f, g, "ro.hardware.egl");
	if (strcmp(egl, "angle") == 0)
		guest_evidence_prop(f, g, "ro.hardware.vulkan");
	fix_prop(g, f, "ro.hardware.egl", "mesa");
}

void guest_finding_vulkan(struct gctx *g, struct gdev *gpu)
{
	static const char *const software[] = { "swiftshader", "pastel", "lvp", "lavapipe" };
	const struct gpu_stack *st = guest_stack_of(gpu->driver);
	const char *vk = guest_prop(g, "ro.hardware.vulkan", NULL);
	struct vfd_finding *f;
	char where[256];

	if (!gpu->driver || !st || !st->mesa)
		return;
	if (!vk) {
		f = report_add(g->rep, "guest.vulkan", LAYER, VFD_INFO, gpu->slot,
			       "ro.hardware.vulkan is not set: no Vulkan driver is chosen");
		guest_evidence_prop(f, g, "ro.hardware.vulkan");
		return;
	}
	if (value_in(vk, st->vulkan, ARRAY_SIZE(st->vulkan))) {
		char lib[64];
		const char *names[] = { lib };
		int r;

		snprintf(lib, sizeof(lib), "vulkan.%s.so", vk);
		r = find_lib(g, "hw", names, 1, where, sizeof(where));
		f = report_add(g->rep, "guest.vulkan", LAYER, r == 0 ? VFD_WARN : VFD_OK, gpu->slot,
			       r == 0 ? "ro.hardware.vulkan=%s but %s is missing" :
			       "Vulkan driver %s for %s", vk, r == 0 ? lib : gpu->driver);
		guest_evidence_prop(f, g, "ro.hardware.vulkan");
		if (r == 1)
			finding_evidence(f, "%s: present", where);
		return;
	}
	if (value_in(vk, software, ARRAY_SIZE(software))) {
		f = report_add(g->rep, "guest.vulkan", LAYER, VFD_INFO, gpu->slot,
			       "Vulkan is %s, in software, not on the GPU", vk);
	} else {
		f = report_add(g->rep, "guest.vulkan", LAYER, VFD_WARN, gpu->slot,
			       "ro.hardware.vulkan=%s does not drive the %s GPU", vk, gpu->driver);
	}
	guest_evidence_prop(f, g, "ro.hardware.vulkan");
	if (st->vulkan[0])
		fix_prop(g, f, "ro.hardware.vulkan", st->vulkan[0]);
}

void guest_finding_gralloc(struct gctx *g, struct gdev *gpu)
{
	static const char *const emulator[] = { "goldfish", "ranchu", "emulation" };
	const char *gr = guest_prop(g, "ro.hardware.gralloc", NULL);
	struct vfd_finding *f;

	if (!gpu->driver || !guest_stack_of(gpu->driver))
		return;
	if (gr && value_in(gr, emulator, ARRAY_SIZE(emulator))) {
		f = report_add(g->rep, "guest.gralloc", LAYER, VFD_WARN, gpu->slot,
			       "gralloc is the emulator's (%s): buffers are not allocated on the GPU",
			       gr);
		fix_prop(g, f, "ro.hardware.gralloc", "gbm");
	} else {
		f = report_add(g->rep, "guest.gralloc", LAYER, VFD_INFO, gpu->slot, "gralloc: %s",
			       gr ? gr : "not set (the default module)");
	}
	guest_evidence_prop(f, g, "ro.hardware.gralloc");
	guest_evidence_prop(f, g, "ro.hardware.hwcomposer");
}
