#!/usr/bin/env bash
# check-layers.sh [RULES] — checks the library's #include graph:
#   1. every #include "dir/x.h" from a folder named in RULES goes to the
#      folder itself, to include/, or to a folder RULES lists for it;
#   2. no circle between modules (a module is a .c/.h pair: x.c and x.h),
#      found with tsort(1).
# Prints one line per offence; exit status 1 when there is any.
set -u
cd "$(dirname "$0")/.." || exit 2
rules=${1:-layers.rules}
declare -A allow
while IFS= read -r line; do
	line=${line%%#*}
	[[ $line == *:* ]] || continue
	dir=$(echo "${line%%:*}" | xargs)
	allow[$dir]=" $(echo "${line#*:}" | xargs) "
done <"$rules"

bad=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for dir in "${!allow[@]}"; do
	for f in "$dir"/*.c "$dir"/*.h; do
		[[ -e $f ]] || continue
		from=${f%.*}
		while IFS=: read -r ln to; do
			[[ $to == */* ]] || to="$dir/$to"
			tdir=${to%%/*}
			[[ $tdir == include ]] && continue
			if [[ $tdir != "$dir" && ${allow[$dir]} != *" $tdir "* ]]; then
				echo "$f:$ln: $dir/ includes $to ($tdir/ is not below $dir/ in $rules)"
				bad=1
			fi
			# x_internal.h is x's private header: the same module.
			tmod=${to%.*}; tmod=${tmod%_internal}
			[[ $tmod != "${from%_internal}" ]] && echo "${from%_internal} $tmod" >>"$edges"
		done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
			sed 's/^\([0-9]*\):.*"\([^"]*\)".*/\1:\2/')
	done
done
# tsort prints each circle as "input contains a loop:" and its members.
loops=$(tsort "$edges" 2>&1 >/dev/null | sed 's/^tsort: //' |
	awk '/contains a loop/ { if (l) print l; l = "include circle:"; next }
	     { l = l " " $0 } END { if (l) print l }')
if [[ -n $loops ]]; then
	echo "$loops"
	bad=1
fi
exit $bad
