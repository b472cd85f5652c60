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

# best of 3 by wall time: "wall cpu"
best() { sort -n | head -1; }
wall() { echo "$1" | cut -d' ' -f1; }
cpu() { echo "$1" | cut -d' ' -f2; }

untraced() {
	for i in 1 2 3; do "$FL"; done | best
}

mmtrace_run() {	# mmtrace_run TAG [record options]
	tag=$1
	shift
	for i in 1 2 3; do
		"$MMTRACE" record -o "$T/m.mmt" --force "$@" -- "$FL" >"$T/m.out" 2>"$T/m.err"
		cat "$T/m.out"
		grep 'wrote' "$T/m.err" >"$T/$tag.sum.$i" || true
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

sum() {	# sum TAG WHAT: events / bytes / lost of the last run
	case $2 in
	events) sed -n 's/.*: \([0-9]*\) events.*/\1/p' "$T/$1.sum.3" ;;
	bytes) sed -n 's/.* events, \([0-9]*\) bytes.*/\1/p' "$T/$1.sum.3" ;;
	lost) sed -n 's/.*lost \([0-9]*\).*/\1/p' "$T/$1.sum.3" ;;
	esac
}

u=$(untraced)
m=$(mmtrace_run all)
m3=$(mmtrace_run three -e mm_page_alloc,mm_page_free,page_fault_user)
if command -v perf >/dev/null 2>&1; then
	p=$(perf_run)
	pd="$T/perf.data.3"
	pev=$(perf report -i "$pd" --stats 2>/dev/null | sed -n 's/^ *SAMPLE events: *\([0-9]*\).*/\1/p' | head -1)
	pby=$(stat -c %s "$pd")
	zstd -q -3 -f "$pd" -o "$pd.zst"
	pzby=$(stat -c %s "$pd.zst")
else
	p="0 0"; pev=1; pby=0; pzby=0
fi

row() {	# row LABEL MMTRACE_S TAG
	awk -v w="$1" -v u="$(wall "$u")" -v m="$(wall "$2")" -v p="$(wall "$p")" -v ev="$(sum "$3" events)" \
	    -v by="$(sum "$3" bytes)" -v lost="$(sum "$3" lost)" -v pev="$pev" \
	    -v pby="$pby" -v pz="$pzby" 'BEGIN {
		printf "%-34s %10.3f %10.3f %7.2f %9.3f %7.2f %9.2f %10.1f %11.2f %6d\n",
			w, u, m, m / u, p, p / u, by / ev, pby / pev, pz / pev, lost;
	}'
}
printf "%-34s %10s %10s %7s %9s %7s %9s %10s %11s %6s\n" \
	"workload (mmtrace events)" "untraced_s" "mmtrace_s" "ratio" "perf_s" \
	"ratio" "mmt_B/ev" "perf_B/ev" "perf_zst_B/ev" "lost"
row "faultloop 512MiBx2 (all events)" "$m" all
row "faultloop 512MiBx2 (perf's 3 tps)" "$m3" three
# Wall time on a shared 2-core VM swings +-50% with other jobs; the loop's
# own CPU time (its faults run the BPF programs) is steadier.
awk -v u="$(cpu "$u")" -v m="$(cpu "$m")" -v m3="$(cpu "$m3")" -v p="$(cpu "$p")" 'BEGIN {
	printf "fault loop CPU time (user+sys, best-wall run): untraced %.3f s, mmtrace all %.3f s (%.2fx), mmtrace 3 tps %.3f s (%.2fx), perf %.3f s (%.2fx)\n",
		u, m, m / u, m3, m3 / u, p, p / u }'
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"

# Highest rate with 0 lost: churn with 1, 2 and 4 processes; the rate is
# the busiest whole second of the trace (by event time), so start-up and
# snapshot time do not dilute it.
rate() {	# rate NPROC
	n=$1
	"$MMTRACE" record -o "$T/c.mmt" --force -- sh -c \
		"for i in \$(seq $n); do $FL --churn 3 64 >/dev/null & done; wait" \
		2>"$T/c.err" >/dev/null
	lost=$(sed -n 's/.*lost \([0-9]*\).*/\1/p' "$T/c.err")
	peak=$("$MMTRACE" dump "$T/c.mmt" 2>/dev/null |
		awk '{ n[int($3)]++ } END { for (k in n) if (n[k] > m) m = n[k]; print m + 0 }')
	awk -v p="$peak" -v lost="$lost" -v n="$n" \
		'BEGIN { printf "churn x%d: peak %.2f M events/s recorded (busiest second), lost %d\n", n, p / 1e6, lost }'
}
rate 1
rate 2
rate 4
