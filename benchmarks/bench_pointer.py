"""How well "Where it goes wrong" points: the catalogue of known mistakes as a labelled test set.

    python benchmarks/bench_pointer.py [SET ...] [--milestones] [--json OUT]

Each known mistake (solutions/SET/mistakes.toml) is an edit of reference lines. Each is graded as a
student's submission with known-mistake diagnosis off (Options(diagnose=False)); of the mistakes that
fail a check (a wrong value: an error already names its line), it counts how often the line pointed
at is an edited line, another line, or nothing (silence). Targets (issue 13): edited >= 75%, another
<= 5%. Milestones are skipped unless --milestones (they are never traced).
"""
from __future__ import annotations

import argparse
import difflib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.course import mistakes as catalogue          # noqa: E402
from grader.course.manifest import ContentError, load_course  # noqa: E402
from grader.grading.engine import grade_many              # noqa: E402
from grader.grading.jobs import Options, start_worker     # noqa: E402
from grader.grading.oracle import Oracle                  # noqa: E402
from grader.grading.status import Verdict                 # noqa: E402


def edited_lines(ref: str, var: str) -> set[int]:
    """1-based lines of the variant that the edit wrote (or next to where it deleted). A statement replaced by
    nothing leaves a blank line, which no pointer can name (it runs nothing): it is a deletion too, named
    by the lines next to it as a deletion is."""
    out: set[int] = set()
    lines = var.splitlines()
    sm = difflib.SequenceMatcher(None, ref.splitlines(), lines, autojunk=False)
    for tag, _, _, j1, j2 in sm.get_opcodes():
        if tag == "replace" and not any(ln.strip() for ln in lines[j1:j2]):
            out.update(range(j1, j2 + 2))
        elif tag in ("replace", "insert"):
            out.update(range(j1 + 1, j2 + 1))
        elif tag == "delete":
            out.update({j1, j1 + 1})
    return out


def statements(text: str) -> dict[int, set[int]]:
    """line -> the lines of the simple statement starting there (the pointer names a statement by its first line)."""
    import ast
    out: dict[int, set[int]] = {}
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):
            out[node.lineno] = set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return out


def run_set(s, with_milestones: bool, sample: int | None = None) -> list[dict]:
    opts = Options(diagnose=False, skip_milestones=not with_milestones)
    rows = []
    worker = start_worker(s)
    tmp = Path(tempfile.mkdtemp(prefix="z2h-bench-pointer-"))
    try:
        oracle = Oracle(s, worker, opts)
        ms = catalogue.load(s.solutions_dir)[:sample] if sample else catalogue.load(s.solutions_dir)
        by_ex: dict[str, list] = {}
        for i, m in enumerate(ms):
            try:
                text = catalogue.variant(s, m)
            except ContentError:
                continue
            folder = tmp / str(i)
            shutil.copytree(s.solutions_dir, folder, ignore=shutil.ignore_patterns("*.toml", "__pycache__"))
            (folder / f"{m.exercise}.py").write_text(text, encoding="utf-8")
            ref = (s.solutions_dir / f"{m.exercise}.py").read_text(encoding="utf-8")
            edited = edited_lines(ref, text)
            spans = statements(text)   # a statement that spans an edited line is the edited statement
            edited |= {ln for ln, span in spans.items() if span & edited}
            by_ex.setdefault(m.exercise, []).append((m, folder, edited))
        for ex_name, items in by_ex.items():
            results = grade_many(s, [f for _, f, _ in items], s.exercise(ex_name), opts, worker=worker, oracle=oracle)
            for (m, _, edited), sr in zip(items, results):
                rows.append(_row(s.name, m, edited, sr.exercises[0]))
    finally:
        worker.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _row(set_name: str, m, edited: set[int], r) -> dict:
    failed = [c for c in r.checks if c.status == Verdict.FAIL]
    pointed = [c.pointer for c in failed if c.pointer is not None]
    lines = sorted({p.line for p in pointed})
    if not failed:
        outcome = "no failing check"
    elif not pointed:
        outcome = "silent"
    elif all(ln in edited for ln in lines):
        outcome = "edited"
    else:
        outcome = "other"
    return {"set": set_name, "exercise": m.exercise, "mistake": m.id, "outcome": outcome, "pointed": lines,
            "edited": sorted(edited), "texts": [p.text for p in pointed][:2]}


def summary(rows: list[dict]) -> dict:
    judged = [r for r in rows if r["outcome"] != "no failing check"]
    n = len(judged) or 1
    return {k: sum(r["outcome"] == k for r in judged) for k in ("edited", "other", "silent")} | \
        {"judged": len(judged), "edited_pct": 100 * sum(r["outcome"] == "edited" for r in judged) / n,
         "other_pct": 100 * sum(r["outcome"] == "other" for r in judged) / n}


def timing(s, exercise: str, repeat: int = 3) -> tuple[float, float]:
    """Seconds to grade one failing exercise cold, as `grade SET/EX` is: today's (pointer off) and with
    "Where it goes wrong". The bug: the exercise's first catalogued mistake whose variant fails a check,
    graded with known-mistake diagnosis off (so, to the grader, a novel bug). Medians of `repeat`."""
    import statistics
    from grader.grading import pointer
    ex = s.exercise(exercise)
    opts = Options(diagnose=False, skip_milestones=True)
    tmp = Path(tempfile.mkdtemp(prefix="z2h-bench-pointer-"))
    real, out = pointer.attach, {}
    try:
        for m in [m for m in catalogue.load(s.solutions_dir) if m.exercise == ex.name]:
            shutil.rmtree(tmp / "s", ignore_errors=True)
            shutil.copytree(s.solutions_dir, tmp / "s", ignore=shutil.ignore_patterns("*.toml", "__pycache__"))
            (tmp / "s" / f"{ex.name}.py").write_text(catalogue.variant(s, m), encoding="utf-8")
            r = grade_many(s, [tmp / "s"], ex, opts)[0].exercises[0]
            if any(c.status == Verdict.FAIL for c in r.checks):
                break
        else:
            raise SystemExit(f"{exercise}: no catalogued mistake fails a check")
        for label, fn in (("off", lambda *a, **k: None), ("on", real)):
            pointer.attach = fn
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                r = grade_many(s, [tmp / "s"], ex, opts)[0].exercises[0]
                times.append(time.perf_counter() - t0)
            out[label + " shown"] = sum(c.pointer is not None for c in r.checks)
            out[label + " failing"] = sum(c.status == Verdict.FAIL for c in r.checks)
            out[label] = statistics.median(times)
    finally:
        pointer.attach = real
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"  mistake {m.id}: failing checks {out['on failing']}, pointers shown {out['on shown']}")
    return out["off"], out["on"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*")
    ap.add_argument("--milestones", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--timing", metavar="SET/EXERCISE", help="time one failing exercise's report, pointer off and on")
    args = ap.parse_args()
    course = load_course(REPO)
    if args.timing:
        set_name, ex = args.timing.split("/")
        off, on = timing(course.set(set_name), ex)
        print(f"{args.timing}: failing exercise graded in {on:.2f} s with the pointer, {off:.2f} s without "
              f"(x{on / off:.2f}; target <= x2)")
        return
    sets = [course.set(n) for n in course.set_names if not args.sets or n in args.sets]
    all_rows = []
    for s in sets:
        t0 = time.perf_counter()
        rows = run_set(s, args.milestones)
        all_rows += rows
        f = summary(rows)
        print(f"{s.name:10s} judged {f['judged']:3d}  edited {f['edited']:3d} ({f['edited_pct']:.0f}%)  "
              f"other {f['other']:2d} ({f['other_pct']:.0f}%)  silent {f['silent']:3d}   "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
        for r in rows:
            if r["outcome"] == "other":
                print(f"    other: {r['exercise']}/{r['mistake']}: pointed {r['pointed']} {r['texts']}, edited {r['edited']}")
    f = summary(all_rows)
    print(f"{'all':10s} judged {f['judged']:3d}  edited {f['edited']:3d} ({f['edited_pct']:.0f}%)  "
          f"other {f['other']:2d} ({f['other_pct']:.0f}%)  silent {f['silent']:3d}   target: edited >= 75%, other <= 5%")
    if args.json:
        Path(args.json).write_text(json.dumps(all_rows, indent=1))


if __name__ == "__main__":
    main()
