/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TABLES_RLIMITS_H
#define RR_TABLES_RLIMITS_H

/* RLIMIT_* number from the OCI name ("RLIMIT_NOFILE"), -1 when unknown. */
int rr_rlimit_from_name(const char *name);

#endif
