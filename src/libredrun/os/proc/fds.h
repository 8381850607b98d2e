/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_PROC_FDS_H
#define RR_PROC_FDS_H

/* Mark every fd from `from` up close-on-exec (close_range, or one by one on
 * kernels without it): whatever our caller leaked to us, or we opened
 * ourselves, ends at the next execve. For the container process and hooks. */
void rr_fds_cloexec_from(int from);

#endif
