#!/usr/bin/env bash
# `make test` under each Python named on the command line, each in its own venv (.venvs/<name>).
#   bash tools/test_pythons.sh python3.11 python3.12 python3.13     (what `make test-pythons` runs)
# A Python that is not installed (not on PATH, nor under pyenv) is skipped with a line saying so.
#   bash tools/test_pythons.sh --list python3.11 python3.99         (only say which Python each name is)
# Writes each run's log to $OUT/test-pythons/<name>.log and the table to $OUT/test-pythons.md
# (OUT=build unless set); exits 1 if any installed Python failed.
set -uo pipefail
cd "$(dirname "$0")/.."
list_only=0
if [ "${1:-}" = "--list" ]; then list_only=1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [--list] python3.11 [python3.12 ...]"; exit 2; }
OUT=${OUT:-build}

# The interpreter's path: the command itself if it runs (a pyenv shim of another version does not),
# else pyenv's newest build of that version.
resolve() {
    local name=$1 found
    if found=$("$name" -c 'import sys; print(sys.executable)' 2>/dev/null); then
        echo "$found"; return 0
    fi
    found=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1)
    [ -n "$found" ] && "$found" -c 'pass' 2>/dev/null && echo "$found"
}

mkdir -p "$OUT/test-pythons"
table=$OUT/test-pythons.md
[ $list_only = 1 ] && table=/dev/null
{
    echo "| python | version | result | tests | wall time |"
    echo "|---|---|---|---|---|"
} > "$table"
status=0
for name in "$@"; do
    python=$(resolve "$name")
    if [ -z "$python" ]; then
        echo "test-pythons: $name is not installed here (not on PATH, not under pyenv): skipped"
        echo "| $name | - | skipped: not installed | - | - |" >> "$table"
        continue
    fi
    version=$("$python" -c 'import platform; print(platform.python_version())')
    if [ $list_only = 1 ]; then echo "test-pythons: $name = $python ($version)"; continue; fi
    log=$OUT/test-pythons/$name.log
    echo "test-pythons: $name = $python ($version), venv .venvs/$name, log $log"
    start=$(date +%s)
    make --no-print-directory test PYTHON="$python" VENV=".venvs/$name" > "$log" 2>&1 < /dev/null
    rc=$?
    seconds=$(( $(date +%s) - start ))
    summary=$(grep -E '^=+ .*(passed|failed|error).* =+$' "$log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
    if [ $rc -eq 0 ]; then result=passed; else result="FAILED (make exited $rc)"; status=1; fi
    echo "test-pythons: $name ($version): $result; ${summary:-no pytest summary}; $((seconds / 60)) min $((seconds % 60)) s"
    echo "| $name | $version | $result | ${summary:--} | $((seconds / 60)) min $((seconds % 60)) s |" >> "$table"
done
[ $list_only = 1 ] && exit 0
echo
cat "$table"
exit $status
