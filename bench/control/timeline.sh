#!/bin/sh
# timeline.sh — how close to its time a --at step applies.
# Runs R launches of 2 peers with one step at 400 ms (kill peer 2) and
# prints the offsets the supervisor logged, then the median and maximum
# lateness.  As root, from the repository root, after `make`.
set -eu
R=${1:-20}
LAUNCH=${LAUNCH:-build/linkem-launch}
for i in $(seq 1 "$R"); do
	"$LAUNCH" -n 2 --at 400ms:kill=2:KILL -- sleep 1 2>&1 >/dev/null |
		sed -n 's/.*+\([0-9.]*\)s.*--at 400ms.*/\1/p'
done | sort -n | awk '
	{ v[NR] = ($1 - 0.4) * 1000 }
	END {
		if (NR == 0) { print "no step logged"; exit 1 }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "runs %d  lateness median %.2f ms  max %.2f ms\n", NR, m, v[NR]
	}'
