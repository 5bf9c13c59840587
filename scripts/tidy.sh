#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy's checks) on the files named, or on the C++ files changed since main:
#   scripts/tidy.sh [FILE...]
# The release build's compile_commands.json names GCC's precompiled header, which clang cannot read, so this
# configures build/tidy (preset `tidy`: no PCH, nothing built) once and reads that one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
eval "$(scripts/setup.sh)"
[ -f build/tidy/compile_commands.json ] || cmake --preset tidy >/dev/null
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(git diff --name-only --diff-filter=d main -- 'src/*.cpp' 'tests/*.cpp')
fi
[ ${#files[@]} -gt 0 ] || { echo "tidy.sh: no C++ sources changed since main"; exit 0; }
exec clang-tidy-14 -p build/tidy --quiet "${files[@]}"
