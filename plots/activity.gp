# Reclaim and compaction activity over time, cumulative since the start of
# the trace, every node summed (mmtrace report; activity_nodes.gp draws
# each node).  The counters are the ones the summary table shows at the
# end: direct reclaim stalls, compaction stalls, node reclaims, kswapd
# wakes, and the pages kswapd, direct and node reclaim reclaimed.
# Run from the report folder:  gnuplot plots/activity.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
file = datadir.'/activity.tsv'
set encoding utf8
set datafile separator "\t"
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
sel(i, n, v) = (strcol(1) eq pname[i] && strcol(2) eq n) ? v : NaN
# Earlier policies draw wider lines, so a policy whose curve equals a later
# one's still shows as a coloured edge around it.
plw(i) = npol > 1 ? 1.2 + 2.8 * (npol - i) / (npol - 1.0) : 2
pdt(i) = (i - 1) % 5 + 1
array col[5] = [4, 5, 6, 7, 8]
array ttl[5] = ['Direct reclaim stalls', 'Compaction stalls', 'Node reclaims (zone_reclaim_mode)', 'kswapd wakes', 'Pages reclaimed (kswapd, direct, node)']
array ylab[5] = ['stalls', 'stalls', 'node reclaim calls', 'wakes', 'pages']
sums = nnodes > 1 ? sprintf('all %d nodes summed', nnodes) : 'one node'
# The legend takes as many rows as the policy names need: gnuplot gives
# every entry the widest one's width (about 10 px a character and 80 for
# the sample); the panels start below it.
keyw = 0
do for [i=1:npol] { keyw = strlen(pname[i]) > keyw ? strlen(pname[i]) : keyw }
keycols = int(0.9 * 1100 / (10 * keyw + 80))
keyrows = int(ceil(npol / (keycols > 0 ? keycols : 1.0)))
top = 1 - (120.0 + 24 * keyrows) / 1000

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		set terminal svg size 1100,1000 fixed enhanced font 'Helvetica,13' background rgb 'white'
	} else {
		eval 'set terminal '.pngterm.' size 1100,1000 enhanced font "Helvetica,11" background rgb "white"'
	}
	set output outdir.'/activity.'.fmt
	set multiplot layout 3,2 title 'Reclaim and compaction activity, cumulative ('.sums.'): '.trace_name noenhanced margins 0.09,0.98,0.06,top spacing 0.1,0.1
	set grid lc rgb '#dddddd'
	set xrange [0:tmax]
	set xlabel 'time since trace start (s)'
	do for [k=1:5] {
		set title ttl[k] noenhanced
		set ylabel ylab[k].' (cumulative)'
		# A little below 0, so flat zero curves stay visible.
		set yrange [-0.04 * act_max[k]:1.05 * act_max[k]]
		if (k == 1) {
			# One legend for all panels, under the title.
			set key at screen 0.5, screen 0.965 center top horizontal maxrows keyrows samplen 3 width 0
		} else {
			unset key
		}
		if (has_ts) {
			plot for [i=1:npol] file skip 1 using 3:(sel(i, 'all', column(col[k]))) with steps lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i] noenhanced
		} else {
			set label 1 'no time series' at graph 0.5,0.5 center
			plot [0:tmax] [0:1] -1 notitle
			unset label 1
		}
	}
	unset multiplot
	set output
}
