"""Training byte-pair encoding: start from the UTF-8 bytes of the text, and merge the most
frequent pair into a new token, again and again, until the vocabulary has vocab_size tokens.

    merges, vocab = train("aaabdaaabac", 256 + 3)
    # merges == {(97, 97): 256, (256, 97): 257, (257, 98): 258}   pair -> new id, in merge order
    # vocab[258] == b'aaab'                                        id -> the bytes it stands for
"""
from merge import merge
from stats import get_stats


def train(text: str, vocab_size: int, verbose: bool = False) -> tuple[dict[tuple[int, int], int], dict[int, bytes]]:
    """merges: {pair: new id}, in the order they were made (new ids 256, 257, ...);
    vocab: {id: bytes}, the 256 single bytes and then one entry per merge."""
    assert vocab_size >= 256
    num_merges = vocab_size - 256
    ids = list(text.encode("utf-8"))  # raw bytes, as integers in 0..255
    # BEGIN SOLUTION: num_merges times: the most frequent pair (max(stats, key=stats.get): ties go to the pair seen first) gets the next id 256 + i; merge it in ids; record it in merges; then build vocab
    merges = {}  # (int, int) -> int
    for i in range(num_merges):
        stats = get_stats(ids)
        pair = max(stats, key=stats.get)  # the most frequent pair; among equals, the first seen
        idx = 256 + i
        ids = merge(ids, pair, idx)
        merges[pair] = idx
        if verbose:
            print(f"merge {i + 1}/{num_merges}: {pair} -> {idx} had {stats[pair]} occurrences")
    vocab = {idx: bytes([idx]) for idx in range(256)}
    for (p0, p1), idx in merges.items():  # in merge order, so both halves already exist
        vocab[idx] = vocab[p0] + vocab[p1]
    # END SOLUTION
    return merges, vocab
