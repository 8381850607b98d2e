/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TAP_H
#define RR_TAP_H

/* Minimal TAP producer for the C unit tests (run by automake's tap-driver). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...)                                                                          \
  do {                                                                                             \
    int tap_ok_ = !!(cond); /* evaluated once: conditions may have side effects */                 \
    tap_n++;                                                                                       \
    if (tap_ok_) {                                                                                 \
      printf("ok %d - ", tap_n);                                                                   \
    } else {                                                                                       \
      tap_failed++;                                                                                \
      printf("not ok %d - ", tap_n);                                                               \
    }                                                                                              \
    printf(__VA_ARGS__);                                                                           \
    printf("\n");                                                                                  \
    if (!tap_ok_)                                                                                  \
      printf("#   %s:%d: %s\n", __FILE__, __LINE__, #cond);                                        \
  } while (0)

#define TAP_STR_EQ(got, want, ...)                                                                 \
  do {                                                                                             \
    const char *g_ = (got), *w_ = (want);                                                          \
    int same_ = (g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0);                   \
    TAP_OK(same_, __VA_ARGS__);                                                                    \
    if (!same_)                                                                                    \
      printf("#   got:  %s\n#   want: %s\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");              \
  } while (0)

static inline int tap_done(void)
{
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

#endif
