/* SPDX-License-Identifier: Apache-2.0 */
/* For the test helpers that stand at the other end of a socket path redrun
 * connects to (--console-socket, seccomp listenerPath). */
#ifndef RR_TESTS_ACCEPT_ONE_H
#define RR_TESTS_ACCEPT_ONE_H

#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Listen on `path` (replacing what is there) and accept one connection;
 * -1 after printing why. */
static inline int accept_one(const char *path)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
  int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink(path);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0) {
    perror("listen");
    return -1;
  }
  int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
  if (c < 0)
    perror("accept");
  /* the listening socket stays open until exit: a second connection waits
   * in the backlog instead of being refused */
  return c;
}

#endif
