# ar_day0.gp — each security's abnormal return on day 0, sorted, with its 95% band.
#
# Bars (grey) are the day-0 abnormal returns AR_i0 = R_i0 − E[R_i0]; the black
# error bars are AR ± 1.96·σ(AR), where σ(AR) = AR/SAR is the standard
# deviation of the model's forecast error (CLM 4.4); a band that does not
# cross zero marks a security whose own move is significant at 5%.
#
# Reads   DATADIR/labels.gp   event_name, day0_label, n_ar, n_band (rows with a band)
#         DATADIR/ar_day0.dat tab-separated, one row per security, sorted by AR:
#                             rank, symbol, AR (%), band low (%), band high (%),
#                             return (%), market return (%)
# Writes  DATADIR/ar_day0.svg and DATADIR/ar_day0.png
# Run     gnuplot -e "datadir='out/deepseek-2025/charts/deepseek-selloff'" plots/ar_day0.gp
if (!exists("datadir")) datadir = '.'
scriptdir = ''
do for [i=1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { scriptdir = ARG0[1:i] } }
load scriptdir.'style.gp'
load datadir.'/labels.gp'

set title sprintf('%s — abnormal return on day 0 (%s), with 95%% bands', event_name, day0_label)
set ylabel 'Abnormal return on day 0 (%)'
set xlabel 'Security, sorted by its day-0 abnormal return'
set xrange [0.4:n_ar + 0.6]
set xtics scale 0
if (n_ar > 8) { set xtics rotate by -40 left }
set xzeroaxis ls 111
set style fill solid 0.45 border rgb '#333333'
set boxwidth 0.6
set key below horizontal samplen 2 spacing 1.2

set terminal svg size svg_w,svg_h dynamic font 'Sans,12' background rgb 'white' noenhanced
set output datadir.'/ar_day0.svg'
if (n_band > 0) {
    plot datadir.'/ar_day0.dat' using 1:3:xtic(2) with boxes lc rgb '#7f7f7f' title 'abnormal return, day 0', \
         ''                     using 1:3:4:5 with yerrorbars lc rgb '#000000' lw 1.6 dt 1 pt 7 ps 0.6 \
                                title '95% band (AR ± 1.96 σ)'
} else {
    # no standard deviations in the results (e.g. no model variance): bars only
    plot datadir.'/ar_day0.dat' using 1:3:xtic(2) with boxes lc rgb '#7f7f7f' title 'abnormal return, day 0'
}
set terminal pngcairo size png_w,png_h font 'Sans,14' background rgb 'white' noenhanced
set output datadir.'/ar_day0.png'
replot
unset output
