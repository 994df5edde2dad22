from grader.checks import check


@check("scale", "scales a short list", points=2)
def short(m):
    return {"out": m.scale([1.0, 2.0, -3.0], 2.0)}


@check("scale", "scales by a seeded random factor")
def seeded(m, ctx):
    k = ctx.random.uniform(-2, 2)
    return m.scale([ctx.random.random() for _ in range(5)], k)


@check("counter", "accumulates across calls", points=2)
def accumulates(m):
    c = m.Counter()
    c.add([1.0, 2.0])
    c.add([3.0], k=2.0)
    return {"total": c.total}
