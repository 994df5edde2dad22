"""The instructor's verbs: build stubs from references, and self-check the course.

`grade dev check` proves: manifests valid; every exercise has stub, reference, checks, hints;
committed stubs equal generated ones; points add up; every reference passes; every stub is
"not started" on every check; every known mistake fails a check and is named by the diagnosis.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.status import Status, Verdict
from grader.sandbox.records import RunStatus
from grader.grading import engine
from grader.grading.jobs import Options, check_metas, plan, start_worker
from grader.grading import fixtures
from grader.course import mistakes
from grader.course import rules
from grader.course import stubs
from grader.grading.oracle import Oracle
from grader.course.manifest import ContentError, Course, ExerciseSet
from grader.instructor import authoring_lint


@dataclass
class Findings:
    lines: list[tuple[bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # said always, judged by nobody (mutation scores)

    def ok(self, cond: bool, text: str) -> bool:
        self.lines.append((bool(cond), text))
        return bool(cond)

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.lines)


def build(course: Course, names: list[str] | None = None) -> list[Path]:
    """Regenerate every stub of the named sets (all by default); returns the files that changed."""
    changed = []
    for name in names or course.set_names:
        s = course.set(name)
        for ex in s.exercises:
            ref = s.reference_path(ex)
            if not ref.is_file():
                raise ContentError(ref, f"the reference of {ex.id} is missing")
            try:
                text = stubs.make_stub(ref.read_text(encoding="utf-8"), ex.id)
            except stubs.MarkerError as e:
                raise ContentError(ref, str(e).split(": ", 1)[1], e.line) from None
            dest = s.stub_path(ex)
            if not dest.is_file() or dest.read_text(encoding="utf-8") != text:
                dest.write_text(text, encoding="utf-8")
                changed.append(dest)
    return changed


def record(course: Course, names: list[str] | None = None, on_set=None) -> list[str]:
    """Run every reference and known mistake on every check; store the results as fixtures.
    Returns warnings (checks whose dataset was missing are not recorded)."""
    warnings = []
    for name in names or course.set_names:
        on_set and on_set(name)
        warnings += record_set(course.set(name), course.root)
    return warnings


def record_set(s: ExerciseSet, root: Path, seed: int = 0) -> list[str]:
    """The set's fixtures under root/data/fixtures, at `seed` (the autograder's secret one, or 0)."""
    warnings = []
    opts = Options(seed=seed)
    with start_worker(s) as worker:
        todo = plan(check_metas(worker), list(s.exercises), opts)
        oracle = Oracle(s, worker, opts, record=True)
        ref = oracle.reference(list(s.exercises), todo)
        wrong = oracle.mistakes([e.name for e in s.exercises], todo)
        for ex in s.exercises:
            lost = [m.name for m in todo[ex.name] if m.name not in ref[ex.name]]
            if lost:
                warnings.append(f"{ex.id}: not recorded (dataset missing): {', '.join(lost)}")
            # a reference that timed out or died (a busy machine) is no answer: the old fixture stays, stale
            broken = [n for n, r in ref[ex.name].items() if r.status in (RunStatus.TIMEOUT, RunStatus.LOST)]
            if broken:
                warnings.append(f"{ex.id}: not recorded: the reference {ref[ex.name][broken[0]].status} on "
                                f"{', '.join(broken)} (record again on a quieter machine)")
                continue
            fixtures.write(root, s, ex, fixtures.sources_hash(s, ex), ref[ex.name],
                           [(m.id, m.why, runs) for m, runs in wrong[ex.name]], seed)
    return warnings


def _check_fixtures(s: ExerciseSet, f: Findings) -> None:
    for ex in s.exercises:
        state, _ = fixtures.freshness(s, ex)
        f.ok(state == "fresh", f"{ex.id}: the recorded fixture is {state}" +
             ("" if state == "fresh" else " (run `grade dev record`)"))


def check_course(course: Course, names: list[str] | None = None, on_set=None, isolated: bool = False) -> Findings:
    """isolated: references and known mistakes run as student jobs do as root (a uid of their own)."""
    f = Findings()
    for name in names or course.set_names:
        try:
            s = course.set(name)
        except ContentError as e:
            f.ok(False, str(e))
            continue
        f.ok(True, f"{name}: set.toml is valid ({len(s.exercises)} exercises, {s.points} points)")
        f.notes.append(_mutation_note(s))
        on_set and on_set(name)
        try:
            _check_set(s, f, isolated)
        except ContentError as e:
            f.ok(False, str(e))
    return f


def _mutation_note(s: ExerciseSet) -> str:
    """The set's recorded mutation score (`grade dev mutants` measures it; too slow to run here)."""
    from grader.instructor import mutants
    report, fresh = mutants.recorded(s)
    if report is None:
        return f"{s.name}: mutation score not measured (grade dev mutants {s.name})"
    killed, total, left = mutants.score(report, mutants.equivalent(s))
    return (f"{s.name}: mutation score {100 * killed / max(total, 1):.0f}% ({killed}/{total}"
            f"{', ' + str(len(left)) + ' unexplained survivors' if left else ''})"
            f"{'' if fresh else ', recorded before the last change: grade dev mutants ' + s.name}")


def _check_set(s: ExerciseSet, f: Findings, isolated: bool = False) -> None:
    files_ok = _check_files(s, f)
    defs = authoring_lint.check_defs(s.check_files())
    problems = authoring_lint.duplicate_checks(defs) + authoring_lint.markup_in_titles(s)
    for msg in problems:
        f.ok(False, msg)
    if not problems:
        f.ok(True, f"{s.name}: check names are unique; titles hold no markup")
    catalogue = mistakes.load(s.solutions_dir)
    with start_worker(s) as worker:
        try:
            metas = check_metas(worker)
        except Exception as e:
            f.ok(False, f"{s.name}: the checks do not load: {e}")
            return
        _check_metas(s, metas, catalogue, f)
        if not files_ok:
            return
        from grader.instructor import leakguard
        leaks = leakguard.scan_set(s, leakguard.course_files(s))
        f.ok(not leaks, f"{s.name}: no solution line in what students get" +
             ("".join(f"\n    {leak}" for leak in leaks) if leaks else ""))
        _check_fixtures(s, f)
        # One oracle for the whole set: the reference and each mistake run once, not once per mistake.
        oracle = Oracle(s, worker, Options())
        if isolated:
            from grader.instructor import preflight
            why = preflight.probe(s, worker, force=True)
            f.ok(why is None, f"{s.name}: a job running as a uid of its own imports what the set needs" +
                 (f" (not: {why}; {preflight.advice()})" if why else ""))
        opts = Options(diagnose=False, student_dir=s.solutions_dir, isolate=isolated)
        ref = engine.grade_set(s, opts=opts, worker=worker, oracle=oracle)
        for msg in authoring_lint.objects_returned(ref, defs):
            f.ok(False, msg)
        for r in ref.exercises:
            bad = [f"{c.name} ({c.status}: {(c.error or {}).get('message', '')[:120]})" for c in r.checks
                   if c.status not in (Verdict.PASS, Verdict.SKIPPED)]
            f.ok(not bad and r.status in (Status.PASSED, Status.SKIPPED), f"{r.exercise.id}: the reference passes every check" +
                 (f"; not: {', '.join(bad)}" if bad else f" ({r.status})" if r.status != Status.PASSED else ""))
        stub_run = engine.grade_set(s, opts=Options(diagnose=False), worker=worker, oracle=oracle)
        for r in stub_run.exercises:
            bad = [f"{c.name} ({c.status})" for c in r.checks if c.status not in (Verdict.TODO, Verdict.SKIPPED)]
            f.ok(not bad, f"{r.exercise.id}: the stub is 'not started' on every check" +
                 (f"; not: {', '.join(bad)}" if bad else ""))
        caught = {m.exercise: False for m in catalogue}
        for m in catalogue:
            caught[m.exercise] |= _check_mistake(s, m, worker, oracle, f, isolated)
        for ex in s.exercises:
            if any(m.hidden for m in metas if m.exercise == ex.name):
                f.ok(caught.get(ex.name, False), f"{ex.id}: its hidden checks catch a known mistake on their own")


def _check_metas(s: ExerciseSet, metas: list, catalogue: list, f: Findings) -> None:
    """Per exercise: checks exist, their points add up, hints name real checks, a known mistake exists."""
    for ex in s.exercises:
        mine = [m for m in metas if m.exercise == ex.name]
        unknown_hint = sorted({c for cs in ex.hint_checks for c in cs} - {m.name for m in mine})
        f.ok(not unknown_hint, f"{ex.id}: every check a hint names exists" +
             (f" (no check named {', '.join(unknown_hint)})" if unknown_hint else ""))
        if f.ok(mine, f"{ex.id}: has {len(mine)} check(s)") and mine:
            got = sum(m.points for m in mine)
            f.ok(got == ex.points, f"{ex.id}: check points add up to set.toml's {ex.points} (they add up to {got})")
        f.ok(any(m.exercise == ex.name for m in catalogue), f"{ex.id}: has a known mistake")
    unknown = sorted({m.exercise for m in metas} - {e.name for e in s.exercises})
    f.ok(not unknown, f"{s.name}: every check belongs to an exercise of set.toml" +
         (f" (unknown: {', '.join(unknown)})" if unknown else ""))


def _check_files(s: ExerciseSet, f: Findings) -> bool:
    good = True
    for ex in s.exercises:
        ref, stub = s.reference_path(ex), s.stub_path(ex)
        good &= f.ok(ref.is_file(), f"{ex.id}: reference {ref.relative_to(s.root)} exists")
        good &= f.ok(stub.is_file(), f"{ex.id}: stub {stub.relative_to(s.root)} exists")
        f.ok(bool(ex.hints), f"{ex.id}: has hints")
        if not (ref.is_file() and stub.is_file()):
            continue
        source = ref.read_text(encoding="utf-8")
        try:
            same = stubs.make_stub(source, ex.id) == stub.read_text(encoding="utf-8")
            f.ok(same, f"{ex.id}: the committed stub equals the generated one" +
                         ("" if same else " (run `grade dev build`)"))
            f.ok(bool(stubs.blocks(source)), f"{ex.id}: the reference has solution blocks")
        except stubs.MarkerError as e:
            good &= f.ok(False, f"{ref}:{e.line}: {e}")
        broken = rules.violations(source, ex.rules)
        f.ok(not broken, f"{ex.id}: the reference keeps the set's rules" + (f" (line {broken[0][0]}: {broken[0][1]})" if broken else ""))
    return bool(good)


def _check_mistake(s: ExerciseSet, m: mistakes.Mistake, worker, oracle, f: Findings, isolated: bool = False) -> bool:
    """Whether a hidden check failed on this mistake (hidden checks must catch mistakes too)."""
    try:
        ex = s.exercise(m.exercise)
    except KeyError:
        f.ok(False, f"{s.name}: mistake {m.id!r} names an unknown exercise {m.exercise!r}")
        return False
    with tempfile.TemporaryDirectory(prefix="z2h-check-") as tmp:
        for ref in s.solutions_dir.glob("*.py"):
            shutil.copy(ref, tmp)
        try:
            Path(tmp, f"{ex.name}.py").write_text(mistakes.variant(s, m), encoding="utf-8")
        except ContentError as e:
            f.ok(False, str(e))
            return False
        r = engine.grade_set(s, ex, Options(student_dir=Path(tmp), isolate=isolated), worker=worker,
                             oracle=oracle).exercises[0]
    fails = r.status in (Status.FAILING, Status.ERROR, Status.TIMED_OUT)
    named = r.mistake is not None and r.mistake.id == m.id
    other = f" (diagnosed as {r.mistake.id!r} instead)" if r.mistake and not named else ""
    f.ok(fails and named, f"{ex.id}: mistake {m.id!r} " + ("fails a check and is named" if fails and named else
         ("passes every check: no check catches it" if not fails else f"fails, but is not named{other}")))
    return any(c.hidden and c.status in (Verdict.FAIL, Verdict.ERROR, Verdict.TIMEOUT) for c in r.checks)
