/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libredrun/os/proc/sync.h"
#include "tests/unit/tap.h"

/* TAP_OK evaluates its condition twice: these conditions have side effects */
#define OK(cond, ...)                                                                              \
  do {                                                                                             \
    int ok_ = (cond);                                                                              \
    TAP_OK(ok_, __VA_ARGS__);                                                                      \
  } while (0)

int main(void)
{
  int sv[2];
  struct rr_error *err = NULL;
  struct rr_msg m;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return 99;

  OK(rr_msg_send(sv[0], RR_MSG_LOG, 2, "hello", 5, -1, &err) == 0, "send a log record");
  OK(rr_msg_send(sv[0], RR_MSG_READY, 0, NULL, 0, -1, &err) == 0, "send an empty message");
  OK(rr_msg_recv(sv[1], &m, &err) == 0, "receive the first");
  OK(m.type == RR_MSG_LOG && m.arg == 2 && m.len == 5 && strcmp(m.data, "hello") == 0 && m.fd == -1,
     "type, arg and payload kept, one message per packet");
  rr_msg_clear(&m);
  OK(rr_msg_recv(sv[1], &m, &err) == 0 && m.type == RR_MSG_READY && m.len == 0 && m.data[0] == 0,
     "empty payload is an empty string");
  rr_msg_clear(&m);

  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0)
    return 99;
  OK(rr_msg_send(sv[0], RR_MSG_TERMINAL, 0, "/dev/pts/3", 10, p[1], &err) == 0,
     "send an fd with SCM_RIGHTS");
  OK(rr_msg_recv(sv[1], &m, &err) == 0 && m.fd >= 0 && m.fd != p[1], "fd received as a new fd");
  OK(fcntl(m.fd, F_GETFD) & FD_CLOEXEC, "received fd is close-on-exec");
  OK(write(m.fd, "x", 1) == 1, "it is the pipe's write end");
  char c = 0;
  OK(read(p[0], &c, 1) == 1 && c == 'x', "data arrives on the original pipe");
  rr_msg_clear(&m);

  close(sv[0]);
  OK(rr_msg_recv(sv[1], &m, &err) < 0 && err != NULL && err->errnum == EPIPE, "peer gone is EPIPE");
  rr_error_clear(&err);
  close(sv[1]);
  close(p[0]);
  close(p[1]);

  /* A child that fails before reading what the parent sent it (the network
   * namespace) closes with a message unread: the kernel then flags the
   * parent's end ECONNRESET, ahead of the child's queued error. */
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return 99;
  OK(rr_msg_send(sv[1], RR_MSG_ERROR, 5, "mount failed", 12, -1, &err) == 0 &&
         rr_msg_send(sv[0], RR_MSG_NETNS, 0, NULL, 0, -1, &err) == 0,
     "the child's error, then a message it never reads");
  close(sv[1]);
  OK(rr_msg_recv(sv[0], &m, &err) == 0 && m.type == RR_MSG_ERROR &&
         strcmp(m.data, "mount failed") == 0,
     "the error is still read after the peer closed with data unread");
  rr_msg_clear(&m);
  OK(rr_msg_recv(sv[0], &m, &err) < 0 && err != NULL && err->errnum == EPIPE, "then EOF is EPIPE");
  rr_error_clear(&err);
  close(sv[0]);
  return tap_done();
}
