/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * linkem.h — the public interface of liblinkem.
 *
 * liblinkem runs a group of programs ("peers"), each in its own network,
 * mount, PID, UTS and IPC namespaces, wired to a hub bridge, and supervises
 * them.  linkem-launch is a thin client of this library.
 *
 * Conventions: functions return 0 or a negative errno and fill a
 * struct lk_error with a sentence that names what failed on what.
 */
#ifndef LINKEM_H
#define LINKEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LK_EXPORT __attribute__((visibility("default")))

/* ---- errors ----------------------------------------------------------- */

struct lk_error {
	int code;	/* positive errno, 0 when no error */
	char msg[1024]; /* "add veth for peer3: File exists (kernel: ...)" */
};

/* Set the error and return -code. */
LK_EXPORT int lk_error_set(struct lk_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix context ("while doing X: ") to an error; returns -e->code. */
LK_EXPORT int lk_error_wrap(struct lk_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- log messages (common/log.c) --------------------------------------- */

/* What the library says while it works that is not an error of the call
 * at hand: the seed, the engine chosen, the control socket, a timeline
 * step.  Levels as syslog's. */
enum lk_log_level {
	LK_LOG_ERROR = 3,
	LK_LOG_WARNING = 4, /* e.g. a timeline step that failed */
	LK_LOG_NOTICE = 5,  /* what linkem-launch prints unless -q */
	LK_LOG_INFO = 6,
	LK_LOG_DEBUG = 7,
};

/* Called with each message: one line, without its newline. */
typedef void (*lk_log_fn)(enum lk_log_level level, const char *msg,
			  void *data);

/* Send the library's messages to fn (NULL: nowhere).  The default is
 * lk_log_stderr with the prefix "linkem-launch: ", as linkem-launch
 * prints them.  Not thread-safe: set it before starting a launch. */
LK_EXPORT void lk_set_log_handler(lk_log_fn fn, void *data);
/* Messages above max are dropped before they are formatted; the default
 * is LK_LOG_NOTICE (linkem-launch -q sets LK_LOG_WARNING). */
LK_EXPORT void lk_set_log_level(enum lk_log_level max);
/* The stderr sink: "<prefix><msg>\n" in one write, data being the
 * prefix (a const char *, or NULL for none). */
LK_EXPORT void lk_log_stderr(enum lk_log_level level, const char *msg,
			     void *data);

/* ---- the address plan ------------------------------------------------- */

/* Peers are numbered 1..n.  Peer i gets the i-th host address of the IPv4
 * subnet and the i-th address of a ULA /64 beside it. */
struct lk_plan {
	unsigned n;
	uint32_t net4;	   /* network address, host byte order */
	unsigned prefix4;  /* prefix length */
	uint8_t net6[16];  /* the /64 ULA prefix */
};

#define LK_DEFAULT_SUBNET "10.0.0.0/16"
#define LK_MAX_PEERS 65534

/* Parse "A.B.C.D/P"; host bits must be zero. */
LK_EXPORT int lk_subnet_parse(const char *text, uint32_t *net4,
			      unsigned *prefix4, struct lk_error *e);
/* How many peers a subnet holds (network and broadcast excluded). */
LK_EXPORT unsigned lk_subnet_capacity(unsigned prefix4);
LK_EXPORT int lk_plan_init(struct lk_plan *p, unsigned n, const char *subnet,
			   struct lk_error *e);
LK_EXPORT struct in_addr lk_plan_addr4(const struct lk_plan *p, unsigned id);
LK_EXPORT struct in6_addr lk_plan_addr6(const struct lk_plan *p, unsigned id);
/* The MAC address of peer id's eth0: 02:6c:6b:xx:xx:xx. */
LK_EXPORT void lk_plan_mac(const struct lk_plan *p, unsigned id,
			   uint8_t mac[6]);
/* Which peer owns an address; 0 when none. */
LK_EXPORT unsigned lk_plan_peer_of4(const struct lk_plan *p,
				    struct in_addr a);
LK_EXPORT unsigned lk_plan_peer_of6(const struct lk_plan *p,
				    const struct in6_addr *a);

/* ---- options ---------------------------------------------------------- */

enum lk_engine_kind {
	LK_ENGINE_AUTO = 0,
	LK_ENGINE_KERNEL,
	LK_ENGINE_USERSPACE,
};

struct lk_strv {
	char **v;
	size_t n;
};

struct lk_options {
	unsigned n;		 /* -n: number of peers */
	const char *subnet;	 /* --subnet, default LK_DEFAULT_SUBNET */
	struct lk_strv links;	 /* --link SPEC, in order */
	struct lk_strv at;	 /* --at TIME:SPEC, in order */
	enum lk_engine_kind engine;
	bool seed_set;
	uint64_t seed;
	const char *policy;	 /* --policy NAME|FILE, default "default" */
	struct lk_strv caps;	 /* --cap NAME */
	struct lk_strv rw, ro, binds; /* --rw, --ro, --bind SRC:DST */
	const char *user;	 /* --user UID[:GID] */
	bool clearenv;		 /* --clearenv: peers start with no environment */
	struct lk_strv env;	 /* --env K=V or K, in order */
	const char *log_dir;	 /* --log-dir */
	const char *pcap_dir;	 /* --pcap */
	const char *control;	 /* --control */
	const char *scenario;	 /* --scenario FILE */
	const char *policy_check; /* --policy-check FILE: validate and exit */
	unsigned grace_ms;	 /* --grace, default 3000 */
	int stop_signal;	 /* --stop-signal: what stops a peer's
				  * processes; 0: the signal received
				  * (SIGINT, SIGTERM), SIGTERM when the
				  * main process ended first */
	enum lk_timestamps {
		LK_TS_NONE = 0,
		LK_TS_RELATIVE, /* --timestamps: +S.mmm since release */
		LK_TS_WALL,	/* --timestamps=wall: HH:MM:SS.mmm */
	} timestamps;
	bool quiet;		 /* -q: no notices (linkem-launch lowers the
				  * log level; library users call
				  * lk_set_log_level) */
	bool help, version;
	char **argv;		 /* COMMAND and its arguments */
	int argc;
};

/* Parse linkem-launch's command line.  Pure: no output, no side effects.
 * Returns 0, or -EINVAL with a one-line message naming the offending
 * text.  opts must be freed with lk_options_free. */
LK_EXPORT int lk_options_parse(int argc, char **argv, struct lk_options *opts,
			       struct lk_error *e);
LK_EXPORT void lk_options_free(struct lk_options *opts);
LK_EXPORT const char *lk_launch_usage(void);

/* ---- templating ------------------------------------------------------- */

/* Replace {id} {n} {addr} {addr6} {name} in one argument.  Unknown
 * {words} stay as they are.  Returns a malloc'd string or NULL. */
LK_EXPORT char *lk_template_expand(const char *arg, const struct lk_plan *p,
				   unsigned id);

/* ---- a launch --------------------------------------------------------- */

struct lk_launch;

/* Check the options and compute the plan; creates nothing. */
LK_EXPORT int lk_launch_new(const struct lk_options *opts,
			    struct lk_launch **out, struct lk_error *e);
/* Create the hub, clone every peer, wire the network, release the peers.
 * On failure everything created so far is torn down. */
LK_EXPORT int lk_launch_start(struct lk_launch *l, struct lk_error *e);
/* Supervise until every peer has ended: output, signals, reaping.
 * Returns 0 or a negative errno for a failure of the supervisor itself. */
LK_EXPORT int lk_launch_run(struct lk_launch *l, struct lk_error *e);
/* 0 when every peer exited 0; else the status of the lowest-numbered
 * failed peer (128+S for a signal). */
LK_EXPORT int lk_launch_exit_status(const struct lk_launch *l);
LK_EXPORT void lk_launch_free(struct lk_launch *l);

/* Per-peer outcome, valid after lk_launch_run. */
struct lk_peer_result {
	unsigned id;
	int pid;	/* in the supervisor's PID namespace */
	bool ended;
	bool signaled;
	int status;	/* exit status, or the signal number */
	int exec_errno; /* non-zero when COMMAND could not be executed */
	bool forced;	/* processes of the peer outlived --grace and were
			 * killed with SIGKILL */
};
LK_EXPORT int lk_launch_peer_result(const struct lk_launch *l, unsigned id,
				    struct lk_peer_result *out);

/* What went wrong in peer id before its COMMAND ran, or NULL. */
/* Why a peer's workload died, when linkem knows ("killed by seccomp:
 * syscall 165 (mount)"); NULL otherwise. */
LK_EXPORT const char *lk_launch_peer_note(const struct lk_launch *l,
					  unsigned id);
LK_EXPORT const char *lk_launch_peer_message(const struct lk_launch *l,
					     unsigned id);

/* The time stamp --timestamps asks for, for a line printed now: "+12.345 "
 * (seconds since the peers were released), "18:45:44.123 " (wall clock),
 * or "" without --timestamps.  Returns its length. */
LK_EXPORT size_t lk_launch_timestamp(const struct lk_launch *l, char *buf,
				     size_t size);

LK_EXPORT const char *lk_version(void);

/* ---- changing the network while it runs (launcher/control.c) ---------- */

/* The same operations linkem-ctl drives over the control socket
 * (docs/control-protocol.md), for a started launch.  On an engine that
 * cannot change links (bridge) they fail with -ENOTSUP. */

/* lk_launch_set_link, lk_launch_link_stats: see "links at run time"
 * below. */
/* Reset the links LINKS names ("1-2", "3>*") to unimpaired. */
LK_EXPORT int lk_launch_clear_links(struct lk_launch *l, const char *links,
				    struct lk_error *e);
/* "1,2/3,4": only peers of one group reach each other (peers not named
 * form one more group); heal restores the links as they were. */
LK_EXPORT int lk_launch_partition(struct lk_launch *l, const char *groups,
				  struct lk_error *e);
LK_EXPORT int lk_launch_heal(struct lk_launch *l, struct lk_error *e);
/* Cut (up = false) or restore every link from and to peer id. */
LK_EXPORT int lk_launch_peer_links(struct lk_launch *l, unsigned id, bool up,
				   struct lk_error *e);
/* Send sig to peer id's PID 1 (which forwards it to the workload). */
LK_EXPORT int lk_launch_kill_peer(struct lk_launch *l, unsigned id, int sig,
				  struct lk_error *e);
/* The control socket's path, once the launch was created. */
LK_EXPORT const char *lk_launch_control_path(const struct lk_launch *l);

/* ---- restart (launcher/control.c) ---------------------------------- */

/* Ask peer id's PID 1 to stop the workload (SIGTERM to its process group,
 * SIGKILL after --grace; whatever else runs in the peer is killed too)
 * and start COMMAND again in the same peer: same namespaces, addresses,
 * links, hostname, /tmp and sandbox.  Also brings back a peer whose
 * workload has ended, while the launch still runs (it ends when every
 * workload has ended).  Asynchronous: returns once asked; the new run
 * shows in lk_launch_peer_restarts and lk_launch_peer_result.  The
 * launch's exit status counts each peer's last run. */
LK_EXPORT int lk_launch_restart_peer(struct lk_launch *l, unsigned id,
				     struct lk_error *e);
/* How many times peer id's workload was started again. */
LK_EXPORT unsigned lk_launch_peer_restarts(const struct lk_launch *l,
					   unsigned id);

/* ---- sandbox (policies/) ---------------------------------------------- */

/* --policy-check FILE: parse and compile a seccomp policy file (or a
 * built-in profile name), without side effects.  Errors name
 * "FILE:LINE: ... 'word'". */
LK_EXPORT int lk_policy_check_file(const char *path, struct lk_error *e);
/* Why did host_pid die of SIGSYS?  Best effort, from the kernel's audit
 * record (type=1326) in /dev/kmsg: "killed by seccomp: syscall 165
 * (mount)".  Returns 0 when found, else -ENOENT (buf then holds a
 * generic sentence). */
LK_EXPORT int lk_seccomp_describe_kill(int host_pid, char *buf, size_t size);

/* ---- links at run time (launcher/set_link.c, link_stats.c) ----------- */

/* Apply one --link SPEC to a started launch, while traffic flows: every
 * link it names becomes what all specs so far, folded in order, say
 * (with a partition's or a downed peer's cut on top, lk_launch_partition).
 * The engine changes its links in place (queued packets survive).
 * Returns 0, -EINVAL for a bad SPEC, -ENOTSUP when the engine cannot
 * change links (the bridge engine), or the engine's error. */
LK_EXPORT int lk_launch_set_link(struct lk_launch *l, const char *spec,
				 struct lk_error *e);

/* What the link from peer src to peer dst did so far.  Every offered
 * frame (and every duplicate) is delivered, dropped or still queued:
 * offered_pkts + duplicated == delivered_pkts + dropped_pkts + queued. */
struct lk_link_stats {
	uint64_t offered_pkts, offered_bytes;
	uint64_t delivered_pkts, delivered_bytes;
	uint64_t dropped_pkts; /* the sum of the causes below */
	uint64_t dropped_loss, dropped_down, dropped_limit, dropped_rate;
	uint64_t dropped_memory; /* the engine's memory budget was full */
	uint64_t duplicated, corrupted, ecn_marked, reordered;
	uint64_t queue_overflows; /* dropped_limit + dropped_memory */
	uint64_t queued;	  /* copies waiting now */
};
/* -ENOTSUP when the engine keeps no counters (bridge).  The kernel
 * engine fills fewer fields: docs/control-protocol.md, "stats". */
LK_EXPORT int lk_launch_link_stats(const struct lk_launch *l, unsigned src,
				   unsigned dst, struct lk_link_stats *out,
				   struct lk_error *e);

/* One round of lk_launch_run's loop, waiting at most timeout_ms (-1:
 * until something happens), for callers that act between rounds (e.g.
 * lk_launch_set_link while traffic flows).  Returns 1 while peers or
 * their output remain, 0 once all is done, or a negative errno. */
LK_EXPORT int lk_launch_poll(struct lk_launch *l, int timeout_ms,
			     struct lk_error *e);

#ifdef __cplusplus
}
#endif
#endif /* LINKEM_H */
