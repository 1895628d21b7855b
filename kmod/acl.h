/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_ACL_H
#define _PSW_ACL_H

#include <linux/types.h>

struct psw_pkt;
struct sk_buff;

/* Nodes "acl-in" and "acl-out": false when the packet was consumed. */
bool psw_acl_in(struct psw_pkt *pkt, struct sk_buff *skb);
bool psw_acl_out(struct psw_pkt *pkt, struct sk_buff *skb);

#endif /* _PSW_ACL_H */
