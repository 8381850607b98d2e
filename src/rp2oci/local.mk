# SPDX-License-Identifier: Apache-2.0
# rp2oci links only the pure core library: it can never mount, clone or write cgroups.
bin_PROGRAMS += rp2oci
rp2oci_SOURCES = \
	src/rp2oci/main.c
rp2oci_LDADD = librrcore.a libocispec-lite.a librrcore.a $(YAJL_LIBS) $(JSONC_LIBS) $(YAML_LIBS)
