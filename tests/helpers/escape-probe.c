/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Static probe run as the container process by the security and seccomp bats
 * tests. Each subcommand tries one thing and prints one line saying what
 * happened ("ok" or the errno name), so the test asserts on what the
 * container really could do.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int report(const char *what, long r)
{
  if (r < 0)
    printf("%s: %s\n", what, strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
  else
    printf("%s: ok\n", what);
  return 0;
}

/* Open fds of this process, without the one used to list them. */
static int cmd_fds(void)
{
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return report("fds", -1);
  printf("fds:");
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
      continue;
    printf(" %s", e->d_name);
  }
  printf("\n");
  closedir(d);
  return 0;
}

static int cmd_cwd(void)
{
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof(buf)) == NULL)
    report("cwd", -1); /* ENOENT: the cwd is not below our root */
  else
    printf("cwd: %s\n", buf);
  ssize_t n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
  if (n >= 0) {
    buf[n] = '\0';
    printf("proc-cwd: %s\n", buf);
  }
  /* A leaked host directory shows as a cwd from which ".." climbs out of the
   * root: walking up must end at the container's "/". */
  struct stat root, cur;
  if (stat("/", &root) == 0) {
    int up = 0;
    while (stat(".", &cur) == 0 && (cur.st_ino != root.st_ino || cur.st_dev != root.st_dev)) {
      if (chdir("..") < 0 || ++up > 64)
        break;
    }
    printf("cwd-reaches-root: %s\n",
           cur.st_ino == root.st_ino && cur.st_dev == root.st_dev ? "yes" : "no");
  }
  return 0;
}

static int cmd_open(const char *path, const char *mode)
{
  int flags = O_RDONLY;
  if (strcmp(mode, "w") == 0)
    flags = O_WRONLY;
  else if (strcmp(mode, "path") == 0)
    flags = O_PATH;
  char what[PATH_MAX + 16];
  snprintf(what, sizeof(what), "open %s %s", mode, path);
  int fd = open(path, flags | O_CLOEXEC);
  report(what, fd);
  if (fd >= 0)
    close(fd);
  return 0;
}

/* Write DATA to PATH (for paths the test knows are safe to change). */
static int cmd_write(const char *path, const char *data)
{
  char what[PATH_MAX + 16];
  snprintf(what, sizeof(what), "write %s", path);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return report(what, -1);
  ssize_t r = write(fd, data, strlen(data));
  close(fd);
  return report(what, r);
}

static int cmd_read(const char *path)
{
  char what[PATH_MAX + 16], buf[64];
  snprintf(what, sizeof(what), "read %s", path);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return report(what, -1);
  ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  if (n < 0)
    return report(what, -1);
  printf("%s: %zd bytes\n", what, n);
  return 0;
}

static int cmd_ptrace(const char *pid_s)
{
  pid_t pid = atoi(pid_s);
  long r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
  report("ptrace", r);
  if (r == 0) {
    waitpid(pid, NULL, __WALL);
    ptrace(PTRACE_DETACH, pid, NULL, NULL);
  }
  return 0;
}

/* For SECONDS, look at every other process's /proc/PID/exe and try to open it;
 * print each exe that could be opened and is not a file of this rootfs. */
static int cmd_scan_exe(const char *secs)
{
  struct stat self;
  if (stat("/proc/self/exe", &self) < 0)
    return report("scan-exe", -1);
  time_t end = time(NULL) + atoi(secs);
  long opened_foreign = 0, seen = 0, denied = 0;
  while (time(NULL) < end) {
    DIR *d = opendir("/proc");
    if (d == NULL)
      return report("scan-exe", -1);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
        continue;
      char p[300];
      snprintf(p, sizeof(p), "/proc/%s/exe", e->d_name);
      /* O_PATH is all CVE-2019-5736 needed: the fd is reopened for writing
       * through /proc/self/fd once the runtime process is gone. */
      int fd = open(p, O_PATH | O_CLOEXEC);
      if (fd < 0) {
        /* A process of ours we may not look at: a runtime process (exec). */
        if (errno == EACCES || errno == EPERM)
          denied++;
        continue;
      }
      seen++;
      struct stat st, bb;
      /* Everything the container legitimately runs is the static busybox or
       * this probe. Compared by inode: the rootfs may be on the host
       * binary's filesystem. */
      if (fstat(fd, &st) == 0 && !(st.st_dev == self.st_dev && st.st_ino == self.st_ino) &&
          !(stat("/bin/busybox", &bb) == 0 && st.st_dev == bb.st_dev && st.st_ino == bb.st_ino)) {
        opened_foreign++;
        char t[PATH_MAX];
        ssize_t n = readlink(p, t, sizeof(t) - 1);
        t[n > 0 ? n : 0] = '\0';
        printf("foreign-exe: %s -> %s\n", p, t);
        char selffd[64];
        snprintf(selffd, sizeof(selffd), "/proc/self/fd/%d", fd);
        int w = open(selffd, O_WRONLY | O_CLOEXEC);
        printf("foreign-exe-write: %s\n", w >= 0 ? "ok" : strerrorname_np(errno));
        if (w >= 0)
          close(w);
      }
      close(fd);
    }
    closedir(d);
  }
  printf("scan-exe: opened %ld foreign of %ld, denied %ld\n", opened_foreign, seen, denied);
  return 0;
}

static int cmd_syscall(const char *name, int argc, char **argv)
{
  long r;
  errno = 0;
  if (strcmp(name, "uname") == 0) {
    struct utsname u;
    r = uname(&u);
  } else if (strcmp(name, "getppid") == 0) {
    r = syscall(SYS_getppid);
  } else if (strcmp(name, "lseek") == 0 && argc >= 2) {
    r = syscall(SYS_lseek, 0, atol(argv[0]), atoi(argv[1]));
  } else if (strcmp(name, "kexec_load") == 0) {
    r = syscall(SYS_kexec_load, 0, 0, 0, 0);
  } else if (strcmp(name, "add_key") == 0) {
    r = syscall(SYS_add_key, 0, 0, 0, 0, 0);
  } else if (strcmp(name, "mkdir") == 0 && argc >= 1) {
    r = mkdir(argv[0], 0755);
  } else {
    fprintf(stderr, "unknown syscall %s\n", name);
    return 2;
  }
  /* lseek on a pipe or tty fails with ESPIPE when the filter lets it through. */
  if (r < 0 && errno == ESPIPE)
    r = 0;
  return report(name, r);
}

int main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    fprintf(stderr, "usage: probe fds|cwd|open P r|w|path|write P DATA|read P|ptrace PID|"
                    "scan-exe SECS|sys NAME [ARGS]...\n");
    return 2;
  }
  const char *c = argv[1];
  if (strcmp(c, "fds") == 0)
    return cmd_fds();
  if (strcmp(c, "cwd") == 0)
    return cmd_cwd();
  if (strcmp(c, "open") == 0 && argc == 4)
    return cmd_open(argv[2], argv[3]);
  if (strcmp(c, "write") == 0 && argc == 4)
    return cmd_write(argv[2], argv[3]);
  if (strcmp(c, "read") == 0 && argc == 3)
    return cmd_read(argv[2]);
  if (strcmp(c, "ptrace") == 0 && argc == 3)
    return cmd_ptrace(argv[2]);
  if (strcmp(c, "scan-exe") == 0 && argc == 3)
    return cmd_scan_exe(argv[2]);
  if (strcmp(c, "sys") == 0 && argc >= 3)
    return cmd_syscall(argv[2], argc - 3, argv + 3);
  fprintf(stderr, "probe: bad usage\n");
  return 2;
}
