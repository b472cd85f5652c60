# Free pages over time, one colour per policy (mmtrace report): the model's
# free pages (NR_FREE_PAGES: the buddy lists of every zone of every node,
# not the pcp lists) and, in black, the kernel's as the trace recorded them
# (its /proc/zoneinfo "pages free" every 200 ms, when the recorder took
# them).  The policy with the host's own settings against the black line
# is the model checked against the kernel; the others are predictions.
# Run from the report folder:  gnuplot plots/free.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
file = datadir.'/free.tsv'
set encoding utf8
set datafile separator "\t"
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
sel(i, v) = (strcol(1) eq pname[i] && strcol(2) eq 'all') ? v : NaN
selk(v) = (strcol(1) eq kernel_key) ? v : NaN
plw(i) = npol > 1 ? 1.2 + 2.8 * (npol - i) / (npol - 1.0) : 2
pdt(i) = (i - 1) % 5 + 1
mib(p) = p / 256.0
sums = nnodes > 1 ? sprintf('every zone of all %d nodes summed', nnodes) : 'every zone summed'

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		set terminal svg size 960,540 fixed enhanced font 'Helvetica,13' background rgb 'white'
	} else {
		eval 'set terminal '.pngterm.' size 960,540 enhanced font "Helvetica,11" background rgb "white"'
	}
	set output outdir.'/free.'.fmt
	set title 'Free pages over time ('.sums.'): '.trace_name noenhanced
	set grid lc rgb '#dddddd'
	set key top right noenhanced
	set xrange [0:tmax]
	set xlabel 'time since trace start (s)'
	set ylabel 'free MiB (NR\_FREE\_PAGES)'
	if (has_ts && has_kernel_free) {
		plot for [i=1:npol] file skip 1 using 3:(mib(sel(i, $4))) with lines lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i], \
		     file skip 1 using 3:(mib(selk($4))) with lines lw 2 dt 2 lc rgb '#000000' title 'kernel (recorded)'
	} else {
		if (has_ts) {
			plot for [i=1:npol] file skip 1 using 3:(mib(sel(i, $4))) with lines lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i]
		} else {
			set label 1 'no time series' at graph 0.5,0.5 center
			plot [0:tmax] [0:1] -1 notitle
			unset label 1
		}
	}
	set output
}
