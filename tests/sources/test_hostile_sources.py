"""Hostile submissions taken in: links swapped in after intake looked (TOCTOU), folder links, deep
trees, damaged zips of every kind, and notebooks with odd metadata or lone surrogates: an error in
words or a clean snapshot, never a traceback and never a file outside the submission."""
from __future__ import annotations

import json
import os
import zipfile

import pytest

from grader.course.manifest import load_course
from grader.sources import intake as intake_mod
from grader.sources.cells import modules_from_notebook, write_modules
from grader.sources.intake import SubmissionError, intake
from tests.helpers import TOY

SECRET = TOY / "solutions" / "toy" / "scale.py"


@pytest.fixture
def s():
    return load_course(TOY).set("toy")


def test_a_file_swapped_for_a_link_after_it_was_found_is_refused(tmp_path):
    sub = tmp_path / "alice"
    sub.mkdir()
    (sub / "scale.py").write_text("x = 1\n")
    top = os.open(sub, os.O_RDONLY | os.O_DIRECTORY)
    try:
        hits = intake_mod._find(top, ["scale.py"])
        assert hits == {"scale.py": [()]}
        (sub / "scale.py").unlink()
        (sub / "scale.py").symlink_to(SECRET)   # the swap, between the look and the read
        with pytest.raises(SubmissionError, match="could not be read safely"):
            intake_mod._read_snapshot(top, (), "scale.py")
    finally:
        os.close(top)


def test_a_folder_swapped_for_a_link_is_refused(tmp_path):
    sub = tmp_path / "alice"
    (sub / "toy").mkdir(parents=True)
    (sub / "toy" / "scale.py").write_text("x = 1\n")
    top = os.open(sub, os.O_RDONLY | os.O_DIRECTORY)
    try:
        assert intake_mod._find(top, ["scale.py"]) == {"scale.py": [("toy",)]}
        os.rename(sub / "toy", tmp_path / "moved")
        (sub / "toy").symlink_to(SECRET.parent)
        with pytest.raises(SubmissionError):
            intake_mod._read_snapshot(top, ("toy",), "scale.py")
    finally:
        os.close(top)


def test_folder_links_are_never_followed(tmp_path, s):
    sub = tmp_path / "alice"
    sub.mkdir()
    (sub / "toy").symlink_to(SECRET.parent)
    with pytest.raises(SubmissionError, match="none of the stub files"):
        intake(sub, s, tmp_path / "out")


def test_the_snapshot_is_what_was_read(tmp_path, s):
    sub = tmp_path / "alice"
    sub.mkdir()
    (sub / "scale.py").write_text("mine = 1\n")
    out = tmp_path / "out"
    intake(sub, s, out)
    (sub / "scale.py").write_text("changed = 2\n")
    assert (out / "scale.py").read_text() == "mine = 1\n"
    assert oct(os.stat(out).st_mode & 0o777) == "0o700"


def test_a_deep_tree_ends_in_words_or_a_snapshot(tmp_path, s):
    sub = tmp_path / "alice"
    d = sub
    for _ in range(60):
        d = d / "d"
    d.mkdir(parents=True)
    (d / "scale.py").write_text("x = 1\n")
    (sub / "scale.py").write_text("top = 1\n")
    intake(sub, s, tmp_path / "out")
    assert (tmp_path / "out" / "scale.py").read_text() == "top = 1\n"


@pytest.mark.parametrize("kind", ["encrypted", "method", "deflate", "lzma"])
def test_damaged_zips_are_said_in_words(tmp_path, s, kind):
    z = tmp_path / "sub.zip"
    method = zipfile.ZIP_LZMA if kind == "lzma" else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(z, "w", compression=method) as zf:
        zf.writestr("scale.py", "def scale(xs, k):\n    return [k * x for x in xs]\n" * 50)
    data = bytearray(z.read_bytes())
    if kind == "encrypted":
        data[6] |= 1                        # the local header's "encrypted" flag
        cd = data.rfind(b"PK\x01\x02")
        data[cd + 8] |= 1                   # and the central directory's
    elif kind == "method":
        data[8] = 99                        # an unknown compression method
        cd = data.rfind(b"PK\x01\x02")
        data[cd + 10] = 99
    else:
        start = 30 + len("scale.py")
        data[start + 5:start + 25] = b"\xff" * 20   # corrupt compressed bytes
    z.write_bytes(bytes(data))
    with pytest.raises(SubmissionError):
        intake(z, s, tmp_path / "out")


def _notebook(tmp_path, cells) -> os.PathLike:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        dict({"cell_type": "code", "id": f"c{i}", "outputs": [], "execution_count": None}, **c)
        for i, c in enumerate(cells)]}
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb))
    return p


def test_notebook_with_numeric_tags_and_odd_metadata(tmp_path, s):
    p = _notebook(tmp_path, [
        {"metadata": {"tags": 5}, "source": "# z2h: toy/scale\ndef scale(xs, k):\n    return [k * x for x in xs]\n"},
        {"metadata": {"tags": [3, None, "z2h:toy/counter"], "z2h": 7}, "source": ["x = 1\n"]},
    ])
    modules, _ = modules_from_notebook(p, s)
    assert set(modules) == {"scale", "counter"}
    bad = _notebook(tmp_path, [{"metadata": {}, "source": ["# z2h: toy/scale\n", 5]}])
    with pytest.raises(SubmissionError, match="not a readable notebook"):
        intake(bad, s, tmp_path / "out")


def test_notebook_with_a_lone_surrogate(tmp_path, s):
    p = _notebook(tmp_path, [{"metadata": {}, "source": "# z2h: toy/scale\ns = '\ud800'\ndef scale(xs, k):\n"
                                                           "    return [k * x for x in xs]  # \udfff\n"}])
    modules, _ = modules_from_notebook(p, s)
    write_modules(tmp_path / "mods", modules)
    text = (tmp_path / "mods" / "scale.py").read_text(encoding="utf-8")
    assert "\\ud800" in text
    intake(p, s, tmp_path / "out")   # the --from path, too
    assert (tmp_path / "out" / "scale.py").is_file()


# ---- the same, where there is no dir_fd and no O_NOFOLLOW (Windows): by path, checked by inode ----

def test_by_path_a_file_swapped_for_a_link_is_refused(tmp_path):
    sub = tmp_path / "alice"
    sub.mkdir()
    (sub / "scale.py").write_text("x = 1\n")
    hits, idents = intake_mod._find_by_path(sub, ["scale.py"])
    assert hits == {"scale.py": [()]}
    (sub / "scale.py").unlink()
    (sub / "scale.py").symlink_to(SECRET)
    with pytest.raises(SubmissionError, match="could not be read safely"):
        intake_mod._read_by_path(sub, (), "scale.py", idents)


def test_by_path_a_folder_swapped_for_a_link_is_refused(tmp_path):
    sub = tmp_path / "alice"
    (sub / "toy").mkdir(parents=True)
    (sub / "toy" / "scale.py").write_text("x = 1\n")
    hits, idents = intake_mod._find_by_path(sub, ["scale.py"])
    assert hits == {"scale.py": [("toy",)]}
    os.rename(sub / "toy", tmp_path / "moved")
    (sub / "toy").symlink_to(SECRET.parent)
    with pytest.raises(SubmissionError, match="could not be read safely"):
        intake_mod._read_by_path(sub, ("toy",), "scale.py", idents)


def test_by_path_a_file_replaced_after_it_was_found_is_refused(tmp_path):
    """Not a link but another file moved in its place: its inode tells."""
    sub = tmp_path / "alice"
    sub.mkdir()
    (sub / "scale.py").write_text("x = 1\n")
    _, idents = intake_mod._find_by_path(sub, ["scale.py"])
    (sub / "other.py").write_text(SECRET.read_text())   # made while scale.py lives: another inode
    os.replace(sub / "other.py", sub / "scale.py")
    with pytest.raises(SubmissionError, match="could not be read safely"):
        intake_mod._read_by_path(sub, (), "scale.py", idents)


def test_by_path_intake_takes_files_and_never_follows_links(tmp_path, s, monkeypatch):
    monkeypatch.setattr(os, "supports_dir_fd", set())
    assert not intake_mod._fd_walk()
    sub = tmp_path / "alice"
    (sub / "deep" / "toy").mkdir(parents=True)
    (sub / "deep" / "toy" / "scale.py").write_text("mine = 1\n")
    (sub / "counter.py").symlink_to(TOY / "solutions" / "toy" / "counter.py")
    (sub / "answers").symlink_to(SECRET.parent)
    intake(sub, s, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["scale.py"]
    assert (tmp_path / "out" / "scale.py").read_text() == "mine = 1\n"
    (sub / "deep").rename(tmp_path / "gone")
    with pytest.raises(SubmissionError, match="none of the stub files"):
        intake(sub, s, tmp_path / "out2")
