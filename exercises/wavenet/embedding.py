"""Embedding: the lookup table C of the earlier parts, as a module (torch.nn.Embedding's API).

Like every module here: called like a function, keeps its last output in self.out, lists its
trainable tensors in parameters(). Its table is drawn from torch's global generator (the
lecture calls torch.manual_seed(42) once, before building the model).
"""
import torch


class Embedding:

    def __init__(self, num_embeddings, embedding_dim):
        # TODO: the table self.weight, (num_embeddings, embedding_dim), standard normal
        raise NotImplementedError('wavenet/embedding: the table self.weight, (num_embeddings, embedding_dim), standard normal')

    def __call__(self, IX):
        # TODO: the rows of the table picked by the integer tensor IX (of any shape), kept in self.out and returned
        raise NotImplementedError('wavenet/embedding: the rows of the table picked by the integer tensor IX (of any shape), kept in self.out and returned')

    def parameters(self):
        # TODO: the table is the one trainable tensor
        raise NotImplementedError('wavenet/embedding: the table is the one trainable tensor')
