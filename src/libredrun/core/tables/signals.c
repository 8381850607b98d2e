/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libredrun/core/tables/signals.h"
#include "libredrun/core/util.h"

struct sig_entry {
  const char *name; /* "SIGHUP" */
  int number;
};

static const struct sig_entry signals[] = {
    {"SIGHUP", SIGHUP},       {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT},     {"SIGILL", SIGILL},
    {"SIGTRAP", SIGTRAP},     {"SIGABRT", SIGABRT}, {"SIGIOT", SIGIOT},       {"SIGBUS", SIGBUS},
    {"SIGFPE", SIGFPE},       {"SIGKILL", SIGKILL}, {"SIGUSR1", SIGUSR1},     {"SIGSEGV", SIGSEGV},
    {"SIGUSR2", SIGUSR2},     {"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM},     {"SIGTERM", SIGTERM},
    {"SIGSTKFLT", SIGSTKFLT}, {"SIGCHLD", SIGCHLD}, {"SIGCONT", SIGCONT},     {"SIGSTOP", SIGSTOP},
    {"SIGTSTP", SIGTSTP},     {"SIGTTIN", SIGTTIN}, {"SIGTTOU", SIGTTOU},     {"SIGURG", SIGURG},
    {"SIGXCPU", SIGXCPU},     {"SIGXFSZ", SIGXFSZ}, {"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF},
    {"SIGWINCH", SIGWINCH},   {"SIGIO", SIGIO},     {"SIGPOLL", SIGPOLL},     {"SIGPWR", SIGPWR},
    {"SIGSYS", SIGSYS},
};

static int parse_number(const char *s, int *out)
{
  char *end = NULL;
  if (*s < '0' || *s > '9')
    return -1;
  long v = strtol(s, &end, 10);
  if (*end != '\0' || v < 0 || v > 1024)
    return -1;
  *out = (int)v;
  return 0;
}

int rr_signal_parse(const char *text)
{
  int n;
  if (text == NULL || *text == '\0')
    return -1;
  if (parse_number(text, &n) == 0)
    return n >= 1 && n <= SIGRTMAX ? n : -1;
  const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
  for (size_t i = 0; i < RR_ARRAY_SIZE(signals); i++)
    if (strcasecmp(signals[i].name + 3, name) == 0)
      return signals[i].number;
  /* RTMIN+n / RTMAX-n */
  if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
    int base = strncasecmp(name, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX;
    const char *rest = name + 5;
    if (*rest == '\0')
      return base;
    if ((*rest == '+' && base == SIGRTMIN) || (*rest == '-' && base == SIGRTMAX)) {
      if (parse_number(rest + 1, &n) < 0)
        return -1;
      int sig = *rest == '+' ? base + n : base - n;
      return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
    }
  }
  return -1;
}

const char *rr_signal_name(int sig)
{
  for (size_t i = 0; i < RR_ARRAY_SIZE(signals); i++)
    if (signals[i].number == sig)
      return signals[i].name;
  return NULL;
}
