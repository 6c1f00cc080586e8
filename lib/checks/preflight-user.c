// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running preflight's sequence: both paths in turn, in this process, or as
 * another account (--as-user) in a child that dropped to the account's
 * credentials for good, its steps coming back to the parent through a pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "preflight-internal.h"

void pf_run_paths(struct pf_seq *s)
{
	pf_run_legacy(s);
	pf_legacy_release(s);
	/* the group fd is closed now: the cdev path refuses a group held open */
	pf_run_iommufd(s);
	pf_iommufd_release(s);
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* in the child: become @acct for good */
static int drop_to(const struct vfd_account *acct)
{
	gid_t gids[VFD_ACCOUNT_MAX_GROUPS];

	for (size_t i = 0; i < acct->ngroups; i++)
		gids[i] = acct->gids[i];
	if (setgroups(acct->ngroups, gids) < 0 || setgid(acct->gid) < 0 ||
	    setuid(acct->uid) < 0)
		return -errno;
	/* paranoia: a dropped root must not get root back */
	if (acct->uid != 0 && (setuid(0) == 0 || geteuid() == 0))
		return -EPERM;
	return 0;
}

/*
 * Run the sequence in a child with @acct's credentials; its steps come back
 * through a pipe as records of the same binary (the pointers in them are not
 * used). The limits the child has are this process's: only credentials change.
 */
void pf_run_as(struct pf_seq *s, const struct vfd_account *acct)
{
	struct vfd_pf_step *st, rec;
	int p[2], status = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		st = pf_step_new(s->pf, VFD_PF_AS_USER, VFD_PF_HOST, "pipe2()");
		pf_sys_fail(st, errno, VFD_FAIL);
		return;
	}
	pid = fork();
	if (pid < 0) {
		st = pf_step_new(s->pf, VFD_PF_AS_USER, VFD_PF_HOST, "fork()");
		pf_sys_fail(st, errno, VFD_FAIL);
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		struct vfd_preflight mine = { 0 };
		int r;

		close(p[0]);
		s->pf = &mine;
		st = pf_step_new(&mine, VFD_PF_AS_USER, VFD_PF_HOST,
				 "setgroups(), setgid(%u), setuid(%u)", acct->gid, acct->uid);
		r = drop_to(acct);
		if (r < 0) {
			pf_sys_fail(st, -r, VFD_FAIL);
		} else {
			pf_sys_ok(st, 0);
			pf_step_result(st, "now %s (uid %u, gid %u, %zu group%s)", acct->name,
				       acct->uid, acct->gid, acct->ngroups,
				       acct->ngroups == 1 ? "" : "s");
			pf_run_paths(s);
		}
		for (size_t i = 0; i < mine.n; i++)
			if (!write_all(p[1], &mine.steps[i], sizeof(mine.steps[i])))
				_exit(3);
		_exit(0);
	}
	close(p[1]);
	while (read_all(p[0], &rec, sizeof(rec)) == (ssize_t)sizeof(rec)) {
		if ((unsigned int)rec.id >= VFD_PF_N_STEPS)
			continue;
		st = pf_step_new(s->pf, rec.id, rec.path, "%s", "");
		*st = rec;
		st->call[sizeof(st->call) - 1] = '\0';
		st->result[sizeof(st->result) - 1] = '\0';
		st->meaning = NULL;
		st->fix = st->evidence = NULL;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		st = pf_step_new(s->pf, VFD_PF_AS_USER, VFD_PF_HOST, "waitpid(%d)", (int)pid);
		st->status = VFD_FAIL;
		if (WIFSIGNALED(status))
			pf_step_result(st, "the child running as %s died of signal %d", acct->name,
				       WTERMSIG(status));
		else
			pf_step_result(st, "the child running as %s exited %d", acct->name,
				       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
}
