"""Checks of dataset.py: CharDataset and create_datasets. Each runs on your module and on the reference;
the results are compared."""
import torch

from grader.checks import check

# ---- dataset -------------------------------------------------------------------------------------

WORDS = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "zoe", "x"]


@check("dataset", "CharDataset of 8 words (13 characters): stoi (0 is reserved), itos, get_vocab_size, get_output_length, encode, decode", points=2)
def ds_vocab(m):
    chars = sorted(set("".join(WORDS)))
    ds = m.CharDataset(WORDS, chars, max(len(w) for w in WORDS))
    ix = ds.encode("emma")
    return {"stoi": dict(ds.stoi), "itos": {str(k): v for k, v in ds.itos.items()},
            "get_vocab_size()": ds.get_vocab_size(), "get_output_length()": ds.get_output_length(),
            "encode('emma')": ix, "encode's dtype": str(ix.dtype), "decode([13, 1, 9])": ds.decode([13, 1, 9]),
            "len": len(ds)}


@check("dataset", "__getitem__: x is 0 then the word; y is the word, then 0, then -1s; for every word (the longest too)", points=3)
def ds_items(m):
    chars = sorted(set("".join(WORDS)))
    ds = m.CharDataset(WORDS, chars, 9)  # longer than any word: three rows of -1 padding at least
    xs, ys = zip(*(ds[i] for i in range(len(ds))))
    ds2 = m.CharDataset(["abc", "a", "cab"], ["a", "b", "c"], 3)  # "abc" is the longest: no -1 in its y
    xs2, ys2 = zip(*(ds2[i] for i in range(len(ds2))))
    return {"x (one row per word)": torch.stack(xs), "y (one row per word)": torch.stack(ys),
            "x, max_word_length 3": torch.stack(xs2), "y, max_word_length 3": torch.stack(ys2)}


@check("dataset", "create_datasets on 25 lines (spaces, blank lines): cleaned words, chars, max_word_length, "
       "test set of int(0.1 * 23) = 2 words, the split of a seeded randperm", points=3)
def ds_split_small(m, ctx):
    rng = ctx.random
    words = ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(2, 7))) for _ in range(23)]
    lines = [("  " + w if i % 5 == 0 else w + " " if i % 7 == 0 else w) for i, w in enumerate(words)]
    lines[3:3] = [""]
    lines[11:11] = ["   "]
    train, test = m.create_datasets(lines, generator=torch.Generator().manual_seed(3407))
    return {"train words": list(train.words), "test words": list(test.words), "chars": list(train.chars),
            "max_word_length": train.max_word_length, "test's chars and max_word_length are the same":
            [list(test.chars), test.max_word_length]}


@check("dataset", "create_datasets on 12,345 words: the test set is capped at 1000; the generator you are given is used", points=2)
def ds_split_large(m, ctx):
    letters = "abcdefghijklmnopqrstuvwxyz"
    g = ctx.generator()
    lens = torch.randint(3, 9, (12345,), generator=g)
    ids = torch.randint(0, 26, (12345, 8), generator=g).tolist()
    words = ["".join(letters[i] for i in row[:n]) for row, n in zip(ids, lens.tolist())]
    train, test = m.create_datasets(words, generator=torch.Generator().manual_seed(42))
    return {"len(train)": len(train), "len(test)": len(test),
            "the first 20 test words": list(test.words[:20]), "the first 20 train words": list(train.words[:20])}
