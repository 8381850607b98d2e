# SPDX-License-Identifier: Apache-2.0
# make bench: startup benchmark of redrun against the floor program, bubblewrap,
# crun and runc (root, hyperfine, busybox-static, jq). Not part of make check.
# BENCH_STATIC=0 skips the static build, BENCH_SDEPS=0 the --enable-static-deps one; ROUNDS/RUNS/BENCH_DIR: see bench.sh.
EXTRA_DIST += tests/bench/bench.sh tests/bench/phases.sh tests/bench/floor.c

bench: redrun$(EXEEXT)
	REDRUN='$(abs_top_builddir)/redrun$(EXEEXT)' BENCH_SRCDIR='$(abs_top_srcdir)' CC='$(CC)' \
	BENCH_STATIC="$${BENCH_STATIC-1}" BENCH_SDEPS="$${BENCH_SDEPS-1}" bash '$(abs_top_srcdir)/tests/bench/bench.sh'

.PHONY: bench
