# intraday.gp — intraday path of each series (index futures first of all)
# around the news instant, indexed to 100 at the last bar before it.
#
# Drawn when the results are intraday (abnormal_returns.csv dates are UTC
# instants); the index is 100 × the compounded bar returns.
#
# Reads   DATADIR/labels.gp     event_name, day0_date (the first bar of day 0,
#                               UTC), day0_label, n_car, car_name[i]
#         DATADIR/intraday.dat  tab-separated, one block per series (blocks
#                               separated by two blank lines, same order as
#                               car_name): time (ISO 8601 UTC), index, bar
# Writes  DATADIR/intraday.svg and DATADIR/intraday.png
# Run     gnuplot -e "datadir='out/STUDY/charts/EVENT'" plots/intraday.gp
if (!exists("datadir")) datadir = '.'
scriptdir = ''
do for [i=1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { scriptdir = ARG0[1:i] } }
load scriptdir.'style.gp'
load datadir.'/labels.gp'

t0 = strptime('%Y-%m-%dT%H:%M', day0_date[1:16])
set xdata time
set timefmt '%Y-%m-%dT%H:%M:%SZ'
set format x "%H:%M\n%d %b"
set xlabel 'Time (UTC)'
set ylabel 'Price index (last bar before the news = 100)'
set title sprintf('%s — intraday path around the news (%s UTC)', event_name, day0_label)
set arrow 1 from t0, graph 0 to t0, graph 1 nohead ls 110 front
set label 1 'news' at t0, graph 1 offset 0.6,-1 left
set arrow 2 from graph 0, first 100 to graph 1, first 100 nohead ls 111 back
set key outside right top vertical Left reverse samplen 3

set terminal svg size svg_w,svg_h dynamic font 'Sans,12' background rgb 'white' noenhanced
set output datadir.'/intraday.svg'
plot for [i=1:n_car] datadir.'/intraday.dat' index (i-1) using 1:2 with lines ls ((i-1)%10+1) title car_name[i]
set terminal pngcairo size png_w,png_h font 'Sans,14' background rgb 'white' noenhanced
set output datadir.'/intraday.png'
replot
unset output
