/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_SESSION_H
#define _PSW_SESSION_H

#include <uapi/linux/podswitch.h>

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct psw_params;
struct sk_buff;

#define PSW_SESS_NSTATES (PSW_SESS_STATE_MAX + 1)
/*
 * Not a connection state: a NAT affinity record (client -> backend of a
 * service), which keeps its own timeout. Has its own list, after the
 * states'.
 */
#define PSW_SESS_HOLD PSW_SESS_NSTATES
#define PSW_SESS_NLISTS (PSW_SESS_HOLD + 1)

/*
 * What a session is found by. An ACL session's key is the connection as
 * both of its directions see it: endpoint 0 is the lower (address, port)
 * pair, so a packet and its reply give the same key. A NAT session has
 * two directional keys (addr/port 0 the source, 1 the destination): the
 * packets of its initiator before translation and its replies before
 * translation. ICMP echo uses the echo id as both ports.
 */
struct psw_sess_key {
	__be32 addr[2];
	__be16 port[2];
	u8 proto;
	/* Not hashed: which of its session's tuples this key is. */
	u8 tuple;
	u8 pad[2];
};

#define PSW_SESS_KEY_LEN offsetofend(struct psw_sess_key, proto)

struct psw_sess_tuple {
	struct rhash_head node;
	struct psw_sess_key key;
};

/*
 * One session. The keys, @orig and @ntuples never change once it is
 * hashed; @last and @tcp_seen are written by the packets of the session
 * on any CPU with plain racy stores (a lost update costs one more store
 * later), @state only under the lock of the CPU list it is on (@cpu).
 */
struct psw_session {
	struct psw_sess_tuple tuple;	/* NAT: the initiator's direction */
	unsigned long last;		/* jiffies of the latest packet */
	/*
	 * Once killed, the session is off its list (under the list's lock,
	 * after PSW_SESS_DEAD is set, which keeps everyone else off it): its
	 * list node is free for the grace period's callback.
	 */
	union {
		struct list_head list;	/* on its CPU's list for @state */
		struct rcu_head rcu;
	};
	u8 state;			/* enum psw_session_state, PSW_SESS_HOLD */
	u8 orig:1;			/* ACL: the endpoint that opened it */
	u8 ntuples:2;			/* hashed tuples: 1, or 2 with the reply */
	u8 tcp_seen[2];			/* TCP flags seen from each direction */
	u16 cpu;
	u16 port;			/* where it was created (sw_if) */
	unsigned long flags;		/* PSW_SESS_DEAD */
	/*
	 * TCP, per direction (written by that direction's packets): the
	 * end of the sequence space it sent, the largest window it
	 * advertised (scaled), its window scale (PSW_TCP_NO_SCALE until
	 * its SYN said), so that a RST or FIN out of the window does not
	 * end the session.
	 */
	u32 tcp_end[2];
	u32 tcp_win[2];
	u8 tcp_scale[2];		/* the SYN's option + 1; 0: none */
	u8 tcp_known[2];		/* @dir's segments seen (each side its own) */
};

#define PSW_TCP_NO_SCALE 0xff

/* What a TCP segment says of the sequence space (psw_tcp_seg_parse()). */
struct psw_tcp_seg {
	u32 seq;
	u32 ack;
	u32 end;			/* seq + length, SYN and FIN included */
	u32 win;			/* unscaled */
	u8 flags;
	u8 wscale;			/* SYN: its option, or PSW_TCP_NO_SCALE */
};

#define PSW_SESS_DEAD 0

/*
 * A NAT session: the reply tuple is the translated connection seen from
 * the other side, so both translations follow from the two keys.
 */
struct psw_nat_session {
	struct psw_session s;
	struct psw_sess_tuple reply;
	u32 id;				/* for traces and dumps */
	u32 hold;			/* PSW_SESS_HOLD: timeout in seconds */
	u16 nat_flags;			/* PSW_NAT_F_* (nat44.h) */
	u16 snat_port;			/* PSW_NAT_F_SNAT: the pool's port */
};

static inline struct psw_nat_session *psw_nat_sess(struct psw_session *s)
{
	return container_of(s, struct psw_nat_session, s);
}

struct psw_sess_cpu {
	spinlock_t lock;
	u32 seq;			/* numbers this CPU's new NAT sessions */
	/* Per state, in the order sessions entered it or were last aged. */
	struct list_head lists[PSW_SESS_NLISTS];
};

/*
 * The sessions of one kind (enum psw_session_table) of a switch. Lookups
 * run under RCU with no lock; a new session goes on the list of the CPU
 * that created it, whose lock only its state changes, expiry and flushes
 * take. @count bounds the table.
 */
struct psw_sess_table {
	struct rhashtable ht;
	struct psw_sess_cpu __percpu *cpus;
	struct kmem_cache *cache;
	atomic_t count;
	atomic_t *port_count;		/* by the port that opened them */
	unsigned long recycle_failed;	/* jiffies: nothing to recycle then */
	u8 kind;			/* enum psw_session_table */
	unsigned long gc_flags;		/* PSW_SESS_GC_ARMED */
	struct delayed_work gc;
	struct psw_params __rcu **params;
};

#define PSW_SESS_GC_ARMED 0

int psw_session_init(void);
void psw_session_uninit(void);
size_t psw_session_size(u8 kind);

int psw_sess_table_init(struct psw_sess_table *t, u8 kind,
			struct psw_params __rcu **params);
void psw_sess_table_destroy(struct psw_sess_table *t);

void psw_sess_key_make(struct psw_sess_key *k, u8 *dir, __be32 saddr,
		       __be32 daddr, __be16 sport, __be16 dport, u8 proto);
struct psw_session *psw_sess_lookup(struct psw_sess_table *t,
				    const struct psw_sess_key *k, u8 *tuple,
				    const struct psw_params *p);
struct psw_session *psw_sess_create(struct psw_sess_table *t,
				    const struct psw_sess_key *k, u8 dir,
				    u8 tcp_flags, u16 port,
				    const struct psw_params *p);
struct psw_session *psw_sess_alloc(struct psw_sess_table *t,
				   const struct psw_params *p, u16 port);
int psw_sess_add(struct psw_sess_table *t, struct psw_session *s,
		 const struct psw_params *p);
void psw_sess_kill(struct psw_sess_table *t, struct psw_session *s);
void psw_sess_update(struct psw_sess_table *t, struct psw_session *s, u8 dir,
		     u8 tcp_flags);
bool psw_sess_expired(const struct psw_sess_table *t,
		      const struct psw_session *s, const struct psw_params *p,
		      unsigned long now);
unsigned long psw_sess_timeout(const struct psw_sess_table *t,
			       const struct psw_session *s,
			       const struct psw_params *p);
void psw_sess_flush(struct psw_sess_table *t);
void psw_sess_flush_port(struct psw_sess_table *t, u16 port);
void psw_sess_flush_addr(struct psw_sess_table *t, __be32 addr);
void psw_sess_flush_if(struct psw_sess_table *t,
		       bool (*match)(const struct psw_session *s, const void *arg),
		       const void *arg);
unsigned int psw_sess_gc(struct psw_sess_table *t, unsigned int budget);

/* What a walk does with the session it visits. */
enum psw_sess_verdict {
	PSW_SESS_NEXT,		/* leave it */
	PSW_SESS_KILL,		/* kill it */
	PSW_SESS_SEEN,		/* leave it, at the tail of its list */
	PSW_SESS_NEXT_LIST,	/* leave it and the rest of its list */
	PSW_SESS_STOP,		/* leave it, end the walk */
};

typedef enum psw_sess_verdict (*psw_sess_visit_fn)(struct psw_sess_table *t,
						   struct psw_session *s,
						   unsigned int n, void *arg);
void psw_sess_walk(struct psw_sess_table *t, unsigned int nlists,
		   psw_sess_visit_fn visit, void *arg);

struct bucket_table;

/*
 * Where a dump of a table's hash stopped: which bucket table (a resize
 * makes a new one, with a new seed), the bucket, the last tuple done in
 * its chain (compared, never dereferenced) and how many were done.
 */
struct psw_sess_cursor {
	const struct bucket_table *tbl;
	u32 rnd;
	u32 bucket;
	u32 skip;
	const void *last;
	bool moved;		/* the table was resized since the walk began */
};

/* @fill a live connection; nonzero (the message is full) stops the walk. */
typedef int (*psw_sess_dump_fn)(struct psw_sess_table *t, struct psw_session *s,
				unsigned long now, void *arg);
bool psw_sess_dump_walk(struct psw_sess_table *t, struct psw_sess_cursor *cur,
			const struct psw_params *p, psw_sess_dump_fn fill, void *arg);

/* A session as a dump shows it (PSW_A_SESSION). */
struct psw_sess_info {
	__be32 src;
	__be32 dst;
	__be32 xsrc;
	__be32 xdst;
	u16 sport;
	u16 dport;
	u16 xsport;
	u16 xdport;
	u8 table;
	u8 proto;
	u8 state;
	u16 port;
	u32 id;
	u32 idle_ms;
	u32 expires_ms;
};

void psw_sess_info_fill(struct psw_sess_info *d, const struct psw_sess_table *t,
			struct psw_session *s, const struct psw_params *p,
			unsigned long now);
u8 psw_sess_tcp_state(const u8 seen[2]);
bool psw_tcp_seg_parse(const struct sk_buff *skb, struct psw_tcp_seg *seg);
u8 psw_sess_tcp_track(struct psw_session *s, u8 dir, const struct psw_tcp_seg *seg);
u8 psw_sess_first_state(u8 proto);

#endif /* _PSW_SESSION_H */
