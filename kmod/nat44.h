/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_NAT44_H
#define _PSW_NAT44_H

#include <linux/types.h>

struct psw_pkt;
struct sk_buff;

/* Nodes "nat44-in" and "nat44-out": false when the packet was consumed. */
bool psw_nat44_in(struct psw_pkt *pkt, struct sk_buff *skb);
bool psw_nat44_out(struct psw_pkt *pkt, struct sk_buff *skb);

#endif /* _PSW_NAT44_H */
