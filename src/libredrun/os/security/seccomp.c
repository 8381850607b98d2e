/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/tables/seccomp_names.h"
#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp.h"
#include "libredrun/os/security/seccomp_internal.h"
#include "oci_json.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

/* Bump when the way a section is compiled changes: old cache entries then miss.
 * 2: libseccomp's binary tree instead of its linear list; 3: the tree's
 * syscall-number dispatch compacted to ranges (RR_SECCOMP_RANGES); 4: the
 * key names the executable, the entry the shared libseccomp; 5: identical
 * returns are one exit of a dispatch region, dead returns dropped. */
#define RR_SECCOMP_COMPILER_VERSION 5

static void buf_add(struct rr_buf *b, const void *p, size_t n)
{
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2 + 256;
    b->data = rr_xrealloc(b->data, b->cap);
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void buf_u64(struct rr_buf *b, uint64_t v)
{
  buf_add(b, &v, sizeof(v));
}

/* Length-prefixed, so the encoding is injective; NULL differs from "". */
static void buf_str(struct rr_buf *b, const char *s)
{
  if (s == NULL) {
    buf_u64(b, UINT64_MAX);
    return;
  }
  size_t n = strlen(s);
  buf_u64(b, n);
  buf_add(b, s, n);
}

static void buf_opt_u64(struct rr_buf *b, bool present, uint64_t v)
{
  buf_u64(b, present);
  buf_u64(b, present ? v : 0);
}

/*
 * The canonical form of everything that decides the BPF program: the toolchain
 * (compiler version, redrun build, libseccomp headers, the executable itself)
 * then defaultAction, defaultErrnoRet, architectures and the rules. flags and
 * the listener only matter at load time and stay out, so they share entries.
 */
static void key_toolchain(struct rr_buf *b)
{
  buf_u64(b, RR_SECCOMP_COMPILER_VERSION);
  buf_str(b, PACKAGE_VERSION "-" RR_GIT_COMMIT);
  /* The libseccomp built against; the shared library a dynamic redrun uses
   * is checked apart (rr_seccomp_lib_identity), so a hit never loads it. */
  buf_u64(b, ((uint64_t)SCMP_VER_MAJOR << 32) | ((uint64_t)SCMP_VER_MINOR << 16) | SCMP_VER_MICRO);
  /* This very binary (its architecture, how it was linked): the running
   * executable's identity, or libseccomp's native architecture when
   * /proc/self/exe cannot be read. */
  struct stat st;
  if (stat("/proc/self/exe", &st) == 0) {
    buf_u64(b, st.st_dev);
    buf_u64(b, st.st_ino);
    buf_u64(b, (uint64_t)st.st_size);
    buf_u64(b, (uint64_t)st.st_mtim.tv_sec);
    buf_u64(b, (uint64_t)st.st_mtim.tv_nsec);
  } else {
    buf_u64(b, seccomp_arch_native());
  }
}

static void canonical_key(const oci_seccomp *s, struct rr_buf *b)
{
  buf_str(b, "redrun-seccomp");
  key_toolchain(b);
  buf_str(b, s->default_action);
  buf_opt_u64(b, s->default_errno_ret_present, s->default_errno_ret);
  buf_u64(b, s->architectures_len);
  for (size_t i = 0; i < s->architectures_len; i++)
    buf_str(b, s->architectures[i]);
  buf_u64(b, s->syscalls_len);
  for (size_t i = 0; i < s->syscalls_len; i++) {
    const oci_syscall *sc = s->syscalls[i];
    buf_u64(b, sc->names_len);
    for (size_t j = 0; j < sc->names_len; j++)
      buf_str(b, sc->names[j]);
    buf_str(b, sc->action);
    buf_opt_u64(b, sc->errno_ret_present, sc->errno_ret);
    buf_u64(b, sc->args_len);
    for (size_t j = 0; j < sc->args_len; j++) {
      const oci_syscall_arg *a = sc->args[j];
      buf_u64(b, a->index);
      buf_u64(b, a->value);
      buf_opt_u64(b, a->value_two_present, a->value_two);
      buf_str(b, a->op);
    }
  }
}

/* The libseccomp action value; ERRNO and TRACE default to EPERM like runc. */
static uint32_t action_value(const struct rr_scmp_action *a, bool ret_present, uint32_t ret)
{
  if (!a->takes_data)
    return a->ret;
  return a->ret | ((ret_present ? ret : EPERM) & SECCOMP_RET_DATA);
}

static int check_action_available(const struct rr_scmp_action *a, const char *where,
                                  struct rr_error **err)
{
  uint32_t ret = a->ret;
  if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &ret) == 0)
    return 0;
  if (errno == EOPNOTSUPP)
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0, "%s: action `%s` is not supported by this kernel",
                   where, a->name);
  /* Kernels before 4.14 lack the query; loading will tell. */
  return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const oci_syscall *sc, size_t n,
                    const char *name, struct rr_error **err)
{
  struct scmp_arg_cmp cmp[6];
  bool seen[6] = {false};
  bool repeated = false;
  size_t ncmp = sc->args_len;
  for (size_t j = 0; j < ncmp; j++) {
    const oci_syscall_arg *a = sc->args[j];
    cmp[j] = (struct scmp_arg_cmp){
        .arg = a->index,
        .op = (enum scmp_compare)rr_scmp_op_by_name(a->op),
        .datum_a = a->value,
        .datum_b = a->value_two,
    };
    repeated |= seen[a->index];
    seen[a->index] = true;
  }
  int r;
  if (!repeated) {
    /* Conditions on distinct arguments: all must match (AND). */
    r = seccomp_rule_add_array(ctx, act, nr, ncmp, cmp);
  } else {
    /* libseccomp cannot AND two conditions on one argument; like runc, such a
     * rule means "any of these conditions" and becomes one rule per condition. */
    r = 0;
    for (size_t j = 0; j < ncmp && r == 0; j++)
      r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[j]);
  }
  if (r < 0)
    return rr_fail_errnum(err, -r, ".linux.seccomp.syscalls[%zu]: add rule for `%s`", n, name);
  return 0;
}

static int add_archs(scmp_filter_ctx ctx, const oci_seccomp *s, struct rr_error **err)
{
  for (size_t i = 0; i < s->architectures_len; i++) {
    const struct rr_scmp_arch *a = rr_scmp_arch_by_name(s->architectures[i]);
    uint32_t token = a ? seccomp_arch_resolve_name(a->scmp_name) : 0;
    if (token == 0) {
      rr_debug("seccomp: architecture `%s` unknown to libseccomp, skipped", s->architectures[i]);
      continue;
    }
    int r = seccomp_arch_add(ctx, token);
    if (r < 0 && r != -EEXIST)
      return rr_fail_errnum(err, -r, ".linux.seccomp.architectures[%zu]: add `%s`", i,
                            s->architectures[i]);
  }
  return 0;
}

static int add_rules(scmp_filter_ctx ctx, const oci_seccomp *s, uint32_t def_act,
                     struct rr_error **err)
{
  for (size_t i = 0; i < s->syscalls_len; i++) {
    const oci_syscall *sc = s->syscalls[i];
    const struct rr_scmp_action *a = rr_scmp_action_by_name(sc->action);
    uint32_t act = action_value(a, sc->errno_ret_present, sc->errno_ret);
    /* Same as the default: nothing to add (and libseccomp refuses it). */
    if (act == def_act)
      continue;
    for (size_t j = 0; j < sc->names_len; j++) {
      int nr = seccomp_syscall_resolve_name(sc->names[j]);
      if (nr == __NR_SCMP_ERROR) {
        rr_debug("seccomp: syscall `%s` unknown to this libseccomp, skipped", sc->names[j]);
        continue;
      }
      if (add_rule(ctx, act, nr, sc, i, sc->names[j], err) < 0)
        return -1;
    }
  }
  return 0;
}

/* Export the BPF through a memfd (libseccomp 2.5 exports only to an fd). */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *n,
                      struct rr_error **err)
{
  _cleanup_close_ int fd = memfd_create("redrun-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "seccomp: memfd_create");
  int r = seccomp_export_bpf(ctx, fd);
  if (r < 0)
    return rr_fail_errnum(err, -r, "seccomp: export BPF");
  struct stat st;
  if (fstat(fd, &st) < 0)
    return rr_fail_errno(err, "seccomp: stat exported BPF");
  size_t size = (size_t)st.st_size, count = size / sizeof(struct sock_filter);
  if (size == 0 || size % sizeof(struct sock_filter) != 0 || count > BPF_MAXINSNS)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "seccomp: compiled program has %zu instructions (max %d)", count, BPF_MAXINSNS);
  _cleanup_free_ struct sock_filter *prog = rr_xmalloc(size);
  if (pread(fd, prog, size, 0) != (ssize_t)size)
    return rr_fail_errno(err, "seccomp: read exported BPF");
  *insns = steal_ptr(prog);
  *n = count;
  return 0;
}

int rr_seccomp_compile(const oci_seccomp *s, enum rr_seccomp_shape shape,
                       struct sock_filter **insns, size_t *n, struct rr_error **err)
{
  int optimize = shape == RR_SECCOMP_LIST ? 1 : 2;
  const struct rr_scmp_action *def = rr_scmp_action_by_name(s->default_action);
  uint32_t def_act = action_value(def, s->default_errno_ret_present, s->default_errno_ret);
  scmp_filter_ctx ctx = seccomp_init(def_act);
  if (ctx == NULL)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "seccomp: cannot initialize libseccomp");
  /* Same verdicts, different shape: a libseccomp that cannot build the tree
   * gives the list, which is only slower to load. */
  int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)optimize);
  if (r < 0)
    rr_debug("seccomp: libseccomp optimize level %d: %s", optimize, strerror(-r));
  r = -1;
  if (add_archs(ctx, s, err) == 0 && add_rules(ctx, s, def_act, err) == 0)
    r = export_bpf(ctx, insns, n, err);
  seccomp_release(ctx);
  struct sock_filter *ranges;
  size_t n_ranges;
  if (r == 0 && shape == RR_SECCOMP_RANGES &&
      rr_seccomp_bpf_compact(*insns, *n, &ranges, &n_ranges) == 0) {
    free(*insns);
    *insns = ranges;
    *n = n_ranges;
  }
  return r;
}

/* One query per distinct action (podman's profile: 19 rules, 2 actions). */
static int check_actions(const oci_seccomp *s, struct rr_error **err)
{
  uint32_t checked[16];
  size_t n_checked = 0;
  for (size_t i = 0; i <= s->syscalls_len; i++) {
    const char *name = i == 0 ? s->default_action : s->syscalls[i - 1]->action;
    const struct rr_scmp_action *a = rr_scmp_action_by_name(name);
    bool seen = false;
    for (size_t j = 0; j < n_checked && !seen; j++)
      seen = checked[j] == a->ret;
    if (seen)
      continue;
    char where[64];
    if (i == 0)
      snprintf(where, sizeof(where), ".linux.seccomp.defaultAction");
    else
      snprintf(where, sizeof(where), ".linux.seccomp.syscalls[%zu].action", i - 1);
    if (check_action_available(a, where, err) < 0)
      return -1;
    if (n_checked < RR_ARRAY_SIZE(checked))
      checked[n_checked++] = a->ret;
  }
  return 0;
}

/* The load-time settings of a validated section: flags and listener. */
static struct rr_seccomp *seccomp_new(const oci_seccomp *s)
{
  struct rr_seccomp *sc = rr_xcalloc(1, sizeof(*sc));
  for (size_t i = 0; i < s->flags_len; i++)
    sc->flags |= rr_scmp_flag_by_name(s->flags[i]);
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (rr_scmp_action_by_name(s->syscalls[i]->action)->ret == SECCOMP_RET_USER_NOTIF)
      sc->notify = true;
  /* The kernel accepts WAIT_KILLABLE_RECV only with a listener; it has no
   * meaning without one. */
  if (!sc->notify && (sc->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
    rr_debug("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored without SCMP_ACT_NOTIFY");
    sc->flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }
  if (sc->notify) {
    sc->listener_path = rr_xstrdup(s->listener_path);
    sc->listener_metadata = s->listener_metadata ? rr_xstrdup(s->listener_metadata) : NULL;
  }
  return sc;
}

/* What a raw-keyed hit restores besides the program (seccomp_new's result). */
static void meta_encode(const struct rr_seccomp *sc, struct rr_buf *b)
{
  buf_u64(b, sc->flags);
  buf_u64(b, sc->notify);
  buf_str(b, sc->listener_path);
  buf_str(b, sc->listener_metadata);
}

static bool meta_u64(const struct rr_buf *m, size_t *at, uint64_t *v)
{
  if (m->len - *at < sizeof(*v))
    return false;
  memcpy(v, m->data + *at, sizeof(*v));
  *at += sizeof(*v);
  return true;
}

static bool meta_str(const struct rr_buf *m, size_t *at, char **out)
{
  uint64_t n;
  if (!meta_u64(m, at, &n))
    return false;
  if (n == UINT64_MAX)
    return true;
  if (n > m->len - *at)
    return false;
  *out = rr_xmalloc(n + 1);
  memcpy(*out, m->data + *at, n);
  (*out)[n] = '\0';
  *at += n;
  return strlen(*out) == n;
}

static bool meta_decode(struct rr_seccomp *sc, const struct rr_buf *m)
{
  size_t at = 0;
  uint64_t flags, notify;
  if (!meta_u64(m, &at, &flags) || flags > UINT32_MAX || !meta_u64(m, &at, &notify) || notify > 1)
    return false;
  sc->flags = (unsigned int)flags;
  sc->notify = notify != 0;
  return meta_str(m, &at, &sc->listener_path) && meta_str(m, &at, &sc->listener_metadata) &&
         at == m->len && sc->notify == (sc->listener_path != NULL);
}

/* A validated section under `key`: the cached program, or compiled and
 * stored (lookup false: the caller has just missed). */
static int prepare_keyed(const oci_seccomp *s, const struct rr_buf *key, const char *state_root,
                         bool lookup, struct rr_seccomp **out, struct rr_error **err)
{
  struct rr_seccomp *sc = seccomp_new(s);
  _cleanup_free_ char *dir = rr_seccomp_cache_dir(state_root);
  if (lookup && rr_seccomp_cache_load(dir, key, &sc->insns, &sc->n_insns, NULL)) {
    sc->cache_hit = true;
  } else if (rr_seccomp_compile_bounded(s, RR_SECCOMP_RANGES, &sc->insns, &sc->n_insns, err) < 0) {
    rr_seccomp_free(sc);
    return -1;
  } else {
    struct rr_buf meta = {0};
    meta_encode(sc, &meta);
    rr_seccomp_cache_store(dir, key, sc->insns, sc->n_insns, &meta);
    free(meta.data);
  }
  rr_debug("seccomp: %zu BPF instructions (%s)", sc->n_insns,
           sc->cache_hit ? "cached" : "compiled");
  *out = sc;
  return 0;
}

int rr_seccomp_prepare(const oci_seccomp *s, const char *state_root, struct rr_seccomp **out,
                       struct rr_error **err)
{
  *out = NULL;
  if (s == NULL)
    return 0;
  if (rr_seccomp_validate(s, err) < 0 || check_actions(s, err) < 0)
    return -1;
  /* podman's profile: ≈ 9 KB of key; one allocation */
  struct rr_buf key = {.cap = 16384};
  key.data = rr_xmalloc(key.cap);
  canonical_key(s, &key);
  int r = prepare_keyed(s, &key, state_root, true, out, err);
  free(key.data);
  return r;
}

/*
 * The key of a raw section: the toolchain, the kernel (the actions it
 * supports were checked when the entry was made) and the section's bytes,
 * which decide the parsed section, so a hit needs neither the parse nor the
 * validation that this binary did when it stored the entry.
 */
static void raw_key(const char *raw, size_t len, struct rr_buf *b)
{
  buf_str(b, "redrun-seccomp-raw");
  key_toolchain(b);
  struct utsname u;
  if (uname(&u) == 0) {
    buf_str(b, u.release);
    buf_str(b, u.version);
  }
  buf_u64(b, len);
  buf_add(b, raw, len);
}

int rr_seccomp_prepare_raw(const char *raw, size_t len, const char *source, const char *state_root,
                           struct rr_seccomp **out, struct rr_error **err)
{
  *out = NULL;
  struct rr_buf key = {.cap = len + 512};
  key.data = rr_xmalloc(key.cap);
  raw_key(raw, len, &key);
  _cleanup_free_ char *dir = rr_seccomp_cache_dir(state_root);
  struct rr_seccomp *sc = rr_xcalloc(1, sizeof(*sc));
  struct rr_buf meta = {0};
  bool hit =
      rr_seccomp_cache_load(dir, &key, &sc->insns, &sc->n_insns, &meta) && meta_decode(sc, &meta);
  free(meta.data);
  if (hit) {
    sc->cache_hit = true;
    rr_debug("seccomp: %zu BPF instructions (cached)", sc->n_insns);
    free(key.data);
    *out = sc;
    return 0;
  }
  rr_seccomp_free(sc);
  static const char *const base[] = {"linux", "seccomp", NULL};
  struct oci_parse_opts po = {.base_path = base};
  oci_seccomp *s = oci_seccomp_parse_data_opts(raw, len, source, &po, err);
  int r = -1;
  if (s != NULL && rr_seccomp_validate(s, err) == 0 && check_actions(s, err) == 0)
    r = prepare_keyed(s, &key, state_root, false, out, err);
  oci_seccomp_free(s);
  free(key.data);
  return r;
}

bool rr_seccomp_wants_listener(const struct rr_seccomp *sc)
{
  return sc != NULL && sc->notify;
}

int rr_seccomp_listener_connect(const struct rr_seccomp *sc, struct rr_error **err)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (!rr_seccomp_wants_listener(sc))
    return rr_fail(err, RR_ERR_INVALID, 0, "seccomp: no listener to connect to");
  if (strlen(sc->listener_path) >= sizeof(addr.sun_path))
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.seccomp.listenerPath: `%s` is too long",
                   sc->listener_path);
  strcpy(addr.sun_path, sc->listener_path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rr_fail_errno(err, "seccomp: listener socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return rr_fail_errno(err, "seccomp: connect to listener `%s`", sc->listener_path);
  return steal_fd(fd);
}

int rr_seccomp_install(const struct rr_seccomp *sc, int listener_sock, const char *state_json,
                       struct rr_error **err)
{
  if (sc == NULL)
    return 0;
  struct sock_fprog prog = {.len = (unsigned short)sc->n_insns, .filter = sc->insns};
  unsigned int flags = sc->flags;
  if (sc->notify) {
    if (listener_sock < 0)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "seccomp: SCMP_ACT_NOTIFY needs a connection to listenerPath");
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    /* TSYNC with a listener is refused unless failures are reported as ESRCH. */
    if (flags & SECCOMP_FILTER_FLAG_TSYNC)
      flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  }
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (r < 0) {
    if (errno == EACCES && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0)
      return rr_fail_errno(err, "load seccomp filter (needs no_new_privs or CAP_SYS_ADMIN)");
    if (errno == EINVAL && flags != 0)
      return rr_fail_errno(err, "load seccomp filter with flags 0x%x (unsupported by this kernel?)",
                           flags);
    return rr_fail_errno(err, "load seccomp filter");
  }
  if (!sc->notify)
    return 0;
  _cleanup_close_ int notify_fd = (int)r;
  if (rr_seccomp_notify_send(listener_sock, notify_fd, state_json, sc->listener_metadata, err) < 0)
    return rr_wrap(err, "seccomp: send notify fd to `%s`", sc->listener_path);
  return 0;
}

void rr_seccomp_free(struct rr_seccomp *sc)
{
  if (sc == NULL)
    return;
  free(sc->insns);
  free(sc->listener_path);
  free(sc->listener_metadata);
  free(sc);
}
