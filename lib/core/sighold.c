// SPDX-License-Identifier: GPL-2.0-or-later
/* Signals held around a change that must not stop half-way (bind, persist, file writes). */
#include <pthread.h>
#include <signal.h>

#include "internal.h"

void vfd_signals_hold(struct vfd_sighold *h)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &h->saved);
}

void vfd_signals_release(const struct vfd_sighold *h)
{
	/* a signal that came while held is delivered before this returns (POSIX) */
	pthread_sigmask(SIG_SETMASK, &h->saved, NULL);
}
