#!/bin/sh
# bench/record.sh: cost and size of `mmtrace record` against `perf record`
# on a fault loop (bench/faultloop.c: touch 512 MiB twice, 4 KiB pages).
#
# Apples to apples: both tools record the same tracepoints (every one
# mmtrace attaches on this kernel) in the same scope:
#   cmd     CMD's process only: `mmtrace record --cmd-only -- CMD` against
#           `perf record -e ... -- CMD` (per task);
#   system  the whole host for CMD's lifetime: `mmtrace record -- CMD`
#           against `perf record -a -e ... -- CMD`;
# and once more system-wide with perf's classic three tracepoints
# (mm_page_alloc, mm_page_free, page_fault_user) for both.  The `floor`
# row is `mmtrace record --attach-only`: every program attached but
# returning at once, so what the kernel's tracepoint-to-BPF dispatch costs
# by itself, whatever the programs do.  The `store` row is
# `mmtrace record --store-only`: the page and fault programs store their
# raw arguments (16 bytes) to a big per-CPU array and return, the least any
# recorder of these events can do (it keeps no time, order or process).
#
# Times are the loop's own wall and CPU time (it prints them), so recorder
# start-up and snapshots are not counted.  The loop first runs one untimed
# round (bench/faultloop.c): on a VM with free page reporting, memory left
# free for 2 s (always the case after a recorder's start-up) costs a host
# fault per page when touched again, which otherwise swings a run between
# 0.45 and 0.97 s.  The loop's CPU time includes the
# BPF programs / perf handlers run in its faults.  Each configuration runs
# N times (default 5), interleaved round by round, each round started when
# the machine is quiet (at most one runnable task, waited for up to 5 s);
# the table shows each configuration's fastest run (by wall time) and the
# bytes of that run.  B/ev: mmtrace's whole file (header and two snapshots
# included; the events' blocks alone are in the last column) and perf.data
# raw and after zstd -3, each over the events the tool wrote.  perf gets
# -m 8192 (32 MB per CPU): with its default 512 KB it drops events here.
#
# Then the highest event rate recorded with 0 lost: `faultloop --churn`
# (touch + MADV_DONTNEED in a tight loop) with 1, 2 and 4 processes.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MMTRACE=${MMTRACE:-$BUILD/mmtrace}
N=${N:-5}
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
TFS=/sys/kernel/tracing/events
[ -d $TFS ] || TFS=/sys/kernel/debug/tracing/events

# Every tracepoint mmtrace records, as perf names them (those this kernel
# has; mmtrace probes the same way).
ALL=""
for tp in kmem:mm_page_alloc kmem:mm_page_free kmem:mm_page_alloc_zone_locked \
	kmem:mm_page_pcpu_drain kmem:mm_page_alloc_extfrag kmem:kmalloc \
	kmem:kmem_cache_alloc kmem:kfree kmem:kmem_cache_free \
	exceptions:page_fault_user exceptions:page_fault_kernel \
	vmscan:mm_vmscan_direct_reclaim_begin vmscan:mm_vmscan_direct_reclaim_end \
	vmscan:mm_vmscan_node_reclaim_begin vmscan:mm_vmscan_node_reclaim_end \
	vmscan:mm_vmscan_kswapd_wake vmscan:mm_vmscan_kswapd_sleep \
	vmscan:mm_vmscan_wakeup_kswapd compaction:mm_compaction_begin \
	compaction:mm_compaction_end compaction:mm_compaction_try_to_compact_pages \
	filemap:mm_filemap_add_to_page_cache filemap:mm_filemap_delete_from_page_cache; do
	[ -d "$TFS/$(echo "$tp" | tr : /)" ] && ALL="$ALL -e $tp"
done
NALL=$(echo "$ALL" | wc -w)
NALL=$((NALL / 2))
THREE="-e kmem:mm_page_alloc -e kmem:mm_page_free -e exceptions:page_fault_user"
MM3="-e mm_page_alloc,mm_page_free,page_fault_user"

quiet() {	# wait (up to 5 s) until only we are runnable
	i=0
	while [ $i -lt 50 ]; do
		nr=$(sed -n 's/^procs_running \([0-9]*\)/\1/p' /proc/stat)
		[ "$nr" -le 1 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
}

# run_one CONFIG RUN: appends "wall cpu events bytes zbytes lost blockbpe"
# to $T/CONFIG.
run_one() {
	c=$1
	case $c in
	untraced)
		out=$("$FL")
		echo "$out 0 0 0 0 0" >>"$T/$c" ;;
	mm_cmd|mm_sys|mm_sys3|mm_floor|mm_store|old_cmd|old_sys)
		bin=$MMTRACE
		case $c in
		mm_cmd) opt="--cmd-only" ;;
		mm_sys) opt="" ;;
		old_cmd) opt="--cmd-only" bin=$OLD_MMTRACE ;;
		old_sys) opt="" bin=$OLD_MMTRACE ;;
		mm_sys3) opt="$MM3" ;;
		mm_floor) opt="--attach-only" ;;
		mm_store) opt="--store-only" ;;
		esac
		# shellcheck disable=SC2086
		out=$("$bin" record -o "$T/m.mmt" --force $opt -- "$FL" 2>"$T/m.err")
		ev=$(sed -n 's/.*: \([0-9]*\) events, .*/\1/p' "$T/m.err")
		by=$(sed -n 's/.* events, \([0-9]*\) bytes.*/\1/p' "$T/m.err")
		lost=$(sed -n 's/.*lost \([0-9]*\).*/\1/p' "$T/m.err")
		bb=$("$bin" info "$T/m.mmt" | sed -n 's/.* \([0-9.]*\) bytes\/event in blocks.*/\1/p')
		echo "$out $ev $by 0 $lost $bb" >>"$T/$c" ;;
	pf_cmd|pf_sys|pf_sys3)
		case $c in
		pf_cmd) opt="$ALL" ;;
		pf_sys) opt="-a $ALL" ;;
		pf_sys3) opt="-a $THREE" ;;
		esac
		# A classic-tracepoint BPF program that returns 0 (any other
		# BPF tool, or an mmtrace before that was fixed) empties perf's
		# samples of that tracepoint: a run with fewer samples than the
		# loop has page faults is retried, three times at most.
		k=0
		while :; do
			# shellcheck disable=SC2086
			out=$(perf record -q -m 8192 $opt -o "$T/p.data" -- "$FL" 2>"$T/p.err")
			perf report -i "$T/p.data" --stats >"$T/p.stats" 2>/dev/null || true
			ev=$(sed -n 's/^ *SAMPLE events: *\([0-9]*\).*/\1/p' "$T/p.stats" | head -1)
			k=$((k + 1))
			[ "${ev:-0}" -ge 262144 ] || [ $k -ge 3 ] && break
			echo "record.sh: perf run with ${ev:-0} samples discarded (tracepoints hidden by another BPF user?)" >&2
		done
		lost=$(awk '/LOST(_SAMPLES)? events:/ { n += $3 } END { print n + 0 }' "$T/p.stats")
		by=$(stat -c %s "$T/p.data")
		zstd -q -3 -f "$T/p.data" -o "$T/p.zst"
		zb=$(stat -c %s "$T/p.zst")
		echo "$out ${ev:-0} $by $zb ${lost:-0} 0" >>"$T/$c" ;;
	esac
}

# CONFIGS=... runs a subset (e.g. an older mmtrace without --cmd-only:
# CONFIGS="untraced mm_sys mm_sys3" MMTRACE=old/mmtrace); RATE=0 skips
# the churn rates.  OLD_MMTRACE=old/mmtrace adds the rows `previous`: that
# recorder (every tracepoint it attaches; all defaults) in the same rounds,
# for a before/after comparison side by side.
CONFIGS=${CONFIGS:-"untraced mm_floor mm_store mm_cmd pf_cmd mm_sys pf_sys mm_sys3 pf_sys3"}
[ -n "$OLD_MMTRACE" ] && CONFIGS="$CONFIGS old_cmd old_sys"
command -v perf >/dev/null 2>&1 || CONFIGS=$(echo "$CONFIGS" | sed 's/pf_[a-z0-9]*//g')
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ $r -le "$N" ]; do
	for c in $CONFIGS; do
		quiet
		run_one $c $r
	done
	r=$((r + 1))
done

best() { sort -n "$T/$1" | head -1; }
U=$(best untraced)
UMED=$(cut -d" " -f1 "$T/untraced" | sort -n | awk "{a[NR]=\$1} END {print a[int((NR + 1) / 2)]}")

row() {	# row CONFIG SCOPE TOOL EVENTS
	[ -f "$T/$1" ] || return 0
	best "$1" | awk -v u="$U" -v s="$2" -v t="$3" -v e="$4" -v n="$N" -v umed="$UMED" \
		-v all="$(cut -d' ' -f1 "$T/$1" | sort -n | tr '\n' ' ')" '{
		split(u, uu, " ");
		ev = $3 > 0 ? $3 : 1;
		z = $5 > 0 ? sprintf("%.2f", $5 / ev) : "-";
		bb = $7 > 0 ? sprintf("%.2f", $7) : "-";
		bpe = $3 > 0 ? sprintf("%.2f", $4 / ev) : "-";
		printf "%-8s %-8s %-9s %8.3f %6.2f %8.3f %6.2f %9d %7s %7s %7s %5d\n",
			s, t, e, $1, $1 / uu[1], $2, $2 / uu[2], $3, bpe, z, bb, $6;
		k = split(all, a, " "); mn = a[1]; mx = a[k]; md = a[int((k + 1) / 2)];
		printf "%-8s   (wall over %d runs: %.3f-%.3f s, %.2f-%.2fx; median %.3f s, %.2fx of untraced median)\n", "", n, mn, mx, mn / uu[1], mx / uu[1], md, md / umed;
	}'
}
echo "fault loop: 512 MiB touched twice, 4 KiB pages; best of $N by wall; ratios against untraced"
printf "%-8s %-8s %-9s %8s %6s %8s %6s %9s %7s %7s %7s %5s\n" \
	scope tool tps wall_s ratio cpu_s ratio events B/ev zst_B/ev blk_B/ev lost
echo "$U" | awk '{ printf "%-8s %-8s %-9s %8.3f %6.2f %8.3f %6.2f\n", "-", "untraced", "-", $1, 1, $2, 1 }'
row mm_floor system floor "all $NALL"
row mm_store system store "all $NALL"
row mm_cmd cmd mmtrace "all $NALL"
row pf_cmd cmd perf "all $NALL"
row mm_sys system mmtrace "all $NALL"
row pf_sys system perf "all $NALL"
row old_cmd cmd previous "its own"
row old_sys system previous "its own"
row mm_sys3 system mmtrace "3"
row pf_sys3 system perf "3"
echo "scope cmd = CMD's process only (mmtrace --cmd-only; perf record -- CMD);"
echo "system = whole host for CMD's lifetime (mmtrace record -- CMD; perf record -a);"
echo "floor = mmtrace record --attach-only: the same programs attached, each returning"
echo "at once (no events): the kernel's own cost of invoking BPF on these tracepoints;"
echo "store = mmtrace record --store-only: as floor, but the page and fault programs"
echo "first store their raw arguments (16 bytes; no time, order or process) to a"
echo "per-CPU array: the least any recorder of these events does;"
echo "tps = tracepoints recorded by both (all = every one mmtrace attaches here; 3 ="
echo "mm_page_alloc, mm_page_free, page_fault_user).  B/ev = file bytes / events"
echo "(mmtrace: whole .mmt; perf: perf.data raw); zst = perf.data after zstd -3;"
echo "blk = mmtrace's event blocks alone.  Buffers: mmtrace 64 MB of rings, perf"
echo "-m 8192 (32 MB per CPU).  lost: mmtrace events; perf LOST and LOST_SAMPLES"
echo "records (each can stand for many events)."
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

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
if [ "${RATE:-1}" != 0 ]; then
	rate 1
	rate 2
	rate 4
fi
