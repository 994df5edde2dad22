"""Value: a single number that remembers how it was made, and how to pass gradients back.

Every arithmetic operation on Values returns a new Value whose `_prev` holds the inputs
(its children in the expression graph) and whose `_backward` is a small closure: given
`out.grad` (d output / d out), it adds each input's share into the input's `.grad`
(chain rule: local derivative times out.grad). Always `+=`, never `=`: a node used twice
receives a gradient from each use.
"""
import math


class Value:

    def __init__(self, data, _children=(), _op='', label=''):
        # BEGIN SOLUTION: store data, a gradient of 0.0, a _backward that does nothing, the children as a set, the op and the label
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label
        # END SOLUTION

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        # BEGIN SOLUTION: self + other (wrap a plain number in a Value first); children (self, other), op '+'; in _backward each input gets its local derivative times out.grad
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward
        return out
        # END SOLUTION

    def __mul__(self, other):
        # BEGIN SOLUTION: self * other (wrap a plain number in a Value first); children (self, other), op '*'; in _backward each input gets its local derivative times out.grad
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out
        # END SOLUTION

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int or float powers are supported"
        # BEGIN SOLUTION: self ** other for a plain number other; child (self,), op f'**{other}'; the power rule in _backward
        out = Value(self.data ** other, (self,), f'**{other}')

        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad
        out._backward = _backward
        return out
        # END SOLUTION

    def __neg__(self):  # -self
        # BEGIN SOLUTION: -self, built from an operation you already have
        return self * -1
        # END SOLUTION

    def __sub__(self, other):  # self - other
        # BEGIN SOLUTION: self - other, built from operations you already have
        return self + (-other)
        # END SOLUTION

    def __truediv__(self, other):  # self / other
        # BEGIN SOLUTION: self / other, built from * and ** (no new _backward needed)
        return self * other**-1
        # END SOLUTION

    def __radd__(self, other):  # other + self, when other is a plain number
        # BEGIN SOLUTION: other + self
        return self + other
        # END SOLUTION

    def __rmul__(self, other):  # other * self
        # BEGIN SOLUTION: other * self
        return self * other
        # END SOLUTION

    def __rsub__(self, other):  # other - self
        # BEGIN SOLUTION: other - self (mind the order)
        return other + (-self)
        # END SOLUTION

    def __rtruediv__(self, other):  # other / self
        # BEGIN SOLUTION: other / self (mind the order)
        return other * self**-1
        # END SOLUTION

    def exp(self):
        # BEGIN SOLUTION: e ** self; child (self,), op 'exp'; the local derivative of exp in _backward
        x = self.data
        out = Value(math.exp(x), (self,), 'exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out
        # END SOLUTION

    def tanh(self):
        # BEGIN SOLUTION: tanh(self) = (e**2x - 1) / (e**2x + 1) as one node; child (self,), op 'tanh'; its local derivative in _backward
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out
        # END SOLUTION

    def relu(self):
        # BEGIN SOLUTION: max(0, self); child (self,), op 'ReLU'; gradient flows only where the output is positive
        out = Value(0.0 if self.data < 0 else self.data, (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out
        # END SOLUTION

    def backward(self):
        """Backpropagate from this node. The pass itself is the next exercise: backward.py."""
        from backward import backward as _backward_pass
        _backward_pass(self)
