#!/bin/sh
# bench/stat.sh: `mmtrace stat` speed against `perf kmem stat` (issue 12).
#
#  1. A trace of a fault loop plus a file read and a directory walk (~8 M
#     events), recorded now when root with BPF, else the largest sample.
#  2. `mmtrace stat` on one core (taskset -c 0), best of 5 by CPU time:
#     events/s = events in the trace / (user + sys).
#  3. `perf kmem --slab --page record` of the same workload and
#     `perf kmem --slab --page stat` on one core, best of 3: its samples/s
#     of CPU time, and the ratio.
# Timing runs hold the host lock (/run/mmtrace-host.lock).  Prints one table.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MMTRACE=${MMTRACE:-$BUILD/mmtrace}
FL=$BUILD/bench/faultloop
T=$(mktemp -d /tmp/mmtrace-sbench-XXXXXX)
trap 'rm -rf "$T"' EXIT
[ -x "$FL" ] || make -s "$FL" >/dev/null 2>&1 || true
WORK="$PWD/$FL 512 10 >/dev/null; cat /usr/lib/x86_64-linux-gnu/*.so* >/dev/null 2>&1; ls -R /usr >/dev/null 2>&1; true"

trace=${MMTRACE_BENCH_TRACE:-}
src=given
if [ -z "$trace" ] && [ "$(id -u)" -eq 0 ] && [ -x "$FL" ] &&
   "$MMTRACE" record -o "$T/bench.mmt" -- sh -c "$WORK" >/dev/null 2>"$T/rec.err"; then
	trace=$T/bench.mmt
	src="recorded now"
fi
if [ -z "$trace" ]; then
	trace=$(ls -S traces/samples/*.mmt 2>/dev/null | head -1)
	src="largest sample"
fi
if [ -z "$trace" ] || [ ! -f "$trace" ]; then
	echo "stat.sh: no trace (not root and no traces/samples/*.mmt); skipped"
	exit 0
fi
events=$("$MMTRACE" info "$trace" 2>/dev/null | sed -n 's/^events *\([0-9]*\) in.*/\1/p')

# best CPU time of N runs of a command: "cpu_seconds"
best_cpu() {
	n=$1
	shift
	i=0
	while [ $i -lt "$n" ]; do
		/usr/bin/time -o "$T/t" -f "%U %S" taskset -c 0 "$@" >/dev/null 2>&1 || true
		awk '{ print $1 + $2 }' "$T/t"
		i=$((i + 1))
	done | sort -n | head -1
}

perf_rate=n/a
perf_note="perf not installed"
if command -v perf >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && [ -x "$FL" ]; then
	if perf kmem --slab --page record -o "$T/perf.data" -m 8192 -- sh -c "$WORK" \
		>/dev/null 2>&1; then
		samples=$(perf report -i "$T/perf.data" --stats 2>/dev/null |
			  sed -n 's/^ *SAMPLE events: *\([0-9]*\).*/\1/p' | head -1)
	else
		perf_note="perf kmem record failed"
	fi
fi

exec 9>/run/mmtrace-host.lock
flock 9
cpu=$(best_cpu 5 "$MMTRACE" stat "$trace")
evs=$(awk -v e="$events" -v c="$cpu" 'BEGIN { printf "%.1f", (c > 0 ? e / c / 1e6 : 0) }')
if [ -n "${samples:-}" ]; then
	pcpu=$(best_cpu 3 perf kmem -i "$T/perf.data" --slab --page stat)
	perf_rate=$(awk -v e="$samples" -v c="$pcpu" 'BEGIN { printf "%.2f", (c > 0 ? e / c / 1e6 : 0) }')
	perf_note="$samples samples, $pcpu s CPU"
fi
flock -u 9

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 shared cores: CPU times suffer when busy)"
printf '%-40s %10s %-9s %8s  %s\n' "case" "measured" "unit" "target" "notes"
printf '%-40s %10s %-9s %8s  %s\n' "mmtrace stat, one core (decode incl.)" "$evs" "M ev/s" ">= 20" \
	"$events events, $cpu s CPU, $src"
printf '%-40s %10s %-9s %8s  %s\n' "perf kmem --slab --page stat, one core" "$perf_rate" "M samp/s" "" "$perf_note"
if [ "$perf_rate" != n/a ]; then
	printf '%-40s %10s %-9s %8s  %s\n' "mmtrace stat / perf kmem stat" \
		"$(awk -v a="$evs" -v b="$perf_rate" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')" "x" "" \
		"events/s vs samples/s of CPU time"
fi
