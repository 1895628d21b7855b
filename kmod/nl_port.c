// SPDX-License-Identifier: GPL-2.0
/* Netlink: ports (PSW_CMD_PORT_*). */

#include "acl.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

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
		if (nla_put_u32(skb, PSW_ACL_LIST_A_NUM, psw_acl_cls_acl(cls, i)))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int psw_nl_put_port_stats(struct sk_buff *skb, const struct psw_port *port)
{
	struct psw_port_stats st;
	struct nlattr *stats;

	psw_port_stats_sum(port, &st);
	stats = nla_nest_start(skb, PSW_PORT_A_STATS);
	if (!stats ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_RX_PACKETS, st.rx_packets, PSW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_RX_BYTES, st.rx_bytes, PSW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_TX_PACKETS, st.tx_packets, PSW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_TX_BYTES, st.tx_bytes, PSW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PSW_STATS_A_DROPS, st.drops, PSW_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, stats);
	return 0;
}

static int psw_nl_fill_port(struct sk_buff *skb, struct psw_port *port)
{
	struct nlattr *nest, *addrs;
	unsigned int a;

	nest = nla_nest_start(skb, PSW_A_PORT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PSW_PORT_A_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(skb, PSW_PORT_A_IFNAME, psw_port_name(port)) ||
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
	if (psw_nl_put_port_stats(skb, port) ||
	    psw_nl_put_binding(skb, PSW_PORT_A_ACL_IN,
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

int psw_nl_port_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump_each(skb, cb, PSW_CMD_PORT_GET, psw_nl_fill_port_idx);
}

/* A pod's addresses: unicast, each once, at most PSW_PORT_MAX_ADDRS. */
static int psw_nl_port_addrs(struct genl_info *info, const struct nlattr *nest,
			     struct psw_port_cfg *cfg)
{
	const struct nlattr *a;
	unsigned int i;
	__be32 addr;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (cfg->naddrs == PSW_PORT_MAX_ADDRS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "too many pod addresses");
			return -E2BIG;
		}
		addr = nla_get_in_addr(a);
		if (!psw_unicast_addr(addr)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "pod address must be a unicast IPv4 address");
			return -EINVAL;
		}
		for (i = 0; i < cfg->naddrs; i++) {
			if (cfg->addrs[i] == addr) {
				NL_SET_ERR_MSG_ATTR(info->extack, a, "pod address given twice");
				return -EINVAL;
			}
		}
		cfg->addrs[cfg->naddrs++] = addr;
	}
	return 0;
}

int psw_nl_port_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw = psw_nl_switch(info);
	struct psw_port_cfg cfg = { .type = PSW_PORT_POD };
	struct nlattr *tb[PSW_PORT_A_MAX + 1];
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_PORT, PSW_PORT_A_MAX,
				psw_port_new_nl_policy_nest, tb);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PSW_A_PORT], tb,
			      PSW_PORT_A_IFINDEX))
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
		ret = psw_nl_port_addrs(info, tb[PSW_PORT_A_ADDRS], &cfg);
		if (ret)
			return ret;
	}
	cfg.dev = __dev_get_by_index(genl_info_net(info),
				     nla_get_u32(tb[PSW_PORT_A_IFINDEX]));
	if (!cfg.dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_PORT_A_IFINDEX], "no such device");
		return -ENODEV;
	}
	ret = psw_port_add(sw, &cfg, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, tb[PSW_PORT_A_IFINDEX]);
	return ret;
}

int psw_nl_port_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw = psw_nl_switch(info);
	struct nlattr *tb[PSW_PORT_A_MAX + 1];
	struct psw_port *port;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_PORT, PSW_PORT_A_MAX,
				psw_port_del_nl_policy_nest, tb);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PSW_A_PORT], tb,
			      PSW_PORT_A_IFINDEX))
		return -EINVAL;
	port = psw_nl_port(sw, info, tb[PSW_PORT_A_IFINDEX]);
	if (IS_ERR(port))
		return PTR_ERR(port);
	if (port->type == PSW_PORT_HOST) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_PORT_A_IFINDEX],
				    "the host port goes only with the switch");
		return -EINVAL;
	}
	psw_port_del(port);
	return 0;
}
