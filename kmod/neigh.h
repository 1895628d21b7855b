/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_NEIGH_H
#define _PSW_NEIGH_H

#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct psw_pkt;
struct psw_switch;

#define PSW_NEIGH_BUCKETS 1024
#define PSW_NEIGH_MAX 16384	/* entries per switch */
#define PSW_NEIGH_QUEUE 8	/* packets waiting per unresolved neighbor */
#define PSW_NEIGH_REACHABLE_MS 30000	/* then refreshed on use */
#define PSW_NEIGH_STALE_MS 90000	/* then forgotten */
#define PSW_NEIGH_RETRANS_MS 1000	/* between ARP requests */
#define PSW_NEIGH_RESOLVE_MS 3000	/* give up resolving */

/*
 * A neighbor: the MAC of an IPv4 address on one port. The MAC never
 * changes in place: a new MAC replaces the entry, so that RCU readers
 * never see a torn address.
 */
struct psw_neigh {
	struct hlist_node node;
	struct rcu_head rcu;
	__be32 addr;
	u16 port;
	u8 state;		/* enum psw_neigh_state */
	u8 mac[ETH_ALEN];
	unsigned long confirmed;	/* jiffies */
	unsigned long probed;		/* jiffies of the last ARP request */
	struct sk_buff_head queue;	/* PSW_NEIGH_INCOMPLETE only */
};

/*
 * Lookups run under RCU; inserts and updates come from softirq on any CPU
 * (ARP learning, resolution) and from netlink, under the bh-safe @lock.
 * @gc ages dynamic entries and retransmits ARP requests.
 */
struct psw_neigh_table {
	spinlock_t lock;
	u32 count;
	struct delayed_work gc;
	struct hlist_head buckets[PSW_NEIGH_BUCKETS];
};

struct psw_arp_target {
	u16 port;
	__be32 addr;
};

void psw_neigh_init(struct psw_switch *sw);
void psw_neigh_uninit(struct psw_switch *sw);

struct psw_neigh *psw_neigh_lookup(struct psw_switch *sw, u16 port, __be32 addr);
int psw_neigh_set(struct psw_switch *sw, u16 port, __be32 addr,
		  const u8 *mac, u8 state);
bool psw_neigh_learn(struct psw_switch *sw, u16 port, __be32 addr,
		     const u8 *mac, bool create);
int psw_neigh_del(struct psw_switch *sw, u16 port, __be32 addr);
void psw_neigh_flush_port(struct psw_switch *sw, u16 port);
struct psw_neigh *psw_neigh_at(struct psw_switch *sw, long *bucket, long *idx);
void psw_neigh_resolve_and_send(struct psw_pkt *pkt, struct sk_buff *skb);
unsigned int psw_neigh_age(struct psw_switch *sw, unsigned long now,
			   struct psw_arp_target *ask, unsigned int max);

#endif /* _PSW_NEIGH_H */
