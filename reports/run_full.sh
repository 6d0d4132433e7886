#!/usr/bin/env bash
# Full mode of the assignment reports (nbs/30_* to nbs/33_*): execute each report notebook with CIFAR_LIT_FULL=1 and keep
# its outputs (then nbdev_clean). In full mode a report shows its committed run, reports/<recipe>/ (summary, history,
# log, figures); where that is missing it first trains the recipe on all of CIFAR-10, in its folder under
# $CIFAR_LIT_RUNS (default ~/.cache/cifar_lit/runs), continuing from last.pt if an earlier session stopped it, and then
# copies the results to reports/<recipe>/ for you to commit.
#
#   reports/run_full.sh                        # every report (nbs/3?_*.ipynb)
#   reports/run_full.sh 32_s11_custom_resnet   # some of them (with or without .ipynb)
#   reports/run_full.sh --quick 30_s9_resnet18 # quick mode (a smoke test: a few images, one epoch)
#
# CIFAR_LIT_DATA: the folder holding CIFAR-10 (train/ and test/ image folders, or cifar-10-batches-py/).
# A notebook is only replaced once it ran to the end without an error. Training a missing run takes one to four hours
# on a 2-core CPU with native bf16; start it in the background (setsid nohup ... &) and look at its log.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
full=1
if [ "${1:-}" = --quick ]; then full=0; shift; fi
nbs=("$@")
cd "$root/nbs"
[ ${#nbs[@]} -gt 0 ] || nbs=(3[0-9]_*.ipynb)  # every report notebook
for nb in "${nbs[@]}"; do
  nb="$(basename "${nb%.ipynb}").ipynb"
  [ -f "$nb" ] || { echo "run_full.sh: no nbs/$nb: pass report names such as 30_s9_resnet18" >&2; exit 2; }
done
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
        else: [print(l.strip('> *')) for l in t.splitlines() if 'FULL RUN' in l or 'QUICK RUN' in l or l.startswith('GradCAM layer:')]
PY
done
