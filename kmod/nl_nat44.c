// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink: NAT44 services and SNAT pools (PSW_CMD_SERVICE_*,
 * PSW_CMD_SNAT_*); nat44_config.c keeps them.
 */

#include "nat44.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

/* The service nest @tb's key: protocol, VIP, port, required. */
static int psw_nl_service_key(struct genl_info *info, struct nlattr **tb,
			      struct psw_nat_svc_key *key)
{
	struct nlattr *nest = info->attrs[PSW_A_SERVICE];

	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_SVC_A_PROTO) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_SVC_A_VIP) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_SVC_A_PORT))
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

	ret = nla_parse_nested(tb, PSW_BACKEND_A_MAX, nest, psw_backend_nl_policy,
			       info->extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_BACKEND_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_BACKEND_A_PORT))
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

/* Parses and sorts up to PSW_NAT_MAX_BACKENDS before it takes the locks. */
int psw_nl_service_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_SVC_A_MAX + 1], *nest, *a;
	struct psw_nat_service *svc;
	struct psw_nat_svc_key key;
	int ret, rem, n = 0;

	ret = psw_nl_parse_nest(info, PSW_A_SERVICE, PSW_SVC_A_MAX,
				psw_service_new_nl_policy_nest, tb);
	if (ret)
		return ret;
	ret = psw_nl_service_key(info, tb, &key);
	if (ret)
		return ret;
	nest = info->attrs[PSW_A_SERVICE];
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
	ret = psw_nl_lock(info);
	if (ret)
		goto out_free;
	/* Takes the service, stored or not. */
	ret = psw_nat_service_set(psw_nl_switch(info), svc, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, nest);
	return ret;

out_free:
	kfree(svc);
	return ret;
}

int psw_nl_service_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_SVC_A_MAX + 1];
	struct psw_nat_svc_key key;
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_SERVICE, PSW_SVC_A_MAX,
				psw_service_del_nl_policy_nest, tb);
	if (ret)
		return ret;
	ret = psw_nl_service_key(info, tb, &key);
	if (ret)
		return ret;
	ret = psw_nat_service_del(psw_nl_switch(info), &key, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[PSW_A_SERVICE]);
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
 * One message of @svc with its backends from @first on, as many as fit:
 * returns where it stopped, @first if none did.
 */
static u32 psw_nl_service_msg(struct sk_buff *skb, struct netlink_callback *cb,
			      const struct psw_nat_service *svc, u32 first)
{
	struct nlattr *nest;
	void *hdr;
	u32 end;

	hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_SERVICE_GET);
	if (!hdr)
		return first;
	nest = nla_nest_start(skb, PSW_A_SERVICE);
	if (!nest ||
	    nla_put_u8(skb, PSW_SVC_A_PROTO, svc->key.proto) ||
	    nla_put_in_addr(skb, PSW_SVC_A_VIP, svc->key.vip) ||
	    nla_put_u16(skb, PSW_SVC_A_PORT, ntohs(svc->key.port)) ||
	    nla_put_u32(skb, PSW_SVC_A_AFFINITY, svc->affinity)) {
		genlmsg_cancel(skb, hdr);
		return first;
	}
	end = psw_nl_put_backends(skb, svc, first);
	if (end == first) {
		genlmsg_cancel(skb, hdr);
		return first;
	}
	nla_nest_end(skb, nest);
	psw_nl_dump_end(skb, cb, hdr);
	return end;
}

/*
 * One message per service, or several for one whose backends do not fit
 * in one, each with the service's key: cb->args[0] is the service's place
 * in the list, cb->args[1] its first backend still to send.
 */
static void psw_nl_service_part(struct sk_buff *skb, struct netlink_callback *cb,
				struct psw_switch *sw, const void *arg)
{
	const struct psw_nat_service *svc;
	long i = 0;
	u32 end;

	list_for_each_entry_rcu(svc, &sw->nat.list, list) {
		if (i++ < cb->args[0])
			continue;
		while (cb->args[1] < svc->nbackends) {
			end = psw_nl_service_msg(skb, cb, svc, cb->args[1]);
			if (end == cb->args[1])
				return;
			cb->args[1] = end;
		}
		cb->args[0] = i;
		cb->args[1] = 0;
	}
}

int psw_nl_service_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump(skb, cb, psw_nl_service_part, NULL);
}

/* The SNAT nest, with its port, which both commands require. */
static int psw_nl_snat_port(struct genl_info *info, const struct nla_policy *policy,
			    struct nlattr **tb, struct psw_port **port)
{
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_SNAT, PSW_SNAT_A_MAX, policy, tb);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PSW_A_SNAT], tb, PSW_SNAT_A_PORT))
		return -EINVAL;
	*port = psw_nl_port(psw_nl_switch(info), info, tb[PSW_SNAT_A_PORT]);
	return PTR_ERR_OR_ZERO(*port);
}

int psw_nl_snat_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_SNAT_A_MAX + 1], *nest = info->attrs[PSW_A_SNAT];
	struct psw_port *port;
	u32 first, last;
	int ret;

	ret = psw_nl_snat_port(info, psw_snat_new_nl_policy_nest, tb, &port);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_SNAT_A_FIRST))
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
	ret = psw_nat_snat_set(psw_nl_switch(info), port, first, last, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, nest);
	return ret;
}

int psw_nl_snat_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_SNAT_A_MAX + 1];
	struct psw_port *port;
	int ret;

	ret = psw_nl_snat_port(info, psw_snat_del_nl_policy_nest, tb, &port);
	if (ret)
		return ret;
	ret = psw_nat_snat_del(psw_nl_switch(info), port, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[PSW_A_SNAT]);
	return ret;
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

int psw_nl_snat_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump_each(skb, cb, PSW_CMD_SNAT_GET, psw_nl_fill_snat_idx);
}
