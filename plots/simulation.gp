# simulation.gp — the simulation's rejection rates: how often each test
# rejects "no effect" at 5%, against the abnormal return planted on day 0.
#
# At 0 planted the rate is the test's size (it should be near the dashed 5%
# line); above 0 it is its power. Drawn when OUTDIR has simulation.csv
# (columns test, shock, rejection_rate; fractions) from `evstudy simulate`.
#
# Reads   DATADIR/labels.gp  n_sim, sim_name[i]
#         DATADIR/sim.dat    tab-separated, one block per test (blocks
#                            separated by two blank lines, same order as
#                            sim_name): planted AR (%), rejection rate (%)
# Writes  DATADIR/simulation.svg and DATADIR/simulation.png
# Run     gnuplot -e "datadir='out/STUDY/charts/simulation'" plots/simulation.gp
if (!exists("datadir")) datadir = '.'
scriptdir = ''
do for [i=1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { scriptdir = ARG0[1:i] } }
load scriptdir.'style.gp'
load datadir.'/labels.gp'

set title 'Simulation: rejection rate of each test at the 5% level, two-sided'
set xlabel 'Abnormal return planted on day 0 (%)'
set ylabel 'Rejection rate (% of samples)'
set yrange [0:100]
set arrow 1 from graph 0, first 5 to graph 1, first 5 nohead ls 110 back
set label 1 '5% (nominal size)' at graph 0.01, first 5 offset 0,0.7 left
set key outside right top vertical Left reverse samplen 3

set terminal svg size svg_w,svg_h dynamic font 'Sans,12' background rgb 'white' noenhanced
set output datadir.'/simulation.svg'
plot for [i=1:n_sim] datadir.'/sim.dat' index (i-1) using 1:2 with linespoints ls ((i-1)%10+1) title sim_name[i]
set terminal pngcairo size png_w,png_h font 'Sans,14' background rgb 'white' noenhanced
set output datadir.'/simulation.png'
replot
unset output
