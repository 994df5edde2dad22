"""`grade batch`: grade a class. One warm worker, the reference run once, submissions in parallel.

Each submission (folder, zip or notebook) is taken in by `intake` (only stub files); a broken,
empty or hostile one gets an error row and never stops the batch. Writes DIR/gradebook.csv
and one JSON result per submission.
"""
from __future__ import annotations

import csv
import dataclasses
import json
import re
import tempfile
from pathlib import Path

from grader.grading import engine
from grader.grading.jobs import Options
from grader.grading.status import Status
from grader.render import machine
from grader.sources.intake import SubmissionError, intake


def submission_id(path: Path, taken: set[str]) -> str:
    """A safe, unique id: letters, digits and _.- only, never starting with a dot ('...zip' is not '..')."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem if path.is_file() else path.name).lstrip(".-") or "submission"
    sid, n = base, 2
    while sid in taken:
        sid, n = f"{base}-{n}", n + 1
    taken.add(sid)
    return sid


def run(s, submissions: list[Path], out: Path, opts: Options, on_event=None) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    rows, taken = [], set()
    with tempfile.TemporaryDirectory(prefix="z2h-batch-") as tmp:
        folders, ok_rows = [], []
        for sub in submissions:
            sid = submission_id(sub, taken)
            row = {"submission": sid, "source": str(sub), "error": ""}
            rows.append(row)
            try:
                intake(sub, s, Path(tmp) / sid)
            except (SubmissionError, OSError, UnicodeDecodeError, ValueError) as e:
                row["error"] = str(e)
                continue
            folders.append(Path(tmp) / sid)
            ok_rows.append(row)
        opts = dataclasses.replace(opts, isolate=True)
        results = engine.grade_many(s, folders, None, opts, on_event) if folders else []
        for row, res in zip(ok_rows, results):
            row["result"] = res
    for row in rows:
        _write_json(out, row)
    _write_csv(out / "gradebook.csv", s, rows)
    return rows


def _write_json(out: Path, row: dict) -> None:
    res = row.get("result")
    doc = machine.as_json(res) if res else {"error": row["error"], "points": 0}
    doc.update(submission=row["submission"], source=row["source"])
    (out / f"{row['submission']}.json").write_text(json.dumps(doc, indent=1))


def _write_csv(path: Path, s, rows: list[dict]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["submission", *[ex.name for ex in s.exercises], "total", "max", "error"])
        for row in rows:
            res = row.get("result")
            pts = {r.exercise.name: r.points for r in res.exercises} if res else {}
            w.writerow([row["submission"], *[pts.get(ex.name, 0) for ex in s.exercises],
                        res.points if res else 0, s.points, row["error"] or _problems(res)])


def _problems(res) -> str:
    bad = [f"{r.exercise.name}: {r.status}" for r in res.exercises if r.status not in (Status.PASSED, Status.FAILING, Status.NOT_STARTED)]
    return "; ".join(bad)
