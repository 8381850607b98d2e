/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "libredrun/core/ids.h"

int rr_id_validate(const char *id, struct rr_error **err)
{
  if (id == NULL || *id == '\0')
    return rr_fail(err, RR_ERR_INVALID, 0, "container id cannot be empty");
  size_t len = strlen(id);
  if (len > RR_ID_MAX)
    return rr_fail(err, RR_ERR_INVALID, 0, "invalid container id: longer than %d bytes", RR_ID_MAX);
  if (id[0] == '.')
    return rr_fail(err, RR_ERR_INVALID, 0, "invalid container id `%s`: starts with a dot", id);
  for (const char *p = id; *p; p++) {
    char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '+' || c == '.' || c == '-')
      continue;
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "invalid container id `%s`: only letters, digits and `_+.-` are allowed", id);
  }
  return 0;
}
