# SPDX-License-Identifier: Apache-2.0
librrcore_a_SOURCES +=
