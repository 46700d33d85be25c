/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* control_proto.c — JSON lines for the control socket, written and read
 * with jansson.  Pure. */
#include "launcher/control_proto.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "model/units.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- JSON strings ------------------------------------------------------ */

/* The length of the valid UTF-8 sequence at s, 0 when there is none. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

json_t *lk_json_str(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j || !s)
		return j;
	/* Not UTF-8 (a message cut inside a character, a name in another
	 * encoding): JSON cannot carry such bytes; each becomes '?'. */
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (size_t i = 0; copy[i];) {
		size_t n = utf8_seq((const unsigned char *)copy + i);

		if (n == 0) {
			copy[i] = '?';
			n = 1;
		}
		i += n;
	}
	j = json_string(copy);
	free(copy);
	return j;
}

static bool is_utf8(const char *s)
{
	for (size_t i = 0, n; s[i]; i += n)
		if ((n = utf8_seq((const unsigned char *)s + i)) == 0)
			return false;
	return true;
}

/* Append v as one compact JSON text and steal it. */
static void put_json(struct lk_buf *b, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	if (!s)
		b->oom = true;
	else
		lk_buf_puts(b, s);
	free(s);
	json_decref(v);
}

/* ---- parsing a line ---------------------------------------------------- */

/* jansson's messages, in the words this protocol has always used. */
static const struct {
	const char *lib, *ours;
} phrases[] = {
    {"'}' expected", "expected ',' or '}'"},
    {"']' expected", "expected ',' or ']'"},
    {"':' expected", "expected ':'"},
    {"invalid escape", "a bad escape"},
    {"control character", "a control character in a string"},
};

static int json_error(struct lk_error *e, const char *what,
		      const json_error_t *je)
{
	const char *msg = je->text;

	switch (json_error_code(je)) {
	case json_error_end_of_input_expected:
		msg = "trailing text after the object";
		break;
	case json_error_null_character:
		msg = "a NUL character in a string";
		break;
	case json_error_duplicate_key:
		return lk_error_set(e, EINVAL, "%s: a key given twice (%s)",
				    what, je->text);
	case json_error_out_of_memory:
		return lk_error_set(e, ENOMEM, "%s: out of memory", what);
	case json_error_stack_overflow:
		msg = "nested too deep";
		break;
	default:
		for (size_t i = 0; i < LK_ARRAY_SIZE(phrases); i++)
			if (strncmp(je->text, phrases[i].lib,
				    strlen(phrases[i].lib)) == 0) {
				msg = phrases[i].ours;
				break;
			}
		break;
	}
	return lk_error_set(e, EINVAL, "%s: %s at byte %d", what, msg,
			    je->position > 0 ? je->position : 1);
}

#define MAX_DEPTH 32

static bool too_deep(json_t *v, int depth)
{
	const char *k;
	json_t *x;
	size_t i;

	if (depth > MAX_DEPTH)
		return true;
	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
		{
			if (too_deep(x, depth + 1))
				return true;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			if (too_deep(x, depth + 1))
				return true;
		}
	}
	return false;
}

/* One line as a JSON object: strict RFC 8259 (jansson), no duplicate
 * keys, no NUL in strings, at most MAX_DEPTH levels of nesting. */
static int parse_object(const char *line, size_t len, const char *what,
			json_t **out, struct lk_error *e)
{
	json_error_t je;
	size_t i = 0;
	json_t *v;

	while (i < len && strchr(" \t\r\n", line[i]))
		i++;
	if (i == len || line[i] != '{')
		return lk_error_set(e, EINVAL,
				    "%s: expected a JSON object at byte %zu",
				    what, i + 1);
	v = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		return json_error(e, what, &je);
	if (too_deep(v, 0)) {
		json_decref(v);
		return lk_error_set(e, EINVAL,
				    "%s: nested too deep (more "
				    "than %d levels)",
				    what, MAX_DEPTH);
	}
	*out = v;
	return 0;
}

/* ---- requests ---------------------------------------------------------- */

static int parse_args(json_t *a, struct lk_ctl_request *r, struct lk_error *e)
{
	size_t n = json_is_array(a) ? json_array_size(a) : 0;

	if (!json_is_array(a))
		return lk_error_set(e, EINVAL,
				    "request: \"args\" must be an "
				    "array of strings");
	if (n > LK_CTL_MAX_ARGS)
		return lk_error_set(e, EINVAL,
				    "request: too many arguments "
				    "(%zu, at most %d)",
				    n, LK_CTL_MAX_ARGS);
	r->args = calloc(n + 1, sizeof(*r->args));
	if (!r->args)
		return lk_error_set(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(a, i);

		if (!json_is_string(s))
			return lk_error_set(e, EINVAL,
					    "request: \"args\" must be an "
					    "array of strings (item %zu is "
					    "not)",
					    i + 1);
		r->args[i] = strdup(json_string_value(s));
		if (!r->args[i])
			return lk_error_set(e, ENOMEM, "out of memory");
		r->nargs++;
	}
	return 0;
}

int lk_ctl_request_parse(const char *line, size_t len,
			 struct lk_ctl_request *out, struct lk_error *e)
{
	struct lk_ctl_request r = {0};
	json_t *o = NULL, *v, *cmd, *args, *id;
	int rc;

	*out = r;
	if ((rc = parse_object(line, len, "request", &o, e)) < 0)
		return rc;
	v = json_object_get(o, "v");
	cmd = json_object_get(o, "cmd");
	args = json_object_get(o, "args");
	id = json_object_get(o, "id");
	/* Other keys are ignored (later versions may add some). */
	if (!v) {
		rc = lk_error_set(e, EINVAL,
				  "request: no \"v\" (protocol version, 1)");
		goto fail;
	}
	if (!json_is_integer(v)) {
		rc = lk_error_set(e, EINVAL,
				  "request: \"v\" must be a number (the "
				  "protocol version, 1)");
		goto fail;
	}
	if (json_integer_value(v) != LK_CTL_VERSION) {
		rc = lk_error_set(e, EPROTONOSUPPORT,
				  "request: protocol version %lld is not "
				  "supported (this supervisor speaks %d)",
				  (long long)json_integer_value(v),
				  LK_CTL_VERSION);
		goto fail;
	}
	r.v = LK_CTL_VERSION;
	if (id) {
		r.id_value = json_incref(id);
		r.id = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!r.id) {
			rc = lk_error_set(e, ENOMEM, "out of memory");
			goto fail;
		}
	}
	if (cmd && !json_is_string(cmd)) {
		rc = lk_error_set(e, EINVAL,
				  "request: \"cmd\" must be a string");
		goto fail;
	}
	if (!cmd || !*json_string_value(cmd)) {
		rc = lk_error_set(e, EINVAL, "request: no \"cmd\"");
		goto fail;
	}
	if (args && (rc = parse_args(args, &r, e)) < 0)
		goto fail;
	r.cmd = strdup(json_string_value(cmd));
	if (!r.cmd) {
		rc = lk_error_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	json_decref(o);
	*out = r;
	return 0;
fail:
	json_decref(o);
	lk_ctl_request_free(&r);
	return rc;
}

void lk_ctl_request_free(struct lk_ctl_request *r)
{
	json_decref(r->id_value);
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
	json_t *a = json_array();
	json_t *o = json_object();

	if (!a || !o) {
		json_decref(a);
		json_decref(o);
		return -ENOMEM;
	}
	/* JSON carries Unicode text only: bytes that are not UTF-8 cannot
	 * travel (and are not changed silently). */
	if (!is_utf8(cmd)) {
		json_decref(a);
		json_decref(o);
		return -EILSEQ;
	}
	for (size_t i = 0; i < nargs; i++)
		if (!is_utf8(args[i]) ||
		    json_array_append_new(a, json_string(args[i])) < 0) {
			json_decref(a);
			json_decref(o);
			return is_utf8(args[i]) ? -ENOMEM : -EILSEQ;
		}
	json_object_set_new(o, "v", json_integer(LK_CTL_VERSION));
	json_object_set_new(o, "cmd", json_string(cmd));
	json_object_set_new(o, "args", a);
	put_json(b, o);
	lk_buf_puts(b, "\n");
	return b->oom ? -ENOMEM : 0;
}

/* ---- replies ----------------------------------------------------------- */

static json_t *reply_head(json_t *id, bool ok)
{
	json_t *o = json_object();

	json_object_set_new(o, "v", json_integer(LK_CTL_VERSION));
	if (id)
		json_object_set(o, "id", id);
	json_object_set_new(o, "ok", json_boolean(ok));
	return o;
}

void lk_ctl_reply_ok(struct lk_buf *out, json_t *id, const char *text,
		     json_t *data)
{
	json_t *o = reply_head(id, true);

	if (text && *text)
		json_object_set_new(o, "text", lk_json_str(text));
	if (data)
		json_object_set(o, "data", data);
	put_json(out, o);
	lk_buf_puts(out, "\n");
}

void lk_ctl_reply_error(struct lk_buf *out, json_t *id, const char *msg)
{
	json_t *o = reply_head(id, false);

	json_object_set_new(o, "error", lk_json_str(msg));
	put_json(out, o);
	lk_buf_puts(out, "\n");
}

void lk_ctl_reply_status(struct lk_buf *out, int status)
{
	json_t *o = reply_head(NULL, true);

	json_object_set_new(o, "status", json_integer(status));
	put_json(out, o);
	lk_buf_puts(out, "\n");
}

int lk_ctl_reply_parse(const char *line, size_t len, struct lk_ctl_reply *out,
		       struct lk_error *e)
{
	struct lk_ctl_reply r = {0};
	json_t *o = NULL, *x;
	int rc;

	*out = r;
	if ((rc = parse_object(line, len, "reply", &o, e)) < 0)
		return rc;
	r.ok = json_is_true(json_object_get(o, "ok"));
	if ((x = json_object_get(o, "error")) && json_is_string(x))
		r.error = strdup(json_string_value(x));
	if ((x = json_object_get(o, "text")) && json_is_string(x))
		r.text = strdup(json_string_value(x));
	if ((x = json_object_get(o, "data")))
		r.data = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
	if ((x = json_object_get(o, "status")) && json_is_integer(x)) {
		r.has_status = true;
		r.status = (int)json_integer_value(x);
	}
	json_decref(o);
	*out = r;
	return 0;
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
