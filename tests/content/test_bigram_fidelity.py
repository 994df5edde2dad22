"""The bigram references reproduce what makemore part 1 prints.

Lecture: "The spelled-out intro to language modeling: building makemore"
(https://www.youtube.com/watch?v=PaCmpygFfXo). Every number below was verified by running
the references on names.txt (torch 2.x, CPU); the comment says where the lecture prints it.
"""
import pytest
import torch

pytestmark = pytest.mark.slow   # runs real sets or the red team

SEED = 2147483647


@pytest.fixture
def words(dataset):
    return dataset("names.txt").read_text().splitlines()


@pytest.fixture
def bigram(reference):
    class Refs:
        vocab = reference("bigram", "vocab")
        counts = reference("bigram", "counts")
        normalize = reference("bigram", "normalize")
        nll = reference("bigram", "nll")
        sample = reference("bigram", "sample")
        onehot = reference("bigram", "onehot")
        neural = reference("bigram", "neural")
        descent = reference("bigram", "descent")
    return Refs


_CACHE = {}


@pytest.fixture
def counted(words, bigram):
    """(stoi, itos, N) for all of names.txt, counted once for the whole file (it takes a second or two)."""
    if "N" not in _CACHE:
        stoi, itos = bigram.vocab.build_vocab(words)
        _CACHE["N"] = stoi, itos, bigram.counts.count_bigrams(words, stoi)
    return _CACHE["N"]


def test_names_and_vocabulary(words, bigram):
    # len(words) -> 32033; min and max length 2 and 15; words[:3] -> ['emma', 'olivia', 'ava']
    assert len(words) == 32033
    assert (min(len(w) for w in words), max(len(w) for w in words)) == (2, 15)
    assert words[:3] == ["emma", "olivia", "ava"]
    stoi, itos = bigram.vocab.build_vocab(words)
    # the lecture's stoi: '.' is 0, 'a' is 1 ... 'z' is 26; itos its inverse
    assert len(stoi) == 27 and stoi["."] == 0 and stoi["a"] == 1 and stoi["z"] == 26
    assert itos[0] == "." and itos[13] == "m" and all(itos[i] == s for s, i in stoi.items())


def test_bigram_counts(counted):
    stoi, itos, N = counted
    assert N.dtype == torch.int32 and N.shape == (27, 27)
    # the number of bigrams in the data set (n in the NLL loop): 228146
    assert N.sum().item() == 228146
    # the lecture's most common bigrams, sorted by count:
    # ('n', '<E>') 6763, ('a', '<E>') 6640, ('a', 'n') 5438, ('<S>', 'a') 4410, ('e', '<E>') 3983
    flat = sorted(((N[i, j].item(), itos[i] + itos[j]) for i in range(27) for j in range(27)), reverse=True)
    assert flat[:5] == [(6763, "n."), (6640, "a."), (5438, "an"), (4410, ".a"), (3983, "e.")]
    assert N[0, 0].item() == 0 and N[:, 0].sum().item() == 32033 and N[0].sum().item() == 32033


def test_first_row_and_first_sample(counted):
    stoi, itos, N = counted
    # p = N[0].float(); p = p / p.sum() -> tensor([0.0000, 0.1377, 0.0408, 0.0481, ...])
    p = N[0].float()
    p = p / p.sum()
    assert torch.allclose(p[:4], torch.tensor([0.0, 0.1377, 0.0408, 0.0481]), atol=5e-5)
    # the generator demo: torch.rand(3, generator=g) -> [0.7081, 0.3542, 0.1054], normalized
    # [0.6064, 0.3033, 0.0903]
    g = torch.Generator().manual_seed(SEED)
    q = torch.rand(3, generator=g)
    assert torch.allclose(q, torch.tensor([0.7081, 0.3542, 0.1054]), atol=5e-5)
    assert torch.allclose(q / q.sum(), torch.tensor([0.6064, 0.3033, 0.0903]), atol=5e-5)
    # the first character drawn from row 0: torch.multinomial(p, num_samples=20, ...) starts with
    # 13 ('m'), the lecture's first sample
    g = torch.Generator().manual_seed(SEED)
    assert itos[torch.multinomial(p, num_samples=20, replacement=True, generator=g)[0].item()] == "m"


def test_average_nll_of_the_count_model(words, counted, bigram):
    stoi, itos, N = counted
    # without smoothing: log_likelihood=tensor(-559891.7500), nll=tensor(559891.7500), nll/n 2.4541
    # (the lecture's loop sums 228146 float32 logs one by one; in float64 the average is 2.4540,
    # and with +1 smoothing 2.4546 instead of the loop's 2.4544)
    P = bigram.normalize.normalize(N, 0)
    loss = bigram.nll.average_nll(words, P, stoi)
    assert loss.item() == pytest.approx(559891.75 / 228146, rel=1e-6)
    assert round(loss.item(), 4) == 2.4541
    # with P = (N+1).float() normalized: 2.4544, the loss the neural bigram comes close to
    P = bigram.normalize.normalize(N, 1)
    assert round(bigram.nll.average_nll(words, P, stoi).item(), 4) == 2.4544
    # the lecture's 'andrejq': inf without smoothing ('jq' never occurs), finite with it (3.4834)
    assert N[stoi["j"], stoi["q"]].item() == 0
    assert bigram.nll.average_nll(["andrejq"], bigram.normalize.normalize(N, 0), stoi).item() == float("inf")
    assert round(bigram.nll.average_nll(["andrejq"], P, stoi).item(), 4) == 3.4834


def test_samples_with_the_lecture_seed(counted, bigram):
    stoi, itos, N = counted
    # five names sampled from the smoothed count model with g seeded 2147483647. The lecture's
    # trained neural bigram, whose P is almost this one, prints cexze., momasurailezityha.,
    # konimittain., llayn., ka. with the same seed: the second name parts where the two P differ.
    g = torch.Generator().manual_seed(SEED)
    names = bigram.sample.sample_names(bigram.normalize.normalize(N, 1), itos, 5, g)
    assert names == ["cexze.", "momasurailezitynn.", "konimittain.", "llayn.", "ka."]


def test_neural_bigram(words, counted, bigram):
    stoi, itos, N = counted
    # the training set of the first word: xs = tensor([0, 5, 13, 13, 1]), ys = tensor([5, 13, 13, 1, 0])
    xs, ys = bigram.onehot.training_set(words[:1], stoi)
    assert xs.tolist() == [0, 5, 13, 13, 1] and ys.tolist() == [5, 13, 13, 1, 0] and xs.dtype == torch.int64
    xenc = bigram.onehot.encode(xs)
    assert xenc.dtype == torch.float32 and xenc.shape == (5, 27)
    g = torch.Generator().manual_seed(SEED)
    W = torch.randn((27, 27), generator=g, requires_grad=True)
    probs = bigram.neural.forward(xenc, W)
    # "average negative log likelihood, i.e. loss = 3.7693049907684326"
    nll = -probs[torch.arange(5), ys].log().mean()
    assert nll.item() == pytest.approx(3.7693049907684326, abs=1e-6)
    # the whole training set: "number of examples: 228146", and the loss before training, 3.7686
    xs, ys = bigram.onehot.training_set(words, stoi)
    assert xs.nelement() == 228146
    xenc = bigram.onehot.encode(xs)
    g = torch.Generator().manual_seed(SEED)
    W = torch.randn((27, 27), generator=g, requires_grad=True)
    loss = bigram.neural.loss_fn(bigram.neural.forward(xenc, W), ys, W)
    assert round(loss.item(), 4) == 3.7686
    # one step of lr 50 lowers it (the lecture's second iteration prints 3.3788)
    bigram.descent.step(W, loss, 50)
    loss = bigram.neural.loss_fn(bigram.neural.forward(xenc, W), ys, W)
    assert round(loss.item(), 4) == 3.3788
