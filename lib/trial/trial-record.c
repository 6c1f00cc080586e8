// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trial's private directory under /tmp (its initramfs, the serial
 * transcripts, a copy of the OVMF variables), named in
 * run/vfio-doctor/trials/<pid> while the trial runs. A trial killed with
 * SIGKILL cannot remove it; `restore`, which gives back the devices from
 * bind's records, removes it from this record once that process is gone.
 * A record is never trusted to name any other path: only a directory named
 * as mkdtemp made it, and in it only the files a trial writes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "trial.h"

#define RECORD_DIR "run/vfio-doctor/trials"
#define DIR_PREFIX "tmp/vfio-doctor-trial."

const char *const vfd_trial_files[] = { "initrd.cpio", "console.txt", "report.txt",
					"qemu.stderr", "debugcon.txt", "ovmf-vars.fd", "vmlinux",
					NULL };

/* "/tmp/vfio-doctor-trial.XXXXXX" as mkdtemp(3) fills it: six letters or digits */
static bool trial_dir_valid(const char *dir)
{
	const char *x;

	if (dir[0] != '/' || strncmp(dir + 1, DIR_PREFIX, strlen(DIR_PREFIX)) != 0)
		return false;
	x = dir + 1 + strlen(DIR_PREFIX);
	return strlen(x) == 6 && strspn(x, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789") == 6;
}

int vfd_trial_dir_remove(struct vfd_root *root, const char *dir)
{
	int dfd, pfd, r = 0;

	if (!trial_dir_valid(dir))
		return -EINVAL;
	dfd = vfd_root_openat(root, dir + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	for (size_t i = 0; vfd_trial_files[i]; i++)
		if (unlinkat(dfd, vfd_trial_files[i], 0) < 0 && errno != ENOENT)
			r = -errno;
	close(dfd);
	pfd = vfd_root_openat(root, "tmp", O_PATH | O_DIRECTORY);
	if (pfd < 0)
		return pfd;
	if (unlinkat(pfd, dir + 5, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
		r = -errno;
	close(pfd);
	return r;
}

int vfd_trial_record_save(struct vfd_root *root, int pid, const char *dir)
{
	char path[64], *text;
	int r;

	if (!trial_dir_valid(dir))
		return -EINVAL;
	snprintf(path, sizeof(path), RECORD_DIR "/%d", pid);
	text = xasprintf("pid=%d\ndir=%s\n", pid, dir);
	if (!text)
		return -ENOMEM;
	r = vfd_root_write_file(root, path, text, strlen(text), 0644);
	free(text);
	return r;
}

int vfd_trial_record_remove(struct vfd_root *root, int pid)
{
	char name[24];
	int dfd, r = 0;

	dfd = vfd_root_openat(root, RECORD_DIR, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	snprintf(name, sizeof(name), "%d", pid);
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		r = -errno;
	close(dfd);
	return r;
}

/* whether process @pid is still a vfio-doctor (its comm, proc/PID/comm) */
static bool trial_running(struct vfd_root *root, long pid)
{
	char *comm = NULL;
	bool running;

	if (vfd_root_readf_str(root, &comm, "proc/%ld/comm", pid) < 0)
		return false;
	/* comm is cut at 15 bytes: "vfio-doctor" fits */
	running = comm && strncmp(comm, "vfio-doctor", 11) == 0;
	free(comm);
	return running;
}

/* "dir=" of a record's text, or NULL */
static char *record_dir(const char *text)
{
	const char *p = strstr(text, "\ndir=");
	size_t len;

	if (strncmp(text, "dir=", 4) == 0)
		p = text;
	else if (p)
		p++;
	else
		return NULL;
	p += 4;
	len = strcspn(p, "\n");
	return strndup(p, len);
}

int vfd_trial_cleanup(struct vfd_root *root, bool dry, char ***removed)
{
	struct strv_builder b = { 0 };
	struct dirent *de;
	DIR *d;
	int r = 0;

	*removed = NULL;
	/* a sysroot is read, never changed */
	if (!vfd_root_is_live(root) && !vfd_root_is_writable(root))
		dry = true;
	d = vfd_root_opendirf(root, RECORD_DIR);
	while (d && (de = readdir(d))) {
		char *text = NULL, *dir, *end;
		long pid = strtol(de->d_name, &end, 10);
		int rr;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' || *end || pid > 1 << 22)
			continue;
		/* still running: its own exit removes both */
		if (trial_running(root, pid))
			continue;
		if (vfd_root_read_filef(root, 4096, &text, NULL, RECORD_DIR "/%s", de->d_name) < 0)
			continue;
		dir = record_dir(text);
		free(text);
		rr = 0;
		if (dir && trial_dir_valid(dir)) {
			rr = dry ? 0 : vfd_trial_dir_remove(root, dir);
			if (rr == 0)
				strv_addf(&b, "%s", dir);
			else if (r == 0)
				r = rr;
		}
		/* a record that names no trial directory is of no use either */
		if (!dry && rr == 0)
			vfd_trial_record_remove(root, (int)pid);
		free(dir);
	}
	if (d)
		closedir(d);
	if (b.oom) {
		strv_builder_clear(&b);
		return -ENOMEM;
	}
	*removed = strv_take(&b);
	return r;
}
