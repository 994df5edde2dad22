"""z2h-grader: auto-graded exercises for Neural Networks: Zero to Hero.

`from grader import check` (in a Jupyter notebook) grades the exercise cells you have run;
it is imported lazily, so `import grader` stays light for the CLI and the sandbox worker.
"""


def __getattr__(name: str):
    if name == "check":
        from grader.student import kernel
        kernel.install_hook()
        return kernel.check
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
