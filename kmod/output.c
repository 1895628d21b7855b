// SPDX-License-Identifier: GPL-2.0
/*
 * Node "output": the frame leaves the switch. Out of a port it is
 * transmitted on the port's netdev with that netdev's MAC as source; out
 * of the host port it is received by the host on the switch netdev,
 * through GRO, with the switch MAC as source.
 */

#include "pipeline.h"
#include "port.h"
#include "switch.h"

#include <linux/ip.h>

void psw_output(struct psw_pkt *pkt, struct sk_buff *skb)
{
	psw_neigh_resolve_and_send(pkt, skb);
}

/*
 * Send @skb (data at the L3 header) out of @port to @dst. Consumes @skb.
 * @tr, when tracing, gets the "output" node's lines.
 */
void psw_output_frame(struct psw_switch *sw, struct psw_port *port,
		      struct sk_buff *skb, const u8 *dst, __be16 proto,
		      struct psw_trace_rec *tr)
{
	unsigned int len;
	struct ethhdr *eth;

	if (port->type != PSW_PORT_HOST &&
	    unlikely(!netif_running(port->dev) || !netif_carrier_ok(port->dev))) {
		psw_count(sw->counters, PSW_C_OUT_DOWN);
		psw_port_count_drop(port);
		if (tr)
			psw_trace_printf(tr, "output: sw_if %u (%s) is down: drop\n",
					 port->index, port->dev->name);
		kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
		return;
	}
	if (skb_cow_head(skb, ETH_HLEN)) {
		psw_count(sw->counters, PSW_C_IN_NOMEM);
		kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
		return;
	}
	if (unlikely(tr)) {
		psw_trace_printf(tr, "output: sw_if %u (%s)\n  %s: %pM -> %pM\n",
				 port->index,
				 port->type == PSW_PORT_HOST ? "host" : port->dev->name,
				 proto == htons(ETH_P_IP) ? "IP4" : "ARP",
				 psw_port_mac(port), dst);
		if (proto == htons(ETH_P_IP))
			tr->len += psw_ip4_format(tr->text + tr->len,
						  PSW_TRACE_TEXT - tr->len, skb);
	}

	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_dest, dst);
	ether_addr_copy(eth->h_source, psw_port_mac(port));
	eth->h_proto = proto;
	len = skb->len;
	psw_port_count_tx(port, len);

	if (port->type == PSW_PORT_HOST) {
		skb_scrub_packet(skb, false);
		skb->protocol = eth_type_trans(skb, sw->dev);
		skb_reset_network_header(skb);
		gro_cells_receive(&sw->gro_cells, skb);
		return;
	}
	skb->dev = port->dev;
	skb->protocol = proto;
	dev_queue_xmit(skb);
}
