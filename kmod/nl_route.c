// SPDX-License-Identifier: GPL-2.0
/* Netlink: routes (PSW_CMD_ROUTE_*); fib.c keeps them. */

#include "fib.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

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

int psw_nl_route_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump_each(skb, cb, PSW_CMD_ROUTE_GET, psw_nl_fill_route_idx);
}

/* The prefix of the route nest @tb, which both commands require. */
static int psw_nl_route_key(struct genl_info *info, struct nlattr **tb,
			    struct psw_route *r)
{
	struct nlattr *nest = info->attrs[PSW_A_ROUTE];

	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_ROUTE_A_DST) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_ROUTE_A_PREFIXLEN))
		return -EINVAL;
	r->dst = nla_get_in_addr(tb[PSW_ROUTE_A_DST]);
	r->plen = nla_get_u8(tb[PSW_ROUTE_A_PREFIXLEN]);
	if (r->dst & ~inet_make_mask(r->plen)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_ROUTE_A_DST],
				    "prefix has host bits set");
		return -EINVAL;
	}
	return 0;
}

int psw_nl_route_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw = psw_nl_switch(info);
	struct psw_route r = { .origin = PSW_ROUTE_STATIC };
	struct nlattr *tb[PSW_ROUTE_A_MAX + 1], *nest;
	struct psw_port *port;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_ROUTE, PSW_ROUTE_A_MAX,
				psw_route_new_nl_policy_nest, tb);
	if (ret)
		return ret;
	ret = psw_nl_route_key(info, tb, &r);
	if (ret)
		return ret;
	nest = info->attrs[PSW_A_ROUTE];
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_ROUTE_A_TYPE))
		return -EINVAL;
	r.type = nla_get_u8(tb[PSW_ROUTE_A_TYPE]);
	if (r.type == PSW_ROUTE_VIA) {
		if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_ROUTE_A_GATEWAY))
			return -EINVAL;
		r.gw = nla_get_in_addr(tb[PSW_ROUTE_A_GATEWAY]);
		if (!psw_unicast_addr(r.gw)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[PSW_ROUTE_A_GATEWAY],
					    "gateway must be a unicast IPv4 address");
			return -EINVAL;
		}
	}
	if (r.type == PSW_ROUTE_DEV || r.type == PSW_ROUTE_VIA) {
		if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_ROUTE_A_PORT))
			return -EINVAL;
		port = psw_nl_port(sw, info, tb[PSW_ROUTE_A_PORT]);
		if (IS_ERR(port))
			return PTR_ERR(port);
		r.port = port->index;
		if (port->type == PSW_PORT_HOST && r.type == PSW_ROUTE_DEV)
			r.type = PSW_ROUTE_HOST;
	}
	ret = psw_fib_static_add(sw, &r, info->extack);
	if (ret == -EEXIST)
		NL_SET_BAD_ATTR(info->extack, tb[PSW_ROUTE_A_DST]);
	return ret;
}

int psw_nl_route_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw = psw_nl_switch(info);
	struct nlattr *tb[PSW_ROUTE_A_MAX + 1];
	struct psw_route r;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_ROUTE, PSW_ROUTE_A_MAX,
				psw_route_del_nl_policy_nest, tb);
	if (ret)
		return ret;
	ret = psw_nl_route_key(info, tb, &r);
	if (ret)
		return ret;
	ret = psw_fib_static_del(sw, &r, info->extack);
	if (ret == -ENOENT)
		NL_SET_BAD_ATTR(info->extack, tb[PSW_ROUTE_A_DST]);
	return ret;
}
