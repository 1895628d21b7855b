// SPDX-License-Identifier: GPL-2.0
/* Netlink: sessions (PSW_CMD_SESSION_*); session.c keeps them. */

#include "compat.h"
#include "netlink.h"
#include "port.h"
#include "session.h"
#include "switch.h"

#include <linux/rtnetlink.h>

struct psw_nl_sess_dump {
	u32 n;
	u32 room;
	u32 next;
	const struct psw_params *p;
	unsigned long now;
	struct psw_sess_info s[];
};

static enum psw_sess_verdict psw_nl_sess_copy(struct psw_sess_table *t,
					      struct psw_session *s,
					      unsigned int n, void *arg)
{
	struct psw_nl_sess_dump *d = arg;

	if (d->n == d->room)
		return PSW_SESS_STOP;
	if (!psw_sess_expired(t, s, d->p, d->now))
		psw_sess_info_fill(&d->s[d->n++], t, s, d->p, d->now);
	return PSW_SESS_NEXT;
}

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

/*
 * Sessions change with every packet: the first part of a dump copies the
 * live ones (at most max-sessions per table, so the copy is bounded), and
 * the following parts send the copy. @only: the table to copy, or all of
 * them if -1. Affinity records (PSW_SESS_HOLD) are no connections.
 */
static struct psw_nl_sess_dump *psw_nl_sess_snapshot(struct psw_switch *sw, int only)
{
	struct psw_nl_sess_dump *d;
	u32 room = 64;
	int k;

	ASSERT_RTNL();
	for (k = 0; k <= PSW_SESSION_TABLE_MAX; k++)
		room += atomic_read(&sw->sessions[k].count);
	/* Sessions created meanwhile beyond the room wait for the next dump. */
	d = kvmalloc(struct_size(d, s, room), GFP_KERNEL);
	if (!d)
		return NULL;
	d->n = 0;
	d->next = 0;
	d->room = room;
	rcu_read_lock();
	d->p = rcu_dereference(sw->params);
	d->now = jiffies;
	for (k = 0; k <= PSW_SESSION_TABLE_MAX; k++)
		if (only < 0 || k == only)
			psw_sess_walk(&sw->sessions[k], PSW_SESS_NSTATES,
				      psw_nl_sess_copy, d);
	d->p = NULL;
	rcu_read_unlock();
	return d;
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

int psw_nl_session_get_done(struct netlink_callback *cb)
{
	kvfree((void *)cb->args[0]);
	return 0;
}

/* The copy's sessions from where the last part stopped, as many as fit. */
static void psw_nl_session_part(struct sk_buff *skb, struct netlink_callback *cb,
				struct psw_switch *sw, const void *arg)
{
	struct psw_nl_sess_dump *d = (void *)cb->args[0];
	void *hdr;

	for (; d->next < d->n; d->next++) {
		hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_SESSION_GET);
		if (!hdr)
			break;
		if (psw_nl_fill_session(skb, sw, &d->s[d->next])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
}

/* cb->args[0]: the copy the first part made. */
int psw_nl_session_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct psw_nl_sess_dump *d = (void *)cb->args[0];
	struct psw_switch *sw;

	if (!d) {
		/* RTNL keeps the switch while the copy is allocated. */
		rtnl_lock();
		rcu_read_lock();
		sw = psw_nl_dump_switch(skb, cb);
		rcu_read_unlock();
		d = IS_ERR(sw) ? ERR_CAST(sw) :
		    psw_nl_sess_snapshot(sw, psw_nl_sess_table(psw_dump_attrs(cb),
							       cb->extack));
		rtnl_unlock();
		if (IS_ERR_OR_NULL(d))
			return d ? PTR_ERR(d) : -ENOMEM;
		cb->args[0] = (long)d;
	}
	return psw_nl_dump(skb, cb, psw_nl_session_part, NULL);
}

int psw_nl_session_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct psw_switch *sw = psw_nl_switch(info);
	int only = psw_nl_sess_table(info->attrs, info->extack);
	int k;

	for (k = 0; k <= PSW_SESSION_TABLE_MAX; k++)
		if (only < 0 || only == k)
			psw_sess_flush(&sw->sessions[k]);
	return 0;
}
