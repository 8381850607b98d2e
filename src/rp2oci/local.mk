# SPDX-License-Identifier: Apache-2.0
# rp2oci links only the pure core library: it can never mount, clone or write cgroups.
bin_PROGRAMS += rp2oci
# Everything but main.c also goes into a small library for the unit tests and fuzzers.
noinst_LIBRARIES += librp2oci.a
librp2oci_a_SOURCES = \
	src/rp2oci/rp2oci.h \
	src/rp2oci/schema.h \
	src/rp2oci/to_oci.h \
	src/rp2oci/bundle.h \
	src/rp2oci/arena.c \
	src/rp2oci/schema.c \
	src/rp2oci/yaml_load.c \
	src/rp2oci/node_chain.c \
	src/rp2oci/expand.c \
	src/rp2oci/cmd.c \
	src/rp2oci/merge.c \
	src/rp2oci/exports.c \
	src/rp2oci/cgroups.c \
	src/rp2oci/seccomp.c \
	src/rp2oci/to_oci.c \
	src/rp2oci/bundle.c
rp2oci_SOURCES = \
	src/rp2oci/main.c
rp2oci_LDADD = librp2oci.a librrcore.a libocispec-lite.a $(YAJL_LIBS) $(YAML_LIBS)
dist_man_MANS += man/rp2oci.1
EXTRA_DIST += contrib/redpak tests/rp2oci
