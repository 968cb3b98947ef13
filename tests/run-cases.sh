#!/usr/bin/env bash
# run-cases.sh EVSTUDY — run every end-to-end case under tests/cases/.
#
# A case is a folder:
#   cmd      bash script run in a fresh temporary directory ($WORK) with
#            $EVSTUDY (the program), $ROOT (the repository), $CASE (the case
#            folder), $OUT (= $WORK/out) exported, and the helpers of lib.sh
#   status   the expected exit code (default 0)
#   stderr   lines that must each appear in stderr (fixed strings); when absent
#            and status is 0, stderr must hold no "error:"
#   stdout   lines that must each appear in stdout
#   check    optional bash script run afterwards in $WORK; must exit 0
# Prints one line per case and closes with "cases: N passed, M failed".
# CASES_ONLY, when set, is an extended regular expression: only the cases
# whose folder name matches it run (e.g. CASES_ONLY='^(154|315)-').
set -u
EVSTUDY=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export EVSTUDY ROOT
pass=0 fail=0
for CASE in "$ROOT"/tests/cases/*/; do
  CASE=${CASE%/}
  name=$(basename "$CASE")
  [ -f "$CASE/cmd" ] || continue
  [ -n "${CASES_ONLY:-}" ] && ! grep -qE -- "$CASES_ONLY" <<<"$name" && continue
  WORK=$(mktemp -d)
  OUT=$WORK/out
  export CASE WORK OUT
  want=0
  [ -f "$CASE/status" ] && want=$(tr -d ' \n' < "$CASE/status")
  (cd "$WORK" && source "$ROOT/tests/cases/lib.sh" && source "$CASE/cmd") >"$WORK/.stdout" 2>"$WORK/.stderr" </dev/null
  got=$?
  why=""
  if [ "$got" != "$want" ]; then
    why="exit $got, expected $want"
  fi
  if [ -z "$why" ] && [ -f "$CASE/stderr" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [ -z "$line" ] && continue
      grep -qF -- "$line" "$WORK/.stderr" || { why="stderr lacks: $line"; break; }
    done < "$CASE/stderr"
  elif [ -z "$why" ] && [ "$want" = 0 ] && grep -q "error:" "$WORK/.stderr"; then
    why="unexpected error on stderr"
  fi
  if [ -z "$why" ] && [ -f "$CASE/stdout" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [ -z "$line" ] && continue
      grep -qF -- "$line" "$WORK/.stdout" || { why="stdout lacks: $line"; break; }
    done < "$CASE/stdout"
  fi
  if [ -z "$why" ] && [ -f "$CASE/check" ]; then
    if ! (cd "$WORK" && source "$ROOT/tests/cases/lib.sh" && source "$CASE/check") >"$WORK/.check" 2>&1; then
      why="check failed: $(tail -n 3 "$WORK/.check" | tr '\n' ' ')"
    fi
  fi
  if [ -z "$why" ]; then
    pass=$((pass + 1))
    echo "PASS $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name: $why"
    echo "---- stderr of $name:"; head -n 20 "$WORK/.stderr"
  fi
  rm -rf "$WORK"
done
echo "cases: $pass passed, $fail failed"
[ "$fail" = 0 ]
