# Allocation latency per policy (mmtrace report): left the CDF, right the
# tail as 1 - CDF on a log scale, where p99 and p99.9 show.  The curves join
# the edges of latency.tsv's log2 buckets.
# Run from the report folder:  gnuplot plots/latency.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
if (!exists("latency_source")) latency_source = 'model default'
file = datadir.'/latency.tsv'
set encoding utf8
set datafile separator "\t"
sel(i, v) = strcol(1) eq pname[i] ? v : NaN
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
# Earlier policies draw wider lines, so a policy whose curve equals a later
# one's still shows as a coloured edge around it.
plw(i) = npol > 1 ? 1.2 + 2.8 * (npol - i) / (npol - 1.0) : 2
pdt(i) = (i - 1) % 5 + 1

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		set terminal svg size 1100,520 fixed enhanced font 'Helvetica,13' background rgb 'white'
	} else {
		eval 'set terminal '.pngterm.' size 1100,520 enhanced font "Helvetica,11" background rgb "white"'
	}
	set output outdir.'/latency.'.fmt
	set multiplot layout 1,2 title 'Allocation latency (modelled, every allocation; costs: '.latency_source.'): '.trace_name noenhanced
	set grid xtics ytics mxtics lc rgb '#dddddd'
	set logscale x
	set xtics ('10 ns' 10, '100 ns' 100, '1 µs' 1e3, '10 µs' 1e4, '100 µs' 1e5, '1 ms' 1e6, '10 ms' 1e7, '100 ms' 1e8, '1 s' 1e9, '10 s' 1e10)
	set xlabel 'allocation latency'

	set title 'CDF'
	set ylabel 'fraction of allocations ≤ latency'
	set yrange [0:1.02]
	set key bottom right
	if (has_lat) {
		plot for [i=1:npol] file skip 1 using 2:(sel(i, $3)) with lines lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i] noenhanced
	} else {
		set label 1 'no latency data' at graph 0.5,0.5 center
		plot [1:1e6] [0:1] -1 notitle
		unset label 1
	}

	set title 'Tail: 1 − CDF'
	set ylabel 'fraction of allocations > latency'
	set logscale y
	set yrange [1e-6:1.5]
	set format y '10^{%T}'
	set key top right
	set arrow 1 from graph 0, first 0.01 to graph 1, first 0.01 nohead dt 2 lc rgb '#888888'
	set arrow 2 from graph 0, first 0.001 to graph 1, first 0.001 nohead dt 2 lc rgb '#888888'
	set label 2 'p99' at graph 0.02, first 0.013 font ',10' textcolor rgb '#666666'
	set label 3 'p99.9' at graph 0.02, first 0.0013 font ',10' textcolor rgb '#666666'
	if (has_lat) {
		plot for [i=1:npol] file skip 1 using 2:(sel(i, $4)) with lines lw plw(i) dt pdt(i) lc rgb pcol[i] title pname[i] noenhanced
	} else {
		set label 1 'no latency data' at graph 0.5,0.5 center
		plot [1:1e6] [1e-6:1] 1e-9 notitle
		unset label 1
	}
	unset arrow 1
	unset arrow 2
	unset label 2
	unset label 3
	unset logscale y
	set format y '%g'
	unset multiplot
	set output
}
