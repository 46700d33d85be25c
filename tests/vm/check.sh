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

run() {
	local t0 t1
	echo "=== $*"
	t0=$(date +%s)
	"$@" || rc=1
	t1=$(date +%s)
	echo "=== $(($t1 - $t0)) s: $1"
}

run "$B/tests/vm-tests" --jobs 1 --verbose "$@"
LINKEM_TEST_ENGINE=kernel run "$B/tests/behaviour-tests" --jobs 1 --verbose "$@"
LINKEM_TEST_ENGINE=userspace run "$B/tests/behaviour-tests" --jobs 1 --verbose "$@"
exit $rc
