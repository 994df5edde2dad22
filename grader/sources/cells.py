"""Notebooks (nbformat): export a set as a notebook, grade a notebook file, and `check()` inside Jupyter.

A notebook holds one code cell per exercise. Its first line names the exercise
(`# z2h: micrograd/value`), and so do its metadata (`cell.metadata["z2h"]["exercise"]`) and a
tag (`z2h:micrograd/value`). Grading a notebook writes each such cell as the module
`<name>.py` in a temporary folder and grades that folder with the one engine, in the same
sandbox as `grade <set>`: the notebook's code never runs in the grader's process.

Inside a kernel, `check("micrograd/value")` grades the latest version of each exercise cell
the student has *run* (from IPython's input history), and registers every run exercise cell
as an importable module, so `from value import Value` in a later cell gets the notebook's
`Value`, not the stub file on disk.
"""
from __future__ import annotations

import ast
import re
import shutil
import sys
import tempfile
import types
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.course.manifest import ContentError, ExerciseSet

MARKER = "# z2h: "
MARKER_RE = re.compile(r"^#\s*z2h:\s*([a-z][a-z0-9_]*/[a-z][a-z0-9_]*)\s*$")
TAG = "z2h:"
MAX_CELL = 1 * 2**20      # bytes of one cell's source we are willing to grade
MAX_NOTEBOOK = 64 * 2**20


class NotebookError(ValueError):
    """A notebook we cannot read at all (not JSON, not a notebook, too large)."""


# ---- export --------------------------------------------------------------------------------------

def default_path(s: ExerciseSet) -> Path:
    return s.dir / f"{s.name}.ipynb"


def _stub_text(s: ExerciseSet, ex) -> str:
    path = s.stub_path(ex)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    from grader.student.grade import pristine_stub
    return pristine_stub(s, ex)


def build(s: ExerciseSet) -> nbformat.NotebookNode:
    """The set as a notebook: brief, then per exercise a heading, the stub cell and its check cell."""
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["z2h"] = {"set": s.name, "format": 1}
    brief = s.dir / "README.md"
    nb.cells.append(v4.new_markdown_cell(brief.read_text(encoding="utf-8") if brief.is_file()
                                         else f"# {s.title}\n\n{s.lecture}".strip()))
    nb.cells.append(v4.new_markdown_cell(
        "## How this notebook works\n\n"
        "Each exercise is one code cell: fill in every `# TODO` (replace the `raise NotImplementedError(...)` "
        "under it), run the cell, then run the check cell under it. `check` grades the code you last *ran*, "
        "in a separate sandboxed process, and saves your progress.\n\n"
        "Keep the first line of each exercise cell (`# z2h: ...`): it tells the grader which exercise the "
        "cell is. Run the cells top to bottom: later cells import earlier ones by name "
        "(`from value import Value`) and get the version you ran here.\n\n"
        f"From a terminal, `grade {s.name} --notebook {s.name}.ipynb` grades the saved notebook file."))
    setup = v4.new_code_cell("from grader import check  # run me first: later cells can then import earlier ones by name")
    setup.metadata["z2h"] = {"setup": True}
    nb.cells.append(setup)
    for ex in s.exercises:
        nb.cells.append(v4.new_markdown_cell(
            f"## {ex.title}\n\n`{ex.id}` — {ex.points} points"
            + (f"; uses {', '.join(f'`{n}`' for n in ex.needs)}" if ex.needs else "")))
        cell = v4.new_code_cell(f"{MARKER}{ex.id}\n{_stub_text(s, ex).rstrip()}\n")
        cell.metadata["z2h"] = {"exercise": ex.id}
        cell.metadata["tags"] = [f"{TAG}{ex.id}"]
        nb.cells.append(cell)
        chk = v4.new_code_cell(f'from grader import check\ncheck("{ex.id}")')
        chk.metadata["z2h"] = {"check": ex.id}
        nb.cells.append(chk)
    return nb


def export(s: ExerciseSet, out: Path | None = None, force: bool = False) -> Path:
    """Write the set's notebook; never over an existing file unless `force`."""
    path = Path(out) if out else default_path(s)
    if path.is_dir():
        path = path / f"{s.name}.ipynb"
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists: your work may be in it. Use --force to overwrite it, "
                              f"or --out OTHER.ipynb")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(build(s), str(tmp))
    tmp.replace(path)
    return path


# ---- reading a notebook file ---------------------------------------------------------------------

@dataclass
class Scan:
    """What a notebook holds for a set: module sources, where they came from, and what is wrong."""
    modules: dict[str, str] = field(default_factory=dict)          # exercise name -> source
    cells: dict[str, int] = field(default_factory=dict)            # exercise name -> cell number (1-based)
    problems: dict[str, list[str]] = field(default_factory=dict)   # exercise name ("" = the notebook) -> messages

    def add(self, name: str, msg: str) -> None:
        self.problems.setdefault(name, []).append(msg)

    def messages(self, s: ExerciseSet) -> list[str]:
        out = list(self.problems.get("", []))
        for ex in s.exercises:
            out += [f"{ex.id}: {m}" for m in self.problems.get(ex.name, [])]
        return out


def marker_of(source: str) -> str | None:
    """The exercise id on the first non-blank line (`# z2h: micrograd/value`), if any."""
    for line in source.splitlines():
        if line.strip():
            m = MARKER_RE.match(line.strip())
            return m.group(1) if m else None
    return None


def _claims(cell) -> dict[str, str]:
    """Every label a code cell carries: {"first line": id, "metadata": id, "tag": id}."""
    out = {}
    meta = cell.get("metadata", {}).get("z2h")
    if isinstance(meta, dict) and isinstance(meta.get("exercise"), str):
        out["metadata"] = meta["exercise"]
    for t in cell.get("metadata", {}).get("tags", []) or []:
        if isinstance(t, str) and t.startswith(TAG):
            out["tag"] = t[len(TAG):]
    mark = marker_of(_source(cell))
    if mark:
        out["first line"] = mark
    return out


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def read(path: Path) -> nbformat.NotebookNode:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_NOTEBOOK:
            raise NotebookError(f"{path.name} is larger than {MAX_NOTEBOOK // 2**20} MiB")
        return nbformat.read(str(path), as_version=4)
    except NotebookError:
        raise
    except Exception as e:  # nbformat raises JSON, validation and version errors of many kinds
        raise NotebookError(f"{path.name} is not a readable notebook ({type(e).__name__}: {e})") from None


def scan(nb, s: ExerciseSet) -> Scan:
    """Find each exercise's cell; report deleted, duplicated, retagged and reordered cells."""
    known = {ex.id: ex for ex in s.exercises}
    res = Scan()
    found: dict[str, list[tuple[int, str]]] = {}
    conflicted: dict[str, list[int]] = {}
    for i, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "code":
            continue
        claims = _claims(cell)
        ids = set(claims.values())
        if not ids:
            continue
        if len(ids) > 1:
            said = ", ".join(f"its {k} says {v}" for k, v in claims.items())
            res.add("", f"cell {i} is labelled for more than one exercise ({said}); it was not graded. Give it "
                    f"one label: its first line `{MARKER}<exercise>`, and the same in its tag and metadata "
                    "(or copy the cell from a freshly exported notebook)")
            for eid in ids:
                conflicted.setdefault(eid, []).append(i)
            continue
        eid = ids.pop()
        if eid not in known:
            where = "is not an exercise of this set" if eid.split("/")[0] == s.name else f"belongs to another set"
            res.add("", f"cell {i} is labelled {eid}, which {where} ({s.name}: "
                    f"{', '.join(e.name for e in s.exercises)}); it was not graded")
            continue
        src = _source(cell)
        if len(src.encode("utf-8", "replace")) > MAX_CELL:
            res.add(known[eid].name, f"cell {i} is larger than {MAX_CELL // 1024} KiB; it was not graded")
            continue
        found.setdefault(eid, []).append((i, src))
    for ex in s.exercises:
        cells = found.get(ex.id)
        if not cells:
            if ex.id in conflicted:
                res.add(ex.name, f"its only cell (cell {conflicted[ex.id][0]}) carries two labels and was not graded")
            elif ex.name not in res.problems:
                res.add(ex.name, f"the notebook has no cell for {ex.id} (deleted?). Export a fresh notebook "
                        f"(`grade notebook {s.name} --out fresh.ipynb`) and copy its cell for {ex.id} back.")
            continue
        if len(cells) > 1:
            nums = ", ".join(str(n) for n, _ in cells)
            res.add(ex.name, f"{len(cells)} cells are labelled {ex.id} (cells {nums}); graded the last, cell "
                    f"{cells[-1][0]}, as running the notebook top to bottom would. Delete the others.")
        n, src = cells[-1]
        src, magics = strip_magics(src)
        if magics:
            res.add(ex.name, f"cell {n}: {magics} line(s) of IPython magic (% or !) are not Python and were "
                    "left out of grading")
        res.modules[ex.name], res.cells[ex.name] = src, n
    order = [ex for ex in s.exercises if ex.name in res.cells]
    for ex in order:
        for need in ex.needs:
            if need in res.cells and res.cells[need] > res.cells[ex.name]:
                res.add(ex.name, f"its cell (cell {res.cells[ex.name]}) comes before the cell of {s.name}/{need} "
                        f"(cell {res.cells[need]}), which it imports: run top to bottom, it would import "
                        f"{need}.py from disk, not your cell. Graded as is; move it below.")
    positions = [res.cells[ex.name] for ex in order]
    if positions != sorted(positions):
        res.add("", "the exercise cells are not in the set's order ("
                + ", ".join(ex.name for ex in order) + "); each was still graded on its own")
    return res


def strip_magics(src: str) -> tuple[str, int]:
    """Comment out IPython magics and shell escapes, which are not Python; keep line numbers."""
    lines, n = [], 0
    cell_magic = False
    for k, line in enumerate(src.splitlines()):
        s = line.lstrip()
        if (k == 0 and s.startswith("%%")) or cell_magic:
            cell_magic = True
        if cell_magic or (s.startswith(("%", "!")) and line[: len(line) - len(s)] == ""):
            lines.append("# " + line)
            n += 1
        else:
            lines.append(line)
    return "\n".join(lines) + ("\n" if src.endswith("\n") or not src else "\n"), n


def modules_from_notebook(path: Path, s: ExerciseSet) -> tuple[dict[str, str], list[str]]:
    """The exercise modules a notebook file holds (name -> source), and what is wrong with it."""
    res = scan(read(Path(path)), s)
    return res.modules, res.messages(s)


# ---- grading a folder written from notebook sources -------------------------------------------

def write_modules(folder: Path, modules: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, src in modules.items():
        (folder / f"{name}.py").write_text(src, encoding="utf-8")


def relabel(result, folder: Path, labels: dict[str, str]) -> None:
    """Name notebook cells, not the temporary module files, in a result's files and tracebacks."""
    prefixes = sorted({str(folder) + "/", str(folder.resolve()) + "/"}, key=len, reverse=True)

    def fix(text: str) -> str:
        for p in prefixes:
            for name, label in labels.items():
                text = text.replace(f'"{p}{name}.py"', f'"{label}"').replace(f"{p}{name}.py", label)
            text = text.replace(p, "")
        return text

    for r in result.exercises:
        if r.exercise.name in labels:
            r.file = labels[r.exercise.name]
        for c in r.checks:
            if c.error:
                c.error = {k: fix(v) if isinstance(v, str) else v for k, v in c.error.items()}
        r.detail = fix(r.detail)


def apply_problems(result, sc: Scan) -> None:
    """A missing or unusable cell: say so instead of 'the file is missing'."""
    for r in result.exercises:
        msgs = sc.problems.get(r.exercise.name)
        if msgs and r.exercise.name not in sc.modules:
            r.status, r.detail = "error", " ".join(msgs)
            r.file = f"a cell whose first line is `{MARKER}{r.exercise.id}`"


def export_cli(course, set_name: str, out: str | None, force: bool, console) -> int:
    """`grade notebook SET [--out PATH] [--force]`."""
    from grader.student import grade as app
    from grader.render import console as console_r
    from grader.render import machine
    from grader.render import notebook as nb_screens
    from grader.course.manifest import resolve
    s, ex = resolve(course, set_name)
    if ex is not None:
        console_r.render_error(console, f"a notebook holds a whole set: grade notebook {s.name}")
        return app.EXIT_USAGE
    try:
        path = export(s, Path(out) if out else None, force)
    except FileExistsError as e:
        console_r.render_error(console, str(e))
        return app.EXIT_FAIL
    nb_screens.render_notebook_written(console, _shown(path, course.root), s)
    return app.EXIT_OK


def _shown(path: Path, root: Path) -> str:
    for base in (Path.cwd(), root):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)


def grade_cli(course, target: str, path: str, console, opts, fmt: str = "text") -> int:
    """`grade SET --notebook PATH`: the notebook's exercise cells graded as the .py stubs are."""
    import json

    from grader.student import grade as app
    from grader.grading import engine
    from grader.student import progress
    from grader.render import console as console_r
    from grader.render import machine
    from grader.render import notebook as nb_screens
    from grader.course.manifest import resolve
    s, only = resolve(course, target)
    path = Path(path)
    try:
        sc = scan(read(path), s)
    except (NotebookError, OSError) as e:
        console_r.render_error(console, str(e))
        return app.EXIT_USAGE
    labels = {name: f"{path.name} cell {n} ({s.name}/{name})" for name, n in sc.cells.items()}
    with tempfile.TemporaryDirectory(prefix="z2h-nb-") as tmp:
        folder = Path(tmp) / s.name
        write_modules(folder, sc.modules)
        opts.student_dir = folder
        quiet = fmt != "text"
        with console_r.grading_progress(console_r.make_console(open("/dev/null", "w")) if quiet else console,
                                     f"grading {path.name}", 1 if only else len(s.exercises)) as on_event:
            result = engine.grade_set(s, only, opts, on_event)
        relabel(result, folder, labels)
    apply_problems(result, sc)
    warning = progress.record(course.root, result.exercises)
    if fmt == "json":
        doc = machine.as_json(result)
        doc["notebook"] = {"path": str(path), "problems": sc.messages(s)}
        print(json.dumps(doc, indent=1))
    else:
        nb_screens.render_notebook_problems(console, path.name, sc.messages(s))
        nb_screens.render_notebook_set(console, result, f"grade {target} --notebook {path}", focus=only is not None)
        if warning:
            console.print(warning, style="yellow")
    return app.EXIT_OK if all(r.status == "passed" for r in result.exercises) else app.EXIT_FAIL


# ---- inside a Jupyter kernel ---------------------------------------------------------------------

_HOOKED = False
_WORKERS: dict = {}      # (course root, set) -> (Worker, Oracle seed-0 cache) kept warm between checks


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
    if w is None or w[0].proc.poll() is not None:
        from grader.student.watch import warm_worker
        worker = warm_worker(s)
        import atexit
        atexit.register(worker.close)
        w = _WORKERS[key] = (worker, {})
    return w


def check(target: str, root: str | None = None, seed: int = 0):
    """Grade the code you last ran in this notebook for `target` ("micrograd/value", or a whole set)."""
    from grader.student import grade as app
    from grader.grading import engine
    from grader.student import progress
    from grader.render import console as console_r
    from grader.render import machine
    from grader.render import notebook as nb_screens
    from grader.course.manifest import load_course, resolve
    console = console_r.notebook_console()
    shell = _shell()
    try:
        course = load_course(app.default_root(root))
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
        opts = engine.Options(seed=seed, student_dir=folder)
        oracle = oracles.get(seed)
        if oracle is None:
            from grader.grading.oracle import Oracle
            oracle = oracles[seed] = Oracle(s, worker, opts)
        result = engine.grade_set(s, ex, opts, worker=worker, oracle=oracle)
        relabel(result, folder, labels)
    exercises = [r for r in result.exercises if r.exercise in wanted]
    warning = progress.record(course.root, exercises)
    nb_screens.render_notebook_check(console, exercises, warning)
    return None
