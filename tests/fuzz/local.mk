# SPDX-License-Identifier: Apache-2.0
# libFuzzer target for the OCI parser, built with ./configure CC=clang
# --enable-fuzzing (add --enable-sanitizers for ASan/UBSan). The parser
# sources are compiled into the target so they carry the coverage
# instrumentation whatever the global CFLAGS; the rest comes from librrcore.a.
EXTRA_DIST += tests/fuzz/fuzz_config.c tests/fuzz/run-fuzz.sh tests/fuzz/oci.dict
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c \
	libocispec-lite/oci_types.c libocispec-lite/oci_rt.c libocispec-lite/oci_json.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDADD = librrcore.a $(YAJL_LIBS)

FUZZ_SECONDS ?= 60
# Bounded run seeded from the test corpus (tests/data/configs).
fuzz: tests/fuzz/fuzz_config
	$(top_srcdir)/tests/fuzz/run-fuzz.sh ./tests/fuzz/fuzz_config $(FUZZ_SECONDS)
endif
.PHONY: fuzz

# libFuzzer target for the range compaction of seccomp programs: random valid
# sections compiled as libseccomp's list and tree and as redrun's ranges must
# give the same verdicts (tests/helpers/bpf_interp.c). The compiler and the
# compaction are compiled into the target for their coverage.
EXTRA_DIST += tests/fuzz/fuzz_seccomp_compact.c tests/fuzz/run-fuzz-seccomp.sh \
	tests/fuzz/lsan-libseccomp.supp
if FUZZING
# The interpreter runs most of the time and carries no coverage of interest:
# built apart, without the instrumentation.
noinst_LIBRARIES += tests/fuzz/libbpfinterp.a
tests_fuzz_libbpfinterp_a_SOURCES = tests/helpers/bpf_interp.c tests/helpers/bpf_interp.h
noinst_PROGRAMS += tests/fuzz/fuzz_seccomp_compact
tests_fuzz_fuzz_seccomp_compact_SOURCES = tests/fuzz/fuzz_seccomp_compact.c \
	src/libredrun/os/security/seccomp.c src/libredrun/os/security/seccomp_bpf.c
tests_fuzz_fuzz_seccomp_compact_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_seccomp_compact_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_seccomp_compact_LDADD = tests/fuzz/libbpfinterp.a librros.a librrcore.a libocispec-lite.a librrcore.a \
	$(YAJL_LIBS) $(SECCOMP_LIBS)

fuzz-seccomp: tests/fuzz/fuzz_seccomp_compact
	$(top_srcdir)/tests/fuzz/run-fuzz-seccomp.sh ./tests/fuzz/fuzz_seccomp_compact $(FUZZ_SECONDS)
endif
.PHONY: fuzz-seccomp

# libFuzzer target for core/json (parse, write back, parse again: the same
# text) and the state.json reader. The JSON sources are compiled into the
# target for their coverage.
EXTRA_DIST += tests/fuzz/fuzz_json.c
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_json
tests_fuzz_fuzz_json_SOURCES = tests/fuzz/fuzz_json.c src/libredrun/core/json.c \
	libocispec-lite/oci_json.c src/libredrun/os/state/state.c
tests_fuzz_fuzz_json_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_json_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_json_LDADD = librros.a librrcore.a libocispec-lite.a librrcore.a $(YAJL_LIBS)

fuzz-json: tests/fuzz/fuzz_json
	$(top_srcdir)/tests/fuzz/run-fuzz.sh ./tests/fuzz/fuzz_json $(FUZZ_SECONDS)
endif
.PHONY: fuzz-json
