#!/bin/sh
# gen-tc-fixtures.sh — record what iproute2's tc sends to the kernel, so that
# linkem's encoders can be checked byte for byte without tc at test time.
#
# For each line "NAME<TAB>KIND<TAB>TC ARGS<TAB>LINKEM PARAMS" of
# tests/fixtures/tc/*.list, run `tc ARGS` inside a fresh network namespace
# under strace, take the first netlink request of the expected type and
# write its attributes (everything after struct nlmsghdr + struct tcmsg:
# TCA_KIND, TCA_OPTIONS, ...) as hex to tests/fixtures/tc/NAME.hex.
# tc may fail after sending (this kernel has no sch_netem): only the request
# matters.  Also records /proc/net/psched (the tick the requests depend on)
# and the tc version.  Needs root, tc, strace, unshare.
#
#   scripts/gen-tc-fixtures.sh [FIXTURE-DIR]
set -eu

dir=${1:-$(dirname "$0")/../tests/fixtures/tc}
command -v tc >/dev/null && command -v strace >/dev/null || {
	echo "gen-tc-fixtures: needs tc and strace" >&2; exit 1; }

cp /proc/net/psched "$dir/psched"
# tc 6.1 only reads tables as TCLIB/NAME.dist: reach the fixture directory
# through a relative path from its library directory.
tclib=$(dirname "$(find /usr/lib -name normal.dist -path '*tc*' | head -n1)")
updir=$(echo "$tclib" | sed 's|/[^/]*|../|g')
tcfix="$updir$(cd "$dir" && pwd)"
tc -V > "$dir/tc-version"

# The request of the given nlmsg type (hex, e.g. 24 = RTM_NEWQDISC) from an
# strace -e write=all dump on stdin, attributes only, 32 bytes per line.
extract() {
	awk -v want="$1" '
	/^ \* [0-9]+ bytes in buffer/ { if (found) exit; cur = ""; inbuf = 1; next }
	/^ \| [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / && inbuf {
		line = substr($0, 11, 49)
		n = split(line, b, " ")
		for (i = 1; i <= n; i++) cur = cur b[i]
		if (length(cur) >= 12 && substr(cur, 9, 2) == want) found = 1
		next
	}
	{ if (found) exit; inbuf = 0 }
	END {
		if (!found) exit 1
		cur = substr(cur, 73)	# skip nlmsghdr (16) + tcmsg (20)
		for (i = 1; i <= length(cur); i += 64) print substr(cur, i, 64)
	}'
}

for list in "$dir"/*.list; do
	while IFS='	' read -r name kind args params; do
		case "$name" in ''|'#'*) continue ;; esac
		args=$(echo "$args" | sed "s|@TCFIX@|$tcfix|g")
		case "$kind" in
		qdisc) type=24; pre="qdisc add dev lo root" ;;
		class) type=28; pre="class add dev lo" ;;
		filter) type=2c; pre="filter add dev lo" ;;
		*) echo "gen-tc-fixtures: $name: bad kind $kind" >&2; exit 1 ;;
		esac
		# shellcheck disable=SC2086
		if ! unshare -n strace -f -e trace=sendmsg -e write=all -xx \
			-s 65536 -o /dev/stdout tc $pre $args 2>/dev/null \
			| extract $type > "$dir/$name.hex.tmp"; then
			echo "gen-tc-fixtures: $name: no request from: tc $pre $args" >&2
			rm -f "$dir/$name.hex.tmp"; exit 1
		fi
		mv "$dir/$name.hex.tmp" "$dir/$name.hex"
		echo "$name: tc $pre $args"
	done < "$list"
done
