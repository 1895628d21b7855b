// SPDX-License-Identifier: GPL-2.0
/*
 * Node "output": the frame leaves the switch. Out of a port it is
 * transmitted on the port's netdev with that netdev's MAC as source; out
 * of the host port it is received by the host on the switch netdev,
 * through GRO, with the switch MAC as source.
 */

#include "compat.h"
#include "pipeline.h"
#include "port.h"
#include "switch.h"

#include <linux/ip.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/route.h>

/*
 * Fragmentation borrows the kernel's ip_do_fragment(), which wants a
 * route for the MTU: a stack dst naming the output netdev, as openvswitch
 * does. Its callback learns where the fragments go from this per-CPU
 * slot, set just before and used synchronously under bottom halves off.
 */
struct psw_frag_ctx {
	struct psw_switch *sw;
	struct psw_port *port;
	const u8 *dst;
};

static DEFINE_PER_CPU(struct psw_frag_ctx, psw_frag_ctx);

static unsigned int psw_dst_mtu(const struct dst_entry *dst)
{
	return READ_ONCE(dst->dev->mtu);
}

static struct dst_ops psw_dst_ops = {
	.family = AF_INET,
	.mtu = psw_dst_mtu,
};

static void psw_output_xmit(struct psw_switch *sw, struct psw_port *port,
			    struct sk_buff *skb, const u8 *dst, __be16 proto);

static int psw_output_fragment(struct net *net, struct sock *sk,
			       struct sk_buff *skb)
{
	struct psw_frag_ctx *ctx = this_cpu_ptr(&psw_frag_ctx);

	/* The stack dst does not outlive ip_do_fragment(). */
	skb_dst_drop(skb);
	psw_output_xmit(ctx->sw, ctx->port, skb, ctx->dst, htons(ETH_P_IP));
	return 0;
}

static void psw_output_fragments(struct psw_switch *sw, struct psw_port *port,
				 struct sk_buff *skb, const u8 *dst)
{
	struct psw_frag_ctx *ctx = this_cpu_ptr(&psw_frag_ctx);
	struct rtable rt = {};

	psw_dst_init(&rt.dst, &psw_dst_ops);
	rt.dst.dev = port->dev;
	ctx->sw = sw;
	ctx->port = port;
	ctx->dst = dst;
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, &rt.dst);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	if (ip_do_fragment(dev_net(port->dev), skb->sk, skb, psw_output_fragment))
		psw_count(sw->counters, PSW_C_RW_NOFRAG);
	else
		psw_count(sw->counters, PSW_C_OUT_FRAG);
}

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
	if (unlikely(tr)) {
		psw_trace_printf(tr, "output: sw_if %u (%s)\n  %s: %pM -> %pM\n",
				 port->index,
				 psw_port_name(port),
				 proto == htons(ETH_P_IP) ? "IP4" : "ARP",
				 psw_port_mac(port), dst);
		if (proto == htons(ETH_P_IP))
			tr->len += psw_ip4_format(tr->text + tr->len,
						  PSW_TRACE_TEXT - tr->len, skb);
	}

	/* ip4-rewrite let through only what may be fragmented. */
	if (proto == htons(ETH_P_IP) && !skb_is_gso(skb) &&
	    skb->len > READ_ONCE(port->dev->mtu)) {
		if (unlikely(tr))
			psw_trace_printf(tr, "  fragmented to mtu %u\n", port->dev->mtu);
		psw_output_fragments(sw, port, skb, dst);
		return;
	}
	psw_output_xmit(sw, port, skb, dst, proto);
}

static void psw_output_xmit(struct psw_switch *sw, struct psw_port *port,
			    struct sk_buff *skb, const u8 *dst, __be16 proto)
{
	struct ethhdr *eth;
	unsigned int len;

	if (skb_cow_head(skb, ETH_HLEN)) {
		psw_count(sw->counters, PSW_C_IN_NOMEM);
		kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
		return;
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
