/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family: netlink.c has the family, its ops and what
 * the handlers share; nl_<object>.c the handlers of each object;
 * nl_policy.c what each command accepts.
 */
#ifndef _PSW_NETLINK_H
#define _PSW_NETLINK_H

#include "pipeline.h"

#include <uapi/linux/podswitch.h>

#include <linux/inetdevice.h>
#include <net/genetlink.h>

struct psw_params;
struct psw_port;
struct psw_switch;

int psw_genl_init(void);
void psw_genl_uninit(void);

extern struct genl_family psw_genl_family;

/*
 * A doit handler runs with RTNL and the switch's lock held, the switch
 * (found by PSW_A_IFINDEX/PSW_A_IFNAME) in info->user_ptr[0]; the switch
 * generation moves around it, so that a dump spanning it retries.
 */
static inline struct psw_switch *psw_nl_switch(struct genl_info *info)
{
	return info->user_ptr[0];
}

/* For the doits that parse first (ACL_SET, SERVICE_NEW): lock now. */
int psw_nl_lock(struct genl_info *info);

/* What ip4-input would not drop as a martian (pipeline.h). */
static inline bool psw_unicast_addr(__be32 a)
{
	return !psw_ip4_martian(a);
}

struct psw_port *psw_nl_port(struct psw_switch *sw, struct genl_info *info,
			     struct nlattr *attr);
int psw_nl_parse_nest(struct genl_info *info, int type, int max,
		      const struct nla_policy *policy, struct nlattr **tb);

/*
 * Dumps of a switch's objects, the switch found again for each part:
 * psw_nl_dump() runs @part under RCU with it, and returns the part's size
 * or why there is no switch.
 */
typedef void (*psw_nl_part_fn)(struct sk_buff *skb, struct netlink_callback *cb,
			       struct psw_switch *sw, const void *arg);
int psw_nl_dump(struct sk_buff *skb, struct netlink_callback *cb, psw_nl_part_fn part,
		const void *arg);
struct psw_switch *psw_nl_dump_switch(struct sk_buff *skb,
				      struct netlink_callback *cb);
void *psw_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);
void psw_nl_dump_end(struct sk_buff *skb, struct netlink_callback *cb, void *hdr);

/*
 * Put object @idx of @sw into @skb: 0 when done, -ENOENT when there is no
 * such object but there may be more, -ERANGE past the last one,
 * -EMSGSIZE when the skb is full.
 */
typedef int (*psw_nl_fill_fn)(struct sk_buff *skb, struct psw_switch *sw, long idx);
int psw_nl_dump_each(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		     psw_nl_fill_fn fill);

/* Handlers, by object. */
int psw_nl_switch_get_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_switch_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_switch_set_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_fill_switch(struct sk_buff *skb, const struct psw_switch *sw,
		       const struct psw_params *p);
int psw_nl_counter_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

int psw_nl_port_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_port_new_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_port_del_doit(struct sk_buff *skb, struct genl_info *info);

int psw_nl_route_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_route_new_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_route_del_doit(struct sk_buff *skb, struct genl_info *info);

int psw_nl_neigh_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_neigh_new_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_neigh_del_doit(struct sk_buff *skb, struct genl_info *info);

int psw_nl_acl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_acl_set_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_acl_del_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_acl_bind_doit(struct sk_buff *skb, struct genl_info *info);

int psw_nl_session_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_session_flush_doit(struct sk_buff *skb, struct genl_info *info);

int psw_nl_service_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_service_new_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_service_del_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_snat_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_snat_new_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_snat_del_doit(struct sk_buff *skb, struct genl_info *info);

int psw_nl_trace_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int psw_nl_trace_add_doit(struct sk_buff *skb, struct genl_info *info);
int psw_nl_trace_clear_doit(struct sk_buff *skb, struct genl_info *info);

/*
 * What each command accepts (nl_policy.c): its top-level attributes and,
 * for its nests, only the attributes it uses. Each array spans its whole
 * attribute set, so that an attribute of the set a command does not take
 * is "Unsupported", and only one past the set "Unknown".
 */
extern const struct nla_policy psw_switch_get_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_switch_set_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_port_new_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_port_del_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_route_new_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_route_del_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_neigh_new_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_neigh_del_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_acl_set_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_acl_del_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_acl_bind_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_session_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_session_flush_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_service_new_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_service_del_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_snat_new_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_snat_del_nl_policy[PSW_A_MAX + 1];
extern const struct nla_policy psw_trace_add_nl_policy[PSW_A_MAX + 1];

/* Nested policies handlers parse again. */
extern const struct nla_policy psw_port_new_nl_policy_nest[PSW_PORT_A_MAX + 1];
extern const struct nla_policy psw_port_del_nl_policy_nest[PSW_PORT_A_MAX + 1];
extern const struct nla_policy psw_port_bind_nl_policy_nest[PSW_PORT_A_MAX + 1];
extern const struct nla_policy psw_route_new_nl_policy_nest[PSW_ROUTE_A_MAX + 1];
extern const struct nla_policy psw_route_del_nl_policy_nest[PSW_ROUTE_A_MAX + 1];
extern const struct nla_policy psw_neigh_new_nl_policy_nest[PSW_NEIGH_A_MAX + 1];
extern const struct nla_policy psw_neigh_del_nl_policy_nest[PSW_NEIGH_A_MAX + 1];
extern const struct nla_policy psw_acl_nl_policy_nest[PSW_ACL_A_MAX + 1];
extern const struct nla_policy psw_rule_nl_policy[PSW_RULE_A_MAX + 1];
extern const struct nla_policy psw_session_nl_policy_nest[PSW_SESS_A_MAX + 1];
extern const struct nla_policy psw_session_flush_nl_policy_nest[PSW_SESS_A_MAX + 1];
extern const struct nla_policy psw_timeout_nl_policy[PSW_TIMEOUT_A_MAX + 1];
extern const struct nla_policy psw_service_new_nl_policy_nest[PSW_SVC_A_MAX + 1];
extern const struct nla_policy psw_service_del_nl_policy_nest[PSW_SVC_A_MAX + 1];
extern const struct nla_policy psw_backend_nl_policy[PSW_BACKEND_A_MAX + 1];
extern const struct nla_policy psw_snat_new_nl_policy_nest[PSW_SNAT_A_MAX + 1];
extern const struct nla_policy psw_snat_del_nl_policy_nest[PSW_SNAT_A_MAX + 1];
extern const struct nla_policy psw_trace_add_nl_policy_nest[PSW_TRACE_A_MAX + 1];

#endif /* _PSW_NETLINK_H */
