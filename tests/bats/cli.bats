#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Command-line surface: version, help, global options.

load helpers

setup() {
	common_setup
}

@test "version prints runc-shaped first line and the spec version" {
	run "$REDRUN" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^redrun\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[[ "$output" == *"spec: 1.3.0"* ]]
}

@test "unknown command is one clear error line" {
	run "$REDRUN" frobnicate
	[ "$status" -ne 0 ]
	[ "$output" = "redrun: unknown command \`frobnicate\` (see redrun --help)" ]
}

@test "bad --log-format is rejected naming the flag" {
	run "$REDRUN" --log-format xml version
	[ "$status" -ne 0 ]
	[[ "$output" == *"--log-format: unknown format \`xml\`"* ]]
}
