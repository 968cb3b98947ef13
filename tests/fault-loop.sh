#!/usr/bin/env bash
# fault-loop.sh EVSTUDY — fail every allocation and every output operation of
# a whole `evstudy run`, one at a time (issue 7, "fault injection").
#
# EVSTUDY must be built with FAULT=1 (EVS_FAULT_ALLOC=N fails the N-th
# allocation, core/evs_mem.h; EVS_FAULT_WRITE=N the N-th write/fsync/rename
# of an output file, core/evs_file.h) and SANITIZE=1 (make check-fault).
# For N = 1, 2, ... until the run no longer fails, on the small study
# tests/data/mini, it requires:
#   - exit status 1 (data, which includes out of memory) or 4 (I/O), never a
#     signal, a sanitizer report or a leak;
#   - one clean "evstudy: error: ..." line on stderr;
#   - no damaged output: the output directory held the previous complete
#     results of another version of the study; afterwards it holds the same
#     six file names and nothing else (no temporary file), each byte-identical
#     to the previous result or to the complete new one. A fresh output
#     directory holds no file or only complete new ones.
# A fault the program absorbs (the run still succeeds) must give exactly the
# new results; N = (operations in a clean run) + 1 must succeed.
# The same loop then runs over `evstudy run --report` (charts and report.html)
# for writes, and for allocations at every STRIDE-th N (FAULT_REPORT_STRIDE).
# These loops run with --jobs 1: with threads, the order in which workers
# allocate varies from run to run, so "the N-th allocation" names a different
# one each time and a clean run's count is not fixed. A last loop runs
# --jobs 2 at every STRIDE-th N to exercise the thread pool's failure paths;
# it requires the same clean failures but not a fixed count.
set -u
EVSTUDY=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STRIDE=${FAULT_REPORT_STRIDE:-7}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
cp -r "$ROOT/tests/data/mini" mini
cp -r "$ROOT/tests/data/mini" old
# the previous results come from another version of the study (other windows)
sed -i 's/^windows .*/windows = 0..0 -2..2/' old/study.ini
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=24
# references, run as the loop runs (same study path, same --out name: both
# appear in report.html)
ref() { # ref DIR STUDYDIR ARGS...: DIR/out
  mkdir -p "$1" && cp -r "$2" "$1/mini" && (cd "$1" && shift 2 && "$EVSTUDY" run mini/study.ini --out out --quiet "$@" >/dev/null) ||
    { echo "fault-loop: the reference run $1 fails"; exit 1; }
}
ref R/prev old
ref R/new mini
ref R/prevr old --report
ref R/newr mini --report
if cmp -s R/prev/out/cars.csv R/new/out/cars.csv; then echo "fault-loop: old and new results do not differ"; exit 1; fi

fails=0
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# same A B: the two files are equal byte for byte, except for the run's
# timestamp (run.json "run_at", shown again in report.html)
same() {
  cmp -s "$1" "$2" && return 0
  case $1 in
    *run.json|*report.html)
      cmp -s <(sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' "$1") \
             <(sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' "$2") ;;
    *) return 1 ;;
  esac
}

# check_dir DIR PREV NEW LABEL: every file under DIR is the same file of
# PREV or of NEW; with PREV non-empty, DIR has no name PREV lacks (no
# temporary file) and keeps all of PREV's names, except that charts/ may lack
# a chart: charts are redrawn in place by gnuplot (plots/evs_plot.c), so a
# run that fails while charting leaves a chart out, never a half-written one.
check_dir() {
  local d=$1 p=$2 n=$3 label=$4 f extra lost
  if [ -n "$p" ]; then
    extra=$(comm -23 <(cd "$d" && find . | sort) <(cd "$p" && find . | sort) | tr '\n' ' ')
    lost=$(comm -13 <(cd "$d" && find . | sort) <(cd "$p" && find . | sort) | grep -v '^\./charts/' | tr '\n' ' ')
    [ -z "$extra$lost" ] || { bad "$label: new names: $extra; lost: $lost"; return; }
  fi
  [ -d "$d" ] || return 0
  while IFS= read -r f; do
    [ -f "$n/$f" ] || { bad "$label: unexpected file $f"; continue; }
    same "$d/$f" "$n/$f" && continue
    [ -n "$p" ] && same "$d/$f" "$p/$f" && continue
    bad "$label: $f is neither the previous nor the new complete file"
  done < <(cd "$d" && find . -type f)
}

# loop KIND STRIDE REPORT: N = 1, 1+STRIDE, ... up to the number of
# allocations (writes) a clean run makes (EVS_FAULT_STATS), then one more,
# which must succeed. A fault the program can absorb (a run that still
# succeeds) must give exactly the new results.
loop() {
  local kind=$1 stride=$2 report=$3 jobs=${4:-1} n=1 st prev new total args=(run mini/study.ini --quiet --jobs "${4:-1}")
  if [ "$report" = 1 ]; then prev=R/prevr/out new=R/newr/out; args+=(--report); else prev=R/prev/out new=R/new/out; fi
  rm -rf out; cp -r "$prev" out
  EVS_FAULT_STATS=1 "$EVSTUDY" "${args[@]}" --out out >/dev/null 2>err
  if [ "$kind" = ALLOC ]; then total=$(sed -n 's/^evs-fault: \([0-9]*\) allocations$/\1/p' err)
  else total=$(sed -n 's/^evs-fault: \([0-9]*\) writes$/\1/p' err); fi
  [ -n "$total" ] || { bad "$kind: no EVS_FAULT_STATS count (not a FAULT=1 build?)"; return; }
  local absorbed=0
  while [ $n -le $((total + 1)) ]; do
    [ $n -gt "$total" ] && n=$((total + 1))
    rm -rf out F; mkdir F; ln -s ../mini F/mini
    cp -r "$prev" out
    env "EVS_FAULT_$kind=$n" "$EVSTUDY" "${args[@]}" --out out >/dev/null 2>err
    st=$?
    local label="EVS_FAULT_$kind=$n"
    [ "$report" = 1 ] && label+=" --report"
    [ "$jobs" = 1 ] || label+=" --jobs $jobs"
    if grep -qE 'Sanitizer|runtime error|LeakSanitizer' err; then
      bad "$label: sanitizer report"; sed -n 1,30p err
    fi
    if [ $st = 0 ]; then
      check_dir out "" "$new" "$label (success)"
      [ "$(cd out && find . | sort)" = "$(cd "$new" && find . | sort)" ] || bad "$label: success without all files"
      [ $n -le "$total" ] && absorbed=$((absorbed + 1))
    else
      [ $n -gt "$total" ] && [ "$jobs" = 1 ] && bad "$label: fails with no fault injected (exit $st)"
      if [ $st != 1 ] && [ $st != 4 ]; then bad "$label: exit status $st"; sed -n 1,20p err; fi
      [ "$(grep -c '^evstudy: error: ' err)" = 1 ] || { bad "$label: no single 'evstudy: error:' line"; sed -n 1,5p err; }
      check_dir out "$prev" "$new" "$label"
    fi
    if [ $n -le "$total" ]; then
      # the same fault into an output directory that does not exist yet
      (cd F && env "EVS_FAULT_$kind=$n" "$EVSTUDY" "${args[@]}" --out out >/dev/null 2>../err)
      st=$?
      grep -qE 'Sanitizer|runtime error' err && { bad "$label (fresh): sanitizer report"; sed -n 1,30p err; }
      [ $st = 0 ] || [ $st = 1 ] || [ $st = 4 ] || bad "$label (fresh): exit status $st"
      check_dir F/out "" "$new" "$label (fresh)"
    fi
    [ $n -gt "$total" ] && break
    n=$((n + stride))
  done
  local what=$kind; [ "$report" = 1 ] && what+=" --report"
  if [ "$jobs" = 1 ]; then
    echo "fault-loop: $what: $total in a clean run; N=1..$total step $stride checked ($absorbed absorbed with identical results); N=$((total + 1)) succeeds"
  else
    echo "fault-loop: $what --jobs $jobs: about $total in a clean run; N=1..$total step $stride checked ($absorbed absorbed with identical results)"
  fi
}

loop ALLOC 1 0
loop WRITE 1 0
loop WRITE 1 1
loop ALLOC "$STRIDE" 1
loop ALLOC "$STRIDE" 0 2
[ $fails = 0 ] && echo "fault-loop: all clean" || echo "fault-loop: $fails failures"
[ $fails = 0 ]
