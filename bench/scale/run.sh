#!/bin/sh
# bench/scale/run.sh — issue 14's table: N peers ready, teardown, time
# per peer against N, supervisor RSS, host memory per peer, per engine.
#
#   sh bench/scale/run.sh [-r REPS] [-N "100 300 1000 2000"] [-e "auto userspace"]  (auto: the bridge engine, nothing to impair)
#
# For each engine and N, REPS runs of
#     linkem-launch -q -n N --engine E -- stamp
# where stamp prints CLOCK_MONOTONIC (µs) in every peer:
#   ready     = last stamp - t0 (t0 taken just before starting the tool)
#   total     = the tool's exit - t0
#   teardown  = total - ready (the workload exits at once: this is the
#               time from the last peer running to everything gone)
#   per peer  = ready / N
#   RSS       = the supervisor's peak (GNU time %M)
# Raw lines go to build/bench/scale-raw.tsv; tables (medians, [min-max])
# on stdout; plot.py draws per-peer time against N from the raw file.
# Host memory per peer: one run per engine at the largest N with
# `-- sleep 4` instead of stamp, MemAvailable before and while running.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reps=3
sizes="100 300 1000 2000"
engines="auto userspace"
while getopts r:N:e: o; do
	case $o in
	r) reps=$OPTARG ;;
	N) sizes=$OPTARG ;;
	e) engines=$OPTARG ;;
	*) echo "usage: $0 [-r REPS] [-N SIZES] [-e ENGINES]" >&2; exit 2 ;;
	esac
done
launch=${LINKEM_BUILD:-$root/build}/linkem-launch
stamp=$root/build/bench/stamp
raw=$root/build/bench/scale-raw.tsv
sh "$root/bench/startup/build-stamp.sh" "$stamp"
mkdir -p "$(dirname "$raw")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "# $(date -u +%FT%TZ) $(uname -srm) $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"
for e in $engines; do
	for n in $sizes; do
		r=0
		while [ "$r" -lt "$reps" ]; do
			r=$((r + 1))
			t0=$("$stamp")
			if ! /usr/bin/time -f '%M' -o "$tmp/time" \
				"$launch" -q -n "$n" --engine "$e" -- "$stamp" \
				>"$tmp/out" 2>"$tmp/err"; then
				echo "$e n=$n: $(head -1 "$tmp/err")" >&2
				printf '%s\t%s\tfail\t\t\t\t%s\n' "$e" "$n" \
					"$(cut -d' ' -f1 /proc/loadavg)" >>"$raw"
				continue
			fi
			t1=$("$stamp")
			last=$(sed 's/^\[[^]]*\] //' "$tmp/out" | sort -n | tail -1)
			got=$(wc -l <"$tmp/out")
			rss=$(tail -1 "$tmp/time")
			printf '%s\t%s\tok\t%s\t%s\t%s\t%s\t%s\n' "$e" "$n" \
				$(((last - t0) / 1000)) $(((t1 - t0) / 1000)) \
				"$rss" "$(cut -d' ' -f1 /proc/loadavg)" "$got" \
				>>"$raw"
		done
	done
done

# Host memory per peer at the largest N.
big=$(echo "$sizes" | tr ' ' '\n' | sort -n | tail -1)
for e in $engines; do
	before=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
	"$launch" -q -n "$big" --engine "$e" -- sh -c 'exec sleep 6' &
	pid=$!
	sleep 5
	during=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
	wait "$pid" || true
	printf 'mem\t%s\t%s\t%s\n' "$e" "$big" \
		$(((before - during) / big)) >>"$raw"
done
python3 "$here/summarize.py" "$raw"
