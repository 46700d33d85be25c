# SPDX-License-Identifier: LGPL-2.1-or-later
# The supervisor SIGKILLed at 20 moments of setting up and tearing down
# $FAULTS_PEERS peers (200) running sleep 5, the moment chosen by what
# the launch is doing, read from outside without ptrace:
#   clone-K   K inits exist (the trial's cgroup counts K+2 tasks: the
#             supervisor and its janitor, see launcher/control_janitor.c)
#   wired-K   peer K has its address on eth0 (its init's
#             /proc/PID/net/if_inet6 shows the peer's namespace; the
#             supervisor wires the peers in order)
#   go-K      K workloads started (the count passes N+2+K)
#   end-K     the workloads ending and the inits leaving: the count
#             (once past N+2+N/2) falls to K.  Below N the inits leave
#             all at once (a few hundred ms): the launch may end with 0
#             before the kill lands; the trial says so and still checks.
# Afterwards: the supervisor died of SIGKILL and nothing remains.

kill_moments() {
	local n=$1
	echo "clone-1 clone-$((n / 4)) clone-$((n / 2)) clone-$((3 * n / 4)) clone-$n"
	echo "wired-1 wired-$((n / 4)) wired-$((n / 2)) wired-$((3 * n / 4)) wired-$n"
	echo "go-1 go-$((n / 2)) go-$n"
	echo "end-$((7 * n / 4)) end-$((3 * n / 2)) end-$((5 * n / 4)) end-$n"
	echo "end-$((3 * n / 4)) end-$((n / 4)) end-2"
}

trial_kill_supervisor() { # ENGINE MOMENT
	local eng="$1" m="$2" n="$FAULTS_PEERS" kind k ok=0 st
	local -a eargs=()
	[ "$eng" = bridge ] || eargs=(--engine "$eng" --link '1-2:delay=1ms')
	kind=${m%-*}
	k=${m#*-}
	trial_begin "kill-supervisor/$eng/$m"
	start_launch launch -q "${eargs[@]}" -n "$n" -- sleep 5
	case $kind in
	clone) wait_procs ge $((k + 2)) "$SUP" && ok=1 ;;
	wired) wait_procs ge $((n + 2)) "$SUP" && wait_wired "$k" "$SUP" && ok=1 ;;
	go) wait_procs ge $((n + 2 + k)) "$SUP" && ok=1 ;;
	end) wait_procs ge $((n + 2 + n / 2)) "$SUP" && ok=1
		# The last moments can pass between two polls: the launch
		# then ends (with 0) before the kill, as below.
		{ wait_procs le "$k" "$SUP" || ((k <= n)); } || ok=0 ;;
	esac
	[ "$ok" = 1 ] || problem "the launch ended before $m ($(procs) tasks)"
	NOTE="(tasks at the kill: $(procs))"
	kill -9 "$SUP" 2>/dev/null
	wait_status "$SUP" 30; st=$?
	if [ "$ok" = 1 ] && [ "$kind" = end ] && ((k <= n)) && [ "$st" = 0 ]; then
		NOTE="(ended with 0 before the kill)"
	elif [ "$ok" = 1 ]; then
		expect_status "$st" 137
	fi
	trial_end
}

group_kill_supervisor() {
	local eng m
	for eng in ${FAULTS_ENGINES:-bridge userspace}; do
		for m in $(kill_moments "$FAULTS_PEERS"); do
			trial_kill_supervisor "$eng" "$m"
		done
	done
}
