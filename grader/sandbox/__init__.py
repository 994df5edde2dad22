"""Runs untrusted code: the parent's pool (pool), the zygote that forks jobs (zygote), the forked child
that isolates itself and runs student code (child), and the wire format results travel in (wire).
It knows no course: a job is a module path, a list of check names and limits."""
