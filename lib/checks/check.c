// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfd_check_run: gather what every layer needs once (cpuinfo, command line,
 * kernel log, distribution), then run the layers in the order an expert
 * would: platform, firmware, iommu, modules, device.
 */
#define _GNU_SOURCE
#include <string.h>

#include "check-layers.h"
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

int vfd_check_run(struct vfd_host *host, const struct vfd_check_opts *opts,
		  struct vfd_report *report)
{
	struct check_ctx ctx = {
		.host = host,
		.root = vfd_host_get_root(host),
		.report = report,
		.opts = opts,
	};
	struct vfd_selection named = { .bad_arg = -1 };
	int r;

	/* bad device arguments are rejected before any work */
	if (opts && opts->selection) {
		ctx.selection = opts->selection;
	} else if (opts && opts->devices && opts->devices[0]) {
		r = vfd_select(host, opts->devices, VFD_EXPAND_NONE, &named);
		if (r < 0)
			return r;
		ctx.selection = &named;
	}
	ctx_load(&ctx);
	check_platform(&ctx);
	check_firmware(&ctx);
	check_iommu(&ctx);
	check_modules(&ctx);
	check_devices(&ctx);
	ctx_clear(&ctx);
	vfd_selection_clear(&named);
	return 0;
}
