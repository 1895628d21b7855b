// SPDX-License-Identifier: GPL-2.0
/*
 * ARP, inside node "input".
 *
 * On a pod port the switch answers every request but those for the pod's
 * own addresses, with the port's MAC, so a pod reaches any gateway with no
 * setup (as Calico does). On the host port and on uplinks it answers for
 * the switch address, for service VIPs, for the port's SNAT pool and for
 * addresses it routes out of another port, with the switch MAC, and learns the senders of requests it answers and
 * of replies it waited for.
 */

#include "fib.h"
#include "pipeline.h"
#include "port.h"
#include "switch.h"

#include <uapi/linux/podswitch.h>

#include <linux/if_arp.h>

struct psw_arp_eth_ip4 {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
} __packed;

static struct sk_buff *psw_arp_build(struct net_device *dev, u16 op,
				     const u8 *sha, __be32 sip,
				     const u8 *tha, __be32 tip)
{
	struct psw_arp_eth_ip4 *arp;
	struct sk_buff *skb;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + sizeof(*arp) + dev->needed_tailroom,
			GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_reset_network_header(skb);
	arp = skb_put(skb, sizeof(*arp));
	arp->hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->hdr.ar_pro = htons(ETH_P_IP);
	arp->hdr.ar_hln = ETH_ALEN;
	arp->hdr.ar_pln = 4;
	arp->hdr.ar_op = htons(op);
	ether_addr_copy(arp->sha, sha);
	arp->sip = sip;
	if (tha)
		ether_addr_copy(arp->tha, tha);
	else
		eth_zero_addr(arp->tha);
	arp->tip = tip;
	return skb;
}

/*
 * The MAC the switch claims in ARP on @port: the port's own on a pod port,
 * the switch MAC on the host port and on uplinks (Documentation/podswitch.rst, "Neighbors"). Frames
 * still leave with the port's MAC as Ethernet source; the switch accepts
 * both.
 */
static const u8 *psw_arp_mac(const struct psw_port *port,
			     const struct psw_params *params)
{
	return port->type == PSW_PORT_POD ? port->dev->dev_addr : params->mac;
}

/* Ask who has @target on @port; the sender is the switch address. */
void psw_arp_request(struct psw_switch *sw, struct psw_port *port, __be32 target)
{
	const struct psw_params *params = rcu_dereference(sw->params);
	struct sk_buff *skb;

	skb = psw_arp_build(port->dev, ARPOP_REQUEST, psw_arp_mac(port, params),
			    params->address, NULL, target);
	if (skb)
		psw_output_frame(sw, port, skb, port->dev->broadcast,
				 htons(ETH_P_ARP), NULL);
}

/* Whether the switch answers a request for @tip arriving on @in. */
static bool psw_arp_answers(struct psw_pkt *pkt, __be32 tip, __be32 sip)
{
	const struct psw_route *r;
	const struct psw_fib *fib;

	/* Gratuitous ARP has nothing to answer; martians are not routed. */
	if (tip == sip || psw_ip4_martian(tip))
		return false;
	if (pkt->in->type == PSW_PORT_POD)
		return !psw_port_has_addr(pkt->in, tip);
	if (tip == pkt->params->address || psw_nat44_is_vip(pkt->sw, tip) ||
	    psw_nat44_in_pool(pkt->in, tip))
		return true;
	fib = rcu_dereference(pkt->sw->fib);
	r = fib ? psw_fib_lookup(fib, tip) : NULL;
	if (!r || r->type == PSW_ROUTE_DROP)
		return false;
	return r->port != pkt->in->index;
}

void psw_arp_input(struct psw_pkt *pkt, struct sk_buff *skb)
{
	const u8 *reply_mac;
	struct psw_arp_eth_ip4 *arp;
	struct sk_buff *reply;
	bool answer;
	u16 op;

	if (!pskb_may_pull(skb, sizeof(*arp))) {
		psw_drop(pkt, skb, PSW_C_ARP_BAD);
		return;
	}
	arp = (struct psw_arp_eth_ip4 *)skb->data;
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4 ||
	    !is_valid_ether_addr(arp->sha)) {
		psw_drop(pkt, skb, PSW_C_ARP_BAD);
		return;
	}
	op = ntohs(arp->hdr.ar_op);
	psw_trace(pkt, "  ARP %s: %pI4 (%pM) asks %pI4\n",
		  op == ARPOP_REQUEST ? "request" : op == ARPOP_REPLY ? "reply" : "other",
		  &arp->sip, arp->sha, &arp->tip);

	answer = op == ARPOP_REQUEST && psw_arp_answers(pkt, arp->tip, arp->sip);

	/*
	 * Update what we asked for anywhere; create entries only on the host
	 * port and uplinks, as pod ports have static neighbors.
	 */
	if (!psw_ip4_martian(arp->sip) &&
	    psw_neigh_learn(pkt->sw, pkt->in->index, arp->sip, arp->sha,
			    pkt->in->type != PSW_PORT_POD &&
			    (answer || (op == ARPOP_REPLY &&
					arp->tip == pkt->params->address)))) {
		psw_count(pkt->sw->counters, PSW_C_ARP_LEARNED);
		psw_trace(pkt, "  learned %pI4 is %pM on sw_if %u\n",
			  &arp->sip, arp->sha, pkt->in->index);
	}

	if (!answer) {
		psw_count(pkt->sw->counters, PSW_C_ARP_IGNORED);
		psw_trace(pkt, "  not answered\n");
		consume_skb(skb);
		return;
	}

	reply_mac = psw_arp_mac(pkt->in, pkt->params);
	reply = psw_arp_build(pkt->in->dev, ARPOP_REPLY, reply_mac, arp->tip,
			      arp->sha, arp->sip);
	if (!reply) {
		psw_drop(pkt, skb, PSW_C_IN_NOMEM);
		return;
	}
	psw_count(pkt->sw->counters, PSW_C_ARP_REPLIED);
	psw_trace(pkt, "  reply: %pI4 is at %pM\n", &arp->tip, reply_mac);
	psw_output_frame(pkt->sw, pkt->in, reply, arp->sha, htons(ETH_P_ARP), pkt->tr);
	consume_skb(skb);
}
