// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-doctor trial: bind the devices for the trial only (bind's plan, guards
 * and record), boot the host's own kernel in a throwaway QEMU with them and
 * an initramfs whose /init is the static guest build, read its report back
 * and judge it layer by layer; give the devices back on every path. A trial
 * killed with SIGKILL leaves bind's record, which `restore` uses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "findings.h"
#include "output.h"
#include "select.h"
#include "trial-proto.h"
#include "trial.h"

#define TRIAL_JSON_SCHEMA 1
#define GUEST_BINARY "vfio-doctor-guest"
#define QEMU_BINARY "qemu-system-x86_64"
#define FILE_MAX (8u << 20)

static const char *const layers[] = { "trial", "guest" };

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(void)
{
	fputs("\nUsage:\n"
	      " vfio-doctor trial [options] DEVICE...\n"
	      "\nProve a passthrough end to end before any guest is installed: bind the\n"
	      "devices (and the other functions of their slots) to vfio-pci for the trial\n"
	      "only, boot this host's kernel in a throwaway QEMU VM with no disk and no\n"
	      "network of its own, check inside that the guest sees the devices, binds their\n"
	      "drivers and that they work (a NIC's MAC and link, a GPU's DRM node and\n"
	      "connectors), then give the devices back to their drivers.\n"
	      "\nOptions:\n"
	      "     --kernel <file>     the guest kernel (default /boot/vmlinuz-$(uname -r))\n"
	      "     --firmware <name>   seabios (default) or ovmf\n"
	      "     --timeout <s>       stop the VM after this many seconds (default 120 with\n"
	      "                           KVM, 600 without)\n"
	      "     --twice             run the VM a second time right after the first (a\n"
	      "                           device that does not reset fails the second)\n"
	      "     --qemu <path>       the QEMU to run (default qemu-system-x86_64 in PATH)\n"
	      "     --dry-run           show the plan and what would be run; change nothing\n"
	      " -v, --verbose           show the evidence of every finding, not only problems\n"
	      " -J, --json              use JSON output format\n"
	      "\n -h, --help              display this help\n"
	      "\nDEVICE is DDDD:BB:DD.F, BB:DD.F or vendor:device (every match).\n"
	      "Exit status: 0 works, 1 works with warnings, 2 broken, refused or error.\n"
	      "For more details see vfio-doctor(8).\n", stdout);
}

struct trial {
	const struct cmd_ctx *ctx;
	struct vfd_root *root;
	struct vfd_host *host;
	const char *kernel_arg;
	enum vfd_vm_firmware firmware;
	unsigned int timeout;
	bool twice, dry, json, verbose;
	char qemu[PATH_MAX];
	bool kvm;
	int kvm_error;			/* why not: -errno of kvm_step */
	const char *kvm_step;
	char *kernel;		/* absolute path on this machine */
	char release[65];	/* whose modules the initramfs takes */
	bool release_of_image;	/* read from the kernel image, not this host's */
	char *init;		/* the static guest build */
	char *ovmf_code, *ovmf_vars;
	struct vfd_selection sel;
	struct vfd_trial_dev *devs;
	struct vfd_module_file *mods;
	size_t n_mods;
	struct vfd_report notes;	/* what the initramfs left out */
	struct vfd_plan plan;
	bool bound;
	struct vfd_kb *kb;
};

static char *xasprintf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf_(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

static bool parse_timeout(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 10 || v > 86400 || s[0] == '-') {
		warnx_("invalid --timeout '%s': expected seconds from 10 to 86400", s);
		return false;
	}
	*out = (unsigned int)v;
	return true;
}

/* @name in PATH, or @name itself when it holds a slash */
static bool find_program(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return access(out, X_OK) == 0;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; p && *p;) {
		const char *colon = strchr(p, ':');
		int len = colon ? (int)(colon - p) : (int)strlen(p);

		snprintf(out, size, "%.*s/%s", len, p, name);
		if (len && access(out, X_OK) == 0)
			return true;
		p = colon ? colon + 1 : NULL;
	}
	return false;
}

/* beside this binary (a build tree), else where the install puts it */
static char *find_guest_binary(void)
{
	char self[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (asprintf(&path, "%s/%s", self, GUEST_BINARY) >= 0) {
				if (access(path, R_OK) == 0)
					return path;
				free(path);
			}
		}
	}
	if (asprintf(&path, "%s/%s", VFD_LIBEXECDIR, GUEST_BINARY) < 0)
		return NULL;
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

/* what the VM needs from this machine; one error line and false when something is missing */
static bool find_prerequisites(struct trial *t, const char *qemu_arg)
{
	const char *release = vfd_host_get_release(t->host);
	const char *prefix = vfd_root_get_prefix(t->root);

	if (!find_program(qemu_arg ? qemu_arg : QEMU_BINARY, t->qemu, sizeof(t->qemu))) {
		warnx_("%s not found%s: install QEMU (Debian: qemu-system-x86, Fedora: "
		       "qemu-system-x86-core, Arch: qemu-system-x86)",
		       qemu_arg ? qemu_arg : QEMU_BINARY, qemu_arg ? "" : " in PATH");
		return false;
	}
	t->kvm_error = vfd_trial_kvm_usable("/dev/kvm", &t->kvm_step);
	t->kvm = t->kvm_error == 0;
	if (!t->timeout)
		t->timeout = t->kvm ? 120 : 600;
	if (t->kernel_arg)
		t->kernel = strdup(t->kernel_arg);
	else if (release)
		t->kernel = xasprintf_("%s/boot/vmlinuz-%s", strcmp(prefix, "/") ? prefix : "",
					  release);
	if (!t->kernel || access(t->kernel, R_OK) < 0) {
		warnx_("cannot read the guest kernel %s: %s; pass one with --kernel",
		       t->kernel ? t->kernel : "(unknown release)", strerror(errno ? errno : ENOENT));
		return false;
	}
	/* --kernel FILE: the modules of FILE's own release, not the running kernel's */
	t->release_of_image = vfd_trial_kernel_file_release(t->kernel, t->release,
							     sizeof(t->release)) == 0;
	if (!t->release_of_image)
		snprintf(t->release, sizeof(t->release), "%s", release ? release : "");
	t->init = find_guest_binary();
	if (!t->init) {
		warnx_("the static guest build (%s) is neither beside this binary nor in "
		       "%s: build it with meson (it is part of the normal build) and install it",
		       GUEST_BINARY, VFD_LIBEXECDIR);
		return false;
	}
	if (t->firmware == VFD_FIRMWARE_EFI &&
	    vfd_vm_find_ovmf(t->root, &t->ovmf_code, &t->ovmf_vars) < 0) {
		warnx_("--firmware ovmf: OVMF is not installed (Debian: ovmf, Fedora: "
		       "edk2-ovmf, Arch: edk2-ovmf)");
		return false;
	}
	return true;
}

static void print_plan(const struct trial *t)
{
	printf("trial of %zu device%s:\n", t->sel.n, t->sel.n == 1 ? "" : "s");
	for (size_t i = 0; i < t->sel.n; i++)
		printf("  %s %04x:%04x class %06x%s\n", t->devs[i].slot, t->devs[i].vendor,
		       t->devs[i].device, t->devs[i].class_code,
		       t->sel.arg[i] < 0 ? " (function of the same slot)" : "");
	findings_print_problems(stdout, &t->plan.problems, want_color());
	if (t->plan.nsteps) {
		printf("bind for the trial only (given back afterwards):\n");
		cmd_print_plan(&t->plan, true);
	}
}

static void print_vm(const struct trial *t)
{
	if (t->kvm)
		printf("qemu: %s (KVM)\n", t->qemu);
	else
		printf("qemu: %s (TCG: /dev/kvm: %s%s%s, the VM will be slow)\n", t->qemu,
		       strcmp(t->kvm_step, "open") ? t->kvm_step : "",
		       strcmp(t->kvm_step, "open") ? " failed: " : "",
		       t->kvm_error == -EPROTO ? "not the stable KVM API" : strerror(-t->kvm_error));
	printf("kernel: %s (%s %s)\n", t->kernel, t->release_of_image ? "release" :
	       "release not read from the image; the modules of this host's", t->release);
	printf("init: %s\n", t->init);
	printf("firmware: %s\n", t->firmware == VFD_FIRMWARE_EFI ? t->ovmf_code : "SeaBIOS");
	printf("modules:");
	for (size_t i = 0; i < t->n_mods; i++)
		printf(" %s%s", t->mods[i].name, t->mods[i].path ? "" : " (built in)");
	printf("%s\n", t->n_mods ? "" : " none found");
	printf("timeout: %u s%s\n", t->timeout, t->twice ? ", twice" : "");
	findings_print_problems(stdout, &t->notes, want_color());
}

/* ------------------------------------------------------------ a run */

static char *read_text(const char *dir, const char *name)
{
	char path[PATH_MAX], *buf;
	size_t got = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	buf = malloc(FILE_MAX + 1);
	if (buf)
		got = fread(buf, 1, FILE_MAX, f);
	fclose(f);
	if (buf) {
		buf[got] = '\0';
		/* a NUL from the serial port would cut the text short: make it visible */
		for (size_t i = 0; i < got; i++)
			if (buf[i] == '\0')
				buf[i] = '?';
	}
	return buf;
}

/* the private directory and its record (lib/trial/trial-record.c) */
static void remove_dir(struct trial *t, const char *dir)
{
	if (vfd_trial_dir_remove(t->root, dir) == 0)
		vfd_trial_record_remove(t->root, (int)getpid());
}

static int write_initrd(struct trial *t, const char *dir, char **path)
{
	struct vfd_trial_initrd in = { .init = t->init, .mods = t->mods, .n_mods = t->n_mods,
				       .root = t->root };
	int fd, r;

	*path = xasprintf_("%s/initrd.cpio", dir);
	if (!*path)
		return -ENOMEM;
	fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = vfd_trial_write_initramfs(fd, &in, &t->notes);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* a private copy of the OVMF vars: the guest writes to it */
static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out, r = 0;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return -errno;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			r = -EIO;
			break;
		}
	if (n < 0)
		r = -errno;
	close(in);
	if (close(out) < 0 && r == 0)
		r = -errno;
	return r;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* QEMU with stdin from /dev/null and its output to @errpath; the pid, or -errno */
static pid_t spawn(char **argv, const char *errpath)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		sigset_t none;

		/*
		 * a trial killed with SIGKILL takes its VM along: QEMU holding the
		 * device would make `restore` wait on vfio-pci's unbind
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null < 0 || err < 0)
			_exit(127);
		dup2(null, STDIN_FILENO);
		dup2(err, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		execv(argv[0], argv);
		dprintf(err, "cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* wait for QEMU, stopping it at the deadline or on a signal */
static void wait_vm(pid_t pid, unsigned int timeout, struct vfd_trial_run *run)
{
	double start = now();
	int status = 0;

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (stop_signal || now() - start > timeout) {
			run->interrupted = stop_signal != 0;
			run->timed_out = !stop_signal;
			kill(pid, SIGTERM);
			for (int i = 0; i < 30 && waitpid(pid, &status, WNOHANG) == 0; i++)
				usleep(100000);
			if (kill(pid, 0) == 0) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
			}
			break;
		}
		usleep(100000);
	}
	run->seconds = now() - start;
	run->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* the host's kernel lines logged after @since (usec since boot) */
static char **host_log_since(struct vfd_root *root, uint64_t since)
{
	struct vfd_kmsg k = { 0 };
	char **v;
	size_t n = 0;

	if (vfd_kmsg_read(root, &k) < 0)
		return calloc(1, sizeof(char *));
	v = calloc(k.n + 1, sizeof(*v));
	for (size_t i = 0; v && i < k.n; i++)
		if (k.lines[i].usec > since)
			v[n++] = strdup(k.lines[i].text);
	vfd_kmsg_clear(&k);
	return v;
}

static uint64_t host_log_end(struct vfd_root *root)
{
	struct vfd_kmsg k = { 0 };
	uint64_t last = 0;

	if (vfd_kmsg_read(root, &k) == 0 && k.n)
		last = k.lines[k.n - 1].usec;
	vfd_kmsg_clear(&k);
	return last;
}

static char *expect_arg(const struct trial *t)
{
	size_t size = 32 + t->sel.n * 10;
	char *s = malloc(size);
	size_t len;

	if (!s)
		return NULL;
	len = (size_t)snprintf(s, size, "%s=", TRIAL_ARG_EXPECT);
	for (size_t i = 0; i < t->sel.n; i++)
		len += (size_t)snprintf(s + len, size - len, "%s%04x:%04x", i ? "," : "",
					t->devs[i].vendor, t->devs[i].device);
	snprintf(s + len, size - len, " %s=%u", TRIAL_ARG_WAIT, t->kvm ? 20 : 60);
	return s;
}

/* one VM: returns 0 with @report filled, or -errno when it could not be prepared */
static int run_once(struct trial *t, struct vfd_report *report, const char **broken,
		    struct vfd_trial_end *end)
{
	char tmpl[] = "/tmp/vfio-doctor-trial.XXXXXX", *initrd = NULL, *append = NULL;
	char console[PATH_MAX], replog[PATH_MAX], errlog[PATH_MAX], dbg[PATH_MAX];
	char vars[PATH_MAX], vmlinux[PATH_MAX], **argv = NULL, **host_log = NULL;
	struct vfd_trial_run run = { .devs = t->devs, .n_devs = t->sel.n, .kb = t->kb,
				     .emulated = !t->kvm, .timeout = t->timeout };
	struct vfd_vm_devset set = { 0 };
	struct vfd_report vmnotes = { 0 };
	struct vfd_vm_opts vmopts = { .machine = VFD_MACHINE_Q35, .firmware = t->firmware,
				      .slot = -1 };
	char *dir, *qerr = NULL, *cons = NULL, *rep = NULL, *fwlog = NULL;
	const char **slots = NULL;
	uint64_t since;
	pid_t pid;
	int r;

	/* mkdtemp makes it 0700: the initramfs and the transcripts stay private */
	dir = mkdtemp(tmpl);
	if (!dir)
		return -errno;
	/* named for `restore`: a SIGKILL leaves it behind */
	vfd_trial_record_save(t->root, (int)getpid(), dir);
	snprintf(console, sizeof(console), "%s/console.txt", dir);
	snprintf(replog, sizeof(replog), "%s/report.txt", dir);
	snprintf(errlog, sizeof(errlog), "%s/qemu.stderr", dir);
	snprintf(dbg, sizeof(dbg), "%s/debugcon.txt", dir);
	snprintf(vars, sizeof(vars), "%s/ovmf-vars.fd", dir);
	snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux", dir);
	r = write_initrd(t, dir, &initrd);
	if (r < 0)
		goto out;
	/*
	 * emulated, the guest's own decompressor would take most of its boot:
	 * QEMU starts the decompressed kernel at its PVH entry instead
	 * (lib/trial/kernel-image.c). SeaBIOS only: OVMF boots the image's EFI
	 * stub. An image without that entry boots as it is.
	 */
	if (!t->kvm && t->firmware == VFD_FIRMWARE_BIOS)
		run.pvh = vfd_trial_kernel_write_pvh(t->kernel, vmlinux) == 0;
	if (t->firmware == VFD_FIRMWARE_EFI && t->ovmf_vars) {
		r = copy_file(t->ovmf_vars, vars);
		if (r < 0)
			goto out;
	}
	slots = calloc(t->sel.n + 1, sizeof(*slots));
	if (!slots) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t->sel.n; i++)
		slots[i] = t->devs[i].slot;
	/* the model read before binding: the placement does not depend on the driver */
	r = vfd_vm_devset_build(t->host, slots, &vmopts, &set, &vmnotes);
	if (r < 0)
		goto out;
	append = expect_arg(t);
	{
		struct vfd_trial_vm vm = {
			.qemu = t->qemu, .kvm = t->kvm, .firmware = t->firmware,
			.ovmf_code = t->ovmf_code,
			.ovmf_vars = t->firmware == VFD_FIRMWARE_EFI ? vars : NULL,
			/*
			 * the guest is a kernel and an initramfs of a few MiB; under
			 * TCG every page the kernel sets up at boot costs
			 */
			.memory_mb = t->kvm ? 512 : 256, .initrd = initrd,
			.kernel = run.pvh ? vmlinux : t->kernel,
			.console_log = console, .report_log = replog, .debugcon_log = dbg,
			.append_extra = append, .devices = &set,
		};

		argv = vfd_trial_qemu_argv(&vm);
	}
	if (!argv || !append) {
		r = -ENOMEM;
		goto out;
	}
	since = host_log_end(t->root);
	pid = spawn(argv, errlog);
	run.started = pid > 0;
	if (pid > 0)
		wait_vm(pid, t->timeout, &run);
	host_log = host_log_since(t->root, since);
	qerr = read_text(dir, "qemu.stderr");
	cons = read_text(dir, "console.txt");
	rep = read_text(dir, "report.txt");
	if (t->firmware != VFD_FIRMWARE_EFI)
		fwlog = read_text(dir, "debugcon.txt");
	/* exec failure is reported by the child on stderr with status 127 */
	if (run.exit_status == 127 && qerr && strstr(qerr, "cannot execute"))
		run.started = false;
	run.qemu_stderr = qerr;
	run.console = cons;
	run.report = rep;
	run.firmware_log = fwlog;
	run.host_log = (const char *const *)host_log;
	r = vfd_trial_judge(&run, report, broken);
	if (r == 0)
		r = vfd_report_append(report, &t->notes);
	end->seconds = run.seconds;
	end->timed_out = run.timed_out;
	end->emulated = run.emulated;
out:
	remove_dir(t, dir);
	free(initrd);
	free(append);
	free(slots);
	free(qerr);
	free(cons);
	free(rep);
	free(fwlog);
	vfd_strv_free(argv);
	vfd_strv_free(host_log);
	vfd_vm_devset_clear(&set);
	vfd_report_clear(&vmnotes);
	return r;
}

/* --------------------------------------------------- bind, give back */

static bool bind_devices(struct trial *t)
{
	struct vfd_apply_result res = { 0 };
	int r = cmd_apply_plan(t->host, &t->plan, &res);

	if (r < 0) {
		warnx_("binding failed: %s%s", res.detail ? res.detail : strerror(-r),
		       res.rolled_back ? " (rolled back: the devices are as they were)" : "");
		vfd_apply_result_clear(&res);
		return false;
	}
	vfd_apply_result_clear(&res);
	t->bound = true;
	return true;
}

/* the devices this trial bound back to their drivers, from bind's record */
static bool give_back(struct trial *t)
{
	struct vfd_apply_result res = { 0 };
	struct vfd_plan plan = { 0 };
	struct vfd_host *host;
	const char **slots;
	bool ok = false;
	int r;

	if (!t->bound)
		return true;
	slots = calloc(t->plan.ntargets + 1, sizeof(*slots));
	/* the model is read again: the devices are on vfio-pci now */
	host = vfd_host_new(t->root);
	if (!slots || !host) {
		warnx_("cannot give the devices back: %s; run: vfio-doctor restore",
		       strerror(errno ? errno : ENOMEM));
		goto out;
	}
	for (size_t i = 0; i < t->plan.ntargets; i++)
		slots[i] = t->plan.targets[i].slot;
	r = vfd_plan_restore(host, slots, &plan);
	if (r == 0)
		r = cmd_apply_plan(host, &plan, &res);
	if (r < 0) {
		warnx_("giving the devices back failed: %s; run: vfio-doctor restore",
		       res.detail ? res.detail : strerror(-r));
		goto out;
	}
	ok = true;
	t->bound = false;
	if (!t->json)
		for (size_t i = 0; i < plan.ntargets; i++)
			printf("%s: given back to %s\n", plan.targets[i].slot,
			       plan.targets[i].driver ? plan.targets[i].driver : "no driver");
out:
	vfd_apply_result_clear(&res);
	vfd_plan_clear(&plan);
	vfd_host_free(host);
	free(slots);
	return ok;
}

/* ----------------------------------------------------------- output */

static const char *verdict(const struct vfd_report *rep)
{
	switch (findings_exit_status(rep)) {
	case EXIT_CLEAN:
		return "works";
	case EXIT_WARN:
		return "works, with warnings";
	default:
		return "broken";
	}
}

static void print_text(const struct trial *t, const struct vfd_report *reps,
		       const char *const *broken, size_t runs)
{
	struct outopts o = { .verbose = t->verbose, .color = want_color() };

	for (size_t i = 0; i < runs; i++) {
		if (runs > 1)
			printf("\nrun %zu of %zu", i + 1, runs);
		findings_print_text(stdout, &reps[i], layers, ARRAY_LEN(layers), &o);
		printf("trial: %s%s%s\n", verdict(&reps[i]), broken[i] ? " at " : "",
		       broken[i] ? broken[i] : "");
	}
}

static void print_json(const struct trial *t, const struct vfd_report *reps,
		       const char *const *broken, size_t runs, bool given_back)
{
	FILE *out = stdout;
	struct vfd_report all = { 0 };

	findings_json_begin(out, TRIAL_JSON_SCHEMA);
	findings_json_field(out, "qemu", t->qemu);
	fprintf(out, ",\n   \"kvm\": %s", t->kvm ? "true" : "false");
	if (!t->kvm && t->kvm_step) {
		/* why TCG: the step of /dev/kvm that failed, and its error */
		char why[160];

		snprintf(why, sizeof(why), "%s: %s", t->kvm_step,
			 t->kvm_error == -EPROTO ? "not the stable KVM API" : strerror(-t->kvm_error));
		findings_json_field(out, "kvm_unusable", why);
	}
	findings_json_field(out, "kernel", t->kernel);
	findings_json_field(out, "kernel_release", t->release);
	fprintf(out, ",\n   \"devices\": [");
	for (size_t i = 0; i < t->sel.n; i++) {
		fprintf(out, "%s\"", i ? ", " : "");
		fprintf(out, "%s\"", t->devs[i].slot);
	}
	fprintf(out, "],\n   \"given_back\": %s,\n   \"runs\": [", given_back ? "true" : "false");
	for (size_t i = 0; i < runs; i++) {
		fprintf(out, "%s{\"verdict\": ", i ? ", " : "");
		json_str(out, verdict(&reps[i]));
		fprintf(out, ", \"first_broken\": ");
		json_str(out, broken[i]);
		fprintf(out, ", \"findings\": ");
		findings_print_json(out, &reps[i]);
		fputc('}', out);
		vfd_report_append(&all, &reps[i]);
	}
	fputc(']', out);
	findings_json_end(out, &all);
	vfd_report_clear(&all);
}

/* the trial judged broken before any VM: the notes are the one run's report */
static void stopped_at_planning(const struct trial *t)
{
	const char *broken = NULL;

	for (size_t i = 0; i < t->notes.n && !broken; i++)
		if (t->notes.findings[i].status == VFD_FAIL)
			broken = t->notes.findings[i].id;
	if (t->json) {
		print_json(t, &t->notes, (const char *const *)&broken, 1, true);
		return;
	}
	printf("trial: broken at %s: no VM %s started, nothing was changed\n", broken,
	       t->dry ? "would be" : "was");
}

/* ------------------------------------------------------------- main */

static void trial_clear(struct trial *t)
{
	vfd_selection_clear(&t->sel);
	vfd_plan_clear(&t->plan);
	vfd_module_files_free(t->mods, t->n_mods);
	vfd_report_clear(&t->notes);
	vfd_kb_free(t->kb);
	free(t->devs);
	free(t->kernel);
	free(t->init);
	free(t->ovmf_code);
	free(t->ovmf_vars);
	vfd_host_free(t->host);
}

static bool select_devices(struct trial *t, char **args)
{
	int r = vfd_select(t->host, (const char *const *)args, VFD_EXPAND_SLOT, &t->sel);

	if (r < 0) {
		cmd_select_error(&t->sel, r);
		return false;
	}
	t->devs = calloc(t->sel.n, sizeof(*t->devs));
	if (!t->devs)
		return false;
	for (size_t i = 0; i < t->sel.n; i++) {
		const struct vfd_pcidev *d = t->sel.devs[i];

		snprintf(t->devs[i].slot, sizeof(t->devs[i].slot), "%s", vfd_pcidev_get_slot(d));
		t->devs[i].vendor = vfd_pcidev_get_vendor(d);
		t->devs[i].device = vfd_pcidev_get_device(d);
		t->devs[i].class_code = vfd_pcidev_get_class(d);
	}
	return true;
}

int cmd_trial(const struct cmd_ctx *ctx, int argc, char **argv)
{
	enum { OPT_KERNEL = 256, OPT_FIRMWARE, OPT_TIMEOUT, OPT_TWICE, OPT_QEMU, OPT_DRY_RUN };
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "firmware", required_argument, NULL, OPT_FIRMWARE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "twice", no_argument, NULL, OPT_TWICE },
		{ "qemu", required_argument, NULL, OPT_QEMU },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct trial t = { .ctx = ctx, .firmware = VFD_FIRMWARE_BIOS };
	struct vfd_report reps[2] = { 0 };
	const char *broken[2] = { NULL, NULL }, *qemu_arg = NULL;
	struct vfd_trial_end ends[2] = { 0 };
	struct vfd_bind_opts bopts = { 0 };
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term, old_hup;
	struct vfd_parse_error kerr;
	size_t runs = 0;
	bool given_back = true;
	int c, r, rc = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "vJh" CMD_GLOBAL_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			t.kernel_arg = optarg;
			break;
		case OPT_FIRMWARE:
			if (!strcmp(optarg, "ovmf") || !strcmp(optarg, "efi")) {
				t.firmware = VFD_FIRMWARE_EFI;
			} else if (!strcmp(optarg, "seabios") || !strcmp(optarg, "bios")) {
				t.firmware = VFD_FIRMWARE_BIOS;
			} else {
				warnx_("invalid --firmware '%s': expected seabios or ovmf", optarg);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_TIMEOUT:
			if (!parse_timeout(optarg, &t.timeout))
				return EXIT_TROUBLE;
			break;
		case OPT_TWICE:
			t.twice = true;
			break;
		case OPT_QEMU:
			qemu_arg = optarg;
			break;
		case OPT_DRY_RUN:
			t.dry = true;
			break;
		case 'v':
			t.verbose = true;
			break;
		case 'J':
			t.json = true;
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			if (cmd_unknown_option(c, optarg, "trial ") == 0)
				break;
			return EXIT_TROUBLE;
		}
	}
	if (optind >= argc) {
		warnx_("no device given: expected DDDD:BB:DD.F, BB:DD.F or vendor:device");
		return cmd_usage_error("trial ");
	}
	t.host = cmd_open_host(ctx);
	if (!t.host)
		return EXIT_TROUBLE;
	t.root = vfd_host_get_root(t.host);
	if (!select_devices(&t, argv + optind))
		goto out;
	r = vfd_plan_bind_devices(t.host, t.sel.devs, t.sel.n, &bopts, &t.plan);
	if (r < 0) {
		warnx_("cannot plan: %s", strerror(-r));
		goto out;
	}
	if (!t.json || t.plan.refused)
		print_plan(&t);
	if (t.plan.refused) {
		warnx_("trial refused: see the problems above (nothing was changed)");
		goto out;
	}
	if (!find_prerequisites(&t, qemu_arg))
		goto out;
	if (vfd_trial_find_modules(t.root, t.release, t.devs, t.sel.n, &t.mods,
				   &t.n_mods, &t.notes) < 0) {
		warnx_("out of memory");
		goto out;
	}
	if (!t.json)
		print_vm(&t);
	/*
	 * a device no driver of the guest kernel matches: the VM could prove no
	 * more than that, so none is started and nothing is bound
	 */
	if (findings_exit_status(&t.notes) == EXIT_TROUBLE) {
		stopped_at_planning(&t);
		goto out;
	}
	if (t.dry) {
		printf("dry run: nothing was changed\n");
		rc = EXIT_CLEAN;
		goto out;
	}
	if (!vfd_root_is_live(t.root)) {
		warnx_("a sysroot (--sysroot) cannot run a VM: use --dry-run");
		goto out;
	}
	if (vfd_kb_new_builtin(&t.kb, &kerr) < 0)
		t.kb = NULL;
	/* from here on every path gives the devices back */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	if (!bind_devices(&t))
		goto restore_signals;
	for (runs = 0; runs < (t.twice ? 2u : 1u) && !stop_signal; runs++) {
		if (!t.json)
			printf("%s the VM%s...\n", runs ? "running" : "starting",
			       runs ? " again" : "");
		fflush(stdout);
		r = run_once(&t, &reps[runs], &broken[runs], &ends[runs]);
		if (r == 0 && runs == 1)
			r = vfd_trial_judge_twice(&reps[0], &ends[0], &reps[1], broken[1], &ends[1]);
		if (r < 0) {
			warnx_("cannot prepare the VM: %s", strerror(-r));
			break;
		}
	}
	given_back = give_back(&t);
	if (runs && t.json)
		print_json(&t, reps, broken, runs, given_back);
	else if (runs)
		print_text(&t, reps, broken, runs);
	rc = EXIT_CLEAN;
	for (size_t i = 0; i < runs; i++) {
		int s = findings_exit_status(&reps[i]);

		rc = s > rc ? s : rc;
	}
	if (!runs || !given_back)
		rc = EXIT_TROUBLE;
restore_signals:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
out:
	for (size_t i = 0; i < ARRAY_LEN(reps); i++)
		vfd_report_clear(&reps[i]);
	trial_clear(&t);
	return rc;
}
