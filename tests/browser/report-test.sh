#!/bin/sh
# report-test.sh — report.html in a real browser (headless Debian Chromium).
#
#   tests/browser/report-test.sh [EVSTUDY [OUTDIR]]
#
# EVSTUDY defaults to ./evstudy; OUTDIR to a copy of tests/fixtures/plots-out
# (give out/deepseek-2025 after `make demo` to test the real study). The
# report is rebuilt in a temporary copy, then Chromium (no network: the
# background-networking flags, a fresh profile) loads it and we check:
#   - no console message and no failed load (--enable-logging=stderr);
#   - every chart figure is in the rendered DOM with a non-empty SVG;
#   - each security's day-0 abnormal return (from abnormal_returns.csv, as the
#     report rounds it) appears in the rendered text, and so does the summary;
#   - a screenshot and a printed PDF are made; pdftotext of the PDF holds the
#     summary sentence.
# Exits 77 (skipped) when chromium or pdftotext is missing; 0 pass; 1 fail.
# Artifacts (dom.html, console.log, report.png, report.pdf, report.txt) are
# kept in $EVS_BROWSER_ARTIFACTS when set.
set -u
EVSTUDY=${1:-./evstudy}
SRC=${2:-tests/fixtures/plots-out}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "report-test: SKIP: chromium not installed (apt-get install chromium poppler-utils)"
    exit 77
fi
if ! command -v pdftotext >/dev/null 2>&1; then
    echo "report-test: SKIP: pdftotext not installed (apt-get install poppler-utils)"
    exit 77
fi
[ -x "$EVSTUDY" ] || { echo "report-test: FAIL: $EVSTUDY is not an executable"; exit 1; }

work=$(mktemp -d /tmp/evs-browser-XXXXXX)
profile=$(mktemp -d /tmp/evs-chromium-XXXXXX)
cleanup() { rm -rf "$work" "$profile"; }
trap cleanup EXIT INT TERM
fail=0
no() { echo "report-test: FAIL: $*"; fail=1; }

out="$work/out"
mkdir -p "$out"
for f in abnormal_returns.csv aar.csv estimates.csv cars.csv tests.csv run.json; do
    cp "$SRC/$f" "$out/" || { echo "report-test: FAIL: $SRC/$f missing"; exit 1; }
done
[ -f "$SRC/simulation.csv" ] && cp "$SRC/simulation.csv" "$out/"
if ! "$EVSTUDY" report "$out" 2>"$work/report.err"; then
    cat "$work/report.err"; no "evstudy report failed"; exit 1
fi
html="$out/report.html"

chrome() {
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-quic \
        --user-data-dir="$profile" "$@"
}

# 0. self-contained: nothing to fetch, nothing to run
# (the SVG namespace names http://www.w3.org/... are names, not fetches)
if sed 's#http://www\.w3\.org/[0-9]*/[a-z]*##g' "$html" |
    grep -Eq '<script|<link|<iframe|src=|url\((https?:)?//|https?://'; then
    no "report.html refers to something outside itself or holds a script"
fi

# 1. rendered DOM and console messages
chrome --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom "file://$html" \
    >"$work/dom.html" 2>"$work/console.log"
grep -E 'CONSOLE|Uncaught|Failed to load resource|net::ERR_' "$work/console.log" >"$work/console-errors.txt"
if [ -s "$work/console-errors.txt" ]; then
    no "console messages or failed loads:"; cat "$work/console-errors.txt"
fi
[ -s "$work/dom.html" ] || no "empty DOM"

# 2. every chart present and non-empty (each <figure class="chart"> holds an <svg> with paths)
nfig=$(grep -o '<figure class="chart"' "$html" | wc -l)
nsvg=$(grep -o '<svg class="chart"' "$work/dom.html" | wc -l)
nexpect=$(find "$out/charts" -name '*.svg' | wc -l)
[ "$nfig" -gt 0 ] || no "no charts in the report"
[ "$nsvg" -eq "$nexpect" ] || no "$nsvg charts rendered, $nexpect SVG files drawn"
awk 'BEGIN{RS="<figure class=\"chart\""} NR>1 { if ($0 !~ /<svg class="chart"/ || $0 !~ /<path/) bad++ } END{exit bad>0}' \
    "$work/dom.html" || no "a chart figure without a drawn SVG"
for png in $(find "$out/charts" -name '*.png'); do
    [ -s "$png" ] || no "empty $png"
done

# 3. key numbers: each day-0 abnormal return as the report rounds it (2 decimals, percent)
sed -e 's/<[^>]*>/ /g' "$work/dom.html" >"$work/dom.txt"
awk -F, 'NR>1 && $4=="0" && $8!="" { s = sprintf("%.2f%%", 100*$8); if (s == "-0.00%") s = "0.00%"; print s }' "$out/abnormal_returns.csv" | sort -u >"$work/ars.txt"
[ -s "$work/ars.txt" ] || no "no day-0 abnormal returns in abnormal_returns.csv"
while read -r v; do
    grep -qF -- "$v" "$work/dom.txt" || no "day-0 abnormal return $v not in the rendered page"
done <"$work/ars.txt"
grep -q 'points of that' "$work/dom.txt" || no "summary sentence missing from the rendered page"

# 4. screenshot and PDF
chrome --window-size=1200,2400 --screenshot="$work/report.png" "file://$html" >/dev/null 2>&1
[ -s "$work/report.png" ] || no "no screenshot"
chrome --no-pdf-header-footer --print-to-pdf="$work/report.pdf" "file://$html" >/dev/null 2>&1
[ -s "$work/report.pdf" ] || no "no PDF"
pdftotext -layout "$work/report.pdf" "$work/report.txt" 2>/dev/null || no "pdftotext failed"
tr -s ' \n' ' ' <"$work/report.txt" >"$work/report.flat"
grep -q 'about [0-9.]* points of that [a-z]* were abnormal given the market' "$work/report.flat" ||
    no "the PDF text lacks the summary"
grep -q 'Why the tests disagree' "$work/report.flat" || echo "report-test: note: no clustering note in the PDF"

if [ -n "${EVS_BROWSER_ARTIFACTS:-}" ]; then
    mkdir -p "$EVS_BROWSER_ARTIFACTS"
    cp "$work/dom.html" "$work/console.log" "$work/report.png" "$work/report.pdf" "$work/report.txt" \
        "$html" "$EVS_BROWSER_ARTIFACTS/" 2>/dev/null
fi
if [ "$fail" = 0 ]; then
    echo "report-test: PASS ($nsvg charts, $(wc -l <"$work/ars.txt") day-0 abnormal returns found, PDF $(wc -c <"$work/report.pdf") bytes)"
fi
exit $fail
