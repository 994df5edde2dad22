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

VERBS = ("hint", "reset", "data", "dev", "watch", "publish", "batch", "notebook", "doctor", "init")
JSON_VERBS = ("hint", "data", "doctor", "init")     # the others refuse --json (docs/JSON.md)
GLOBAL_VALUED = ("--root", "--format", "--sandbox")  # global options, accepted before or after the verb
GLOBAL_FLAGS = ("--json",)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """Usage errors raised, not printed: main prints them in the format asked for (JSON too)."""

    def error(self, message: str):
        raise UsageError(f"{message} (grade {'-h' if self.prog == 'grade' else self.prog[6:] + ' -h'} for help)")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", help="the course folder (default: found from here upward, then $Z2H_HOME, "
                                  "then the last `grade init`)")
    p.add_argument("--json", action="store_true", help="print results as JSON (docs/JSON.md)")
    p.add_argument("--sandbox", choices=["fork", "portable"], default=None,
                   help="how jobs run: forked from a warm process (Linux), or a fresh process (any platform); "
                        "or set Z2H_SANDBOX (default: fork where it is usable)")


def split_globals(argv: list[str]) -> list[str]:
    """`grade --root X hint E` -> `grade hint E --root X`: global options before the verb move after it."""
    moved, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in GLOBAL_VALUED and i + 1 < len(argv):
            moved += argv[i:i + 2]
            i += 2
            continue
        if a in GLOBAL_FLAGS or a.split("=", 1)[0] in GLOBAL_VALUED:
            moved.append(a)
        else:
            return argv[i:] + moved if a in VERBS else argv
        i += 1
    return argv


def format_of(argv: list[str]) -> str:
    """The output format asked for, read before parsing: a usage error is printed in it too."""
    for i, a in enumerate(argv):
        if a == "--json":
            return "json"
        if a == "--format" and i + 1 < len(argv) and argv[i + 1] in ("json", "gradescope"):
            return argv[i + 1]
        if a.startswith("--format=") and a[9:] in ("json", "gradescope"):
            return a[9:]
    return "text"


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="grade", description="Auto-graded exercises for Neural Networks: Zero to Hero.",
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
    p = _Parser(prog=f"grade {verb}")
    _common(p)
    p.add_argument("--format", choices=["text", "json"], default=None, help="--format json is --json")
    if verb == "hint":
        p.add_argument("exercise", nargs="?", help="an exercise id, e.g. micrograd/value (default: the one you are on)")
    if verb == "reset":
        p.add_argument("exercise", help="an exercise id, e.g. micrograd/value")
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
    if verb == "init":
        p.add_argument("dir", nargs="?", default=None, help="where to create the workspace (default: ./z2h)")
    if verb == "notebook":
        p.add_argument("set", help="the set to export, e.g. micrograd")
        p.add_argument("--colab", action="store_true",
                       help="for Google Colab: the first cell installs the grader and keeps the work on Drive")
        p.add_argument("--package", default=os.environ.get("Z2H_PACKAGE"),
                       help="--colab: what the first cell pip-installs (an index name, a wheel URL, git+https://...; "
                            "default: $Z2H_PACKAGE, else z2h-grader)")
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
    argv = split_globals(sys.argv[1:] if argv is None else argv)
    console = console_r.make_console()
    fmt = format_of(argv)
    try:
        if argv and argv[0] in VERBS:
            return _verb(argv[0], verb_parser(argv[0]).parse_args(argv[1:]), console, fmt)
        args = parser().parse_args(argv)
        fmt = args.format or ("json" if args.json else "text")
        _sandbox(args)
        course = load_course(course_root(args.root))
        if args.target is None:
            return grade.dashboard(course, console, fmt != "text")
        opts = Options(seed=args.seed, skip_milestones=args.skip_milestones)
        return grade.grade(course, args.target, console, opts, fmt, source=args.source, notebook=args.notebook)
    except (UsageError, ContentError) as e:
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


def _sandbox(args) -> None:
    if getattr(args, "sandbox", None):
        os.environ["Z2H_SANDBOX"] = args.sandbox  # read by grading.jobs.start_worker (sandbox.portable)


def _verb(verb: str, args, console, fmt: str) -> int:
    """The other verbs. Their modules load only when used: `grade SET` never imports nbformat or watchfiles."""
    args.json = args.json or args.format == "json"
    if args.json and verb not in JSON_VERBS:
        raise UsageError(f"grade {verb} does not print JSON (--json works with: grade SET, grade, "
                         f"{', '.join('grade ' + v for v in JSON_VERBS)})")
    if args.json and verb == "data" and args.action == "fetch":
        raise UsageError("grade data fetch does not print JSON; grade data --json lists the datasets")
    _sandbox(args)
    if verb in ("doctor", "init"):
        from grader.student import doctor
        return doctor.doctor(args.root, console, fmt) if verb == "doctor" else doctor.init(args.dir, console, fmt)
    course = load_course(course_root(args.root))
    if verb in ("hint", "reset", "data"):
        from grader.student import verbs
        if verb == "hint":
            return verbs.hint(course, args.exercise, console, fmt)
        if verb == "reset":
            return verbs.reset(course, args.exercise, console, args.yes)
        return verbs.datasets(course, console, args.names if args.action == "fetch" else None, fmt)
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
        return notebook.export_cli(course, args.set, args.out, args.force, console, colab=args.colab,
                                   package=args.package)
    from grader.student import watch
    opts = Options(seed=args.seed, skip_milestones=not args.milestones)
    return watch.run(course, args.set, console, opts, poll=args.poll)


if __name__ == "__main__":
    sys.exit(main())
