#!/bin/sh
# The demo's bundled workload: page cache fill, anonymous memory churn and
# slab churn, for about ten seconds.  Only standard tools, so it runs on any
# host that can run the demo.  Cleans up after itself.
set -e
dir=$(mktemp -d "${TMPDIR:-/tmp}/mmtrace-wl.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
end=$(( $(date +%s) + ${1:-10} ))
i=0
while [ "$(date +%s)" -lt "$end" ]; do
	# page cache: write and read back 256 MiB
	dd if=/dev/zero of="$dir/f$((i % 4))" bs=1M count=256 status=none
	cat "$dir/f$((i % 4))" >/dev/null
	# anonymous memory: tail keeps the last 256 MiB of its input in memory
	head -c 512M /dev/zero | tail -c 256M >/dev/null
	# slab: dentries and inodes
	mkdir -p "$dir/d$i"
	j=0
	while [ $j -lt 200 ]; do : >"$dir/d$i/$j"; j=$((j + 1)); done
	rm -rf "$dir/d$i"
	i=$((i + 1))
done
