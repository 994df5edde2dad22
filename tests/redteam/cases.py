"""The red-team cases: hostile or broken submissions and content, each with the verdict it must get.

Each case edits a copy of the toy course (tests/toy_course) with both exercises solved and every check
timeout cut to 1.5 s (to keep the suite fast), or of the tiny torch set `tens` (tests/redteam/tens),
then runs `grade` and compares:

- `expect`: exercise id -> status it must get (every exercise of the target is listed, so "the
  rest is still graded" is checked too); `checks`: "set/ex:check" -> check status;
- `cause`: words the report must contain to name the cause (searched in the exercise's detail,
  check errors, mismatch notes and output, or in the error text for a content error);
- `exit`: the grader's exit status; `bound`: wall-clock seconds (default: the target's check
  timeouts + 2 s per exercise, the suite's rule); `after`: extra assertions by name.

A path starting with "+" appends to the file instead of replacing it.
Placeholders in file texts: {MARK} a string unique to the case (put into the command line of
anything the case spawns, so the test can look for leftovers), {ROOT} the course folder.

mode: local (the student's own `grade`, same user), isolated (`grade --from`, which as root runs
jobs as nobody), bundle (solutions/ removed: graded from recorded fixtures), proc (a separate
`grade` process, for cases that may kill the grader), twice (two `grade` processes at once).
"""
from __future__ import annotations

from dataclasses import dataclass, field

SOLVED_COUNTER = "for x in scale(xs, k):\n    self.total += x"


def counter(body: str = SOLVED_COUNTER, head: str = "") -> str:
    """exercises/toy/counter.py with `head` at module level and `body` as Counter.add."""
    add = "\n".join("        " + line for line in body.strip("\n").splitlines())
    return (f'"""A counter that accumulates what it is given."""\nfrom scale import scale\n{head}\n\n\n'
            f"class Counter:\n    def __init__(self):\n        self.total = 0.0\n\n"
            f"    def add(self, xs, k=1.0):\n{add}\n")


def norm(body: str, head: str = "") -> str:
    """exercises/tens/norm.py with `body` as norm(x)."""
    inner = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return f"import torch\n{head}\n\n\ndef norm(x):\n{inner}\n"


C = "exercises/toy/counter.py"
S = "exercises/toy/scale.py"
N = "exercises/tens/norm.py"
RIGHT_NORM = "return (x - x.mean(dim=1, keepdim=True)) / x.std(dim=1, keepdim=True)"
OK = {"toy/scale": "passed"}             # the neighbour that must still pass


@dataclass(frozen=True)
class Case:
    name: str
    kind: str                               # cheat | fault | content
    files: dict                             # course-relative path -> text (None: delete)
    expect: dict                            # exercise id -> status
    checks: dict = field(default_factory=dict)
    cause: tuple = ()
    exit: int | None = None                 # default: 0 if every exercise is expected to pass, else 1
    mode: str = "local"
    target: str = "toy"
    bound: float | None = None
    after: tuple = ()
    note: str = ""
    xfail: str = ""                         # a known gap whose fix lies outside the sandbox's files

    def __post_init__(self):
        if self.exit is None:
            object.__setattr__(self, "exit", 0 if self.expect and all(v == "passed" for v in self.expect.values()) else 1)


CASES = [
    # ---- cheats ---------------------------------------------------------------------------
    Case("patch-math-isclose", "cheat",
         {C: counter("self.total = -1.0", "import math\nmath.isclose = lambda *a, **k: True")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",)),
    Case("patch-numpy-allclose", "cheat",
         {C: counter("self.total = -1.0", "import numpy\nnumpy.allclose = numpy.isclose = numpy.array_equal = "
                     "lambda *a, **k: True\nnumpy.testing.assert_allclose = lambda *a, **k: None")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",)),
    Case("patch-builtins", "cheat",
         {C: counter("self.total = -1.0", "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.all = lambda *a: True\n"
                     "builtins.isinstance = lambda *a: True\nbuiltins.float = lambda *a: 9.0\n"
                     "builtins.repr = lambda x: '9.0'")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",)),
    Case("patch-grader-compare", "cheat",
         {C: counter("self.total = -1.0", "import grader.grading.compare as c, grader.grading.engine as e, grader.grading.explain as x\n"
                     "c.compare = e.compare = lambda *a, **k: c.Comparison()\n"
                     "c._walk = lambda *a, **k: None\nx.value_notes = lambda *a, **k: ['passed']")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",)),
    Case("patch-grader-wire", "cheat",
         {C: counter("self.total = -1.0", "import grader.sandbox.wire as w\n"
                     "w.encode = lambda x, blob, depth=0: {'t': 'verdict', 'v': 'pass'}")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("unreadable result",)),
    Case("patch-worker-status", "cheat",
         {C: counter("self.total = -1.0", "import grader.sandbox.child as w\n"
                     "w._one = lambda *a, **k: {'status': 'pass', 'verdict': 'exact'}")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("unknown status",)),
    Case("eq-always-true", "cheat",
         {C: counter("self.total = Anything()", "class Anything:\n    def __eq__(self, o): return True\n"
                     "    __hash__ = object.__hash__\n    def __float__(self): return 9.0\n"
                     "    def __repr__(self): return '9.0'")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("got a counter.Anything",)),
    Case("float-subclass-liar", "cheat",
         {C: counter("self.total = Liar(0.0)", "class Liar(float):\n    def __eq__(self, o): return True\n"
                     "    __hash__ = float.__hash__\n    def __repr__(self): return '9.0'\n    __str__ = __repr__\n"
                     "    def __float__(self): return 9.0\n    def __sub__(self, o): return 0.0\n    __rsub__ = __sub__\n"
                     "    def __abs__(self): return 0.0")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9", "got 0")),
    Case("list-subclass-liar", "cheat",
         {S: "class Liar(list):\n    def __init__(self, xs, k):\n        super().__init__([0.0] * len(xs))\n"
             "        self.truth = [k * x for x in xs]\n    def __iter__(self): return iter(self.truth)\n"
             "    def __getitem__(self, i): return self.truth[i]\n    def __eq__(self, o): return True\n"
             "def scale(xs, k):\n    return Liar(xs, k)\n"},
         {"toy/scale": "failing", "toy/counter": "passed"}, {"toy/scale:short": "fail", "toy/scale:seeded": "fail"},
         note="the grader reads the list's real items; counter, which iterates it, passes on its own"),
    Case("module-getattr", "cheat",
         {C: "class Anything:\n    def __init__(self, *a, **k): pass\n    def __getattr__(self, n): return Anything()\n"
             "    def __call__(self, *a, **k): return Anything()\n    def __eq__(self, o): return True\n"
             "def __getattr__(name):\n    return Anything\n"},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("got a counter.Anything",)),
    Case("sys-exit-after-passed", "cheat",
         {C: counter("print('PASSED 1/1 checks, 2/2 points')\nimport sys\nsys.exit(0)")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("SystemExit",)),
    Case("os-exit-after-passed", "cheat",
         {C: counter("print('PASSED', flush=True)\nimport os\nos._exit(0)")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("os._exit",)),
    Case("exit-at-import", "cheat",
         {C: counter(head="print('PASSED')\nimport os\nos._exit(0)")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("os._exit",)),
    Case("forged-result-file", "cheat",
         {C: counter("import json, os, pathlib\nout = pathlib.Path.cwd().parent\n"
                     "(out / '0.json').write_text(json.dumps({'name': 'accumulates', 'status': 'ok', 'out': [0, 0],\n"
                     "    'value': {'t': 'dict', 'v': [['total', {'t': 'float', 'v': '1.5'}]]}}))\nos._exit(0)")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",),
         note="a job can only ever report its own results: forging them is no better than returning them"),
    Case("forged-skip", "cheat",
         {C: counter("from grader.checks import DatasetMissing\nraise DatasetMissing('names.txt')")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("skipped",),
         note="a job cannot claim a skip the reference did not need"),
    Case("vandalize-progress", "cheat",
         {C: counter("import pathlib\n(pathlib.Path('{ROOT}') / '.z2h' / 'progress.json').write_text('PASSED')\n"
                     "self.total = -1.0")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",),
         after=("progress_kept",), note="the damaged file is set aside and the previous good copy restored"),
    Case("write-progress-isolated", "cheat",
         {C: counter("import pathlib\n(pathlib.Path('{ROOT}') / '.z2h' / 'progress.json').write_text('{}')")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",),
         mode="isolated", after=("progress_kept",)),
    Case("write-fixture-local", "cheat",
         {C: counter("import pathlib\nf = pathlib.Path('{ROOT}') / 'data' / 'fixtures' / 'toy' / 'counter.json'\n"
                     "f.write_text(f.read_text().replace('9.0', '1.5'))\nself.total = 1.5")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",), mode="bundle",
         after=("fixture_changed",),
         note="LIMITATION: same user; this run is judged on fixtures read before the job, the next one on the forgery"),
    Case("write-fixture-isolated", "cheat",
         {C: counter("import pathlib\nf = pathlib.Path('{ROOT}') / 'data' / 'fixtures' / 'toy' / 'counter.json'\n"
                     "f.write_text(f.read_text().replace('9.0', '1.5'))\nself.total = 1.5")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",),
         mode="isolated", after=("fixture_unchanged",)),
    Case("read-fixture-local", "cheat",
         {C: counter("import json, pathlib\nf = pathlib.Path('{ROOT}') / 'data' / 'fixtures' / 'toy' / 'counter.json'\n"
                     "self.total = json.loads(f.read_text())['reference']['accumulates']['value']['v']['total']")},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, mode="bundle",
         note="LIMITATION: a local bundle ships the expected results; the same user can read them"),
    Case("read-fixture-isolated", "cheat",
         {C: counter("import json, pathlib\nf = pathlib.Path('{ROOT}') / 'data' / 'fixtures' / 'toy' / 'counter.json'\n"
                     "self.total = json.loads(f.read_text())['reference']['accumulates']['value']['v']['total']")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",), mode="isolated"),
    Case("read-solution-isolated", "cheat",
         {C: "import importlib.util\n"
             "spec = importlib.util.spec_from_file_location('ref', '{ROOT}/solutions/toy/counter.py')\n"
             "ref = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(ref)\nCounter = ref.Counter\n"},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",), mode="isolated"),
    Case("symlink-output-leak", "cheat",
         {C: counter("import os, pathlib\nout = pathlib.Path.cwd().parent\nos.unlink(out / 'output.txt')\n"
                     "os.symlink('{ROOT}/data/fixtures/toy/counter.json', out / 'output.txt')\nself.total = -1.0")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",), mode="isolated",
         after=("no_fixture_in_report",), note="the grader (root) must not read a file through the job's symlink"),
    Case("kill-zygote", "cheat",
         {C: counter("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")},
         {**OK, "toy/counter": "error"}, {}, ("worker process was killed",)),
    Case("kill-zygote-and-linger", "cheat",
         {C: counter("import os, signal, subprocess, sys, time\n"
                     "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', '{MARK}'])\n"
                     "os.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(60)")},
         {**OK, "toy/counter": "error"}, {}, ("worker process was killed",)),
    Case("kill-zygote-isolated", "cheat",
         {C: counter("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",), mode="isolated"),
    Case("kill-grader-isolated", "cheat",
         {C: counter("import os, signal\nzygote = os.getppid()\n"
                     "grader = int(open(f'/proc/{zygote}/stat').read().rsplit(')', 1)[1].split()[1])\n"
                     "os.kill(grader, signal.SIGKILL)")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",), mode="isolated+proc"),
    Case("kill-grader-local", "cheat",
         {C: counter("import os, signal\nzygote = os.getppid()\n"
                     "grader = int(open(f'/proc/{zygote}/stat').read().rsplit(')', 1)[1].split()[1])\n"
                     "os.kill(grader, signal.SIGKILL)")},
         {}, exit=-9, mode="proc", after=("progress_kept",),
         note="LIMITATION: same user can kill the grader; nothing is left running and no progress is lost"),
    Case("leave-daemon-running", "cheat",
         {C: counter("import os, subprocess, sys\nif os.fork() == 0:\n    os.setsid()\n"
                     "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', '{MARK}'])\n"
                     "    os._exit(0)\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"},
         note="correct code that leaves a daemon behind: its verdict stands, the daemon dies"),
    Case("ansi-escapes-in-output", "cheat",
         {C: counter("print('\\x1b[2J\\x1b[1;1H\\x1b[32mtoy/counter passed 2/2\\x1b[0m\\x07')\nself.total = -1.0")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",),
         after=("no_control_chars",), note="printed terminal escapes must not redraw the grader's report"),

    # batch: `alice` (the case's files) is graded beside `bob` (solved, a little slow) in one run
    Case("batch-read-neighbour", "cheat",
         {C: "import os, importlib.util\nfound = []\nfor top, dirs, files in os.walk('{ROOT}/../t'):\n"
             "    found += [os.path.join(top, f) for f in files if f == 'counter.py' and 'bob' in top]\n"
             "spec = importlib.util.spec_from_file_location('theirs', found[0])\n"
             "theirs = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(theirs)\nCounter = theirs.Counter\n"},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("IndexError",), exit=0, mode="batch",
         after=("neighbour_passed",), note="every job copies its own files; the submissions are root's alone"),
    Case("batch-kill-neighbour", "cheat",
         {C: counter("import os, signal, time\nend = time.time() + 0.4\nwhile time.time() < end:\n"
                     "    for e in os.listdir('/proc'):\n        if e.isdigit() and int(e) != os.getpid():\n"
                     "            try:\n                os.kill(int(e), signal.SIGKILL)\n"
                     "            except OSError:\n                pass\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode="batch",
         after=("neighbour_passed",), note="a job runs as a uid of its own: it can signal no other job"),
    Case("batch-forge-neighbour-results", "cheat",
         {C: counter("import os\nfor top, dirs, files in os.walk('{ROOT}/../t'):\n"
                     "    for d in dirs:\n        if d.startswith('s1-'):\n"
                     "            open(os.path.join(top, d, '0.json'), 'w').write('{}')\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, exit=0, mode="batch",
         after=("neighbour_passed",), note="another job's folder is 0700 and owned by another uid"),

    # ---- faults ---------------------------------------------------------------------------
    Case("infinite-loop", "fault", {C: counter("while True:\n    pass")},
         {**OK, "toy/counter": "timed out"}, {"toy/counter:accumulates": "timeout"}, ("longer than 1.5 s",)),
    Case("loop-ignoring-alarm", "fault",
         {C: counter("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nsignal.setitimer(signal.ITIMER_REAL, 0)\n"
                     "while True:\n    pass")},
         {**OK, "toy/counter": "timed out"}, {}, ("stopped after",)),
    Case("hang-in-c", "fault", {C: counter("self.total = sum(range(10**14))")},
         {**OK, "toy/counter": "timed out"}, {}, ("stopped after",)),
    Case("hang-in-exception-str", "fault",
         {C: counter("class Weird(Exception):\n    def __str__(self):\n        while True:\n            pass\nraise Weird()")},
         {**OK, "toy/counter": "timed out"}, {"toy/counter:accumulates": "timeout"}, ("longer than 1.5 s",)),
    Case("c-stack-overflow", "fault",
         {C: counter("import json, sys\nsys.setrecursionlimit(10**8)\nnest = []\nfor _ in range(2 * 10**5):\n    nest = [nest]\n"
                     "self.total = len(json.dumps(nest))")},
         {**OK, "toy/counter": "error"}, {}, ("SIGSEGV",)),
    Case("recursion-error", "fault",
         {C: counter("def down(n):\n    return down(n + 1) + 1\nself.total = down(0)")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("RecursionError",)),
    Case("memory-growth", "fault",
         {C: counter("hog = []\nwhile True:\n    hog.append(bytes(2**30))")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("MemoryError",)),
    Case("fork-storm", "fault",
         {C: counter("import os, time\nfor _ in range(40):\n    if os.fork() == 0:\n        os.setsid()\n"
                     "        time.sleep(60)\n        os._exit(0)\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}),
    Case("segfault", "fault", {C: counter("import ctypes\nctypes.string_at(0)")},
         {**OK, "toy/counter": "error"}, {}, ("SIGSEGV",)),
    Case("sigkill-self", "fault", {C: counter("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")},
         {**OK, "toy/counter": "error"}, {}, ("SIGKILL",)),
    Case("print-100mb", "fault",
         {C: counter("line = 'x' * 1023\nfor _ in range(100 * 1024):\n    print(line)\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("File too large", "64 MB")),
    Case("read-stdin", "fault", {C: counter("self.total = float(input('total? '))")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("EOFError",)),
    Case("write-outside-tmp-local", "fault",
         {C: counter("open('{ROOT}/pwned.txt', 'w').write('x')\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "passed"}, {"toy/counter:accumulates": "pass"}, after=("pwned_exists",),
         note="LIMITATION: a local job runs as the student, who may write their own files"),
    Case("write-outside-tmp-isolated", "fault",
         {C: counter("open('{ROOT}/pwned.txt', 'w').write('x')\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("PermissionError",),
         mode="isolated", after=("pwned_absent",)),
    Case("fifo-output", "fault",
         {C: counter("import os, pathlib\nout = pathlib.Path.cwd().parent\nif not (out / '0.bin').exists():\n"
                     "    os.unlink(out / 'output.txt')\n    os.mkfifo(out / 'output.txt')\n    os.mkfifo(out / '0.bin')\n"
                     "self.total = -1.0")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",),
         note="the grader must not block opening a FIFO the job left in its folder"),
    Case("nan-result", "fault", {C: counter("self.total = float('nan')")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("NaN",)),
    Case("inf-result", "fault", {C: counter("self.total = float('-inf')")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("inf",)),
    Case("wrong-type", "fault", {C: counter("self.total = '9.0'")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("a str",)),
    Case("wrong-length", "fault", {S: "def scale(xs, k):\n    return [k * x for x in xs][:-1]\n"},
         {"toy/scale": "failing", "toy/counter": "failing"}, {"toy/scale:short": "fail"}, ("off by one",)),
    Case("nested-too-deep", "fault",
         {C: counter("nest = 9.0\nfor _ in range(100000):\n    nest = [nest]\nself.total = nest")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("got a list",)),
    Case("huge-result", "fault", {C: counter("self.total = [0.5] * 3_000_000")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("more than 200,000 values",)),
    Case("nondeterministic", "fault",
         {C: counter("import os\n" + SOLVED_COUNTER + "\nself.total += int.from_bytes(os.urandom(2), 'big') / 1e4 + 0.01")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",)),
    Case("slow-but-correct", "fault", {C: counter("import time\ntime.sleep(30)\n" + SOLVED_COUNTER)},
         {**OK, "toy/counter": "timed out"}, {"toy/counter:accumulates": "timeout"}, ("longer than 1.5 s",)),
    Case("first-check-times-out", "fault",
         {S: "import time\ndef scale(xs, k):\n    time.sleep(30)\n    return [k * x for x in xs]\n"},
         {"toy/scale": "timed out", "toy/counter": "timed out"},
         {"toy/scale:short": "timeout", "toy/scale:seeded": "skipped"}, ("longer than 1.5 s",)),

    # ---- bad content ----------------------------------------------------------------------
    Case("syntax-error", "content", {C: counter("self.total += (x for x in xs")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("SyntaxError", "counter.py:")),
    Case("import-error", "content", {C: counter(head="import no_such_module_z2h")},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("no_such_module_z2h", "counter.py:3")),
    Case("binary-garbage-stub", "content", {C: "\x00\xff\xfe garbage \x00"},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("SyntaxError",)),
    Case("empty-stub", "content", {C: ""},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("Counter",)),
    Case("missing-stub", "content", {C: None},
         {**OK, "toy/counter": "error"}, {}, ("counter.py is missing",)),
    Case("extra-files-shadowing", "content",
         {"exercises/toy/random.py": "raise RuntimeError('shadowed random')\n",
          "exercises/toy/json.py": "raise RuntimeError('shadowed json')\n",
          "exercises/toy/grader.py": "raise RuntimeError('shadowed grader')\n",
          "exercises/toy/notes.txt": "scratch\n"},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0),
    Case("set-toml-syntax", "content", {"exercises/toy/set.toml": 'title = "Toy"\n[[exercises]\nname = "scale"\n'},
         {}, cause=("set.toml:2",), exit=2),
    Case("set-toml-bad-exercise", "content",
         {"exercises/toy/set.toml": 'title = "Toy"\nlecture = "x"\n\n[[exercises]]\nname = "Scale!"\ntitle = "x"\npoints = 3\n'},
         {}, cause=("set.toml", "Scale!"), exit=2),
    Case("course-toml-syntax", "content", {"exercises/course.toml": 'title = "Toy course"\nsets = ["toy"\n'},
         {}, cause=("course.toml",), exit=2),
    Case("course-lists-missing-set", "content",
         {"exercises/course.toml": 'title = "Toy course"\nsets = ["toy", "ghost"]\n'},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0, after=("dashboard_names_ghost",)),
    Case("check-raises", "content",
         {"+exercises/toy/checks.py": "\n@check('counter', 'a check with a bug')\ndef buggy(m):\n    return 1 / 0\n"},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "pass", "toy/counter:buggy": "error"},
         ("bug in the course",)),
    Case("checks-do-not-load", "content", {"+exercises/toy/checks.py": "\ndef broken(:\n"},
         {}, cause=("checks failed to load", "SyntaxError"), exit=2),
    Case("reference-fails", "content",
         {"solutions/toy/counter.py": "raise RuntimeError('the reference is broken')\n# self.total += x\n"},
         {**OK, "toy/counter": "error"}, {"toy/counter:accumulates": "error"}, ("bug in the course",)),
    Case("stale-fixture-live", "content",
         {"data/fixtures/toy/counter.json": "{\"format\": \"z2h-fixture/1\", \"reference\": {}, \"mistakes\": []}\n"},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0,
         note="with solutions/ present the reference runs live; a stale fixture is never used"),
    Case("corrupt-fixture-bundle", "content", {"data/fixtures/toy/counter.json": "{\"format\": \"z2h-fix"},
         {"toy/scale": "passed", "toy/counter": "error"}, cause=("counter.json",), exit=1, mode="bundle",
         note="one bad fixture spoils its own exercise; the rest is still graded"),
    Case("truncated-progress", "content", {".z2h/progress.json": '{"format": "z2h-progress/1", "exercises": {"toy/sc'},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0, after=("progress_kept",)),
    Case("progress-is-a-folder", "content", {".z2h/progress.json/x": "not a file\n"},
         {"toy/scale": "passed", "toy/counter": "passed"}, exit=0, after=("progress_kept",)),
    Case("two-runs-at-once", "content", {C: counter("self.total = -1.0")},
         {**OK, "toy/counter": "failing"}, {"toy/counter:accumulates": "fail"}, ("expected 9",), mode="twice",
         after=("progress_kept",)),

    # ---- torch: the tiny `tens` set -------------------------------------------------------
    Case("torch-solved", "fault", {N: norm(RIGHT_NORM)}, {"tens/norm": "passed"}, exit=0, target="tens"),
    Case("patch-torch-allclose", "cheat",
         {N: norm("return x - x.mean()", "torch.allclose = torch.equal = lambda *a, **k: True\n"
                  "torch.isclose = lambda a, b, *r, **k: torch.ones_like(a, dtype=torch.bool)\n"
                  "torch.testing.assert_close = lambda *a, **k: None\ntorch.Tensor.__eq__ = lambda a, b: True")},
         {"tens/norm": "failing"}, {"tens/norm:forward": "fail", "tens/norm:backward": "fail"}, ("out",), target="tens"),
    Case("tensor-subclass-liar", "cheat",
         {N: norm("t = torch.zeros_like(x).as_subclass(Liar)\nt.truth = (x - x.mean(1, keepdim=True)) / x.std(1, keepdim=True)\n"
                  "return t",
                  "class Liar(torch.Tensor):\n    def detach(self): return self.truth.detach()\n"
                  "    def cpu(self): return self.truth\n    def contiguous(self, *a, **k): return self.truth\n"
                  "    def numpy(self, *a, **k): return self.truth.detach().numpy()\n"
                  "    def tolist(self): return self.truth.tolist()\n    def __eq__(self, o): return True\n"
                  "    __hash__ = torch.Tensor.__hash__")},
         {"tens/norm": "error"}, {"tens/norm:forward": "fail", "tens/norm:backward": "error"}, ("out",), target="tens"),
    Case("torch-nan", "fault", {N: norm("return x * float('nan')")},
         {"tens/norm": "failing"}, {"tens/norm:forward": "fail"}, ("NaN",), target="tens"),
    Case("torch-wrong-shape", "fault", {N: norm(RIGHT_NORM.replace("return ", "return (") + ").unsqueeze(0)")},
         {"tens/norm": "failing"}, {"tens/norm:forward": "fail"}, ("(1, 4, 5)",), target="tens"),
    Case("torch-mutates-input", "fault",
         {N: norm("return x.sub_(x.mean(dim=1, keepdim=True)).div_(x.std(dim=1, keepdim=True))")},
         {"tens/norm": "error"}, {"tens/norm:forward": "fail", "tens/norm:backward": "error"}, ("x after the call",),
         target="tens"),
    Case("torch-nondeterministic", "fault",
         {N: norm("import time\ng = torch.Generator().manual_seed(time.time_ns())\nout = " + RIGHT_NORM[7:] +
                  "\nreturn out + 1e-3 * torch.rand(out.shape, generator=g, dtype=out.dtype)")},
         {"tens/norm": "failing"}, {"tens/norm:forward": "fail", "tens/norm:backward": "fail"}, ("out",), target="tens"),
    Case("torch-memory", "fault", {N: norm("hog = torch.ones(2**34)\n" + RIGHT_NORM)},
         {"tens/norm": "error"}, {"tens/norm:forward": "error"}, ("allocate",), target="tens"),
    Case("torch-complex", "fault", {N: norm(RIGHT_NORM + ".to(torch.complex64)")},
         {"tens/norm": "failing"}, {"tens/norm:forward": "fail"}, ("tensor of dtype complex128",), target="tens"),
    Case("torch-ignores-alarm", "fault",
         {N: norm("import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])\nwhile True:\n    pass")},
         {"tens/norm": "timed out"}, {}, ("stopped after|took longer than",), target="tens",
         note="fork: the job is killed at its deadline; portable: SIGALRM reaches the job's reader thread, "
              "so the check's own timer still interrupts it"),
    Case("torch-solved-after-a-kill", "fault", {N: norm(RIGHT_NORM)}, {"tens/norm": "passed"}, exit=0, target="tens",
         note="the same warm worker (as in watch mode) grades the next save correctly after killing a job"),
]

from tests.redteam.cases_hard import HARD  # noqa: E402  (round two: issue 11)

CASES += HARD
