#!/bin/sh
# demo.sh — three peers on a private network ping each other.
# The link between peer1 and peer2 is delayed by 50 ms each way, so their
# round trips take about 100 ms; peer3's links are untouched.
set -eu
LAUNCH=${1:-build/linkem-launch}
if [ "$(id -u)" != 0 ]; then
	echo "demo: linkem-launch needs root (namespaces, rtnetlink); run: sudo make demo" >&2
	exit 1
fi
echo "demo: $LAUNCH -n 3 --link 1-2:delay=50ms -- sh -c '...ping every other peer...'"
exec "$LAUNCH" -n 3 --link 1-2:delay=50ms -- sh -c '
	echo "I am $(hostname), $LINKEM_ADDR and $LINKEM_ADDR6"
	for j in $(seq 1 $LINKEM_N); do
		[ "$j" = "$LINKEM_ID" ] && continue
		rtt=$(ping -c 3 -i 0.2 -q peer$j | sed -n "s|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p")
		echo "ping peer$j: average round trip ${rtt:-lost} ms"
	done
	sleep 1 # stay reachable while the others finish
'
