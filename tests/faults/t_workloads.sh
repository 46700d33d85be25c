# SPDX-License-Identifier: LGPL-2.1-or-later
# Workloads that misbehave: the launch still ends when they do (or when
# asked), with their status, and nothing of them remains.

trial_closes_stdout() {
	trial_begin "workload/closes-stdout"
	start_launch launch -q -n 3 -- sh -c 'exec >&-; sleep 0.3; echo "still here" >&2'
	wait_status "$SUP" 30; ST=$?
	expect_status "$ST" 0
	[ "$(grep -c '^\[peer[123]\] still here$' "$T/launch.err")" = 3 ] ||
		problem "stderr lost after stdout closed: $(tr '\n' '|' < "$T/launch.err")"
	trial_end
}

# A daemon (setsid, its own session, output closed) and a background
# child that keeps the output pipe open: both die with the workload's
# end (init kills what it left), so the launch ends at once.
trial_daemon() {
	local t0
	trial_begin "workload/forks-a-daemon-and-exits"
	t0=$(now_ms)
	start_launch launch -q -n 3 -- sh -c 'setsid sleep 60 </dev/null >/dev/null 2>&1 & (sleep 60 &) ; echo started'
	wait_status "$SUP" 30; ST=$?
	expect_status "$ST" 0
	(( $(now_ms) - t0 < 15000 )) || problem "the launch waited for the daemons"
	[ "$(grep -c 'started' "$T/launch.out")" = 3 ] || problem "output lost"
	trial_end
}

# SIGTERM to the launch: forwarded, ignored; SIGKILL after --grace.
trial_ignores_sigterm() {
	local t0
	trial_begin "workload/ignores-sigterm"
	start_launch launch -q --grace 1s -n 3 -- sh -c 'trap "" TERM; echo up; sleep 60'
	wait_procs ge $((2 + 3 * 3)) "$SUP" 30 || problem "workloads never started"
	sleep 0.3
	t0=$(now_ms)
	kill -TERM "$SUP"
	wait_status "$SUP" 30; ST=$?
	NOTE="(ended $(( $(now_ms) - t0 )) ms after SIGTERM, --grace 1s)"
	expect_status "$ST" 137
	expect_in "$T/launch.err" 'peer1: killed by signal 9 \(SIGKILL\)' "says the peers were killed"
	(( $(now_ms) - t0 < 8000 )) || problem "grace not applied"
	trial_end
}

group_workloads() {
	trial_closes_stdout
	trial_daemon
	trial_ignores_sigterm
}
