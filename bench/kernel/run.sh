#!/bin/sh
# run.sh KT_BENCH — setup time of a full mesh with a distinct token bucket
# on every ordered pair (N = 20 and 50): the kernel engine's tree builder
# (kt-bench, one netlink batch per peer) against a shell script that runs
# tc once per request.  Same namespaces, same trees, same run.  Root only.
# Results: bench/results/kernel-setup.md.
set -eu
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
# The same tree as kernel_tree.c, request by request, with tc.
tc_script() { # n
	n=$1
	for s in $(seq 1 $n); do
		tc -n $P-$s qdisc replace dev eth0 root handle 1: htb default 0
		for d in $(seq 1 $n); do
			[ $s = $d ] && continue
			r=$((1000 + s * n + d))
			tc -n $P-$s class add dev eth0 parent 1: classid 1:$(printf %x $d) htb rate ${r}kbit quantum 60000
			tc -n $P-$s qdisc add dev eth0 parent 1:$(printf %x $d) handle $(printf %x $((d + 1))): bfifo limit 196608
			tc -n $P-$s filter add dev eth0 parent 1: protocol ip prio 101 u32 match ip dst 10.88.$((d / 256)).$((d % 256))/32 flowid 1:$(printf %x $d)
			tc -n $P-$s filter add dev eth0 parent 1: protocol ipv6 prio 102 u32 match ip6 dst fd00::$(printf %x $d)/128 flowid 1:$(printf %x $d)
		done
	done
}
trap 'rmns 60' EXIT
for n in $NS; do
	mkns $n
	t0=$(date +%s.%N)
	tc_script $n
	t1=$(date +%s.%N)
	script_s=$(awk "BEGIN{print $t1 - $t0}")
	classes=$(for i in $(seq 1 $n); do tc -n $P-$i class show dev eth0; done | wc -l)
	clear_trees $n
	set -- $($KT $n $P)
	classes2=$(for i in $(seq 1 $n); do tc -n $P-$i class show dev eth0; done | wc -l)
	printf 'N=%s  tc script: %.3f s (%s classes)  linkem: parse %.4f s + build %.4f s (%s requests, %s classes)  speed-up %.0fx\n' \
		$n $script_s $classes $1 $2 $3 $classes2 $(awk "BEGIN{print $script_s / $2}")
	rmns $n
done
