"""`grade`: argument parsing only; every verb is a call into app or authoring."""
from __future__ import annotations

import argparse
import sys

from grader import app, engine, report
from grader.course import ContentError, load_course

VERBS = ("hint", "reset", "data", "dev", "watch", "publish", "batch", "notebook")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", help="the course folder (default: found by walking up from here)")
    p.add_argument("--json", action="store_true", help="print results as JSON")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="grade", description="Auto-graded exercises for Neural Networks: Zero to Hero.",
                                epilog="verbs: " + ", ".join(VERBS) + ". `grade VERB -h` for each.")
    p.add_argument("target", nargs="?", help="a set (micrograd) or one exercise (micrograd/value); none: the dashboard")
    _common(p)
    p.add_argument("--seed", type=int, default=0, help="replay the checks with another random draw")
    p.add_argument("--skip-milestones", action="store_true", help="skip the long training checks")
    return p


def verb_parser(verb: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"grade {verb}")
    _common(p)
    if verb in ("hint", "reset"):
        p.add_argument("exercise", help="an exercise id, e.g. micrograd/value")
    if verb == "reset":
        p.add_argument("-y", "--yes", action="store_true", help="do not ask")
    if verb == "data":
        p.add_argument("action", nargs="?", choices=["list", "fetch"], default="list")
        p.add_argument("names", nargs="*", help="datasets to fetch")
    if verb == "dev":
        p.add_argument("action", choices=["build", "check", "record", "new"])
        p.add_argument("sets", nargs="*", help="only these sets")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    console = report.make_console()
    try:
        if argv and argv[0] in VERBS:
            return _verb(argv[0], verb_parser(argv[0]).parse_args(argv[1:]), console)
        args = parser().parse_args(argv)
        course = load_course(app.default_root(args.root))
        if args.target is None:
            return app.dashboard(course, console, args.json)
        opts = engine.Options(seed=args.seed, skip_milestones=args.skip_milestones)
        return app.grade(course, args.target, console, opts, args.json)
    except ContentError as e:
        report.render_error(console, str(e))
        return app.EXIT_USAGE
    except KeyError as e:
        report.render_error(console, str(e.args[0]))
        return app.EXIT_USAGE
    except KeyboardInterrupt:
        report.render_error(console, "interrupted")
        return 130


def _verb(verb: str, args, console) -> int:
    course = load_course(app.default_root(args.root))
    if verb == "hint":
        return app.hint(course, args.exercise, console)
    if verb == "reset":
        return app.reset(course, args.exercise, console, args.yes)
    if verb == "data":
        return app.datasets(course, console, args.names if args.action == "fetch" else None)
    if verb == "dev":
        from grader import devcli
        return devcli.run(course, args, console)
    report.render_error(console, f"`grade {verb}` is not built yet")
    return app.EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
