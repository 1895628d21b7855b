// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes "acl-in" and "acl-out": reflective ACLs with VPP acl-plugin
 * semantics (Documentation/podswitch.rst, "ACLs and sessions").
 *
 * A port and direction with nothing bound permits everything. Otherwise a
 * packet of a live session is permitted without looking at rules; any
 * other packet takes the first rule that matches across the bound ACLs,
 * in binding order, and is denied when none does. A `reflect` rule
 * permits and asks for a session, which is created once the packet has
 * passed every check (acl-in and acl-out both), so that an ACL further on
 * still decides the connection's first packet.
 *
 * Classification. The bound rules are compiled into a struct psw_acl_cls
 * (tuple-space search): rules that test the same fields with the same
 * prefix lengths share a mask; each rule goes into one hash table under
 * (its mask, its masked fields). A lookup hashes the packet once per mask
 * and walks one bucket, so its cost follows the number of distinct masks,
 * not of rules: Kubernetes policies have few (pod /32, port or none). Port
 * ranges other than one port or all ports are left out of the key and
 * checked on the candidates. Masks are kept in the order of their first
 * rule and buckets in rule order, so the search stops as soon as no
 * later mask can hold an earlier rule.
 *
 * Locking: ACLs and bindings change under the switch's lock; they are
 * immutable once built and replaced with rcu_assign_pointer(), old ones
 * freed after a grace period. The packet path reads port->acl[] under RCU.
 */

#include "acl.h"
#include "compat.h"
#include "pipeline.h"
#include "port.h"
#include "session.h"
#include "switch.h"

#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/inetdevice.h>
#include <net/ip.h>
#include <net/tcp.h>

#define PSW_ACL_NONE U32_MAX

struct psw_acl_entry {
	struct psw_acl_rule r;
	struct psw_acl *acl;
	u32 index;			/* in its ACL */
};

struct psw_acl_mask {
	__be32 src;
	__be32 dst;
	u16 sport;			/* 0xffff: one port; 0: any or a range */
	u16 dport;
	u8 proto;
	u8 flags;
	u32 first;			/* the first rule with this mask */
};

struct psw_acl_key {
	__be32 src;
	__be32 dst;
	u16 sport;
	u16 dport;
	u8 proto;
	u8 flags;
	u16 mask;
};

struct psw_acl_node {
	struct psw_acl_key key;
	u32 next;			/* the next rule in the bucket */
};

struct psw_acl_cls {
	u32 nrules;
	u32 nmasks;
	u32 hmask;
	u32 seed;
	u32 nacls;
	struct psw_acl_entry *rules;	/* in binding order */
	struct psw_acl_mask *masks;
	struct psw_acl_node *nodes;	/* one per rule, same index */
	u32 *buckets;
	struct rcu_head rcu;
	struct psw_acl *acls[];		/* bound, in order; referenced */
};

static const char *const psw_acl_action_name[] = {
	[PSW_ACL_DENY] = "deny",
	[PSW_ACL_PERMIT] = "permit",
	[PSW_ACL_REFLECT] = "reflect",
};

/* ---- rules ---- */

static bool psw_acl_rule_has_ports(const struct psw_acl_rule *r)
{
	return r->sport_min || r->sport_max != U16_MAX ||
	       r->dport_min || r->dport_max != U16_MAX;
}

/* The reference semantics; the classifier must agree with it. */
bool psw_acl_rule_match(const struct psw_acl_rule *r, const struct psw_flow *f)
{
	if ((f->src ^ r->src) & inet_make_mask(r->src_plen))
		return false;
	if ((f->dst ^ r->dst) & inet_make_mask(r->dst_plen))
		return false;
	if (r->proto && r->proto != f->proto)
		return false;
	if (psw_acl_rule_has_ports(r)) {
		if (!f->l4 || f->sport < r->sport_min || f->sport > r->sport_max ||
		    f->dport < r->dport_min || f->dport > r->dport_max)
			return false;
	}
	if (r->tcp_mask && (!f->l4 || (f->tcp_flags & r->tcp_mask) != r->tcp_flags))
		return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(psw_acl_rule_match);

static void psw_acl_release_now(struct kref *ref)
{
	struct psw_acl *acl = container_of(ref, struct psw_acl, ref);
	int cpu;

	for_each_possible_cpu(cpu)
		if (acl->hits)
			kvfree(acl->hits[cpu]);
	kfree(acl->hits);
	kvfree(acl);
}

static void psw_acl_free_rcu(struct rcu_head *head)
{
	psw_acl_release_now(&container_of(head, struct psw_acl, rcu)->ref);
}

/* Dumps may still read it under RCU: free it after a grace period. */
static void psw_acl_release(struct kref *ref)
{
	call_rcu(&container_of(ref, struct psw_acl, ref)->rcu, psw_acl_free_rcu);
}

struct psw_acl *psw_acl_alloc(u32 num, u32 nrules)
{
	struct psw_acl *acl;

	int cpu;

	acl = kvzalloc(struct_size(acl, rules, nrules), GFP_KERNEL_ACCOUNT);
	if (!acl)
		return NULL;
	kref_init(&acl->ref);
	acl->hits = kcalloc(nr_cpu_ids, sizeof(*acl->hits), GFP_KERNEL_ACCOUNT);
	if (!acl->hits)
		goto err;
	for_each_possible_cpu(cpu) {
		acl->hits[cpu] = kvzalloc_node(struct_size(acl->hits[cpu], n, nrules),
					       GFP_KERNEL_ACCOUNT, cpu_to_node(cpu));
		if (!acl->hits[cpu])
			goto err;
		u64_stats_init(&acl->hits[cpu]->syncp);
	}
	acl->num = num;
	acl->nrules = nrules;
	return acl;

err:
	psw_acl_release_now(&acl->ref);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(psw_acl_alloc);

void psw_acl_put(struct psw_acl *acl)
{
	if (acl)
		kref_put(&acl->ref, psw_acl_release);
}
EXPORT_SYMBOL_IF_KUNIT(psw_acl_put);

u64 psw_acl_hits(const struct psw_acl *acl, u32 rule)
{
	const struct psw_acl_hits *h;
	unsigned int start;
	u64 sum = 0, v;
	int cpu;

	for_each_possible_cpu(cpu) {
		h = acl->hits[cpu];
		do {
			start = u64_stats_fetch_begin(&h->syncp);
			v = u64_stats_read(&h->n[rule]);
		} while (u64_stats_fetch_retry(&h->syncp, start));
		sum += v;
	}
	return sum;
}

static void psw_acl_count_hit(struct psw_acl *acl, u32 rule)
{
	struct psw_acl_hits *h = acl->hits[smp_processor_id()];

	u64_stats_update_begin(&h->syncp);
	u64_stats_inc(&h->n[rule]);
	u64_stats_update_end(&h->syncp);
}

/* ---- the classifier ---- */

static void psw_acl_rule_mask(const struct psw_acl_rule *r, struct psw_acl_mask *m)
{
	memset(m, 0, sizeof(*m));
	m->src = inet_make_mask(r->src_plen);
	m->dst = inet_make_mask(r->dst_plen);
	m->proto = r->proto ? 0xff : 0;
	if (psw_acl_rule_has_ports(r)) {
		m->sport = r->sport_min == r->sport_max ? 0xffff : 0;
		m->dport = r->dport_min == r->dport_max ? 0xffff : 0;
	}
	m->flags = r->tcp_mask;
}

static bool psw_acl_mask_eq(const struct psw_acl_mask *a, const struct psw_acl_mask *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto && a->flags == b->flags;
}

static u32 psw_acl_mask_hash(const struct psw_acl_mask *m)
{
	const u32 w[] = { (__force u32)m->src, (__force u32)m->dst,
			  (u32)m->sport << 16 | m->dport, (u32)m->proto << 8 | m->flags };

	return jhash2(w, ARRAY_SIZE(w), 0);
}

static void psw_acl_key(struct psw_acl_key *k, const struct psw_acl_mask *m, u16 mi,
			__be32 src, __be32 dst, u16 sport, u16 dport, u8 proto, u8 flags)
{
	k->src = src & m->src;
	k->dst = dst & m->dst;
	k->sport = sport & m->sport;
	k->dport = dport & m->dport;
	k->proto = proto & m->proto;
	k->flags = flags & m->flags;
	k->mask = mi;
}

static u32 psw_acl_hash(const struct psw_acl_cls *cls, const struct psw_acl_key *k)
{
	BUILD_BUG_ON(sizeof(*k) != 4 * sizeof(u32));
	return jhash2((const u32 *)k, 4, cls->seed) & cls->hmask;
}

void psw_acl_cls_free(struct psw_acl_cls *cls)
{
	u32 i;

	if (!cls)
		return;
	/*
	 * Not freed at once even from an RCU callback: a dump that found
	 * the ACL by its number may have begun after this classifier's
	 * grace period did, and reads it still.
	 */
	for (i = 0; i < cls->nacls; i++)
		psw_acl_put(cls->acls[i]);
	kvfree(cls->rules);
	kvfree(cls->masks);
	kvfree(cls->nodes);
	kvfree(cls->buckets);
	kfree(cls);
}
EXPORT_SYMBOL_IF_KUNIT(psw_acl_cls_free);

static void psw_acl_cls_free_cb(struct rcu_head *head)
{
	psw_acl_cls_free(container_of(head, struct psw_acl_cls, rcu));
}

void psw_acl_cls_free_rcu(struct psw_acl_cls *cls)
{
	if (cls)
		call_rcu(&cls->rcu, psw_acl_cls_free_cb);
}

/* Compile @acls, bound in this order; takes a reference on each. */
struct psw_acl_cls *psw_acl_cls_build(struct psw_acl *const *acls, u32 nacls)
{
	struct psw_acl_cls *cls;
	struct psw_acl_mask m;
	u32 i, j, h, pos, n = 0, nb, *mtab = NULL;

	for (i = 0; i < nacls; i++)
		n += acls[i]->nrules;
	cls = kzalloc(struct_size(cls, acls, nacls), GFP_KERNEL_ACCOUNT);
	if (!cls)
		return NULL;
	nb = roundup_pow_of_two(max(2 * n, 16U));
	cls->rules = kvmalloc_array(n, sizeof(*cls->rules), GFP_KERNEL_ACCOUNT);
	cls->masks = kvmalloc_array(n, sizeof(*cls->masks), GFP_KERNEL_ACCOUNT);
	cls->nodes = kvmalloc_array(n, sizeof(*cls->nodes), GFP_KERNEL_ACCOUNT);
	cls->buckets = kvmalloc_array(nb, sizeof(*cls->buckets), GFP_KERNEL_ACCOUNT);
	/* Where each distinct mask is, by its hash: found in O(1), not O(masks). */
	mtab = kvmalloc_array(nb, sizeof(*mtab), GFP_KERNEL);
	if ((n && (!cls->rules || !cls->masks || !cls->nodes)) || !cls->buckets || !mtab)
		goto err;
	memset(mtab, 0xff, nb * sizeof(*mtab));
	cls->hmask = nb - 1;
	cls->seed = get_random_u32();
	cls->nrules = n;
	memset(cls->buckets, 0xff, nb * sizeof(*cls->buckets));

	pos = 0;
	for (i = 0; i < nacls; i++) {
		for (j = 0; j < acls[i]->nrules; j++, pos++) {
			cls->rules[pos].r = acls[i]->rules[j];
			cls->rules[pos].acl = acls[i];
			cls->rules[pos].index = j;
		}
	}
	for (pos = 0; pos < n; pos++) {
		const struct psw_acl_rule *r = &cls->rules[pos].r;

		psw_acl_rule_mask(r, &m);
		/* Masks are numbered in the order of their first rule. */
		for (h = psw_acl_mask_hash(&m) & cls->hmask;
		     (j = mtab[h]) != PSW_ACL_NONE && !psw_acl_mask_eq(&cls->masks[j], &m);
		     h = (h + 1) & cls->hmask)
			;
		if (j == PSW_ACL_NONE) {
			m.first = pos;
			j = cls->nmasks++;
			cls->masks[j] = m;
			mtab[h] = j;
		}
		/* A namespaced admin's 16 x 16384 rules, under RTNL. */
		if (!(pos % 1024))
			cond_resched();
		psw_acl_key(&cls->nodes[pos].key, &cls->masks[j], j, r->src, r->dst,
			    r->sport_min, r->dport_min, r->proto, r->tcp_flags);
	}
	/* Push from the last rule so that each bucket lists rules in order. */
	for (pos = n; pos-- > 0;) {
		u32 h = psw_acl_hash(cls, &cls->nodes[pos].key);

		cls->nodes[pos].next = cls->buckets[h];
		cls->buckets[h] = pos;
	}
	for (i = 0; i < nacls; i++) {
		kref_get(&acls[i]->ref);
		cls->acls[i] = acls[i];
	}
	cls->nacls = nacls;
	kvfree(mtab);
	return cls;

err:
	kvfree(mtab);
	psw_acl_cls_free(cls);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(psw_acl_cls_build);

int psw_acl_cls_lookup(const struct psw_acl_cls *cls, const struct psw_flow *f)
{
	const struct psw_acl_mask *m;
	struct psw_acl_key k;
	u32 best = PSW_ACL_NONE, i, mi;

	for (mi = 0; mi < cls->nmasks; mi++) {
		m = &cls->masks[mi];
		if (m->first >= best)
			break;
		psw_acl_key(&k, m, mi, f->src, f->dst, f->sport, f->dport,
			    f->proto, f->tcp_flags);
		for (i = cls->buckets[psw_acl_hash(cls, &k)]; i < best;
		     i = cls->nodes[i].next) {
			if (!memcmp(&cls->nodes[i].key, &k, sizeof(k)) &&
			    psw_acl_rule_match(&cls->rules[i].r, f)) {
				best = i;
				break;
			}
		}
	}
	return best == PSW_ACL_NONE ? -1 : best;
}
EXPORT_SYMBOL_IF_KUNIT(psw_acl_cls_lookup);

u32 psw_acl_cls_nacls(const struct psw_acl_cls *cls)
{
	return cls->nacls;
}

u32 psw_acl_cls_acl(const struct psw_acl_cls *cls, u32 i)
{
	return cls->acls[i]->num;
}

const struct psw_acl_rule *psw_acl_cls_rule(const struct psw_acl_cls *cls, int pos,
					    const struct psw_acl **acl, u32 *index)
{
	*acl = cls->rules[pos].acl;
	*index = cls->rules[pos].index;
	return &cls->rules[pos].r;
}
EXPORT_SYMBOL_IF_KUNIT(psw_acl_cls_rule);

/* ---- configuration ---- */

void psw_acl_switch_init(struct psw_switch *sw)
{
	xa_init(&sw->acls);
}

void psw_acl_switch_uninit(struct psw_switch *sw)
{
	struct psw_acl *acl;
	unsigned long num;

	xa_for_each(&sw->acls, num, acl)
		psw_acl_put(acl);
	xa_destroy(&sw->acls);
}

static bool psw_acl_cls_uses(const struct psw_acl_cls *cls, u32 num)
{
	u32 i;

	for (i = 0; cls && i < cls->nacls; i++)
		if (cls->acls[i]->num == num)
			return true;
	return false;
}

/* Publish @cls as what port @port has bound in @dir. */
static void psw_acl_publish(struct psw_switch *sw, struct psw_port *port, u8 dir,
			    struct psw_acl_cls *cls)
{
	struct psw_acl_cls *old = psw_cfg(sw, port->acl[dir]);

	rcu_assign_pointer(port->acl[dir], cls);
	/* Read without the lock by ip4-input and NAT. */
	WRITE_ONCE(sw->acl_nbound, sw->acl_nbound + !!cls - !!old);
	psw_acl_cls_free_rcu(old);
}

/*
 * Create or replace ACL @acl->num (taking over the caller's reference):
 * every binding that uses it is compiled anew first, so that either all
 * of them switch to the new rules or nothing changes.
 */
int psw_acl_set(struct psw_switch *sw, struct psw_acl *acl,
		struct netlink_ext_ack *extack)
{
	struct psw_acl *bound[PSW_ACL_MAX_BIND];
	struct psw_acl_cls **fresh, *cls;
	struct psw_port *port;
	u32 i, k, idx, dir;
	void *old;
	int ret = -ENOMEM;

	lockdep_assert_held(&sw->lock);

	/* Bounded: a namespaced admin's ACLs are the kernel's memory. */
	if (!xa_load(&sw->acls, acl->num) && sw->nacls >= PSW_ACL_MAX_ACLS) {
		NL_SET_ERR_MSG_MOD(extack, "too many ACLs: at most 4096 (PSW_ACL_MAX_ACLS)");
		return -ENOSPC;
	}
	fresh = kcalloc(PSW_MAX_PORTS * 2, sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		goto err_msg;
	for (idx = 0; idx < PSW_MAX_PORTS; idx++) {
		port = psw_cfg(sw, sw->ports[idx]);
		for (dir = 0; port && dir < 2; dir++) {
			cls = psw_cfg(sw, port->acl[dir]);
			if (!psw_acl_cls_uses(cls, acl->num))
				continue;
			for (k = 0; k < cls->nacls; k++)
				bound[k] = cls->acls[k]->num == acl->num ? acl : cls->acls[k];
			fresh[idx * 2 + dir] = psw_acl_cls_build(bound, cls->nacls);
			if (!fresh[idx * 2 + dir])
				goto err_free;
		}
	}
	old = xa_store(&sw->acls, acl->num, acl, GFP_KERNEL_ACCOUNT);
	if (xa_is_err(old)) {
		ret = xa_err(old);
		goto err_free;
	}
	if (!old)
		sw->nacls++;
	for (i = 0; i < PSW_MAX_PORTS * 2; i++)
		if (fresh[i])
			psw_acl_publish(sw, psw_cfg(sw, sw->ports[i / 2]), i % 2, fresh[i]);
	psw_acl_put(old);
	kfree(fresh);
	return 0;

err_free:
	for (i = 0; i < PSW_MAX_PORTS * 2; i++)
		psw_acl_cls_free(fresh[i]);
	kfree(fresh);
err_msg:
	NL_SET_ERR_MSG_MOD(extack, "out of memory compiling the ACL");
	return ret;
}

int psw_acl_del(struct psw_switch *sw, u32 num, struct netlink_ext_ack *extack)
{
	struct psw_port *port;
	u32 idx, dir;

	lockdep_assert_held(&sw->lock);

	if (!xa_load(&sw->acls, num)) {
		NL_SET_ERR_MSG_MOD(extack, "no such ACL");
		return -ENOENT;
	}
	for (idx = 0; idx < PSW_MAX_PORTS; idx++) {
		port = psw_cfg(sw, sw->ports[idx]);
		for (dir = 0; port && dir < 2; dir++) {
			if (psw_acl_cls_uses(psw_cfg(sw, port->acl[dir]), num)) {
				NL_SET_ERR_MSG_MOD(extack, "ACL is bound to a port: unbind it first");
				return -EBUSY;
			}
		}
	}
	psw_acl_put(xa_erase(&sw->acls, num));
	sw->nacls--;
	return 0;
}

int psw_acl_bind(struct psw_switch *sw, struct psw_port *port, u8 dir,
		 const u32 *nums, u32 n, struct netlink_ext_ack *extack)
{
	struct psw_acl *acls[PSW_ACL_MAX_BIND];
	struct psw_acl_cls *cls = NULL;
	u32 i, j;

	lockdep_assert_held(&sw->lock);

	for (i = 0; i < n; i++) {
		acls[i] = xa_load(&sw->acls, nums[i]);
		if (!acls[i]) {
			NL_SET_ERR_MSG_MOD(extack, "no such ACL");
			return -ENOENT;
		}
		for (j = 0; j < i; j++) {
			if (nums[j] == nums[i]) {
				NL_SET_ERR_MSG_MOD(extack, "ACL bound twice");
				return -EINVAL;
			}
		}
	}
	if (n) {
		cls = psw_acl_cls_build(acls, n);
		if (!cls) {
			NL_SET_ERR_MSG_MOD(extack, "out of memory compiling the binding");
			return -ENOMEM;
		}
	}
	psw_acl_publish(sw, port, dir, cls);
	return 0;
}

/* @port is gone and a grace period passed: nothing reads its bindings. */
void psw_acl_port_release(struct psw_port *port)
{
	psw_acl_cls_free(rcu_dereference_protected(port->acl[PSW_ACL_IN], 1));
	psw_acl_cls_free(rcu_dereference_protected(port->acl[PSW_ACL_OUT], 1));
}

/* A port leaves the switch: its bindings no longer count (sw->lock held). */
void psw_acl_port_unbind(struct psw_switch *sw, struct psw_port *port)
{
	u8 dir;

	for (dir = 0; dir < 2; dir++)
		if (psw_cfg(sw, port->acl[dir]))
			WRITE_ONCE(sw->acl_nbound, sw->acl_nbound - 1);
}

/* ---- the nodes ---- */

/* The session key of a flow: ports, or the echo id for ICMP echo. */
static void psw_acl_flow_key(const struct psw_flow *f, struct psw_sess_key *k, u8 *dir)
{
	__be16 sport = 0, dport = 0;

	if (f->proto == IPPROTO_ICMP) {
		sport = f->echo_id;
		dport = f->echo_id;
	} else if (f->l4 && (f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP)) {
		sport = htons(f->sport);
		dport = htons(f->dport);
	}
	psw_sess_key_make(k, dir, f->src, f->dst, sport, dport, f->proto);
}

/*
 * The session key of the packet an ICMP error quotes, of whose L4 header
 * only 8 bytes are sure to be there. False if truncated, if it is an
 * error itself, or if the error does not go back to the quoted packet's
 * source: as conntrack, else anyone who knows a session's addresses and
 * ports sends what it likes to anyone, past every ACL, as an "error".
 */
static bool psw_acl_inner_key(const struct sk_buff *skb, struct psw_sess_key *k)
{
	const struct iphdr *iph;
	struct iphdr _iph;
	__be16 ports[2] = {};
	const u8 *l4;
	u8 _l4[8], dir;

	iph = psw_icmp_quote(skb, ip_hdrlen(skb) + sizeof(struct icmphdr), &_iph, &l4, _l4);
	if (!iph || iph->saddr != ip_hdr(skb)->daddr)
		return false;
	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (l4)
			memcpy(ports, l4, 4);
		break;
	case IPPROTO_ICMP:
		/* A later fragment has no header to tell; a truncated quote. */
		if (!l4 && !(iph->frag_off & htons(IP_OFFSET)))
			return false;
		if (l4 && psw_icmp_is_error(l4[0]))
			return false;
		if (l4 && (l4[0] == ICMP_ECHO || l4[0] == ICMP_ECHOREPLY)) {
			memcpy(&ports[0], l4 + 4, 2);
			ports[1] = ports[0];
		}
		break;
	}
	psw_sess_key_make(k, &dir, iph->saddr, iph->daddr, ports[0], ports[1],
			  iph->protocol);
	return true;
}

/*
 * The TCP flags the packet may apply to its session @s: a RST or FIN out
 * of the window applies none (psw_sess_tcp_track()).
 */
static u8 psw_acl_tcp_track(struct psw_pkt *pkt, const struct sk_buff *skb,
			    struct psw_session *s)
{
	struct psw_tcp_seg seg;

	if (pkt->flow.proto != IPPROTO_TCP || !pkt->flow.l4 || !psw_tcp_seg_parse(skb, &seg))
		return pkt->sess_flags;
	return psw_sess_tcp_track(s, pkt->sess_dir, &seg);
}

static void psw_acl_flow(struct psw_pkt *pkt, const struct sk_buff *skb)
{
	if (!pkt->flow_parsed) {
		psw_flow_parse(&pkt->flow, skb);
		pkt->flow_parsed = true;
	}
}

/* Look the packet's session up once; ICMP errors by the packet inside. */
static struct psw_session *psw_acl_session(struct psw_pkt *pkt, struct sk_buff *skb)
{
	struct psw_sess_table *t = &pkt->sw->sessions[PSW_SESSION_ACL];
	struct psw_sess_key inner;
	struct psw_session *s;

	if (pkt->sess_looked)
		return pkt->sess;
	pkt->sess_looked = true;
	psw_acl_flow(pkt, skb);
	psw_acl_flow_key(&pkt->flow, &pkt->sess_key, &pkt->sess_dir);
	pkt->sess_flags = pkt->flow.tcp_flags;
	pkt->sess_key_ok = true;
	s = psw_sess_lookup(t, &pkt->sess_key, NULL, pkt->params);
	if (s) {
		psw_sess_update(t, s, pkt->sess_dir, psw_acl_tcp_track(pkt, skb, s));
	} else if (pkt->flow.icmp_err && psw_acl_inner_key(skb, &inner)) {
		s = psw_sess_lookup(t, &inner, NULL, pkt->params);
		pkt->sess_icmp_err = !!s;
	}
	pkt->sess = s;
	return s;
}

/*
 * NAT is about to rewrite the packet. A packet belongs to a session if it
 * does before or after translation: look it up now, before, if any ACL
 * may ask later; a miss is looked up again after, with what acl-out sees.
 */
void psw_acl_nat_prepare(struct psw_pkt *pkt, struct sk_buff *skb)
{
	if (READ_ONCE(pkt->sw->acl_nbound))
		psw_acl_session(pkt, skb);
	pkt->flow_parsed = false;
	if (!pkt->sess)
		pkt->sess_looked = false;
}

void psw_flow_parse(struct psw_flow *f, const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int off = ip_hdrlen(skb);
	const u8 *l4;
	u8 _l4[14];

	memset(f, 0, sizeof(*f));
	f->src = iph->saddr;
	f->dst = iph->daddr;
	f->proto = iph->protocol;
	if (iph->frag_off & htons(IP_OFFSET))
		return;
	switch (iph->protocol) {
	case IPPROTO_TCP:
		l4 = skb_header_pointer(skb, off, 14, _l4);
		if (!l4)
			return;
		f->tcp_flags = l4[13];
		goto ports;
	case IPPROTO_UDP:
		l4 = skb_header_pointer(skb, off, 4, _l4);
		if (!l4)
			return;
ports:
		f->sport = get_unaligned_be16(l4);
		f->dport = get_unaligned_be16(l4 + 2);
		f->l4 = true;
		break;
	case IPPROTO_ICMP:
		l4 = skb_header_pointer(skb, off, 2, _l4);
		if (!l4)
			return;
		f->sport = l4[0];
		f->dport = l4[1];
		f->l4 = true;
		f->icmp_err = psw_icmp_is_error(l4[0]);
		if (l4[0] == ICMP_ECHO || l4[0] == ICMP_ECHOREPLY) {
			l4 = skb_header_pointer(skb, off + 4, 2, _l4);
			if (l4)
				memcpy(&f->echo_id, l4, 2);
		}
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(psw_flow_parse);

static const enum psw_counter psw_acl_deny_counter[2][2] = {
	[PSW_ACL_IN] = { PSW_C_ACLIN_NOMATCH, PSW_C_ACLIN_DENY },
	[PSW_ACL_OUT] = { PSW_C_ACLOUT_NOMATCH, PSW_C_ACLOUT_DENY },
};

static bool psw_acl_check(struct psw_pkt *pkt, struct sk_buff *skb, u8 dir)
{
	static const char *const node[] = { "acl-in", "acl-out" };
	struct psw_port *port = dir == PSW_ACL_IN ? pkt->in : pkt->out;
	const struct psw_acl_rule *r;
	const struct psw_acl_cls *cls;
	const struct psw_acl *acl;
	struct psw_session *s;
	u32 index;
	int pos;

	cls = rcu_dereference(port->acl[dir]);
	if (!cls) {
		/*
		 * The replies of a session an ACL elsewhere made pass here
		 * too: its state sees them (else TCP is never established,
		 * and no window is known for a RST or FIN).
		 */
		if (READ_ONCE(pkt->sw->acl_nbound) &&
		    atomic_read(&pkt->sw->sessions[PSW_SESSION_ACL].count))
			psw_acl_session(pkt, skb);
		psw_trace(pkt, "%s: sw_if %u, no ACL bound, action permit\n",
			  node[dir], port->index);
		return true;
	}
	s = psw_acl_session(pkt, skb);
	if (s) {
		psw_trace(pkt, "%s: sw_if %u, session hit%s, action permit\n",
			  node[dir], port->index,
			  pkt->sess_icmp_err ? " (ICMP error)" : "");
		return true;
	}
	psw_acl_flow(pkt, skb);
	pos = psw_acl_cls_lookup(cls, &pkt->flow);
	if (pos < 0) {
		psw_trace(pkt, "%s: sw_if %u, no rule matched, action deny\n",
			  node[dir], port->index);
		psw_drop(pkt, skb, psw_acl_deny_counter[dir][0]);
		return false;
	}
	r = psw_acl_cls_rule(cls, pos, &acl, &index);
	psw_acl_count_hit((struct psw_acl *)acl, index);
	psw_trace(pkt, "%s: sw_if %u, acl %u rule %u, action %s\n", node[dir],
		  port->index, acl->num, index, psw_acl_action_name[r->action]);
	if (r->action == PSW_ACL_DENY) {
		psw_drop(pkt, skb, psw_acl_deny_counter[dir][1]);
		return false;
	}
	if (r->action == PSW_ACL_REFLECT)
		pkt->reflect = true;
	return true;
}

bool psw_acl_in(struct psw_pkt *pkt, struct sk_buff *skb)
{
	return psw_acl_check(pkt, skb, PSW_ACL_IN);
}

/* Last check of the packet: a reflect decision becomes a session now. */
bool psw_acl_out(struct psw_pkt *pkt, struct sk_buff *skb)
{
	struct psw_session *s;

	if (!psw_acl_check(pkt, skb, PSW_ACL_OUT))
		return false;
	if (likely(!pkt->reflect) || pkt->sess || !pkt->sess_key_ok)
		return true;
	s = psw_sess_create(&pkt->sw->sessions[PSW_SESSION_ACL], &pkt->sess_key, pkt->sess_dir,
			    pkt->sess_flags, pkt->in->index, pkt->params);
	if (IS_ERR(s) && PTR_ERR(s) != -EEXIST) {
		psw_trace(pkt, "acl-out: cannot create a session: %s\n",
			  PTR_ERR(s) == -ENOSPC ? "table full" :
			  PTR_ERR(s) == -EDQUOT ? "the port's quota reached" : "out of memory");
		psw_drop(pkt, skb, PTR_ERR(s) == -ENOSPC ? PSW_C_ACL_SESS_FULL :
				   PTR_ERR(s) == -EDQUOT ? PSW_C_ACL_SESS_QUOTA : PSW_C_IN_NOMEM);
		return false;
	}
	if (!IS_ERR(s))
		psw_acl_tcp_track(pkt, skb, s);
	psw_count(pkt->sw->counters, PSW_C_ACL_SESS_NEW);
	psw_trace(pkt, "acl-out: session created\n");
	return true;
}
