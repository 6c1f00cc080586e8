// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The catalogue's formats as log lines: each format of data/catalogue.tsv
 * (harvested by tools/harvest-messages) instantiated with sample values
 * chosen by its conversions and their context, and the real prefixes its
 * program's lines carry in logs. Shared by the coverage test (test-coverage.c:
 * does the knowledge base match them?) and the safety-net test
 * (test-safety-net.c: what would the classifier of unknown lines say?).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "catalogue-lines.h"

const char *const catalogue_header =
	"program\tlevel\tversions\tfile\tfunction\tcall\tformat";

/*
 * The prefixes a program's lines carry in real logs; every one is tried. A
 * row applies when its program matches and its file part (a path prefix) and
 * level, where given, do; the first row that applies wins.
 *  - QEMU: an error set while a -device option is realized (error_setg) is
 *    printed after that option, bare and as libvirt wraps it; error_report
 *    and warn_report at run time carry only the program name.
 *  - libvirt: virsh prints "error: " before the message (which starts with
 *    the error code's text), libvirtd's log "error : function:line : ".
 *  - Proxmox: die() ends a task with "TASK ERROR: ", warn() writes "WARN: ".
 *  - crosvm and cloud-hypervisor: their loggers' own prefixes per level.
 *  - the Go and Python programs: a message logged is a field of their
 *    loggers' lines; an error returned (fmt.Errorf, anyhow!, an exception)
 *    is printed by whoever gets it: a field of a log line, a kubectl event,
 *    an admission denial, a CLI's "Error: ". Where a wrapper holds "%q" the
 *    message is there, quoted (wrap_next()); "%n" only has its newlines
 *    escaped (TrueNAS's syslog formatter).
 */
struct program_prefixes {
	const char *program, *file, *level;
	const char *prefixes[MAX_PREFIXES];
};

#define QEMU_DEVICE(dev)							\
	"qemu-system-x86_64: -device " dev ": ",				\
	"error: internal error: qemu unexpectedly closed the monitor: "	\
	"2026-12-05T10:00:00.123456Z qemu-system-x86_64: -device "		\
	"{\"driver\":\"" dev "\",\"id\":\"dev0\"}: "

#define KUBEVIRT_JSON(level, msg, more)						\
	"{\"component\":\"virt-handler\",\"level\":\"" level "\",\"msg\":\"" msg "\","	\
	"\"pos\":\"vm.go:1234\"" more ",\"timestamp\":\"2026-12-05T10:00:00.000000Z\"}"
#define LOGRUS_CONTAINERD(level, rest)						\
	"Dec 05 10:00:00 host containerd[1234]: time=\"2026-12-05T10:00:00.123456789Z\" "	\
	"level=" level " msg=\"" rest
#define OSLO(level)								\
	"2026-12-05 10:00:00.123 1234 " level " nova.compute.manager "		\
	"[req-6a1f2e3d-0000-4000-8000-00000000cafe - - - - - -] "
#define TRUENAS(level)								\
	"[2026/12/05 10:00:00] (" level ") middlewared.plugins.vm.start():123 - %n"

#define VDSM_LOG(level)								\
	"2026-12-05 10:00:00,123+0000 " level " (vm/6a1f2e3d) [virt.vm] "	\
	"(vmId='6a1f2e3d-0000-4000-8000-00000000cafe') "

/* the level of a row for an error returned, not logged (returned()) */
#define RETURNED "returned"

static const struct program_prefixes all_prefixes[] = {
	{ "linux", NULL, NULL, { "[   12.345678] ", "Dec 05 10:00:00 host kernel: " } },
	{ "nvidia", NULL, NULL, { "[   12.345678] ", "Dec 05 10:00:00 host kernel: " } },
	{ "vendor-reset", NULL, NULL, { "[   12.345678] ", "Dec 05 10:00:00 host kernel: " } },
	/* Looking Glass: the kvmfr module's printk; the programs' debug_printPrefix()
	 * time before the level tag the row starts with */
	{ "looking-glass", "module/", NULL, { "[   12.345678] ", "Dec 05 10:00:00 host kernel: " } },
	{ "looking-glass", NULL, NULL, { "00:00:01.234 " } },
	{ "libvirt", NULL, "error", { "error: ", "2026-12-05 10:00:00.000+0000: 1234: error : "
				      "virHostdevPreparePCIDevices:1234 : " } },
	{ "libvirt", NULL, "warning", { "2026-12-05 10:00:00.000+0000: 1234: warning : "
					"virHostdevPreparePCIDevices:1234 : " } },
	{ "libvirt", NULL, NULL, { "2026-12-05 10:00:00.000+0000: 1234: info : "
				   "virHostdevPreparePCIDevices:1234 : " } },
	{ "proxmox", NULL, "error", { "TASK ERROR: " } },
	{ "proxmox", NULL, NULL, { "WARN: " } },
	{ "xen", NULL, NULL, { "", "Dec 05 10:00:00 host xl[1234]: " } },
	{ "dpdk", NULL, NULL, { "", "Dec 05 10:00:00 host dpdk-testpmd[1234]: " } },
	{ "crosvm", NULL, "error",
	  { "[2026-12-05T10:00:00.000000000+00:00 ERROR devices::vfio] " } },
	{ "crosvm", NULL, "warning",
	  { "[2026-12-05T10:00:00.000000000+00:00 WARN devices::vfio] " } },
	{ "crosvm", NULL, NULL, { "[2026-12-05T10:00:00.000000000+00:00 INFO devices::vfio] " } },
	{ "cloud-hypervisor", NULL, "error",
	  { "cloud-hypervisor: 1.234567ms: <vmm> ERROR:vmm/src/lib.rs:1234 -- " } },
	{ "cloud-hypervisor", NULL, "warning",
	  { "cloud-hypervisor: 1.234567ms: <vmm> WARN:vmm/src/lib.rs:1234 -- " } },
	{ "cloud-hypervisor", NULL, NULL,
	  { "cloud-hypervisor: 1.234567ms: <vmm> INFO:vmm/src/lib.rs:1234 -- " } },
	{ "dracut", NULL, NULL, { "", "Dec 05 10:00:00 host dracut[1234]: " } },
	/* libvfio-user: the server's log callback (vfu_setup_log): SPDK's
	 * vfio_user_log record, the samples' "gpio: " and "server[PID]: " */
	{ "libvfio-user", NULL, NULL,
	  { "", "[2026-12-05 10:00:00.123456] vfio_user.c:1484:vfio_user_log: *ERROR*: /var/tmp: ",
	    "gpio: ", "server[1234]: " } },
	/* ACRN's acrn-dm: the loggers in log/, the console bare, the kernel log
	 * (kmsg_logger.c's "acrn_dm: "), the disk log's date and uptime */
	{ "acrn", NULL, NULL, { "", "[   12.345678] acrn_dm: ",
				"[2026-12-05 10:00:00][   12.345678] " } },
	{ "mkinitcpio", NULL, NULL, { "" } },
	{ "initramfs-tools", NULL, NULL, { "", "update-initramfs: " } },
	/*
	 * KubeVirt: client-go/log/log.go logs through go-kit's JSON logger (keys
	 * in order); an error is a log line's "reason" (Reason(err)), a
	 * SyncFailed event (virt-handler/vm.go) or, from an admitter's
	 * StatusCause, kubectl's report of the denial (util/webhooks)
	 */
	{ "kubevirt", NULL, RETURNED, { "", KUBEVIRT_JSON("error", "Failed to sync vmi", ",\"reason\":\"%q\""),
				    "  Warning  SyncFailed  5s (x3 over 20s)  virt-handler  ",
				    "Error from server: error when creating \"vm.yaml\": admission webhook "
				    "\"virtualmachine-validator.kubevirt.io\" denied the request: " } },
	{ "kubevirt", NULL, "error", { "", KUBEVIRT_JSON("error", "%q", "") } },
	{ "kubevirt", NULL, "warning", { "", KUBEVIRT_JSON("warning", "%q", "") } },
	{ "kubevirt", NULL, NULL, { "", KUBEVIRT_JSON("info", "%q", "") } },
	/*
	 * Kata: the runtime (Go) logs with logrus's text formatter (katautils/
	 * logger.go) into containerd's journal; its errors and the agent's
	 * (Rust: anyhow!, .context, over ttrpc) reach containerd's own logrus
	 * line and kubectl; the agent logs slog JSON (agent's logging crate)
	 */
	{ "kata", "src/agent/", NULL,
	  { "", "rpc error: code = Internal desc = ",
	    LOGRUS_CONTAINERD("error", "RunPodSandbox for &PodSandboxMetadata{Name:pod0,} failed, error\" "
			      "error=\"failed to create containerd task: failed to create shim task: "
			      "rpc error: code = Internal desc = %q: unknown\""),
	    "{\"msg\":\"%q\",\"level\":\"ERRO\",\"ts\":\"2026-12-05T10:00:00.123456789Z\","
	    "\"source\":\"agent\",\"name\":\"kata-agent\",\"pid\":\"1\",\"subsystem\":\"device\"}" } },
	{ "kata", NULL, RETURNED,
	  { "", "failed to create containerd task: failed to create shim task: ",
	    LOGRUS_CONTAINERD("error", "RunPodSandbox for &PodSandboxMetadata{Name:pod0,} failed, error\" "
			      "error=\"failed to create containerd task: failed to create shim task: %q: unknown\"") } },
	{ "kata", NULL, "error", { "", LOGRUS_CONTAINERD("error", "%q\" source=virtcontainers subsystem=qemu") } },
	{ "kata", NULL, "warning", { "", LOGRUS_CONTAINERD("warning", "%q\" source=virtcontainers subsystem=qemu") } },
	{ "kata", NULL, NULL, { "", LOGRUS_CONTAINERD("info", "%q\" source=virtcontainers subsystem=qemu") } },
	/* QEMU's trace events: bare, after PID@SEC.USEC: (5.2; to 10.0 with -msg timestamp=on), ISO time (10.1+) */
	{ "qemu", NULL, "trace", { "", "4071@1765090000.123456:", "2026-12-07T08:00:00.123456Z " } },
	/*
	 * Incus and LXD: shared/logger's logrus text formatter (the message, then
	 * the fields in name order: an error is "err"), LXD's older log15
	 * logfmt; the CLI prints an error the API returns after "Error: "
	 */
	{ "incus", NULL, RETURNED, { "", "Error: Failed to start device \"gpu0\": ",
				 "Dec 05 10:00:00 host incusd[1234]: time=\"2026-12-05T10:00:00Z\" level=error "
				 "msg=\"Failed starting instance\" err=\"%q\" instance=vm1 project=default" } },
	{ "incus", NULL, NULL, { "", "Dec 05 10:00:00 host incusd[1234]: time=\"2026-12-05T10:00:00Z\" "
				 "level=error msg=\"%q\" instance=vm1 project=default" } },
	{ "lxd", NULL, RETURNED, { "", "Error: Failed to start device \"gpu0\": ",
			       "Dec 05 10:00:00 host lxd.daemon[1234]: time=\"2026-12-05T10:00:00Z\" level=error "
			       "msg=\"Failed starting instance\" err=\"%q\" instance=vm1 project=default",
			       "t=2026-12-05T10:00:00+0000 lvl=eror msg=\"Failed starting instance\" action=start "
			       "err=\"%q\" name=vm1" } },
	{ "lxd", NULL, NULL, { "", "Dec 05 10:00:00 host lxd.daemon[1234]: time=\"2026-12-05T10:00:00Z\" "
			       "level=error msg=\"%q\" instance=vm1 project=default",
			       "t=2026-12-05T10:00:00+0000 lvl=eror msg=\"%q\" name=vm1" } },
	/*
	 * Harvester's pcidevices: logrus's text formatter; an error a handler
	 * returns is logged by wrangler's controller ("error syncing"); a
	 * webhook's, kubectl's report of the denial
	 */
	{ "harvester-pcidevices", NULL, RETURNED,
	  { "", "time=\"2026-12-05T10:00:00Z\" level=error msg=\"error syncing 'node1-000001000': handler "
		"pcidevice-claim: %q, requeuing\"",
	    "Error from server (BadRequest): admission webhook \"validator.harvesterhci.io\" denied the "
	    "request: " } },
	{ "harvester-pcidevices", NULL, "error", { "", "time=\"2026-12-05T10:00:00Z\" level=error msg=\"%q\"",
						   "time=\"2026-12-05T10:00:00Z\" level=fatal msg=\"%q\"" } },
	{ "harvester-pcidevices", NULL, "warning",
	  { "", "time=\"2026-12-05T10:00:00Z\" level=warning msg=\"%q\"" } },
	{ "harvester-pcidevices", NULL, NULL, { "", "time=\"2026-12-05T10:00:00Z\" level=info msg=\"%q\"" } },
	/*
	 * Nova: oslo.log's line (its context format: time, pid, level, logger,
	 * request); an exception ends the traceback logged under the same
	 * prefix as its class and message (the class varies: one stands here)
	 */
	{ "nova", NULL, RETURNED, { "", OSLO("ERROR") "[instance: 6a1f2e3d-0000-4000-8000-00000000cafe] "
				"nova.exception.PciDeviceRequestFailed: " } },
	{ "nova", NULL, "error", { "", OSLO("ERROR") } },
	{ "nova", NULL, "warning", { "", OSLO("WARNING") } },
	{ "nova", NULL, NULL, { "", OSLO("INFO") } },
	/*
	 * TrueNAS: middlewared's logger.py (DEFAULT_LOGFORMAT, newlines escaped
	 * by TNLogFormatter); a ValidationError or CallError as the API and midclt
	 * print it (service_exception.py __str__: "[ERRNAME] attribute: text")
	 */
	{ "truenas", NULL, RETURNED, { "", "[EINVAL] system_advanced_update.isolated_gpu_pci_ids: ",
				   "[EFAULT] " } },
	{ "truenas", NULL, "error", { "", TRUENAS("ERROR") } },
	{ "truenas", NULL, "warning", { "", TRUENAS("WARNING") } },
	{ "truenas", NULL, NULL, { "", TRUENAS("INFO") } },
	/*
	 * NVIDIA's kubevirt-gpu-device-plugin: Go's log package (date and time);
	 * an error Allocate returns reaches the kubelet over gRPC, which reports
	 * it in the pod's admission error
	 */
	{ "kubevirt-gpu-device-plugin", NULL, RETURNED,
	  { "", "Error: UnexpectedAdmissionError: Allocate failed due to rpc error: code = Unknown desc = " } },
	{ "kubevirt-gpu-device-plugin", NULL, NULL, { "", "2026/12/05 10:00:00 " } },
	/* the SR-IOV network device plugin: glog (level letter, time, thread, file:line) */
	{ "sriov-network-device-plugin", NULL, "warning",
	  { "", "W1205 10:00:00.123456       1 pciNetDevice.go:80] " } },
	{ "sriov-network-device-plugin", NULL, NULL,
	  { "", "E1205 10:00:00.123456       1 manager.go:100] ", "I1205 10:00:00.123456       1 server.go:131] " } },
	/*
	 * Intel's device plugins: klog (level letter, time, thread, file:line); an
	 * error a scan returns is logged by the framework (manager.go Run), one
	 * Allocate returns reaches the pod's admission error through the kubelet
	 */
	{ "intel-device-plugins", NULL, RETURNED,
	  { "", "E1207 10:00:00.123456       1 manager.go:102] Device scan failed: ",
	    "Error: UnexpectedAdmissionError: Allocate failed due to rpc error: code = Unknown desc = " } },
	{ "intel-device-plugins", NULL, NULL,
	  { "", "E1207 10:00:00.123456       1 manager.go:146] ", "W1207 10:00:00.123456       1 dpdkdrv.go:350] ",
	    "I1207 10:00:00.123456       1 server.go:285] " } },
	/*
	 * virt-install and virt-xml print an error after "ERROR    " (virtinst/cli.py
	 * fail: "%(levelname)-8s %(message)s"); virt-manager logs an error
	 * dialog's text after "summary=" (virtManager/error.py show_err)
	 */
	{ "virt-manager", "virtinst/", NULL, { "", "ERROR    " } },
	{ "virt-manager", NULL, "error", { "", "summary=" } },
	/* driverctl: at boot driverctl@.service runs load-override, stderr in the journal */
	{ "driverctl", NULL, NULL, { "", "Dec 05 10:00:00 host driverctl[1234]: " } },
	/*
	 * mdevctl: main() returns anyhow's error, which Rust prints as "Error: MSG"
	 * (then "Caused by:"); warn! goes through env_logger's default format
	 */
	{ "mdevctl", NULL, "error", { "Error: " } },
	{ "mdevctl", NULL, NULL, { "[2026-12-05T10:00:00Z WARN  mdevctl::mdev] " } },
	/*
	 * vgpu_unlock-rs: error!/info! call syslog() inside the NVIDIA daemon it is
	 * preloaded into, eprintln! writes to the daemon's standard error: both
	 * reach the journal under the daemon's name
	 */
	{ "vgpu_unlock-rs", NULL, NULL, { "", "Dec 05 10:00:00 host nvidia-vgpu-mgr[1234]: " } },
	/*
	 * usbvfiod: main() returns anyhow's error ("Error: MSG", the causes after
	 * "Caused by:"); tracing's fmt subscriber puts time, level and the module
	 * before a logged line; a panic's message is on a line of its own
	 */
	{ "usbvfiod", NULL, RETURNED, { "Error: ", "" } },
	{ "usbvfiod", NULL, "error",
	  { "", "2026-12-05T10:00:00.123456Z ERROR usbvfiod::device::xhci::controller_reset: " } },
	{ "usbvfiod", NULL, "warning", { "2026-12-05T10:00:00.123456Z  WARN usbvfiod::hotplug_server: " } },
	{ "usbvfiod", NULL, NULL, { "2026-12-05T10:00:00.123456Z  INFO usbvfiod::device::xhci::port: " } },
	/*
	 * VDSM: vdsm.log's line (static/etc/vdsm/logger.conf.in formatter_long:
	 * time, level as vdsmd.py names it, thread, logger, the VM's id),
	 * supervdsm.log's (svdsm.logger.conf.in); an exception raised is seen
	 * bare (the engine's event) or as the last line of a traceback
	 */
	{ "vdsm", NULL, RETURNED, { "" } },
	{ "vdsm", "lib/vdsm/supervdsm_api/", "error",
	  { "", "MainProcess|jsonrpc/0::ERROR::2026-12-05 10:00:00,123::virt::106::root::(mdev_create) " } },
	{ "vdsm", NULL, "error", { "", VDSM_LOG("ERROR") } },
	{ "vdsm", NULL, "warning", { "", VDSM_LOG("WARN ") } },
	{ "vdsm", NULL, NULL, { "", VDSM_LOG("INFO ") } },
	/*
	 * xapi: xe prints an API error's text (datamodel_errors.ml's doc) bare;
	 * the Debug module's lines in xensource.log are "[%5s|ctx|id name|task|
	 * module] MSG" (ocaml/libs/log/debug.ml format) under xapi or xenopsd-xc
	 */
	{ "xapi", "ocaml/idl/", NULL, { "" } },
	{ "xapi", "ocaml/xenopsd/", NULL,
	  { "", "Dec  5 10:00:00 xcp-ng xenopsd-xc: [error||12 |Parallel:task=3.atoms=1|xenops] ",
	    "Dec  5 10:00:00 xcp-ng xenopsd-xc: [ warn||12 ||xenops] " } },
	{ "xapi", NULL, NULL,
	  { "", "Dec  5 10:00:00 xcp-ng xapi: [error||1234 HTTPS 10.0.0.5->|Async.VM.start R:0a8b1b7fd8e4|xapi_pgpu] ",
	    "Dec  5 10:00:00 xcp-ng xapi: [ info||1234 ||xapi] " } },
	/*
	 * OpenNebula: oned.log and the VM's log "[Z0][MOD][E]: ", the CLI the API's
	 * "[one.vm.attachpci] " answer, the scheduler's SCHED_MESSAGE
	 */
	{ "opennebula", "src/schedm_mad/", NULL, { "Mon Dec  7 10:00:00 2026 : Cannot dispatch VM: " } },
	{ "opennebula", "src/", "error",
	  { "", "[one.vm.attachpci] ", "Mon Dec  7 10:00:00 2026 [Z0][VMM][E]: " } },
	{ "opennebula", NULL, NULL, { "", "Mon Dec  7 10:00:00 2026 [Z0][DiM][I]: " } },
};

static const char *const fallback_prefixes[] = { "", NULL };

/* an error a Go, Rust or Python function returns or raises, not a logger's line */
static bool returned(const char *call)
{
	static const char *const heads[] = { "fmt.Errorf", "errors.New", "anyhow!", ".context",
					     ".expect", "msg_fmt", "raise.", "StatusCause",
					     "append.Sprintf", "verrors.add", "api.StatusErrorf" };

	for (size_t i = 0; i < sizeof(heads) / sizeof(*heads); i++)
		if (strncmp(call, heads[i], strlen(heads[i])) == 0)
			return true;
	return false;
}

/* QEMU: the device a file implements, for errors set while it is realized */
static const struct program_prefixes qemu_devices[] = {
	{ "qemu", "hw/i386/intel_iommu", NULL, { QEMU_DEVICE("intel-iommu") } },
	{ "qemu", "hw/i386/amd_iommu", NULL, { QEMU_DEVICE("amd-iommu") } },
	{ "qemu", "hw/virtio/virtio-iommu", NULL, { QEMU_DEVICE("virtio-iommu-pci") } },
	/* USB passthrough: a port is claimed (bus.c) while usb-host is realized */
	{ "qemu", "hw/usb/u2f-passthru", NULL, { QEMU_DEVICE("u2f-passthru,hidraw=/dev/hidraw0") } },
	{ "qemu", "hw/usb/", NULL, { QEMU_DEVICE("usb-host,hostbus=1,hostaddr=4") } },
	{ "qemu", "hw/vfio-user/", NULL, { QEMU_DEVICE("vfio-user-pci,socket.type=unix,socket.path=/run/vfu.sock") } },
	{ "qemu", "hw/", NULL, { QEMU_DEVICE("vfio-pci,host=0000:01:00.0") } },
};

static const char *const qemu_runtime[] = { "qemu-system-x86_64: ", NULL };
static const char *const qemu_hw_error[] = { "qemu: hardware error: ", NULL };
const char *const *prefixes_of(const char *program, const char *level, const char *file,
			       const char *call)
{
	if (strcmp(program, "qemu") == 0 && strcmp(level, "trace") != 0) {
		/* hints go on lines of their own; hw_error() names itself */
		if (strcmp(call, "error_append_hint") == 0 || strcmp(call, "fprintf") == 0)
			return fallback_prefixes;
		if (strcmp(call, "hw_error") == 0)
			return qemu_hw_error;
		if (strncmp(call, "error_setg", 10) != 0 && strcmp(call, "error_prepend") != 0)
			return qemu_runtime;
		for (size_t i = 0; i < sizeof(qemu_devices) / sizeof(*qemu_devices); i++)
			if (strncmp(file, qemu_devices[i].file, strlen(qemu_devices[i].file)) == 0)
				return qemu_devices[i].prefixes;
		return qemu_runtime;
	}
	for (size_t i = 0; i < sizeof(all_prefixes) / sizeof(*all_prefixes); i++)
		if (strcmp(all_prefixes[i].program, program) == 0 &&
		    (!all_prefixes[i].file ||
		     strncmp(file, all_prefixes[i].file, strlen(all_prefixes[i].file)) == 0) &&
		    (!all_prefixes[i].level || strcmp(all_prefixes[i].level, level) == 0 ||
		     (strcmp(all_prefixes[i].level, RETURNED) == 0 && returned(call))))
			return all_prefixes[i].prefixes;
	return fallback_prefixes;
}

/* Go's strconv.Quote and JSON (%q) or a newline alone (%n): the escape of @c, NULL for none */
static const char *escape_of(char how, char c)
{
	if (c == '\n')
		return "\\n";
	if (how != 'q')
		return NULL;
	return c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\t' ? "\\t" : NULL;
}

size_t wrap_next(const char *w, const char **msg, char *out, size_t size)
{
	const char *s = *msg, *nl = strchr(s, '\n'), *at = strstr(w, "%q");
	size_t len = nl ? (size_t)(nl - s) : strlen(s), o = 0;
	char how = 'q';

	if (!at && (at = strstr(w, "%n")))
		how = 'n';
	if (!at) {
		/* one line of the message behind the prefix, the prefix before each */
		*msg = s + len + (nl ? 1 : 0);
		if (!len)
			return 0;
		o = (size_t)snprintf(out, size, "%s%.*s", w, (int)len, s);
		return o < size ? o : size - 1;
	}
	/* the whole message inside the wrapper: one line */
	len = strlen(s);
	*msg = s + len;
	for (const char *p = w; *p && o + 3 < size; p++) {
		if (p != at) {
			out[o++] = *p;
			continue;
		}
		for (size_t i = 0; i < len && o + 3 < size; i++) {
			const char *e = escape_of(how, s[i]);

			o += (size_t)snprintf(out + o, size - o, "%s", e ? e : (char[]){ s[i], 0 });
		}
		p++;
	}
	out[o] = '\0';
	return o;
}

/* ------------------------------------------------------------ formats */

/* one conversion of a printf format: "%-08llx" or the kernel's "%pR" */
struct conv {
	size_t start, len;	/* in the format */
	char spec;		/* d i u x X o c s p f e g m %, Go's v w q t T, Python's r */
	char ext[4];		/* after %p: "R", "a", "ad", "S", ... */
	int width;		/* -1 when none */
	bool alt;		/* '#' */
};

/* parse the conversion at fmt[i] == '%' */
static struct conv parse_conv(const char *fmt, size_t i)
{
	struct conv c = { .start = i, .width = -1 };
	size_t k = i + 1;

	/* Python's "%(name)s": the mapping key, then an ordinary conversion */
	if (fmt[k] == '(' && strchr(fmt + k, ')'))
		k = (size_t)(strchr(fmt + k, ')') - fmt) + 1;
	while (fmt[k] && strchr("-+ #0'", fmt[k])) {
		if (fmt[k] == '#')
			c.alt = true;
		k++;
	}
	if (fmt[k] == '*') {
		k++;
	} else if (isdigit((unsigned char)fmt[k])) {
		c.width = 0;
		while (isdigit((unsigned char)fmt[k]))
			c.width = c.width * 10 + (fmt[k++] - '0');
	}
	if (fmt[k] == '.') {
		k++;
		if (fmt[k] == '*')
			k++;
		while (isdigit((unsigned char)fmt[k]))
			k++;
	}
	/* q and t are C length modifiers only before a C integer conversion; alone they
	 * are Go's %q (quoted string) and %t (bool) */
	while (fmt[k] && strchr("hlLqjzt", fmt[k]) &&
	       !(strchr("qt", fmt[k]) && !(fmt[k + 1] && strchr("diouxXn", fmt[k + 1]))))
		k++;
	c.spec = fmt[k] ? fmt[k] : '%';
	if (fmt[k])
		k++;
	if (c.spec == 'p') {
		/* the kernel's pointer extensions: letters (and digits) glued on */
		size_t n = 0;

		while (isalnum((unsigned char)fmt[k]) && n < sizeof(c.ext) - 1 &&
		       (n > 0 || strchr("RrSsFfBaVeOKMmIiUtdDghbnpx", fmt[k])))
			c.ext[n++] = fmt[k++];
		c.ext[n] = '\0';
	}
	c.len = k - i;
	return c;
}

/* the lower-cased text of @fmt before @pos, at most @n characters */
static void before(const char *fmt, size_t pos, char *out, size_t n)
{
	size_t from = pos > n - 1 ? pos - (n - 1) : 0, k = 0;

	for (size_t i = from; i < pos; i++)
		out[k++] = (char)tolower((unsigned char)fmt[i]);
	out[k] = '\0';
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* the words right before a number that make it an error code */
static bool error_context(const char *prev)
{
	static const char *const tails[] = { "error ", "err ", "err=", "err: ", "err:", "ret ", "ret=",
					     "rc=", "rc ", "returned ", "failed: ", "failed with error ",
					     "failed with ", "errno ", "errno=", "error: ", "error=",
					     "error:", "failure ", "status ", "ret: ", "failed ",
					     "error code ", "err -", "(err " };

	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++)
		if (ends_with(prev, tails[i]))
			return true;
	return false;
}

/* a %s that strerror() fills: "failed: %s", "error: %s", "(%s)" after failure words */
static bool errno_text_context(const char *prev)
{
	static const char *const tails[] = { "failed: ", "failed with ", "error: ", "failure: ",
					     "failed (", "error (", "errno ", "err: ",
					     "because ", "cannot open", "can't open" };

	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++)
		if (ends_with(prev, tails[i]))
			return true;
	return false;
}

/* a %s that names a device */
static bool device_context(const char *prev)
{
	static const char *const tails[] = { "device ", "vfio ", "host ", "dev ", "pci ",
					     "slot ", "function ", "host=", "device=", "bdf ",
					     "address ", "vf ", "mmap ", "device at " };

	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++)
		if (ends_with(prev, tails[i]))
			return true;
	return false;
}

enum sample { S_SLOT, S_DRIVER, S_ERRNO_TEXT, S_ERRNO, S_NUM, S_HEX, S_WORD, S_TEXT, S_LITERAL };

struct piece {
	enum sample kind;
	char text[96];
};

/* a driver name for the dev_* prefix from the printing file */
static const char *driver_of(const char *file)
{
	static const struct {
		const char *part, *driver;
	} map[] = {
		{ "virtio-iommu", "virtio_iommu" },
		{ "drivers/vfio/pci", "vfio-pci" }, { "drivers/gpu/drm/amd", "amdgpu" },
		{ "drivers/gpu/drm/i915", "i915" }, { "drivers/gpu/drm/xe", "xe" },
		{ "drivers/gpu/drm/nouveau", "nouveau" }, { "pcie/portdrv", "pcieport" },
		{ "drivers/pci/pcie", "pcieport" }, { "nvidia", "nvidia" },
		/* vendor-reset resets a device that vfio-pci holds */
		{ "src/amd/", "vfio-pci" }, { "src/vendor-reset", "vfio-pci" },
		/*
		 * the host bridges of device-tree machines print on their platform
		 * device ("brcm-pcie fd500000.pcie: "); Hyper-V's and VMD's do not
		 */
		{ "controller/pci-hyperv", "pci" }, { "controller/vmd", "pci" },
		{ "controller/pcie-hisi-error", "hisi-pcie-error-handler" },
		{ "drivers/pci/controller/", "brcm-pcie" }, { "drivers/pci/of.c", "brcm-pcie" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (strstr(file, map[i].part))
			return map[i].driver;
	return "pci";
}

/* what the kernel's %p extensions print (lib/vsprintf.c), longest first */
static const struct {
	const char *ext, *text;
} pointer_samples[] = {
	{ "ad", "0x00000000fffff000" }, { "a", "0x00000000f0000000" },
	{ "R", "[mem 0xf0000000-0xf0ffffff 64bit pref]" },
	{ "r", "[mem 0xf0000000-0xf0ffffff flags 0x14220c]" },
	{ "S", "vfio_pci_core_ioctl+0x1a0/0x4d0 [vfio_pci_core]" },
	{ "s", "vfio_pci_core_ioctl" }, { "F", "vfio_pci_core_ioctl+0x1a0/0x4d0" },
	{ "f", "vfio_pci_core_ioctl" }, { "B", "vfio_pci_core_ioctl+0x1a0/0x4d0" },
	{ "V", "unexpected state" }, { "e", "-EINVAL" }, { "O", "/soc/pcie@10000000" },
	{ "M", "00:11:22:33:44:55" }, { "m", "001122334455" }, { "I", "192.0.2.1" },
	{ "i", "192.0.2.1" }, { "U", "6a1f2e3d-0000-4000-8000-00000000cafe" },
	{ "t", "2026-12-05T10:00:00" }, { "d", "vfio" }, { "D", "vfio" }, { "g", "nvme0n1" },
	{ "b", "0-3" }, { "h", "01 02 03 04" },
};

/* zero-padded hex of @v in at least @width digits */
static void hex(char *out, size_t size, unsigned long long v, int width, bool alt)
{
	snprintf(out, size, "%s%0*llx", alt ? "0x" : "", width > 0 && width < 17 ? width : 1, v);
}

/*
 * What the PCI core's pci_resource_name() (drivers/pci/pci.c, 6.1 and later)
 * gives for the "%s" before a "%pR": a BAR, an SR-IOV VF BAR, the ROM or a
 * bridge window. A format of that shape is tried with each of them.
 */
static const char *const resource_names[] = { "BAR 0", "VF BAR 0", "ROM", "bridge window" };
#define N_RESOURCE_NAMES (sizeof(resource_names) / sizeof(*resource_names))

/* is the conversion @c of @fmt a "%s" right before " %pR"? */
static bool names_resource(const char *fmt, const struct conv *c)
{
	return c->spec == 's' && strncmp(fmt + c->start + c->len, " %pR", 4) == 0;
}

/* how many variants of @fmt to try: one per resource name where it names one */
size_t variants_of(const char *fmt)
{
	for (const char *s = strstr(fmt, "%s %pR"); s; s = strstr(s + 1, "%s %pR"))
		if (s == fmt || s[-1] != '%')
			return N_RESOURCE_NAMES;
	return 1;
}

/*
 * Values a "%s" takes that the text around it tells (the source passes a
 * fixed word there): "Nested Paging %sabled" (svm.c), "Reserving %4.4s table"
 * (drivers/acpi/tables.c: a table signature).
 */
static const struct {
	const char *prev_tail, *next_head, *text;
} word_samples[] = {
	{ NULL, "abled", "en" },
	{ "reserving ", " table", "DMAR" },
	{ "acpi: ", " acpi table", "DMAR" },
	{ "mode", "", "" },		/* iommu.c: " (set via kernel command line)" or "" */
};

/* the sample value for conversion @c of @fmt, given what came before */
static struct piece sample(const char *fmt, const struct conv *c, size_t index, const char *file,
			   const char *function, size_t variant)
{
	struct piece p = { S_TEXT, "" };
	char prev[40];

	before(fmt, c->start, prev, sizeof(prev));
	/* what follows a %pR is an optional note, most often empty */
	if (c->spec == 's' && c->start >= 3 && strncmp(fmt + c->start - 3, "%pR", 3) == 0) {
		p.kind = S_WORD;
		return p;
	}
	if (names_resource(fmt, c)) {
		p.kind = S_TEXT;
		strcpy(p.text, resource_names[variant % N_RESOURCE_NAMES]);
		return p;
	}
	for (size_t i = 0; c->spec == 's' && i < sizeof(word_samples) / sizeof(*word_samples); i++) {
		const char *next = fmt + c->start + c->len;

		if ((!word_samples[i].prev_tail || ends_with(prev, word_samples[i].prev_tail)) &&
		    strncasecmp(next, word_samples[i].next_head, strlen(word_samples[i].next_head)) == 0) {
			p.kind = S_WORD;
			strcpy(p.text, word_samples[i].text);
			return p;
		}
	}
	/* the kernel's dev_printk prefix "%s %s: " (driver, device) */
	if (c->start == 0 && index == 0 && c->spec == 's' && strncmp(fmt, "%s %s: ", 7) == 0) {
		p.kind = S_DRIVER;
		snprintf(p.text, sizeof(p.text), "%s", driver_of(file));
		return p;
	}
	if (index == 1 && c->start == 3 && c->spec == 's' && strncmp(fmt, "%s %s: ", 7) == 0) {
		/*
		 * the device's name: a PCI address, a virtio device's "virtioN", or a
		 * host bridge's platform device named after its device-tree node
		 */
		bool platform = strcmp(driver_of(file), "brcm-pcie") == 0;

		p.kind = strstr(file, "virtio") || platform ? S_WORD : S_SLOT;
		strcpy(p.text, strstr(file, "virtio") ? "virtio0"
			       : platform	       ? "fd500000.pcie"
						       : "0000:01:00.0");
		return p;
	}
	/*
	 * vendor-reset's vr_info() & co. (src/vendor-reset-dev.h) put the device
	 * family's name of its device table (src/device-db.h) after the dev_*
	 * prefix: "vfio-pci 0000:01:00.0: AMD_POLARIS10: ..."
	 */
	if (index == 2 && c->start == 7 && c->spec == 's' && strncmp(fmt, "%s %s: %s: ", 11) == 0 &&
	    (strncmp(file, "src/amd/", 8) == 0 || strncmp(file, "src/vendor-reset", 16) == 0)) {
		p.kind = S_WORD;
		strcpy(p.text, "AMD_POLARIS10");
		return p;
	}
	/*
	 * "%s: ...", "%s(...)" at the start or right after the dev_* prefix, or
	 * "[drm:%s]": the function's name (__func__)
	 */
	if (c->spec == 's' && strcmp(function, "-") != 0 &&
	    (((c->start == 0 || (c->start == 7 && strncmp(fmt, "%s %s: ", 7) == 0)) &&
	      (fmt[c->start + c->len] == ':' || fmt[c->start + c->len] == '(')) ||
	     ends_with(prev, "[drm:"))) {
		p.kind = S_WORD;
		snprintf(p.text, sizeof(p.text), "%s", function);
		return p;
	}
	/* QEMU's "%s(%s...": the function, then the device's name */
	if (c->spec == 's' && index == 1 && strncmp(fmt, "%s(%s", 5) == 0) {
		p.kind = S_SLOT;
		strcpy(p.text, "0000:01:00.0");
		return p;
	}
	switch (c->spec) {
	case '%':
		p.kind = S_LITERAL;
		strcpy(p.text, "%");
		return p;
	case 'w':	/* Go: a wrapped error's text */
		p.kind = S_TEXT;
		strcpy(p.text, "no such device");
		return p;
	case 'q':	/* Go: a quoted string */
		p.kind = S_WORD;
		strcpy(p.text, "\"item0\"");
		return p;
	case 'r':	/* Python: repr() of a string */
		p.kind = S_WORD;
		strcpy(p.text, "'item0'");
		return p;
	case 't':	/* Go: a bool */
		p.kind = S_WORD;
		strcpy(p.text, "true");
		return p;
	case 'T':	/* Go: a type's name */
		p.kind = S_WORD;
		strcpy(p.text, "string");
		return p;
	case 'v':	/* Go: a value in its default format (%+v too): printed like %s */
	case 's':
		/* "...: %s" at the very end is strerror() nearly always (QEMU, libvirt) */
		if (errno_text_context(prev) ||
		    (ends_with(prev, ": ") && fmt[c->start + c->len] == '\0' && index > 0 &&
		     strncmp(fmt, "%s %s: ", 7) != 0)) {
			p.kind = S_ERRNO_TEXT;
			strcpy(p.text, "Invalid argument");
		} else if (device_context(prev)) {
			p.kind = S_SLOT;
			strcpy(p.text, "0000:01:00.0");
		} else if (ends_with(prev, "'") || ends_with(prev, "\"") || ends_with(prev, "/")) {
			p.kind = S_WORD;
			strcpy(p.text, "item0");
		} else {
			p.kind = S_TEXT;
			strcpy(p.text, "sample_name");
		}
		return p;
	case 'm':
		p.kind = S_ERRNO_TEXT;
		strcpy(p.text, "Invalid argument");
		return p;
	case 'c':
		p.kind = S_WORD;
		strcpy(p.text, "A");
		return p;
	case 'f': case 'e': case 'g': case 'E': case 'G':
		p.kind = S_NUM;
		strcpy(p.text, "1.5");
		return p;
	case 'p':
		for (size_t i = 0; i < sizeof(pointer_samples) / sizeof(*pointer_samples); i++) {
			if (c->ext[0] && strncmp(c->ext, pointer_samples[i].ext,
						 strlen(pointer_samples[i].ext)) == 0) {
				p.kind = S_TEXT;
				strcpy(p.text, pointer_samples[i].text);
				return p;
			}
		}
		p.kind = S_HEX;		/* a plain (hashed) pointer */
		strcpy(p.text, "00000000a1b2c3d4");
		return p;
	case 'x': case 'X': case 'o':
		p.kind = S_HEX;
		hex(p.text, sizeof(p.text), c->width > 8 ? 0xfee00000ull : 0x1f, c->width, c->alt);
		if (c->spec == 'X')
			for (char *s = p.text; *s; s++)
				*s = (char)toupper((unsigned char)*s);
		return p;
	default:	/* d i u */
		if (c->spec != 'u' && error_context(prev)) {
			p.kind = S_ERRNO;
			strcpy(p.text, "-22");
		} else if (ends_with(prev, "group ") || ends_with(prev, "/dev/vfio/")) {
			p.kind = S_NUM;
			strcpy(p.text, "14");
		} else {
			p.kind = S_NUM;
			snprintf(p.text, sizeof(p.text), "%0*d", c->width > 0 ? c->width : 1, 3);
		}
		return p;
	}
}

/*
 * A PCI address spelt out as conversions, "%04x:%02x:%02x.%x" or
 * "%02x:%02x.%d": its length in the format, 0 when there is none at @i.
 */
static size_t slot_conversions(const char *fmt, size_t i, bool *with_domain)
{
	static const char seps4[] = "::.", seps3[] = ":.";
	size_t k = i, n = 0;
	char seps[4] = "";

	while (n < 4 && fmt[k] == '%') {
		struct conv c = parse_conv(fmt, k);

		if (!strchr("xXdu", c.spec))
			break;
		k += c.len;
		n++;
		if (!fmt[k] || !strchr(":.", fmt[k]) || n == 4)
			break;
		seps[n - 1] = fmt[k];
		if (fmt[k] == '.') {
			/* the function comes last */
			k++;
			if (fmt[k] != '%')
				return 0;
			c = parse_conv(fmt, k);
			if (!strchr("xXdu", c.spec))
				return 0;
			k += c.len;
			n++;
			break;
		}
		k++;
	}
	seps[n ? n - 1 : 0] = '\0';
	if (n == 4 && strcmp(seps, seps4) == 0) {
		*with_domain = true;
		return k - i;
	}
	if (n == 3 && strcmp(seps, seps3) == 0) {
		*with_domain = false;
		return k - i;
	}
	return 0;
}


/*
 * The message as a log shows it (in @line) and, in @pattern, a knowledge base
 * pattern for it: the dev_* prefix dropped, values as placeholders.
 */
static void add_arg(struct instance_args *args, const char *text)
{
	if (args && args->n < INSTANCE_ARGS_MAX)
		snprintf(args->v[args->n++], sizeof(args->v[0]), "%s", text);
}

void instantiate(const char *fmt, const char *file, const char *function, size_t variant,
		 char *line, size_t lsize, char *pattern, size_t psize)
{
	instantiate_args(fmt, file, function, variant, line, lsize, pattern, psize, NULL);
}

void instantiate_args(const char *fmt, const char *file, const char *function, size_t variant,
		      char *line, size_t lsize, char *pattern, size_t psize,
		      struct instance_args *args)
{
	size_t ln = 0, pn = 0, index = 0, values = 0;
	bool dev_prefix = strncmp(fmt, "%s %s: ", 7) == 0, cut = false;

	for (size_t i = 0; fmt[i] && ln + 100 < lsize && pn + 20 < psize;) {
		struct conv c;
		struct piece p;
		const char *ph = NULL;
		bool domain;
		size_t slot_len = fmt[i] == '%' ? slot_conversions(fmt, i, &domain) : 0;

		if (slot_len) {
			ln += (size_t)snprintf(line + ln, lsize - ln, "%s",
					       domain ? "0000:01:00.0" : "01:00.0");
			if (domain)
				add_arg(args, "0000");
			add_arg(args, "01");
			add_arg(args, "00");
			add_arg(args, "0");
			if (++values <= VFD_KB_MAX_VALUES && !cut)
				pn += (size_t)snprintf(pattern + pn, psize - pn, "%%slot%%");
			i += slot_len;
			index += domain ? 4 : 3;
			continue;
		}
		if (fmt[i] != '%') {
			line[ln++] = fmt[i];
			if (!(dev_prefix && i < 7) && !cut)
				pattern[pn++] = fmt[i];
			i++;
			continue;
		}
		c = parse_conv(fmt, i);
		p = sample(fmt, &c, index, file, function, variant);
		ln += (size_t)snprintf(line + ln, lsize - ln, "%s", p.text);
		if (c.spec != '%')
			add_arg(args, p.text);
		if (!(dev_prefix && i < 7) && !cut) {
			switch (p.kind) {
			case S_SLOT: ph = "%slot%"; break;
			case S_ERRNO_TEXT: case S_ERRNO: ph = "%errno%"; break;
			case S_NUM: ph = strchr(p.text, '.') ? "%word%" : "%num%"; break;
			case S_HEX: case S_WORD: ph = "%word%"; break;
			case S_LITERAL: ph = "%%"; break;
			default: ph = pn == 0 ? "%word%" : "%any%";
			}
			if (p.kind != S_LITERAL && ++values > VFD_KB_MAX_VALUES)
				ph = "";	/* the suggestion is cut here */
			pn += (size_t)snprintf(pattern + pn, psize - pn, "%s", ph);
			/* the suggestion stops here; the line goes on */
			cut = !*ph;
		}
		index += c.spec != '%';
		i += c.len;
	}
	line[ln] = '\0';
	pattern[pn] = '\0';
}

/*
 * The lines to try for @program's @fmt: those of the samples file (then
 * @samples->n is their number), or else the number of instantiations
 * (variants_of()), @samples->n being 0.
 */
size_t samples_of(struct side_file *samples, const char *program, const char *fmt,
		  const char **lines, size_t max)
{
	samples->n = 0;
	for (size_t i = 0; i < samples->n_rows && samples->n < max; i++)
		if (strcmp(samples->rows[i].program, program) == 0 &&
		    strcmp(samples->rows[i].format, fmt) == 0) {
			samples->rows[i].used = true;
			lines[samples->n++] = samples->rows[i].third;
		}
	return samples->n ? samples->n : variants_of(fmt);
}

/* split a catalogue row in place into its 7 columns */
bool split_row(char *row, char **col)
{
	size_t n = 0;

	col[n++] = row;
	for (char *s = row; *s; s++) {
		if (*s == '\t') {
			*s = '\0';
			if (n == 7)
				return false;
			col[n++] = s + 1;
		}
	}
	return n == 7;
}

static char programs[MAX_PROGRAMS][32];
static size_t n_programs;

size_t program_index(const char *program)
{
	for (size_t i = 0; i < n_programs; i++)
		if (strcmp(programs[i], program) == 0)
			return i;
	if (n_programs == MAX_PROGRAMS)
		return MAX_PROGRAMS - 1;
	snprintf(programs[n_programs], sizeof(programs[0]), "%s", program);
	return n_programs++;
}

const char *program_name(size_t i)
{
	return i < n_programs ? programs[i] : "";
}

size_t program_count(void)
{
	return n_programs;
}

bool catalogue_open(struct catalogue_rows *r, const char *path)
{
	*r = (struct catalogue_rows){ .f = fopen(path, "r") };
	return r->f != NULL;
}

bool catalogue_next(struct catalogue_rows *r, char **col)
{
	ssize_t n;

	while ((n = getline(&r->row, &r->cap, r->f)) >= 0) {
		r->lineno++;
		if (n && r->row[n - 1] == '\n')
			r->row[--n] = '\0';
		if (r->lineno == 1) {
			r->bad_header = strcmp(r->row, catalogue_header) != 0;
			continue;
		}
		if (!n)
			continue;
		if (!split_row(r->row, col)) {
			r->bad_rows++;
			continue;
		}
		if (strlen(col[6]) >= r->raw_cap) {
			char *grown = realloc(r->raw_format, strlen(col[6]) + 1);

			if (!grown)
				return false;
			r->raw_format = grown;
			r->raw_cap = strlen(col[6]) + 1;
		}
		strcpy(r->raw_format, col[6]);
		unescape(col[6]);
		trim_newlines(col[6]);
		return true;
	}
	return false;
}

void catalogue_close(struct catalogue_rows *r)
{
	free(r->row);
	free(r->raw_format);
	r->raw_format = NULL;
	if (r->f)
		fclose(r->f);
	r->row = NULL;
	r->f = NULL;
}
