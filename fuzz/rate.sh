#!/bin/sh
# fuzz/rate.sh BUILD NAME RUNS [CORPUS]: a harness's executions per second
# of CPU (user + system: on a shared machine, wall time measures the
# others' load).  Fuzzes a private copy of CORPUS (default the checked-in
# fuzz/corpus/NAME) for RUNS executions with a fixed seed at nice 19, so
# two builds compare on the same inputs; prints one line (with the
# coverage reached: cov, features, corpus size).
set -eu
build=${1:?usage: fuzz/rate.sh BUILD NAME RUNS [CORPUS]}
name=${2:?usage: fuzz/rate.sh BUILD NAME RUNS [CORPUS]}
runs=${3:?usage: fuzz/rate.sh BUILD NAME RUNS [CORPUS]}
corpus=${4:-fuzz/corpus/$name}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/c"
cp -r "$corpus"/. "$tmp/c/"
# the CPU of waited-for children (cutime, cstime) of this shell, in ticks
ticks() { awk '{ print $16 + $17 }' /proc/$$/stat; }
t0=$(ticks)
nice -n 19 "$build/fuzz/fuzz_$name" -seed=1 -runs="$runs" -rss_limit_mb=512 \
	-malloc_limit_mb=512 "$tmp/c" >"$tmp/log" 2>&1 || {
	tail -20 "$tmp/log"
	exit 1
}
t1=$(ticks)
# the coverage reached: two builds that fuzz as well reach about the same
# at the same executions
cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*\(cov: [0-9]* ft: [0-9]* corp: [0-9]*\).*/\1/p' "$tmp/log")
awk -v n="$name" -v r="$runs" -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" \
	-v cov="${cov:-cov: ?}" \
	'BEGIN { printf "%s: %d executions in %.2f s of CPU: %d exec/s, %s\n",
		 n, r, t / hz, r * hz / (t ? t : 1), cov }'
