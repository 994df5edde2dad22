r"""Forced splits: cut the text into chunks with a regex first, and let BPE merge only inside a chunk.

GPT-2 and GPT-4 never merge across these cuts, so a token never spans a letter and a space
after it, or a word and its punctuation. OpenAI writes the patterns for the `regex` package:

    GPT-2 (encoder.py):
        's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    GPT-4 (tiktoken's cl100k_base):
        '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+

Python's own `re` has no \p{L} (any letter) or \p{N} (any number); before 3.11 it has no
possessive quantifiers (?+, ++) either. So write the two patterns for `re` with the building
blocks below. They are exact, as `tests/test_tokenizer_fidelity.py` proves over every code point:

    L                    \p{L}    letters: categories Lu Ll Lt Lm Lo, e.g. a, Ж, 你
    N                    \p{N}    numbers: Nd (\d, e.g. 7, ٣) plus Nl and No (e.g. Ⅻ, ², ½)
    NOT_LNS              [^\s\p{L}\p{N}]    (in `re`, \w minus "_" is exactly \p{L} plus \p{N})
    NOT_LN_NEWLINE       [^\r\n\p{L}\p{N}]

The possessive quantifiers of the GPT-4 pattern change nothing there (giving characters back
could never let the rest match), so plain ? and + are equivalent.

Departure from the lecture: minbpe imports the `regex` package for these patterns; here they are written for Python's own `re` (the course installs no `regex`), so `import regex` is a broken rule in split.py.

    split("Hello've world123 how's are you!!!?", GPT2_SPLIT_PATTERN)
    # ['Hello', "'ve", ' world', '123', ' how', "'s", ' are', ' you', '!!!?']
"""
import re

from encode import encode
from merge import merge
from stats import get_stats

# the code points of categories Nl and No (Unicode 14, Python 3.11), as character-class ranges
_NL_NO = (
    "\u00b2-\u00b3\u00b9\u00bc-\u00be\u09f4-\u09f9\u0b72-\u0b77\u0bf0-\u0bf2\u0c78-\u0c7e"
    "\u0d58-\u0d5e\u0d70-\u0d78\u0f2a-\u0f33\u1369-\u137c\u16ee-\u16f0\u17f0-\u17f9\u19da\u2070"
    "\u2074-\u2079\u2080-\u2089\u2150-\u2182\u2185-\u2189\u2460-\u249b\u24ea-\u24ff\u2776-\u2793"
    "\u2cfd\u3007\u3021-\u3029\u3038-\u303a\u3192-\u3195\u3220-\u3229\u3248-\u324f\u3251-\u325f"
    "\u3280-\u3289\u32b1-\u32bf\ua6e6-\ua6ef\ua830-\ua835\U00010107-\U00010133"
    "\U00010140-\U00010178\U0001018a-\U0001018b\U000102e1-\U000102fb\U00010320-\U00010323"
    "\U00010341\U0001034a\U000103d1-\U000103d5\U00010858-\U0001085f\U00010879-\U0001087f"
    "\U000108a7-\U000108af\U000108fb-\U000108ff\U00010916-\U0001091b\U000109bc-\U000109bd"
    "\U000109c0-\U000109cf\U000109d2-\U000109ff\U00010a40-\U00010a48\U00010a7d-\U00010a7e"
    "\U00010a9d-\U00010a9f\U00010aeb-\U00010aef\U00010b58-\U00010b5f\U00010b78-\U00010b7f"
    "\U00010ba9-\U00010baf\U00010cfa-\U00010cff\U00010e60-\U00010e7e\U00010f1d-\U00010f26"
    "\U00010f51-\U00010f54\U00010fc5-\U00010fcb\U00011052-\U00011065\U000111e1-\U000111f4"
    "\U0001173a-\U0001173b\U000118ea-\U000118f2\U00011c5a-\U00011c6c\U00011fc0-\U00011fd4"
    "\U00012400-\U0001246e\U00016b5b-\U00016b61\U00016e80-\U00016e96\U0001d2e0-\U0001d2f3"
    "\U0001d360-\U0001d378\U0001e8c7-\U0001e8cf\U0001ec71-\U0001ecab\U0001ecad-\U0001ecaf"
    "\U0001ecb1-\U0001ecb4\U0001ed01-\U0001ed2d\U0001ed2f-\U0001ed3d\U0001f100-\U0001f10c"
)
L = rf"[^\W\d_{_NL_NO}]"        # \p{L}: a word character that is no digit, no "_", no Nl/No number
N = rf"[\d{_NL_NO}]"             # \p{N}
NOT_LNS = r"(?:[^\s\w]|_)"       # [^\s\p{L}\p{N}]
NOT_LN_NEWLINE = r"(?:[^\r\n\w]|_)"  # [^\r\n\p{L}\p{N}]

# BEGIN SOLUTION: GPT2_SPLIT_PATTERN and GPT4_SPLIT_PATTERN: OpenAI's patterns (above) for `re`, with L, N, NOT_LNS, NOT_LN_NEWLINE in place of the \p classes
GPT2_SPLIT_PATTERN = rf"""'s|'t|'re|'ve|'m|'ll|'d| ?{L}+| ?{N}+| ?{NOT_LNS}+|\s+(?!\S)|\s+"""
GPT4_SPLIT_PATTERN = rf"""'(?i:[sdmt]|ll|ve|re)|{NOT_LN_NEWLINE}?{L}+|{N}{{1,3}}| ?{NOT_LNS}+[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+"""
# END SOLUTION


def split(text: str, pattern: str = GPT4_SPLIT_PATTERN) -> list[str]:
    """The chunks of text, in order: every match of the pattern. (They join back to the text.)"""
    # BEGIN SOLUTION: every match of pattern in text, in order (re.findall)
    return re.findall(pattern, text)
    # END SOLUTION


def train_regex(text: str, vocab_size: int, pattern: str = GPT4_SPLIT_PATTERN):
    """BPE as in train.py, but on the chunks of split(text, pattern): the pair counts are summed
    over all chunks (get_stats with counts), and a merge never joins two chunks.
    Returns merges {pair: id} and vocab {id: bytes}, like train."""
    assert vocab_size >= 256
    num_merges = vocab_size - 256
    # BEGIN SOLUTION: one list of UTF-8 bytes per chunk; each step: stats summed over the chunks (get_stats(chunk_ids, stats)), the max pair gets 256 + i, merged in every chunk; then the vocab
    ids = [list(ch.encode("utf-8")) for ch in split(text, pattern)]
    merges = {}
    for i in range(num_merges):
        stats = {}
        for chunk_ids in ids:
            get_stats(chunk_ids, stats)  # add this chunk's pairs to the running counts
        pair = max(stats, key=stats.get)
        idx = 256 + i
        ids = [merge(chunk_ids, pair, idx) for chunk_ids in ids]
        merges[pair] = idx
    vocab = {idx: bytes([idx]) for idx in range(256)}
    for (p0, p1), idx in merges.items():
        vocab[idx] = vocab[p0] + vocab[p1]
    # END SOLUTION
    return merges, vocab


def encode_ordinary(text: str, merges: dict, pattern: str = GPT4_SPLIT_PATTERN) -> list[int]:
    """Encode every chunk of split(text, pattern) on its own (with encode), and concatenate the ids."""
    # BEGIN SOLUTION: split, encode each chunk with encode(chunk, merges), extend one list of ids
    ids = []
    for chunk in split(text, pattern):
        ids.extend(encode(chunk, merges))
    return ids
    # END SOLUTION
