/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libredrun/core/json.h"
#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp_internal.h"

/*
 * runtime-spec "Container process state": one JSON document as the payload,
 * the notify fd as SCM_RIGHTS on the first sendmsg, named by "fds".
 */
static char *process_state(const char *state_json, const char *metadata, struct rr_error **err)
{
  __attribute__((cleanup(oci_json_freep))) struct oci_json *state = NULL;
  int64_t pid = getpid();
  if (state_json != NULL) {
    _cleanup_error_ struct rr_error *perr = NULL;
    state = oci_json_parse(state_json, strlen(state_json), NULL, &perr);
    if (state == NULL || state->kind != OCI_JSON_OBJECT ||
        rr_json_get_int(state, "pid", &pid, &perr) < 0) {
      rr_fail(err, RR_ERR_INVALID, 0, "container state is not a JSON object");
      return NULL;
    }
  }
  struct rr_json g;
  rr_json_init(&g, false);
  rr_json_open_object(&g, NULL);
  rr_json_add_string(&g, "ociVersion", RR_OCI_VERSION);
  rr_json_open_array(&g, "fds");
  rr_json_add_string(&g, NULL, "seccompFd");
  rr_json_close(&g);
  rr_json_add_int(&g, "pid", pid);
  if (metadata != NULL)
    rr_json_add_string(&g, "metadata", metadata);
  if (state != NULL) {
    rr_json_add_tree(&g, "state", state);
  } else {
    rr_json_open_object(&g, "state");
    rr_json_close(&g);
  }
  rr_json_close(&g);
  return rr_json_finish(&g);
}

int rr_seccomp_notify_send(int sock, int notify_fd, const char *state_json, const char *metadata,
                           struct rr_error **err)
{
  _cleanup_free_ char *payload = process_state(state_json, metadata, err);
  if (payload == NULL)
    return -1;
  size_t len = strlen(payload), done = 0;

  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof(ctl));
  struct iovec iov = {.iov_base = payload, .iov_len = len};
  struct msghdr msg = {
      .msg_iov = &iov,
      .msg_iovlen = 1,
      .msg_control = ctl.buf,
      .msg_controllen = sizeof(ctl.buf),
  };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));

  while (done < len) {
    ssize_t r = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return rr_fail_errno(err, "sendmsg");
    done += (size_t)r;
    iov.iov_base = payload + done;
    iov.iov_len = len - done;
    /* The fd goes with the first message only. */
    msg.msg_control = NULL;
    msg.msg_controllen = 0;
  }
  return 0;
}
