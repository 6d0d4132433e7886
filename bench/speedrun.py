"""Where the speed run's time goes: images/s of the batched loader with the speedrun augmentation, of SpeedNet's training
step (eager, and compiled with --compile), of plain and test-time-augmented evaluation; then one real epoch of the
recipe through the Learner, split into waiting for data, training steps and evaluation.

    python bench/speedrun.py                  # this machine's default device (CPU: bf16 autocast and channels-last where native)
    python bench/speedrun.py --compile        # also the torch.compile'd step
    python bench/speedrun.py --device cuda

Wall-clock timings, each after a warm-up; on a shared machine run it more than once.
"""
import argparse, time
import torch
from cifar_lit.data import load_cifar10
from cifar_lit.loaders import FastLoader, get_dataloaders
from cifar_lit.models import eval_batches, get_model
from cifar_lit.recipes import get_recipe
from cifar_lit.core import amp_default, get_device, set_seed, cpu_name
from cifar_lit.optim import get_optimizer, get_schedule
from cifar_lit.learner import Learner, Callback
import cifar_lit.speedrun  # registers the recipe

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)
    return time.perf_counter()

def loader_rate(x, y, bs, dev, cl):
    dl = FastLoader(x, y, bs, 'speedrun', device=dev, channels_last=cl, seed=0)
    for _ in zip(range(3), dl): pass  # warm-up
    t = sync(dev); n = 0
    for xb, yb in dl: n += len(yb)
    return n/(sync(dev) - t)

def step_rate(model, xb, yb, rec, dev, amp, compile, steps=6):
    opt = get_optimizer(model, 'sgd', rec.lr, rec.momentum, rec.nesterov, rec.wd)
    fwd, loss_func = torch.compile(model) if compile else model, rec.loss()
    for i in range(steps + 3):
        if i == 3: t = sync(dev)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp): loss = loss_func(fwd(xb), yb)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return steps*len(xb)/(sync(dev) - t)

def eval_rate(model, dl, dev, amp, cl, tta):
    for _ in eval_batches(model, [next(iter(dl))], dev, amp, channels_last=cl, tta=tta): pass
    t = sync(dev); n = 0
    for out, yb in eval_batches(model, dl, dev, amp, channels_last=cl, tta=tta): n += len(yb)
    return n/(sync(dev) - t)

class Split(Callback):
    "Seconds spent waiting for batches, in training steps (forward, backward, optimizer, callbacks) and evaluating."
    order = 100
    def before_fit(self): self.data = self.train = self.eval = 0.
    def before_train(self): self.t = sync(self.learn.device)
    def before_batch(self): t = sync(self.learn.device); self.data += t - self.t; self.t = t
    def after_batch(self): t = sync(self.learn.device); self.train += t - self.t; self.t = t
    def before_eval(self): self.t = sync(self.learn.device)
    def after_eval(self): self.eval += sync(self.learn.device) - self.t

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='auto'); p.add_argument('--compile', action='store_true')
    a = p.parse_args()
    dev = get_device(a.device); amp = cl = amp_default(dev); rec = get_recipe('speedrun')
    x, y = load_cifar10(train=True)
    print(f"{cpu_name() if dev.type == 'cpu' else torch.cuda.get_device_name(dev)}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"amp {amp}, channels-last {cl}, bs {rec.bs}", flush=True)
    rows = [('loader (speedrun augmentation)', loader_rate(x, y, rec.bs, dev, cl))]
    print(f"  {rows[-1][0]}: {rows[-1][1]:,.0f} img/s", flush=True)
    set_seed(0); model = get_model('SpeedNet').to(dev, memory_format=torch.channels_last if cl else torch.preserve_format)
    xb, yb = next(iter(FastLoader(x, y, rec.bs, 'speedrun', device=dev, channels_last=cl, seed=0)))
    for c in ([False, True] if a.compile else [False]):
        rows.append((f"training step{' (torch.compile)' if c else ''}", step_rate(model, xb, yb, rec, dev, amp, c)))
        print(f"  {rows[-1][0]}: {rows[-1][1]:,.0f} img/s", flush=True)
    test = FastLoader(*load_cifar10(train=False), 2*rec.bs, None, shuffle=False, device=dev, channels_last=cl)
    for tta in (0, 2):
        rows.append((f"evaluation, tta={tta}", eval_rate(model, test, dev, amp, cl, tta)))
        print(f"  {rows[-1][0]}: {rows[-1][1]:,.0f} img/s", flush=True)
    set_seed(0)
    dls = get_dataloaders(rec.bs, 'speedrun', None, fast=True, device=dev, channels_last=cl, test_bs=2*rec.bs)
    split = Split()
    kw = get_schedule(rec.sched).scaled(rec.sched_kw, 1, len(dls.train), rec.epochs)  # the recipe's schedule, laid over one epoch
    learn = Learner(get_model('SpeedNet'), dls, lr=rec.lr, momentum=rec.momentum, nesterov=rec.nesterov, wd=rec.wd, sched=rec.sched,
                    sched_kw=dict(kw, max_lr=rec.lr), loss_func=rec.loss(), device=dev, progress='none', cbs=[*rec.cbs(), split])
    t = sync(dev); learn.fit(1); total = sync(dev) - t
    print("\n| what | images/s |\n|---|---|")
    for k, v in rows: print(f"| {k} | {v:,.0f} |")
    other = total - split.data - split.train - split.eval
    print(f"\nOne epoch of the speedrun recipe through the Learner: {total:.1f} s = waiting for batches {split.data:.1f} s + training steps "
          f"{split.train:.1f} s + evaluation {split.eval:.1f} s + the rest (whitening, snapshots, checkpoints) {other:.1f} s")

if __name__ == '__main__': main()
