/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libredrun/core/tables/capabilities.h"
#include "libredrun/core/tables/rlimits.h"
#include "libredrun/core/util.h"
#include "libredrun/os/proc/identity.h"

int rr_proc_set_rlimits(const oci_process *p, struct rr_error **err)
{
  for (size_t i = 0; i < p->rlimits_len; i++) {
    const oci_rlimit *r = p->rlimits[i];
    int res = rr_rlimit_from_name(r->type);
    if (res < 0)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "config.json: .process.rlimits[%zu].type: unknown rlimit `%s`", i,
                     r->type ? r->type : "");
    struct rlimit cur, want = {.rlim_cur = r->soft, .rlim_max = r->hard};
    if (setrlimit(res, &want) == 0)
      continue;
    int e = errno;
    if (e == EPERM && getrlimit(res, &cur) == 0 && want.rlim_max > cur.rlim_max)
      return rr_fail(err, RR_ERR_SYSTEM, e,
                     "config.json: .process.rlimits[%zu]: %s: cannot raise the hard limit to %llu "
                     "above the host's %llu without CAP_SYS_RESOURCE: operation not permitted",
                     i, r->type, (unsigned long long)r->hard, (unsigned long long)cur.rlim_max);
    return rr_fail_errnum(err, e, "config.json: .process.rlimits[%zu]: %s (soft %llu, hard %llu)",
                          i, r->type, (unsigned long long)r->soft, (unsigned long long)r->hard);
  }
  return 0;
}

int rr_proc_set_oom_score_adj(const oci_process *p, struct rr_error **err)
{
  if (!p->oom_score_adj_present)
    return 0;
  _cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%d", (int)p->oom_score_adj);
  if (fd < 0 || write(fd, buf, (size_t)n) != n)
    return rr_fail_errno(err, "config.json: .process.oomScoreAdj %d", (int)p->oom_score_adj);
  return 0;
}

int rr_proc_set_undumpable(struct rr_error **err)
{
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return rr_fail_errno(err, "prctl(PR_SET_DUMPABLE)");
  return 0;
}

/* The bounding set answers EINVAL past the last capability the kernel
 * knows: six prctl calls, cheaper than opening cap_last_cap in the
 * container's fresh procfs (and there may be none). Asked once:
 * drop_bounding and set_caps both need it, in the same child. */
static int last_cap(void)
{
  static int cached = -1;
  if (cached >= 0)
    return cached;
  int lo = 0, hi = 63;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) < 0 && errno == EINVAL)
      hi = mid - 1;
    else
      lo = mid;
  }
  cached = lo;
  return lo;
}

/* Capability numbers of one set; caps the running kernel does not know are skipped. */
static size_t cap_numbers(char **names, size_t n, int *out, int last)
{
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    int c = rr_cap_from_name(names[i]);
    if (c >= 0 && c <= last)
      out[k++] = c;
  }
  return k;
}

int rr_proc_drop_bounding(const oci_process *p, struct rr_error **err)
{
  const oci_capabilities *c = p->capabilities;
  if (c == NULL)
    return 0;
  int last = last_cap();
  int keep[64];
  size_t nkeep = cap_numbers(c->bounding, c->bounding_len, keep, last);
  for (int cap = 0; cap <= last; cap++) {
    bool wanted = false;
    for (size_t i = 0; i < nkeep; i++)
      wanted |= keep[i] == cap;
    /* dropping a capability already out of the set succeeds with
     * CAP_SETPCAP: ask whether it is still there only when the drop fails */
    if (wanted || prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
      continue;
    int e = errno;
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
      continue;
    return rr_fail_errnum(err, e, "drop %s from the bounding set", rr_cap_name(cap));
  }
  return 0;
}

int rr_proc_set_user(const oci_process *p, bool in_userns, struct rr_error **err)
{
  const oci_user *u = p->user;
  uid_t uid = u ? u->uid : 0;
  gid_t gid = u ? u->gid : 0;
  size_t ngroups = u ? u->additional_gids_len : 0;
  if (ngroups > 0) {
    if (setgroups(ngroups, (const gid_t *)u->additional_gids) < 0)
      return rr_fail_errno(err, "config.json: .process.user.additionalGids");
  } else if (getgroups(0, NULL) != 0 && setgroups(0, NULL) < 0 && !(in_userns && errno == EPERM)) {
    return rr_fail_errno(err, "clear supplementary groups");
  }
  /* Each credential change is a new set of credentials in the kernel: the
   * ids already in place (root staying root) are left alone, and only a
   * change of uid needs the capabilities kept across it. */
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  bool same_gid = getresgid(&rg, &eg, &sg) == 0 && rg == gid && eg == gid && sg == gid;
  bool same_uid = getresuid(&ru, &eu, &su) == 0 && ru == uid && eu == uid && su == uid;
  if (!same_uid && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return rr_fail_errno(err, "prctl(PR_SET_KEEPCAPS)");
  if (!same_gid && setresgid(gid, gid, gid) < 0)
    return rr_fail_errno(err, "config.json: .process.user.gid %u", (unsigned)gid);
  if (!same_uid && setresuid(uid, uid, uid) < 0)
    return rr_fail_errno(err, "config.json: .process.user.uid %u", (unsigned)uid);
  if (!same_uid && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return rr_fail_errno(err, "prctl(PR_SET_KEEPCAPS)");
  umask(u != NULL && u->umask_present ? (mode_t)u->umask : 022);
  return 0;
}

int rr_proc_set_caps(const oci_process *p, struct rr_error **err)
{
  const oci_capabilities *c = p->capabilities;
  if (c == NULL)
    return 0;
  int last = last_cap();
  int v[64];
  /* the kernel's interface, two 32-bit words per set (version 3): no libcap */
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  memset(data, 0, sizeof(data));
  size_t n = cap_numbers(c->effective, c->effective_len, v, last);
  for (size_t i = 0; i < n; i++)
    data[v[i] / 32].effective |= 1U << (v[i] % 32);
  n = cap_numbers(c->permitted, c->permitted_len, v, last);
  for (size_t i = 0; i < n; i++)
    data[v[i] / 32].permitted |= 1U << (v[i] % 32);
  n = cap_numbers(c->inheritable, c->inheritable_len, v, last);
  for (size_t i = 0; i < n; i++)
    data[v[i] / 32].inheritable |= 1U << (v[i] % 32);
  if (syscall(SYS_capset, &hdr, data) < 0)
    return rr_fail_errno(err, "set capabilities");
  /* ambient capabilities must also be permitted and inheritable: the kernel checks */
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  n = cap_numbers(c->ambient, c->ambient_len, v, last);
  for (size_t i = 0; i < n; i++)
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)v[i], 0, 0) < 0)
      return rr_fail_errno(err, "config.json: .process.capabilities.ambient: raise %s",
                           rr_cap_name(v[i]));
  return 0;
}

int rr_proc_set_no_new_privs(const oci_process *p, struct rr_error **err)
{
  if (p->no_new_privileges_present && p->no_new_privileges &&
      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return rr_fail_errno(err, "prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}
