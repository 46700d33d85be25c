#!/bin/bash
# selftest.sh — checks tests/vm/run.sh itself: exit status, output, the
# caller's cwd and environment, --share, a guest kernel panic and a hung
# guest.  Five boots, ~40 s.  Run by `make check-vm-selftest`.
set -uo pipefail

RUN=$(cd "$(dirname "$0")" && pwd)/run.sh
fails=0
check() { # NAME EXPECTED-RC GOT-RC OUTPUT PATTERN
	if [ "$3" != "$2" ] || ! grep -q -- "$5" <<<"$4"; then
		echo "FAIL $1: exit $3 (want $2), output lacks '$5':"
		sed 's/^/    /' <<<"$4"
		fails=$((fails + 1))
	else
		echo "ok   $1"
	fi
}

share=$(mktemp -d /var/tmp/linkem-vm-selftest.XXXXXX)
trap 'rm -rf "$share"' EXIT

out=$(cd "$share" && SELFTEST_VAR='a b$c' "$RUN" --share "$share" -- \
	bash -c 'echo "cwd=$PWD var=$SELFTEST_VAR in_vm=$LINKEM_IN_VM"
		echo written >out.txt; exit 7' 2>&1)
check status-cwd-env 7 $? "$out" "cwd=$share var=a b\$c in_vm=1"
check share-written 0 0 "$(cat "$share/out.txt" 2>&1)" '^written$'

out=$("$RUN" -- sh -c 'touch /etc/linkem-vm-selftest' 2>&1)
check root-read-only 1 $? "$out" 'Read-only file system'

out=$("$RUN" -- sh -c 'echo c >/proc/sysrq-trigger' 2>&1)
check panic 125 $? "$out" 'guest kernel panic'

out=$("$RUN" --timeout 12 -- sleep 600 2>&1)
check timeout 124 $? "$out" 'timeout: the guest ran longer than 12 s'

[ "$fails" = 0 ] && echo "vm selftest: all passed" && exit 0
echo "vm selftest: $fails failed"
exit 1
