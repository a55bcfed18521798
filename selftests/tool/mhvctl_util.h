/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run mhvctl as an operator would and keep what it said: the tests of
 * selftests/tool/ assert on exit statuses, stdout and stderr.
 *
 * MHVCTL (default /mhv/tools/mhvctl) and MHV_GUESTS (default
 * /mhv/tools/guests) say where the tool and its guest images are.
 */
#ifndef MHVCTL_UTIL_H
#define MHVCTL_UTIL_H

#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUT_MAX		(256 * 1024)
#define MAX_ARGS	32

struct mhvctl_result {
	int status;		/* exit status, or 128 + signal */
	char out[OUT_MAX];	/* stdout */
	char err[OUT_MAX];	/* stderr */
};

static inline const char *mhvctl_path(void)
{
	const char *p = getenv("MHVCTL");

	return p ? p : "/mhv/tools/mhvctl";
}

/* A guest image by file name, in a static buffer per call site's use. */
static inline const char *guest(const char *name)
{
	static char bufs[4][256];
	static int next;
	const char *dir = getenv("MHV_GUESTS");
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir ? dir : "/mhv/tools/guests", name);
	return b;
}

static inline void drain(int fd, char *buf, size_t *len, bool *open)
{
	ssize_t n = read(fd, buf + *len, OUT_MAX - 1 - *len);

	if (n <= 0) {
		*open = false;
		return;
	}
	*len += n;
	buf[*len] = 0;
}

/* mhvctl ARGS... NULL, with @input on its stdin; returns r->status. */
static inline int mhvctl_v(struct mhvctl_result *r, const char *input, va_list ap)
{
	const char *argv[MAX_ARGS + 2] = { "mhvctl" };
	int in[2], out[2], err[2], i = 1, wstatus;
	size_t olen = 0, elen = 0;
	bool oopen = true, eopen = true;
	pid_t pid;

	while (i <= MAX_ARGS && (argv[i] = va_arg(ap, const char *)))
		i++;
	argv[i] = NULL;
	memset(r, 0, sizeof(*r));
	if (pipe(in) || pipe(out) || pipe(err))
		return r->status = -1;
	pid = fork();
	if (pid < 0)
		return r->status = -1;
	if (!pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[1]);
		close(out[0]);
		close(err[0]);
		execv(mhvctl_path(), (char **)argv);
		fprintf(stderr, "exec %s failed\n", mhvctl_path());
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (input && write(in[1], input, strlen(input)) < 0)
		perror("write");
	close(in[1]);
	while (oopen || eopen) {
		struct pollfd p[2] = { { oopen ? out[0] : -1, POLLIN, 0 },
				       { eopen ? err[0] : -1, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0)
			break;
		if (p[0].revents)
			drain(out[0], r->out, &olen, &oopen);
		if (p[1].revents)
			drain(err[0], r->err, &elen, &eopen);
	}
	close(out[0]);
	close(err[0]);
	waitpid(pid, &wstatus, 0);
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	return r->status;
}

static inline int mhvctl_in(struct mhvctl_result *r, const char *input, ...)
{
	va_list ap;
	int ret;

	va_start(ap, input);
	ret = mhvctl_v(r, input, ap);
	va_end(ap);
	return ret;
}

#define mhvctl(r, ...)	mhvctl_in(r, NULL, __VA_ARGS__, NULL)

/* What mhvctl printed, for a failing assertion's log. */
static inline const char *describe(const struct mhvctl_result *res)
{
	static char buf[2 * OUT_MAX + 128];

	snprintf(buf, sizeof(buf), "status %d\nstdout:\n%s\nstderr:\n%s", res->status,
		 res->out, res->err);
	return buf;
}

#define TH_LOG_RESULT(res)	TH_LOG("%s", describe(res))

/* @hay (mhvctl's stdout or stderr) contains @needle, or the test fails saying what it got. */
#define ASSERT_HAS(hay, needle, res) do {					\
	const char *__needle = (needle);					\
	ASSERT_NE(NULL, strstr(hay, __needle))					\
		TH_LOG("missing '%s'; %s", __needle, describe(res));		\
} while (0)

/* The decimal number after the first @key in @s, or -1. */
static inline long long number_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/*
 * A small JSON checker: true if @s is one well-formed JSON value and
 * nothing else. Enough to say --json's output parses.
 */
static inline const char *json_ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static inline const char *json_value(const char *s, int depth);

static inline const char *json_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s && *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
						return NULL;
				s += 4;
			} else if (!*s || !strchr("\"\\/bfnrt", *s)) {
				return NULL;
			}
		}
	}
	return *s == '"' ? s + 1 : NULL;
}

static inline const char *json_number(const char *s)
{
	const char *start;

	if (*s == '-')
		s++;
	start = s;
	while (*s >= '0' && *s <= '9')
		s++;
	if (s == start || (*start == '0' && s - start > 1))
		return NULL;
	if (*s == '.') {
		start = ++s;
		while (*s >= '0' && *s <= '9')
			s++;
		if (s == start)
			return NULL;
	}
	return s;
}

static inline const char *json_value(const char *s, int depth)
{
	char close;

	if (depth > 32 || !s)
		return NULL;
	s = json_ws(s);
	if (*s == '"')
		return json_string(s);
	if (*s == '{' || *s == '[') {
		close = *s == '{' ? '}' : ']';
		s = json_ws(s + 1);
		if (*s == close)
			return s + 1;
		for (;;) {
			if (close == '}') {
				s = json_string(json_ws(s));
				if (!s)
					return NULL;
				s = json_ws(s);
				if (*s++ != ':')
					return NULL;
			}
			s = json_value(s, depth + 1);
			if (!s)
				return NULL;
			s = json_ws(s);
			if (*s == close)
				return s + 1;
			if (*s++ != ',')
				return NULL;
		}
	}
	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	return json_number(s);
}

static inline bool json_valid(const char *s)
{
	s = json_value(s, 0);
	return s && !*json_ws(s);
}

#endif
