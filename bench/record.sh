#!/bin/sh
# bench/record.sh: cost and size of `mmtrace record` against perf on a
# fault loop (bench/faultloop.c: touch 512 MiB twice, 4 KiB pages, free).
#
# Times are the fault loop's own wall time (it prints it), best of 3, so
# recorder start-up and snapshots are not counted.  Both recorders run
# system-wide (perf -a) on the same three kinds of tracepoint, mmtrace
# additionally on everything else it records (slab, pcp, reclaim, ...).
# Bytes/event: mmtrace file size / events it wrote; perf.data size / perf's
# SAMPLE count, raw and after zstd -3.
#
# Then the highest event rate recorded with 0 lost: `faultloop --churn`
# (touch + MADV_DONTNEED in a tight loop) with 1 and 2 processes.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MMTRACE=${MMTRACE:-$BUILD/mmtrace}
FL=$BUILD/bench/faultloop
[ -x "$FL" ] || make -s "$FL"
if [ "$(id -u)" -ne 0 ]; then
	echo "record.sh: needs root (BPF); skipped"
	exit 0
fi
if ! command -v perf >/dev/null 2>&1; then
	echo "record.sh: installing perf (linux-perf)" >&2
	apt-get install -y -q linux-perf >/dev/null 2>&1 || true
fi
command -v zstd >/dev/null 2>&1 || apt-get install -y -q zstd >/dev/null 2>&1 || true
T=$(mktemp -d /tmp/mmtrace-bench-XXXXXX)
trap 'rm -rf "$T"' EXIT

best() { sort -n | head -1; }

untraced() {
	for i in 1 2 3; do "$FL"; done | best
}

mmtrace_run() {
	for i in 1 2 3; do
		"$MMTRACE" record -o "$T/m.mmt" --force -- "$FL" >"$T/m.out" 2>"$T/m.err"
		cat "$T/m.out"
		grep 'wrote' "$T/m.err" >"$T/m.sum.$i" || true
	done | best
}

perf_run() {
	for i in 1 2 3; do
		perf record -q -a -e kmem:mm_page_alloc -e kmem:mm_page_free \
			-e exceptions:page_fault_user -o "$T/perf.data.$i" -- "$FL" \
			2>/dev/null
	done | best
}

field() {	# field NAME FILE: number before NAME in the summary line
	sed -n "s/.* \([0-9.]*\) $1.*/\1/p" "$2" | head -1
}

u=$(untraced)
m=$(mmtrace_run)
ev=$(sed -n 's/.*: \([0-9]*\) events.*/\1/p' "$T/m.sum.3")
by=$(sed -n 's/.* events, \([0-9]*\) bytes.*/\1/p' "$T/m.sum.3")
lost=$(sed -n 's/.*lost \([0-9]*\).*/\1/p' "$T/m.sum.3")
if command -v perf >/dev/null 2>&1; then
	p=$(perf_run)
	pd="$T/perf.data.3"
	pev=$(perf report -i "$pd" --stats 2>/dev/null | sed -n 's/^ *SAMPLE events: *\([0-9]*\).*/\1/p' | head -1)
	pby=$(stat -c %s "$pd")
	zstd -q -3 -f "$pd" -o "$pd.zst"
	pzby=$(stat -c %s "$pd.zst")
else
	p=0; pev=1; pby=0; pzby=0
fi

awk -v u="$u" -v m="$m" -v p="$p" -v ev="$ev" -v by="$by" -v pev="$pev" \
    -v pby="$pby" -v pz="$pzby" -v lost="$lost" 'BEGIN {
	printf "%-26s %10s %10s %7s %9s %7s %10s %12s %13s %6s\n",
		"workload", "untraced_s", "mmtrace_s", "ratio", "perf_s", "ratio",
		"mmt_B/ev", "perf_B/ev", "perf_zstd_B/ev", "lost";
	printf "%-26s %10.3f %10.3f %7.2f %9.3f %7.2f %10.2f %12.1f %13.2f %6d\n",
		"faultloop 512MiB x2 4KiB", u, m, m / u, p, p / u, by / ev,
		pby / pev, pz / pev, lost;
}'

# Highest rate with 0 lost: churn with 1 and 2 processes.
rate() {	# rate NPROC
	n=$1
	"$MMTRACE" record -o "$T/c.mmt" --force -- sh -c \
		"for i in \$(seq $n); do $FL --churn 3 64 >/dev/null & done; wait" \
		2>"$T/c.err" >/dev/null
	ev=$(sed -n 's/.*: \([0-9]*\) events.*/\1/p' "$T/c.err")
	lost=$(sed -n 's/.*lost \([0-9]*\).*/\1/p' "$T/c.err")
	awk -v ev="$ev" -v lost="$lost" -v n="$n" \
		'BEGIN { printf "churn x%d: %.2f M events/s recorded, lost %d\n", n, ev / 3.0 / 1e6, lost }'
}
rate 1
rate 2
