"""The portable sandbox (a fresh process per job) beside the fork sandbox and a bare import of torch,
all measured in this run.

    python benchmarks/bench_portable.py [--sets micrograd bigram ...] [--repeat 3]

Targets (read the ratios; the machines are shared and noisy):
  `grade micrograd`, solved, portable              <= 1 s
  `grade SET --skip-milestones`, solved, portable  <= 3 x `python -c "import torch"`
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import GRADE, solved_copy, wall  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="*", default=["micrograd", "bigram", "mlp"])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    env = dict(os.environ, Z2H_DATA=os.environ.get("Z2H_DATA", str(Path(__file__).resolve().parents[2] / "shared" / "data")))
    root = solved_copy(args.sets)
    try:
        torch_s, _ = wall([sys.executable, "-c", "import torch"], repeat=args.repeat)
        print(f"baseline  python -c 'import torch'  {torch_s:6.3f} s")
        for s in args.sets:
            cmd = GRADE + [s, "--skip-milestones", "--root", str(root)]
            fork, _ = wall(cmd, repeat=args.repeat, env=dict(env, Z2H_SANDBOX="fork"))
            port, out = wall(cmd, repeat=args.repeat, env=dict(env, Z2H_SANDBOX="portable"))
            target = "<= 1 s" if s == "micrograd" else f"<= 3 x torch = {3 * torch_s:.2f} s"
            print(f"grade {s:<10} solved  fork {fork:6.3f} s  portable {port:6.3f} s "
                  f"= {port / torch_s:4.2f} x import torch   (target {target})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
