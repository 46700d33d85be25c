/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * commands.h — the control commands as one table: the control socket's
 * dispatch looks requests up in it, timelines (--at, --scenario) take
 * their commands and forms from it, and linkem-ctl's --help is built from
 * it, with linkem-ctl's own options.  tests/unit/test_vocab.c checks
 * docs/linkem-ctl.1 and docs/control-protocol.md against it.  Pure.
 */
#ifndef LK_COMMANDS_H
#define LK_COMMANDS_H

#include "linkem.h"

#include "launcher/optdefs.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum lk_cmd_id {
	LK_CMD_SET,
	LK_CMD_CLEAR,
	LK_CMD_PARTITION,
	LK_CMD_HEAL,
	LK_CMD_DOWN,
	LK_CMD_UP,
	LK_CMD_SHOW,
	LK_CMD_STATS,
	LK_CMD_PEERS,
	LK_CMD_EXEC,
	LK_CMD_KILL,
	LK_CMD_RESTART,
	LK_CMD_HELLO,
	LK_CMD_LIST,
};

/* Where a command is taken (a mask). */
enum {
	LK_CMD_SERVED = 1,   /* a request on the control socket */
	LK_CMD_TIMELINE = 2, /* a step of --at or --scenario */
	LK_CMD_LOCAL = 4,    /* done by linkem-ctl itself, never sent */
};

/* How a timeline step is written after "--at TIME:". */
enum lk_at_form {
	LK_AT_NONE,  /* not in timelines */
	LK_AT_SPEC,  /* TIME:SPEC, the command left unnamed (set) */
	LK_AT_BARE,  /* TIME:NAME, no argument (heal) */
	LK_AT_KEYED, /* TIME:NAME=ARG (down=3; kill=2:KILL) */
};

#define LK_CMD_MANY UINT_MAX

struct lk_command {
	const char *name;
	enum lk_cmd_id id;
	const char *args; /* as in "usage: NAME ARGS" and linkem-ctl --help */
	unsigned min_args, max_args; /* what the request's "args" may hold */
	unsigned where;		     /* LK_CMD_SERVED | ... */
	enum lk_at_form at;
	bool json; /* its reply has "data": linkem-ctl takes --json after it */
	const char *help; /* linkem-ctl --help's line, no final period */
};

/* The table, in the order --help and error messages list it. */
const struct lk_command *lk_commands(size_t *n);
/* The command called name that is taken where (a mask); NULL if none. */
const struct lk_command *lk_command_find(const char *name, unsigned where);
/* "set, clear, ... kill or restart": the commands taken where. */
void lk_command_names(unsigned where, char *out, size_t size);
/* The command of an --at step's text after "TIME:" (heal, down=3,
 * 1-2:delay=5ms), never NULL; *arg: where its argument starts, NULL for
 * none. */
const struct lk_command *lk_command_at(const char *text, const char **arg);
/* -EINVAL "unknown command 'NAME' (expected ...)" for commands taken
 * where; prefix (may be NULL) starts the message ("FILE:LINE"). */
int lk_command_unknown(const char *prefix, const char *name, unsigned where,
		       struct lk_error *e);
/* -EINVAL "usage: NAME ARGS" unless nargs fits the command. */
int lk_command_check_nargs(const struct lk_command *c, size_t nargs,
			   struct lk_error *e);

/* The SPEC text that `clear LINKS` adds ("LINKS:up": it names the links
 * and impairs nothing), or an error when LINKS has conditions.  The one
 * place where clear becomes a spec (commands and the timeline's check). */
int lk_clear_spec(const char *links, char **spec, struct lk_error *e);

/* linkem-ctl's own options (launcher/optdefs.h); vals are 'c', 'j', 'h',
 * 'V'. */
const struct lk_optdef *lk_ctl_optdefs(size_t *n);
/* linkem-ctl --help: usage, every command not LK_CMD_TIMELINE-only, the
 * options. */
void lk_ctl_usage(FILE *f);

#endif
