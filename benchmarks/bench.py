"""Print the performance figures the issues target, each beside a baseline measured in this run.

    python benchmarks/bench.py [--sets micrograd bigram ...] [--milestones] [--repeat 5]

Targets (no pass/fail here: these machines are shared and noisy; read the ratios):
  cold `grade micrograd`, solved            <= 0.5 s
  a stub that loops forever                 reported within its timeout + 1 s
  `grade SET --skip-milestones`, solved     <= 1.6 x `python -c "import torch"`
  each milestone                            <= 60 s
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GRADE = [sys.executable, "-m", "grader.cli"]


def wall(cmd: list[str], cwd: Path | None = None, repeat: int = 5, env: dict | None = None) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        out = p.stdout
    return statistics.median(times), out


def solved_copy(sets: list[str]) -> Path:
    """A course folder with every reference copied over its stub, as a finished student has it."""
    root = Path(tempfile.mkdtemp(prefix="z2h-bench-"))
    shutil.copytree(REPO / "exercises", root / "exercises")
    shutil.copytree(REPO / "solutions", root / "solutions")
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")  # as committed: a clone has them
    for s in sets:
        for p in (root / "solutions" / s).glob("*.py"):
            shutil.copy(p, root / "exercises" / s / p.name)
    return root


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="*", default=None)
    ap.add_argument("--milestones", action="store_true", help="also time every milestone")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch", type=int, default=100, help="submissions in the batch benchmark")
    args = ap.parse_args()
    import tomllib
    course = tomllib.loads((REPO / "exercises" / "course.toml").read_text())
    sets = [s for s in (args.sets or course["sets"]) if (REPO / "solutions" / s).is_dir()]
    env = dict(os.environ, Z2H_DATA=os.environ.get("Z2H_DATA", str(REPO.parent / "shared" / "data")))
    root = solved_copy(sets)
    try:
        bare, _ = wall([sys.executable, "-c", "pass"], repeat=args.repeat)
        torch_s, _ = wall([sys.executable, "-c", "import torch"], repeat=args.repeat)
        print(f"baseline  python -c pass            {bare:6.3f} s")
        print(f"baseline  python -c 'import torch'  {torch_s:6.3f} s")
        for s in sets:
            t, out = wall(GRADE + [s, "--skip-milestones", "--root", str(root)], repeat=args.repeat, env=env)
            target = "<= 0.5 s" if s == "micrograd" else f"<= 1.6 x torch = {1.6 * torch_s:.2f} s"
            print(f"grade {s:<10} solved            {t:6.3f} s  = {t / torch_s:4.2f} x import torch   (target {target})")
        if "micrograd" in sets:
            loop_timeout(root, env)
            batch(root, args.batch, env)
        if args.milestones:
            for s in sets:
                milestones(root, s, env)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def loop_timeout(root: Path, env: dict) -> None:
    """A loop inside the first function a check calls (check timeout 3 s), and one at import (5 s)."""
    target = root / "exercises" / "micrograd" / "value.py"
    saved = target.read_text()
    for where, text, limit in (("in __init__", saved.replace("def __init__(self, data, _children=(), _op='', label=''):",
                                                                  "def __init__(self, data, _children=(), _op='', label=''):\n"
                                                                  "        while True:\n            pass", 1), 3),
                               ("at import", saved + "\nwhile True:\n    pass\n", 5)):
        target.write_text(text)
        try:
            t, out = wall(GRADE + ["micrograd/value", "--json", "--root", str(root)], repeat=1, env=env)
            status = json.loads(out)["exercises"][0]["status"]
            print(f"infinite loop {where} of micrograd/value: {status!r} after {t:.2f} s "
                  f"(timeout {limit} s; target <= {limit + 1} s)")
        finally:
            target.write_text(saved)


def batch(root: Path, n: int, env: dict) -> None:
    """n micrograd submissions, half solved and half untouched, through `grade batch`."""
    subs = Path(tempfile.mkdtemp(prefix="z2h-subs-"))
    try:
        for i in range(n):
            d = subs / f"student{i:03d}"
            d.mkdir()
            src = (root / "solutions" if i % 2 == 0 else REPO / "exercises") / "micrograd"  # solved / untouched
            for p in (root / "solutions" / "micrograd").glob("*.py"):
                shutil.copy(src / p.name, d / p.name)
        fresh = Path(tempfile.mkdtemp(prefix="z2h-course-"))  # stubs, not the solved copy
        shutil.copytree(REPO / "exercises", fresh / "exercises")
        shutil.copytree(REPO / "solutions", fresh / "solutions")
        shutil.copytree(REPO / "data" / "fixtures", fresh / "data" / "fixtures")
        t, _ = wall(GRADE + ["batch", "micrograd", *map(str, sorted(subs.iterdir())), "--out", str(subs / "out"),
                             "--root", str(fresh)], repeat=1, env=env)
        import csv
        rows = list(csv.DictReader(open(subs / "out" / "gradebook.csv")))
        full = sum(1 for r in rows if r["total"] == r["max"])
        print(f"batch of {n} micrograd submissions: {t:.2f} s = {t / n * 1000:.0f} ms each; {full} full marks "
              f"(target <= 30 s; otter-grader ~3 s each)")
        shutil.rmtree(fresh, ignore_errors=True)
    finally:
        shutil.rmtree(subs, ignore_errors=True)


def milestones(root: Path, s: str, env: dict) -> None:
    _, out = wall(GRADE + [s, "--json", "--root", str(root)], repeat=1, env=env)
    for ex in json.loads(out)["exercises"]:
        for c in ex["checks"]:
            if c["milestone"]:
                print(f"milestone {ex['id']}/{c['name']}: {c['status']} in {c['seconds']:.1f} s (target <= 60 s)")


if __name__ == "__main__":
    main()
