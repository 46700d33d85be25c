#!/bin/bash
# run-suite.sh — run one Criterion test binary; when it fails, repeat what
# failed (each [FAIL] line, each failed assertion with its message, each
# crash) at the end, so that the tail of a long CI log says what went
# wrong.  With LINKEM_SUITE_FAILURES=FILE, that summary is also appended
# to FILE.  Exits with the binary's status.
#
#   tests/run-suite.sh BINARY [CRITERION ARGS]...
set -u
[ $# -ge 1 ] || { echo "usage: $0 BINARY [ARGS]..." >&2; exit 2; }

log=$(mktemp "${TMPDIR:-/tmp}/linkem-suite.XXXXXX") || exit 125
trap 'rm -f "$log"' EXIT
"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
summary() {
	echo "=== $(basename "$1") failed (exit $rc${LINKEM_TEST_ENGINE:+, LINKEM_TEST_ENGINE=$LINKEM_TEST_ENGINE}); what failed:"
	# An assertion's message follows it on lines that start "[----]   ".
	awk '/Assertion Failed|CRASH|Crash|Unexpected signal|ERROR: AddressSanitizer|runtime error:/ { p = 1; print; next }
	     p && /^\[----\]   / { print; next }
	     { p = 0 }
	     /^\[FAIL\]/ { print }' "$log"
}
if [ "$rc" -ne 0 ]; then
	summary "$1"
	[ -z "${LINKEM_SUITE_FAILURES:-}" ] || summary "$1" >>"$LINKEM_SUITE_FAILURES"
fi
exit "$rc"
