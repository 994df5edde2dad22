"""`grade`: argument parsing only; every verb is one call into student/ or instructor/."""
from __future__ import annotations

import argparse
import os
import sys

from grader.course.manifest import ContentError, course_root, load_course
from grader.exits import EXIT_FAIL, EXIT_INTERRUPTED, EXIT_USAGE
from grader.grading.jobs import Options
from grader.render import console as console_r
from grader.student import grade

VERBS = ("hint", "reset", "data", "dev", "watch", "publish", "batch", "notebook")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", help="the course folder (default: found by walking up from here)")
    p.add_argument("--json", action="store_true", help="print results as JSON")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="grade", description="Auto-graded exercises for Neural Networks: Zero to Hero.",
                                epilog="verbs: " + ", ".join(VERBS) + ". `grade VERB -h` for each.")
    p.add_argument("target", nargs="?", help="a set (micrograd) or one exercise (micrograd/value); none: the dashboard")
    p.add_argument("--notebook", metavar="PATH",
                   help="grade the exercise cells of a notebook (from `grade notebook SET`) instead of the .py files")
    _common(p)
    _grading(p)
    p.add_argument("--format", choices=["text", "json", "gradescope"], default=None,
                   help="output format (--json is --format json)")
    p.add_argument("--from", dest="source", metavar="PATH",
                   help="grade a submission (folder, zip or notebook) instead of exercises/<set>/")
    return p


def _grading(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=0, help="replay the checks with another random draw")
    p.add_argument("--skip-milestones", action="store_true", help="skip the long training checks")


def verb_parser(verb: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"grade {verb}")
    _common(p)
    if verb == "hint":
        p.add_argument("exercise", nargs="?", help="an exercise id, e.g. micrograd/value (default: the one you are on)")
    if verb == "reset":
        p.add_argument("exercise", help="an exercise id, e.g. micrograd/value")
    if verb == "reset":
        p.add_argument("-y", "--yes", action="store_true", help="do not ask")
    if verb == "data":
        p.add_argument("action", nargs="?", choices=["list", "fetch"], default="list")
        p.add_argument("names", nargs="*", help="datasets to fetch")
    if verb == "dev":
        p.add_argument("action", choices=["build", "check", "record", "new", "mutants"])
        p.add_argument("sets", nargs="*", help="only these sets (dev new: SET [EXERCISE])")
        p.add_argument("-v", "--verbose", action="store_true", help="dev check: list every passed line too")
        p.add_argument("--allow-missing", action="store_true",
                       help="dev record: record without a missing dataset (its milestones are left out)")
        p.add_argument("--isolated", action="store_true",
                       help="dev check: run references and mistakes as root-mode jobs do (a uid of their own)")
    if verb == "publish":
        p.add_argument("sets", nargs="+", help="the sets to publish")
        p.add_argument("--out", required=True, help="an empty or new folder for the bundle")
        p.add_argument("--gradescope", action="store_true", help="also build autograder.zip for Gradescope")
    if verb == "batch":
        p.add_argument("set", help="the set to grade")
        p.add_argument("submissions", nargs="+", help="folders, .zip files or .ipynb notebooks")
        p.add_argument("--out", required=True, help="where gradebook.csv and the JSON results go (merged if present)")
        p.add_argument("--detail", action="store_true", help="one gradebook column per check")
        p.add_argument("--roster", help="roster.csv: columns submission, student_id, name")
        _grading(p)
    if verb == "notebook":
        p.add_argument("set", help="the set to export, e.g. micrograd")
        p.add_argument("--out", help="where to write it (default: exercises/SET/SET.ipynb)")
        p.add_argument("--force", action="store_true", help="overwrite an existing notebook")
    if verb == "watch":
        p.add_argument("set", help="the set to watch (micrograd), or the exercise to start at (micrograd/nn)")
        p.add_argument("--poll", action="store_true",
                       help="poll for saves instead of waiting for file events (WSL, NFS); or set Z2H_POLL=1")
        p.add_argument("--milestones", action="store_true", help="also run the long training checks on every save")
        p.add_argument("--seed", type=int, default=0, help="replay the checks with another random draw")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    console = console_r.make_console()
    fmt = "text"
    try:
        if argv and argv[0] in VERBS:
            return _verb(argv[0], verb_parser(argv[0]).parse_args(argv[1:]), console)
        args = parser().parse_args(argv)
        fmt = args.format or ("json" if args.json else "text")
        course = load_course(course_root(args.root))
        if args.target is None:
            return grade.dashboard(course, console, args.json)
        opts = Options(seed=args.seed, skip_milestones=args.skip_milestones)
        return grade.grade(course, args.target, console, opts, fmt, source=args.source, notebook=args.notebook)
    except ContentError as e:
        console_r.render_error(console, str(e), fmt)
        return EXIT_USAGE
    except KeyError as e:
        console_r.render_error(console, str(e.args[0]), fmt)
        return EXIT_USAGE
    except KeyboardInterrupt:
        console_r.render_error(console, "interrupted", fmt)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `grade --json | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAIL


def _verb(verb: str, args, console) -> int:
    """The other verbs. Their modules load only when used: `grade SET` never imports nbformat or watchfiles."""
    course = load_course(course_root(args.root))
    if verb in ("hint", "reset", "data"):
        from grader.student import verbs
        if verb == "hint":
            return verbs.hint(course, args.exercise, console)
        if verb == "reset":
            return verbs.reset(course, args.exercise, console, args.yes)
        return verbs.datasets(course, console, args.names if args.action == "fetch" else None)
    if verb == "dev":
        from grader.instructor import dev
        return dev.run(course, args, console)
    if verb in ("publish", "batch"):
        from grader.instructor import verbs as instructor
        if verb == "publish":
            return instructor.publish(course, args.sets, args.out, args.gradescope, console)
        opts = Options(seed=args.seed, skip_milestones=args.skip_milestones)
        return instructor.batch(course, args.set, args.submissions, args.out, opts, console, args.detail, args.roster)
    if verb == "notebook":
        from grader.student import notebook
        return notebook.export_cli(course, args.set, args.out, args.force, console)
    from grader.student import watch
    opts = Options(seed=args.seed, skip_milestones=not args.milestones)
    return watch.run(course, args.set, console, opts, poll=args.poll)


if __name__ == "__main__":
    sys.exit(main())
