#!/usr/bin/env bash
# One call of the device tool (run from the repository root; at most 10 minutes a command), with one
# or more phases in order, e.g. `bash training/gpu_session.sh b` then `... bench shortcuts`:
#   probe      machine facts and the throughput of the B shape: renderer eager and compiled, train
#              step per stage mode (probe.json)
#   bench      mone.gpu_bench on random weights of the B shape: inference per budget, eager and CUDA
#              graphs, and the training step of MoNE against dense, eager and compiled (two
#              torch.compile runs of a minute or so each; GPU_BENCH_ARGS="--train-modes eager"
#              skips them) (gpu-bench.json)
#   shortcuts  single-frame and shuffled-frame models on the paired classes (shortcuts.json)
#   b          the gesture recipe: dense_b in the background, beside nested_b -> gate -> mone_b
#              (only when the gate passes, or GATE=ignore); then the evaluation. Stops training at
#              STOP_AFTER seconds (default 480) so the results still come back: a stopped run saves
#              its step (SIGTERM) and comes back as <run>_partial shards; a second call resumes it,
#              on the warm machine from runs/, on a cold one from SHARDS.
# In a 15-minute device session: `b` first (STOP_AFTER=420), then `bench shortcuts` on the warm
# machine with what is left; `probe` only when the renderer's speed is in doubt.
# Everything that must come back goes to $OUT (at most 8 files of 16 MiB): fp32 safetensors shards
# of the trained weights (mone.checkpoint pack) and results.tar.gz (logs, gate, eval, probe). Export
# and the sample clips happen on the CPU machine from those shards (the device lacks jsonschema/PyAV).
# SHARDS=<dir> (carried from here) unpacks what an earlier call brought back, on a cold machine:
# <run>-*.safetensors as runs/<run>/final.pt, <run>_partial-* as runs/<run>/ckpt.pt (weights only:
# the trainer resumes with a fresh optimiser and re-warms the lr).
# CONFIGS and MONE_RUNS as in train_gesture_b.sh (the CPU test uses tiny stand-in configs);
# GPU_BENCH_ARGS and SHORTCUT_STEPS shrink the bench and the shortcut check for that test.
set -uo pipefail
cd "$(dirname "$0")"
out=${OUT:?set OUT}
(($# > 0)) || {
  echo "usage: gpu_session.sh PHASE... (probe, bench, shortcuts, b)" >&2
  exit 2
}
stop_after=${STOP_AFTER:-480}
runs=${MONE_RUNS:-runs}
cfg() { if [[ -n ${CONFIGS:-} ]]; then echo "$CONFIGS/$1.py"; else echo "$1"; fi; }
mkdir -p "$runs" "$out/results"
export PYTHONUNBUFFERED=1
# the device's python has torch etc. but not this package installed: run it from training/
python3 -c "import mone.train, mone.gate, mone.evaluate, mone.probe, mone.gpu_bench" || exit 1

nvidia-smi -L || echo "no nvidia-smi"
python3 -c 'import torch; print(torch.__version__, torch.cuda.is_available() and torch.cuda.get_device_name(0))'
for phase in "$@"; do
  case $phase in
  probe)
    python3 -m mone.probe --config "$(cfg nested_b)" --steps 8 --out "$out/results/probe.json"
    ;;
  bench)
    # run time does not depend on the weights: random ones of the B shape
    # shellcheck disable=SC2086 # GPU_BENCH_ARGS is a list of arguments
    python3 -m mone.gpu_bench --config "$(cfg mone_b)" ${GPU_BENCH_ARGS:-} --out "$out/results/gpu-bench.json"
    ;;
  shortcuts)
    # near 50% within each pair = no shortcut
    python3 -m mone.shortcuts --config "$(cfg dense_b)" --steps "${SHORTCUT_STEPS:-300}" \
      --out "$out/results/shortcuts.json"
    ;;
  b)
    # --keep: on a warm machine, what runs/ holds is newer than the shards
    [[ -z ${SHARDS:-} ]] || python3 -m mone.checkpoint unpack-runs "$SHARDS" --runs "$runs" --keep
    deadline=$((SECONDS + stop_after))
    left() { echo $((deadline - SECONDS > 1 ? deadline - SECONDS : 1)); }
    # SIGTERM at the deadline: the trainer finishes its step and saves it (-k: killed if it cannot)
    train() { timeout -k 60 "$(left)" python3 -m mone.train --config "$(cfg "$1")" --no-progress >> "$runs/$1.out" 2>&1; }
    dense=
    if [[ ! -f "$runs/dense_b/final.pt" ]]; then
      train dense_b &
      dense=$!
    fi
    if [[ ! -f "$runs/nested_b/final.pt" ]]; then
      train nested_b
    fi
    if [[ -f "$runs/nested_b/final.pt" ]]; then
      if [[ ! -f "$runs/gate.json" ]]; then
        python3 -m mone.gate --checkpoint "$runs/nested_b/final.pt" --out "$runs/gate.json" > "$runs/gate.out" 2>&1
      fi
      cp "$runs"/gate.{json,md} "$out/results/" 2>/dev/null
      # as train_gesture_b.sh: no MoNE run on a nested model that fails the gate (its minutes are
      # better spent on the bench or on more nested steps); GATE=ignore trains it anyway
      passed='import json, sys; sys.exit(not json.load(open(sys.argv[1]))["passed"])'
      if [[ ${GATE:-} != ignore ]] && ! python3 -c "$passed" "$runs/gate.json"; then
        echo "gpu_session.sh: the gate failed (gate.md): mone_b not trained; GATE=ignore trains it anyway"
      elif [[ ! -f "$runs/mone_b/final.pt" ]]; then
        train mone_b
      fi
    fi
    [[ -z $dense ]] || wait "$dense"
    if [[ -f "$runs/mone_b/final.pt" && -f "$runs/dense_b/final.pt" ]]; then
      python3 -m mone.evaluate --mone "$runs/mone_b/final.pt" --nested "$runs/nested_b/final.pt" \
        --dense "$runs/dense_b/final.pt" --out "$out/results/eval.json" \
        --plot "$out/results/accuracy-vs-gmacs.png" --markdown "$out/results/eval.md" > "$runs/eval.out" 2>&1
    fi
    # finished runs as <run>, stopped ones as <run>_partial (their step is in the shards' metadata)
    for run in mone_b dense_b nested_b; do
      if [[ -f $runs/$run/final.pt ]]; then
        python3 -m mone.checkpoint pack "$runs/$run/final.pt" --out "$out" --name "$run"
      elif [[ -f $runs/$run/ckpt.pt ]]; then
        python3 -m mone.checkpoint pack "$runs/$run/ckpt.pt" --out "$out" --name "${run}_partial"
      fi
    done
    ;;
  *)
    echo "unknown phase $phase" >&2
    exit 2
    ;;
  esac
done
# logs of every run and command beside the results
for f in "$runs"/*.out "$runs"/*/log.jsonl; do
  if [[ -f $f ]]; then cp "$f" "$out/results/$(echo "${f#"$runs"/}" | tr / _)"; fi
done
tar -czf "$out/results.tar.gz" -C "$out" results && rm -rf "$out/results"
ls -l "$out"
cat "$runs"/*.out 2>/dev/null | grep -E '"eval": "val"|Gate|error' | tail -20 || true
