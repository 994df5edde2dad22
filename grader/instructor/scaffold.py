"""`grade dev new SET [EXERCISE]`: a new set or exercise that passes `grade dev check` at once.

It writes the manifest entry, a reference with solution markers, an example check, a known
mistake and a hint; the author replaces the example (one TODO(author) marks where).
"""
from __future__ import annotations

import re
from pathlib import Path

from grader.course.manifest import NAME_RE, ContentError, Course

REFERENCE = '''"""{title}. TODO(author): replace this example with the lecture's code."""


def double(x: float) -> float:
    """2.0 -> 4.0"""
    # BEGIN SOLUTION: return twice x
    return 2 * x
    # END SOLUTION
'''

CHECK = '''

@check("{name}", "double() of a few numbers", points=2)
def {name}_doubles(m, ctx):
    xs = [ctx.random.uniform(-5, 5) for _ in range(4)]
    return {{"out": [m.double(x) for x in xs], "zero": m.double(0.0)}}
'''

MISTAKE = '''
[[mistakes]]
exercise = "{name}"
id = "{name}-squares"
why = "squares x instead of doubling it"
edits = [["return 2 * x", "return x * x"]]

[[mistakes]]
exercise = "{name}"
id = "{name}-adds-two"
why = "adds 2 instead of multiplying by 2"
edits = [["return 2 * x", "return x + 2"]]
'''

ENTRY = '''
[[exercises]]
name = "{name}"
title = "{title}"
points = 2
hints = ["Multiply x by 2.", "return 2 * x"]
'''


def new(course: Course, set_name: str, exercise: str | None) -> list[Path]:
    name = exercise or "first"
    for n in (set_name, name):
        if not NAME_RE.match(n):
            raise ContentError(course.root, f"{n!r} is not a lowercase identifier")
    ex_dir, sol_dir = course.root / "exercises" / set_name, course.root / "solutions" / set_name
    if (sol_dir / f"{name}.py").exists():
        raise ContentError(sol_dir / f"{name}.py", "already exists")
    created = []
    if not (ex_dir / "set.toml").exists():
        if exercise is None or set_name not in course.set_names:
            created += _new_set(course, set_name, ex_dir, sol_dir)
    title = f"{name.replace('_', ' ').capitalize()}"
    with open(ex_dir / "set.toml", "a") as f:
        f.write(ENTRY.format(name=name, title=title))
    with open(ex_dir / "checks.py", "a") as f:
        f.write(CHECK.format(name=name))
    with open(sol_dir / "mistakes.toml", "a") as f:
        f.write(MISTAKE.format(name=name))
    (sol_dir / f"{name}.py").write_text(REFERENCE.format(title=title))
    return created + [ex_dir / "set.toml", ex_dir / "checks.py", sol_dir / "mistakes.toml", sol_dir / f"{name}.py"]


def _new_set(course: Course, set_name: str, ex_dir: Path, sol_dir: Path) -> list[Path]:
    ex_dir.mkdir(parents=True, exist_ok=True)
    sol_dir.mkdir(parents=True, exist_ok=True)
    (ex_dir / "set.toml").write_text(f'title = "{set_name}"\nlecture = ""\nrequires = []\n')
    (ex_dir / "README.md").write_text(f"# {set_name}\n\nThe brief for students, staged like the lecture.\n")
    (ex_dir / "checks.py").write_text('"""Checks for the {0} set."""\nfrom grader.checks import check\n'.format(set_name))
    (sol_dir / "mistakes.toml").write_text("# Known mistakes: edits of the references (docs/AUTHORING.md).\n")
    path = course.root / "exercises" / "course.toml"
    text = path.read_text()
    new_text, n = re.subn(r"(sets\s*=\s*\[)([^\]]*)\]",
                          lambda m: f'{m.group(1)}{m.group(2).rstrip().rstrip(",")}{", " if m.group(2).strip() else ""}"{set_name}"]',
                          text, count=1)
    if n != 1:
        raise ContentError(path, "could not find the `sets = [...]` list to add the set to")
    path.write_text(new_text)
    return [path, ex_dir / "README.md"]
