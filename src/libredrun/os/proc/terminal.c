/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/proc/sync.h"
#include "libredrun/os/proc/terminal.h"

int rr_term_open_pty(int *master, int *slave, char **name, struct rr_error **err)
{
  _cleanup_close_ int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0)
    return rr_fail_errno(err, "open `/dev/ptmx`");
  int unlock = 0;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
    return rr_fail_errno(err, "unlock pty");
  /* TIOCGPTPEER opens the peer through the master's own devpts instance:
   * no path lookup the container could redirect */
  int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return rr_fail_errno(err, "open pty slave");
  unsigned int n;
  if (ioctl(m, TIOCGPTN, &n) < 0) {
    close(s);
    return rr_fail_errno(err, "pty number");
  }
  *name = rr_xasprintf("/dev/pts/%u", n);
  *slave = s;
  *master = steal_fd(m);
  return 0;
}

int rr_term_become_console(int slave, const oci_console_size *size, struct rr_error **err)
{
  if (setsid() < 0 && errno != EPERM)
    return rr_fail_errno(err, "setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return rr_fail_errno(err, "set controlling terminal");
  if (size != NULL) {
    struct winsize ws = {.ws_row = (unsigned short)size->height,
                         .ws_col = (unsigned short)size->width};
    if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
      return rr_fail_errno(err, "config.json: .process.consoleSize");
  } else {
    /* a foreground run relays the caller's terminal: give the pty its size
     * now, before the process can exec and read it (no-op on a non-tty stdin) */
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
      ioctl(slave, TIOCSWINSZ, &ws);
  }
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0)
      return rr_fail_errno(err, "terminal as stdio");
  return 0;
}

int rr_term_connect_socket(const char *path, struct rr_error **err)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path))
    return rr_fail(err, RR_ERR_INVALID, 0, "--console-socket `%s`: path too long", path);
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rr_fail_errno(err, "--console-socket: socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    int e = errno;
    close(fd);
    return rr_fail_errnum(err, e, "--console-socket `%s`", path);
  }
  return fd;
}

int rr_term_send_master(int sock, int master, const char *name, struct rr_error **err)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof(ctl));
  struct iovec iov = {(void *)name, strlen(name)};
  struct msghdr mh = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &master, sizeof(int));
  if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
    return rr_fail_errno(err, "--console-socket: send the pty");
  return 0;
}

static void copy_winsize(int from, int to)
{
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0)
    ioctl(to, TIOCSWINSZ, &ws);
}

static bool pump(int from, int to)
{
  char buf[8192];
  ssize_t n = read(from, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  char *p = buf;
  while (n > 0) {
    ssize_t w = write(to, p, (size_t)n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return false;
    p += w;
    n -= w;
  }
  return true;
}

void rr_term_relay(int master, int sigfd, void (*on_signal)(int sig, void *data), void *data)
{
  struct termios saved;
  bool raw = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (raw) {
    struct termios t = saved;
    cfmakeraw(&t);
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
    copy_winsize(STDIN_FILENO, master);
  }
  bool in_open = true;
  for (;;) {
    struct pollfd p[3] = {{.fd = master, .events = POLLIN},
                          {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
                          {.fd = sigfd, .events = POLLIN}};
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(master, STDOUT_FILENO))
        break; /* the container side closed: every slave fd is gone */
    }
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(STDIN_FILENO, master)) {
        in_open = false;
        /* EOF on our stdin: deliver it as the terminal's EOF character */
        char eof = 4;
        if (write(master, &eof, 1) < 0) {
        }
      }
    }
    if (sigfd >= 0 && (p[2].revents & POLLIN)) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGWINCH && raw)
          copy_winsize(STDIN_FILENO, master);
        else if (on_signal != NULL)
          on_signal((int)si.ssi_signo, data);
        if (si.ssi_signo == SIGCHLD && on_signal != NULL)
          continue;
      }
    }
  }
  if (raw)
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}
