/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TABLES_CAPABILITIES_H
#define RR_TABLES_CAPABILITIES_H

#include <stddef.h>

/* Capability names as the OCI spec writes them ("CAP_SYS_ADMIN"). The table is
 * the kernel's numbering up to CAP_CHECKPOINT_RESTORE (40); it does not depend
 * on the libcap the program was built with, so rp2oci and redrun agree. */
#define RR_CAP_LAST 40

/* Number of the capability, or -1. Accepts "CAP_X" and, case-insensitively,
 * "x" / "cap_x" (red-pak writes lower case without the prefix). */
int rr_cap_from_name(const char *name);
/* "CAP_X" for a number in [0, RR_CAP_LAST], NULL otherwise. */
const char *rr_cap_name(int cap);

#endif
