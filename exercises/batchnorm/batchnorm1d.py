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
        # TODO: the parameters gamma (ones) and beta (zeros), and the buffers running_mean (zeros) and running_var (ones), all of size dim
        raise NotImplementedError('batchnorm/batchnorm1d: the parameters gamma (ones) and beta (zeros), and the buffers running_mean (zeros) and running_var (ones), all of size dim')

    def __call__(self, x):
        # TODO: the mean and variance to normalize with: the batch's over dim 0 in training mode, the running ones in eval mode
        raise NotImplementedError("batchnorm/batchnorm1d: the mean and variance to normalize with: the batch's over dim 0 in training mode, the running ones in eval mode")
        # TODO: normalize to zero mean and unit variance (eps inside the square root), then scale by gamma and shift by beta; keep it in self.out
        raise NotImplementedError('batchnorm/batchnorm1d: normalize to zero mean and unit variance (eps inside the square root), then scale by gamma and shift by beta; keep it in self.out')
        # TODO: in training mode only, and without tracking gradients, move the running buffers a momentum step towards the batch statistics
        raise NotImplementedError('batchnorm/batchnorm1d: in training mode only, and without tracking gradients, move the running buffers a momentum step towards the batch statistics')
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]
