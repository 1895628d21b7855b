/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_PORT_H
#define _PSW_PORT_H

#include <uapi/linux/podswitch.h>

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>

struct psw_acl_cls;
struct psw_switch;
struct netlink_ext_ack;

struct psw_port_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
	u64 drops;
	struct u64_stats_sync syncp;
};

/*
 * A port of a switch: the host port (index 0, @dev is the switch netdev)
 * or a netdev taken over with an rx handler. Immutable once published but
 * for the pod MAC, which the first frame of the pod may teach; it is
 * written once under the neighbor table lock and read with @mac_known.
 */
struct psw_port {
	struct psw_switch *sw;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	u16 index;
	u8 type;		/* enum psw_port_type */
	u8 naddrs;
	__be32 addrs[PSW_PORT_MAX_ADDRS];
	u8 pod_mac[ETH_ALEN];
	bool mac_known;
	/* ACLs bound, by enum psw_acl_dir; written under the switch's lock. */
	struct psw_acl_cls __rcu *acl[2];
	/* Dynamic SNAT for packets leaving by it; under the switch's lock. */
	struct psw_nat_pool __rcu *snat;
	struct psw_port_stats __percpu *stats;
	struct rcu_head rcu;
};

struct psw_port_cfg {
	struct net_device *dev;
	u8 type;
	u8 naddrs;
	__be32 addrs[PSW_PORT_MAX_ADDRS];
	const u8 *mac;
};

int psw_port_init(void);
void psw_port_uninit(void);

int psw_port_host_attach(struct psw_switch *sw);
int psw_port_add(struct psw_switch *sw, const struct psw_port_cfg *cfg,
		 struct netlink_ext_ack *extack);
void psw_port_del(struct psw_port *port);
void psw_port_del_all(struct psw_switch *sw);
struct psw_port *psw_port_by_ifindex(struct psw_switch *sw, int ifindex);
bool psw_port_has_addr(const struct psw_port *port, __be32 addr);
void psw_port_stats_sum(const struct psw_port *port, struct psw_port_stats *sum);

/* The source MAC of frames the switch sends out of @port. */
const u8 *psw_port_mac(const struct psw_port *port);

/* As traces and pswctl name it: the host port is "host". */
static inline const char *psw_port_name(const struct psw_port *port)
{
	return port->type == PSW_PORT_HOST ? "host" : port->dev->name;
}

static inline void psw_port_count_rx(struct psw_port *port, unsigned int len)
{
	struct psw_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	s->rx_packets++;
	s->rx_bytes += len;
	u64_stats_update_end(&s->syncp);
}

static inline void psw_port_count_tx(struct psw_port *port, unsigned int len)
{
	struct psw_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);
}

static inline void psw_port_count_drop(struct psw_port *port)
{
	struct psw_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	s->drops++;
	u64_stats_update_end(&s->syncp);
}

#endif /* _PSW_PORT_H */
