# The model against the kernel (mmtrace validate -o DIR).
# Left: at the recorded settings, the model's count over the kernel's for
# each target counter and settings group, on a log scale; the bar is the
# band a verdict accepts (25% of the kernel's mean, or its min..max over
# the runs).  Right: across settings, the model's predicted change from A
# against the kernel's measured one (log-log); on the diagonal the
# prediction is exact, between the dashed lines within 1.5x.  Filled
# points were judged (the change exceeds the kernel's run-to-run spread).
# Run from the report folder:  gnuplot plots/validate.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
same = datadir.'/validate_same.tsv'
across = datadir.'/validate_across.tsv'
set encoding utf8
set datafile separator '\t'
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
load datadir.'/validate_params.gp'

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		set terminal svg size 1100,520 fixed enhanced font 'Helvetica,12' background rgb 'white'
	} else {
		eval 'set terminal '.pngterm.' size 1100,520 enhanced font "Helvetica,10" background rgb "white"'
	}
	set output outdir.'/validate.'.fmt
	set multiplot layout 1,2
	unset xlabel
	set logscale y
	set grid ytics lc rgb '#dddddd'
	set title 'Same settings: model / kernel' noenhanced
	set ylabel 'model / kernel (log; 1 = exact)'
	set xrange [0:nsame + 1]
	set yrange [0.01:100]
	set xtics rotate by 60 right font ',8' noenhanced
	set key top left
	plot 1 with lines lc rgb '#555555' notitle, \
	     same using 1:4:5:6:xtic(2) with yerrorbars lc rgb '#999999' pt -1 title 'accepted band', \
	     same using 1:($7 > 0 ? $4 : NaN) with points pt 7 ps 0.9 lc rgb '#009E73' title 'ok', \
	     same using 1:($7 > 0 ? NaN : $4) with points pt 7 ps 0.9 lc rgb '#D55E00' title 'miss'
	unset xtics
	set xtics
	set logscale xy
	set xrange [0.05:20]
	set yrange [0.05:20]
	set title 'Across settings: predicted against measured change from A' noenhanced
	set xlabel 'measured ratio (kernel, group / A)'
	set ylabel 'predicted ratio (model)'
	set size square
	plot x with lines lc rgb '#555555' title 'exact', \
	     1.5 * x with lines dt 2 lc rgb '#999999' title '1.5x', \
	     x / 1.5 with lines dt 2 lc rgb '#999999' notitle, \
	     across using 1:(($3 > 0 && $4 > 0) ? $2 : NaN) with points pt 7 ps 1 lc rgb '#009E73' title 'judged, ok', \
	     across using 1:(($3 > 0 && $4 == 0) ? $2 : NaN) with points pt 7 ps 1 lc rgb '#D55E00' title 'judged, miss', \
	     across using 1:($3 > 0 ? NaN : $2) with points pt 6 ps 1 lc rgb '#0072B2' title 'within spread'
	unset multiplot
	unset logscale
	set size nosquare
	set output
}
