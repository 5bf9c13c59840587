#!/usr/bin/env bash
# The main job, end to end on a fresh machine: install, build, generate the embedded corpus, train a baseline, an
# SAS-suppressed and an SAS-promoted model, and print them side by side.
#   scripts/demo.sh            (SASMLM_DEMO_STEPS=N to change the number of steps)
# Builds the CLI alone (the tests are scripts/test.sh's) and prints the time of each stage.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start=$SECONDS
eval "$("$ROOT/scripts/setup.sh")"
setup_s=$((SECONDS - start))
"$ROOT/scripts/build.sh" release sasmlm
build_s=$((SECONDS - start - setup_s))
cd "$ROOT"
SASMLM=build/release/sasmlm
STEPS="${SASMLM_DEMO_STEPS:-400}"
if [ ! -s data/synth/train.conllu ]; then
  $SASMLM synth --out data/synth --sentences 20000 --seed 1
fi
for cond in baseline suppress promote; do
  rm -rf "runs/demo/$cond"
  echo "== training $cond ($STEPS steps)"
  $SASMLM train --config "configs/demo_$cond.yaml" --set trainer.max_steps="$STEPS" --log-level warn
done
train_s=$((SECONDS - start - setup_s - build_s))
"$SASMLM_PYTHON" scripts/compare_runs.py runs/demo/baseline runs/demo/suppress runs/demo/promote
echo "demo stages: setup ${setup_s} s, build ${build_s} s, corpus + training ${train_s} s"
