/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_FS_RESOLVE_H
#define RR_FS_RESOLVE_H

#include <stdbool.h>

#include "libredrun/core/error.h"

/*
 * Open a path inside a directory tree that the container controls, as if that
 * directory were "/": absolute symlinks and ".." never leave it, and no magic
 * /proc link is followed. openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) when
 * the kernel has it; otherwise a walk one component at a time with O_NOFOLLOW
 * that reads each symlink and re-applies it relative to the root.
 */
enum {
  RR_RESOLVE_MKDIR = 1 << 0,         /* create missing components as directories */
  RR_RESOLVE_MKFILE = 1 << 1,        /* like MKDIR, but the last one as an empty file */
  RR_RESOLVE_NOFOLLOW_LAST = 1 << 2, /* a symlink as last component is not followed */
};

/* Returns the fd (always O_CLOEXEC) or -1 with *err; (*err)->errnum is the errno. */
int rr_fs_open_in_root(int rootfd, const char *path, int oflags, unsigned rflags,
                       struct rr_error **err) RR_WUR;

/* Tests and kernels without openat2: take the component walk even when openat2 works. */
void rr_fs_resolve_force_fallback(bool force);

/* "/proc/self/fd/N" for syscalls that only take a path. */
#define RR_FD_PATH_MAX 32
const char *rr_fs_fd_path(int fd, char buf[RR_FD_PATH_MAX]);

#endif
