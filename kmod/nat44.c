// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes "nat44-in" and "nat44-out". With no service, SNAT pool or session
 * configured nothing is translated; the trace says "session -1", as VPP's
 * does for a packet no NAT state applies to.
 */

#include "nat44.h"
#include "pipeline.h"
#include "port.h"

bool psw_nat44_in(struct psw_pkt *pkt, struct sk_buff *skb)
{
	psw_trace(pkt, "nat44-in: sw_if %u, session -1\n", pkt->in->index);
	return true;
}

bool psw_nat44_out(struct psw_pkt *pkt, struct sk_buff *skb)
{
	return true;
}
