/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_H
#define PSWCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

extern bool json;		/* -j */
extern int quiet_errors;	/* >0: callers report errors themselves */

/*
 * pswctl OBJECT VERB [SWITCH] ARGS: each object has a table of verbs, the
 * first of them what the object alone means (as `ip route` shows).
 */
struct object;

struct verb {
	const char *name;
	/*
	 * @sw: the switch named after the verb (NULL if optional and absent);
	 * @arg: the verb's, one handler serving several ("add", "del").
	 */
	int (*run)(const char *sw, int argc, char **argv, int arg);
	const char *usage;	/* its arguments after SWITCH */
	int arg;
	bool sw_optional;
	bool no_switch;		/* "host gc": about every switch */
	const struct object *sub;	/* "nat44 service add": verbs of its own */
};

struct object {
	const char *name;
	const struct verb *verbs;
	size_t nverbs;
};

#define OBJECT(name_, verbs_) \
	{ .name = name_, .verbs = verbs_, .nverbs = sizeof(verbs_) / sizeof(verbs_[0]) }

extern const struct object switch_object, port_object, route_object, neigh_object,
	acl_object, nat44_object, session_object, trace_object, stats_object, host_object;

/* Run @argv, the words after OBJECT, by @obj's table of verbs. */
int run_object(const struct object *obj, int argc, char **argv);
/* The usage of @obj, or of every object if NULL. */
void print_usage(FILE *f, const struct object *obj);

/* pswctl 0.1's words, kept for scripts: show, set, nat44 loopback, trace SWITCH VERB. */
int legacy_show(int argc, char **argv);
int legacy_set(int argc, char **argv);

/* switch set (switch.c), which legacy_set and nat44 loopback call. */
int switch_set(const char *sw, int argc, char **argv, int arg);

struct nlmsghdr;
struct sw;
/* A port message (port.c), as port show and stats ports print it. */
void print_port(const struct sw *sw, const struct nlmsghdr *nlh, unsigned int i, void *arg);

int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
