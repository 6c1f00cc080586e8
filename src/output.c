// SPDX-License-Identifier: GPL-2.0-or-later
/* Output helpers: column selection (lsblk -o), colour, JSON strings. */
#define _GNU_SOURCE
#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "output.h"

static void stdout_pass_colour(bool pass);

/* "vfio-doctor", or "vfio-doctor CMD" once the subcommand is known */
static char program_name[64] = "vfio-doctor";
static enum color_mode color_mode = COLOR_AUTO;

void output_set_command(const char *cmd)
{
	snprintf(program_name, sizeof(program_name), "vfio-doctor %s", cmd);
}

const char *output_program_name(void)
{
	return program_name;
}

int output_set_color_mode(const char *when)
{
	static const char *const names[] = { "auto", "always", "never" };

	size_t i = 0;

	/* --color alone means always, as ls and util-linux take it */
	if (when)
		while (i < ARRAY_LEN(names) && strcmp(when, names[i]) != 0)
			i++;
	if (i == ARRAY_LEN(names))
		return -1;
	color_mode = when ? (enum color_mode)i : COLOR_ALWAYS;
	/* the filter lets our own colour sequences through where colour is wanted */
	stdout_pass_colour(want_color());
	return 0;
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int column_index(const struct colinfo *table, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(table[i].name) == len && strncasecmp(table[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

int columns_select(struct outopts *o, const struct colinfo *table, size_t n,
		   const int *defaults, size_t ndefaults)
{
	const char *list = o->output ? o->output : getenv("VFD_COLUMNS");

	o->ncolumns = 0;
	if (o->output_all) {
		for (size_t i = 0; i < n && i < MAX_COLUMNS; i++)
			o->columns[o->ncolumns++] = (int)i;
		return 0;
	}
	if (!list || !*list || *list == '+') {
		for (size_t i = 0; i < ndefaults; i++)
			o->columns[o->ncolumns++] = defaults[i];
		if (list && *list == '+')
			list++;
		else
			return 0;
	}
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		int idx = column_index(table, n, list, len);

		if (idx < 0) {
			warnx_("unknown column '%.*s' in '%s' (see --list-columns)", (int)len, list,
			       o->output ? o->output : list);
			return -1;
		}
		if (o->ncolumns >= MAX_COLUMNS) {
			warnx_("too many columns in '%s'", o->output);
			return -1;
		}
		o->columns[o->ncolumns++] = idx;
		list += len;
		if (*list == ',')
			list++;
	}
	return 0;
}

void columns_list(const struct colinfo *table, size_t n)
{
	static const char *const types[] = { "<string>", "<integer>", "<boolean>", "<array>" };

	for (size_t i = 0; i < n; i++)
		printf("%12s  %-10s %s\n", table[i].name, types[table[i].type], table[i].help);
}

bool outopts_option(struct outopts *o, int opt, const char *arg, bool *table)
{
	bool asks_table = false;

	switch (opt) {
	case 'J':
		o->json = true;
		output_set_json(true);
		break;
	case 'o':
		o->output = arg;
		asks_table = true;
		break;
	case 'O':
		o->output_all = true;
		asks_table = true;
		break;
	case 'n':
		o->noheadings = true;
		break;
	case 'r':
		o->raw = true;
		asks_table = true;
		break;
	case 'P':
		o->pairs = true;
		break;
	case 't':
		o->tree = true;
		break;
	default:
		return false;
	}
	if (asks_table && table)
		*table = true;
	return true;
}

/*
 * util-linux's lib/colors.c colors_init(): "always" colours whatever stdout is;
 * "auto" only a terminal that has colours (TERM=dumb has none in terminfo).
 * NO_COLOR (no-color.org) turns "auto" off; an explicit --color=always, given
 * on this command line, is the later and more specific wish and wins.
 */
bool want_color(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (color_mode != COLOR_AUTO)
		return color_mode == COLOR_ALWAYS;
	if (nc && *nc)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO);
}

/*
 * The width to fit: a terminal's, never that of a pipe or file (0: do not
 * wrap). COLUMNS is honoured, as util-linux's get_terminal_width() does, but
 * only when stdout is a terminal, so a script's output never depends on it.
 */
size_t terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (cols && *cols) {
		char *end;
		long n = strtol(cols, &end, 10);

		if (*end == '\0' && n > 0 && n < 10000)
			return (size_t)n;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

void json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(out, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, out);
			} else {
				/* JSON is UTF-8 (RFC 8259 8.1): a byte that is not becomes U+FFFD */
				int len = utf8_seq_len(p, strlen((const char *)p));

				if (len > 0) {
					fwrite(p, 1, (size_t)len, out);
					p += len - 1;
				} else {
					fputs("\\ufffd", out);
				}
			}
		}
	}
	fputc('"', out);
}

void json_strv(FILE *out, char *const *v)
{
	fputc('[', out);
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			fputs(", ", out);
		json_str(out, v[i]);
	}
	fputc(']', out);
}

/*
 * Text from outside (device and driver names, command lines, os-release, log
 * lines, file names) reaches the terminal through one filter: stdout and
 * stderr are streams whose bytes pass through safe_write() before write(2).
 * A printer cannot forget to escape, and nothing printed needs to be known
 * in advance.
 *
 * Text (the default): tabs and newlines pass, every other control byte and
 * DEL is written "\x1b" style (as util-linux's mbs_safe_encode does), and so
 * is each byte outside ASCII unless the locale's character set is UTF-8 and
 * the bytes form valid UTF-8 that is not a C1 control (U+0080..U+009F, which
 * terminals read as escapes, CSI among them). The colour sequences this
 * program writes (SGR: ESC [ digits and ';' m) pass where colour is on, that
 * is on a terminal without NO_COLOR; where it is off there are none of ours,
 * and every ESC is escaped.
 *
 * JSON and the Prometheus text (output_set_json()): the writers escape what
 * their formats need; bytes that are not valid UTF-8 become U+FFFD, the
 * replacement character, so the document is valid UTF-8 in every locale.
 */
struct safe_stream {
	int fd;
	bool utf8;		/* machine output: only invalid UTF-8 is replaced */
	bool sgr_ok;		/* our colour sequences pass */
	unsigned char pend[16];	/* an escape or UTF-8 sequence cut by a buffer's end */
	size_t npend;
};

static struct safe_stream safe_out = { .fd = STDOUT_FILENO };
static struct safe_stream safe_err = { .fd = STDERR_FILENO };
static bool locale_utf8;

/* length of the UTF-8 sequence at @p: > 0 valid, 0 invalid, -1 cut short */
int utf8_seq_len(const unsigned char *p, size_t n)
{
	int len;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, past U+10FFFF (RFC 3629 section 3) */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* an SGR sequence at @p: its length, 0 if it is none, -1 if cut short */
static int sgr_len(const unsigned char *p, size_t n)
{
	size_t i = 2;

	if (n < 2)
		return -1;
	if (p[1] != '[')
		return 0;
	for (; i < n && i < sizeof(safe_out.pend); i++) {
		if (p[i] == 'm')
			return (int)i + 1;
		if (!(p[i] == ';' || (p[i] >= '0' && p[i] <= '9')))
			return 0;
	}
	return i < sizeof(safe_out.pend) ? -1 : 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* escape @n bytes of @in (the pending ones first) into @out; returns bytes used from @in */
static size_t safe_encode(struct safe_stream *s, const unsigned char *in, size_t n, char *out,
			  size_t *olen)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c;
		int len = 1;

#if defined(__SSE2__)
		/*
		 * printable ASCII, which passes as it is, sixteen bytes at a time
		 * up to the first other byte (most of what is written): @out has
		 * room for four bytes a byte of @in, so the whole block fits
		 */
		if (i + 16 <= n) {
			__m128i v = _mm_loadu_si128((const __m128i *)(in + i));
			/* signed compares: bytes above 0x7f are negative */
			__m128i plain = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x1f)),
						      _mm_cmplt_epi8(v, _mm_set1_epi8(0x7f)));
			unsigned int run = (unsigned int)__builtin_ctz(
				~(unsigned int)_mm_movemask_epi8(plain) | 0x10000u);

			_mm_storeu_si128((__m128i *)(out + o), v);
			i += run;
			o += run;
			if (run == 16)
				continue;
		}
#endif
		c = in[i];
		if (c == '\033' && !s->utf8) {
			len = sgr_len(in + i, n - i);
			if (len < 0)
				break;
			if (len > 0 && s->sgr_ok) {
				memcpy(out + o, in + i, (size_t)len);
				o += (size_t)len;
				i += (size_t)len;
				continue;
			}
			len = 1;
			o += (size_t)sprintf(out + o, "\\x%02x", c);
		} else if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
			out[o++] = (char)c;
		} else if (c < 0x80) {
			o += (size_t)sprintf(out + o, s->utf8 ? "\\u%04x" : "\\x%02x", c);
		} else {
			len = utf8_seq_len(in + i, n - i);
			if (len < 0)
				break;
			if (len > 0 && (s->utf8 || (locale_utf8 && !(c == 0xc2 && in[i + 1] < 0xa0)))) {
				memcpy(out + o, in + i, (size_t)len);
				o += (size_t)len;
			} else if (s->utf8) {
				/* U+FFFD for the one byte that cannot start a character */
				memcpy(out + o, "\xef\xbf\xbd", 3);
				o += 3;
				len = 1;
			} else {
				/* each byte of the sequence, or the one invalid byte */
				if (len == 0)
					len = 1;
				for (int k = 0; k < len; k++)
					o += (size_t)sprintf(out + o, "\\x%02x", in[i + (size_t)k]);
			}
		}
		i += (size_t)len;
	}
	*olen = o;
	return i;
}

static ssize_t safe_write(void *cookie, const char *buf, size_t size)
{
	struct safe_stream *s = cookie;
	/* worst case: every byte becomes four ("\x1b"), pending bytes included */
	size_t cap = (size + sizeof(s->pend)) * 4 + 1, used, olen;
	unsigned char *in = malloc(size + s->npend);
	char *out = malloc(cap);
	int r = 0;

	if (!in || !out) {
		free(in);
		free(out);
		/* no memory to escape: write nothing rather than something raw */
		errno = ENOMEM;
		return -1;
	}
	memcpy(in, s->pend, s->npend);
	memcpy(in + s->npend, buf, size);
	used = safe_encode(s, in, size + s->npend, out, &olen);
	/* keep a cut sequence for the next write (SGR and UTF-8 ones fit in pend) */
	s->npend = size + s->npend - used;
	memcpy(s->pend, in + used, s->npend);
	if (olen)
		r = write_all(s->fd, out, olen);
	free(in);
	free(out);
	return r < 0 ? -1 : (ssize_t)size;
}

/* a sequence cut at the very end of the output is written escaped */
static int safe_close(void *cookie)
{
	struct safe_stream *s = cookie;
	char out[sizeof(s->pend) * 4];
	size_t o = 0;

	for (size_t i = 0; i < s->npend; i++)
		o += (size_t)sprintf(out + o, "\\x%02x", s->pend[i]);
	s->npend = 0;
	return o ? write_all(s->fd, out, o) : 0;
}

static FILE *safe_stream_open(struct safe_stream *s, int mode)
{
	static const cookie_io_functions_t io = { .write = safe_write, .close = safe_close };
	FILE *f = fopencookie(s, "w", io);

	if (f)
		setvbuf(f, NULL, mode, BUFSIZ);
	return f;
}

#ifdef __GLIBC__
/* only where the filtered streams replace stdio's (output_init()) */
static void safe_streams_flush(void)
{
	fflush(stdout);
	fflush(stderr);
	safe_close(&safe_out);
	safe_close(&safe_err);
}
#endif

static void stdout_pass_colour(bool pass)
{
	safe_out.sgr_ok = pass;
}

void output_init(void)
{
	const char *nc = getenv("NO_COLOR");
	bool color_env = !(nc && *nc);
	FILE *out, *err;

	locale_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	safe_out.sgr_ok = color_env && isatty(STDOUT_FILENO);
	safe_err.sgr_ok = color_env && isatty(STDERR_FILENO);
	out = safe_stream_open(&safe_out, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF);
	err = safe_stream_open(&safe_err, _IONBF);
	/* without the filter the output would be raw: better no output than that */
	if (!out || !err) {
		fputs("vfio-doctor: out of memory\n", stderr);
		exit(2);
	}
	fflush(stdout);
#ifdef __GLIBC__
	stdout = out;
	stderr = err;
	atexit(safe_streams_flush);
#else
	/*
	 * musl declares stdout and stderr const (make static, the Android guest
	 * build): there the streams stay as they are and print unfiltered
	 */
	fclose(out);
	fclose(err);
#endif
}

void output_set_json(bool machine)
{
	fflush(stdout);
	safe_out.utf8 = machine;
}
