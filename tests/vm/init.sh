#!/bin/busybox sh
# init.sh — PID 1 of the test VM (copied into the initramfs as /init by
# prepare.sh).  Loads the modules, mounts the host root read-only over 9p,
# chroots into it and runs the command tests/vm/run.sh left in the control
# share, with its output on the second serial port (the host's stdout);
# writes the exit status back to the control share and powers off.
/bin/busybox --install -s /bin
export PATH=/bin
say() { echo "vm-init: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# Modules are numbered in dependency order by prepare.sh.
for m in /lib/modules/*.ko; do
	case $m in
	*-ifb.ko) args=numifbs=0 ;;
	*-dummy.ko) args=numdummies=0 ;;
	*) args= ;;
	esac
	insmod "$m" $args || say "insmod $m failed"
done

P9="trans=virtio,version=9p2000.L,msize=512000"
R=/newroot
if ! mount -t 9p -o "$P9,ro,cache=loose" hostroot $R; then
	say "cannot mount the host root over 9p"
	poweroff -f
fi
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 shm $R/dev/shm
mount -t tmpfs -o mode=1777 tmp $R/tmp
mount -t tmpfs -o mode=0755 run $R/run
C=$R/run/linkem-vm
mkdir -p $C
if ! mount -t 9p -o "$P9,cache=none" ctl $C; then
	say "cannot mount the control share"
	poweroff -f
fi
# Read-write shares: "TAG PATH" lines, mounted over the read-only view.
# A share under /tmp or /run (a checkout in /tmp) is mounted under
# /var/tmp/linkem-share and reached through a symlink at PATH: a peer's
# /tmp is an overlay whose lower layer is this /tmp, and an overlay does
# not show the mounts below its lower layer; /var/tmp stays visible.
S=/var/tmp/linkem-share
while read -r tag path; do
	[ -n "$tag" ] || continue
	at=$path
	case $path in
	/tmp/* | /run/*)
		if [ -z "${vartmp:-}" ]; then
			mount -t tmpfs -o mode=1777 vartmp $R/var/tmp
			vartmp=1
		fi
		at=$S/$tag
		mkdir -p "$R${path%/*}"
		ln -s "$at" "$R$path" ;;
	*) ;;
	esac
	mkdir -p "$R$at" 2>/dev/null
	mount -t 9p -o "$P9,cache=none" "$tag" "$R$at" ||
		say "cannot mount share $tag on $at (for $path)"
done <$C/shares

ip link set lo up
hostname linkem-vm

# Raw output on the command's port: no \n -> \r\n translation.  The
# command sees a terminal only when run.sh's stdout is one.
OUT=/dev/ttyS1
stty -F $OUT raw -echo 2>/dev/null
if [ -e $C/tty ]; then
	chroot $R /bin/bash /run/linkem-vm/cmd.sh <$R/dev/null >$OUT 2>&1
	rc=$?
else
	set -o pipefail
	chroot $R /bin/bash /run/linkem-vm/cmd.sh <$R/dev/null 2>&1 | cat >$OUT
	rc=$?
fi
echo $rc >$C/status
sync
umount $C 2>/dev/null
poweroff -f
