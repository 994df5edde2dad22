"""File names as a student knows them: one place that rewrites paths for display."""
from __future__ import annotations

from pathlib import Path


def in_course(path: Path, root: Path) -> str:
    """Relative to the course (exercises/micrograd/value.py); a file outside it (a submission): its name."""
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return Path(path).name


def for_display(path: Path, root: Path) -> str:
    """Relative to the current folder, else to the course, else as given: what a student can open."""
    for base in (Path.cwd(), root):
        try:
            return str(Path(path).resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)


def strip_folder(text: str, folder: Path, labels: dict[str, str] | None = None) -> str:
    """Remove `folder/` from a traceback or message; with labels, name modules ({"value": "cell 3"})."""
    for p in sorted({str(folder) + "/", str(Path(folder).resolve()) + "/"}, key=len, reverse=True):
        for name, label in (labels or {}).items():
            text = text.replace(f'"{p}{name}.py"', f'"{label}"').replace(f"{p}{name}.py", label)
        text = text.replace(p, "")
    return text


def strip_in_error(error: dict | None, folder: Path, labels: dict[str, str] | None = None) -> dict | None:
    if not error:
        return error
    return {k: strip_folder(v, folder, labels) if isinstance(v, str) else v for k, v in error.items()}
