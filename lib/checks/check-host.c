// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host layers of `check`: platform (CPU virtualization, /dev/kvm),
 * firmware (the ACPI tables that describe an IOMMU), iommu (driver, groups,
 * command line, interrupt remapping) and modules (vfio and its node).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check-layers.h"
#include "internal.h"

static bool is_intel(const struct check_ctx *ctx)
{
	return ctx->cpu_vendor && strcmp(ctx->cpu_vendor, "GenuineIntel") == 0;
}

static bool is_amd(const struct check_ctx *ctx)
{
	return ctx->cpu_vendor && (strcmp(ctx->cpu_vendor, "AuthenticAMD") == 0 ||
				   strcmp(ctx->cpu_vendor, "HygonGenuine") == 0);
}

/* the firmware switch names users find in setup menus */
static const char *virt_switch(const struct check_ctx *ctx)
{
	if (is_intel(ctx))
		return "Intel Virtualization Technology (VT-x)";
	if (is_amd(ctx))
		return "SVM Mode (AMD-V)";
	return "CPU virtualization (Intel VT-x or AMD SVM)";
}

static const char *iommu_switch(const struct check_ctx *ctx)
{
	if (is_intel(ctx))
		return "VT-d (Intel Virtualization Technology for Directed I/O)";
	if (is_amd(ctx))
		return "IOMMU / AMD-Vi (and SVM Mode)";
	return "VT-d (Intel) or IOMMU/AMD-Vi (AMD)";
}

/*
 * Inside a VM the hypervisor gives the guest its CPU features and its IOMMU:
 * a firmware setup switch on this side does not exist. The vIOMMU options are
 * QEMU's (docs/system/devices/... intel-iommu: intremap needs the split irqchip,
 * caching-mode lets vfio in the guest map memory) and libvirt's <iommu>.
 */
static bool guest_fix(struct check_ctx *ctx, struct vfd_finding *f, bool iommu)
{
	if (!ctx->sys.guest)
		return false;
	finding_evidence(f, "%s", ctx->sys.guest_why ? ctx->sys.guest_why : "a guest");
	if (ctx->sys.container) {
		finding_fix(f, "this is a container: the kernel, its IOMMU and KVM are the host's; "
			       "fix them on the host, bind the devices there, and pass /dev/vfio "
			       "(and /dev/kvm) into the container");
	} else if (iommu) {
		finding_fix(f, "this system is a guest: the hypervisor must give it a virtual "
			       "IOMMU (QEMU: -machine q35,kernel-irqchip=split -device "
			       "intel-iommu,intremap=on,caching-mode=on, or -device amd-iommu, or "
			       "-device virtio-iommu-pci; libvirt: <iommu model='intel'> with "
			       "<driver intremap='on' caching_mode='on'/>)");
	} else {
		finding_fix(f, "this system is a guest: the hypervisor must expose virtualization "
			       "(QEMU: -cpu host with nested=1 for kvm_intel/kvm_amd on the host; "
			       "libvirt: <cpu mode='host-passthrough'>)");
	}
	return true;
}

static void kmsg_evidence(struct check_ctx *ctx, struct vfd_finding *f, const char *needle,
			  int max)
{
	size_t pos = 0;
	const struct vfd_kmsg_line *l;

	while (max-- > 0 && (l = vfd_kmsg_find(&ctx->kmsg, needle, &pos)))
		finding_kmsg(f, l);
}

/*
 * The user may not open /dev/kvm. Never suggest joining group root: a node
 * left root:root means the udev rule that hands it to group kvm did not run.
 * systemd ships that rule in 50-udev-default.rules (KERNEL=="kvm",
 * GROUP="kvm", MODE from its dev-kvm-mode build option: 0666 upstream, 0660
 * on Debian and Fedora, where the QEMU user is a member of kvm); older QEMU
 * packages carried it as 65-kvm.rules.
 */
static void kvm_access_fix(struct check_ctx *ctx, struct vfd_finding *f, const struct stat *st)
{
	const char *user = ctx->opts->user;
	char *grp = group_name(ctx->root, st->st_gid);

	if (st->st_gid != 0) {
		finding_fix(f, "usermod -aG %s %s (then restart the VM manager or log in again)",
			    grp ? grp : "kvm", user);
		free(grp);
		return;
	}
	free(grp);
	finding_fix(f, "/dev/kvm should be crw-rw---- root:kvm: the distribution's udev rule "
		       "(systemd's 50-udev-default.rules: KERNEL==\"kvm\", GROUP=\"kvm\", "
		       "MODE=\"0660\") did not apply");
	finding_fix(f, "getent group kvm || groupadd --system kvm (the group the rule names)");
	finding_fix(f, "look for a rule overriding it: grep -rs kvm /etc/udev/rules.d "
		       "/run/udev/rules.d");
	finding_fix(f, "udevadm trigger --name-match=kvm (or reboot), then: ls -l /dev/kvm");
	finding_fix(f, "usermod -aG kvm %s (then restart the VM manager)", user);
}

void check_platform(struct check_ctx *ctx)
{
	struct vfd_finding *f;
	struct stat st;

	if (!ctx->sys.platform) {
		f = report_add(ctx->report, "platform.distribution", "platform", VFD_INFO, NULL,
			       "platform not recognised: the fixes below are generic steps, "
			       "adapt them to how this system boots");
		finding_evidence(f, "/etc/os-release: %s", ctx->sys.pretty_name
				 ? ctx->sys.pretty_name : "missing or without PRETTY_NAME");
	}

	if (!ctx->cpu_vendor && !ctx->cpu_vmx && !ctx->cpu_svm) {
		f = report_add(ctx->report, "platform.cpu", "platform", VFD_SKIP, NULL,
			       "CPU flags unknown: /proc/cpuinfo is not readable");
	} else if (ctx->cpu_vmx || ctx->cpu_svm) {
		f = report_add(ctx->report, "platform.cpu", "platform", VFD_OK, NULL,
			       "CPU virtualization available (%s)", ctx->cpu_vmx ? "vmx" : "svm");
		finding_evidence(f, "/proc/cpuinfo: %s flag present, vendor %s",
				 ctx->cpu_vmx ? "vmx" : "svm",
				 ctx->cpu_vendor ? ctx->cpu_vendor : "unknown");
	} else {
		f = report_add(ctx->report, "platform.cpu", "platform", VFD_FAIL, NULL,
			       "CPU virtualization is not available: no vmx or svm flag");
		finding_evidence(f, "/proc/cpuinfo: neither vmx nor svm among the flags, vendor %s",
				 ctx->cpu_vendor ? ctx->cpu_vendor : "unknown");
		if (!guest_fix(ctx, f, false))
			finding_fix(f, "enable %s in the firmware setup (or, in a VM, expose it: "
				       "-cpu host with nested virtualization)", virt_switch(ctx));
	}

	if (vfd_root_statf(ctx->root, &st, "dev/kvm") == 0) {
		char *node = describe_node(ctx->root, &st);

		f = report_add(ctx->report, "platform.kvm", "platform", VFD_OK, NULL,
			       "/dev/kvm present (%s)", node ? node : "?");
		finding_evidence(f, "/dev/kvm: %s", node ? node : "?");
		if (finding_user_access(ctx, f, &st, "/dev/kvm", node))
			kvm_access_fix(ctx, f, &st);
		free(node);
	} else {
		const char *mod = is_intel(ctx) ? "kvm_intel" : is_amd(ctx) ? "kvm_amd" : "kvm";
		enum vfd_module_state s = vfd_modules_state(ctx->mods, mod);

		f = report_add(ctx->report, "platform.kvm", "platform", VFD_FAIL, NULL,
			       "/dev/kvm is missing: KVM is not available");
		finding_evidence(f, "/dev/kvm: not found");
		finding_evidence(f, "module %s: %s", mod, vfd_module_state_name(s));
		if (!ctx->cpu_vmx && !ctx->cpu_svm) {
			if (!guest_fix(ctx, f, false))
				finding_fix(f, "enable %s in the firmware setup first",
					    virt_switch(ctx));
		}
		else
			finding_fix_steps(f, vfd_system_module_fix(&ctx->sys, mod));
	}
}

static bool acpi_table(struct check_ctx *ctx, const char *name)
{
	return vfd_root_existsf(ctx->root, "sys/firmware/acpi/tables/%s", name);
}

void check_firmware(struct check_ctx *ctx)
{
	static const struct {
		const char *table, *meaning;
	} tables[] = {
		{ "DMAR", "Intel VT-d remapping hardware" },
		{ "IVRS", "AMD-Vi IOMMU" },
		{ "VIOT", "virtio-iommu (virtual machine)" },
	};
	struct vfd_finding *f = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		if (!acpi_table(ctx, tables[i].table))
			continue;
		if (!f)
			f = report_add(ctx->report, "firmware.iommu-table", "firmware", VFD_OK, NULL,
				       "firmware describes an IOMMU: %s table (%s)", tables[i].table,
				       tables[i].meaning);
		finding_evidence(f, "/sys/firmware/acpi/tables/%s: present", tables[i].table);
	}
	if (f)
		return;
	if (!vfd_root_existsf(ctx->root, "sys/firmware/acpi/tables")) {
		f = report_add(ctx->report, "firmware.iommu-table", "firmware",
			       ctx->iommu_active ? VFD_INFO : VFD_SKIP, NULL,
			       "no ACPI tables to read (non-ACPI platform or not captured)");
		finding_evidence(f, "/sys/firmware/acpi/tables: not found");
		return;
	}
	if (ctx->iommu_active) {
		/* e.g. virtio-iommu found over PCI without a VIOT table */
		f = report_add(ctx->report, "firmware.iommu-table", "firmware", VFD_INFO, NULL,
			       "no DMAR, IVRS or VIOT table, yet an IOMMU is active");
		finding_evidence(f, "/sys/firmware/acpi/tables: no DMAR, IVRS or VIOT");
		return;
	}
	f = report_add(ctx->report, "firmware.iommu-table", "firmware", VFD_FAIL, NULL,
		       "the firmware describes no IOMMU (no DMAR, IVRS or VIOT ACPI table)");
	finding_evidence(f, "/sys/firmware/acpi/tables: no DMAR, IVRS or VIOT");
	finding_evidence(f, "CPU vendor: %s", ctx->cpu_vendor ? ctx->cpu_vendor : "unknown");
	if (guest_fix(ctx, f, true))
		return;
	finding_fix(f, "enable %s in the firmware setup; if the setup has no such switch, the "
		       "board or firmware does not support an IOMMU", iommu_switch(ctx));
	finding_fix(f, "in a QEMU VM: add -device intel-iommu,intremap=on,caching-mode=on (q35, "
		       "kernel-irqchip=split) or -device amd-iommu or -device virtio-iommu-pci");
}

static const char *cmdline_get(struct check_ctx *ctx, const char *key)
{
	return vfd_cmdline_get(ctx->cmdline, ctx->n_cmdline, key);
}

/* does a comma-separated option value contain @word? */
static bool value_has(const char *value, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = value; p && *p;) {
		if (strncmp(p, word, wl) == 0 && (p[wl] == ',' || !p[wl]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* the IOMMU kernel config default: 1 on, 0 off, -1 unknown */
static int intel_default_on(struct check_ctx *ctx, char **evidence)
{
	const char *rel = vfd_host_get_release(ctx->host);
	char *config = NULL;
	int r = -1;

	if (!rel || vfd_root_read_filef(ctx->root, 1 << 22, &config, NULL, "boot/config-%s", rel) < 0)
		return -1;
	if (strstr(config, "\nCONFIG_INTEL_IOMMU_DEFAULT_ON=y")) {
		r = 1;
		*evidence = xasprintf("/boot/config-%s: CONFIG_INTEL_IOMMU_DEFAULT_ON=y", rel);
	} else if (strstr(config, "\nCONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y")) {
		/* Debian: on, except for the integrated GPU */
		r = 1;
		*evidence = xasprintf("/boot/config-%s: CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y",
				      rel);
	} else if (strstr(config, "CONFIG_INTEL_IOMMU_DEFAULT_ON is not set")) {
		r = 0;
		*evidence = xasprintf("/boot/config-%s: CONFIG_INTEL_IOMMU_DEFAULT_ON is not set",
				      rel);
	}
	free(config);
	return r;
}

static void iommu_enabled(struct check_ctx *ctx)
{
	const char *intel = cmdline_get(ctx, "intel_iommu");
	const char *amd = cmdline_get(ctx, "amd_iommu");
	const char *iommu = cmdline_get(ctx, "iommu");
	struct vfd_finding *f;
	struct dirent *de;
	char units[256] = "";
	DIR *dir;

	dir = vfd_root_opendirf(ctx->root, "sys/class/iommu");
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.' || strlen(units) + strlen(de->d_name) + 2 >= sizeof(units))
			continue;
		if (*units)
			strcat(units, " ");
		strcat(units, de->d_name);
	}
	if (dir)
		closedir(dir);

	if (ctx->iommu_active) {
		f = report_add(ctx->report, "iommu.enabled", "iommu", VFD_OK, NULL,
			       "IOMMU active: %zu groups%s%s", vfd_host_count_groups(ctx->host),
			       *units ? ", units " : "", units);
		finding_evidence(f, "/sys/kernel/iommu_groups: %zu groups",
				 vfd_host_count_groups(ctx->host));
		if (*units)
			finding_evidence(f, "/sys/class/iommu: %s", units);
		kmsg_evidence(ctx, f, "DMAR: Intel(R) Virtualization Technology for Directed I/O", 1);
		kmsg_evidence(ctx, f, "AMD-Vi: Found IOMMU", 1);
		kmsg_evidence(ctx, f, "virtio_iommu", 1);
		kmsg_evidence(ctx, f, "Adding to iommu group", 1);
		return;
	}

	/* off on purpose, on the command line */
	if ((intel && value_has(intel, "off")) || (amd && value_has(amd, "off")) ||
	    (iommu && value_has(iommu, "off"))) {
		const char *tok = intel && value_has(intel, "off") ? "intel_iommu=off"
				  : amd && value_has(amd, "off") ? "amd_iommu=off" : "iommu=off";

		f = report_add(ctx->report, "iommu.enabled", "iommu", VFD_FAIL, NULL,
			       "IOMMU turned off on the kernel command line (%s)", tok);
		finding_evidence(f, "/proc/cmdline: %s", ctx->cmdline_raw);
		kmsg_evidence(ctx, f, "DMAR: IOMMU disabled", 1);
		finding_evidence(f, "/sys/kernel/iommu_groups: empty");
		if (strcmp(tok, "intel_iommu=off") == 0) {
			char *ev = NULL;
			/* without it the IOMMU stays off unless the kernel's config turns it on */
			int def = intel_default_on(ctx, &ev);

			if (ev)
				finding_evidence(f, "%s", ev);
			free(ev);
			finding_fix_steps(f, vfd_system_cmdline_fix(&ctx->sys, def == 1 ? NULL
								   : "intel_iommu=on", tok));
		} else {
			finding_fix_steps(f, vfd_system_cmdline_fix(&ctx->sys, NULL, tok));
		}
		return;
	}

	if (acpi_table(ctx, "DMAR")) {
		char *ev = NULL;
		int def = intel_default_on(ctx, &ev);

		f = report_add(ctx->report, "iommu.enabled", "iommu", VFD_FAIL, NULL,
			       "Intel IOMMU present (DMAR table) but not enabled by the kernel");
		finding_evidence(f, "/sys/firmware/acpi/tables/DMAR: present");
		finding_evidence(f, "/sys/kernel/iommu_groups: empty");
		finding_evidence(f, "/proc/cmdline: %s", ctx->cmdline_raw ? ctx->cmdline_raw : "");
		if (ev)
			finding_evidence(f, "%s", ev);
		if (def == 0)
			finding_evidence(f, "this kernel keeps the Intel IOMMU off unless "
					    "intel_iommu=on is given");
		kmsg_evidence(ctx, f, "DMAR", 3);
		free(ev);
		if (intel && value_has(intel, "on"))
			finding_fix(f, "intel_iommu=on is set but the IOMMU did not start: look for "
				       "DMAR errors in the kernel log (firmware bug, or VT-d "
				       "disabled in the firmware setup)");
		else
			finding_fix_steps(f, vfd_system_cmdline_fix(&ctx->sys, "intel_iommu=on", NULL));
		return;
	}
	if (acpi_table(ctx, "IVRS") || acpi_table(ctx, "VIOT")) {
		f = report_add(ctx->report, "iommu.enabled", "iommu", VFD_FAIL, NULL,
			       "the firmware describes an IOMMU but the kernel did not start it");
		finding_evidence(f, "/sys/kernel/iommu_groups: empty");
		kmsg_evidence(ctx, f, "AMD-Vi", 3);
		finding_fix(f, "check that this kernel is built with CONFIG_AMD_IOMMU / "
			       "CONFIG_VIRTIO_IOMMU and read the AMD-Vi lines of the kernel log");
		return;
	}
	f = report_add(ctx->report, "iommu.enabled", "iommu", VFD_FAIL, NULL,
		       "no IOMMU: no groups, and the firmware describes no IOMMU");
	finding_evidence(f, "/sys/kernel/iommu_groups: empty");
	finding_evidence(f, "/sys/class/iommu: %s", *units ? units : "empty");
	if (!guest_fix(ctx, f, true))
		finding_fix(f, "enable %s in the firmware setup (see firmware.iommu-table)",
			    iommu_switch(ctx));
}

/* unknown words in intel_iommu= / amd_iommu=, with the kernel's own answer */
static void iommu_option_words(struct check_ctx *ctx, const char *key,
			       enum vfd_iommu_opt_vendor vendor, const char *prefix, bool *said)
{
	const char *value = cmdline_get(ctx, key);
	char *copy, *save = NULL;

	if (!value)
		return;
	copy = strdup(value);
	for (char *w = copy ? strtok_r(copy, ",", &save) : NULL; w; w = strtok_r(NULL, ",", &save)) {
		struct vfd_finding *f;
		char needle[128];
		size_t pos = 0;
		const struct vfd_kmsg_line *l;

		if (vfd_iommu_option_known(vendor, w))
			continue;
		*said = true;
		f = report_add(ctx->report, "iommu.cmdline-option", "iommu", VFD_WARN, NULL,
			       "%s=%s: the kernel does not know '%s'", key, value, w);
		finding_evidence(f, "/proc/cmdline: %s=%s", key, value);
		snprintf(needle, sizeof(needle), "%s: Unknown option - '%s'", prefix, w);
		l = vfd_kmsg_find(&ctx->kmsg, needle, &pos);
		if (l)
			finding_kmsg(f, l);
		if (vendor == VFD_OPT_AMD && strcmp(w, "on") == 0) {
			finding_evidence(f, "the AMD IOMMU is on by default whenever the firmware "
					    "provides an IVRS table; only 'off' turns it off");
			finding_fix_steps(f, vfd_system_cmdline_fix(&ctx->sys, NULL, "amd_iommu=on"));
		} else {
			char *tok = xasprintf("%s=%s", key, value);

			finding_fix_steps(f, vfd_system_cmdline_fix(&ctx->sys, NULL, tok));
			free(tok);
		}
	}
	free(copy);
}

static void iommu_cmdline(struct check_ctx *ctx)
{
	const char *iommu = cmdline_get(ctx, "iommu");
	const char *acs = cmdline_get(ctx, "pcie_acs_override");
	const char *ids = cmdline_get(ctx, "vfio-pci.ids");
	const char *unsafe = cmdline_get(ctx, "vfio_iommu_type1.allow_unsafe_interrupts");
	struct vfd_finding *f;
	bool said = false;

	if (!ctx->cmdline_raw) {
		report_add(ctx->report, "iommu.cmdline", "iommu", VFD_SKIP, NULL,
			   "kernel command line unknown: /proc/cmdline is not readable");
		return;
	}
	/* "off" words are iommu.enabled's to report: never call them harmless here */
	if (value_has(cmdline_get(ctx, "intel_iommu"), "off") ||
	    value_has(cmdline_get(ctx, "amd_iommu"), "off") || (iommu && value_has(iommu, "off")))
		said = true;
	iommu_option_words(ctx, "intel_iommu", VFD_OPT_INTEL, "DMAR", &said);
	iommu_option_words(ctx, "amd_iommu", VFD_OPT_AMD, "AMD-Vi", &said);
	if (iommu && value_has(iommu, "pt")) {
		said = true;
		f = report_add(ctx->report, "iommu.cmdline-passthrough", "iommu", VFD_INFO, NULL,
			       "iommu=pt: host devices bypass translation; harmless for VFIO");
		finding_evidence(f, "/proc/cmdline: iommu=%s", iommu);
		kmsg_evidence(ctx, f, "iommu: Default domain type", 1);
	}
	if (acs || vfd_cmdline_has(ctx->cmdline, ctx->n_cmdline, "pcie_acs_override")) {
		said = true;
		f = report_add(ctx->report, "iommu.acs-override", "iommu", VFD_WARN, NULL,
			       "pcie_acs_override=%s: only patched kernels know it, and it gives "
			       "up isolation between the devices it splits", acs ? acs : "");
		finding_evidence(f, "/proc/cmdline: pcie_acs_override=%s", acs ? acs : "");
		finding_evidence(f, "mainline Linux has no such parameter; a kernel without the "
				    "out-of-tree patch ignores it");
		finding_fix(f, "prefer a slot whose group is isolated; keep the override only if "
			       "you accept that the split devices can reach each other's memory");
	}
	if (ids) {
		said = true;
		f = report_add(ctx->report, "iommu.cmdline-vfio-ids", "iommu", VFD_INFO, NULL,
			       "vfio-pci.ids=%s: vfio-pci claims every device with these IDs at "
			       "boot", ids);
		finding_evidence(f, "/proc/cmdline: vfio-pci.ids=%s", ids);
	}
	if (unsafe && (value_has(unsafe, "1") || value_has(unsafe, "Y") || value_has(unsafe, "y"))) {
		said = true;
		f = report_add(ctx->report, "iommu.cmdline-unsafe-interrupts", "iommu", VFD_WARN, NULL,
			       "allow_unsafe_interrupts is set: a guest could inject interrupts");
		finding_evidence(f, "/proc/cmdline: vfio_iommu_type1.allow_unsafe_interrupts=%s",
				 unsafe);
	}
	if (!said) {
		f = report_add(ctx->report, "iommu.cmdline", "iommu", VFD_OK, NULL,
			       "kernel command line has no harmful IOMMU options");
		finding_evidence(f, "/proc/cmdline: %s", ctx->cmdline_raw);
	}
}

static void iommu_irq_remapping(struct check_ctx *ctx)
{
	/* the drivers' own words: intel/irq_remapping.c, amd/init.c */
	static const char *const on[] = {
		"DMAR-IR: Enabled IRQ remapping", "AMD-Vi: Interrupt remapping enabled",
	};
	char *unsafe = vfd_modules_param(ctx->mods, "vfio_iommu_type1", "allow_unsafe_interrupts");
	const char *intremap = cmdline_get(ctx, "intremap");
	bool off_cmdline = vfd_cmdline_has(ctx->cmdline, ctx->n_cmdline, "nointremap") ||
			   (intremap && value_has(intremap, "off"));
	const struct vfd_kmsg_line *l = NULL, *refused;
	struct vfd_finding *f;
	char *interrupts = NULL;
	bool allowed = unsafe && (unsafe[0] == 'Y' || unsafe[0] == '1');

	if (!ctx->iommu_active) {
		report_add(ctx->report, "iommu.interrupt-remapping", "iommu", VFD_SKIP, NULL,
			   "interrupt remapping not checked: no IOMMU is active");
		free(unsafe);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(on) && !l && !off_cmdline; i++)
		l = vfd_kmsg_find(&ctx->kmsg, on[i], NULL);
	if (l) {
		f = report_add(ctx->report, "iommu.interrupt-remapping", "iommu", VFD_OK, NULL,
			       "interrupt remapping enabled");
		finding_kmsg(f, l);
		free(unsafe);
		return;
	}
	/* vfio_iommu_type1 says this when it refused a group for lack of it */
	refused = vfd_kmsg_find(&ctx->kmsg, "No interrupt remapping support", NULL);
	/* without the log, IR- chip names in /proc/interrupts still tell */
	vfd_root_read_filef(ctx->root, 1 << 22, &interrupts, NULL, "proc/interrupts");
	if (!off_cmdline && !refused && interrupts && strstr(interrupts, "IR-")) {
		f = report_add(ctx->report, "iommu.interrupt-remapping", "iommu", VFD_OK, NULL,
			       "interrupt remapping enabled");
		finding_evidence(f, "/proc/interrupts: IR- interrupt chips in use");
	} else if (off_cmdline || refused || (ctx->kmsg_err == 0 && ctx->kmsg.n > 0)) {
		/* a line or option that says so, or a log and interrupt table that show none */
		bool sure = off_cmdline || refused || interrupts;

		f = report_add(ctx->report, "iommu.interrupt-remapping", "iommu",
			       allowed || !sure ? VFD_WARN : VFD_FAIL, NULL,
			       allowed ? "no interrupt remapping; VFIO allows it only because "
					 "allow_unsafe_interrupts is set"
				       : "no interrupt remapping: VFIO refuses to attach devices "
					 "unless allow_unsafe_interrupts is set");
		if (off_cmdline)
			finding_evidence(f, "/proc/cmdline: %s", intremap ? "intremap=off" : "nointremap");
		if (refused)
			finding_kmsg(f, refused);
		if (!off_cmdline && !refused)
			finding_evidence(f, "kernel log: no 'Enabled IRQ remapping' or 'Interrupt "
					    "remapping enabled' line");
		if (unsafe)
			finding_evidence(f, "/sys/module/vfio_iommu_type1/parameters/"
					    "allow_unsafe_interrupts: %s", unsafe);
		if (off_cmdline)
			finding_fix_steps(f, vfd_system_cmdline_fix(&ctx->sys, NULL,
							   intremap ? "intremap=off" : "nointremap"));
		else
			finding_fix(f, "enable interrupt remapping in the firmware (often part of the "
				       "VT-d or IOMMU switch)");
		if (!allowed)
			finding_fix(f, "last resort, unsafe: options vfio_iommu_type1 "
				       "allow_unsafe_interrupts=1 in /etc/modprobe.d/vfio.conf");
	} else {
		f = report_add(ctx->report, "iommu.interrupt-remapping", "iommu", VFD_SKIP, NULL,
			       "interrupt remapping unknown: the kernel log is not readable%s",
			       ctx->kmsg_err == -EPERM || ctx->kmsg_err == -EACCES
			       ? " (run as root)" : "");
	}
	free(interrupts);
	free(unsafe);
}

void check_iommu(struct check_ctx *ctx)
{
	iommu_enabled(ctx);
	iommu_cmdline(ctx);
	iommu_irq_remapping(ctx);
}

void check_modules(struct check_ctx *ctx)
{
	static const char *const modules[] = { "vfio", "vfio_iommu_type1", "vfio_pci" };
	const char *tree = vfd_modules_tree(ctx->mods);
	const char *rel = vfd_host_get_release(ctx->host);
	struct vfd_finding *f;
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(modules); i++) {
		enum vfd_module_state s = vfd_modules_state(ctx->mods, modules[i]);
		char id[64];

		snprintf(id, sizeof(id), "modules.%s", modules[i]);
		switch (s) {
		case VFD_MODULE_LOADED:
		case VFD_MODULE_BUILTIN:
			f = report_add(ctx->report, id, "modules", VFD_OK, NULL, "%s %s", modules[i],
				       s == VFD_MODULE_LOADED ? "loaded" : "built into the kernel");
			finding_evidence(f, s == VFD_MODULE_LOADED ? "/proc/modules: %s"
								   : "/sys/module/%s or modules.builtin",
					 modules[i]);
			break;
		case VFD_MODULE_AVAILABLE:
			f = report_add(ctx->report, id, "modules", VFD_FAIL, NULL,
				       "%s is available but not loaded", modules[i]);
			finding_evidence(f, "/proc/modules: no %s; module tree /%s has it", modules[i],
					 tree ? tree : "?");
			finding_fix_steps(f, vfd_system_module_fix(&ctx->sys, modules[i]));
			break;
		case VFD_MODULE_MISSING:
			f = report_add(ctx->report, id, "modules", VFD_FAIL, NULL,
				       "this kernel has no %s module", modules[i]);
			finding_evidence(f, "module tree /%s: no %s, not built in", tree ? tree : "?",
					 modules[i]);
			finding_fix(f, "install a kernel built with CONFIG_VFIO and CONFIG_VFIO_PCI "
				       "(every distribution kernel is)");
			break;
		default:
			if (vfd_modules_tree_error(ctx->mods)) {
				f = report_add(ctx->report, id, "modules", VFD_WARN, NULL,
					       "%s is not loaded, and the module tree for %s "
					       "could not be read to tell whether it can be",
					       modules[i], rel ? rel : "this kernel");
				finding_evidence(f, "/proc/modules: no %s", modules[i]);
				finding_evidence(f, "module tree: %s",
						 vfd_modules_tree_error(ctx->mods));
				finding_fix(f, "modprobe %s", modules[i]);
				break;
			}
			f = report_add(ctx->report, id, "modules", VFD_WARN, NULL,
				       "%s is not loaded, and no module tree for %s was found to "
				       "tell whether it can be", modules[i], rel ? rel : "this kernel");
			finding_evidence(f, "/proc/modules: no %s", modules[i]);
			finding_evidence(f, "/lib/modules/%s: missing (kernel upgraded without a "
					    "reboot?)", rel ? rel : "?");
			finding_fix(f, "reboot into the installed kernel, then: modprobe %s",
				    modules[i]);
			break;
		}
	}

	if (vfd_root_statf(ctx->root, &st, "dev/vfio/vfio") == 0) {
		char *node = describe_node(ctx->root, &st);

		f = report_add(ctx->report, "modules.vfio-node", "modules", VFD_OK, NULL,
			       "/dev/vfio/vfio present");
		finding_evidence(f, "/dev/vfio/vfio: %s", node ? node : "?");
		free(node);
	} else {
		f = report_add(ctx->report, "modules.vfio-node", "modules", VFD_FAIL, NULL,
			       "/dev/vfio/vfio is missing: QEMU fails with 'No such file or "
			       "directory' (not a permission problem)");
		finding_evidence(f, "/dev/vfio/vfio: not found");
		finding_fix(f, "modprobe vfio (the node is created by the vfio module; inside a "
			       "container, pass /dev/vfio through)");
	}
}
