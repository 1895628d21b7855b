/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_NETLINK_H
#define _PSW_NETLINK_H

struct sk_buff;
struct psw_switch;

int psw_genl_init(void);
void psw_genl_uninit(void);

struct psw_params;

int psw_nl_fill_switch(struct sk_buff *skb, const struct psw_switch *sw,
		       const struct psw_params *p);

#endif /* _PSW_NETLINK_H */
