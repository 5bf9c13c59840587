#!/usr/bin/env bash
# Runs a command as on a machine without a CUDA toolkit (a laptop, a CPU node): in a private mount namespace where
# every /usr/local/cuda* directory is an empty directory and every `nvcc` on PATH an empty, non-executable file.
# The torch wheel's own CUDA libraries stay visible, as they are on such a machine. Needs root (unshare -m).
#   scripts/without_cuda.sh COMMAND [ARG]...
# CI runs the release build and its tests through it (scripts/test.sh), so a build that needs the toolkit fails.
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: scripts/without_cuda.sh COMMAND [ARG]..." >&2
  exit 2
fi
if [ -n "${SASMLM_INSIDE_WITHOUT_CUDA:-}" ]; then  # inside the namespace: hide, check, run
  empty_dir="$(mktemp -d)"
  empty_file="$(mktemp)"
  chmod 644 "$empty_file"
  for d in /usr/local/cuda /usr/local/cuda-*; do
    [ -d "$d" ] && mount --bind "$empty_dir" "$(readlink -f "$d")"
  done
  IFS=: read -r -a dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    [ -e "$d/nvcc" ] && mount --bind "$empty_file" "$d/nvcc"
  done
  for d in "${dirs[@]}"; do
    if [ -x "$d/nvcc" ]; then
      echo "without_cuda: $d/nvcc is still executable" >&2
      exit 2
    fi
  done
  if [ -n "$(ls -A /usr/local/cuda/ 2>/dev/null)" ]; then
    echo "without_cuda: /usr/local/cuda is still populated" >&2
    exit 2
  fi
  unset SASMLM_INSIDE_WITHOUT_CUDA
  exec "$@"
fi
if ! command -v unshare >/dev/null 2>&1; then
  echo "without_cuda: unshare (util-linux) is missing" >&2
  exit 2
fi
SASMLM_INSIDE_WITHOUT_CUDA=1 exec unshare --mount --propagation private "$0" "$@"
