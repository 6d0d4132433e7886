#!/usr/bin/env bash
# Full runs of the assignment reports (nbs/10_* to nbs/13_*): execute each report notebook with CIFAR_LIT_FULL=1, so it
# trains its recipe on all of CIFAR-10 for the recipe's epochs, and keep the outputs in the notebook (then nbdev_clean).
#
#   CIFAR_LIT_DATA=/path/to/cifar10 reports/run_full.sh                     # all four reports, on a CUDA GPU
#   CIFAR_LIT_DATA=/path/to/cifar10 reports/run_full.sh 11_s10_lr_finder    # some of them (with or without .ipynb)
#   CIFAR_LIT_DATA=/path/to/cifar10 reports/run_full.sh --quick 10_s9_resnet18  # quick mode (a smoke test, any device)
#
# CIFAR_LIT_DATA: the folder holding CIFAR-10 (train/ and test/ image folders, or cifar-10-batches-py/).
# Each run writes its checkpoints and figures under nbs/runs/ (git-ignored). A notebook is only replaced once it ran to
# the end without an error. CIFAR_LIT_ALLOW_CPU=1 skips the GPU check (a full run on a CPU takes days).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
full=1
if [ "${1:-}" = --quick ]; then full=0; shift; fi
nbs=("$@")
[ ${#nbs[@]} -gt 0 ] || nbs=(10_s9_resnet18 11_s10_lr_finder 12_s11_custom_resnet 13_s12_layernorm)
: "${CIFAR_LIT_DATA:?set CIFAR_LIT_DATA to the folder holding CIFAR-10 (train/ and test/ image folders, or cifar-10-batches-py/)}"
cd "$root/nbs"
for nb in "${nbs[@]}"; do
  nb="$(basename "${nb%.ipynb}").ipynb"
  [ -f "$nb" ] || { echo "run_full.sh: no nbs/$nb: pass report names such as 10_s9_resnet18" >&2; exit 2; }
done
if [ $full = 1 ] && [ "${CIFAR_LIT_ALLOW_CPU:-}" != 1 ]; then
  python -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 'run_full.sh: torch sees no CUDA GPU: run on a GPU machine, use --quick, or set CIFAR_LIT_ALLOW_CPU=1')"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
for nb in "${nbs[@]}"; do
  nb="$(basename "${nb%.ipynb}").ipynb"
  echo "== $nb ($([ $full = 1 ] && echo full || echo quick) mode), started $(date '+%F %T')"
  start=$SECONDS
  env -u IN_TEST CIFAR_LIT_FULL=$full python -c "
import sys
from execnb.shell import CaptureShell
CaptureShell(sys.argv[1]).execute(sys.argv[1], sys.argv[2], exc_stop=True)" "$nb" "$tmp/$nb"
  mv "$tmp/$nb" "$nb"
  nbdev_clean --fname "$nb"
  echo "== $nb: done in $((SECONDS-start)) s"
  python - "$nb" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))['cells']:
    for o in c.get('outputs', []):
        t = ''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/markdown', ''))
        if '| best test acc |' in t: print(t.strip())
        else: [print(l) for l in t.splitlines() if l.startswith(('Mode:', 'GradCAM layer:', 'run: started'))]
PY
done
