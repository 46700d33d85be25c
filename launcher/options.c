/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* options.c — linkem-launch's command line: its option table, the parser
 * and --help built from the table.  Pure: no output. */
#include "launcher/options.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "common/strv.h"
#include "launcher/control_proto.h"
#include "launcher/optdefs.h"
#include "model/units.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_SUBNET = 0x100,
	OPT_ENGINE,
	OPT_SEED,
	OPT_POLICY,
	OPT_CAP,
	OPT_AT,
	OPT_LOG_DIR,
	OPT_PCAP,
	OPT_CONTROL,
	OPT_GRACE,
	OPT_USER,
	OPT_RW,
	OPT_RO,
	OPT_BIND,
	OPT_SCENARIO,
	OPT_POLICY_CHECK,
	OPT_CLEARENV,
	OPT_ENV,
	OPT_STOP_SIGNAL,
	OPT_TIMESTAMPS,
};

/* linkem-launch's options: getopt's tables, --help's option list, and
 * (checked by tests/unit/test_vocab.c) docs/linkem-launch.1 and docs/. */
static const struct lk_optdef optdefs[] = {
    {"peers", 'n', 'n', "N", false, NULL, "number of peers, numbered 1..N"},
    {"link", 'l', 'l', "SPEC", true, NULL,
     "link conditions such as '1-2:delay=50ms' or '1>3:loss=5%'"},
    {"subnet", 0, OPT_SUBNET, "CIDR", false, LK_DEFAULT_SUBNET,
     "IPv4 plan: peer i gets host i"},
    {"engine", 0, OPT_ENGINE, "ENGINE", false, "auto",
     "who applies the links' conditions: auto, kernel or userspace"},
    {"seed", 0, OPT_SEED, "N", false, NULL, "seed for every random decision"},
    {"at", 0, OPT_AT, "TIME:SPEC", true, NULL,
     "apply SPEC at TIME after start: a link SPEC, partition=1,2/3, heal, "
     "down=P, up=P, clear=LINKS, kill=P[:SIG], restart=P"},
    {"scenario", 0, OPT_SCENARIO, "FILE", false, NULL,
     "the same from FILE: 'TIME COMMAND ARG...' per line"},
    {"control", 0, OPT_CONTROL, "PATH", false, NULL,
     "control socket for linkem-ctl; by default in "
     "$XDG_RUNTIME_DIR/linkem or /run/linkem"},
    {"log-dir", 0, OPT_LOG_DIR, "DIR", false, NULL,
     "also write each peer's output to DIR/peerI.log"},
    {"pcap", 0, OPT_PCAP, "DIR", false, NULL,
     "write DIR/peerI.pcap (userspace engine)"},
    {"grace", 0, OPT_GRACE, "TIME", false, "3s",
     "after forwarding SIGINT/SIGTERM, wait this long before SIGKILL"},
    {"stop-signal", 0, OPT_STOP_SIGNAL, "SIG", false, NULL,
     "signal that stops every process of a peer (default: the SIGINT or "
     "SIGTERM received; SIGTERM when the main process ended first)"},
    {"timestamps", 0, OPT_TIMESTAMPS, "[=MODE]", false, NULL,
     "prefix lines and notices with the time since the release (+12.345), "
     "or the wall clock with --timestamps=wall"},
    {"policy", 0, OPT_POLICY, "NAME|FILE", false, "default",
     "seccomp profile (default, strict, log, none) or policy file"},
    {"policy-check", 0, OPT_POLICY_CHECK, "FILE", false, NULL,
     "check a policy file and exit"},
    {"cap", 0, OPT_CAP, "NAME", true, NULL,
     "keep a capability inside the peers"},
    {"user", 0, OPT_USER, "UID[:GID]", false, NULL,
     "run the workload as this user"},
    {"rw", 0, OPT_RW, "PATH", true, NULL,
     "keep PATH writable inside the peers"},
    {"ro", 0, OPT_RO, "PATH", true, NULL,
     "make PATH read-only inside a writable place"},
    {"bind", 0, OPT_BIND, "SRC:DST", true, NULL,
     "bind SRC on DST inside the peers, writable"},
    {"clearenv", 0, OPT_CLEARENV, NULL, false, NULL,
     "start the peers with an empty environment (but LINKEM_* and --env)"},
    {"env", 0, OPT_ENV, "NAME[=VALUE]", true, NULL,
     "set NAME in the peers, or pass the launcher's NAME (after --clearenv)"},
    {"quiet", 'q', 'q', NULL, false, NULL, "no notices on stderr"},
    {"help", 'h', 'h', NULL, false, NULL, "show this help"},
    {"version", 'V', 'V', NULL, false, NULL, "show the version"},
};

const struct lk_optdef *lk_launch_optdefs(size_t *n)
{
	*n = LK_ARRAY_SIZE(optdefs);
	return optdefs;
}

static const char usage_head[] =
    "Usage: linkem-launch [OPTIONS] -n N -- COMMAND [ARG...]\n"
    "Run N copies of COMMAND, each as its own host (peer1..peerN) on a "
    "private\n"
    "network, and supervise them until they end.\n"
    "\n";

static const char usage_tail[] =
    "\n"
    "In COMMAND's arguments {id} {n} {addr} {addr6} {name} are replaced per "
    "peer.\n"
    "Each peer sees hostname peerI, interface eth0, an /etc/hosts naming "
    "every\n"
    "peer, and LINKEM_ID, LINKEM_N, LINKEM_ADDR, LINKEM_ADDR6, "
    "LINKEM_PEERS.\n"
    "Peers get the launcher's environment, without SUDO_*, SSH_AUTH_SOCK "
    "and\n"
    "LINKEM_CONTROL (see --clearenv, --env).\n"
    "\n"
    "Exit status: 0 when every peer exited 0; else the status of the "
    "lowest-\n"
    "numbered failed peer (128+S when killed by signal S); 2 for bad "
    "input.\n"
    "See linkem-launch(1) and linkem-ctl(1).\n";

LK_EXPORT const char *lk_launch_usage(void)
{
	/* Built once, on first use (the programs have no threads). */
	static char *text;
	size_t len;
	FILE *f;

	if (text)
		return text;
	f = open_memstream(&text, &len);
	if (!f)
		return usage_head;
	fputs(usage_head, f);
	lk_optdefs_help(f, optdefs, LK_ARRAY_SIZE(optdefs));
	fputs(usage_tail, f);
	if (fclose(f) != 0) {
		free(text);
		text = NULL;
		return usage_head;
	}
	return text;
}

#define bad lk_error_bad

static int push(struct lk_strv *v, const char *s, struct lk_error *e)
{
	if (lk_strv_push(v, s) < 0)
		return lk_error_set(e, ENOMEM, "out of memory");
	return 0;
}

LK_EXPORT int lk_options_parse(int argc, char **argv, struct lk_options *o,
			       struct lk_error *e)
{
	struct option long_opts[LK_ARRAY_SIZE(optdefs) + 1];
	char short_opts[3 * LK_ARRAY_SIZE(optdefs) + 3];
	bool have_n = false;
	uint64_t v;
	int c, r;

	memset(o, 0, sizeof(*o));
	o->subnet = LK_DEFAULT_SUBNET;
	o->policy = "default";
	o->grace_ms = 3000;

	optind = 0; /* full reset of getopt's state */
	opterr = 0;
	/* '+': stop at COMMAND; ':': a missing value returns ':'. */
	lk_optdefs_getopt(optdefs, LK_ARRAY_SIZE(optdefs), "+:", long_opts,
			  short_opts);
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) !=
	       -1) {
		r = 0;
		switch (c) {
		case 'n':
			if (lk_parse_uint(optarg, LK_MAX_PEERS, &v) < 0 ||
			    v == 0)
				return bad(e,
					   "invalid number of peers '%s': "
					   "expected 1..%u",
					   optarg, LK_MAX_PEERS);
			o->n = (unsigned)v;
			have_n = true;
			break;
		case 'l':
			r = push(&o->links, optarg, e);
			break;
		case OPT_SUBNET:
			o->subnet = optarg;
			break;
		case OPT_ENGINE:
			if (strcmp(optarg, "auto") == 0)
				o->engine = LK_ENGINE_AUTO;
			else if (strcmp(optarg, "kernel") == 0)
				o->engine = LK_ENGINE_KERNEL;
			else if (strcmp(optarg, "userspace") == 0)
				o->engine = LK_ENGINE_USERSPACE;
			else
				return bad(e,
					   "invalid engine '%s': expected "
					   "auto, kernel or userspace",
					   optarg);
			break;
		case OPT_SEED:
			if (lk_parse_uint(optarg, UINT64_MAX, &o->seed) < 0)
				return bad(e,
					   "invalid seed '%s': expected an "
					   "unsigned 64-bit number",
					   optarg);
			o->seed_set = true;
			break;
		case OPT_POLICY:
			o->policy = optarg;
			break;
		case OPT_CAP:
			r = push(&o->caps, optarg, e);
			break;
		case OPT_AT:
			r = push(&o->at, optarg, e);
			break;
		case OPT_LOG_DIR:
			o->log_dir = optarg;
			break;
		case OPT_PCAP:
			o->pcap_dir = optarg;
			break;
		case OPT_CONTROL:
			o->control = optarg;
			break;
		case OPT_GRACE:
			if (lk_parse_time_ns(optarg, 1000000000ull, &v) < 0 ||
			    v / 1000000 > 24ull * 3600 * 1000)
				return bad(e,
					   "invalid grace period '%s': "
					   "expected a time such as 5s or "
					   "500ms",
					   optarg);
			o->grace_ms = (unsigned)(v / 1000000);
			break;
		case OPT_STOP_SIGNAL:
			if (lk_signal_parse(optarg, &o->stop_signal) < 0 ||
			    o->stop_signal == SIGKILL ||
			    o->stop_signal == SIGSTOP)
				return bad(e,
					   "invalid stop signal '%s': "
					   "expected a signal such as TERM, "
					   "INT or 15 (not KILL or STOP)",
					   optarg);
			break;
		case OPT_TIMESTAMPS:
			if (!optarg || strcmp(optarg, "relative") == 0)
				o->timestamps = LK_TS_RELATIVE;
			else if (strcmp(optarg, "wall") == 0)
				o->timestamps = LK_TS_WALL;
			else
				return bad(e,
					   "invalid --timestamps=%s: expected "
					   "relative or wall",
					   optarg);
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_RW:
			r = push(&o->rw, optarg, e);
			break;
		case OPT_RO:
			r = push(&o->ro, optarg, e);
			break;
		case OPT_BIND:
			r = push(&o->binds, optarg, e);
			break;
		case OPT_SCENARIO:
			o->scenario = optarg;
			break;
		case OPT_POLICY_CHECK:
			o->policy_check = optarg;
			break;
		case OPT_CLEARENV:
			o->clearenv = true;
			break;
		case OPT_ENV:
			if (optarg[0] == '\0' || optarg[0] == '=')
				return bad(e,
					   "invalid --env '%s': expected "
					   "NAME=VALUE or NAME",
					   optarg);
			r = push(&o->env, optarg, e);
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			o->help = true;
			return 0;
		case 'V':
			o->version = true;
			return 0;
		case ':':
			return bad(e, "option '%s' needs a value",
				   argv[optind - 1]);
		case '?':
			return bad(e, "unknown option '%s' (see --help)",
				   argv[optind - 1]);
		default:
			return bad(e, "unexpected option '%s'",
				   argv[optind - 1]);
		}
		if (r < 0)
			return r;
	}

	if (o->policy_check)
		return 0;
	if (!have_n)
		return bad(e, "missing -n N: how many peers to run");
	if (optind >= argc || optind < 1 || strcmp(argv[optind - 1], "--") != 0)
		return bad(e, optind < argc
				      ? "missing '--' before COMMAND '%s'"
				      : "missing '-- COMMAND' to run in each "
					"peer%s",
			   optind < argc ? argv[optind] : "");
	o->argv = argv + optind;
	o->argc = argc - optind;
	return 0;
}

LK_EXPORT void lk_options_free(struct lk_options *o)
{
	lk_strv_free(&o->links);
	lk_strv_free(&o->at);
	lk_strv_free(&o->caps);
	lk_strv_free(&o->rw);
	lk_strv_free(&o->ro);
	lk_strv_free(&o->binds);
	lk_strv_free(&o->env);
}
