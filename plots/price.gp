# price.gp — prices around the event, each indexed to 100 at its close on day −1.
#
# Chips (coloured, thin), benchmarks (thick black) and index futures (thick
# grey, dashed) on one date axis; a dashed vertical line marks day 0.
#
# Reads   DATADIR/labels.gp  strings and counts written by `evstudy plot`:
#                            event_name, day0_date, day0_label,
#                            n_price, price_name[i], price_style[i]
#         DATADIR/price.dat  tab-separated, one block per series (blocks
#                            separated by two blank lines, same order as
#                            price_name): date (YYYY-MM-DD), index
#                            (100·P_t/P_−1), price, trading day vs day 0
# Writes  DATADIR/price.svg and DATADIR/price.png
# Run     gnuplot -e "datadir='out/deepseek-2025/charts/deepseek-selloff'" plots/price.gp
if (!exists("datadir")) datadir = '.'
scriptdir = ''
do for [i=1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { scriptdir = ARG0[1:i] } }
load scriptdir.'style.gp'
load datadir.'/labels.gp'

t0 = strptime('%Y-%m-%d', day0_date)
set xdata time
set timefmt '%Y-%m-%d'
set format x "%d %b\n%Y"
set xtics t0 - 35*86400, 7*86400
set xlabel 'Date (weekly ticks on the weekday of day 0)'
set ylabel 'Price index (close on day −1 = 100)'
set title sprintf('%s — prices around day 0 (%s)', event_name, day0_label)
set arrow 1 from t0, graph 0 to t0, graph 1 nohead ls 110 back
set label 1 'day 0' at t0, graph 1 offset 0.6,-1 left
set arrow 2 from graph 0, first 100 to graph 1, first 100 nohead ls 111 back
set key outside right top vertical Left reverse samplen 3 spacing 1.1

set terminal svg size svg_w,svg_h dynamic font 'Sans,12' background rgb 'white' noenhanced
set output datadir.'/price.svg'
plot for [i=1:n_price] datadir.'/price.dat' index (i-1) using 1:2 \
     with linespoints ls price_style[i] title price_name[i]
set terminal pngcairo size png_w,png_h font 'Sans,14' background rgb 'white' noenhanced
set output datadir.'/price.png'
replot
unset output
