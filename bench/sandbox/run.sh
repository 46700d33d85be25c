#!/bin/sh
# bench/sandbox/run.sh — what the sandbox costs at start-up.
#
#   bench/sandbox/run.sh [LINKEM_LAUNCH] [RUNS]
#
# Wall time (median of RUNS, default 5) of:
#   linkem-launch -n 100 -- true                  (policy default)
#   linkem-launch -n 100 --policy none -- true
#   linkem-launch -n 100 --policy strict -- true
#   100 x bwrap --unshare-net --unshare-pid --cap-drop ALL ... true,
#     all started at once (as linkem starts its peers) and one after another
# Needs root and Debian's bubblewrap.  Prints a Markdown table.
set -eu

LAUNCH=${1:-build/linkem-launch}
RUNS=${2:-5}
N=100

now() { date +%s.%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

time_cmd() { # RUNS times "$@", prints the median in seconds
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
		t1=$(now)
		echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
		i=$((i + 1))
	done | median
}

BWRAP="bwrap --unshare-net --unshare-pid --unshare-ipc --unshare-uts \
--cap-drop ALL --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp \
--die-with-parent true"

bwrap_parallel() {
	j=0
	while [ $j -lt $N ]; do
		$BWRAP &
		j=$((j + 1))
	done
	wait
}

bwrap_serial() {
	j=0
	while [ $j -lt $N ]; do
		$BWRAP
		j=$((j + 1))
	done
}

echo "| what (N=$N, median of $RUNS) | seconds | per peer (ms) |"
echo "|---|---:|---:|"
for row in "linkem-launch --policy default|$LAUNCH -q -n $N -- true" \
	"linkem-launch --policy none|$LAUNCH -q -n $N --policy none -- true" \
	"linkem-launch --policy strict|$LAUNCH -q -n $N --policy strict -- true"; do
	name=${row%%|*}
	cmd=${row#*|}
	# shellcheck disable=SC2086
	s=$(time_cmd $cmd)
	echo "| $name | $s | $(echo "$s $N" | awk '{ printf "%.2f", $1 * 1000 / $2 }') |"
done
s=$(time_cmd bwrap_parallel)
echo "| $N x bwrap, started at once | $s | $(echo "$s $N" | awk '{ printf "%.2f", $1 * 1000 / $2 }') |"
s=$(time_cmd bwrap_serial)
echo "| $N x bwrap, one after another | $s | $(echo "$s $N" | awk '{ printf "%.2f", $1 * 1000 / $2 }') |"
