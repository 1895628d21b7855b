// SPDX-License-Identifier: GPL-2.0
/*
 * The "podswitch" generic netlink family; uapi/linux/podswitch.h documents
 * every command and attribute.
 *
 * Locking: dumps walk the netns' netdevs under rcu_read_lock() and flag
 * themselves inconsistent (NLM_F_DUMP_INTR) when dev_base_seq moved
 * between two parts; requests for one switch run under rcu_read_lock()
 * too, since they only read.
 */

#include "netlink.h"
#include "switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/visibility.h>
#include <linux/if.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

static const struct nla_policy psw_policy[PSW_A_MAX + 1] = {
	[PSW_A_IFINDEX]		= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PSW_A_MAC]		= NLA_POLICY_ETH_ADDR,
	[PSW_A_ADDRESS]		= { .type = NLA_BE32 },
	[PSW_A_HOST_ROUTES]	= NLA_POLICY_MAX(NLA_U8, 1),
	[PSW_A_ANTI_SPOOF]	= NLA_POLICY_MAX(NLA_U8, 1),
};

static struct genl_family psw_genl_family;

/* Put @sw's attributes (PSW_CMD_GET_SWITCH reply) into @skb. */
int psw_nl_fill_switch(struct sk_buff *skb, const struct psw_switch *sw)
{
	if (nla_put_u32(skb, PSW_A_IFINDEX, sw->dev->ifindex) ||
	    nla_put_string(skb, PSW_A_IFNAME, sw->dev->name) ||
	    nla_put(skb, PSW_A_MAC, ETH_ALEN, sw->mac) ||
	    nla_put_in_addr(skb, PSW_A_ADDRESS, sw->address) ||
	    nla_put_u8(skb, PSW_A_HOST_ROUTES, sw->host_routes) ||
	    nla_put_u8(skb, PSW_A_ANTI_SPOOF, sw->anti_spoof))
		return -EMSGSIZE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nl_fill_switch);

static int psw_nl_switch_msg(struct sk_buff *skb, const struct psw_switch *sw,
			     u32 portid, u32 seq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &psw_genl_family, flags,
			  PSW_CMD_GET_SWITCH);
	if (!hdr)
		return -EMSGSIZE;
	if (psw_nl_fill_switch(skb, sw)) {
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

static const struct genl_small_ops psw_genl_ops[] = {
	{
		.cmd = PSW_CMD_GET_SWITCH,
		.doit = psw_nl_get_switch_doit,
		.dumpit = psw_nl_get_switch_dumpit,
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
