"""What the right (and the known wrong) answers are: live from solutions/, or recorded fixtures.

Both paths give the same CheckRun records, so verdicts and diagnoses are identical either way.
Results are computed once per run and shared by every submission graded in it.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from grader.grading import fixtures
from grader.course import mistakes
from grader.grading.jobs import Source, make_job
from grader.course.manifest import ContentError, Exercise, ExerciseSet
from grader.course.mistakes import Mistake
from grader.sandbox.pool import Worker
from grader.sandbox.records import CheckRun, RunStatus


class Oracle:
    def __init__(self, s: ExerciseSet, worker: Worker, opts, on_event=None, record: bool = False):
        self.s, self.worker, self.opts, self.on_event = s, worker, opts, on_event
        self.live = s.solutions_dir.is_dir()
        # With the references present, a fixture recorded from exactly these sources (same hash) at
        # this seed stands in for running them: the same results, without a reference job per
        # exercise (the autograder's fixtures are recorded at its secret seed when it is published).
        self.use_cache = self.live and not record
        self.live_runs = 0   # reference and mistake jobs run, not read from a fixture
        if not self.live and opts.seed != 0:
            raise ContentError(s.dir, "--seed needs the reference solutions; this bundle has results for seed 0 only")
        self._ref: dict[str, dict[str, CheckRun]] = {}
        self._wrong: dict[str, list[tuple[Mistake, dict[str, CheckRun]]]] = {}

    def reference(self, exercises: list[Exercise], todo: dict) -> dict[str, dict[str, CheckRun]]:
        need = [ex for ex in exercises if ex.name not in self._ref]
        for ex in list(need):
            doc = self._fresh_doc(ex, todo)
            if doc is not None:
                self._ref[ex.name] = fixtures.reference_runs(doc)
                need.remove(ex)
        if self.live:
            src = Source(self.s.solutions_dir)
            jobs = [make_job(f"r-{ex.name}", self.s, ex, src, todo[ex.name], self.opts, "reference") for ex in need]
            done = self.worker.run(jobs, self.opts.parallel, self.on_event)
            self.live_runs += len(jobs)
            for ex in need:
                self._ref[ex.name] = done[f"r-{ex.name}"].runs
        else:
            for ex in need:
                try:
                    self._ref[ex.name] = fixtures.reference_runs(self._doc(ex))
                except (ContentError, KeyError, TypeError, ValueError) as e:  # one bad fixture spoils one exercise
                    bad = {"type": "BadFixture", "message": str(e)}
                    self._ref[ex.name] = {m.name: CheckRun(m.name, RunStatus.ERROR, error=bad) for m in todo[ex.name]}
        return {ex.name: self._ref[ex.name] for ex in exercises}

    def mistakes(self, names: list[str], todo: dict) -> dict[str, list[tuple[Mistake, dict[str, CheckRun]]]]:
        need = [n for n in names if n not in self._wrong]
        for n in list(need):
            doc = self._fresh_doc(self.s.exercise(n), todo)
            if doc is not None:
                self._wrong[n] = [(m, runs) for m, runs in self._fixture_mistakes(n, doc)]
                need.remove(n)
        if self.live and need:
            self._run_mistakes(need, todo)
        for n in need:
            if not self.live:
                try:
                    self._wrong[n] = [(Mistake(n, mid, why, ()), runs)
                                      for mid, why, runs in fixtures.mistake_runs(self._doc(self.s.exercise(n)))]
                except (ContentError, KeyError, TypeError, ValueError):
                    self._wrong[n] = []  # no diagnosis beats no grade
        return {n: self._wrong.get(n, []) for n in names}

    def _run_mistakes(self, names: list[str], todo: dict) -> None:
        catalogue = [m for m in mistakes.load(self.s.solutions_dir) if m.exercise in names]
        with tempfile.TemporaryDirectory(prefix="z2h-mistakes-") as tmp:
            jobs = []
            for i, m in enumerate(catalogue):
                ex = self.s.exercise(m.exercise)
                variant = Path(tmp) / str(i) / f"{ex.name}.py"
                variant.parent.mkdir()
                try:
                    text = mistakes.variant(self.s, m)
                except ContentError:
                    continue  # a stale mistake is `grade dev check`'s business; grading goes on
                variant.write_text(text, encoding="utf-8")
                # a goal-judged check (a milestone's loss <= 2.2) is never a mistake's symptom
                # (diagnose.py): not run for mistakes, which saves a training run per mistake
                judged = [m for m in todo[ex.name] if not m.goal]
                jobs.append(make_job(f"m-{i}", self.s, ex, Source(self.s.solutions_dir, {ex.name: str(variant)}),
                                     judged, self.opts, "mistake"))
            done = self.worker.run(jobs, self.opts.parallel, self.on_event)
            self.live_runs += len(jobs)
        for n in names:
            self._wrong[n] = [(m, done[f"m-{i}"].runs) for i, m in enumerate(catalogue)
                              if m.exercise == n and f"m-{i}" in done]

    def _fresh_doc(self, ex: Exercise, todo: dict) -> dict | None:
        """The exercise's fixture, if it was recorded from the current sources and covers every check."""
        if not self.use_cache:
            return None
        state, doc = fixtures.freshness(self.s, ex)
        if state != "fresh" or doc.get("seed", 0) != self.opts.seed or \
                any(m.name not in doc.get("reference", {}) for m in todo[ex.name]):
            return None
        return doc

    def _fixture_mistakes(self, name: str, doc: dict):
        known = {m.id: m for m in mistakes.load(self.s.solutions_dir) if m.exercise == name}
        return [(known.get(mid, Mistake(name, mid, why, ())), runs) for mid, why, runs in fixtures.mistake_runs(doc)]

    def _doc(self, ex: Exercise) -> dict:
        try:
            doc = fixtures.read(self.s.root, self.s.name, ex.name)
        except ValueError as e:
            raise ContentError(fixtures.path(self.s.root, self.s.name, ex.name), str(e)) from None
        if doc is None:
            raise ContentError(fixtures.path(self.s.root, self.s.name, ex.name),
                               "no reference solutions and no recorded fixture for this exercise")
        return doc
