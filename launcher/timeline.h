/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * timeline.h — changes at chosen times: --at TIME:SPEC and --scenario FILE
 * (docs/control-protocol.md, "Timelines").  Each step is a control command
 * that launcher/commands.c allows in timelines (LK_CMD_TIMELINE: set,
 * clear, partition, heal, down, up, kill, restart) with its arguments,
 * applied by the supervisor at start + TIME.  Parsing and checking are
 * pure.
 */
#ifndef LK_TIMELINE_H
#define LK_TIMELINE_H

#include "linkem.h"

#include <stddef.h>
#include <stdint.h>

struct lk_step {
	uint64_t at_ns; /* after the peers were released */
	char *cmd;
	char **args; /* NULL-terminated */
	size_t nargs;
	char *origin; /* "--at 10s:heal" or "FILE:LINE", for messages */
};

struct lk_timeline {
	struct lk_step *v;
	size_t len, cap;
	size_t next; /* first step not applied yet */
};

/* "10s:1-2:delay=50ms", "10s:partition=1,2/3", "20s:heal",
 * "5s:down=3", "6s:up=3", "7s:clear=1-2", "8s:kill=2", "9s:restart=2" */
int lk_timeline_add_at(struct lk_timeline *t, const char *text,
		       struct lk_error *e);
/* Lines "TIME COMMAND [ARG...]"; '#' starts a comment.  name is used in
 * messages ("FILE:LINE: ..."). */
int lk_timeline_parse_text(struct lk_timeline *t, const char *name,
			   const char *text, struct lk_error *e);
int lk_timeline_load(struct lk_timeline *t, const char *path,
		     struct lk_error *e);
/* Check every step's arguments for a launch of n peers (specs parse,
 * peers exist); then order the steps by time (stable). */
int lk_timeline_check(struct lk_timeline *t, unsigned n, struct lk_error *e);
void lk_timeline_free(struct lk_timeline *t);

#endif
