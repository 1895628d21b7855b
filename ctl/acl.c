// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl acl show SWITCH
 * pswctl acl set SWITCH NUM RULE[, RULE...]
 *   RULE := {permit|deny|reflect} [proto {tcp|udp|icmp|NUM}] [src PREFIX]
 *           [dst PREFIX] [sport P[-P]] [dport P[-P]] [tcp-flags VALUE/MASK]
 * pswctl acl del SWITCH NUM
 * pswctl acl bind SWITCH dev PORT {in|out} [NUM[,NUM...]]
 */
#include "nl.h"
#include "print.h"
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
			if (is(tok, tcp_flag_names[i].name))
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
		if (is(argv[0], actions[action]))
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

			if (!parse_port_range(v, &lo, &hi))
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
		if (i < n && !is(words[i], ","))
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
	uint8_t proto, plen;
	uint16_t lo, hi;
	char buf[64];
	int i;

	psw_attrs_nested(rule, r, PSW_RULE_A_MAX);
	proto = attr_u8(r[PSW_RULE_A_PROTO], 0);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "rule", "  rule %" PRIu64 ":", index);
	print_string(PRINT_ANY, "action", " %s",
		     name_of(actions, 3, attr_u8(r[PSW_RULE_A_ACTION], 0xff)));
	if (proto)
		print_string(PRINT_ANY, "proto", " proto %s", proto_name(proto));
	for (i = 0; i < 2; i++) {
		const struct nlattr *a = r[i ? PSW_RULE_A_DST : PSW_RULE_A_SRC];

		plen = attr_u8(r[i ? PSW_RULE_A_DST_PLEN : PSW_RULE_A_SRC_PLEN], 0);
		if (!a || !plen)
			continue;
		snprintf(buf, sizeof(buf), "%s/%u", fmt_ip4(mnl_attr_get_u32(a)), plen);
		print_string(PRINT_ANY, i ? "dst" : "src", i ? " dst %s" : " src %s", buf);
	}
	for (i = 0; i < 2; i++) {
		int min = i ? PSW_RULE_A_DPORT_MIN : PSW_RULE_A_SPORT_MIN;
		/* For ICMP the "ports" are the type and the code. */
		const char *word = i ? (proto == 1 ? "code" : "dport") :
				       (proto == 1 ? "type" : "sport");
		char fmt[16];

		lo = attr_u16(r[min], 0);
		hi = attr_u16(r[min + 1], 65535);
		if (lo == 0 && hi == 65535)
			continue;
		if (lo == hi)
			snprintf(buf, sizeof(buf), "%u", lo);
		else
			snprintf(buf, sizeof(buf), "%u-%u", lo, hi);
		snprintf(fmt, sizeof(fmt), " %s %%s", word);
		print_string(PRINT_ANY, word, fmt, buf);
	}
	if (r[PSW_RULE_A_TCP_MASK]) {
		snprintf(buf, sizeof(buf), "0x%02x/0x%02x", attr_u8(r[PSW_RULE_A_TCP_FLAGS], 0),
			 mnl_attr_get_u8(r[PSW_RULE_A_TCP_MASK]));
		print_string(PRINT_ANY, "tcp_flags", " tcp-flags %s", buf);
	}
	print_uint(PRINT_ANY, "hits", "  (hits %" PRIu64 ")\n", attr_u64(r[PSW_RULE_A_HITS], 0));
	close_json_object();
}

/* The ACLs bound to @port in direction @dir (PSW_PORT_A_ACL_IN or _OUT). */
static void print_binding(const struct sw *sw, const struct nlattr *port,
			  int dir, bool *any)
{
	const struct nlattr *pt[PSW_PORT_A_MAX + 1], *a;
	bool first = true;

	psw_attrs_nested(port, pt, PSW_PORT_A_MAX);
	if (!pt[dir] || !pt[PSW_PORT_A_IFINDEX])
		return;
	if (!*any)
		print_text("bindings:\n");
	*any = true;
	open_json_object(NULL);
	print_string(PRINT_ANY, "dev", "  dev %s",
		     sw_port_name(sw, mnl_attr_get_u32(pt[PSW_PORT_A_IFINDEX])));
	print_string(PRINT_ANY, "dir", " %s", dir == PSW_PORT_A_ACL_IN ? "in" : "out");
	open_json_array("acls");
	mnl_attr_for_each_nested(a, pt[dir]) {
		print_uint(PRINT_ANY, NULL, first ? " %" PRIu64 : ",%" PRIu64,
			   mnl_attr_get_u32(a));
		first = false;
	}
	close_json_array();
	print_text("\n");
	close_json_object();
}

/* Every ACL (a long one comes in several messages), then the bindings. */
static int acl_show(const char *name, int argc, char **argv, int variant)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *at[PSW_ACL_A_MAX + 1], *a;
	struct psw_msgs acls = {}, ports = {};
	uint32_t num, first, i, prev = 0;
	bool open = false, any = false;
	struct req r;
	int ret = -1;
	size_t m;

	if (no_more_args(argc, argv, "acl show") ||
	    req_start(&r, name, PSW_CMD_ACL_GET, NLM_F_DUMP) ||
	    psw_nl_collect(r.nl, &acls))
		goto out;
	r.nlh = psw_nl_req(r.nl, PSW_CMD_PORT_GET, NLM_F_DUMP);
	mnl_attr_put_strz(r.nlh, PSW_A_IFNAME, name);
	if (psw_nl_collect(r.nl, &ports))
		goto out;
	open_json_object(NULL);
	open_json_array("acls");
	for (m = 0; m < acls.n; m++) {
		psw_attrs(acls.v[m], tb, PSW_A_MAX);
		psw_attrs_nested(tb[PSW_A_ACL], at, PSW_ACL_A_MAX);
		if (!at[PSW_ACL_A_NUM])
			continue;
		num = mnl_attr_get_u32(at[PSW_ACL_A_NUM]);
		first = attr_u32(at[PSW_ACL_A_FIRST], 0);
		if (!open || num != prev || first == 0) {
			if (open) {
				close_json_array();
				close_json_object();
			}
			open_json_object(NULL);
			print_uint(PRINT_ANY, "acl", "acl %" PRIu64, num);
			print_uint(PRINT_TEXT, NULL, ": %" PRIu64 " rules\n",
				   attr_u32(at[PSW_ACL_A_COUNT], 0));
			open_json_array("rules");
			open = true;
			prev = num;
		}
		i = first;
		mnl_attr_for_each(a, acls.v[m], GENL_HDRLEN)
			if (mnl_attr_get_type(a) == PSW_A_RULE)
				print_rule(a, i++);
	}
	if (open) {
		close_json_array();
		close_json_object();
	}
	close_json_array();
	open_json_array("bindings");
	for (m = 0; m < ports.n; m++) {
		psw_attrs(ports.v[m], tb, PSW_A_MAX);
		print_binding(&r.sw, tb[PSW_A_PORT], PSW_PORT_A_ACL_IN, &any);
		print_binding(&r.sw, tb[PSW_A_PORT], PSW_PORT_A_ACL_OUT, &any);
	}
	close_json_array();
	close_json_object();
	print_end();
	ret = 0;
out:
	psw_msgs_free(&acls);
	psw_msgs_free(&ports);
	req_end(&r);
	return ret;
}

/* NUM, then for set the rules. */
static int acl_change(const char *name, int argc, char **argv, int set)
{
	const char *arg;
	struct nlattr *nest;
	uint32_t num;
	struct req r;

	arg = next_arg(&argc, &argv, "ACL number");
	if (!arg)
		return -1;
	if (!parse_u32(arg, UINT32_MAX, &num))
		return usage_error("bad ACL number \"%s\"", arg);
	if (set && argc == 0)
		return usage_error("acl set: at least one rule needed");
	if (!set && no_more_args(argc, argv, "acl del"))
		return -1;
	if (req_start(&r, name, set ? PSW_CMD_ACL_SET : PSW_CMD_ACL_DEL, 0))
		goto err;
	nest = mnl_attr_nest_start(r.nlh, PSW_A_ACL);
	mnl_attr_put_u32(r.nlh, PSW_ACL_A_NUM, num);
	mnl_attr_nest_end(r.nlh, nest);
	if (set && acl_set(r.nlh, argc, argv))
		goto err;
	return req_do(&r);
err:
	return req_fail(&r);
}

/* dev PORT {in|out} [NUM[,NUM...]]: none unbinds. */
static int acl_bind(const char *name, int argc, char **argv, int variant)
{
	const char *arg, *dev, *dir;
	unsigned int ifindex;
	struct nlattr *nest;
	struct req r;

	arg = next_arg(&argc, &argv, "dev PORT");
	if (!arg)
		return -1;
	if (!matches(arg, "dev"))
		return usage_error("acl bind: expected dev PORT, not \"%s\"", arg);
	dev = next_arg(&argc, &argv, "port");
	dir = dev ? next_arg(&argc, &argv, "direction (in or out)") : NULL;
	if (!dir)
		return -1;
	if (!is(dir, "in") && !is(dir, "out"))
		return usage_error("acl bind: direction is in or out, not \"%s\"", dir);
	if (argc > 1)
		return usage_error("acl bind: unexpected \"%s\"", argv[1]);
	if (req_start(&r, name, PSW_CMD_ACL_BIND, 0))
		goto err;
	ifindex = sw_port_ifindex(&r.sw, dev);
	if (!ifindex)
		goto err;
	nest = mnl_attr_nest_start(r.nlh, PSW_A_PORT);
	mnl_attr_put_u32(r.nlh, PSW_PORT_A_IFINDEX, ifindex);
	if (put_acl_list(r.nlh, is(dir, "in") ? PSW_PORT_A_ACL_IN : PSW_PORT_A_ACL_OUT,
			 argc ? argv[0] : ""))
		goto err;
	mnl_attr_nest_end(r.nlh, nest);
	return req_do(&r);
err:
	return req_fail(&r);
}

static const struct verb acl_verbs[] = {
	{ "show", acl_show, "" },
	{ "set", acl_change, " NUM RULE[, RULE...]\n"
			      "      RULE := {permit|deny|reflect} [proto tcp|udp|icmp|NUM] [src PREFIX] [dst PREFIX]\n"
			      "              [sport P[-P]] [dport P[-P]] [type T[-T]] [code C[-C]] [tcp-flags VALUE/MASK]", 1 },
	{ "del", acl_change, " NUM", 0 },
	{ "bind", acl_bind, " dev PORT {in|out} [NUM[,NUM...]]" },
};

const struct object acl_object = OBJECT("acl", acl_verbs);
