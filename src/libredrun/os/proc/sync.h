/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_PROC_SYNC_H
#define RR_PROC_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "libredrun/core/error.h"

/*
 * Typed messages between the runtime (parent) and the container child on one
 * SOCK_SEQPACKET socketpair: one message per packet, never split or merged.
 * The child never prints: its errors and log records travel as data and the
 * parent wraps and prints them.
 */
enum rr_msg_type {
  RR_MSG_GO = 1,     /* parent -> child: maps written, proceed; payload: state JSON */
  RR_MSG_LOG,        /* child -> parent: arg = level, payload = text */
  RR_MSG_ERROR,      /* child -> parent: arg = errno, payload = message; child exits */
  RR_MSG_HOOKS,      /* child -> parent: run prestart/createRuntime hooks now */
  RR_MSG_HOOKS_DONE, /* parent -> child: they succeeded */
  RR_MSG_TERMINAL,   /* child -> parent: the pty master as SCM_RIGHTS, payload: pts name */
  RR_MSG_READY,      /* child -> parent: set up, about to block on the exec fifo */
  RR_MSG_NETNS,      /* parent -> child: its new network namespace as SCM_RIGHTS */
};

#define RR_MSG_MAX 65536

struct rr_msg {
  uint32_t type;
  int32_t arg;
  int fd;     /* received SCM_RIGHTS fd, -1 if none */
  char *data; /* NUL-terminated payload (may be empty), malloc'd */
  size_t len;
};

/* Send one message; fd >= 0 is attached as SCM_RIGHTS. */
int rr_msg_send(int sock, uint32_t type, int32_t arg, const void *data, size_t len, int fd,
                struct rr_error **err) RR_WUR;
/* Receive one message; EOF (peer gone) is RR_ERR_SYSTEM with errnum EPIPE. */
int rr_msg_recv(int sock, struct rr_msg *msg, struct rr_error **err) RR_WUR;
void rr_msg_clear(struct rr_msg *msg);

#endif
