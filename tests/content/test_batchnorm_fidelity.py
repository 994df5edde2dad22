"""The batchnorm set's references reproduce the numbers makemore part 3 prints.

Lecture notebook: nn-zero-to-hero/lectures/makemore/makemore_part3_bn.ipynb. Every number
below was verified by running the reference on names.txt.
"""

import pytest

from tests.content.lecture import names_splits

pytestmark = pytest.mark.slow   # runs real sets or the red team

torch = pytest.importorskip("torch")
F = torch.nn.functional


@pytest.fixture
def data(dataset):
    return names_splits(str(dataset("names.txt")), 3)[1:]


def test_dataset_sizes(data):
    # the dataset cell prints torch.Size([182625, 3]), torch.Size([22655, 3]), torch.Size([22866, 3])
    (Xtr, Ytr), (Xdev, _), (Xte, _) = data
    assert tuple(Xtr.shape) == (182625, 3) and tuple(Ytr.shape) == (182625,)
    assert tuple(Xdev.shape) == (22655, 3)
    assert tuple(Xte.shape) == (22866, 3)


def test_original_initial_loss(data):
    # before any fix (W1, b1, W2, b2 all plain randn) the training cell's first print was
    # "0/ 200000: 27.8817": the net is confidently wrong. (11897 parameters.)
    (Xtr, Ytr), _, _ = data
    g = torch.Generator().manual_seed(2147483647)
    C = torch.randn((27, 10), generator=g)
    W1, b1 = torch.randn((30, 200), generator=g), torch.randn(200, generator=g)
    W2, b2 = torch.randn((200, 27), generator=g), torch.randn(27, generator=g)
    assert sum(p.nelement() for p in (C, W1, b1, W2, b2)) == 11897
    ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
    h = torch.tanh(C[Xtr[ix]].view(32, -1) @ W1 + b1)
    assert f"{F.cross_entropy(h @ W2 + b2, Ytr[ix]).item():.4f}" == "27.8817"


def test_init_params_count_and_first_loss(data, reference):
    init = reference("batchnorm", "init")
    (Xtr, Ytr), _, _ = data
    g = torch.Generator().manual_seed(2147483647)
    C, W1, W2, b2, bngain, bnbias = params = init.init_params(g=g)
    # "MLP revisited" cell prints 12097
    assert sum(p.nelement() for p in params) == 12097
    # the training cell's first line: "      0/ 200000: 3.3239" (the minibatch comes from the same g)
    ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
    hpreact = C[Xtr[ix]].view(32, -1) @ W1
    hpreact = bngain * (hpreact - hpreact.mean(0, keepdim=True)) / hpreact.std(0, keepdim=True) + bnbias
    loss = F.cross_entropy(torch.tanh(hpreact) @ W2 + b2, Ytr[ix])
    assert f"{loss.item():.4f}" == "3.3239"


def test_deep_network_count_and_first_loss(data, reference):
    network = reference("batchnorm", "network")
    linear = reference("batchnorm", "linear")
    (Xtr, Ytr), _, _ = data
    C, layers, parameters = network.build_network()
    # the PyTorch-ified cell (n_hidden = 100, bias=False Linears, BatchNorm1d everywhere) prints 47024
    assert sum(p.nelement() for p in parameters) == 47024
    # its training cell's first line: "      0/ 200000: 3.2870"; the batch comes from the same g
    ix = torch.randint(0, Xtr.shape[0], (32,), generator=linear.g)
    loss = F.cross_entropy(network.forward(C, layers, Xtr[ix]), Ytr[ix])
    assert f"{loss.item():.4f}" == "3.2870"


def test_batchnorm_eval_uses_running_stats(reference):
    bn_mod = reference("batchnorm", "batchnorm1d")
    bn = bn_mod.BatchNorm1d(3)
    x = torch.randn(64, 3, generator=torch.Generator().manual_seed(0)) * 2 + 1
    out = bn(x)
    assert torch.allclose(out.mean(0), torch.zeros(3), atol=1e-5)
    assert torch.allclose(out.var(0), torch.ones(3), atol=1e-3)  # unbiased variance, as x.var(0)
    assert torch.allclose(bn.running_mean, 0.1 * x.mean(0, keepdim=True))
    bn.training = False
    before = bn.running_mean.clone()
    bn(x)
    assert torch.equal(bn.running_mean, before)


@pytest.mark.slow
def test_diagnostics_reproduce_the_lectures_printouts(data, reference):
    # The final PyTorch-ified cells: gain 1.0 ("layer.weight *= 1.0 #5/3"; this set keeps 5/3 otherwise),
    # 1001 steps (the loop breaks after i = 1000) at lr 0.1, then the three histogram cells print:
    network = reference("batchnorm", "network")
    linear = reference("batchnorm", "linear")
    diagnostics = reference("batchnorm", "diagnostics")
    (Xtr, Ytr), _, _ = data
    C, layers, parameters = network.build_network()
    with torch.no_grad():
        for layer in layers[:-1]:
            if isinstance(layer, linear.Linear):
                layer.weight *= 1.0 / (5/3)
    lossi, ud = diagnostics.train(C, layers, parameters, Xtr, Ytr, 1001)
    assert f"{10 ** lossi[0]:.4f}" == "3.2870"  # "      0/ 200000: 3.2870"
    act = ["layer %d (%10s): mean %+.2f, std %.2f, saturated: %.2f%%" % (i, "Tanh", m, s, sat)
           for i, m, s, sat in diagnostics.activation_stats(layers)]
    assert act == ["layer 2 (      Tanh): mean -0.00, std 0.63, saturated: 2.78%",
                   "layer 5 (      Tanh): mean +0.00, std 0.64, saturated: 2.56%",
                   "layer 8 (      Tanh): mean -0.00, std 0.65, saturated: 2.25%",
                   "layer 11 (      Tanh): mean +0.00, std 0.65, saturated: 1.69%",
                   "layer 14 (      Tanh): mean +0.00, std 0.65, saturated: 1.88%"]
    # "layer 2 (      Tanh): mean -0.000000, std 2.640702e-03" ... (the last digit drifts with the torch version)
    grad = [(i, f"{s:.4e}") for i, _, s in diagnostics.gradient_stats(layers)]
    assert grad == [(2, "2.6407e-03"), (5, "2.2456e-03"), (8, "2.0457e-03"), (11, "1.9831e-03"), (14, "1.9524e-03")]
    # "weight   (27, 10) | mean +0.000000 | std 8.020534e-03 | grad:data ratio 8.012630e-03" ...
    weights = [(shape, f"{mean:+.6f}", f"{std:.4e}", f"{ratio:.4e}") for shape, mean, std, ratio in diagnostics.weight_stats(parameters)]
    assert weights == [((27, 10), "+0.000000", "8.0205e-03", "8.0126e-03"),
                       ((30, 100), "+0.000246", "9.2411e-03", "4.8811e-02"),
                       ((100, 100), "+0.000113", "7.1329e-03", "6.9646e-02"),
                       ((100, 100), "-0.000086", "6.2343e-03", "6.0737e-02"),
                       ((100, 100), "+0.000052", "5.7422e-03", "5.6315e-02"),
                       ((100, 100), "+0.000032", "5.6722e-03", "5.5701e-02"),
                       ((100, 27), "-0.000082", "1.2094e-02", "1.1601e-01")]
    # the update:data plot (not printed): one row of ud per step, every parameter; the weights' last row
    assert len(ud) == 1001 and len(ud[-1]) == len(parameters)
    last = [round(ud[-1][j], 2) for j, p in enumerate(parameters) if p.ndim == 2]
    assert last == [-3.1, -2.31, -2.16, -2.22, -2.25, -2.25, -1.94]
