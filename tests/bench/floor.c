/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The physical floor of a container start, for the benchmark: the least a
 * runtime must do to run ROOTFS/bin/true "in a container". It clones the five
 * namespaces of the default spec (pid, net, ipc, uts, mount), makes the mount
 * tree private, pivots into ROOTFS and execs /bin/true, and the parent waits.
 * No config, no state, no cgroup, no /proc, no devices: whatever a runtime
 * spends above this is its own cost.
 *
 * usage: floor ROOTFS
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024] __attribute__((aligned(16)));

static int child(void *arg)
{
  const char *root = arg;
  char *const argv[] = {"/bin/true", NULL};
  char *const envp[] = {"PATH=/bin", NULL};

  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0 || chdir(root) < 0 ||
      syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
    perror("floor: setup");
    return 125;
  }
  execve(argv[0], argv, envp);
  perror("floor: exec /bin/true");
  return 127;
}

int main(int argc, char **argv)
{
  int status;
  pid_t pid;

  if (argc != 2) {
    fprintf(stderr, "usage: floor ROOTFS\n");
    return 2;
  }
  pid = clone(child, stack + sizeof(stack),
              CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | SIGCHLD,
              argv[1]);
  if (pid < 0) {
    perror("floor: clone");
    return 125;
  }
  if (waitpid(pid, &status, 0) < 0) {
    perror("floor: waitpid");
    return 125;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
