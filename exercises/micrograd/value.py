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
        # TODO: store data, a gradient of 0.0, a _backward that does nothing, the children as a set, the op and the label
        raise NotImplementedError('micrograd/value: store data, a gradient of 0.0, a _backward that does nothing, the children as a set, the op and the label')

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        # TODO: self + other (wrap a plain number in a Value first); children (self, other), op '+'; in _backward each input gets its local derivative times out.grad
        raise NotImplementedError("micrograd/value: self + other (wrap a plain number in a Value first); children (self, other), op '+'; in _backward each input gets its local derivative times out.grad")

    def __mul__(self, other):
        # TODO: self * other (wrap a plain number in a Value first); children (self, other), op '*'; in _backward each input gets its local derivative times out.grad
        raise NotImplementedError("micrograd/value: self * other (wrap a plain number in a Value first); children (self, other), op '*'; in _backward each input gets its local derivative times out.grad")

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int or float powers are supported"
        # TODO: self ** other for a plain number other; child (self,), op f'**{other}'; the power rule in _backward
        raise NotImplementedError("micrograd/value: self ** other for a plain number other; child (self,), op f'**{other}'; the power rule in _backward")

    def __neg__(self):  # -self
        # TODO: -self, built from an operation you already have
        raise NotImplementedError('micrograd/value: -self, built from an operation you already have')

    def __sub__(self, other):  # self - other
        # TODO: self - other, built from operations you already have
        raise NotImplementedError('micrograd/value: self - other, built from operations you already have')

    def __truediv__(self, other):  # self / other
        # TODO: self / other, built from * and ** (no new _backward needed)
        raise NotImplementedError('micrograd/value: self / other, built from * and ** (no new _backward needed)')

    def __radd__(self, other):  # other + self, when other is a plain number
        # TODO: other + self
        raise NotImplementedError('micrograd/value: other + self')

    def __rmul__(self, other):  # other * self
        # TODO: other * self
        raise NotImplementedError('micrograd/value: other * self')

    def __rsub__(self, other):  # other - self
        # TODO: other - self (mind the order)
        raise NotImplementedError('micrograd/value: other - self (mind the order)')

    def __rtruediv__(self, other):  # other / self
        # TODO: other / self (mind the order)
        raise NotImplementedError('micrograd/value: other / self (mind the order)')

    def exp(self):
        # TODO: e ** self; child (self,), op 'exp'; the local derivative of exp in _backward
        raise NotImplementedError("micrograd/value: e ** self; child (self,), op 'exp'; the local derivative of exp in _backward")

    def tanh(self):
        # TODO: tanh(self) = (e**2x - 1) / (e**2x + 1) as one node; child (self,), op 'tanh'; its local derivative in _backward
        raise NotImplementedError("micrograd/value: tanh(self) = (e**2x - 1) / (e**2x + 1) as one node; child (self,), op 'tanh'; its local derivative in _backward")

    def relu(self):
        # TODO: max(0, self); child (self,), op 'ReLU'; gradient flows only where the output is positive
        raise NotImplementedError("micrograd/value: max(0, self); child (self,), op 'ReLU'; gradient flows only where the output is positive")

    def backward(self):
        """Backpropagate from this node. The pass itself is the next exercise: backward.py."""
        from backward import backward as _backward_pass
        _backward_pass(self)
