"""`grade batch` figures, each beside a baseline measured in this run.

    python benchmarks/bench_batch.py [--n 100] [--sets micrograd gpt]

Targets (printed, not asserted: the machine is shared and noisy):
  100 micrograd submissions                   <= 10 s
  100 gpt submissions, --skip-milestones      <= 30 s
  peak memory of a 100-submission batch       <= 500 MB (the grader's process; jobs are forks)
Baselines: `python -c "import torch"`, one solved submission through `grade SET --from`, and with
--before DIR the same batch through an older engine (`git archive REV grader | tar -x -C DIR`).
Half the class is solved, half untouched stubs; one student returns a 64 MB array from every check.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GRADE = [sys.executable, "-m", "grader.cli"]
TARGET = {"micrograd": 10.0, "gpt": 30.0}
PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def measure(cmd: list[str], env: dict, cwd: str | None = None) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the biggest process) of one run."""
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True, env=env, cwd=cwd)
    return time.perf_counter() - t0, int(p.stdout.strip().splitlines()[-1]) / 1024


def course() -> Path:
    root = Path(tempfile.mkdtemp(prefix="z2h-bench-course-"))
    for d in ("exercises", "solutions"):
        shutil.copytree(REPO / d, root / d)
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")
    return root


def hostile(s: str, d: Path, names: list[str]) -> None:
    """Every function and class of the set returns (or holds) a 64 MB array."""
    for n in names:
        (d / n).write_text("import numpy as np\nBIG = np.ones(8 * 2**20)\n"
                           "def __getattr__(name):\n    return lambda *a, **k: BIG\n")


def klass(root: Path, s: str, n: int) -> Path:
    subs = Path(tempfile.mkdtemp(prefix="z2h-bench-subs-"))
    names = [p.name for p in (root / "solutions" / s).glob("*.py")]
    for i in range(n):
        d = subs / f"student{i:03d}"
        d.mkdir()
        src = root / ("solutions" if i % 2 == 0 else "exercises") / s
        for name in names:
            shutil.copy(src / name, d / name)
    hostile(s, subs / "student001", names)
    return subs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--sets", nargs="*", default=["micrograd", "gpt"])
    ap.add_argument("--before", help="a folder holding an older grader/ package: the same batch through it")
    args = ap.parse_args()
    env = dict(os.environ, Z2H_DATA=os.environ.get("Z2H_DATA", str(REPO.parent / "shared" / "data")))
    root = course()
    try:
        torch_s, _ = measure([sys.executable, "-c", "import torch"], env)
        print(f"baseline  python -c 'import torch'             {torch_s:6.2f} s")
        for s in args.sets:
            subs = klass(root, s, args.n)
            one, one_mb = measure(GRADE + [s, "--from", str(subs / "student000"), "--skip-milestones",
                                           "--root", str(root)], env)
            t, mb = measure(GRADE + ["batch", s, *map(str, sorted(subs.iterdir())), "--out", str(subs / "out"),
                                     "--skip-milestones", "--root", str(root)], env)
            rows = list(csv.DictReader(open(subs / "out" / "gradebook.csv")))
            full = sum(json.loads((subs / "out" / f"{r['submission']}.json").read_text()).get("all_passed", False)
                       for r in rows)
            if args.before:
                bt, bmb = measure(GRADE + ["batch", s, *map(str, sorted(subs.iterdir())), "--out", str(subs / "old"),
                                           "--skip-milestones", "--root", str(root)],
                                  {k: v for k, v in env.items() if k != "PYTHONPATH"}, cwd=args.before)
                print(f"baseline  {args.n} {s} submissions, older engine {bt:6.2f} s, peak {bmb:4.0f} MB")
            print(f"baseline  one {s} submission (--from)   {one:6.2f} s, peak {one_mb:4.0f} MB")
            print(f"batch     {args.n} {s} submissions          {t:6.2f} s = {t / max(one, 1e-9):5.1f} x one submission, "
                  f"{t / args.n * 1000:4.0f} ms each (target <= {TARGET.get(s, 30):.0f} s); {full} all passed, "
                  f"{len(rows)} rows")
            print(f"peak      {args.n} {s} submissions          {mb:6.0f} MB = {mb / max(one_mb, 1e-9):4.1f} x one "
                  f"submission (target <= 500 MB; one student returns 64 MB per check)")
            shutil.rmtree(subs, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
