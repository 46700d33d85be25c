#!/bin/bash
# prepare.sh — make a Debian stock kernel and a busybox initramfs ready for
# tests/vm/run.sh, cached outside the repository.  Idempotent: a second run
# only prints the cache directory.
#
#   tests/vm/prepare.sh            prints the ready directory on stdout
#
# Environment:
#   LINKEM_VM_CACHE   cache root (default /var/cache/linkem-vm)
#   LINKEM_VM_KVER    kernel version, e.g. 6.1.0-56-amd64 (default: the
#                     newest one already cached, else the one Debian's
#                     linux-image-amd64 meta-package depends on)
#
# Layout of $LINKEM_VM_CACHE/$KVER/: vmlinux (ELF, boots faster under TCG
# than the xz-compressed vmlinuz), initramfs.cpio.gz, modules.txt (what the
# initramfs loads, in order), ready (stamp).
set -euo pipefail

CACHE=${LINKEM_VM_CACHE:-/var/cache/linkem-vm}
HERE=$(cd "$(dirname "$0")" && pwd)

# Modules the guest loads at boot, when the kernel has them as modules
# (built-in or missing ones are skipped); dependencies are added from
# modules.dep.  Everything a qdisc tree of the kernel engine may need, and
# overlay for the peers' private /tmp (docs/behaviour.md).
WANT_MODULES="
sch_netem sch_prio sch_tbf sch_htb sch_ingress sch_fq
sch_fq_codel sch_sfq sch_red sch_drr sch_multiq sch_cake
cls_u32 cls_bpf cls_matchall cls_basic cls_fw cls_flower
act_mirred act_gact act_bpf act_skbedit act_pedit
ifb veth bridge tun dummy macvlan
9p 9pnet_virtio virtio_pci virtio_net
overlay
"

# The cache entry is valid for this exact init and module list.
STAMP=$(cat "$HERE/prepare.sh" "$HERE/init.sh" | sha256sum | cut -c1-16)
is_ready() { [ "$(cat "$1/ready" 2>/dev/null)" = "$STAMP" ]; }

log() { echo "vm-prepare: $*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in busybox xz dpkg-deb gzip flock apt-get; do
	command -v "$tool" >/dev/null || die "$tool not found (scripts/deps.sh installs it)"
done
busybox --list | grep -x depmod >/dev/null || die "this busybox has no depmod (install busybox-static)"

# Which kernel.  The meta-package's dependency names it.
kver_from_apt() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' |
		grep -v -- '-cloud-\|-rt-' | head -n1
}
newest_cached() {
	local d
	for d in "$CACHE"/*/; do
		if is_ready "$d"; then basename "$d"; fi
	done | sort -V | tail -n1
}

KVER=${LINKEM_VM_KVER:-}
if [ -z "$KVER" ]; then
	# A cached kernel is good enough: warm runs ask apt nothing (~2 s).
	# Remove the cache (or set LINKEM_VM_KVER) to move to a newer kernel.
	cached=$(newest_cached)
	if [ -n "$cached" ]; then echo "$CACHE/$cached"; exit 0; fi
	# Cold: apt's lists may be missing or old (naming a kernel the
	# mirror no longer has), so refresh them first.
	log "no cached kernel: running apt-get update"
	apt-get update -q >&2 || log "apt-get update failed; trying the lists as they are"
	KVER=$(kver_from_apt || true)
	[ -n "$KVER" ] || die "cannot tell which linux-image-*-amd64 Debian has"
fi
case $KVER in *-cloud-*) die "$KVER: the cloud flavour has no 9p; use the generic one";; esac

OUT=$CACHE/$KVER
is_ready "$OUT" && { echo "$OUT"; exit 0; }

mkdir -p "$CACHE"
exec 8>"$CACHE/prepare.lock"
flock 8
is_ready "$OUT" && { echo "$OUT"; exit 0; }

start=$(date +%s)
WORK=$(mktemp -d "$CACHE/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# 1. Download (the .deb is kept, so a change of init.sh costs no download)
#    and unpack the kernel package.
pkg=linux-image-$KVER
DEBS=$CACHE/debs
mkdir -p "$DEBS"
deb=$(ls "$DEBS/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	log "downloading $pkg"
	DL=$WORK/dl # writable by apt's sandbox user, when there is one
	mkdir -p "$DL"
	chmod 0755 "$WORK"
	chown _apt "$DL" 2>/dev/null || true
	if ! (cd "$DL" && apt-get download -q "$pkg" >&2); then
		log "download failed: running apt-get update and retrying"
		apt-get update -q >&2 || die "apt-get update failed"
		(cd "$DL" && apt-get download -q "$pkg" >&2) ||
			die "cannot download $pkg"
	fi
	rm -f "$DEBS/linux-image-"*.deb # keep one kernel only
	mv "$DL/${pkg}_"*.deb "$DEBS/"
	deb=$(ls "$DEBS/${pkg}_"*.deb | head -n1)
fi
log "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$WORK/root"
MODDIR=$WORK/root/lib/modules/$KVER
VMLINUZ=$WORK/root/boot/vmlinuz-$KVER
[ -d "$MODDIR" ] || die "$pkg has no lib/modules/$KVER"
[ -f "$VMLINUZ" ] || die "$pkg has no boot/vmlinuz-$KVER"

# 2. The ELF vmlinux: the bzImage carries it xz-compressed; find the xz
#    stream's magic (FD 37 7A 58 5A 00) and decompress from there.  Under
#    TCG this saves ~3 s of in-guest decompression per boot.
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$VMLINUZ" | head -n1 | cut -d: -f1 || true)
[ -n "$off" ] || die "no xz stream in $VMLINUZ (not an xz bzImage?)"
tail -c +"$((off + 1))" "$VMLINUZ" | xz -dc --single-stream >"$WORK/vmlinux" 2>/dev/null || true
[ "$(head -c 4 "$WORK/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
	die "decompressed image from $VMLINUZ is not an ELF vmlinux"

# 3. Module dependencies.  Debian ships modules xz-compressed and without
#    modules.dep; busybox's insmod wants plain .ko, so decompress the ones
#    the guest needs and let busybox depmod work out the load order.
busybox depmod -b "$WORK/root" "$KVER" ||
	die "busybox depmod failed on $MODDIR"
[ -s "$MODDIR/modules.dep" ] || die "depmod wrote no $MODDIR/modules.dep"

# modules.dep lines: "path/name.ko.xz: dep1.ko.xz dep2.ko.xz"; the deps are
# listed so that loading them from last to first works.
modpath() {
	awk -F: -v m="$1" '{
		n = $1; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n)
		gsub(/-/, "_", n)
		if (n == m) { print $1; exit }
	}' "$MODDIR/modules.dep"
}
deps_of() {
	awk -F: -v p="$1" '$1 == p { print $2; exit }' "$MODDIR/modules.dep" |
		tr ' ' '\n' | sed '/^$/d' | tac
}
ORDER=()
declare -A SEEN=()
add_path() {
	local p=$1 d
	[ -n "${SEEN[$p]:-}" ] && return 0
	SEEN[$p]=1
	for d in $(deps_of "$p"); do add_path "$d"; done
	ORDER+=("$p")
}
for m in $WANT_MODULES; do
	m=${m//-/_}
	p=$(modpath "$m")
	if [ -z "$p" ]; then
		if grep -q "/$m\.ko" "$MODDIR/modules.builtin" 2>/dev/null; then
			log "$m: built in"
		else
			log "$m: not in this kernel, skipped"
		fi
		continue
	fi
	add_path "$p"
done

# 4. The initramfs: busybox, the modules in load order, and init.
IR=$WORK/initramfs
mkdir -p "$IR"/{bin,dev,proc,sys,newroot,run,lib/modules}
cp "$(command -v busybox)" "$IR/bin/busybox"
: >"$WORK/modules.txt"
i=0
for p in "${ORDER[@]}"; do
	name=$(basename "$p"); name=${name%%.ko*}
	dst=$(printf '%s/lib/modules/%03d-%s.ko' "$IR" "$i" "$name")
	case $p in
	*.xz) xz -dc "$MODDIR/$p" >"$dst" ;;
	*.zst) zstd -qdc "$MODDIR/$p" >"$dst" ;;
	*.gz) gzip -dc "$MODDIR/$p" >"$dst" ;;
	*) cp "$MODDIR/$p" "$dst" ;;
	esac
	echo "$name" >>"$WORK/modules.txt"
	i=$((i + 1))
done
install -m 0755 "$HERE/init.sh" "$IR/init"
(cd "$IR" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) |
	gzip -1 >"$WORK/initramfs.cpio.gz"

# 5. Publish atomically.
rm -rf "$OUT"
mkdir -p "$OUT"
mv "$WORK/vmlinux" "$WORK/initramfs.cpio.gz" "$WORK/modules.txt" "$OUT/"
cp "$WORK/root/boot/config-$KVER" "$OUT/config" 2>/dev/null || true
echo "$STAMP" >"$OUT/ready"
log "ready in $(($(date +%s) - start)) s: $OUT ($i modules)"
echo "$OUT"
