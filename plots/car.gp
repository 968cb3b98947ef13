# car.gp — each security's cumulative abnormal return (CAR) across the event
# window, with the CAAR (their average) in thick black.
#
# Reads   DATADIR/labels.gp  event_name, day0_label, n_car, car_name[i]
#         DATADIR/car.dat    tab-separated, one block per security (blocks
#                            separated by two blank lines, same order as
#                            car_name): day, date label, CAR (%)
#         DATADIR/caar.dat   (see caar.gp) for the CAAR line
# Writes  DATADIR/car.svg and DATADIR/car.png
# Run     gnuplot -e "datadir='out/deepseek-2025/charts/deepseek-selloff'" plots/car.gp
if (!exists("datadir")) datadir = '.'
scriptdir = ''
do for [i=1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { scriptdir = ARG0[1:i] } }
load scriptdir.'style.gp'
load datadir.'/labels.gp'

set title sprintf('%s — CAR of each security (day 0 = %s)', event_name, day0_label)
set ylabel 'Cumulative abnormal return (%)'
set xlabel 'Trading day relative to the event (date)' offset 0,-0.6
set xrange [day_first - 0.3 : day_last + 0.3]
set arrow 1 from 0, graph 0 to 0, graph 1 nohead ls 110 front
set label 1 'day 0' at 0, graph 1 offset 0.6,-1 left
set xzeroaxis ls 111
set key outside right top vertical Left reverse samplen 3

set terminal svg size svg_w,svg_h dynamic font 'Sans,12' background rgb 'white' noenhanced
set output datadir.'/car.svg'
plot for [i=1:n_car] datadir.'/car.dat' index (i-1) using 1:3 with linespoints ls ((i-1)%10+1) title car_name[i], \
     datadir.'/caar.dat' using 1:3:xtic(sprintf("%d\n%s", $1, strcol(2))) with linespoints ls 103 title 'CAAR (average)'
set terminal pngcairo size png_w,png_h font 'Sans,14' background rgb 'white' noenhanced
set output datadir.'/car.png'
replot
unset output
