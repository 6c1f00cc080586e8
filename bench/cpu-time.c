// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpu-time: run a command with its standard output into a file and print
 * "WALL CPU STATUS": the wall clock and the CPU time (user + system) in
 * seconds with microseconds, and the exit status (128 + signal when killed).
 *
 * For bench/explain-speed. GNU time prints CPU time in steps of 10 ms, which
 * is a fifth of what grep takes on the benchmark's log; wait4()'s rusage
 * gives the kernel's own accounting in microseconds. Not part of vfio-doctor.
 *
 * usage: cpu-time OUTPUT-FILE COMMAND [ARG]...
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int status, out;

	if (argc < 3) {
		fprintf(stderr, "usage: cpu-time OUTPUT-FILE COMMAND [ARG]...\n");
		return 2;
	}
	out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		fprintf(stderr, "cpu-time: cannot open '%s': %m\n", argv[1]);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "cpu-time: cannot fork: %m\n");
		return 2;
	}
	if (pid == 0) {
		if (dup2(out, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "cpu-time: cannot run '%s': %m\n", argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		fprintf(stderr, "cpu-time: cannot wait for '%s': %m\n", argv[2]);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.6f %.6f %d\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       seconds(ru.ru_utime) + seconds(ru.ru_stime),
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
