"""`grade dev ...`: the instructor's verbs, rendered."""
from __future__ import annotations

from grader.instructor import selfcheck as authoring
from grader.render import screens


def _mutants(course, names, console) -> int:
    """`grade dev mutants [SET...]`: grade small mutants of each reference; list the survivors."""
    from grader.instructor import mutants
    weak = False
    for name in names or course.set_names:
        s = course.set(name)
        report = mutants.run(s, on_exercise=lambda ex: console.print(f"mutating {ex.id} ..."))
        mutants.write(s, report)
        killed, total, left = mutants.score(report, mutants.equivalent(s))
        console.print(f"{name}: {killed}/{total} mutants killed or equivalent "
                      f"({100 * killed / max(total, 1):.0f}%)", style="bold")
        for ex, what in left:
            console.print(f"  survives: solutions/{name}/{ex}.py {what}", style="yellow", markup=False)
        weak |= bool(total) and killed < 0.95 * total
    console.print("Survivors that change nothing go in solutions/SET/mutants.toml as [[equivalent]] "
                  "(exercise, what, why); the others need a stronger check.", markup=False)
    return 1 if weak else 0


def run(course, args, console) -> int:
    names = args.sets or None
    if args.action == "mutants":
        return _mutants(course, names, console)
    if args.action == "build":
        changed = authoring.build(course, names)
        for p in changed:
            console.print(f"wrote {p.relative_to(course.root)}")
        console.print(f"{len(changed)} stub(s) changed.")
        return 0
    if args.action == "new":
        from grader.instructor import scaffold
        if not args.sets or len(args.sets) > 2:
            console.print("usage: grade dev new SET [EXERCISE]")
            return 2
        for p in scaffold.new(course, args.sets[0], args.sets[1] if len(args.sets) > 1 else None):
            console.print(f"wrote {p.relative_to(course.root)}")
        from grader.course.manifest import load_course
        authoring.build(load_course(course.root), [args.sets[0]])
        authoring.record(load_course(course.root), [args.sets[0]])
        console.print("Stubs built and fixtures recorded. Next: `grade dev check`, then replace the example "
                      "(search for TODO(author)).")
        return 0
    if args.action == "record":
        warnings = authoring.record(course, names, on_set=lambda n: console.print(f"recording {n} ..."))
        allowed = getattr(args, "allow_missing", False)
        for w in warnings:
            console.print(f"{'warning' if allowed else 'error'}: {w}", style="yellow" if allowed else "red")
        console.print("Fixtures written under data/fixtures/.")
        if warnings and not allowed:
            console.print("A milestone's dataset is missing, so its fixture was not recorded and the bundle would "
                          "skip it: `grade data fetch NAME` (or set Z2H_DATA), or pass --allow-missing.", style="red")
            return 1
        return 0
    findings = authoring.check_course(course, names, on_set=lambda n: console.print(f"checking {n} ..."),
                                      isolated=getattr(args, "isolated", False))
    shown = findings.lines if getattr(args, "verbose", False) else [ln for ln in findings.lines if not ln[0]]
    screens.render_lines(console, shown, "grade dev check")
    for note in findings.notes:
        console.print(note, markup=False)
    good = sum(ok for ok, _ in findings.lines)
    console.print(f"{good} passed, {len(findings.lines) - good} failed")
    return 0 if findings.passed else 1
