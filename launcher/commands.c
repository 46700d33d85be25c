/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands.c — the control commands' table, and linkem-ctl's options and
 * --help.  Pure. */
#include "launcher/commands.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define S LK_CMD_SERVED
#define T LK_CMD_TIMELINE

static const struct lk_command commands[] = {
    {"set", LK_CMD_SET, "SPEC...", 1, LK_CMD_MANY, S | T, LK_AT_SPEC, false,
     "change links (the --link syntax)"},
    {"clear", LK_CMD_CLEAR, "LINKS...", 1, LK_CMD_MANY, S | T, LK_AT_KEYED,
     false, "make links unimpaired again (1-2, 3>*)"},
    {"partition", LK_CMD_PARTITION, "GROUP/GROUP...", 1, 1, S | T, LK_AT_KEYED,
     false,
     "only peers of one group reach each other (1,2/3..5; peers not named "
     "form one group)"},
    {"heal", LK_CMD_HEAL, "", 0, 0, S | T, LK_AT_BARE, false,
     "undo the partition"},
    {"down", LK_CMD_DOWN, "PEER", 1, 1, S | T, LK_AT_KEYED, false,
     "cut every link of a peer"},
    {"up", LK_CMD_UP, "PEER", 1, 1, S | T, LK_AT_KEYED, false,
     "restore every link of a peer"},
    {"show", LK_CMD_SHOW, "", 0, 0, S, LK_AT_NONE, true,
     "the impaired links, as SPECs"},
    {"stats", LK_CMD_STATS, "[--watch]", 0, 0, S, LK_AT_NONE, true,
     "per-link counters (--watch: every second)"},
    {"peers", LK_CMD_PEERS, "", 0, 0, S, LK_AT_NONE, true,
     "id, name, addresses, pid, state"},
    {"exec", LK_CMD_EXEC, "[-t] [-i] PEER -- CMD...", 2, LK_CMD_MANY, S,
     LK_AT_NONE, false,
     "run CMD inside the peer (its namespaces and sandbox), with this "
     "terminal's I/O; -t: a pseudo-terminal, -i: with stdin"},
    {"kill", LK_CMD_KILL, "PEER [SIGNAL]", 1, 2, S | T, LK_AT_KEYED, false,
     "signal a peer (default TERM)"},
    {"restart", LK_CMD_RESTART, "PEER", 1, 1, S | T, LK_AT_KEYED, false,
     "stop the peer's workload (TERM, KILL after --grace) and start it "
     "again in the peer"},
    {"hello", LK_CMD_HELLO, "", 0, 0, S, LK_AT_NONE, true,
     "version, number of peers, engine"},
    {"list", LK_CMD_LIST, "", 0, 0, LK_CMD_LOCAL, LK_AT_NONE, false,
     "the running launches"},
};

#undef S
#undef T

const struct lk_command *lk_commands(size_t *n)
{
	*n = LK_ARRAY_SIZE(commands);
	return commands;
}

const struct lk_command *lk_command_find(const char *name, unsigned where)
{
	for (size_t i = 0; i < LK_ARRAY_SIZE(commands); i++)
		if ((commands[i].where & where) &&
		    strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

const struct lk_command *lk_command_at(const char *text, const char **arg)
{
	const struct lk_command *spec = NULL;

	for (size_t i = 0; i < LK_ARRAY_SIZE(commands); i++) {
		const struct lk_command *c = &commands[i];
		size_t n = strlen(c->name);

		if (c->at == LK_AT_BARE && strcmp(text, c->name) == 0) {
			*arg = NULL;
			return c;
		}
		if (c->at == LK_AT_KEYED && strncmp(text, c->name, n) == 0 &&
		    text[n] == '=') {
			*arg = text + n + 1;
			return c;
		}
		if (c->at == LK_AT_SPEC)
			spec = c;
	}
	*arg = text;
	return spec;
}

void lk_command_names(unsigned where, char *out, size_t size)
{
	size_t len = 0, total = 0, seen = 0;

	for (size_t i = 0; i < LK_ARRAY_SIZE(commands); i++)
		total += (commands[i].where & where) != 0;
	out[0] = '\0';
	for (size_t i = 0; i < LK_ARRAY_SIZE(commands) && len < size; i++) {
		int w;

		if (!(commands[i].where & where))
			continue;
		seen++;
		w = snprintf(out + len, size - len, "%s%s",
			     seen == 1	     ? ""
			     : seen == total ? " or "
					     : ", ",
			     commands[i].name);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

int lk_command_unknown(const char *prefix, const char *name, unsigned where,
		       struct lk_error *e)
{
	char names[256];

	lk_command_names(where, names, sizeof(names));
	return lk_error_set(e, EINVAL, "%s%sunknown command '%s' (expected %s)",
			    prefix ? prefix : "", prefix ? ": " : "", name,
			    names);
}

int lk_command_check_nargs(const struct lk_command *c, size_t nargs,
			   struct lk_error *e)
{
	if (nargs < c->min_args || nargs > c->max_args)
		return lk_error_set(e, EINVAL, "usage: %s%s%s", c->name,
				    *c->args ? " " : "", c->args);
	return 0;
}

/* ---- linkem-ctl's command line ----------------------------------------- */

static const struct lk_optdef ctl_optdefs[] = {
    {"control", 'c', 'c', "PATH", false, NULL,
     "the launch's control socket (also $LINKEM_CONTROL); by default the "
     "only launch running where linkem-launch puts its socket: "
     "$XDG_RUNTIME_DIR/linkem when XDG_RUNTIME_DIR is yours, else "
     "/run/linkem"},
    {"json", 0, 'j', NULL, false, NULL, "print the reply's data as JSON"},
    {"help", 'h', 'h', NULL, false, NULL, "show this help"},
    {"version", 0, 'V', NULL, false, NULL, "show the version"},
};

const struct lk_optdef *lk_ctl_optdefs(size_t *n)
{
	*n = LK_ARRAY_SIZE(ctl_optdefs);
	return ctl_optdefs;
}

void lk_ctl_usage(FILE *f)
{
	size_t col = 0;

	for (size_t i = 0; i < LK_ARRAY_SIZE(commands); i++) {
		size_t w = 2 + strlen(commands[i].name) + 1 +
			   strlen(commands[i].args) + 2;

		if (commands[i].where != LK_CMD_TIMELINE && w > col)
			col = w;
	}
	fputs("Usage: linkem-ctl [OPTIONS] COMMAND [ARG...]\n"
	      "Change a running launch's network, look at its peers, run a "
	      "command in one.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < LK_ARRAY_SIZE(commands); i++) {
		char left[128];

		if (commands[i].where == LK_CMD_TIMELINE)
			continue;
		snprintf(left, sizeof(left), "%s%s%s", commands[i].name,
			 *commands[i].args ? " " : "", commands[i].args);
		lk_help_item(f, left, commands[i].help, col);
	}
	fputs("\nOptions:\n", f);
	lk_optdefs_help(f, ctl_optdefs, LK_ARRAY_SIZE(ctl_optdefs));
	fputs("\n"
	      "PEER is a number or peerN.  Commands with data take --json "
	      "after them too.\n"
	      "See linkem-ctl(1).\n",
	      f);
}

int lk_clear_spec(const char *links, char **spec, struct lk_error *e)
{
	*spec = NULL;
	if (strchr(links, ':'))
		return lk_error_set(e, EINVAL,
				    "clear '%s': expected LINKS only (e.g. "
				    "1-2, 3>*)",
				    links);
	if (asprintf(spec, "%s:up", links) < 0) {
		*spec = NULL;
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	return 0;
}
