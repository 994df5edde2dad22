"""The makemore set's references agree with makemore.py's figures.

Parameter counts are computed here by hand from the architecture (makemore.py's default sizes:
n_layer 4, n_head 4, n_embd 64, n_embd2 64; names.txt gives vocab_size 27 and block_size 16) and
compared with the references' counts. makemore.py prints "number of parameters: 0.20M" for the
default Transformer: the count without lm_head, 202,816.
"""
import pytest

torch = pytest.importorskip("torch")

V, BS, L, E, E2 = 27, 16, 4, 64, 64


def linear(n_in, n_out, bias=True):
    return n_in * n_out + (n_out if bias else 0)


def count(model):
    return sum(p.numel() for p in model.parameters())


@pytest.fixture
def config(reference):
    return reference("makemore", "dataset").ModelConfig(vocab_size=V, block_size=BS)


def test_default_config(config):
    assert (config.n_layer, config.n_embd, config.n_embd2, config.n_head) == (4, 64, 64, 4)


def test_transformer_parameters(reference, config):
    block = 2 * (2 * E) + linear(E, 3 * E) + linear(E, E) + linear(E, 4 * E) + linear(4 * E, E)  # 2 LayerNorms, attn, mlp
    body = V * E + BS * E + L * block + 2 * E  # wte, wpe, the blocks, ln_f
    assert (block, body) == (49_984, 202_816)  # makemore.py: "number of parameters: 0.20M"
    model = reference("makemore", "transformer").Transformer(config)
    assert count(model.transformer) == body
    assert count(model) == body + linear(E, V, bias=False) == 204_544


def test_bow_parameters(reference, config):
    expected = V * E + BS * E + linear(E, E2) + linear(E2, E) + linear(E, V)
    assert count(reference("makemore", "bow").BoW(config)) == expected == 12_827


def test_rnn_and_gru_parameters(reference, config):
    rnn = reference("makemore", "rnn")
    common = E2 + V * E + linear(E2, V)  # start, wte, lm_head
    assert count(rnn.RNN(config, cell_type="rnn")) == common + linear(E + E2, E2) == 11_803
    assert count(rnn.RNN(config, cell_type="gru")) == common + 3 * linear(E + E2, E2) == 28_315


def test_names_dataset(reference, dataset):
    ds = reference("makemore", "dataset")
    lines = dataset("names.txt").read_text(encoding="utf-8").splitlines()
    torch.manual_seed(3407)  # makemore.py's default --seed, then create_datasets with the global generator
    train, test = ds.create_datasets(lines)
    assert len(train) + len(test) == 32_033
    assert (len(train), len(test)) == (31_033, 1_000)
    assert train.max_word_length == 15 and "".join(train.chars) == "abcdefghijklmnopqrstuvwxyz"
    assert (train.get_vocab_size(), train.get_output_length()) == (27, 16)
    # makemore.py itself, run with --seed 3407, splits the same way (checked by running it)
    assert train.words[:3] == ["apollo", "jayliani", "cassidy"] and test.words[:3] == ["kalub", "shaima", "sthefany"]
    # the milestone's seeded generator gives the same split as makemore.py's torch.manual_seed(3407)
    train2, test2 = ds.create_datasets(lines, generator=torch.Generator().manual_seed(3407))
    assert train2.words == train.words and test2.words == test.words


def test_emma_row(reference):
    ds = reference("makemore", "dataset")
    d = ds.CharDataset(["emma"], list("abcdefghijklmnopqrstuvwxyz"), 6)
    x, y = d[0]
    assert x.tolist() == [0, 5, 13, 13, 1, 0, 0]
    assert y.tolist() == [5, 13, 13, 1, 0, -1, -1]
    assert d.decode(d.encode("emma").tolist()) == "emma"

