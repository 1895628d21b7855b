// SPDX-License-Identifier: GPL-2.0
/*
 * Session keys, the TCP state machine, expiry, and a full table
 * recycling its oldest transient session.
 */
#include "kmod/session.h"
#include "kmod/switch.h"

#include <kunit/test.h>
#include <linux/slab.h>
#include <net/tcp.h>

static void psw_test_sess_key(struct kunit *test)
{
	struct psw_sess_key a, b;
	u8 da, db;

	psw_sess_key_make(&a, &da, htonl(0x0a010106), htonl(0xac1e0102), htons(8080),
			  htons(32966), IPPROTO_TCP);
	psw_sess_key_make(&b, &db, htonl(0xac1e0102), htonl(0x0a010106), htons(32966),
			  htons(8080), IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, memcmp(&a, &b, sizeof(a)), 0);
	KUNIT_EXPECT_NE(test, da, db);
	/* Same addresses: the ports order the endpoints. */
	psw_sess_key_make(&a, &da, htonl(1), htonl(1), htons(2), htons(1), IPPROTO_UDP);
	psw_sess_key_make(&b, &db, htonl(1), htonl(1), htons(1), htons(2), IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, memcmp(&a, &b, sizeof(a)), 0);
	KUNIT_EXPECT_NE(test, da, db);
	psw_sess_key_make(&b, &db, htonl(1), htonl(1), htons(1), htons(2), IPPROTO_TCP);
	KUNIT_EXPECT_NE(test, memcmp(&a, &b, sizeof(a)), 0);
}

/* The memory bound is max-sessions times this (plus the hash buckets). */
static void psw_test_sess_size(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, psw_session_size(PSW_SESSION_ACL), 128u);
}

static void psw_test_sess_tcp_state(struct kunit *test)
{
	u8 seen[2] = { TCPHDR_SYN, 0 };

	KUNIT_EXPECT_EQ(test, psw_sess_tcp_state(seen), PSW_SESS_TCP_TRANSIENT);
	seen[1] = TCPHDR_SYN | TCPHDR_ACK;
	KUNIT_EXPECT_EQ(test, psw_sess_tcp_state(seen), PSW_SESS_TCP_TRANSIENT);
	seen[0] |= TCPHDR_ACK;
	KUNIT_EXPECT_EQ(test, psw_sess_tcp_state(seen), PSW_SESS_TCP_ESTABLISHED);
	seen[1] |= TCPHDR_FIN;
	KUNIT_EXPECT_EQ(test, psw_sess_tcp_state(seen), PSW_SESS_TCP_TRANSIENT);
	seen[1] = TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST;
	KUNIT_EXPECT_EQ(test, psw_sess_tcp_state(seen), PSW_SESS_TCP_TRANSIENT);
	/* ACK alone both ways (picked up mid-stream) is not a handshake. */
	seen[0] = TCPHDR_ACK;
	seen[1] = TCPHDR_ACK;
	KUNIT_EXPECT_EQ(test, psw_sess_tcp_state(seen), PSW_SESS_TCP_TRANSIENT);
}

struct sess_ctx {
	struct psw_params __rcu *params;
	struct psw_sess_table t;
};

static struct sess_ctx *sess_ctx_kind(struct kunit *test, u8 kind, u32 max)
{
	struct sess_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct psw_params *p;

	KUNIT_ASSERT_NOT_NULL(test, c);
	p = psw_params_default(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->max_sessions[kind] = max;
	RCU_INIT_POINTER(c->params, p);
	KUNIT_ASSERT_EQ(test, psw_sess_table_init(&c->t, kind, &c->params), 0);
	return c;
}

static struct sess_ctx *sess_ctx(struct kunit *test, u32 max)
{
	return sess_ctx_kind(test, PSW_SESSION_ACL, max);
}

static void sess_ctx_free(struct sess_ctx *c)
{
	psw_sess_table_destroy(&c->t);
	kfree(rcu_access_pointer(c->params));
}

/* A session from port @port's 10.0.0.1:@sport to 10.0.0.2:80. */
static struct psw_session *open_sess_on(struct sess_ctx *c, u8 proto, u16 sport, u16 port)
{
	const struct psw_params *p = rcu_access_pointer(c->params);
	struct psw_sess_key k;
	struct psw_session *s;
	u8 dir;

	psw_sess_key_make(&k, &dir, htonl(0x0a000001), htonl(0x0a000002), htons(sport),
			  htons(80), proto);
	rcu_read_lock();
	s = psw_sess_create(&c->t, &k, dir, proto == IPPROTO_TCP ? TCPHDR_SYN : 0, port, p);
	rcu_read_unlock();
	return s;
}

static struct psw_session *open_sess(struct sess_ctx *c, u8 proto, u16 sport)
{
	return open_sess_on(c, proto, sport, 1);
}

static bool sess_alive(struct sess_ctx *c, u8 proto, u16 sport)
{
	const struct psw_params *p = rcu_access_pointer(c->params);
	struct psw_sess_key k;
	bool alive;
	u8 dir;

	psw_sess_key_make(&k, &dir, htonl(0x0a000002), htonl(0x0a000001), htons(80),
			  htons(sport), proto);
	rcu_read_lock();
	alive = psw_sess_lookup(&c->t, &k, NULL, p);
	rcu_read_unlock();
	return alive;
}

static void psw_test_sess_establish(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx(test, 10);
	struct psw_session *s = open_sess(c, IPPROTO_TCP, 1000);
	u8 o;

	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	o = s->orig;
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_TRANSIENT);
	/* The first packet's SYN counts: it created the session. */
	KUNIT_EXPECT_EQ(test, s->tcp_seen[o], TCPHDR_SYN);
	psw_sess_update(&c->t, s, !o, TCPHDR_SYN | TCPHDR_ACK);
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_TRANSIENT);
	psw_sess_update(&c->t, s, o, TCPHDR_ACK);
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_ESTABLISHED);
	psw_sess_update(&c->t, s, !o, TCPHDR_FIN | TCPHDR_ACK);
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_TRANSIENT);
	KUNIT_EXPECT_TRUE(test, sess_alive(c, IPPROTO_TCP, 1000));
	/* Another CPU's packet for the same key finds the existing one. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(open_sess(c, IPPROTO_TCP, 1000)), -EEXIST);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 1);
	sess_ctx_free(c);
}

static void psw_test_sess_expiry(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx(test, 10);
	struct psw_session *s = open_sess(c, IPPROTO_UDP, 2000);
	const struct psw_params *p = rcu_access_pointer(c->params);

	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_UDP);
	KUNIT_EXPECT_TRUE(test, sess_alive(c, IPPROTO_UDP, 2000));
	KUNIT_EXPECT_EQ(test, psw_sess_gc(&c->t, 100), 0u);
	/* Idle for longer than the UDP timeout: gone for packets at once... */
	WRITE_ONCE(s->last, jiffies - (unsigned long)p->timeout[PSW_SESSION_ACL][PSW_SESS_UDP] * HZ - 1);
	KUNIT_EXPECT_FALSE(test, sess_alive(c, IPPROTO_UDP, 2000));
	/* ...and reclaimed by the collector. */
	KUNIT_EXPECT_EQ(test, psw_sess_gc(&c->t, 100), 1u);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 0);
	/* A new connection on the same key starts over. */
	s = open_sess(c, IPPROTO_UDP, 2000);
	KUNIT_EXPECT_FALSE(test, IS_ERR(s));
	KUNIT_EXPECT_TRUE(test, sess_alive(c, IPPROTO_UDP, 2000));
	sess_ctx_free(c);
}

static void psw_test_sess_full(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx(test, 3);
	struct psw_session *s;
	u8 o;

	s = open_sess(c, IPPROTO_TCP, 1);	/* will be established */
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	o = s->orig;
	psw_sess_update(&c->t, s, o, TCPHDR_SYN | TCPHDR_ACK);
	psw_sess_update(&c->t, s, !o, TCPHDR_SYN | TCPHDR_ACK);
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_ESTABLISHED);
	s = open_sess(c, IPPROTO_TCP, 2);	/* transient, the oldest */
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	WRITE_ONCE(s->last, jiffies - 2);
	s = open_sess(c, IPPROTO_TCP, 3);	/* transient */
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	WRITE_ONCE(s->last, jiffies - 1);

	/* Full: the oldest transient session (port 2) makes room. */
	KUNIT_ASSERT_FALSE(test, IS_ERR(open_sess(c, IPPROTO_UDP, 4)));
	KUNIT_EXPECT_FALSE(test, sess_alive(c, IPPROTO_TCP, 2));
	KUNIT_EXPECT_TRUE(test, sess_alive(c, IPPROTO_TCP, 3));
	KUNIT_EXPECT_TRUE(test, sess_alive(c, IPPROTO_TCP, 1));
	KUNIT_ASSERT_FALSE(test, IS_ERR(open_sess(c, IPPROTO_UDP, 5)));
	KUNIT_EXPECT_FALSE(test, sess_alive(c, IPPROTO_TCP, 3));
	/* Nothing transient left: the oldest UDP session makes room. */
	KUNIT_ASSERT_FALSE(test, IS_ERR(open_sess(c, IPPROTO_ICMP, 6)));
	KUNIT_EXPECT_FALSE(test, sess_alive(c, IPPROTO_UDP, 4));
	KUNIT_EXPECT_TRUE(test, sess_alive(c, IPPROTO_UDP, 5));
	/* ICMP goes before UDP, and established TCP never. */
	KUNIT_ASSERT_FALSE(test, IS_ERR(open_sess(c, IPPROTO_UDP, 7)));
	KUNIT_EXPECT_FALSE(test, sess_alive(c, IPPROTO_ICMP, 6));
	KUNIT_EXPECT_TRUE(test, sess_alive(c, IPPROTO_TCP, 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 3);

	psw_sess_flush(&c->t);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 0);
	KUNIT_EXPECT_FALSE(test, sess_alive(c, IPPROTO_TCP, 1));
	sess_ctx_free(c);
}

static void nat_key(struct psw_sess_key *k, u32 src, u16 sport, u32 dst, u16 dport)
{
	memset(k, 0, sizeof(*k));
	k->addr[0] = htonl(src);
	k->addr[1] = htonl(dst);
	k->port[0] = htons(sport);
	k->port[1] = htons(dport);
	k->proto = IPPROTO_TCP;
}

static int nat_open(struct sess_ctx *c, const struct psw_sess_key *fwd,
		    const struct psw_sess_key *reply)
{
	const struct psw_params *p = rcu_access_pointer(c->params);
	struct psw_session *s;
	int ret;

	rcu_read_lock();
	s = psw_sess_alloc(&c->t, p, 1);
	ret = PTR_ERR_OR_ZERO(s);
	if (!ret) {
		s->tuple.key = *fwd;
		psw_nat_sess(s)->reply.key = *reply;
		s->ntuples = 2;
		s->state = PSW_SESS_TCP_TRANSIENT;
		ret = psw_sess_add(&c->t, s, p);
	}
	rcu_read_unlock();
	return ret;
}

/*
 * A NAT session is found by either of its directional keys, and says by
 * which; a second session with a reply key in use is refused, whole.
 */
static void psw_test_sess_nat_tuples(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx_kind(test, PSW_SESSION_NAT44, 10);
	const struct psw_params *p = rcu_access_pointer(c->params);
	struct psw_sess_key fwd, reply, fwd2, back;
	struct psw_session *s;
	u8 tuple = 9;

	/* 10.1.1.5:40000 -> VIP 10.96.0.10:80, DNAT to 10.1.1.6:8080 */
	nat_key(&fwd, 0x0a010105, 40000, 0x0a60000a, 80);
	nat_key(&reply, 0x0a010106, 8080, 0x0a010105, 40000);
	KUNIT_ASSERT_EQ(test, nat_open(c, &fwd, &reply), 0);
	rcu_read_lock();
	s = psw_sess_lookup(&c->t, &fwd, &tuple, p);
	KUNIT_EXPECT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, tuple, 0);
	KUNIT_EXPECT_PTR_EQ(test, psw_sess_lookup(&c->t, &reply, &tuple, p), s);
	KUNIT_EXPECT_EQ(test, tuple, 1);
	/* Directional: the reverse of a key is no key. */
	nat_key(&back, 0x0a60000a, 80, 0x0a010105, 40000);
	KUNIT_EXPECT_NULL(test, psw_sess_lookup(&c->t, &back, &tuple, p));
	rcu_read_unlock();

	/* Same first key: -EEXIST; another one with the same reply: -EADDRINUSE. */
	KUNIT_EXPECT_EQ(test, nat_open(c, &fwd, &back), -EEXIST);
	nat_key(&fwd2, 0x0a010107, 40000, 0x0a60000a, 80);
	KUNIT_EXPECT_EQ(test, nat_open(c, &fwd2, &reply), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 1);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, psw_sess_lookup(&c->t, &fwd2, &tuple, p));
	KUNIT_EXPECT_PTR_EQ(test, psw_sess_lookup(&c->t, &reply, &tuple, p), s);
	rcu_read_unlock();

	psw_sess_flush(&c->t);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, psw_sess_lookup(&c->t, &reply, &tuple, p));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 0);
	sess_ctx_free(c);
}

/* A flush by address: either side, either tuple (after NAT too). */
static void psw_test_sess_flush_addr(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx_kind(test, PSW_SESSION_NAT44, 10);
	const struct psw_params *p = rcu_access_pointer(c->params);
	struct psw_sess_key a, ar, b, br;
	u8 tuple;

	/* 10.1.1.5 -> VIP, DNAT to 10.1.1.6; 10.1.1.7 -> VIP, DNAT to 10.1.1.8 */
	nat_key(&a, 0x0a010105, 40000, 0x0a60000a, 80);
	nat_key(&ar, 0x0a010106, 8080, 0x0a010105, 40000);
	nat_key(&b, 0x0a010107, 40000, 0x0a60000a, 80);
	nat_key(&br, 0x0a010108, 8080, 0x0a010107, 40000);
	KUNIT_ASSERT_EQ(test, nat_open(c, &a, &ar), 0);
	KUNIT_ASSERT_EQ(test, nat_open(c, &b, &br), 0);

	/* The VIP is in both; no backend is 10.1.1.9. */
	psw_sess_flush_addr(&c->t, htonl(0x0a010109));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 2);
	/* 10.1.1.6 is only in the first session's reply tuple. */
	psw_sess_flush_addr(&c->t, htonl(0x0a010106));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 1);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, psw_sess_lookup(&c->t, &a, &tuple, p));
	KUNIT_EXPECT_NOT_NULL(test, psw_sess_lookup(&c->t, &br, &tuple, p));
	rcu_read_unlock();
	/* The client's address, in the first tuple. */
	psw_sess_flush_addr(&c->t, htonl(0x0a010107));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 0);
	sess_ctx_free(c);
}

struct walk_log {
	u32 n;
	u16 sport[16];
	enum psw_sess_verdict verdict;	/* for sessions of an odd port */
	u32 stop_after;
};

static enum psw_sess_verdict walk_visit(struct psw_sess_table *t, struct psw_session *s,
					unsigned int n, void *arg)
{
	struct walk_log *log = arg;
	u16 sport = ntohs(s->tuple.key.port[0]) == 80 ? ntohs(s->tuple.key.port[1]) :
			ntohs(s->tuple.key.port[0]);

	if (log->n == log->stop_after)
		return PSW_SESS_STOP;
	if (log->n < ARRAY_SIZE(log->sport))
		log->sport[log->n] = sport;
	log->n++;
	return sport % 2 ? log->verdict : PSW_SESS_NEXT;
}

/* The walk the dump, gc and flushes share: each verdict does what it says. */
static void psw_test_sess_walk(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx(test, 100);
	struct walk_log log = { .verdict = PSW_SESS_NEXT, .stop_after = U32_MAX };
	u16 p;

	/* One CPU's list (the test runs on one), in order of creation. */
	migrate_disable();
	for (p = 1001; p <= 1006; p++)
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(open_sess(c, IPPROTO_UDP, p)));
	migrate_enable();
	psw_sess_walk(&c->t, PSW_SESS_NLISTS, walk_visit, &log);
	KUNIT_EXPECT_EQ(test, log.n, 6u);
	KUNIT_EXPECT_EQ(test, log.sport[0], 1001);
	KUNIT_EXPECT_EQ(test, log.sport[5], 1006);

	/* SEEN puts a session at the tail of its list: the odd ones last. */
	log = (struct walk_log){ .verdict = PSW_SESS_SEEN, .stop_after = U32_MAX };
	psw_sess_walk(&c->t, PSW_SESS_NLISTS, walk_visit, &log);
	log = (struct walk_log){ .verdict = PSW_SESS_NEXT, .stop_after = U32_MAX };
	psw_sess_walk(&c->t, PSW_SESS_NLISTS, walk_visit, &log);
	KUNIT_EXPECT_EQ(test, log.sport[0], 1002);
	KUNIT_EXPECT_EQ(test, log.sport[3], 1001);
	KUNIT_EXPECT_EQ(test, log.sport[5], 1005);

	/* STOP ends the walk; a list's own end or NEXT_LIST the list. */
	log = (struct walk_log){ .verdict = PSW_SESS_NEXT, .stop_after = 2 };
	psw_sess_walk(&c->t, PSW_SESS_NLISTS, walk_visit, &log);
	KUNIT_EXPECT_EQ(test, log.n, 2u);
	log = (struct walk_log){ .verdict = PSW_SESS_NEXT_LIST, .stop_after = U32_MAX };
	psw_sess_walk(&c->t, PSW_SESS_NLISTS, walk_visit, &log);
	KUNIT_EXPECT_EQ(test, log.n, 4u);	/* 1002 1004 1006, then 1001 ends it */

	/* KILL kills: the odd ones are gone, the even ones live. */
	log = (struct walk_log){ .verdict = PSW_SESS_KILL, .stop_after = U32_MAX };
	psw_sess_walk(&c->t, PSW_SESS_NLISTS, walk_visit, &log);
	synchronize_rcu();
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 3);
	KUNIT_EXPECT_FALSE(test, sess_alive(c, IPPROTO_UDP, 1003));
	KUNIT_EXPECT_TRUE(test, sess_alive(c, IPPROTO_UDP, 1004));
	sess_ctx_free(c);
}

static u8 track(struct sess_ctx *c, struct psw_session *s, u8 dir, u32 seq, u32 ack,
		u32 len, u16 win, u8 flags, u8 wscale)
{
	struct psw_tcp_seg seg = {
		.seq = seq, .ack = ack, .win = win, .flags = flags, .wscale = wscale,
		.end = seq + len + !!(flags & TCPHDR_SYN) + !!(flags & TCPHDR_FIN),
	};
	u8 applied = psw_sess_tcp_track(s, dir, &seg);

	psw_sess_update(&c->t, s, dir, applied);
	return applied;
}

/*
 * A RST or FIN ends a session only in the window the peer gave (scaled
 * as the SYNs said); one from whoever guessed the ports is ignored.
 */
static void psw_test_sess_tcp_window(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx(test, 10);
	const u8 R = TCPHDR_RST, F = TCPHDR_FIN | TCPHDR_ACK, A = TCPHDR_ACK;
	struct psw_session *s;
	u8 o;

	s = open_sess(c, IPPROTO_TCP, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	o = s->orig;
	track(c, s, o, 1000, 0, 0, 65535, TCPHDR_SYN, 7);
	track(c, s, !o, 5000, 1001, 0, 65535, TCPHDR_SYN | A, 7);
	track(c, s, o, 1001, 5001, 100, 512, A, PSW_TCP_NO_SCALE);	/* 512 << 7 */
	track(c, s, !o, 5001, 1101, 0, 512, A, PSW_TCP_NO_SCALE);
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, s->tcp_win[o], 512u << 7);

	/* Far from what either side sent: ignored, both ways, RST and FIN. */
	KUNIT_EXPECT_EQ(test, track(c, s, !o, 5001 + 10000000, 0, 0, 0, R, 0), 0);
	KUNIT_EXPECT_EQ(test, track(c, s, o, 1101 - 70000, 0, 0, 0, F, 0), A);
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_ESTABLISHED);
	/* Just past the window, scaled: still out. */
	KUNIT_EXPECT_EQ(test, track(c, s, !o, 5001 + (512 << 7) + 1, 0, 0, 0, R, 0), 0);
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_ESTABLISHED);
	/* A segment far ahead moves nothing, so a RST there stays out. */
	KUNIT_EXPECT_EQ(test, track(c, s, !o, 5001 + (1U << 30), 0, 0, 512, A, 0), A);
	KUNIT_EXPECT_EQ(test, track(c, s, !o, 5001 + (1U << 30), 0, 0, 0, R, 0), 0);
	KUNIT_EXPECT_EQ(test, s->tcp_end[!o], 5001u);
	/* In the window: the connection ends. */
	KUNIT_EXPECT_EQ(test, track(c, s, !o, 5001 + 60000, 0, 0, 0, R, 0), R);
	KUNIT_EXPECT_EQ(test, s->state, PSW_SESS_TCP_TRANSIENT);

	/* A RST answering a SYN must acknowledge it. */
	s = open_sess(c, IPPROTO_TCP, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	o = s->orig;
	track(c, s, o, 7000, 0, 0, 65535, TCPHDR_SYN, PSW_TCP_NO_SCALE);
	KUNIT_EXPECT_EQ(test, track(c, s, !o, 0, 9999, 0, 0, R | A, 0), A);
	KUNIT_EXPECT_EQ(test, track(c, s, !o, 0, 7001, 0, 0, R | A, 0), R | A);
	KUNIT_EXPECT_TRUE(test, s->tcp_seen[!o] & R);
	sess_ctx_free(c);
}

/*
 * Once the table is three quarters full, one port's sessions take at most
 * its share; the others', theirs. Before, a port may use the table whole.
 */
static void psw_test_sess_port_quota(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx(test, 100);
	struct psw_params *p = rcu_dereference_protected(c->params, 1);
	struct psw_session *s[3];
	int i;

	p->port_max_sessions[PSW_SESSION_ACL] = 3;
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(open_sess_on(c, IPPROTO_UDP, 2000 + i, 5)));
	sess_ctx_free(c);

	c = sess_ctx(test, 4);
	p = rcu_dereference_protected(c->params, 1);
	p->port_max_sessions[PSW_SESSION_ACL] = 3;
	for (i = 0; i < 3; i++) {
		s[i] = open_sess_on(c, IPPROTO_UDP, 1000 + i, 5);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s[i]));
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(open_sess_on(c, IPPROTO_UDP, 1003, 5)), -EDQUOT);
	KUNIT_EXPECT_FALSE(test, sess_alive(c, IPPROTO_UDP, 1003));
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(open_sess_on(c, IPPROTO_UDP, 1004, 6)));
	/* A session gone gives its port room again. */
	psw_sess_kill(&c->t, s[0]);
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(open_sess_on(c, IPPROTO_UDP, 1003, 5)));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.port_count[5]), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.port_count[6]), 1);
	sess_ctx_free(c);
}

/*
 * A tuple still hashed by a session another CPU has killed but not yet
 * unhashed: adding a session of the same key must fail, not report
 * success with nothing hashed (a session the packet path never finds).
 */
static void psw_test_sess_add_over_dead(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx(test, 100);
	struct psw_session *s, *again;

	s = open_sess(c, IPPROTO_UDP, 1001);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	set_bit(PSW_SESS_DEAD, &s->flags);
	again = open_sess(c, IPPROTO_UDP, 1001);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(again), -EEXIST);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 1);
	clear_bit(PSW_SESS_DEAD, &s->flags);
	sess_ctx_free(c);
}

struct dump_log {
	u32 n, room;
	u32 seen[8];		/* by source port - 1000 */
};

static int dump_fill(struct psw_sess_table *t, struct psw_session *s, unsigned long now,
		     void *arg)
{
	struct dump_log *log = arg;
	u16 sport = ntohs(s->tuple.key.port[0]) == 80 ? ntohs(s->tuple.key.port[1]) :
			ntohs(s->tuple.key.port[0]);

	if (log->n == log->room)
		return -EMSGSIZE;
	log->n++;
	if (sport > 1000 && sport - 1000 < ARRAY_SIZE(log->seen))
		log->seen[sport - 1000]++;
	return 0;
}

/* The dump's walk: resumable where a full message stopped it, live sessions only. */
static void psw_test_sess_dump_walk(struct kunit *test)
{
	struct sess_ctx *c = sess_ctx(test, 100);
	const struct psw_params *p = rcu_access_pointer(c->params);
	struct psw_sess_cursor cur = {};
	struct dump_log log = { .room = 2 };
	struct psw_session *dead;
	int parts = 0, i;
	bool done;
	u16 port;

	for (port = 1001; port <= 1006; port++)
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(open_sess(c, IPPROTO_UDP, port)));
	dead = open_sess(c, IPPROTO_UDP, 1007);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(dead));
	set_bit(PSW_SESS_DEAD, &dead->flags);
	do {
		rcu_read_lock();
		done = psw_sess_dump_walk(&c->t, &cur, p, dump_fill, &log);
		rcu_read_unlock();
		log.room += 2;
		parts++;
	} while (!done && parts < 10);
	KUNIT_EXPECT_TRUE(test, done);
	KUNIT_EXPECT_EQ(test, parts, 3);	/* 2 a part */
	KUNIT_EXPECT_EQ(test, log.n, 6u);
	for (i = 1; i <= 6; i++)
		KUNIT_EXPECT_EQ_MSG(test, log.seen[i], 1u, "port %d", 1000 + i);
	KUNIT_EXPECT_EQ(test, log.seen[7], 0u);
	KUNIT_EXPECT_FALSE(test, cur.moved);
	clear_bit(PSW_SESS_DEAD, &dead->flags);
	sess_ctx_free(c);
}

static struct kunit_case psw_sess_cases[] = {
	KUNIT_CASE(psw_test_sess_key),
	KUNIT_CASE(psw_test_sess_size),
	KUNIT_CASE(psw_test_sess_tcp_state),
	KUNIT_CASE(psw_test_sess_establish),
	KUNIT_CASE(psw_test_sess_expiry),
	KUNIT_CASE(psw_test_sess_full),
	KUNIT_CASE(psw_test_sess_nat_tuples),
	KUNIT_CASE(psw_test_sess_flush_addr),
	KUNIT_CASE(psw_test_sess_walk),
	KUNIT_CASE(psw_test_sess_add_over_dead),
	KUNIT_CASE(psw_test_sess_port_quota),
	KUNIT_CASE(psw_test_sess_tcp_window),
	KUNIT_CASE(psw_test_sess_dump_walk),
	{}
};

static struct kunit_suite psw_sess_suite = {
	.name = "podswitch-session",
	.test_cases = psw_sess_cases,
};

kunit_test_suite(psw_sess_suite);
