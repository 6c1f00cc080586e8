// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfd_check_run: gather what every layer needs once (cpuinfo, command line,
 * kernel log, distribution), then run the layers in the order an expert
 * would: platform, firmware, iommu, modules, device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "internal.h"

/* "flags\t\t: fpu vme ... vmx ..." -> is @flag among the words? */
static bool has_flag(const char *cpuinfo, const char *flag)
{
	const char *p = strstr(cpuinfo, "\nflags");
	size_t fl = strlen(flag);

	if (!p)
		return false;
	p = strchr(p, ':');
	if (!p)
		return false;
	for (p++; *p && *p != '\n';) {
		while (*p == ' ')
			p++;
		if (strncmp(p, flag, fl) == 0 && (p[fl] == ' ' || p[fl] == '\n' || !p[fl]))
			return true;
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	return false;
}

static char *cpu_vendor(const char *cpuinfo)
{
	const char *p = strstr(cpuinfo, "vendor_id");
	const char *end;

	if (!p || !(p = strchr(p, ':')))
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	end = strchr(p, '\n');
	return end ? strndup(p, (size_t)(end - p)) : strdup(p);
}

static void ctx_load(struct check_ctx *ctx)
{
	char *cpuinfo = NULL;

	vfd_system_detect(ctx->root, &ctx->sys);
	/* the first CPU's block is enough: flags are the same on every CPU */
	if (vfd_root_read_filef(ctx->root, 1 << 16, &cpuinfo, NULL, "proc/cpuinfo") == 0) {
		ctx->cpu_vendor = cpu_vendor(cpuinfo);
		ctx->cpu_vmx = has_flag(cpuinfo, "vmx");
		ctx->cpu_svm = has_flag(cpuinfo, "svm");
		free(cpuinfo);
	}
	if (vfd_root_readf_str(ctx->root, &ctx->cmdline_raw, "proc/cmdline") == 0) {
		ctx->n_cmdline = vfd_cmdline_split(ctx->cmdline_raw, &ctx->cmdline);
		if (ctx->n_cmdline < 0)
			ctx->n_cmdline = 0;
	}
	ctx->kmsg_err = vfd_kmsg_read(ctx->root, &ctx->kmsg);
	ctx->iommu_active = vfd_host_count_groups(ctx->host) > 0 ||
			    vfd_root_existsf(ctx->root, "sys/kernel/iommu_groups/0");
	ctx->mods = vfd_modules_new(ctx->root, vfd_host_get_release(ctx->host));
}

static void ctx_clear(struct check_ctx *ctx)
{
	vfd_system_clear(&ctx->sys);
	vfd_kmsg_clear(&ctx->kmsg);
	vfd_cmdline_free(ctx->cmdline, ctx->n_cmdline);
	free(ctx->cmdline_raw);
	free(ctx->cpu_vendor);
	vfd_modules_free(ctx->mods);
}

bool finding_user_access(struct check_ctx *ctx, struct vfd_finding *f, const struct stat *st,
			 const char *path, const char *node)
{
	const char *user = ctx->opts ? ctx->opts->user : NULL;
	bool can = false;
	char *why = NULL;
	int r;

	if (!user || !f)
		return false;
	r = user_can_open(ctx->root, user, st, &can, &why);
	if (r == -ESRCH) {
		finding_evidence(f, "user %s not found in /etc/passwd", user);
	} else if (r < 0) {
		finding_evidence(f, "/etc/passwd not readable: access of %s unknown", user);
	} else if (can) {
		finding_evidence(f, "%s may open %s (read and write)", user, path);
	} else {
		f->status = VFD_WARN;
		free(f->summary);
		f->summary = xasprintf("%s cannot open %s (%s)", user, path, node ? node : "?");
		if (why)
			finding_evidence(f, "%s", why);
	}
	free(why);
	return r == 0 && !can;
}

int vfd_check_run(struct vfd_host *host, const struct vfd_check_opts *opts,
		  struct vfd_report *report)
{
	struct check_ctx ctx = {
		.host = host,
		.root = vfd_host_get_root(host),
		.report = report,
		.opts = opts,
	};
	int r;

	/* reject bad device arguments before doing any work */
	for (size_t i = 0; opts && opts->devices && opts->devices[i]; i++) {
		struct vfd_devspec spec;
		size_t idx;

		if (vfd_devspec_parse(opts->devices[i], &spec) < 0)
			return -EINVAL;
		if (vfd_host_lookup(host, &spec, &idx) < 0)
			return -ENODEV;
	}
	ctx_load(&ctx);
	check_platform(&ctx);
	check_firmware(&ctx);
	check_iommu(&ctx);
	check_modules(&ctx);
	r = check_devices(&ctx);
	ctx_clear(&ctx);
	return r;
}
