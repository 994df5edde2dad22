"""The gpt set's references reproduce what "Let's build GPT: from scratch, in code, spelled out" prints.

Each number below was checked by running the references on tinyshakespeare.txt (torch 2.x, CPU).
Times in the comments are approximate positions in the video.
"""
import math

import pytest

pytestmark = pytest.mark.slow   # runs real sets or the red team

torch = pytest.importorskip("torch")

LECTURE_CHARS = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def shakespeare(dataset):
    return dataset("tinyshakespeare.txt").read_text(encoding="utf-8")


@pytest.fixture
def encoded(reference, shakespeare):
    chars = reference("gpt", "chars")
    vocab, stoi, itos = chars.build_vocab(shakespeare)
    return chars, vocab, stoi, itos, torch.tensor(chars.encode(shakespeare, stoi), dtype=torch.long)


def test_dataset_length(shakespeare):
    # ~8:00 print("length of dataset in characters: ", len(text)) -> 1115394
    assert len(shakespeare) == 1115394


def test_vocabulary(encoded):
    # ~9:00 print(''.join(chars)) and print(vocab_size): the 65 characters, newline and space first
    _, vocab, _, _, _ = encoded
    assert "".join(vocab) == LECTURE_CHARS
    assert len(vocab) == 65


def test_encode_hii_there(encoded):
    # ~10:00 print(encode("hii there")) -> [46, 47, 47, 1, 58, 46, 43, 56, 43]; decode gives it back
    chars, _, stoi, itos, _ = encoded
    assert chars.encode("hii there", stoi) == [46, 47, 47, 1, 58, 46, 43, 56, 43]
    assert chars.decode(chars.encode("hii there", stoi), itos) == "hii there"


def test_data_tensor_and_split(reference, encoded):
    # ~13:00 print(data.shape, data.dtype) -> torch.Size([1115394]) torch.int64; data[:1000] starts
    # "First Citizen:\nBe..." = 18, 47, 56, 57, 58, 1, 15, 47, 58, 47, 64, 43, 52, 10, 0, 14, 43, 44
    # ~15:00 train_data[:block_size+1] -> tensor([18, 47, 56, 57, 58,  1, 15, 47, 58])
    batch = reference("gpt", "batch")
    *_, data = encoded
    assert data.shape == (1115394,) and data.dtype == torch.int64
    assert data[:18].tolist() == [18, 47, 56, 57, 58, 1, 15, 47, 58, 47, 64, 43, 52, 10, 0, 14, 43, 44]
    train_data, val_data = batch.split_data(data)
    assert (len(train_data), len(val_data)) == (1003854, 111540)  # n = int(0.9 * len(data))
    assert train_data[:9].tolist() == [18, 47, 56, 57, 58, 1, 15, 47, 58]


def lecture_batch(reference, encoded):
    """~19:00 torch.manual_seed(1337); batch_size = 4; block_size = 8; xb, yb = get_batch('train')"""
    batch = reference("gpt", "batch")
    *_, data = encoded
    train_data, _ = batch.split_data(data)
    torch.manual_seed(1337)
    return batch.get_batch(train_data, 8, 4)  # no generator: torch's global one, as in the lecture


def test_get_batch_prints(reference, encoded):
    # ~20:00 print(xb) and print(yb)
    xb, yb = lecture_batch(reference, encoded)
    assert xb.tolist() == [[24, 43, 58, 5, 57, 1, 46, 43], [44, 53, 56, 1, 58, 46, 39, 58],
                           [52, 58, 1, 58, 46, 39, 58, 1], [25, 17, 27, 10, 0, 21, 1, 54]]
    assert yb.tolist() == [[43, 58, 5, 57, 1, 46, 43, 39], [53, 56, 1, 58, 46, 39, 58, 1],
                           [58, 1, 58, 46, 39, 58, 1, 46], [17, 27, 10, 0, 21, 1, 54, 39]]


def test_bigram_first_loss_and_sample(reference, encoded):
    # ~26:00 torch.manual_seed(1337); m = BigramLanguageModel(vocab_size); logits, loss = m(xb, yb)
    # -> torch.Size([32, 65]) tensor(4.8786); the untrained sample of 100 tokens after a 0 token
    # (-ln(1/65) = 4.17 is what a uniform guess would give)
    chars, _, _, itos, _ = encoded
    bigram = reference("gpt", "bigram")
    xb, yb = lecture_batch(reference, encoded)
    torch.manual_seed(1337)
    m = bigram.BigramLanguageModel(65)
    logits, loss = m(xb, yb)
    assert tuple(logits.shape) == (32, 65)
    assert round(loss.item(), 4) == 4.8786
    assert math.isclose(-math.log(1 / 65), 4.174, abs_tol=1e-3)
    with torch.no_grad():
        out = m.generate(idx=torch.zeros((1, 1), dtype=torch.long), max_new_tokens=100)
    assert chars.decode(out[0].tolist(), itos) == (
        "\nSKIcLT;AcELMoTbvZv C?nq-QE33:CJqkOKH-q;:la!oiywkHjgChzbQ?u!3bLIgwevmyFJGUGp\nwnYWmnxKWWev-tDqXErVKLgJ")


def test_single_head_weights(reference):
    # ~1:02:00 torch.manual_seed(1337); B,T,C = 4,8,32; x = torch.randn(B,T,C); head_size = 16;
    # key, query, value = nn.Linear(C, head_size, bias=False) in that order; wei (not yet scaled) =
    # softmax of the masked q @ k^T; print(wei[0]). The reference Head creates the same layers in the
    # same order, so its key and query reproduce the printed matrix.
    head = reference("gpt", "head")
    torch.manual_seed(1337)
    x = torch.randn(4, 8, 32)
    h = head.Head(16, 32, 8)
    with torch.no_grad():
        wei = h.query(x) @ h.key(x).transpose(-2, -1)
        wei = wei.masked_fill(torch.tril(torch.ones(8, 8)) == 0, float("-inf")).softmax(-1)
        out = h(x)
    printed = [[1.0000],
               [0.1574, 0.8426],
               [0.2088, 0.1646, 0.6266],
               [0.5792, 0.1187, 0.1889, 0.1131],
               [0.0294, 0.1052, 0.0469, 0.0276, 0.7909],
               [0.0176, 0.2689, 0.0215, 0.0089, 0.6812, 0.0019],
               [0.1691, 0.4066, 0.0438, 0.0416, 0.1048, 0.2012, 0.0329],
               [0.0210, 0.0843, 0.0555, 0.2297, 0.0573, 0.0709, 0.2423, 0.2391]]
    for t, row in enumerate(printed):
        assert [round(w, 4) for w in wei[0, t, :t + 1].tolist()] == row
        assert wei[0, t, t + 1:].abs().sum().item() == 0  # the printed zeros: the future is masked
    assert tuple(out.shape) == (4, 8, 16)  # print(out.shape)


def test_layernorm_lecture_probe(reference):
    # ~1:32:00 torch.manual_seed(1337); module = LayerNorm1d(100); x = torch.randn(32, 100); x = module(x)
    # x[:,0].mean(), x[:,0].std() -> (0.1469, 0.8803); x[0,:].mean(), x[0,:].std() -> (-9.5367e-09, 1.0000).
    # The lecture's LayerNorm1d divides by sqrt(unbiased var + eps); ours, like F.layer_norm, by the biased
    # variance, so its output is larger by sqrt(100/99) (up to eps): scaled back, the printed numbers appear.
    layernorm = reference("gpt", "layernorm")
    torch.manual_seed(1337)
    module = layernorm.LayerNorm1d(100)
    inp = torch.randn(32, 100)
    x = module(inp).detach()
    k = math.sqrt(99 / 100)
    assert round(x[:, 0].mean().item() * k, 4) == 0.1469
    assert round(x[:, 0].std().item() * k, 4) == 0.8803
    assert abs(x[0, :].mean().item()) < 1e-6
    assert round(x[0, :].std().item() * k, 4) == 1.0000
    assert torch.allclose(x, torch.nn.functional.layer_norm(inp, (100,)), atol=1e-5)  # and it is torch's layer norm


def test_gpt_shapes_and_causality(reference):
    # the final model: logits (B, T, vocab_size) for any T <= block_size, generate crops to block_size
    gpt = reference("gpt", "gpt")
    torch.manual_seed(1337)
    model = gpt.GPTLanguageModel(vocab_size=65, n_embd=32, n_head=4, n_layer=2, block_size=8)
    idx = torch.randint(0, 65, (2, 8))
    logits, loss = model(idx)
    assert tuple(logits.shape) == (2, 8, 65) and loss is None
    idx2 = idx.clone()
    idx2[:, 5] = (idx2[:, 5] + 1) % 65
    with torch.no_grad():
        assert torch.equal(model(idx)[0][:, :5], model(idx2)[0][:, :5])
        out = model.generate(torch.zeros((1, 1), dtype=torch.long), 20, generator=torch.Generator().manual_seed(1337))
    assert tuple(out.shape) == (1, 21)
