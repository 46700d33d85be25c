#!/bin/sh
# build-stamp.sh OUT — build the workload `stamp`: freestanding on x86-64
# (no libc start-up, see stamp.c), an ordinary libc program elsewhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-stamp.sh OUT}
mkdir -p "$(dirname "$out")"
CC=${CC:-cc}
if [ "$(uname -m)" = x86_64 ] &&
	$CC -O2 -static -nostdlib -fno-stack-protector -DSTAMP_FREESTANDING \
		-o "$out" "$here/stamp.c" 2>/dev/null &&
	"$out" >/dev/null; then
	exit 0
fi
$CC -O2 -o "$out" "$here/stamp.c"
