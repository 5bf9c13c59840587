#!/usr/bin/env bash
# The paper's phenomenon on a laptop, end to end on a fresh machine: install, build, generate the embedded synthetic
# treebank, train the configs/synth_onset recipe under several SAS conditions side by side, print the conditions
# table (onsets, final UAS against the offset baseline, dev MLM loss, BLiMP, R per arc) and write the figure
# runs/demo/synth_onset.png (MLM loss, UAS with the offset baseline, BLiMP and lambda over steps, onsets marked).
#   scripts/demo.sh
#   SASMLM_DEMO_STEPS=N        steps per condition (default: the first half of the recipe's trainer.max_steps, with
#                              the recipe's learning-rate schedule, so the curves are a prefix of the full runs)
#   SASMLM_DEMO_CONDITIONS=... any of "baseline suppress promote suppress_early" (default: baseline suppress
#                              suppress_early: three single-thread runs side by side took 818 s on 2 cores)
#   SASMLM_DEMO_SEED=N         run.seed of every condition (default 1)
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
# The recipe's length, read from its base config so that the demo follows it when it changes.
RECIPE_STEPS="$(awk '$1 == "max_steps:" {print $2}' configs/synth_onset/base.yaml)"
STEPS="${SASMLM_DEMO_STEPS:-$((RECIPE_STEPS / 2))}"
SEED="${SASMLM_DEMO_SEED:-1}"
read -r -a CONDITIONS <<< "${SASMLM_DEMO_CONDITIONS:-baseline suppress suppress_early}"
# The baseline is the recipe's base.yaml; every other condition has its own file beside it.
config_of() { if [ "$1" = baseline ]; then echo configs/synth_onset/base.yaml; else echo "configs/synth_onset/$1.yaml"; fi; }
for cond in "${CONDITIONS[@]}"; do
  if [ ! -f "$(config_of "$cond")" ]; then
    echo "demo.sh: unknown condition '$cond' (expected any of: baseline suppress promote suppress_early)" >&2
    exit 2
  fi
done
if [ ! -s data/synth/train.conllu ]; then
  $SASMLM synth --out data/synth --sentences 20000 --seed 1
fi
# Prepared once before the runs start, so that they do not race to write the shared prepared_dir.
$SASMLM prepare --config configs/synth_onset/base.yaml --log-level warn

# One process per condition, all at once; each gets an equal share of the cores (at least one thread).
cores=$(nproc)
threads=$(( cores / ${#CONDITIONS[@]} ))
[ "$threads" -ge 1 ] || threads=1
train_start=$SECONDS
pids=()
mkdir -p runs/demo
for cond in "${CONDITIONS[@]}"; do
  dir="runs/demo/$cond"
  rm -rf "$dir"
  echo "== training $cond ($STEPS steps, $threads thread(s), log: $dir.log)"
  # decay_horizon stays the recipe's length, so a shorter demo follows the full recipe's learning rate step for step.
  $SASMLM train --config "$(config_of "$cond")" --log-level warn --set run.dir="$dir" --set run.seed="$SEED" \
    --set trainer.max_steps="$STEPS" --set trainer.decay_horizon="$RECIPE_STEPS" --set trainer.threads="$threads" \
    > "$dir.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "demo.sh: training ${CONDITIONS[$i]} failed; the end of its log:" >&2
    tail -n 5 "runs/demo/${CONDITIONS[$i]}.log" >&2
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
train_s=$((SECONDS - train_start))

named=()
run_dirs=()
for cond in "${CONDITIONS[@]}"; do named+=("$cond=runs/demo/$cond"); run_dirs+=("runs/demo/$cond"); done
"$SASMLM_PYTHON" scripts/compare_runs.py "${named[@]}"
"$SASMLM_PYTHON" scripts/plot_dynamics.py "${run_dirs[@]}" --out runs/demo/synth_onset.png
echo "demo stages: setup ${setup_s} s, build ${build_s} s, training ${train_s} s" \
     "(${#CONDITIONS[@]} conditions x $STEPS steps on $cores cores); figure: runs/demo/synth_onset.png"
