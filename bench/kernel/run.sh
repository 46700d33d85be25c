#!/bin/sh
# run.sh [--netem] KT_BENCH — setup time of a full mesh with a distinct
# impairment on every ordered pair (N = 20 and 50): the kernel engine's
# tree builder (kt-bench, one netlink batch per peer) against a shell
# script that runs tc once per request.  Same namespaces, same trees, same
# run.  Root only.  Without --netem: a token bucket per pair, bfifo leaves
# (this host has no sch_netem).  With --netem (in the VM: make
# bench-kernel-vm): the token bucket and a netem leaf with its own delay
# and loss per pair.  NS="20 50" picks the sizes.  SCRIPT_PEERS=K runs the
# tc script for the first K peers' trees only and scales its time by N/K
# (every peer's tree is the same size; for N=50 under the VM's TCG, where
# the whole script would take half an hour).
# Results: bench/results/kernel-setup.md.
set -eu
NETEM=
if [ "${1:-}" = --netem ]; then
	NETEM=netem
	shift
fi
KT=${1:-build/bench/kt-bench}
P=lkbench$$
NS=${NS:-"20 50"}

mkns() { # n
	ip netns add $P-0
	ip -n $P-0 link add br0 type bridge
	ip -n $P-0 link set br0 up
	for i in $(seq 1 $1); do
		ip netns add $P-$i
		ip -n $P-0 link add p$i index $((10 + i)) type veth peer name eth0 netns $P-$i index 2
		ip -n $P-0 link set p$i master br0 up
		ip -n $P-$i link set eth0 up
	done
}
rmns() { # n
	for i in $(seq 0 $1); do ip netns del $P-$i 2>/dev/null || true; done
}
clear_trees() { # n
	for i in $(seq 1 $1); do tc -n $P-$i qdisc del dev eth0 root 2>/dev/null || true; done
}
count_classes() { # n
	for i in $(seq 1 $1); do tc -n $P-$i class show dev eth0; done | wc -l
}
count_leaves() { # n: the netem (or bfifo) qdiscs
	for i in $(seq 1 $1); do tc -n $P-$i qdisc show dev eth0; done |
		grep -c "${NETEM:-bfifo}" || true
}
# The same tree as kernel_tree.c, request by request, with tc.
tc_script() { # n [peers]
	n=$1
	for s in $(seq 1 ${2:-$n}); do
		tc -n $P-$s qdisc replace dev eth0 root handle 1: htb default 0
		for d in $(seq 1 $n); do
			[ $s = $d ] && continue
			r=$((1000 + s * n + d))
			tc -n $P-$s class add dev eth0 parent 1: classid 1:$(printf %x $d) htb rate ${r}kbit quantum 60000
			if [ -n "$NETEM" ]; then
				tc -n $P-$s qdisc add dev eth0 parent 1:$(printf %x $d) handle $(printf %x $((d + 1))): netem limit 1000 delay ${r}us loss $((s / 10)).$((s % 10))%
			else
				tc -n $P-$s qdisc add dev eth0 parent 1:$(printf %x $d) handle $(printf %x $((d + 1))): bfifo limit 196608
			fi
			tc -n $P-$s filter add dev eth0 parent 1: protocol ip prio 101 u32 match ip dst 10.88.$((d / 256)).$((d % 256))/32 flowid 1:$(printf %x $d)
			tc -n $P-$s filter add dev eth0 parent 1: protocol ipv6 prio 102 u32 match ip6 dst fd00::$(printf %x $d)/128 flowid 1:$(printf %x $d)
		done
	done
}
trap 'rmns 60' EXIT
for n in $NS; do
	mkns $n
	k=$n
	if [ -n "${SCRIPT_PEERS:-}" ] && [ "$SCRIPT_PEERS" -lt $n ]; then
		k=$SCRIPT_PEERS
	fi
	t0=$(date +%s.%N)
	tc_script $n $k
	t1=$(date +%s.%N)
	script_s=$(awk "BEGIN{print ($t1 - $t0) * $n / $k}")
	[ $k = $n ] || echo "N=$n: tc script run for $k of $n peers ($(awk "BEGIN{print $t1 - $t0}") s), time scaled by $n/$k"
	classes=$(count_classes $n)
	leaves=$(count_leaves $n)
	if [ $k != $n ]; then # what the whole script would have built
		classes=$((classes * n / k))
		leaves=$((leaves * n / k))
	fi
	clear_trees $n
	set -- $($KT $n $P $NETEM)
	classes2=$(count_classes $n)
	leaves2=$(count_leaves $n)
	printf 'N=%s %s tc script: %.3f s (%s classes, %s leaves)  linkem: parse %.4f s + build %.4f s (%s requests, %s classes, %s leaves)  speed-up %.0fx (with parse %.0fx)\n' \
		$n "${NETEM:-tbf-only}" $script_s $classes $leaves $1 $2 $3 $classes2 $leaves2 \
		$(awk "BEGIN{print $script_s / $2}") $(awk "BEGIN{print $script_s / ($1 + $2)}")
	rmns $n
done
