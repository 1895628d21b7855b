// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <inttypes.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

static int depth;
static bool need_comma[JSON_MAX_DEPTH];

static void member(const char *key)
{
	if (depth > 0 && need_comma[depth - 1])
		putchar(',');
	if (depth > 0)
		need_comma[depth - 1] = true;
	if (key)
		printf("\"%s\":", key);
}

static void open(const char *key, char c)
{
	member(key);
	putchar(c);
	if (depth < JSON_MAX_DEPTH)
		need_comma[depth] = false;
	depth++;
}

void json_open_array(const char *key) { open(key, '['); }
void json_open_object(const char *key) { open(key, '{'); }
void json_close_array(void) { depth--; putchar(']'); }
void json_close_object(void) { depth--; putchar('}'); }

void json_string(const char *key, const char *val)
{
	const unsigned char *p;

	member(key);
	putchar('"');
	for (p = (const unsigned char *)val; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

void json_uint(const char *key, uint64_t val)
{
	member(key);
	printf("%" PRIu64, val);
}

void json_bool(const char *key, bool val)
{
	member(key);
	fputs(val ? "true" : "false", stdout);
}

void json_end(void)
{
	putchar('\n');
	depth = 0;
}
