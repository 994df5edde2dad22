"""Red-team cases, round two (issue 11): untrusted values, hangs and leftovers, isolation as root.

Each class has cases in every mode where it applies: local (the student's own `grade`), isolated
(`grade --from` as root: jobs run as uids of their own), batch (a class graded in one run),
bundle (graded from recorded fixtures), proc (a separate grader process), twice (two graders at
once). Notebooks, intake races and course mistakes are in tests/sources and test_course_mistakes.py.
"""
from __future__ import annotations

from tests.redteam.cases import C, OK, S, SOLVED_COUNTER, Case, counter

HEX_5000 = "0x" + "f" * 5000
# 5,000 nested folders (on a slow disk, as many as 0.5 s allows: the check's limit is 1.5 s)
DEEP = ("import os, time\nend = time.time() + 0.5\nfor _ in range(5000):\n    os.mkdir('d')\n    os.chdir('d')\n"
        "    if time.time() > end:\n        break\n")
# A daemon that forks and exits every millisecond, in the course folder (so the test can find it).
CHAIN = ("import os, time\nif os.fork() == 0:\n    os.setsid()\n    os.chdir('{ROOT}')\n    while True:\n"
         "        if os.fork():\n            os._exit(0)\n        time.sleep(0.001)\n")
SAME_UID = ("import os, time\ntime.sleep(0.6)\nme = os.getsid(0)\nothers = []\nfor e in os.listdir('/proc'):\n"
            "    try:\n        if e.isdigit() and os.stat('/proc/' + e).st_uid == os.getuid() and os.getsid(int(e)) != me:\n"
            "            others.append(e)\n    except OSError:\n        pass\n"
            "if others and os.getuid() != 0:\n    self.total = -1.0\n    return\n")
MARKUP = "[/] [bold red]PASSED[/x] [link=file:///etc/passwd]x[/link] [/"

HARD = []
for mode in ("local", "isolated", "batch"):
    sfx = "" if mode == "local" else f"-{mode}"
    ex = 0 if mode == "batch" else None
    HARD += [
        # ---- 1. untrusted values never crash ---------------------------------------------------
        Case(f"int-beyond-float{sfx}", "fault", {C: counter("self.total = 10**400")},
             {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("inf",), exit=ex, mode=mode),
        Case(f"int-beyond-digits{sfx}", "fault", {C: counter(f"self.total = {HEX_5000}")},
             {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("4300",), exit=ex, mode=mode),
        Case(f"denormal-factor{sfx}", "fault", {S: "def scale(xs, k):\n    return [k * x * 1e-310 for x in xs]\n"},
             {"toy/scale": "failing", "toy/counter": "failing"}, {"toy/scale:short": "fail"}, ("expected",),
             exit=ex, mode=mode),
        Case(f"hex-import-rules{sfx}", "fault",
             {C: counter(head=f"def sneaky():\n    return __import__({HEX_5000})")},
             {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode=mode),
        Case(f"deep-expression{sfx}", "fault", {C: counter(head="x = " + "+".join(["1"] * 100_000))},
             {**OK, "toy/counter": "rule broken"}, {}, ("nested too deeply",), exit=ex, mode=mode),
        Case(f"deep-folders-left{sfx}", "fault", {C: counter(DEEP + SOLVED_COUNTER)},
             {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode=mode,
             note="5,000 nested folders in the job's folder: removed without recursion, nothing left"),
        Case(f"markup-in-error{sfx}", "fault",
             {C: counter(f"print({MARKUP!r})\nraise ValueError({MARKUP!r})")},
             {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("ValueError",), exit=ex,
             mode=mode, after=("renders",)),
        # ---- 2. hangs and leftovers -------------------------------------------------------------
        Case(f"fork-every-ms{sfx}", "fault", {C: counter(CHAIN + SOLVED_COUNTER)},
             {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode=mode,
             note="a chain of forks that never holds still: caught by the worker's rounds (or by its uid)"),
    ]
HARD += [  # the published bundle: judged against recorded fixtures (solutions/ removed)
    Case("int-beyond-float-bundle", "fault", {C: counter("self.total = 10**400")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("inf",), mode="bundle"),
    Case("denormal-factor-bundle", "fault", {S: "def scale(xs, k):\n    return [k * x * 1e-310 for x in xs]\n"},
         {"toy/scale": "failing", "toy/counter": "failing"}, {"toy/scale:short": "fail"}, ("expected",), mode="bundle"),
    Case("deep-folders-left-bundle", "fault", {C: counter(DEEP + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode="bundle"),
    Case("sigstop-worker-bundle", "cheat",
         {C: counter("import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("stopped answering",), bound=25.0,
         mode="bundle"),
]
HARD += [
    Case("sigstop-worker", "cheat", {C: counter("import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("stopped answering",), bound=25.0,
         note="the stopped worker is killed and replaced; the job is tried once more alone, then reported, "
              "and nothing it wrote counts (its check did finish: no points for it)"),
    Case("sigstop-worker-isolated", "cheat",
         {C: counter("import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",), mode="isolated"),
    Case("sigstop-worker-proc", "cheat",
         {C: counter("import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("stopped answering",), bound=25.0,
         mode="proc"),
    Case("fork-every-ms-proc", "fault", {C: counter(CHAIN + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode="proc"),
    Case("deep-folders-left-proc", "fault", {C: counter(DEEP + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode="proc", bound=40.0,
         note="TMPDIR set: the job's folder is on disk; removing a folder costs ~3 ms on this box's ext4 "
              "(shutil.rmtree as much), so the bound is the disk's"),
    # ---- 1. progress files and course content ---------------------------------------------------
    Case("progress-nan", "content",
         {".z2h/progress.json": '{"format": "z2h-progress/1", "exercises": {"toy/scale": {"best": NaN, "hints": 0}}}'},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0, after=("progress_kept", "dashboard_ok")),
    Case("progress-huge-number", "content",
         {".z2h/progress.json": '{"format": "z2h-progress/1", "exercises": {"toy/scale": {"best": 1e999}}}'},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0, after=("progress_kept", "dashboard_ok")),
    Case("progress-markup-key", "content",
         {".z2h/progress.json": '{"format": "z2h-progress/1", "exercises": {"toy/[/x]": {"best": 1}, '
                                '"[bold]x[/]": {"best": 2, "status": "[/]"}}}'},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0, after=("progress_kept", "dashboard_ok", "renders")),
    Case("lock-is-a-folder", "content", {".z2h/lock/inside": "x\n"},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0, after=("progress_kept", "progress_recorded")),
    Case("markup-in-titles", "content",
         {"exercises/toy/set.toml": 'title = "[/] Toy [bold]x[/x]"\nlecture = "x"\n\n[rules]\nforbid_imports = ["torch"]\n\n'
                                    '[[exercises]]\nname = "scale"\ntitle = "Scale [/] a list"\npoints = 3\nhints = ["[/]"]\n\n'
                                    '[[exercises]]\nname = "counter"\ntitle = "[red]A counter"\npoints = 2\n'
                                    'hints = ["x"]\nneeds = ["scale"]\n',
          C: counter("self.total = -1.0")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",),
         after=("renders", "dashboard_ok")),
    # ---- 3. isolation as root: nothing of the instructor's ---------------------------------------
    Case("read-git-local", "cheat",
         {".git/answer": "9.0\n", C: counter("self.total = float(open('{ROOT}/.git/answer').read())")},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0,
         note="LIMITATION: a local job is the student, who may read the course's history"),
    Case("read-git-isolated", "cheat",
         {".git/answer": "9.0\n", C: counter("self.total = float(open('{ROOT}/.git/answer').read())")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",), mode="isolated"),
    Case("read-git-batch", "cheat",
         {".git/answer": "9.0\n", C: counter("self.total = float(open('{ROOT}/.git/answer').read())")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",), exit=0,
         mode="batch", after=("neighbour_passed",)),
    Case("uids-unique-two-graders", "cheat", {C: counter(SAME_UID + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode="isolated+twice",
         bound=12.0, note="two graders at once: no job shares its uid with any process outside its own session"),
    Case("uids-unique-batch", "cheat", {C: counter(SAME_UID + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode="batch",
         after=("neighbour_passed",)),
]
