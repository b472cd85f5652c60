#!/bin/sh
# make validate: the pressure scenario (scenarios/pressure.sh) recorded
# under several settings, several runs each, then `mmtrace validate` on
# all the traces: the model against the kernel on this host.
#
#   scenarios/validate.sh [-n RUNS] [-d SECS] [-f FREE_MIB] [-F FRAG_MIB] [-o DIR]
#                         [-s 'vm.X=V ...']...
#
#   -n RUNS    runs per setting (default 4: with the 4 default settings,
#              one whole balanced square, see below)
#   -d SECS    time cap of a run (default 90): each run does the same
#              fixed work (pressure.sh -w), however busy the host is
#   -f FREE    memory left free by the hugetlb pool (default 3072 MiB)
#   -F FRAG    pressure.sh -F: before each run's load, half of FRAG MiB
#              of anonymous memory freed in 4 KiB holes (default 2/3 of
#              FREE, 2048 MiB; 0: off): without it a freshly booted host
#              hardly reached direct reclaim or compaction stalls and no
#              THP fallback, with it every run did (README)
#   -o DIR     traces, logs and the validate report (default out/validate)
#   -s SETS    a setting to record (repeatable; space-separated vm.X=V
#              lines for one setting, '' for the host's own); default: the
#              host's own, vm.watermark_scale_factor=200, vm.min_free_kbytes
#              x4 and vm.watermark_boost_factor=0
#   --plan     print the runs in the order they would be recorded (round,
#              setting number, trace name), record nothing (no root needed)
#
# Runs are interleaved (run 1 of every setting, then run 2, ...) so a
# drift of the host over the suite does not line up with one setting, and
# the rounds follow a balanced (Williams) order, A B D C / B C A D /
# C D B A / D A C B for four settings, so no setting always follows the
# same one: a run inherits what the run before it left (the free pages'
# split between DMA32 and Normal, the page cache), and that moves its
# counters.  Until 2026-12-06 each round only started one setting later
# (B C D A): the cyclic order stayed, wbf=0 always followed min_free_kbytes
# x4, started with 35-80% more free DMA32 pages and reclaimed 17% less;
# recorded A and wbf=0 alternately the difference was gone (README).
# Each run takes the host lock itself (pressure.sh), restores every sysctl
# and the hugetlb pool, and keeps the stream files for the next run; the
# last run removes them unless they were there before the suite.  A run
# that fails stops the suite (the traces so far stay in DIR).  Then
# `mmtrace validate -o DIR/report` prints its table, also saved to
# DIR/validate.txt.  The whole suite takes about 8 minutes here (16 runs;
# 12 runs took 343-407 s on 2026-12-06, mmtrace validate included).
# After each run it prints the kernel's own deltas that say whether the
# run reached pressure (direct reclaim stalls, compaction stalls, THP
# fallbacks; the same in DIR/pressure.txt), how much a running DAMON
# scheme (/sys/kernel/mm/damon/admin/kdamonds) applied meanwhile (its
# pageouts relieve the pressure and are in the trace as the workload's
# frees), and how many pages processes other than the load allocated
# (mmtrace stat: the recorder's own, and any other work on the host,
# whose demand the trace then carries).  A suite whose runs did not reach
# pressure says so at the end: judging the model on such runs proves
# little; so does one where other processes allocated more than 5% of a
# run's pages: run it on a quiet host.
# MMTRACE is the mmtrace binary (build/mmtrace); MMTRACE_RECORDER, when
# set, records instead (another build's recorder).
set -u
cd "$(dirname "$0")/.."
MMTRACE=${MMTRACE:-build/mmtrace}
PDIR=${MMTRACE_PRESSURE_DIR:-/var/tmp/mmtrace-pressure}
RUNS=4
SECS=90
FREE=3072
FRAG=
OUT=out/validate
SETTINGS=
NSET=0
PLAN=0

die() { echo "validate.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	-n) RUNS=${2:?}; shift 2 ;;
	-d) SECS=${2:?}; shift 2 ;;
	-f) FREE=${2:?}; shift 2 ;;
	-F) FRAG=${2:?}; shift 2 ;;
	-o) OUT=${2:?}; shift 2 ;;
	-s) NSET=$((NSET + 1)); eval "SET_$NSET=\${2-}"; shift 2 ;;
	--plan) PLAN=1; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "validate.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
case "$RUNS$SECS$FREE${FRAG:-0}" in *[!0-9]*|'') echo "validate.sh: -n, -d, -f and -F take whole numbers" >&2; exit 2 ;; esac
FRAG=${FRAG:-$((FREE * 2 / 3))}
[ "$RUNS" -ge 1 ] || { echo "validate.sh: -n must be at least 1" >&2; exit 2; }
[ "$PLAN" = 1 ] || [ "$(id -u)" = 0 ] || die "needs root (recording, hugetlb pool, sysctls)"
[ "$PLAN" = 1 ] || [ -x "$MMTRACE" ] || die "$MMTRACE is not built (make)"

if [ "$NSET" = 0 ]; then
	mfk=$(cat /proc/sys/vm/min_free_kbytes) || die "cannot read vm.min_free_kbytes"
	SET_1=""
	SET_2="vm.watermark_scale_factor=200"
	SET_3="vm.min_free_kbytes=$((mfk * 4))"
	SET_4="vm.watermark_boost_factor=0"
	NSET=4
fi
name_of() {	# a file name for a setting
	case "$1" in
	'') echo default ;;
	*) echo "$1" | sed 's/vm\.//g; s/watermark_scale_factor/wsf/g;
		s/min_free_kbytes/mfk/g; s/watermark_boost_factor/wbf/g;
		s/[^A-Za-z0-9=._-]/_/g; s/=/-/g' ;;
	esac
}

# The setting (1..N) of position K (0-based) in round R (1-based) of a
# Williams design: the first round zigzags 0 1 N-1 2 N-2 ..., round R adds
# R-1 to every entry (mod N), so over N rounds each setting follows each
# other once (a run's predecessor leaves its mark, see above).  For odd N
# a single square is not balanced: every other round runs its row
# backwards (balanced over 2N rounds).
williams() {
	awk -v r="$1" -v k="$2" -v n="$3" 'BEGIN {
		row = r - 1; shift = row
		if (n % 2) { shift = int(row / 2); if (row % 2) k = n - 1 - k }
		if (k == 0) a = 0
		else if (k % 2) a = (k + 1) / 2
		else a = n - k / 2
		print (a + shift) % n + 1 }'
}

# Every run of the suite in order, as ROUND:SETTING words.
plan_runs() {
	pr=1
	while [ "$pr" -le "$RUNS" ]; do
		pk=0
		while [ "$pk" -lt "$NSET" ]; do
			echo "$pr:$(williams "$pr" "$pk" "$NSET")"
			pk=$((pk + 1))
		done
		pr=$((pr + 1))
	done
}

if [ "$PLAN" = 1 ]; then
	for ri in $(plan_runs); do
		eval "set_now=\$SET_${ri#*:}"
		echo "${ri%:*} ${ri#*:} $(name_of "$set_now")-${ri%:*}.mmt"
	done
	exit 0
fi

# The kernel's deltas of a run (pressure.sh's stdout, FILE.vmstat):
# "allocstall N compact_stall N thp_fault_fallback N".
pressure_of() {
	awk '$1 ~ /^allocstall_/ { a += $2 } $1 == "compact_stall" { c = $2 }
	     $1 == "thp_fault_fallback" { f = $2 }
	     END { printf "allocstall %d compact_stall %d thp_fault_fallback %d", a, c, f }' "$1"
}
# Bytes every running kdamond's schemes have applied so far (their stats
# refreshed first), empty when none runs.
damon_applied() {
	tot=
	for k in /sys/kernel/mm/damon/admin/kdamonds/[0-9]*; do
		[ "$(cat "$k/state" 2>/dev/null)" = on ] || continue
		echo update_schemes_stats > "$k/state" 2>/dev/null
		for sc in "$k"/contexts/*/schemes/[0-9]*; do
			v=$(cat "$sc/stats/sz_applied" 2>/dev/null) || continue
			tot=$(( ${tot:-0} + v ))
		done
	done
	echo "$tot"
}

# Pages allocated in a trace by processes other than the load (the
# recorder's own, and any other work that ran meanwhile), as "MiB
# PERMILLE" of all the trace's pages; empty when the trace has no process
# table.  The recorder records the whole host, so other work's demand
# is in the trace and its pressure in the kernel's response: 48 runs
# here gave 1.5-3.0% on a quiet host (mostly the recorder's own buffers)
# and 8.5-14% with a compiler or replays running beside them.
others_of() {
	"$MMTRACE" stat -o processes -l 0 --json "$1" 2>/dev/null |
	grep -o '{"pid": [0-9]*, "comm": .*, "page_allocs": [0-9]*, "pages": [0-9]*' |
	awk -v pk="$(($(getconf PAGESIZE) / 1024))" '
	     { n = $NF + 0; tot += n
	       if ($0 !~ /"comm": "(pressure_load|kmemload)", /) o += n }
	     END { if (tot) printf "%d %d", o * pk / 1024, int(o * 1000 / tot) }'
}
QUIET_PERMILLE=50	# more than 5% from other processes: not a quiet run

mkdir -p "$OUT/traces" || die "cannot create $OUT"
: > "$OUT/pressure.txt" || die "cannot write $OUT/pressure.txt"
reached=0 no_direct=0 no_compact=0 no_thp=0 not_quiet=0
had_files=0
[ -d "$PDIR" ] && had_files=1
cleanup() {
	[ "$had_files" = 1 ] || sh scenarios/pressure.sh --clean 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

start=$(date +%s)
traces=
for ri in $(plan_runs); do
	r=${ri%:*} i=${ri#*:}
	eval "set_now=\$SET_$i"
	t="$OUT/traces/$(name_of "$set_now")-$r.mmt"
	args=
	for kv in $set_now; do args="$args -s $kv"; done
	what=${set_now:-"the host's own"}
	echo "validate.sh: run $r of $RUNS, setting $i of $NSET ($what): $t" >&2
	damon0=$(damon_applied)
	for try in 1 2; do
		# shellcheck disable=SC2086
		MMTRACE=${MMTRACE_RECORDER:-$MMTRACE} sh scenarios/pressure.sh \
			-w -d "$SECS" -f "$FREE" -F "$FRAG" --keep-files \
			$args -o "$t" >"$t.vmstat" 2>"$t.log"
		rc=$?
		# the floor: another process took memory meanwhile
		[ "$rc" = 3 ] && [ "$try" = 1 ] || break
		echo "validate.sh: $t stopped at its memory floor; once more" >&2
		mv "$t.log" "$t.floor.log"
	done
	if [ "$rc" != 0 ] && [ "$rc" != 3 ] && [ "$rc" != 4 ]; then
		tail -5 "$t.log" >&2
		die "run failed (status $rc, log in $t.log)"
	fi
	[ "$rc" = 3 ] && echo "validate.sh: $t: the load stopped at its memory floor" >&2
	[ "$rc" = 4 ] && echo "validate.sh: $t: the time cap cut the fixed work short" >&2
	damon1=$(damon_applied)
	p=$(pressure_of "$t.vmstat")
	# shellcheck disable=SC2086
	set -- $p
	miss=
	[ "${2:-0}" -gt 0 ] || { miss="$miss, no direct reclaim"; no_direct=$((no_direct + 1)); }
	[ "${4:-0}" -gt 0 ] || { miss="$miss, no compaction stall"; no_compact=$((no_compact + 1)); }
	[ "${6:-0}" -gt 0 ] || { miss="$miss, no THP fallback"; no_thp=$((no_thp + 1)); }
	[ -n "$miss" ] || reached=$((reached + 1))
	line="$(basename "$t"): kernel $p${miss:+ (${miss#, })}"
	[ -n "$damon1" ] && [ -n "$damon0" ] &&
		line="$line; DAMON schemes applied $(( (damon1 - damon0) >> 20 )) MiB during it"
	o=$(others_of "$t")
	if [ -n "$o" ]; then
		# shellcheck disable=SC2086
		set -- $o
		line="$line; other processes allocated $1 MiB ($(($2 / 10)).$(($2 % 10))% of its pages)"
		[ "$2" -le "$QUIET_PERMILLE" ] || not_quiet=$((not_quiet + 1))
	fi
	echo "$line" >> "$OUT/pressure.txt"
	echo "validate.sh: $line" >&2
	traces="$traces $t"
done
echo "validate.sh: recorded $((RUNS * NSET)) runs in $(( $(date +%s) - start )) s" >&2
echo "validate.sh: $reached of $((RUNS * NSET)) runs reached direct reclaim, compaction stalls and THP fallbacks (the kernel's deltas, $OUT/pressure.txt); $no_direct had no direct reclaim, $no_compact no compaction stall, $no_thp no THP fallback" >&2
[ "$reached" -lt $((RUNS * NSET)) ] &&
	echo "validate.sh: not every run reached pressure: a judgement of the model on these runs says little about reclaim and compaction under pressure" >&2
[ "$not_quiet" -gt 0 ] &&
	echo "validate.sh: in $not_quiet runs other processes allocated more than $((QUIET_PERMILLE / 10))% of the pages ($OUT/pressure.txt): the host was not quiet, and their demand and the kernel's response to it are in those traces; run the suite on a quiet host" >&2

# the host's own setting first: it is the base (A) of the table
ordered=
i=1
while [ "$i" -le "$NSET" ]; do
	eval "set_now=\$SET_$i"
	for t in $traces; do
		case "$t" in "$OUT/traces/$(name_of "$set_now")-"*) ordered="$ordered $t" ;; esac
	done
	i=$((i + 1))
done
rm -rf "$OUT/report"
# shellcheck disable=SC2086
"$MMTRACE" validate -o "$OUT/report" $ordered >"$OUT/validate.txt"
rc=$?
cat "$OUT/validate.txt"
echo "validate.sh: done in $(( $(date +%s) - start )) s; report in $OUT/report/index.html" >&2
exit $rc
