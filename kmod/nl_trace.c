// SPDX-License-Identifier: GPL-2.0
/* Netlink: the packet trace (PSW_CMD_TRACE_*); trace.c keeps it. */

#include "netlink.h"
#include "switch.h"

int psw_nl_trace_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PSW_TRACE_A_MAX + 1];
	int ret;

	ret = psw_nl_parse_nest(info, PSW_A_TRACE, PSW_TRACE_A_MAX,
				psw_trace_add_nl_policy_nest, tb);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PSW_A_TRACE], tb,
			      PSW_TRACE_A_COUNT))
		return -EINVAL;
	psw_trace_arm(&psw_nl_switch(info)->trace, nla_get_u32(tb[PSW_TRACE_A_COUNT]));
	return 0;
}

int psw_nl_trace_clear_doit(struct sk_buff *skb, struct genl_info *info)
{
	psw_trace_clear(&psw_nl_switch(info)->trace);
	return 0;
}

static int psw_nl_fill_trace(struct sk_buff *skb, const struct psw_trace_rec *rec)
{
	struct nlattr *nest = nla_nest_start(skb, PSW_A_TRACE);

	if (!nest ||
	    nla_put_u32(skb, PSW_TRACE_A_SEQ, rec->seq) ||
	    nla_put_u64_64bit(skb, PSW_TRACE_A_TIME_NS, rec->time_ns, PSW_TRACE_A_PAD) ||
	    nla_put_string(skb, PSW_TRACE_A_TEXT, rec->text))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* cb->args[0]: the next trace sequence number to send. */
static void psw_nl_trace_part(struct sk_buff *skb, struct netlink_callback *cb,
			      struct psw_switch *sw, const void *arg)
{
	struct psw_trace *t = &sw->trace;
	const struct psw_trace_rec *rec;
	void *hdr;

	spin_lock_bh(&t->lock);
	for (rec = psw_trace_from(t, cb->args[0]); rec;
	     rec = psw_trace_from(t, rec->seq + 1)) {
		hdr = psw_nl_dump_hdr(skb, cb, PSW_CMD_TRACE_GET);
		if (!hdr)
			break;
		if (psw_nl_fill_trace(skb, rec)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = rec->seq + 1;
	}
	spin_unlock_bh(&t->lock);
}

int psw_nl_trace_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return psw_nl_dump(skb, cb, psw_nl_trace_part, NULL);
}
