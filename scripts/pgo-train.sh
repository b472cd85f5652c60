#!/bin/sh
# scripts/pgo-train.sh ROOT BUILD TRACE...: the training run of the
# profile-guided build (Makefile, PGO=1).  ROOT/BUILD/mmtrace is the
# instrumented binary; its counts start empty (gcc adds to counts it
# finds), each sample trace is replayed in policy mode (what `replay`,
# `compare` and `validate` spend their time on), and the counts, written
# as ROOT/BUILD/<dir>/<file>.gcda, are copied to BUILD/<dir>/ where the
# objects are compiled.  The samples are real captures of this project's
# workloads (traces/samples/README.md), none of them the bench's trace.
set -e
root=$1 build=$2
shift 2
find "$build" "$root/$build" -name '*.gcda' -type f -exec rm -f {} +
out=$(mktemp -d /tmp/mmtrace-pgo-XXXXXX)
trap 'rm -rf "$out"' EXIT
for t in "$@"; do
	"$root/$build/mmtrace" replay "$t" -q --force -o "$out/replay" 2>/dev/null
done
n=0
for f in $(cd "$root/$build" && find . -name '*.gcda' -type f); do
	mkdir -p "$build/$(dirname "$f")"
	cp "$root/$build/$f" "$build/$f"
	n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
	echo "pgo-train.sh: $root/$build/mmtrace left no counts" >&2
	exit 1
fi
