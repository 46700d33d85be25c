#!/bin/sh
# bench/control/run.sh — how fast the control socket changes a running
# network.  Run as root from the repository root after `make`:
#
#   bench/control/run.sh [ENGINE]        (default: userspace)
#
# Measures: a raw protocol request on an open connection (hello, set),
# connect+request+close, `linkem-ctl set` from process start to the
# acknowledged change, and partition/heal of a 100-peer network.
# Results: bench/results/control.md (paste the output there).
set -eu
ENGINE=${1:-userspace}
B=${LINKEM_BUILD:-build}
RTT="python3 bench/control/rtt.py"
DIR=$(mktemp -d /run/lk-bench-ctl-XXXXXX)
trap 'kill $L1 $L2 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"' EXIT

start() { # N LOG ARGS... -> waits for the socket, prints its path
	n=$1; log=$2; shift 2
	"$B/linkem-launch" -n "$n" --engine "$ENGINE" --control "$DIR/$n.sock" \
		"$@" -- sleep 600 >/dev/null 2>"$log" &
	echo $! > "$log.pid"
	for _ in $(seq 200); do
		[ -S "$DIR/$n.sock" ] && "$B/linkem-ctl" --control "$DIR/$n.sock" hello \
			>/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "launch of $n peers did not start:" >&2; cat "$log" >&2; exit 1
}

echo "## control round trips ($(uname -r), $(nproc) CPUs, engine $ENGINE)"
echo
start 2 "$DIR/2.log" --link 1-2:delay=1ms
L1=$(cat "$DIR/2.log.pid")
S="$DIR/2.sock"
echo "- raw hello, one connection:     $($RTT "$S" raw 2000 hello)"
echo "- raw set, one connection:       $($RTT "$S" raw 2000 set '1-2:delay={i}ms')"
echo "- connect+set+close:             $($RTT "$S" connect 1000 set '1-2:delay={i}ms')"
echo "- linkem-ctl set (process):      $($RTT "$S" ctl 300 "$B/linkem-ctl" set '1-2:delay={i}ms')"
echo "- linkem-ctl hello (process):    $($RTT "$S" ctl 300 "$B/linkem-ctl" hello)"

start 100 "$DIR/100.log" --link '*-*:delay=1ms'
L2=$(cat "$DIR/100.log.pid")
S="$DIR/100.sock"
echo "- 100 peers, halves (5000 links each way): $($RTT "$S" pair 10 partition '1..50/51..100' -- heal) [partition]"
echo "- 100 peers, 10 groups (9000 links):         $($RTT "$S" pair 10 partition '1..10/11..20/21..30/31..40/41..50/51..60/61..70/71..80/81..90' -- heal) [partition]"
echo "- 100 peers, set *-*:delay (9900 links):      $($RTT "$S" raw 10 set '*-*:delay={i}ms')"
