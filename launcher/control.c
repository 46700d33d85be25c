/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control.c — the control socket on the supervisor's loop, the commands
 * it serves, partitions and downed peers, and the timeline's timer.
 *
 * Every client is non-blocking with bounded buffers: a request line of at
 * most LK_CTL_MAX_REQUEST bytes, replies queued up to OUT_LIMIT (then the
 * client is not read until it reads its replies), at most MAX_LINES
 * requests per wakeup, at most MAX_CLIENTS connections (the longest idle
 * one makes room for a new one).  A client never blocks the loop.
 */
#include "launcher/control.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "launcher/control_proto.h"
#include "launcher/launch_internal.h"
#include "launcher/timeline.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 32
#define OUT_LIMIT (4u << 20)
#define MAX_LINES 64

enum { SLOT_LISTEN = 0, SLOT_TIMER = 1, SLOT_CLIENT0 = 2 };

struct client {
	int fd;
	char *in;
	size_t inlen;
	struct lk_buf out;
	size_t outoff;
	int fds[3]; /* received with SCM_RIGHTS, for exec */
	int nfds;
	uint32_t interest;
	uint64_t last_ns;
	bool eof;
	unsigned waiting;   /* restart: the peer whose answer is awaited */
	json_t *waiting_id; /* that request's id */
};

struct lk_control {
	char *path, *lock_path;
	int lfd, lock_fd, tfd;
	int janitor_fd; /* its end-of-file removes the socket and lock */
	pid_t janitor;
	bool own_files;
	struct client c[MAX_CLIENTS];
	struct lk_timeline tl;
	uint64_t t0_ns;
	unsigned *group; /* partition: group[id], NULL when none */
	char *partition_text;
	bool *down; /* down[id]: the peer's links are cut */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- overlays ---------------------------------------------------------- */

bool lk_control_link_cut(const struct lk_launch *l, unsigned src, unsigned dst)
{
	const struct lk_control *c = l->control;

	if (!c)
		return false;
	if (c->down && (c->down[src] || c->down[dst]))
		return true;
	return c->group && c->group[src] != c->group[dst];
}

/* Push every pair whose cut state differs between before and now. */
static int push_changed(struct lk_launch *l, const unsigned *old_group,
			const bool *old_down, struct lk_error *e)
{
	const unsigned n = l->plan.n;

	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = 1; d <= n; d++) {
			bool was, is;
			int r;

			if (s == d)
				continue;
			was = (old_down && (old_down[s] || old_down[d])) ||
			      (old_group && old_group[s] != old_group[d]);
			is = lk_control_link_cut(l, s, d);
			if (was == is)
				continue;
			r = lk_launch_push_pair(l, s, d, e);
			if (r < 0)
				return r;
		}
	return 0;
}

LK_EXPORT int lk_launch_partition(struct lk_launch *l, const char *groups,
				  struct lk_error *e)
{
	struct lk_control *c = l->control;
	_cleanup_free_ unsigned *g = NULL;
	_cleanup_free_ unsigned *old = NULL;
	_cleanup_free_ char *text = NULL;
	int r = lk_launch_can_set(l, e);

	if (r < 0)
		return r;
	if (!c)
		return lk_error_set(e, EINVAL, "no control state");
	g = calloc(l->plan.n + 1, sizeof(*g));
	text = strdup(groups);
	if (!g || !text)
		return lk_error_set(e, ENOMEM, "out of memory");
	r = lk_partition_parse(groups, l->plan.n, g, e);
	if (r < 0)
		return r;
	old = c->group;
	c->group = lk_steal_ptr(g);
	free(c->partition_text);
	c->partition_text = lk_steal_ptr(text);
	return push_changed(l, old, c->down, e);
}

LK_EXPORT int lk_launch_heal(struct lk_launch *l, struct lk_error *e)
{
	struct lk_control *c = l->control;
	_cleanup_free_ unsigned *old = NULL;
	int r = lk_launch_can_set(l, e);

	if (r < 0)
		return r;
	if (!c || !c->group)
		return 0;
	old = lk_steal_ptr(c->group);
	free(c->partition_text);
	c->partition_text = NULL;
	return push_changed(l, old, c->down, e);
}

LK_EXPORT int lk_launch_peer_links(struct lk_launch *l, unsigned id, bool up,
				   struct lk_error *e)
{
	struct lk_control *c = l->control;
	_cleanup_free_ bool *old = NULL;
	int r = lk_launch_can_set(l, e);

	if (r < 0)
		return r;
	if (id < 1 || id > l->plan.n)
		return lk_error_set(e, EINVAL, "no peer %u (1..%u)", id,
				    l->plan.n);
	if (!c)
		return lk_error_set(e, EINVAL, "no control state");
	if (!c->down) {
		c->down = calloc(l->plan.n + 1, sizeof(bool));
		if (!c->down)
			return lk_error_set(e, ENOMEM, "out of memory");
	}
	if (c->down[id] == !up)
		return 0;
	old = malloc((l->plan.n + 1) * sizeof(bool));
	if (!old)
		return lk_error_set(e, ENOMEM, "out of memory");
	memcpy(old, c->down, (l->plan.n + 1) * sizeof(bool));
	c->down[id] = !up;
	/* Only the links from and to id can change. */
	for (unsigned p = 1; p <= l->plan.n; p++) {
		unsigned pair[2][2] = {{id, p}, {p, id}};

		for (int k = 0; k < 2 && p != id; k++) {
			unsigned s = pair[k][0], d = pair[k][1];
			bool was = old[s] || old[d] ||
				   (c->group && c->group[s] != c->group[d]);

			if (was != lk_control_link_cut(l, s, d) &&
			    (r = lk_launch_push_pair(l, s, d, e)) < 0)
				return r;
		}
	}
	return 0;
}

/* The peer with this id, or an error naming the valid ones. */
static int peer_by_id(struct lk_launch *l, unsigned id, struct lk_peer **p,
		      struct lk_error *e)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return lk_error_set(e, EINVAL, "no peer %u (1..%u)", id,
				    l->plan.n);
	*p = &l->peers[id - 1];
	return 0;
}

LK_EXPORT int lk_launch_kill_peer(struct lk_launch *l, unsigned id, int sig,
				  struct lk_error *e)
{
	struct lk_peer *p = NULL;
	int r = peer_by_id(l, id, &p, e);

	if (r < 0)
		return r;
	if (p->reaped || p->pidfd < 0 || p->workload_done)
		return lk_error_set(e, ESRCH, "peer%u has already ended", id);
	if (syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0) < 0)
		return lk_error_errno(e, "signal %d to peer%u", sig, id);
	return 0;
}

LK_EXPORT int lk_launch_restart_peer(struct lk_launch *l, unsigned id,
				     struct lk_error *e)
{
	struct lk_peer *p = NULL;
	int r = peer_by_id(l, id, &p, e);

	if (r < 0)
		return r;
	if (p->reaped || p->pidfd < 0)
		return lk_error_set(e, ESRCH,
				    "peer%u cannot be restarted: its PID 1 "
				    "is gone (killed, or its setup failed), "
				    "and its namespaces with it",
				    id);
	if (l->stopping || l->releasing)
		return lk_error_set(e, ESRCH,
				    "peer%u cannot be restarted: the launch "
				    "is ending",
				    id);
	if (p->restarting)
		return lk_error_set(e, EBUSY, "peer%u is already restarting",
				    id);
	return lk_launch_send_restart(l, id - 1, e);
}

LK_EXPORT unsigned lk_launch_peer_restarts(const struct lk_launch *l,
					   unsigned id)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return 0;
	return l->peers[id - 1].restarts;
}

/* "1-2:delay=50ms" lines for every impaired link; A-B when both
 * directions are equal.  data gets a JSON array of the same strings. */
static void show(const struct lk_launch *l, struct lk_buf *text, json_t **data)
{
	const unsigned n = l->plan.n;
	char a[1024], b[1024];
	json_t *arr = json_array();

	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = 1; d <= n; d++) {
			struct lk_impair imp, rev;
			bool both = false;
			char line[2100];

			if (s == d ||
			    !lk_launch_link_effective(l, s, d, &imp) ||
			    lk_impair_is_noop(&imp))
				continue;
			lk_impair_format(&imp, a, sizeof(a));
			if (lk_launch_link_effective(l, d, s, &rev) &&
			    !lk_impair_is_noop(&rev)) {
				lk_impair_format(&rev, b, sizeof(b));
				if (strcmp(a, b) == 0) {
					if (d < s)
						continue; /* printed as d-s */
					both = true;
				}
			}
			snprintf(line, sizeof(line), "%u%c%u:%s", s,
				 both ? '-' : '>', d, a);
			lk_buf_printf(text, "%s\n", line);
			json_array_append_new(arr, lk_json_str(line));
		}
	*data = arr;
}

static bool peer_running(const struct lk_peer *p)
{
	return !p->reaped && !p->workload_done;
}

static const char *peer_state(const struct lk_peer *p, char *buf, size_t n)
{
	if (p->restarting)
		return "restarting";
	if (peer_running(p))
		return "running";
	if (p->signaled)
		snprintf(buf, n, "killed by SIG%s",
			 sigabbrev_np(p->status) ? sigabbrev_np(p->status)
						 : "?");
	else
		snprintf(buf, n, "exited %d", p->status);
	return buf;
}

static void peers(const struct lk_launch *l, struct lk_buf *text, json_t **data)
{
	const struct lk_control *c = l->control;
	json_t *arr = json_array();

	lk_buf_printf(text, "%-5s %-9s %-15s %-24s %-8s %-7s %-8s %-8s %s\n",
		      "ID", "NAME", "ADDRESS", "ADDRESS6", "PID", "LINKS",
		      "WORKLOAD", "RESTARTS", "STATE");
	for (unsigned id = 1; id <= l->plan.n; id++) {
		const struct lk_peer *p = &l->peers[id - 1];
		struct in_addr a4 = lk_plan_addr4(&l->plan, id);
		struct in6_addr a6 = lk_plan_addr6(&l->plan, id);
		char s4[INET_ADDRSTRLEN], s6[INET6_ADDRSTRLEN], stb[64];
		const char *st;
		const char *links = c && c->down && c->down[id] ? "down" : "up";
		char name[24];

		inet_ntop(AF_INET, &a4, s4, sizeof(s4));
		inet_ntop(AF_INET6, &a6, s6, sizeof(s6));
		snprintf(name, sizeof(name), "peer%u", id);
		st = peer_state(p, stb, sizeof(stb));
		lk_buf_printf(text,
			      "%-5u %-9s %-15s %-24s %-8d %-7s %-8d %-8u %s\n",
			      id, name, s4, s6, (int)p->pid, links,
			      (int)p->workload_pid, p->restarts, st);
		json_array_append_new(
		    arr, json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:b,s:I,s:I}",
				   "id", (json_int_t)id, "name", name, "addr",
				   s4, "addr6", s6, "pid", (json_int_t)p->pid,
				   "links", links, "running", peer_running(p),
				   "workload_pid", (json_int_t)p->workload_pid,
				   "restarts", (json_int_t)p->restarts));
		if (!peer_running(p) && !p->restarting)
			json_object_set_new(json_array_get(arr, id - 1),
					    p->signaled ? "signal" : "exit",
					    json_integer(p->status));
	}
	*data = arr;
}

static json_t *stats_json(unsigned s, unsigned d,
			  const struct lk_link_stats *st)
{
	const struct {
		const char *key;
		uint64_t v;
	} f[] = {
	    {"offered_pkts", st->offered_pkts},
	    {"offered_bytes", st->offered_bytes},
	    {"delivered_pkts", st->delivered_pkts},
	    {"delivered_bytes", st->delivered_bytes},
	    {"dropped_pkts", st->dropped_pkts},
	    {"dropped_loss", st->dropped_loss},
	    {"dropped_down", st->dropped_down},
	    {"dropped_limit", st->dropped_limit},
	    {"dropped_rate", st->dropped_rate},
	    {"dropped_memory", st->dropped_memory},
	    {"duplicated", st->duplicated},
	    {"corrupted", st->corrupted},
	    {"ecn_marked", st->ecn_marked},
	    {"reordered", st->reordered},
	    {"queued", st->queued},
	};
	json_t *o =
	    json_pack("{s:I,s:I}", "src", (json_int_t)s, "dst", (json_int_t)d);

	for (size_t i = 0; o && i < LK_ARRAY_SIZE(f); i++)
		json_object_set_new(o, f[i].key,
				    json_integer((json_int_t)f[i].v));
	return o;
}

/* Counters of every link that carried something, from the engine. */
static int stats(const struct lk_launch *l, struct lk_buf *text, json_t **data,
		 struct lk_error *e)
{
	json_t *arr;

	if (!l->engine || !l->engine->link_stats)
		return lk_error_set(e, ENOTSUP,
				    "stats unavailable on this engine (%s)",
				    l->engine ? l->engine->name : "none");
	lk_buf_printf(text,
		      "%-11s %10s %12s %10s %8s %8s %8s %8s %6s %6s %6s "
		      "%6s\n",
		      "LINK", "OFFERED", "BYTES", "DELIVERED", "LOSS", "DOWN",
		      "LIMIT", "RATE", "DUP", "CORR", "REORD", "QUEUED");
	*data = arr = json_array();
	for (unsigned s = 1; s <= l->plan.n; s++)
		for (unsigned d = 1; d <= l->plan.n; d++) {
			struct lk_link_stats st;
			char name[24];
			int r;

			if (s == d)
				continue;
			r = lk_launch_link_stats(l, s, d, &st, e);
			if (r < 0)
				return r;
			if (!st.offered_pkts && !st.queued)
				continue;
			snprintf(name, sizeof(name), "%u>%u", s, d);
			lk_buf_printf(
			    text,
			    "%-11s %10llu %12llu %10llu %8llu %8llu %8llu "
			    "%8llu %6llu %6llu %6llu %6llu\n",
			    name, (unsigned long long)st.offered_pkts,
			    (unsigned long long)st.offered_bytes,
			    (unsigned long long)st.delivered_pkts,
			    (unsigned long long)st.dropped_loss,
			    (unsigned long long)st.dropped_down,
			    (unsigned long long)(st.dropped_limit +
						 st.dropped_memory),
			    (unsigned long long)st.dropped_rate,
			    (unsigned long long)st.duplicated,
			    (unsigned long long)st.corrupted,
			    (unsigned long long)st.reordered,
			    (unsigned long long)st.queued);
			json_array_append_new(arr, stats_json(s, d, &st));
		}
	return 0;
}

static int parse_peer(const struct lk_launch *l, const char *text, unsigned *id,
		      struct lk_error *e)
{
	char *end;
	unsigned long v;

	if (strncmp(text, "peer", 4) == 0)
		text += 4;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (!*text || *end || errno || v < 1 || v > l->plan.n)
		return lk_error_set(e, EINVAL,
				    "unknown peer '%s' (expected 1..%u)", text,
				    l->plan.n);
	*id = (unsigned)v;
	return 0;
}

static int need_args(const char *cmd, size_t nargs, size_t lo, size_t hi,
		     const char *usage, struct lk_error *e)
{
	if (nargs < lo || nargs > hi)
		return lk_error_set(e, EINVAL, "usage: %s %s", cmd, usage);
	return 0;
}

/* One command, from a client or the timeline.  text: what linkem-ctl
 * prints; data: JSON (may stay empty). */
static int dispatch(struct lk_launch *l, const char *cmd, char *const *args,
		    size_t nargs, struct lk_buf *text, json_t **data,
		    struct lk_error *e)
{
	unsigned id;
	int r = 0;

	if (strcmp(cmd, "set") == 0) {
		if ((r = need_args(cmd, nargs, 1, SIZE_MAX, "SPEC...", e)) < 0)
			return r;
		for (size_t i = 0; i < nargs && r == 0; i++)
			r = lk_launch_set_link(l, args[i], e);
	} else if (strcmp(cmd, "clear") == 0) {
		if ((r = need_args(cmd, nargs, 1, SIZE_MAX, "LINKS...", e)) < 0)
			return r;
		for (size_t i = 0; i < nargs && r == 0; i++)
			r = lk_launch_clear_links(l, args[i], e);
	} else if (strcmp(cmd, "partition") == 0) {
		if ((r = need_args(cmd, nargs, 1, 1, "GROUP/GROUP...", e)) < 0)
			return r;
		r = lk_launch_partition(l, args[0], e);
	} else if (strcmp(cmd, "heal") == 0) {
		if ((r = need_args(cmd, nargs, 0, 0, "", e)) < 0)
			return r;
		r = lk_launch_heal(l, e);
	} else if (strcmp(cmd, "down") == 0 || strcmp(cmd, "up") == 0) {
		if ((r = need_args(cmd, nargs, 1, 1, "PEER", e)) < 0 ||
		    (r = parse_peer(l, args[0], &id, e)) < 0)
			return r;
		r = lk_launch_peer_links(l, id, cmd[0] == 'u', e);
	} else if (strcmp(cmd, "kill") == 0) {
		int sig = SIGTERM;

		if ((r = need_args(cmd, nargs, 1, 2, "PEER [SIGNAL]", e)) < 0 ||
		    (r = parse_peer(l, args[0], &id, e)) < 0)
			return r;
		if (nargs == 2 && lk_signal_parse(args[1], &sig) < 0)
			return lk_error_set(
			    e, EINVAL, "kill: '%s' is not a signal", args[1]);
		r = lk_launch_kill_peer(l, id, sig, e);
	} else if (strcmp(cmd, "show") == 0) {
		if ((r = need_args(cmd, nargs, 0, 0, "", e)) < 0)
			return r;
		show(l, text, data);
		if (l->control && l->control->partition_text)
			lk_buf_printf(text, "# partition %s\n",
				      l->control->partition_text);
	} else if (strcmp(cmd, "peers") == 0) {
		if ((r = need_args(cmd, nargs, 0, 0, "", e)) < 0)
			return r;
		peers(l, text, data);
	} else if (strcmp(cmd, "stats") == 0) {
		if ((r = need_args(cmd, nargs, 0, 0, "[--json] [--watch]", e)) <
		    0)
			return r;
		r = stats(l, text, data, e);
	} else if (strcmp(cmd, "hello") == 0) {
		lk_buf_printf(text, "linkem %s, %u peers, engine %s\n",
			      lk_version(), l->plan.n,
			      l->engine ? l->engine->name : "none");
		*data = json_pack("{s:s,s:I,s:s,s:I}", "version", lk_version(),
				  "peers", (json_int_t)l->plan.n, "engine",
				  l->engine ? l->engine->name : "none", "pid",
				  (json_int_t)getpid());
	} else if (strcmp(cmd, "restart") == 0) {
		/* From a client, handle_lines waits for the answer; from the
		 * timeline, the request is enough. */
		if ((r = need_args(cmd, nargs, 1, 1, "PEER", e)) < 0 ||
		    (r = parse_peer(l, args[0], &id, e)) < 0)
			return r;
		r = lk_launch_restart_peer(l, id, e);
	} else {
		r = lk_error_set(e, EINVAL,
				 "unknown command '%s' (expected set, clear, "
				 "partition, heal, down, up, show, stats, "
				 "peers, exec, kill, restart, hello)",
				 cmd);
	}
	return r;
}

/* ---- the timeline ------------------------------------------------------ */

static void arm_timer(struct lk_control *c)
{
	struct itimerspec its = {0};

	if (c->tl.next < c->tl.len) {
		uint64_t at = c->t0_ns + c->tl.v[c->tl.next].at_ns;

		its.it_value.tv_sec = (time_t)(at / 1000000000ull);
		its.it_value.tv_nsec = (long)(at % 1000000000ull);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(c->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void run_steps(struct lk_launch *l)
{
	struct lk_control *c = l->control;
	uint64_t ticks, now;

	(void)!read(c->tfd, &ticks, sizeof(ticks));
	now = now_ns();
	while (c->tl.next < c->tl.len &&
	       c->t0_ns + c->tl.v[c->tl.next].at_ns <= now) {
		const struct lk_step *s = &c->tl.v[c->tl.next++];
		struct lk_buf text = {0}, what = {0};
		struct lk_error e = {0};
		json_t *data = NULL;
		int r;

		r = dispatch(l, s->cmd, s->args, s->nargs, &text, &data, &e);
		for (size_t i = 0; i < s->nargs; i++)
			lk_buf_printf(&what, " %s", s->args[i]);
		if (r < 0)
			fprintf(stderr,
				"linkem-launch: +%.3fs %s: %s%s failed: %s\n",
				(double)(now_ns() - c->t0_ns) / 1e9, s->origin,
				s->cmd, what.p ? what.p : "", e.msg);
		else if (!l->opts.quiet)
			fprintf(stderr, "linkem-launch: +%.3fs %s: %s%s\n",
				(double)(now_ns() - c->t0_ns) / 1e9, s->origin,
				s->cmd, what.p ? what.p : "");
		lk_buf_free(&text);
		json_decref(data);
		lk_buf_free(&what);
	}
	arm_timer(c);
}

/* ---- clients ----------------------------------------------------------- */

static void client_close(struct lk_launch *l, struct client *cl)
{
	if (cl->fd < 0)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	for (int i = 0; i < cl->nfds; i++)
		close(cl->fds[i]);
	free(cl->in);
	lk_buf_free(&cl->out);
	json_decref(cl->waiting_id);
	*cl = (struct client){.fd = -1};
}

static void reply_error(struct client *cl, json_t *id, const struct lk_error *e)
{
	lk_ctl_reply_error(&cl->out, id,
			   e->msg[0] ? e->msg : strerror(e->code));
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* An exec'd command's environment: a fresh one with the peer's own
 * LINKEM_* variables. */
static void set_env(const struct lk_launch *l, unsigned id)
{
	clearenv();
	setenv("PATH",
	       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
	       "/sbin:/bin",
	       1);
	setenv("HOME", "/", 1);
	lk_peer_set_env(l, id);
}

static _Noreturn void exec_fail(int conn, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static _Noreturn void exec_fail(int conn, const char *fmt, ...)
{
	struct lk_buf b = {0};
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lk_ctl_reply_error(&b, NULL, msg);
	if (b.p)
		write_all(conn, b.p, b.len);
	_exit(1);
}

/* Keep only what the helper needs: a copy of another client's
 * connection or of a peer's pipe would keep it open after the supervisor
 * closed it. */
static void close_others(int conn, const int fds[3], int pidfd)
{
	struct rlimit rl;
	int max = 65536;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536)
		max = (int)rl.rlim_cur;
	for (int fd = 3; fd < max; fd++)
		if (fd != conn && fd != fds[0] && fd != fds[1] &&
		    fd != fds[2] && fd != pidfd)
			close(fd);
}

/* The helper process of one exec: enter the peer's namespaces, run the
 * command with the caller's descriptors in a child there, tell the
 * caller its status; kill it when the caller goes away. */
static _Noreturn void exec_helper(struct lk_launch *l, unsigned id, int conn,
				  int fds[3], char **argv, pid_t supervisor)
{
	struct lk_peer *p = &l->peers[id - 1];
	int ep[2], err = 0, st, pfd, rootfd;
	char root[64];
	sigset_t none;
	pid_t child;
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != supervisor)
		_exit(1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	fcntl(conn, F_SETFL, 0);
	close_others(conn, fds, p->pidfd);
	prctl(PR_SET_NAME, "linkem-exec");
	/* setns puts us at the root of the peer's mount namespace, but the
	 * peer's root may lie below it (a supervisor that runs chrooted, as
	 * in make check-vm's VM): take the peer's own root, as it sees it. */
	snprintf(root, sizeof(root), "/proc/%d/root", (int)p->pid);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		exec_fail(conn, "exec in peer%u: open %s: %s", id, root,
			  strerror(errno));
	if (setns(p->pidfd, CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID |
				CLONE_NEWUTS | CLONE_NEWIPC) < 0)
		exec_fail(conn, "exec in peer%u: enter its namespaces: %s", id,
			  strerror(errno));
	if (fchdir(rootfd) < 0 || chroot(".") < 0)
		exec_fail(conn, "exec in peer%u: enter its root: %s", id,
			  strerror(errno));
	close(rootfd);
	close(p->pidfd);
	if (pipe2(ep, O_CLOEXEC) < 0)
		exec_fail(conn, "exec in peer%u: pipe: %s", id,
			  strerror(errno));
	child = fork();
	if (child < 0)
		exec_fail(conn, "exec in peer%u: fork: %s", id,
			  strerror(errno));
	if (child == 0) {
		struct lk_error e = {0};

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ep[0]);
		if (dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 ||
		    dup2(fds[2], 2) < 0)
			err = errno;
		if (!err && chdir("/") < 0)
			err = errno;
		setsid();
		signal(SIGPIPE, SIG_DFL);
		set_env(l, id);
		if (!err && lk_sandbox_enter(l->sandbox, &e) < 0) {
			dprintf(2, "linkem: sandbox: %s\n", e.msg);
			err = e.code;
		}
		if (!err) {
			execvp(argv[0], argv);
			err = errno;
		}
		(void)!write(ep[1], &err, sizeof(err));
		_exit(127);
	}
	close(ep[1]);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	do {
		n = read(ep[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(child, &st, 0);
		exec_fail(conn, "exec in peer%u: cannot execute '%s': %s", id,
			  argv[0], strerror(err));
	}
	/* Wait for the command; the caller hanging up kills it. */
	pfd = (int)syscall(SYS_pidfd_open, child, 0);
	for (;;) {
		struct pollfd pf[2] = {{.fd = pfd, .events = POLLIN},
				       {.fd = conn, .events = POLLRDHUP}};

		if (pfd < 0 || poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents)
			break;
		if (pf[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
			break;
		}
	}
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	{
		struct lk_buf b = {0};

		lk_ctl_reply_status(&b, WIFSIGNALED(st) ? 128 + WTERMSIG(st)
							: WEXITSTATUS(st));
		if (b.p)
			write_all(conn, b.p, b.len);
	}
	_exit(0);
}

/* exec PEER COMMAND [ARG...]: the conversation moves to a helper
 * process; the client slot is released here.  Returns 0 when handed
 * over, else an error for the client. */
static int start_exec(struct lk_launch *l, struct client *cl,
		      const struct lk_ctl_request *req, struct lk_error *e)
{
	unsigned id;
	pid_t pid, self = getpid();
	int r;

	if (req->nargs < 2)
		return lk_error_set(e, EINVAL,
				    "usage: exec PEER COMMAND [ARG...]");
	if ((r = parse_peer(l, req->args[0], &id, e)) < 0)
		return r;
	if (!peer_running(&l->peers[id - 1]))
		return lk_error_set(e, ESRCH, "peer%u has already ended", id);
	if (cl->nfds != 3)
		return lk_error_set(e, EINVAL,
				    "exec needs the caller's stdin, stdout and "
				    "stderr (3 descriptors with SCM_RIGHTS) "
				    "with the request");
	pid = fork();
	if (pid < 0)
		return lk_error_errno(e, "exec: fork");
	if (pid == 0)
		exec_helper(l, id, cl->fd, cl->fds, req->args + 1, self);
	/* The helper answers; reap() collects it like any child. */
	client_close(l, cl);
	return 1;
}

static void set_interest(struct lk_launch *l, struct client *cl, int slot)
{
	bool pending_out = cl->out.len > cl->outoff;
	bool have_line = cl->in && memchr(cl->in, '\n', cl->inlen);
	uint32_t want = 0;

	if (pending_out ||
	    (have_line && cl->out.len < OUT_LIMIT && !cl->waiting))
		want |= EPOLLOUT;
	if (!have_line && cl->out.len < OUT_LIMIT && !cl->eof && !cl->waiting)
		want |= EPOLLIN;
	if (want != cl->interest) {
		struct epoll_event ev = {.events = want,
					 .data.u64 =
					     LK_KEY_CONTROL | (uint64_t)slot};

		epoll_ctl(l->epfd, EPOLL_CTL_MOD, cl->fd, &ev);
		cl->interest = want;
	}
}

static bool flush_out(struct client *cl)
{
	while (cl->out.len > cl->outoff) {
		ssize_t w =
		    send(cl->fd, cl->out.p + cl->outoff,
			 cl->out.len - cl->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return true;
		if (w <= 0)
			return false;
		cl->outoff += (size_t)w;
	}
	cl->out.len = cl->outoff = 0;
	return true;
}

static int read_in(struct client *cl)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} cbuf;
	struct iovec iov = {cl->in + cl->inlen, LK_CTL_MAX_REQUEST - cl->inlen};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf.buf,
			    .msg_controllen = sizeof(cbuf.buf)};
	ssize_t n = recvmsg(cl->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
	     cm = CMSG_NXTHDR(&mh, cm)) {
		int *fds = (int *)CMSG_DATA(cm);
		size_t k;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (int i = 0; i < cl->nfds; i++)
			close(cl->fds[i]);
		cl->nfds = 0;
		for (size_t i = 0; i < k; i++) {
			if (i < 3)
				cl->fds[cl->nfds++] = fds[i];
			else
				close(fds[i]);
		}
	}
	if (n == 0) {
		cl->eof = true;
		return 0;
	}
	cl->inlen += (size_t)n;
	return 0;
}

/* Handle the complete lines in cl->in.  Returns 1 when the client slot
 * was handed over (exec), -1 to close it. */
static int handle_lines(struct lk_launch *l, struct client *cl)
{
	for (int done = 0;
	     done < MAX_LINES && cl->out.len < OUT_LIMIT && !cl->waiting;
	     done++) {
		char *nl = cl->in ? memchr(cl->in, '\n', cl->inlen) : NULL;
		struct lk_ctl_request req;
		struct lk_error e = {0};
		size_t len;
		int r;

		if (!nl)
			break;
		len = (size_t)(nl - cl->in);
		r = lk_ctl_request_parse(cl->in, len, &req, &e);
		memmove(cl->in, nl + 1, cl->inlen - len - 1);
		cl->inlen -= len + 1;
		if (r < 0) {
			reply_error(cl, NULL, &e);
			continue;
		}
		if (strcmp(req.cmd, "exec") == 0) {
			r = start_exec(l, cl, &req, &e);
			if (r > 0) {
				lk_ctl_request_free(&req);
				return 1;
			}
			reply_error(cl, req.id_value, &e);
		} else {
			struct lk_buf text = {0};
			json_t *data = NULL;

			r = dispatch(l, req.cmd, req.args, req.nargs, &text,
				     &data, &e);
			if (r == 0 && strcmp(req.cmd, "restart") == 0) {
				/* The answer comes when the peer's init
				 * has started the workload again; the
				 * next requests wait for it, in order. */
				parse_peer(l, req.args[0], &cl->waiting, &e);
				cl->waiting_id = json_incref(req.id_value);
			} else if (r < 0)
				reply_error(cl, req.id_value, &e);
			else if (text.oom)
				reply_error(cl, req.id_value,
					    &(struct lk_error){
						ENOMEM, "out of memory"});
			else
				lk_ctl_reply_ok(&cl->out, req.id_value, text.p,
						data);
			lk_buf_free(&text);
			json_decref(data);
		}
		lk_ctl_request_free(&req);
	}
	if (cl->out.oom)
		return -1;
	if (cl->inlen == LK_CTL_MAX_REQUEST &&
	    !memchr(cl->in, '\n', cl->inlen)) {
		struct lk_error e;

		lk_error_set(&e, EMSGSIZE,
			     "request longer than %d bytes: closing",
			     LK_CTL_MAX_REQUEST);
		reply_error(cl, NULL, &e);
		flush_out(cl);
		return -1;
	}
	return 0;
}

static void on_client(struct lk_launch *l, int slot, uint32_t events)
{
	struct client *cl = &l->control->c[slot - SLOT_CLIENT0];
	bool have_line;
	int r;

	if (cl->fd < 0)
		return;
	cl->last_ns = now_ns();
	if ((events & EPOLLOUT) && !flush_out(cl))
		goto close;
	have_line = memchr(cl->in, '\n', cl->inlen) != NULL;
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !have_line &&
	    cl->out.len < OUT_LIMIT && read_in(cl) < 0)
		goto close;
	r = handle_lines(l, cl);
	if (r > 0)
		return;
	if (r < 0 || !flush_out(cl))
		goto close;
	if (cl->eof && cl->out.len == 0 && !cl->waiting &&
	    !memchr(cl->in, '\n', cl->inlen))
		goto close; /* a half request at the end is dropped */
	set_interest(l, cl, slot);
	return;
close:
	client_close(l, cl);
}

static void on_accept(struct lk_launch *l)
{
	struct lk_control *c = l->control;

	for (int round = 0; round < 8; round++) {
		int fd =
		    accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		struct client *free_slot = NULL, *idle = NULL;
		struct epoll_event ev;

		if (fd < 0)
			return;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
		    (cred.uid != geteuid() && cred.uid != 0)) {
			struct lk_buf no = {0};

			lk_ctl_reply_error(&no, NULL,
					   "permission denied: this launch "
					   "belongs to another user");
			if (no.p)
				(void)!send(fd, no.p, no.len,
					    MSG_NOSIGNAL | MSG_DONTWAIT);
			lk_buf_free(&no);
			close(fd);
			continue;
		}
		for (int i = 0; i < MAX_CLIENTS; i++) {
			struct client *cl = &c->c[i];

			if (cl->fd < 0) {
				free_slot = cl;
				break;
			}
			if (cl->out.len == 0 &&
			    (!idle || cl->last_ns < idle->last_ns))
				idle = cl;
		}
		if (!free_slot && idle) {
			/* Full: the longest idle client makes room. */
			client_close(l, idle);
			free_slot = idle;
		}
		if (!free_slot ||
		    !(free_slot->in = malloc(LK_CTL_MAX_REQUEST))) {
			close(fd);
			continue;
		}
		free_slot->fd = fd;
		free_slot->last_ns = now_ns();
		free_slot->interest = EPOLLIN;
		ev = (struct epoll_event){
		    .events = EPOLLIN,
		    .data.u64 = LK_KEY_CONTROL |
				(uint64_t)(SLOT_CLIENT0 + (free_slot - c->c))};
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			client_close(l, free_slot);
	}
}

void lk_control_restarted(struct lk_launch *l, unsigned id, const char *err)
{
	struct lk_control *c = l->control;
	const struct lk_peer *p = &l->peers[id - 1];

	if (!c)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *cl = &c->c[i];
		char text[96];

		if (cl->fd < 0 || cl->waiting != id)
			continue;
		if (err) {
			lk_ctl_reply_error(&cl->out, cl->waiting_id, err);
		} else {
			json_t *data = json_pack(
			    "{s:I,s:I,s:I}", "id", (json_int_t)id,
			    "workload_pid", (json_int_t)p->workload_pid,
			    "restarts", (json_int_t)p->restarts);

			snprintf(text, sizeof(text),
				 "peer%u restarted (pid %d)\n", id,
				 (int)p->workload_pid);
			lk_ctl_reply_ok(&cl->out, cl->waiting_id, text, data);
			json_decref(data);
		}
		json_decref(cl->waiting_id);
		cl->waiting_id = NULL;
		cl->waiting = 0;
		/* Send it, and go on with what the client sent since. */
		on_client(l, SLOT_CLIENT0 + i, 0);
	}
}

void lk_control_on_event(struct lk_launch *l, uint64_t key, uint32_t events)
{
	int slot = (int)(key & 0xffff);

	if (!l->control)
		return;
	if (slot == SLOT_LISTEN)
		on_accept(l);
	else if (slot == SLOT_TIMER)
		run_steps(l);
	else if (slot - SLOT_CLIENT0 < MAX_CLIENTS)
		on_client(l, slot, events);
}

/* ---- the socket and its lock ------------------------------------------- */

void lk_control_default_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (xdg && xdg[0] == '/' && stat(xdg, &st) == 0 &&
	    S_ISDIR(st.st_mode) && st.st_uid == geteuid())
		snprintf(buf, size, "%s/linkem", xdg);
	else
		snprintf(buf, size, "/run/linkem");
}

/* Is there a live launch behind PATH?  Its lock says so. */
static bool lock_held(const char *lock_path)
{
	_cleanup_close_ int fd =
	    open(lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	return false;
}

/* Sockets of launches that died without cleaning up (SIGKILL). */
static void remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char sock[PATH_MAX], lock[PATH_MAX + 8];

		if (len < 6 || strcmp(de->d_name + len - 5, ".sock") != 0 ||
		    strncmp(de->d_name, "launch-", 7) != 0)
			continue;
		snprintf(sock, sizeof(sock), "%s/%s", dir, de->d_name);
		snprintf(lock, sizeof(lock), "%s.lock", sock);
		if (!lock_held(lock)) {
			unlink(sock);
			unlink(lock);
		}
	}
	closedir(d);
}

static int mkdir_p(const char *dir, struct lk_error *e)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return lk_error_errno(e, "create '%s'", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return lk_error_errno(e, "create '%s'", tmp);
	return 0;
}

int lk_control_prepare(struct lk_launch *l, struct lk_error *e)
{
	struct lk_control *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return lk_error_set(e, ENOMEM, "out of memory");
	c->lfd = c->lock_fd = c->tfd = c->janitor_fd = -1;
	for (int i = 0; i < MAX_CLIENTS; i++)
		c->c[i].fd = -1;
	l->control = c;
	for (size_t i = 0; i < l->opts.at.n; i++) {
		r = lk_timeline_add_at(&c->tl, l->opts.at.v[i], e);
		if (r < 0)
			return r;
	}
	if (l->opts.scenario) {
		r = lk_timeline_load(&c->tl, l->opts.scenario, e);
		if (r < 0)
			return r;
	}
	r = lk_timeline_check(&c->tl, l->plan.n, e);
	if (r < 0)
		return r;
	if (l->opts.control) {
		const char *p = l->opts.control;
		char cwd[PATH_MAX];

		if (!*p)
			return lk_error_set(e, EINVAL, "--control: empty path");
		if (p[0] == '/') {
			c->path = strdup(p);
		} else {
			if (!getcwd(cwd, sizeof(cwd)))
				return lk_error_errno(e, "--control '%s'", p);
			if (asprintf(&c->path, "%s/%s", cwd, p) < 0)
				c->path = NULL;
		}
	} else {
		char dir[PATH_MAX - 64];

		lk_control_default_dir(dir, sizeof(dir));
		if (asprintf(&c->path, "%s/launch-%d.sock", dir,
			     (int)getpid()) < 0)
			c->path = NULL;
	}
	if (!c->path)
		return lk_error_set(e, ENOMEM, "out of memory");
	if (strlen(c->path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return lk_error_set(
		    e, ENAMETOOLONG, "--control '%s': longer than %zu bytes",
		    c->path, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (asprintf(&c->lock_path, "%s.lock", c->path) < 0)
		return lk_error_set(e, ENOMEM, "out of memory");
	return 0;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

int lk_control_open(struct lk_launch *l, struct lk_error *e)
{
	struct lk_control *c = l->control;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_free_ char *dir = strdup(c->path);
	mode_t old;
	int r;

	if (!dir)
		return lk_error_set(e, ENOMEM, "out of memory");
	*strrchr(dir, '/') = '\0';
	if (!l->opts.control) {
		r = mkdir_p(dir, e);
		if (r < 0)
			return lk_error_wrap(e, "control socket");
		remove_stale(dir);
	}
	c->lock_fd =
	    open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (c->lock_fd < 0)
		return lk_error_errno(e, "control socket lock '%s'",
				      c->lock_path);
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		close(c->lock_fd);
		c->lock_fd = -1;
		if (errno == EWOULDBLOCK)
			return lk_error_set(e, EADDRINUSE,
					    "control socket '%s' belongs to "
					    "a running launch",
					    c->path);
		return lk_error_errno(e, "lock '%s'", c->lock_path);
	}
	c->own_files = true;
	r = lk_control_janitor(c->path, c->lock_path, &c->janitor_fd,
			       &c->janitor, e);
	if (r < 0)
		return r;
	/* We hold the lock: whatever is at the path is stale. */
	if (unlink(c->path) < 0 && errno != ENOENT)
		return lk_error_errno(e, "remove stale control socket '%s'",
				      c->path);
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->lfd < 0)
		return lk_error_errno(e, "control socket");
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	old = umask(0177); /* 0600 from the start */
	r = bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return lk_error_errno(e, "bind control socket '%s'", c->path);
	if (chmod(c->path, 0600) < 0 || listen(c->lfd, 64) < 0)
		return lk_error_errno(e, "control socket '%s'", c->path);
	/* The peers have their own empty /run; elsewhere (even /tmp, which
	 * shows the host's files in the peers), cover the
	 * socket and its lock inside them. */
	if (!under(c->path, "/run") &&
	    ((r = lk_sandbox_hide(l->sandbox, c->path, e)) < 0 ||
	     (r = lk_sandbox_hide(l->sandbox, c->lock_path, e)) < 0))
		return r;
	return 0;
}

int lk_control_arm(struct lk_launch *l, struct lk_error *e)
{
	struct lk_control *c = l->control;
	struct epoll_event ev = {.events = EPOLLIN,
				 .data.u64 = LK_KEY_CONTROL | SLOT_LISTEN};

	if (!c || c->lfd < 0)
		return 0;
	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (c->tfd < 0)
		return lk_error_errno(e, "timeline timer");
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, c->lfd, &ev) < 0)
		return lk_error_errno(e, "watch the control socket");
	ev.data.u64 = LK_KEY_CONTROL | SLOT_TIMER;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, c->tfd, &ev) < 0)
		return lk_error_errno(e, "watch the timeline timer");
	c->t0_ns = now_ns();
	arm_timer(c);
	if (!l->opts.quiet)
		fprintf(stderr, "linkem-launch: control socket %s\n", c->path);
	return 0;
}

void lk_control_free(struct lk_launch *l)
{
	struct lk_control *c = l->control;

	if (!c)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (c->c[i].fd >= 0) {
			close(c->c[i].fd);
			for (int k = 0; k < c->c[i].nfds; k++)
				close(c->c[i].fds[k]);
			free(c->c[i].in);
			lk_buf_free(&c->c[i].out);
		}
	if (c->own_files) {
		unlink(c->path);
		unlink(c->lock_path);
	}
	if (c->lfd >= 0)
		close(c->lfd);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	if (c->tfd >= 0)
		close(c->tfd);
	lk_control_janitor_end(&c->janitor_fd, &c->janitor);
	lk_timeline_free(&c->tl);
	free(c->group);
	free(c->down);
	free(c->partition_text);
	free(c->path);
	free(c->lock_path);
	free(c);
	l->control = NULL;
}

LK_EXPORT const char *lk_launch_control_path(const struct lk_launch *l)
{
	return l->control ? l->control->path : NULL;
}
