// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl trace show SWITCH
 * pswctl trace add SWITCH N
 * pswctl trace clear SWITCH
 * (pswctl 0.1's "trace SWITCH VERB" too: run_object() takes it.)
 */
#include "nl.h"
#include "print.h"
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
	uint64_t ns;
	time_t secs;
	struct tm tm;
	char when[48];

	(void)sw;
	(void)arg;
	psw_attrs(nlh, top, PSW_A_MAX);
	psw_attrs_nested(top[PSW_A_TRACE], tb, PSW_TRACE_A_MAX);
	if (!tb[PSW_TRACE_A_TEXT])
		return;
	ns = attr_u64(tb[PSW_TRACE_A_TIME_NS], 0);
	secs = ns / 1000000000;
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(when + 8, sizeof(when) - 8, ".%06" PRIu64, (ns / 1000) % 1000000);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "packet", "Packet %" PRIu64 "\n\n", i + 1);
	print_uint(PRINT_JSON, "seq", NULL, attr_u32(tb[PSW_TRACE_A_SEQ], 0));
	print_uint(PRINT_JSON, "time_ns", NULL, ns);
	print_string(PRINT_TEXT, NULL, "%s:\n", when);
	print_string(PRINT_ANY, "trace", "%s\n", mnl_attr_get_str(tb[PSW_TRACE_A_TEXT]));
	close_json_object();
}

static int trace_show(const char *name, int argc, char **argv, int variant)
{
	int n;

	if (no_more_args(argc, argv, "trace show"))
		return -1;
	n = sw_dump(name, PSW_CMD_TRACE_GET, NULL, NULL, print_trace, NULL);
	if (n == 0)
		print_text("No packets in trace buffer\n");
	return n < 0 ? -1 : 0;
}

static int trace_add(const char *name, int argc, char **argv, int variant)
{
	const char *n = next_arg(&argc, &argv, "packet count");
	struct nlattr *nest;
	uint32_t count;
	struct req r;

	if (!n)
		return -1;
	if (!parse_u32(n, PSW_TRACE_MAX, &count) || !count)
		return usage_error("packet count must be 1..%d", PSW_TRACE_MAX);
	if (no_more_args(argc, argv, "trace add"))
		return -1;
	if (req_start(&r, name, PSW_CMD_TRACE_ADD, 0))
		return req_fail(&r);
	nest = mnl_attr_nest_start(r.nlh, PSW_A_TRACE);
	mnl_attr_put_u32(r.nlh, PSW_TRACE_A_COUNT, count);
	mnl_attr_nest_end(r.nlh, nest);
	return req_do(&r);
}

static int trace_clear(const char *name, int argc, char **argv, int variant)
{
	struct req r;

	if (no_more_args(argc, argv, "trace clear"))
		return -1;
	if (req_start(&r, name, PSW_CMD_TRACE_CLEAR, 0))
		return req_fail(&r);
	return req_do(&r);
}

static const struct verb trace_verbs[] = {
	{ "show", trace_show, "" },
	{ "add", trace_add, " N" },
	{ "clear", trace_clear, "" },
};

const struct object trace_object = OBJECT("trace", trace_verbs);
