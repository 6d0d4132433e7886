"""Benchmark the input pipelines of cifar_lit: the fast path (`cifar_lit.fast`) against the albumentations DataLoader of
`cifar_lit.data` and a seeds-style loader (a Dataset calling albumentations per image, default DataLoader).

    python bench/fast.py                      # CPU: images/s of every recipe on the three paths
    python bench/fast.py --gpu                # also seconds per training epoch on a GPU (skipped without one)
    python bench/fast.py --n 20000 --repeat 3 --recipes s11

Timings are wall-clock. Each loader runs one untimed warm-up epoch (worker start-up, caches) and then `--repeat`
timed epochs; the table reports the best timed epoch. On a shared machine run it more than once.
"""
import argparse, os, platform, time
import torch
from torch.utils.data import Dataset, DataLoader
from cifar_lit.data import load_cifar10, stratified_sample
from cifar_lit.loaders import get_dataloaders
from cifar_lit.recipes import get_transforms
from cifar_lit.recipes import RECIPES
from cifar_lit.loaders import FastLoader

class SeedsDataset(Dataset):
    "What the course seeds did: numpy images, albumentations called per item in `__getitem__`."
    def __init__(self, x, y, tfm): self.x, self.y, self.tfm = x, y, tfm
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return self.tfm(image=self.x[i])['image'], self.y[i]

def epoch_time(dl, repeat=2):
    "Best wall-clock seconds of `repeat` full passes over `dl`, after one untimed warm-up pass."
    ts = []
    for k in range(repeat + 1):
        t = time.perf_counter()
        for xb, yb in dl: pass
        if k: ts.append(time.perf_counter() - t)
    return min(ts)

def cpu_bench(recipes, n, bs, workers, repeat, threads):
    x, y = load_cifar10(train=True)
    i = stratified_sample(y, n, 0); xs, ys = x[i], y[i]
    rows = []
    for r in recipes:
        tr = get_transforms(r)[0]
        seeds = DataLoader(SeedsDataset(xs, ys, tr), batch_size=bs, shuffle=True, num_workers=workers)
        ours = get_dataloaders(bs, *get_transforms(r), num_workers=workers, subset=n, seed=0).train
        fast = FastLoader(xs, ys, bs, r, device='cpu', seed=0)
        res = {}
        for name, dl in (('seeds', seeds), ('albumentations', ours), ('fast', fast)):
            res[name] = n/epoch_time(dl, repeat)
            print(f'  {r} {name:15s} {res[name]:10,.0f} img/s', flush=True)
        if threads:
            nt = torch.get_num_threads(); torch.set_num_threads(threads)
            res['fast1'] = n/epoch_time(fast, repeat); torch.set_num_threads(nt)
            print(f'  {r} {"fast " + str(threads) + " thread":15s} {res["fast1"]:10,.0f} img/s', flush=True)
        rows.append((r, res))
        del ours
    fasts = ['fast'] + (['fast1'] if threads else [])
    nt = {'fast': torch.get_num_threads(), 'fast1': threads}
    print(f'\n{n} images, bs={bs}, {workers} DataLoader workers, torch {torch.__version__}, '
          f'{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}); images/s, best of {repeat} epochs\n')
    head = ('| recipe | seeds-style | cifar_lit DataLoader | ' + ' | '.join(f'fast, {nt[c]} thread(s)' for c in fasts) + ' | '
            + ' | '.join(f'fast/seeds ({nt[c]} thr)' for c in fasts) + ' | ' + ' | '.join(f'fast/DataLoader ({nt[c]} thr)' for c in fasts) + ' |')
    print(head); print('|' + '---|'*(head.count('|') - 1))
    for r, res in rows:
        print(f'| {r} | {res["seeds"]:,.0f} | {res["albumentations"]:,.0f} | ' + ' | '.join(f'{res[c]:,.0f}' for c in fasts) + ' | '
              + ' | '.join(f'{res[c]/res["seeds"]:.1f}x' for c in fasts) + ' | '
              + ' | '.join(f'{res[c]/res["albumentations"]:.1f}x' for c in fasts) + ' |')

def gpu_bench(epochs, workers, subset, compile_modes, device='cuda'):
    "Seconds per training epoch on the GPU: ResNet18 with S9 settings, CustomResNet with S11 settings, both paths."
    dev = torch.device(device)
    if dev.type == 'cuda' and not torch.cuda.is_available():
        print('\n--gpu: no CUDA device here, skipping the training benchmark (run it on a machine with a GPU).'); return
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
    from cifar_lit.models import ResNet18, CustomResNet
    from cifar_lit.learner import Learner
    name = torch.cuda.get_device_name() if dev.type == 'cuda' else f'{dev} (smoke test only: timings mean nothing)'
    print(f'\n{name}, torch {torch.__version__}; seconds per epoch (best of {epochs} after a warm-up epoch), AMP + channels-last\n')
    setups = (('ResNet18', ResNet18, 's9', 128), ('CustomResNet', CustomResNet, 's11', 512))
    print('| model | recipe | bs | path | compile | s/epoch | img/s |'); print('|---|---|---|---|---|---|---|')
    for name, mk, r, bs in setups:
        for path in ('albumentations', 'fast'):
            dls = get_dataloaders(bs, *get_transforms(r), num_workers=workers, subset=subset, fast=path == 'fast', device=dev,
                                  channels_last=True)
            for comp in compile_modes:
                torch.manual_seed(0)
                learn = Learner(mk(), dls, lr=0.01, device=dev, amp=dev.type == 'cuda', channels_last=True, compile=comp, progress='none')
                ts = []
                for e in range(epochs + 1):
                    sync(); t = time.perf_counter()
                    learn.train_epoch(e)
                    sync()
                    if e: ts.append(time.perf_counter() - t)
                n = len(dls.train.dataset)
                print(f'| {name} | {r} | {bs} | {path} | {comp} | {min(ts):.2f} | {n/min(ts):,.0f} |', flush=True)
                del learn
                if dev.type == 'cuda': torch.cuda.empty_cache()

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--recipes', nargs='+', default=list(RECIPES), help='recipes of cifar_lit.recipes.RECIPES (default: all)')
    p.add_argument('--n', type=int, default=10000, help='training images per timed epoch (CPU section)')
    p.add_argument('--bs', type=int, default=512)
    p.add_argument('--workers', type=int, default=2, help='DataLoader workers of both albumentations paths')
    p.add_argument('--repeat', type=int, default=2, help='timed epochs per loader (the best is reported)')
    p.add_argument('--threads', type=int, default=1, help='also time the fast path with this many torch threads (0: skip)')
    p.add_argument('--no-cpu', action='store_true', help='skip the CPU section')
    p.add_argument('--gpu', action='store_true', help='also time training epochs on the GPU')
    p.add_argument('--gpu-epochs', type=int, default=2)
    p.add_argument('--gpu-subset', type=int, default=None, help='train on this many images in the GPU section; None: all 50,000')
    p.add_argument('--no-compile', action='store_true', help='GPU section without torch.compile runs')
    p.add_argument('--train-device', default='cuda', help="device of the training section; 'cpu' with a tiny --gpu-subset smoke-tests it")
    a = p.parse_args()
    if not a.no_cpu: cpu_bench(a.recipes, a.n, a.bs, a.workers, a.repeat, a.threads)
    if a.gpu: gpu_bench(a.gpu_epochs, a.workers, a.gpu_subset, (False,) if a.no_compile else (False, True), a.train_device)
