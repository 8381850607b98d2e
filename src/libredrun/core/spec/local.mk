# SPDX-License-Identifier: Apache-2.0
librrcore_a_SOURCES += \
	src/libredrun/core/spec/validate.h \
	src/libredrun/core/spec/validate.c
librrcore_a_SOURCES += \
	src/libredrun/core/spec/default.h \
	src/libredrun/core/spec/default.c
librrcore_a_SOURCES += src/libredrun/core/spec/lifecycle_checks.h src/libredrun/core/spec/lifecycle_checks.c
