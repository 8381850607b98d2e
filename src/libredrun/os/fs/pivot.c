/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"

/* For ramfs/initramfs roots, which pivot_root cannot leave. The old root stays
 * reachable from the mount table, so the container needs its own namespace. */
static int move_and_chroot(struct rr_error **err)
{
  if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
    return rr_fail_errno(err, "move the root onto `/`");
  if (chroot(".") < 0)
    return rr_fail_errno(err, "chroot");
  if (chdir("/") < 0)
    return rr_fail_errno(err, "chdir `/`");
  return 0;
}

int rr_fs_pivot(const struct rr_fs_plan *plan, int rootfd, struct rr_error **err)
{
  if (fchdir(rootfd) < 0)
    return rr_fail_errno(err, "chdir into the root");
  if (plan->opts.no_pivot)
    return move_and_chroot(err);

  _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0)
    return rr_fail_errno(err, "open `/`");
  /* pivot_root(".", ".") stacks the old root on top of the new one: no
   * directory inside the rootfs is needed to park it, nothing is written there. */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return rr_fail_errno(err, "pivot_root");
  if (fchdir(oldroot) < 0)
    return rr_fail_errno(err, "chdir into the old root");
  /* Detaching the old root must not propagate its unmounts to the host. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return rr_fail_errno(err, "make the old root a slave");
  if (umount2(".", MNT_DETACH) < 0)
    return rr_fail_errno(err, "detach the old root");
  if (chdir("/") < 0)
    return rr_fail_errno(err, "chdir `/`");
  return 0;
}
