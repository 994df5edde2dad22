"""Embedding: the lookup table C of the earlier parts, as a module (torch.nn.Embedding's API).

Like every module here: called like a function, keeps its last output in self.out, lists its
trainable tensors in parameters(). Its table is drawn from torch's global generator (the
lecture calls torch.manual_seed(42) once, before building the model).
"""
import torch


class Embedding:

    def __init__(self, num_embeddings, embedding_dim):
        # BEGIN SOLUTION: the table self.weight, (num_embeddings, embedding_dim), standard normal
        self.weight = torch.randn((num_embeddings, embedding_dim))
        # END SOLUTION

    def __call__(self, IX):
        # BEGIN SOLUTION: the rows of the table picked by the integer tensor IX (of any shape), kept in self.out and returned
        self.out = self.weight[IX]
        return self.out
        # END SOLUTION

    def parameters(self):
        # BEGIN SOLUTION: the table is the one trainable tensor
        return [self.weight]
        # END SOLUTION
