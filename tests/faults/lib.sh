# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/faults/lib.sh — what every fault trial shares: a cgroup per trial
# (so that every process of the launch can be counted, whatever it
# forked), a snapshot of the host before the trial, the check afterwards
# that nothing of the launch remains, and the one-line result.
#
# Sourced by run.sh; bash only (it polls /proc and cgroup files with
# builtins, without forking, so that the poll does not slow the launch).

: "${LINKEM_BUILD:?LINKEM_BUILD must name the build directory}"
LAUNCH="$LINKEM_BUILD/linkem-launch"
CTL="$LINKEM_BUILD/linkem-ctl"
# cgroup v1's pids controller (this project's machines), else cgroup v2
# with the pids controller enabled below the root (the VM's guest).
if [ -e /sys/fs/cgroup/pids/cgroup.procs ]; then
	PIDS_ROOT=/sys/fs/cgroup/pids
	CG_V2=
else
	PIDS_ROOT=/sys/fs/cgroup
	CG_V2=1
fi
MEM_ROOT=/sys/fs/cgroup/memory

PASSED=0
FAILED=0
FAILS=()

now_ms() { local t; t=$EPOCHREALTIME; echo $(( ${t/./} / 1000 )); }

# ---- the campaign's cgroup and scratch directory --------------------------

faults_init() {
	FAULTS_CG="$PIDS_ROOT/linkem-faults.$$"
	[ -n "$CG_V2" ] && echo +pids > "$PIDS_ROOT/cgroup.subtree_control"
	mkdir "$FAULTS_CG" || { echo "faults: cannot create $FAULTS_CG" >&2; exit 2; }
	[ -n "$CG_V2" ] && echo +pids > "$FAULTS_CG/cgroup.subtree_control"
	SCRATCH=$(mktemp -d /tmp/linkem-faults.XXXXXX)
	TRIAL_NO=0
}

# Interrupted: end what the campaign started (everything in its cgroups).
faults_abort() {
	local d p i
	for d in "$FAULTS_CG"/*/; do
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
	done
	for ((i = 0; i < 50; i++)); do
		[ -z "$(cat "$FAULTS_CG"/*/cgroup.procs 2>/dev/null)" ] && break
		sleep 0.1
	done
	exit 130
}

faults_fini() {
	local d
	for d in "$FAULTS_CG"/*/; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	rmdir "$FAULTS_CG" 2>/dev/null
	rm -rf "$SCRATCH"
}

# ---- one trial ------------------------------------------------------------

# trial_begin NAME: a fresh cgroup ($CG), a fresh directory ($T), the
# host's state before.
trial_begin() {
	TRIAL="$1"
	TRIAL_NO=$((TRIAL_NO + 1))
	CG="$FAULTS_CG/t$TRIAL_NO"
	mkdir "$CG"
	T="$SCRATCH/t$TRIAL_NO"
	mkdir -p "$T"
	SUPS=()       # pids of the supervisors this trial started
	PROBLEMS=()   # what the trial found wrong
	T0=$(now_ms)
	snapshot "$T/before"
}

# Run "$@" inside the trial's cgroup (exec keeps the pid: $! is the
# supervisor).
in_cg() {
	local cg="$1"
	shift
	bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}

# What must look the same afterwards: the host namespace's interfaces,
# this mount namespace's mounts (nsfs bind mounts included).
snapshot() {
	ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' \
		| sort > "$1.links"
	awk '{print $5, $9}' /proc/self/mountinfo | sort > "$1.mounts"
}

problem() { PROBLEMS+=("$*"); }

# expect_in FILE REGEX WHAT: the error said what happened.
expect_in() {
	grep -Eq -- "$2" "$1" ||
		problem "$3: expected /$2/ in $(basename "$1"), got: $(tr '\n' '|' < "$1" | cut -c1-300)"
}

expect_status() { # expect_status GOT WANT...
	local got="$1" w
	shift
	for w; do [ "$got" = "$w" ] && return; done
	problem "exit status $got, expected $*"
}

# The check after every trial: nothing of the launch remains.
check_clean() {
	local left i s comms
	# Processes: every process of the launch is in the trial's cgroup
	# (a fork cannot leave a v1 cgroup).  The kernel ends a PID
	# namespace asynchronously: give it a few seconds.
	for ((i = 0; i < 100; i++)); do
		read -r left < "$CG/pids.current"
		[ "$left" = 0 ] && break
		sleep 0.1
	done
	if [ "$left" != 0 ]; then
		comms=$(for p in $(cat "$CG/cgroup.procs"); do
			cat /proc/$p/comm 2>/dev/null; done | sort | uniq -c |
			tr -s ' \n' ' ')
		problem "$left processes left: $comms"
		# Ours (all were started by this trial): end them.
		for p in $(cat "$CG/cgroup.procs"); do kill -9 "$p" 2>/dev/null; done
		sleep 0.5
	fi
	# Network namespaces: each is held by a process, an open
	# descriptor (of a process) or a bind mount; none of the first two
	# remain (above), the mounts are compared below.  Interfaces in the
	# host's namespace (veth, tap, bridge, ifb a bug might leave there):
	snapshot "$T/after"
	s=$(comm -13 "$T/before.links" "$T/after.links" | tr '\n' ' ')
	[ -n "$s" ] && problem "interfaces left in the host namespace: $s"
	s=$(comm -13 "$T/before.mounts" "$T/after.mounts" | tr '\n' ' ')
	[ -n "$s" ] && problem "mounts left: $s"
	# Files: the control socket and its lock of each supervisor.
	for p in "${SUPS[@]}"; do
		for s in /run/linkem/launch-$p.sock /run/linkem/launch-$p.sock.lock; do
			[ -e "$s" ] && problem "file left: $s"
		done
	done
	# Files the trial did not ask for in its own directory (the
	# launch's working directory and --log-dir/--pcap/--control live
	# there); a trial lists what it expects in $KEEP (a regex).
	s=$(cd "$T" && find . -mindepth 1 ! -name '*.out' ! -name '*.err' \
		! -name 'before.*' ! -name 'after.*' ! -name '*.sh' |
		grep -Ev "^\./(${KEEP:-^$})" | tr '\n' ' ')
	[ -n "$s" ] && problem "files left in the trial's directory: $s"
	KEEP=
	rmdir "$CG" 2>/dev/null
}

trial_end() {
	local ms=$(( $(now_ms) - T0 ))
	check_clean
	if [ ${#PROBLEMS[@]} -eq 0 ]; then
		PASSED=$((PASSED + 1))
		printf 'PASS %-44s %5d ms %s\n' "$TRIAL" "$ms" "${NOTE:-}"
	else
		FAILED=$((FAILED + 1))
		FAILS+=("$TRIAL")
		printf 'FAIL %-44s %5d ms %s\n' "$TRIAL" "$ms" \
			"$(IFS=';'; echo "${PROBLEMS[*]}")"
	fi
	NOTE=
}

# ---- watching a launch ----------------------------------------------------

# The number of tasks in the trial's cgroup.
procs() { local c; read -r c < "$CG/pids.current"; echo "$c"; }

# wait_procs OP N PID [TIMEOUT_S]: until the cgroup's count OP N
# (ge/le), or PID ended.  Busy polling with builtins: no fork.
wait_procs() {
	local op="$1" n="$2" pid="$3" lim=$(( $(now_ms) + ${4:-60} * 1000 )) c
	while :; do
		read -r c < "$CG/pids.current"
		if [ "$op" = ge ]; then ((c >= n)) && return 0
		else ((c <= n)) && return 0; fi
		[ -d /proc/$pid ] || return 1
		(( ${EPOCHREALTIME/./} / 1000 > lim )) && return 1
	done
}

# The supervisor's children (every peer's init).
inits_of() { cat /proc/$1/task/$1/children 2>/dev/null; }

# wait_wired K PID: until peer K has its IPv6 address on eth0, read from
# its init's /proc/PID/net/if_inet6 (the peer's own namespace).  The
# supervisor configures the peers in order, so K peers are then wired.
# Its children are the janitor, then the inits in peer order.
wait_wired() {
	local k="$1" pid="$2" lim=$(( $(now_ms) + 60000 )) p line
	local -a kids
	# (no newline at its end: read returns 1 yet fills kids)
	read -r -a kids < /proc/$pid/task/$pid/children 2>/dev/null
	p=${kids[$k]:-}
	[ -n "$p" ] || return 1
	while :; do
		while read -r line; do
			[[ $line == fd006c6b* ]] && return 0
		done < /proc/$p/net/if_inet6 2>/dev/null
		[ -d /proc/$pid ] || return 1
		(( ${EPOCHREALTIME/./} / 1000 > lim )) && return 1
	done
}

# start_launch OUT ARGS...: linkem-launch in the trial's cgroup, its
# output in $T/OUT.{out,err}; sets SUP.  FD_LIMIT: its ulimit -n.
start_launch() {
	local name="$1"
	shift
	(cd "$T" && { [ -z "${FD_LIMIT:-}" ] || ulimit -n "$FD_LIMIT"; } && exec bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' \
		"$CG" "$LAUNCH" "$@" > "$T/$name.out" 2> "$T/$name.err") &
	SUP=$!
	SUPS+=("$SUP")
}

# wait_status PID [TIMEOUT_S]: the exit status ($?) of a child of this
# shell, or 124 after killing it at the timeout.
wait_status() {
	local pid="$1" lim=$(( $(now_ms) + ${2:-60} * 1000 ))
	while [ -d /proc/$pid ] && ! grep -q '^State:.*Z' /proc/$pid/status 2>/dev/null; do
		if (( $(now_ms) > lim )); then
			kill -9 "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			problem "timed out after ${2:-60} s"
			return 124
		fi
		sleep 0.05
	done
	wait "$pid"
}

summary() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
