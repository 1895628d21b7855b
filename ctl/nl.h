/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_NL_H
#define PSWCTL_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

#define PSW_NL_BUFSIZE 65536
/* A request may be long: an ACL of PSW_ACL_MAX_RULES rules. */
#define PSW_NL_REQ_MAX (4 << 20)

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

/* Every reply message of one request, copied, for printing afterwards. */
struct psw_msgs {
	struct nlmsghdr **v;
	size_t n;
};

/* Run the request and collect the replies (a dump is retried whole). */
int psw_nl_collect(struct psw_nl *nl, struct psw_msgs *msgs);
void psw_msgs_free(struct psw_msgs *msgs);

/* Attribute tables: tb[type] for each attribute of a message or a nest. */
void psw_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb, int max);
void psw_attrs_nested(const struct nlattr *nest, const struct nlattr **tb, int max);

/* Bytes left in the request buffer after @nlh. */
size_t psw_nl_room(const struct nlmsghdr *nlh);

/* The kernel's reason for the latest refusal: its extack message and errno. */
const char *psw_nl_error(void);

/* Send a request that only wants an acknowledgement. */
int psw_nl_ack(struct psw_nl *nl);

#endif
