// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes "acl-in" and "acl-out". A port with no ACL bound permits
 * everything (SPEC section 4); until ACLs can be bound, that is every
 * port, and the nodes only say so in the trace.
 */

#include "acl.h"
#include "pipeline.h"
#include "port.h"

bool psw_acl_in(struct psw_pkt *pkt, struct sk_buff *skb)
{
	psw_trace(pkt, "acl-in: sw_if %u, no ACL bound, action permit\n",
		  pkt->in->index);
	return true;
}

bool psw_acl_out(struct psw_pkt *pkt, struct sk_buff *skb)
{
	psw_trace(pkt, "acl-out: sw_if %u, no ACL bound, action permit\n",
		  pkt->out->index);
	return true;
}
