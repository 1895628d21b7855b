/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_NL_H
#define PSWCTL_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

#define PSW_NL_BUFSIZE 65536

struct psw_nl;

/* Called for each reply message; return MNL_CB_OK to go on. */
typedef int (*psw_nl_cb)(const struct nlmsghdr *nlh, void *data);

struct psw_nl *psw_nl_open(void);
void psw_nl_close(struct psw_nl *nl);

/* Start a request for @cmd; add attributes to the returned header. */
struct nlmsghdr *psw_nl_req(struct psw_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Send the request and run @cb on each reply. A dump interrupted by a
 * concurrent change (NLM_F_DUMP_INTR) is run again from the start, after
 * @reset(data) forgets what the interrupted attempt collected.
 * Returns 0, or -1 after printing the kernel's (extack) reason.
 */
int psw_nl_run(struct psw_nl *nl, psw_nl_cb cb, void (*reset)(void *), void *data);

#endif
