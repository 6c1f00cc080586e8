// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/core's shared tools: files written whole (vfd_atomic_*), signals held
 * (vfd_signals_*), the text and list buffers (buf.h), the byte readers (bytes.h).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "bytes.h"
#include "internal.h"

static char dir[] = "/tmp/vfd-test-core.XXXXXX";

/* the names in the test directory, sorted, one string "a b c" */
static char *listing(void)
{
	struct dirent **names;
	struct tbuf b = { 0 };
	int n = scandir(dir, &names, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
			tbuf_addf(&b, "%s%s", b.len ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return tbuf_take(&b, NULL);
}

static char *slurp(const char *name, struct stat *st)
{
	char path[PATH_MAX], *buf = calloc(1, 4096);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, 4095, f);
	buf[n] = '\0';
	if (st)
		assert_int_equal(fstat(fileno(f), st), 0);
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void atomic_new_and_replaced(void **state)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	struct stat st;
	char *s;

	assert_true(dfd >= 0);
	/* a new file gets @mode exactly, whatever the umask */
	umask(077);
	assert_int_equal(vfd_atomic_write(dfd, "a.conf", "one\n", 4, 0644, VFD_ATOMIC_KEEP_OWNER), 0);
	s = slurp("a.conf", &st);
	assert_string_equal(s, "one\n");
	assert_int_equal(st.st_mode & 07777, 0644);
	free(s);
	/* a replaced file keeps its mode with KEEP_OWNER ... */
	assert_int_equal(fchmodat(dfd, "a.conf", 0600, 0), 0);
	assert_int_equal(vfd_atomic_write(dfd, "a.conf", "two\n", 4, 0644, VFD_ATOMIC_KEEP_OWNER), 0);
	s = slurp("a.conf", &st);
	assert_string_equal(s, "two\n");
	assert_int_equal(st.st_mode & 07777, 0600);
	free(s);
	/* ... and its owner and group (root only: others cannot give a file away) */
	if (geteuid() == 0) {
		assert_int_equal(fchownat(dfd, "a.conf", 4321, 4322, 0), 0);
		assert_int_equal(vfd_atomic_write(dfd, "a.conf", "3\n", 2, 0644,
						  VFD_ATOMIC_KEEP_OWNER), 0);
		s = slurp("a.conf", &st);
		assert_int_equal(st.st_uid, 4321);
		assert_int_equal(st.st_gid, 4322);
		free(s);
	}
	/* without it the file gets @mode, here less the umask */
	umask(022);
	assert_int_equal(vfd_atomic_write(dfd, "a.conf", "four\n", 5, 0666, VFD_ATOMIC_UMASK), 0);
	s = slurp("a.conf", &st);
	assert_string_equal(s, "four\n");
	assert_int_equal(st.st_mode & 07777, 0644);
	free(s);
	/* a path with a directory part, relative to the current directory */
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(vfd_atomic_write(AT_FDCWD, dir + 1, "x", 1, 0644, 0), -EISDIR);
	{
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/b", dir + 1);
		assert_int_equal(vfd_atomic_write(AT_FDCWD, path, "b", 1, 0644, 0), 0);
	}
	s = listing();
	assert_string_equal(s, "a.conf b");
	free(s);
	unlinkat(dfd, "a.conf", 0);
	unlinkat(dfd, "b", 0);
	close(dfd);
}

static void atomic_failures_leave_nothing(void **state)
{
	struct vfd_atomic_file f;
	struct rlimit old, small = { 16, 16 };
	char path[PATH_MAX], big[64], *s;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);

	assert_true(dfd >= 0);
	/* a missing directory */
	assert_int_equal(vfd_atomic_open(&f, dfd, "missing/x", 0644, 0), -ENOENT);
	/* a name too long for its temporary */
	memset(path, 'n', 250);
	path[250] = '\0';
	assert_int_equal(vfd_atomic_write(dfd, path, "x", 1, 0644, 0), -ENAMETOOLONG);
	/* a write that fails half-way (the file size limit): the old file stays whole */
	assert_int_equal(vfd_atomic_write(dfd, "c", "old\n", 4, 0644, 0), 0);
	memset(big, 'x', sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(vfd_atomic_write(dfd, "c", big, sizeof(big), 0644, 0), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	s = slurp("c", NULL);
	assert_string_equal(s, "old\n");
	free(s);
	/* abort: the temporary goes, the target is untouched */
	assert_int_equal(vfd_atomic_open(&f, dfd, "c", 0644, 0), 0);
	assert_int_equal(write(f.fd, "new", 3), 3);
	s = listing();
	snprintf(path, sizeof(path), ".c.%d.tmp c", (int)getpid());
	assert_string_equal(s, path);
	free(s);
	vfd_atomic_abort(&f);
	s = listing();
	assert_string_equal(s, "c");
	free(s);
	/* a temporary of the same name (a killed run of this pid): refused, not reused */
	snprintf(path, sizeof(path), ".c.%d.tmp", (int)getpid());
	close(openat(dfd, path, O_WRONLY | O_CREAT, 0600));
	assert_int_equal(vfd_atomic_write(dfd, "c", "z", 1, 0644, 0), -EEXIST);
	assert_int_equal(unlinkat(dfd, path, 0), 0);
	s = slurp("c", NULL);
	assert_string_equal(s, "old\n");
	free(s);
	unlinkat(dfd, "c", 0);
	close(dfd);
}

static int delivered;

static void count_signal(int sig)
{
	delivered++;
}

static void signals_held_then_delivered(void **state)
{
	struct sigaction sa = { .sa_handler = count_signal }, old;
	struct vfd_sighold outer, inner;
	sigset_t pending;

	sigaction(SIGTERM, &sa, &old);
	delivered = 0;
	vfd_signals_hold(&outer);
	raise(SIGTERM);
	assert_int_equal(delivered, 0);
	sigpending(&pending);
	assert_true(sigismember(&pending, SIGTERM));
	/* a hold inside a hold: its release leaves the outer one in place */
	vfd_signals_hold(&inner);
	vfd_signals_release(&inner);
	assert_int_equal(delivered, 0);
	vfd_signals_release(&outer);
	assert_int_equal(delivered, 1);
	sigpending(&pending);
	assert_false(sigismember(&pending, SIGTERM));
	sigaction(SIGTERM, &old, NULL);
}

static void text_buffer(void **state)
{
	struct tbuf b = { 0 };
	size_t len;
	char *s;

	/* nothing added is still a string */
	s = tbuf_take(&b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	tbuf_adds(&b, "a");
	tbuf_add(&b, "\0b", 2);
	for (int i = 0; i < 100; i++)
		tbuf_addf(&b, "%d,", i);
	s = tbuf_take(&b, &len);
	assert_int_equal(len, 3 + 10 * 2 + 90 * 3);
	assert_memory_equal(s, "a\0b0,1,", 7);
	assert_string_equal(s + len - 3, "99,");
	free(s);
	assert_null(b.p);
	/* a failure is remembered: take says so once */
	tbuf_adds(&b, "x");
	b.oom = true;
	tbuf_adds(&b, "y");
	assert_null(tbuf_take(&b, NULL));
	assert_null(b.p);
}

static void string_lists(void **state)
{
	struct strv_builder sb = { 0 };
	char **v = NULL;

	assert_int_equal(strv_append(&v, strdup("one")), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(strv_appendf(&v, "n%d", i), 0);
	assert_int_equal(vfd_strv_len(v), 21);
	assert_string_equal(v[0], "one");
	assert_string_equal(v[20], "n19");
	assert_null(v[21]);
	/* NULL is an allocation failure before: reported, the list unchanged */
	assert_int_equal(strv_append(&v, NULL), -ENOMEM);
	assert_int_equal(vfd_strv_len(v), 21);
	vfd_strv_free(v);

	v = strv_take(&sb);
	assert_non_null(v);
	assert_null(v[0]);
	vfd_strv_free(v);
	strv_addf(&sb, "%s-%d", "a", 1);
	strv_addf(&sb, "b");
	v = strv_take(&sb);
	assert_int_equal(vfd_strv_len(v), 2);
	assert_string_equal(v[0], "a-1");
	vfd_strv_free(v);
}

static void growable_arrays(void **state)
{
	uint32_t *v = NULL;
	size_t cap = 0;

	(void)state;
	/* the first room is the size asked for, later the capacity doubles */
	assert_int_equal(array_reserve((void **)&v, &cap, 0, sizeof(*v), 4), 0);
	assert_int_equal(cap, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(v[i], 0);
	for (uint32_t i = 0; i < 4; i++)
		v[i] = i + 1;
	assert_int_equal(array_reserve((void **)&v, &cap, 3, sizeof(*v), 4), 0);
	assert_int_equal(cap, 4);
	assert_int_equal(array_reserve((void **)&v, &cap, 4, sizeof(*v), 4), 0);
	assert_int_equal(cap, 8);
	/* what was there stays, the new elements are zero */
	assert_int_equal(v[3], 4);
	for (size_t i = 4; i < 8; i++)
		assert_int_equal(v[i], 0);
	/* an index far beyond the capacity gets room in one call */
	assert_int_equal(array_reserve((void **)&v, &cap, 100, sizeof(*v), 4), 0);
	assert_true(cap > 100);
	assert_int_equal(v[0], 1);
	free(v);
	/* a size that cannot be allocated leaves the array as it was */
	v = NULL;
	cap = 0;
	assert_int_equal(array_reserve((void **)&v, &cap, SIZE_MAX / 2, 16, 1), -ENOMEM);
	assert_null(v);
	assert_int_equal(cap, 0);
}

static void byte_readers(void **state)
{
	static const uint8_t b[] = { 0x86, 0x80, 0x34, 0x12, 0xff };

	assert_int_equal(get_le16(b), 0x8086);
	assert_int_equal(get_le16(b + 3), 0xff12);
	assert_int_equal(get_le32(b), 0x12348086u);
	assert_int_equal(get_le32(b + 1), 0xff123480u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(atomic_new_and_replaced),
		cmocka_unit_test(atomic_failures_leave_nothing),
		cmocka_unit_test(signals_held_then_delivered),
		cmocka_unit_test(text_buffer),
		cmocka_unit_test(string_lists),
		cmocka_unit_test(byte_readers),
		cmocka_unit_test(growable_arrays),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
