// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What an errno means at each step of the VFIO sequence, read from the
 * kernel's drivers/vfio (group.c, container.c, vfio_iommu_type1.c,
 * vfio_main.c, device_cdev.c, iommufd/), drivers/iommu/iommu.c for the DMA
 * ownership claim, and what to do about it. Pure data and string work, so the
 * unit tests can walk it all. Then, for a run, the evidence the host shows
 * beside a failed step: who holds a busy group, who owns a node, which
 * driver blocks a group, the memlock limit, the kernel's own words.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "preflight-internal.h"

static const char *const step_names[VFD_PF_N_STEPS] = {
	[VFD_PF_DEVICE] = "device",
	[VFD_PF_IOMMU_GROUP] = "iommu-group",
	[VFD_PF_DRIVER] = "driver",
	[VFD_PF_AS_USER] = "as-user",
	[VFD_PF_OPEN_GROUP] = "open-group",
	[VFD_PF_GROUP_STATUS] = "group-status",
	[VFD_PF_OPEN_CONTAINER] = "open-container",
	[VFD_PF_API_VERSION] = "api-version",
	[VFD_PF_CHECK_EXTENSION] = "check-extension",
	[VFD_PF_SET_CONTAINER] = "set-container",
	[VFD_PF_SET_IOMMU] = "set-iommu",
	[VFD_PF_IOMMU_INFO] = "iommu-info",
	[VFD_PF_MAP_DMA] = "map-dma",
	[VFD_PF_GET_DEVICE_FD] = "get-device-fd",
	[VFD_PF_DEVICE_INFO] = "device-info",
	[VFD_PF_REGION_INFO] = "region-info",
	[VFD_PF_IRQ_INFO] = "irq-info",
	[VFD_PF_RESET] = "reset",
	[VFD_PF_UNMAP_DMA] = "unmap-dma",
	[VFD_PF_OPEN_CDEV] = "open-cdev",
	[VFD_PF_OPEN_IOMMUFD] = "open-iommufd",
	[VFD_PF_BIND_IOMMUFD] = "bind-iommufd",
	[VFD_PF_IOAS_ALLOC] = "ioas-alloc",
	[VFD_PF_ATTACH_PT] = "attach-pt",
	[VFD_PF_IOAS_MAP] = "ioas-map",
	[VFD_PF_IOAS_UNMAP] = "ioas-unmap",
	[VFD_PF_MEMLOCK] = "memlock",
	[VFD_PF_HUGEPAGES] = "hugepages",
};

const char *vfd_pf_step_name(enum vfd_pf_step_id id)
{
	if ((unsigned int)id < VFD_PF_N_STEPS && step_names[id])
		return step_names[id];
	return "unknown";
}

const char *vfd_pf_path_name(enum vfd_pf_path path)
{
	switch (path) {
	case VFD_PF_HOST:
		return "host";
	case VFD_PF_LEGACY:
		return "legacy";
	case VFD_PF_IOMMUFD:
		return "iommufd";
	}
	return "unknown";
}

struct explanation {
	enum vfd_pf_step_id id;
	int err;		/* 0: the call worked but its answer stops QEMU */
	const char *meaning;
	const char *fix;	/* NULL: nothing the user can do but report it */
};

/* Shared texts: the same cause reached through several steps. */
#define NODE_EACCES_MEANING \
	"%user% may not open the node: its owner, group and mode bits do not give this " \
	"user read and write, which QEMU needs (it opens the node O_RDWR)"
#define NODE_EPERM_MEANING \
	"the open was refused before the mode bits were looked at: a device cgroup " \
	"(a container, a systemd unit with DevicePolicy=, libvirt's cgroup_device_acl) " \
	"or a security module (SELinux, AppArmor) denies the node"
#define NODE_EPERM_FIX \
	"allow the node where the policy is set (systemd: DeviceAllow=<node> rw; libvirt: " \
	"cgroup_device_acl in qemu.conf) and look for a denial in the audit log"
#define MEMLOCK_FIX \
	"raise the locked-memory limit of the QEMU process above the guest's RAM: libvirt " \
	"does that itself for the domains it starts (guest memory + 1 GiB); for QEMU run " \
	"directly: 'ulimit -l unlimited' in the shell that starts it, or lines '%user% " \
	"soft memlock unlimited' and '%user% hard memlock unlimited' in " \
	"/etc/security/limits.d/qemu.conf (a systemd unit: LimitMEMLOCK=infinity)"
#define NOT_VIABLE_FIX \
	"give every device of group %group% to vfio-pci (bridges may stay on pcieport): " \
	"vfio-doctor bind --group %slot%"

static const struct explanation table[] = {
	/* sysfs */
	{ VFD_PF_DEVICE, ENOENT,
	  "there is no PCI device at %slot% in /sys/bus/pci/devices",
	  "list the devices with 'vfio-doctor groups' and use one of their addresses" },
	{ VFD_PF_IOMMU_GROUP, ENOENT,
	  "%slot% has no IOMMU group: the kernel runs without an active IOMMU, or the IOMMU "
	  "does not cover this device, so vfio-pci refuses it and there is no /dev/vfio node",
	  "turn on VT-d or AMD-Vi (AMD IOMMU) in the firmware setup and boot with "
	  "intel_iommu=on on Intel; 'vfio-doctor check' shows which layer is missing" },
	{ VFD_PF_DRIVER, 0,
	  "%slot% is not bound to vfio-pci (driver: %driver%): only a device vfio-pci holds "
	  "is a VFIO device, the group node appears once one device of the group is bound to "
	  "it, and VFIO_GROUP_GET_DEVICE_FD answers ENODEV for any other",
	  "vfio-doctor bind %slot%" },
	/* credentials */
	{ VFD_PF_AS_USER, EPERM,
	  "only root may take another account's uid, gid and groups",
	  "run the preflight as root: sudo vfio-doctor preflight --as-user %user% %slot%" },
	{ VFD_PF_AS_USER, ESRCH,
	  "there is no account %user% in /etc/passwd",
	  "name the account QEMU runs as (libvirt: user in /etc/libvirt/qemu.conf; Debian "
	  "uses libvirt-qemu, Fedora qemu)" },
	/* group.c: vfio_group_fops_open() and the node itself */
	{ VFD_PF_OPEN_GROUP, ENOENT,
	  "/dev/vfio/%group% does not exist: no device of group %group% is bound to vfio-pci "
	  "(the kernel makes the group node for the first one), vfio-pci is not loaded, or "
	  "udev has not created the node",
	  "vfio-doctor bind %slot%; if /sys/class/vfio/%group% exists but the node does not: "
	  "udevadm trigger --subsystem-match=vfio" },
	{ VFD_PF_OPEN_GROUP, EACCES, NODE_EACCES_MEANING,
	  "libvirt with managed='yes' sets the owner itself; for QEMU run directly: chown "
	  "%user% /dev/vfio/%group% (until the next bind), or a udev rule: "
	  "SUBSYSTEM==\"vfio\", KERNEL==\"%group%\", OWNER=\"%user%\"" },
	{ VFD_PF_OPEN_GROUP, EPERM,
	  NODE_EPERM_MEANING "; for a no-IOMMU group the kernel also asks for CAP_SYS_RAWIO",
	  NODE_EPERM_FIX },
	{ VFD_PF_OPEN_GROUP, EBUSY,
	  "group %group% is already open: the kernel lets one process at a time hold "
	  "/dev/vfio/N, and that is usually a running VM",
	  "stop the VM (or the process named below) that holds the group; a device in use "
	  "cannot be checked, and must not be reset under its guest" },
	{ VFD_PF_OPEN_GROUP, ENODEV,
	  "group %group% is going away: its last device was just unbound from vfio-pci",
	  "vfio-doctor bind %slot%" },
	{ VFD_PF_OPEN_GROUP, ENXIO,
	  "the node has no driver behind it: the vfio module was unloaded",
	  "modprobe vfio-pci" },
	/* group.c: vfio_group_ioctl_get_status() */
	{ VFD_PF_GROUP_STATUS, 0,
	  "group %group% is not viable (VFIO_GROUP_FLAGS_VIABLE clear): a device in it is "
	  "bound to a host driver that does its own DMA, so the kernel will not hand the group "
	  "to user space; QEMU stops here with 'group %group% is not viable'",
	  NOT_VIABLE_FIX },
	{ VFD_PF_GROUP_STATUS, ENODEV,
	  "group %group% lost its IOMMU group: the device is being removed",
	  "vfio-doctor bind %slot%" },
	/* container.c: the container node and its ioctls */
	{ VFD_PF_OPEN_CONTAINER, ENOENT,
	  "/dev/vfio/vfio does not exist: the vfio module is not loaded, or the kernel has no "
	  "VFIO container support (CONFIG_VFIO_CONTAINER off: use the iommufd path)",
	  "modprobe vfio-pci" },
	{ VFD_PF_OPEN_CONTAINER, EACCES,
	  "%user% may not open /dev/vfio/vfio; the kernel creates it mode 0666, so a local "
	  "rule or a manual chmod narrowed it",
	  "chmod 0666 /dev/vfio/vfio, and remove the udev rule that changes it" },
	{ VFD_PF_OPEN_CONTAINER, EPERM, NODE_EPERM_MEANING, NODE_EPERM_FIX },
	{ VFD_PF_API_VERSION, 0,
	  "the kernel reports a VFIO API version other than VFIO_API_VERSION (0), which QEMU "
	  "and this tool speak",
	  NULL },
	{ VFD_PF_CHECK_EXTENSION, 0,
	  "no IOMMU backend offers VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU: vfio_iommu_type1 "
	  "is not loaded (or the kernel was built without it)",
	  "modprobe vfio_iommu_type1" },
	/* group.c: vfio_group_ioctl_set_container(), container.c: vfio_container_attach_group() */
	{ VFD_PF_SET_CONTAINER, EPERM,
	  "the kernel refused to take DMA ownership of group %group% "
	  "(iommu_group_claim_dma_owner): a device in it is still bound to a host driver, "
	  "i.e. the group is not viable; for a no-IOMMU group, CAP_SYS_RAWIO is missing",
	  NOT_VIABLE_FIX },
	{ VFD_PF_SET_CONTAINER, EINVAL,
	  "the group already belongs to a container, or (kernel 6.3 and later) the firmware "
	  "asks for a fixed 1:1 mapping for a device of the group (an Intel RMRR or AMD IVMD "
	  "range, kernel log: 'Firmware has requested this device have a 1:1 IOMMU mapping'), "
	  "which a VM cannot honour",
	  "such a device (often an integrated USB, NIC or GPU with firmware DMA) cannot be "
	  "passed through: pick another device, or look for a firmware update or setting "
	  "that drops the reserved region" },
	{ VFD_PF_SET_CONTAINER, EBUSY,
	  "the group's IOMMU domain is held by another user than the kernel's default "
	  "domain (or PASIDs are attached), so the kernel cannot block its DMA",
	  "stop whatever else uses the group (another VFIO or iommufd user)" },
	{ VFD_PF_SET_CONTAINER, ENODEV,
	  "group %group% lost its IOMMU group: the device is being removed",
	  "vfio-doctor bind %slot%" },
	/* container.c: vfio_ioctl_set_iommu(), vfio_iommu_type1_attach_group() */
	{ VFD_PF_SET_IOMMU, EPERM,
	  "vfio_iommu_type1 refused the group because the platform cannot isolate MSIs: "
	  "there is no interrupt remapping, so a device could forge interrupts (kernel log: "
	  "'No interrupt remapping support'); kernels before 5.19 also answer EPERM for a "
	  "device with an RMRR",
	  "turn interrupt remapping on (firmware: VT-d/x2APIC; do not boot with intremap=off "
	  "or nointremap); only if you accept the risk: echo 'options vfio_iommu_type1 "
	  "allow_unsafe_interrupts=1' > /etc/modprobe.d/vfio.conf" },
	{ VFD_PF_SET_IOMMU, ENODEV,
	  "no loaded IOMMU backend took the type: vfio_iommu_type1 is missing, or attaching "
	  "the group to an IOMMU domain failed (see the kernel log)",
	  "modprobe vfio_iommu_type1" },
	{ VFD_PF_SET_IOMMU, EINVAL,
	  "the container has no group (SET_CONTAINER did not happen) or already has an "
	  "IOMMU type; or the IOMMU driver refused the group (kernel log)",
	  NULL },
	{ VFD_PF_SET_IOMMU, EBUSY,
	  "the IOMMU driver could not attach the group: its domain is in use",
	  "stop whatever else uses the group" },
	/* vfio_iommu_type1.c: vfio_dma_do_map() and vfio_pin_pages_remote() */
	{ VFD_PF_MAP_DMA, ENOMEM,
	  "pinning the buffer for DMA would take the process past its RLIMIT_MEMLOCK "
	  "(kernel log: 'RLIMIT_MEMLOCK (N) exceeded'); QEMU pins all of the guest's RAM this "
	  "way at start, so it fails the same way ('vfio_dma_map ... -12 (Cannot allocate "
	  "memory)') for any guest larger than the limit; CAP_IPC_LOCK exempts a process",
	  MEMLOCK_FIX },
	{ VFD_PF_MAP_DMA, ENOSPC,
	  "the container has used up its DMA mappings (vfio_iommu_type1 dma_entry_limit, "
	  "65535 by default)",
	  "echo 'options vfio_iommu_type1 dma_entry_limit=131072' > "
	  "/etc/modprobe.d/vfio.conf, then reload vfio_iommu_type1" },
	{ VFD_PF_MAP_DMA, EINVAL,
	  "the IOVA or size is not aligned to the IOMMU page size, or lies outside the usable "
	  "IOVA ranges (a reserved region)",
	  NULL },
	{ VFD_PF_MAP_DMA, EEXIST, "the IOVA range is already mapped in this container", NULL },
	{ VFD_PF_MAP_DMA, EFAULT, "the kernel could not pin the buffer's pages", NULL },
	/* group.c: vfio_group_ioctl_get_device_fd(); vfio_main.c; vfio_pci_core.c */
	{ VFD_PF_GET_DEVICE_FD, ENODEV,
	  "group %group% has no VFIO device named %slot%: the device is not bound to vfio-pci",
	  "vfio-doctor bind %slot%" },
	{ VFD_PF_GET_DEVICE_FD, EINVAL,
	  "the group has no container with an IOMMU (SET_IOMMU did not succeed), or the "
	  "device name is not one vfio-pci accepts (a VF token was expected or is wrong)",
	  NULL },
	{ VFD_PF_GET_DEVICE_FD, EACCES,
	  "the device is an SR-IOV function whose PF or VF asks for a shared VF token "
	  "(vfio-pci enable_sriov): it may not be opened without it",
	  "give QEMU the token: -device vfio-pci,host=%slot%,vf-token=<uuid>" },
	{ VFD_PF_GET_DEVICE_FD, EIO,
	  "the device did not come up when vfio-pci powered it to D0 (runtime resume failed)",
	  "see the kernel log for %slot%; a device stuck after a guest often needs a host "
	  "reboot (or a vendor reset module)" },
	{ VFD_PF_GET_DEVICE_FD, EBUSY,
	  "the device is already open (through its cdev or by another container)",
	  "stop the process that holds it" },
	{ VFD_PF_GET_DEVICE_FD, ENOMEM, "the kernel ran out of memory opening the device",
	  NULL },
	{ VFD_PF_DEVICE_INFO, 0,
	  "the device does not describe itself as a vfio-pci device (VFIO_DEVICE_FLAGS_PCI "
	  "clear, or fewer regions or IRQs than QEMU's vfio-pci expects)",
	  NULL },
	{ VFD_PF_REGION_INFO, EINVAL,
	  "the device has no such region: for the VGA region, the device is not VGA class or "
	  "vfio-pci runs with disable_vga=1; only x-vga=on needs it",
	  NULL },
	{ VFD_PF_IRQ_INFO, EINVAL, "the device has no such interrupt index", NULL },
	/* vfio_pci_core.c: VFIO_DEVICE_RESET */
	{ VFD_PF_RESET, EINVAL,
	  "the device offers no function-level reset (no FLR, PM reset or slot reset the "
	  "kernel may do for it alone)",
	  "expect trouble when the guest reboots; a bus reset may still be done when every "
	  "device on the bus goes to the same VM" },
	{ VFD_PF_RESET, EAGAIN,
	  "the reset could not take the device or bus lock: another process uses a device "
	  "the reset would touch",
	  "try again when the other devices on the bus are idle" },
	{ VFD_PF_RESET, ENOTTY, "the kernel found no reset method for the device",
	  "see 'vfio-doctor check %slot%' (device.reset)" },
	{ VFD_PF_RESET, 0,
	  "the device reports no reset support (VFIO_DEVICE_FLAGS_RESET clear)",
	  "expect trouble when the guest reboots" },
	/* device_cdev.c: the cdev node and VFIO_DEVICE_BIND_IOMMUFD */
	{ VFD_PF_OPEN_CDEV, ENOENT,
	  "the device's cdev node is missing under /dev/vfio/devices: udev has not made it",
	  "udevadm trigger --subsystem-match=vfio-dev" },
	{ VFD_PF_OPEN_CDEV, EACCES, NODE_EACCES_MEANING,
	  "libvirt sets the owner itself; otherwise chown %user% the node under "
	  "/dev/vfio/devices, or a udev rule: SUBSYSTEM==\"vfio-dev\", OWNER=\"%user%\"" },
	{ VFD_PF_OPEN_CDEV, EPERM, NODE_EPERM_MEANING, NODE_EPERM_FIX },
	{ VFD_PF_OPEN_IOMMUFD, ENOENT,
	  "there is no /dev/iommu: the kernel has no iommufd (CONFIG_IOMMUFD) or its module "
	  "is not loaded",
	  "modprobe iommufd" },
	{ VFD_PF_OPEN_IOMMUFD, EACCES, NODE_EACCES_MEANING,
	  "chown %user% /dev/iommu, or a udev rule: KERNEL==\"iommu\", OWNER=\"%user%\"" },
	{ VFD_PF_OPEN_IOMMUFD, EPERM, NODE_EPERM_MEANING, NODE_EPERM_FIX },
	{ VFD_PF_BIND_IOMMUFD, EBUSY,
	  "the device cannot be bound: its group is not viable, or its group node "
	  "/dev/vfio/%group% is open (the group and cdev interfaces exclude each other)",
	  NOT_VIABLE_FIX },
	{ VFD_PF_BIND_IOMMUFD, EPERM,
	  "iommufd refused the device because the platform cannot isolate MSIs (no "
	  "interrupt remapping) and iommufd.allow_unsafe_interrupts is 0; the kernel logs "
	  "nothing for this",
	  "turn interrupt remapping on; only if you accept the risk: options iommufd "
	  "allow_unsafe_interrupts=1" },
	{ VFD_PF_BIND_IOMMUFD, EINVAL,
	  "the device is already bound to an iommufd, or the kernel does not accept the "
	  "request",
	  NULL },
	{ VFD_PF_BIND_IOMMUFD, ENOTTY,
	  "the kernel has no VFIO_DEVICE_BIND_IOMMUFD (before 6.6)", NULL },
	{ VFD_PF_ATTACH_PT, EINVAL,
	  "the device cannot join the IO address space: the firmware asks for a fixed 1:1 "
	  "mapping (RMRR/IVMD), or its IOMMU cannot share the page table",
	  "pick another device, or a firmware setting that drops the reserved region" },
	{ VFD_PF_ATTACH_PT, EBUSY, "the device is attached elsewhere already", NULL },
	{ VFD_PF_IOAS_MAP, ENOMEM,
	  "pinning the buffer would exceed RLIMIT_MEMLOCK: iommufd charges pinned pages to "
	  "the user (all of its processes together) by default",
	  MEMLOCK_FIX },
	{ VFD_PF_IOAS_MAP, EINVAL,
	  "the IOVA is not aligned or not allowed in this IO address space", NULL },
	/* limits */
	{ VFD_PF_MEMLOCK, 0,
	  "the locked-memory limit is smaller than the guest's RAM: a QEMU process with this "
	  "limit cannot pin the guest's memory for DMA and stops with 'vfio_dma_map ... -12 "
	  "(Cannot allocate memory)'",
	  MEMLOCK_FIX },
};

bool vfd_pf_explain(enum vfd_pf_step_id id, int err, const char **meaning, const char **fix)
{
	/* errors every node open shares */
	static const struct explanation any[] = {
		{ VFD_PF_N_STEPS, EMFILE, "the process has no free file descriptor", NULL },
		{ VFD_PF_N_STEPS, ENOTTY,
		  "the kernel does not know this ioctl on this node (a kernel too old or built "
		  "without it)", NULL },
		{ VFD_PF_N_STEPS, EFAULT, "the kernel could not read the argument", NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		if (table[i].id == id && table[i].err == err) {
			*meaning = table[i].meaning;
			*fix = table[i].fix;
			return true;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(any); i++) {
		if (any[i].err == err) {
			*meaning = any[i].meaning;
			*fix = NULL;
			return true;
		}
	}
	*meaning = err ? "the kernel refused this step with an error the tool has no "
			 "explanation for; see the kernel log"
		       : "the step did not give what QEMU needs";
	*fix = NULL;
	return false;
}

char *vfd_pf_expand(const char *text, const char *slot, int group, const char *user,
		    const char *driver)
{
	char num[16];
	const struct {
		const char *key;
		const char *value;
	} vars[] = {
		{ "%slot%", slot ? slot : "<slot>" },
		{ "%group%", group >= 0 ? num : "<group>" },
		{ "%user%", user && *user ? user : "<user>" },
		{ "%driver%", driver ? driver : "no driver" },
	};
	size_t len = 1;
	char *out, *o;

	if (!text)
		return NULL;
	snprintf(num, sizeof(num), "%d", group);
	/* size first: every placeholder at its longest value */
	for (const char *p = text; *p; p++) {
		len++;
		if (*p == '%')
			for (size_t v = 0; v < ARRAY_SIZE(vars); v++)
				len += strlen(vars[v].value);
	}
	out = malloc(len);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = text; *p;) {
		bool done = false;

		for (size_t v = 0; *p == '%' && v < ARRAY_SIZE(vars); v++) {
			size_t kl = strlen(vars[v].key);

			if (strncmp(p, vars[v].key, kl) == 0) {
				o = stpcpy(o, vars[v].value);
				p += kl;
				done = true;
				break;
			}
		}
		if (!done)
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* ------------------------------------------------------------ explaining */

/* the most recent kernel log line holding @needle, quoted as evidence */
static void quote_kmsg(struct pf_explain_ctx *x, struct vfd_pf_step *st, const char *needle)
{
	const struct vfd_kmsg_line *last = NULL, *l;
	size_t pos = 0;

	if (!x->kmsg_loaded) {
		x->kmsg_loaded = true;
		if (vfd_kmsg_read(x->root, &x->kmsg) < 0)
			memset(&x->kmsg, 0, sizeof(x->kmsg));
	}
	while ((l = vfd_kmsg_find(&x->kmsg, needle, &pos))) {
		last = l;
		pos++;
	}
	if (last)
		strv_appendf(&st->evidence, "kernel log: %s", last->text);
}

/* "/dev/vfio/12: crw------- root:root" and whether the account may open it */
static void node_evidence(struct pf_explain_ctx *x, struct vfd_pf_step *st, const char *path)
{
	struct stat sb;
	char *desc;

	if (vfd_root_statf(x->root, &sb, "%s", path) < 0) {
		strv_appendf(&st->evidence, "/%s: not found", path);
		return;
	}
	desc = describe_node(x->root, &sb);
	strv_appendf(&st->evidence, "/%s: %s", path, desc ? desc : "?");
	free(desc);
	strv_appendf(&st->evidence, "%s needs read and write on it (QEMU opens it O_RDWR)",
		     x->pf->user);
	if (x->acct) {
		bool can = false;
		char *why = NULL;

		if (user_can_open(x->root, x->acct->name, &sb, &can, &why) == 0 && why)
			strv_appendf(&st->evidence, "%s", why);
		free(why);
	}
}

/* every process with @node open: "held open by PID 1234 (qemu-system-x86), fd 27" */
static bool holders(struct pf_explain_ctx *x, struct vfd_pf_step *st, const char *node)
{
	struct dirent *de;
	bool any = false;
	DIR *proc;

	proc = vfd_root_opendirf(x->root, "proc");
	if (!proc)
		return false;
	while ((de = readdir(proc))) {
		char dir[300], comm[64] = "?";
		struct dirent *fe;
		DIR *fds;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(dir, sizeof(dir), "proc/%s/fd", de->d_name);
		fds = vfd_root_opendirf(x->root, "%s", dir);
		if (!fds)
			continue;
		while ((fe = readdir(fds))) {
			char *target = NULL;

			if (fe->d_name[0] == '.')
				continue;
			if (root_readlink_child(x->root, dirfd(fds), dir, fe->d_name, &target) < 0)
				continue;
			if (strcmp(target, node) == 0) {
				char *c = NULL;

				if (vfd_root_readf_str(x->root, &c, "proc/%s/comm", de->d_name) == 0)
					snprintf(comm, sizeof(comm), "%s", c);
				free(c);
				strv_appendf(&st->evidence, "%s is held open by PID %s (%s), "
					     "fd %s", node, de->d_name, comm, fe->d_name);
				any = true;
			}
			free(target);
		}
		closedir(fds);
	}
	closedir(proc);
	return any;
}

/* the devices of the group that keep it from being viable */
static void blockers(struct pf_explain_ctx *x, struct vfd_pf_step *st)
{
	struct vfd_group *g = vfd_host_find_group(x->host, x->pf->group);
	unsigned int kv = vfd_host_kernel_version(x->host);

	if (!g)
		return;
	for (size_t i = 0; i < vfd_group_count_devices(g); i++) {
		struct vfd_pcidev *d = vfd_group_device(g, i);

		if (!vfd_pcidev_is_viability_ok(d, kv))
			strv_appendf(&st->evidence, "/sys/kernel/iommu_groups/%d/devices/%s: "
				     "bound to %s (blocks the group)", x->pf->group,
				     vfd_pcidev_get_slot(d), driver_name_or_none(d));
	}
}

static void memlock_evidence(struct pf_explain_ctx *x, struct vfd_pf_step *st)
{
	const struct vfd_pf_memory *m = &x->pf->memory;
	char soft[32], hard[32];

	if (m->rlimit_known) {
		vfd_format_size(m->memlock_soft, soft, sizeof(soft));
		vfd_format_size(m->memlock_hard, hard, sizeof(hard));
		strv_appendf(&st->evidence, "RLIMIT_MEMLOCK of the process that mapped: %s "
			     "(hard limit %s)", soft, hard);
		strv_appendf(&st->evidence, "CAP_IPC_LOCK, which lifts the limit: %s",
			     m->cap_ipc_lock ? "yes" : "no");
	}
	quote_kmsg(x, st, "RLIMIT_MEMLOCK");
}

void pf_explain_step(struct pf_explain_ctx *x, struct vfd_pf_step *st)
{
	struct vfd_preflight *pf = x->pf;
	const char *meaning = NULL, *fix = NULL;
	char node[64];

	if (st->status != VFD_FAIL && st->status != VFD_WARN)
		return;
	vfd_pf_explain(st->id, st->err, &meaning, &fix);
	st->meaning = meaning;
	if (fix) {
		char *f = vfd_pf_expand(fix, pf->slot, pf->group, pf->user, pf->driver);

		if (f)
			strv_appendf(&st->fix, "%s", f);
		free(f);
	}
	snprintf(node, sizeof(node), "/dev/vfio/%d", pf->group);
	switch (st->id) {
	case VFD_PF_OPEN_GROUP:
		if (st->err == EBUSY && !holders(x, st, node))
			strv_appendf(&st->evidence, "no process in /proc shows %s open (one in "
				     "another PID namespace, or not visible to this user)",
				     node);
		if (st->err == EACCES || st->err == EPERM)
			node_evidence(x, st, node + 1);
		if (st->err == ENOENT) {
			strv_appendf(&st->evidence, "/sys/bus/pci/devices/%s/driver: %s", pf->slot,
				     pf->driver ? pf->driver : "none");
			strv_appendf(&st->evidence, "/sys/class/vfio/%d: %s", pf->group,
				     vfd_root_existsf(x->root, "sys/class/vfio/%d", pf->group) ?
				     "present (the kernel made the group: only the node is missing)" :
				     "not found");
		}
		break;
	case VFD_PF_OPEN_CONTAINER:
		if (st->err == EACCES || st->err == EPERM)
			node_evidence(x, st, "dev/vfio/vfio");
		break;
	case VFD_PF_OPEN_IOMMUFD:
		if (st->err == EACCES || st->err == EPERM)
			node_evidence(x, st, "dev/iommu");
		break;
	case VFD_PF_OPEN_CDEV:
		if (st->err == EACCES || st->err == EPERM) {
			char dev[32], path[64];
			char *name = pf_cdev_name(x->root, pf->slot, dev, sizeof(dev));

			snprintf(path, sizeof(path), "dev/vfio/devices/%s", name ? name : "?");
			node_evidence(x, st, path);
			free(name);
		}
		break;
	case VFD_PF_GROUP_STATUS:
	case VFD_PF_SET_CONTAINER:
	case VFD_PF_BIND_IOMMUFD:
		if (st->err == 0 || st->err == EPERM || st->err == EBUSY)
			blockers(x, st);
		/* the cdev path also refuses while someone holds the group node */
		if (st->id == VFD_PF_BIND_IOMMUFD && st->err == EBUSY)
			holders(x, st, node);
		if (st->id == VFD_PF_SET_CONTAINER && st->err == EINVAL)
			quote_kmsg(x, st, "1:1 IOMMU mapping");
		break;
	case VFD_PF_SET_IOMMU:
		if (st->err == EPERM) {
			char *v = NULL;

			quote_kmsg(x, st, "No interrupt remapping support");
			quote_kmsg(x, st, "platform RMRR requirement");
			if (vfd_root_readf_str(x->root, &v, "sys/module/vfio_iommu_type1/parameters/"
					       "allow_unsafe_interrupts") == 0)
				strv_appendf(&st->evidence, "vfio_iommu_type1 "
					     "allow_unsafe_interrupts: %s", v);
			free(v);
		}
		break;
	case VFD_PF_MAP_DMA:
	case VFD_PF_IOAS_MAP:
		if (st->err == ENOMEM)
			memlock_evidence(x, st);
		break;
	case VFD_PF_GET_DEVICE_FD:
	case VFD_PF_DRIVER:
		if (st->id == VFD_PF_GET_DEVICE_FD && st->err != ENODEV)
			break;
		strv_appendf(&st->evidence, "/sys/bus/pci/devices/%s/driver: %s", pf->slot,
			     pf->driver ? pf->driver : "none");
		break;
	case VFD_PF_MEMLOCK:
		/* its evidence is written with it */
		break;
	default:
		break;
	}
}
