# Fragmentation over time per node, one colour per policy, one column of
# panels per node (mmtrace report; drawn when the topology has several
# nodes).  Top: the unusable free space index at order 9 over the node's
# zones summed; bottom: the node's free pages in blocks of order >= 9.
# Run from the report folder:  gnuplot plots/frag_nodes.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
file = datadir.'/frag.tsv'
set encoding utf8
set datafile separator "\t"
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
sel(i, n, v) = (strcol(1) eq pname[i] && strcol(2) eq n) ? v : NaN
plw(i) = npol > 1 ? 1.2 + 2.8 * (npol - i) / (npol - 1.0) : 2
pdt(i) = (i - 1) % 5 + 1
width = 160 + 420 * nnodes
# The legend takes as many rows as the policy names need: gnuplot gives
# every entry the widest one's width (about 10 px a character and 80 for
# the sample); the panels start below it.
keyw = 0
do for [i=1:npol] { keyw = strlen(pname[i]) > keyw ? strlen(pname[i]) : keyw }
keycols = int(0.9 * width / (10 * keyw + 80))
keyrows = int(ceil(npol / (keycols > 0 ? keycols : 1.0)))
top = 1 - (110.0 + 24 * keyrows) / 720

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		eval sprintf("set terminal svg size %d,720 fixed enhanced font 'Helvetica,13' background rgb 'white'", width)
	} else {
		eval sprintf("set terminal %s size %d,720 enhanced font 'Helvetica,11' background rgb 'white'", pngterm, width)
	}
	set output outdir.'/frag_nodes.'.fmt
	set multiplot layout 2,nnodes title 'Fragmentation per node (each node'."'".'s zones summed): '.trace_name noenhanced margins (100.0 / width),0.98,0.08,top spacing (80.0 / width),0.13
	set grid lc rgb '#dddddd'
	set xrange [0:tmax]
	set xlabel 'time since trace start (s)'
	do for [n=0:nnodes-1] {
		set title sprintf('node %d: unusable index, order 9', n)
		set ylabel n == 0 ? 'unusable index, order 9 (0..1)' : ''
		set yrange [-0.03 * node_uo9_top:node_uo9_top]
		if (n == 0) {
			set key at screen 0.5, screen 0.955 center top horizontal maxrows keyrows samplen 3 width 0
		} else {
			unset key
		}
		plot for [i=1:npol] file skip 1 using 3:(sel(i, sprintf('%d', n), $4)) with lines lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i] noenhanced
	}
	unset key
	do for [n=0:nnodes-1] {
		set title sprintf('node %d: free pages in blocks of order ≥ 9', n)
		set ylabel n == 0 ? 'free pages, order ≥ 9' : ''
		set yrange [-0.04 * node_ge9_max:1.05 * node_ge9_max]
		plot for [i=1:npol] file skip 1 using 3:(sel(i, sprintf('%d', n), $5)) with lines lw plw(i) dt pdt(i) lc rgb pcol[i] notitle
	}
	unset multiplot
	set output
}
