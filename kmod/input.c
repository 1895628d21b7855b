// SPDX-License-Identifier: GPL-2.0
/*
 * Node "input": a frame enters the switch, from a port's rx handler or
 * from the host transmitting on the switch netdev. ARP is answered or
 * learned here; IPv4 goes on to ip4-input; anything else is dropped.
 *
 * Runs in softirq (or with bottom halves off, from ndo_start_xmit) under
 * RCU; the port cannot go away before it returns.
 */

#include "pipeline.h"
#include "port.h"
#include "switch.h"

#include <linux/if_vlan.h>
#include <net/dst.h>

void psw_drop(struct psw_pkt *pkt, struct sk_buff *skb, enum psw_counter why)
{
	psw_count(pkt->sw->counters, why);
	if (pkt->in)
		psw_port_count_drop(pkt->in);
	psw_trace(pkt, "  drop: %s (%s)\n", psw_counter_info[why].reason,
		  psw_counter_info[why].node);
	kfree_skb_reason(skb, psw_counter_info[why].drop ?: SKB_DROP_REASON_NOT_SPECIFIED);
}

void psw_pkt_done(struct psw_pkt *pkt)
{
	if (unlikely(pkt->tr)) {
		psw_trace_commit(&pkt->sw->trace, pkt->tr);
		pkt->tr = NULL;
	}
}

/* Frames for us: broadcast, the port's MAC, or the switch MAC. */
static bool psw_input_for_us(const struct psw_pkt *pkt, const struct ethhdr *eth)
{
	if (is_broadcast_ether_addr(eth->h_dest))
		return true;
	if (ether_addr_equal(eth->h_dest, pkt->params->mac))
		return true;
	return pkt->in->type != PSW_PORT_HOST &&
	       ether_addr_equal(eth->h_dest, pkt->in->dev->dev_addr);
}

/* A pod port learns its pod's MAC from the pod's first frame. */
static void psw_input_learn_pod_mac(struct psw_pkt *pkt, const struct ethhdr *eth)
{
	struct psw_port *port = pkt->in;
	struct psw_switch *sw = pkt->sw;
	unsigned int a;

	/* Pairs with the release below: a known MAC is a complete one. */
	if (likely(smp_load_acquire(&port->mac_known)) ||
	    !is_valid_ether_addr(eth->h_source))
		return;
	spin_lock(&sw->neigh.lock);
	if (!port->mac_known) {
		ether_addr_copy(port->pod_mac, eth->h_source);
		/* Readers that see mac_known see the whole MAC. */
		smp_store_release(&port->mac_known, true);
	}
	spin_unlock(&sw->neigh.lock);
	for (a = 0; a < port->naddrs; a++)
		psw_neigh_set(sw, port->index, port->addrs[a], port->pod_mac,
			      PSW_NEIGH_STATIC);
	psw_trace(pkt, "  learned pod MAC %pM on %s\n", port->pod_mac,
		  port->dev->name);
}

/*
 * @skb->data is at the network header, the Ethernet header before it
 * (mac_header set), as an rx handler gets it.
 */
void psw_input(struct psw_port *in, struct sk_buff *skb)
{
	struct psw_switch *sw = in->sw;
	struct psw_pkt pkt = {
		.sw = sw,
		.in = in,
		.params = rcu_dereference(sw->params),
	};
	const struct ethhdr *eth;

	pkt.tr = psw_trace_start(&sw->trace);
	psw_port_count_rx(in, skb->len + ETH_HLEN);
	eth = eth_hdr(skb);
	psw_trace(&pkt, "input: sw_if %u (%s) len %u\n  %s: %pM -> %pM\n",
		  in->index, psw_port_name(in), skb->len + ETH_HLEN,
		  eth->h_proto == htons(ETH_P_IP) ? "IP4" :
		  eth->h_proto == htons(ETH_P_ARP) ? "ARP" : "other",
		  eth->h_source, eth->h_dest);

	skb_dst_drop(skb);
	if (skb_vlan_tag_present(skb) ||
	    (eth->h_proto != htons(ETH_P_IP) && eth->h_proto != htons(ETH_P_ARP))) {
		psw_drop(&pkt, skb, PSW_C_IN_NOT_IP);
		goto out;
	}
	if (!psw_input_for_us(&pkt, eth)) {
		psw_drop(&pkt, skb, PSW_C_IN_OTHERHOST);
		goto out;
	}
	if (in->type == PSW_PORT_POD)
		psw_input_learn_pod_mac(&pkt, eth);

	if (eth->h_proto == htons(ETH_P_IP))
		psw_ip4_input(&pkt, skb);
	else
		psw_arp_input(&pkt, skb);
out:
	psw_pkt_done(&pkt);
}
