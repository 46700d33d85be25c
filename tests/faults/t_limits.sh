# SPDX-License-Identifier: LGPL-2.1-or-later
# Resources that run out.  Each launch is refused before anything is
# created where the shortage can be known up front, or else torn down
# cleanly; either way its error says what ran out.

# run_launch NAME TIMEOUT ARGS...: start, wait; sets ST.
run_launch() {
	local name="$1" to="$2"
	shift 2
	start_launch "$name" "$@"
	wait_status "$SUP" "$to"
	ST=$?
}

# A small tmpfs in the campaign's own mount namespace.
small_fs() { # DIR SIZE
	mkdir -p "$1" && mount -t tmpfs -o "size=$2" tmpfs "$1"
}

trial_fd_limit() {
	trial_begin "limits/ulimit-n-64/n=100"
	FD_LIMIT=64 run_launch launch 60 -q -n 100 -- true
	expect_status "$ST" 1
	expect_in "$T/launch.err" 'peers need at least [0-9]+ open files, and the limit is 64 \(ulimit -n\)' "refused up front"
	trial_end

	# Where the estimate passes but the launch still runs out: torn
	# down cleanly, with the call that failed named.
	trial_begin "limits/ulimit-n-64/n=12/userspace"
	FD_LIMIT=64 run_launch launch 60 -q --engine userspace -n 12 -- true
	NOTE="(status $ST)"
	if [ "$ST" != 0 ]; then
		expect_status "$ST" 1
		expect_in "$T/launch.err" 'Too many open files' "names EMFILE"
	fi
	trial_end
}

trial_pids_cgroup() {
	trial_begin "limits/pids-cgroup-60/n=100"
	echo 60 > "$CG/pids.max"
	run_launch launch 60 -q -n 100 -- true
	expect_status "$ST" 1
	expect_in "$T/launch.err" 'clone peer[0-9]+: no more processes allowed \(a pids cgroup' "says what ran out"
	trial_end
}

# The supervisor (and its peers) in a memory cgroup of 24 MiB: the
# kernel's OOM killer ends it (status 137, which the caller sees), or an
# allocation fails and the launch says "out of memory"/ENOMEM.  Nothing
# may be left either way.
trial_memory_cgroup() {
	local mcg="$MEM_ROOT/linkem-faults.$$.$TRIAL_NO"
	trial_begin "limits/memory-cgroup-24M/n=100/userspace"
	if mkdir "$mcg" 2>/dev/null; then
		echo 24M > "$mcg/memory.limit_in_bytes"
		echo 24M > "$mcg/memory.memsw.limit_in_bytes" 2>/dev/null
		(cd "$T" && exec bash -c 'echo $$ > "$0/cgroup.procs" && echo $$ > "$1/cgroup.procs" && exec "${@:2}"' \
			"$CG" "$mcg" "$LAUNCH" -q --engine userspace --link '*-*:delay=1ms' -n 100 -- \
			sh -c 'ping -q -c 5 -i 0.2 -s 60000 peer1 >/dev/null; true' \
			> "$T/launch.out" 2> "$T/launch.err") &
		SUP=$!
		SUPS+=("$SUP")
		wait_status "$SUP" 90
		ST=$?
		NOTE="(status $ST, OOM kills: $(awk '/^oom_kill /{print $2}' "$mcg/memory.oom_control"))"
		[ "$ST" = 137 ] && ! grep -q '^oom_kill [1-9]' "$mcg/memory.oom_control" &&
			problem "killed, but not by the OOM killer"
		if [ "$ST" != 137 ] && [ "$ST" != 0 ]; then
			expect_in "$T/launch.err" 'out of memory|Cannot allocate memory' "says memory ran out"
		fi
		for i in $(seq 300); do [ -s "$mcg/tasks" ] || break; sleep 0.1; done
		rmdir "$mcg" 2>/dev/null || problem "memory cgroup still busy"
	else
		problem "cannot create $mcg"
	fi
	trial_end
}

trial_log_dir_full() {
	trial_begin "limits/full-disk/--log-dir"
	small_fs "$T/full" 64k
	run_launch launch 60 -q -n 4 --log-dir "$T/full/logs" -- \
		sh -c 'i=0; while [ $i -lt 3000 ]; do echo "line $i of peer $LINKEM_ID ........................"; i=$((i+1)); done'
	expect_status "$ST" 0
	expect_in "$T/launch.err" 'full/logs/peer[0-9]+\.log: No space left on device; that log stops here' "says the log stopped"
	umount "$T/full"
	KEEP='full'
	trial_end
}

trial_pcap_full() {
	# Full from the start: the capture files cannot even get their
	# header.  Refused, the peer named.
	trial_begin "limits/full-disk/--pcap-at-start"
	small_fs "$T/full" 16k
	head -c 16384 /dev/zero > "$T/full/fill" 2>/dev/null
	run_launch launch 60 -q -n 4 --pcap "$T/full/pcap" -- true
	expect_status "$ST" 1
	expect_in "$T/launch.err" 'peer1\.pcap.*No space left on device' "says the capture cannot be written"
	umount "$T/full"
	KEEP='full'
	trial_end

	# Fills while the peers talk: that capture stops, the launch goes on.
	trial_begin "limits/full-disk/--pcap-while-running"
	small_fs "$T/full" 64k
	run_launch launch 60 -q -n 2 --pcap "$T/full/pcap" -- \
		sh -c '[ "$LINKEM_ID" = 1 ] && ping -q -c 40 -i 0.01 -s 1400 peer2 >/dev/null; true'
	expect_status "$ST" 0
	expect_in "$T/launch.err" 'peer[12]\.pcap: write pcap: No space left on device; that capture stops here' "says the capture stopped"
	umount "$T/full"
	KEEP='full'
	trial_end
}

trial_control_dir() {
	# --control in a read-only directory (root ignores modes: a
	# read-only tmpfs), with --log-dir: refused before the logs exist.
	trial_begin "limits/control-dir-read-only/--control"
	mkdir -p "$T/ro"
	mount -t tmpfs -o ro,size=4k tmpfs "$T/ro"
	run_launch launch 30 -q --control "$T/ro/c.sock" --log-dir "$T/logs" -n 3 -- true
	expect_status "$ST" 1
	expect_in "$T/launch.err" "control socket lock '.*/ro/c\.sock\.lock': Read-only file system" "names the directory"
	[ -e "$T/logs" ] && problem "the log directory was created before the refusal"
	umount "$T/ro"
	KEEP='ro|logs'
	trial_end

	# The default directory (/run/linkem) read-only, in a mount
	# namespace of this trial only.
	trial_begin "limits/control-dir-read-only/default"
	(cd "$T" && exec unshare -m --propagation private bash -c \
		'mount -t tmpfs -o ro,size=4k tmpfs /run/linkem && echo $$ > "$0/cgroup.procs" && exec "$@"' \
		"$CG" "$LAUNCH" -q -n 3 -- true > "$T/launch.out" 2> "$T/launch.err") &
	SUP=$!
	wait_status "$SUP" 30
	ST=$?
	expect_status "$ST" 1
	expect_in "$T/launch.err" "control socket lock '/run/linkem/launch-[0-9]+\.sock\.lock': Read-only file system" "names the directory"
	trial_end
}

group_limits() {
	trial_fd_limit
	trial_pids_cgroup
	trial_memory_cgroup
	trial_log_dir_full
	trial_pcap_full
	trial_control_dir
}
