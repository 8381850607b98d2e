/* SPDX-License-Identifier: Apache-2.0 */
/*
 * console-socket SOCKET: the --console-socket end for the bats tests. Accepts
 * one connection, takes the pty master the runtime sends and copies what the
 * container writes to its terminal to stdout until the terminal closes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "accept-one.h"

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: console-socket SOCKET\n");
    return 2;
  }
  int c = accept_one(argv[1]);
  if (c < 0)
    return 1;
  char name[256];
  union {
    char b[CMSG_SPACE(sizeof(int))];
    struct cmsghdr a;
  } ctl;
  struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b)};
  ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
  struct cmsghdr *cm = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS) {
    fprintf(stderr, "console-socket: no fd received\n");
    return 1;
  }
  int master;
  memcpy(&master, CMSG_DATA(cm), sizeof(int));
  char buf[4096];
  for (;;) {
    struct pollfd p = {.fd = master, .events = POLLIN};
    if (poll(&p, 1, 30000) <= 0)
      break;
    ssize_t r = read(master, buf, sizeof(buf));
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break; /* EIO once the last slave fd is closed */
    fwrite(buf, 1, (size_t)r, stdout);
    fflush(stdout);
  }
  return 0;
}
