# SPDX-License-Identifier: LGPL-2.1-or-later
# Ten launches of 20 peers started at once; three are SIGKILLed at
# different moments (while cloning, while wiring, while the workloads
# run).  The seven others are unaffected: each exits 0, which means
# every one of its peers could ping the next one (peer20 pings peer1).
# Nothing of any of them remains.

# kill_at SUP K: SIGKILL SUP once it has K tasks: itself, its janitor,
# its inits and their children (the workloads).
kill_at() {
	local sup=$1 k=$2 lim=$(( $(now_ms) + 60000 )) c p w x
	local -a kids
	while [ -d /proc/$sup ]; do
		read -r -a kids < /proc/$sup/task/$sup/children
		c=${#kids[@]}
		w=0
		for p in "${kids[@]}"; do
			x=
			read -r x < /proc/$p/task/$p/children
			[ -n "$x" ] && w=$((w + 1))
		done 2>/dev/null
		(( 1 + c + w >= k )) && break
		(( $(now_ms) > lim )) && break
		sleep 0.01
	done
	echo "killed at $((1 + c + w)) tasks"
	kill -9 "$sup"
}

trial_concurrent() {
	local i n=20 k
	local -a sup=()
	trial_begin "concurrent/10x20-peers/3-killed"
	for i in $(seq 0 9); do
		mkdir -p "$T/l$i"
		(cd "$T/l$i" && exec bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' \
			"$CG" "$LAUNCH" -q -n $n -- \
			sh -c 'sleep 2; ping -q -c 1 -W 10 peer$((LINKEM_ID % LINKEM_N + 1)) >/dev/null' \
			> "$T/l$i.out" 2> "$T/l$i.err") &
		sup[$i]=$!
		SUPS+=("$!")
	done
	# Killed: #2 as soon as it has cloned 5 peers, #5 when it has all
	# 20 inits, #8 once its workloads run (its tasks reach 40).
	for k in "2:7" "5:22" "8:40"; do
		i=${k%:*}
		kill_at "${sup[$i]}" "${k#*:}" > "$T/killer$i.log" 2>&1 &
	done
	for i in $(seq 0 9); do
		wait_status "${sup[$i]}" 120
		st=$?
		case $i in
		2|5|8) expect_status "$st" 137 ;;
		*) [ "$st" = 0 ] || problem "launch $i: status $st: $(tr '\n' '|' < "$T/l$i.err")" ;;
		esac
	done
	wait
	NOTE="($(cat "$T"/killer*.log | tr '\n' ' '))"
	rm -f "$T"/killer*.log
	KEEP='l[0-9]'
	trial_end
}

group_concurrent() {
	trial_concurrent
}
