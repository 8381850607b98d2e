/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TABLES_SIGNALS_H
#define RR_TABLES_SIGNALS_H

/* Signal from "KILL", "SIGKILL", "kill", "9" or "RTMIN+3"; -1 when unknown. */
int rr_signal_parse(const char *text);
/* "SIGKILL" for a known number, NULL otherwise (real-time ones: NULL). */
const char *rr_signal_name(int sig);

#endif
