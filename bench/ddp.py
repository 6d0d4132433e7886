#!/usr/bin/env python
"""The speed-up of training on several GPUs: a recipe's seconds per epoch with one process and with N (torchrun, DDP).

    python bench/ddp.py --recipe s11 --gpus 2                      # on a machine with 2 GPUs (goal: at least 1.8x)
    python bench/ddp.py --recipe s11 --gpus 2 4 8 --epochs 4       # several sizes
    python bench/ddp.py --recipe s12 --gpus 2 --device cpu --subset 400 --epochs 2    # the mechanics on the CPU: torchrun gives each
                                                                                       # process one thread, so this compares 1 core with 2

Each measurement is a real `torchrun --standalone --nproc_per_node N -m cifar_lit.cli` run in a folder of its own under
--out, without the LR range test and test-time augmentation (they are not part of an epoch). The figure of a run is
the median of its seconds per epoch after the first, which pays for start-up and compilation; an epoch includes its
evaluation. The speed-up of N processes is the one-process figure over theirs.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path


def measure(recipe, n, out, args):
    "Train `recipe` with `n` processes into `out`; returns its summary and the seconds the command took."
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(n), '-m', 'cifar_lit.cli',
           '--recipe', recipe, '--epochs', str(args.epochs), '--no-find-lr', '--tta', '0', '--progress', 'line', '--out', str(out),
           '--device', args.device, *(['--subset', str(args.subset)] if args.subset else []), *args.extra]
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    (Path(out).parent/f"{Path(out).name}.out").write_text(r.stdout + r.stderr)
    if r.returncode: sys.exit(f"ddp.py: the run with {n} process{'es'*(n > 1)} failed (exit status {r.returncode}); its output is in {out}.out")
    return json.loads((Path(out)/'summary.json').read_text()), time.time() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--recipe', default='s11', help='a recipe of cifar_lit.recipes.RECIPES (default: s11)')
    p.add_argument('--gpus', type=int, nargs='+', default=[2], help='numbers of processes to compare with one (default: 2)')
    p.add_argument('--epochs', type=int, default=3, help='epochs per run: the first is left out of the figure (default: 3)')
    p.add_argument('--subset', type=int, help='train on this many images (default: all 50000)')
    p.add_argument('--device', default='cuda', help='cuda (NCCL) or cpu (gloo) (default: cuda)')
    p.add_argument('--out', help='folder of the runs (default: a new temporary folder)')
    p.add_argument('extra', nargs='*', help='more cifar_lit_train options, after --')
    args = p.parse_args()
    if args.epochs < 2: sys.exit('ddp.py: --epochs 2 or more: the first epoch is left out of the figure')
    if args.device == 'cuda':
        import torch
        have = torch.cuda.device_count()
        if max(args.gpus) > have: sys.exit(f"ddp.py: --gpus {max(args.gpus)} but this machine has {have} GPU{'s'*(have != 1)}: pass at most {have}")
    root = Path(args.out or tempfile.mkdtemp(prefix='cifar_lit_ddp_'))
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in [1, *[g for g in args.gpus if g > 1]]:
        s, wall = measure(args.recipe, n, root/f"{args.recipe}-{n}", args)
        sec = statistics.median(s['seconds_per_epoch'][1:])
        rows.append((n, sec, s['final_test_acc'], wall, s.get('gpu') or s['device_name']))
        print(f"{n} process{'es'*(n > 1)}: {sec:.2f} s per epoch (median after the first), final test accuracy {s['final_test_acc']:.2f}%, "
              f"{wall:.0f} s in all", flush=True)
    base = rows[0][1]
    print(f"\n{args.recipe}, {args.epochs} epochs{f', {args.subset} images' if args.subset else ''}, {args.device} ({rows[0][4]}); runs in {root}")
    print('| processes | s per epoch | speed-up | final test acc |\n|---|---|---|---|')
    for n, sec, acc, _, _ in rows: print(f"| {n} | {sec:.2f} | {base/sec:.2f}x | {acc:.2f}% |")


if __name__ == '__main__': main()
