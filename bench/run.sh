#!/bin/sh
# make bench: runs each area's benchmark; each prints its own table of
# ratios against the peers its issue names.  Benchmarks never run in
# `make test`.
set -e
cd "$(dirname "$0")/.."
for b in bench/record.sh bench/bpfcost.sh bench/mmcore.sh bench/replay.sh bench/stat.sh; do
	if [ -f "$b" ]; then
		echo "## $b"
		sh "$b"
		echo
	fi
done
