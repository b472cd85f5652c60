# Summary chart (mmtrace report): each metric as a ratio to the first
# policy on a log scale.  Bars grow from 1 (same): up is worse, down is
# better, for every metric shown.  A policy with a value where the first
# has 0 gets a hatched bar near the top labelled "(base 0)".  The label on each bar
# is the absolute value.
# Run from the report folder:  gnuplot plots/summary.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
if (!exists("latency_source")) latency_source = 'model default'
file = datadir.'/bars.tsv'
set encoding utf8
set datafile separator "\t"
sel(i, v) = strcol(1) eq pname[i] ? v : NaN
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
w = 0.8 / npol
xpos(b, i) = b + (i - (npol + 1) / 2.0) * w

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		set terminal svg size 1100,560 fixed enhanced font 'Helvetica,13' background rgb 'white'
	} else {
		eval 'set terminal '.pngterm.' size 1100,560 enhanced font "Helvetica,11" background rgb "white"'
	}
	set output outdir.'/summary.'.fmt
	set title 'Summary, relative to '.pname[1].': '.trace_name.'  (alloc p99: modelled, costs '.latency_source.')' noenhanced
	set grid ytics mytics lc rgb '#dddddd'
	set xrange [0.4:nbars + 0.6]
	set logscale y
	set yrange [bar_ymin:bar_ymax]
	set format y '%g'
	set ytics (0.001, 0.01, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 1000, 10000)
	set xtics () scale 0 noenhanced
	do for [b=1:nbars] {
		set xtics add (barname[b] b)
	}
	set ylabel 'ratio to '.pname[1].' (log scale; 1 = same, lower is better)' noenhanced
	set style fill solid 0.85 border lc rgb '#333333'
	set key outside top center horizontal samplen 2 width 1
	set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb '#555555' front
	# Hatched bars: the first policy had 0, so the height is not a ratio.
	if (bar_has_base0) {
		set label 9 'hatched: '.pname[1].' had 0, height not to scale' at graph 0.01, graph 0.96 font ',10' noenhanced
	}
	plot for [i=1:npol] file skip 1 using (sel(i, $8 != 0 ? NaN : xpos($2, i))):5:(xpos($2, i) - w / 2):(xpos($2, i) + w / 2):4:5 \
		with boxxyerror fs solid 0.85 lc rgb pcol[i] title pname[i] noenhanced, \
	     for [i=1:npol] file skip 1 using (sel(i, $8 != 0 ? xpos($2, i) : NaN)):5:(xpos($2, i) - w / 2):(xpos($2, i) + w / 2):4:5 \
		with boxxyerror fs pattern 4 lc rgb pcol[i] notitle, \
	     for [i=1:npol] file skip 1 using (sel(i, xpos($2, i))):6:7 with labels rotate by 90 left offset 0,0.4 font ',9' notitle
	unset arrow 1
	unset label 9
	unset logscale y
	set output
}
