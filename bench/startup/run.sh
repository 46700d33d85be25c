#!/bin/sh
# run.sh — the startup benchmark: linkem-launch vs. an ip-netns shell script
# vs. Mininet, measured side by side in one run.  See bench/README.md.
#
#   bench/startup/run.sh [-r REPS] [-N "10 100 500"] [-t "linkem ipnetns mininet"]
#                        [-o RAW.tsv]                          (as root)
#
# For every repetition, every N and every tool (tool order rotated each
# repetition so slow drifts of a shared machine hit all tools alike):
#   ready  t0 = CLOCK_MONOTONIC just before starting the tool; the tool
#          runs the workload `stamp` (prints CLOCK_MONOTONIC in µs) in
#          every peer; ready = max over peers of that stamp - t0.
#   wall   the tool runs `true` in every peer; wall = time from t0 to the
#          tool's exit (setup + workload + teardown).
# For linkem also the supervisor's peak memory:
#   maxrss  GNU time %M of the `-- true` runs (wait4's ru_maxrss: the
#           supervisor's peak, or a child's if larger — an upper bound);
#   vmhwm   VmHWM of the supervisor process itself, polled every 20 ms
#           during `-n N -- sleep 1` (a lower bound on the true peak).
# Results: one TSV line per measurement on RAW (default
# build/bench/startup-raw.tsv), then a Markdown table of medians and of
# the ratios baseline/linkem on stdout.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reps=3
sizes="10 100 500"
tools="linkem ipnetns mininet"
raw="$root/build/bench/startup-raw.tsv"
LINKEM=${LINKEM:-$root/build/linkem-launch}
SETTLE=${SETTLE:-1}
TIMEOUT=${TIMEOUT:-900}

while getopts r:N:t:o: opt; do
	case $opt in
	r) reps=$OPTARG ;;
	N) sizes=$OPTARG ;;
	t) tools=$OPTARG ;;
	o) raw=$OPTARG ;;
	*) echo "usage: $0 [-r REPS] [-N SIZES] [-t TOOLS] [-o RAW]" >&2; exit 2 ;;
	esac
done

if [ "$(id -u)" != 0 ]; then
	echo "$0: must run as root (namespaces, bridges)" >&2
	exit 2
fi
for t in $tools; do
	case $t in
	linkem)
		[ -x "$LINKEM" ] || { echo "$0: $LINKEM not built (make)" >&2; exit 2; } ;;
	ipnetns)
		command -v ip >/dev/null || { echo "$0: ip(8) missing (iproute2)" >&2; exit 2; }
		command -v unshare >/dev/null || { echo "$0: unshare(1) missing" >&2; exit 2; } ;;
	mininet)
		[ -x /usr/bin/mn ] && command -v brctl >/dev/null || {
			echo "$0: needs Debian packages mininet and bridge-utils" >&2; exit 2; }
		if ip link show s1 >/dev/null 2>&1; then
			echo "$0: an interface s1 exists already (another Mininet?); not running mininet" >&2
			exit 2
		fi ;;
	*) echo "$0: unknown tool '$t' (linkem ipnetns mininet)" >&2; exit 2 ;;
	esac
done
[ -x /usr/bin/time ] || { echo "$0: needs /usr/bin/time (Debian package time)" >&2; exit 2; }

# One benchmark at a time on this machine: Mininet's names (s1, s1-ethI)
# are global to the root network namespace.
mkdir -p "$(dirname "$raw")" "$root/build/bench"
exec 9>/run/lock/linkem-bench-startup.lock
flock -n 9 || { echo "$0: another startup benchmark is running" >&2; exit 2; }

# The workload must be reachable from inside every peer: build it in the
# tree (not in a private /tmp).
STAMP="$root/build/bench/stamp"
sh "$here/build-stamp.sh" "$STAMP"

work=$(mktemp -d /tmp/lk-bench-startup.XXXXXX)
mn_started=0
cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ "$mn_started" = 1 ]; then
		# Only what Mininet left behind after a crash: its switch and ports.
		for l in $(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \(s1-eth[0-9]*\)[@:].*/\1/p'); do
			ip link del "$l" 2>/dev/null || true
		done
		ip link del s1 2>/dev/null || true
	fi
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { "$STAMP"; }

# run_tool TOOL N WORKLOAD... — runs the tool under GNU time; output to
# $work/out, time's "%e %M" to $work/time.
run_tool() {
	t=$1 n=$2
	shift 2
	case $t in
	linkem)
		timeout "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$work/time" \
			"$LINKEM" -n "$n" -- "$@" >"$work/out" 2>"$work/err" ;;
	ipnetns)
		timeout "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$work/time" \
			sh "$here/ipnetns.sh" "$n" "$@" >"$work/out" 2>"$work/err" ;;
	mininet)
		mn_started=1
		if [ "$1" = true ]; then
			# Exactly the command of the issue.
			timeout "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$work/time" \
				mn --topo "single,$n" --switch lxbr --controller none \
				--test none >"$work/out" 2>"$work/err"
		else
			timeout "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$work/time" \
				/usr/bin/python3 "$here/mininet_ready.py" "$n" "$@" \
				>"$work/out" 2>"$work/err"
		fi ;;
	*) return 2 ;;
	esac
}

record() { # tool n metric rep value
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$raw"
}

fail() {
	echo "$0: $1 N=$2 $3 failed; stderr:" >&2
	tail -n 20 "$work/err" >&2
	exit 1
}

: >"$raw"
printf 'tool\tn\tmetric\trep\tvalue\n' >>"$raw"

# Driver overhead: t0 then one stamp, no tool in between.
for rep in $(seq 1 "$reps"); do
	t0=$(now)
	t1=$("$STAMP")
	record driver 1 ready_ms "$rep" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1000}')"
done

rep=1
while [ "$rep" -le "$reps" ]; do
	# Rotate the tool order each repetition.
	order=$tools
	k=1
	while [ "$k" -lt "$rep" ]; do
		first=${order%% *}
		rest=${order#* }
		[ "$rest" = "$order" ] || order="$rest $first"
		k=$((k + 1))
	done
	for n in $sizes; do
		for t in $order; do
			echo "rep $rep/$reps N=$n $t" >&2
			# ready
			t0=$(now)
			run_tool "$t" "$n" "$STAMP" || fail "$t" "$n" ready
			got=$(grep -c '[0-9]$' "$work/out" || true)
			[ "$got" = "$n" ] || {
				echo "$0: $t N=$n: $got of $n peers printed a stamp" >&2
				fail "$t" "$n" ready; }
			ready=$(awk -v t0="$t0" '$NF ~ /^[0-9]+$/ && $NF > m { m = $NF }
				END { printf "%.3f", (m - t0) / 1000 }' "$work/out")
			record "$t" "$n" ready_ms "$rep" "$ready"
			sleep "$SETTLE"
			# wall of `-- true`
			t0=$(now)
			run_tool "$t" "$n" true || fail "$t" "$n" wall
			t1=$(now)
			record "$t" "$n" wall_ms "$rep" \
				"$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1000}')"
			if [ "$t" = linkem ]; then
				record "$t" "$n" maxrss_kib "$rep" "$(awk '{print $2}' "$work/time")"
			fi
			sleep "$SETTLE"
		done
	done
	rep=$((rep + 1))
done

# Peak memory of the supervisor process itself (VmHWM), polled.
case " $tools " in
*" linkem "*)
	for n in $sizes; do
		for rep in $(seq 1 "$reps"); do
			"$LINKEM" -n "$n" -- sleep 1 >/dev/null 2>&1 &
			pid=$!
			hwm=0
			while kill -0 "$pid" 2>/dev/null; do
				v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
				case $v in '' | *[!0-9]*) ;; *) [ "$v" -gt "$hwm" ] && hwm=$v ;; esac
				sleep 0.02
			done
			wait "$pid" || fail linkem "$n" vmhwm
			record linkem "$n" vmhwm_kib "$rep" "$hwm"
			sleep "$SETTLE"
		done
	done ;;
esac

sh "$here/summarize.sh" "$raw"
