#!/usr/bin/env bash
# The runs of the speed-run report (nbs/34_speedrun_report.ipynb): the speedrun recipe trained in full once per seed, each by
# cifar_lit_train in a process of its own, as a user runs it. Its wall time, from the process's start to its exit (start-up,
# data loading, whitening, training, evaluation with TTA and the reports included), goes to wall.json beside the run; the
# run's results (no checkpoints) are then published to reports/speedrun-<seed>/ for you to commit.
#
#   reports/run_speedrun.sh 0 1 2        # seeds 0, 1 and 2, one after another: about 15 minutes each on a 2-core CPU
#
# Run folders: $CIFAR_LIT_RUNS (default ~/.cache/cifar_lit/runs)/speedrun-<seed>. A finished one is only published; an
# unfinished one is trained again from the start, as its wall time would not be one run's. Nothing else should run meanwhile.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${CIFAR_LIT_RUNS:-$HOME/.cache/cifar_lit/runs}"
[ $# -gt 0 ] || { echo "run_speedrun.sh: pass the seeds to train, e.g. 0 1 2" >&2; exit 2; }
mkdir -p "$runs"
for s in "$@"; do
  out="$runs/speedrun-$s"
  if [ ! -f "$out/summary.json" ]; then
    rm -rf "$out"
    t0=$(date +%s.%N)
    cifar_lit_train --recipe speedrun --seed "$s" --out "$out" --progress line > "$runs/speedrun-$s.out" 2>&1
    t1=$(date +%s.%N)
    python -c "import json, sys; t0, t1 = map(float, sys.argv[2:]); json.dump(dict(command='cifar_lit_train --recipe speedrun --seed $s', seconds=round(t1 - t0, 1)), open(sys.argv[1], 'w'))" "$out/wall.json" "$t0" "$t1"
  fi
  python -c "from cifar_lit.cli import publish_run; publish_run('$out', '$root/reports/speedrun-$s')"
  cp "$out/wall.json" "$root/reports/speedrun-$s/wall.json"
  echo "seed $s: $(cat "$out/wall.json")"
done
