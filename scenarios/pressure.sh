#!/bin/sh
# The pressure scenario: drives this host into kswapd, direct reclaim,
# compaction and THP fallbacks within a minute, safely, optionally while
# `mmtrace record` records it.
#
#   scenarios/pressure.sh [-d SECS] [-w] [-f FREE_MIB] [-s vm.NAME=VALUE]...
#                         [-t THP_DEFRAG] [-o TRACE [-r 'RECORD ARGS']]
#                         [--keep-files] [--clean]
#
#   -d SECS         load duration (default 40); with -w, the time cap
#   -w              fixed work: every worker does a set amount (streams
#                   FREE_MIB/2 + 512 MiB, rewrites 6 GiB, replaces 250
#                   anonymous chunks, makes 60 THP regions, 40 rounds of
#                   small files) and the run ends when all are done, so
#                   runs under different settings do the same work however
#                   busy the host is (exit 4 when the cap cut it short)
#   -f FREE_MIB     free memory left once the hugetlb pool is set
#                   (default 4352, i.e. 4.25 GiB); the load is sized from it
#   -s vm.X=V       a vm sysctl for the run (repeatable), restored after
#   -t MODE         /sys/kernel/mm/transparent_hugepage/defrag for the run
#   -o TRACE        record the run with `mmtrace record -o TRACE --force`
#   -r ARGS         extra arguments for mmtrace record (e.g. '-b 256')
#   -F FRAG_MIB     after the pool, fill FRAG_MIB of anonymous memory and
#                   free every other 4 KiB page of it, held until the load
#                   ends: the load starts on fragmented free memory
#                   (default 0: off)
#   --keep-files    keep the stream files (MMTRACE_PRESSURE_DIR, default
#                   /var/tmp/mmtrace-pressure) for the next run
#   --clean         only remove the stream files and exit
#
# What it does, in order: takes the host lock (/run/mmtrace-host.lock;
# MMTRACE_HOST_LOCKED=1 when the caller holds it), saves every setting it
# will touch and restores them on any exit (trap), writes the stream files
# once (2x the free memory, at least 4 GiB), syncs, drops the page cache,
# waits (up to 120 s) until other processes leave 85% of memory available,
# compacts memory (every run starts from the same kind of state), sets the
# hugetlb pool so that FREE_MIB stays free, fragments memory (-F), applies
# the settings (after the layout is made, see below), runs
# build/scenarios/pressure_load under `timeout` (it stops its workers
# itself if free and page-cache memory falls below 512 MiB: no swap here,
# and anonymous memory is sized to 35% of FREE_MIB), then restores everything and prints
# the /proc/vmstat deltas of the counters reclaim and compaction move.
# Exit: 0, 1 on a failure (setting, pool, load), 2 on bad options, 3 when
# the load stopped at its memory floor, 4 when the time cap cut -w short.
set -u
cd "$(dirname "$0")/.."
MMTRACE=${MMTRACE:-build/mmtrace}
LOAD=${PRESSURE_LOAD:-build/scenarios/pressure_load}
DIR=${MMTRACE_PRESSURE_DIR:-/var/tmp/mmtrace-pressure}
LOCK=/run/mmtrace-host.lock
SECS=40
FREE=4352
THP_DEFRAG=
WORK=0
TRACE=
RECARGS=
FRAG=0
KEEP=0
SETS=
THP_DEFRAG_FILE=/sys/kernel/mm/transparent_hugepage/defrag

die() { echo "pressure.sh: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	-d) SECS=${2:?}; shift 2 ;;
	-w) WORK=1; shift ;;
	-f) FREE=${2:?}; shift 2 ;;
	-s) case "${2:-}" in vm.*=*) SETS="$SETS ${2}" ;; *) echo "pressure.sh: -s takes vm.NAME=VALUE, not '${2:-}'" >&2; exit 2 ;; esac; shift 2 ;;
	-t) THP_DEFRAG=${2:?}; shift 2 ;;
	-o) TRACE=${2:?}; shift 2 ;;
	-r) RECARGS=${2:?}; shift 2 ;;
	-F) FRAG=${2:?}; shift 2 ;;
	--keep-files) KEEP=1; shift ;;
	--clean)	# under the lock: another run may be streaming them
		if [ -z "${MMTRACE_HOST_LOCKED:-}" ]; then
			exec 9>"$LOCK" && flock 9 || { echo "pressure.sh: cannot take $LOCK" >&2; exit 1; }
		fi
		rm -rf "$DIR"; exit 0 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "pressure.sh: unknown option '$1'" >&2; usage ;;
	esac
done
case "$SECS$FREE$FRAG" in *[!0-9]*) echo "pressure.sh: -d, -f and -F take whole numbers" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || die "needs root (hugetlb pool, sysctls, drop_caches)"
[ -x "$LOAD" ] || die "$LOAD is not built (make $LOAD)"
[ -z "$TRACE" ] || [ -x "$MMTRACE" ] || die "$MMTRACE is not built (make)"

if [ -z "${MMTRACE_HOST_LOCKED:-}" ]; then
	exec 9>"$LOCK" || die "cannot open $LOCK"
	flock 9 || die "cannot take $LOCK"
fi

# ---- save, and restore on every exit ----------------------------------------
sysctl_path() { echo "/proc/sys/$(echo "$1" | tr . /)"; }
SAVED=""
save() {	# save NAME (a vm sysctl) once
	p=$(sysctl_path "$1")
	[ -w "$p" ] || die "$1: no such writable sysctl ($p)"
	case " $SAVED " in *" $1="*) return ;; esac
	SAVED="$SAVED $1=$(tr -s ' \t' '  ' < "$p" | tr ' ' ',')"
}
restore() {
	st=$?
	trap - EXIT INT TERM HUP
	[ -n "${LOADPID:-}" ] && kill -9 "$LOADPID" 2>/dev/null
	[ -n "${FRAGPID:-}" ] && kill -9 "$FRAGPID" 2>/dev/null
	# the pool first: the other sysctls may limit how it shrinks
	for kv in $SAVED; do
		case "$kv" in vm.nr_hugepages=*) echo "${kv#*=}" > "$(sysctl_path vm.nr_hugepages)" ;; esac
	done
	for kv in $SAVED; do
		k=${kv%%=*}; v=$(echo "${kv#*=}" | tr , ' ')
		[ "$k" = vm.nr_hugepages ] && continue
		echo "$v" > "$(sysctl_path "$k")" 2>/dev/null ||
			echo "pressure.sh: could not restore $k=$v" >&2
	done
	[ -n "${SAVED_DEFRAG:-}" ] && echo "$SAVED_DEFRAG" > "$THP_DEFRAG_FILE"
	rm -f "$DIR/rewrite"; rm -rf "$DIR/small"
	[ "$KEEP" = 1 ] || rm -rf "$DIR"
	exit $st
}
trap restore EXIT
trap 'exit 1' INT TERM HUP

save vm.nr_hugepages
for kv in $SETS; do save "${kv%%=*}"; done
if [ -n "$THP_DEFRAG" ]; then
	SAVED_DEFRAG=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP_DEFRAG_FILE")
fi

meminfo() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' /proc/meminfo; }

# ---- stream files, a clean start, the pool ----------------------------------
STREAM=$((FREE * 2)); [ "$STREAM" -lt 4096 ] && STREAM=4096
"$LOAD" prepare "$DIR" "$STREAM" || die "could not write the stream files in $DIR"
sync
echo 3 > /proc/sys/vm/drop_caches
# Memory other processes hold now and free later would leave the run
# without pressure (the pool is sized from what is free now), memory they
# take later pushes it to the floor: wait (up to WAIT_S) for the host to
# be quiet, at least QUIET_PCT% of MemTotal available.
waited=0
while [ "$(meminfo MemAvailable)" -lt $(( $(meminfo MemTotal) * ${QUIET_PCT:-85} / 100 )) ] &&
      [ "$waited" -lt "${WAIT_S:-120}" ]; do
	[ "$waited" = 0 ] && echo "pressure.sh: waiting for other processes' memory (MemAvailable $(meminfo MemAvailable) MiB of $(meminfo MemTotal))" >&2
	sleep 2; waited=$((waited + 2))
	echo 3 > /proc/sys/vm/drop_caches
done
[ "$waited" -gt 0 ] && echo "pressure.sh: waited ${waited} s; MemAvailable $(meminfo MemAvailable) MiB" >&2
echo 1 > /proc/sys/vm/compact_memory
free_now=$(meminfo MemFree)
pages=$(( (free_now - FREE) / 2 ))
[ "$pages" -gt 0 ] || die "only $free_now MiB free: cannot leave $FREE MiB with a pool"
echo "$pages" > "$(sysctl_path vm.nr_hugepages)"
got=$(cat "$(sysctl_path vm.nr_hugepages)")
left=$(meminfo MemFree)
echo "pressure.sh: hugetlb pool $got x 2 MiB, $left MiB free (target $FREE)" >&2
[ $((left - FREE)) -lt 1024 ] || die "pool of $got pages left $left MiB free, target $FREE"

# ---- fragmentation (-F): half of FRAG MiB free in 4 KiB holes ---------------
# compact_memory above made every run start unfragmented; this makes the
# free memory look like a host's after hours of work, after the pool and
# before the load, and holds the other half until the load is over
if [ "$FRAG" -gt 0 ]; then
	rm -f "$DIR/frag.ready"
	"$LOAD" fragment "$FRAG" $((SECS + 150)) "$DIR/frag.ready" &
	FRAGPID=$!
	w=0
	while [ ! -e "$DIR/frag.ready" ] && [ "$w" -lt 120 ] && kill -0 "$FRAGPID" 2>/dev/null; do
		sleep 0.5; w=$((w + 1))
	done
	[ -e "$DIR/frag.ready" ] || die "the fragmentation phase did not finish"
	echo "pressure.sh: $FRAG MiB fragmented, $((FRAG / 2)) MiB of it free in 4 KiB holes, $(meminfo MemFree) MiB free" >&2
fi

# ---- the settings ---------------------------------------------------------------
# Only now, after the pool and the fragmentation phase: every run starts
# from memory laid out under the host's own settings, so runs under
# different settings, and the model replaying one run's trace under
# another's settings, start alike.  (Until 2026-12-06 they applied before
# the fragmentation phase, whose 2 GiB then went to DMA32 under
# vm.watermark_scale_factor=200 -- Normal below its raised low mark --
# and the runs under it started with 112k free Normal pages where the
# defaults' had 38k: a start the model, replaying the defaults' traces
# under that setting, never had.)
for kv in $SETS; do
	echo "${kv#*=}" > "$(sysctl_path "${kv%%=*}")" || die "cannot set $kv"
done
[ -n "$THP_DEFRAG" ] && { echo "$THP_DEFRAG" > "$THP_DEFRAG_FILE" || die "cannot set THP defrag '$THP_DEFRAG'"; }

# ---- the load -----------------------------------------------------------------
ANON=$((FREE * 35 / 100)); THP=$((FREE * 10 / 100))
set -- "$LOAD" run "$DIR" "$SECS" --anon-mib "$ANON" --thp-mib "$THP" \
	--rewrite-mib 512 --small-files 200
[ "$WORK" = 1 ] && set -- "$@" --stream-quota $((FREE / 2 + 512)) \
	--rewrite-quota 6144 --anon-quota 250 --thp-quota 60 --small-quota 40
if [ -n "$TRACE" ]; then
	# shellcheck disable=SC2086
	set -- "$MMTRACE" record -o "$TRACE" --force $RECARGS -- "$@"
fi
awk '{ print $1, $2 }' /proc/vmstat > "$DIR/vmstat.before"
echo "pressure.sh: $([ "$WORK" = 1 ] && echo "fixed work (cap ${SECS} s)" || echo "${SECS} s") of load${SETS:+ with$SETS}${THP_DEFRAG:+, THP defrag $THP_DEFRAG}${TRACE:+, recorded to $TRACE}" >&2
timeout -k 10 $((SECS + 120)) "$@" &
LOADPID=$!
wait "$LOADPID"
rc=$?
LOADPID=
awk '{ print $1, $2 }' /proc/vmstat > "$DIR/vmstat.after"
if [ -n "${FRAGPID:-}" ]; then
	kill "$FRAGPID" 2>/dev/null
	wait "$FRAGPID" 2>/dev/null
	FRAGPID=
fi

# ---- what the kernel did -------------------------------------------------------
awk 'NR == FNR { b[$1] = $2; next }
     $1 ~ /^(pgscan_(kswapd|direct)|pgsteal_(kswapd|direct)|allocstall_(dma32|normal|movable)|pageoutrun|compact_(stall|fail|success|migrate_scanned|free_scanned|isolated|daemon_wake)|pgmigrate_success|thp_fault_(alloc|fallback)|workingset_refault_(file|anon)|kswapd_low_wmark_hit_quickly|kswapd_high_wmark_hit_quickly|pgalloc_normal|pgalloc_dma32|pgfree)$/ {
	printf "%s %d\n", $1, $2 - b[$1] }' "$DIR/vmstat.before" "$DIR/vmstat.after"
case $rc in
0) ;;
3) echo "pressure.sh: the load stopped at its floor of free and page-cache memory" >&2 ;;
4) echo "pressure.sh: the time cap cut the fixed work short" >&2 ;;
124|137) echo "pressure.sh: the load overran its time cap and was killed" >&2; rc=1 ;;
*) echo "pressure.sh: the load exited with status $rc" >&2 ;;
esac
exit $rc
