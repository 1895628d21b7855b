// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl trace SWITCH {add N | show | clear}
 * pswctl show SWITCH errors
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

static void print_trace(const struct sw *sw, const struct nlmsghdr *nlh,
			unsigned int i, void *arg)
{
	const struct nlattr *top[PSW_A_MAX + 1], *tb[PSW_TRACE_A_MAX + 1];
	char when[32];
	uint64_t ns;
	time_t secs;
	struct tm tm;

	(void)sw;
	(void)arg;
	psw_attrs(nlh, top, PSW_A_MAX);
	psw_attrs_nested(top[PSW_A_TRACE], tb, PSW_TRACE_A_MAX);
	if (!tb[PSW_TRACE_A_TEXT])
		return;
	ns = tb[PSW_TRACE_A_TIME_NS] ? mnl_attr_get_u64(tb[PSW_TRACE_A_TIME_NS]) : 0;
	if (json) {
		json_open_object(NULL);
		json_uint("packet", i + 1);
		json_uint("seq", tb[PSW_TRACE_A_SEQ] ? mnl_attr_get_u32(tb[PSW_TRACE_A_SEQ]) : 0);
		json_uint("time_ns", ns);
		json_string("trace", mnl_attr_get_str(tb[PSW_TRACE_A_TEXT]));
		json_close_object();
		return;
	}
	secs = ns / 1000000000;
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	printf("Packet %u\n\n%s.%06" PRIu64 ":\n%s\n", i + 1, when,
	       (ns / 1000) % 1000000, mnl_attr_get_str(tb[PSW_TRACE_A_TEXT]));
}

int cmd_trace(int argc, char **argv)
{
	const char *name, *verb, *n;
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	struct sw sw;
	uint32_t count;
	int ret;

	name = next_arg(&argc, &argv, "switch name");
	verb = name ? next_arg(&argc, &argv, "trace verb (add, show, clear)") : NULL;
	if (!verb || sw_open(&sw, name))
		return -1;
	if (matches(verb, "show") || matches(verb, "clear")) {
		if (argc)
			return usage_error("unexpected \"%s\"", argv[0]);
		if (matches(verb, "show")) {
			ret = sw_dump(name, PSW_CMD_TRACE_GET, NULL, print_trace, NULL);
			if (ret == 0 && !json)
				printf("No packets in trace buffer\n");
			return ret < 0 ? -1 : 0;
		}
	} else if (matches(verb, "add")) {
		n = next_arg(&argc, &argv, "packet count");
		if (!n)
			return -1;
		if (!parse_u32(n, PSW_TRACE_MAX, &count) || !count)
			return usage_error("packet count must be 1..%d", PSW_TRACE_MAX);
		if (argc)
			return usage_error("unexpected \"%s\"", argv[0]);
	} else {
		return usage_error("trace: unknown verb \"%s\"", verb);
	}
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, matches(verb, "add") ? PSW_CMD_TRACE_ADD : PSW_CMD_TRACE_CLEAR, 0);
	if (matches(verb, "add")) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, PSW_A_TRACE);

		mnl_attr_put_u32(nlh, PSW_TRACE_A_COUNT, count);
		mnl_attr_nest_end(nlh, nest);
	}
	ret = psw_nl_ack(nl);
	psw_nl_close(nl);
	return ret;
}

static void print_error(const struct sw *sw, const struct nlmsghdr *nlh,
			unsigned int i, void *arg)
{
	const struct nlattr *top[PSW_A_MAX + 1], *tb[PSW_COUNTER_A_MAX + 1];

	(void)sw;
	(void)i;
	(void)arg;
	psw_attrs(nlh, top, PSW_A_MAX);
	psw_attrs_nested(top[PSW_A_COUNTER], tb, PSW_COUNTER_A_MAX);
	if (!tb[PSW_COUNTER_A_NODE] || !tb[PSW_COUNTER_A_REASON] || !tb[PSW_COUNTER_A_VALUE])
		return;
	if (json) {
		json_open_object(NULL);
		json_string("node", mnl_attr_get_str(tb[PSW_COUNTER_A_NODE]));
		json_string("reason", mnl_attr_get_str(tb[PSW_COUNTER_A_REASON]));
		json_uint("count", mnl_attr_get_u64(tb[PSW_COUNTER_A_VALUE]));
		json_close_object();
		return;
	}
	printf("%12" PRIu64 "  %-14s %s\n", mnl_attr_get_u64(tb[PSW_COUNTER_A_VALUE]),
	       mnl_attr_get_str(tb[PSW_COUNTER_A_NODE]), mnl_attr_get_str(tb[PSW_COUNTER_A_REASON]));
}

int show_errors(const char *name)
{
	static const char header[] = "       Count  Node           Reason\n";

	return sw_dump(name, PSW_CMD_COUNTER_GET, header, print_error, NULL) < 0 ? -1 : 0;
}
