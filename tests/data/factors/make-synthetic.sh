#!/bin/sh
# make-synthetic.sh — regenerate the SYNTHETIC factor files of this folder.
#
# They have the exact layout of Kenneth French's daily CSV files (text lines,
# a ",Mkt-RF,..." header, YYYYMMDD dates, percent with two decimals, a blank
# line, a copyright-style footer; the 3-factor file also carries an annual
# section after the daily block, as French's monthly files do) but the
# numbers are made up: Mkt-RF is the bundled ^GSPC return in percent minus a
# constant RF of 0.02, and the other factors are deterministic pseudo-random
# draws (an LCG) so that the files are reproducible. No real factor data
# could be had here; users get the real files from the Kenneth R. French Data
# Library (see README.md).
#
#   sh tests/data/factors/make-synthetic.sh   (from the repository root)
set -eu
dir=tests/data/factors
src=samples/deepseek-2025/data/1d/%5EGSPC.csv
gen() { # $1 = columns after Mkt-RF (without RF), $2 = seed
    awk -F, -v cols="$1" -v seed="$2" '
    function u() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
    function n() { return sqrt(-2 * log(u() + 1e-12)) * cos(6.283185307179586 * u()) }
    NR == 1 { next }
    { if (prev != "") {
          d = $1; gsub("-", "", d)
          printf "%s,%8.2f", d, 100 * ($5 / prev - 1) - 0.02
          k = split(cols, c, " ")
          for (i = 1; i <= k; i++) printf ",%8.2f", 0.6 * n()
          printf ",%8.3f\n", 0.02
      }
      prev = $5 }' "$src"
}
{
    printf 'This file is SYNTHETIC test data for evstudy, in the layout of F-F_Research_Data_Factors_daily.CSV.\r\n'
    printf 'It is not the Fama-French data: see tests/data/factors/make-synthetic.sh.\r\n\r\n'
    printf ',Mkt-RF,SMB,HML,RF\r\n'
    gen "SMB HML" 12345 | sed 's/$/\r/'
    printf '\r\n Annual Factors: January-December \r\n,Mkt-RF,SMB,HML,RF\r\n'
    printf '2024,   21.00,   -8.00,   -5.00,    5.00\r\n2025,   15.00,   -2.00,    1.00,    4.00\r\n\r\n'
    printf 'Copyright 2026 evstudy (synthetic)\r\n'
} > "$dir/F-F_Research_Data_Factors_daily.CSV"
{
    printf 'This file is SYNTHETIC test data for evstudy, in the layout of F-F_Research_Data_5_Factors_2x3_daily.CSV.\r\n\r\n'
    printf ',Mkt-RF,SMB,HML,RMW,CMA,RF\r\n'
    gen "SMB HML RMW CMA" 777 | sed 's/$/\r/'
    printf '\r\nCopyright 2026 evstudy (synthetic)\r\n'
} > "$dir/F-F_Research_Data_5_Factors_2x3_daily.CSV"
{
    printf 'This file is SYNTHETIC test data for evstudy, in the layout of F-F_Momentum_Factor_daily.CSV.\r\n'
    printf 'Missing data are indicated by -99.99.\r\n\r\n'
    printf ',Mom   \r\n'
    gen "Mom" 4242 | awk -F, '{ printf "%s,%s\r\n", $1, $3 }'
    printf '\r\nCopyright 2026 evstudy (synthetic)\r\n'
} > "$dir/F-F_Momentum_Factor_daily.CSV"
