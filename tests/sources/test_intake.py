"""intake's guards, directly: only stub files, size caps, no symlinks, no __MACOSX, broken zips in words."""
import zipfile
from pathlib import Path

import pytest

from grader.course.manifest import load_course
from grader.sources.intake import MAX_FILE, SubmissionError, intake
from tests.helpers import TOY


@pytest.fixture
def s():
    return load_course(TOY).set("toy")


def test_takes_only_stub_files_from_a_folder(tmp_path, s):
    sub = tmp_path / "alice"
    (sub / "deep").mkdir(parents=True)
    (sub / "deep" / "scale.py").write_text("x = 1\n")
    (sub / "checks.py").write_text("# a student's own checks are never taken\n")
    intake(sub, s, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["scale.py"]


def test_refuses_a_file_over_the_cap(tmp_path, s):
    sub = tmp_path / "big"
    sub.mkdir()
    (sub / "scale.py").write_bytes(b"#" * (MAX_FILE + 1))
    with pytest.raises(SubmissionError, match="larger than"):
        intake(sub, s, tmp_path / "out")


def test_ignores_symlinks(tmp_path, s):
    sub = tmp_path / "links"
    sub.mkdir()
    (sub / "scale.py").symlink_to(TOY / "solutions" / "toy" / "scale.py")
    with pytest.raises(SubmissionError, match="none of the stub files"):
        intake(sub, s, tmp_path / "out")


def _zip(path: Path, members: dict, method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_zip_skips_macosx_and_takes_the_real_file(tmp_path, s):
    z = _zip(tmp_path / "a.zip", {"__MACOSX/._scale.py": b"\x00junk", "toy/scale.py": b"y = 2\n"})
    intake(z, s, tmp_path / "out")
    assert (tmp_path / "out" / "scale.py").read_bytes() == b"y = 2\n"


def test_zip_bomb_is_refused(tmp_path, s):
    z = _zip(tmp_path / "bomb.zip", {"scale.py": b"0" * (MAX_FILE + 10)})
    with pytest.raises(SubmissionError, match="larger than|inflates"):
        intake(z, s, tmp_path / "out")


def test_corrupt_zip_data_is_said_in_words(tmp_path, s):
    z = _zip(tmp_path / "bad.zip", {"scale.py": b"x = 1\n" * 500})
    raw = bytearray(z.read_bytes())
    start = raw.index(b"scale.py") + len("scale.py")
    raw[start:start + 40] = b"\xff" * 40            # corrupt the deflate stream
    z.write_bytes(bytes(raw))
    with pytest.raises(SubmissionError):
        intake(z, s, tmp_path / "out")
