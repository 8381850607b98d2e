#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Test driver for one .bats file under automake (TAP on stdout).
exec bats --tap "$@"
