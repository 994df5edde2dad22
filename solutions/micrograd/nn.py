"""A neural net made of Values: Neuron, Layer, MLP, as in the lecture.

A Neuron holds nin weights and a bias, each drawn from random.uniform(-1, 1): the weights
first (one per input, in order), then the bias. Its output is tanh(w . x + b).
"""
import random

from value import Value


class Neuron:

    def __init__(self, nin):
        # BEGIN SOLUTION: self.w: nin Values drawn from random.uniform(-1, 1); then self.b: one more
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION: tanh(w . x + b): the weighted sum of the inputs plus the bias, squashed by tanh
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        out = act.tanh()
        return out
        # END SOLUTION

    def parameters(self):
        # BEGIN SOLUTION: the weights, then the bias, in one list
        return self.w + [self.b]
        # END SOLUTION


class Layer:

    def __init__(self, nin, nout):
        # BEGIN SOLUTION: self.neurons: nout Neurons, each with nin inputs
        self.neurons = [Neuron(nin) for _ in range(nout)]
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION: every neuron's output on x; a single Value (not a list) when the layer has one neuron
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs
        # END SOLUTION

    def parameters(self):
        # BEGIN SOLUTION: every neuron's parameters, neuron after neuron, in one flat list
        return [p for neuron in self.neurons for p in neuron.parameters()]
        # END SOLUTION


class MLP:

    def __init__(self, nin, nouts):
        # BEGIN SOLUTION: self.layers: one Layer per entry of nouts; each layer's inputs are the previous layer's outputs (nin for the first)
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION: feed x through the layers in order
        for layer in self.layers:
            x = layer(x)
        return x
        # END SOLUTION

    def parameters(self):
        # BEGIN SOLUTION: every layer's parameters, layer after layer, in one flat list
        return [p for layer in self.layers for p in layer.parameters()]
        # END SOLUTION
