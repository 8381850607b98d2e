/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_PROC_TERMINAL_H
#define RR_PROC_TERMINAL_H

#include "libredrun/core/error.h"
#include "oci_types.h"

/* Open a new pty pair from /dev/ptmx as the calling process sees it (the
 * container's devpts after pivot_root). *name is the slave's path, malloc'd. */
int rr_term_open_pty(int *master, int *slave, char **name, struct rr_error **err) RR_WUR;
/* Make the slave the controlling terminal and stdio of a new session; apply consoleSize. */
int rr_term_become_console(int slave, const oci_console_size *size, struct rr_error **err) RR_WUR;
/* Connect to --console-socket (done before clone so a bad path fails early). */
int rr_term_connect_socket(const char *path, struct rr_error **err) RR_WUR;
/* Send the pty master over the console socket (SCM_RIGHTS), with its name as payload. */
int rr_term_send_master(int sock, int master, const char *name, struct rr_error **err) RR_WUR;
/* Foreground relay between our stdin/stdout and the master until the master
 * hangs up; our terminal is put in raw mode and its size follows SIGWINCH.
 * sigfd (a signalfd, or -1) is polled too: on_signal is called for each signal. */
void rr_term_relay(int master, int sigfd, void (*on_signal)(int sig, void *data), void *data);

#endif
