"""The vocabulary: every character of the names gets an integer, and '.' gets 0.

'.' is the special token that marks both the start and the end of a name.
"""


def build_vocab(words: list[str]) -> tuple[dict[str, int], dict[int, str]]:
    """Return (stoi, itos) for the characters of `words`.

    stoi ("string to integer") maps '.' to 0 and every character of the words, in sorted
    order, to 1, 2, 3, ...; itos ("integer to string") is its inverse.

    For the 32033 names of names.txt this gives stoi['.'] == 0, stoi['a'] == 1, ...,
    stoi['z'] == 26, and itos[26] == 'z'.
    """
    # BEGIN SOLUTION: chars (sorted, no duplicates), stoi with '.' at 0 and the letters from 1, then itos
    chars = sorted(list(set(''.join(words))))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi['.'] = 0
    itos = {i: s for s, i in stoi.items()}
    # END SOLUTION
    return stoi, itos
