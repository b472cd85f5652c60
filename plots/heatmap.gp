# Free pages by order over time, one panel per policy (mmtrace report).
# Colour: pages held in free blocks of that order (nr_free << order),
# every zone of every node summed, on one log scale shared by every panel;
# white = none.
# Run from the report folder:  gnuplot plots/heatmap.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
load datadir.'/params.gp'
file = datadir.'/heatmap.tsv'
set encoding utf8
set datafile separator "\t"
sums = nnodes > 1 ? sprintf('every zone of all %d nodes summed', nnodes) : 'every zone summed'
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
height = 140 + 230 * npol

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		eval sprintf("set terminal svg size 960,%d fixed enhanced font 'Helvetica,13' background rgb 'white'", height)
	} else {
		eval sprintf("set terminal %s size 960,%d enhanced font 'Helvetica,11' background rgb 'white'", pngterm, height)
	}
	set output outdir.'/heatmap.'.fmt
	set multiplot layout npol,1 title 'Free pages by order over time ('.sums.'; white: no free block of that order): '.trace_name noenhanced \
		margins 0.08,0.86,(65.0 / height),(1 - 80.0 / height) spacing (85.0 / height)
	set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')
	set logscale cb
	set cbrange [1:heat_cbmax]
	set format cb '%.0s%c'
	set cblabel 'free pages'
	set xrange [0:tmax]
	set yrange [-0.5:10.5]
	set ytics 0,1,10 nomirror
	set xtics nomirror
	set tics out
	set ylabel 'order'
	do for [i=1:npol] {
		set title pname[i] noenhanced textcolor rgb pcol[i] font ',14' offset 0,-0.5
		if (i == npol) {
			set xlabel 'time since trace start (s)'
		} else {
			unset xlabel
		}
		if (has_ts) {
			plot file skip 1 using 2:3:((strcol(1) eq pname[i] && $4 > 0) ? $4 : NaN) with image notitle
		} else {
			set label 1 'no time series' at graph 0.5,0.5 center
			plot -1 notitle
			unset label 1
		}
	}
	unset multiplot
	set output
}
