// SPDX-License-Identifier: GPL-2.0
/* Netlink: neighbors (PSW_CMD_NEIGH_*); neigh.c keeps them. */

#include "neigh.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

static int psw_nl_fill_neigh(struct sk_buff *skb, const struct psw_neigh *n,
			     const struct psw_port *port)
{
	u8 state = READ_ONCE(n->state);
	struct nlattr *nest;

	nest = nla_nest_start(skb, PSW_A_NEIGH);
	if (!nest ||
	    nla_put_in_addr(skb, PSW_NEIGH_A_ADDR, n->addr) ||
	    (state != PSW_NEIGH_INCOMPLETE &&
	     nla_put(skb, PSW_NEIGH_A_MAC, ETH_ALEN, n->mac)) ||
	    nla_put_u32(skb, PSW_NEIGH_A_PORT, port->dev->ifindex) ||
	    nla_put_u8(skb, PSW_NEIGH_A_STATE, state) ||
	    nla_put_u32(skb, PSW_NEIGH_A_AGE_MS,
			jiffies_to_msecs(jiffies - READ_ONCE(n->confirmed))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* cb->args[0] and [1]: the cursor of psw_neigh_at(). */
static void psw_nl_neigh_part(struct sk_buff *skb, struct netlink_callback *cb,
			      struct psw_switch *sw, const void *arg)
{
	struct psw_port *port;
	struct psw_neigh *n;
	void *hdr;

	for (; (n = psw_neigh_at(sw, &cb->args[0], &cb->args[1])); cb->args[1]++) {
		port = psw_port_get(sw, n->port);
		if (!port)
			continue;
		hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_NEIGH_GET);
		if (!hdr)
			break;
		if (psw_nl_fill_neigh(skb, n, port)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		psw_nl_dump_end(skb, cb, hdr);
	}
}

int psw_nl_neigh_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump(skb, cb, psw_nl_neigh_part, NULL);
}

/* The neighbor the nest names: its address, and its port's index. */
static int psw_nl_neigh_key(struct genl_info *info, const struct nla_policy *policy,
			    struct nlattr **tb, __be32 *addr, u16 *port)
{
	struct psw_port *p;
	struct nlattr *nest;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_NEIGH, PSW_NEIGH_A_MAX, policy, tb);
	if (ret)
		return ret;
	nest = info->attrs[PSW_A_NEIGH];
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_NEIGH_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_NEIGH_A_PORT))
		return -EINVAL;
	*addr = nla_get_in_addr(tb[PSW_NEIGH_A_ADDR]);
	p = psw_nl_port(psw_nl_switch(info), info, tb[PSW_NEIGH_A_PORT]);
	if (IS_ERR(p))
		return PTR_ERR(p);
	*port = p->index;
	return 0;
}

int psw_nl_neigh_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_NEIGH_A_MAX + 1];
	const u8 *mac;
	__be32 addr;
	u16 port;
	int ret;

	ret = psw_nl_neigh_key(info, psw_neigh_new_nl_policy_nest, tb, &addr, &port);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PSW_A_NEIGH], tb,
			      PSW_NEIGH_A_MAC))
		return -EINVAL;
	mac = nla_data(tb[PSW_NEIGH_A_MAC]);
	if (!is_valid_ether_addr(mac)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_NEIGH_A_MAC],
				    "neighbor MAC must be a unicast address");
		return -EINVAL;
	}
	if (!psw_unicast_addr(addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_NEIGH_A_ADDR],
				    "neighbor must be a unicast IPv4 address");
		return -EINVAL;
	}
	ret = psw_neigh_set(psw_nl_switch(info), port, addr, mac, PSW_NEIGH_STATIC);
	if (ret)
		NL_SET_ERR_MSG_MOD(info->extack, "neighbor table full");
	return ret;
}

int psw_nl_neigh_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_NEIGH_A_MAX + 1];
	__be32 addr;
	u16 port;
	int ret;

	ret = psw_nl_neigh_key(info, psw_neigh_del_nl_policy_nest, tb, &addr, &port);
	if (ret)
		return ret;
	ret = psw_neigh_del(psw_nl_switch(info), port, addr);
	if (ret)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_NEIGH_A_ADDR],
				    "no such neighbor on this port");
	return ret;
}
