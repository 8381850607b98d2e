/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
  fprintf(out, "usage: rp2oci [--admin] --redpath NODE_DIR --bundle OUT_DIR [--rootfs DIR] "
               "[-- CMD ARGS...]\n");
}

int main(int argc, char **argv)
{
  if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    usage(stdout);
    return 0;
  }
  usage(stderr);
  return 1;
}
