#!/bin/sh
# bench/replay.sh: replay speed and size (issue 4).
#
#  1. Policy replay of a real trace on one core (taskset -c 0), counting
#     trace decoding and everything else `mmtrace replay` does: events/s =
#     events / (user + sys CPU seconds).  The trace is recorded on the fly
#     when root with BPF (a fault loop plus a file read, ~10 M events),
#     else the largest sample in traces/samples/.
#  2. `perf kmem stat --page` on a perf.data of the same workload, for the
#     ratio (perf's samples/s of CPU time), when perf is installed.
#  3. `mmtrace compare` of 4 policies (-j 2): wall time against the CPU
#     time of all its processes; CPU/wall near 2 means both cores worked.
#     The report rendering (gnuplot, one process) is included.
#  4. Peak RSS of the one-core replay and of the compare.
# Prints one table.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MMTRACE=${MMTRACE:-$BUILD/mmtrace}
FL=$BUILD/bench/faultloop
T=$(mktemp -d /tmp/mmtrace-rbench-XXXXXX)
trap 'rm -rf "$T"' EXIT

load=$(cut -d' ' -f1 /proc/loadavg)
trace=${MMTRACE_BENCH_TRACE:-}
src="given"
if [ -z "$trace" ] && [ "$(id -u)" -eq 0 ] && [ -x "$FL" ] || make -s "$FL" 2>/dev/null; then
	if [ -z "$trace" ] && [ "$(id -u)" -eq 0 ] &&
	   "$MMTRACE" record -o "$T/bench.mmt" -- sh -c "$(command -v "$FL" || echo "$PWD/$FL") 512 10 >/dev/null; cat /usr/lib/x86_64-linux-gnu/*.so* >/dev/null 2>&1; true" \
		>/dev/null 2>"$T/rec.err"; then
		trace=$T/bench.mmt
		src="recorded now"
	fi
fi
if [ -z "$trace" ]; then
	trace=$(ls -S traces/samples/*.mmt 2>/dev/null | head -1)
	src="largest sample"
fi
if [ -z "$trace" ] || [ ! -f "$trace" ]; then
	echo "replay.sh: no trace (not root and no traces/samples/*.mmt); skipped"
	exit 0
fi
events=$("$MMTRACE" info "$trace" 2>/dev/null | sed -n 's/^events *\([0-9]*\) in.*/\1/p')
size=$(stat -c %s "$trace")

# 1. one core, best of 3 by CPU time: "wall user sys maxrss_kb"
for i in 1 2 3; do
	/usr/bin/time -o "$T/t.$i" -f "%e %U %S %M" taskset -c 0 \
		"$MMTRACE" replay "$trace" -q --force -o "$T/run" 2>/dev/null
	cat "$T/t.$i"
done | awk '{ print $2 + $3, $0 }' | sort -n | head -1 >"$T/best"
read cpu wall user sys rss <"$T/best"
evs=$(awk -v e="$events" -v c="$cpu" 'BEGIN { printf "%.2f", (c > 0 ? e / c / 1e6 : 0) }')

# 2. perf kmem stat on a perf.data of the same workload
perf_rate="n/a"
perf_note="perf not installed"
if command -v perf >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && [ -x "$FL" ]; then
	if perf kmem --page record -o "$T/perf.data" -- sh -c \
		"$PWD/$FL 512 10 >/dev/null; cat /usr/lib/x86_64-linux-gnu/*.so* >/dev/null 2>&1; true" \
		>/dev/null 2>&1; then
		samples=$(perf report -i "$T/perf.data" --stats 2>/dev/null |
			  sed -n 's/^ *SAMPLE events: *\([0-9]*\).*/\1/p' | head -1)
		prc=0
		/usr/bin/time -o "$T/pt" -f "%e %U %S" taskset -c 0 \
			perf kmem -i "$T/perf.data" --page stat >/dev/null \
			2>"$T/perf.err" || prc=$?
		tail -1 "$T/pt" >"$T/pt1"
		read pwall puser psys <"$T/pt1"
		perf_rate=$(awk -v e="${samples:-0}" -v u="$puser" -v s="$psys" \
			'BEGIN { c = u + s; printf "%.2f", (c > 0 ? e / c / 1e6 : 0) }')
		perf_note="${samples:-?} samples, $(awk -v u="$puser" -v s="$psys" 'BEGIN { printf "%.2f", u + s }') s CPU"
		[ "$prc" -eq 0 ] || perf_note="$perf_note; perf exited $prc ($(tail -1 "$T/perf.err"))"
	else
		perf_note="perf kmem record failed"
	fi
fi

# 3. compare of 4 policies on both cores
/usr/bin/time -o "$T/ct" -f "%e %U %S %M" "$MMTRACE" compare "$trace" -j 2 \
	--policy zrm0:vm.zone_reclaim_mode=0 --policy zrm1:vm.zone_reclaim_mode=1 \
	--policy wsf10:vm.watermark_scale_factor=10 \
	--policy wsf200:vm.watermark_scale_factor=200 \
	-o "$T/cmp" >/dev/null 2>"$T/cmp.err" || true
read cwall cuser csys crss <"$T/ct"
cratio=$(awk -v w="$cwall" -v u="$cuser" -v s="$csys" 'BEGIN { printf "%.2f", (w > 0 ? (u + s) / w : 0) }')

echo "load average at start: $load (2 cores shared with other jobs: wall times suffer)"
printf '%-40s %14s %-10s %10s  %s\n' "case" "measured" "unit" "target" "notes"
printf '%-40s %14s %-10s %10s  %s\n' "policy replay, one core (decode incl.)" "$evs" "M ev/s" ">= 10" \
	"$events events, $(awk -v c="$cpu" 'BEGIN{printf "%.2f", c}') s CPU, $src ($((size / 1024)) KiB)"
printf '%-40s %14s %-10s %10s  %s\n' "perf kmem stat --page, one core" "$perf_rate" "M samp/s" "~1" "$perf_note"
if [ "$perf_rate" != "n/a" ]; then
	printf '%-40s %14s %-10s %10s  %s\n' "replay / perf kmem stat" \
		"$(awk -v a="$evs" -v b="$perf_rate" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')" "x" "" "events/s vs samples/s of CPU time"
fi
printf '%-40s %14s %-10s %10s  %s\n' "peak RSS, one-core replay" "$((rss / 1024))" "MiB" "" "model + maps + reader"
printf '%-40s %14s %-10s %10s  %s\n' "compare 4 policies: CPU / wall" "$cratio" "cores" "~2" \
	"wall ${cwall} s, CPU $(awk -v u="$cuser" -v s="$csys" 'BEGIN{printf "%.2f", u + s}') s (report rendering included)"
printf '%-40s %14s %-10s %10s  %s\n' "peak RSS, compare (largest process)" "$((crss / 1024))" "MiB" "" ""
