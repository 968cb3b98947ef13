#!/usr/bin/env bash
# bench/run.sh — evstudy's performance figures (`make bench`; never part of `make check`).
#
# For a small and a large synthetic panel (tools/genpanel, generated once and
# cached under build/bench/), prints each figure beside the command that
# produced it:
#   - load throughput of the price files, MB/s (wall clock and per CPU-second),
#     beside `cat` and `wc -l` on the same files (warm page cache) and the ratio,
#     and the parser alone on the files in memory (tools/parsebench);
#   - firm-events per second: market model, 250-day estimation, window -5..5,
#     every test of the battery (no bootstrap), on one thread and on all cores;
#   - peak memory (/usr/bin/time's maximum resident set size);
#   - growth from the small to the large panel (time per MB and per firm-event
#     should stay flat: linear growth);
#   - that --jobs 1 and --jobs N wrote identical result files.
# The figures come from `evstudy run --timings` (what users run; the phases are
# timed inside the program, the analysis also split into its parts) and are
# the best of BENCH_REPS runs (default 3).
#
# Environment: BENCH_REPS (3), BENCH_JOBS (online CPUs), BENCH_SIZES
# ("200x1250 2000x5000": securities x days, 5 events per security).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 4
EVSTUDY=$ROOT/build/evstudy
GEN=$ROOT/build/tools/genpanel
REPS=${BENCH_REPS:-3}
NCPU=$(nproc)
JOBS=${BENCH_JOBS:-$NCPU}
SIZES=${BENCH_SIZES:-"200x1250 2000x5000"}
OUT=$ROOT/build/bench
mkdir -p "$OUT"
[ -x "$EVSTUDY" ] && [ -x "$GEN" ] && [ -x "$ROOT/build/tools/parsebench" ] || { echo "bench: build first (make bench)" >&2; exit 4; }
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 4; }

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\n\", $2 }"; }

# min_time CMD...: best wall seconds of REPS runs of CMD (output discarded)
min_time() {
  local best="" t0 t1 d
  for _ in $(seq "$REPS"); do
    t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    d=$(calc "%.6f" "$t1 - $t0")
    if [ -z "$best" ] || awk "BEGIN { exit !($d < $best) }"; then best=$d; fi
  done
  echo "$best"
}

echo "evstudy benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "machine: $NCPU CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "figures: best of $REPS runs; all cores = --jobs $JOBS"
echo

declare -A R
for size in $SIZES; do
  n=${size%x*} d=${size#*x}
  P=$OUT/panel-$size
  args="--securities $n --days $d --events 5 --seed 1"
  stamp="$args $(sha256sum "$ROOT/tools/genpanel.c" | cut -c1-16)"
  if [ "$(cat "$P/.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "generating $P: build/tools/genpanel $args --out $P"
    rm -rf "$P"
    t0=$(now)
    "$GEN" $args --out "$P" || exit 1
    echo "$stamp" > "$P/.stamp"
    echo "  ($(calc "%.1f" "$(now) - $t0") s, cached for the next run)"
  fi
  files=("$P"/data/1d/*.csv)
  bytes=$(cat "${files[@]}" | wc -c)
  mb=$(calc "%.1f" "$bytes / 1e6")
  nfe=$(grep -c '^\[event ' "$P/study.ini")
  echo "== panel $size: $n securities x $d days, ${#files[@]} price files, $mb MB, $nfe firm-events"
  echo "   study: $P/study.ini (market model, estimation -255..-6 = 250 days, window -5..5 = 11 days, all tests)"

  cat "${files[@]}" >/dev/null # warm the page cache for every reader alike
  tcat=$(min_time cat "${files[@]}")
  twc=$(min_time wc -l "${files[@]}")
  echo "   cat   $(calc "%7.0f" "$bytes / 1e6 / $tcat") MB/s   \$ cat build/bench/panel-$size/data/1d/*.csv > /dev/null"
  echo "   wc -l $(calc "%7.0f" "$bytes / 1e6 / $twc") MB/s   \$ wc -l build/bench/panel-$size/data/1d/*.csv"
  pmb=$("$ROOT/build/tools/parsebench" "${files[@]}" | awk '{ print $4 }')
  echo "   parser alone $pmb MB/s per CPU-second (files already in memory, best of 3)   \$ build/tools/parsebench build/bench/panel-$size/data/1d/*.csv"

  for j in 1 "$JOBS"; do
    cmd=("$EVSTUDY" run "$P/study.ini" --out "$OUT/out-$size-j$j" --quiet --jobs "$j" --timings)
    best_load="" best_an="" best_total=""
    for _ in $(seq "$REPS"); do
      t0=$(now)
      /usr/bin/time -f "maxrss %M" "${cmd[@]}" 2>"$OUT/timings.txt" >/dev/null || { cat "$OUT/timings.txt"; exit 1; }
      total=$(calc "%.6f" "$(now) - $t0")
      line=$(grep 'timings:' "$OUT/timings.txt")
      ld=$(sed -E 's/.*; load ([0-9.]+) s, cpu ([0-9.]+) s.*/\1 \2/' <<<"$line")
      an=$(sed -E 's/.*; analysis ([0-9.]+) s, cpu ([0-9.]+) s.*/\1 \2/' <<<"$line")
      wr=$(sed -E 's/.*; write ([0-9.]+) s.*/\1/' <<<"$line")
      rss=$(sed -n 's/^maxrss //p' "$OUT/timings.txt")
      set -- $ld; lw=$1 lc=$2
      set -- $an; aw=$1 ac=$2
      if [ -z "$best_load" ] || awk "BEGIN { exit !($lw < ${best_load%% *}) }"; then best_load="$lw $lc"; fi
      if [ -z "$best_an" ] || awk "BEGIN { exit !($aw < ${best_an%% *}) }"; then
        best_an="$aw $ac"
        parts=$(sed -E 's/.*firm-events and their events ([0-9.]+) s, pooled ([0-9.]+) s, notes (-?[0-9.]+) s.*/\1 \2 \3/' <<<"$line")
      fi
      if [ -z "$best_total" ] || awk "BEGIN { exit !($total < ${best_total%% *}) }"; then best_total="$total $wr $rss"; fi
    done
    set -- $best_load; lw=$1 lc=$2
    set -- $best_an; aw=$1 ac=$2
    set -- $best_total; tt=$1 wr=$2 rss=$3
    R[$size,$j,load]=$lw R[$size,$j,an]=$aw R[$size,$j,rss]=$rss
    R[$size,bytes]=$bytes R[$size,nfe]=$nfe
    echo "   -- \$ evstudy run build/bench/panel-$size/study.ini --out build/bench/out-$size-j$j --quiet --jobs $j --timings"
    echo "      load      $(calc "%7.0f" "$bytes / 1e6 / $lw") MB/s wall, $(calc "%5.0f" "$bytes / 1e6 / $lc") MB/s per CPU-second" \
         "($(calc "%.3f" "$lw") s; $(calc "%.2f" "($bytes / $lw) / ($bytes / $tcat)") x cat, $(calc "%.2f" "($bytes / $lw) / ($bytes / $twc)") x wc -l)"
    echo "      analysis  $(calc "%7.0f" "$nfe / $aw") firm-events/s wall, $(calc "%5.0f" "$nfe / $ac") per CPU-second ($(calc "%.3f" "$aw") s)"
    set -- $parts
    echo "                where: firm-events with their events' cross-sections $(calc "%.3f" "$1") s, pooled ALL $(calc "%.3f" "$2") s, notes and warnings $(calc "%.3f" "$3") s" \
         "($(calc "%.1f" "1e6 * $1 / $nfe") + $(calc "%.1f" "1e6 * $2 / $nfe") + $(calc "%.1f" "1e6 * $3 / $nfe") us per firm-event)"
    echo "      write     $(calc "%.3f" "$wr") s (all result files); whole command $(calc "%.3f" "$tt") s"
    echo "      peak memory $(calc "%.0f" "$rss / 1024") MB (maximum resident set, /usr/bin/time -f %M) = $(calc "%.2f" "$rss * 1024 / $bytes") x the price files"
  done
  if [ "$JOBS" != 1 ]; then
    same=yes
    for f in abnormal_returns aar estimates cars tests; do
      cmp -s "$OUT/out-$size-j1/$f.csv" "$OUT/out-$size-j$JOBS/$f.csv" || same=NO
    done
    echo "   speedup --jobs $JOBS over --jobs 1: load $(calc "%.2f" "${R[$size,1,load]} / ${R[$size,$JOBS,load]}") x," \
         "analysis $(calc "%.2f" "${R[$size,1,an]} / ${R[$size,$JOBS,an]}") x; result files identical: $same"
  fi
  echo
done

set -- $SIZES
if [ $# -ge 2 ]; then
  a=$1 b=$2
  echo "== growth $a -> $b (linear: time ratio = size ratio, i.e. the last column near 1)"
  echo "   data        $(calc "%6.1f" "${R[$b,bytes]} / ${R[$a,bytes]}") x bytes"
  echo "   load time   $(calc "%6.1f" "${R[$b,1,load]} / ${R[$a,1,load]}") x   per byte: $(calc "%.2f" "(${R[$b,1,load]} / ${R[$b,bytes]}) / (${R[$a,1,load]} / ${R[$a,bytes]})")"
  echo "   firm-events $(calc "%6.1f" "${R[$b,nfe]} / ${R[$a,nfe]}") x"
  echo "   analysis    $(calc "%6.1f" "${R[$b,1,an]} / ${R[$a,1,an]}") x   per firm-event: $(calc "%.2f" "(${R[$b,1,an]} / ${R[$b,nfe]}) / (${R[$a,1,an]} / ${R[$a,nfe]})")"
  echo "   peak memory $(calc "%6.1f" "${R[$b,1,rss]} / ${R[$a,1,rss]}") x   per byte: $(calc "%.2f" "(${R[$b,1,rss]} / ${R[$b,bytes]}) / (${R[$a,1,rss]} / ${R[$a,bytes]})")"
fi
echo
echo "Targets (issue 7): load >= 500 MB/s per core; >= 100,000 firm-events/s on one core; near 2x on 2 cores;"
echo "memory proportional to the data. Figures taken while other programs run are lower; see the load average above."
