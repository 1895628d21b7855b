// SPDX-License-Identifier: GPL-2.0
/*
 * The "podswitch" generic netlink family; uapi/linux/podswitch.h documents
 * every command and attribute.
 *
 * Locking: mutations take RTNL, then the switch's lock, validate
 * everything before changing anything, and publish new state under RCU;
 * a rejected request changes nothing. Reads run under rcu_read_lock().
 * Dumps of per-switch objects stamp cb->seq with the switch's generation
 * so that a change between two parts marks the dump interrupted
 * (NLM_F_DUMP_INTR) and pswctl retries it.
 */

#include "acl.h"
#include "compat.h"
#include "fib.h"
#include "nat44.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/visibility.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <linux/inetdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#define PSW_MAX_STATIC_ROUTES 65536

static const struct nla_policy psw_addr_policy[PSW_ADDR_A_MAX + 1] = {
	[PSW_ADDR_A_ADDR]	= { .type = NLA_BE32 },
};

static const struct nla_policy psw_port_policy[PSW_PORT_A_MAX + 1] = {
	[PSW_PORT_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_PORT_A_IFNAME]	= { .type = NLA_REJECT },
	[PSW_PORT_A_INDEX]	= { .type = NLA_REJECT },
	[PSW_PORT_A_TYPE]	= NLA_POLICY_RANGE(NLA_U8, PSW_PORT_POD, PSW_PORT_UPLINK),
	[PSW_PORT_A_MAC]	= NLA_POLICY_ETH_ADDR,
	[PSW_PORT_A_ADDRS]	= NLA_POLICY_NESTED(psw_addr_policy),
	[PSW_PORT_A_STATS]	= { .type = NLA_REJECT },
	[PSW_PORT_A_ACL_IN]	= { .type = NLA_REJECT },
	[PSW_PORT_A_ACL_OUT]	= { .type = NLA_REJECT },
};

static const struct nla_policy psw_rule_policy[PSW_RULE_A_MAX + 1] = {
	[PSW_RULE_A_ACTION]	= NLA_POLICY_MAX(NLA_U8, PSW_ACL_ACTION_MAX),
	[PSW_RULE_A_PROTO]	= NLA_POLICY_MIN(NLA_U8, 1),
	[PSW_RULE_A_SRC]	= { .type = NLA_BE32 },
	[PSW_RULE_A_SRC_PLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[PSW_RULE_A_DST]	= { .type = NLA_BE32 },
	[PSW_RULE_A_DST_PLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[PSW_RULE_A_SPORT_MIN]	= { .type = NLA_U16 },
	[PSW_RULE_A_SPORT_MAX]	= { .type = NLA_U16 },
	[PSW_RULE_A_DPORT_MIN]	= { .type = NLA_U16 },
	[PSW_RULE_A_DPORT_MAX]	= { .type = NLA_U16 },
	[PSW_RULE_A_TCP_FLAGS]	= { .type = NLA_U8 },
	[PSW_RULE_A_TCP_MASK]	= { .type = NLA_U8 },
	[PSW_RULE_A_HITS]	= { .type = NLA_REJECT },
};

static const struct nla_policy psw_acl_policy[PSW_ACL_A_MAX + 1] = {
	[PSW_ACL_A_NUM]		= { .type = NLA_U32 },
	[PSW_ACL_A_FIRST]	= { .type = NLA_REJECT },
	[PSW_ACL_A_COUNT]	= { .type = NLA_REJECT },
};

static const struct nla_policy psw_acl_list_policy[PSW_ACL_A_MAX + 1] = {
	[PSW_ACL_A_NUM]		= { .type = NLA_U32 },
};

static struct netlink_range_validation psw_timeout_range __ro_after_init = {
	.min = 1,
	.max = PSW_TIMEOUT_MAX,
};

static struct netlink_range_validation psw_max_sessions_range __ro_after_init = {
	.min = 1,
	.max = PSW_MAX_SESSIONS_LIMIT,
};

static const struct nla_policy psw_timeout_policy[PSW_TIMEOUT_A_MAX + 1] = {
	[PSW_TIMEOUT_A_TCP_ESTABLISHED]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_timeout_range),
	[PSW_TIMEOUT_A_TCP_TRANSIENT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_timeout_range),
	[PSW_TIMEOUT_A_UDP]		= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_timeout_range),
	[PSW_TIMEOUT_A_ICMP]		= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_timeout_range),
};

static struct netlink_range_validation psw_affinity_range __ro_after_init = {
	.max = PSW_NAT_MAX_AFFINITY,
};

static struct netlink_range_validation psw_weight_range __ro_after_init = {
	.min = 1,
	.max = PSW_NAT_MAX_WEIGHT,
};

static const struct nla_policy psw_backend_policy[PSW_BACKEND_A_MAX + 1] = {
	[PSW_BACKEND_A_ADDR]	= { .type = NLA_BE32 },
	[PSW_BACKEND_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[PSW_BACKEND_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_weight_range),
};

static const struct nla_policy psw_service_policy[PSW_SVC_A_MAX + 1] = {
	[PSW_SVC_A_PROTO]	= { .type = NLA_U8 },
	[PSW_SVC_A_VIP]		= { .type = NLA_BE32 },
	[PSW_SVC_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[PSW_SVC_A_AFFINITY]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_affinity_range),
	[PSW_SVC_A_BACKEND]	= NLA_POLICY_NESTED(psw_backend_policy),
};

static const struct nla_policy psw_snat_policy[PSW_SNAT_A_MAX + 1] = {
	[PSW_SNAT_A_PORT]	= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_SNAT_A_FIRST]	= { .type = NLA_BE32 },
	[PSW_SNAT_A_LAST]	= { .type = NLA_BE32 },
};

static const struct nla_policy psw_route_policy[PSW_ROUTE_A_MAX + 1] = {
	[PSW_ROUTE_A_DST]	= { .type = NLA_BE32 },
	[PSW_ROUTE_A_PREFIXLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[PSW_ROUTE_A_TYPE]	= NLA_POLICY_MAX(NLA_U8, PSW_ROUTE_TYPE_MAX),
	[PSW_ROUTE_A_PORT]	= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_ROUTE_A_GATEWAY]	= { .type = NLA_BE32 },
	[PSW_ROUTE_A_ORIGIN]	= { .type = NLA_REJECT },
};

static const struct nla_policy psw_neigh_policy[PSW_NEIGH_A_MAX + 1] = {
	[PSW_NEIGH_A_ADDR]	= { .type = NLA_BE32 },
	[PSW_NEIGH_A_MAC]	= NLA_POLICY_ETH_ADDR,
	[PSW_NEIGH_A_PORT]	= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_NEIGH_A_STATE]	= { .type = NLA_REJECT },
	[PSW_NEIGH_A_AGE_MS]	= { .type = NLA_REJECT },
};

static const struct nla_policy psw_policy[PSW_A_MAX + 1] = {
	[PSW_A_IFINDEX]		= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PSW_A_MAC]		= NLA_POLICY_ETH_ADDR,
	[PSW_A_ADDRESS]		= { .type = NLA_BE32 },
	[PSW_A_HOST_ROUTES]	= NLA_POLICY_MAX(NLA_U8, 1),
	[PSW_A_ANTI_SPOOF]	= NLA_POLICY_MAX(NLA_U8, 1),
	[PSW_A_PORT]		= NLA_POLICY_NESTED(psw_port_policy),
	[PSW_A_ROUTE]		= NLA_POLICY_NESTED(psw_route_policy),
	[PSW_A_NEIGH]		= NLA_POLICY_NESTED(psw_neigh_policy),
	[PSW_A_TRACE_COUNT]	= NLA_POLICY_RANGE(NLA_U32, 1, PSW_TRACE_MAX),
	[PSW_A_TRACE_SEQ]	= { .type = NLA_REJECT },
	[PSW_A_TRACE_TIME_NS]	= { .type = NLA_REJECT },
	[PSW_A_TRACE_TEXT]	= { .type = NLA_REJECT },
	[PSW_A_ERR_NODE]	= { .type = NLA_REJECT },
	[PSW_A_ERR_REASON]	= { .type = NLA_REJECT },
	[PSW_A_ERR_COUNT]	= { .type = NLA_REJECT },
	[PSW_A_ACL]		= NLA_POLICY_NESTED(psw_acl_policy),
	[PSW_A_ACL_DIR]		= NLA_POLICY_MAX(NLA_U8, PSW_ACL_DIR_MAX),
	[PSW_A_ACL_LIST]	= NLA_POLICY_NESTED(psw_acl_list_policy),
	[PSW_A_SESSION]		= { .type = NLA_REJECT },
	[PSW_A_SESSION_TABLE]	= NLA_POLICY_MAX(NLA_U8, PSW_SESSION_TABLE_MAX),
	[PSW_A_TIMEOUTS]	= NLA_POLICY_NESTED(psw_timeout_policy),
	[PSW_A_MAX_SESSIONS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_max_sessions_range),
	[PSW_A_RULE]		= NLA_POLICY_NESTED(psw_rule_policy),
	[PSW_A_NAT44_TIMEOUTS]	= NLA_POLICY_NESTED(psw_timeout_policy),
	[PSW_A_NAT44_MAX_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &psw_max_sessions_range),
	[PSW_A_NAT44_LOOPBACK]	= { .type = NLA_BE32 },
	[PSW_A_SERVICE]		= NLA_POLICY_NESTED(psw_service_policy),
	[PSW_A_SNAT]		= NLA_POLICY_NESTED(psw_snat_policy),
};

static struct genl_family psw_genl_family;

/* ---- switches ---- */

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

/* Put @sw's attributes (PSW_CMD_GET_SWITCH reply) into @skb. */
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
	    nla_put_in_addr(skb, PSW_A_NAT44_LOOPBACK, p->nat_loopback))
		return -EMSGSIZE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nl_fill_switch);

static int psw_nl_switch_msg(struct sk_buff *skb, struct psw_switch *sw,
			     u32 portid, u32 seq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &psw_genl_family, flags,
			  PSW_CMD_GET_SWITCH);
	if (!hdr)
		return -EMSGSIZE;
	if (psw_nl_fill_switch(skb, sw, rcu_dereference(sw->params))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int psw_nl_get_switch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw;
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rcu_read_lock();
	sw = psw_switch_find(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto err_unlock;
	}
	ret = psw_nl_switch_msg(msg, sw, info->snd_portid, info->snd_seq, 0);
	if (ret)
		goto err_unlock;
	rcu_read_unlock();

	return genlmsg_reply(msg, info);

err_unlock:
	rcu_read_unlock();
	nlmsg_free(msg);
	return ret;
}

/*
 * cb->args[0] counts the switches already sent; if the netdev list changed
 * in between, the dev_base_seq check marks the dump interrupted.
 */
static int psw_nl_get_switch_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct net_device *dev;
	long idx = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(net->dev_base_seq);
	for_each_netdev_rcu(net, dev) {
		if (!psw_is_switch(dev))
			continue;
		if (idx++ < cb->args[0])
			continue;
		/* A full skb ends this part; the next call resumes here. */
		if (psw_nl_switch_msg(skb, netdev_priv(dev),
				      NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
		cb->args[0] = idx;
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	}
	rcu_read_unlock();

	return skb->len;
}

/* Find the switch a mutation names, with RTNL held; takes its lock. */
static struct psw_switch *psw_nl_lock_switch(struct genl_info *info)
{
	struct psw_switch *sw;

	rtnl_lock();
	rcu_read_lock();
	sw = psw_switch_find(genl_info_net(info), info->attrs, info->extack);
	rcu_read_unlock();
	if (IS_ERR(sw)) {
		rtnl_unlock();
		return sw;
	}
	mutex_lock(&sw->lock);
	return sw;
}

static void psw_nl_unlock_switch(struct psw_switch *sw)
{
	mutex_unlock(&sw->lock);
	rtnl_unlock();
}

static bool psw_unicast_addr(__be32 a)
{
	return !(ipv4_is_multicast(a) || ipv4_is_lbcast(a) ||
		 ipv4_is_zeronet(a) || ipv4_is_loopback(a));
}

/* The timeouts attribute @type gives, if there, into @timeout. */
static int psw_nl_get_timeouts(struct genl_info *info, int type, u32 *timeout)
{
	struct nlattr *tb[PSW_TIMEOUT_A_MAX + 1];
	int i, ret;

	if (!info->attrs[type])
		return 0;
	ret = nla_parse_nested(tb, PSW_TIMEOUT_A_MAX, info->attrs[type],
			       psw_timeout_policy, info->extack);
	if (ret)
		return ret;
	for (i = 0; i < PSW_SESS_NSTATES; i++)
		if (tb[i + 1])
			timeout[i] = nla_get_u32(tb[i + 1]);
	return 0;
}

static int psw_nl_set_switch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct psw_params p;
	struct psw_switch *sw;
	int ret;

	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	p = *psw_cfg(sw, sw->params);

	ret = -EINVAL;
	if (attrs[PSW_A_MAC]) {
		if (!is_valid_ether_addr(nla_data(attrs[PSW_A_MAC]))) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[PSW_A_MAC],
					    "switch MAC must be a unicast address");
			goto out;
		}
		ether_addr_copy(p.mac, nla_data(attrs[PSW_A_MAC]));
	}
	if (attrs[PSW_A_ADDRESS]) {
		p.address = nla_get_in_addr(attrs[PSW_A_ADDRESS]);
		if (!psw_unicast_addr(p.address)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[PSW_A_ADDRESS],
					    "switch address must be a unicast IPv4 address");
			goto out;
		}
	}
	if (attrs[PSW_A_HOST_ROUTES])
		p.host_routes = nla_get_u8(attrs[PSW_A_HOST_ROUTES]);
	if (attrs[PSW_A_ANTI_SPOOF])
		p.anti_spoof = nla_get_u8(attrs[PSW_A_ANTI_SPOOF]);
	if (attrs[PSW_A_NAT44_LOOPBACK]) {
		p.nat_loopback = nla_get_in_addr(attrs[PSW_A_NAT44_LOOPBACK]);
		if (p.nat_loopback && !psw_unicast_addr(p.nat_loopback)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[PSW_A_NAT44_LOOPBACK],
					    "NAT loopback must be a unicast IPv4 address");
			goto out;
		}
	}
	if (attrs[PSW_A_MAX_SESSIONS])
		p.max_sessions[PSW_SESSION_ACL] = nla_get_u32(attrs[PSW_A_MAX_SESSIONS]);
	if (attrs[PSW_A_NAT44_MAX_SESSIONS])
		p.max_sessions[PSW_SESSION_NAT44] =
			nla_get_u32(attrs[PSW_A_NAT44_MAX_SESSIONS]);
	ret = psw_nl_get_timeouts(info, PSW_A_TIMEOUTS, p.timeout[PSW_SESSION_ACL]);
	if (!ret)
		ret = psw_nl_get_timeouts(info, PSW_A_NAT44_TIMEOUTS,
					  p.timeout[PSW_SESSION_NAT44]);
	if (!ret)
		ret = psw_switch_set_params(sw, &p);
out:
	psw_nl_unlock_switch(sw);
	return ret;
}

/*
 * Per-switch dumps: find the switch each time a part starts, and stamp
 * cb->seq with its generation.
 */
static struct psw_switch *psw_nl_dump_switch(struct sk_buff *skb,
					     struct netlink_callback *cb)
{
	struct psw_switch *sw;

	sw = psw_switch_find(sock_net(skb->sk), psw_dump_attrs(cb), cb->extack);
	if (!IS_ERR(sw))
		cb->seq = READ_ONCE(sw->gen) + 1;
	return sw;
}

static void *psw_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
			     u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &psw_genl_family, NLM_F_MULTI, cmd);
}

static void psw_nl_dump_end(struct sk_buff *skb, struct netlink_callback *cb,
			    void *hdr)
{
	genlmsg_end(skb, hdr);
	nl_dump_check_consistent(cb, nlmsg_hdr(skb));
}

/*
 * Put object @idx of @sw into @skb: 0 when done, -ENOENT when there is no
 * such object but there may be more, -ERANGE past the last one,
 * -EMSGSIZE when the skb is full.
 */
typedef int (*psw_nl_fill_fn)(struct sk_buff *skb, struct psw_switch *sw, long idx);

/* A dump of a switch's objects by index; cb->args[0] is where to resume. */
static int psw_nl_dump_each(struct sk_buff *skb, struct netlink_callback *cb,
			    u8 cmd, psw_nl_fill_fn fill)
{
	struct psw_switch *sw;
	int ret;
	long i;
	void *hdr;

	rcu_read_lock();
	sw = psw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto out;
	}
	for (i = cb->args[0];; i++) {
		hdr = psw_nl_dump_hdr(skb, cb, cmd);
		if (!hdr)
			break;
		ret = fill(skb, sw, i);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			if (ret == -ENOENT)
				continue;
			break;
		}
		psw_nl_dump_end(skb, cb, hdr);
	}
	cb->args[0] = i;
	ret = skb->len;
out:
	rcu_read_unlock();
	return ret;
}

/* ---- ports ---- */

/* The ACL numbers @cls binds, as a nest @type; nothing when unbound. */
static int psw_nl_put_binding(struct sk_buff *skb, int type,
			      const struct psw_acl_cls *cls)
{
	struct nlattr *nest;
	u32 i;

	if (!cls)
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < psw_acl_cls_nacls(cls); i++)
		if (nla_put_u32(skb, PSW_ACL_A_NUM, psw_acl_cls_acl(cls, i)))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int psw_nl_fill_port(struct sk_buff *skb, struct psw_port *port)
{
	struct psw_port_stats st;
	struct nlattr *nest, *addrs, *stats;
	unsigned int a;

	nest = nla_nest_start(skb, PSW_A_PORT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PSW_PORT_A_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(skb, PSW_PORT_A_IFNAME,
			   port->type == PSW_PORT_HOST ? "host" : port->dev->name) ||
	    nla_put_u32(skb, PSW_PORT_A_INDEX, port->index) ||
	    nla_put_u8(skb, PSW_PORT_A_TYPE, port->type))
		goto cancel;
	/* mac_known is released after the MAC is written (input.c). */
	if (port->type == PSW_PORT_POD ? smp_load_acquire(&port->mac_known) &&
	    nla_put(skb, PSW_PORT_A_MAC, ETH_ALEN, port->pod_mac) :
	    nla_put(skb, PSW_PORT_A_MAC, ETH_ALEN, psw_port_mac(port)))
		goto cancel;
	addrs = nla_nest_start(skb, PSW_PORT_A_ADDRS);
	if (!addrs)
		goto cancel;
	for (a = 0; a < port->naddrs; a++)
		if (nla_put_in_addr(skb, PSW_ADDR_A_ADDR, port->addrs[a]))
			goto cancel;
	nla_nest_end(skb, addrs);

	psw_port_stats_sum(port, &st);
	stats = nla_nest_start(skb, PSW_PORT_A_STATS);
	if (!stats ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_RX_PACKETS, st.rx_packets, PSW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_RX_BYTES, st.rx_bytes, PSW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_TX_PACKETS, st.tx_packets, PSW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_TX_BYTES, st.tx_bytes, PSW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_DROPS, st.drops, PSW_STATS_A_PAD))
		goto cancel;
	nla_nest_end(skb, stats);
	if (psw_nl_put_binding(skb, PSW_PORT_A_ACL_IN,
			       rcu_dereference(port->acl[PSW_ACL_IN])) ||
	    psw_nl_put_binding(skb, PSW_PORT_A_ACL_OUT,
			       rcu_dereference(port->acl[PSW_ACL_OUT])))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int psw_nl_fill_port_idx(struct sk_buff *skb, struct psw_switch *sw, long idx)
{
	struct psw_port *port;

	if (idx >= PSW_MAX_PORTS)
		return -ERANGE;
	port = rcu_dereference(sw->ports[idx]);
	return port ? psw_nl_fill_port(skb, port) : -ENOENT;
}

static int psw_nl_get_port_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump_each(skb, cb, PSW_CMD_GET_PORT, psw_nl_fill_port_idx);
}

/* Parse the nest @attr, which must be there, into @tb. */
static int psw_nl_parse_nest(struct genl_info *info, int attr, int max,
			     const struct nla_policy *policy, struct nlattr **tb)
{
	static const char *const missing[] = {
		[PSW_A_PORT] = KBUILD_MODNAME ": PSW_A_PORT required",
		[PSW_A_ROUTE] = KBUILD_MODNAME ": PSW_A_ROUTE required",
		[PSW_A_NEIGH] = KBUILD_MODNAME ": PSW_A_NEIGH required",
		[PSW_A_ACL] = KBUILD_MODNAME ": PSW_A_ACL required",
		[PSW_A_SERVICE] = KBUILD_MODNAME ": PSW_A_SERVICE required",
		[PSW_A_SNAT] = KBUILD_MODNAME ": PSW_A_SNAT required",
	};

	if (!info->attrs[attr]) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, attr);
		/* NL_SET_ERR_MSG() takes literals only. */
		if (info->extack)
			info->extack->_msg = missing[attr];
		return -EINVAL;
	}
	return nla_parse_nested(tb, max, info->attrs[attr], policy, info->extack);
}

#define PSW_NL_REQUIRE(info, tb, nest, a, what)				\
	({								\
		bool __missing = !(tb)[a];				\
		if (__missing)						\
			NL_SET_ERR_ATTR_MISS((info)->extack, nest, a);	\
		if (__missing)						\
			NL_SET_ERR_MSG_MOD((info)->extack, what " required"); \
		__missing;						\
	})

/* The port device an attribute names: the switch itself is the host port. */
static struct psw_port *psw_nl_port(struct psw_switch *sw, struct genl_info *info,
				    struct nlattr *attr)
{
	struct psw_port *port = psw_port_by_ifindex(sw, nla_get_u32(attr));

	if (!port) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "device is not a port of this switch");
		return ERR_PTR(-ENOENT);
	}
	return port;
}

static int psw_nl_new_port_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_PORT_A_MAX + 1], *a;
	struct psw_port_cfg cfg = { .type = PSW_PORT_POD };
	struct psw_switch *sw;
	int ret, rem;
	unsigned int i;

	ret = psw_nl_parse_nest(info, PSW_A_PORT, PSW_PORT_A_MAX, psw_port_policy, tb);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, info->attrs[PSW_A_PORT], PSW_PORT_A_IFINDEX,
			   "PSW_PORT_A_IFINDEX"))
		return -EINVAL;
	if (tb[PSW_PORT_A_TYPE])
		cfg.type = nla_get_u8(tb[PSW_PORT_A_TYPE]);
	if (tb[PSW_PORT_A_MAC]) {
		cfg.mac = nla_data(tb[PSW_PORT_A_MAC]);
		if (!is_valid_ether_addr(cfg.mac)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_PORT_A_MAC],
					    "pod MAC must be a unicast address");
			return -EINVAL;
		}
	}
	if (tb[PSW_PORT_A_ADDRS]) {
		if (cfg.type != PSW_PORT_POD) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_PORT_A_ADDRS],
					    "only pod ports have addresses");
			return -EINVAL;
		}
		nla_for_each_nested(a, tb[PSW_PORT_A_ADDRS], rem) {
			__be32 addr;

			if (nla_type(a) != PSW_ADDR_A_ADDR)
				continue;
			if (cfg.naddrs == PSW_PORT_MAX_ADDRS) {
				NL_SET_ERR_MSG_ATTR(info->extack, a, "too many pod addresses");
				return -E2BIG;
			}
			addr = nla_get_in_addr(a);
			if (!psw_unicast_addr(addr)) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "pod address must be a unicast IPv4 address");
				return -EINVAL;
			}
			for (i = 0; i < cfg.naddrs; i++) {
				if (cfg.addrs[i] == addr) {
					NL_SET_ERR_MSG_ATTR(info->extack, a,
							    "pod address given twice");
					return -EINVAL;
				}
			}
			cfg.addrs[cfg.naddrs++] = addr;
		}
	}

	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	cfg.dev = __dev_get_by_index(genl_info_net(info),
				     nla_get_u32(tb[PSW_PORT_A_IFINDEX]));
	if (!cfg.dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_PORT_A_IFINDEX], "no such device");
		ret = -ENODEV;
	} else {
		ret = psw_port_add(sw, &cfg, info->extack);
		if (ret)
			NL_SET_BAD_ATTR(info->extack, tb[PSW_PORT_A_IFINDEX]);
	}
	psw_nl_unlock_switch(sw);
	return ret;
}

static int psw_nl_del_port_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_PORT_A_MAX + 1];
	struct psw_switch *sw;
	struct psw_port *port;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_PORT, PSW_PORT_A_MAX, psw_port_policy, tb);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, info->attrs[PSW_A_PORT], PSW_PORT_A_IFINDEX,
			   "PSW_PORT_A_IFINDEX"))
		return -EINVAL;
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	port = psw_nl_port(sw, info, tb[PSW_PORT_A_IFINDEX]);
	if (IS_ERR(port)) {
		ret = PTR_ERR(port);
	} else if (port->type == PSW_PORT_HOST) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_PORT_A_IFINDEX],
				    "the host port goes only with the switch");
		ret = -EINVAL;
	} else {
		psw_port_del(port);
	}
	psw_nl_unlock_switch(sw);
	return ret;
}

/* ---- routes ---- */

static int psw_nl_fill_route(struct sk_buff *skb, struct psw_switch *sw,
			     const struct psw_route *r)
{
	struct psw_port *port = rcu_dereference(sw->ports[r->port]);
	struct nlattr *nest = nla_nest_start(skb, PSW_A_ROUTE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in_addr(skb, PSW_ROUTE_A_DST, r->dst) ||
	    nla_put_u8(skb, PSW_ROUTE_A_PREFIXLEN, r->plen) ||
	    nla_put_u8(skb, PSW_ROUTE_A_TYPE, r->type) ||
	    nla_put_u8(skb, PSW_ROUTE_A_ORIGIN, r->origin) ||
	    (r->type != PSW_ROUTE_DROP && port &&
	     nla_put_u32(skb, PSW_ROUTE_A_PORT, port->dev->ifindex)) ||
	    (r->type == PSW_ROUTE_VIA &&
	     nla_put_in_addr(skb, PSW_ROUTE_A_GATEWAY, r->gw))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int psw_nl_fill_route_idx(struct sk_buff *skb, struct psw_switch *sw, long idx)
{
	const struct psw_fib *fib = rcu_dereference(sw->fib);

	if (!fib || idx >= fib->nroutes)
		return -ERANGE;
	return psw_nl_fill_route(skb, sw, &fib->routes[idx]);
}

static int psw_nl_get_route_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump_each(skb, cb, PSW_CMD_GET_ROUTE, psw_nl_fill_route_idx);
}

static int psw_nl_route_key(struct genl_info *info, struct nlattr **tb,
			    struct psw_route *r)
{
	struct nlattr *nest = info->attrs[PSW_A_ROUTE];

	if (PSW_NL_REQUIRE(info, tb, nest, PSW_ROUTE_A_DST, "PSW_ROUTE_A_DST") ||
	    PSW_NL_REQUIRE(info, tb, nest, PSW_ROUTE_A_PREFIXLEN, "PSW_ROUTE_A_PREFIXLEN"))
		return -EINVAL;
	r->dst = nla_get_in_addr(tb[PSW_ROUTE_A_DST]);
	r->plen = nla_get_u8(tb[PSW_ROUTE_A_PREFIXLEN]);
	if (r->plen < 32 && (ntohl(r->dst) & (~0U >> r->plen))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_ROUTE_A_DST],
				    "prefix has host bits set");
		return -EINVAL;
	}
	return 0;
}

static struct psw_route_cfg *psw_static_route(struct psw_switch *sw,
					      const struct psw_route *key)
{
	struct psw_route_cfg *rc;

	list_for_each_entry(rc, &sw->static_routes, list)
		if (rc->r.dst == key->dst && rc->r.plen == key->plen)
			return rc;
	return NULL;
}

static int psw_nl_new_route_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_ROUTE_A_MAX + 1];
	struct nlattr *nest = info->attrs[PSW_A_ROUTE];
	struct psw_route r = { .origin = PSW_ROUTE_STATIC };
	struct psw_route_cfg *rc;
	struct psw_switch *sw;
	struct psw_port *port;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_ROUTE, PSW_ROUTE_A_MAX, psw_route_policy, tb);
	if (ret)
		return ret;
	ret = psw_nl_route_key(info, tb, &r);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, nest, PSW_ROUTE_A_TYPE, "PSW_ROUTE_A_TYPE"))
		return -EINVAL;
	r.type = nla_get_u8(tb[PSW_ROUTE_A_TYPE]);
	if ((r.type == PSW_ROUTE_DEV || r.type == PSW_ROUTE_VIA) &&
	    PSW_NL_REQUIRE(info, tb, nest, PSW_ROUTE_A_PORT, "PSW_ROUTE_A_PORT"))
		return -EINVAL;
	if (r.type == PSW_ROUTE_VIA) {
		if (PSW_NL_REQUIRE(info, tb, nest, PSW_ROUTE_A_GATEWAY, "PSW_ROUTE_A_GATEWAY"))
			return -EINVAL;
		r.gw = nla_get_in_addr(tb[PSW_ROUTE_A_GATEWAY]);
		if (!psw_unicast_addr(r.gw)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_ROUTE_A_GATEWAY],
					    "gateway must be a unicast IPv4 address");
			return -EINVAL;
		}
	}

	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	if (r.type == PSW_ROUTE_DEV || r.type == PSW_ROUTE_VIA) {
		port = psw_nl_port(sw, info, tb[PSW_ROUTE_A_PORT]);
		if (IS_ERR(port)) {
			ret = PTR_ERR(port);
			goto out;
		}
		r.port = port->index;
		if (port->type == PSW_PORT_HOST && r.type == PSW_ROUTE_DEV)
			r.type = PSW_ROUTE_HOST;
	}
	if (psw_static_route(sw, &r)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_ROUTE_A_DST],
				    "a static route for this prefix exists");
		ret = -EEXIST;
		goto out;
	}
	if (sw->nstatic_routes >= PSW_MAX_STATIC_ROUTES) {
		NL_SET_ERR_MSG_MOD(info->extack, "too many static routes");
		ret = -ENOSPC;
		goto out;
	}
	ret = -ENOMEM;
	rc = kzalloc(sizeof(*rc), GFP_KERNEL);
	if (!rc)
		goto out;
	rc->r = r;
	list_add_tail(&rc->list, &sw->static_routes);
	sw->nstatic_routes++;
	ret = psw_fib_rebuild(sw);
	if (ret) {
		list_del(&rc->list);
		sw->nstatic_routes--;
		kfree(rc);
	}
out:
	psw_nl_unlock_switch(sw);
	return ret;
}

static int psw_nl_del_route_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_ROUTE_A_MAX + 1];
	struct psw_route_cfg *rc;
	struct psw_switch *sw;
	struct psw_route r;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_ROUTE, PSW_ROUTE_A_MAX, psw_route_policy, tb);
	if (ret)
		return ret;
	ret = psw_nl_route_key(info, tb, &r);
	if (ret)
		return ret;
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	rc = psw_static_route(sw, &r);
	if (!rc) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_ROUTE_A_DST],
				    "no static route for this prefix");
		ret = -ENOENT;
		goto out;
	}
	list_del(&rc->list);
	sw->nstatic_routes--;
	ret = psw_fib_rebuild(sw);
	if (ret) {
		list_add(&rc->list, &sw->static_routes);
		sw->nstatic_routes++;
	} else {
		kfree(rc);
	}
out:
	psw_nl_unlock_switch(sw);
	return ret;
}

/* ---- neighbors ---- */

static int psw_nl_get_neigh_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct psw_switch *sw;
	struct psw_neigh *n;
	struct psw_port *port;
	struct nlattr *nest;
	long b, i, skip;
	int ret;
	void *hdr;

	rcu_read_lock();
	sw = psw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto out;
	}
	for (b = cb->args[0]; b < PSW_NEIGH_BUCKETS; b++, cb->args[1] = 0) {
		i = 0;
		skip = cb->args[1];
		hlist_for_each_entry_rcu(n, &sw->neigh.buckets[b], node) {
			if (i++ < skip)
				continue;
			port = rcu_dereference(sw->ports[n->port]);
			if (!port)
				continue;
			hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_GET_NEIGH);
			if (!hdr)
				goto full;
			nest = nla_nest_start(skb, PSW_A_NEIGH);
			if (!nest ||
			    nla_put_in_addr(skb, PSW_NEIGH_A_ADDR, n->addr) ||
			    (n->state != PSW_NEIGH_INCOMPLETE &&
			     nla_put(skb, PSW_NEIGH_A_MAC, ETH_ALEN, n->mac)) ||
			    nla_put_u32(skb, PSW_NEIGH_A_PORT, port->dev->ifindex) ||
			    nla_put_u8(skb, PSW_NEIGH_A_STATE, READ_ONCE(n->state)) ||
			    nla_put_u32(skb, PSW_NEIGH_A_AGE_MS,
					jiffies_to_msecs(jiffies - READ_ONCE(n->confirmed)))) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			nla_nest_end(skb, nest);
			psw_nl_dump_end(skb, cb, hdr);
			cb->args[1] = i;
		}
	}
full:
	cb->args[0] = b;
	ret = skb->len;
out:
	rcu_read_unlock();
	return ret;
}

static int psw_nl_neigh_doit(struct genl_info *info, bool add)
{
	struct nlattr *tb[PSW_NEIGH_A_MAX + 1];
	struct nlattr *nest = info->attrs[PSW_A_NEIGH];
	struct psw_switch *sw;
	struct psw_port *port;
	const u8 *mac = NULL;
	__be32 addr;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_NEIGH, PSW_NEIGH_A_MAX, psw_neigh_policy, tb);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, nest, PSW_NEIGH_A_ADDR, "PSW_NEIGH_A_ADDR") ||
	    PSW_NL_REQUIRE(info, tb, nest, PSW_NEIGH_A_PORT, "PSW_NEIGH_A_PORT") ||
	    (add && PSW_NL_REQUIRE(info, tb, nest, PSW_NEIGH_A_MAC, "PSW_NEIGH_A_MAC")))
		return -EINVAL;
	addr = nla_get_in_addr(tb[PSW_NEIGH_A_ADDR]);
	if (add) {
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
	}
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	port = psw_nl_port(sw, info, tb[PSW_NEIGH_A_PORT]);
	if (IS_ERR(port)) {
		ret = PTR_ERR(port);
	} else if (add) {
		ret = psw_neigh_set(sw, port->index, addr, mac, PSW_NEIGH_STATIC);
		if (ret)
			NL_SET_ERR_MSG_MOD(info->extack, "neighbor table full");
		else
			WRITE_ONCE(sw->gen, sw->gen + 1);
	} else {
		ret = psw_neigh_del(sw, port->index, addr);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_NEIGH_A_ADDR],
					    "no such neighbor on this port");
		else
			WRITE_ONCE(sw->gen, sw->gen + 1);
	}
	psw_nl_unlock_switch(sw);
	return ret;
}

static int psw_nl_new_neigh_doit(struct sk_buff *skb, struct genl_info *info)
{
	return psw_nl_neigh_doit(info, true);
}

static int psw_nl_del_neigh_doit(struct sk_buff *skb, struct genl_info *info)
{
	return psw_nl_neigh_doit(info, false);
}

/* ---- trace ---- */

static int psw_nl_trace_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw;

	if (!info->attrs[PSW_A_TRACE_COUNT]) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, PSW_A_TRACE_COUNT);
		NL_SET_ERR_MSG_MOD(info->extack, "PSW_A_TRACE_COUNT required");
		return -EINVAL;
	}
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	psw_trace_arm(&sw->trace, nla_get_u32(info->attrs[PSW_A_TRACE_COUNT]));
	psw_nl_unlock_switch(sw);
	return 0;
}

/* A change that cannot fail once the switch is found and locked. */
static int psw_nl_locked(struct genl_info *info, void (*change)(struct psw_switch *sw))
{
	struct psw_switch *sw;

	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	change(sw);
	psw_nl_unlock_switch(sw);
	return 0;
}

static void psw_nl_trace_clear(struct psw_switch *sw)
{
	psw_trace_clear(&sw->trace);
}

static int psw_nl_trace_clear_doit(struct sk_buff *skb, struct genl_info *info)
{
	return psw_nl_locked(info, psw_nl_trace_clear);
}

/* cb->args[0]: the next trace sequence number to send. */
static int psw_nl_trace_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct psw_trace_rec *rec;
	struct psw_switch *sw;
	struct psw_trace *t;
	unsigned int i, slot;
	int ret;
	void *hdr;

	rcu_read_lock();
	sw = psw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto out;
	}
	t = &sw->trace;
	spin_lock_bh(&t->lock);
	for (i = 0; i < t->count; i++) {
		slot = (t->head + PSW_TRACE_MAX - t->count + i) % PSW_TRACE_MAX;
		rec = t->ring[slot];
		if (!rec || rec->seq < cb->args[0])
			continue;
		hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_TRACE_GET);
		if (!hdr)
			break;
		if (nla_put_u32(skb, PSW_A_TRACE_SEQ, rec->seq) ||
		    nla_put_u64_64bit(skb, PSW_A_TRACE_TIME_NS, rec->time_ns, PSW_A_PAD) ||
		    nla_put_string(skb, PSW_A_TRACE_TEXT, rec->text)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = rec->seq + 1;
	}
	spin_unlock_bh(&t->lock);
	ret = skb->len;
out:
	rcu_read_unlock();
	return ret;
}

/* ---- counters ---- */

static int psw_nl_fill_error_idx(struct sk_buff *skb, struct psw_switch *sw, long idx)
{
	u64 n;

	if (idx >= PSW_C_MAX)
		return -ERANGE;
	n = psw_counter_sum(sw->counters, idx);
	if (!n)
		return -ENOENT;
	if (nla_put_string(skb, PSW_A_ERR_NODE, psw_counter_info[idx].node) ||
	    nla_put_string(skb, PSW_A_ERR_REASON, psw_counter_info[idx].reason) ||
	    nla_put_u64_64bit(skb, PSW_A_ERR_COUNT, n, PSW_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int psw_nl_get_errors_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump_each(skb, cb, PSW_CMD_GET_ERRORS, psw_nl_fill_error_idx);
}

/* ---- ACLs ---- */

static u8 psw_nla_u8_or(const struct nlattr *a, u8 dflt)
{
	return a ? nla_get_u8(a) : dflt;
}

static u16 psw_nla_u16_or(const struct nlattr *a, u16 dflt)
{
	return a ? nla_get_u16(a) : dflt;
}

static int psw_nl_parse_rule(struct genl_info *info, struct nlattr *nest,
			     struct psw_acl_rule *r)
{
	struct nlattr *tb[PSW_RULE_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	int ret;

	ret = nla_parse_nested(tb, PSW_RULE_A_MAX, nest, psw_rule_policy, extack);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, nest, PSW_RULE_A_ACTION, "PSW_RULE_A_ACTION"))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->action = nla_get_u8(tb[PSW_RULE_A_ACTION]);
	r->proto = psw_nla_u8_or(tb[PSW_RULE_A_PROTO], 0);
	r->src_plen = tb[PSW_RULE_A_SRC] ? psw_nla_u8_or(tb[PSW_RULE_A_SRC_PLEN], 32) : 0;
	r->dst_plen = tb[PSW_RULE_A_DST] ? psw_nla_u8_or(tb[PSW_RULE_A_DST_PLEN], 32) : 0;
	if (tb[PSW_RULE_A_SRC])
		r->src = nla_get_in_addr(tb[PSW_RULE_A_SRC]);
	if (tb[PSW_RULE_A_DST])
		r->dst = nla_get_in_addr(tb[PSW_RULE_A_DST]);
	if (r->src & ~inet_make_mask(r->src_plen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_SRC], "source prefix has host bits set");
		return -EINVAL;
	}
	if (r->dst & ~inet_make_mask(r->dst_plen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_DST], "destination prefix has host bits set");
		return -EINVAL;
	}
	r->sport_min = psw_nla_u16_or(tb[PSW_RULE_A_SPORT_MIN], 0);
	r->sport_max = psw_nla_u16_or(tb[PSW_RULE_A_SPORT_MAX],
					   tb[PSW_RULE_A_SPORT_MIN] ? r->sport_min : U16_MAX);
	r->dport_min = psw_nla_u16_or(tb[PSW_RULE_A_DPORT_MIN], 0);
	r->dport_max = psw_nla_u16_or(tb[PSW_RULE_A_DPORT_MAX],
					   tb[PSW_RULE_A_DPORT_MIN] ? r->dport_min : U16_MAX);
	if (r->sport_min > r->sport_max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_SPORT_MAX], "source port range is empty");
		return -EINVAL;
	}
	if (r->dport_min > r->dport_max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_DPORT_MAX], "destination port range is empty");
		return -EINVAL;
	}
	if ((tb[PSW_RULE_A_SPORT_MIN] || tb[PSW_RULE_A_SPORT_MAX] ||
	     tb[PSW_RULE_A_DPORT_MIN] || tb[PSW_RULE_A_DPORT_MAX]) &&
	    r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP && r->proto != IPPROTO_ICMP) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "ports need protocol tcp, udp or icmp");
		return -EINVAL;
	}
	/* A type alone leaves the code whole (0..U16_MAX): any code. */
	if (r->proto == IPPROTO_ICMP &&
	    (((r->sport_min || r->sport_max != U16_MAX) && r->sport_max > U8_MAX) ||
	     ((r->dport_min || r->dport_max != U16_MAX) && r->dport_max > U8_MAX))) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "ICMP type and code are 0..255");
		return -EINVAL;
	}
	if (tb[PSW_RULE_A_TCP_FLAGS] || tb[PSW_RULE_A_TCP_MASK]) {
		if (r->proto != IPPROTO_TCP) {
			NL_SET_ERR_MSG_ATTR(extack, nest, "tcp-flags need protocol tcp");
			return -EINVAL;
		}
		r->tcp_flags = psw_nla_u8_or(tb[PSW_RULE_A_TCP_FLAGS], 0);
		r->tcp_mask = psw_nla_u8_or(tb[PSW_RULE_A_TCP_MASK], r->tcp_flags);
		if (r->tcp_flags & ~r->tcp_mask) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_TCP_FLAGS],
					    "tcp-flags value has bits outside the mask");
			return -EINVAL;
		}
	}
	return 0;
}

static int psw_nl_new_acl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_ACL_A_MAX + 1], *nest = info->attrs[PSW_A_ACL], *a;
	struct psw_switch *sw;
	struct psw_acl *acl;
	int ret, rem, n = 0;

	ret = psw_nl_parse_nest(info, PSW_A_ACL, PSW_ACL_A_MAX, psw_acl_policy, tb);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, nest, PSW_ACL_A_NUM, "PSW_ACL_A_NUM"))
		return -EINVAL;
	/* The rules are top-level attributes, in order (uapi). */
	nla_for_each_attr(a, genlmsg_data(info->genlhdr), genlmsg_len(info->genlhdr), rem)
		n += nla_type(a) == PSW_A_RULE;
	if (!n || n > PSW_ACL_MAX_RULES) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "an ACL has 1 to PSW_ACL_MAX_RULES rules (PSW_A_RULE)");
		return -EINVAL;
	}
	acl = psw_acl_alloc(nla_get_u32(tb[PSW_ACL_A_NUM]), n);
	if (!acl)
		return -ENOMEM;
	n = 0;
	nla_for_each_attr(a, genlmsg_data(info->genlhdr), genlmsg_len(info->genlhdr), rem) {
		if (nla_type(a) != PSW_A_RULE)
			continue;
		ret = psw_nl_parse_rule(info, a, &acl->rules[n++]);
		if (ret)
			goto out_put;
	}
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto out_put;
	}
	ret = psw_acl_set(sw, acl, info->extack);
	if (!ret)
		WRITE_ONCE(sw->gen, sw->gen + 1);
	psw_nl_unlock_switch(sw);
	if (!ret)
		return 0;
out_put:
	psw_acl_put(acl);
	return ret;
}

static int psw_nl_del_acl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_ACL_A_MAX + 1], *nest = info->attrs[PSW_A_ACL];
	struct psw_switch *sw;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_ACL, PSW_ACL_A_MAX, psw_acl_policy, tb);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, nest, PSW_ACL_A_NUM, "PSW_ACL_A_NUM"))
		return -EINVAL;
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	ret = psw_acl_del(sw, nla_get_u32(tb[PSW_ACL_A_NUM]), info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, tb[PSW_ACL_A_NUM]);
	else
		WRITE_ONCE(sw->gen, sw->gen + 1);
	psw_nl_unlock_switch(sw);
	return ret;
}

static int psw_nl_put_rule(struct sk_buff *skb, const struct psw_acl *acl, u32 i)
{
	const struct psw_acl_rule *r = &acl->rules[i];
	struct nlattr *nest = nla_nest_start(skb, PSW_A_RULE);

	if (!nest ||
	    nla_put_u8(skb, PSW_RULE_A_ACTION, r->action) ||
	    (r->proto && nla_put_u8(skb, PSW_RULE_A_PROTO, r->proto)) ||
	    nla_put_in_addr(skb, PSW_RULE_A_SRC, r->src) ||
	    nla_put_u8(skb, PSW_RULE_A_SRC_PLEN, r->src_plen) ||
	    nla_put_in_addr(skb, PSW_RULE_A_DST, r->dst) ||
	    nla_put_u8(skb, PSW_RULE_A_DST_PLEN, r->dst_plen) ||
	    nla_put_u16(skb, PSW_RULE_A_SPORT_MIN, r->sport_min) ||
	    nla_put_u16(skb, PSW_RULE_A_SPORT_MAX, r->sport_max) ||
	    nla_put_u16(skb, PSW_RULE_A_DPORT_MIN, r->dport_min) ||
	    nla_put_u16(skb, PSW_RULE_A_DPORT_MAX, r->dport_max) ||
	    (r->tcp_mask && (nla_put_u8(skb, PSW_RULE_A_TCP_FLAGS, r->tcp_flags) ||
			     nla_put_u8(skb, PSW_RULE_A_TCP_MASK, r->tcp_mask))) ||
	    nla_put_u64_64bit(skb, PSW_RULE_A_HITS, psw_acl_hits(acl, i), PSW_RULE_A_PAD)) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * cb->args[0]: the ACL number to resume at, cb->args[1]: its first rule
 * not sent. A long ACL spans messages, each saying where its rules start.
 */
static int psw_nl_get_acl_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long num = cb->args[0];
	struct nlattr *nest;
	struct psw_switch *sw;
	struct psw_acl *acl;
	u32 i;
	void *hdr;
	int ret;

	rcu_read_lock();
	sw = psw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto out;
	}
	for (acl = xa_find(&sw->acls, &num, U32_MAX, XA_PRESENT); acl;
	     acl = xa_find_after(&sw->acls, &num, U32_MAX, XA_PRESENT)) {
		while (cb->args[1] < acl->nrules) {
			hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_GET_ACL);
			if (!hdr)
				goto full;
			nest = nla_nest_start(skb, PSW_A_ACL);
			if (!nest ||
			    nla_put_u32(skb, PSW_ACL_A_NUM, acl->num) ||
			    nla_put_u32(skb, PSW_ACL_A_FIRST, cb->args[1]) ||
			    nla_put_u32(skb, PSW_ACL_A_COUNT, acl->nrules))
				goto cancel;
			nla_nest_end(skb, nest);
			for (i = cb->args[1]; i < acl->nrules; i++)
				if (psw_nl_put_rule(skb, acl, i))
					break;
			if (i == cb->args[1])
				goto cancel;
			psw_nl_dump_end(skb, cb, hdr);
			cb->args[1] = i;
		}
		cb->args[0] = num + 1;
		cb->args[1] = 0;
		if (num == U32_MAX)
			break;
	}
	goto full;
cancel:
	genlmsg_cancel(skb, hdr);
full:
	ret = skb->len;
out:
	rcu_read_unlock();
	return ret;
}

static int psw_nl_bind_acl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_PORT_A_MAX + 1], *a;
	u32 nums[PSW_ACL_MAX_BIND];
	struct psw_switch *sw;
	struct psw_port *port;
	int ret, rem;
	u32 n = 0;

	ret = psw_nl_parse_nest(info, PSW_A_PORT, PSW_PORT_A_MAX, psw_port_policy, tb);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, info->attrs[PSW_A_PORT], PSW_PORT_A_IFINDEX,
			   "PSW_PORT_A_IFINDEX") ||
	    PSW_NL_REQUIRE(info, info->attrs, NULL, PSW_A_ACL_DIR, "PSW_A_ACL_DIR"))
		return -EINVAL;
	if (info->attrs[PSW_A_ACL_LIST]) {
		nla_for_each_nested(a, info->attrs[PSW_A_ACL_LIST], rem) {
			if (nla_type(a) != PSW_ACL_A_NUM)
				continue;
			if (n == PSW_ACL_MAX_BIND) {
				NL_SET_ERR_MSG_ATTR(info->extack, a, "too many ACLs bound");
				return -E2BIG;
			}
			nums[n++] = nla_get_u32(a);
		}
	}
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	port = psw_nl_port(sw, info, tb[PSW_PORT_A_IFINDEX]);
	if (IS_ERR(port)) {
		ret = PTR_ERR(port);
	} else {
		ret = psw_acl_bind(sw, port, nla_get_u8(info->attrs[PSW_A_ACL_DIR]),
				   nums, n, info->extack);
		if (ret)
			NL_SET_BAD_ATTR(info->extack, info->attrs[PSW_A_ACL_LIST]);
		else
			WRITE_ONCE(sw->gen, sw->gen + 1);
	}
	psw_nl_unlock_switch(sw);
	return ret;
}

/* ---- NAT44 services ---- */

static int psw_nl_service_key(struct genl_info *info, struct nlattr **tb,
			      struct psw_nat_svc_key *key)
{
	struct nlattr *nest = info->attrs[PSW_A_SERVICE];

	if (PSW_NL_REQUIRE(info, tb, nest, PSW_SVC_A_PROTO, "PSW_SVC_A_PROTO") ||
	    PSW_NL_REQUIRE(info, tb, nest, PSW_SVC_A_VIP, "PSW_SVC_A_VIP") ||
	    PSW_NL_REQUIRE(info, tb, nest, PSW_SVC_A_PORT, "PSW_SVC_A_PORT"))
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	key->proto = nla_get_u8(tb[PSW_SVC_A_PROTO]);
	key->vip = nla_get_in_addr(tb[PSW_SVC_A_VIP]);
	key->port = htons(nla_get_u16(tb[PSW_SVC_A_PORT]));
	if (key->proto != IPPROTO_TCP && key->proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_SVC_A_PROTO],
				    "a service is TCP or UDP");
		return -EINVAL;
	}
	if (!psw_unicast_addr(key->vip)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_SVC_A_VIP],
				    "service VIP must be a unicast IPv4 address");
		return -EINVAL;
	}
	return 0;
}

static int psw_nl_parse_backend(struct genl_info *info, struct nlattr *nest,
				struct psw_nat_backend *be)
{
	struct nlattr *tb[PSW_BACKEND_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, PSW_BACKEND_A_MAX, nest, psw_backend_policy,
			       info->extack);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, nest, PSW_BACKEND_A_ADDR, "PSW_BACKEND_A_ADDR") ||
	    PSW_NL_REQUIRE(info, tb, nest, PSW_BACKEND_A_PORT, "PSW_BACKEND_A_PORT"))
		return -EINVAL;
	be->addr = nla_get_in_addr(tb[PSW_BACKEND_A_ADDR]);
	be->port = htons(nla_get_u16(tb[PSW_BACKEND_A_PORT]));
	be->weight = tb[PSW_BACKEND_A_WEIGHT] ? nla_get_u32(tb[PSW_BACKEND_A_WEIGHT]) : 1;
	if (!psw_unicast_addr(be->addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_BACKEND_A_ADDR],
				    "backend must be a unicast IPv4 address");
		return -EINVAL;
	}
	return 0;
}

static int psw_nl_new_service_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_SVC_A_MAX + 1], *nest = info->attrs[PSW_A_SERVICE], *a;
	struct psw_nat_service *svc;
	struct psw_nat_svc_key key;
	struct psw_switch *sw;
	int ret, rem, n = 0;

	ret = psw_nl_parse_nest(info, PSW_A_SERVICE, PSW_SVC_A_MAX, psw_service_policy, tb);
	if (ret)
		return ret;
	ret = psw_nl_service_key(info, tb, &key);
	if (ret)
		return ret;
	nla_for_each_nested(a, nest, rem)
		n += nla_type(a) == PSW_SVC_A_BACKEND;
	if (!n || n > PSW_NAT_MAX_BACKENDS) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "a service has 1 to PSW_NAT_MAX_BACKENDS backends (PSW_SVC_A_BACKEND)");
		return -EINVAL;
	}
	svc = psw_nat_service_alloc(n);
	if (!svc)
		return -ENOMEM;
	svc->key = key;
	if (tb[PSW_SVC_A_AFFINITY])
		svc->affinity = nla_get_u32(tb[PSW_SVC_A_AFFINITY]);
	n = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != PSW_SVC_A_BACKEND)
			continue;
		ret = psw_nl_parse_backend(info, a, &svc->backends[n++]);
		if (ret)
			goto out_free;
	}
	if (psw_nat_service_finish(svc) != svc->nbackends) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "a backend is given twice");
		ret = -EINVAL;
		goto out_free;
	}
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto out_free;
	}
	/* Takes the service, stored or not. */
	ret = psw_nat_service_set(sw, svc, info->extack);
	if (!ret)
		WRITE_ONCE(sw->gen, sw->gen + 1);
	else
		NL_SET_BAD_ATTR(info->extack, nest);
	psw_nl_unlock_switch(sw);
	return ret;

out_free:
	kfree(svc);
	return ret;
}

static int psw_nl_del_service_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_SVC_A_MAX + 1];
	struct psw_nat_svc_key key;
	struct psw_switch *sw;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_SERVICE, PSW_SVC_A_MAX, psw_service_policy, tb);
	if (ret)
		return ret;
	ret = psw_nl_service_key(info, tb, &key);
	if (ret)
		return ret;
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	ret = psw_nat_service_del(sw, &key, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[PSW_A_SERVICE]);
	else
		WRITE_ONCE(sw->gen, sw->gen + 1);
	psw_nl_unlock_switch(sw);
	return ret;
}

/* Backends from @first on, as many as fit; returns where it stopped. */
static u32 psw_nl_put_backends(struct sk_buff *skb, const struct psw_nat_service *svc,
			       u32 first)
{
	const struct psw_nat_backend *be;
	struct nlattr *nest;
	u32 i;

	for (i = first; i < svc->nbackends; i++) {
		be = &svc->backends[i];
		nest = nla_nest_start(skb, PSW_SVC_A_BACKEND);
		if (!nest)
			break;
		if (nla_put_in_addr(skb, PSW_BACKEND_A_ADDR, be->addr) ||
		    nla_put_u16(skb, PSW_BACKEND_A_PORT, ntohs(be->port)) ||
		    nla_put_u32(skb, PSW_BACKEND_A_WEIGHT, be->weight)) {
			nla_nest_cancel(skb, nest);
			break;
		}
		nla_nest_end(skb, nest);
	}
	return i;
}

/*
 * One message per service, or several for one whose backends do not fit
 * in one, each with the service's key: cb->args[0] is the service's place
 * in the list, cb->args[1] its first backend still to send.
 */
static int psw_nl_get_service_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct psw_nat_service *svc;
	struct psw_switch *sw;
	struct nlattr *nest;
	long i = 0;
	void *hdr;
	int ret;
	u32 end;

	rcu_read_lock();
	sw = psw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto out;
	}
	list_for_each_entry_rcu(svc, &sw->nat.list, list) {
		if (i++ < cb->args[0])
			continue;
		do {
			hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_GET_SERVICE);
			if (!hdr)
				goto full;
			nest = nla_nest_start(skb, PSW_A_SERVICE);
			if (!nest ||
			    nla_put_u8(skb, PSW_SVC_A_PROTO, svc->key.proto) ||
			    nla_put_in_addr(skb, PSW_SVC_A_VIP, svc->key.vip) ||
			    nla_put_u16(skb, PSW_SVC_A_PORT, ntohs(svc->key.port)) ||
			    nla_put_u32(skb, PSW_SVC_A_AFFINITY, svc->affinity))
				goto cancel;
			end = psw_nl_put_backends(skb, svc, cb->args[1]);
			if (end == cb->args[1])
				goto cancel;
			nla_nest_end(skb, nest);
			psw_nl_dump_end(skb, cb, hdr);
			cb->args[1] = end;
		} while (end < svc->nbackends);
		cb->args[0] = i;
		cb->args[1] = 0;
	}
	goto full;
cancel:
	genlmsg_cancel(skb, hdr);
full:
	ret = skb->len;
out:
	rcu_read_unlock();
	return ret;
}

/* ---- SNAT pools ---- */

static int psw_nl_snat_doit(struct genl_info *info, bool add)
{
	struct nlattr *tb[PSW_SNAT_A_MAX + 1], *nest = info->attrs[PSW_A_SNAT];
	struct psw_switch *sw;
	struct psw_port *port;
	u32 first = 0, last = 0;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_SNAT, PSW_SNAT_A_MAX, psw_snat_policy, tb);
	if (ret)
		return ret;
	if (PSW_NL_REQUIRE(info, tb, nest, PSW_SNAT_A_PORT, "PSW_SNAT_A_PORT"))
		return -EINVAL;
	if (add) {
		if (PSW_NL_REQUIRE(info, tb, nest, PSW_SNAT_A_FIRST, "PSW_SNAT_A_FIRST"))
			return -EINVAL;
		first = ntohl(nla_get_in_addr(tb[PSW_SNAT_A_FIRST]));
		last = tb[PSW_SNAT_A_LAST] ? ntohl(nla_get_in_addr(tb[PSW_SNAT_A_LAST])) : first;
		if (!psw_unicast_addr(htonl(first)) || !psw_unicast_addr(htonl(last))) {
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "SNAT pool addresses must be unicast IPv4 addresses");
			return -EINVAL;
		}
		if (first > last || last - first >= PSW_NAT_MAX_POOL) {
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "SNAT pool is FIRST to LAST, at most PSW_NAT_MAX_POOL addresses");
			return -EINVAL;
		}
	}
	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	port = psw_nl_port(sw, info, tb[PSW_SNAT_A_PORT]);
	if (IS_ERR(port))
		ret = PTR_ERR(port);
	else if (add)
		ret = psw_nat_snat_set(sw, port, first, last, info->extack);
	else
		ret = psw_nat_snat_del(sw, port, info->extack);
	if (!ret)
		WRITE_ONCE(sw->gen, sw->gen + 1);
	else
		NL_SET_BAD_ATTR(info->extack, nest);
	psw_nl_unlock_switch(sw);
	return ret;
}

static int psw_nl_new_snat_doit(struct sk_buff *skb, struct genl_info *info)
{
	return psw_nl_snat_doit(info, true);
}

static int psw_nl_del_snat_doit(struct sk_buff *skb, struct genl_info *info)
{
	return psw_nl_snat_doit(info, false);
}

static int psw_nl_fill_snat_idx(struct sk_buff *skb, struct psw_switch *sw, long idx)
{
	const struct psw_nat_pool *pool;
	struct psw_port *port;
	struct nlattr *nest;

	if (idx >= PSW_MAX_PORTS)
		return -ERANGE;
	port = psw_port_get(sw, idx);
	pool = port ? rcu_dereference(port->snat) : NULL;
	if (!pool)
		return -ENOENT;
	nest = nla_nest_start(skb, PSW_A_SNAT);
	if (!nest ||
	    nla_put_u32(skb, PSW_SNAT_A_PORT, port->dev->ifindex) ||
	    nla_put_in_addr(skb, PSW_SNAT_A_FIRST, htonl(pool->first)) ||
	    nla_put_in_addr(skb, PSW_SNAT_A_LAST, htonl(pool->last)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int psw_nl_get_snat_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump_each(skb, cb, PSW_CMD_GET_SNAT, psw_nl_fill_snat_idx);
}

/* ---- sessions ---- */

/* A session as the dump shows it, copied while its CPU list is locked. */
struct psw_nl_sess {
	__be32 src;
	__be32 dst;
	__be32 xsrc;
	__be32 xdst;
	u16 sport;
	u16 dport;
	u16 xsport;
	u16 xdport;
	u8 table;
	u8 proto;
	u8 state;
	u16 port;
	u32 id;
	u32 idle_ms;
	u32 expires_ms;
};

struct psw_nl_sess_dump {
	u32 n;
	u32 next;
	struct psw_nl_sess s[];
};

static void psw_nl_sess_copy(struct psw_nl_sess *d, const struct psw_sess_table *t,
			     struct psw_session *s, const struct psw_params *p,
			     unsigned long now)
{
	const struct psw_sess_key *k = &s->tuple.key;
	unsigned long last = READ_ONCE(s->last);
	u8 o = t->kind == PSW_SESSION_ACL ? s->orig : 0;

	d->table = t->kind;
	d->src = k->addr[o];
	d->dst = k->addr[!o];
	d->sport = ntohs(k->port[o]);
	d->dport = ntohs(k->port[!o]);
	d->proto = k->proto;
	d->state = s->state;
	d->port = s->port;
	d->idle_ms = jiffies_to_msecs(now - last);
	d->expires_ms = jiffies_to_msecs(last + psw_sess_timeout(t, s, p) - now);
	if (t->kind == PSW_SESSION_NAT44) {
		const struct psw_sess_key *r = &psw_nat_sess(s)->reply.key;

		/* The initiator's packets become the reverse of the reply key. */
		d->id = psw_nat_sess(s)->id;
		d->xsrc = r->addr[1];
		d->xdst = r->addr[0];
		d->xsport = ntohs(r->port[1]);
		d->xdport = ntohs(r->port[0]);
	}
}

/*
 * Sessions change with every packet: the first part of a dump copies the
 * live ones (at most max-sessions per table, so the copy is bounded), and
 * the following parts send the copy; cb->args[0] holds it. @only: the
 * table to copy, or all of them if -1.
 */
static struct psw_nl_sess_dump *psw_nl_sess_snapshot(struct psw_switch *sw, int only)
{
	const struct psw_params *p;
	struct psw_nl_sess_dump *d;
	struct psw_sess_table *t;
	struct psw_session *s;
	struct psw_sess_cpu *c;
	unsigned long now;
	u32 room = 64;
	int cpu, i, k;

	ASSERT_RTNL();
	for (k = 0; k <= PSW_SESSION_TABLE_MAX; k++)
		room += atomic_read(&sw->sessions[k].count);
	/* Sessions created meanwhile beyond the room wait for the next dump. */
	d = kvmalloc(struct_size(d, s, room), GFP_KERNEL);
	if (!d)
		return NULL;
	d->n = 0;
	d->next = 0;
	rcu_read_lock();
	p = rcu_dereference(sw->params);
	now = jiffies;
	for (k = 0; k <= PSW_SESSION_TABLE_MAX; k++) {
		if (only >= 0 && k != only)
			continue;
		t = &sw->sessions[k];
		for_each_possible_cpu(cpu) {
			c = per_cpu_ptr(t->cpus, cpu);
			spin_lock_bh(&c->lock);
			/* Not PSW_SESS_HOLD: affinity records are no connections. */
			for (i = 0; i < PSW_SESS_NSTATES; i++) {
				list_for_each_entry(s, &c->lists[i], list) {
					if (d->n == room)
						break;
					if (!psw_sess_expired(t, s, p, now))
						psw_nl_sess_copy(&d->s[d->n++], t, s, p, now);
				}
			}
			spin_unlock_bh(&c->lock);
		}
	}
	rcu_read_unlock();
	return d;
}

static int psw_nl_fill_session(struct sk_buff *skb, struct psw_switch *sw,
			       const struct psw_nl_sess *s)
{
	struct psw_port *port = psw_port_get(sw, s->port);
	struct nlattr *nest;

	nest = nla_nest_start(skb, PSW_A_SESSION);
	if (!nest ||
	    nla_put_u8(skb, PSW_SESS_A_TABLE, s->table) ||
	    nla_put_u8(skb, PSW_SESS_A_PROTO, s->proto) ||
	    nla_put_in_addr(skb, PSW_SESS_A_SRC, s->src) ||
	    nla_put_in_addr(skb, PSW_SESS_A_DST, s->dst) ||
	    nla_put_u16(skb, PSW_SESS_A_SPORT, s->sport) ||
	    nla_put_u16(skb, PSW_SESS_A_DPORT, s->dport) ||
	    nla_put_u8(skb, PSW_SESS_A_STATE, s->state) ||
	    (port && nla_put_u32(skb, PSW_SESS_A_PORT, port->dev->ifindex)) ||
	    nla_put_u32(skb, PSW_SESS_A_IDLE_MS, s->idle_ms) ||
	    nla_put_u32(skb, PSW_SESS_A_EXPIRES_MS, s->expires_ms))
		goto cancel;
	if (s->table == PSW_SESSION_NAT44 &&
	    (nla_put_u32(skb, PSW_SESS_A_ID, s->id) ||
	     nla_put_in_addr(skb, PSW_SESS_A_XSRC, s->xsrc) ||
	     nla_put_in_addr(skb, PSW_SESS_A_XDST, s->xdst) ||
	     nla_put_u16(skb, PSW_SESS_A_XSPORT, s->xsport) ||
	     nla_put_u16(skb, PSW_SESS_A_XDPORT, s->xdport)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int psw_nl_get_session_done(struct netlink_callback *cb)
{
	kvfree((void *)cb->args[0]);
	return 0;
}

static int psw_nl_get_session_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nlattr *only = psw_dump_attrs(cb)[PSW_A_SESSION_TABLE];
	struct psw_nl_sess_dump *d = (void *)cb->args[0];
	struct psw_switch *sw;
	void *hdr;
	int ret;

	if (!d) {
		/* RTNL keeps the switch while the copy is allocated. */
		rtnl_lock();
		rcu_read_lock();
		sw = psw_nl_dump_switch(skb, cb);
		rcu_read_unlock();
		d = IS_ERR(sw) ? ERR_CAST(sw) :
		    psw_nl_sess_snapshot(sw, only ? nla_get_u8(only) : -1);
		rtnl_unlock();
		if (IS_ERR_OR_NULL(d))
			return d ? PTR_ERR(d) : -ENOMEM;
		cb->args[0] = (long)d;
	}
	rcu_read_lock();
	sw = psw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
		goto out;
	}
	for (; d->next < d->n; d->next++) {
		hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_GET_SESSION);
		if (!hdr)
			break;
		if (psw_nl_fill_session(skb, sw, &d->s[d->next])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	ret = skb->len;
out:
	rcu_read_unlock();
	return ret;
}

static int psw_nl_flush_session_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *only = info->attrs[PSW_A_SESSION_TABLE];
	struct psw_switch *sw;
	int k;

	sw = psw_nl_lock_switch(info);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	for (k = 0; k <= PSW_SESSION_TABLE_MAX; k++)
		if (!only || nla_get_u8(only) == k)
			psw_sess_flush(&sw->sessions[k]);
	psw_nl_unlock_switch(sw);
	return 0;
}

static const struct genl_small_ops psw_genl_ops[] = {
	{
		.cmd = PSW_CMD_GET_SWITCH,
		.doit = psw_nl_get_switch_doit,
		.dumpit = psw_nl_get_switch_dumpit,
	}, {
		.cmd = PSW_CMD_SET_SWITCH,
		.doit = psw_nl_set_switch_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_NEW_PORT,
		.doit = psw_nl_new_port_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_DEL_PORT,
		.doit = psw_nl_del_port_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_GET_PORT,
		.dumpit = psw_nl_get_port_dumpit,
	}, {
		.cmd = PSW_CMD_NEW_ROUTE,
		.doit = psw_nl_new_route_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_DEL_ROUTE,
		.doit = psw_nl_del_route_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_GET_ROUTE,
		.dumpit = psw_nl_get_route_dumpit,
	}, {
		.cmd = PSW_CMD_NEW_NEIGH,
		.doit = psw_nl_new_neigh_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_DEL_NEIGH,
		.doit = psw_nl_del_neigh_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_GET_NEIGH,
		.dumpit = psw_nl_get_neigh_dumpit,
	}, {
		.cmd = PSW_CMD_TRACE_ADD,
		.doit = psw_nl_trace_add_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_TRACE_GET,
		.dumpit = psw_nl_trace_get_dumpit,
	}, {
		.cmd = PSW_CMD_TRACE_CLEAR,
		.doit = psw_nl_trace_clear_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_GET_ERRORS,
		.dumpit = psw_nl_get_errors_dumpit,
	}, {
		.cmd = PSW_CMD_NEW_ACL,
		.doit = psw_nl_new_acl_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_DEL_ACL,
		.doit = psw_nl_del_acl_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_GET_ACL,
		.dumpit = psw_nl_get_acl_dumpit,
	}, {
		.cmd = PSW_CMD_BIND_ACL,
		.doit = psw_nl_bind_acl_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_FLUSH_SESSION,
		.doit = psw_nl_flush_session_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_NEW_SERVICE,
		.doit = psw_nl_new_service_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_DEL_SERVICE,
		.doit = psw_nl_del_service_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_GET_SERVICE,
		.dumpit = psw_nl_get_service_dumpit,
	}, {
		.cmd = PSW_CMD_NEW_SNAT,
		.doit = psw_nl_new_snat_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_DEL_SNAT,
		.doit = psw_nl_del_snat_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PSW_CMD_GET_SNAT,
		.dumpit = psw_nl_get_snat_dumpit,
	},
};

/* Dumps that hold state between parts need start and done. */
static const struct genl_ops psw_genl_full_ops[] = {
	{
		.cmd = PSW_CMD_GET_SESSION,
		.dumpit = psw_nl_get_session_dumpit,
		.done = psw_nl_get_session_done,
	},
};

static struct genl_family psw_genl_family __ro_after_init = {
	.name = PSW_GENL_NAME,
	.version = PSW_GENL_VERSION,
	.maxattr = PSW_A_MAX,
	.policy = psw_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = psw_genl_ops,
	.n_small_ops = ARRAY_SIZE(psw_genl_ops),
	.ops = psw_genl_full_ops,
	.n_ops = ARRAY_SIZE(psw_genl_full_ops),
	.resv_start_op = PSW_CMD_MAX + 1,
};

int __init psw_genl_init(void)
{
	return genl_register_family(&psw_genl_family);
}

void psw_genl_uninit(void)
{
	genl_unregister_family(&psw_genl_family);
}
