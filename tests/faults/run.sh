#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/faults/run.sh — the fault campaign (see README.md): each trial
# provokes one fault in a launch, then checks that nothing of the launch
# remains and that the error said what happened.  One line per trial,
# then "N passed, N failed"; exit status 0 when every trial passed.
#
#   LINKEM_BUILD=$PWD/build tests/faults/run.sh [GROUP...]
#
# GROUP: kill_supervisor limits init workloads concurrent (default: all).
# FAULTS_PEERS (200): peers of the kill-supervisor trials.
# FAULTS_ENGINES ("bridge userspace"): engines of those trials.
set -u
here=$(cd "$(dirname "$0")" && pwd)
LINKEM_BUILD=${LINKEM_BUILD:-$(cd "$here/../.." && pwd)/build}
export LINKEM_BUILD
FAULTS_PEERS=${FAULTS_PEERS:-200}

if [ "$(id -u)" != 0 ]; then
	echo "faults: needs root (namespaces, cgroups)" >&2
	exit 2
fi
# Our own mount namespace: the mounts a trial makes (a small tmpfs, a
# read-only directory) and the ones a launch might leave are ours to see.
if [ -z "${FAULTS_IN_NS:-}" ]; then
	FAULTS_IN_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

. "$here/lib.sh"
for f in "$here"/t_*.sh; do . "$f"; done

faults_init
trap 'faults_fini' EXIT
trap 'faults_abort' INT TERM
start=$(now_ms)
groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(kill_supervisor limits init workloads concurrent)
for g in "${groups[@]}"; do
	if ! declare -F "group_$g" >/dev/null; then
		echo "faults: no group '$g'" >&2
		exit 2
	fi
	"group_$g"
done
echo "campaign took $(( ($(now_ms) - start) / 1000 )) s"
summary
