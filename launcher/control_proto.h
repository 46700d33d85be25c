/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_proto.h — the control protocol's messages (docs/control-protocol.md)
 * and the pure parsers behind linkem-ctl: JSON lines, one request and one
 * reply, "v":1, read and written with jansson (strict RFC 8259: no
 * duplicate keys, no NUL in strings, UTF-8 only).  Also the partition syntax
 * ("1,2/3..5").  Pure.
 */
#ifndef LK_CONTROL_PROTO_H
#define LK_CONTROL_PROTO_H

#include "common/buf.h"
#include "linkem.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define LK_CTL_VERSION 1
/* One request line at most (the newline included). */
#define LK_CTL_MAX_REQUEST 65536
#define LK_CTL_MAX_ARGS 1024

struct lk_ctl_request {
	unsigned v;
	char *id;	  /* the request's "id" as compact JSON; NULL if none */
	json_t *id_value; /* the same value, echoed in the reply */
	char *cmd; /* "set", "peers", ... */
	char **args;
	size_t nargs;
};

/* Parse one request (without its newline).  -EINVAL with a message
 * naming the problem ("request: expected '\"' at byte 12"). */
int lk_ctl_request_parse(const char *line, size_t len,
			 struct lk_ctl_request *out, struct lk_error *e);
void lk_ctl_request_free(struct lk_ctl_request *r);

/* A JSON string for s; bytes that are not UTF-8 become '?'.  NULL when
 * out of memory. */
json_t *lk_json_str(const char *s);

/* A request line (newline included) for cmd and its arguments.
 * -EILSEQ when one is not UTF-8 (JSON cannot carry it), -ENOMEM. */
int lk_ctl_request_format(struct lk_buf *b, const char *cmd, char *const *args,
			  size_t nargs);

struct lk_ctl_reply {
	bool ok;
	char *error; /* when !ok */
	char *text;  /* human-readable result, may be NULL */
	char *data;  /* structured result, compact JSON, may be NULL */
	bool has_status;
	int status; /* exec: the command's exit status (128+S) */
};
/* Reply lines, newline included: id may be NULL, text and data too.
 * Neither id nor data is stolen.  Out of memory latches out->oom. */
void lk_ctl_reply_ok(struct lk_buf *out, json_t *id, const char *text,
		     json_t *data);
void lk_ctl_reply_error(struct lk_buf *out, json_t *id, const char *msg);
void lk_ctl_reply_status(struct lk_buf *out, int status);

int lk_ctl_reply_parse(const char *line, size_t len, struct lk_ctl_reply *out,
		       struct lk_error *e);
void lk_ctl_reply_free(struct lk_ctl_reply *r);

/* "1,2/3,4..6": group[id] for id in 1..n (group has n+1 entries) gets the
 * group number 1, 2, ...; peers not named form one more group together.
 * A peer named twice, a number out of 1..n, an empty group: -EINVAL. */
int lk_partition_parse(const char *text, unsigned n, unsigned *group,
		       struct lk_error *e);

/* A signal by name ("TERM", "SIGTERM", "term") or number. */
int lk_signal_parse(const char *text, int *sig);

#endif
