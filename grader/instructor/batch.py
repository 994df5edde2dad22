"""`grade batch`: grade a class. One warm worker, the reference run once, submissions in parallel.

Each submission (folder, zip or notebook) is taken in by `intake` (only stub files); a broken,
empty or hostile one gets an error row and never stops the batch. Submissions are graded in small
chunks sharing one worker and one oracle; after each chunk only what the report needs is kept
(raw runs and decoded arrays are dropped), so memory is bounded by a chunk, not by the class.
Writes DIR/gradebook.csv (merged: `gradebook.py`), one JSON result and one feedback file per
submission (`feedback.py`), and a summary (`summary.py`).
"""
from __future__ import annotations

import dataclasses
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader.grading import engine
from grader.grading.jobs import Options, start_worker
from grader.grading.oracle import Oracle
from grader.sources.intake import SubmissionError, intake

CHUNK = 4   # submissions graded at once: what one hostile submission can cost is held for a chunk only


def submission_id(path: Path, taken: set[str]) -> str:
    """A safe, unique id: letters, digits and _.- only, never starting with a dot ('...zip' is not '..')."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem if path.is_file() else path.name).lstrip(".-") or "submission"
    sid, n = base, 2
    while sid in taken:
        sid, n = f"{base}-{n}", n + 1
    taken.add(sid)
    return sid


def run(s, submissions: list[Path], out: Path, opts: Options, on_event=None, detail: bool = False,
        roster: Path | None = None) -> list[dict]:
    from grader.instructor import gradebook, summary
    out.mkdir(parents=True, exist_ok=True)
    people = gradebook.read_roster(roster) if roster else {}
    rows, taken, written = [], set(), []
    opts = dataclasses.replace(opts, isolate=True)
    # each chunk's JSON and feedback are written by a thread while the next chunk's jobs run (rendering
    # them took ~20 ms a student, in series with grading when done at the end)
    with ThreadPoolExecutor(1, thread_name_prefix="z2h-batch-writer") as writer, \
            tempfile.TemporaryDirectory(prefix="z2h-batch-") as tmp, start_worker(s) as worker:
        from grader.instructor import preflight
        preflight.require(s, worker)   # as root: a job uid can import what the set needs, or a refusal in words
        oracle = Oracle(s, worker, opts, on_event)
        pending = []
        for sub in submissions:
            sid = submission_id(sub, taken)
            row = {"submission": sid, "source": str(sub), "error": "", **people.get(sid, {})}
            rows.append(row)
            try:
                intake(sub, s, Path(tmp) / sid)
            except (SubmissionError, OSError, UnicodeDecodeError, ValueError) as e:
                row["error"] = str(e)
                continue
            pending.append(row)
        for i in range(0, len(pending), CHUNK):
            chunk = pending[i:i + CHUNK]
            results = engine.grade_many(s, [Path(tmp) / r["submission"] for r in chunk], None, opts, on_event,
                                        worker, oracle)
            for row, res in zip(chunk, results):
                row["result"] = slim(res)
            written.append(writer.submit(_write, out, chunk))
        written.append(writer.submit(_write, out, [r for r in rows if "result" not in r]))
    for done in written:
        done.result()   # a failure to write is the batch's, said here
    gradebook.merge(out, s, rows, detail)
    summary.write(out, s)
    return rows


def _write(out: Path, rows: list[dict]) -> None:
    from grader.instructor import feedback, gradebook
    for row in rows:
        gradebook.write_json(out, row)
        feedback.write(out, row)


def slim(res):
    """Keep what the report needs; drop raw runs (decoded arrays) and each student's own seconds."""
    for r in res.exercises:
        r.runs = {}
    res.seconds = sum(c.seconds for r in res.exercises for c in r.checks)
    return res
