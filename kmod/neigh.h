/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_NEIGH_H
#define _PSW_NEIGH_H

#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct psw_pkt;
struct psw_switch;

/* Room for the host port (index 0) and the pod and uplink ports. */
#define PSW_MAX_PORTS 1024

/*
 * Static entries (pod addresses, configured ones) have their own room, so
 * that nothing a pod or an uplink sends keeps a port from being added.
 * Learned entries and those being resolved share the rest, at most
 * PSW_NEIGH_MAX_PORT of them a port: a full port, then a full table,
 * makes room by forgetting its least recently confirmed learned entry.
 */
#define PSW_NEIGH_BUCKETS 1024
#define PSW_NEIGH_MAX_STATIC 16384
#define PSW_NEIGH_MAX_DYNAMIC 8192
#define PSW_NEIGH_MAX_PORT 2048
#define PSW_NEIGH_MAX_INCOMPLETE 1024	/* being resolved, at once */
#define PSW_NEIGH_EVICT_SCAN 64		/* entries looked at to make room */
#define PSW_NEIGH_QUEUE 8	/* packets waiting per unresolved neighbor */
#define PSW_NEIGH_QUEUE_BYTES (256 * 1024)	/* their truesize, per neighbor */
#define PSW_NEIGH_QUEUE_TOTAL (4 * 1024 * 1024)	/* and per switch */
/*
 * What the packets of one input port (a pod) may hold of the resolutions
 * in progress and of the queues: else one pod sending to many unresolvable
 * next hops keeps every other pod's new neighbors from being resolved.
 */
#define PSW_NEIGH_MAX_INCOMPLETE_SRC 128
#define PSW_NEIGH_QUEUE_SRC (512 * 1024)
#define PSW_NEIGH_NO_SRC PSW_MAX_PORTS
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
	struct list_head lru;		/* not static: by last confirmation */
	struct list_head port_lru;	/* the same, among @port's */
	u16 src;			/* INCOMPLETE: the port whose packet asked */
	struct sk_buff_head queue;	/* PSW_NEIGH_INCOMPLETE only */
	u32 qbytes;			/* truesize of @queue */
};

/*
 * Lookups run under RCU; inserts and updates come from softirq on any CPU
 * (ARP learning, resolution) and from netlink, under the bh-safe @lock.
 * @gc ages dynamic entries and retransmits ARP requests.
 */
struct psw_neigh_table {
	spinlock_t lock;
	u32 count;			/* all entries */
	u32 nstatic;
	u32 ndynamic;
	u32 nincomplete;
	u32 qbytes;			/* truesize of every queue */
	u32 seed;
	struct list_head lru;		/* dynamic entries, oldest first */
	struct delayed_work gc;
	u16 nport[PSW_MAX_PORTS];	/* dynamic entries by port */
	struct list_head port_lru[PSW_MAX_PORTS];
	/* By the input port of the packets that caused them: */
	u16 nincomplete_src[PSW_MAX_PORTS];
	u32 qbytes_src[PSW_MAX_PORTS];
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
