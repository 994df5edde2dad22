"""The backward pass: visit the graph in topological order, then run every _backward in reverse.

`Value.backward()` (in value.py) calls `backward(self)` from this file.

Your graph can be deep: a loop of 10,000 operations builds a chain 10,000 nodes long, and
a recursive depth-first search would need 10,000 nested calls (Python stops at about 1,000).
Build the order with a loop and a stack of your own instead.

Departure from the lecture: its build_topo is recursive, which fails on 10,000-deep graphs; here it must not recurse.
"""


def build_topo(root):
    """Every node reachable from root, each exactly once, children before the nodes made from them."""
    # BEGIN SOLUTION: a depth-first search without recursion: an explicit stack, a visited set, and a node appended only after all its children
    topo = []
    visited = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            topo.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for child in node._prev:
                stack.append((child, False))
    return topo
    # END SOLUTION


def backward(root):
    """Fill .grad of every node in root's graph with d root / d node."""
    # BEGIN SOLUTION: seed root.grad with 1.0, then call _backward on each node of build_topo(root), in reverse
    topo = build_topo(root)
    root.grad = 1.0
    for node in reversed(topo):
        node._backward()
    # END SOLUTION
