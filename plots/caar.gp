# caar.gp — the cumulative average abnormal return (CAAR) across the event
# window, with its 95% confidence band.
#
# The band is CAAR ± 1.96·se, se the cross-sectional standard error of the
# CAR (sd/√N, aar.csv column se_caar). Cumulation starts on the first day of
# the span the results cover (the earliest event-window start).
#
# Reads   DATADIR/labels.gp  event_name, day0_label
#         DATADIR/caar.dat   tab-separated, one row per day: day, date label,
#                            CAAR (%), band low (%), band high (%), AAR (%), N
# Writes  DATADIR/caar.svg and DATADIR/caar.png
# Run     gnuplot -e "datadir='out/deepseek-2025/charts/deepseek-selloff'" plots/caar.gp
if (!exists("datadir")) datadir = '.'
scriptdir = ''
do for [i=1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { scriptdir = ARG0[1:i] } }
load scriptdir.'style.gp'
load datadir.'/labels.gp'

set title sprintf('%s — CAAR across the event window (day 0 = %s)', event_name, day0_label)
set ylabel 'Cumulative average abnormal return (%)'
set xlabel 'Trading day relative to the event (date)' offset 0,-0.6
set xrange [day_first - 0.3 : day_last + 0.3]
set arrow 1 from 0, graph 0 to 0, graph 1 nohead ls 110 front
set label 1 'day 0' at 0, graph 1 offset 0.6,-1 left
set xzeroaxis ls 111
set key below horizontal samplen 3 spacing 1.2

set terminal svg size svg_w,svg_h dynamic font 'Sans,12' background rgb 'white' noenhanced
set output datadir.'/caar.svg'
plot datadir.'/caar.dat' using 1:4:5 with filledcurves fs solid 0.25 noborder lc rgb '#8c8c8c' \
          title '95% confidence band', \
     '' using 1:3:xtic(sprintf("%d\n%s", $1, strcol(2))) with linespoints ls 103 title 'CAAR'
set terminal pngcairo size png_w,png_h font 'Sans,14' background rgb 'white' noenhanced
set output datadir.'/caar.png'
replot
unset output
