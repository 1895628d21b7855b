// SPDX-License-Identifier: GPL-2.0
#include "util.h"
#include "json.h"
#include "nl.h"
#include "pswctl.h"

#include "uapi/linux/podswitch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool parse_ip4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	*addr = a.s_addr;
	return true;
}

bool parse_prefix(const char *s, uint32_t *addr, uint8_t *plen)
{
	char buf[INET_ADDRSTRLEN + 4], *slash;
	uint32_t len = 32;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (!parse_u32(slash + 1, 32, &len))
			return false;
	}
	if (!parse_ip4(buf, addr))
		return false;
	*plen = len;
	return true;
}

bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		return false;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return false;
		mac[i] = b[i];
	}
	return true;
}

bool parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > max)
		return false;
	*v = x;
	return true;
}

const char *fmt_mac(const uint8_t *m)
{
	static char buf[4][18];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf[i];
}

const char *fmt_ip4(uint32_t addr)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	inet_ntop(AF_INET, &addr, buf[i], sizeof(buf[i]));
	return buf[i];
}

int sw_open(struct sw *sw, const char *name)
{
	if (strlen(name) >= IF_NAMESIZE)
		return usage_error("switch name \"%s\" is too long", name);
	sw->name = name;
	sw->ifindex = if_nametoindex(name);
	if (!sw->ifindex) {
		fprintf(stderr, "pswctl: no such switch \"%s\"\n", name);
		return -1;
	}
	return 0;
}

unsigned int sw_port_ifindex(const struct sw *sw, const char *name)
{
	unsigned int ifindex;

	if (matches(name, "host"))
		return sw->ifindex;
	ifindex = strlen(name) < IF_NAMESIZE ? if_nametoindex(name) : 0;
	if (!ifindex)
		fprintf(stderr, "pswctl: no such device \"%s\"\n", name);
	return ifindex;
}

const char *sw_port_name(const struct sw *sw, unsigned int ifindex)
{
	static char buf[2][IF_NAMESIZE + 8];
	static int i;

	if (ifindex == sw->ifindex)
		return "host";
	i = (i + 1) % 2;
	if (!if_indextoname(ifindex, buf[i]))
		snprintf(buf[i], sizeof(buf[i]), "if%u", ifindex);
	return buf[i];
}

struct nlmsghdr *sw_req(struct psw_nl *nl, const struct sw *sw, uint8_t cmd,
			uint16_t flags)
{
	struct nlmsghdr *nlh = psw_nl_req(nl, cmd, flags);

	mnl_attr_put_strz(nlh, PSW_A_IFNAME, sw->name);
	return nlh;
}

int sw_dump(const char *name, uint8_t cmd, const char *header,
	    sw_print_fn print, void *arg)
{
	return sw_dump_u8(name, cmd, -1, -1, 0, header, print, arg);
}

int sw_dump_u8(const char *name, uint8_t cmd, int nest, int attr, uint8_t val,
	       const char *header, sw_print_fn print, void *arg)
{
	struct psw_msgs msgs = {};
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	struct sw sw;
	int ret = -1;
	size_t i;

	if (sw_open(&sw, name))
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, cmd, NLM_F_DUMP);
	if (attr >= 0) {
		struct nlattr *n = mnl_attr_nest_start(nlh, nest);

		mnl_attr_put_u8(nlh, attr, val);
		mnl_attr_nest_end(nlh, n);
	}
	if (psw_nl_collect(nl, &msgs))
		goto out;
	if (json)
		json_open_array(NULL);
	else if (header)
		fputs(header, stdout);
	for (i = 0; i < msgs.n; i++)
		print(&sw, msgs.v[i], i, arg);
	if (json) {
		json_close_array();
		json_end();
	}
	ret = msgs.n;
out:
	psw_msgs_free(&msgs);
	psw_nl_close(nl);
	return ret;
}

const char *object_verb(const char *object, const char *verbs,
			int (*show)(const char *), int *argc, char ***argv,
			const char **name, int *ret)
{
	char what[128], list[64], *v, *save;
	const char *verb;

	*ret = -1;
	snprintf(what, sizeof(what), "%s verb (%s show)", object, verbs);
	verb = next_arg(argc, argv, what);
	*name = verb ? next_arg(argc, argv, "switch name") : NULL;
	if (!*name)
		return NULL;
	if (matches(verb, "show")) {
		if (*argc)
			usage_error("unexpected \"%s\"", (*argv)[0]);
		else
			*ret = show(*name);
		return NULL;
	}
	snprintf(list, sizeof(list), "%s", verbs);
	for (v = strtok_r(list, " ", &save); v; v = strtok_r(NULL, " ", &save))
		if (matches(verb, v))
			return verb;
	usage_error("%s: unknown verb \"%s\"", object, verb);
	return NULL;
}

const char *next_arg(int *argc, char ***argv, const char *what)
{
	const char *arg;

	if (*argc < 1) {
		usage_error("%s missing", what);
		return NULL;
	}
	arg = (*argv)[0];
	(*argc)--;
	(*argv)++;
	return arg;
}
