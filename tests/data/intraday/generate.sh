#!/bin/sh
# generate.sh — writes the synthetic 5-minute bars of this test study (run from
# this folder; the committed files are its output, so the study needs nothing
# else). No real intraday bars of January 2025 exist (the provider keeps 5m
# bars for 60 days), so the bars are generated with a known planted move.
#
# Sessions: 14:30-20:55 UTC (78 bars of 5 minutes, New York hours) on
# 2025-01-17, 21, 22, 23, 24 and 27 (20 January was a US holiday).
# ^IDX: market returns from the Park-Miller generator (exact in doubles) (sum of
# four uniforms, centred), sd about 0.1% a bar, 0.3% at the opening bar.
# AAA: 0.0001 + 1.2 * Rm + noise (sd about 0.15%); BBB: 0.8 * Rm + noise.
# Planted: -3% on AAA and -2% on BBB in the bar 15:00 of 2025-01-27 (the
# news instant 15:02Z), then +0.5% each in the bar 15:05.
# BBB has no bar at 2025-01-23T16:00:00Z (a missing bar inside a session).
set -e
awk '
function u() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
function z() { return (u() + u() + u() + u() - 2) * 1.7320508 }
function two(x) { return sprintf("%02d", x) }
BEGIN {
    split("2025-01-17 2025-01-21 2025-01-22 2025-01-23 2025-01-24 2025-01-27", days, " ")
    seed = 20250127
    pm = 5000; pa = 100; pb = 50
    print "time,open,high,low,close,adj_close,volume" > "5m/%5EIDX.csv"
    print "time,open,high,low,close,adj_close,volume" > "5m/AAA.csv"
    print "time,open,high,low,close,adj_close,volume" > "5m/BBB.csv"
    for (d = 1; d <= 6; d++) {
        for (k = 0; k < 78; k++) {
            mins = 14 * 60 + 30 + 5 * k
            t = days[d] "T" two(int(mins / 60)) ":" two(mins % 60) ":00Z"
            rm = (k == 0 ? 0.003 : 0.001) * z()
            ra = 0.0001 + 1.2 * rm + 0.0015 * z()
            rb = 0.8 * rm + 0.0015 * z()
            if (t == "2025-01-27T15:00:00Z") { ra += -0.03; rb += -0.02 }
            if (t == "2025-01-27T15:05:00Z") { ra += 0.005; rb += 0.005 }
            pm *= 1 + rm; pa *= 1 + ra; pb *= 1 + rb
            printf "%s,,,,%.6f,,\n", t, pm > "5m/%5EIDX.csv"
            printf "%s,,,,%.6f,,\n", t, pa > "5m/AAA.csv"
            if (t != "2025-01-23T16:00:00Z")
                printf "%s,,,,%.6f,,\n", t, pb > "5m/BBB.csv"
        }
    }
}'
