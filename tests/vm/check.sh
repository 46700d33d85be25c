#!/bin/bash
# check.sh — what `make check-vm` runs inside the VM, in one boot: the
# kernel-engine tests (vm-tests), then the behaviour suite against the
# kernel engine, then against the userspace engine.  Arguments go to each
# of the three runs (e.g. --filter 'kernel/delay*': a pattern that names
# nothing in a binary runs nothing there).  Exits 1 when any run failed.
#
#   tests/vm/run.sh --share build -- tests/vm/check.sh [CRITERION ARGS]
set -u
B=${LINKEM_BUILD:-$PWD/build}
rc=0
# run-suite.sh appends what failed in each run here; it is repeated once
# more after the last run, so the end of the log names every failure.
export LINKEM_SUITE_FAILURES=/tmp/linkem-vm-failures
: >"$LINKEM_SUITE_FAILURES"

run() {
	local t0 t1
	echo "=== $*"
	t0=$(date +%s)
	"$B/tests/run-suite.sh" "$@" || rc=1
	t1=$(date +%s)
	echo "=== $(($t1 - $t0)) s: $1 (LINKEM_TEST_ENGINE=${LINKEM_TEST_ENGINE:-})"
}

run "$B/tests/vm-tests" --jobs 1 --verbose "$@"
LINKEM_TEST_ENGINE=kernel run "$B/tests/behaviour-tests" --jobs 1 --verbose "$@"
LINKEM_TEST_ENGINE=userspace run "$B/tests/behaviour-tests" --jobs 1 --verbose "$@"
if [ -s "$LINKEM_SUITE_FAILURES" ]; then
	echo "=== what failed in the VM:"
	cat "$LINKEM_SUITE_FAILURES"
fi
exit $rc
