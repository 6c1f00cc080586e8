// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Android system properties: the files init loads at boot (build.prop,
 * default.prop, prop.default: "key=value" lines, '#' comments, "import"
 * lines) and the output of getprop ("[key]: [value]"). Later sources win,
 * as init lets /vendor override /system and /odm override both (Android 10
 * and later); the live values from getprop win over every file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define PROP_KEY_MAX 256
#define PROP_VALUE_MAX 4096
#define GETPROP_OUTPUT_MAX (1u << 20)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* init's IsLegalPropertyName: letters, digits and "_-.@:", no empty dot segment */
static bool key_ok(const char *k, size_t len)
{
	if (len == 0 || len > PROP_KEY_MAX || k[0] == '.' || k[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = k[i];

		if (c == '.' && k[i - 1] == '.')
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '@' || c == ':'))
			return false;
	}
	return true;
}

static const char *add_source(struct vfd_props *p, const char *source)
{
	size_t n = vfd_strv_len(p->sources);
	char **nv;

	/* the same name again (a second getprop run): reuse it */
	for (size_t i = 0; i < n; i++)
		if (strcmp(p->sources[i], source) == 0)
			return p->sources[i];
	nv = realloc(p->sources, (n + 2) * sizeof(*nv));
	if (!nv)
		return NULL;
	p->sources = nv;
	nv[n] = strdup(source);
	nv[n + 1] = NULL;
	return nv[n];
}

static int props_set(struct vfd_props *p, const char *key, size_t klen, const char *val,
		     size_t vlen, const char *source)
{
	char *v;

	for (size_t i = 0; i < p->n; i++) {
		if (strncmp(p->v[i].key, key, klen) != 0 || p->v[i].key[klen] != '\0')
			continue;
		v = strndup(val, vlen);
		if (!v)
			return -ENOMEM;
		free(p->v[i].value);
		p->v[i].value = v;
		p->v[i].source = source;
		return 0;
	}
	if (p->n >= VFD_PROPS_MAX) {
		p->dropped++;
		return 0;
	}
	if (array_reserve((void **)&p->v, &p->cap, p->n, sizeof(*p->v), 64) < 0)
		return -ENOMEM;
	p->v[p->n].key = strndup(key, klen);
	p->v[p->n].value = strndup(val, vlen);
	p->v[p->n].source = source;
	if (!p->v[p->n].key || !p->v[p->n].value) {
		free(p->v[p->n].key);
		free(p->v[p->n].value);
		return -ENOMEM;
	}
	p->n++;
	return 0;
}

/* "key = value" (init trims both sides of both); 1 when the line holds a property */
static int split_file_line(const char *s, size_t len, const char **key, size_t *klen,
			   const char **val, size_t *vlen)
{
	const char *eq = memchr(s, '=', len);
	size_t k;

	if (!eq || s[0] == '#')
		return 0;
	k = (size_t)(eq - s);
	while (k > 0 && is_blank(s[k - 1]))
		k--;
	*key = s;
	*klen = k;
	*val = eq + 1;
	*vlen = len - (size_t)(eq - s) - 1;
	while (*vlen > 0 && is_blank(**val)) {
		(*val)++;
		(*vlen)--;
	}
	return 1;
}

/* "[key]: [value]": the value runs to the last ']' of the line */
static int split_getprop_line(const char *s, size_t len, const char **key, size_t *klen,
			      const char **val, size_t *vlen)
{
	const char *sep;

	if (len < 6 || s[0] != '[' || s[len - 1] != ']')
		return 0;
	sep = memmem(s, len, "]: [", 4);
	if (!sep)
		return 0;
	*key = s + 1;
	*klen = (size_t)(sep - s) - 1;
	*val = sep + 4;
	if (*val > s + len - 1)
		return 0;
	*vlen = (size_t)(s + len - 1 - *val);
	return 1;
}

int vfd_props_parse(struct vfd_props *props, const char *buf, size_t len,
		    enum vfd_props_format format, const char *source)
{
	const char *p = buf, *end, *src;
	int taken = 0;

	if (!props || (!buf && len) || !source)
		return -EINVAL;
	/* no arithmetic on a NULL buffer, even by zero */
	end = buf ? buf + len : buf;
	src = add_source(props, source);
	if (!src)
		return -ENOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *key, *val;
		size_t klen, vlen, n;
		int r;

		while (p < eol && is_blank(*p))
			p++;
		while (eol > p && is_blank(eol[-1]))
			eol--;
		n = (size_t)(eol - p);
		if (format == VFD_PROPS_GETPROP)
			r = split_getprop_line(p, n, &key, &klen, &val, &vlen);
		else
			r = n ? split_file_line(p, n, &key, &klen, &val, &vlen) : 0;
		/* a NUL would cut the strings short: such a line is not a property */
		if (r && key_ok(key, klen) && vlen <= PROP_VALUE_MAX && !memchr(val, '\0', vlen)) {
			if (props_set(props, key, klen, val, vlen, src) < 0)
				return -ENOMEM;
			taken++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return taken;
}

const char *vfd_props_get(const struct vfd_props *props, const char *key, const char **source)
{
	for (size_t i = 0; props && key && i < props->n; i++) {
		if (strcmp(props->v[i].key, key) != 0)
			continue;
		if (source)
			*source = props->v[i].source;
		return props->v[i].value;
	}
	return NULL;
}

void vfd_props_clear(struct vfd_props *props)
{
	if (!props)
		return;
	for (size_t i = 0; i < props->n; i++) {
		free(props->v[i].key);
		free(props->v[i].value);
	}
	free(props->v);
	vfd_strv_free(props->sources);
	memset(props, 0, sizeof(*props));
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* read the child's output until EOF or the deadline; -ETIME at the deadline */
static int read_until(int fd, int64_t deadline, char **out, size_t *len)
{
	size_t cap = 1 << 14, n = 0;
	char *buf = malloc(cap);
	char scratch[4096];

	if (!buf)
		return -ENOMEM;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t got;
		int r;

		if (left <= 0) {
			free(buf);
			return -ETIME;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			return r == 0 ? -ETIME : -errno;
		}
		if (cap - n < 4096 && cap < GETPROP_OUTPUT_MAX) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		/* past the limit the rest is read and dropped, so the child can finish */
		if (n + 1 < cap)
			got = read(fd, buf + n, cap - n - 1);
		else
			got = read(fd, scratch, sizeof(scratch));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (n + 1 < cap)
			n += (size_t)got;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int vfd_getprop_run(const char *path, unsigned int timeout_ms, struct vfd_props *props)
{
	const char *prog = path ? path : "/system/bin/getprop";
	char *out = NULL;
	size_t len = 0;
	int pipefd[2], status = 0, r;
	pid_t pid;

	if (!props)
		return -EINVAL;
	if (access(prog, X_OK) < 0)
		return -errno;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		/* no stdin; stdout and stderr into the pipe (stray lines do not parse) */
		close(0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execl(prog, "getprop", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	r = read_until(pipefd[0], now_ms() + (timeout_ms ? timeout_ms : 3000), &out, &len);
	close(pipefd[0]);
	if (r == -ETIME)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		r = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
	if (r == 0)
		r = vfd_props_parse(props, out, len, VFD_PROPS_GETPROP, "getprop");
	free(out);
	return r < 0 ? r : 0;
}
