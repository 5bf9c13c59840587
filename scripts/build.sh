#!/usr/bin/env bash
# Configures and builds sasmlm with a CMake preset (release by default): scripts/build.sh [release|debug|asan]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRESET="${1:-release}"
eval "$("$ROOT/scripts/setup.sh")"
# Paths relative to the checkout let a fresh clone in another folder hit the same ccache entries.
export CCACHE_BASEDIR="$ROOT"
cd "$ROOT"
if [ ! -f "build/$PRESET/build.ninja" ]; then
  cmake --preset "$PRESET" >/dev/null
fi
cmake --build --preset "$PRESET" -j "${SASMLM_JOBS:-$(nproc)}"
