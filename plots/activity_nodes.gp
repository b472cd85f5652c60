# Reclaim and compaction activity per node, cumulative, one column of
# panels per node (mmtrace report; drawn when the topology has several
# nodes).  A direct reclaim or compaction stall counts on the node of the
# allocating cpu; node reclaim and kswapd on the node they worked on.
# Run from the report folder:  gnuplot plots/activity_nodes.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
file = datadir.'/activity.tsv'
set encoding utf8
set datafile separator "\t"
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
sel(i, n, v) = (strcol(1) eq pname[i] && strcol(2) eq n) ? v : NaN
plw(i) = npol > 1 ? 1.2 + 2.8 * (npol - i) / (npol - 1.0) : 2
pdt(i) = (i - 1) % 5 + 1
array col[5] = [4, 5, 6, 7, 8]
array ttl[5] = ['direct reclaim stalls', 'compaction stalls', 'node reclaims', 'kswapd wakes', 'pages reclaimed']
width = 160 + 360 * nnodes
# The legend takes as many rows as the policy names need: gnuplot gives
# every entry the widest one's width (about 10 px a character and 80 for
# the sample); the panels start below it.
keyw = 0
do for [i=1:npol] { keyw = strlen(pname[i]) > keyw ? strlen(pname[i]) : keyw }
keycols = int(0.9 * width / (10 * keyw + 80))
keyrows = int(ceil(npol / (keycols > 0 ? keycols : 1.0)))
top = 1 - (130.0 + 24 * keyrows) / 1300

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		eval sprintf("set terminal svg size %d,1300 fixed enhanced font 'Helvetica,13' background rgb 'white'", width)
	} else {
		eval sprintf("set terminal %s size %d,1300 enhanced font 'Helvetica,11' background rgb 'white'", pngterm, width)
	}
	set output outdir.'/activity_nodes.'.fmt
	set multiplot layout 5,nnodes title 'Reclaim and compaction activity per node, cumulative: '.trace_name noenhanced margins (100.0 / width),0.98,0.05,top spacing (80.0 / width),0.07
	set grid lc rgb '#dddddd'
	set xrange [0:tmax]
	do for [k=1:5] {
		if (k == 5) {
			set xlabel 'time since trace start (s)'
		} else {
			unset xlabel
		}
		set yrange [-0.04 * node_act_max[k]:1.05 * node_act_max[k]]
		do for [n=0:nnodes-1] {
			set title sprintf('node %d: %s', n, ttl[k]) noenhanced
			if (k == 1 && n == 0) {
				set key at screen 0.5, screen 0.965 center top horizontal maxrows keyrows samplen 3 width 0
			} else {
				unset key
			}
			plot for [i=1:npol] file skip 1 using 3:(sel(i, sprintf('%d', n), column(col[k]))) with steps lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i] noenhanced
		}
	}
	unset multiplot
	set output
}
