#!/usr/bin/env python
"""Does bf16 autocast cost accuracy? The S11 recipe (CustomResNet, RandomCrop + flip + CutOut 8x8, OneCycle, SGD with
Nesterov momentum) for a few epochs on a stratified subset, with bf16 autocast + channels-last and in fp32, each with
several seeds; test accuracy on a stratified test subset, and the time per epoch.

    python bench/amp_accuracy.py                      # 2 epochs on 5,000 images, seeds 0 and 1: about 10 minutes on 2 CPU cores
    python bench/amp_accuracy.py --subset 10000 --seeds 0 1 2
"""
import argparse, io, os, contextlib, platform, statistics
import torch
from cifar_lit.loaders import get_dataloaders
from cifar_lit.recipes import get_transforms
from cifar_lit.models import CustomResNet
from cifar_lit.core import get_device, set_seed
from cifar_lit.learner import Learner

def one(amp, seed, a, dev):
    set_seed(seed)
    tr, te = get_transforms('s11')
    dls = get_dataloaders(bs=a.bs, train_tfm=tr, test_tfm=te, subset=a.subset, test_subset=a.test_subset, seed=seed,
                          num_workers=a.workers, download=False)
    learn = Learner(CustomResNet(), dls, lr=a.lr/25, momentum=0.9, nesterov=True, wd=5e-4, sched='onecycle',
                    sched_kw=dict(max_lr=a.lr, peak_epoch=max(1, a.epochs//2), anneal_strategy='linear'),
                    device=dev, amp=amp, channels_last=amp, progress='none')
    h = learn.fit(a.epochs)
    return h['test_acc'][-1], statistics.mean(h['seconds'])

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--epochs', type=int, default=2); p.add_argument('--subset', type=int, default=5000)
    p.add_argument('--test-subset', type=int, default=2000); p.add_argument('--bs', type=int, default=128)
    p.add_argument('--lr', type=float, default=0.1, help='peak LR of the one-cycle schedule (Page: 0.4 at batch 512; scaled to the batch)')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1]); p.add_argument('--workers', type=int, default=1)
    p.add_argument('--device', default='auto')
    a = p.parse_args(); dev = get_device(a.device)
    print(f"# {os.cpu_count()} CPUs, torch {torch.__version__}, device {dev}; CustomResNet, s11 recipe, {a.epochs} epochs on "
          f"{a.subset} images at batch {a.bs}, test accuracy on {a.test_subset}", flush=True)
    res = {}
    for seed in a.seeds:
        for amp in (True, False):
            acc, secs = one(amp, seed, a, dev)
            res.setdefault(amp, []).append(acc)
            print(f"{'bf16 + channels-last' if amp else 'fp32':<22} seed {seed}: test accuracy {acc:.2f}%, {secs:.1f} s/epoch", flush=True)
    for amp, accs in res.items():
        print(f"{'bf16 + channels-last' if amp else 'fp32':<22} mean {statistics.mean(accs):.2f}%, range {min(accs):.2f}-{max(accs):.2f}%")

if __name__ == '__main__': main()
