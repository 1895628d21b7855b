// SPDX-License-Identifier: GPL-2.0
/*
 * The switch netdev: `ip link add NAME type podswitch` creates one,
 * `ip link del NAME`, netns exit and module unload destroy it. What the
 * host transmits on it enters the switch on the host port; what the
 * switch sends to the host is received on it.
 *
 * Locking: rtnl_link_ops and ndo_init/ndo_uninit run under RTNL;
 * psw_switch_find() needs RTNL or rcu_read_lock() and returns a switch
 * valid only inside it. Settings changes take RTNL, then sw->lock.
 */

#include "acl.h"
#include "compat.h"
#include "fib.h"
#include "pipeline.h"
#include "port.h"
#include "switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/visibility.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

#define PSW_FEATURES (NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HW_CSUM | \
		      NETIF_F_RXCSUM | NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE)

static struct rtnl_link_ops psw_link_ops;

bool psw_is_switch(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &psw_link_ops;
}
EXPORT_SYMBOL_IF_KUNIT(psw_is_switch);

/* The VPP acl-plugin's and nat44-ed's defaults (Documentation/podswitch.rst). */
static const u32 psw_default_timeouts[PSW_SESSION_TABLE_MAX + 1][PSW_SESS_NSTATES] = {
	[PSW_SESSION_ACL] = {
		[PSW_SESS_TCP_ESTABLISHED] = 86400,
		[PSW_SESS_TCP_TRANSIENT] = 120,
		[PSW_SESS_UDP] = 600,
		[PSW_SESS_ICMP] = 60,
	},
	[PSW_SESSION_NAT44] = {
		[PSW_SESS_TCP_ESTABLISHED] = 7440,
		[PSW_SESS_TCP_TRANSIENT] = 240,
		[PSW_SESS_UDP] = 300,
		[PSW_SESS_ICMP] = 60,
	},
};

struct psw_params *psw_params_default(gfp_t gfp)
{
	struct psw_params *p = kzalloc(sizeof(*p), gfp);

	if (!p)
		return NULL;
	eth_random_addr(p->mac);
	p->address = htonl(PSW_DEFAULT_ADDRESS);
	p->host_routes = true;
	p->anti_spoof = true;
	memcpy(p->timeout, psw_default_timeouts, sizeof(p->timeout));
	p->max_sessions[PSW_SESSION_ACL] = 500000;
	p->max_sessions[PSW_SESSION_NAT44] = 500000;
	/* So that one pod, or one uplink's spoofed clients, fill a quarter. */
	p->port_max_sessions[PSW_SESSION_ACL] = 125000;
	p->port_max_sessions[PSW_SESSION_NAT44] = 125000;
	/* The kernel's own for its ICMP errors: icmp_msgs_per_sec, _burst. */
	p->icmp_rate = 1000;
	p->icmp_burst = 50;
	return p;
}
EXPORT_SYMBOL_IF_KUNIT(psw_params_default);

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
		/* Else a name given beside it would be taken alone. */
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, bad, "no such switch");
			return ERR_PTR(-ENODEV);
		}
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

/* Publish new settings (copied from @p). RTNL and sw->lock held. */
int psw_switch_set_params(struct psw_switch *sw, const struct psw_params *p)
{
	struct psw_params *old = psw_cfg(sw, sw->params), *new;
	int ret = 0;

	ASSERT_RTNL();
	lockdep_assert_held(&sw->lock);

	new = kmemdup(p, sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	rcu_assign_pointer(sw->params, new);
	if (old->host_routes != new->host_routes)
		ret = psw_fib_rebuild(sw);
	if (ret) {
		rcu_assign_pointer(sw->params, old);
		kfree_rcu(new, rcu);
		return ret;
	}
	kfree_rcu(old, rcu);
	return 0;
}

static netdev_tx_t psw_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct psw_switch *sw = netdev_priv(dev);
	struct psw_port *host;

	rcu_read_lock();
	host = rcu_dereference(sw->ports[0]);
	if (unlikely(!host || !pskb_may_pull(skb, ETH_HLEN))) {
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		goto out;
	}
	skb_reset_mac_header(skb);
	__skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	psw_input(host, skb);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

/* The host's view: what it sent is what the host port received. */
static void psw_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct psw_switch *sw = netdev_priv(dev);
	struct psw_port_stats st;
	struct psw_port *host;

	rcu_read_lock();
	host = rcu_dereference(sw->ports[0]);
	if (host) {
		psw_port_stats_sum(host, &st);
		s->tx_packets = st.rx_packets;
		s->tx_bytes = st.rx_bytes;
		s->tx_dropped = st.drops;
		s->rx_packets = st.tx_packets;
		s->rx_bytes = st.tx_bytes;
	}
	rcu_read_unlock();
	/* dev_get_stats() adds the core stats (tx_dropped above) itself. */
}

static int psw_dev_init(struct net_device *dev)
{
	struct psw_switch *sw = netdev_priv(dev);
	int ret;

	ret = -ENOMEM;
	RCU_INIT_POINTER(sw->params, psw_params_default(GFP_KERNEL));
	if (!rcu_access_pointer(sw->params))
		goto err;
	sw->counters = netdev_alloc_pcpu_stats(struct psw_counters);
	if (!sw->counters)
		goto err_free_params;
	ret = psw_sess_table_init(&sw->sessions[PSW_SESSION_ACL], PSW_SESSION_ACL,
				  &sw->params);
	if (ret)
		goto err_free_counters;
	ret = psw_sess_table_init(&sw->sessions[PSW_SESSION_NAT44], PSW_SESSION_NAT44,
				  &sw->params);
	if (ret)
		goto err_acl_sessions;
	ret = psw_nat44_switch_init(sw);
	if (ret)
		goto err_nat_sessions;
	ret = gro_cells_init(&sw->gro_cells, dev);
	if (ret)
		goto err_nat44;
	ret = psw_port_host_attach(sw);
	if (ret)
		goto err_gro_cells;
	psw_neigh_init(sw);
	psw_trace_init(&sw->trace);
	atomic_set(&sw->icmp_limit.credit, rcu_access_pointer(sw->params)->icmp_burst);
	sw->icmp_limit.stamp = jiffies;

	mutex_lock(&sw->lock);
	ret = psw_fib_rebuild(sw);
	mutex_unlock(&sw->lock);
	if (ret)
		goto err_ports;
	return 0;

err_ports:
	psw_neigh_uninit(sw);
	mutex_lock(&sw->lock);
	psw_port_del_all(sw);
	mutex_unlock(&sw->lock);
err_gro_cells:
	gro_cells_destroy(&sw->gro_cells);
err_nat44:
	psw_nat44_switch_free(sw);
err_nat_sessions:
	psw_sess_table_destroy(&sw->sessions[PSW_SESSION_NAT44]);
err_acl_sessions:
	psw_sess_table_destroy(&sw->sessions[PSW_SESSION_ACL]);
err_free_counters:
	free_percpu(sw->counters);
err_free_params:
	kfree(rcu_access_pointer(sw->params));
err:
	return ret;
}

static void psw_dev_uninit(struct net_device *dev)
{
	struct psw_switch *sw = netdev_priv(dev);

	mutex_lock(&sw->lock);
	psw_port_del_all(sw);
	psw_fib_flush(sw);
	psw_acl_switch_uninit(sw);
	mutex_unlock(&sw->lock);
	psw_neigh_uninit(sw);
	psw_trace_clear(&sw->trace);
	gro_cells_destroy(&sw->gro_cells);
}

/* After the last reference and a grace period: nothing reads these now. */
static void psw_dev_free(struct net_device *dev)
{
	struct psw_switch *sw = netdev_priv(dev);

	psw_nat44_switch_free(sw);
	psw_sess_table_destroy(&sw->sessions[PSW_SESSION_NAT44]);
	psw_sess_table_destroy(&sw->sessions[PSW_SESSION_ACL]);
	free_percpu(sw->counters);
	kfree(rcu_access_pointer(sw->params));
}

static const struct net_device_ops psw_netdev_ops = {
	.ndo_init		= psw_dev_init,
	.ndo_uninit		= psw_dev_uninit,
	.ndo_start_xmit		= psw_xmit,
	.ndo_get_stats64	= psw_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void psw_setup(struct net_device *dev)
{
	struct psw_switch *sw = netdev_priv(dev);

	ether_setup(dev);
	dev->netdev_ops = &psw_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = psw_dev_free;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	/*
	 * Transmit hands the skb to the switch, which rewrites it and may
	 * queue it for a neighbor: pktgen's clone_skb must not send it again.
	 */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	/* Ports belong to the switch's netns; the switch cannot leave it. */
	psw_dev_set_lltx_netns_local(dev);
	dev->features |= PSW_FEATURES;
	dev->hw_features |= PSW_FEATURES;
	dev->hw_enc_features |= PSW_FEATURES;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);

	sw->dev = dev;
	mutex_init(&sw->lock);
	INIT_LIST_HEAD(&sw->static_routes);
	psw_acl_switch_init(sw);
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

/* host-routes: follow every IPv4 address change of the switch's netns. */
static int psw_inetaddr_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct in_ifaddr *ifa = ptr;
	struct net *net = dev_net(ifa->ifa_dev->dev);
	struct net_device *dev;
	struct psw_switch *sw;

	if (event != NETDEV_UP && event != NETDEV_DOWN)
		return NOTIFY_DONE;
	for_each_netdev(net, dev) {
		if (!psw_is_switch(dev))
			continue;
		sw = netdev_priv(dev);
		mutex_lock(&sw->lock);
		if (psw_cfg(sw, sw->params)->host_routes && psw_fib_rebuild(sw))
			netdev_warn(dev, "out of memory: host routes not updated\n");
		mutex_unlock(&sw->lock);
	}
	return NOTIFY_DONE;
}

static struct notifier_block psw_inetaddr_notifier = {
	.notifier_call = psw_inetaddr_event,
};

int __init psw_switch_init(void)
{
	int ret;

	ret = register_inetaddr_notifier(&psw_inetaddr_notifier);
	if (ret)
		return ret;
	ret = rtnl_link_register(&psw_link_ops);
	if (ret)
		unregister_inetaddr_notifier(&psw_inetaddr_notifier);
	return ret;
}

void psw_switch_uninit(void)
{
	rtnl_link_unregister(&psw_link_ops);
	unregister_inetaddr_notifier(&psw_inetaddr_notifier);
}
