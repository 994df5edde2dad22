"""Sequential: a container that calls its layers in order (torch.nn.Sequential's API).

model = Sequential([layer1, layer2, ...]); model(x) feeds x through layer1, its output through
layer2, and so on; model.parameters() is every layer's parameters in one flat list, in order,
so the training loop can update them all.
"""


class Sequential:

    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        # TODO: feed x through every layer in order; keep the final output in self.out and return it
        raise NotImplementedError('wavenet/sequential: feed x through every layer in order; keep the final output in self.out and return it')

    def parameters(self):
        # TODO: the parameters of every layer, in order, in one flat list
        raise NotImplementedError('wavenet/sequential: the parameters of every layer, in order, in one flat list')
