/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link.h — rtnetlink requests for links and addresses, queued on a batch. */
#ifndef LK_LINK_H
#define LK_LINK_H

#include "netsetup/nl.h"

#include <netinet/in.h>
#include <stdint.h>

/* A bridge without STP or multicast snooping, up. */
int lk_req_bridge(struct lk_nl_batch *b, const char *name, int ifindex,
		  struct lk_error *e);

struct lk_veth {
	const char *name;	/* this end, stays here */
	int ifindex;		/* 0: let the kernel choose */
	int master;		/* bridge ifindex or 0 */
	const char *peer_name;	/* the other end */
	int peer_ifindex;	/* honoured only when ifindex is set */
	int peer_netns_pid;	/* move the other end there (0: stay) */
	const uint8_t *peer_mac; /* NULL: random */
};
/* This end up at creation; the other end must be set up later. */
int lk_req_veth(struct lk_nl_batch *b, const struct lk_veth *v,
		struct lk_error *e, const char *desc);

int lk_req_link_up(struct lk_nl_batch *b, int ifindex, struct lk_error *e,
		   const char *desc);
/* Enslave ifindex to the bridge master and set it up. */
int lk_req_link_master_up(struct lk_nl_batch *b, int ifindex, int master,
			  struct lk_error *e, const char *desc);
int lk_req_addr4(struct lk_nl_batch *b, int ifindex, struct in_addr a,
		 unsigned prefix, struct lk_error *e, const char *desc);
/* IPv6 address without duplicate address detection: usable at once. */
int lk_req_addr6(struct lk_nl_batch *b, int ifindex, const struct in6_addr *a,
		 unsigned prefix, struct lk_error *e, const char *desc);

#endif
