"""The wavenet set's references reproduce what makemore part 5 prints.

Lecture notebook: nn-zero-to-hero/lectures/makemore/makemore_part5_cnn1.ipynb. Every number
below was verified by running the references on names.txt. (The lecture's losses come from
torch's global generator after a whole notebook of draws, so they are not asserted here.)
"""

import pytest

from tests.content.lecture import names_splits

pytestmark = pytest.mark.slow   # runs real sets or the red team

torch = pytest.importorskip("torch")
F = torch.nn.functional


def test_dataset_block_size_8(dataset):
    itos, (Xtr, Ytr), (Xdev, _), (Xte, _) = names_splits(str(dataset("names.txt")), 8)
    # "torch.Size([182625, 8]) torch.Size([182625])", "torch.Size([22655, 8])", "torch.Size([22866, 8])"
    assert tuple(Xtr.shape) == (182625, 8) and tuple(Ytr.shape) == (182625,)
    assert tuple(Xdev.shape) == (22655, 8) and tuple(Xte.shape) == (22866, 8)
    # the lecture prints the first 20 examples: "........ --> y", ".......y --> u", ..., "....xavi --> e"
    shown = [''.join(itos[ix.item()] for ix in x) + ' --> ' + itos[y.item()] for x, y in zip(Xtr[:20], Ytr[:20])]
    assert shown[:7] == ["........ --> y", ".......y --> u", "......yu --> h", ".....yuh --> e",
                         "....yuhe --> n", "...yuhen --> g", "..yuheng --> ."]
    assert shown[14] == ".diondre --> ." and shown[19] == "....xavi --> e"


def test_hierarchical_model_parameters(reference):
    model = reference("wavenet", "model")
    # the final model (n_embd 24, n_hidden 128) prints 76579
    assert sum(p.nelement() for p in model.build_model().parameters()) == 76579
    # the first hierarchical model (n_embd 10, n_hidden 68) prints 22397
    assert sum(p.nelement() for p in model.build_model(n_embd=10, n_hidden=68).parameters()) == 22397


def test_flat_models_parameters(reference):
    # before the hierarchy: Embedding, Flatten, Linear, BatchNorm1d, Tanh, Linear with n_embd 10,
    # n_hidden 200 prints 12097 for block_size 3 and 22097 for block_size 8
    emb = reference("wavenet", "embedding")
    flat = reference("wavenet", "flatten")
    layers = reference("wavenet", "layers")
    seq = reference("wavenet", "sequential")
    for block_size, count in ((3, 12097), (8, 22097)):
        torch.manual_seed(42)
        model = seq.Sequential([emb.Embedding(27, 10), flat.Flatten(),
                                layers.Linear(10 * block_size, 200, bias=False), layers.BatchNorm1d(200),
                                layers.Tanh(), layers.Linear(200, 27)])
        assert sum(p.nelement() for p in model.parameters()) == count


def test_shape_walk(dataset, reference):
    # "Embedding : (4, 8, 10)", "FlattenConsecutive : (4, 4, 20)", "Linear : (4, 4, 68)", ...
    # printed for a batch of 4 through the (10, 68) model
    model_mod = reference("wavenet", "model")
    _, (Xtr, _), _, _ = names_splits(str(dataset("names.txt")), 8)
    model = model_mod.build_model(n_embd=10, n_hidden=68)
    ix = torch.randint(0, Xtr.shape[0], (4,))
    model(Xtr[ix])
    walk = [f"{layer.__class__.__name__} : {tuple(layer.out.shape)}" for layer in model.layers]
    assert walk == [
        "Embedding : (4, 8, 10)",
        "FlattenConsecutive : (4, 4, 20)", "Linear : (4, 4, 68)", "BatchNorm1d : (4, 4, 68)", "Tanh : (4, 4, 68)",
        "FlattenConsecutive : (4, 2, 136)", "Linear : (4, 2, 68)", "BatchNorm1d : (4, 2, 68)", "Tanh : (4, 2, 68)",
        "FlattenConsecutive : (4, 136)", "Linear : (4, 68)", "BatchNorm1d : (4, 68)", "Tanh : (4, 68)",
        "Linear : (4, 27)",
    ]


def test_flatten_consecutive_is_the_explicit_concatenation(reference):
    # "(e.view(4, 4, 20) == explicit).all()" prints tensor(True)
    flat = reference("wavenet", "flatten")
    e = torch.randn(4, 8, 10, generator=torch.Generator().manual_seed(0))
    explicit = torch.cat([e[:, ::2, :], e[:, 1::2, :]], dim=2)
    assert torch.equal(flat.FlattenConsecutive(2)(e), explicit)


def test_batchnorm_3d_statistics(reference):
    # the lecture's bug fix: for (32, 4, 68) input, running_mean must be (1, 1, 68), not (1, 4, 68)
    layers = reference("wavenet", "layers")
    bn = layers.BatchNorm1d(68)
    x = torch.randn(32, 4, 68, generator=torch.Generator().manual_seed(0)) * 3 + 1
    out = bn(x)
    assert tuple(bn.running_mean.shape) == (1, 1, 68)
    assert torch.allclose(out.mean((0, 1)), torch.zeros(68), atol=1e-5)
