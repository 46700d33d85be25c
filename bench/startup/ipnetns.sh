#!/bin/sh
# ipnetns.sh — baseline (a) of the startup benchmark: the topology that
# linkem-launch builds, made by a plain shell script with ip(8), then
# COMMAND run in every peer.
#
#   ipnetns.sh N COMMAND [ARG...]          (as root)
#
# Topology (the same as linkem's): a hub network namespace holding a Linux
# bridge br0; per peer i (1..N) a network namespace with a veth pair, eth0
# inside the peer, the other end (vI) enslaved to br0 in the hub, all up,
# lo up, 10.0.0.0/16 + i (peer 300 = 10.0.1.44) and fd00:6c6b::<i hex>/64
# nodad.  Each peer's COMMAND runs under `ip netns exec` + `unshare` with
# its own mount/PID/UTS/IPC namespaces (as linkem's peers), all in
# parallel; the script waits for all of them, then deletes everything.
#
# Namespace names carry a per-run unique prefix (lkb-PID-RANDOM-), and an
# EXIT trap deletes every namespace with that prefix, also on failure or
# on SIGINT/SIGTERM.  Nothing is created in the root namespace.
# Output lines are NOT prefixed with the peer (linkem does that: the
# baseline does strictly less work).
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 N COMMAND [ARG...]" >&2
	exit 2
fi
n=$1
shift
case $n in
'' | *[!0-9]*) echo "$0: N must be a number, got '$n'" >&2; exit 2 ;;
esac
if [ "$n" -lt 1 ] || [ "$n" -gt 65534 ]; then
	echo "$0: N must be in 1..65534, got '$n'" >&2
	exit 2
fi

pfx="lkb-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
hub="$pfx-hub"
pids=""

cleanup() {
	rc=$?
	trap - EXIT INT TERM
	for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	for f in /run/netns/"$pfx"-*; do
		[ -e "$f" ] || continue
		ip netns del "${f##*/}" 2>/dev/null || true
	done
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$hub"
ip -n "$hub" link set lo up
ip -n "$hub" link add br0 type bridge
ip -n "$hub" link set br0 up

i=1
while [ "$i" -le "$n" ]; do
	ns="$pfx-p$i"
	ip netns add "$ns"
	ip -n "$hub" link add "v$i" type veth peer name eth0 netns "$ns"
	ip -n "$hub" link set "v$i" master br0 up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "10.0.$((i / 256)).$((i % 256))/16" dev eth0
	ip -n "$ns" addr add "fd00:6c6b::$(printf %x "$i")/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	i=$((i + 1))
done

i=1
while [ "$i" -le "$n" ]; do
	ip netns exec "$pfx-p$i" unshare --mount --uts --ipc --pid --fork \
		--mount-proc "$@" &
	pids="$pids $!"
	i=$((i + 1))
done

status=0
for p in $pids; do
	wait "$p" || status=1
done
pids=""
exit "$status"
