#!/bin/sh
# trace.sh — where linkem-launch's start-up time goes, from kernel
# tracepoints (perf record -a, low overhead: no ptrace).
#
#   bench/startup/trace.sh [N [WORKLOAD...]]      (as root; default 100, stamp)
#
# Prints, relative to the supervisor's execve (t = 0), the phases of one
# launch: hub + bridge, clone of every peer (with the time spent inside
# clone(), where the kernel creates the namespaces), the veth batch, the
# per-peer address/up configuration, the release ("go") of every peer,
# the peers' own mounts, and when the workloads were exec'ed.  Phase
# boundaries come from the supervisor's syscalls (clone, sendto, setns,
# epoll_create1); see bench/README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-100}
[ $# -gt 0 ] && shift
LINKEM=${LINKEM:-$root/build/linkem-launch}
mkdir -p "$root/build/bench"
if [ $# -eq 0 ]; then
	sh "$here/build-stamp.sh" "$root/build/bench/stamp"
	set -- "$root/build/bench/stamp"
fi
command -v perf >/dev/null || { echo "$0: needs perf (linux-perf)" >&2; exit 2; }
data=$(mktemp /tmp/lk-trace.XXXXXX)
pidfile=$(mktemp /tmp/lk-trace-pid.XXXXXX)
trap 'rm -f "$data" "$pidfile"' EXIT
perf record -q -a -o "$data" \
	-e syscalls:sys_enter_clone -e syscalls:sys_exit_clone \
	-e syscalls:sys_enter_sendto -e syscalls:sys_exit_sendto \
	-e syscalls:sys_enter_setns -e syscalls:sys_enter_epoll_create1 \
	-e syscalls:sys_enter_mount -e sched:sched_process_exec \
	-e sched:sched_process_exit -e sched:sched_process_fork \
	-- sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" \
	"$LINKEM" -n "$n" -- "$@" >/dev/null 2>&1
# Other launches may run at the same time: only this supervisor (the pid
# the wrapper shell exec'ed into) and the peers it cloned count.
perf script -i "$data" -F comm,pid,time,event,trace 2>/dev/null |
	awk -v n="$n" -v sup="$(cat "$pidfile")" '
function ms(t) { return (t - t0) * 1000 }
{ sub(/:$/, "", $3); sub(/:$/, "", $4) }
$4 == "sched:sched_process_exec" && $2 == sup && !t0 { t0 = $3 }
!t0 { next }
# The peers: children of the supervisor, and their children (the
# workloads), from the pids clone() returned.
$4 == "sched:sched_process_fork" && ($2 == sup || ($2 in peer)) {
	for (i = 5; i <= NF; i++) if ($i ~ /^child_pid=/) { sub(/^child_pid=/, "", $i); peer[$i] = 1 }
}
$2 == sup {
	ev = $4
	if (ev == "syscalls:sys_enter_clone") { if (!c0) c0 = $3; cin = $3 }
	if (ev == "syscalls:sys_exit_clone") { c1 = $3; csum += $3 - cin; nclone++ }
	if (ev == "syscalls:sys_enter_setns") { pending = 1; nsetns++ }
	if (ev == "syscalls:sys_enter_sendto") { s_in = $3; iscfg = pending; pending = 0 }
	if (ev == "syscalls:sys_exit_sendto" && c0) {
		d = $3 - s_in
		if (iscfg) { if (!cfg0) cfg0 = s_in; cfg1 = $3; cfgsum += d; ncfg++ }
		else if (!cfg0) { if (!v0) v0 = s_in; v1 = $3; vsum += d; nv++ }
		else { if (!g0) g0 = s_in; g1 = $3 }
	}
	if (ev == "syscalls:sys_enter_epoll_create1") ep = $3
	if (ev == "sched:sched_process_exit") tend = $3
	next
}
$4 == "syscalls:sys_enter_mount" && ($2 in peer) { if (!m0) m0 = $3; m1 = $3; nm++ }
$4 == "sched:sched_process_exec" && ($2 in peer) { if (!x0) x0 = $3; x1 = $3; nx++ }
END {
	if (!t0) { print "trace.sh: the supervisor'"'"'s exec was not seen" > "/dev/stderr"; exit 1 }
	printf "N = %d, times in ms from the supervisor'"'"'s execve\n", n
	printf "  start, hub namespace + bridge     0.0 .. %7.1f\n", ms(c0)
	printf "  clone %d peers                %7.1f .. %7.1f  (%.1f ms inside clone(), %.2f ms/peer)\n", nclone, ms(c0), ms(c1), csum * 1000, csum * 1000 / (nclone ? nclone : 1)
	printf "  veth batches (%d sendto)       %7.1f .. %7.1f  (%.1f ms inside sendto, %.2f ms/peer)\n", nv, ms(v0), ms(v1), vsum * 1000, vsum * 1000 / n
	printf "  per-peer lo/eth0 up + addrs   %7.1f .. %7.1f  (%.1f ms inside sendto, %d batches)\n", ms(cfg0), ms(cfg1), cfgsum * 1000, ncfg
	printf "  release (go to every peer)    %7.1f .. %7.1f\n", ms(g0), ms(g1)
	printf "  peers: %d mounts              %7.1f .. %7.1f\n", nm, ms(m0), ms(m1)
	printf "  peers: %d workloads exec      %7.1f .. %7.1f\n", nx, ms(x0), ms(x1)
	printf "  supervisor exit                          %7.1f\n", ms(tend)
}'
