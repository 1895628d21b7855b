// SPDX-License-Identifier: GPL-2.0
/* Netlink: switches (PSW_CMD_SWITCH_*) and their counters. */

#include "counters.h"
#include "compat.h"
#include "netlink.h"
#include "switch.h"

#include <kunit/visibility.h>
#include <net/sock.h>

static int psw_nl_put_timeouts(struct sk_buff *skb, int type, const u32 *timeout)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < PSW_SESS_NSTATES; i++)
		if (nla_put_u32(skb, i + 1, timeout[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Put @sw's attributes (PSW_CMD_SWITCH_GET reply) into @skb. */
int psw_nl_fill_switch(struct sk_buff *skb, const struct psw_switch *sw,
		       const struct psw_params *p)
{
	if (nla_put_u32(skb, PSW_A_IFINDEX, sw->dev->ifindex) ||
	    nla_put_string(skb, PSW_A_IFNAME, sw->dev->name) ||
	    nla_put(skb, PSW_A_MAC, ETH_ALEN, p->mac) ||
	    nla_put_in_addr(skb, PSW_A_ADDRESS, p->address) ||
	    nla_put_u8(skb, PSW_A_HOST_ROUTES, p->host_routes) ||
	    nla_put_u8(skb, PSW_A_ANTI_SPOOF, p->anti_spoof) ||
	    nla_put_u32(skb, PSW_A_MAX_SESSIONS, p->max_sessions[PSW_SESSION_ACL]) ||
	    psw_nl_put_timeouts(skb, PSW_A_TIMEOUTS, p->timeout[PSW_SESSION_ACL]) ||
	    nla_put_u32(skb, PSW_A_NAT44_MAX_SESSIONS, p->max_sessions[PSW_SESSION_NAT44]) ||
	    psw_nl_put_timeouts(skb, PSW_A_NAT44_TIMEOUTS, p->timeout[PSW_SESSION_NAT44]) ||
	    nla_put_in_addr(skb, PSW_A_NAT44_LOOPBACK, p->nat_loopback) ||
	    nla_put_u32(skb, PSW_A_ICMP_RATE, p->icmp_rate) ||
	    nla_put_u32(skb, PSW_A_ICMP_BURST, p->icmp_burst) ||
	    nla_put_u32(skb, PSW_A_PORT_MAX_SESSIONS, p->port_max_sessions[PSW_SESSION_ACL]) ||
	    nla_put_u32(skb, PSW_A_NAT44_PORT_MAX_SESSIONS,
			p->port_max_sessions[PSW_SESSION_NAT44]))
		return -EMSGSIZE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nl_fill_switch);

static int psw_nl_switch_msg(struct sk_buff *skb, struct psw_switch *sw,
			     const struct psw_params *p, u32 portid, u32 seq,
			     int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &psw_genl_family, flags,
			  PSW_CMD_SWITCH_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (psw_nl_fill_switch(skb, sw, p)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A read: under RCU alone, as anyone may ask. */
int psw_nl_switch_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw;
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	sw = psw_switch_find(genl_info_net(info), info->attrs, info->extack);
	ret = IS_ERR(sw) ? PTR_ERR(sw) :
	      psw_nl_switch_msg(msg, sw, rcu_dereference(sw->params),
				info->snd_portid, info->snd_seq, 0);
	rcu_read_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * cb->args[0] counts the switches already sent; if the netdev list changed
 * in between, the dev_base_seq check marks the dump interrupted. A switch
 * named in the request is the only one dumped.
 */
int psw_nl_switch_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = psw_dump_attrs(cb);
	struct net *net = sock_net(skb->sk);
	struct psw_switch *sw, *only = NULL;
	struct net_device *dev;
	long idx = 0;

	rcu_read_lock();
	if (attrs[PSW_A_IFINDEX] || attrs[PSW_A_IFNAME]) {
		only = psw_switch_find(net, attrs, cb->extack);
		if (IS_ERR(only)) {
			rcu_read_unlock();
			return PTR_ERR(only);
		}
	}
	cb->seq = READ_ONCE(net->dev_base_seq);
	for_each_netdev_rcu(net, dev) {
		if (!psw_is_switch(dev) || (only && dev != only->dev))
			continue;
		if (idx++ < cb->args[0])
			continue;
		sw = netdev_priv(dev);
		/* A full skb ends this part; the next call resumes here. */
		if (psw_nl_switch_msg(skb, sw, rcu_dereference(sw->params),
				      NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
		cb->args[0] = idx;
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	}
	rcu_read_unlock();

	return skb->len;
}

/* The timeouts attribute @type gives, if there, into @timeout. */
static int psw_nl_get_timeouts(struct genl_info *info, int type, u32 *timeout)
{
	struct nlattr *tb[PSW_TIMEOUT_A_MAX + 1];
	int i, ret;

	if (!info->attrs[type])
		return 0;
	ret = nla_parse_nested(tb, PSW_TIMEOUT_A_MAX, info->attrs[type],
			       psw_timeout_nl_policy, info->extack);
	if (ret)
		return ret;
	for (i = 0; i < PSW_SESS_NSTATES; i++)
		if (tb[i + 1])
			timeout[i] = nla_get_u32(tb[i + 1]);
	return 0;
}

int psw_nl_switch_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw = psw_nl_switch(info);
	struct nlattr **attrs = info->attrs;
	struct psw_params p;
	int ret;

	p = *psw_cfg(sw, sw->params);

	if (attrs[PSW_A_MAC]) {
		if (!is_valid_ether_addr(nla_data(attrs[PSW_A_MAC]))) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[PSW_A_MAC],
					    "switch MAC must be a unicast address");
			return -EINVAL;
		}
		ether_addr_copy(p.mac, nla_data(attrs[PSW_A_MAC]));
	}
	if (attrs[PSW_A_ADDRESS]) {
		p.address = nla_get_in_addr(attrs[PSW_A_ADDRESS]);
		if (!psw_unicast_addr(p.address)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[PSW_A_ADDRESS],
					    "switch address must be a unicast IPv4 address");
			return -EINVAL;
		}
	}
	if (attrs[PSW_A_NAT44_LOOPBACK]) {
		p.nat_loopback = nla_get_in_addr(attrs[PSW_A_NAT44_LOOPBACK]);
		if (p.nat_loopback && !psw_unicast_addr(p.nat_loopback)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[PSW_A_NAT44_LOOPBACK],
					    "NAT loopback must be a unicast IPv4 address");
			return -EINVAL;
		}
	}
	if (attrs[PSW_A_HOST_ROUTES])
		p.host_routes = nla_get_u8(attrs[PSW_A_HOST_ROUTES]);
	if (attrs[PSW_A_ANTI_SPOOF])
		p.anti_spoof = nla_get_u8(attrs[PSW_A_ANTI_SPOOF]);
	if (attrs[PSW_A_ICMP_RATE])
		p.icmp_rate = nla_get_u32(attrs[PSW_A_ICMP_RATE]);
	if (attrs[PSW_A_ICMP_BURST])
		p.icmp_burst = nla_get_u32(attrs[PSW_A_ICMP_BURST]);
	if (attrs[PSW_A_MAX_SESSIONS])
		p.max_sessions[PSW_SESSION_ACL] = nla_get_u32(attrs[PSW_A_MAX_SESSIONS]);
	if (attrs[PSW_A_PORT_MAX_SESSIONS])
		p.port_max_sessions[PSW_SESSION_ACL] =
			nla_get_u32(attrs[PSW_A_PORT_MAX_SESSIONS]);
	if (attrs[PSW_A_NAT44_PORT_MAX_SESSIONS])
		p.port_max_sessions[PSW_SESSION_NAT44] =
			nla_get_u32(attrs[PSW_A_NAT44_PORT_MAX_SESSIONS]);
	if (attrs[PSW_A_NAT44_MAX_SESSIONS])
		p.max_sessions[PSW_SESSION_NAT44] =
			nla_get_u32(attrs[PSW_A_NAT44_MAX_SESSIONS]);
	ret = psw_nl_get_timeouts(info, PSW_A_TIMEOUTS, p.timeout[PSW_SESSION_ACL]);
	if (!ret)
		ret = psw_nl_get_timeouts(info, PSW_A_NAT44_TIMEOUTS,
					  p.timeout[PSW_SESSION_NAT44]);
	if (!ret)
		ret = psw_switch_set_params(sw, &p);
	return ret;
}

static int psw_nl_fill_counter_idx(struct sk_buff *skb, struct psw_switch *sw, long idx)
{
	struct nlattr *nest;
	u64 n;

	if (idx >= PSW_C_MAX)
		return -ERANGE;
	n = psw_counter_sum(sw->counters, idx);
	if (!n)
		return -ENOENT;
	nest = nla_nest_start(skb, PSW_A_COUNTER);
	if (!nest ||
	    nla_put_string(skb, PSW_COUNTER_A_NODE, psw_counter_info[idx].node) ||
	    nla_put_string(skb, PSW_COUNTER_A_REASON, psw_counter_info[idx].reason) ||
	    nla_put_u64_64bit(skb, PSW_COUNTER_A_VALUE, n, PSW_COUNTER_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int psw_nl_counter_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump_each(skb, cb, PSW_CMD_COUNTER_GET, psw_nl_fill_counter_idx);
}
