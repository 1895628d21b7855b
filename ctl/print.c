// SPDX-License-Identifier: GPL-2.0
#include "print.h"
#include "json.h"
#include "pswctl.h"

#include <stdarg.h>
#include <stdio.h>

static bool text(enum output o, const char *fmt)
{
	return !json && o != PRINT_JSON && fmt;
}

static bool in_json(enum output o)
{
	return json && o != PRINT_TEXT;
}

void print_string(enum output o, const char *key, const char *fmt, const char *val)
{
	if (in_json(o))
		json_string(key, val);
	else if (text(o, fmt))
		printf(fmt, val);
}

void print_uint(enum output o, const char *key, const char *fmt, uint64_t val)
{
	if (in_json(o))
		json_uint(key, val);
	else if (text(o, fmt))
		printf(fmt, val);
}

void print_on_off(enum output o, const char *key, const char *fmt, bool val)
{
	if (in_json(o))
		json_bool(key, val);
	else if (text(o, fmt))
		printf(fmt, val ? "on" : "off");
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void open_json_object(const char *key)
{
	if (json)
		json_open_object(key);
}

void close_json_object(void)
{
	if (json)
		json_close_object();
}

void open_json_array(const char *key)
{
	if (json)
		json_open_array(key);
}

void close_json_array(void)
{
	if (json)
		json_close_array();
}

void print_end(void)
{
	if (json)
		json_end();
}
