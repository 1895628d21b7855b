// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl acl set SWITCH NUM RULE[, RULE...]
 *   RULE := {permit|deny|reflect} [proto {tcp|udp|icmp|NUM}] [src PREFIX]
 *           [dst PREFIX] [sport P[-P]] [dport P[-P]] [tcp-flags VALUE/MASK]
 * pswctl acl del SWITCH NUM
 * pswctl acl bind SWITCH dev PORT {in|out} [NUM[,NUM...]]
 * pswctl acl show SWITCH           (= pswctl show SWITCH acl)
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room one rule can take in a request, all attributes present. */
#define RULE_MAX_BYTES 128

static const char *const actions[] = {
	[PSW_ACL_DENY] = "deny",
	[PSW_ACL_PERMIT] = "permit",
	[PSW_ACL_REFLECT] = "reflect",
};

static const struct {
	const char *name;
	uint8_t bit;
} tcp_flag_names[] = {
	{ "fin", 0x01 }, { "syn", 0x02 }, { "rst", 0x04 }, { "psh", 0x08 },
	{ "ack", 0x10 }, { "urg", 0x20 }, { "ece", 0x40 }, { "cwr", 0x80 },
};

const char *proto_name(uint8_t proto)
{
	static char buf[4];

	switch (proto) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	}
	snprintf(buf, sizeof(buf), "%u", proto);
	return buf;
}

bool parse_proto(const char *s, uint8_t *proto)
{
	uint32_t v;

	if (matches(s, "tcp"))
		*proto = 6;
	else if (matches(s, "udp"))
		*proto = 17;
	else if (matches(s, "icmp"))
		*proto = 1;
	else if (parse_u32(s, 255, &v) && v)
		*proto = v;
	else
		return false;
	return true;
}

/* "P" or "P-P" */
static bool parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16], *dash;
	uint32_t a, b;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (!parse_u32(buf, 65535, &a))
		return false;
	b = a;
	if (dash && !parse_u32(dash + 1, 65535, &b))
		return false;
	if (a > b)
		return false;
	*lo = a;
	*hi = b;
	return true;
}

/* A number (0x12) or flag names joined by '+' (syn+ack). */
static bool parse_flags(const char *s, uint8_t *v)
{
	char buf[64], *tok, *save;
	unsigned long x;
	size_t i;

	if (strlen(s) >= sizeof(buf) || !*s)
		return false;
	x = strtoul(s, &tok, 0);
	if (!*tok && x <= 0xff) {
		*v = x;
		return true;
	}
	strcpy(buf, s);
	*v = 0;
	for (tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		for (i = 0; i < sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]); i++)
			if (matches(tok, tcp_flag_names[i].name))
				break;
		if (i == sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]))
			return false;
		*v |= tcp_flag_names[i].bit;
	}
	return true;
}

/* VALUE/MASK; a VALUE alone is its own mask. */
static bool parse_tcp_flags(const char *s, uint8_t *val, uint8_t *mask)
{
	char buf[128], *slash;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (!parse_flags(buf, val))
		return false;
	*mask = *val;
	return !slash || parse_flags(slash + 1, mask);
}

/* One rule's words, argv[0..argc), into a PSW_A_RULE. */
static int put_rule(struct nlmsghdr *nlh, int argc, char **argv)
{
	struct nlattr *nest;
	uint16_t lo, hi;
	uint8_t proto = 0, val, mask, plen, action;
	uint32_t addr;
	const char *w, *v;
	int i;

	if (argc == 0)
		return usage_error("acl: empty rule");
	for (action = 0; action <= PSW_ACL_ACTION_MAX; action++)
		if (matches(argv[0], actions[action]))
			break;
	if (action > PSW_ACL_ACTION_MAX)
		return usage_error("acl: a rule starts with permit, deny or reflect, not \"%s\"",
				   argv[0]);
	nest = mnl_attr_nest_start(nlh, PSW_A_RULE);
	mnl_attr_put_u8(nlh, PSW_RULE_A_ACTION, action);
	for (i = 1; i < argc; i += 2) {
		w = argv[i];
		if (i + 1 >= argc)
			return usage_error("acl: \"%s\" needs a value", w);
		v = argv[i + 1];
		if (matches(w, "proto")) {
			if (!parse_proto(v, &proto))
				return usage_error("acl: bad protocol \"%s\"", v);
			mnl_attr_put_u8(nlh, PSW_RULE_A_PROTO, proto);
		} else if (matches(w, "src") || matches(w, "dst")) {
			if (!parse_prefix(v, &addr, &plen))
				return usage_error("acl: bad prefix \"%s\"", v);
			mnl_attr_put_u32(nlh, matches(w, "src") ? PSW_RULE_A_SRC :
				      PSW_RULE_A_DST, addr);
			mnl_attr_put_u8(nlh, matches(w, "src") ? PSW_RULE_A_SRC_PLEN :
				     PSW_RULE_A_DST_PLEN, plen);
		} else if (matches(w, "sport") || matches(w, "dport") ||
			   matches(w, "type") || matches(w, "code")) {
			bool src = matches(w, "sport") || matches(w, "type");

			if (!parse_range(v, &lo, &hi))
				return usage_error("acl: bad port range \"%s\"", v);
			mnl_attr_put_u16(nlh, src ? PSW_RULE_A_SPORT_MIN : PSW_RULE_A_DPORT_MIN, lo);
			mnl_attr_put_u16(nlh, src ? PSW_RULE_A_SPORT_MAX : PSW_RULE_A_DPORT_MAX, hi);
		} else if (matches(w, "tcp-flags")) {
			if (!parse_tcp_flags(v, &val, &mask))
				return usage_error("acl: bad tcp-flags \"%s\" (VALUE/MASK)", v);
			mnl_attr_put_u8(nlh, PSW_RULE_A_TCP_FLAGS, val);
			mnl_attr_put_u8(nlh, PSW_RULE_A_TCP_MASK, mask);
		} else {
			return usage_error("acl: unknown rule field \"%s\"", w);
		}
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

/*
 * Rules are separated by commas, alone or stuck to a word ("8080,"):
 * split the words at commas first, then put each rule.
 */
static int acl_set(struct nlmsghdr *nlh, int argc, char **argv)
{
	char **words, *copy, *p, *comma;
	int n = 0, i, start, ret = -1;

	words = calloc(argc * 3 + 1, sizeof(*words));
	if (!words)
		return usage_error("out of memory");
	for (i = 0; i < argc; i++) {
		copy = strdup(argv[i]);
		if (!copy)
			goto out;
		for (p = copy; *p; p = comma + 1) {
			comma = strchr(p, ',');
			if (!comma) {
				words[n++] = strdup(p);
				break;
			}
			*comma = '\0';
			if (*p)
				words[n++] = strdup(p);
			words[n++] = strdup(",");
			if (!comma[1])
				break;
		}
		free(copy);
	}
	for (i = 0; i < n; i++)
		if (!words[i])
			goto out;
	for (start = 0, i = 0; i <= n; i++) {
		if (i < n && !matches(words[i], ","))
			continue;
		if (psw_nl_room(nlh) < RULE_MAX_BYTES) {
			usage_error("acl set: too many rules for one request");
			goto out;
		}
		if (put_rule(nlh, i - start, words + start))
			goto out;
		start = i + 1;
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(words[i]);
	free(words);
	return ret;
}

/* "3,4" into a nest @type of PSW_ACL_LIST_A_NUM */
static int put_acl_list(struct nlmsghdr *nlh, int type, const char *s)
{
	char buf[256], *tok, *save;
	struct nlattr *nest;
	uint32_t num;

	if (strlen(s) >= sizeof(buf))
		return usage_error("acl bind: list too long");
	strcpy(buf, s);
	nest = mnl_attr_nest_start(nlh, type);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!parse_u32(tok, UINT32_MAX, &num))
			return usage_error("acl bind: bad ACL number \"%s\"", tok);
		mnl_attr_put_u32(nlh, PSW_ACL_LIST_A_NUM, num);
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static void print_rule(const struct nlattr *rule, uint32_t index)
{
	const struct nlattr *r[PSW_RULE_A_MAX + 1];
	uint8_t action = 0, proto = 0, flags, mask;
	uint16_t lo, hi;
	uint64_t hits;
	char buf[64];
	int i;

	psw_attrs_nested(rule, r, PSW_RULE_A_MAX);
	if (r[PSW_RULE_A_ACTION])
		action = mnl_attr_get_u8(r[PSW_RULE_A_ACTION]);
	if (action > PSW_ACL_ACTION_MAX)
		action = PSW_ACL_DENY;
	if (r[PSW_RULE_A_PROTO])
		proto = mnl_attr_get_u8(r[PSW_RULE_A_PROTO]);
	hits = r[PSW_RULE_A_HITS] ? mnl_attr_get_u64(r[PSW_RULE_A_HITS]) : 0;
	if (json) {
		json_open_object(NULL);
		json_uint("rule", index);
		json_string("action", actions[action]);
	} else {
		printf("  rule %u: %s", index, actions[action]);
	}
	if (proto) {
		if (json)
			json_string("proto", proto_name(proto));
		else
			printf(" proto %s", proto_name(proto));
	}
	for (i = 0; i < 2; i++) {
		int a = i ? PSW_RULE_A_DST : PSW_RULE_A_SRC;
		int l = i ? PSW_RULE_A_DST_PLEN : PSW_RULE_A_SRC_PLEN;
		uint8_t plen = r[l] ? mnl_attr_get_u8(r[l]) : 0;

		if (!r[a] || !plen)
			continue;
		snprintf(buf, sizeof(buf), "%s/%u", fmt_ip4(mnl_attr_get_u32(r[a])), plen);
		if (json)
			json_string(i ? "dst" : "src", buf);
		else
			printf(" %s %s", i ? "dst" : "src", buf);
	}
	for (i = 0; i < 2; i++) {
		int a = i ? PSW_RULE_A_DPORT_MIN : PSW_RULE_A_SPORT_MIN;
		const char *word = i ? (proto == 1 ? "code" : "dport") :
				       (proto == 1 ? "type" : "sport");

		lo = r[a] ? mnl_attr_get_u16(r[a]) : 0;
		hi = r[a + 1] ? mnl_attr_get_u16(r[a + 1]) : 65535;
		if (lo == 0 && hi == 65535)
			continue;
		if (lo == hi)
			snprintf(buf, sizeof(buf), "%u", lo);
		else
			snprintf(buf, sizeof(buf), "%u-%u", lo, hi);
		if (json)
			json_string(word, buf);
		else
			printf(" %s %s", word, buf);
	}
	if (r[PSW_RULE_A_TCP_MASK]) {
		flags = r[PSW_RULE_A_TCP_FLAGS] ? mnl_attr_get_u8(r[PSW_RULE_A_TCP_FLAGS]) : 0;
		mask = mnl_attr_get_u8(r[PSW_RULE_A_TCP_MASK]);
		snprintf(buf, sizeof(buf), "0x%02x/0x%02x", flags, mask);
		if (json)
			json_string("tcp_flags", buf);
		else
			printf(" tcp-flags %s", buf);
	}
	if (json) {
		json_uint("hits", hits);
		json_close_object();
	} else {
		printf("  (hits %" PRIu64 ")\n", hits);
	}
}

static void print_binding(const struct sw *sw, const struct nlattr *port,
			  int dir, bool *any)
{
	const struct nlattr *pt[PSW_PORT_A_MAX + 1], *a;
	const char *name;
	bool first = true;

	psw_attrs_nested(port, pt, PSW_PORT_A_MAX);
	if (!pt[dir] || !pt[PSW_PORT_A_IFINDEX])
		return;
	name = sw_port_name(sw, mnl_attr_get_u32(pt[PSW_PORT_A_IFINDEX]));
	if (json) {
		json_open_object(NULL);
		json_string("dev", name);
		json_string("dir", dir == PSW_PORT_A_ACL_IN ? "in" : "out");
		json_open_array("acls");
	} else {
		if (!*any)
			printf("bindings:\n");
		printf("  dev %s %s", name, dir == PSW_PORT_A_ACL_IN ? "in" : "out");
	}
	*any = true;
	mnl_attr_for_each_nested(a, pt[dir]) {
		if (json)
			json_uint(NULL, mnl_attr_get_u32(a));
		else
			printf("%s%u", first ? " " : ",", mnl_attr_get_u32(a));
		first = false;
	}
	if (json) {
		json_close_array();
		json_close_object();
	} else {
		printf("\n");
	}
}

int show_acl(const char *name)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *at[PSW_ACL_A_MAX + 1], *a;
	struct psw_msgs acls = {}, ports = {};
	struct psw_nl *nl;
	struct sw sw;
	uint32_t num, first, i, prev = 0;
	bool open = false, any = false;
	int ret = -1;
	size_t m;

	if (sw_open(&sw, name))
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	sw_req(nl, &sw, PSW_CMD_ACL_GET, NLM_F_DUMP);
	if (psw_nl_collect(nl, &acls))
		goto out;
	sw_req(nl, &sw, PSW_CMD_PORT_GET, NLM_F_DUMP);
	if (psw_nl_collect(nl, &ports))
		goto out;
	if (json) {
		json_open_object(NULL);
		json_open_array("acls");
	}
	for (m = 0; m < acls.n; m++) {
		psw_attrs(acls.v[m], tb, PSW_A_MAX);
		psw_attrs_nested(tb[PSW_A_ACL], at, PSW_ACL_A_MAX);
		if (!at[PSW_ACL_A_NUM])
			continue;
		num = mnl_attr_get_u32(at[PSW_ACL_A_NUM]);
		first = at[PSW_ACL_A_FIRST] ? mnl_attr_get_u32(at[PSW_ACL_A_FIRST]) : 0;
		/* A long ACL comes in several messages; the first opens it. */
		if (!open || num != prev || first == 0) {
			if (open && json) {
				json_close_array();
				json_close_object();
			}
			if (json) {
				json_open_object(NULL);
				json_uint("acl", num);
				json_open_array("rules");
			} else {
				printf("acl %u: %u rules\n", num, at[PSW_ACL_A_COUNT] ?
				       mnl_attr_get_u32(at[PSW_ACL_A_COUNT]) : 0);
			}
			open = true;
			prev = num;
		}
		i = first;
		mnl_attr_for_each(a, acls.v[m], GENL_HDRLEN)
			if (mnl_attr_get_type(a) == PSW_A_RULE)
				print_rule(a, i++);
	}
	if (open && json) {
		json_close_array();
		json_close_object();
	}
	if (json) {
		json_close_array();
		json_open_array("bindings");
	}
	for (m = 0; m < ports.n; m++) {
		psw_attrs(ports.v[m], tb, PSW_A_MAX);
		print_binding(&sw, tb[PSW_A_PORT], PSW_PORT_A_ACL_IN, &any);
		print_binding(&sw, tb[PSW_A_PORT], PSW_PORT_A_ACL_OUT, &any);
	}
	if (json) {
		json_close_array();
		json_close_object();
		json_end();
	}
	ret = 0;
out:
	psw_msgs_free(&acls);
	psw_msgs_free(&ports);
	psw_nl_close(nl);
	return ret;
}

int cmd_acl(int argc, char **argv)
{
	const char *verb, *name, *arg;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct psw_nl *nl;
	unsigned int ifindex;
	uint32_t num;
	struct sw sw;
	int ret = -1;

	verb = object_verb("acl", "set del bind", show_acl, &argc, &argv, &name, &ret);
	if (!verb)
		return ret;
	if (sw_open(&sw, name))
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	if (matches(verb, "bind")) {
		arg = next_arg(&argc, &argv, "dev PORT");
		if (!arg)
			goto out;
		if (!matches(arg, "dev")) {
			usage_error("acl bind: expected dev PORT, not \"%s\"", arg);
			goto out;
		}
		arg = next_arg(&argc, &argv, "port");
		if (!arg)
			goto out;
		ifindex = sw_port_ifindex(&sw, arg);
		if (!ifindex)
			goto out;
		arg = next_arg(&argc, &argv, "direction (in or out)");
		if (!arg)
			goto out;
		if (!matches(arg, "in") && !matches(arg, "out")) {
			usage_error("acl bind: direction is in or out, not \"%s\"", arg);
			goto out;
		}
		nlh = sw_req(nl, &sw, PSW_CMD_ACL_BIND, 0);
		nest = mnl_attr_nest_start(nlh, PSW_A_PORT);
		mnl_attr_put_u32(nlh, PSW_PORT_A_IFINDEX, ifindex);
		if (argc > 1) {
			usage_error("acl bind: unexpected \"%s\"", argv[1]);
			goto out;
		}
		if (put_acl_list(nlh, matches(arg, "in") ? PSW_PORT_A_ACL_IN : PSW_PORT_A_ACL_OUT,
				 argc ? argv[0] : ""))
			goto out;
		mnl_attr_nest_end(nlh, nest);
		ret = psw_nl_ack(nl);
		goto out;
	}
	arg = next_arg(&argc, &argv, "ACL number");
	if (!arg)
		goto out;
	if (!parse_u32(arg, UINT32_MAX, &num)) {
		usage_error("bad ACL number \"%s\"", arg);
		goto out;
	}
	nlh = sw_req(nl, &sw, matches(verb, "set") ? PSW_CMD_ACL_SET : PSW_CMD_ACL_DEL, 0);
	nest = mnl_attr_nest_start(nlh, PSW_A_ACL);
	mnl_attr_put_u32(nlh, PSW_ACL_A_NUM, num);
	mnl_attr_nest_end(nlh, nest);
	if (matches(verb, "set")) {
		if (argc == 0) {
			usage_error("acl set: at least one rule needed");
			goto out;
		}
		if (acl_set(nlh, argc, argv))
			goto out;
	} else if (argc) {
		usage_error("acl del: unexpected \"%s\"", argv[0]);
		goto out;
	}
	ret = psw_nl_ack(nl);
out:
	psw_nl_close(nl);
	return ret;
}
