#!/usr/bin/env bash
# Builds sasmlm and runs the whole test suite (what CI runs): scripts/test.sh [release|debug|asan]
# On a fresh Debian 12 machine this installs everything first (scripts/setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRESET="${1:-release}"
export SASMLM_PY_EXTRAS="${SASMLM_PY_EXTRAS:-}"
"$ROOT/scripts/build.sh" "$PRESET"
eval "$("$ROOT/scripts/setup.sh")"
cd "$ROOT"
ctest --preset "$PRESET" -j "${SASMLM_TEST_JOBS:-2}" --timeout 900
