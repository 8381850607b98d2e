# SPDX-License-Identifier: Apache-2.0
# libFuzzer targets for rp2oci's YAML loader and $VAR expander, built with
# ./configure CC=clang --enable-fuzzing like tests/fuzz/local.mk. The rp2oci
# sources are compiled into the targets so they carry the instrumentation.
RP2OCI_FUZZ_SRC = src/rp2oci/arena.c src/rp2oci/schema.c src/rp2oci/yaml_load.c \
	src/rp2oci/expand.c src/rp2oci/node_chain.c src/rp2oci/seccomp.c
EXTRA_DIST += tests/fuzz/fuzz_redpak_yaml.c tests/fuzz/fuzz_redpak_expand.c \
	tests/fuzz/run-fuzz-redpak.sh tests/fuzz/redpak-corpus
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_redpak_yaml tests/fuzz/fuzz_redpak_expand
tests_fuzz_fuzz_redpak_yaml_SOURCES = tests/fuzz/fuzz_redpak_yaml.c $(RP2OCI_FUZZ_SRC)
tests_fuzz_fuzz_redpak_yaml_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_redpak_yaml_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_redpak_yaml_LDADD = librrcore.a libocispec-lite.a librrcore.a $(YAJL_LIBS) $(YAML_LIBS)
tests_fuzz_fuzz_redpak_expand_SOURCES = tests/fuzz/fuzz_redpak_expand.c $(RP2OCI_FUZZ_SRC)
tests_fuzz_fuzz_redpak_expand_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_redpak_expand_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_redpak_expand_LDADD = librrcore.a libocispec-lite.a librrcore.a $(YAJL_LIBS) $(YAML_LIBS)

fuzz-redpak: tests/fuzz/fuzz_redpak_yaml tests/fuzz/fuzz_redpak_expand
	$(top_srcdir)/tests/fuzz/run-fuzz-redpak.sh ./tests/fuzz/fuzz_redpak_yaml $(FUZZ_SECONDS)
	$(top_srcdir)/tests/fuzz/run-fuzz-redpak.sh ./tests/fuzz/fuzz_redpak_expand $(FUZZ_SECONDS)
endif
.PHONY: fuzz-redpak
