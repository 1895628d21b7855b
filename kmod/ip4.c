// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes "ip4-input", "ip4-lookup" and "ip4-rewrite" (with "ip4-local",
 * the switch's own address), and the trace's IPv4 decoding.
 *
 * Packets may be GSO and CHECKSUM_PARTIAL (veth and tap offloads): the
 * only rewrite here is the TTL with an incremental header checksum,
 * which keeps them valid; they are never segmented to be forwarded.
 */

#include "acl.h"
#include "compat.h"
#include "fib.h"
#include "nat44.h"
#include "pipeline.h"
#include "port.h"
#include "switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/inet_frag.h>
#include <net/ip.h>

static const char *const psw_route_type_name[] = {
	[PSW_ROUTE_HOST] = "host",
	[PSW_ROUTE_DEV] = "dev",
	[PSW_ROUTE_VIA] = "via",
	[PSW_ROUTE_DROP] = "drop",
};

static const char *const psw_route_origin_name[] = {
	[PSW_ROUTE_STATIC] = "static",
	[PSW_ROUTE_POD] = "pod",
	[PSW_ROUTE_HOSTADDR] = "host-address",
};

static const char *psw_l4_name(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_ICMP: return "ICMP";
	default: return "IP4";
	}
}

/*
 * The IPv4 header and the start of the L4 header of @skb (data at the
 * network header) as VPP's trace shows them. Returns the length written.
 */
int psw_ip4_format(char *buf, size_t size, const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl = iph->ihl * 4;
	u16 frag = ntohs(iph->frag_off);
	int n;

	n = scnprintf(buf, size,
		      "  %s: %pI4 -> %pI4\n"
		      "    tos 0x%02x, ttl %u, length %u, checksum 0x%04x\n"
		      "    fragment id 0x%04x%s%s",
		      psw_l4_name(iph->protocol), &iph->saddr, &iph->daddr,
		      iph->tos, iph->ttl, ntohs(iph->tot_len), ntohs(iph->check),
		      ntohs(iph->id),
		      frag & IP_DF ? ", flags DONT_FRAGMENT" : "",
		      frag & IP_MF ? ", flags MORE_FRAGMENTS" : "");
	if (frag & IP_OFFSET)
		return n + scnprintf(buf + n, size - n, ", offset %u\n",
				     (frag & IP_OFFSET) * 8);
	n += scnprintf(buf + n, size - n, "\n");

	if (iph->protocol == IPPROTO_TCP && skb_headlen(skb) >= ihl + sizeof(struct tcphdr)) {
		const struct tcphdr *th = (const void *)iph + ihl;
		u8 flags = ((const u8 *)th)[13];

		n += scnprintf(buf + n, size - n,
			       "  TCP: %u -> %u\n"
			       "    seq. 0x%08x ack 0x%08x\n"
			       "    flags 0x%02x%s%s%s%s%s%s, tcp header: %u bytes\n"
			       "    window %u, checksum 0x%04x\n",
			       ntohs(th->source), ntohs(th->dest),
			       ntohl(th->seq), ntohl(th->ack_seq), flags,
			       th->fin ? " FIN" : "", th->syn ? " SYN" : "",
			       th->rst ? " RST" : "", th->psh ? " PSH" : "",
			       th->ack ? " ACK" : "", th->urg ? " URG" : "",
			       th->doff * 4, ntohs(th->window), ntohs(th->check));
	} else if (iph->protocol == IPPROTO_UDP &&
		   skb_headlen(skb) >= ihl + sizeof(struct udphdr)) {
		const struct udphdr *uh = (const void *)iph + ihl;

		n += scnprintf(buf + n, size - n,
			       "  UDP: %u -> %u\n    length %u, checksum 0x%04x\n",
			       ntohs(uh->source), ntohs(uh->dest),
			       ntohs(uh->len), ntohs(uh->check));
	} else if (iph->protocol == IPPROTO_ICMP &&
		   skb_headlen(skb) >= ihl + sizeof(struct icmphdr)) {
		const struct icmphdr *ih = (const void *)iph + ihl;

		n += scnprintf(buf + n, size - n,
			       "  ICMP: type %u code %u, id %u seq %u, checksum 0x%04x\n",
			       ih->type, ih->code, ntohs(ih->un.echo.id),
			       ntohs(ih->un.echo.sequence), ntohs(ih->checksum));
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(psw_ip4_format);

static void psw_trace_ip4(struct psw_pkt *pkt, const struct sk_buff *skb)
{
	struct psw_trace_rec *tr = pkt->tr;

	if (likely(!tr))
		return;
	tr->len += psw_ip4_format(tr->text + tr->len, PSW_TRACE_TEXT - tr->len, skb);
}

/*
 * Validate the header (RFC 1812 5.2.2): version, IHL, total length
 * against the frame, header checksum; then the martian addresses.
 * Trims link-layer padding.
 */
enum psw_counter psw_ip4_validate(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int len;

	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		return PSW_C_IP_LEN;
	iph = ip_hdr(skb);
	if (iph->version != 4 || iph->ihl < 5)
		return PSW_C_IP_HDR;
	if (!pskb_may_pull(skb, iph->ihl * 4))
		return PSW_C_IP_LEN;
	iph = ip_hdr(skb);
	if (unlikely(ip_fast_csum((const u8 *)iph, iph->ihl)))
		return PSW_C_IP_CSUM;
	len = ntohs(iph->tot_len);
	if (skb->len < len || len < iph->ihl * 4)
		return PSW_C_IP_LEN;
	if (pskb_trim_rcsum(skb, len))
		return PSW_C_IN_NOMEM;
	/* Trimming may have moved the header of a cloned skb. */
	iph = ip_hdr(skb);
	if (psw_ip4_martian(iph->saddr))
		return PSW_C_IP_BADSRC;
	if (psw_ip4_martian(iph->daddr))
		return PSW_C_IP_BADDST;
	return PSW_C_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(psw_ip4_validate);

static void psw_ip4_rewrite(struct psw_pkt *pkt, struct sk_buff *skb);

static void psw_ip4_local(struct psw_pkt *pkt, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct icmphdr *ih;

	psw_trace(pkt, "ip4-local: for the switch address %pI4\n", &iph->daddr);
	if (iph->protocol != IPPROTO_ICMP || ip_is_fragment(iph) ||
	    !pskb_may_pull(skb, iph->ihl * 4 + sizeof(*ih))) {
		psw_drop(pkt, skb, PSW_C_LOC_OTHER);
		return;
	}
	ih = (const void *)skb->data + ip_hdr(skb)->ihl * 4;
	if (ih->type != ICMP_ECHO) {
		psw_drop(pkt, skb, PSW_C_LOC_OTHER);
		return;
	}
	psw_count(pkt->sw->counters, PSW_C_LOC_ECHO);
	psw_icmp_echo_reply(pkt, skb);
}

static void psw_ip4_lookup(struct psw_pkt *pkt, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct psw_route *r;
	const struct psw_fib *fib;

	if (iph->daddr == pkt->params->address) {
		psw_ip4_local(pkt, skb);
		return;
	}
	fib = rcu_dereference(pkt->sw->fib);
	r = fib ? psw_fib_lookup(fib, iph->daddr) : NULL;
	if (!r) {
		psw_trace(pkt, "ip4-lookup: %pI4: no route\n", &iph->daddr);
		psw_icmp_error(pkt, skb, ICMP_DEST_UNREACH, ICMP_NET_UNREACH, 0);
		psw_drop(pkt, skb, PSW_C_LK_NOROUTE);
		return;
	}
	psw_trace(pkt, "ip4-lookup: %pI4 matches %pI4/%u %s (%s)\n", &iph->daddr,
		  &r->dst, r->plen, psw_route_type_name[r->type],
		  psw_route_origin_name[r->origin]);
	if (r->type == PSW_ROUTE_DROP) {
		psw_drop(pkt, skb, PSW_C_LK_DROP);
		return;
	}
	pkt->out = psw_port_get(pkt->sw, r->port);
	if (!pkt->out) {
		psw_drop(pkt, skb, PSW_C_LK_NOPORT);
		return;
	}
	pkt->nexthop = r->type == PSW_ROUTE_VIA ? r->gw : iph->daddr;
	psw_ip4_rewrite(pkt, skb);
}

static unsigned int psw_port_mtu(const struct psw_port *port)
{
	return READ_ONCE(port->dev->mtu);
}

static void psw_ip4_rewrite(struct psw_pkt *pkt, struct sk_buff *skb)
{
	struct iphdr *iph = ip_hdr(skb);
	unsigned int mtu = psw_port_mtu(pkt->out);
	bool too_big;

	if (iph->ttl <= 1) {
		psw_trace(pkt, "ip4-rewrite: ttl %u expired\n", iph->ttl);
		psw_icmp_error(pkt, skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		psw_drop(pkt, skb, PSW_C_RW_TTL);
		return;
	}
	too_big = skb_is_gso(skb) ? !skb_gso_validate_network_len(skb, mtu) :
				    skb->len > mtu;
	if (unlikely(too_big)) {
		if (iph->frag_off & htons(IP_DF)) {
			psw_trace(pkt, "ip4-rewrite: %u bytes over mtu %u with DF\n",
				  skb->len, mtu);
			psw_icmp_error(pkt, skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				       htonl(mtu));
			psw_drop(pkt, skb, PSW_C_RW_TOOBIG);
			return;
		}
		if (skb_is_gso(skb)) {
			psw_trace(pkt, "ip4-rewrite: GSO packet over mtu %u without DF\n", mtu);
			psw_drop(pkt, skb, PSW_C_RW_NOFRAG);
			return;
		}
		/* output fragments it, once it knows the next hop's MAC. */
	}
	if (skb_ensure_writable(skb, sizeof(*iph))) {
		psw_drop(pkt, skb, PSW_C_IN_NOMEM);
		return;
	}
	iph = ip_hdr(skb);
	ip_decrease_ttl(iph);
	/* As ip_forward(): a receive checksum does not go on with the frame. */
	skb_forward_csum(skb);
	psw_trace(pkt, "ip4-rewrite: tx sw_if %u (%s) via %pI4, ttl %u -> %u\n",
		  pkt->out->index,
		  psw_port_name(pkt->out),
		  &pkt->nexthop, iph->ttl + 1, iph->ttl);

	if (!psw_acl_out(pkt, skb))
		return;
	if (!psw_nat44_out(pkt, skb))
		return;
	psw_output(pkt, skb);
}

/*
 * ACLs need the ports, which only a first fragment has: reassemble with
 * the kernel's defragmentation, as openvswitch conntrack does; output
 * fragments the whole packet again if it does not fit. False when the
 * fragment was kept (or dropped) by the reassembly.
 *
 * The fragments wait in the netns's reassembly memory, which the host's
 * own stack uses too: the switches of a netns hold at most half of it, so
 * that a pod's incomplete fragments never starve the host. Keyed by the
 * input port's netdev (in the defrag user's bridge range, which may meet
 * a bridge conntrack zone of the same number), so that fragments from two
 * ports, or two switches, never make one packet.
 */
static bool psw_ip4_defrag(struct psw_pkt *pkt, struct sk_buff *skb)
{
	struct net *net = dev_net(pkt->sw->dev);
	const struct fqdir *fqdir = net->ipv4.fqdir;

	if (frag_mem_limit(fqdir) > READ_ONCE(fqdir->high_thresh) / 2) {
		psw_trace(pkt, "ip4-input: reassembly memory full\n");
		psw_drop(pkt, skb, PSW_C_IP_REASM_FULL);
		return false;
	}
	skb_orphan(skb);
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	if (ip_defrag(net, skb, IP_DEFRAG_CONNTRACK_BRIDGE_IN +
		      (pkt->in->dev->ifindex & USHRT_MAX))) {
		psw_trace(pkt, "ip4-input: fragment held for reassembly\n");
		return false;
	}
	psw_count(pkt->sw->counters, PSW_C_IP_REASM);
	psw_trace(pkt, "ip4-input: reassembled, length %u\n", skb->len);
	return true;
}

void psw_ip4_input(struct psw_pkt *pkt, struct sk_buff *skb)
{
	enum psw_counter bad;

	skb_reset_network_header(skb);
	bad = psw_ip4_validate(skb);
	if (bad != PSW_C_MAX) {
		psw_trace(pkt, "ip4-input: invalid\n");
		psw_drop(pkt, skb, bad);
		return;
	}
	psw_trace(pkt, "ip4-input\n");
	psw_trace_ip4(pkt, skb);
	/* Before reassembly: a pod's spoofed fragments are never held. */
	if (pkt->in->type == PSW_PORT_POD && pkt->params->anti_spoof &&
	    !psw_port_has_addr(pkt->in, ip_hdr(skb)->saddr)) {
		psw_drop(pkt, skb, PSW_C_IP_SPOOF);
		return;
	}
	if (ip_is_fragment(ip_hdr(skb)) && psw_switch_needs_ports(pkt->sw) &&
	    !psw_ip4_defrag(pkt, skb))
		return;
	if (!psw_acl_in(pkt, skb))
		return;
	if (!psw_nat44_in(pkt, skb))
		return;
	psw_ip4_lookup(pkt, skb);
}
