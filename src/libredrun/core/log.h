/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_LOG_H
#define RR_LOG_H

#include <stdbool.h>

#include "libredrun/core/error.h"

enum rr_log_level { RR_LOG_ERROR = 0, RR_LOG_WARN, RR_LOG_INFO, RR_LOG_DEBUG };

/*
 * One logger for the whole program. main() picks the sink once:
 *   path == NULL -> stderr; otherwise the file is opened for append.
 *   json -> one {"level","msg","time"} object per line (containerd, podman read these).
 * Records below `max_level` are dropped (RR_LOG_DEBUG with --debug).
 */
int rr_log_init(const char *path, bool json, enum rr_log_level max_level,
                struct rr_error **err) RR_WUR;
/* Route records through a callback instead (the container child forwards them
 * to the parent over its sync socket). NULL restores the configured sink. */
typedef void (*rr_log_hook)(enum rr_log_level level, const char *msg, void *data);
void rr_log_set_hook(rr_log_hook hook, void *data);
/* The fd of the log sink (-1 for stderr): closed by exec-bound code paths. */
int rr_log_fd(void);
bool rr_log_enabled(enum rr_log_level level);

void rr_log(enum rr_log_level level, const char *fmt, ...) RR_PRINTF(2, 3);
/* Write one record as-is (already formatted, e.g. received from the child). */
void rr_log_write(enum rr_log_level level, const char *msg);

/* The single error line of a failing command: to the log sink in its format
 * and, when that sink is a file, also as plain text on stderr. */
void rr_log_error_final(const char *prog, const struct rr_error *err);

#define rr_debug(...) (rr_log_enabled(RR_LOG_DEBUG) ? rr_log(RR_LOG_DEBUG, __VA_ARGS__) : (void)0)
#define rr_warn(...) rr_log(RR_LOG_WARN, __VA_ARGS__)
#define rr_info(...) rr_log(RR_LOG_INFO, __VA_ARGS__)

#endif
