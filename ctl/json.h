/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_JSON_H
#define PSWCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A streaming JSON writer on stdout: containers nest, commas are placed
 * by the writer. A key is given for members of objects, NULL in arrays.
 */
void json_open_array(const char *key);
void json_close_array(void);
void json_open_object(const char *key);
void json_close_object(void);
void json_string(const char *key, const char *val);
void json_uint(const char *key, uint64_t val);
void json_bool(const char *key, bool val);
void json_end(void);

#endif
