/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link.c — rtnetlink requests for links and addresses. */
#include "netsetup/link.h"

#include "common/error.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>

#define LINK_MSG_MAX 1024

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int ifindex,
				    unsigned flags)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = flags;
	return ifi;
}

int lk_req_bridge(struct lk_nl_batch *b, const char *name, int ifindex,
		  struct lk_error *e)
{
	struct nlmsghdr *nlh;
	struct nlattr *info, *data;

	nlh = lk_nl_batch_msg(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			      LINK_MSG_MAX, e, "create bridge %s", name);
	if (!nlh)
		return -e->code;
	put_ifinfo(nlh, ifindex, IFF_UP);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
	mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
	mnl_attr_put_u8(nlh, IFLA_BR_MCAST_SNOOPING, 0);
	/* Forget a peer's MAC only when it is gone for good. */
	mnl_attr_put_u32(nlh, IFLA_BR_AGEING_TIME, 30000 * 100);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

int lk_req_veth(struct lk_nl_batch *b, const struct lk_veth *v,
		struct lk_error *e, const char *desc)
{
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pifi;
	struct nlmsghdr *nlh;

	nlh = lk_nl_batch_msg(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			      LINK_MSG_MAX, e, "%s", desc);
	if (!nlh)
		return -e->code;
	put_ifinfo(nlh, v->ifindex, IFF_UP);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->name);
	if (v->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)v->master);
	/* One queue each way: veth otherwise sizes its queues for every
	 * possible CPU, then shrinks the real count on the registered
	 * device, which waits for an RCU grace period per veth. */
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes start with an ifinfomsg of their own. */
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	memset(pifi, 0, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	/* No IFF_UP here: the kernel opens the peer before the pair is
	 * joined, and veth refuses that (ENOTCONN). */
	pifi->ifi_index = v->peer_ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->peer_name);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	if (v->peer_netns_pid)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID,
				 (uint32_t)v->peer_netns_pid);
	if (v->peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, v->peer_mac);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

int lk_req_link_up(struct lk_nl_batch *b, int ifindex, struct lk_error *e,
		   const char *desc)
{
	struct nlmsghdr *nlh;

	nlh = lk_nl_batch_msg(b, RTM_NEWLINK, 0, LINK_MSG_MAX, e, "%s", desc);
	if (!nlh)
		return -e->code;
	put_ifinfo(nlh, ifindex, IFF_UP);
	return 0;
}

int lk_req_link_master_up(struct lk_nl_batch *b, int ifindex, int master,
			  struct lk_error *e, const char *desc)
{
	struct nlmsghdr *nlh;

	nlh = lk_nl_batch_msg(b, RTM_NEWLINK, 0, LINK_MSG_MAX, e, "%s", desc);
	if (!nlh)
		return -e->code;
	put_ifinfo(nlh, ifindex, IFF_UP);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return 0;
}

static struct nlmsghdr *addr_msg(struct lk_nl_batch *b, int family,
				 int ifindex, unsigned prefix, unsigned flags,
				 struct lk_error *e, const char *desc)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	nlh = lk_nl_batch_msg(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
			      LINK_MSG_MAX, e, "%s", desc);
	if (!nlh)
		return NULL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_flags = (uint8_t)flags;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	return nlh;
}

int lk_req_addr4(struct lk_nl_batch *b, int ifindex, struct in_addr a,
		 unsigned prefix, struct lk_error *e, const char *desc)
{
	struct nlmsghdr *nlh = addr_msg(b, AF_INET, ifindex, prefix, 0, e,
					desc);
	struct in_addr bcast = a;

	if (!nlh)
		return -e->code;
	if (prefix < 31)
		bcast.s_addr |= htonl(~(uint32_t)0 >> prefix);
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(a), &a);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), &a);
	mnl_attr_put(nlh, IFA_BROADCAST, sizeof(bcast), &bcast);
	return 0;
}

int lk_req_addr6(struct lk_nl_batch *b, int ifindex, const struct in6_addr *a,
		 unsigned prefix, struct lk_error *e, const char *desc)
{
	struct nlmsghdr *nlh = addr_msg(b, AF_INET6, ifindex, prefix,
					IFA_F_NODAD, e, desc);

	if (!nlh)
		return -e->code;
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(*a), a);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return 0;
}
