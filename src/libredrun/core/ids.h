/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_IDS_H
#define RR_IDS_H

#include "libredrun/core/error.h"

#define RR_ID_MAX 1024

/* A container id is used as a directory name under the state root: only
 * [A-Za-z0-9_+.-], no leading dot (so no "." or ".."), 1..RR_ID_MAX bytes. */
int rr_id_validate(const char *id, struct rr_error **err) RR_WUR;

#endif
