"""`grade publish --gradescope`: autograder.zip, written beside the bundle (never inside it: a job
must not read it), mode 0600.

The zip holds the bundle, plus what students never see: the set's references and mistakes (it
grades with a seed drawn at publish time, so values memorized from the bundle's fixtures are worth
nothing there) and their results recorded at that seed (fixtures: no reference runs per submission),
the hidden checks, the datasets the set reads (sha256-verified by setup.sh, or
fetched there with a clear failure), and autograder.json.
"""
from __future__ import annotations

import json
import os
import secrets
import tempfile
import zipfile
from pathlib import Path

from grader.course.datasets import find, sha256
from grader.course.manifest import ContentError

TORCH = "torch==2.13.0"   # pinned: the image is built once; a range could change under a class

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope: runs once when the autograder image is built. Any failure here fails the build, loudly.
set -euo pipefail
# --- system
apt-get update -qq && apt-get install -y -qq python3 python3-pip python3-venv >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --index-url https://download.pytorch.org/whl/cpu "{TORCH}"
/autograder/venv/bin/pip install -q /autograder/source
# --- project
cd /autograder/source
/autograder/venv/bin/python -m grader.instructor.autograde setup --root /autograder/source
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope: runs for each submission. Only the stub files are taken from it; results.json is
# always valid JSON (an unusable submission is a score of 0 whose output says why).
mkdir -p /autograder/results
cd /autograder/source
/autograder/venv/bin/python -m grader.instructor.autograde run --root /autograder/source \\
    --submission /autograder/submission --results /autograder/results/results.json
if [ ! -s /autograder/results/results.json ]; then
  echo '{"score": 0, "output": "The autograder failed before grading; tell your instructor.", "tests": []}' \\
    > /autograder/results/results.json
fi
exit 0
"""


def needed_datasets(s) -> list[str]:
    """The datasets the set's checks read (hidden ones too), from the checks themselves."""
    from grader.grading.jobs import check_metas, start_worker
    worker = start_worker(s)
    try:
        return sorted({d for m in check_metas(worker) for d in m.data})
    finally:
        worker.close()


def build(bundle: Path, s, extra: dict[str, Path]) -> Path:
    """The zip beside `bundle`; `extra` maps archive names to files students never get."""
    zpath = bundle.with_name(bundle.name + "-autograder.zip")
    datasets = {}
    for name in needed_datasets(s):
        path = find(name, s.root)
        if path is not None:
            extra[f"data/{name}"] = path
            datasets[name] = sha256(path)
        else:  # setup.sh fetches it, verified, or the build fails in words
            from grader.course.datasets import registry
            known = {d.name: d.sha256 for d in registry(s.root)}
            if name not in known:
                raise ContentError(s.dir, f"the set reads {name}, which is neither found nor in exercises/datasets.toml")
            datasets[name] = known[name]
    config = {"set": s.name, "seed": secrets.randbelow(2**31 - 2) + 1, "datasets": datasets}
    files = {str(p.relative_to(bundle)): p for p in sorted(bundle.rglob("*")) if p.is_file()}
    files.update(extra)
    with tempfile.TemporaryDirectory(prefix="z2h-secret-fixtures-") as tmp:
        files.update(secret_fixtures(s, config["seed"], Path(tmp)))
        fd = os.open(zpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
            for arc, p in files.items():
                _add(z, arc, p.read_bytes())
            _add(z, "setup.sh", SETUP_SH.encode(), 0o755)
            _add(z, "run_autograder", RUN_AUTOGRADER.encode(), 0o755)
            _add(z, "autograder.json", json.dumps(config, indent=1).encode())
    return zpath


def secret_fixtures(s, seed: int, tmp: Path) -> dict[str, Path]:
    """The references and mistakes recorded at the secret seed, as archive name -> file: the
    autograder reads them as local grading reads the course's, instead of running every reference
    for every submission (the gpt milestone alone takes a minute). A check not recorded (its
    dataset missing here) leaves its exercise's references to run there, live."""
    from grader.grading import fixtures
    from grader.instructor.selfcheck import record_set
    record_set(s, tmp, seed)
    failed = [f"{ex.id}: {name} ({run.status}: {(run.error or {}).get('message', '')[:160]})"
              for ex in s.exercises for name, run in fixtures.reference_runs(fixtures.read(tmp, s.name, ex.name)).items()
              if run.status not in ("ok", "skipped")]
    if failed:   # a reference failure recorded here would fail every submission: never shipped
        raise ContentError(s.solutions_dir, "the reference did not pass at the autograder's seed (a check that "
                           "holds only at seed 0, or a machine too busy for a timeout: publish again); nothing "
                           "was published:\n  " + "\n  ".join(failed))
    return {str(p.relative_to(tmp)): p for p in sorted((tmp / "data" / "fixtures" / s.name).glob("*.json"))}


def _add(z: zipfile.ZipFile, arc: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    z.writestr(info, data, zipfile.ZIP_DEFLATED)
