#!/bin/bash
# run.sh — run a command inside a throw-away QEMU VM that boots Debian's
# stock kernel (which has sch_netem), chrooted into this host's root.
#
#   tests/vm/run.sh [--share DIR]... [--timeout SECONDS] -- COMMAND [ARG]...
#
# The host root is visible read-only (virtio-9p); every --share DIR is
# mounted read-write at the same path.  /tmp, /run, /dev/shm are fresh
# tmpfs.  COMMAND runs as root in the caller's working directory with the
# caller's environment; its stdout and stderr come out on this stdout, and
# run.sh exits with its status.  A guest that panics, crashes or hangs past
# the timeout is a failure (exit 125, resp. 124) and the end of the guest's
# kernel console is printed.
#
# Environment: LINKEM_VM_TIMEOUT (default 600 s), LINKEM_VM_ACCEL (qemu
# -accel value; default tcg), LINKEM_VM_MEM
# (MiB, default 1024), LINKEM_VM_CONSOLE=1 (print the whole kernel console),
# LINKEM_VM_CACHE (see prepare.sh).  Only one VM runs at a time (flock).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${LINKEM_VM_CACHE:-/var/cache/linkem-vm}
TIMEOUT=${LINKEM_VM_TIMEOUT:-600}
MEM=${LINKEM_VM_MEM:-1024}

die() { echo "vm: error: $*" >&2; exit 125; }
usage() {
	echo "usage: $0 [--share DIR]... [--timeout SECONDS] -- COMMAND [ARG]..." >&2
	exit 2
}

SHARES=()
while [ $# -gt 0 ]; do
	case $1 in
	--share)
		[ $# -ge 2 ] || usage
		[ -d "$2" ] || die "--share $2: not a directory"
		SHARES+=("$(cd "$2" && pwd -P)"); shift 2 ;;
	--timeout)
		[ $# -ge 2 ] || usage
		TIMEOUT=$2; shift 2 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -ge 1 ] || usage

command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
KDIR=$("$HERE/prepare.sh") || die "tests/vm/prepare.sh failed"

CTL=$(mktemp -d /tmp/linkem-vm.XXXXXX)
TPID=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ -n "$TPID" ]; then kill "$TPID" 2>/dev/null; wait "$TPID" 2>/dev/null; fi
	rm -rf "$CTL"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The command script the guest runs (with the host's /bin/bash): the
# caller's environment minus what only makes sense on the host, its working
# directory, then the command.
{
	echo '# written by tests/vm/run.sh'
	for name in $(compgen -e); do
		case $name in
		MAKEFLAGS | MFLAGS | MAKELEVEL | MAKEOVERRIDES | MAKE_TERMOUT | \
		MAKE_TERMERR | SHLVL | PWD | OLDPWD | _ | SSH_* | DISPLAY | \
		XDG_* | DBUS_* | TMPDIR | BASH_FUNC_*) continue ;;
		*) ;;
		esac
		printf 'export %s=%q\n' "$name" "${!name}"
	done
	echo 'export LINKEM_IN_VM=1'
	printf 'export LINKEM_VM_HOST_KERNEL=%q\n' "$(uname -r)"
	printf 'cd -- %q || exit 125\n' "$(pwd -P)"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$CTL/cmd.sh"
: >"$CTL/shares"
if [ -t 1 ]; then : >"$CTL/tty"; fi

FSDEV=(-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
	-fsdev "local,id=ctl,path=$CTL,security_model=none"
	-device "virtio-9p-pci,fsdev=ctl,mount_tag=ctl")
i=0
for dir in "${SHARES[@]}"; do
	case $dir in *[[:space:],]*) die "--share $dir: no spaces or commas, please" ;; *) ;; esac
	FSDEV+=(-fsdev "local,id=share$i,path=$dir,security_model=none,multidevs=remap"
		-device "virtio-9p-pci,fsdev=share$i,mount_tag=share$i")
	echo "share$i $dir" >>"$CTL/shares"
	i=$((i + 1))
done

# TCG by default: this machine's /dev/kvm is nested and fails ("KVM
# internal error ... emulation failure") on the guest's first cmpxchg16b.
ACCEL=${LINKEM_VM_ACCEL:-tcg}

# One VM at a time on this machine.
exec 9>"$CACHE/vm.lock"
flock 9

# ttyS0: the kernel console, to a file; ttyS1: the command's output.
CONSOLE=$CTL/console.log
start=$(date +%s%N)
set +e
# timeout(1): a hung guest must not hang CI.
timeout --kill-after=10 "$TIMEOUT" \
	qemu-system-x86_64 -accel "$ACCEL" -cpu max -smp 2 -m "$MEM" \
	-nodefaults -no-user-config -display none -vga none -no-reboot \
	-kernel "$KDIR/vmlinux" -initrd "$KDIR/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 oops=panic rdinit=/init" \
	-serial "file:$CONSOLE" -chardev stdio,id=out,signal=off \
	-serial chardev:out "${FSDEV[@]}" </dev/null &
TPID=$! # in the background, so that a signal to run.sh stops the VM at once
wait "$TPID"
qrc=$?
TPID=
set -e
ms=$((($(date +%s%N) - start) / 1000000))
elapsed=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))

show_console() {
	if [ "${LINKEM_VM_CONSOLE:-0}" = 1 ]; then
		cat "$CONSOLE" >&2
	else
		# From a little before the first oops/panic, else the end.
		first=$(grep -n -m1 -E 'BUG:|Oops|Kernel panic|WARNING:|Call Trace' \
			"$CONSOLE" 2>/dev/null | cut -d: -f1 || true)
		echo "vm: --- guest kernel console (LINKEM_VM_CONSOLE=1: all) ---" >&2
		if [ -n "$first" ]; then
			tail -n +"$((first > 5 ? first - 5 : 1))" "$CONSOLE" | head -n 80 >&2 || true
		else
			tail -n 40 "$CONSOLE" >&2
		fi
		echo "vm: --- end of console ---" >&2
	fi
}

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "vm: error: timeout: the guest ran longer than $TIMEOUT s; killed" >&2
	show_console
	exit 124
fi
if [ ! -s "$CTL/status" ]; then
	if grep -q 'Kernel panic' "$CONSOLE" 2>/dev/null; then
		echo "vm: error: guest kernel panic" >&2
	else
		echo "vm: error: the guest stopped without reporting the command's" \
			"exit status (qemu exit $qrc)" >&2
	fi
	show_console
	exit 125
fi
status=$(cat "$CTL/status")
[ "${LINKEM_VM_CONSOLE:-0}" = 1 ] && show_console
echo "vm: $ACCEL guest ($(basename "$KDIR")) done in ${elapsed}s, exit $status" >&2
exit "$status"
