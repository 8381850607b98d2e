/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp_internal.h"

/*
 * runtime-spec "Container process state": one JSON document as the payload,
 * the notify fd as SCM_RIGHTS on the first sendmsg, named by "fds".
 */
static char *process_state(const char *state_json, const char *metadata, struct rr_error **err)
{
  json_object *state = state_json ? json_tokener_parse(state_json) : NULL;
  if (state_json != NULL && (state == NULL || !json_object_is_type(state, json_type_object))) {
    json_object_put(state);
    rr_fail(err, RR_ERR_INVALID, 0, "container state is not a JSON object");
    return NULL;
  }
  if (state == NULL)
    state = json_object_new_object();
  json_object *pid = NULL;
  int64_t pid_value = json_object_object_get_ex(state, "pid", &pid) ? json_object_get_int64(pid)
                                                                    : (int64_t)getpid();
  json_object *doc = json_object_new_object();
  json_object_object_add(doc, "ociVersion", json_object_new_string(RR_OCI_VERSION));
  json_object *fds = json_object_new_array();
  json_object_array_add(fds, json_object_new_string("seccompFd"));
  json_object_object_add(doc, "fds", fds);
  json_object_object_add(doc, "pid", json_object_new_int64(pid_value));
  if (metadata != NULL)
    json_object_object_add(doc, "metadata", json_object_new_string(metadata));
  json_object_object_add(doc, "state", state);
  char *out = rr_xstrdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
  json_object_put(doc);
  return out;
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
