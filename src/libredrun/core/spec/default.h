/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_SPEC_DEFAULT_H
#define RR_SPEC_DEFAULT_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci_types.h"

/*
 * The config `redrun spec` writes, shaped like runc's: busybox-friendly `sh`
 * in a read-only `rootfs`, the usual /proc /dev /sys mounts, pid/network/ipc/
 * uts/mount/cgroup namespaces, three capabilities, no new privileges, runc's
 * masked and read-only paths and a deny-all device cgroup.
 * rootless: add a user namespace mapping container root to uid/gid, keep the
 * host network (an unprivileged user cannot configure a new one), bind /sys
 * instead of mounting sysfs, drop devpts' gid= and every cgroup resource.
 */
oci_config *rr_spec_default(bool rootless, uid_t uid, gid_t gid);

#endif
