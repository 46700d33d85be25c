#!/bin/sh
# bench/userspace/run.sh — the userspace engine against the kernel bridge:
# throughput, RTT, small-packet rate, supervisor CPU per Gbit, delay and
# rate accuracy, 100 peers at once.  Run as root from the repository root
# after `make tests`.  Prints markdown-ish lines; SHORT=1 for quick runs.
set -u
B=${LINKEM_BUILD:-build}
L="$B/linkem-launch"
T=${T:-5}	# seconds per iperf3 run

# med FILE: median of the numbers in FILE
med() { sort -g "$1" | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# run ENGINE-ARGS... -- SCRIPT : launch 2 peers, print peer output, and
# the supervisor's own CPU seconds (utime+stime, sampled until it ends).
run2() {
	script=$1; shift
	out=$(mktemp)
	"$L" -q -n 2 "$@" -- sh -c "$script" >"$out" 2>&1 &
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
	run2 "if [ {id} = 2 ]; then $U echo 7007 ${URTT_S:-6}; else sleep 0.3; $U rtt 10.0.0.2 7007 300 2000; fi" "$@" |
		awk '/rtt-us/ {print $3, $4}'
}

pps() { # ENGINE-ARGS...: UDP 64-byte datagrams received per second
	run2 "if [ {id} = 2 ]; then iperf3 -s -1 >/dev/null; else sleep 0.5; iperf3 -u -b 0 -l 64 -c 10.0.0.2 -t $T | grep receiver; sleep 0.5; fi" "$@" |
		awk -v t=$T '/receiver/ {for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+\/[0-9]+$/) {split($i,a,"/"); got=a[2]-a[1]}} END {printf "%.0f\n", got/t}'
}

echo "# userspace engine benchmark ($(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "## unimpaired, 2 peers"
br=$(tcp); us=$(tcp --engine userspace)
echo "TCP Mbit/s: bridge ${br% *}  userspace ${us% *}"
echo "supervisor CPU s per Gbit (userspace): $(echo "$us $T" | awk '{ if ($1 > 0) printf "%.3f", $2 / ($1 * $3 / 1000); }')  (bridge: $(echo "$br $T" | awk '{ if ($1 > 0) printf "%.3f", $2 / ($1 * $3 / 1000); }'))"
rb=$(rtt); ru=$(rtt --engine userspace)
echo "RTT median ms: bridge $rb  userspace $ru  added one-way us: $(echo "$rb $ru" | awk '{printf "%.1f", ($2-$1)*1000/2}')"
ub=$(urtt); uu=$(urtt --engine userspace)
echo "UDP RTT median/p90 us: bridge $ub  userspace $uu  added one-way us: $(echo "$ub $uu" | awk '{printf "%.1f", ($3-$1)/2}')"
echo "UDP 64B pps received: bridge $(pps)  userspace $(pps --engine userspace)"
echo
echo "## delay accuracy (delay on 1>2 only; error = median UDP RTT - D - unimpaired median)"
for d in 1 10 100; do
	URTT_S=$((d * 300 / 1000 + 8))
	r=$(URTT_S=$URTT_S urtt --engine userspace --link "1>2:delay=${d}ms")
	echo "delay ${d}ms: median RTT ${r% *} us, error $(echo "${r% *} ${uu% *} $d" | awk '{printf "%.1f", $1-$2-$3*1000}') us"
done
echo
echo "## rate accuracy (rate on 1-2; TCP goodput / (rate * 1448/1514))"
for r in 1 10 100 1000; do
	g=$(tcp --engine userspace --link "1-2:rate=${r}mbit")
	echo "rate ${r}mbit: goodput ${g% *} Mbit/s, ratio $(echo "${g% *} $r" | awk '{printf "%.3f", $1/($2*1448/1514)}')"
done
echo
echo "## 100 peers, all pinging their neighbour at once through delay=10ms"
f=$(mktemp)
"$L" -q -n 100 --engine userspace --link '*-*:delay=5ms' -- sh -c \
	'sleep 1; n=$(( {id} % 100 + 1 )); ping -c 50 -i 0.02 10.0.$((n / 256)).$((n % 256))' 2>&1 |
	sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' >"$f"
echo "replies $(wc -l <"$f") of 5000, median RTT $(med "$f") ms (10 expected), p99 $(sort -g "$f" | awk '{v[NR]=$1} END {print v[int(NR*0.99)]}') ms"
rm -f "$f"
