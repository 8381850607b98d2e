/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp-listener SOCKET [ERRNO]: the other end of .linux.seccomp.listenerPath
 * for the bats tests. Accepts one connection, prints what the runtime sent
 * ("fd: yes|no", then "payload: <json>") and, with ERRNO, answers every
 * notified syscall with -ERRNO ("notified: <nr>") until the container is gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "accept-one.h"

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: seccomp-listener SOCKET [ERRNO]\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  int c = accept_one(argv[1]);
  if (c < 0)
    return 1;
  size_t cap = 1 << 16, len = 0;
  char *payload = calloc(1, cap + 1);
  int nfd = -1;
  for (;;) {
    union {
      char b[CMSG_SPACE(sizeof(int) * 4)];
      struct cmsghdr a;
    } ctl;
    struct iovec iov = {.iov_base = payload + len, .iov_len = cap - len};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b)};
    ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS && nfd < 0)
        memcpy(&nfd, CMSG_DATA(cm), sizeof(int));
    len += (size_t)n;
    /* The runtime sends one JSON document; stop at its end so that the
     * notifications can be served while the container runs. */
    if (len > 0 && payload[len - 1] == '}')
      break;
    if (len == cap)
      break;
  }
  payload[len] = '\0';
  printf("fd: %s\n", nfd >= 0 ? "yes" : "no");
  printf("payload: %s\n", payload);
  if (argc < 3 || nfd < 0)
    return 0;
  int answer = atoi(argv[2]);
  for (;;) {
    struct pollfd p = {.fd = nfd, .events = POLLIN};
    if (poll(&p, 1, 30000) <= 0 || (p.revents & (POLLHUP | POLLERR)))
      break;
    struct seccomp_notif req;
    memset(&req, 0, sizeof(req));
    if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
      if (errno == EINTR || errno == ENOENT)
        continue;
      break;
    }
    struct seccomp_notif_resp resp = {.id = req.id, .error = -answer};
    printf("notified: %d\n", req.data.nr);
    if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
      break;
  }
  return 0;
}
