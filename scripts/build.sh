#!/usr/bin/env bash
# Configures and builds sasmlm with a CMake preset (release by default), every target or the ones named:
#   scripts/build.sh [release|debug|asan] [TARGET...]        e.g. scripts/build.sh release sasmlm (the CLI alone)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRESET="${1:-release}"
shift || true
TARGETS=("$@")
eval "$("$ROOT/scripts/setup.sh")"
# Paths relative to the checkout let a fresh clone in another folder hit the same ccache entries.
export CCACHE_BASEDIR="$ROOT"
cd "$ROOT"
# A build directory configured on the other side of the CUDA-toolkit line (scripts/without_cuda.sh) is configured
# afresh: its cache would point at an nvcc that is not there, or lack the toolkit's parts.
cache="build/$PRESET/CMakeCache.txt"
if [ -f "$cache" ]; then
  nvcc_cached="$(sed -n 's/^CMAKE_CUDA_COMPILER:FILEPATH=//p' "$cache")"
  if { [ -n "$nvcc_cached" ] && [ ! -x "$nvcc_cached" ]; } ||
     { [ -z "$nvcc_cached" ] && command -v nvcc >/dev/null 2>&1 && [ -x "$(command -v nvcc)" ]; }; then
    echo "build.sh: build/$PRESET was configured $([ -n "$nvcc_cached" ] && echo with || echo without) a CUDA toolkit; configuring again" >&2
    rm -rf "$cache" "build/$PRESET/CMakeFiles" "build/$PRESET/build.ninja"
  fi
fi
if [ ! -f "build/$PRESET/build.ninja" ]; then
  cmake --preset "$PRESET" >/dev/null
fi
cmake --build --preset "$PRESET" -j "${SASMLM_JOBS:-$(nproc)}" ${TARGETS[@]:+--target "${TARGETS[@]}"}
