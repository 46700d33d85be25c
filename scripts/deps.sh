#!/bin/sh
# deps.sh — install what building, testing and the demo need, when missing.
# Debian packages only.  Runs as root (or through sudo when available).
set -eu

PKGS="gcc make pkg-config libmnl-dev libcap-ng-dev libseccomp-dev libjansson-dev
libcriterion-dev iproute2 iputils-ping iperf3 tcpdump procps strace
qemu-system-x86 busybox-static xz-utils nginx-light redis-server curl"
# Extra packages that parts of the project ask for (mk/*.mk may set more).
PKGS="$PKGS ${LINKEM_EXTRA_PKGS:-}"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps: need root to install:$missing" >&2; exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -q --no-install-recommends $missing; then
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi
