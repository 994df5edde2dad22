"""Checks of the tokenizer set. Each one runs on your module and on the reference; the results are compared.

Merges are reported in order, one line per merge, "rank r: (a, b) -> id b'..', count c", where rank r
is the merge's position (its id should be 256 + r), b'..' the bytes the new token stands for, and c
how often the pair occurred when it was merged: the first line that differs is the first merge that
went another way. (The taylorswift milestone leaves the counts out: replaying 256 merges on the
whole text would double its time; its "first merge" key has the first pair's count.)
"""
import re
import sys

from grader.checks import check

TOY = "aaabdaaabac"  # Wikipedia's byte-pair encoding example
TOY_MERGES = {(97, 97): 256, (256, 97): 257, (257, 98): 258}  # what 3 merges of TOY give
UNICODE_TEXT = "Ünïcödé! 🅤🅝🅘🅒🅞🅓🅔‽ 🇺‌🇳‌🇮‌🇨‌🇴‌🇩‌🇪! 😄 The very name strikes fear and awe into the hearts of programmers."
MIXED = "héllo wörld! naïve café, 你好世界 👋🏽 — ünïcode ünïcode ünïcode ok ok"


def _count_into(ids: list[int], counts: dict | None = None) -> dict:
    """The checks' own pair counter (never your get_stats: only the exercise under test is yours)."""
    tally = counts if counts is not None else {}
    for a, b in zip(ids, ids[1:]):
        tally[a, b] = tally.get((a, b), 0) + 1
    return tally


def _pair_counts(ids: list[int]) -> dict:
    return _count_into(ids)


def _merged(ids: list[int], pair: tuple, idx: int) -> list[int]:
    """The checks' own merge (never yours)."""
    out, skip = [], False
    for k, x in enumerate(ids):
        if skip:
            skip = False
        elif k + 1 < len(ids) and (x, ids[k + 1]) == tuple(pair):
            out.append(idx)
            skip = True
        else:
            out.append(x)
    return out


def _encoded(text: str, merges: dict) -> list[int]:
    """The checks' own encode: the merges applied by rank."""
    ids = list(text.encode("utf-8"))
    while len(ids) >= 2:
        ranked = [p for p in _pair_counts(ids) if p in merges]
        if not ranked:
            break
        pair = min(ranked, key=merges.get)
        ids = _merged(ids, pair, merges[pair])
    return ids


def _encode_ordinary(text: str, merges: dict, pattern: str | None = None) -> list[int]:
    """The checks' own encode_ordinary: every chunk of the split encoded on its own. The pattern is
    yours (split.py's GPT4_SPLIT_PATTERN when none is given): the patterns are split's exercise."""
    if pattern is None:
        pattern = sys.modules["split"].GPT4_SPLIT_PATTERN
    return [i for chunk in re.findall(pattern, text) for i in _encoded(chunk, merges)]


HELPERS = {"get_stats": _count_into, "merge": _merged, "encode": _encoded, "encode_ordinary": _encode_ordinary}
SET_MODULES = ("stats", "merge", "train", "encode", "decode", "split", "special")


def own_helpers(m, *names: str) -> None:
    """Make the module under test (and the earlier modules it imports) call the checks' own helpers
    for the earlier exercises (get_stats, merge, encode, encode_ordinary): each exercise is graded on
    its own code alone, so a finished train.py is graded while stats.py is unfinished, and a bug in
    stats.py is not charged to train.py. The function under test itself is never replaced."""
    mods = [sys.modules[n] for n in SET_MODULES if n in sys.modules] + [m]
    for name in names:
        for mod in mods:
            f = getattr(mod, name, None)
            if f is None or (mod is m and getattr(f, "__globals__", None) is vars(m)):
                continue
            setattr(mod, name, HELPERS[name])


def byte_vocab() -> dict[int, bytes]:
    return {i: bytes([i]) for i in range(256)}


def spelled(merges: dict) -> dict:
    """id -> the bytes it stands for, from the merges alone (unknown ids spell as b'?')."""
    table = {i: bytes([i]) for i in range(256)}
    for (a, b), idx in merges.items():
        table[idx] = table.get(a, b"?") + table.get(b, b"?")
    return table


def show_merges(text: str, merges: dict, counts: bool = True) -> list[str]:
    """One line per merge: 'rank r: (a, b) -> id b'..', count c', replaying the merges on the text's
    bytes to count each pair at the moment it was merged."""
    table = spelled(merges)
    ids, lines = list(text.encode("utf-8")), []
    for rank, (pair, idx) in enumerate(merges.items()):
        line = f"rank {rank}: {tuple(pair)} -> {idx} {table.get(idx)!r}"
        if counts:
            line += f", count {_pair_counts(ids).get(tuple(pair), 0)}"
            ids = _merged(ids, pair, idx)
        lines.append(line)
    return lines


def first_merge(text: str, merges: dict) -> str | None:
    """'pair (a, b) b'..', count c, rank 0' for the first merge."""
    if not merges:
        return None
    pair = next(iter(merges))
    count = _pair_counts(list(text.encode("utf-8"))).get(tuple(pair), 0)
    return f"pair {tuple(pair)} {spelled(merges).get(merges[pair])!r}, count {count}, rank 0"


def chunks(parts: list[str]) -> dict:
    """A split, keyed by position, so a mismatch names the first chunk that differs."""
    return {"number of chunks": len(parts), **{f"[{i}]": c for i, c in enumerate(parts)}}


def show_vocab(vocab: dict, start: int = 256) -> list[str]:
    return [f"{i}: {vocab[i]!r}" for i in sorted(vocab) if i >= start]


# ---- 1. stats: get_stats -------------------------------------------------------------------------------

@check("stats", "get_stats([1, 2, 3, 1, 2]): the count of every consecutive pair, in first-seen order", points=2)
def stats_small(m):
    stats = m.get_stats([1, 2, 3, 1, 2])
    return {"stats": stats, "pairs in first-seen order": list(stats)}


@check("stats", "overlapping and short inputs: [97, 97, 97] has (97, 97) twice; [] and [5] have no pairs")
def stats_edges(m):
    return {"get_stats([97, 97, 97])": m.get_stats([97, 97, 97]), "get_stats([])": m.get_stats([]),
            "get_stats([5])": m.get_stats([5])}


@check("stats", "get_stats(ids, counts) adds to the dict it is given and returns it", points=2)
def stats_accumulate(m):
    counts = {(1, 2): 5}
    out = m.get_stats([1, 2, 1, 2, 7], counts)
    return {"returned dict": out, "the given dict itself was updated and returned": out is counts,
            "counts after": dict(counts)}


@check("stats", "seeded random ids (300 ids in 0..5)")
def stats_random(m, ctx):
    ids = [ctx.random.randrange(6) for _ in range(300)]
    stats = m.get_stats(ids)
    return {"stats": stats, "pairs in first-seen order": list(stats)}


# ---- 2. merge ------------------------------------------------------------------------------------------

@check("merge", "the lecture's example: merge([5, 6, 6, 7, 9, 1], (6, 7), 99)", points=2)
def merge_lecture(m):
    return {"merge([5, 6, 6, 7, 9, 1], (6, 7), 99)": str(m.merge([5, 6, 6, 7, 9, 1], (6, 7), 99))}


@check("merge", "overlapping occurrences are replaced left to right: aaa -> Za, aaaa -> ZZ", points=2)
def merge_overlap(m):
    return {"merge([97, 97, 97], (97, 97), 256)": str(m.merge([97, 97, 97], (97, 97), 256)),
            "merge([97, 97, 97, 97], (97, 97), 256)": str(m.merge([97, 97, 97, 97], (97, 97), 256)),
            "merge([97, 97, 97, 97, 97], (97, 97), 256)": str(m.merge([97, 97, 97, 97, 97], (97, 97), 256))}


@check("merge", "the pair at the very start and the very end; the last id is kept, even when it is pair[0]; the input is not changed")
def merge_ends(m):
    ids = [1, 2, 3, 1, 2]
    out = m.merge(ids, (1, 2), 300)
    return {"merge([1, 2, 3, 1, 2], (1, 2), 300)": str(out), "merge([3, 1, 2, 4], (1, 2), 300)": str(m.merge([3, 1, 2, 4], (1, 2), 300)),
            "merge([1, 2, 3], (2, 9), 300)": str(m.merge([1, 2, 3], (2, 9), 300)),
            "merge([1, 2, 1], (1, 2), 300) (ends with pair[0])": str(m.merge([1, 2, 1], (1, 2), 300)), "merge([], (1, 2), 300)": str(m.merge([], (1, 2), 300)),
            "ids unchanged after the call": ids == [1, 2, 3, 1, 2]}


@check("merge", "seeded random ids (300 ids in 0..3), merging (1, 1)")
def merge_random(m, ctx):
    ids = [ctx.random.randrange(4) for _ in range(300)]
    return {"merged": m.merge(ids, (1, 1), 256)}


# ---- 3. train ------------------------------------------------------------------------------------------

@check("train", "the toy example 'aaabdaaabac', 3 merges (vocab_size 259): merges and vocab", points=3)
def train_toy(m):
    own_helpers(m, 'get_stats', 'merge')
    merges, vocab = m.train(TOY, 256 + 3)
    return {"merges": show_merges(TOY, merges), "first merge": first_merge(TOY, merges),
            "len(vocab)": len(vocab), "vocab[256:]": show_vocab(vocab)}


@check("train", "ties go to the pair seen first (max(stats, key=stats.get)): 'cdabcdab', 3 merges", points=2)
def train_ties(m):
    own_helpers(m, 'get_stats', 'merge')
    text = "cdabcdab"  # cd, da and ab all occur twice: the first merge must be the first seen, (99, 100)
    merges, vocab = m.train(text, 256 + 3)
    return {"merges": show_merges(text, merges), "first merge": first_merge(text, merges)}


@check("train", "UTF-8 text with accents and emoji, 20 merges: merges, and vocab[idx] = vocab[p0] + vocab[p1]", points=2)
def train_unicode(m):
    own_helpers(m, 'get_stats', 'merge')
    merges, vocab = m.train(MIXED, 256 + 20)
    return {"merges": show_merges(MIXED, merges), "vocab[256:]": show_vocab(vocab),
            "vocab[0..255] are the single bytes": all(vocab.get(i) == bytes([i]) for i in range(256))}


@check("train", "milestone: BPE on taylorswift.txt up to vocab_size 512, merge for merge like the reference",
       points=3, data=["taylorswift.txt"], milestone=True, timeout=60)
def train_taylorswift(m, ctx):
    own_helpers(m, 'get_stats', 'merge')
    text = ctx.data("taylorswift.txt").read_text(encoding="utf-8")
    ctx.progress(0.0, "training 256 merges (about 10 s)")
    merges, vocab = m.train(text, 512)
    ctx.progress(1.0)
    # the whole list: the comparison names the first rank that differs
    return {"first merge": first_merge(text, merges),
            "merges": show_merges(text, merges, counts=False),
            "len(vocab)": len(vocab), "vocab[256:]": show_vocab(vocab)}


# ---- 4. encode -----------------------------------------------------------------------------------------

@check("encode", "encode('aaabdaaabac') with the toy merges", points=2)
def encode_toy(m):
    own_helpers(m, 'get_stats', 'merge')
    return {"encode('aaabdaaabac')": str(m.encode(TOY, dict(TOY_MERGES)))}


@check("encode", "merges are applied by rank (lowest merge id first), not by position or frequency", points=3)
def encode_by_rank(m):
    own_helpers(m, 'get_stats', 'merge')
    merges = {(98, 99): 256, (97, 98): 257}      # 'bc' was learned before 'ab'
    merges2 = {(120, 121): 256, (97, 97): 257}   # 'xy' was learned first, though 'aa' is more frequent
    return {"encode('abc')  (expected [97, 256]: 'bc' first)": str(m.encode("abc", merges)),
            "encode('abcab')": str(m.encode("abcab", merges)),
            "encode('aaaaxy')": str(m.encode("aaaaxy", merges2))}


@check("encode", "edge cases: the empty string, one character, two bytes that merge, text with no merges")
def encode_edges(m):
    own_helpers(m, 'get_stats', 'merge')
    merges = dict(TOY_MERGES)
    return {"encode('')": str(m.encode("", merges)), "encode('a')": str(m.encode("a", merges)),
            "encode('aa')": str(m.encode("aa", merges)), "encode('xyz')": str(m.encode("xyz", merges)),
            "encode('é') (2 UTF-8 bytes)": str(m.encode("é", merges))}


@check("encode", "chains of merges on seeded random text over 'ab ': merges learned on other text", points=2)
def encode_random(m, ctx):
    own_helpers(m, 'get_stats', 'merge')
    merges = {(97, 98): 256, (256, 32): 257, (98, 97): 258, (256, 256): 259, (97, 97): 260, (32, 258): 261,
              (257, 259): 262}
    text = "".join(ctx.random.choice("ab ") for _ in range(200))
    return {"encode(text)": m.encode(text, merges)}


# ---- 5. decode -----------------------------------------------------------------------------------------

@check("decode", "round trips on single bytes: '', ASCII, accents, emoji", points=2)
def decode_round_trips(m):
    vocab = byte_vocab()
    out = {}
    for s in ["", "hello world", "héllo wörld, naïve café", "👋🏽 hi 😄", "你好世界"]:
        out[f"decode(bytes of {s!r})"] = m.decode(list(s.encode("utf-8")), vocab)
    return out


@check("decode", "a character split across two tokens (the bytes are joined before decoding)", points=2)
def decode_split_character(m):
    vocab = byte_vocab()
    emoji = "👋".encode("utf-8")           # 4 bytes: f0 9f 91 8b
    vocab[256] = emoji[:2]                 # one token holds the first half...
    vocab[257] = emoji[2:] + b" h"         # ...another the second half and more
    vocab[258] = "é".encode("utf-8")
    return {"decode([256, 257, 105])": m.decode([256, 257, 105], vocab),
            "decode([104, 258, 256, 257])": m.decode([104, 258, 256, 257], vocab)}


@check("decode", "bytes that are not valid UTF-8 become U+FFFD (errors='replace'), they do not raise", points=2)
def decode_invalid(m):
    vocab = byte_vocab()
    return {"decode([128])": m.decode([128], vocab), "decode([104, 105, 255, 33])": m.decode([104, 105, 255, 33], vocab),
            "decode([240, 159]) (half an emoji)": m.decode([240, 159], vocab)}


@check("decode", "tokens that stand for several bytes (vocab entries built from the toy merges)")
def decode_with_merges(m):
    merges = dict(TOY_MERGES)
    vocab = byte_vocab()
    for pair, idx in merges.items():
        vocab[idx] = vocab[pair[0]] + vocab[pair[1]]
    return {"decode([258, 100, 258, 97, 99])": m.decode([258, 100, 258, 97, 99], vocab),
            "decode([256, 257, 258])": m.decode([256, 257, 258], vocab)}


# ---- 6. split: the GPT-2 and GPT-4 patterns -------------------------------------------------------------

SPLIT_TEXTS = {
    "the lecture's example": "Hello've world123 how's are you!!!?",
    "contractions": "I'm sure you're right, we'll see. They've said she'd go; it's HOW'S, DON'T, I'LL. O'Dell, O'DELL.",
    "numbers": "In 2024 about 1234567 people paid $3.14, ²³, ½ and Ⅻ; Arabic ٣٤٥٦٧ too.",
    "whitespace runs": "hello   world\n\n\nfoo  \n bar\t\tbaz   \n  end  ",
    "non-ASCII": "Привет мир! naïve café — 你好世界。 Ünïcödé 🅤🅝🅘 👋🏽 ok",
    "code": "def f(x):\n    return x**2  # square\n\n\nprint(f(3))\n",
}


@check("split", "GPT2_SPLIT_PATTERN: contractions, letters, numbers, punctuation and whitespace runs", points=3)
def split_gpt2(m):
    own_helpers(m, 'get_stats', 'merge', 'encode')
    return {name: chunks(m.split(text, m.GPT2_SPLIT_PATTERN)) for name, text in SPLIT_TEXTS.items()}


@check("split", "GPT4_SPLIT_PATTERN: case-insensitive contractions, numbers of 1-3 digits, newlines", points=3)
def split_gpt4(m):
    own_helpers(m, 'get_stats', 'merge', 'encode')
    return {name: chunks(m.split(text, m.GPT4_SPLIT_PATTERN)) for name, text in SPLIT_TEXTS.items()}


@check("split", "split's default pattern is GPT-4's, and the chunks join back to the text")
def split_default(m):
    own_helpers(m, 'get_stats', 'merge', 'encode')
    text = SPLIT_TEXTS["whitespace runs"] + SPLIT_TEXTS["numbers"]
    parts = m.split(text)
    return {"''.join(chunks) == text": "".join(parts) == text, "split(text)": chunks(parts)}


@check("split", "train_regex: counts summed over chunks, merges never cross a chunk boundary (GPT-2 pattern, 8 merges)",
       points=3)
def split_train(m):
    own_helpers(m, 'get_stats', 'merge', 'encode')
    text = "the cat, the hat. the theme! then thee? " * 3 + "the thermometer"
    merges, vocab = m.train_regex(text, 256 + 8, m.GPT2_SPLIT_PATTERN)
    return {"a token spans a chunk boundary": any(b"e " in vocab[i] or b"t " in vocab[i] for i in merges.values()),
            "merges": show_merges(text, merges, counts=False), "vocab[256:]": show_vocab(vocab)}


@check("split", "encode_ordinary: every chunk encoded on its own, then concatenated", points=2)
def split_encode_ordinary(m):
    own_helpers(m, 'get_stats', 'merge', 'encode')
    merges = {(101, 32): 256, (32, 116): 257, (257, 104): 258, (258, 101): 259}  # 'e ', ' t', ' th', ' the'
    text = "the theme: be the best tee"
    return {"GPT-2": m.encode_ordinary(text, merges, m.GPT2_SPLIT_PATTERN),
            "GPT-4": m.encode_ordinary(text, merges, m.GPT4_SPLIT_PATTERN)}


# ---- 7. special: special tokens ------------------------------------------------------------------------

SPECIAL = {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258}
SMALL_MERGES = {(104, 101): 256, (108, 108): 257, (256, 257): 258, (32, 119): 259}  # he, ll, hell, ' w'


def _attempt(f):
    """f() or the name of the exception it raised."""
    try:
        return f()
    except Exception as e:
        return f"raised {type(e).__name__}"


@check("special", "allowed_special='all': every special token becomes its id; the pattern argument is used", points=2)
def special_all(m):
    own_helpers(m, 'get_stats', 'merge', 'encode', 'encode_ordinary')
    text = "hello world<|endoftext|>hello<|fim_prefix|> world"
    return {"encode(text, allowed_special='all')": m.encode(text, SMALL_MERGES, SPECIAL, allowed_special="all"),
            "special token at the start": m.encode("<|endoftext|>hello", SMALL_MERGES, SPECIAL, allowed_special="all"),
            "with pattern=r'\\s+|\\S+' (the ordinary text is split by the pattern given)":
            m.encode(text, SMALL_MERGES, SPECIAL, allowed_special="all", pattern=r"\s+|\S+")}


@check("special", "allowed_special='none': special tokens are encoded as ordinary text", points=2)
def special_none(m):
    own_helpers(m, 'get_stats', 'merge', 'encode', 'encode_ordinary')
    text = "hello<|endoftext|>"
    return {"encode(text, allowed_special='none')": m.encode(text, SMALL_MERGES, SPECIAL, allowed_special="none")}


@check("special", "allowed_special='none_raise' (the default): an error if the text holds a special token, "
       "plain encoding if not", points=2)
def special_none_raise(m):
    own_helpers(m, 'get_stats', 'merge', 'encode', 'encode_ordinary')
    def raises(f):
        try:
            f()
        except Exception:
            return True
        return False
    return {"raises on 'hi <|endoftext|>'": raises(lambda: m.encode("hi <|endoftext|>", SMALL_MERGES, SPECIAL)),
            "raises with allowed_special='none_raise' given": raises(
                lambda: m.encode("<|fim_prefix|>", SMALL_MERGES, SPECIAL, allowed_special="none_raise")),
            "encode('hello world') (no special token)": _attempt(lambda: m.encode("hello world", SMALL_MERGES, SPECIAL))}


@check("special", "allowed_special as a set: only the special tokens in the set become ids", points=2)
def special_set(m):
    own_helpers(m, 'get_stats', 'merge', 'encode', 'encode_ordinary')
    text = "hello<|endoftext|> world<|fim_prefix|>"
    return {"allowed_special={'<|endoftext|>'}": m.encode(text, SMALL_MERGES, SPECIAL, allowed_special={"<|endoftext|>"}),
            "allowed_special=set()": m.encode(text, SMALL_MERGES, SPECIAL, allowed_special=set())}


@check("special", "decode with special tokens; round trips of '', emoji and non-ASCII text", points=2)
def special_decode(m):
    own_helpers(m, 'get_stats', 'merge', 'encode', 'encode_ordinary')
    vocab = byte_vocab()
    for pair, idx in SMALL_MERGES.items():
        vocab[idx] = vocab[pair[0]] + vocab[pair[1]]
    out = {}
    for s in ["", "hello world<|endoftext|>", "héllo 👋🏽<|fim_prefix|>wörld 你好", UNICODE_TEXT]:
        ids = m.encode(s, SMALL_MERGES, SPECIAL, allowed_special="all")
        out[f"decode(encode({s[:24]!r}...))"] = m.decode(ids, vocab, SPECIAL)
    out["decode([100257, 104, 105])"] = m.decode([100257, 104, 105], vocab, SPECIAL)
    return out
