// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trial's /init: the static guest build of vfio-doctor run by the kernel
 * as process 1 in the throwaway VM. It mounts what `guest` reads, loads the
 * modules the host put in the initramfs, waits for the drivers and the
 * links, runs `guest -J` with the expected IDs onto the second serial port
 * between markers, and powers the VM off. Its own progress goes to the
 * console (ttyS0), which the host keeps as evidence.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "guest-class.h"
#include "guest-init.h"
#include "output.h"
#include "trial-proto.h"
#include "trial.h"

#define MAX_EXPECT 32

/* seconds since the guest kernel started (CLOCK_BOOTTIME), for the host's timings */
static double uptime(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* one line of progress on the console, stamped with the guest's uptime */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs(TRIAL_INIT_PREFIX, stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" [%.1f s]\n", uptime());
	fflush(stdout);
}

static void mount_one(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) < 0 && errno != EBUSY)
		say("mount %s on %s: %s", type, dir, strerror(errno));
}

static char *read_small(const char *path)
{
	char *buf = malloc(65536);
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	n = read(fd, buf, 65535);
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* "key=value" from /proc/cmdline into @out, "" when absent */
static void cmdline_value(const char *cmdline, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);

	out[0] = '\0';
	for (const char *p = cmdline; p && *p; p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " \n");

			snprintf(out, size, "%.*s", (int)n, p + klen + 1);
			return;
		}
	}
}

/* the modules in their order, each with its "MODULE.param=" words, as modprobe would */
static void load_modules(const char *cmdline)
{
	char *list = read_small("/" VFD_TRIAL_MODULE_LIST), *save = NULL;
	struct vfd_cmdline_token *tokens = NULL;
	int n = vfd_cmdline_split(cmdline, &tokens);

	if (!list) {
		say("no module list: nothing loaded");
		vfd_cmdline_free(tokens, n);
		return;
	}
	for (char *path = strtok_r(list, "\n", &save); path; path = strtok_r(NULL, "\n", &save)) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		char name[64], *params;

		/* /lib/modules/NAME.ko */
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(base, "."), base);
		params = vfd_cmdline_module_params(tokens, n > 0 ? n : 0, name);
		/* finit_module(2): the kernel reads the module from the file */
		if (fd < 0)
			say("module %s: %s", path, strerror(errno));
		else if (syscall(SYS_finit_module, fd, params ? params : "", 0) < 0 &&
			 errno != EEXIST)
			say("module %s: %s", path, strerror(errno));
		else
			say("module %s loaded%s%s", path, params && *params ? " with " : "",
			    params ? params : "");
		if (fd >= 0)
			close(fd);
		free(params);
	}
	vfd_cmdline_free(tokens, n);
	free(list);
}

/*
 * the function at @slot has ID @want and a driver, and, with @root, what
 * its class shows once it works is there (codecs, namespaces: probed after
 * the driver binds)
 */
static bool id_bound(struct vfd_root *root, const char *slot, const char *want)
{
	char path[300], *v, *d, *cls;
	char id[16];
	bool ok = false;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", slot);
	v = read_small(path);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", slot);
	d = read_small(path);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class", slot);
	cls = read_small(path);
	if (v && d && strlen(v) >= 6 && strlen(d) >= 6) {
		snprintf(id, sizeof(id), "%.4s:%.4s", v + 2, d + 2);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", slot);
		ok = strcmp(id, want) == 0 && access(path, F_OK) == 0;
	}
	if (ok && root && cls)
		ok = vfd_guest_class_ready(root, slot, (uint32_t)strtoul(cls, NULL, 16));
	free(v);
	free(d);
	free(cls);
	return ok;
}

/* every expected ID has a device with a driver (and, with @root, working) */
static bool all_bound(struct vfd_root *root, char ids[][16], size_t n)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++) {
		DIR *dir = opendir("/sys/bus/pci/devices");
		struct dirent *de;
		bool hit = false;

		while (dir && !hit && (de = readdir(dir)))
			hit = de->d_name[0] != '.' && id_bound(root, de->d_name, ids[i]);
		if (dir)
			closedir(dir);
		found += hit;
	}
	return found == n;
}

/* IFF_UP on every interface but lo: carrier is only reported on an interface that is up */
static size_t links_up(bool raise)
{
	DIR *dir = opendir("/sys/class/net");
	struct dirent *de;
	size_t down = 0;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	while (dir && (de = readdir(dir))) {
		char path[300], *carrier;
		struct ifreq ifr = { 0 };

		if (de->d_name[0] == '.' || strcmp(de->d_name, "lo") == 0 ||
		    strlen(de->d_name) >= IFNAMSIZ)
			continue;
		if (raise && s >= 0) {
			snprintf(ifr.ifr_name, IFNAMSIZ, "%.*s", IFNAMSIZ - 1, de->d_name);
			if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
				ifr.ifr_flags |= IFF_UP;
				if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
					say("ip link set %s up: %s", de->d_name, strerror(errno));
			}
		}
		snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", de->d_name);
		carrier = read_small(path);
		down += !carrier || carrier[0] != '1';
		free(carrier);
	}
	if (dir)
		closedir(dir);
	if (s >= 0)
		close(s);
	return down;
}

static void wait_until(unsigned int seconds, char ids[][16], size_t n)
{
	time_t end = time(NULL) + seconds;
	struct vfd_root *root = vfd_root_new("/");

	while (!all_bound(NULL, ids, n) && time(NULL) < end)
		usleep(200000);
	say("drivers: %s", all_bound(NULL, ids, n) ? "every expected device is bound" :
	    "not every expected device is bound");
	/* codecs, root hubs, namespaces: the drivers' work after the probe */
	while (root && !all_bound(root, ids, n) && time(NULL) < end)
		usleep(200000);
	if (root)
		say("classes: %s", all_bound(root, ids, n) ? "every device shows its function" :
		    "not every device shows its function");
	vfd_root_unref(root);
	links_up(true);
	while (links_up(false) && time(NULL) < end)
		usleep(200000);
}

/*
 * A DRM connector's status stays "unknown" until something probes it: a
 * compositor's DRM_IOCTL_MODE_GETCONNECTOR, or the fbdev emulation the
 * trial turns off. Writing "detect" to its sysfs status probes it, EDID
 * and modes included (drivers/gpu/drm/drm_sysfs.c, status_store).
 */
static void probe_connectors(void)
{
	DIR *dir = opendir("/sys/class/drm");
	struct dirent *de;

	while (dir && (de = readdir(dir))) {
		char path[300], *status;
		int fd;

		/* card0-Virtual-1, card0-HDMI-A-1: connectors; card0, renderD128: nodes */
		if (strncmp(de->d_name, "card", 4) != 0 || !strchr(de->d_name, '-'))
			continue;
		snprintf(path, sizeof(path), "/sys/class/drm/%s/status", de->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "detect", 6) != 6)
			say("connector %s: cannot probe: %s", de->d_name, strerror(errno));
		if (fd >= 0)
			close(fd);
		status = read_small(path);
		if (status)
			status[strcspn(status, "\n")] = '\0';
		say("connector %s: %s", de->d_name, status ? status : "unreadable");
		free(status);
	}
	if (dir)
		closedir(dir);
}

static void report(char ids[][16], size_t n)
{
	char *argv[2 + 2 * MAX_EXPECT + 1];
	struct cmd_ctx ctx = { 0 };
	int argc = 0, fd, saved;

	argv[argc++] = "guest";
	argv[argc++] = "-J";
	for (size_t i = 0; i < n; i++) {
		argv[argc++] = "-e";
		argv[argc++] = ids[i];
	}
	argv[argc] = NULL;
	fflush(stdout);
	fd = open(TRIAL_REPORT_TTY, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		say("%s: %s: the report goes to the console", TRIAL_REPORT_TTY, strerror(errno));
		fd = dup(STDOUT_FILENO);
	}
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	printf("\n%s\n", VFD_TRIAL_MARK_BEGIN);
	fflush(stdout);
	optind = 0;
	cmd_guest(&ctx, argc, argv);
	printf("%s\n", VFD_TRIAL_MARK_END);
	fflush(stdout);
	fsync(STDOUT_FILENO);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

void guest_init(void)
{
	char ids[MAX_EXPECT][16], expect[512], wait_s[16], *cmdline, *save = NULL;
	unsigned int wait = 20;
	size_t n = 0;

	mount_one("proc", "/proc", "proc");
	mount_one("sysfs", "/sys", "sysfs");
	mount_one("devtmpfs", "/dev", "devtmpfs");
	say("started");
	cmdline = read_small("/proc/cmdline");
	cmdline_value(cmdline, TRIAL_ARG_EXPECT, expect, sizeof(expect));
	cmdline_value(cmdline, TRIAL_ARG_WAIT, wait_s, sizeof(wait_s));
	if (wait_s[0])
		wait = (unsigned int)strtoul(wait_s, NULL, 10);
	for (char *id = strtok_r(expect, ",", &save); id && n < MAX_EXPECT;
	     id = strtok_r(NULL, ",", &save))
		snprintf(ids[n++], sizeof(ids[0]), "%.9s", id);
	load_modules(cmdline ? cmdline : "");
	free(cmdline);
	wait_until(wait, ids, n);
	probe_connectors();
	report(ids, n);
	say("powering off");
	sync();
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	/* process 1 must not return: the kernel would panic */
	for (;;)
		pause();
}
