/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_UTIL_H
#define PSWCTL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

struct nlmsghdr;
struct psw_nl;

bool parse_ip4(const char *s, uint32_t *addr);
bool parse_prefix(const char *s, uint32_t *addr, uint8_t *plen);
bool parse_mac(const char *s, uint8_t mac[6]);
bool parse_u32(const char *s, uint32_t max, uint32_t *v);

const char *fmt_mac(const uint8_t *mac);
const char *fmt_ip4(uint32_t addr);

/* The switch a command names; its ifindex stands for the host port. */
struct sw {
	const char *name;
	unsigned int ifindex;
};

int sw_open(struct sw *sw, const char *name);
/* "host" or a netdev name to an ifindex; prints why not and returns 0. */
unsigned int sw_port_ifindex(const struct sw *sw, const char *name);
const char *sw_port_name(const struct sw *sw, unsigned int ifindex);

/* A request about @sw: PSW_A_IFNAME is in it. */
struct nlmsghdr *sw_req(struct psw_nl *nl, const struct sw *sw, uint8_t cmd,
			uint16_t flags);

/*
 * Dump @cmd of switch @name and print each reply with @print (a JSON array
 * of them under -j; @header first otherwise). Returns how many replies
 * there were, or -1 after saying why not.
 */
typedef void (*sw_print_fn)(const struct sw *sw, const struct nlmsghdr *nlh,
			    unsigned int i, void *arg);
int sw_dump(const char *name, uint8_t cmd, const char *header,
	    sw_print_fn print, void *arg);
/* The same, the request carrying nest @nest of the NLA_U8 @attr if >= 0. */
int sw_dump_u8(const char *name, uint8_t cmd, int nest, int attr, uint8_t val,
	       const char *header, sw_print_fn print, void *arg);

/*
 * The words every "OBJECT VERB SWITCH ..." command starts with. @verbs
 * are the verbs besides "show", blank separated; "show SWITCH" runs
 * @show. Returns the verb, with the switch name in *name, or NULL when
 * the command is over: *ret then says how it went.
 */
const char *object_verb(const char *object, const char *verbs,
			int (*show)(const char *), int *argc, char ***argv,
			const char **name, int *ret);

/* Consume the next word of argv, or complain that @what is missing. */
const char *next_arg(int *argc, char ***argv, const char *what);

#endif
