/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_UTIL_H
#define PSWCTL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlattr;
struct nlmsghdr;
struct psw_nl;

/* Words: a keyword may be abbreviated (as ip's "ro sh"), a value not. */
bool matches(const char *arg, const char *keyword);
bool is(const char *arg, const char *value);

/* Parsers: false when @s is not one. */
bool parse_ip4(const char *s, uint32_t *addr);
bool parse_prefix(const char *s, uint32_t *addr, uint8_t *plen);
bool parse_mac(const char *s, uint8_t mac[6]);
bool parse_u32(const char *s, uint32_t max, uint32_t *v);
bool parse_port_range(const char *s, uint16_t *lo, uint16_t *hi);	/* P or P-P */
bool parse_addr_port(const char *s, uint32_t *addr, uint16_t *port);	/* ADDR:PORT */
bool parse_ip4_range(const char *s, uint32_t *first, uint32_t *last);	/* ADDR[-ADDR] */
bool parse_proto(const char *s, uint8_t *proto);	/* tcp, udp, icmp or 1..255 */
bool parse_on_off(const char *s, bool *on);

const char *fmt_mac(const uint8_t *mac);
const char *fmt_ip4(uint32_t addr);
const char *proto_name(uint8_t proto);
/* @names[v] if @v < @n and named, else "?". */
const char *name_of(const char *const *names, size_t n, unsigned int v);

/* Attribute values, or @dflt when absent. */
uint8_t attr_u8(const struct nlattr *a, uint8_t dflt);
uint16_t attr_u16(const struct nlattr *a, uint16_t dflt);
uint32_t attr_u32(const struct nlattr *a, uint32_t dflt);
uint64_t attr_u64(const struct nlattr *a, uint64_t dflt);

/* The switch a command names; its ifindex stands for the host port. */
struct sw {
	const char *name;
	unsigned int ifindex;
};

int sw_open(struct sw *sw, const char *name);
/* "host" or a netdev name to an ifindex; prints why not and returns 0. */
unsigned int sw_port_ifindex(const struct sw *sw, const char *name);
const char *sw_port_name(const struct sw *sw, unsigned int ifindex);

/*
 * One request about a switch: req_start() opens the socket and starts
 * @cmd with PSW_A_IFNAME; the caller adds attributes to req->nlh. Then
 * req_do() sends it and waits for the acknowledgement, or req_dump()
 * collects the replies; either way req_end() closes. Each returns 0, or
 * -1 after saying why not.
 */
struct req {
	struct sw sw;
	struct psw_nl *nl;
	struct nlmsghdr *nlh;
};

int req_start(struct req *r, const char *name, uint8_t cmd, uint16_t flags);
int req_do(struct req *r);
void req_end(struct req *r);
/* req_end(), and -1 for the caller to return. */
int req_fail(struct req *r);

/*
 * Dump @cmd of switch @name and print each reply with @print: a JSON
 * array of them under -j, @header first otherwise. @filter, if not NULL,
 * adds to the request. Returns how many replies there were, or -1.
 */
typedef void (*sw_print_fn)(const struct sw *sw, const struct nlmsghdr *nlh,
			    unsigned int i, void *arg);
int sw_dump(const char *name, uint8_t cmd, void (*filter)(struct nlmsghdr *nlh, void *arg),
	    const char *header, sw_print_fn print, void *arg);
/* The same as the member @key of a JSON object the caller opened, unended. */
int sw_list(const char *name, const char *key, uint8_t cmd,
	    void (*filter)(struct nlmsghdr *nlh, void *arg),
	    const char *header, sw_print_fn print, void *arg);

/* Consume the next word of argv, or complain that @what is missing. */
const char *next_arg(int *argc, char ***argv, const char *what);
/* Complain about argv[0] if there is one: @what takes no more. */
int no_more_args(int argc, char **argv, const char *what);

#endif
