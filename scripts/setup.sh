#!/usr/bin/env bash
# Installs everything sasmlm needs on a fresh Debian 12 machine, idempotently; seconds when all is present.
#   Debian packages: cmake ninja g++ ccache pkg-config yaml-cpp spdlog/fmt sentencepiece googletest zlib, clang-14 (fuzzing)
#   LibTorch:        the pinned `torch` wheel from PyPI, in a virtualenv under $SASMLM_CACHE (outside the checkout,
#                    so fresh clones such as CI's reuse it)
# Usage: source <(scripts/setup.sh --env)   or   scripts/setup.sh   (prints the environment it resolved)
set -euo pipefail

TORCH_VERSION="2.11.0"          # pinned; its wheel is built for CUDA 13.0 with the C++11 ABI (see third_party/README.md)
SASMLM_CACHE="${SASMLM_CACHE:-$HOME/.cache/sasmlm}"
VENV="$SASMLM_CACHE/venv"
APT_PACKAGES=(cmake ninja-build g++ ccache pkg-config python3-venv libyaml-cpp-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
              libsentencepiece-dev libgtest-dev libgloo-dev   # libgloo-dev: headers for c10d's Gloo backend
              zlib1g-dev                                      # .gz corpora in data.train / data.dev
              clang-14 libclang-rt-14-dev)                    # clang + libFuzzer: the fuzz preset (scripts/fuzz.sh)

log() { echo "[setup] $*" >&2; }

# --- Debian packages: only call apt when something is missing. ---
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Python + torch wheel in the cache. ---
PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating virtualenv $VENV"
  mkdir -p "$SASMLM_CACHE"
  "$PYTHON" -m venv "$VENV"
fi
have=$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('torch'))" 2>/dev/null || true)
if [ "$have" != "$TORCH_VERSION" ]; then
  log "installing torch==$TORCH_VERSION into $VENV (about 5 GB with its CUDA libraries; a few minutes)"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q "torch==$TORCH_VERSION" numpy
fi
if ! "$VENV/bin/python" -c "import numpy" 2>/dev/null; then "$VENV/bin/pip" install -q numpy; fi
if [ -n "${SASMLM_PY_EXTRAS:-}" ]; then
  # Optional Python packages for parity tests, plots and benchmarks (e.g. "transformers safetensors matplotlib").
  for pkg in $SASMLM_PY_EXTRAS; do
    "$VENV/bin/python" -c "import importlib.metadata as m, sys; m.version(sys.argv[1])" "$pkg" 2>/dev/null \
      || "$VENV/bin/pip" install -q "$pkg" || log "warning: could not install $pkg (tests needing it will skip)"
  done
fi

# Cached: the torch prefix never changes for a given venv.
PREFIX_FILE="$SASMLM_CACHE/torch_prefix.$TORCH_VERSION"
if [ ! -s "$PREFIX_FILE" ]; then
  "$VENV/bin/python" -c "import torch; print(torch.utils.cmake_prefix_path)" > "$PREFIX_FILE"
fi
TORCH_PREFIX=$(cat "$PREFIX_FILE")

cat <<ENV
export SASMLM_CACHE="$SASMLM_CACHE"
export SASMLM_PYTHON="$VENV/bin/python"
export SASMLM_TORCH_PREFIX="$TORCH_PREFIX"
export CCACHE_DIR="\${CCACHE_DIR:-$SASMLM_CACHE/ccache}"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
export CCACHE_MAXSIZE="\${CCACHE_MAXSIZE:-10G}"
ENV
