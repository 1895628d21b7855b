// SPDX-License-Identifier: GPL-2.0
/*
 * The switch netdev: `ip link add NAME type podswitch` creates one,
 * `ip link del NAME`, netns exit and module unload destroy it.
 *
 * Locking: rtnl_link_ops callbacks run under RTNL; psw_switch_find()
 * needs RTNL or rcu_read_lock() and returns a switch valid only inside it.
 */

#include "switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/visibility.h>
#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

static struct rtnl_link_ops psw_link_ops;

bool psw_is_switch(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &psw_link_ops;
}
EXPORT_SYMBOL_IF_KUNIT(psw_is_switch);

void psw_switch_set_defaults(struct psw_switch *sw)
{
	eth_random_addr(sw->mac);
	sw->address = htonl(PSW_DEFAULT_ADDRESS);
	sw->host_routes = true;
	sw->anti_spoof = true;
}
EXPORT_SYMBOL_IF_KUNIT(psw_switch_set_defaults);

/*
 * Resolve the switch a request names by PSW_A_IFINDEX and/or PSW_A_IFNAME
 * in @net. Returns an ERR_PTR with extack set when nothing or something
 * else is named. Caller holds RTNL or rcu_read_lock().
 */
struct psw_switch *psw_switch_find(struct net *net, struct nlattr **attrs,
				   struct netlink_ext_ack *extack)
{
	struct net_device *dev = NULL, *by_name;
	struct nlattr *bad;

	if (!attrs[PSW_A_IFINDEX] && !attrs[PSW_A_IFNAME]) {
		NL_SET_ERR_MSG_MOD(extack, "no switch given: PSW_A_IFINDEX or PSW_A_IFNAME required");
		return ERR_PTR(-EINVAL);
	}
	if (attrs[PSW_A_IFINDEX]) {
		bad = attrs[PSW_A_IFINDEX];
		dev = dev_get_by_index_rcu(net, nla_get_u32(bad));
	}
	if (attrs[PSW_A_IFNAME]) {
		by_name = dev_get_by_name_rcu(net, nla_data(attrs[PSW_A_IFNAME]));
		if (dev && by_name != dev) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[PSW_A_IFNAME],
					    "PSW_A_IFINDEX and PSW_A_IFNAME name different devices");
			return ERR_PTR(-EINVAL);
		}
		bad = attrs[PSW_A_IFNAME];
		dev = by_name;
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, bad, "no such switch");
		return ERR_PTR(-ENODEV);
	}
	if (!psw_is_switch(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, bad, "device is not a podswitch");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}
EXPORT_SYMBOL_IF_KUNIT(psw_switch_find);

static netdev_tx_t psw_xmit(struct sk_buff *skb, struct net_device *dev)
{
	/* The host port has nowhere to forward to until ports exist. */
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
	return NETDEV_TX_OK;
}

static int psw_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void psw_dev_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static const struct net_device_ops psw_netdev_ops = {
	.ndo_init		= psw_dev_init,
	.ndo_uninit		= psw_dev_uninit,
	.ndo_start_xmit		= psw_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void psw_setup(struct net_device *dev)
{
	struct psw_switch *sw = netdev_priv(dev);

	ether_setup(dev);
	dev->netdev_ops = &psw_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	/* Ports belong to the switch's netns; the switch cannot leave it. */
	dev->features |= NETIF_F_NETNS_LOCAL | NETIF_F_LLTX;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);

	sw->dev = dev;
	mutex_init(&sw->lock);
	psw_switch_set_defaults(sw);
}

static int psw_validate(struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS], "MAC address must be 6 bytes");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS], "MAC address is not a unicast address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

static struct rtnl_link_ops psw_link_ops __read_mostly = {
	.kind		= KBUILD_MODNAME,
	.priv_size	= sizeof(struct psw_switch),
	.setup		= psw_setup,
	.validate	= psw_validate,
};

int __init psw_switch_init(void)
{
	return rtnl_link_register(&psw_link_ops);
}

void psw_switch_uninit(void)
{
	rtnl_link_unregister(&psw_link_ops);
}
