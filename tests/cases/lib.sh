# lib.sh — helpers for end-to-end case scripts (sourced by run-cases.sh).

# mini: copy the small synthetic study (tests/data/mini) to ./mini
mini() { cp -r "$ROOT/tests/data/mini" "$WORK/mini"; }

# setline FILE N TEXT: replace line N of FILE by TEXT
setline() { local f=$1 n=$2; shift 2; awk -v n="$n" -v t="$*" 'NR==n{print t; next}{print}' "$f" > "$f.new" && mv "$f.new" "$f"; }

# header FILE: the first line of FILE
header() { head -n 1 "$1"; }

# fail MSG: print and end the check script with status 1 (a bare "return 1" let a later
# command decide the script's status, so a failed check in the middle went unnoticed)
fail() { echo "$*"; exit 1; }
