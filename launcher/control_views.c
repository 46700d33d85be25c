/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_views.c — what `show`, `peers` and `stats` answer: the text
 * linkem-ctl prints and the JSON data of the same (--json).
 */
#include "launcher/control_internal.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* imp as PARAMS text, in a buffer of its length; NULL when out of
 * memory. */
static char *format_impair(const struct lk_impair *imp)
{
	int n = lk_impair_format(imp, NULL, 0);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;

	if (s)
		lk_impair_format(imp, s, (size_t)n + 1);
	return s;
}

/* The conditions of link src -> dst as text, NULL when it is not
 * impaired (*oom when it is but memory ran out). */
static char *link_text(const struct lk_launch *l, unsigned src, unsigned dst,
		       bool *oom)
{
	struct lk_impair imp;
	char *s;

	if (!lk_launch_link_effective(l, src, dst, &imp) ||
	    lk_impair_is_noop(&imp))
		return NULL;
	s = format_impair(&imp);
	if (!s)
		*oom = true;
	return s;
}

/* "1-2:delay=50ms" lines for every impaired link; A-B when both
 * directions are equal; then "# partition 1,2/3" during a partition.
 * data gets a JSON array of the link lines.  Conditions have no length
 * limit (a dist=PATH can be long). */
int lk_ctl_show(const struct lk_launch *l, struct lk_buf *text, json_t **data,
		struct lk_error *e)
{
	const unsigned n = l->plan.n;
	json_t *arr = json_array();
	struct lk_buf line = {0};
	bool oom = !arr;

	for (unsigned s = 1; s <= n && !oom; s++)
		for (unsigned d = 1; d <= n && !oom; d++) {
			_cleanup_free_ char *a = NULL, *b = NULL;
			bool both = false;

			if (s == d || !(a = link_text(l, s, d, &oom)))
				continue;
			b = link_text(l, d, s, &oom);
			if (b && strcmp(a, b) == 0) {
				if (d < s)
					continue; /* printed as d-s */
				both = true;
			}
			line.len = 0;
			lk_buf_printf(&line, "%u%c%u:%s", s, both ? '-' : '>',
				      d, a);
			if (line.oom ||
			    json_array_append_new(arr, lk_json_str(line.p)) < 0)
				oom = true;
			else
				lk_buf_printf(text, "%s\n", line.p);
		}
	lk_buf_free(&line);
	if (!oom && l->control && l->control->partition_text)
		lk_buf_printf(text, "# partition %s\n",
			      l->control->partition_text);
	*data = arr;
	if (oom)
		return lk_error_set(e, ENOMEM, "out of memory");
	return 0;
}

bool lk_ctl_peer_running(const struct lk_peer *p)
{
	return !p->reaped && !p->workload_done;
}

static const char *peer_state(const struct lk_peer *p, char *buf, size_t n)
{
	if (p->restarting)
		return "restarting";
	if (lk_ctl_peer_running(p))
		return "running";
	if (p->signaled)
		snprintf(buf, n, "killed by SIG%s",
			 sigabbrev_np(p->status) ? sigabbrev_np(p->status)
						 : "?");
	else
		snprintf(buf, n, "exited %d", p->status);
	return buf;
}

void lk_ctl_peers(const struct lk_launch *l, struct lk_buf *text, json_t **data)
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
		    arr,
		    json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:b,s:I,s:I}", "id",
			      (json_int_t)id, "name", name, "addr", s4, "addr6",
			      s6, "pid", (json_int_t)p->pid, "links", links,
			      "running", lk_ctl_peer_running(p), "workload_pid",
			      (json_int_t)p->workload_pid, "restarts",
			      (json_int_t)p->restarts));
		if (!lk_ctl_peer_running(p) && !p->restarting)
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
int lk_ctl_stats(const struct lk_launch *l, struct lk_buf *text, json_t **data,
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
