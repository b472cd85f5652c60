#!/bin/sh
# slab + page cache churn: create/unlink files, write and read back a file
d=$(mktemp -d /tmp/mmtrace-churn-XXXXXX)
i=0
while [ $i -lt 400 ]; do : > "$d/f$i"; i=$((i+1)); done
rm -f "$d"/f*
dd if=/dev/zero of="$d/cache" bs=64k count=128 status=none
cat "$d/cache" > /dev/null
rm -rf "$d"
