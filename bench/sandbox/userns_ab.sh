#!/bin/sh
# bench/sandbox/userns_ab.sh — what the peers' user namespace costs.
#
#   bench/sandbox/userns_ab.sh [LINKEM_LAUNCH] [RUNS]
#
# The same binary, alternating (same minute, same load), RUNS times each
# (default 7): `linkem-launch -q -n 100 -- true` (a user namespace per
# peer) and the same with `--cap-host CHOWN` (no user namespace: the
# peers are host root, as before).  Prints wall and CPU (user + sys of
# the launcher and all its peers, from /usr/bin/time) medians: CPU time
# is what a loaded, shared machine distorts least.  Needs root.
set -eu

LAUNCH=${1:-build/linkem-launch}
RUNS=${2:-7}
T=$(mktemp)
R=$(mktemp)
trap 'rm -f "$T" "$R"' EXIT

i=0
while [ $i -lt "$RUNS" ]; do
	for v in userns no-userns; do
		if [ $v = userns ]; then set --; else set -- --cap-host CHOWN; fi
		/usr/bin/time -o "$T" -f "%e %U %S" "$LAUNCH" -q -n 100 "$@" \
			-- true >/dev/null 2>&1
		echo "$v $(cat "$T")" >>"$R"
	done
	i=$((i + 1))
done
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "| launch (N=100, median of $RUNS) | wall (s) | CPU (s) | CPU per peer (ms) |"
echo "|---|---:|---:|---:|"
for v in userns no-userns; do
	w=$(grep "^$v " "$R" | awk '{ print $2 }' | med)
	c=$(grep "^$v " "$R" | awk '{ print $3 + $4 }' | med)
	echo "| $v | $w | $c | $(echo "$c" | awk '{ printf "%.1f", $1 * 10 }') |"
done
