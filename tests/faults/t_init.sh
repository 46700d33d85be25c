# SPDX-License-Identifier: LGPL-2.1-or-later
# A peer's init (PID 1 of the peer, launcher/peer_init.c) SIGKILLed at
# each step of the sync protocol with the supervisor.  The step is read
# from outside, without ptrace: the init is a child of the supervisor
# (/proc/SUP/task/SUP/children, after the janitor), and
#   setup     just cloned: killed at first sight (mounts, hostname)
#   wait-go   blocked reading "go" (wchan __skb_wait_for_more_packets,
#             no child): the supervisor is still cloning and wiring;
#             peer1 and peer20 of 30 (the last one may still be in its
#             setup when "go" comes, under load)
#   running   its workload is its child; init polls
#   ended     its workload has ended and its status was sent; init
#             waits for "exit" while the other peers still run
#   restart   linkem-ctl restart: init has sent SIGTERM to a workload
#             that ignores it and waits out --grace
# Afterwards nothing is left, and the error says which peer and what.

# init_of SUP ID: the pid of peer ID's init (the supervisor's children
# in clone order, its janitor first).
init_of() {
	local sup=$1 id=$2 lim=$(( $(now_ms) + 60000 ))
	local -a k
	while :; do
		read -r -a k < /proc/$sup/task/$sup/children 2>/dev/null
		[ -d /proc/$sup ] || return 1
		if [ ${#k[@]} -gt "$id" ]; then echo "${k[$id]}"; return 0; fi
		(( $(now_ms) > lim )) && return 1
	done
}

wchan() { local w; read -r w < /proc/$1/wchan 2>/dev/null; echo "${w:-gone}"; }

# wait_state PID WANT_WCHAN WANT_CHILD(yes/no)
wait_state() {
	local p=$1 want=$2 child=$3 lim=$(( $(now_ms) + 60000 )) c w
	while [ -d /proc/$p ]; do
		w= c=
		read -r w < /proc/$p/wchan 2>/dev/null
		read -r c < /proc/$p/task/$p/children 2>/dev/null
		if [[ $w == $want* ]]; then
			[ "$child" = yes ] && [ -n "$c" ] && return 0
			[ "$child" = no ] && [ -z "$c" ] && return 0
		fi
		(( $(now_ms) > lim )) && return 1
	done
	return 1
}

# Setup takes a few ms per init: watch the newest init while the
# supervisor clones 60, and kill the first one seen before it waits for
# "go" (its wchan is not __skb_wait_for_more_packets).
trial_init_setup() {
	local p w id lim
	local -a k
	trial_begin "init/killed-at-setup"
	start_launch launch -q -n 60 -- sleep 2
	lim=$(( $(now_ms) + 60000 ))
	while [ -d /proc/$SUP ] && (( $(now_ms) < lim )); do
		read -r -a k < /proc/$SUP/task/$SUP/children 2>/dev/null
		id=$(( ${#k[@]} - 1 ))
		((id >= 1)) || continue
		p=${k[$id]}
		w=
		read -r w < /proc/$p/wchan 2>/dev/null
		if [ -n "$w" ] && [ "$w" != __skb_wait_for_more_packets ] ||
			((id == 60)); then
			kill -9 "$p"
			break
		fi
	done
	NOTE="(peer$id's init in ${w:-?})"
	[ "$w" = __skb_wait_for_more_packets ] && NOTE="(missed setup: $NOTE)"
	wait_status "$SUP" 60; ST=$?
	expect_status "$ST" 1
	expect_in "$T/launch.err" "peer$id's init was killed by signal 9 \(SIGKILL\) before the launch was ready" "names the peer and the signal"
	trial_end
}

trial_init_wait_go() { # ID
	local id=$1 p
	trial_begin "init/killed-waiting-for-go/peer$id"
	start_launch launch -q -n 30 -- sleep 2
	p=$(init_of "$SUP" "$id")
	wait_state "$p" __skb_wait_for_more_packets no ||
		problem "init never waited for go"
	kill -9 "$p"
	wait_status "$SUP" 60; ST=$?
	expect_status "$ST" 1
	expect_in "$T/launch.err" "peer$id's init was killed by signal 9 \(SIGKILL\) before the launch was ready" "names the peer and the signal"
	trial_end
}

trial_init_running() {
	local p
	trial_begin "init/killed-while-workload-runs"
	start_launch launch -q -n 10 -- sleep 2
	p=$(init_of "$SUP" 1)
	wait_state "$p" poll yes || problem "the workload never started"
	kill -9 "$p"
	wait_status "$SUP" 60; ST=$?
	expect_status "$ST" 137
	expect_in "$T/launch.err" '^linkem-launch: peer1: killed by signal 9 \(SIGKILL\)$' "names the peer and the signal"
	[ "$(grep -c 'peer' "$T/launch.err")" = 1 ] || problem "other peers affected: $(tr '\n' '|' < "$T/launch.err")"
	trial_end
}

trial_init_ended() {
	local p
	trial_begin "init/killed-after-status"
	start_launch launch -q -n 10 -- sh -c '[ "$LINKEM_ID" = 1 ] || sleep 2'
	p=$(init_of "$SUP" 1)
	wait_state "$p" poll no || problem "init never waited for exit"
	NOTE="(init waiting with tasks: $(procs))"
	kill -9 "$p"
	wait_status "$SUP" 60; ST=$?
	# The workload's own status (0) was reported before: it counts.
	expect_status "$ST" 0
	[ -s "$T/launch.err" ] && problem "unexpected: $(tr '\n' '|' < "$T/launch.err")"
	trial_end
}

trial_init_restart() {
	local p ctl
	trial_begin "init/killed-during-restart"
	start_launch launch -q --grace 3s --control "$T/c.sock" -n 3 -- \
		sh -c 'if [ "$LINKEM_ID" = 1 ]; then trap "" TERM; sleep 30; else sleep 3; fi'
	p=$(init_of "$SUP" 1)
	wait_state "$p" poll yes || problem "the workload never started"
	"$CTL" --control "$T/c.sock" restart 1 > "$T/ctl.out" 2> "$T/ctl.err" &
	ctl=$!
	sleep 0.7 # in restart's grace period (the workload ignores SIGTERM)
	NOTE="(init in $(wchan "$p"))"
	kill -9 "$p"
	wait "$ctl"
	expect_in "$T/ctl.err" 'peer1 ended during the restart' "linkem-ctl says the restart failed"
	wait_status "$SUP" 60; ST=$?
	expect_status "$ST" 137
	expect_in "$T/launch.err" 'peer1: killed by signal 9 \(SIGKILL\)' "names the peer and the signal"
	trial_end
}

group_init() {
	trial_init_setup
	trial_init_wait_go 1
	trial_init_wait_go 20
	trial_init_running
	trial_init_ended
	trial_init_restart
}
