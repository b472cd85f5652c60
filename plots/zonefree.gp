# Free pages over time, the kernel against the model (mmtrace validate -o
# DIR): for the first trace of each settings group, replayed under its own
# settings, the free pages of DMA32 (left) and Normal (right) at the
# recorder's /proc/zoneinfo samples: solid the kernel's "pages free",
# dashed the model's zone at the same point of the replay.  The level
# kswapd and the allocators hold a zone at is what the watermark sysctls
# set; the tables' "free pages" rows are the medians of these lines.
# Run from the report folder:  gnuplot plots/zonefree.gp
if (!exists("datadir")) datadir = 'data'
if (!exists("outdir")) outdir = '.'
set encoding utf8
set datafile separator '\t'
pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
load datadir.'/zonefree_params.gp'
colors = '#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #000000 #F0E442'

do for [fmt in 'svg png'] {
	if (fmt eq 'svg') {
		set terminal svg size 1100,460 fixed enhanced font 'Helvetica,12' background rgb 'white'
	} else {
		eval 'set terminal '.pngterm.' size 1100,460 enhanced font "Helvetica,10" background rgb "white"'
	}
	set output outdir.'/zonefree.'.fmt
	set multiplot layout 1,2
	set grid lc rgb '#dddddd'
	set xlabel 'trace time (s)'
	set ylabel 'free MiB'
	set key top right font ',9' noenhanced
	do for [z = 0:1] {
		col = 2 + 2 * z
		set title (z == 0 ? 'DMA32' : 'Normal').': kernel (solid), model (dashed)' noenhanced
		plot for [i = 1:nzf] datadir.'/'.zf_file[i] using 1:col with lines lw 1.5 lc rgb word(colors, (i - 1) % 8 + 1) title zf_title[i], \
		     for [i = 1:nzf] datadir.'/'.zf_file[i] using 1:(column(col + 1)) with lines lw 1.5 dt 2 lc rgb word(colors, (i - 1) % 8 + 1) notitle
	}
	unset multiplot
	set output
}
