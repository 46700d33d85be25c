/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* control_proto.c — JSON lines for the control socket.  Pure. */
#include "launcher/control_proto.h"

#include "common/error.h"
#include "common/units.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a growable buffer ------------------------------------------------- */

static bool buf_reserve(struct lk_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void lk_buf_put(struct lk_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void lk_buf_puts(struct lk_buf *b, const char *s)
{
	lk_buf_put(b, s, strlen(s));
}

void lk_buf_printf(struct lk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void lk_buf_json_str(struct lk_buf *b, const char *s)
{
	lk_buf_put(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			lk_buf_put(b, esc, 2);
		} else if (c == '\n') {
			lk_buf_put(b, "\\n", 2);
		} else if (c == '\t') {
			lk_buf_put(b, "\\t", 2);
		} else if (c < 0x20) {
			lk_buf_printf(b, "\\u%04x", c);
		} else {
			lk_buf_put(b, s, 1);
		}
	}
	lk_buf_put(b, "\"", 1);
}

void lk_buf_free(struct lk_buf *b)
{
	free(b->p);
	*b = (struct lk_buf){0};
}

/* ---- a small JSON reader ---------------------------------------------- */

struct jp {
	const char *s, *p, *end;
	struct lk_error *e;
	const char *what; /* "request" or "reply" */
};

static int jerr(struct jp *j, const char *msg)
{
	return lk_error_set(j->e, EINVAL, "%s: %s at byte %zu", j->what, msg,
			    (size_t)(j->p - j->s) + 1);
}

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static bool eat(struct jp *j, char c)
{
	ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static int hex4(struct jp *j, unsigned *out)
{
	unsigned v = 0;

	if (j->end - j->p < 4)
		return jerr(j, "a short \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *j->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return jerr(j, "a bad \\u escape");
	}
	*out = v;
	return 0;
}

static void put_utf8(struct lk_buf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		lk_buf_put(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		lk_buf_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		lk_buf_put(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		lk_buf_put(b, u, 4);
	}
}

/* A string; *out is malloc'd (NUL bytes refused). */
static int jstring(struct jp *j, char **out)
{
	struct lk_buf b = {0};
	int r;

	if (!eat(j, '"'))
		return jerr(j, "expected a string");
	lk_buf_put(&b, "", 0);
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;
		unsigned cp, lo;

		if (c < 0x20) {
			j->p--;
			r = jerr(j, "a control character in a string");
			goto fail;
		}
		if (c != '\\') {
			lk_buf_put(&b, (const char *)&c, 1);
			continue;
		}
		if (j->p >= j->end)
			break;
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			lk_buf_put(&b, (const char *)&c, 1);
			break;
		case 'b':
			lk_buf_put(&b, "\b", 1);
			break;
		case 'f':
			lk_buf_put(&b, "\f", 1);
			break;
		case 'n':
			lk_buf_put(&b, "\n", 1);
			break;
		case 'r':
			lk_buf_put(&b, "\r", 1);
			break;
		case 't':
			lk_buf_put(&b, "\t", 1);
			break;
		case 'u':
			if ((r = hex4(j, &cp)) < 0)
				goto fail;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (j->end - j->p < 6 || j->p[0] != '\\' ||
				    j->p[1] != 'u') {
					r = jerr(j, "a lone surrogate");
					goto fail;
				}
				j->p += 2;
				if ((r = hex4(j, &lo)) < 0)
					goto fail;
				if (lo < 0xdc00 || lo > 0xdfff) {
					r = jerr(j, "a bad surrogate pair");
					goto fail;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			if (cp == 0) {
				r = jerr(j, "a NUL character in a string");
				goto fail;
			}
			put_utf8(&b, cp);
			break;
		default:
			j->p--;
			r = jerr(j, "a bad escape");
			goto fail;
		}
	}
	if (j->p >= j->end) {
		r = jerr(j, "an unterminated string");
		goto fail;
	}
	j->p++;
	if (b.oom) {
		r = lk_error_set(j->e, ENOMEM, "out of memory");
		goto fail;
	}
	*out = b.p;
	return 0;
fail:
	lk_buf_free(&b);
	return r;
}

static int jnumber(struct jp *j)
{
	const char *start;

	ws(j);
	start = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	while (j->p < j->end &&
	       (isdigit((unsigned char)*j->p) || *j->p == '.' || *j->p == 'e' ||
		*j->p == 'E' || *j->p == '+' || *j->p == '-'))
		j->p++;
	if (j->p == start || !isdigit((unsigned char)j->p[-1]))
		return jerr(j, "a bad number");
	return 0;
}

static int jliteral(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	ws(j);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return jerr(j, "expected a value");
	j->p += n;
	return 0;
}

/* Skip any value, nested at most 32 deep. */
static int jskip(struct jp *j, int depth)
{
	int r;

	if (depth > 32)
		return jerr(j, "nested too deep");
	ws(j);
	if (j->p >= j->end)
		return jerr(j, "expected a value");
	switch (*j->p) {
	case '"': {
		char *s = NULL;

		r = jstring(j, &s);
		free(s);
		return r;
	}
	case '{':
		j->p++;
		if (eat(j, '}'))
			return 0;
		do {
			char *k = NULL;

			r = jstring(j, &k);
			free(k);
			if (r < 0)
				return r;
			if (!eat(j, ':'))
				return jerr(j, "expected ':'");
			if ((r = jskip(j, depth + 1)) < 0)
				return r;
		} while (eat(j, ','));
		return eat(j, '}') ? 0 : jerr(j, "expected ',' or '}'");
	case '[':
		j->p++;
		if (eat(j, ']'))
			return 0;
		do {
			if ((r = jskip(j, depth + 1)) < 0)
				return r;
		} while (eat(j, ','));
		return eat(j, ']') ? 0 : jerr(j, "expected ',' or ']'");
	case 't':
		return jliteral(j, "true");
	case 'f':
		return jliteral(j, "false");
	case 'n':
		return jliteral(j, "null");
	default:
		return jnumber(j);
	}
}

static char *span_dup(const char *a, const char *b)
{
	return strndup(a, (size_t)(b - a));
}

static int jend(struct jp *j)
{
	ws(j);
	return j->p == j->end ? 0 : jerr(j, "trailing text after the object");
}

/* ---- requests ---------------------------------------------------------- */

static int parse_args(struct jp *j, struct lk_ctl_request *r)
{
	size_t cap = 0;
	int rc;

	if (!eat(j, '['))
		return jerr(j, "\"args\" must be an array of strings");
	if (eat(j, ']'))
		return 0;
	do {
		char *s = NULL;

		if (r->nargs >= LK_CTL_MAX_ARGS)
			return jerr(j, "too many arguments");
		ws(j);
		if (j->p < j->end && *j->p != '"')
			return jerr(j, "\"args\" must be an array of strings");
		if ((rc = jstring(j, &s)) < 0)
			return rc;
		if (r->nargs + 1 >= cap) {
			size_t nc = cap ? 2 * cap : 8;
			char **v = realloc(r->args, nc * sizeof(*v));

			if (!v) {
				free(s);
				return lk_error_set(j->e, ENOMEM,
						    "out of memory");
			}
			r->args = v;
			cap = nc;
		}
		r->args[r->nargs++] = s;
		r->args[r->nargs] = NULL;
	} while (eat(j, ','));
	return eat(j, ']') ? 0 : jerr(j, "expected ',' or ']'");
}

int lk_ctl_request_parse(const char *line, size_t len,
			 struct lk_ctl_request *out, struct lk_error *e)
{
	struct jp j = {line, line, line + len, e, "request"};
	struct lk_ctl_request r = {0};
	bool have_v = false, have_args = false;
	int rc;

	*out = r;
	if (!eat(&j, '{')) {
		rc = jerr(&j, "expected a JSON object");
		goto fail;
	}
	if (!eat(&j, '}')) {
		do {
			char *key = NULL;

			if ((rc = jstring(&j, &key)) < 0)
				goto fail;
			if (!eat(&j, ':')) {
				free(key);
				rc = jerr(&j, "expected ':'");
				goto fail;
			}
			if (strcmp(key, "v") == 0) {
				const char *a;

				ws(&j);
				a = j.p;
				if ((rc = jnumber(&j)) < 0) {
					free(key);
					goto fail;
				}
				r.v = (unsigned)strtoul(a, NULL, 10);
				have_v = true;
			} else if (strcmp(key, "cmd") == 0) {
				free(r.cmd);
				r.cmd = NULL;
				if ((rc = jstring(&j, &r.cmd)) < 0) {
					free(key);
					goto fail;
				}
			} else if (strcmp(key, "args") == 0) {
				if (have_args) {
					free(key);
					rc = jerr(&j, "\"args\" given twice");
					goto fail;
				}
				have_args = true;
				if ((rc = parse_args(&j, &r)) < 0) {
					free(key);
					goto fail;
				}
			} else if (strcmp(key, "id") == 0) {
				const char *a;

				ws(&j);
				a = j.p;
				if ((rc = jskip(&j, 0)) < 0) {
					free(key);
					goto fail;
				}
				free(r.id);
				r.id = span_dup(a, j.p);
			} else if ((rc = jskip(&j, 0)) < 0) {
				/* Unknown keys are ignored (later versions
				 * may add some). */
				free(key);
				goto fail;
			}
			free(key);
		} while (eat(&j, ','));
		if (!eat(&j, '}')) {
			rc = jerr(&j, "expected ',' or '}'");
			goto fail;
		}
	}
	if ((rc = jend(&j)) < 0)
		goto fail;
	if (!have_v) {
		rc = lk_error_set(e, EINVAL,
				  "request: no \"v\" (protocol "
				  "version, 1)");
		goto fail;
	}
	if (r.v != LK_CTL_VERSION) {
		rc = lk_error_set(e, EPROTONOSUPPORT,
				  "request: protocol version %u is not "
				  "supported (this supervisor speaks %d)",
				  r.v, LK_CTL_VERSION);
		goto fail;
	}
	if (!r.cmd || !*r.cmd) {
		rc = lk_error_set(e, EINVAL, "request: no \"cmd\"");
		goto fail;
	}
	*out = r;
	return 0;
fail:
	lk_ctl_request_free(&r);
	return rc;
}

void lk_ctl_request_free(struct lk_ctl_request *r)
{
	free(r->id);
	free(r->cmd);
	for (size_t i = 0; i < r->nargs; i++)
		free(r->args[i]);
	free(r->args);
	*r = (struct lk_ctl_request){0};
}

int lk_ctl_request_format(struct lk_buf *b, const char *cmd, char *const *args,
			  size_t nargs)
{
	lk_buf_printf(b, "{\"v\":%d,\"cmd\":", LK_CTL_VERSION);
	lk_buf_json_str(b, cmd);
	lk_buf_puts(b, ",\"args\":[");
	for (size_t i = 0; i < nargs; i++) {
		if (i)
			lk_buf_puts(b, ",");
		lk_buf_json_str(b, args[i]);
	}
	lk_buf_puts(b, "]}\n");
	return b->oom ? -ENOMEM : 0;
}

/* ---- replies ----------------------------------------------------------- */

int lk_ctl_reply_parse(const char *line, size_t len, struct lk_ctl_reply *out,
		       struct lk_error *e)
{
	struct jp j = {line, line, line + len, e, "reply"};
	struct lk_ctl_reply r = {0};
	int rc;

	*out = r;
	if (!eat(&j, '{')) {
		rc = jerr(&j, "expected a JSON object");
		goto fail;
	}
	if (!eat(&j, '}')) {
		do {
			char *key = NULL;
			const char *a;

			if ((rc = jstring(&j, &key)) < 0)
				goto fail;
			if (!eat(&j, ':')) {
				free(key);
				rc = jerr(&j, "expected ':'");
				goto fail;
			}
			ws(&j);
			a = j.p;
			if (strcmp(key, "error") == 0 ||
			    strcmp(key, "text") == 0) {
				char **dst = key[0] == 'e' ? &r.error : &r.text;

				free(*dst);
				*dst = NULL;
				rc = jstring(&j, dst);
			} else {
				rc = jskip(&j, 0);
			}
			if (rc == 0 && strcmp(key, "ok") == 0)
				r.ok = (size_t)(j.p - a) == 4 &&
				       memcmp(a, "true", 4) == 0;
			else if (rc == 0 && strcmp(key, "data") == 0) {
				free(r.data);
				r.data = span_dup(a, j.p);
			} else if (rc == 0 && strcmp(key, "status") == 0) {
				r.has_status = true;
				r.status = atoi(a);
			}
			free(key);
			if (rc < 0)
				goto fail;
		} while (eat(&j, ','));
		if (!eat(&j, '}')) {
			rc = jerr(&j, "expected ',' or '}'");
			goto fail;
		}
	}
	if ((rc = jend(&j)) < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	lk_ctl_reply_free(&r);
	return rc;
}

void lk_ctl_reply_free(struct lk_ctl_reply *r)
{
	free(r->error);
	free(r->text);
	free(r->data);
	*r = (struct lk_ctl_reply){0};
}

/* ---- partition --------------------------------------------------------- */

static int peer_number(const char *s, size_t len, unsigned n, unsigned *out)
{
	char tmp[16];
	uint64_t v;

	if (len == 0 || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (lk_parse_uint(tmp, n, &v) < 0 || v < 1)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int lk_partition_parse(const char *text, unsigned n, unsigned *group,
		       struct lk_error *e)
{
	const char *p = text;
	unsigned g = 1;

	for (unsigned i = 0; i <= n; i++)
		group[i] = 0;
	if (!*text)
		return lk_error_set(e, EINVAL,
				    "partition: no groups (expected e.g. "
				    "1,2/3,4)");
	for (;;) {
		size_t glen = strcspn(p, "/");
		const char *gend = p + glen;

		if (glen == 0)
			return lk_error_set(
			    e, EINVAL, "partition '%s': an empty group", text);
		while (p < gend) {
			size_t ilen = strcspn(p, ",/");
			const char *dots = memmem(p, ilen, "..", 2);
			unsigned lo, hi;

			if (dots) {
				if (peer_number(p, (size_t)(dots - p), n, &lo) <
					0 ||
				    peer_number(dots + 2,
						ilen - (size_t)(dots + 2 - p),
						n, &hi) < 0 ||
				    lo > hi)
					goto bad_item;
			} else {
				if (peer_number(p, ilen, n, &lo) < 0)
					goto bad_item;
				hi = lo;
			}
			for (unsigned id = lo; id <= hi; id++) {
				if (group[id])
					return lk_error_set(
					    e, EINVAL,
					    "partition '%s': peer %u is "
					    "in two groups",
					    text, id);
				group[id] = g;
			}
			p += ilen;
			if (p < gend)
				p++; /* ',' */
			if (p == gend && p[-1] == ',')
				return lk_error_set(e, EINVAL,
						    "partition '%s': an empty "
						    "peer after ','",
						    text);
			continue;
		bad_item:
			return lk_error_set(e, EINVAL,
					    "partition '%s': '%.*s' is not a "
					    "peer (1..%u) or a range LO..HI",
					    text, (int)ilen, p, n);
		}
		if (!*gend)
			break;
		p = gend + 1;
		g++;
	}
	for (unsigned id = 1; id <= n; id++)
		if (!group[id])
			group[id] = g + 1;
	return 0;
}

int lk_signal_parse(const char *text, int *sig)
{
	const char *name = text;
	uint64_t v;

	if (lk_parse_uint(text, 64, &v) == 0) {
		if (v < 1)
			return -EINVAL;
		*sig = (int)v;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (int s = 1; s < 32; s++) {
		const char *abbrev = sigabbrev_np(s);

		if (abbrev && strcasecmp(abbrev, name) == 0) {
			*sig = s;
			return 0;
		}
	}
	return -EINVAL;
}
