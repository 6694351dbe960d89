#!/bin/sh
# pkgroot around the universal macOS binary that scripts/build-macos
# cross-builds (build-macos/enrollguard): the payload ships that binary,
# and it is a universal Mach-O executable with an arm64 and an x86_64
# slice. ./scripts/bootstrap test builds it first; without it this test is
# skipped, and counted as skipped.
. "$SRCDIR/tests/e2e/lib.sh"
MACBIN=$SRCDIR/build-macos/enrollguard
if [ ! -f "$MACBIN" ]; then
	echo "ok 1 - payload with the macOS binary # SKIP $MACBIN not built (./scripts/build-macos)"
	echo "1..1"
	exit 0
fi
OUT=$TMP/pkgroot
BIN=$OUT/payload/usr/local/sbin/enrollguard

"$ENROLLGUARD" pkgroot --out "$OUT" --binary "$MACBIN" >"$TMP/o" 2>&1; rc=$?
check "exits 0" exits_with 0
check "no warning about the binary" lacks "$TMP/o" "not a macOS binary"
check "the payload's binary is build-macos/enrollguard" cmp -s "$MACBIN" "$BIN"
check "binary 0755" [ "$(stat -c %a "$BIN")" = 755 ]

# be32 FILE OFFSET / le32 FILE OFFSET: a 32-bit word as a decimal number
be32() { od -An -tu1 -j "$2" -N4 "$1" | awk '{ printf "%.0f\n", (($1 * 256 + $2) * 256 + $3) * 256 + $4 }'; }
le32() { od -An -tu1 -j "$2" -N4 "$1" | awk '{ printf "%.0f\n", (($4 * 256 + $3) * 256 + $2) * 256 + $1 }'; }
# <mach-o/fat.h>: FAT_MAGIC 0xcafebabe, then nfat_arch, then per slice
# cputype, cpusubtype, offset, size, align (all big-endian)
check "a universal Mach-O (FAT_MAGIC)" [ "$(be32 "$BIN" 0)" = 3405691582 ]
check "with two slices" [ "$(be32 "$BIN" 4)" = 2 ]
cpus=
for i in 0 1; do
	at=$((8 + i * 20))
	cpu=$(be32 "$BIN" "$at")
	off=$(be32 "$BIN" $((at + 8)))
	case $cpu in
	16777223) name=x86_64 ;;   # CPU_TYPE_X86_64 0x01000007
	16777228) name=arm64 ;;    # CPU_TYPE_ARM64 0x0100000c
	*) name=cpu$cpu ;;
	esac
	cpus="$cpus $name"
	# <mach-o/loader.h>: MH_MAGIC_64 0xfeedfacf (little-endian on both),
	# the same cputype, filetype MH_EXECUTE 2
	check "$name slice is a 64-bit Mach-O" [ "$(le32 "$BIN" "$off")" = 4277009103 ]
	check "$name slice has its own cputype" [ "$(le32 "$BIN" $((off + 4)))" = "$cpu" ]
	check "$name slice is an executable" [ "$(le32 "$BIN" $((off + 12)))" = 2 ]
done
check "the slices are arm64 and x86_64" [ "$(echo $cpus | tr ' ' '\n' | sort | tr '\n' ' ')" = "arm64 x86_64 " ]

# the Linux binary in a macOS package is a mistake pkgroot points out
"$ENROLLGUARD" pkgroot --out "$OUT" >"$TMP/o" 2>&1; rc=$?
check "a Linux binary still lays out the payload" exits_with 0
check "with a warning that it is not a macOS binary" has "$TMP/o" "not a macOS binary"
done_testing
