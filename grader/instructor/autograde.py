"""Gradescope's side: `setup` verifies (or fetches) the datasets when the image is built, `run` grades
one submission and always writes a valid results.json, whatever the submission holds.

    python -m grader.instructor.autograde setup --root /autograder/source
    python -m grader.instructor.autograde run --root /autograder/source \\
        --submission /autograder/submission --results /autograder/results/results.json

autograder.json (written by `grade publish --gradescope`) names the set, the seed drawn at publish
time and the datasets with their sha256.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

CONFIG = "autograder.json"


def setup(root: Path) -> int:
    """Every dataset the set needs is in <root>/data with its sha256, or fetched now; else exit 1 in words."""
    from grader.course.datasets import fetch, registry, sha256
    cfg = json.loads((root / CONFIG).read_text())
    known = {d.name: d for d in registry(root)}
    for name, digest in cfg.get("datasets", {}).items():
        path = root / "data" / name
        if path.is_file() and sha256(path) == digest:
            print(f"dataset {name}: present, sha256 verified")
            continue
        if name not in known:
            print(f"dataset {name}: missing from the autograder and not in exercises/datasets.toml", file=sys.stderr)
            return 1
        try:
            fetch(known[name], root)
        except OSError as e:
            print(f"dataset {name}: {e}", file=sys.stderr)
            return 1
        print(f"dataset {name}: fetched, sha256 verified")
    return 0


def pick_source(sub: Path, names: list[str]) -> Path:
    """The folder when it holds a stub file; else the one notebook or zip uploaded in it."""
    if not sub.is_dir():
        return sub
    if any(p.name in names for p in sub.rglob("*.py")):
        return sub
    for pattern in ("*.ipynb", "*.zip"):
        found = sorted(p for p in sub.rglob(pattern) if p.is_file() and "__MACOSX" not in p.parts)
        if found:
            return found[0]
    return sub


def grade_submission(root: Path, sub: Path) -> dict:
    from grader.course.manifest import load_course
    from grader.grading import engine
    from grader.grading.jobs import Options, start_worker
    from grader.grading.oracle import Oracle
    from grader.render import machine
    from grader.sources.intake import SubmissionError, intake
    cfg = json.loads((root / CONFIG).read_text())
    s = load_course(root).set(cfg["set"])
    src = pick_source(sub, [f"{ex.name}.py" for ex in s.exercises])
    with tempfile.TemporaryDirectory(prefix="z2h-gs-") as tmp:
        try:
            intake(src, s, Path(tmp) / "sub")
        except (SubmissionError, ValueError, OSError) as e:
            return machine.unusable(f"{e}. Upload your exercise files ({', '.join(ex.name + '.py' for ex in s.exercises)}), "
                                    "or the notebook from `grade notebook`.", s.points)
        opts = Options(seed=int(cfg.get("seed", 0)), student_dir=Path(tmp) / "sub", isolate=True)
        with start_worker(s) as worker:
            oracle = Oracle(s, worker, opts)
            doc = machine.as_gradescope(engine.grade_set(s, None, opts, None, worker, oracle))
    # for the instructor (Gradescope shows extra_data to staff only): the fixtures recorded at the
    # secret seed when the zip was published stand in for the references; a live run says one is
    # missing, or that a failing check no known mistake explains was traced on the reference to
    # point at the student's line (fixtures hold no traces)
    traced = len(getattr(oracle, "pointer_traces", {}))
    doc.setdefault("extra_data", {})["reference_jobs_run"] = oracle.live_runs + traced
    return doc


def run(root: Path, sub: Path, results: Path) -> int:
    from grader.render import machine
    try:
        doc = grade_submission(root, sub)
    except Exception as e:  # noqa: BLE001 - whatever happens, Gradescope gets valid JSON that says why
        doc = machine.unusable(f"the autograder failed ({type(e).__name__}: {e}); tell your instructor")
    try:
        text = machine.dumps(doc)
    except (TypeError, ValueError) as e:
        text = machine.dumps(machine.unusable(f"the result could not be written ({e}); tell your instructor"))
    results.parent.mkdir(parents=True, exist_ok=True)
    tmp = results.with_suffix(".part")
    tmp.write_text(text)
    os.replace(tmp, results)
    print(doc.get("output", ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m grader.instructor.autograde")
    p.add_argument("action", choices=["setup", "run"])
    p.add_argument("--root", default="/autograder/source")
    p.add_argument("--submission", default="/autograder/submission")
    p.add_argument("--results", default="/autograder/results/results.json")
    a = p.parse_args(argv)
    if a.action == "setup":
        return setup(Path(a.root))
    return run(Path(a.root), Path(a.submission), Path(a.results))


if __name__ == "__main__":
    sys.exit(main())
