#!/usr/bin/env python
"""One GPU check in one run: the four assignment recipes and the speed run trained in full, each as a normal `cifar_lit_train` run folder,
then a results table and a throughput table; `--profile` adds a torch.profiler summary of one epoch.

    python bench/gpu.py --out ~/gpu                        # the four recipes and speedrun in full on CUDA (compiled), then the tables
    python bench/gpu.py --out ~/gpu --profile              # and a profile of one S9 epoch (--profile-recipe to choose)
    python bench/gpu.py --out ~/gpu-graphs --compile-mode reduce-overhead   # compiled steps as CUDA graphs
    python bench/gpu.py --device cpu --smoke --out DIR     # each on a few hundred images on a CPU (what CI runs)
    python bench/gpu.py --out ~/gpu --publish reports/gpu  # copy the finished full runs to reports/gpu/<recipe>/

Each recipe runs in a process of its own, as `cifar_lit_train` (its `main`) does for a user, with its output in
DIR/<recipe>.out and its run folder DIR/<recipe>/. A recipe whose folder already holds a finished run is not trained
again; an unfinished one is resumed. The results table reads the runs' summary.json: best and final test accuracy,
seconds per epoch (mean, first epoch, median of the rest), the run's total, and how long the process took to exit
after writing its summary. The throughput table times training batches of each recipe's model and batch size through
the Learner on the loader the run used (after warm-up batches), eager and compiled.
"""
import argparse, json, shutil, statistics, subprocess, sys, time
from pathlib import Path
import torch
from cifar_lit.recipes import RECIPES, get_recipe
from cifar_lit.core import get_device, amp_default
from cifar_lit.learner import Callback, Learner
from cifar_lit.models import get_model
from cifar_lit.loaders import get_dataloaders
from cifar_lit.recipes import get_transforms
from cifar_lit.config import COMPILE_MODES, get_parser
from cifar_lit.config import default_aug
from cifar_lit.rundir import run_files
from cifar_lit.runner import resolve, run
from cifar_lit.runs import publish_run, run_finished, is_full
from cifar_lit.learner import _hms

import cifar_lit.speedrun  # registers the speedrun recipe (goal: 94% in at most 5 s on an H200-class GPU)
ASSIGNMENTS = [r.name for r in RECIPES.values() if r.writeup is not None]
DEFAULT = ASSIGNMENTS + ['speedrun']
SMOKE = ['--subset', '150', '--test-subset', '100', '--epochs', '1', '--bs', '50', '--lr-iters', '5']  # S11's OneCycle needs 3 batches

def _sync(dev):
    if torch.device(dev).type == 'cuda': torch.cuda.synchronize(dev)

def _compile_args(compile): return [] if not compile else ['--compile'] if compile is True else ['--compile', compile]

def train_recipe(recipe, out, device, compile, extra, log):
    "Train `recipe` in the run folder `out` in a process of its own, as `cifar_lit_train` does; returns (seconds, exit delay after summary.json)."
    argv = [sys.executable, '-c', 'from cifar_lit.cli import main; main()', '--recipe', recipe, '--out', str(out), '--device', device,
            '--progress', 'line', *_compile_args(compile), *extra]
    if out.is_dir() and run_files(out): argv.append('--resume')
    print(f"{recipe}: cifar_lit_train {' '.join(argv[3:])}", flush=True)
    t0 = time.time()
    with open(log, 'a') as f: rc = subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT).returncode
    t1 = time.time()
    if rc != 0:  # the run's own one line (a usage error, a stop), else where to read what happened
        said = [l for l in Path(log).read_text(errors='replace').splitlines() if l.startswith('cifar_lit_train: ')]
        print(f"bench/gpu.py: {recipe}: {said[-1].removeprefix('cifar_lit_train: ') if said else f'failed (exit {rc}): see {log}'}", file=sys.stderr)
        sys.exit(rc)
    delay = t1 - (out/'summary.json').stat().st_mtime
    print(f"{recipe}: done in {t1 - t0:.0f} s, the process exited {delay:.1f} s after writing summary.json", flush=True)
    return t1 - t0, delay

def results_rows(out, recipes, timing):
    rows = ['| recipe | best test acc | final test acc | s/epoch: mean | first | median of the rest | total | process | exit after summary | full | device |',
            '|---|---|---|---|---|---|---|---|---|---|---|']
    for r in recipes:
        f = out/r/'summary.json'
        if not f.is_file(): rows.append(f'| {r} | not finished | | | | | | | | | |'); continue
        s = json.loads(f.read_text()); sec = s['seconds_per_epoch']
        proc, delay = timing.get(r, (None, None))
        rows.append(f"| {r} | {s['best']['acc']:.2f}% at {s['best']['epoch']} of {s['settings']['epochs']} | {s['final_test_acc']:.2f}% | "
                    f"{s['mean_seconds_per_epoch']:.2f} | {sec[0]:.2f} | {statistics.median(sec[1:] or sec):.2f} | {_hms(s['total_seconds'])} | "
                    f"{'' if proc is None else f'{proc:.0f} s'} | {'' if delay is None else f'{delay:.1f} s'} | "
                    f"{'yes' if is_full(s) else 'no'} | {s['gpu'] or s['device_name']} |")
    return '\n'.join(rows)

class TrainTimer(Callback):
    "Time the training batches of each epoch after the first `skip` batches, the device synchronised at both ends."
    def __init__(self, skip): self.skip, self.res = skip, []
    def before_train(self): self.t0 = None
    def after_batch(self):
        l = self.learn
        if l.iter == self.skip - 1: _sync(l.device); self.t0, self.n = time.perf_counter(), 0
        elif self.t0 is not None: self.n += len(l.yb)
    def after_train(self):
        _sync(self.learn.device)
        if self.t0 is not None: self.res.append(self.n/(time.perf_counter() - self.t0))

def throughput(recipe, device, compile, batches, data, aug, bs=None):
    "Images/s of training batches of `recipe` (at batch size `bs`, default the recipe's) through the Learner: the second of two short epochs, after `batches//4` warm-up batches."
    rec, dev = get_recipe(recipe), get_device(device)
    bs = bs or rec.bs
    fast = amp_default(dev)
    dls = get_dataloaders(bs, *get_transforms(recipe), data_dir=data, subset=bs*batches, test_subset=100, download=False,
                          fast=aug == 'fast', device=dev, channels_last=fast, num_workers=None)
    model = get_model(rec.model, norm=rec.norm, **rec.model_kw)
    tm = TrainTimer(max(1, batches//4))
    with dls: Learner(model, dls, lr=1e-3, device=dev, compile=compile, progress='none', cbs=[tm]).fit(2)
    return tm.res[-1]

class Profile(Callback):
    "torch.profiler over epoch `epoch`; writes the top kernels and host operations, and how busy the GPU was, to `path`."
    def __init__(self, epoch, path): self.epoch, self.path, self.prof = epoch, Path(path), None
    def before_epoch(self):
        if self.learn.epoch != self.epoch: return
        from torch.profiler import profile, ProfilerActivity
        acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if self.learn.device.type == 'cuda' else [])
        _sync(self.learn.device)
        self.prof = profile(activities=acts); self.prof.__enter__(); self.t0 = time.perf_counter()
    def after_epoch(self):
        if self.prof is None: return
        _sync(self.learn.device); wall = time.perf_counter() - self.t0
        self.prof.__exit__(None, None, None)
        ka, cuda = self.prof.key_averages(), self.learn.device.type == 'cuda'
        lines = [f"Profile of epoch {self.epoch}: {wall:.2f} s wall (train + test), {self.learn.n_iter} training batches, {self.learn.device}"]
        if cuda:
            busy = sum(e.self_device_time_total for e in ka if e.device_type != torch.autograd.DeviceType.CPU)/1e6
            lines.append(f"GPU kernels and copies: {busy:.2f} s, {100*busy/wall:.0f}% of the wall time (the profiler's own overhead included in it)")
            lines += ['', 'Top 25 by GPU time:', ka.table(sort_by='self_device_time_total', row_limit=25, max_name_column_width=70)]
        lines += ['', 'Top 25 by host time:', ka.table(sort_by='self_cpu_time_total', row_limit=25, max_name_column_width=70)]
        self.path.write_text('\n'.join(lines) + '\n')
        self.prof = None

def profile(recipe, out, device, compile, extra):
    "Two epochs of `recipe` in the run folder `out` (same settings as its run; an earlier profile's folder is replaced), with epoch 2 under the profiler."
    shutil.rmtree(out, ignore_errors=True)
    args = get_parser().parse_args(['--recipe', recipe, '--out', str(out), '--device', device, '--progress', 'none',
                                    *_compile_args(compile), *extra, '--epochs', '2', '--no-find-lr'])
    run(resolve(args), progress='none', cbs=[Profile(2, out.parent/f'profile-{recipe}.txt')])

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default='gpu-runs', help="folder of the run folders (default: gpu-runs)")
    p.add_argument('--recipes', default=','.join(DEFAULT), help="comma-separated recipes (default: the four assignments' and speedrun)")
    p.add_argument('--device', default='cuda', help="training device (default: cuda)")
    p.add_argument('--data', help="folder holding CIFAR-10 (default: $CIFAR_LIT_DATA, else the per-user cache)")
    p.add_argument('--smoke', action='store_true', help=f"a few hundred images per recipe ({' '.join(SMOKE)}), eager: a check that it all runs")
    p.add_argument('--compile', action=argparse.BooleanOptionalAction, default=None, help="torch.compile the runs (default: yes, but not with --smoke)")
    p.add_argument('--compile-mode', choices=COMPILE_MODES, help="torch.compile's mode for the compiled runs (default: its default; reduce-overhead: CUDA graphs)")
    p.add_argument('--throughput', action=argparse.BooleanOptionalAction, default=True, help="the throughput table (default: yes)")
    p.add_argument('--batches', type=int, default=None, help="training batches per throughput epoch (default: 60, 4 with --smoke)")
    p.add_argument('--profile', action='store_true', help="also profile one epoch (the second of a 2-epoch run) into OUT/profile-<recipe>.txt")
    p.add_argument('--profile-recipe', default='s9', help="the recipe to profile (default: s9)")
    p.add_argument('--no-train', action='store_true', help="only the tables (and profile) of the runs already in --out")
    p.add_argument('--publish', help="copy each finished full run to PUBLISH/<recipe> with publish_run (e.g. reports/gpu)")
    a = p.parse_args()
    recipes = [r.strip() for r in a.recipes.split(',') if r.strip()]
    bad = [r for r in recipes if r not in RECIPES]
    if bad: p.error(f"--recipes: unknown {', '.join(bad)}: choose from {', '.join(RECIPES)}")
    try: dev = get_device(a.device)
    except (ValueError, RuntimeError) as e: p.error(f"--device {a.device}: {e}")
    compile = (not a.smoke) if a.compile is None else a.compile
    if compile and a.compile_mode: compile = a.compile_mode
    extra = [*(SMOKE if a.smoke else []), *(['--data', a.data] if a.data else [])]
    out = Path(a.out).expanduser(); out.mkdir(parents=True, exist_ok=True)
    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'CPU'
    print(f"bench/gpu.py on {dev} ({name}), torch {torch.__version__}; {'smoke' if a.smoke else 'full'} runs of {', '.join(recipes)}"
          f"{', compiled' if compile else ''}{f' ({compile})' if isinstance(compile, str) else ''}; augmentation: {default_aug(dev)} (the default on this device)", flush=True)
    t0, timing = time.time(), {}
    if not a.no_train:
        for r in recipes:
            if run_finished(out/r): print(f"{r}: finished before, in {out/r}"); continue
            timing[r] = train_recipe(r, out/r, str(dev), compile, extra, out/f'{r}.out')
    print(f"\nResults ({_hms(time.time() - t0)} for the runs), {name}:\n" + results_rows(out, recipes, timing), flush=True)
    if a.throughput:
        n = a.batches or (4 if a.smoke else 60)
        rows = ['| recipe | model | bs | eager img/s | compiled img/s |', '|---|---|---|---|---|']
        for r in recipes:
            rec = get_recipe(r)
            bs = 50 if a.smoke else rec.bs
            ips = {c: throughput(r, dev, compile if c else False, n, a.data, default_aug(dev), bs) if (c is False or compile) else None for c in (False, True)}
            rows.append(f"| {r} | {rec.model}{', ' + rec.norm if rec.norm != 'bn' else ''} | {bs} | {ips[False]:,.0f} | "
                        f"{'not measured' if ips[True] is None else f'{ips[True]:,.0f}'} |")
        print(f"\nThroughput ({n} training batches per epoch, the second epoch timed after {max(1, n//4)} warm-up batches), {name}:\n" + '\n'.join(rows), flush=True)
    if a.publish:
        for r in recipes:
            if run_finished(out/r) and is_full(json.loads((out/r/'summary.json').read_text())):
                print(f"published {r}: {publish_run(out/r, Path(a.publish)/r)}")
    if a.profile:
        print(f"\nProfiling {a.profile_recipe}:", flush=True)
        profile(a.profile_recipe, out/f'profile-{a.profile_recipe}', str(dev), compile, extra)
        print(*(out/f'profile-{a.profile_recipe}.txt').read_text().splitlines()[:2], sep='\n', flush=True)
    print(f"bench/gpu.py: done in {_hms(time.time() - t0)}", flush=True)

if __name__ == '__main__': main()
