/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* options.c — linkem-launch's command line.  Pure: no output. */
#include "common/error.h"
#include "common/strv.h"
#include "model/units.h"

#include <errno.h>
#include <getopt.h>
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
};

static const struct option long_opts[] = {
	{"peers", required_argument, NULL, 'n'},
	{"link", required_argument, NULL, 'l'},
	{"subnet", required_argument, NULL, OPT_SUBNET},
	{"engine", required_argument, NULL, OPT_ENGINE},
	{"seed", required_argument, NULL, OPT_SEED},
	{"policy", required_argument, NULL, OPT_POLICY},
	{"cap", required_argument, NULL, OPT_CAP},
	{"at", required_argument, NULL, OPT_AT},
	{"log-dir", required_argument, NULL, OPT_LOG_DIR},
	{"pcap", required_argument, NULL, OPT_PCAP},
	{"control", required_argument, NULL, OPT_CONTROL},
	{"grace", required_argument, NULL, OPT_GRACE},
	{"user", required_argument, NULL, OPT_USER},
	{"rw", required_argument, NULL, OPT_RW},
	{"ro", required_argument, NULL, OPT_RO},
	{"bind", required_argument, NULL, OPT_BIND},
	{"scenario", required_argument, NULL, OPT_SCENARIO},
	{"policy-check", required_argument, NULL, OPT_POLICY_CHECK},
	{"clearenv", no_argument, NULL, OPT_CLEARENV},
	{"env", required_argument, NULL, OPT_ENV},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

LK_EXPORT const char *lk_launch_usage(void)
{
	return "Usage: linkem-launch [OPTIONS] -n N -- COMMAND [ARG...]\n"
	       "Run N copies of COMMAND, each as its own host (peer1..peerN) "
	       "on a private\n"
	       "network, and supervise them until they end.\n"
	       "\n"
	       "  -n, --peers N         number of peers, numbered 1..N\n"
	       "  -l, --link SPEC       link conditions, repeatable, e.g. "
	       "'1-2:delay=50ms'\n"
	       "                        or '1>3:loss=5%' (see "
	       "linkem-launch(1))\n"
	       "      --subnet CIDR     IPv4 plan (default 10.0.0.0/16): peer "
	       "i gets host i\n"
	       "      --engine E        auto|kernel|userspace (default auto)\n"
	       "      --seed N          seed for every random decision\n"
	       "      --policy P        seccomp profile or file (default "
	       "'default'; 'none')\n"
	       "      --cap NAME        keep a capability inside the peers "
	       "(repeatable)\n"
	       "      --at TIME:SPEC    apply SPEC at TIME after start "
	       "(repeatable): a link\n"
	       "                        SPEC, partition=1,2/3, heal, down=P, "
	       "up=P, clear=LINKS,\n"
	       "                        kill=P[:SIG]\n"
	       "      --scenario FILE   the same from FILE: 'TIME COMMAND "
	       "ARG...' per line\n"
	       "      --log-dir DIR     also write each peer's output to "
	       "DIR/peerI.log\n"
	       "      --pcap DIR        write DIR/peerI.pcap (userspace "
	       "engine)\n"
	       "      --control PATH    control socket for linkem-ctl "
	       "(default\n"
	       "                        $XDG_RUNTIME_DIR/linkem or /run/linkem)"
	       "\n"
	       "      --clearenv        start the peers with an empty "
	       "environment (but LINKEM_*)\n"
	       "      --env K=V, --env K  set K in the peers, or pass the "
	       "launcher's K\n"
	       "                        (repeatable; after --clearenv)\n"
	       "      --grace TIME      wait this long after forwarding "
	       "SIGINT/SIGTERM\n"
	       "                        before SIGKILL (default 3s)\n"
	       "  -q, --quiet           no notices on stderr\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n"
	       "\n"
	       "In COMMAND's arguments {id} {n} {addr} {addr6} {name} are "
	       "replaced per peer.\n"
	       "Each peer sees hostname peerI, interface eth0, an /etc/hosts "
	       "naming every\n"
	       "peer, and LINKEM_ID, LINKEM_N, LINKEM_ADDR, LINKEM_ADDR6, "
	       "LINKEM_PEERS.\n"
	       "Peers get the launcher's environment, without SUDO_*, "
	       "SSH_AUTH_SOCK and\n"
	       "LINKEM_CONTROL (see --clearenv, --env).\n"
	       "\n"
	       "Exit status: 0 when every peer exited 0; else the status of "
	       "the lowest-\n"
	       "numbered failed peer (128+S when killed by signal S); 2 for "
	       "bad input.\n";
}

static int bad(struct lk_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct lk_error *e, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = lk_error_vset(e, EINVAL, fmt, ap);
	va_end(ap);
	return r;
}

static int push(struct lk_strv *v, const char *s, struct lk_error *e)
{
	if (lk_strv_push(v, s) < 0)
		return lk_error_set(e, ENOMEM, "out of memory");
	return 0;
}

LK_EXPORT int lk_options_parse(int argc, char **argv, struct lk_options *o,
			       struct lk_error *e)
{
	bool have_n = false;
	uint64_t v;
	int c, r;

	memset(o, 0, sizeof(*o));
	o->subnet = LK_DEFAULT_SUBNET;
	o->policy = "default";
	o->grace_ms = 3000;

	optind = 0; /* full reset of getopt's state */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:n:l:qhV", long_opts, NULL)) !=
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
