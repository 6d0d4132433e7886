#!/usr/bin/env python
"""Throughput of cifar_lit against the seeds' way of doing the same thing, on this machine.

(a) input pipeline: images/s of `get_dataloaders` + `get_transforms(recipe)` against a seeds-style baseline (a Dataset
    that makes a PIL image per sample, as torchvision's CIFAR10 does, converts it to numpy and calls albumentations,
    through a default DataLoader with the same number of workers);
(b) training: images/s of `Learner.train_epoch` against a plain PyTorch loop like the seeds' (tqdm bar, `.item()` every
    batch, fp32), for ResNet18 and CustomResNet, on in-memory batches so that only the step is measured: the engine with
    its defaults for the device (bf16 autocast + channels-last on CUDA and on CPUs with native bf16) and with each
    switch set by hand.

    python bench/throughput.py --quick          # a minute or two on a CPU
    python bench/throughput.py --device cuda    # more batches on a GPU
"""
import argparse, os, sys, time, platform
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from PIL import Image
from torch.utils.data import Dataset, DataLoader
from tqdm import tqdm
from cifar_lit.data import load_cifar10, default_num_workers
from cifar_lit.loaders import get_dataloaders
from cifar_lit.recipes import get_transforms
from cifar_lit.recipes import RECIPES
from cifar_lit.models import ResNet18, CustomResNet
from cifar_lit.core import get_device, set_seed
from cifar_lit.learner import Learner

class SeedsDataset(Dataset):
    "The seeds' pattern: a PIL image per sample (as torchvision's CIFAR10), then numpy, then albumentations."
    def __init__(self, x, y, tfm): self.x, self.y, self.tfm = x, y, tfm
    def __len__(self): return len(self.x)
    def __getitem__(self, i):
        img = Image.fromarray(self.x[i])
        return self.tfm(image=np.array(img))['image'], int(self.y[i])

def time_loader(dl, n):
    "Images/s over `n` batches of `dl`, after one warm-up batch (worker start-up excluded)."
    it = iter(dl); next(it)
    t, k = time.perf_counter(), 0
    for _ in range(n):
        try: xb, _ = next(it)
        except StopIteration: it = iter(dl); xb, _ = next(it)
        k += len(xb)
    return k/(time.perf_counter() - t)

def bench_pipeline(recipes, bs, n, workers):
    x, y = load_cifar10(train=True)
    rows = []
    for r in recipes:
        tr, _ = get_transforms(r)
        ours = get_dataloaders(bs=bs, train_tfm=tr, num_workers=workers, test_subset=10).train
        base = DataLoader(SeedsDataset(x, y, get_transforms(r)[0]), batch_size=bs, shuffle=True, num_workers=workers)
        a, b = 0, 0
        for _ in range(2): a, b = max(a, time_loader(ours, n)), max(b, time_loader(base, n))  # interleaved, best of 2
        rows.append((f'pipeline {r}', f'bs {bs}, {workers} workers', a, b))
        del ours, base
    return rows

def seeds_train(model, batches, dev, lr=0.01):
    "The seeds' training loop: SGD, a tqdm bar with `.item()` each batch, fp32."
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    model.train(); correct = processed = 0
    pbar = tqdm(batches, file=open(os.devnull, 'w'))
    for batch_idx, (data, target) in enumerate(pbar):
        data, target = data.to(dev), target.to(dev)
        opt.zero_grad()
        y_pred = model(data)
        loss = F.cross_entropy(y_pred, target)
        loss.backward(); opt.step()
        pred = y_pred.argmax(dim=1, keepdim=True)
        correct += pred.eq(target.view_as(pred)).sum().item(); processed += len(data)
        pbar.set_description(desc=f'Loss={loss.item()} Batch_id={batch_idx} Accuracy={100*correct/processed:0.2f}')

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize()

def bench_train(models, bs, n, dev, extra, reps):
    "Best of `reps` timings of `n` batches, the seeds' loop and the engine's variants interleaved (fair under a varying load)."
    rows = []
    g = torch.Generator().manual_seed(0)
    batches = [(torch.randn(bs, 3, 32, 32, generator=g), torch.randint(0, 10, (bs,), generator=g)) for _ in range(n)]
    if dev.type == 'cuda': batches = [(xb.pin_memory(), yb.pin_memory()) for xb, yb in batches]
    warm = batches[:2]
    for name, mk in models:
        set_seed(0); m = mk().to(dev)
        seeds_train(m, warm, dev); sync(dev)
        learns = []
        for label, kw in [('defaults', {})] + extra:
            set_seed(0)
            learn = Learner(mk(), dict(train=warm, test=None), device=dev, progress='none', **kw)
            learn.train_epoch(0); sync(dev); learn.dls.train = batches
            learns.append((label, learn))
        best = {}
        for _ in range(reps):
            t = time.perf_counter(); seeds_train(m, batches, dev); sync(dev)
            best['seeds'] = max(best.get('seeds', 0), n*bs/(time.perf_counter() - t))
            for label, learn in learns:
                t = time.perf_counter(); learn.train_epoch(1); sync(dev)
                best[label] = max(best.get(label, 0), n*bs/(time.perf_counter() - t))
        rows += [(f'train {name}', f'bs {bs}, engine {label}', best[label], best['seeds']) for label, _ in learns]
    return rows

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quick', action='store_true', help='few batches (CPU: about a minute or two)')
    p.add_argument('--device', default='auto', help="'auto', 'cpu', 'cuda' or 'mps'")
    p.add_argument('--workers', type=int, default=None, help='DataLoader workers for both pipelines (default: CPUs - 1)')
    p.add_argument('--recipes', default=','.join(RECIPES), help='comma-separated recipes for the pipeline benchmark (default: all of cifar_lit.recipes.RECIPES)')
    p.add_argument('--skip-pipeline', action='store_true'); p.add_argument('--skip-train', action='store_true')
    a = p.parse_args()
    dev = get_device(a.device); cuda = dev.type == 'cuda'
    workers = default_num_workers() if a.workers is None else a.workers
    pb, pn = 128, (10 if a.quick else 60)
    tb, tn, reps = (128, 10 if a.quick else 50, 3) if cuda else (32, 2 if a.quick else 8, 2 if a.quick else 3)
    extra = ([('fp32', dict(amp=False)), ('no channels_last', dict(channels_last=False))] if cuda else
             [('fp32, the CPU default before', dict(amp=False, channels_last=False)), ('channels_last only', dict(amp=False, channels_last=True)),
              ('amp bf16 only', dict(amp=True, channels_last=False)), ('amp bf16 + channels_last', dict(amp=True, channels_last=True))])
    print(f"# {platform.node()}: {os.cpu_count()} CPUs, torch {torch.__version__}, device {dev}"
          f"{' (' + torch.cuda.get_device_name(dev) + ')' if cuda else ''}, load avg {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    if not a.skip_pipeline: rows += bench_pipeline(a.recipes.split(','), pb, pn, workers)
    if not a.skip_train: rows += bench_train([('ResNet18', ResNet18), ('CustomResNet', CustomResNet)], tb, tn, dev, extra, reps)
    w = max(len(r[0]) + len(r[1]) for r in rows) + 3
    print(f"\n{'what':<{w}} {'ours img/s':>11} {'seeds img/s':>12} {'ratio':>6}")
    for what, how, ours, base in rows: print(f"{what + ' (' + how + ')':<{w}} {ours:>11.1f} {base:>12.1f} {ours/base:>5.2f}x")
    print(f"# load avg at the end {os.getloadavg()[0]:.1f}")

if __name__ == '__main__': main()
