// SPDX-License-Identifier: GPL-2.0
/* Netlink: sessions (PSW_CMD_SESSION_*); session.c keeps them. */

#include "compat.h"
#include "netlink.h"
#include "port.h"
#include "session.h"
#include "switch.h"

#include <linux/rtnetlink.h>

/* The table a request's PSW_A_SESSION names, or -1 for all of them. */
static int psw_nl_sess_table(struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PSW_SESS_A_MAX + 1];

	if (!attrs[PSW_A_SESSION] ||
	    nla_parse_nested(tb, PSW_SESS_A_MAX, attrs[PSW_A_SESSION],
			     psw_session_nl_policy_nest, extack) ||
	    !tb[PSW_SESS_A_TABLE])
		return -1;
	return nla_get_u8(tb[PSW_SESS_A_TABLE]);
}

static int psw_nl_fill_session(struct sk_buff *skb, struct psw_switch *sw,
			       const struct psw_sess_info *s)
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

/*
 * cb->ctx: the table being dumped and the cursor in it. A resize between
 * parts marks the dump interrupted (the caller retries), as a change of
 * the configuration does.
 */
struct psw_nl_sess_ctx {
	int table;
	bool moved;		/* an earlier table's cursor moved */
	struct psw_sess_cursor cur;
};

struct psw_nl_sess_arg {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct psw_switch *sw;
	const struct psw_params *p;
};

/* From the first message after a resize on, the dump is interrupted. */
static void psw_nl_session_check_moved(struct netlink_callback *cb, struct psw_switch *sw)
{
	struct psw_nl_sess_ctx *ctx = (void *)cb->ctx;

	if (ctx->moved || ctx->cur.moved)
		cb->seq = READ_ONCE(sw->gen) + 2;
}

static int psw_nl_session_one(struct psw_sess_table *t, struct psw_session *s,
			      unsigned long now, void *arg)
{
	struct psw_nl_sess_arg *a = arg;
	struct psw_sess_info info;
	void *hdr;

	psw_nl_session_check_moved(a->cb, a->sw);
	hdr = psw_nl_dump_hdr(a->skb, a->cb, PSW_CMD_SESSION_GET);
	if (!hdr)
		return -EMSGSIZE;
	psw_sess_info_fill(&info, t, s, a->p, now);
	if (psw_nl_fill_session(a->skb, a->sw, &info)) {
		genlmsg_cancel(a->skb, hdr);
		return -EMSGSIZE;
	}
	psw_nl_dump_end(a->skb, a->cb, hdr);
	return 0;
}

static void psw_nl_session_part(struct sk_buff *skb, struct netlink_callback *cb,
				struct psw_switch *sw, const void *arg)
{
	struct psw_nl_sess_ctx *ctx = (void *)cb->ctx;
	struct psw_nl_sess_arg a = {
		.skb = skb, .cb = cb, .sw = sw, .p = rcu_dereference(sw->params),
	};
	int only = psw_nl_sess_table(psw_dump_attrs(cb), cb->extack);

	for (; ctx->table <= PSW_SESSION_TABLE_MAX; ctx->table++) {
		if (only >= 0 && ctx->table != only)
			continue;
		if (!psw_sess_dump_walk(&sw->sessions[ctx->table], &ctx->cur, a.p,
					psw_nl_session_one, &a))
			break;
		ctx->moved |= ctx->cur.moved;
		memset(&ctx->cur, 0, sizeof(ctx->cur));
	}
	psw_nl_session_check_moved(cb, sw);
}

int psw_nl_session_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct psw_nl_sess_ctx) > sizeof(cb->ctx));
	return psw_nl_dump(skb, cb, psw_nl_session_part, NULL);
}

int psw_nl_session_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw = psw_nl_switch(info);
	int only = psw_nl_sess_table(info->attrs, info->extack);
	struct nlattr *tb[PSW_SESS_A_MAX + 1] = {};
	int k;

	/* The policy validated the nest already. */
	if (info->attrs[PSW_A_SESSION] &&
	    nla_parse_nested(tb, PSW_SESS_A_MAX, info->attrs[PSW_A_SESSION],
			     psw_session_flush_nl_policy_nest, info->extack))
		return -EINVAL;
	for (k = 0; k <= PSW_SESSION_TABLE_MAX; k++) {
		if (only >= 0 && only != k)
			continue;
		if (tb[PSW_SESS_A_ADDR])
			psw_sess_flush_addr(&sw->sessions[k], nla_get_in_addr(tb[PSW_SESS_A_ADDR]));
		else
			psw_sess_flush(&sw->sessions[k]);
	}
	return 0;
}
