#!/usr/bin/env bash
# What a `gpu_session.sh b` call brought back (its $OUT, e.g. the device tool's files_at), put where
# the CPU side expects it: finished runs' shards as runs/<run>/final.pt, stopped ones
# (<run>_partial) as runs/<run>/ckpt.pt (weights only; the trainer resumes from them), and
# results.tar.gz into docs/results/gesture/ (eval, gate, plots, logs under logs/). Then
# `bash training/ship_gesture_b.sh` exports and ships the models.
#   bash training/unpack_gpu_session.sh FILES_DIR
# Environment: RESULTS and MONE_RUNS as in train_gesture_b.sh.
set -euo pipefail
files=$(cd "${1:?usage: unpack_gpu_session.sh FILES_DIR}" && pwd)
cd "$(dirname "$0")"
results=${RESULTS:-../docs/results/gesture}
runs=${MONE_RUNS:-runs}
mkdir -p "$results/logs"
python3 -m mone.checkpoint unpack-runs "$files" --runs "$runs"
if [[ -f $files/results.tar.gz ]]; then
  tmp=$(mktemp -d)
  tar -xzf "$files/results.tar.gz" -C "$tmp"
  for f in "$tmp"/results/*; do
    case $f in
    *.out | *_log.jsonl) cp "$f" "$results/logs/" ;;
    *) cp "$f" "$results/" ;;
    esac
  done
  rm -rf "$tmp"
fi
ls "$results" "$runs"/*/
