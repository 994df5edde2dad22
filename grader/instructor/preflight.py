"""Before grading as root: prove that a job, running as a uid of its own, can import what the set
needs (its `requires`, and for torch an optimizer step, which imports torch._dynamo and the
standard-library modules it pulls in lazily), or refuse in words that say what to do.

Not root: jobs run as the grader's own user, and there is nothing to prove.
"""
from __future__ import annotations

import os
import stat
import sysconfig
import tempfile
from pathlib import Path

from grader.course.manifest import ContentError
from grader.grading.jobs import check_metas
from grader.sandbox.records import Job, RunStatus

TORCH_STEP = ("import torch\n_p = torch.nn.Parameter(torch.zeros(2))\n_o = torch.optim.AdamW([_p], lr=0.1)\n"
              "_p.sum().backward()\n_o.step()\n")


def unreadable(path: Path) -> Path | None:
    """The first folder on the way to `path` that other users cannot enter (e.g. a 0700 home)."""
    for d in [*reversed(path.parents), path]:
        try:
            if not d.stat().st_mode & stat.S_IXOTH:
                return d
        except OSError:
            return d
    return None


def advice() -> str:
    lib = Path(sysconfig.get_paths()["stdlib"])
    blocked = unreadable(lib)
    where = (f"the interpreter's standard library ({lib}) sits under {blocked}, which other users cannot enter"
             if blocked else f"the interpreter is {lib}")
    return (f"{where}. Grade with a Python other users can read (e.g. a venv made from /usr/bin/python3 "
            "or one under /opt), make that folder traversable (chmod o+x), or run the grader as a non-root user.")


def readable_everywhere() -> bool:
    """Every folder on the way to the interpreter's library and site-packages lets other users in."""
    paths = sysconfig.get_paths()
    return all(unreadable(Path(paths[k])) is None for k in ("stdlib", "platstdlib", "purelib", "platlib"))


def probe(s, worker, force: bool = False) -> str | None:
    """None when an isolated job imports what the set needs; else what failed, in words. Without
    `force`, an interpreter every user can read needs no probe job (it costs an optimizer step)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or (not force and readable_everywhere()):
        return None
    metas = [m for m in check_metas(worker) if not m.milestone and not m.data] or check_metas(worker)
    m = min(metas, key=lambda x: x.timeout)
    ex = s.exercise(m.exercise)
    with tempfile.TemporaryDirectory(prefix="z2h-preflight-") as tmp:
        os.chmod(tmp, 0o755)
        body = "".join(f"import {r}\n" for r in s.requires) + (TORCH_STEP if "torch" in s.requires else "")
        Path(tmp, f"{ex.name}.py").write_text(body)
        job = Job(id="p-preflight", exercise=ex.name, module=ex.name, module_path=str(Path(tmp, f"{ex.name}.py")),
                  search_path=[tmp], checks=[m.name], budget=m.timeout + 10, student_dirs=[tmp], tag="preflight",
                  isolate=True)
        done = worker.run([job], 1)
    run = done[job.id].runs.get(m.name)
    if run is None:
        return done[job.id].detail or "the probe job never reported back"
    err = run.error or {}
    if run.status in (RunStatus.ERROR, RunStatus.TIMEOUT) and err.get("phase") == "import":
        return f"{err.get('type', 'Error')}: {str(err.get('message', '')).strip()[:300]}"
    return None


def require(s, worker) -> None:
    """Refuse (ContentError) when a job uid cannot import what the set needs."""
    why = probe(s, worker)
    if why:
        raise ContentError(s.dir, f"grading as root runs each job as a uid of its own, and such a job cannot import "
                                  f"what {s.name} needs ({why}); {advice()}")
