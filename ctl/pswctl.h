/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_H
#define PSWCTL_H

#include <stdbool.h>
#include <stdint.h>

extern bool json;		/* -j */
extern int quiet_errors;	/* >0: callers report errors themselves */

/* One `pswctl OBJECT ...` command; argv[0] is the first word after it. */
struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

int cmd_show(int argc, char **argv);
int cmd_switch(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_route(int argc, char **argv);
int cmd_neigh(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_acl(int argc, char **argv);
int cmd_session(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_nat44(int argc, char **argv);

/* pswctl show SWITCH OBJECT */
int show_ports(const char *sw);
int show_stats(const char *sw);
int show_routes(const char *sw);
int show_neigh(const char *sw);
int show_errors(const char *sw);
int show_acl(const char *sw);
int show_sessions(const char *sw);
int show_nat44(const char *sw);

/* IP protocol numbers and names (tcp, udp, icmp, or the number). */
const char *proto_name(uint8_t proto);
bool parse_proto(const char *s, uint8_t *proto);

/* Parsing helpers that print why an argument was refused. */
bool matches(const char *arg, const char *word);
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
