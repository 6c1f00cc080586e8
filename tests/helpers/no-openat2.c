// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run a command as on a kernel without openat2: a seccomp filter answers
 * openat2 with ENOSYS (a kernel before 5.6) or, given -EPERM first, with EPERM
 * (container runtimes whose profiles predate the call answer that). The tests
 * run the confinement cases through it, so the root's own walk is proven and
 * not only the kernel's RESOLVE_IN_ROOT.
 *
 * usage: no-openat2 [-EPERM] COMMAND [ARG...]
 * Exits 77 (a skip, for TAP and meson) where no filter can be installed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

int main(int argc, char **argv)
{
	int err = ENOSYS, first = 1;

	if (argc > 1 && strcmp(argv[1], "-EPERM") == 0) {
		err = EPERM;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: no-openat2 [-EPERM] COMMAND [ARG...]\n");
		return 2;
	}
#ifdef NATIVE_ARCH
	{
		struct sock_filter code[] = {
			/* another architecture's calls: allow them, they are not ours */
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
			fprintf(stderr, "no-openat2: cannot install a seccomp filter: %s\n",
				strerror(errno));
			return 77;
		}
	}
	/* prove the filter holds before the command trusts it */
	if (syscall(SYS_openat2, -100, ".", NULL, 0) != -1 || errno != err) {
		fprintf(stderr, "no-openat2: openat2 still answers\n");
		return 77;
	}
	execvp(argv[first], argv + first);
	fprintf(stderr, "no-openat2: cannot run '%s': %s\n", argv[first], strerror(errno));
	return 127;
#else
	(void)argv;
	fprintf(stderr, "no-openat2: no seccomp filter for this architecture\n");
	return 77;
#endif
}
