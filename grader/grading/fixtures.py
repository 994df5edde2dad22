"""Recorded results of the reference and of every known mistake: data/fixtures/<set>/<exercise>.json.

Plain JSON, sorted and indented so a diff reads well; arrays as nested lists, non-finite
floats as strings. A bundle grades from these when solutions/ is absent. Each file records a
hash of the sources it came from, so `grade dev check` can say when one is stale.
"""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from grader.sandbox.records import CheckRun, RunStatus
from grader.sandbox.wire import Array, Unsupported

FORMAT = "z2h-fixture/1"


def path(root: Path, set_name: str, exercise: str) -> Path:
    return root / "data" / "fixtures" / set_name / f"{exercise}.json"


def sources_hash(s, ex) -> str:
    """What the recorded results depend on: the references, the checks, the mistakes, the manifest."""
    h = hashlib.sha256()
    files = sorted(s.solutions_dir.glob("*.py")) + [Path(f) for f in s.check_files()] + \
        [s.solutions_dir / "mistakes.toml", s.dir / "set.toml"]
    for f in files:
        if f.is_file():
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(ex.name.encode())
    return h.hexdigest()


def freshness(s, ex) -> tuple[str, dict | None]:
    """("fresh" | "missing" | "stale" | "unreadable: why", the fixture): the one test of a fixture's age."""
    try:
        doc = read(s.root, s.name, ex.name)
    except (ValueError, OSError) as e:
        return f"unreadable: {e}", None
    if doc is None:
        return "missing", None
    return ("fresh" if doc.get("sources") == sources_hash(s, ex) else "stale"), doc


def _val(x):
    if type(x) is float:
        return x if math.isfinite(x) else {"t": "float", "v": repr(x)}
    if type(x) is Array:
        import numpy as np
        data = x.values.astype(np.float64 if x.values.dtype.kind == "f" else x.values.dtype).tolist()
        return {"t": "array", "kind": x.kind, "dtype": x.dtype, "shape": list(x.shape), "data": _finite(data)}
    if type(x) is Unsupported:
        return {"t": "unsupported", "type": x.type}
    if type(x) is tuple:
        return {"t": "tuple", "v": [_val(i) for i in x]}
    if type(x) is list:
        return [_val(i) for i in x]
    if type(x) is dict:
        return {"t": "dict", "v": {k: _val(v) for k, v in x.items()}}
    return x  # None, bool, int, str


def _finite(data):
    if type(data) is list:
        return [_finite(i) for i in data]
    if type(data) is float and not math.isfinite(data):
        return repr(data)
    return data


def _unval(x):
    if type(x) is list:
        return [_unval(i) for i in x]
    if type(x) is not dict:
        return x
    t = x.get("t")
    if t == "float":
        return float(x["v"])
    if t == "tuple":
        return tuple(_unval(i) for i in x["v"])
    if t == "dict":
        return {k: _unval(v) for k, v in x["v"].items()}
    if t == "unsupported":
        return Unsupported(x["type"])
    if t == "array":
        import numpy as np
        store = "float32" if x["dtype"] == "bfloat16" else x["dtype"]
        flat = np.array(_floats(x["data"]), dtype=np.float64 if store.startswith("float") else store)
        return Array(flat.astype(store).reshape(x["shape"]), x["kind"], x["dtype"])
    raise ValueError(f"unknown fixture node {t!r}")


def _floats(data):
    if type(data) is list:
        return [_floats(i) for i in data]
    return float(data) if type(data) is str else data


def run_to_json(run: CheckRun) -> dict:
    d = {"status": str(run.status)}
    if run.status == RunStatus.OK:
        d["value"] = _val(run.value)
    if run.error:
        d["error"] = {k: v for k, v in run.error.items() if k in ("type", "message", "reason")}
    return d


def run_from_json(name: str, d: dict) -> CheckRun:
    """A recorded run; a fixture is content, so an unknown status or a malformed record raises ValueError."""
    if not isinstance(d, dict) or not isinstance(d.get("error") or {}, dict):
        raise ValueError(f"check {name!r}: a malformed record")
    return CheckRun(name, RunStatus(d.get("status")), _unval(d.get("value")), d.get("error"))


def write(root: Path, s, ex, digest: str, reference: dict, mistakes: dict, seed: int = 0) -> Path:
    """reference: check -> CheckRun; mistakes: [(id, why, {check -> CheckRun})], in catalogue order.
    `seed`: the draw the checks ran with (the autograder's secret one); 0, the course's, is not written."""
    doc = {"format": FORMAT, "set": s.name, "exercise": ex.name, "sources": digest, **({"seed": seed} if seed else {}),
           "reference": {n: run_to_json(r) for n, r in reference.items()},
           "mistakes": [{"id": mid, "why": why, "runs": {n: run_to_json(r) for n, r in runs.items()}}
                        for mid, why, runs in mistakes]}
    p = path(root, s.name, ex.name)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(_dumps(doc) + "\n", encoding="utf-8")
    return p


def _dumps(doc: dict) -> str:
    """Indented JSON, except that an array's numbers go one row per line: small, and a diff
    still points at the row that changed."""
    rows: list[str] = []

    def hide(x):
        if type(x) is dict and x.get("t") == "array":
            data = x["data"]
            nested = type(data) is list and data and type(data[0]) is list  # a 0-d array's data is a number
            lines = [json.dumps(r, separators=(",", ":")) for r in data] if nested else None
            rows.append("[\n" + ",\n".join(lines) + "\n]" if lines else json.dumps(data, separators=(",", ":")))
            return {**x, "data": f"@@z2h-array-{len(rows) - 1}@@"}
        if type(x) is dict:
            return {k: hide(v) for k, v in x.items()}
        if type(x) is list:
            return [hide(v) for v in x]
        return x
    text = json.dumps(hide(doc), indent=1, sort_keys=True)
    for i, r in enumerate(rows):
        text = text.replace(f'"@@z2h-array-{i}@@"', r, 1)
    return text


def read(root: Path, set_name: str, exercise: str) -> dict | None:
    p = path(root, set_name, exercise)
    if not p.is_file():
        return None
    doc = json.loads(p.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise ValueError(f"{p}: not a z2h fixture")
    return doc


def reference_runs(doc: dict) -> dict[str, CheckRun]:
    return {n: run_from_json(n, d) for n, d in doc["reference"].items()}


def mistake_runs(doc: dict) -> list[tuple[str, str, dict[str, CheckRun]]]:
    return [(m["id"], m["why"], {n: run_from_json(n, d) for n, d in m["runs"].items()}) for m in doc["mistakes"]]
