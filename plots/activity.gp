# Reclaim and compaction activity over time, cumulative since the start of
# the trace, summed over nodes (mmtrace report).
# Run from the report folder:  gnuplot plots/activity.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
file = datadir.'/activity.tsv'
set encoding utf8
set datafile missing '-'
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
# Earlier policies draw wider lines, so a policy whose curve equals a later
# one's still shows as a coloured edge around it.
plw(i) = npol > 1 ? 1.2 + 2.8 * (npol - i) / (npol - 1.0) : 2
pdt(i) = (i - 1) % 5 + 1
array col[4] = [2, 3, 4, 5]
array ttl[4] = ['Direct reclaim stalls', 'Compaction stalls', 'Node reclaims (zone_reclaim_mode)', 'kswapd awake (summed over nodes)']
array ylab[4] = ['stalls (cumulative)', 'stalls (cumulative)', 'node reclaims (cumulative)', 'node-seconds (cumulative)']

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		set terminal svg size 1100,760 fixed enhanced font 'Helvetica,13' background rgb 'white'
	} else {
		eval 'set terminal '.pngterm.' size 1100,760 enhanced font "Helvetica,11" background rgb "white"'
	}
	set output outdir.'/activity.'.fmt
	set multiplot layout 2,2 title 'Reclaim and compaction activity: '.trace_name noenhanced margins 0.09,0.98,0.08,0.85 spacing 0.1,0.14
	set grid lc rgb '#dddddd'
	set xrange [0:tmax]
	set xlabel 'time since trace start (s)'
	do for [k=1:4] {
		set title ttl[k] noenhanced
		set ylabel ylab[k]
		# A little below 0, so flat zero curves stay visible.
		set yrange [-0.04 * act_max[k]:1.05 * act_max[k]]
		if (k == 1) {
			# One legend for all panels, under the title.
			set key at screen 0.5, screen 0.955 center top horizontal maxrows 1 samplen 3 width 0
		} else {
			unset key
		}
		if (has_ts) {
			plot for [i=1:npol] file index (i-1) using 1:col[k] with steps lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i] noenhanced
		} else {
			set label 1 'no time series' at graph 0.5,0.5 center
			plot [0:tmax] [0:1] -1 notitle
			unset label 1
		}
	}
	unset multiplot
	set output
}
