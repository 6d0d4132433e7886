#!/usr/bin/env python3
"""Run the pages one after another in a single process, as each of nbdev_test's workers does, in page order or in
reverse: a page that leaves the package changed for the next one (a registry entry left behind, a class patched with a
page's own definitions) makes a later page fail here. Usage, from the project root:

    python .ci/one_process.py            # every page, in order
    python .ci/one_process.py --reverse  # every page, last first
    python .ci/one_process.py nbs/06_optim.ipynb nbs/23_extending.ipynb  # these, in the order given

Prints one line per page (passed or FAILED, seconds) and `N passed, M failed`; exits 1 on any failure."""
import sys, time, argparse
from pathlib import Path
from nbdev.config import get_config
from nbdev.test import test_nb
from fastcore.xtras import working_directory

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('pages', nargs='*', help='notebooks to run (default: every nbs/*.ipynb, index and _-prefixed ones aside)')
p.add_argument('--reverse', action='store_true', help='run them last first')
a = p.parse_args()
cfg = get_config()
pages = [Path(o).absolute() for o in a.pages] or sorted(f.absolute() for f in cfg.nbs_path.glob('[0-9]*.ipynb'))
if a.reverse: pages = pages[::-1]
failed = []
with working_directory(cfg.nbs_path):
    for f in pages:
        t0 = time.time()
        ok, _ = test_nb(f, skip_flags=cfg.tst_flags.split(), basepath=cfg.config_path)
        print(f"{'passed' if ok else 'FAILED'} {f.name} ({time.time() - t0:.0f} s)", flush=True)
        if not ok: failed.append(f.name)
print(f"{len(pages) - len(failed)} passed, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ''))
sys.exit(1 if failed else 0)
