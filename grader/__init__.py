"""z2h-grader: auto-graded exercises for Neural Networks: Zero to Hero.

`from grader import check, hint, reset` (in a Jupyter notebook, anywhere on disk) grades the exercise
cells you have run, shows the next hint, gives a fresh stub cell. They are imported lazily, so
`import grader` stays light for the CLI and the sandbox worker.
"""


def __getattr__(name: str):
    if name in ("check", "hint", "reset", "warm", "workspace"):
        from grader.student import kernel
        kernel.install_hook()
        return getattr(kernel, name)
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
