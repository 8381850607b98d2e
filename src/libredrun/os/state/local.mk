# SPDX-License-Identifier: Apache-2.0
librros_a_SOURCES +=
