"""Linear, BatchNorm1d and Tanh from part 3, now also for 3-D input.

The part-5 network feeds Linear and BatchNorm1d tensors of shape (B, T, C): B examples, T groups
of fused characters, C channels. Linear needs no change: x @ weight acts on the last dimension,
whatever comes before it. BatchNorm1d does: its statistics must be per channel, over every
example *and* every group, i.e. over dims (0, 1) for 3-D input (over dim 0 for 2-D input, as
before). That is what torch.nn.BatchNorm1d does too (it expects channels in dim 1, the lecture's
and ours in the last dim).

The rest follows part 3 exactly: Linear's weight is randn((fan_in, fan_out)) / sqrt(fan_in),
drawn now from torch's global generator; BatchNorm1d uses the unbiased variance, eps inside the
square root, momentum 0.1 on buffers updated under torch.no_grad() in training mode only.
"""
import torch


class Linear:

    def __init__(self, fan_in, fan_out, bias=True):
        # BEGIN SOLUTION: as in part 3: weight randn((fan_in, fan_out)) / sqrt(fan_in) from torch's global generator; bias zeros or None
        self.weight = torch.randn((fan_in, fan_out)) / fan_in**0.5  # note: kaiming init
        self.bias = torch.zeros(fan_out) if bias else None
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION: as in part 3: x @ weight (+ bias), kept in self.out
        self.out = x @ self.weight
        if self.bias is not None:
            self.out += self.bias
        return self.out
        # END SOLUTION

    def parameters(self):
        return [self.weight] + ([] if self.bias is None else [self.bias])


class BatchNorm1d:

    def __init__(self, dim, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.training = True
        # parameters (trained with backprop)
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        # buffers (trained with a running 'momentum update')
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)

    def __call__(self, x):
        # calculate the forward pass
        if self.training:
            # BEGIN SOLUTION: the dimensions to take the statistics over: dim 0 for 2-D input (B, C), dims (0, 1) for 3-D input (B, T, C)
            if x.ndim == 2:
                dim = 0
            elif x.ndim == 3:
                dim = (0, 1)
            # END SOLUTION
            xmean = x.mean(dim, keepdim=True)  # batch mean
            xvar = x.var(dim, keepdim=True)    # batch variance
        else:
            xmean = self.running_mean
            xvar = self.running_var
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)  # normalize to unit variance
        self.out = self.gamma * xhat + self.beta
        # update the buffers
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]


class Tanh:

    def __call__(self, x):
        # BEGIN SOLUTION: as in part 3: torch.tanh, kept in self.out
        self.out = torch.tanh(x)
        return self.out
        # END SOLUTION

    def parameters(self):
        return []
