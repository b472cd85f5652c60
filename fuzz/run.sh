#!/bin/sh
# fuzz/run.sh BUILD SECONDS [HARNESS...]: for each harness (default: all
# of BUILD/fuzz/fuzz_*), replay its checked-in corpus fuzz/corpus/NAME
# (every input once: a regression test), then fuzz it for SECONDS at
# nice 19 under the limits a trace reader must keep (512 MB, 10 s of CPU
# an input).  New inputs go to BUILD/fuzz/corpus/NAME, crashes to
# BUILD/fuzz/artifacts/.  Prints one line per harness with its
# executions; exit status 1 when any harness found a crash, a hang, an
# out-of-memory or a sanitizer report.
set -u
build=${1:?usage: fuzz/run.sh BUILD SECONDS [HARNESS...]}
secs=${2:?usage: fuzz/run.sh BUILD SECONDS [HARNESS...]}
shift 2
names="$*"
if [ -z "$names" ]; then
	for b in "$build"/fuzz/fuzz_*; do
		[ -x "$b" ] && names="$names ${b##*/fuzz_}"
	done
fi
fail=0
for n in $names; do
	bin=$build/fuzz/fuzz_$n
	seeds=fuzz/corpus/$n
	work=$build/fuzz/corpus/$n
	arts=$build/fuzz/artifacts
	log=$build/fuzz/$n.log
	mkdir -p "$work" "$arts"
	# 10 s of CPU an input is checked by the harness itself (fuzz/cpu.h);
	# -timeout counts wall time, which a loaded machine stretches: it is
	# there for real hangs
	opts="-rss_limit_mb=512 -malloc_limit_mb=512 -timeout=120 -artifact_prefix=$arts/$n-"
	# the corpus, every input once
	if ! nice -n 19 "$bin" $opts -runs=0 "$seeds" >"$log" 2>&1; then
		echo "fuzz $n: corpus replay FAILED (see $log)"
		tail -40 "$log"
		fail=1
		continue
	fi
	if ! nice -n 19 "$bin" $opts -max_total_time="$secs" -print_final_stats=1 \
		"$work" "$seeds" >>"$log" 2>&1; then
		echo "fuzz $n: FAILED after fuzzing (see $log)"
		tail -40 "$log"
		fail=1
		continue
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	echo "fuzz $n: ${runs:-?} executions in ${secs} s (${rate:-?}/s), corpus $(ls "$seeds" | wc -l) seeds + $(ls "$work" | wc -l) found, no failure"
done
# what a harness that crashed left in /dev/shm (a normal end removes its
# own): the trace and output folder of every process that is gone
for f in /dev/shm/mmtrace-fuzz-*; do
	[ -e "$f" ] || continue
	pid=${f#/dev/shm/mmtrace-fuzz-}
	pid=${pid%%.*}
	[ -d "/proc/$pid" ] || rm -rf "$f"
done
exit $fail
