"""The student bundle's CI: `.github/workflows/grade.yml` grades the repository on every push and
reports per exercise (a table in the run's summary; the run fails unless every set passes), and
`.github/classroom/autograding.json` gives GitHub Classroom's autograding one test per exercise
(`grade SET/EXERCISE` exits 0 when it passes), worth the exercise's points."""
from __future__ import annotations

import json
from pathlib import Path

from grader.instructor.gradescope import TORCH

WORKFLOW = """name: grade
on: [push, workflow_dispatch]
jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the grader
        run: |
          pip install --index-url https://download.pytorch.org/whl/cpu "{torch}"
          pip install -e .
      - name: Fetch datasets
        run: grade data fetch || true
      - name: Grade
        run: |
          status=0
          for s in {sets}; do
            grade "$s" --json > "grade-$s.json" || status=1
            python - "$s" >> "$GITHUB_STEP_SUMMARY" <<'PY'
          import json, sys
          d = json.load(open(f"grade-{{sys.argv[1]}}.json"))
          print(f"### {{d['set']}}: {{d['points']}}/{{d['max_points']}} points\\n")
          print("| exercise | status | points |\\n|---|---|---|")
          for e in d["exercises"]:
              print(f"| {{e['id']}} | {{e['status']}} | {{e['points']}}/{{e['max_points']}} |")
          PY
          done
          exit $status
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: grades
          path: grade-*.json
"""


def write(out: Path, sets) -> None:
    wf = out / ".github" / "workflows"
    wf.mkdir(parents=True, exist_ok=True)
    (wf / "grade.yml").write_text(WORKFLOW.format(torch=TORCH, sets=" ".join(s.name for s in sets)))
    tests = [{"name": ex.id, "setup": f'pip install --index-url https://download.pytorch.org/whl/cpu "{TORCH}" '
                                      "&& pip install -e . && (grade data fetch || true)" if i == 0 else "",
              "run": f"grade {ex.id}", "input": "", "output": "", "comparison": "included", "timeout": 10,
              "points": ex.points}
             for i, ex in enumerate(ex for s in sets for ex in s.exercises)]
    classroom = out / ".github" / "classroom"
    classroom.mkdir(parents=True, exist_ok=True)
    (classroom / "autograding.json").write_text(json.dumps({"tests": tests}, indent=2))
