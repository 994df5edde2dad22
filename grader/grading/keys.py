"""What a result's key says about its value (no numpy here: the fast path of compare uses it)."""
from __future__ import annotations

import re

_GRAD_KEY = re.compile(r"grad|^\d+\s+d[a-z]\w*$|^d[A-Z]\w*$")   # "a.grad", "01 dlogprobs", "dW1", "dC"


def is_gradient(path: str) -> bool:
    """A key that holds a gradient: it says "grad", or it is a d-name as the lectures write them
    (numbered as in backprop's steps, "01 dlogprobs", or with a capital, "dW1"); "data" is not one."""
    return bool(_GRAD_KEY.search(path.rsplit(".", 1)[-1]) or "grad" in path)
