// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl: configure podswitch switches over generic netlink.
 *
 *   pswctl [-j] OBJECT [VERB [SWITCH] ARGS]
 *   pswctl [-j] -b FILE
 *
 * Objects and verbs are in each object's file (switch.c, port.c, ...);
 * the man page pswctl.8 documents them.
 */
#include "pswctl.h"
#include "util.h"

#include "kmod/version.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


bool json;
int quiet_errors;

/* In the order a prefix is tried: "s" is switch, "se" session. */
static const struct object *const objects[] = {
	&switch_object, &port_object, &route_object, &neigh_object, &acl_object,
	&nat44_object, &session_object, &stats_object, &trace_object, &host_object,
};

#define NOBJECTS (sizeof(objects) / sizeof(objects[0]))

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pswctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see pswctl help)\n", stderr);
	return -1;
}

static void print_verbs(FILE *f, const char *prefix, const struct object *obj)
{
	const struct verb *v;
	char sub[64];
	size_t i;

	for (i = 0; i < obj->nverbs; i++) {
		v = &obj->verbs[i];
		if (v->sub) {
			snprintf(sub, sizeof(sub), "%s %s", prefix, v->name);
			print_verbs(f, sub, v->sub);
			continue;
		}
		fprintf(f, "  pswctl %s %s%s%s\n", prefix, v->name,
			v->no_switch ? "" : v->sw_optional ? " [SWITCH]" : " SWITCH", v->usage);
	}
}

void print_usage(FILE *f, const struct object *obj)
{
	size_t i;

	if (!obj)
		fprintf(f, "usage: pswctl [-j] OBJECT [VERB [SWITCH] ARGS]\n"
			   "       pswctl [-j] [-f] -b FILE   (one command per line, stop at the first\n"
			   "                                  error; -f: go on, exit 1 if any failed)\n"
			   "       pswctl {-V | help [OBJECT]}\n"
			   "OBJECT VERB may be abbreviated (pswctl ro sh psw0); -j prints JSON.\n");
	for (i = 0; i < NOBJECTS; i++)
		if (!obj || objects[i] == obj)
			print_verbs(f, objects[i]->name, objects[i]);
}

static size_t find_verb(const struct object *obj, const char *word)
{
	size_t v;

	for (v = 0; v < obj->nverbs; v++)
		if (matches(word, obj->verbs[v].name))
			break;
	return v;
}

int run_object(const struct object *obj, int argc, char **argv)
{
	const struct verb *verb = &obj->verbs[0];
	const char *sw = NULL;
	size_t v;

	if (argc > 0) {
		if (matches(argv[0], "help")) {
			print_verbs(stdout, obj->name, obj);
			return 0;
		}
		v = find_verb(obj, argv[0]);
		/* pswctl 0.1's "trace SWITCH VERB": the verb after the switch. */
		if (v == obj->nverbs && argc > 1 && find_verb(obj, argv[1]) < obj->nverbs) {
			char *sw_name = argv[0];

			argv[0] = argv[1];
			argv[1] = sw_name;
			v = find_verb(obj, argv[0]);
		}
		if (v == obj->nverbs)
			return usage_error("%s: unknown verb \"%s\"", obj->name, argv[0]);
		verb = &obj->verbs[v];
		argc--;
		argv++;
		if (verb->sub)
			return run_object(verb->sub, argc, argv);
	}
	if (verb->no_switch)
		;
	else if (argc > 0)
		sw = next_arg(&argc, &argv, "switch name");
	else if (!verb->sw_optional)
		return usage_error("%s %s: switch name missing", obj->name, verb->name);
	return verb->run(sw, argc, argv, verb->arg);
}

static int run_cmd(int argc, char **argv)
{
	size_t i;

	if (argc < 1) {
		print_usage(stderr, NULL);
		return -1;
	}
	if (matches(argv[0], "help")) {
		if (argc > 2)
			return usage_error("help: unexpected \"%s\"", argv[2]);
		for (i = 0; argc == 2 && i < NOBJECTS; i++)
			if (matches(argv[1], objects[i]->name))
				break;
		if (argc == 2 && i == NOBJECTS)
			return usage_error("help: unknown object \"%s\"", argv[1]);
		print_usage(stdout, argc == 2 ? objects[i] : NULL);
		return 0;
	}
	/* pswctl 0.1's "show SWITCH OBJECT" and "set": exact words only. */
	if (is(argv[0], "show"))
		return legacy_show(argc - 1, argv + 1);
	if (is(argv[0], "set"))
		return legacy_set(argc - 1, argv + 1);
	for (i = 0; i < NOBJECTS; i++)
		if (matches(argv[0], objects[i]->name))
			return run_object(objects[i], argc - 1, argv + 1);
	return usage_error("unknown command \"%s\"", argv[0]);
}

/*
 * Words separated by blanks into *@argv, grown as needed (an ACL of
 * PSW_ACL_MAX_RULES rules is one line); '#' starts a comment. Returns
 * the count, or -1 when out of memory.
 */
static int split_line(char *line, char ***argv, size_t *cap)
{
	char *tok, **more;
	int argc = 0;

	line[strcspn(line, "#\n")] = '\0';
	for (tok = strtok(line, " \t\r"); tok; tok = strtok(NULL, " \t\r")) {
		if ((size_t)argc == *cap) {
			more = realloc(*argv, (*cap ? *cap * 2 : 128) * sizeof(**argv));
			if (!more)
				return -1;
			*argv = more;
			*cap = *cap ? *cap * 2 : 128;
		}
		(*argv)[argc++] = tok;
	}
	return argc;
}

/* @force: go on after a command that fails, as ip -force -batch does. */
static int run_batch(const char *path, bool force)
{
	char **argv = NULL, *line = NULL;
	size_t cap = 0, argcap = 0;
	int lineno = 0, argc, ret = 0;
	FILE *f;

	f = is(path, "-") ? stdin : fopen(path, "r");
	if (!f) {
		fprintf(stderr, "pswctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		argc = split_line(line, &argv, &argcap);
		if (argc == 0)
			continue;
		if (argc < 0 || run_cmd(argc, argv)) {
			fprintf(stderr, "pswctl: %s:%d: command failed%s\n", path,
				lineno, argc < 0 ? " (out of memory)" : "");
			ret = -1;
			if (!force)
				break;
		}
	}
	free(argv);
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	const char *batch = NULL;
	bool force = false;
	int opt;

	while ((opt = getopt(argc, argv, "+jb:fhV")) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'f':
			force = true;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'h':
			print_usage(stdout, NULL);
			return 0;
		case 'V':
			printf("pswctl %s\n", PSW_VERSION);
			return 0;
		default:
			print_usage(stderr, NULL);
			return 2;
		}
	}
	if (batch) {
		if (optind != argc)
			return usage_error("-b takes no command"), 1;
		return run_batch(batch, force) ? 1 : 0;
	}
	return run_cmd(argc - optind, argv + optind) ? 1 : 0;
}
