// SPDX-License-Identifier: GPL-2.0
/* What every pswctl command shares: words, parsers, requests. */
#include "util.h"
#include "nl.h"
#include "print.h"
#include "pswctl.h"

#include "uapi/linux/podswitch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool matches(const char *arg, const char *keyword)
{
	size_t n = strlen(arg);

	return n && strncmp(arg, keyword, n) == 0;
}

bool is(const char *arg, const char *value)
{
	return strcmp(arg, value) == 0;
}

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

/* @s copied into @buf and cut at its first @sep: *@b the rest, or NULL. */
static bool split(const char *s, int sep, char *buf, size_t size, char **b)
{
	if (strlen(s) >= size)
		return false;
	strcpy(buf, s);
	*b = strchr(buf, sep);
	if (*b)
		*(*b)++ = '\0';
	return true;
}

bool parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16], *second;
	uint32_t a, b;

	if (!split(s, '-', buf, sizeof(buf), &second) || !parse_u32(buf, 65535, &a))
		return false;
	b = a;
	if ((second && !parse_u32(second, 65535, &b)) || a > b)
		return false;
	*lo = a;
	*hi = b;
	return true;
}

bool parse_addr_port(const char *s, uint32_t *addr, uint16_t *port)
{
	char buf[32], *p;
	uint32_t v;

	if (!split(s, ':', buf, sizeof(buf), &p) || !p || !parse_ip4(buf, addr) ||
	    !parse_u32(p, 65535, &v) || !v)
		return false;
	*port = v;
	return true;
}

bool parse_ip4_range(const char *s, uint32_t *first, uint32_t *last)
{
	char buf[40], *second;

	if (!split(s, '-', buf, sizeof(buf), &second) || !parse_ip4(buf, first))
		return false;
	*last = *first;
	return !second || parse_ip4(second, last);
}

bool parse_proto(const char *s, uint8_t *proto)
{
	uint32_t v;

	if (is(s, "tcp"))
		*proto = 6;
	else if (is(s, "udp"))
		*proto = 17;
	else if (is(s, "icmp"))
		*proto = 1;
	else if (parse_u32(s, 255, &v) && v)
		*proto = v;
	else
		return false;
	return true;
}

bool parse_on_off(const char *s, bool *on)
{
	if (!is(s, "on") && !is(s, "off"))
		return false;
	*on = is(s, "on");
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

const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n && names[v] ? names[v] : "?";
}

uint8_t attr_u8(const struct nlattr *a, uint8_t dflt)
{
	return a ? mnl_attr_get_u8(a) : dflt;
}

uint16_t attr_u16(const struct nlattr *a, uint16_t dflt)
{
	return a ? mnl_attr_get_u16(a) : dflt;
}

uint32_t attr_u32(const struct nlattr *a, uint32_t dflt)
{
	return a ? mnl_attr_get_u32(a) : dflt;
}

uint64_t attr_u64(const struct nlattr *a, uint64_t dflt)
{
	return a ? mnl_attr_get_u64(a) : dflt;
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

	if (is(name, "host"))
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

int req_start(struct req *r, const char *name, uint8_t cmd, uint16_t flags)
{
	r->nl = NULL;
	if (sw_open(&r->sw, name))
		return -1;
	r->nl = psw_nl_open();
	if (!r->nl)
		return -1;
	r->nlh = psw_nl_req(r->nl, cmd, flags);
	mnl_attr_put_strz(r->nlh, PSW_A_IFNAME, name);
	return 0;
}

int req_do(struct req *r)
{
	int ret = psw_nl_ack(r->nl);

	req_end(r);
	return ret;
}

void req_end(struct req *r)
{
	psw_nl_close(r->nl);
	r->nl = NULL;
}

int req_fail(struct req *r)
{
	req_end(r);
	return -1;
}

int sw_dump(const char *name, uint8_t cmd, void (*filter)(struct nlmsghdr *nlh, void *arg),
	    const char *header, sw_print_fn print, void *arg)
{
	int n = sw_list(name, NULL, cmd, filter, header, print, arg);

	if (n >= 0)
		print_end();
	return n;
}

int sw_list(const char *name, const char *key, uint8_t cmd,
	    void (*filter)(struct nlmsghdr *nlh, void *arg),
	    const char *header, sw_print_fn print, void *arg)
{
	struct psw_msgs msgs = {};
	struct req r;
	int ret = -1;
	size_t i;

	if (req_start(&r, name, cmd, NLM_F_DUMP))
		goto out;
	if (filter)
		filter(r.nlh, arg);
	if (psw_nl_collect(r.nl, &msgs))
		goto out;
	open_json_array(key);
	if (header)
		print_text("%s", header);
	for (i = 0; i < msgs.n; i++)
		print(&r.sw, msgs.v[i], i, arg);
	close_json_array();
	ret = msgs.n;
out:
	psw_msgs_free(&msgs);
	req_end(&r);
	return ret;
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

int no_more_args(int argc, char **argv, const char *what)
{
	if (argc)
		return usage_error("%s: unexpected \"%s\"", what, argv[0]);
	return 0;
}
