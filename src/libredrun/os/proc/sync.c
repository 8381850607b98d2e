/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/proc/sync.h"

struct msg_head {
  uint32_t type;
  int32_t arg;
};

int rr_msg_send(int sock, uint32_t type, int32_t arg, const void *data, size_t len, int fd,
                struct rr_error **err)
{
  struct msg_head h = {.type = type, .arg = arg};
  if (len > RR_MSG_MAX)
    len = RR_MSG_MAX;
  struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)data, len}};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len > 0 ? 2 : 1};
  if (fd >= 0) {
    memset(&ctl, 0, sizeof(ctl));
    mh.msg_control = ctl.buf;
    mh.msg_controllen = sizeof(ctl.buf);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  ssize_t n;
  do
    n = sendmsg(sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rr_fail_errno(err, "sync socket: send");
  return 0;
}

int rr_msg_recv(int sock, struct rr_msg *msg, struct rr_error **err)
{
  struct msg_head h;
  msg->fd = -1;
  msg->data = rr_xmalloc(RR_MSG_MAX + 1);
  struct iovec iov[2] = {{&h, sizeof(h)}, {msg->data, RR_MSG_MAX}};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr mh = {
      .msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
  /* ECONNRESET: the peer closed with a message of ours unread (a child that
   * failed before reading the network namespace). Reading the error clears
   * it; what the peer sent before closing is still queued, then EOF. */
  ssize_t n;
  do
    n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && (errno == EINTR || errno == ECONNRESET));
  if (n < 0) {
    rr_msg_clear(msg);
    return rr_fail_errno(err, "sync socket: receive");
  }
  if (n == 0) {
    rr_msg_clear(msg);
    return rr_fail(err, RR_ERR_SYSTEM, EPIPE, "sync socket: peer exited");
  }
  if ((size_t)n < sizeof(h)) {
    rr_msg_clear(msg);
    return rr_fail(err, RR_ERR_SYSTEM, EPROTO, "sync socket: short message");
  }
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(&msg->fd, CMSG_DATA(c), sizeof(int));
  msg->type = h.type;
  msg->arg = h.arg;
  msg->len = (size_t)n - sizeof(h);
  msg->data[msg->len] = '\0';
  return 0;
}

void rr_msg_clear(struct rr_msg *msg)
{
  free(msg->data);
  msg->data = NULL;
  if (msg->fd >= 0)
    close(msg->fd);
  msg->fd = -1;
}
