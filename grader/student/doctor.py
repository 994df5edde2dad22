"""`grade doctor` (what this machine has, and what to do about each problem) and `grade init [DIR]`
(a student workspace from the course shipped in the package: stubs, checks, manifests, fixtures and
set READMEs; never solutions or mistakes)."""
from __future__ import annotations

import platform
import shutil
import sys
import tempfile
from pathlib import Path

from grader.course import datasets as data
from grader.course.manifest import ContentError, course_root, last_init_file, load_course
from grader.exits import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from grader.render import console as console_r
from grader.render import screens
from grader.sandbox import portable

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".z2h", "*.ipynb", ".ipynb_checkpoints", "*.bak")


def shipped_course() -> Path | None:
    """The course content that came with the package: `grader._course` in an installed wheel (see
    pyproject.toml), or the checkout the package runs from."""
    try:
        import grader._course as shipped
        roots = [Path(p) for p in shipped.__path__]
    except ImportError:
        roots = []
    roots.append(Path(__file__).resolve().parents[2])
    return next((r for r in roots if (r / "exercises" / "course.toml").is_file()), None)


def make_workspace(dest: Path) -> Path:
    """Copy the shipped course into `dest` (new or empty); keep the stubs as shipped for `grade reset`."""
    src = shipped_course()
    if src is None:
        raise ContentError(dest, "this installation ships no course content (reinstall z2h-grader)")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ContentError(dest, "exists and is not an empty folder; choose another")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src / "exercises", dest / "exercises", ignore=IGNORE)
    if (src / "data" / "fixtures").is_dir():
        shutil.copytree(src / "data" / "fixtures", dest / "data" / "fixtures", ignore=IGNORE)
    course = load_course(dest)
    for name in course.set_names:
        s = course.set(name)
        keep = dest / "data" / "stubs" / name
        keep.mkdir(parents=True, exist_ok=True)
        for ex in s.exercises:
            stub = s.dir / f"{ex.name}.py"
            if stub.is_file():
                shutil.copyfile(stub, keep / stub.name)
    remember(dest)
    return dest


def remember(dest: Path) -> None:
    """The last workspace made: `grade` finds it from anywhere (after the current folder and $Z2H_HOME)."""
    f = last_init_file()
    try:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(str(dest.resolve()) + "\n", encoding="utf-8")
    except OSError:
        pass


def init(where: str | None, console, fmt: str = "text") -> int:
    dest = Path(where or "z2h").expanduser().resolve()
    try:
        make_workspace(dest)
    except (ContentError, OSError) as e:
        console_r.render_error(console, str(e), fmt)
        return EXIT_USAGE
    if fmt == "json":
        console_r.print_json({"schema": "z2h-init/1", "workspace": str(dest)})
    else:
        console.print(f"Made a workspace in {dest}. Next: cd {dest} and run `grade` (or `grade micrograd`).")
    return EXIT_OK


def findings(root: str | None) -> list[dict]:
    """Each finding: what, what was found, ok, and what to do when not ok."""
    out = [_row("python", f"{sys.version.split()[0]} at {sys.executable}", sys.version_info >= (3, 10),
                "install Python 3.10 or newer")]
    out.append(_torch())
    kind = portable.kind()
    out.append(_row("platform", f"{platform.system()} {platform.machine()}; sandbox: {kind}", True, ""))
    try:
        course = load_course(course_root(root))
    except ContentError as e:
        out.append(_row("workspace", str(e), False, "run `grade init` to make one, or cd into yours"))
        return out
    out.append(_row("workspace", str(course.root), True, ""))
    for d in data.registry(course.root):
        where = data.find(d.name, course.root)
        out.append(_row(f"dataset {d.name}", str(where or "missing"), where is not None,
                        f"grade data fetch {d.name} (used by {d.used_by})"))
    out.append(_writable(course.root))
    return out


def _row(what: str, found: str, ok: bool, fix: str) -> dict:
    return {"what": what, "found": found, "ok": bool(ok), "fix": "" if ok else fix}


def _torch() -> dict:
    try:
        import torch
    except ImportError:
        return _row("torch", "not installed", False, "pip install torch (Linux: add --index-url "
                    "https://download.pytorch.org/whl/cpu for the CPU wheel, a few hundred MB instead of GBs)")
    build = "CUDA " + torch.version.cuda if getattr(torch.version, "cuda", None) else "CPU"
    ok = tuple(int(x) for x in torch.__version__.split(".")[:2] if x.isdigit()) >= (2, 1)
    return _row("torch", f"{torch.__version__} ({build}) from {Path(torch.__file__).parent}", ok,
                "pip install -U 'torch>=2.1'")


def _writable(root: Path) -> dict:
    try:
        (root / ".z2h").mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root / ".z2h"):
            pass
        return _row("progress", f"{root / '.z2h'} is writable", True, "")
    except OSError as e:
        return _row("progress", f"cannot write {root / '.z2h'}: {e.strerror}", False,
                    "make the workspace writable, or `grade init` a new one in your home folder")


def doctor(root: str | None, console, fmt: str = "text") -> int:
    rows = findings(root)
    if fmt == "json":
        console_r.print_json({"schema": "z2h-doctor/1", "findings": rows})
    else:
        screens.render_lines(console, [(r["ok"], f"{r['what']}: {r['found']}" + (f"\n         do: {r['fix']}"
                                         if r["fix"] else "")) for r in rows], "grade doctor")
    return EXIT_OK if all(r["ok"] for r in rows) else EXIT_FAIL

