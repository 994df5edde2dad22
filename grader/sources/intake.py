"""Take a student's submission (a folder, a zip or a notebook) and keep only the stub files.

Checks, manifests and fixtures always come from the instructor's copy. Nothing is extracted
but files named like a stub, each read with a size cap, so a hostile archive (path traversal,
zip bomb, symlinks) gets an error row, never a foothold.
"""
from __future__ import annotations

import contextlib
import lzma
import os
import stat
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
        from grader.sources.cells import NotebookError, modules_from_notebook
        try:
            found, _ = modules_from_notebook(sub, s)
        except NotebookError as e:
            raise SubmissionError(str(e)) from None
        found = {f"{k}.py": v.encode("utf-8", "backslashreplace") for k, v in found.items()}
    elif not sub.exists():
        raise SubmissionError(f"{sub} does not exist")
    else:
        raise SubmissionError(f"{sub.name} is not a folder, a .zip or a .ipynb notebook")
    if not found:
        raise SubmissionError(f"{sub.name} holds none of the stub files ({', '.join(names)})")
    _write_snapshot(dest, found)


def _write_snapshot(dest: Path, found: dict[str, bytes]) -> None:
    """The snapshot goes into a folder the grader alone owns (0700, never through a link), each file
    made new: what is graded is what was read, whatever happens to the submission afterwards."""
    st = os.lstat(dest)
    mine = os.geteuid() if hasattr(os, "geteuid") else st.st_uid   # Windows: no uids to compare
    if not stat.S_ISDIR(st.st_mode) or _is_link(st) or st.st_uid != mine:
        raise SubmissionError(f"{dest} is not a folder of the grader's own")
    os.chmod(dest, 0o700)  # the owner's alone: an isolated job reads a private copy (worker); never
    # touch dest.parent, which may be /tmp itself
    for name, data in found.items():
        with contextlib.suppress(FileNotFoundError):
            os.unlink(dest / name)
        fd = os.open(dest / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_BINARY", 0), 0o600)  # O_EXCL: never through a link, anywhere
        with open(fd, "wb") as f:
            f.write(data)


def hide_answers(s) -> None:
    """A submission is graded as root with each job run as a uid of its own (batch, Gradescope): the
    references, the recorded results and the course's history (.git holds every solution ever
    committed) must be unreadable to those uids, or a job could read what it must return.
    Their folders become 0700 (root, the grader, still reads them). Not root: nothing to do, as the
    job runs as the very user who owns those files."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    for d in (s.root / "solutions", s.root / "data" / "fixtures", s.root / ".git"):
        if d.is_symlink() or not d.exists():
            continue
        if d.stat().st_uid != 0:
            os.chown(d, 0, 0)
        os.chmod(d, 0o700 if d.is_dir() else 0o600)  # .git is a file in a git worktree


def _rank(parts: tuple[str, ...], set_name: str) -> tuple:
    """Prefer exercises/<set>/<name>.py, then <set>/<name>.py, then the shallowest path."""
    return (set_name not in parts, len(parts))


def _fd_walk() -> bool:
    """Descriptors relative to a folder and O_NOFOLLOW (POSIX); elsewhere intake_paths checks paths."""
    return os.open in os.supports_dir_fd and os.scandir in os.supports_fd and hasattr(os, "O_NOFOLLOW") \
        and hasattr(os, "O_DIRECTORY")


def _is_link(st: os.stat_result) -> bool:
    """A symlink, or on Windows any reparse point (a junction, a symlink, a mount point)."""
    return stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_file_attributes", 0) & 0x400)


_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)   # Windows has neither
MAX_DEPTH, MAX_ENTRIES = 16, 20_000   # how far intake looks into a submission folder


def _open_dir(top: int, parts: tuple[str, ...]) -> int:
    """The folder top/parts, each component opened without following a link: a student who swaps a
    folder or a file for a symlink after it was found gets an error, never the instructor's file."""
    fd = os.dup(top)
    try:
        for part in parts:
            nxt = os.open(part, _DIR, dir_fd=fd)
            os.close(fd)
            fd = nxt
        return fd
    except OSError:
        os.close(fd)
        raise


def _find(top: int, names: list[str]) -> dict[str, list[tuple[str, ...]]]:
    """name -> the folders (as path parts) holding a plain file of that name; no links, no hidden folders."""
    hits: dict[str, list[tuple[str, ...]]] = {}
    todo, seen = [()], 0
    while todo:
        parts = todo.pop()
        try:
            fd = _open_dir(top, parts)
        except OSError:
            continue
        try:
            for e in os.scandir(fd):
                seen += 1
                if seen > MAX_ENTRIES:
                    raise SubmissionError(f"the submission holds more than {MAX_ENTRIES:,} files and folders")
                if e.name.startswith("."):
                    continue
                if e.is_dir(follow_symlinks=False) and len(parts) < MAX_DEPTH:
                    todo.append((*parts, e.name))
                elif e.name in names and e.is_file(follow_symlinks=False):
                    hits.setdefault(e.name, []).append(parts)
        finally:
            os.close(fd)
    return hits


def _read_snapshot(top: int, parts: tuple[str, ...], name: str) -> bytes:
    """One file's bytes, read once through descriptors that followed no link, capped: what is graded
    is this snapshot, whatever the student's folder holds a moment later."""
    shown = "/".join((*parts, name))
    try:
        dfd = _open_dir(top, parts)
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dfd)
        finally:
            os.close(dfd)
    except OSError as e:
        raise SubmissionError(f"{shown} could not be read safely ({e.strerror or e}): a link or a moving file?") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SubmissionError(f"{shown} is not a plain file")
        data = os.read(fd, MAX_FILE + 1)
        while len(data) <= MAX_FILE and (more := os.read(fd, MAX_FILE + 1 - len(data))):
            data += more
    finally:
        os.close(fd)
    if len(data) > MAX_FILE:
        raise SubmissionError(f"{shown} is larger than {MAX_FILE // 1024} KiB")
    return data


def _from_folder(sub: Path, set_name: str, names: list[str]) -> dict[str, bytes]:
    if not _fd_walk():
        return _from_folder_by_path(sub, set_name, names)   # Windows: no dir_fd, no O_NOFOLLOW
    try:
        top = os.open(sub, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise SubmissionError(f"{sub} cannot be read ({e.strerror or e})") from None
    try:
        found = {}
        for name, where in _find(top, names).items():
            best = min(where, key=lambda parts: _rank(parts, set_name))
            found[name] = _read_snapshot(top, best, name)
        return found
    finally:
        os.close(top)


# ---- where descriptors cannot be opened relative to a folder (Windows) ---------------------------
# Each folder and file is identified by (st_dev, st_ino) from lstat when it is found, and every
# step checks it again: the folders on the way before and after reading, the file by lstat before
# opening, by fstat once open, and by lstat after reading. A link or junction swapped in anywhere
# shows as a link or as another file, and the submission is refused.

def _ident(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def _find_by_path(sub: Path, names: list[str]) -> tuple[dict, dict]:
    """As _find, by path: name -> folders (path parts) holding it; and each folder's and file's ident."""
    hits: dict[str, list[tuple[str, ...]]] = {}
    idents = {(): _ident(os.stat(sub))}   # the submission itself is the instructor's to name
    todo, seen = [()], 0
    while todo:
        parts = todo.pop()
        folder = sub.joinpath(*parts)
        _same(folder, idents[parts], parts != (), "/".join(parts))
        try:
            entries = os.scandir(folder)
        except OSError:
            if not parts:
                raise
            continue  # an unreadable folder holds nothing intake can take, as with descriptors
        with entries:
            for e in entries:
                seen += 1
                if seen > MAX_ENTRIES:
                    raise SubmissionError(f"the submission holds more than {MAX_ENTRIES:,} files and folders")
                if e.name.startswith("."):
                    continue
                st = os.lstat(e.path)   # not e.stat(): on Windows its st_ino is 0
                if _is_link(st):
                    continue
                if stat.S_ISDIR(st.st_mode) and len(parts) < MAX_DEPTH:
                    todo.append((*parts, e.name))
                    idents[(*parts, e.name)] = _ident(st)
                elif e.name in names and stat.S_ISREG(st.st_mode):
                    hits.setdefault(e.name, []).append(parts)
                    idents[(*parts, e.name)] = _ident(st)
        _same(folder, idents[parts], parts != (), "/".join(parts))
    return hits, idents


def _same(path: Path, ident: tuple, nolink: bool, shown: str) -> None:
    """`path` is still what was found: not a link (below the top), the same device and inode."""
    try:
        st = os.lstat(path) if nolink else os.stat(path)
    except OSError as e:
        raise SubmissionError(f"{shown or path.name} could not be read safely ({e.strerror or e}): a moving file?") from None
    if (nolink and _is_link(st)) or _ident(st) != ident:
        raise SubmissionError(f"{shown or path.name} could not be read safely: a link or a moving file?")


def _read_by_path(sub: Path, parts: tuple[str, ...], name: str, idents: dict) -> bytes:
    shown = "/".join((*parts, name))
    chain = [parts[:i] for i in range(len(parts) + 1)]
    for p in chain:
        _same(sub.joinpath(*p), idents[p], p != (), shown)
    path = sub.joinpath(*parts, name)
    _same(path, idents[(*parts, name)], True, shown)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise SubmissionError(f"{shown} could not be read safely ({e.strerror or e}): a link or a moving file?") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or _ident(st) != idents[(*parts, name)]:
            raise SubmissionError(f"{shown} could not be read safely: a link or a moving file?")
        data = os.read(fd, MAX_FILE + 1)
        while len(data) <= MAX_FILE and (more := os.read(fd, MAX_FILE + 1 - len(data))):
            data += more
    finally:
        os.close(fd)
    _same(path, idents[(*parts, name)], True, shown)
    for p in chain:
        _same(sub.joinpath(*p), idents[p], p != (), shown)
    if len(data) > MAX_FILE:
        raise SubmissionError(f"{shown} is larger than {MAX_FILE // 1024} KiB")
    return data


def _from_folder_by_path(sub: Path, set_name: str, names: list[str]) -> dict[str, bytes]:
    try:
        hits, idents = _find_by_path(sub, names)
        return {name: _read_by_path(sub, min(where, key=lambda parts: _rank(parts, set_name)), name, idents)
                for name, where in hits.items()}
    except OSError as e:
        raise SubmissionError(f"{sub} cannot be read ({e.strerror or e})") from None


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
