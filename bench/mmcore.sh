#!/bin/sh
# mmcore speed and size (issue 3): pcp and buddy throughput on one core,
# 1 TiB 4-node setup time and memory.  Each case runs in its own process
# so peak RSS is the setup's own.  Times are CPU time of the process (one
# core, fair on a shared machine); setup also shows wall time.
set -e
B=${BUILD:-build}/bench/bench_mmcore
printf '%-34s %12s %-8s %10s %7s  %s\n' "case" "measured" "unit" "target" "ratio" "notes"
for c in pcp buddy setup; do
	"$B" "$c"
done
