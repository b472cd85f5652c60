#!/bin/sh
# make demo: record ~10 s of the bundled workload on this host when it can
# (root with BPF), otherwise use a sample trace from traces/samples/; then
# compare reclaim and fragmentation policies on a two-node what-if and
# print index.html.
set -e
cd "$(dirname "$0")/.."
MMTRACE=${MMTRACE:-build/mmtrace}
out=${DEMO_OUT:-out/demo}
mkdir -p "$out"
trace="$out/demo.mmt"
sample=$(ls traces/samples/*.mmt 2>/dev/null | head -1)

if [ "$(id -u)" -eq 0 ] && [ -e /sys/kernel/btf/vmlinux ] &&
   "$MMTRACE" record --force -o "$trace" -d 10 -- sh scripts/workload.sh 10; then
	echo "demo: recorded $trace on this host" >&2
else
	[ -n "$sample" ] || { echo "demo: cannot record here and no sample trace in traces/samples/" >&2; exit 1; }
	echo "demo: cannot record here (needs root and BPF); using sample $sample" >&2
	trace=$sample
fi
"$MMTRACE" info "$trace" >&2
rm -rf "$out/report"
"$MMTRACE" compare "$trace" --topology 2 -o "$out/report" \
	--policy zrm0:vm.zone_reclaim_mode=0 \
	--policy zrm1:vm.zone_reclaim_mode=1 \
	--policy zrm3:vm.zone_reclaim_mode=3 \
	--policy wsf200:vm.watermark_scale_factor=200 \
	--policy defrag1:vm.defrag_mode=1
