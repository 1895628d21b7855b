// SPDX-License-Identifier: GPL-2.0
/* Netlink: ACLs and their bindings (PSW_CMD_ACL_*); acl.c keeps them. */

#include "acl.h"
#include "netlink.h"
#include "switch.h"

static u8 psw_nla_u8_or(const struct nlattr *a, u8 dflt)
{
	return a ? nla_get_u8(a) : dflt;
}

static u16 psw_nla_u16_or(const struct nlattr *a, u16 dflt)
{
	return a ? nla_get_u16(a) : dflt;
}

/* A prefix and its length (a /32 when absent): false if host bits are set. */
static bool psw_nl_rule_prefix(const struct nlattr *addr, const struct nlattr *plen,
			       __be32 *prefix, u8 *len)
{
	if (!addr)
		return true;
	*prefix = nla_get_in_addr(addr);
	*len = psw_nla_u8_or(plen, 32);
	return !(*prefix & ~inet_make_mask(*len));
}

/* An inclusive range (a missing maximum is the minimum, none is all): false if empty. */
static bool psw_nl_rule_range(const struct nlattr *min, const struct nlattr *max,
			      u16 *lo, u16 *hi)
{
	*lo = psw_nla_u16_or(min, 0);
	*hi = psw_nla_u16_or(max, min ? *lo : U16_MAX);
	return *lo <= *hi;
}

static int psw_nl_parse_rule(struct genl_info *info, struct nlattr *nest,
			     struct psw_acl_rule *r)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[PSW_RULE_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, PSW_RULE_A_MAX, nest, psw_rule_nl_policy, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PSW_RULE_A_ACTION))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->action = nla_get_u8(tb[PSW_RULE_A_ACTION]);
	r->proto = psw_nla_u8_or(tb[PSW_RULE_A_PROTO], 0);
	if (!psw_nl_rule_prefix(tb[PSW_RULE_A_SRC], tb[PSW_RULE_A_SRC_PLEN],
				&r->src, &r->src_plen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_SRC], "source prefix has host bits set");
		return -EINVAL;
	}
	if (!psw_nl_rule_prefix(tb[PSW_RULE_A_DST], tb[PSW_RULE_A_DST_PLEN],
				&r->dst, &r->dst_plen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_DST],
				    "destination prefix has host bits set");
		return -EINVAL;
	}
	if (!psw_nl_rule_range(tb[PSW_RULE_A_SPORT_MIN], tb[PSW_RULE_A_SPORT_MAX],
			       &r->sport_min, &r->sport_max)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_SPORT_MAX], "source port range is empty");
		return -EINVAL;
	}
	if (!psw_nl_rule_range(tb[PSW_RULE_A_DPORT_MIN], tb[PSW_RULE_A_DPORT_MAX],
			       &r->dport_min, &r->dport_max)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PSW_RULE_A_DPORT_MAX],
				    "destination port range is empty");
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

/* The ACL number of the nest both commands require. */
static int psw_nl_acl_num(struct genl_info *info, u32 *num)
{
	struct nlattr *tb[PSW_ACL_A_MAX + 1];
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_ACL, PSW_ACL_A_MAX, psw_acl_nl_policy_nest, tb);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PSW_A_ACL], tb, PSW_ACL_A_NUM))
		return -EINVAL;
	*num = nla_get_u32(tb[PSW_ACL_A_NUM]);
	return 0;
}

/* Parses up to PSW_ACL_MAX_RULES rules before it takes the locks. */
int psw_nl_acl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a;
	struct psw_acl *acl;
	int ret, rem, n = 0;
	u32 num;

	ret = psw_nl_acl_num(info, &num);
	if (ret)
		return ret;
	/* The rules are top-level attributes, in order (uapi). */
	nla_for_each_attr(a, genlmsg_data(info->genlhdr), genlmsg_len(info->genlhdr), rem)
		n += nla_type(a) == PSW_A_RULE;
	if (!n || n > PSW_ACL_MAX_RULES) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PSW_A_ACL],
				    "an ACL has 1 to PSW_ACL_MAX_RULES rules (PSW_A_RULE)");
		return -EINVAL;
	}
	acl = psw_acl_alloc(num, n);
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
	ret = psw_nl_lock(info);
	if (ret)
		goto out_put;
	ret = psw_acl_set(psw_nl_switch(info), acl, info->extack);
	if (!ret)
		return 0;
out_put:
	psw_acl_put(acl);
	return ret;
}

int psw_nl_acl_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 num;
	int ret;

	ret = psw_nl_acl_num(info, &num);
	if (ret)
		return ret;
	ret = psw_acl_del(psw_nl_switch(info), num, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[PSW_A_ACL]);
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
 * One message of @acl's rules from @first on, as many as fit: returns
 * where it stopped, @first if none did.
 */
static u32 psw_nl_acl_msg(struct sk_buff *skb, struct netlink_callback *cb,
			  const struct psw_acl *acl, u32 first)
{
	struct nlattr *nest;
	void *hdr;
	u32 i;

	hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_ACL_GET);
	if (!hdr)
		return first;
	nest = nla_nest_start(skb, PSW_A_ACL);
	if (!nest ||
	    nla_put_u32(skb, PSW_ACL_A_NUM, acl->num) ||
	    nla_put_u32(skb, PSW_ACL_A_FIRST, first) ||
	    nla_put_u32(skb, PSW_ACL_A_COUNT, acl->nrules)) {
		genlmsg_cancel(skb, hdr);
		return first;
	}
	nla_nest_end(skb, nest);
	for (i = first; i < acl->nrules; i++)
		if (psw_nl_put_rule(skb, acl, i))
			break;
	if (i == first)
		genlmsg_cancel(skb, hdr);
	else
		psw_nl_dump_end(skb, cb, hdr);
	return i;
}

/*
 * cb->args[0]: the ACL number to resume at, cb->args[1]: its first rule
 * not sent. A long ACL spans messages, each saying where its rules start.
 */
static void psw_nl_acl_part(struct sk_buff *skb, struct netlink_callback *cb,
			    struct psw_switch *sw, const void *arg)
{
	unsigned long num = cb->args[0];
	struct psw_acl *acl;
	u32 end;

	for (acl = xa_find(&sw->acls, &num, U32_MAX, XA_PRESENT); acl;
	     acl = xa_find_after(&sw->acls, &num, U32_MAX, XA_PRESENT)) {
		while (cb->args[1] < acl->nrules) {
			end = psw_nl_acl_msg(skb, cb, acl, cb->args[1]);
			if (end == cb->args[1])
				return;
			cb->args[1] = end;
		}
		cb->args[0] = num + 1;
		cb->args[1] = 0;
		if (num == U32_MAX)
			break;
	}
}

int psw_nl_acl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump(skb, cb, psw_nl_acl_part, NULL);
}

int psw_nl_acl_bind_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_PORT_A_MAX + 1], *nest, *list, *a;
	struct psw_switch *sw = psw_nl_switch(info);
	u32 nums[PSW_ACL_MAX_BIND];
	struct psw_port *port;
	int ret, rem;
	u32 n = 0;
	u8 dir;

	ret = psw_nl_parse_nest(info, PSW_A_PORT, PSW_PORT_A_MAX,
				psw_port_bind_nl_policy_nest, tb);
	if (ret)
		return ret;
	nest = info->attrs[PSW_A_PORT];
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, PSW_PORT_A_IFINDEX))
		return -EINVAL;
	if (!tb[PSW_PORT_A_ACL_IN] == !tb[PSW_PORT_A_ACL_OUT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "one direction: PSW_PORT_A_ACL_IN or PSW_PORT_A_ACL_OUT");
		return -EINVAL;
	}
	dir = tb[PSW_PORT_A_ACL_IN] ? PSW_ACL_IN : PSW_ACL_OUT;
	list = tb[PSW_PORT_A_ACL_IN] ?: tb[PSW_PORT_A_ACL_OUT];
	nla_for_each_nested(a, list, rem) {
		if (n == PSW_ACL_MAX_BIND) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "too many ACLs bound");
			return -E2BIG;
		}
		nums[n++] = nla_get_u32(a);
	}
	port = psw_nl_port(sw, info, tb[PSW_PORT_A_IFINDEX]);
	if (IS_ERR(port))
		return PTR_ERR(port);
	ret = psw_acl_bind(sw, port, dir, nums, n, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, list);
	return ret;
}
