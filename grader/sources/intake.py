"""Take a student's submission (a folder, a zip or a notebook) and keep only the stub files.

Checks, manifests and fixtures always come from the instructor's copy. Nothing is extracted
but files named like a stub, each read with a size cap, so a hostile archive (path traversal,
zip bomb, symlinks) gets an error row, never a foothold.
"""
from __future__ import annotations

import lzma
import os
import zipfile
import zlib
from pathlib import Path

MAX_FILE = 1 * 2**20


class SubmissionError(Exception):
    pass


def intake(sub: Path, s, dest: Path) -> None:
    """Write <dest>/<name>.py for each exercise of set `s` found in the submission."""
    hide_answers(s)
    dest.mkdir(parents=True, exist_ok=True)
    names = [f"{ex.name}.py" for ex in s.exercises]
    if sub.is_dir():
        found = _from_folder(sub, s.name, names)
    elif sub.suffix == ".zip" and sub.is_file():
        found = _from_zip(sub, s.name, names)
    elif sub.suffix == ".ipynb" and sub.is_file():
        from grader.sources.cells import modules_from_notebook
        found, _ = modules_from_notebook(sub, s)
        found = {f"{k}.py": v.encode() for k, v in found.items()}
    elif not sub.exists():
        raise SubmissionError(f"{sub} does not exist")
    else:
        raise SubmissionError(f"{sub.name} is not a folder, a .zip or a .ipynb notebook")
    if not found:
        raise SubmissionError(f"{sub.name} holds none of the stub files ({', '.join(names)})")
    for name, data in found.items():
        (dest / name).write_bytes(data)
        os.chmod(dest / name, 0o600)
    os.chmod(dest, 0o700)  # the owner's alone: an isolated job reads a private copy (worker); never
    # touch dest.parent, which may be /tmp itself


def hide_answers(s) -> None:
    """A submission is graded as root with each job run as a uid of its own (batch, Gradescope): the
    references and the recorded results must be unreadable to those uids, or a job could read what it
    must return.
    Their folders become 0700 (root, the grader, still reads them). Not root: nothing to do, as the
    job runs as the very user who owns those files."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    for d in (s.root / "solutions", s.root / "data" / "fixtures"):
        if d.is_dir() and not d.is_symlink():
            if d.stat().st_uid != 0:
                os.chown(d, 0, 0)
            os.chmod(d, 0o700)


def _rank(parts: tuple[str, ...], set_name: str) -> tuple:
    """Prefer exercises/<set>/<name>.py, then <set>/<name>.py, then the shallowest path."""
    return (set_name not in parts, len(parts))


def _from_folder(sub: Path, set_name: str, names: list[str]) -> dict[str, bytes]:
    found = {}
    for name in names:
        hits = [p for p in sub.rglob(name) if p.is_file() and not p.is_symlink()
                and not any(part.startswith(".") for part in p.relative_to(sub).parts)]
        if hits:
            best = min(hits, key=lambda p: _rank(p.relative_to(sub).parts, set_name))
            if best.stat().st_size > MAX_FILE:
                raise SubmissionError(f"{best.relative_to(sub)} is larger than {MAX_FILE // 1024} KiB")
            found[name] = best.read_bytes()
    return found


def _from_zip(sub: Path, set_name: str, names: list[str]) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(sub) as z:
            members = [i for i in z.infolist() if not i.is_dir() and "__MACOSX" not in i.filename]
            found = {}
            for name in names:
                hits = [i for i in members if Path(i.filename).name == name]
                if not hits:
                    continue
                best = min(hits, key=lambda i: _rank(Path(i.filename).parts, set_name))
                if best.file_size > MAX_FILE:
                    raise SubmissionError(f"{best.filename} in {sub.name} is larger than {MAX_FILE // 1024} KiB")
                with z.open(best) as f:
                    data = f.read(MAX_FILE + 1)
                if len(data) > MAX_FILE:
                    raise SubmissionError(f"{best.filename} in {sub.name} inflates past {MAX_FILE // 1024} KiB")
                found[name] = data
            return found
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError,
            zlib.error, lzma.LZMAError) as e:  # encrypted, an unknown method, corrupt deflate or LZMA data
        raise SubmissionError(f"{sub.name} is not a readable zip ({e})") from None
