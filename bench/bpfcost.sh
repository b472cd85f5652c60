#!/bin/sh
# bench/bpfcost.sh: what each hot BPF program of `mmtrace record` costs per
# event, from the kernel's own accounting (kernel.bpf_stats_enabled: run
# count and run time of every program), while bench/faultloop runs.
#
# Three modes of the same recorder, interleaved round by round, R rounds
# (default 3), the lowest average of each program kept:
#   attach  --attach-only: every program returns at once.  What remains is
#           the stats' own cost (two clock reads around the program) and
#           the call of an empty program;
#   store   --store-only: the page and fault programs store their raw
#           arguments (16 bytes) to a big per-CPU array and return;
#   full    the real recorder: time, global order, process, batching.
# full - store is what keeping time, order and process costs per event;
# the tracepoint-to-BPF dispatch itself is not in these numbers (the
# stats start inside it): bench/record.sh's floor row shows that.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MMTRACE=${MMTRACE:-$BUILD/mmtrace}
FL=$BUILD/bench/faultloop
R=${R:-3}
[ -x "$FL" ] || make -s "$FL"
if [ "$(id -u)" -ne 0 ]; then
	echo "bpfcost.sh: needs root (BPF); skipped"
	exit 0
fi
T=$(mktemp -d /tmp/mmtrace-bpfcost-XXXXXX)
old=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$old" >/proc/sys/kernel/bpf_stats_enabled; rm -rf "$T"' EXIT
echo 1 >/proc/sys/kernel/bpf_stats_enabled

# one MODE: record for the fault loop's lifetime, then read the stats of
# our programs (their ids, from bpftool) before the recorder detaches.
one() {
	case $1 in
	attach) opt="--attach-only" ;;
	store) opt="--store-only" ;;
	*) opt="" ;;
	esac
	rm -f "$T/t.mmt"
	# shellcheck disable=SC2086
	"$MMTRACE" record -o "$T/t.mmt" $opt -d 60 >/dev/null 2>"$T/err" &
	rec=$!
	i=0	# the recorder is ready once the file exists
	while [ ! -s "$T/t.mmt" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	if [ ! -s "$T/t.mmt" ]; then
		kill -TERM $rec 2>/dev/null || true
		echo "bpfcost.sh: the recorder did not start: $(tail -1 "$T/err")" >&2
		exit 1
	fi
	"$FL" >/dev/null
	bpftool prog show | awk -v m="$1" '
		/^[0-9]+: / { name = $4 }
		/run_time_ns/ { for (i = 1; i < NF; i++) {
				if ($i == "run_time_ns") t = $(i + 1);
				if ($i == "run_cnt") c = $(i + 1) }
			if (c > 100000 && name ~ /^(page_alloc|page_free|pcp_refill|pcp_drain|fault_user)$/)
				printf "%s %s %.1f %d\n", m, name, t / c, c }' >>"$T/stats"
	kill -TERM $rec	# (sh ignores SIGINT in background jobs)
	wait $rec || true
}

r=0
while [ $r -lt "$R" ]; do
	for m in attach store full; do one $m; done
	r=$((r + 1))
done
echo "ns per event in each hot program (kernel.bpf_stats_enabled; lowest of $R rounds"
echo "of the fault loop; per-page counts from the full run)"
awk '
	{ k = $1 " " $2; if (!(k in v) || $3 < v[k]) v[k] = $3; if ($1 == "full") n[$2] = $4 }
	END {
		printf "%-12s %8s %8s %8s %12s %10s\n", "program", "attach", "store", "full", "full-store", "events";
		split("fault_user page_alloc page_free pcp_refill pcp_drain", p, " ");
		for (i = 1; i <= 5; i++) {
			q = p[i];
			if (!((("full " q) in v)))
				continue;
			printf "%-12s %8.1f %8.1f %8.1f %12.1f %10d\n", q, v["attach " q],
				v["store " q], v["full " q], v["full " q] - v["store " q], n[q];
			sum += (v["full " q] - v["store " q]) * n[q]; ev += n[q]
		}
		if (ev)
			printf "weighted full-store: %.1f ns per event\n", sum / ev;
	}' "$T/stats"
