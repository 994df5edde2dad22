"""The mlp references reproduce what makemore part 2 prints.

Lecture: "Building makemore Part 2: MLP" (https://www.youtube.com/watch?v=TCH_1BHY58I).
Every number below was verified by running the references on names.txt (torch 2.x, CPU);
the comment says where the lecture prints it.
"""
import pytest
import torch
import torch.nn.functional as F

pytestmark = pytest.mark.slow   # runs real sets or the red team

SEED = 2147483647
STOI = {c: i for i, c in enumerate('.abcdefghijklmnopqrstuvwxyz')}


@pytest.fixture
def words(dataset):
    return dataset("names.txt").read_text().splitlines()


@pytest.fixture
def mlp(reference):
    class Refs:
        dataset = reference("mlp", "dataset")
        split = reference("mlp", "split")
        embedding = reference("mlp", "embedding")
        model = reference("mlp", "model")
        cross_entropy = reference("mlp", "cross_entropy")
        train = reference("mlp", "train")
    return Refs


def test_dataset_of_the_first_five_names(words, mlp):
    # build_dataset(words[:5]) with block_size 3: X torch.Size([32, 3]) torch.int64, Y torch.Size([32])
    X, Y = mlp.dataset.build_dataset(words[:5], 3, STOI)
    assert X.shape == (32, 3) and X.dtype == torch.int64 and Y.shape == (32,) and Y.dtype == torch.int64
    # emma: ... ---> e, ..e ---> m, .em ---> m, emm ---> a, mma ---> .
    assert X[:5].tolist() == [[0, 0, 0], [0, 0, 5], [0, 5, 13], [5, 13, 13], [13, 13, 1]]
    assert Y[:5].tolist() == [5, 13, 13, 1, 0]


def test_dataset_of_all_names_and_the_splits(words, mlp):
    # all the words with block_size 3: torch.Size([228146, 3]) torch.Size([228146])
    X, Y = mlp.dataset.build_dataset(words, 3, STOI)
    assert X.shape == (228146, 3) and Y.shape == (228146,)
    # random.seed(42); random.shuffle(words); n1 = int(0.8*len(words)); n2 = int(0.9*len(words))
    train, dev, test = mlp.split.split_words(list(words))
    assert (len(train), len(dev), len(test)) == (25626, 3203, 3204)
    # Xtr, Xdev, Xte: torch.Size([182625, 3]) torch.Size([22655, 3]) torch.Size([22866, 3])
    shapes = [tuple(mlp.dataset.build_dataset(part, 3, STOI)[0].shape) for part in (train, dev, test)]
    assert shapes == [(182625, 3), (22655, 3), (22866, 3)]


def test_parameters_and_the_first_loss(words, mlp):
    # the first network: C (27, 2), W1 (6, 100), b1, W2 (100, 27), b2 -> 3481 parameters
    g = torch.Generator().manual_seed(SEED)
    parameters = mlp.model.init_params(3, 2, 100, g)
    assert sum(p.nelement() for p in parameters) == 3481
    # its loss on the 32 examples of the first five names: tensor(17.7697), the same from the
    # manual counts/prob computation and from F.cross_entropy
    X, Y = mlp.dataset.build_dataset(words[:5], 3, STOI)
    logits = mlp.model.forward(X, parameters)
    loss = mlp.cross_entropy.cross_entropy(logits, Y)
    assert round(loss.item(), 4) == 17.7697
    assert loss.item() == pytest.approx(F.cross_entropy(logits, Y).item(), rel=1e-6)
    # the bigger network: C (27, 10), W1 (30, 200), b1, W2 (200, 27), b2 -> 11897 parameters
    g = torch.Generator().manual_seed(SEED)
    assert sum(p.nelement() for p in mlp.model.init_params(3, 10, 200, g)) == 11897


def test_embedding_lookup(mlp):
    # C[5] is the same as F.one_hot(torch.tensor(5), num_classes=27).float() @ C; C[X] is (32, 3, 2)
    # and emb.view(-1, 6) concatenates the three embeddings of each context
    g = torch.Generator().manual_seed(SEED)
    C = torch.randn((27, 2), generator=g)
    assert torch.allclose(F.one_hot(torch.tensor(5), num_classes=27).float() @ C, C[5])
    X = torch.randint(0, 27, (32, 3), generator=g)
    emb = mlp.embedding.embed(C, X)
    assert emb.shape == (32, 6)
    assert torch.equal(emb, torch.cat([C[X][:, 0, :], C[X][:, 1, :], C[X][:, 2, :]], 1))


def test_cross_entropy_matches_torch_and_stays_finite(mlp):
    ce = mlp.cross_entropy.cross_entropy
    # value and gradient equal F.cross_entropy's
    g = torch.Generator().manual_seed(SEED)
    logits = (3 * torch.randn(32, 27, generator=g)).requires_grad_(True)
    Y = torch.randint(0, 27, (32,), generator=g)
    ce(logits, Y).backward()
    mine = logits.grad.clone()
    logits.grad = None
    F.cross_entropy(logits, Y).backward()
    assert torch.allclose(mine, logits.grad, atol=1e-7)
    # the lecture's example of why F.cross_entropy subtracts the max: logits [-100, -3, 0, 100]
    # give probs tensor([0., 0., 0., nan]) by hand (exp(100) overflows float32), but a finite loss
    logits = torch.tensor([[-100.0, -3.0, 0.0, 100.0]])
    counts = logits.exp()
    assert torch.isnan(counts / counts.sum(1, keepdim=True)).any()
    for label in range(4):
        Y = torch.tensor([label])
        assert ce(logits, Y).item() == pytest.approx(F.cross_entropy(logits, Y).item(), rel=1e-6)
    # and +-1000 everywhere
    logits = 1000 * torch.sign(torch.randn(8, 27, generator=g))
    Y = torch.randint(0, 27, (8,), generator=g)
    assert torch.isfinite(ce(logits, Y)) and ce(logits, Y).item() == pytest.approx(F.cross_entropy(logits, Y).item())
