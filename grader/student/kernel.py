"""Inside a Jupyter kernel: `check("micrograd/value")` grades the cells the student has *run*.

It takes the latest version of each exercise cell from IPython's input history, and registers every
run exercise cell as an importable module, so `from value import Value` in a later cell gets the
notebook's `Value`, not the stub file on disk. The cells are graded in the sandbox, never here."""
from __future__ import annotations

import ast
import atexit
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path

from grader.course.manifest import ContentError, course_root, load_course, resolve
from grader.grading import engine
from grader.grading.jobs import Options, start_worker
from grader.grading.oracle import Oracle
from grader.grading.results import relabel
from grader.render import console as console_r
from grader.render import notebook as nb_screens
from grader.sources.cells import MARKER, marker_of, strip_magics, write_modules
from grader.student import progress

_WORKERS: dict = {}      # (course root, set) -> (Worker, Oracle seed-0 cache) kept warm between checks


_HOOKED = False


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def kernel_sources(shell) -> dict[str, str]:
    """Exercise id -> the source of the latest executed cell marked for it, from the input history."""
    hist = list(getattr(shell.history_manager, "input_hist_raw", None) or shell.user_ns.get("In", []))
    out: dict[str, str] = {}
    for src in hist:
        eid = marker_of(src or "")
        if eid:
            out[eid] = src        # later entries win: the latest run
    return out


def top_level_names(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names: list[str] = []

    def targets(t):
        if isinstance(t, ast.Name):
            names.append(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                targets(e)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                targets(t)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets(node.target)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                if a.name != "*":
                    names.append(a.asname or a.name.split(".")[0])
    return names


def register(shell, eid: str, raw: str) -> types.ModuleType:
    """Make the cell importable by its module name, from what the kernel already ran (nothing re-runs)."""
    name = eid.split("/", 1)[1]
    try:
        code = shell.transform_cell(raw)
    except Exception:
        code = raw
    mod = types.ModuleType(name, f"notebook cell {eid}")
    mod.__file__ = f"<notebook cell {eid}>"
    ns = shell.user_ns
    for n in top_level_names(code):
        if n in ns:
            setattr(mod, n, ns[n])
    sys.modules[name] = mod
    return mod


def _post_run(result) -> None:
    shell = _shell()
    raw = getattr(getattr(result, "info", None), "raw_cell", None) or ""
    eid = marker_of(raw)
    if shell is not None and eid and getattr(result, "error_in_exec", None) is None \
            and getattr(result, "error_before_exec", None) is None:
        register(shell, eid, raw)


def install_hook() -> None:
    """In a kernel: register each exercise cell as a module right after it runs. Elsewhere: nothing."""
    global _HOOKED
    shell = _shell()
    if shell is None or _HOOKED:
        return
    shell.events.register("post_run_cell", _post_run)
    _HOOKED = True


def _session(course, s):
    """A warm worker and a reference cache per set, kept for the kernel's life."""
    key = (str(course.root), s.name)
    w = _WORKERS.get(key)
    if w is None or not _alive(w[0]):
        worker = start_worker(s)
        atexit.register(worker.close)
        w = _WORKERS[key] = (worker, {})
    return w


def _alive(worker) -> bool:
    """A fork worker lives while its zygote does; a portable one starts a process per job."""
    proc = getattr(worker, "proc", None)
    return proc is None or proc.poll() is None


def warm(set_name: str, root: str | None = None) -> None:
    """Start the set's worker now (the notebook's first cell does), so the first check() finds it warm."""
    try:
        course = load_course(course_root(root))
        _session(course, course.set(set_name))
    except (ContentError, KeyError, OSError):
        pass  # check() says what is wrong, when it is called


def workspace(home: str | None = None) -> str:
    """The workspace `check` grades against: `home` (or $Z2H_HOME, or ~/z2h), made from the course
    shipped with the package when it is not there yet (Colab's first cell calls this)."""
    from grader.student.doctor import make_workspace
    path = Path(home or os.environ.get("Z2H_HOME") or "~/z2h").expanduser().resolve()
    if not (path / "exercises" / "course.toml").is_file():
        make_workspace(path)
    os.environ["Z2H_HOME"] = str(path)
    return str(path)


def hint(target: str, root: str | None = None) -> None:
    """The next hint for an exercise, as `grade hint` shows it (and counts it)."""
    from grader.student import verbs
    console = console_r.notebook_console()
    try:
        verbs.hint(load_course(course_root(root)), target, console)
    except (ContentError, KeyError) as e:
        console_r.render_error(console, str(e.args[0]) if isinstance(e, KeyError) else str(e))


def reset(target: str, root: str | None = None) -> None:
    """A fresh stub for an exercise: in a notebook, a new cell under this one (your cell stays as it
    is); elsewhere, as `grade reset` (the file restored, the old one kept as .bak)."""
    from grader.course import stubs
    from grader.student import verbs
    console = console_r.notebook_console()
    try:
        course = load_course(course_root(root))
        s, ex = resolve(course, target)
        shell = _shell()
        if shell is None or ex is None:
            verbs.reset(course, target, console, yes=False)
            return
        shell.set_next_input(f"{MARKER}{ex.id}\n{stubs.pristine(s, ex).rstrip()}\n", replace=False)
        console.print(f"A fresh {ex.id} cell is below: run it, then check(\"{ex.id}\").")
    except (ContentError, KeyError) as e:
        console_r.render_error(console, str(e.args[0]) if isinstance(e, KeyError) else str(e))


def check(target: str, root: str | None = None, seed: int = 0):
    """Grade the code you last ran in this notebook for `target` ("micrograd/value", or a whole set)."""
    console = console_r.notebook_console()
    shell = _shell()
    try:
        course = load_course(course_root(root))
        s, ex = resolve(course, target)
    except (ContentError, KeyError) as e:
        console_r.render_error(console, str(e.args[0]) if isinstance(e, KeyError) else str(e))
        return None
    if shell is None:
        console_r.render_error(console, f"check() grades the cells you run in a Jupyter notebook; in a terminal, "
                            f"run `grade {target}` (or `grade {s.name} --notebook FILE.ipynb`)")
        return None
    install_hook()
    sources = {eid: src for eid, src in kernel_sources(shell).items() if eid.startswith(s.name + "/")}
    for eid, src in sources.items():
        if eid.split("/", 1)[1] in {e.name for e in s.exercises}:
            register(shell, eid, src)
    wanted = [ex] if ex else [e for e in s.exercises if e.id in sources]
    if not wanted:
        nb_screens.render_notebook_unrun(console, ex.id if ex else s.name)
        return None
    if ex is not None and ex.id not in sources:
        nb_screens.render_notebook_unrun(console, ex.id)
        return None
    worker, oracles = _session(course, s)
    with tempfile.TemporaryDirectory(prefix="z2h-nb-") as tmp:
        folder = Path(tmp) / s.name
        modules, labels = {}, {}
        for e in s.exercises:
            if e.id in sources:
                modules[e.name], _ = strip_magics(sources[e.id])
                labels[e.name] = f"cell {e.id}"
            elif s.stub_path(e).is_file():
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy(s.stub_path(e), folder / f"{e.name}.py")
        write_modules(folder, modules)
        opts = Options(seed=seed, student_dir=folder)
        oracle = oracles.get(seed)
        if oracle is None:
            oracle = oracles[seed] = Oracle(s, worker, opts)
        result = engine.grade_set(s, ex, opts, worker=worker, oracle=oracle)
        relabel(result, folder, labels)
    exercises = [r for r in result.exercises if r.exercise in wanted]
    warning = progress.record(course.root, exercises)
    nb_screens.render_notebook_check(console, exercises, warning)
    return None
