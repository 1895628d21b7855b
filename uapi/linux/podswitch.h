/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * podswitch: a VPP-style virtual switch for Kubernetes pods.
 *
 * Documentation
 * =============
 *
 * The generic netlink family is PSW_GENL_NAME ("podswitch"), version
 * PSW_GENL_VERSION; Documentation/netlink/specs/podswitch.yaml describes
 * it for YNL (tools/net/ynl in the kernel tree). A switch is the netdev
 * created by `ip link add NAME type podswitch`; every command addresses
 * one switch of the caller's network namespace by PSW_A_IFINDEX or
 * PSW_A_IFNAME (when both are given they must name the same switch). A
 * switch of another netns is never visible.
 *
 * Commands are named PSW_CMD_<OBJECT>_<VERB>. Each object has its own
 * attribute set, nested in the message under PSW_A_<OBJECT>; the switch's
 * own settings are the top-level attributes.
 *
 * Requests are parsed strictly: an attribute a command does not take, at
 * the top level or in a nest (replies-only attributes included), is
 * rejected with "Unsupported attribute" and the attribute's offset. A
 * missing attribute is named in the extended ack by
 * NLMSGERR_ATTR_MISS_TYPE and, inside a nest, NLMSGERR_ATTR_MISS_NEST.
 * Every other rejection carries a message, and the offending attribute
 * where there is one. A rejected request changes nothing.
 *
 * Commands that change state need CAP_NET_ADMIN in the user namespace that
 * owns the switch's netns, and so do the reads of live traffic,
 * PSW_CMD_SESSION_GET and PSW_CMD_TRACE_GET (as conntrack -L); reads of
 * the configuration are open to anyone who can see the netns.
 *
 * Switches
 * --------
 *
 * PSW_CMD_SWITCH_GET may be called with NLM_F_DUMP to list every switch of
 * the netns, or without it to get one switch, given by PSW_A_IFINDEX or
 * PSW_A_IFNAME. Each reply message carries:
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
 *    PSW_A_ICMP_RATE: NLA_U32, the ICMP errors the switch sends a second,
 *                     at most, over all ports (default 1000, the kernel's
 *                     icmp_msgs_per_sec); 0: no limit
 *    PSW_A_ICMP_BURST: NLA_U32, 1 to PSW_ICMP_BURST_MAX: how many it may
 *                      send at once after a quiet time (default 50)
 *    PSW_A_MAX_SESSIONS, PSW_A_TIMEOUTS, PSW_A_NAT44_MAX_SESSIONS,
 *    PSW_A_NAT44_TIMEOUTS, PSW_A_NAT44_LOOPBACK: see Sessions and NAT44
 *
 * A dump is consistent: if the set of netdevs changed while it ran, the
 * reply carries NLM_F_DUMP_INTR and the caller should retry.
 *
 * PSW_CMD_SWITCH_SET changes the switch given by PSW_A_IFINDEX or
 * PSW_A_IFNAME; every other attribute of the reply above is optional and
 * those absent keep their value: PSW_A_MAC (a unicast MAC), PSW_A_ADDRESS
 * (a unicast IPv4 address), PSW_A_HOST_ROUTES, PSW_A_ANTI_SPOOF,
 * PSW_A_ICMP_RATE, PSW_A_ICMP_BURST and the session and NAT44 settings. All of them take effect together or not at
 * all.
 *
 * Ports
 * -----
 *
 * A port is named by the ifindex of its netdev; the host port by the
 * switch's own ifindex (pswctl's "host"). PSW_A_PORT nests:
 *
 *    PSW_PORT_A_IFINDEX: NLA_U32, the port netdev
 *    PSW_PORT_A_IFNAME: NLA_NUL_STRING, its name, "host" for the host
 *                       port (replies only)
 *    PSW_PORT_A_INDEX: NLA_U32, the switch's index of the port (sw_if_index
 *                      in traces; 0 is the host port) (replies only)
 *    PSW_PORT_A_TYPE: NLA_U8, enum psw_port_type
 *    PSW_PORT_A_MAC: NLA_BINARY ETH_ALEN, for a pod port the pod's MAC;
 *                    learned from the pod's first frame when not given
 *    PSW_PORT_A_ADDRS: NLA_NESTED, the pod's IPv4 addresses, each a
 *                      PSW_ADDR_A_ADDR (NLA_BE32); at most
 *                      PSW_PORT_MAX_ADDRS
 *    PSW_PORT_A_STATS: NLA_NESTED, PSW_STATS_A_* counters (replies only)
 *    PSW_PORT_A_ACL_IN, PSW_PORT_A_ACL_OUT: NLA_NESTED, the ACLs bound in
 *                      each direction, in order, each a PSW_ACL_LIST_A_NUM
 *                      (NLA_U32)
 *
 * PSW_CMD_PORT_NEW attaches PSW_PORT_A_IFINDEX (an Ethernet netdev of the
 * switch's netns that no switch, bridge or other master holds) with
 * PSW_PORT_A_TYPE (default PSW_PORT_POD), PSW_PORT_A_MAC and
 * PSW_PORT_A_ADDRS. PSW_CMD_PORT_DEL detaches PSW_PORT_A_IFINDEX.
 * PSW_CMD_PORT_GET dumps every port of the switch, the host port first.
 *
 * Routes
 * ------
 *
 * PSW_A_ROUTE nests:
 *
 *    PSW_ROUTE_A_DST: NLA_BE32, the prefix
 *    PSW_ROUTE_A_PREFIXLEN: NLA_U8, 0..32; host bits must be zero
 *    PSW_ROUTE_A_TYPE: NLA_U8, enum psw_route_type
 *    PSW_ROUTE_A_PORT: NLA_U32, the output port's ifindex (PSW_ROUTE_DEV,
 *                      PSW_ROUTE_VIA)
 *    PSW_ROUTE_A_GATEWAY: NLA_BE32, the next hop (PSW_ROUTE_VIA)
 *    PSW_ROUTE_A_ORIGIN: NLA_U8, enum psw_route_origin (replies only)
 *
 * PSW_CMD_ROUTE_NEW adds a static route (an existing static route of the
 * same prefix is an error: delete it first), PSW_CMD_ROUTE_DEL deletes a
 * static route by PSW_ROUTE_A_DST and PSW_ROUTE_A_PREFIXLEN (only),
 * PSW_CMD_ROUTE_GET dumps the routes in use, longest prefix first. Pod
 * routes come from pod ports and host routes from the netns' addresses;
 * they are not added or deleted by hand.
 *
 * Neighbors
 * ---------
 *
 * PSW_A_NEIGH nests:
 *
 *    PSW_NEIGH_A_ADDR: NLA_BE32
 *    PSW_NEIGH_A_MAC: NLA_BINARY ETH_ALEN
 *    PSW_NEIGH_A_PORT: NLA_U32, the port's ifindex
 *    PSW_NEIGH_A_STATE: NLA_U8, enum psw_neigh_state (replies only)
 *    PSW_NEIGH_A_AGE_MS: NLA_U32, since last confirmed (replies only)
 *
 * PSW_CMD_NEIGH_NEW adds or replaces a static neighbor, PSW_CMD_NEIGH_DEL
 * deletes one by address and port (only), PSW_CMD_NEIGH_GET dumps them all.
 *
 * ACLs
 * ----
 *
 * An ACL is a numbered, ordered list of rules (Documentation/podswitch.rst).
 * PSW_A_ACL nests:
 *
 *    PSW_ACL_A_NUM: NLA_U32, the ACL's number
 *    PSW_ACL_A_FIRST: NLA_U32, the index of the first rule in this
 *                     message (replies only: a long ACL spans messages)
 *    PSW_ACL_A_COUNT: NLA_U32, the ACL's number of rules (replies only)
 *
 * A switch holds at most PSW_ACL_MAX_ACLS ACLs. The rules follow as
 * top-level PSW_A_RULE attributes, in order, 1 to PSW_ACL_MAX_RULES of them (not in one nest, whose length could not
 * exceed 64 KiB). Each nests PSW_RULE_A_*; all but the action are optional
 * and match anything when absent:
 *
 *    PSW_RULE_A_ACTION: NLA_U8, enum psw_acl_action
 *    PSW_RULE_A_PROTO: NLA_U8, the IP protocol
 *    PSW_RULE_A_SRC, PSW_RULE_A_DST: NLA_BE32, prefixes whose length is
 *        PSW_RULE_A_SRC_PLEN, PSW_RULE_A_DST_PLEN (NLA_U8, 0..32; host
 *        bits must be zero; a prefix without length is a /32)
 *    PSW_RULE_A_SPORT_MIN, PSW_RULE_A_SPORT_MAX, PSW_RULE_A_DPORT_MIN,
 *    PSW_RULE_A_DPORT_MAX: NLA_U16, inclusive port ranges (a missing
 *        maximum is the minimum); for ICMP the source "port" is the type
 *        and the destination "port" the code (0..255). They need a
 *        PSW_RULE_A_PROTO of TCP, UDP or ICMP.
 *    PSW_RULE_A_TCP_FLAGS, PSW_RULE_A_TCP_MASK: NLA_U8, matches when
 *        (flags & mask) == value; they need TCP.
 *    PSW_RULE_A_HITS: NLA_U64, packets the rule decided (replies only)
 *
 * PSW_CMD_ACL_SET creates the ACL or replaces it whole: ports it is bound
 * to use the new rules for every packet that does not belong to a
 * session, from the moment the command returns. PSW_CMD_ACL_DEL deletes
 * one by PSW_ACL_A_NUM; an ACL still bound is not deleted. PSW_CMD_ACL_GET
 * dumps every ACL, in number order.
 *
 * PSW_CMD_ACL_BIND sets what is bound to one port in one direction:
 * PSW_A_PORT with PSW_PORT_A_IFINDEX and exactly one of PSW_PORT_A_ACL_IN
 * and PSW_PORT_A_ACL_OUT, the ACLs in the order they are evaluated (at
 * most PSW_ACL_MAX_BIND, each defined); an empty nest unbinds. It replaces
 * the previous binding of that direction atomically.
 *
 * Sessions
 * --------
 *
 * PSW_CMD_SESSION_GET dumps the live sessions, each a PSW_A_SESSION nest:
 *
 *    PSW_SESS_A_TABLE: NLA_U8, enum psw_session_table
 *    PSW_SESS_A_PROTO: NLA_U8
 *    PSW_SESS_A_SRC, PSW_SESS_A_DST: NLA_BE32, as the first packet had them
 *    PSW_SESS_A_SPORT, PSW_SESS_A_DPORT: NLA_U16 (ICMP echo: the id)
 *    PSW_SESS_A_STATE: NLA_U8, enum psw_session_state
 *    PSW_SESS_A_PORT: NLA_U32, the ifindex of the port it was created on
 *    PSW_SESS_A_IDLE_MS: NLA_U32, since its last packet
 *    PSW_SESS_A_EXPIRES_MS: NLA_U32, until it expires if idle
 *
 * Sessions change with every packet: a dump streams from the session
 * table, without a copy, and shows each session that lives through it at
 * least once (and may show one that moved in the table twice); when the
 * table is resized under it, the dump is marked NLM_F_DUMP_INTR. A dump
 * request, and PSW_CMD_SESSION_FLUSH,
 * which deletes every session, take PSW_A_SESSION with PSW_SESS_A_TABLE to
 * mean that table's sessions only. PSW_CMD_SESSION_FLUSH also takes
 * PSW_SESS_A_ADDR (NLA_BE32) in that nest: only the sessions that have
 * this address as source or destination, before or after translation, go
 * (what a CNI DEL does, so that a pod given the address later inherits no
 * connection).
 *
 * PSW_CMD_SWITCH_SET also takes the session settings, which
 * PSW_CMD_SWITCH_GET reports: PSW_A_TIMEOUTS, a nest of PSW_TIMEOUT_A_*
 * (NLA_U32, seconds, 1..PSW_TIMEOUT_MAX: TCP_ESTABLISHED default 86400,
 * TCP_TRANSIENT 120, UDP 600, ICMP 60), and PSW_A_MAX_SESSIONS (NLA_U32,
 * 1..PSW_MAX_SESSIONS_LIMIT, default 500000). A full table recycles its
 * oldest session that is expired, else transient, else ICMP, else UDP
 * (else, NAT44, an affinity record), never an established TCP one; without
 * one the new connection's packet is dropped and counted. Lowering the
 * limit keeps the sessions there are. PSW_A_PORT_MAX_SESSIONS (NLA_U32,
 * 1..PSW_MAX_SESSIONS_LIMIT, default 125000) bounds, once the table is
 * three quarters full, the sessions the packets of one port (a pod, an
 * uplink, the host) open, so that one pod cannot fill it; past it, its new
 * connection's packet is dropped and counted. PSW_A_NAT44_TIMEOUTS, PSW_A_NAT44_MAX_SESSIONS and
 * PSW_A_NAT44_PORT_MAX_SESSIONS are the same for NAT44 sessions (defaults
 * TCP_ESTABLISHED 7440, TCP_TRANSIENT 240, UDP 300, ICMP 60; 500000
 * sessions, 125000 a port).
 *
 * NAT44
 * -----
 *
 * A service maps (protocol, VIP, port) to backends
 * (Documentation/podswitch.rst). PSW_A_SERVICE nests:
 *
 *    PSW_SVC_A_PROTO: NLA_U8, IPPROTO_TCP or IPPROTO_UDP
 *    PSW_SVC_A_VIP: NLA_BE32, a unicast address
 *    PSW_SVC_A_PORT: NLA_U16, 1..65535
 *    PSW_SVC_A_AFFINITY: NLA_U32, ClientIP affinity in seconds,
 *                        0..PSW_NAT_MAX_AFFINITY; 0 (the default) for none
 *    PSW_SVC_A_BACKEND: NLA_NESTED, repeated, 1 to PSW_NAT_MAX_BACKENDS
 *                       times, each different:
 *       PSW_BACKEND_A_ADDR: NLA_BE32, a unicast address
 *       PSW_BACKEND_A_PORT: NLA_U16, 1..65535
 *       PSW_BACKEND_A_WEIGHT: NLA_U32, 1..PSW_NAT_MAX_WEIGHT, default 1
 *
 * PSW_CMD_SERVICE_NEW adds the service, or replaces the one of the same
 * protocol, VIP and port whole: sessions to backends it keeps go on,
 * sessions to the others are deleted before the command returns.
 * PSW_CMD_SERVICE_DEL deletes a service (PSW_SVC_A_PROTO, VIP, PORT only)
 * and its sessions. PSW_CMD_SERVICE_GET dumps them all, at most
 * PSW_NAT_MAX_SERVICES. A new connection to a VIP:port gets a backend at
 * random in proportion to the weights, or, with affinity, the backend its
 * client address had within that many seconds.
 *
 * Dynamic SNAT: a port may have a pool of addresses; connections leaving
 * the switch by it (and translated by no service) get a pool address
 * (one per source address, by hash) and keep their source port (ICMP
 * echo: id) unless another connection has it, else get a free one.
 * PSW_A_SNAT nests:
 *
 *    PSW_SNAT_A_PORT: NLA_U32, the port's ifindex
 *    PSW_SNAT_A_FIRST, PSW_SNAT_A_LAST: NLA_BE32, the pool, unicast, first
 *                       <= last, at most PSW_NAT_MAX_POOL addresses; LAST
 *                       defaults to FIRST
 *
 * PSW_CMD_SNAT_NEW gives the port its pool, replacing the one it had
 * (sessions with addresses out of the new pool are deleted);
 * PSW_CMD_SNAT_DEL (PSW_SNAT_A_PORT only) removes it and its sessions;
 * PSW_CMD_SNAT_GET dumps the pools. The switch answers ARP for a pool's
 * addresses on its port.
 *
 * PSW_A_NAT44_LOOPBACK (NLA_BE32, in PSW_CMD_SWITCH_SET and
 * PSW_CMD_SWITCH_GET) is the address a pod reaching its own service is
 * translated from (hairpin); 0.0.0.0, the default, means the switch
 * address.
 *
 * NAT44 sessions appear in session dumps with PSW_SESS_A_TABLE
 * PSW_SESSION_NAT44 and also carry PSW_SESS_A_ID (NLA_U32, as in traces)
 * and the initiator's packets as translated: PSW_SESS_A_XSRC,
 * PSW_SESS_A_XDST (NLA_BE32), PSW_SESS_A_XSPORT, PSW_SESS_A_XDPORT
 * (NLA_U16).
 *
 * Trace
 * -----
 *
 * PSW_A_TRACE nests:
 *
 *    PSW_TRACE_A_COUNT: NLA_U32, 1..PSW_TRACE_MAX, packets to capture
 *    PSW_TRACE_A_SEQ: NLA_U32, the packet's number (replies only)
 *    PSW_TRACE_A_TIME_NS: NLA_U64, ktime_get_real (replies only)
 *    PSW_TRACE_A_TEXT: NLA_NUL_STRING, the packet's walk, one node per
 *                      line (replies only)
 *
 * PSW_CMD_TRACE_ADD with PSW_TRACE_A_COUNT arms the capture of the next
 * packets entering the switch; it adds to what is already armed, up to
 * PSW_TRACE_MAX kept. PSW_CMD_TRACE_GET dumps one message per captured
 * packet. PSW_CMD_TRACE_CLEAR disarms and forgets.
 *
 * Counters
 * --------
 *
 * PSW_CMD_COUNTER_GET dumps one message per counter that is not zero, a
 * PSW_A_COUNTER nest of PSW_COUNTER_A_NODE (NLA_NUL_STRING, the pipeline
 * node), PSW_COUNTER_A_REASON (NLA_NUL_STRING) and PSW_COUNTER_A_VALUE
 * (NLA_U64), summed over CPUs. Port counters are in PSW_PORT_A_STATS:
 * PSW_STATS_A_RX_PACKETS, _RX_BYTES, _TX_PACKETS, _TX_BYTES, _DROPS, all
 * NLA_U64.
 */

#ifndef _UAPI_LINUX_PODSWITCH_H
#define _UAPI_LINUX_PODSWITCH_H

#define PSW_GENL_NAME "podswitch"
#define PSW_GENL_VERSION 2

/* The switch address when none was set: Calico's and Contiv's gateway. */
#define PSW_DEFAULT_ADDRESS 0xa9fe0101 /* 169.254.1.1, host order */

#define PSW_PORT_MAX_ADDRS 8
#define PSW_TRACE_MAX 256
#define PSW_ACL_MAX_RULES 16384
#define PSW_ACL_MAX_BIND 16
#define PSW_ACL_MAX_ACLS 4096
#define PSW_TIMEOUT_MAX (7 * 86400)
#define PSW_MAX_SESSIONS_LIMIT (1 << 24)
#define PSW_ICMP_BURST_MAX 10000
#define PSW_NAT_MAX_SERVICES 65536
#define PSW_NAT_MAX_BACKENDS 1024
#define PSW_NAT_MAX_WEIGHT 65535
#define PSW_NAT_MAX_AFFINITY 86400
#define PSW_NAT_MAX_POOL 65536

enum psw_cmd {
	PSW_CMD_UNSPEC,
	PSW_CMD_SWITCH_GET,
	PSW_CMD_SWITCH_SET,
	PSW_CMD_PORT_GET,
	PSW_CMD_PORT_NEW,
	PSW_CMD_PORT_DEL,
	PSW_CMD_ROUTE_GET,
	PSW_CMD_ROUTE_NEW,
	PSW_CMD_ROUTE_DEL,
	PSW_CMD_NEIGH_GET,
	PSW_CMD_NEIGH_NEW,
	PSW_CMD_NEIGH_DEL,
	PSW_CMD_ACL_GET,
	PSW_CMD_ACL_SET,
	PSW_CMD_ACL_DEL,
	PSW_CMD_ACL_BIND,
	PSW_CMD_SESSION_GET,
	PSW_CMD_SESSION_FLUSH,
	PSW_CMD_SERVICE_GET,
	PSW_CMD_SERVICE_NEW,
	PSW_CMD_SERVICE_DEL,
	PSW_CMD_SNAT_GET,
	PSW_CMD_SNAT_NEW,
	PSW_CMD_SNAT_DEL,
	PSW_CMD_TRACE_GET,
	PSW_CMD_TRACE_ADD,
	PSW_CMD_TRACE_CLEAR,
	PSW_CMD_COUNTER_GET,
	__PSW_CMD_MAX
};
#define PSW_CMD_MAX (__PSW_CMD_MAX - 1)

/* The switch: which one, its settings, and a nest per object. */
enum psw_attr {
	PSW_A_UNSPEC,
	PSW_A_IFINDEX,
	PSW_A_IFNAME,
	PSW_A_MAC,
	PSW_A_ADDRESS,
	PSW_A_HOST_ROUTES,
	PSW_A_ANTI_SPOOF,
	PSW_A_MAX_SESSIONS,
	PSW_A_TIMEOUTS,
	PSW_A_NAT44_MAX_SESSIONS,
	PSW_A_NAT44_TIMEOUTS,
	PSW_A_NAT44_LOOPBACK,
	PSW_A_PORT,
	PSW_A_ROUTE,
	PSW_A_NEIGH,
	PSW_A_ACL,
	PSW_A_RULE,
	PSW_A_SESSION,
	PSW_A_SERVICE,
	PSW_A_SNAT,
	PSW_A_TRACE,
	PSW_A_COUNTER,
	PSW_A_ICMP_RATE,
	PSW_A_ICMP_BURST,
	PSW_A_PORT_MAX_SESSIONS,
	PSW_A_NAT44_PORT_MAX_SESSIONS,
	__PSW_A_MAX
};
#define PSW_A_MAX (__PSW_A_MAX - 1)

enum psw_port_type {
	PSW_PORT_HOST,		/* the switch's end of the host link */
	PSW_PORT_POD,		/* a pod's interface: static neighbors */
	PSW_PORT_UPLINK,	/* neighbors resolved by ARP */
	__PSW_PORT_TYPE_MAX
};
#define PSW_PORT_TYPE_MAX (__PSW_PORT_TYPE_MAX - 1)

enum psw_port_attr {
	PSW_PORT_A_UNSPEC,
	PSW_PORT_A_IFINDEX,
	PSW_PORT_A_IFNAME,
	PSW_PORT_A_INDEX,
	PSW_PORT_A_TYPE,
	PSW_PORT_A_MAC,
	PSW_PORT_A_ADDRS,
	PSW_PORT_A_STATS,
	PSW_PORT_A_ACL_IN,
	PSW_PORT_A_ACL_OUT,
	__PSW_PORT_A_MAX
};
#define PSW_PORT_A_MAX (__PSW_PORT_A_MAX - 1)

enum psw_addr_attr {
	PSW_ADDR_A_UNSPEC,
	PSW_ADDR_A_ADDR,
	__PSW_ADDR_A_MAX
};
#define PSW_ADDR_A_MAX (__PSW_ADDR_A_MAX - 1)

enum psw_stats_attr {
	PSW_STATS_A_UNSPEC,
	PSW_STATS_A_RX_PACKETS,
	PSW_STATS_A_RX_BYTES,
	PSW_STATS_A_TX_PACKETS,
	PSW_STATS_A_TX_BYTES,
	PSW_STATS_A_DROPS,
	PSW_STATS_A_PAD,
	__PSW_STATS_A_MAX
};
#define PSW_STATS_A_MAX (__PSW_STATS_A_MAX - 1)

enum psw_route_type {
	PSW_ROUTE_HOST,		/* out of the host port */
	PSW_ROUTE_DEV,		/* directly connected to a port */
	PSW_ROUTE_VIA,		/* through a gateway on a port */
	PSW_ROUTE_DROP,
	__PSW_ROUTE_TYPE_MAX
};
#define PSW_ROUTE_TYPE_MAX (__PSW_ROUTE_TYPE_MAX - 1)

enum psw_route_origin {
	PSW_ROUTE_STATIC,	/* pswctl route add */
	PSW_ROUTE_POD,		/* a pod port's address */
	PSW_ROUTE_HOSTADDR,	/* host-routes: an address of the netns */
	__PSW_ROUTE_ORIGIN_MAX
};
#define PSW_ROUTE_ORIGIN_MAX (__PSW_ROUTE_ORIGIN_MAX - 1)

enum psw_route_attr {
	PSW_ROUTE_A_UNSPEC,
	PSW_ROUTE_A_DST,
	PSW_ROUTE_A_PREFIXLEN,
	PSW_ROUTE_A_TYPE,
	PSW_ROUTE_A_PORT,
	PSW_ROUTE_A_GATEWAY,
	PSW_ROUTE_A_ORIGIN,
	__PSW_ROUTE_A_MAX
};
#define PSW_ROUTE_A_MAX (__PSW_ROUTE_A_MAX - 1)

enum psw_neigh_state {
	PSW_NEIGH_STATIC,
	PSW_NEIGH_REACHABLE,
	PSW_NEIGH_STALE,	/* in use, being refreshed */
	PSW_NEIGH_INCOMPLETE,	/* being resolved; packets wait */
	__PSW_NEIGH_STATE_MAX
};
#define PSW_NEIGH_STATE_MAX (__PSW_NEIGH_STATE_MAX - 1)

enum psw_neigh_attr {
	PSW_NEIGH_A_UNSPEC,
	PSW_NEIGH_A_ADDR,
	PSW_NEIGH_A_MAC,
	PSW_NEIGH_A_PORT,
	PSW_NEIGH_A_STATE,
	PSW_NEIGH_A_AGE_MS,
	__PSW_NEIGH_A_MAX
};
#define PSW_NEIGH_A_MAX (__PSW_NEIGH_A_MAX - 1)

enum psw_acl_action {
	PSW_ACL_DENY,
	PSW_ACL_PERMIT,
	PSW_ACL_REFLECT,	/* permit and create a session */
	__PSW_ACL_ACTION_MAX
};
#define PSW_ACL_ACTION_MAX (__PSW_ACL_ACTION_MAX - 1)

enum psw_acl_attr {
	PSW_ACL_A_UNSPEC,
	PSW_ACL_A_NUM,
	PSW_ACL_A_FIRST,
	PSW_ACL_A_COUNT,
	__PSW_ACL_A_MAX
};
#define PSW_ACL_A_MAX (__PSW_ACL_A_MAX - 1)

/* A binding's ACLs, in order (PSW_PORT_A_ACL_IN, PSW_PORT_A_ACL_OUT). */
enum psw_acl_list_attr {
	PSW_ACL_LIST_A_UNSPEC,
	PSW_ACL_LIST_A_NUM,
	__PSW_ACL_LIST_A_MAX
};
#define PSW_ACL_LIST_A_MAX (__PSW_ACL_LIST_A_MAX - 1)

enum psw_rule_attr {
	PSW_RULE_A_UNSPEC,
	PSW_RULE_A_ACTION,
	PSW_RULE_A_PROTO,
	PSW_RULE_A_SRC,
	PSW_RULE_A_SRC_PLEN,
	PSW_RULE_A_DST,
	PSW_RULE_A_DST_PLEN,
	PSW_RULE_A_SPORT_MIN,
	PSW_RULE_A_SPORT_MAX,
	PSW_RULE_A_DPORT_MIN,
	PSW_RULE_A_DPORT_MAX,
	PSW_RULE_A_TCP_FLAGS,
	PSW_RULE_A_TCP_MASK,
	PSW_RULE_A_HITS,
	PSW_RULE_A_PAD,
	__PSW_RULE_A_MAX
};
#define PSW_RULE_A_MAX (__PSW_RULE_A_MAX - 1)

enum psw_session_table {
	PSW_SESSION_ACL,
	PSW_SESSION_NAT44,
	__PSW_SESSION_TABLE_MAX
};
#define PSW_SESSION_TABLE_MAX (__PSW_SESSION_TABLE_MAX - 1)

enum psw_session_state {
	PSW_SESS_TCP_ESTABLISHED,
	PSW_SESS_TCP_TRANSIENT,	/* handshake not done, or FIN/RST seen */
	PSW_SESS_UDP,		/* and every protocol but TCP and ICMP */
	PSW_SESS_ICMP,
	__PSW_SESS_STATE_MAX
};
#define PSW_SESS_STATE_MAX (__PSW_SESS_STATE_MAX - 1)

enum psw_session_attr {
	PSW_SESS_A_UNSPEC,
	PSW_SESS_A_TABLE,
	PSW_SESS_A_PROTO,
	PSW_SESS_A_SRC,
	PSW_SESS_A_DST,
	PSW_SESS_A_SPORT,
	PSW_SESS_A_DPORT,
	PSW_SESS_A_STATE,
	PSW_SESS_A_PORT,
	PSW_SESS_A_IDLE_MS,
	PSW_SESS_A_EXPIRES_MS,
	PSW_SESS_A_ID,
	PSW_SESS_A_XSRC,
	PSW_SESS_A_XDST,
	PSW_SESS_A_XSPORT,
	PSW_SESS_A_XDPORT,
	PSW_SESS_A_ADDR,
	__PSW_SESS_A_MAX
};
#define PSW_SESS_A_MAX (__PSW_SESS_A_MAX - 1)

/* Session timeouts; the index is enum psw_session_state + 1. */
enum psw_timeout_attr {
	PSW_TIMEOUT_A_UNSPEC,
	PSW_TIMEOUT_A_TCP_ESTABLISHED,
	PSW_TIMEOUT_A_TCP_TRANSIENT,
	PSW_TIMEOUT_A_UDP,
	PSW_TIMEOUT_A_ICMP,
	__PSW_TIMEOUT_A_MAX
};
#define PSW_TIMEOUT_A_MAX (__PSW_TIMEOUT_A_MAX - 1)

enum psw_service_attr {
	PSW_SVC_A_UNSPEC,
	PSW_SVC_A_PROTO,
	PSW_SVC_A_VIP,
	PSW_SVC_A_PORT,
	PSW_SVC_A_AFFINITY,
	PSW_SVC_A_BACKEND,
	__PSW_SVC_A_MAX
};
#define PSW_SVC_A_MAX (__PSW_SVC_A_MAX - 1)

enum psw_backend_attr {
	PSW_BACKEND_A_UNSPEC,
	PSW_BACKEND_A_ADDR,
	PSW_BACKEND_A_PORT,
	PSW_BACKEND_A_WEIGHT,
	__PSW_BACKEND_A_MAX
};
#define PSW_BACKEND_A_MAX (__PSW_BACKEND_A_MAX - 1)

enum psw_snat_attr {
	PSW_SNAT_A_UNSPEC,
	PSW_SNAT_A_PORT,
	PSW_SNAT_A_FIRST,
	PSW_SNAT_A_LAST,
	__PSW_SNAT_A_MAX
};
#define PSW_SNAT_A_MAX (__PSW_SNAT_A_MAX - 1)

enum psw_trace_attr {
	PSW_TRACE_A_UNSPEC,
	PSW_TRACE_A_COUNT,
	PSW_TRACE_A_SEQ,
	PSW_TRACE_A_TIME_NS,
	PSW_TRACE_A_TEXT,
	PSW_TRACE_A_PAD,
	__PSW_TRACE_A_MAX
};
#define PSW_TRACE_A_MAX (__PSW_TRACE_A_MAX - 1)

enum psw_counter_attr {
	PSW_COUNTER_A_UNSPEC,
	PSW_COUNTER_A_NODE,
	PSW_COUNTER_A_REASON,
	PSW_COUNTER_A_VALUE,
	PSW_COUNTER_A_PAD,
	__PSW_COUNTER_A_MAX
};
#define PSW_COUNTER_A_MAX (__PSW_COUNTER_A_MAX - 1)

#endif /* _UAPI_LINUX_PODSWITCH_H */
