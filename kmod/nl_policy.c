// SPDX-License-Identifier: GPL-2.0
/*
 * What each command of the family accepts, as
 * Documentation/netlink/specs/podswitch.yaml describes it (tests/netns/
 * netlink-spec.sh compares the two through the kernel's policy dump). A
 * nest's policy lists only what the command uses of the nest: the
 * replies-only attributes, and those of another command, are refused.
 */

#include "netlink.h"

#include <linux/if.h>
#include <linux/if_ether.h>

static struct netlink_range_validation psw_timeout_range __ro_after_init = {
	.min = 1,
	.max = PSW_TIMEOUT_MAX,
};

static struct netlink_range_validation psw_max_sessions_range __ro_after_init = {
	.min = 1,
	.max = PSW_MAX_SESSIONS_LIMIT,
};

static struct netlink_range_validation psw_affinity_range __ro_after_init = {
	.max = PSW_NAT_MAX_AFFINITY,
};

static struct netlink_range_validation psw_weight_range __ro_after_init = {
	.min = 1,
	.max = PSW_NAT_MAX_WEIGHT,
};

#define PSW_NL_SWITCH_ID						\
	[PSW_A_IFINDEX]		= NLA_POLICY_MIN(NLA_U32, 1),		\
	[PSW_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }

const struct nla_policy psw_switch_get_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
};

const struct nla_policy psw_timeout_nl_policy[PSW_TIMEOUT_A_MAX + 1] = {
	[PSW_TIMEOUT_A_TCP_ESTABLISHED]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_timeout_range),
	[PSW_TIMEOUT_A_TCP_TRANSIENT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_timeout_range),
	[PSW_TIMEOUT_A_UDP]		= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_timeout_range),
	[PSW_TIMEOUT_A_ICMP]		= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_timeout_range),
};

const struct nla_policy psw_switch_set_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_MAC]		= NLA_POLICY_ETH_ADDR,
	[PSW_A_ADDRESS]		= { .type = NLA_BE32 },
	[PSW_A_HOST_ROUTES]	= NLA_POLICY_MAX(NLA_U8, 1),
	[PSW_A_ANTI_SPOOF]	= NLA_POLICY_MAX(NLA_U8, 1),
	[PSW_A_MAX_SESSIONS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_max_sessions_range),
	[PSW_A_TIMEOUTS]	= NLA_POLICY_NESTED(psw_timeout_nl_policy),
	[PSW_A_NAT44_MAX_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &psw_max_sessions_range),
	[PSW_A_NAT44_TIMEOUTS]	= NLA_POLICY_NESTED(psw_timeout_nl_policy),
	[PSW_A_NAT44_LOOPBACK]	= { .type = NLA_BE32 },
	[PSW_A_ICMP_RATE]	= { .type = NLA_U32 },
	[PSW_A_ICMP_BURST]	= NLA_POLICY_RANGE(NLA_U32, 1, PSW_ICMP_BURST_MAX),
	[PSW_A_PORT_MAX_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &psw_max_sessions_range),
	[PSW_A_NAT44_PORT_MAX_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &psw_max_sessions_range),
};

/* ---- ports ---- */

static const struct nla_policy psw_addr_nl_policy[PSW_ADDR_A_MAX + 1] = {
	[PSW_ADDR_A_ADDR]	= { .type = NLA_BE32 },
};

const struct nla_policy psw_port_new_nl_policy_nest[PSW_PORT_A_MAX + 1] = {
	[PSW_PORT_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_PORT_A_TYPE]	= NLA_POLICY_RANGE(NLA_U8, PSW_PORT_POD, PSW_PORT_UPLINK),
	[PSW_PORT_A_MAC]	= NLA_POLICY_ETH_ADDR,
	[PSW_PORT_A_ADDRS]	= NLA_POLICY_NESTED(psw_addr_nl_policy),
};

const struct nla_policy psw_port_new_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_PORT]		= NLA_POLICY_NESTED(psw_port_new_nl_policy_nest),
};

const struct nla_policy psw_port_del_nl_policy_nest[PSW_PORT_A_MAX + 1] = {
	[PSW_PORT_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy psw_port_del_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_PORT]		= NLA_POLICY_NESTED(psw_port_del_nl_policy_nest),
};

/* ---- routes ---- */

const struct nla_policy psw_route_new_nl_policy_nest[PSW_ROUTE_A_MAX + 1] = {
	[PSW_ROUTE_A_DST]	= { .type = NLA_BE32 },
	[PSW_ROUTE_A_PREFIXLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[PSW_ROUTE_A_TYPE]	= NLA_POLICY_MAX(NLA_U8, PSW_ROUTE_TYPE_MAX),
	[PSW_ROUTE_A_PORT]	= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_ROUTE_A_GATEWAY]	= { .type = NLA_BE32 },
};

const struct nla_policy psw_route_new_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_ROUTE]		= NLA_POLICY_NESTED(psw_route_new_nl_policy_nest),
};

const struct nla_policy psw_route_del_nl_policy_nest[PSW_ROUTE_A_MAX + 1] = {
	[PSW_ROUTE_A_DST]	= { .type = NLA_BE32 },
	[PSW_ROUTE_A_PREFIXLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
};

const struct nla_policy psw_route_del_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_ROUTE]		= NLA_POLICY_NESTED(psw_route_del_nl_policy_nest),
};

/* ---- neighbors ---- */

const struct nla_policy psw_neigh_new_nl_policy_nest[PSW_NEIGH_A_MAX + 1] = {
	[PSW_NEIGH_A_ADDR]	= { .type = NLA_BE32 },
	[PSW_NEIGH_A_MAC]	= NLA_POLICY_ETH_ADDR,
	[PSW_NEIGH_A_PORT]	= NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy psw_neigh_new_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_NEIGH]		= NLA_POLICY_NESTED(psw_neigh_new_nl_policy_nest),
};

const struct nla_policy psw_neigh_del_nl_policy_nest[PSW_NEIGH_A_MAX + 1] = {
	[PSW_NEIGH_A_ADDR]	= { .type = NLA_BE32 },
	[PSW_NEIGH_A_PORT]	= NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy psw_neigh_del_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_NEIGH]		= NLA_POLICY_NESTED(psw_neigh_del_nl_policy_nest),
};

/* ---- ACLs ---- */

const struct nla_policy psw_acl_nl_policy_nest[PSW_ACL_A_MAX + 1] = {
	[PSW_ACL_A_NUM]		= { .type = NLA_U32 },
};

const struct nla_policy psw_rule_nl_policy[PSW_RULE_A_MAX + 1] = {
	[PSW_RULE_A_ACTION]	= NLA_POLICY_MAX(NLA_U8, PSW_ACL_ACTION_MAX),
	[PSW_RULE_A_PROTO]	= NLA_POLICY_MIN(NLA_U8, 1),
	[PSW_RULE_A_SRC]	= { .type = NLA_BE32 },
	[PSW_RULE_A_SRC_PLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[PSW_RULE_A_DST]	= { .type = NLA_BE32 },
	[PSW_RULE_A_DST_PLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[PSW_RULE_A_SPORT_MIN]	= { .type = NLA_U16 },
	[PSW_RULE_A_SPORT_MAX]	= { .type = NLA_U16 },
	[PSW_RULE_A_DPORT_MIN]	= { .type = NLA_U16 },
	[PSW_RULE_A_DPORT_MAX]	= { .type = NLA_U16 },
	[PSW_RULE_A_TCP_FLAGS]	= { .type = NLA_U8 },
	[PSW_RULE_A_TCP_MASK]	= { .type = NLA_U8 },
};

const struct nla_policy psw_acl_set_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_ACL]		= NLA_POLICY_NESTED(psw_acl_nl_policy_nest),
	[PSW_A_RULE]		= NLA_POLICY_NESTED(psw_rule_nl_policy),
};

const struct nla_policy psw_acl_del_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_ACL]		= NLA_POLICY_NESTED(psw_acl_nl_policy_nest),
};

static const struct nla_policy psw_acl_list_nl_policy[PSW_ACL_LIST_A_MAX + 1] = {
	[PSW_ACL_LIST_A_NUM]	= { .type = NLA_U32 },
};

const struct nla_policy psw_port_bind_nl_policy_nest[PSW_PORT_A_MAX + 1] = {
	[PSW_PORT_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_PORT_A_ACL_IN]	= NLA_POLICY_NESTED(psw_acl_list_nl_policy),
	[PSW_PORT_A_ACL_OUT]	= NLA_POLICY_NESTED(psw_acl_list_nl_policy),
};

const struct nla_policy psw_acl_bind_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_PORT]		= NLA_POLICY_NESTED(psw_port_bind_nl_policy_nest),
};

/* ---- sessions ---- */

const struct nla_policy psw_session_nl_policy_nest[PSW_SESS_A_MAX + 1] = {
	[PSW_SESS_A_TABLE]	= NLA_POLICY_MAX(NLA_U8, PSW_SESSION_TABLE_MAX),
};

const struct nla_policy psw_session_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_SESSION]		= NLA_POLICY_NESTED(psw_session_nl_policy_nest),
};

const struct nla_policy psw_session_flush_nl_policy_nest[PSW_SESS_A_MAX + 1] = {
	[PSW_SESS_A_TABLE]	= NLA_POLICY_MAX(NLA_U8, PSW_SESSION_TABLE_MAX),
	[PSW_SESS_A_ADDR]	= { .type = NLA_BE32 },
};

const struct nla_policy psw_session_flush_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_SESSION]		= NLA_POLICY_NESTED(psw_session_flush_nl_policy_nest),
};

/* ---- NAT44 ---- */

const struct nla_policy psw_backend_nl_policy[PSW_BACKEND_A_MAX + 1] = {
	[PSW_BACKEND_A_ADDR]	= { .type = NLA_BE32 },
	[PSW_BACKEND_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[PSW_BACKEND_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_weight_range),
};

const struct nla_policy psw_service_new_nl_policy_nest[PSW_SVC_A_MAX + 1] = {
	[PSW_SVC_A_PROTO]	= { .type = NLA_U8 },
	[PSW_SVC_A_VIP]		= { .type = NLA_BE32 },
	[PSW_SVC_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[PSW_SVC_A_AFFINITY]	= NLA_POLICY_FULL_RANGE(NLA_U32, &psw_affinity_range),
	[PSW_SVC_A_BACKEND]	= NLA_POLICY_NESTED(psw_backend_nl_policy),
};

const struct nla_policy psw_service_new_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_SERVICE]		= NLA_POLICY_NESTED(psw_service_new_nl_policy_nest),
};

const struct nla_policy psw_service_del_nl_policy_nest[PSW_SVC_A_MAX + 1] = {
	[PSW_SVC_A_PROTO]	= { .type = NLA_U8 },
	[PSW_SVC_A_VIP]		= { .type = NLA_BE32 },
	[PSW_SVC_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
};

const struct nla_policy psw_service_del_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_SERVICE]		= NLA_POLICY_NESTED(psw_service_del_nl_policy_nest),
};

const struct nla_policy psw_snat_new_nl_policy_nest[PSW_SNAT_A_MAX + 1] = {
	[PSW_SNAT_A_PORT]	= NLA_POLICY_MIN(NLA_U32, 1),
	[PSW_SNAT_A_FIRST]	= { .type = NLA_BE32 },
	[PSW_SNAT_A_LAST]	= { .type = NLA_BE32 },
};

const struct nla_policy psw_snat_new_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_SNAT]		= NLA_POLICY_NESTED(psw_snat_new_nl_policy_nest),
};

const struct nla_policy psw_snat_del_nl_policy_nest[PSW_SNAT_A_MAX + 1] = {
	[PSW_SNAT_A_PORT]	= NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy psw_snat_del_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_SNAT]		= NLA_POLICY_NESTED(psw_snat_del_nl_policy_nest),
};

/* ---- trace ---- */

const struct nla_policy psw_trace_add_nl_policy_nest[PSW_TRACE_A_MAX + 1] = {
	[PSW_TRACE_A_COUNT]	= NLA_POLICY_RANGE(NLA_U32, 1, PSW_TRACE_MAX),
};

const struct nla_policy psw_trace_add_nl_policy[PSW_A_MAX + 1] = {
	PSW_NL_SWITCH_ID,
	[PSW_A_TRACE]		= NLA_POLICY_NESTED(psw_trace_add_nl_policy_nest),
};
