// SPDX-License-Identifier: GPL-2.0
/*
 * The "podswitch" generic netlink family; uapi/linux/podswitch.h documents
 * every command and attribute, nl_<object>.c handle them.
 *
 * Locking: every doit runs between psw_nl_pre_doit() and
 * psw_nl_post_doit(), with RTNL and then the switch's lock held (those
 * that parse a long request take them after it, by psw_nl_lock(); a read
 * takes neither); a change validates everything before changing anything
 * and publishes new state under RCU, so a rejected request changes
 * nothing. Dumps run under
 * rcu_read_lock() and find their switch again for each part; they stamp
 * cb->seq with the switch's generation, which post_doit bumps after a
 * command that changes what they dump, so that a change between two parts
 * marks the dump interrupted (NLM_F_DUMP_INTR) and pswctl retries it.
 */

#include "compat.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

#include <linux/rtnetlink.h>
#include <net/sock.h>

/* ops->internal_flags */
#define PSW_NL_CHANGE	BIT(0)	/* the generation moves around it */
#define PSW_NL_READ	BIT(1)	/* no lock: the doit finds its switch under RCU */
#define PSW_NL_PARSE	BIT(2)	/* the doit parses, then calls psw_nl_lock() */

/*
 * Find the switch the request names and lock it: RTNL, then its lock,
 * held until post_doit. The generation moves before a change (and again
 * after it): a dump part that sees the change never carries the
 * generation of the parts before it.
 */
static int __psw_nl_lock(struct genl_info *info, bool change)
{
	struct psw_switch *sw;

	rtnl_lock();
	rcu_read_lock();
	sw = psw_switch_find(genl_info_net(info), info->attrs, info->extack);
	rcu_read_unlock();
	if (IS_ERR(sw)) {
		rtnl_unlock();
		return PTR_ERR(sw);
	}
	mutex_lock(&sw->lock);
	if (change)
		WRITE_ONCE(sw->gen, sw->gen + 1);
	info->user_ptr[0] = sw;
	return 0;
}

int psw_nl_lock(struct genl_info *info)
{
	return __psw_nl_lock(info, true);
}

static int psw_nl_pre_doit(const struct psw_genl_op *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	if (ops->internal_flags & (PSW_NL_READ | PSW_NL_PARSE))
		return 0;
	return __psw_nl_lock(info, ops->internal_flags & PSW_NL_CHANGE);
}

/* Runs whether the doit succeeded or not (post_doit does not learn which). */
static void psw_nl_post_doit(const struct psw_genl_op *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	struct psw_switch *sw = psw_nl_switch(info);

	if (!sw)	/* a read, or a doit that failed before psw_nl_lock() */
		return;
	if (ops->internal_flags & PSW_NL_CHANGE)
		WRITE_ONCE(sw->gen, sw->gen + 1);
	mutex_unlock(&sw->lock);
	rtnl_unlock();
}

/* The port an attribute names by ifindex: the switch itself is the host port. */
struct psw_port *psw_nl_port(struct psw_switch *sw, struct genl_info *info,
			     struct nlattr *attr)
{
	struct psw_port *port;

	lockdep_assert_held(&sw->lock);
	port = psw_port_by_ifindex(sw, nla_get_u32(attr));
	if (!port) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "device is not a port of this switch");
		return ERR_PTR(-ENOENT);
	}
	return port;
}

/* Parse the nest @type, which the command requires, into @tb. */
int psw_nl_parse_nest(struct genl_info *info, int type, int max,
		      const struct nla_policy *policy, struct nlattr **tb)
{
	if (GENL_REQ_ATTR_CHECK(info, type))
		return -EINVAL;
	return nla_parse_nested(tb, max, info->attrs[type], policy, info->extack);
}

struct psw_switch *psw_nl_dump_switch(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct psw_switch *sw;

	sw = psw_switch_find(sock_net(skb->sk), psw_dump_attrs(cb), cb->extack);
	if (!IS_ERR(sw))
		cb->seq = READ_ONCE(sw->gen) + 1;
	return sw;
}

void *psw_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &psw_genl_family, NLM_F_MULTI, cmd);
}

void psw_nl_dump_end(struct sk_buff *skb, struct netlink_callback *cb, void *hdr)
{
	genlmsg_end(skb, hdr);
	nl_dump_check_consistent(cb, nlmsg_hdr(skb));
}

/* One part of a dump of the switch the request names, under RCU. */
int psw_nl_dump(struct sk_buff *skb, struct netlink_callback *cb, psw_nl_part_fn part,
		const void *arg)
{
	struct psw_switch *sw;
	int ret;

	rcu_read_lock();
	sw = psw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw)) {
		ret = PTR_ERR(sw);
	} else {
		part(skb, cb, sw, arg);
		ret = skb->len;
	}
	rcu_read_unlock();
	return ret;
}

struct psw_nl_each {
	u8 cmd;
	psw_nl_fill_fn fill;
};

static void psw_nl_each_part(struct sk_buff *skb, struct netlink_callback *cb,
			     struct psw_switch *sw, const void *arg)
{
	const struct psw_nl_each *each = arg;
	void *hdr;
	long i;
	int ret;

	for (i = cb->args[0];; i++) {
		hdr = psw_nl_dump_hdr(skb, cb, each->cmd);
		if (!hdr)
			break;
		ret = each->fill(skb, sw, i);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			if (ret == -ENOENT)
				continue;
			break;
		}
		psw_nl_dump_end(skb, cb, hdr);
	}
	cb->args[0] = i;
}

/* A dump of a switch's objects by index; cb->args[0] is where to resume. */
int psw_nl_dump_each(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		     psw_nl_fill_fn fill)
{
	const struct psw_nl_each each = { .cmd = cmd, .fill = fill };

	return psw_nl_dump(skb, cb, psw_nl_each_part, &each);
}

/*
 * A change: @iflags PSW_NL_CHANGE when dumps stamp what it changes with
 * the generation, | PSW_NL_PARSE when its doit locks after parsing.
 */
#define PSW_NL_DO(name, cmd_, policy_, iflags)				\
	{								\
		.cmd = PSW_CMD_##cmd_,					\
		.doit = psw_nl_##name##_doit,				\
		.policy = policy_,					\
		.maxattr = PSW_A_MAX,					\
		.flags = GENL_UNS_ADMIN_PERM,				\
		.internal_flags = iflags,				\
	}

/* A dump; @flags_ GENL_UNS_ADMIN_PERM for live traffic, as conntrack -L. */
#define PSW_NL_DUMP(name, cmd_, policy_, flags_)			\
	{								\
		.cmd = PSW_CMD_##cmd_,					\
		.dumpit = psw_nl_##name##_dumpit,			\
		.policy = policy_,					\
		.maxattr = PSW_A_MAX,					\
		.flags = flags_,					\
	}

static const struct genl_ops psw_genl_ops[] = {
	{
		.cmd = PSW_CMD_SWITCH_GET,
		.doit = psw_nl_switch_get_doit,
		.dumpit = psw_nl_switch_get_dumpit,
		.policy = psw_switch_get_nl_policy,
		.maxattr = PSW_A_MAX,
		.internal_flags = PSW_NL_READ,
	},
	PSW_NL_DO(switch_set, SWITCH_SET, psw_switch_set_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DUMP(port_get, PORT_GET, psw_switch_get_nl_policy, 0),
	PSW_NL_DO(port_new, PORT_NEW, psw_port_new_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DO(port_del, PORT_DEL, psw_port_del_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DUMP(route_get, ROUTE_GET, psw_switch_get_nl_policy, 0),
	PSW_NL_DO(route_new, ROUTE_NEW, psw_route_new_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DO(route_del, ROUTE_DEL, psw_route_del_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DUMP(neigh_get, NEIGH_GET, psw_switch_get_nl_policy, 0),
	PSW_NL_DO(neigh_new, NEIGH_NEW, psw_neigh_new_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DO(neigh_del, NEIGH_DEL, psw_neigh_del_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DUMP(acl_get, ACL_GET, psw_switch_get_nl_policy, 0),
	PSW_NL_DO(acl_set, ACL_SET, psw_acl_set_nl_policy, PSW_NL_CHANGE | PSW_NL_PARSE),
	PSW_NL_DO(acl_del, ACL_DEL, psw_acl_del_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DO(acl_bind, ACL_BIND, psw_acl_bind_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DUMP(session_get, SESSION_GET, psw_session_nl_policy, GENL_UNS_ADMIN_PERM),
	PSW_NL_DO(session_flush, SESSION_FLUSH, psw_session_flush_nl_policy, 0),
	PSW_NL_DUMP(service_get, SERVICE_GET, psw_switch_get_nl_policy, 0),
	PSW_NL_DO(service_new, SERVICE_NEW, psw_service_new_nl_policy, PSW_NL_CHANGE | PSW_NL_PARSE),
	PSW_NL_DO(service_del, SERVICE_DEL, psw_service_del_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DUMP(snat_get, SNAT_GET, psw_switch_get_nl_policy, 0),
	PSW_NL_DO(snat_new, SNAT_NEW, psw_snat_new_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DO(snat_del, SNAT_DEL, psw_snat_del_nl_policy, PSW_NL_CHANGE),
	PSW_NL_DUMP(trace_get, TRACE_GET, psw_switch_get_nl_policy, GENL_UNS_ADMIN_PERM),
	PSW_NL_DO(trace_add, TRACE_ADD, psw_trace_add_nl_policy, 0),
	PSW_NL_DO(trace_clear, TRACE_CLEAR, psw_switch_get_nl_policy, 0),
	PSW_NL_DUMP(counter_get, COUNTER_GET, psw_switch_get_nl_policy, 0),
};

struct genl_family psw_genl_family __ro_after_init = {
	.name = PSW_GENL_NAME,
	.version = PSW_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = psw_genl_ops,
	.n_ops = ARRAY_SIZE(psw_genl_ops),
	/* Every command is validated strictly, its header included. */
	.resv_start_op = PSW_CMD_SWITCH_GET,
	.pre_doit = psw_nl_pre_doit,
	.post_doit = psw_nl_post_doit,
};

int __init psw_genl_init(void)
{
	return genl_register_family(&psw_genl_family);
}

void psw_genl_uninit(void)
{
	genl_unregister_family(&psw_genl_family);
}
