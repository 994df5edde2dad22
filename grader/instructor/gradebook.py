"""The gradebook: DIR/gradebook.csv merged across runs, a history of replaced rows, a roster, and one
JSON result per submission.

A regrade (`grade batch SET subs/bob --out grades`) replaces bob's row and keeps the others; bob's
previous row goes to DIR/history.jsonl and his previous JSON to DIR/history/. Columns: the
roster's student id and name, points per exercise, total, max, the student's own seconds, named
mistakes (`exercise:id`), causes (errors, timeouts, broken rules, in words), the milestones that
could not run, and with --detail one column per check (its verdict).
"""
from __future__ import annotations

import csv
import datetime
import json
import os
import re
from pathlib import Path

from grader.grading.status import Status, Verdict
from grader.render import machine

BASE = ["submission", "student_id", "name"]
TAIL = ["total", "max", "seconds", "mistakes", "causes", "not_graded", "error"]
MAX_FIELD = 2000   # a cell's characters: a hostile message never makes a gradebook unreadable


def read_roster(path: Path) -> dict[str, dict]:
    """roster.csv (columns submission, student_id, name; `id`/`file` accepted) -> submission id -> fields."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        out = {}
        for row in csv.DictReader(f):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            key = row.get("submission") or row.get("file") or row.get("github") or ""
            key = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(key).stem if key.endswith((".zip", ".ipynb")) else key).lstrip(".-")
            if key:
                out[key] = {"student_id": row.get("student_id") or row.get("id") or "", "name": row.get("name", "")}
        return out


def cells(s, row: dict, detail: bool) -> dict:
    res = row.get("result")
    d = {"submission": row["submission"], "student_id": row.get("student_id", ""), "name": row.get("name", ""),
         "max": s.points, "error": row["error"]}
    for ex in s.exercises:
        d[ex.name] = 0
    if res is None:
        d.update(total=0, seconds="", mistakes="", causes="", not_graded="")
        return {k: _clip(v) for k, v in d.items()}
    for r in res.exercises:
        d[r.exercise.name] = r.points
        if detail:
            for c in r.checks:
                d[f"{r.exercise.name}/{c.name}"] = str(c.status)
    d["total"], d["seconds"] = res.points, round(machine.finite(res.seconds) or 0.0, 3)
    d["mistakes"] = "; ".join(f"{r.exercise.name}:{r.mistake.id}" for r in res.exercises if r.mistake)
    d["causes"] = "; ".join(_cause(r) for r in res.exercises if _cause(r))
    d["not_graded"] = "; ".join(f"{r.exercise.name}/{c.name}" for r in res.exercises for c in r.checks
                                if c.status == Verdict.SKIPPED)
    return {k: _clip(v) for k, v in d.items()}


def _cause(r) -> str:
    if r.status in (Status.PASSED, Status.FAILING, Status.NOT_STARTED, Status.SKIPPED):
        return ""
    why = r.detail or "; ".join(m for _, m in r.violations[:2])
    if not why:
        bad = next((c for c in r.checks if c.error), None)
        why = bad and f"{bad.error.get('type', '')}: {bad.error.get('message', '')}".strip(": ")
    return f"{r.exercise.name}: {r.status}" + (f" ({why})" if why else "")


def _clip(v):
    """One line, capped; text a spreadsheet would run as a formula (=, +, -, @) is quoted."""
    if isinstance(v, (int, float)):
        return v
    v = str(v).replace("\r", " ").replace("\n", " ")[:MAX_FIELD]
    return "'" + v if v[:1] in ("=", "+", "-", "@") else v


def merge(out: Path, s, rows: list[dict], detail: bool) -> Path:
    """Write the new rows into gradebook.csv: a submission graded again replaces its row; the old one is history."""
    path = out / "gradebook.csv"
    old, header = [], []
    if path.is_file():
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header, old = list(reader.fieldnames or []), list(reader)
    new = [cells(s, r, detail) for r in rows]
    fresh = {r["submission"] for r in new}
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    replaced = [r for r in old if r.get("submission") in fresh]
    if replaced:
        with open(out / "history.jsonl", "a", encoding="utf-8") as f:
            for r in replaced:
                f.write(json.dumps({"replaced_at": stamp, **r}) + "\n")
    kept = [r for r in old if r.get("submission") not in fresh]
    cols = BASE + [ex.name for ex in s.exercises]
    extra = [k for r in new for k in r if "/" in k] + [k for k in header if "/" in k]
    cols += list(dict.fromkeys(extra)) + TAIL
    cols += [k for k in header if k not in cols]
    tmp = path.with_suffix(".part")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, cols, restval="", extrasaction="ignore")
        w.writeheader()
        for r in kept + new:
            w.writerow(r)
    os.replace(tmp, path)
    return path


def write_json(out: Path, row: dict) -> None:
    res = row.get("result")
    doc = machine.as_json(res) if res else {"error": row["error"], "points": 0}
    doc.update(submission=row["submission"], source=row["source"],
               student_id=row.get("student_id", ""), name=row.get("name", ""))
    path = out / f"{row['submission']}.json"
    if path.is_file():  # a regrade: the previous result is kept
        (out / "history").mkdir(exist_ok=True)
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        os.replace(path, out / "history" / f"{row['submission']}-{stamp}.json")
    path.write_text(machine.dumps(doc))
