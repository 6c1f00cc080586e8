/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfd: the small tools of lib/core the CLI uses too: files written whole
 * and signals held around a change. Include "vfd.h", not this file.
 */
#ifndef LIBVFD_CORE_H
#define LIBVFD_CORE_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* ------------------------------------------------------- atomic files */

enum vfd_atomic_flags {
	/* a file that is replaced keeps its owner, group and mode (a file someone
	 * made 0444 or gave to a user stays so); @mode is for a new one */
	VFD_ATOMIC_KEEP_OWNER = 1 << 0,
	/* @mode less the process umask, as open(2) would make it; else @mode as is */
	VFD_ATOMIC_UMASK = 1 << 1,
};

/*
 * A file written whole or not at all: a temporary file ".<name>.<pid>.tmp"
 * is made (O_EXCL) in the target's directory, written through ->fd, fsynced,
 * renamed over the target, and the directory fsynced, so that a reader or a
 * crash sees the old file or the new one, never a part of one.
 */
struct vfd_atomic_file {
	int fd;				/* write here between open and commit */
	int dfd;			/* the target's directory */
	char name[NAME_MAX + 1];	/* the target, in that directory */
	char tmp[NAME_MAX + 1];		/* the temporary file, in that directory */
};

/*
 * vfd_atomic_open - make the temporary file for @path (relative to @dirfd, or
 * AT_FDCWD; every name but the last is followed). Returns 0, or a negative
 * errno: -ENOENT when the directory is missing, -ENAMETOOLONG, open(2)'s.
 */
int vfd_atomic_open(struct vfd_atomic_file *f, int dirfd, const char *path, unsigned int mode,
		    unsigned int flags);
/*
 * vfd_atomic_commit - fsync, rename over the target, fsync the directory.
 * Returns 0 or a negative errno; on failure before the rename the temporary
 * file is removed and the target is as it was. @f is closed either way.
 */
int vfd_atomic_commit(struct vfd_atomic_file *f);
/* vfd_atomic_abort - remove the temporary file and close @f; the target is untouched */
void vfd_atomic_abort(struct vfd_atomic_file *f);
/* vfd_atomic_write - open, write all @len bytes of @data, commit (0 or a negative errno) */
int vfd_atomic_write(int dirfd, const char *path, const void *data, size_t len,
		     unsigned int mode, unsigned int flags);

/* ----------------------------------------------------- signals held */

/*
 * Hold the signals that end a process from a terminal or a service manager
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE) around a change that must not
 * stop half-way. vfd_signals_release() puts the mask back as it was; a signal
 * that came meanwhile is then delivered (and ends the process as it would
 * have), after the change is whole. Holds nest.
 */
struct vfd_sighold {
	sigset_t saved;
};

void vfd_signals_hold(struct vfd_sighold *h);
void vfd_signals_release(const struct vfd_sighold *h);

#endif
