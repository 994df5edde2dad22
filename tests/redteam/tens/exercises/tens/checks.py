import torch

from grader.checks import check, grads


@check("norm", "normalizes each row and leaves the input alone", points=2, timeout=1.5)
def forward(m, ctx):
    x = ctx.randn(4, 5, dtype=torch.float64)
    out = m.norm(x)
    return {"out": out, "x after the call": x}   # compared in the parent: no in-place edits


@check("norm", "the gradient flows back to the input", timeout=1.5)
def backward(m, ctx):
    x = ctx.randn(4, 5, dtype=torch.float64, requires_grad=True)
    out = m.norm(x)
    ctx.backward(out)
    return {"out": out, **grads(x=x)}
