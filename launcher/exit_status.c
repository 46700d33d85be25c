/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exit_status.c — what the launch and each peer ended with: the launch's
 * exit status (2 when COMMAND could not run, else the first failed
 * peer's, 128+S for a signal), and each peer's result, note and message
 * for linkem-launch's summary.
 */
#include "launcher/launch_internal.h"

#include <errno.h>

static bool peer_failed(const struct lk_peer *p)
{
	return p->signaled || p->status != 0 || p->exec_errno ||
	       p->setup_errno;
}

LK_EXPORT int lk_launch_exit_status(const struct lk_launch *l)
{
	for (unsigned i = 0; i < l->plan.n && l->peers; i++) {
		const struct lk_peer *p = &l->peers[i];

		if (p->exec_errno)
			return 2;
	}
	for (unsigned i = 0; i < l->plan.n && l->peers; i++) {
		const struct lk_peer *p = &l->peers[i];

		if (!peer_failed(p))
			continue;
		if (p->signaled)
			return 128 + p->status;
		return p->status ? p->status : 1;
	}
	return 0;
}

LK_EXPORT int lk_launch_peer_result(const struct lk_launch *l, unsigned id,
				    struct lk_peer_result *out)
{
	const struct lk_peer *p;

	if (!l->peers || id < 1 || id > l->plan.n)
		return -EINVAL;
	p = &l->peers[id - 1];
	*out = (struct lk_peer_result){
		.id = id,
		.pid = p->pid,
		.ended = p->reaped || p->workload_done,
		.signaled = p->signaled,
		.status = p->status,
		.exec_errno = p->exec_errno,
		.forced = p->forced,
	};
	return 0;
}

/* Used by linkem-launch for its summary. */
LK_EXPORT const char *lk_launch_peer_note(const struct lk_launch *l,
					  unsigned id)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return NULL;
	return l->peers[id - 1].note[0] ? l->peers[id - 1].note : NULL;
}

LK_EXPORT const char *lk_launch_peer_message(const struct lk_launch *l,
					     unsigned id)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return NULL;
	return l->peers[id - 1].msg[0] ? l->peers[id - 1].msg : NULL;
}
