# Fragmentation over time, one colour per policy (mmtrace report).
# Top: vmstat's unusable free space index at order 9 (0 = every free page
# is in a block of order >= 9, 1 = none is).  Bottom: free pages held in
# blocks of order >= 9.  Both over the free_area of every zone of every
# node summed (frag_nodes.gp draws each node).
# Run from the report folder:  gnuplot plots/frag.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
file = datadir.'/frag.tsv'
set encoding utf8
# data/*.tsv: tab-separated, a header row, empty = no value
set datafile separator "\t"
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
# The rows of policy i and node n ('all': every node summed).
sel(i, n, v) = (strcol(1) eq pname[i] && strcol(2) eq n) ? v : NaN
# Earlier policies draw wider lines, so a policy whose curve equals a later
# one's still shows as a coloured edge around it.
plw(i) = npol > 1 ? 1.2 + 2.8 * (npol - i) / (npol - 1.0) : 2
pdt(i) = (i - 1) % 5 + 1
sums = nnodes > 1 ? sprintf('every zone of all %d nodes summed', nnodes) : 'every zone summed'
# The legend takes as many rows as the policy names need: gnuplot gives
# every entry the widest one's width (about 10 px a character and 80 for
# the sample); the panels start below it.
keyw = 0
do for [i=1:npol] { keyw = strlen(pname[i]) > keyw ? strlen(pname[i]) : keyw }
keycols = int(0.9 * 960 / (10 * keyw + 80))
keyrows = int(ceil(npol / (keycols > 0 ? keycols : 1.0)))
top = 1 - (110.0 + 24 * keyrows) / 720

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		set terminal svg size 960,720 fixed enhanced font 'Helvetica,13' background rgb 'white'
	} else {
		eval 'set terminal '.pngterm.' size 960,720 enhanced font "Helvetica,11" background rgb "white"'
	}
	set output outdir.'/frag.'.fmt
	set multiplot layout 2,1 title 'Fragmentation over time ('.sums.'): '.trace_name noenhanced margins 0.09,0.97,0.08,top spacing 0.13
	set grid lc rgb '#dddddd'
	# One legend for both panels, under the title.
	set key at screen 0.5, screen 0.955 center top horizontal maxrows keyrows samplen 3 width 0
	set xrange [0:tmax]
	set xlabel 'time since trace start (s)'

	set title 'Unusable free space index at order 9 (higher = more fragmented)'
	set ylabel 'unusable index, order 9 (0..1)'
	# Up to the highest value (at least 0.1), a little below 0.
	set yrange [-0.03 * uo9_top:uo9_top]
	if (has_ts) {
		plot for [i=1:npol] file skip 1 using 3:(sel(i, 'all', $4)) with lines lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i] noenhanced
	} else {
		set label 1 'no time series' at graph 0.5,0.5 center
		plot [0:tmax] [0:1] -1 notitle
		unset label 1
	}

	set title 'Free pages in blocks of order ≥ 9 (2 MiB and larger)'
	set ylabel 'free pages, order ≥ 9'
	# A little below 0, so flat zero curves stay visible.
	set yrange [-0.04 * ge9_max:1.05 * ge9_max]
	unset key
	if (has_ts) {
		plot for [i=1:npol] file skip 1 using 3:(sel(i, 'all', $5)) with lines lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i] noenhanced
	} else {
		set label 1 'no time series' at graph 0.5,0.5 center
		plot [0:tmax] [0:1] -1 notitle
		unset label 1
	}
	unset multiplot
	set output
}
