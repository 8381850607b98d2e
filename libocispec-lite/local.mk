# SPDX-License-Identifier: Apache-2.0
# OCI types: oci_types.{h,c} are generated from schemas/ by tools/genocispec.py
# and committed, so building never needs Python. oci_rt.c (the table walker)
# and oci_json.c (yajl -> tree with line/column errors) are hand-written.
noinst_LIBRARIES += libocispec-lite.a
libocispec_lite_a_SOURCES = \
	libocispec-lite/oci_types.h \
	libocispec-lite/oci_types.c \
	libocispec-lite/oci_rt.h \
	libocispec-lite/oci_rt.c \
	libocispec-lite/oci_json.h \
	libocispec-lite/oci_json.c

OCISPEC_SCHEMAS = \
	schemas/defs.json \
	schemas/config.json \
	schemas/config-linux.json \
	schemas/state.json \
	schemas/features.json
EXTRA_DIST += $(OCISPEC_SCHEMAS) tools/genocispec.py

PYTHON3 ?= python3

# Rewrite the committed sources from the schemas.
regen:
	$(PYTHON3) $(top_srcdir)/tools/genocispec.py $(top_srcdir)/schemas \
		$(top_srcdir)/libocispec-lite --clang-format $(CLANG_FORMAT)

# Fail when the committed sources differ from a fresh run (schema edited
# without `make regen`, or generated files edited by hand).
check-regen:
	@tmp=$$(mktemp -d) && \
	$(PYTHON3) $(top_srcdir)/tools/genocispec.py $(top_srcdir)/schemas "$$tmp" \
		--clang-format $(CLANG_FORMAT) && \
	diff -u $(top_srcdir)/libocispec-lite/oci_types.h "$$tmp/oci_types.h" && \
	diff -u $(top_srcdir)/libocispec-lite/oci_types.c "$$tmp/oci_types.c"; \
	r=$$?; rm -rf "$$tmp"; \
	if [ $$r -ne 0 ]; then echo "libocispec-lite is out of date: run make regen" >&2; fi; \
	exit $$r

.PHONY: regen check-regen
