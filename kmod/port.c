// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: the host port, and netdevs taken over with an rx handler.
 *
 * Locking: attach and detach run under RTNL and the switch lock (in that
 * order). A port is published in sw->ports[] with rcu_assign_pointer()
 * and freed after a grace period; netdev_rx_handler_unregister() waits
 * for packets in the rx handler, call_rcu() for every other reader.
 * A port leaves on `port del`, when its netdev is unregistered (the
 * notifier below), when the switch is deleted (psw_port_del_all() from
 * the switch's ndo_uninit, which also covers netns exit and rmmod).
 */

#include "fib.h"
#include "neigh.h"
#include "pipeline.h"
#include "acl.h"
#include "port.h"
#include "switch.h"

#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static rx_handler_result_t psw_port_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct psw_port *port;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	port = rcu_dereference(skb->dev->rx_handler_data);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	psw_input(port, skb);
	return RX_HANDLER_CONSUMED;
}

/* The port @dev is, or NULL. Needs RTNL. */
static struct psw_port *psw_port_of_dev(const struct net_device *dev)
{
	if (rcu_access_pointer(dev->rx_handler) != psw_port_rx)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

const u8 *psw_port_mac(const struct psw_port *port)
{
	if (port->type == PSW_PORT_HOST)
		return rcu_dereference(port->sw->params)->mac;
	return port->dev->dev_addr;
}

bool psw_port_has_addr(const struct psw_port *port, __be32 addr)
{
	unsigned int i;

	for (i = 0; i < port->naddrs; i++)
		if (port->addrs[i] == addr)
			return true;
	return false;
}

static struct psw_port *psw_port_alloc(struct psw_switch *sw,
				       struct net_device *dev, u16 index, u8 type)
{
	struct psw_port *port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);

	if (!port)
		return NULL;
	port->stats = netdev_alloc_pcpu_stats(struct psw_port_stats);
	if (!port->stats) {
		kfree(port);
		return NULL;
	}
	port->sw = sw;
	port->dev = dev;
	port->index = index;
	port->type = type;
	return port;
}

static void psw_port_free_rcu(struct rcu_head *head)
{
	struct psw_port *port = container_of(head, struct psw_port, rcu);

	psw_acl_port_release(port);

	free_percpu(port->stats);
	kfree(port);
}

/* The host port: index 0, the switch netdev itself. From ndo_init. */
int psw_port_host_attach(struct psw_switch *sw)
{
	struct psw_port *port;

	port = psw_port_alloc(sw, sw->dev, 0, PSW_PORT_HOST);
	if (!port)
		return -ENOMEM;
	rcu_assign_pointer(sw->ports[0], port);
	return 0;
}

struct psw_port *psw_port_by_ifindex(struct psw_switch *sw, int ifindex)
{
	struct psw_port *port;
	unsigned int i;

	for (i = 0; i < PSW_MAX_PORTS; i++) {
		port = psw_cfg(sw, sw->ports[i]);
		if (port && port->dev->ifindex == ifindex)
			return port;
	}
	return NULL;
}

static int psw_port_check(struct psw_switch *sw, const struct psw_port_cfg *cfg,
			  struct netlink_ext_ack *extack)
{
	struct net_device *dev = cfg->dev;
	struct psw_port *other;
	unsigned int i, a;

	if (psw_is_switch(dev)) {
		NL_SET_ERR_MSG_MOD(extack, "a switch cannot be a port (the host port is \"host\")");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    (dev->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG_MOD(extack, "port device is not an Ethernet device");
		return -EINVAL;
	}
	other = psw_port_of_dev(dev);
	if (other) {
		if (other->sw == sw)
			NL_SET_ERR_MSG_MOD(extack, "device is already a port of this switch");
		else
			NL_SET_ERR_MSG_MOD(extack, "device is already a port of another switch");
		return -EBUSY;
	}
	if (netdev_is_rx_handler_busy(dev) || netdev_master_upper_dev_get(dev)) {
		NL_SET_ERR_MSG_MOD(extack, "device is held by another master (bridge, bond, openvswitch...)");
		return -EBUSY;
	}
	if (cfg->type == PSW_PORT_POD) {
		for (i = 1; i < PSW_MAX_PORTS; i++) {
			other = psw_cfg(sw, sw->ports[i]);
			if (!other)
				continue;
			for (a = 0; a < cfg->naddrs; a++) {
				if (!psw_port_has_addr(other, cfg->addrs[a]))
					continue;
				NL_SET_ERR_MSG_MOD(extack, "a pod address already belongs to another port");
				return -EEXIST;
			}
		}
	}
	return 0;
}

int psw_port_add(struct psw_switch *sw, const struct psw_port_cfg *cfg,
		 struct netlink_ext_ack *extack)
{
	struct net_device *dev = cfg->dev;
	struct psw_port *port;
	unsigned int index, a;
	int ret;

	ASSERT_RTNL();
	lockdep_assert_held(&sw->lock);

	ret = psw_port_check(sw, cfg, extack);
	if (ret)
		return ret;
	for (index = 1; index < PSW_MAX_PORTS; index++)
		if (!psw_cfg(sw, sw->ports[index]))
			break;
	if (index == PSW_MAX_PORTS) {
		NL_SET_ERR_MSG_MOD(extack, "the switch has no room for another port");
		return -ENOSPC;
	}

	port = psw_port_alloc(sw, dev, index, cfg->type);
	if (!port)
		return -ENOMEM;
	port->naddrs = cfg->naddrs;
	memcpy(port->addrs, cfg->addrs, sizeof(port->addrs));
	if (cfg->mac) {
		ether_addr_copy(port->pod_mac, cfg->mac);
		port->mac_known = true;
	}
	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);

	ret = netdev_master_upper_dev_link(dev, sw->dev, NULL, NULL, extack);
	if (ret) {
		/* The core says why only for some refusals; -EBUSY is a loop. */
		if (extack && !extack->_msg && ret == -EBUSY)
			NL_SET_ERR_MSG_MOD(extack, "device cannot be a port: linking it under the switch would make a loop");
		else if (extack && !extack->_msg)
			NL_SET_ERR_MSG_MOD(extack, "device cannot be linked under the switch");
		goto err_put;
	}
	/* Frames for the switch MAC and the pod's ARP target any address. */
	ret = dev_set_promiscuity(dev, 1);
	if (ret)
		goto err_unlink;
	ret = netdev_rx_handler_register(dev, psw_port_rx, port);
	if (ret)
		goto err_promisc;
	rcu_assign_pointer(sw->ports[index], port);

	for (a = 0; port->mac_known && a < port->naddrs; a++) {
		ret = psw_neigh_set(sw, index, port->addrs[a], port->pod_mac,
				    PSW_NEIGH_STATIC);
		if (ret) {
			/* psw_neigh_set() fails only when the table is full. */
			NL_SET_ERR_MSG_MOD(extack, "neighbor table full: no room for the pod's address");
			goto err_unpublish;
		}
	}
	ret = psw_fib_rebuild(sw);
	if (ret)
		goto err_unpublish;
	return 0;

err_unpublish:
	RCU_INIT_POINTER(sw->ports[index], NULL);
	netdev_rx_handler_unregister(dev);
	psw_neigh_flush_port(sw, index);
err_promisc:
	dev_set_promiscuity(dev, -1);
err_unlink:
	netdev_upper_dev_unlink(dev, sw->dev);
err_put:
	netdev_put(dev, &port->dev_tracker);
	call_rcu(&port->rcu, psw_port_free_rcu);
	return ret;
}

/* Static routes out of a port go with it, as the kernel's do with a device. */
static void psw_port_forget_routes(struct psw_switch *sw, u16 index)
{
	struct psw_route_cfg *rc, *tmp;

	list_for_each_entry_safe(rc, tmp, &sw->static_routes, list) {
		if (rc->r.type != PSW_ROUTE_HOST && rc->r.type != PSW_ROUTE_DROP &&
		    rc->r.port == index) {
			list_del(&rc->list);
			sw->nstatic_routes--;
			kfree(rc);
		}
	}
}

void psw_port_del(struct psw_port *port)
{
	struct psw_switch *sw = port->sw;
	struct net_device *dev = port->dev;

	ASSERT_RTNL();
	lockdep_assert_held(&sw->lock);

	RCU_INIT_POINTER(sw->ports[port->index], NULL);
	psw_acl_port_unbind(sw, port);
	psw_nat44_port_unbind(sw, port);
	if (port->type != PSW_PORT_HOST) {
		netdev_rx_handler_unregister(dev);
		dev_set_promiscuity(dev, -1);
		netdev_upper_dev_unlink(dev, sw->dev);
		netdev_put(dev, &port->dev_tracker);
		psw_port_forget_routes(sw, port->index);
	}
	psw_neigh_flush_port(sw, port->index);
	/*
	 * The next port to take the index must not inherit the connections
	 * (nor the session quota) of this one. (A packet already past the
	 * lookup may still open one: it expires as any other.)
	 */
	if (port->type != PSW_PORT_HOST) {
		psw_sess_flush_port(&sw->sessions[PSW_SESSION_ACL], port->index);
		psw_sess_flush_port(&sw->sessions[PSW_SESSION_NAT44], port->index);
	}
	/*
	 * If the rebuild fails for want of memory the old FIB may still name
	 * this index; packets then find no port and are dropped as "output
	 * port gone", and the next port to take the index rebuilds it.
	 */
	if (port->type != PSW_PORT_HOST)
		psw_fib_rebuild(sw);
	call_rcu(&port->rcu, psw_port_free_rcu);
}

void psw_port_del_all(struct psw_switch *sw)
{
	struct psw_port *port;
	int i;

	for (i = PSW_MAX_PORTS - 1; i >= 0; i--) {
		port = psw_cfg(sw, sw->ports[i]);
		if (port)
			psw_port_del(port);
	}
}

void psw_port_stats_sum(const struct psw_port *port, struct psw_port_stats *sum)
{
	const struct psw_port_stats *s;
	u64 rp, rb, tp, tb, dr;
	unsigned int start;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(port->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			rp = s->rx_packets;
			rb = s->rx_bytes;
			tp = s->tx_packets;
			tb = s->tx_bytes;
			dr = s->drops;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum->rx_packets += rp;
		sum->rx_bytes += rb;
		sum->tx_packets += tp;
		sum->tx_bytes += tb;
		sum->drops += dr;
	}
}

static int psw_port_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct psw_port *port;
	struct psw_switch *sw;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	port = psw_port_of_dev(dev);
	if (!port)
		return NOTIFY_DONE;
	sw = port->sw;
	mutex_lock(&sw->lock);
	psw_port_del(port);
	mutex_unlock(&sw->lock);
	return NOTIFY_OK;
}

static struct notifier_block psw_port_notifier = {
	.notifier_call = psw_port_netdev_event,
};

int __init psw_port_init(void)
{
	return register_netdevice_notifier(&psw_port_notifier);
}

void psw_port_uninit(void)
{
	unregister_netdevice_notifier(&psw_port_notifier);
}
