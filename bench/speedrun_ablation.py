"""The speed run's ablations: the `speedrun` recipe with one method taken out at a time (cifar_lit.speedrun.ABLATIONS),
each trained as a normal `cifar_lit_train` run with the same seed, one after another in this process; then the table.

    python bench/speedrun_ablation.py --out ~/ablation                  # every variant, 4 epochs each (about 5 min each on 2 cores)
    python bench/speedrun_ablation.py --out ~/ablation --epochs 12      # at the recipe's length
    python bench/speedrun_ablation.py --out ~/ablation --publish reports/speedrun-ablation   # copy the finished runs (no checkpoints)

A variant whose folder holds a finished run is not trained again; an unfinished one is continued (--resume).
"""
import argparse, contextlib, json, sys
from pathlib import Path
from cifar_lit.runs import run_finished, publish_run
from cifar_lit.cli import main
from cifar_lit.speedrun import ABLATIONS, ablation_recipe, ablation_table

def train(name, out, epochs, seed):
    d = out/name
    if run_finished(d): return
    argv = ['--recipe', ablation_recipe(name).name, '--epochs', str(epochs), '--seed', str(seed), '--out', str(d), '--progress', 'line']
    if (d/'last.pt').exists(): argv.append('--resume')
    print(f"{name}: cifar_lit_train {' '.join(argv)}", flush=True)
    with open(out/f'{name}.out', 'a') as f, contextlib.redirect_stdout(f): main(argv)
    print(f"{name}: {json.loads((d/'summary.json').read_text())['final_test_acc_tta']:.2f}% with TTA", flush=True)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', required=True, type=Path, help='folder of the run folders, one per variant')
    p.add_argument('--epochs', type=int, default=4); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--only', nargs='*', default=list(ABLATIONS), choices=list(ABLATIONS), help='variants to train (default: all)')
    p.add_argument('--publish', type=Path, help='copy the finished runs here (e.g. reports/speedrun-ablation) instead of training')
    a = p.parse_args()
    out = a.out.expanduser(); out.mkdir(parents=True, exist_ok=True)
    for n in a.only:
        if a.publish is None: train(n, out, a.epochs, a.seed)
        elif run_finished(out/n): publish_run(out/n, a.publish/n)
        else: print(f"{n}: not finished, not published", file=sys.stderr)
    print(ablation_table(a.publish or out))
