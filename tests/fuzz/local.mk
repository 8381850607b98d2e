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
tests_fuzz_fuzz_config_LDADD = librrcore.a $(YAJL_LIBS) $(JSONC_LIBS)

FUZZ_SECONDS ?= 60
# Bounded run seeded from the test corpus (tests/data/configs).
fuzz: tests/fuzz/fuzz_config
	$(top_srcdir)/tests/fuzz/run-fuzz.sh ./tests/fuzz/fuzz_config $(FUZZ_SECONDS)
endif
.PHONY: fuzz
