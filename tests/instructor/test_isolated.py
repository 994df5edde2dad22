"""Gradeable as root, proven: `grade dev check --isolated` runs references and mistakes as root-mode
jobs do, and a preflight proves a job uid can import what the set needs (torch's optimizer step,
which pulls in standard-library modules lazily), or refuses in words."""
import os
import sysconfig
from pathlib import Path

import pytest

from grader.cli import main
from grader.course.manifest import ContentError, load_course
from grader.grading import jobs
from grader.instructor import preflight

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def torch_toy(toy):
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text('requires = ["torch"]\n' + manifest.read_text())
    return load_course(toy).set("toy")


@pytest.mark.slow
@pytest.mark.skipif(not ROOT, reason="jobs drop privileges only as root")
def test_a_job_uid_can_run_an_optimizer_step(toy):
    s = torch_toy(toy)
    with jobs.start_worker(s) as worker:
        assert preflight.probe(s, worker, force=True) is None


@pytest.mark.slow
@pytest.mark.skipif(not ROOT or preflight.unreadable(Path(sysconfig.get_paths()["stdlib"])) is None,
                    reason="needs root and an interpreter under a folder other users cannot enter")
def test_without_the_preloads_grading_as_root_is_refused_in_words(toy, monkeypatch):
    monkeypatch.setattr(jobs, "TORCH_LAZY_STDLIB", ())
    monkeypatch.setattr(jobs, "_sysconfigdata", lambda: [])
    s = torch_toy(toy)
    with jobs.start_worker(s) as worker, pytest.raises(ContentError) as e:
        preflight.require(s, worker)
    assert "cannot import" in str(e.value) and "other users cannot enter" in str(e.value)


def test_dev_check_isolated_runs_references_and_mistakes_as_root_jobs(toy, capsys):
    assert main(["dev", "check", "--isolated", "-v", "--root", str(toy)]) == 0
    out = capsys.readouterr().out
    assert "toy/scale: the reference passes every check" in out and "mistake 'overwrites' fails a check" in out
    if ROOT:
        assert "a job running as a uid of its own imports what the set needs" in out
