// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl: configure podswitch switches over generic netlink.
 * Grammar: the man page pswctl.8.
 */
#include "pswctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PSWCTL_VERSION "0.1.0"
#define BATCH_MAX_ARGS 128

bool json;
int quiet_errors;

static const struct cmd cmds[] = {
	{ "show", cmd_show, "show [SWITCH [ports|routes|neigh|acl|nat44|sessions|errors|stats]]" },
	{ "switch", cmd_switch, "switch set SWITCH [mac MAC] [address ADDR] [host-routes on|off] [anti-spoof on|off]" },
	{ "port", cmd_port, "port {add|del} SWITCH dev IFNAME [ip ADDR[,ADDR...]] [mac MAC] [uplink] | port show SWITCH" },
	{ "route", cmd_route, "route add SWITCH PREFIX {host | dev PORT | via ADDR dev PORT | drop} | route del SWITCH PREFIX | route show SWITCH" },
	{ "neigh", cmd_neigh, "neigh add SWITCH ADDR mac MAC dev PORT | neigh del SWITCH ADDR dev PORT | neigh show SWITCH" },
	{ "acl", cmd_acl, "acl set SWITCH NUM RULE[, RULE...] | acl del SWITCH NUM | acl bind SWITCH dev PORT {in|out} [NUM[,NUM...]] | acl show SWITCH\n"
			  "      RULE := {permit|deny|reflect} [proto tcp|udp|icmp|NUM] [src PREFIX] [dst PREFIX]\n"
			  "              [sport P[-P]] [dport P[-P]] [tcp-flags VALUE/MASK]" },
	{ "nat44", cmd_nat44, "nat44 service add SWITCH {tcp|udp} VIP:PORT backend ADDR:PORT [weight W] [backend ...] [affinity SECONDS]\n"
			      "      | nat44 service del SWITCH {tcp|udp} VIP:PORT | nat44 service show SWITCH\n"
			      "      | nat44 snat {add|del} SWITCH dev PORT ADDR[-ADDR] | nat44 loopback SWITCH ADDR" },
	{ "session", cmd_session, "session show SWITCH [acl|nat44] | session flush SWITCH [acl|nat44]" },
	{ "set", cmd_set, "set SWITCH [acl|nat44] {timeout {tcp-established|tcp-transient|udp|icmp} SECONDS | max-sessions N}..." },
	{ "trace", cmd_trace, "trace SWITCH {add N | show | clear}" },
};

bool matches(const char *arg, const char *word)
{
	return strcmp(arg, word) == 0;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pswctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see pswctl -h)\n", stderr);
	return -1;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pswctl [-j] COMMAND\n"
		   "       pswctl -b FILE   (one command per line, stop at the first error)\n"
		   "commands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  pswctl %s\n", cmds[i].usage);
}

static int run_cmd(int argc, char **argv)
{
	size_t i;

	if (argc < 1) {
		usage(stderr);
		return -1;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (matches(argv[0], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	return usage_error("unknown command \"%s\"", argv[0]);
}

/* Words separated by blanks; '#' starts a comment. */
static int split_line(char *line, char **argv)
{
	int argc = 0;
	char *tok;

	line[strcspn(line, "#\n")] = '\0';
	for (tok = strtok(line, " \t\r"); tok; tok = strtok(NULL, " \t\r")) {
		if (argc == BATCH_MAX_ARGS)
			return -1;
		argv[argc++] = tok;
	}
	return argc;
}

static int run_batch(const char *path)
{
	char *argv[BATCH_MAX_ARGS], *line = NULL;
	size_t cap = 0;
	int lineno = 0, argc, ret = 0;
	FILE *f;

	f = matches(path, "-") ? stdin : fopen(path, "r");
	if (!f) {
		fprintf(stderr, "pswctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		argc = split_line(line, argv);
		if (argc == 0)
			continue;
		if (argc < 0 || run_cmd(argc, argv)) {
			fprintf(stderr, "pswctl: %s:%d: command failed%s\n", path,
				lineno, argc < 0 ? " (too many words)" : "");
			ret = -1;
			break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	const char *batch = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "+jb:hV")) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("pswctl %s\n", PSWCTL_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (batch) {
		if (optind != argc)
			return usage_error("-b takes no command"), 1;
		return run_batch(batch) ? 1 : 0;
	}
	return run_cmd(argc - optind, argv + optind) ? 1 : 0;
}
