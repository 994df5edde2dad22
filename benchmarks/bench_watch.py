"""Watch mode: time from a save to the verdict on screen, median over 20 saves per exercise.

    python benchmarks/bench_watch.py [--saves 20] [--poll] [SET/EXERCISE ...]

Runs a real `grade watch` session (watchfiles, the warm worker, the cached reference, the rich live
display drawn to a terminal-like sink) on a copy of the course in a temporary folder, and saves
the exercise file alternately as a known mistake and as the reference (or the stub, when the
exercise has no known mistake). Each time is taken from just before the file is written to just
after the verdict is drawn. Target: median <= 0.15 s.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rich.console import Console  # noqa: E402

from grader.grading import engine
from grader.course import mistakes
from grader.render import watch as watch_screens
from grader.student import watch  # noqa: E402
from grader.course.manifest import load_course  # noqa: E402

TARGET_S = 0.15


def default_targets(root: Path) -> list[str]:
    """A micrograd exercise and an mlp one; when there is no mlp set yet, the first torch set there is."""
    course = load_course(root)
    ready = [n for n in course.set_names
             if (root / "exercises" / n / "set.toml").is_file() and (root / "solutions" / n).is_dir()]
    out = []
    if "micrograd" in ready:
        out.append("micrograd/value")
    torch_sets = [n for n in ready if "torch" in course.set(n).requires]
    pick = "mlp" if "mlp" in ready else (torch_sets[0] if torch_sets else None)
    if pick:
        out.append(f"{pick}/{course.set(pick).exercises[0].name}")
    return out


def copy_course(root: Path, sets: set[str], dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.ipynb", ".*")
    (dest / "exercises").mkdir(parents=True)
    shutil.copy(root / "exercises" / "course.toml", dest / "exercises" / "course.toml")
    for n in sets:
        shutil.copytree(root / "exercises" / n, dest / "exercises" / n, ignore=ignore)
        shutil.copytree(root / "solutions" / n, dest / "solutions" / n, ignore=ignore)
        if (root / "data" / "fixtures" / n).is_dir():
            shutil.copytree(root / "data" / "fixtures" / n, dest / "data" / "fixtures" / n)
    return dest


def variants(s, ex) -> tuple[str, str, str]:
    ref = s.reference_path(ex).read_text(encoding="utf-8")
    catalogue = [m for m in mistakes.load(s.solutions_dir) if m.exercise == ex.name] \
        if (s.solutions_dir / "mistakes.toml").is_file() else []
    if catalogue:
        m = catalogue[0]
        return m.apply(ref, s.solutions_dir / "mistakes.toml"), ref, f"known mistake {m.id} / reference"
    return s.stub_path(ex).read_text(encoding="utf-8"), ref, "stub / reference"


def bench(root: Path, target: str, saves: int, poll: bool) -> dict:
    course = load_course(root)
    set_name, ex_name = target.split("/")
    s = course.set(set_name)
    ex = s.exercise(ex_name)
    wrong, right, label = variants(s, ex)
    sink = open(os.devnull, "w")
    console = Console(file=sink, force_terminal=True, width=110, height=40, highlight=False, emoji=False)
    done = threading.Event()
    seen: list = []

    def on_verdict(e, r, latency):
        if e.name == ex.name:
            seen.append((time.time(), r.status, latency, dict(sess.timing)))
            done.set()

    opts = engine.Options(skip_milestones=True)
    t0 = time.perf_counter()
    sess = watch.Session(course, s, opts, console, poll=poll, start=ex, on_verdict=on_verdict)
    sess.open()
    startup = time.perf_counter() - t0
    times, statuses, parts = [], [], []
    with watch_screens.watch_live(console) as live:
        sess.live = live
        loop = threading.Thread(target=sess.run, daemon=True)
        loop.start()
        deadline = time.monotonic() + 60
        while ex.name not in sess._warmed and time.monotonic() < deadline:   # idle warm-up: known mistakes
            time.sleep(0.05)
        time.sleep(0.3)
        path = s.stub_path(ex)
        for i in range(saves):
            done.clear()
            text = wrong if i % 2 == 0 else right
            t_save = time.time()
            path.write_text(text, encoding="utf-8")
            if not done.wait(10):
                times.append(float("inf"))
                continue
            t_seen, status, latency, timing = seen[-1]
            times.append(t_seen - t_save)
            statuses.append(status)
            parts.append((timing.get("noticed", t_save) - t_save, timing.get("grade", 0.0), timing.get("draw", 0.0)))
            time.sleep(0.25)      # a student does not save faster than this
        sess.events.put(("quit",))
        loop.join(5)
        sess.live = None
    sess.close()
    sink.close()
    return {"target": target, "variants": label, "startup": startup, "times": times, "statuses": statuses,
            "mode": sess.view.mode, "parts": parts}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("targets", nargs="*", help="exercises to time (default: a micrograd and an mlp one)")
    ap.add_argument("--saves", type=int, default=20)
    ap.add_argument("--poll", action="store_true", help="time polling mode instead of file events")
    args = ap.parse_args()
    targets = args.targets or default_targets(REPO)
    if not targets:
        print("no set with exercises and solutions to time")
        return 2
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="z2h-bench-watch-") as tmp:
        root = copy_course(REPO, {t.split("/")[0] for t in targets}, Path(tmp) / "course")
        for target in targets:
            res = bench(root, target, args.saves, args.poll)
            ts = sorted(res["times"])
            med = statistics.median(ts)
            worst = max(worst, med)
            kinds = {k: res["statuses"].count(k) for k in sorted(set(res["statuses"]))}
            print(f"{target:28s} save -> verdict on screen, {len(ts)} saves ({res['variants']}; {res['mode']}): "
                  f"median {med:.3f} s  p90 {ts[int(0.9 * (len(ts) - 1))]:.3f} s  min {ts[0]:.3f} s  "
                  f"max {ts[-1]:.3f} s   verdicts {kinds}   (startup {res['startup']:.2f} s)")
            for kind in sorted(set(res["statuses"])):
                sel = [(t, p) for t, p, st in zip(res["times"], res["parts"], res["statuses"]) if st == kind]
                print(f"{'':28s}   {kind:8s} median {statistics.median(t for t, _ in sel):.3f} s = noticed "
                      f"{statistics.median(p[0] for _, p in sel):.3f} + grade {statistics.median(p[1] for _, p in sel):.3f}"
                      f" + draw {statistics.median(p[2] for _, p in sel):.3f} (medians of each part)")
    ok = worst <= TARGET_S
    print(f"target: median <= {TARGET_S} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
