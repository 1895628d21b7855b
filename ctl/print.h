/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_PRINT_H
#define PSWCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Output as iproute2 writes it: one call prints a value as text, with a
 * printf format, or under -j as a JSON member named @key. A NULL @fmt
 * leaves the value out of the text; a NULL @key out of the JSON (and
 * makes it an array element when the enclosing container is an array).
 */
enum output {
	PRINT_ANY,
	PRINT_TEXT,
	PRINT_JSON,
};

void print_string(enum output o, const char *key, const char *fmt, const char *val);
void print_uint(enum output o, const char *key, const char *fmt, uint64_t val);
/* Text "on" or "off" through @fmt; JSON true or false. */
void print_on_off(enum output o, const char *key, const char *fmt, bool val);
/* Text only: separators, newlines, headers. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Containers exist in JSON only. */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);
/* The end of a command's output: JSON's closing newline. */
void print_end(void);

#endif
