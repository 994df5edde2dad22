"""The data: words in, (x, y) training rows out, as makemore.py prepares them.

    train_dataset, test_dataset = create_datasets(open('names.txt').read().splitlines())
    x, y = train_dataset[0]          # both of length max_word_length + 1
    config = ModelConfig(vocab_size=train_dataset.get_vocab_size(),
                         block_size=train_dataset.get_output_length())

Token 0 is special: it starts every word (x[0] == 0) and ends it (the target after the last
letter is 0). The letters are numbered from 1. Targets past the end of the word are -1, which
F.cross_entropy(..., ignore_index=-1) leaves out of the loss.
"""
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset


@dataclass
class ModelConfig:
    """The sizes of every model of this set. The dataset decides the first two."""
    block_size: int = None  # the longest sequence a model reads (the position table's size)
    vocab_size: int = None  # token ids are 0 .. vocab_size - 1
    # each model reads the sizes below in its own way
    n_layer: int = 4
    n_embd: int = 64
    n_embd2: int = 64
    n_head: int = 4


class CharDataset(Dataset):

    def __init__(self, words, chars, max_word_length):
        self.words = words
        self.chars = chars
        self.max_word_length = max_word_length
        # TODO: self.stoi numbers the characters from 1 (0 is the start/stop token); self.itos is its inverse
        raise NotImplementedError('makemore/dataset: self.stoi numbers the characters from 1 (0 is the start/stop token); self.itos is its inverse')

    def __len__(self):
        return len(self.words)

    def contains(self, word):
        return word in self.words

    def get_vocab_size(self):
        # TODO: every character, plus the special token 0
        raise NotImplementedError('makemore/dataset: every character, plus the special token 0')

    def get_output_length(self):
        # TODO: the start token followed by the longest word
        raise NotImplementedError('makemore/dataset: the start token followed by the longest word')

    def encode(self, word):
        """'emma' -> tensor([5, 13, 13, 1]) (a torch.long tensor)."""
        # TODO: a long tensor of the ids of the word's characters
        raise NotImplementedError("makemore/dataset: a long tensor of the ids of the word's characters")
        return ix

    def decode(self, ix):
        """[5, 13, 13, 1] -> 'emma' (one string)."""
        # TODO: join the characters of the ids into one string
        raise NotImplementedError('makemore/dataset: join the characters of the ids into one string')
        return word

    def __getitem__(self, idx):
        """x: 0, then the word's ids, then zeros; y: the word's ids, then 0 (the stop), then -1s.
        Both have length max_word_length + 1, so y[t] is the token that follows x[0..t]."""
        word = self.words[idx]
        ix = self.encode(word)
        # TODO: x and y of length max_word_length + 1, zeros; x from position 1, y from 0; y is -1 after the stop token
        raise NotImplementedError('makemore/dataset: x and y of length max_word_length + 1, zeros; x from position 1, y from 0; y is -1 after the stop token')
        return x, y


def create_datasets(words, generator=None):
    """The lines of the input file (makemore.py reads them with open(input_file).read().splitlines()):
    clean them, find the characters and the longest word, hold out a test set, wrap both parts.

    The split draws one permutation, torch.randperm(len(words), generator=generator): makemore.py
    uses torch's global generator after torch.manual_seed(3407); the checks pass their own.

    Departure from the lecture: makemore.py draws the permutation from torch's global generator; here from the generator it is given, so a seed replays the split.
    """
    # TODO: strip every line and drop the empty ones; chars = the sorted distinct characters; max_word_length
    raise NotImplementedError('makemore/dataset: strip every line and drop the empty ones; chars = the sorted distinct characters; max_word_length')

    # partition the words into a training and a test set
    # TODO: test_set_size = 10% of the words, at most 1000; a permutation; its last test_set_size words are the test set
    raise NotImplementedError('makemore/dataset: test_set_size = 10% of the words, at most 1000; a permutation; its last test_set_size words are the test set')

    train_dataset = CharDataset(train_words, chars, max_word_length)
    test_dataset = CharDataset(test_words, chars, max_word_length)
    return train_dataset, test_dataset
