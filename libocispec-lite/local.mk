# SPDX-License-Identifier: Apache-2.0
# Generated from schemas/ by tools/genocispec.py (make regen); output committed.
noinst_LIBRARIES += libocispec-lite.a
libocispec_lite_a_SOURCES = \
	libocispec-lite/placeholder.c
