#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installed by the engine tests in front of the runtime under test (as the file the
# engine is configured to call). It appends each call -- argv, caller, cwd, exit
# status -- to a log the tests print when they fail, then returns the runtime's status.
# Filled in by install_runtime_wrapper (helpers.bash): REAL and LOG below.
REAL=@REAL@
LOG=@LOG@
{
	printf '%s [%d] from %s (cwd %s)\n' "$(date +%T.%3N)" $$ \
		"$(tr '\0' ' ' </proc/$PPID/cmdline 2>/dev/null | cut -c1-60)" "$PWD"
	printf '  $'
	printf ' %q' "${REAL##*/}" "$@"
	printf '\n'
} >>"$LOG" 2>/dev/null
"$REAL" "$@"
rc=$?
printf '  -> exit %d\n' "$rc" >>"$LOG" 2>/dev/null
exit "$rc"
