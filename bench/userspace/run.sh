#!/bin/sh
# bench/userspace/run.sh — the userspace engine against the kernel bridge:
# throughput, RTT, small-packet rate, supervisor CPU per Gbit, delay and
# rate accuracy, 100 peers at once.  Run as root from the repository root
# after `make tests`.  Prints markdown-ish lines.  ONLY="tcp rtt delay rate
# impaired peers" (any subset, default all) picks sections.
set -u
B=${LINKEM_BUILD:-build}
L="$B/linkem-launch"
T=${T:-5}	# seconds per iperf3 run
ONLY=${ONLY:-tcp rtt delay rate impaired peers}
want() { case " $ONLY " in *" $1 "*) return 0;; esac; return 1; }

# med FILE: median of the numbers in FILE
med() { sort -g "$1" | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# runn N SCRIPT ENGINE-ARGS...: launch N peers, print peer output, and
# the supervisor's own CPU seconds (utime+stime, sampled until it ends).
runn() {
	n=$1; script=$2; shift 2
	out=$(mktemp)
	"$L" -q -n "$n" "$@" -- sh -c "$script" >"$out" 2>&1 &
	pid=$!
	cpu=0
	tck=$(getconf CLK_TCK)
	while kill -0 $pid 2>/dev/null; do
		c=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null) && cpu=$c
		sleep 0.2
	done
	wait $pid
	cat "$out"; rm -f "$out"
	echo "supervisor-cpu-s $(echo "$cpu $tck" | awk '{printf "%.2f", $1/$2}')"
}

# run2 SCRIPT ENGINE-ARGS...: runn with 2 peers
run2() {
	script=$1; shift
	runn 2 "$script" "$@"
}

tcp() { # ENGINE-ARGS...: Mbit/s receiver, supervisor CPU s
	run2 "if [ {id} = 2 ]; then iperf3 -s -1 >/dev/null; else sleep 0.5; iperf3 -c 10.0.0.2 -t $T -f m | grep receiver; sleep 0.5; fi" "$@" |
		awk '/receiver/ {for (i=1;i<=NF;i++) if ($i=="Mbits/sec") r=$(i-1)} /supervisor-cpu-s/ {c=$2} END {print r, c}'
}

rtt() { # ENGINE-ARGS...: median RTT ms over 200 pings
	f=$(mktemp)
	run2 "if [ {id} = 1 ]; then sleep 0.3; ping -c 200 -i 0.005 10.0.0.2; else sleep 3; fi" "$@" |
		sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' >"$f"
	med "$f"; rm -f "$f"
}

U=$(realpath "$B/tests/progs/udpseq")
urtt() { # ENGINE-ARGS...: median and p90 UDP RTT in us over 300 exchanges
	run2 "if [ {id} = 2 ]; then $U echo 7007 ${URTT_S:-6}; else sleep 0.3; $U rtt 10.0.0.2 7007 300 ${URTT_GAP:-2000}; fi" "$@" |
		awk '/rtt-us/ {print $3, $4}'
}

# Pipelined UDP round trips (bench/userspace/udpstream.c): one datagram
# every GAP us, replies timed as they come.
S=$(mktemp -d)/udpstream
cc -O2 -o "$S" bench/userspace/udpstream.c || exit 1
ustream() { # GAP_US COUNT ENGINE-ARGS...: median and p90 RTT in us
	gap=$1; count=$2; shift 2
	run2 "if [ {id} = 2 ]; then $U echo 7007 $((count * gap / 1000000 + 4)); else sleep 0.3; $S 10.0.0.2 7007 $count $gap; fi" "$@" |
		awk '/rtt-us/ {print $3, $4}'
}

pps() { # ENGINE-ARGS...: UDP 64-byte datagrams received per second
	run2 "if [ {id} = 2 ]; then iperf3 -s -1 >/dev/null; else sleep 0.5; iperf3 -u -b 0 -l 64 -c 10.0.0.2 -t $T | grep receiver; sleep 0.5; fi" "$@" |
		awk -v t=$T '/receiver/ {for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+\/[0-9]+$/) {split($i,a,"/"); got=a[2]-a[1]}} END {printf "%.0f\n", got/t}'
}

echo "# userspace engine benchmark ($(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
if want tcp; then
echo
echo "## unimpaired TCP, 2 peers"
br=$(tcp); us=$(tcp --engine userspace)
echo "TCP Mbit/s: bridge ${br% *}  userspace ${us% *}  ratio $(echo "$br $us" | awk '{ if ($1 > 0) printf "%.2f", $3 / $1 }')"
echo "supervisor CPU s per Gbit (userspace): $(echo "$us $T" | awk '{ if ($1 > 0) printf "%.3f", $2 / ($1 * $3 / 1000); }')"
fi
if want rtt; then
echo
echo "## unimpaired latency, small packets"
rb=$(rtt); ru=$(rtt --engine userspace)
echo "ping RTT median ms: bridge $rb  userspace $ru  added one-way us: $(echo "$rb $ru" | awk '{printf "%.1f", ($2-$1)*1000/2}')"
ub=$(urtt); uu=$(urtt --engine userspace)
echo "UDP RTT median/p90 us: bridge $ub  userspace $uu  added one-way us: $(echo "$ub $uu" | awk '{printf "%.1f", ($3-$1)/2}')"
pb=$(pps); pu=$(pps --engine userspace)
echo "UDP 64B pps received: bridge $pb  userspace $pu  ratio $(echo "$pb $pu" | awk '{ if ($1 > 0) printf "%.2f", $2 / $1 }')"
fi
if want delay; then
echo
echo "## delay accuracy (delay D on 1>2 only, 300 UDP exchanges one at a time)"
echo "# error = median RTT - D - median RTT unimpaired with the same idle gap"
echo "# between exchanges (so the peers' own wake-ups after D of sleep cancel);"
echo "# engine = median over frames of (written to peer2's TAP - read from"
echo "# peer1's TAP) - D, from the engine's own pcap timestamps."
for d in 1 10 100; do
	URTT_S=$((d * 300 / 1000 + 8))
	gap=$((d * 1000 + 2000))
	base=$(URTT_S=$URTT_S URTT_GAP=$gap urtt --engine userspace)
	r=$(URTT_S=$URTT_S urtt --engine userspace --link "1>2:delay=${d}ms")
	pdir=$(mktemp -d)
	URTT_S=$URTT_S urtt --engine userspace --pcap "$pdir" --link "1>2:delay=${d}ms" >/dev/null
	eng=$(tcpdump -nn -tt -r "$pdir/peer1.pcap" 'udp dst port 7007' 2>/dev/null | awk '{print $1}' >"$pdir/a"
		tcpdump -nn -tt -r "$pdir/peer2.pcap" 'udp dst port 7007' 2>/dev/null | awk '{print $1}' >"$pdir/b"
		paste "$pdir/a" "$pdir/b" | awk -v d=$d 'NF == 2 {print ($2 - $1) * 1e6 - d * 1000}' >"$pdir/e"
		echo "$(med "$pdir/e") $(sort -g "$pdir/e" | awk '{v[NR]=$1} END {print v[int(NR*0.9)]}')")
	rm -rf "$pdir"
	echo "delay ${d}ms: median RTT ${r% *} us (idle-matched unimpaired ${base% *} us), error $(echo "${r% *} ${base% *} $d" | awk '{printf "%.1f", $1-$2-$3*1000}') us; engine error median ${eng% *} us, p90 ${eng#* } us"
done
echo "# streamed: one datagram every 1 ms without waiting (every process on"
echo "# the path stays awake); error = median RTT - D - unimpaired median"
sb=$(ustream 1000 3000 --engine userspace)
echo "streamed, unimpaired: median/p90 RTT $sb us"
for d in 1 10 100; do
	r=$(ustream 1000 3000 --engine userspace --link "1>2:delay=${d}ms")
	echo "streamed, delay ${d}ms: median/p90 RTT $r us, error $(echo "${r% *} ${sb% *} $d" | awk '{printf "%.1f", $1-$2-$3*1000}') us"
done
fi
if want rate; then
echo
echo "## rate accuracy (rate on 1-2; TCP goodput / (rate * 1448/1514))"
for r in 1 10 100 1000; do
	g=$(tcp --engine userspace --link "1-2:rate=${r}mbit")
	echo "rate ${r}mbit: goodput ${g% *} Mbit/s, ratio $(echo "${g% *} $r" | awk '{printf "%.3f", $1/($2*1448/1514)}')"
done
fi
if want impaired; then
echo
echo "## TCP through impaired links (GSO super-frames kept or segmented)"
for spec in "1-2:delay=1ms" "1-2:delay=1ms,loss=0.01%" "1>2:corrupt=0.01%"; do
	g=$(tcp --engine userspace --link "$spec")
	echo "$spec: ${g% *} Mbit/s"
done
fi
if want peers; then
echo
echo "## 100 peers, all pinging their neighbour at once, no delay: bridge vs userspace"
for eng in bridge userspace; do
	f=$(mktemp)
	# the bridge: --engine auto without links
	runn 100 'sleep 1; n=$(( {id} % 100 + 1 )); ping -c 50 -i 0.02 10.0.$((n / 256)).$((n % 256))' \
		--engine $(echo $eng | sed 's/bridge/auto/') >"$f.o"
	sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' "$f.o" >"$f"
	echo "$eng: replies $(wc -l <"$f") of 5000, median RTT $(med "$f") ms, p90 $(sort -g "$f" | awk '{v[NR]=$1} END {print v[int(NR*0.9)]}') ms, p99 $(sort -g "$f" | awk '{v[NR]=$1} END {print v[int(NR*0.99)]}') ms; supervisor CPU $(awk '/supervisor-cpu-s/ {print $2}' "$f.o") s"
	rm -f "$f" "$f.o"
done
echo
echo "## 100 peers, all pinging their neighbour at once through delay=5ms each way"
f=$(mktemp)
runn 100 'sleep 1; n=$(( {id} % 100 + 1 )); ping -c 50 -i 0.02 10.0.$((n / 256)).$((n % 256))' \
	--engine userspace --link '*-*:delay=5ms' >"$f.o"
sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' "$f.o" >"$f"
late=$(sed -n 's/.*icmp_seq=\([0-9]*\) .*time=\([0-9.]*\) ms.*/\1 \2/p' "$f.o" | awk '$2 > 20 {if ($1 <= 20) a++; else b++} END {print a+0, b+0}')
echo "replies $(wc -l <"$f") of 5000, median RTT $(med "$f") ms (10 expected), over 20 ms in the first 20 pings (startup: ARP, IPv6 DAD/MLD/RS multicast to 99 peers each) ${late% *}, after ${late#* }; p90 $(sort -g "$f" | awk '{v[NR]=$1} END {print v[int(NR*0.9)]}') ms, p99 $(sort -g "$f" | awk '{v[NR]=$1} END {print v[int(NR*0.99)]}') ms, over 20 ms: $(awk '$1 > 20' "$f" | wc -l); supervisor CPU $(awk '/supervisor-cpu-s/ {print $2}' "$f.o") s"
rm -f "$f" "$f.o"
echo
echo "## 100 peers, all sending UDP to their neighbour at once (delay=5ms each way)"
f=$(mktemp)
runn 100 "n=\$(( {id} % 100 + 1 )); $U echo 7007 12 & sleep 2; $U rtt 10.0.\$((n / 256)).\$((n % 256)) 7007 200 5000" \
	--engine userspace --link '*-*:delay=5ms' >"$f.o"
awk '/rtt-us/ {print $3, $4, $5}' "$f.o" >"$f"
echo "peers reporting $(wc -l <"$f") of 100, exchanges $(awk '{sub("n=","",$3); s+=$3} END {print s+0}' "$f") of 20000, median of medians $(awk '{print $1}' "$f" >"$f.m"; med "$f.m") us (10000 expected), worst p90 $(sort -g -k2 "$f" | tail -1 | awk '{print $2}') us; supervisor CPU $(awk '/supervisor-cpu-s/ {print $2}' "$f.o") s"
rm -f "$f" "$f.o" "$f.m"
fi
