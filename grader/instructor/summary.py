"""The batch's summary, printed and written (DIR/summary/summary.md, summary.json, scores.svg):
the score distribution, the pass rate per exercise and per check, the most frequent named
mistakes, and a histogram of the scores."""
from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path

from grader.grading.status import Status, Verdict
from grader.render import machine


def stats(s, docs: list[dict]) -> dict:
    """From the per-submission JSON results (the whole gradebook, regrades included)."""
    graded = [d for d in docs if "exercises" in d]
    scores = [int(d.get("points") or 0) for d in docs]
    per_ex = {ex.id: _rate([any(e.get("id") == ex.id and e.get("status") == Status.PASSED for e in d["exercises"])
                            for d in graded]) for ex in s.exercises}
    checks: dict[str, list[bool]] = {}
    for d in graded:
        for e in d["exercises"]:
            for c in e.get("checks", []):
                if c.get("status") != Verdict.SKIPPED:
                    checks.setdefault(f"{e.get('id')}/{c.get('name')}", []).append(c.get("status") == Verdict.PASS)
    mistakes = Counter(f"{e.get('id')}: {e['mistake'].get('id')}" for d in graded for e in d["exercises"]
                       if isinstance(e.get("mistake"), dict))
    return {"submissions": len(docs), "graded": len(graded), "unusable": len(docs) - len(graded), "max": s.points,
            "mean": round(statistics.fmean(scores), 2) if scores else 0,
            "median": statistics.median(scores) if scores else 0,
            "min": min(scores, default=0), "max_score": max(scores, default=0),
            "histogram": dict(sorted(Counter(scores).items())),
            "pass_rate_exercise": per_ex, "pass_rate_check": {k: _rate(v) for k, v in checks.items()},
            "mistakes": mistakes.most_common(10)}


def read_results(out: Path) -> list[dict]:
    docs = []
    for p in sorted(out.glob("*.json")):
        try:
            d = json.loads(p.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(d, dict) and "submission" in d:
            docs.append(d)
    return docs


def _rate(xs: list[bool]) -> float:
    return round(sum(xs) / len(xs), 3) if xs else 0.0


def lines(st: dict) -> list[str]:
    out = [f"{st['submissions']} submissions ({st['graded']} graded, {st['unusable']} unusable); "
           f"score mean {st['mean']}, median {st['median']}, min {st['min']}, max {st['max_score']} of {st['max']}",
           "", "Pass rate per exercise:"]
    out += [f"  {k}: {v:.0%}" for k, v in st["pass_rate_exercise"].items()]
    out += ["", "Pass rate per check:"] + [f"  {k}: {v:.0%}" for k, v in st["pass_rate_check"].items()]
    out += ["", "Most frequent named mistakes:"] + ([f"  {n} x {k}" for k, n in st["mistakes"]] or ["  none"])
    return out


def svg(st: dict) -> str:
    """A bar per score (0..max), height by the number of students."""
    top = st["max"]
    hist = {int(k): v for k, v in st["histogram"].items()}
    peak = max(hist.values(), default=1)
    w, h, pad = 24, 160, 30
    bars = []
    for score in range(top + 1):
        n = hist.get(score, 0)
        bh = round(h * n / peak) if peak else 0
        x = pad + score * w
        bars.append(f'<rect x="{x}" y="{pad + h - bh}" width="{w - 4}" height="{bh}" fill="#4c78a8">'
                    f"<title>{score} points: {n}</title></rect>"
                    f'<text x="{x + (w - 4) / 2}" y="{pad + h + 14}" font-size="10" text-anchor="middle">{score}</text>')
    width = pad * 2 + (top + 1) * w
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h + pad * 2 + 10}">'
            f'<text x="{pad}" y="18" font-size="12">scores ({st["submissions"]} submissions, peak {peak})</text>'
            + "".join(bars) + "</svg>\n")


def write(out: Path, s) -> dict:
    st = stats(s, read_results(out))
    folder = out / "summary"
    folder.mkdir(exist_ok=True)
    (folder / "summary.json").write_text(machine.dumps(st))
    (folder / "summary.md").write_text(f"# {s.name}: batch summary\n\n![scores](scores.svg)\n\n```text\n"
                                       + "\n".join(lines(st)) + "\n```\n")
    (folder / "scores.svg").write_text(svg(st))
    return st
