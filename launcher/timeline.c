/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* timeline.c — parse --at and --scenario into control steps.  Pure. */
#include "launcher/timeline.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "model/units.h"
#include "model/linkspec.h"
#include "launcher/commands.h"
#include "launcher/control_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SCENARIO_BYTES (4u << 20)

static void step_free(struct lk_step *s)
{
	for (size_t i = 0; i < s->nargs; i++)
		free(s->args[i]);
	free(s->args);
	free(s->cmd);
	free(s->origin);
}

void lk_timeline_free(struct lk_timeline *t)
{
	for (size_t i = 0; i < t->len; i++)
		step_free(&t->v[i]);
	free(t->v);
	*t = (struct lk_timeline){0};
}

/* Take ownership of the step's strings. */
static int push(struct lk_timeline *t, struct lk_step *s, struct lk_error *e)
{
	if (t->len == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		struct lk_step *v = realloc(t->v, cap * sizeof(*v));

		if (!v) {
			step_free(s);
			return lk_error_set(e, ENOMEM, "out of memory");
		}
		t->v = v;
		t->cap = cap;
	}
	t->v[t->len++] = *s;
	return 0;
}

static int parse_time(const char *origin, const char *text, uint64_t *ns,
		      struct lk_error *e)
{
	/* A bare number is seconds. */
	int r = lk_parse_time_ns(text, 1000000000ull, ns);

	if (r == -ERANGE)
		return lk_error_set(e, EINVAL,
				    "%s: '%s' is too late (at most about "
				    "292 years, 2^63 ns)",
				    origin, text);
	if (r < 0)
		return lk_error_set(e, EINVAL,
				    "%s: '%s' is not a time (e.g. 10s, "
				    "1500ms)",
				    origin, text);
	return 0;
}

static int make_step(struct lk_step *s, const char *cmd, const char *arg,
		     const char *origin)
{
	*s = (struct lk_step){0};
	s->cmd = strdup(cmd);
	s->origin = strdup(origin);
	s->args = calloc(2, sizeof(char *));
	if (s->args && arg) {
		s->args[0] = strdup(arg);
		s->nargs = s->args[0] ? 1 : 0;
	}
	if (!s->cmd || !s->origin || !s->args || (arg && !s->nargs)) {
		step_free(s);
		return -ENOMEM;
	}
	return 0;
}

int lk_timeline_add_at(struct lk_timeline *t, const char *text,
		       struct lk_error *e)
{
	_cleanup_free_ char *origin = NULL, *time = NULL;
	const char *colon = strchr(text, ':'), *spec, *cmd, *arg;
	struct lk_step s;
	uint64_t at;

	if (asprintf(&origin, "--at %s", text) < 0)
		return lk_error_set(e, ENOMEM, "out of memory");
	if (!colon || colon == text || !colon[1])
		return lk_error_set(e, EINVAL,
				    "%s: expected TIME:SPEC (e.g. "
				    "10s:1-2:delay=50ms, 10s:partition=1,2/3, "
				    "20s:heal)",
				    origin);
	time = strndup(text, (size_t)(colon - text));
	if (!time)
		return lk_error_set(e, ENOMEM, "out of memory");
	if (parse_time(origin, time, &at, e) < 0)
		return -EINVAL;
	spec = colon + 1;
	cmd = lk_command_at(spec, &arg)->name;
	if (make_step(&s, cmd, arg, origin) < 0)
		return lk_error_set(e, ENOMEM, "out of memory");
	s.at_ns = at;
	if (strcmp(cmd, "kill") == 0 && strchr(s.args[0], ':')) {
		/* kill=PEER:SIGNAL */
		char **v = realloc(s.args, 3 * sizeof(char *));

		if (!v) {
			step_free(&s);
			return lk_error_set(e, ENOMEM, "out of memory");
		}
		s.args = v;
		*strchr(s.args[0], ':') = '\0';
		s.args[1] = strdup(s.args[0] + strlen(s.args[0]) + 1);
		s.args[2] = NULL;
		s.nargs = 2;
		if (!s.args[1]) {
			step_free(&s);
			return lk_error_set(e, ENOMEM, "out of memory");
		}
	}
	return push(t, &s, e);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int lk_timeline_parse_text(struct lk_timeline *t, const char *name,
			   const char *text, struct lk_error *e)
{
	unsigned lineno = 0;
	const char *p = text;

	while (*p) {
		const char *eol = strchrnul(p, '\n');
		_cleanup_free_ char *line = strndup(p, (size_t)(eol - p));
		_cleanup_free_ char *origin = NULL;
		char *hash, *save = NULL, *word;
		struct lk_step s = {0};
		size_t cap = 0;
		int r;

		lineno++;
		p = *eol ? eol + 1 : eol;
		if (!line)
			return lk_error_set(e, ENOMEM, "out of memory");
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		for (char *c = line; *c; c++)
			if (is_space(*c))
				*c = ' ';
		word = strtok_r(line, " ", &save);
		if (!word)
			continue;
		if (asprintf(&origin, "%s:%u", name, lineno) < 0)
			return lk_error_set(e, ENOMEM, "out of memory");
		if (parse_time(origin, word, &s.at_ns, e) < 0)
			return -EINVAL;
		word = strtok_r(NULL, " ", &save);
		if (!word)
			return lk_error_set(
			    e, EINVAL,
			    "%s: expected TIME COMMAND [ARG...] "
			    "after '%s'",
			    origin, line);
		s.cmd = strdup(word);
		s.origin = lk_steal_ptr(origin);
		s.args = calloc(1, sizeof(char *));
		cap = 1;
		if (!s.cmd || !s.origin || !s.args) {
			step_free(&s);
			return lk_error_set(e, ENOMEM, "out of memory");
		}
		while ((word = strtok_r(NULL, " ", &save)) != NULL) {
			if (s.nargs + 1 >= cap) {
				char **v =
				    realloc(s.args, 2 * cap * sizeof(char *));
				if (!v) {
					step_free(&s);
					return lk_error_set(e, ENOMEM,
							    "out of memory");
				}
				s.args = v;
				cap *= 2;
			}
			s.args[s.nargs] = strdup(word);
			if (!s.args[s.nargs]) {
				step_free(&s);
				return lk_error_set(e, ENOMEM, "out of memory");
			}
			s.args[++s.nargs] = NULL;
		}
		r = push(t, &s, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int lk_timeline_load(struct lk_timeline *t, const char *path,
		     struct lk_error *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	struct stat st;
	size_t len = 0;

	if (fd < 0)
		return lk_error_errno(e, "scenario '%s'", path);
	if (fstat(fd, &st) < 0)
		return lk_error_errno(e, "scenario '%s'", path);
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_SCENARIO_BYTES)
		return lk_error_set(e, EINVAL,
				    "scenario '%s': not a regular file of at "
				    "most 4 MiB",
				    path);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return lk_error_set(e, ENOMEM, "out of memory");
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);

		if (n < 0)
			return lk_error_errno(e, "read scenario '%s'", path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	if (strlen(text) != len)
		return lk_error_set(
		    e, EINVAL, "scenario '%s': a NUL byte in the file", path);
	return lk_timeline_parse_text(t, path, text, e);
}

static int check_peer(const struct lk_step *s, const char *text, unsigned n,
		      struct lk_error *e)
{
	uint64_t v;

	if (lk_parse_uint(text, n, &v) < 0 || v < 1)
		return lk_error_set(e, EINVAL,
				    "%s: %s: '%s' is not a peer (1..%u)",
				    s->origin, s->cmd, text, n);
	return 0;
}

static int check_step(const struct lk_step *s, unsigned n, struct lk_error *e)
{
	struct lk_linkspec ls;
	int r = 0;

	if (!lk_command_find(s->cmd, LK_CMD_TIMELINE))
		return lk_command_unknown(s->origin, s->cmd, LK_CMD_TIMELINE,
					  e);
	if (strcmp(s->cmd, "set") == 0 || strcmp(s->cmd, "clear") == 0) {
		if (s->nargs == 0)
			return lk_error_set(e, EINVAL, "%s: %s needs a SPEC",
					    s->origin, s->cmd);
		for (size_t i = 0; i < s->nargs && r == 0; i++) {
			_cleanup_free_ char *txt = NULL;

			if (s->cmd[0] == 'c' &&
			    (r = lk_clear_spec(s->args[i], &txt, e)) < 0)
				break;
			r = lk_linkspec_parse(txt ? txt : s->args[i], n, &ls,
					      e);
			if (r == 0)
				lk_linkspec_free(&ls);
		}
	} else if (strcmp(s->cmd, "partition") == 0) {
		_cleanup_free_ unsigned *g = calloc(n + 1, sizeof(*g));

		if (!g)
			return lk_error_set(e, ENOMEM, "out of memory");
		if (s->nargs != 1)
			return lk_error_set(e, EINVAL,
					    "%s: partition needs one argument "
					    "(e.g. 1,2/3)",
					    s->origin);
		r = lk_partition_parse(s->args[0], n, g, e);
	} else if (strcmp(s->cmd, "heal") == 0) {
		if (s->nargs)
			return lk_error_set(
			    e, EINVAL, "%s: heal takes no argument", s->origin);
	} else if (strcmp(s->cmd, "down") == 0 || strcmp(s->cmd, "up") == 0 ||
		   strcmp(s->cmd, "restart") == 0) {
		if (s->nargs != 1)
			return lk_error_set(e, EINVAL, "%s: %s needs one PEER",
					    s->origin, s->cmd);
		return check_peer(s, s->args[0], n, e);
	} else if (strcmp(s->cmd, "kill") == 0) {
		int sig;

		if (s->nargs < 1 || s->nargs > 2)
			return lk_error_set(e, EINVAL,
					    "%s: kill needs PEER [SIGNAL]",
					    s->origin);
		if (s->nargs == 2 && lk_signal_parse(s->args[1], &sig) < 0)
			return lk_error_set(e, EINVAL,
					    "%s: '%s' is not a signal",
					    s->origin, s->args[1]);
		return check_peer(s, s->args[0], n, e);
	} else {
		return lk_command_unknown(s->origin, s->cmd, LK_CMD_TIMELINE,
					  e);
	}
	if (r < 0)
		return lk_error_wrap(e, "%s", s->origin);
	return 0;
}

/* Order the steps by time, stably (steps at the same time keep the order
 * they were given in): a bottom-up merge sort, O(n log n) for the ~350k
 * steps a 4 MiB scenario can hold (insertion sort took a minute). */
static int sort_steps(struct lk_timeline *t, struct lk_error *e)
{
	struct lk_step *a = t->v, *b;
	size_t n = t->len;

	if (n < 2)
		return 0;
	b = malloc(n * sizeof(*b));
	if (!b)
		return lk_error_set(e, ENOMEM, "out of memory");
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = mid + w < n ? mid + w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				b[k++] = a[j].at_ns < a[i].at_ns ? a[j++]
								 : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		struct lk_step *tmp = a;

		a = b;
		b = tmp;
	}
	if (a != t->v) {
		memcpy(t->v, a, n * sizeof(*a));
		b = a;
	}
	free(b);
	return 0;
}

int lk_timeline_check(struct lk_timeline *t, unsigned n, struct lk_error *e)
{
	for (size_t i = 0; i < t->len; i++) {
		int r = check_step(&t->v[i], n, e);

		if (r < 0)
			return r;
	}
	return sort_steps(t, e);
}
