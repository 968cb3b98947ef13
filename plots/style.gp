# style.gp — the look shared by every evstudy chart script. Not a chart: each
# script in this folder loads it from its own folder (via ARG0).
#
# Greyscale-safe: every series differs by dash pattern and point shape as well
# as by colour, and the colours (Okabe-Ito and Tol) differ in lightness.
# Text is noenhanced so that symbols such as ^GSPC or NQ=F print as they are.
set encoding utf8
set termoption noenhanced
set border 3 lw 1 lc rgb '#333333'
set tics nomirror out scale 0.6
set grid ytics lc rgb '#d9d9d9' lw 1 dt 1
set key noenhanced
set datafile separator '\t'
set datafile missing 'NaN'

# series styles 1-10: colour, dash pattern and point shape all differ
set linetype 1 lc rgb '#0072B2' lw 1.6 dt 1 pt 7  ps 0.7
set linetype 2 lc rgb '#D55E00' lw 1.6 dt 2 pt 5  ps 0.7
set linetype 3 lc rgb '#009E73' lw 1.6 dt 3 pt 9  ps 0.8
set linetype 4 lc rgb '#CC79A7' lw 1.6 dt 4 pt 13 ps 0.8
set linetype 5 lc rgb '#E69F00' lw 1.6 dt 5 pt 4  ps 0.7
set linetype 6 lc rgb '#56B4E9' lw 1.6 dt 1 pt 6  ps 0.7
set linetype 7 lc rgb '#882255' lw 1.6 dt 2 pt 8  ps 0.8
set linetype 8 lc rgb '#117733' lw 1.6 dt 3 pt 12 ps 0.8
set linetype 9 lc rgb '#332288' lw 1.6 dt 4 pt 10 ps 0.8
set linetype 10 lc rgb '#AA4499' lw 1.6 dt 5 pt 14 ps 0.8
set linetype cycle 10
# 101 benchmark: thick black; 102 futures: thick grey, long dashes;
# 103 an average (CAAR): black with dots
set style line 101 lc rgb '#000000' lw 3.2 dt 1 pt 0
set style line 102 lc rgb '#666666' lw 3.2 dt (12,6) pt 0
set style line 103 lc rgb '#000000' lw 2.8 dt 1 pt 7 ps 0.9
# the event-day marker and zero lines
set style line 110 lc rgb '#000000' lw 1.2 dt (6,4)
set style line 111 lc rgb '#555555' lw 1 dt 1

# output sizes (pixels)
svg_w = 900; svg_h = 520
png_w = 1350; png_h = 780
# style N = linetype N, so that `ls` works for series and special styles alike
do for [i=1:10] { set style line i lt i }
