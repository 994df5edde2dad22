"""A neural net made of Values: Neuron, Layer, MLP, as in the lecture.

A Neuron holds nin weights and a bias, each drawn from random.uniform(-1, 1): the weights
first (one per input, in order), then the bias. Its output is tanh(w . x + b).
"""
import random

from value import Value


class Neuron:

    def __init__(self, nin):
        # TODO: self.w: nin Values drawn from random.uniform(-1, 1); then self.b: one more
        raise NotImplementedError('micrograd/nn: self.w: nin Values drawn from random.uniform(-1, 1); then self.b: one more')

    def __call__(self, x):
        # TODO: tanh(w . x + b): the weighted sum of the inputs plus the bias, squashed by tanh
        raise NotImplementedError('micrograd/nn: tanh(w . x + b): the weighted sum of the inputs plus the bias, squashed by tanh')

    def parameters(self):
        # TODO: the weights, then the bias, in one list
        raise NotImplementedError('micrograd/nn: the weights, then the bias, in one list')


class Layer:

    def __init__(self, nin, nout):
        # TODO: self.neurons: nout Neurons, each with nin inputs
        raise NotImplementedError('micrograd/nn: self.neurons: nout Neurons, each with nin inputs')

    def __call__(self, x):
        # TODO: every neuron's output on x; a single Value (not a list) when the layer has one neuron
        raise NotImplementedError("micrograd/nn: every neuron's output on x; a single Value (not a list) when the layer has one neuron")

    def parameters(self):
        # TODO: every neuron's parameters, neuron after neuron, in one flat list
        raise NotImplementedError("micrograd/nn: every neuron's parameters, neuron after neuron, in one flat list")


class MLP:

    def __init__(self, nin, nouts):
        # TODO: self.layers: one Layer per entry of nouts; each layer's inputs are the previous layer's outputs (nin for the first)
        raise NotImplementedError("micrograd/nn: self.layers: one Layer per entry of nouts; each layer's inputs are the previous layer's outputs (nin for the first)")

    def __call__(self, x):
        # TODO: feed x through the layers in order
        raise NotImplementedError('micrograd/nn: feed x through the layers in order')

    def parameters(self):
        # TODO: every layer's parameters, layer after layer, in one flat list
        raise NotImplementedError("micrograd/nn: every layer's parameters, layer after layer, in one flat list")
