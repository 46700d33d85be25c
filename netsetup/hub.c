/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hub.c — the hub namespace, its bridge, and each peer's wiring. */
#include "netsetup/hub.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "netsetup/link.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void lk_hub_init(struct lk_hub *h)
{
	memset(h, 0, sizeof(*h));
	h->orig_netns = -1;
	h->netns = -1;
}

static int write_sysctl(const char *path, const char *value)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(value);

	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		return -errno;
	return 0;
}

unsigned lk_hub_bridges(unsigned n)
{
	return n <= LK_HUB_PORTS_PER_BRIDGE
		   ? 1
		   : (n + LK_HUB_PORTS_PER_BRIDGE - 1) / LK_HUB_PORTS_PER_BRIDGE;
}

/* Bridge k (0..bridges-1): its ifindex; link k (1..bridges-1) joins
 * bridge k-1 (end lK) to bridge k (end rK, the next index). */
static int bridge_ifindex(const struct lk_hub *h, unsigned k)
{
	return k ? LK_HUB_BRIDGE_IFINDEX + (int)h->n + (int)k
		 : LK_HUB_BRIDGE_IFINDEX;
}

static int link_ifindex(const struct lk_hub *h, unsigned k)
{
	return LK_HUB_BRIDGE_IFINDEX + (int)h->n + (int)h->bridges +
	       2 * (int)k - 2;
}

int lk_hub_bridge_of(const struct lk_hub *h, unsigned id, char *name,
		     size_t len)
{
	unsigned k = h->bridges > 1 ? (id - 1) / LK_HUB_PORTS_PER_BRIDGE : 0;

	snprintf(name, len, "br%u", k);
	return bridge_ifindex(h, k);
}

/* Bridges br1.. and the links of the chain, queued on the hub's batch. */
static int queue_chain(struct lk_hub *h, struct lk_error *e)
{
	for (unsigned k = 1; k < h->bridges; k++) {
		char br[16], l[16], rr[16], desc[64];
		struct lk_veth v = {
		    .name = l,
		    .ifindex = link_ifindex(h, k),
		    .master = bridge_ifindex(h, k - 1),
		    .peer_name = rr,
		    .peer_ifindex = link_ifindex(h, k) + 1,
		};
		int r;

		snprintf(br, sizeof(br), "br%u", k);
		snprintf(l, sizeof(l), "l%u", k);
		snprintf(rr, sizeof(rr), "r%u", k);
		r = lk_req_bridge(&h->batch, br, bridge_ifindex(h, k), e);
		if (r < 0)
			return r;
		snprintf(desc, sizeof(desc), "create the link br%u-%s", k - 1,
			 br);
		r = lk_req_veth(&h->batch, &v, e, desc);
		if (r < 0)
			return r;
		snprintf(desc, sizeof(desc), "put %s on %s", rr, br);
		r = lk_req_link_master_up(&h->batch, v.peer_ifindex,
					  bridge_ifindex(h, k), e, desc);
		if (r < 0)
			return r;
	}
	return 0;
}

int lk_hub_create(struct lk_hub *h, unsigned n, struct lk_error *e)
{
	int r;

	h->n = n;
	h->bridges = lk_hub_bridges(n);
	h->orig_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (h->orig_netns < 0)
		return lk_error_errno(e, "open /proc/self/ns/net");
	if (unshare(CLONE_NEWNET) < 0)
		return lk_error_errno(e, "create the hub network namespace");
	h->netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (h->netns < 0) {
		r = lk_error_errno(e, "open the hub network namespace");
		goto back;
	}
	/* The hub only switches frames: no IPv6 chatter from its ports. */
	write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	r = lk_nl_open(&h->nl, e);
	if (r < 0) {
		lk_error_wrap(e, "hub");
		goto back;
	}
back:
	if (setns(h->orig_netns, CLONE_NEWNET) < 0 && r == 0)
		r = lk_error_errno(e, "return from the hub network namespace");
	if (r < 0)
		return r;
	r = lk_nl_batch_init(&h->batch, &h->nl, e);
	if (r < 0)
		return r;
	r = lk_req_bridge(&h->batch, LK_HUB_BRIDGE, LK_HUB_BRIDGE_IFINDEX, e);
	if (r < 0)
		return r;
	r = queue_chain(h, e);
	if (r < 0)
		return r;
	return lk_nl_batch_flush(&h->batch, e);
}

int lk_hub_add_peer(struct lk_hub *h, const struct lk_plan *p, unsigned id,
		    pid_t pid, struct lk_error *e)
{
	char name[16], desc[64], br[16];
	uint8_t mac[6];
	struct lk_veth v = {
		.name = name,
		.ifindex = LK_HUB_BRIDGE_IFINDEX + (int)id,
		.master = lk_hub_bridge_of(h, id, br, sizeof(br)),
		.peer_name = "eth0",
		.peer_ifindex = LK_PEER_ETH0_IFINDEX,
		.peer_netns_pid = pid,
		.peer_mac = mac,
	};

	lk_plan_mac(p, id, mac);
	snprintf(name, sizeof(name), "p%u", id);
	snprintf(desc, sizeof(desc), "create veth for peer%u", id);
	return lk_req_veth(&h->batch, &v, e, desc);
}

int lk_hub_commit(struct lk_hub *h, struct lk_error *e)
{
	return lk_nl_batch_flush(&h->batch, e);
}

/* The plan gives every address: nothing to detect, no router to solicit
 * or learn from.  Set on eth0 before it comes up, so that not even its
 * link-local address sends a neighbour solicitation or a router
 * solicitation to every other peer.  (The MLD reports for the groups
 * eth0 joins remain: they are what multicast between peers relies on.)
 * Written through /proc/sys, which shows the namespace of whoever opens
 * it: the peer's, entered here like lk_nl_open_in() does. */
static const char *const quiet_sysctls[][2] = {
    {"/proc/sys/net/ipv6/conf/eth0/accept_dad", "0"},
    {"/proc/sys/net/ipv6/conf/eth0/dad_transmits", "0"},
    {"/proc/sys/net/ipv6/conf/eth0/accept_ra", "0"},
    {"/proc/sys/net/ipv6/conf/eth0/router_solicitations", "0"},
};

static int open_quiet(struct lk_nl *nl, int nsfd, int back_fd,
		      struct lk_error *e)
{
	int r;

	if (setns(nsfd, CLONE_NEWNET) < 0)
		return lk_error_errno(e, "enter network namespace");
	for (size_t i = 0;
	     i < sizeof(quiet_sysctls) / sizeof(quiet_sysctls[0]); i++)
		write_sysctl(quiet_sysctls[i][0], quiet_sysctls[i][1]);
	r = lk_nl_open(nl, e);
	if (setns(back_fd, CLONE_NEWNET) < 0) {
		if (r == 0)
			lk_nl_close(nl);
		return lk_error_errno(e, "return to the supervisor's network "
					 "namespace");
	}
	return r;
}

int lk_peer_net_configure(const struct lk_hub *h, const struct lk_plan *p,
			  unsigned id, int nsfd, lk_peer_more_fn more,
			  void *ctx, struct lk_error *e)
{
	struct lk_nl nl = {0};
	struct lk_nl_batch b;
	struct in6_addr a6 = lk_plan_addr6(p, id);
	char desc[64];
	int r;

	r = open_quiet(&nl, nsfd, h->orig_netns, e);
	if (r < 0)
		return r;
	r = lk_nl_batch_init(&b, &nl, e);
	if (r < 0)
		goto out;
	snprintf(desc, sizeof(desc), "set lo up in peer%u", id);
	r = lk_req_link_up(&b, 1, e, desc);
	if (r < 0)
		goto out;
	snprintf(desc, sizeof(desc), "set eth0 up in peer%u", id);
	r = lk_req_link_up(&b, LK_PEER_ETH0_IFINDEX, e, desc);
	if (r < 0)
		goto out;
	snprintf(desc, sizeof(desc), "add IPv4 address to peer%u eth0", id);
	r = lk_req_addr4(&b, LK_PEER_ETH0_IFINDEX, lk_plan_addr4(p, id),
			 p->prefix4, e, desc);
	if (r < 0)
		goto out;
	snprintf(desc, sizeof(desc), "add IPv6 address to peer%u eth0", id);
	r = lk_req_addr6(&b, LK_PEER_ETH0_IFINDEX, &a6, 64, e, desc);
	if (r < 0)
		goto out;
	if (more && (r = more(ctx, &b, e)) < 0)
		goto out;
	r = lk_nl_batch_flush(&b, e);
out:
	lk_nl_batch_free(&b);
	lk_nl_close(&nl);
	return r;
}

/* From RFC 2863 (linux/if.h, which clashes with net/if.h). */
#define LK_IF_OPER_UP 6

struct port_count {
	unsigned ready;
};

static int port_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= IFLA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int port_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = {NULL};
	const struct nlattr *a;
	struct port_count *c = data;

	mnl_attr_parse(nlh, sizeof(*ifi), port_attr, tb);
	if (!tb[IFLA_OPERSTATE] || !tb[IFLA_PROTINFO] ||
	    mnl_attr_get_u8(tb[IFLA_OPERSTATE]) != LK_IF_OPER_UP)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(a, tb[IFLA_PROTINFO])
	{
		if (mnl_attr_get_type(a) == IFLA_BRPORT_STATE &&
		    mnl_attr_get_u8(a) == BR_STATE_FORWARDING)
			c->ready++;
	}
	return MNL_CB_OK;
}

static int count_forwarding(struct lk_hub *h, unsigned *ready,
			    struct lk_error *e)
{
	char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg))]
	    __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct port_count c = {0};
	int r;

	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_BRIDGE;
	r = lk_nl_dump(&h->nl, nlh, port_cb, &c, e, "list the hub's ports");
	if (r < 0)
		return r;
	*ready = c.ready;
	return 0;
}

int lk_hub_wait_forwarding(struct lk_hub *h, unsigned n, int timeout_ms,
			   struct lk_error *e)
{
	unsigned ready = 0;

	n += 2 * (h->bridges - 1); /* both ends of each link are ports */
	for (int waited = 0;; waited++) {
		int r = count_forwarding(h, &ready, e);

		if (r < 0)
			return r;
		if (ready >= n)
			return 0;
		if (waited >= timeout_ms * 5)
			break;
		usleep(200);
	}
	return lk_error_set(e, ETIMEDOUT,
			    "the hub's ports did not come up: %u of %u "
			    "forwarding after %d ms",
			    ready, n, timeout_ms);
}

void lk_hub_destroy(struct lk_hub *h)
{
	lk_nl_batch_free(&h->batch);
	lk_nl_close(&h->nl);
	if (h->netns >= 0)
		close(h->netns);
	if (h->orig_netns >= 0)
		close(h->orig_netns);
	h->netns = h->orig_netns = -1;
}
