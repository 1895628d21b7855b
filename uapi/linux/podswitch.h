/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * podswitch: a VPP-style virtual switch for Kubernetes pods.
 *
 * Documentation
 * =============
 *
 * The generic netlink family is PSW_GENL_NAME ("podswitch"), version
 * PSW_GENL_VERSION. A switch is the netdev created by
 * `ip link add NAME type podswitch`; every command addresses one switch of
 * the caller's network namespace by PSW_A_IFINDEX or PSW_A_IFNAME (when both
 * are given they must name the same switch). A switch of another netns is
 * never visible.
 *
 * Commands that change state need CAP_NET_ADMIN in the user namespace that
 * owns the switch's netns; reads are open to anyone who can see the netns.
 * Every rejection carries an extack message, and the offending attribute
 * where there is one.
 *
 * PSW_CMD_GET_SWITCH
 * ------------------
 *
 * May be called with NLM_F_DUMP to list every switch of the netns, or
 * without it to get one switch, given by PSW_A_IFINDEX or PSW_A_IFNAME.
 * Each reply message carries:
 *
 *    PSW_A_IFINDEX: NLA_U32, the switch netdev's ifindex
 *    PSW_A_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1, its name
 *    PSW_A_MAC: NLA_BINARY, len ETH_ALEN, the switch MAC: the MAC of the
 *               host port, the switch's end of the host link (not the
 *               netdev's own address, which is the host side's)
 *    PSW_A_ADDRESS: NLA_BE32 (NLA_U32 on the wire, network order), the
 *                   switch address: the pods' gateway and the source of
 *                   the switch's ICMP errors; default 169.254.1.1
 *    PSW_A_HOST_ROUTES: NLA_U8, 0 or 1: keep a /32 route to the host port
 *                       for every IPv4 address of the netns (default 1)
 *    PSW_A_ANTI_SPOOF: NLA_U8, 0 or 1: drop packets from a pod whose
 *                      source is not one of its addresses (default 1)
 *
 * A dump is consistent: if the set of netdevs changed while it ran, the
 * reply carries NLM_F_DUMP_INTR and the caller should retry.
 */

#ifndef _UAPI_LINUX_PODSWITCH_H
#define _UAPI_LINUX_PODSWITCH_H

#define PSW_GENL_NAME "podswitch"
#define PSW_GENL_VERSION 1

/* The switch address when none was set: Calico's and Contiv's gateway. */
#define PSW_DEFAULT_ADDRESS 0xa9fe0101 /* 169.254.1.1, host order */

enum psw_cmd {
	PSW_CMD_UNSPEC,
	PSW_CMD_GET_SWITCH,
	__PSW_CMD_MAX
};
#define PSW_CMD_MAX (__PSW_CMD_MAX - 1)

enum psw_attr {
	PSW_A_UNSPEC,
	PSW_A_IFINDEX,
	PSW_A_IFNAME,
	PSW_A_MAC,
	PSW_A_ADDRESS,
	PSW_A_HOST_ROUTES,
	PSW_A_ANTI_SPOOF,
	__PSW_A_MAX
};
#define PSW_A_MAX (__PSW_A_MAX - 1)

#endif /* _UAPI_LINUX_PODSWITCH_H */
