"""A notebook's first check() of a torch set, beside a bare `python -c "import torch"` measured from
the same kernel, in this run; then a second check() (warm, as watch mode).

    python benchmarks/bench_kernel.py [SET/EXERCISE]      (default bigram/vocab)

Target: the first check (from the setup cell, which starts the worker, to the verdict, run
back to back: the worst case) <= 1.5 x the bare import.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
import nbclient

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    eid = sys.argv[1] if len(sys.argv) > 1 else "bigram/vocab"
    set_name, ex = eid.split("/")
    tmp = Path(tempfile.mkdtemp(prefix="z2h-bench-kernel-"))
    try:
        for d in ("exercises", "data/fixtures"):
            shutil.copytree(REPO / d, tmp / d)
        v4 = nbformat.v4
        code = (REPO / "solutions" / set_name / f"{ex}.py").read_text()
        cells = ["import subprocess, sys, time\nt = time.perf_counter()\n"
                 "subprocess.run([sys.executable, '-c', 'import torch'], check=True)\nbare = time.perf_counter() - t",
                 f"t0 = time.perf_counter()\nfrom grader import check, hint, reset, warm\nwarm({set_name!r})",
                 f"# z2h: {eid}\n{code}",
                 f"check({eid!r})\nfirst = time.perf_counter() - t0",
                 f"t = time.perf_counter()\ncheck({eid!r})\nsecond = time.perf_counter() - t",
                 "print(f'{bare:.3f} {first:.3f} {second:.3f}')"]
        nb = v4.new_notebook(cells=[v4.new_code_cell(c) for c in cells])
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp / "exercises" / set_name)}}).execute()
        bare, first, second = map(float, nb.cells[-1].outputs[0]["text"].split())
        print(f"baseline  python -c 'import torch' (from the kernel)  {bare:6.3f} s")
        print(f"first  check({eid!r})  {first:6.3f} s = {first / bare:4.2f} x import torch   (target <= 1.5 x)")
        print(f"second check({eid!r})  {second:6.3f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
