"""BatchNorm1d, as the lecture writes it (the same API as torch.nn.BatchNorm1d).

Conventions (the lecture's, which this set checks):
- training mode normalizes with the batch's own statistics over dim 0:
  mean x.mean(0, keepdim=True) and variance x.var(0, keepdim=True), which is the *unbiased*
  variance (divides by n-1);
- xhat = (x - mean) / sqrt(var + eps), with eps = 1e-5 inside the square root;
- out = gamma * xhat + beta, with gamma = ones(dim) and beta = zeros(dim) (the parameters);
- the buffers running_mean (zeros) and running_var (ones) are not trained by backprop: after each
  training-mode call, under torch.no_grad(), running = (1 - momentum) * running + momentum * batch,
  with momentum = 0.1 (they take the batch's (1, dim) shape from then on);
- eval mode (training = False) normalizes with running_mean and running_var and updates nothing.
"""
import torch


class BatchNorm1d:

    def __init__(self, dim, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.training = True
        # BEGIN SOLUTION: the parameters gamma (ones) and beta (zeros), and the buffers running_mean (zeros) and running_var (ones), all of size dim
        # parameters (trained with backprop)
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        # buffers (trained with a running 'momentum update')
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION: the mean and variance to normalize with: the batch's over dim 0 in training mode, the running ones in eval mode
        if self.training:
            xmean = x.mean(0, keepdim=True)  # batch mean
            xvar = x.var(0, keepdim=True)    # batch variance
        else:
            xmean = self.running_mean
            xvar = self.running_var
        # END SOLUTION
        # BEGIN SOLUTION: normalize to zero mean and unit variance (eps inside the square root), then scale by gamma and shift by beta; keep it in self.out
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)
        self.out = self.gamma * xhat + self.beta
        # END SOLUTION
        # BEGIN SOLUTION: in training mode only, and without tracking gradients, move the running buffers a momentum step towards the batch statistics
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        # END SOLUTION
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]
