"""Verdicts of the gpt set on code nobody on the project wrote: valid variants pass, bugs are caught and named.

Each test grades a submission through the CLI: a temporary copy of the course whose gpt stubs are the
references, with one file replaced by the variant under test.
"""
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import passed

REPO = helpers.REPO
SET = "gpt"


def course_copy(tmp_path: Path, **files: str) -> Path:
    return helpers.course_copy(tmp_path, SET, True, **files)


def reference(name: str) -> str:
    return helpers.reference_source(SET, name)


def edited(name: str, *edits: tuple[str, str]) -> str:
    return helpers.edited_source(SET, name, *edits)


def grade(root: Path, exercise: str) -> dict:
    return helpers.grade_json(root, f"{SET}/{exercise}")[0]


def failing_keys(result: dict) -> set[str]:
    return {mm["path"] for c in result["checks"] for mm in c.get("mismatches") or []}


# ---- valid code is accepted ---------------------------------------------------------------------

KEY = "        self.key = nn.Linear(n_embd, head_size, bias=False)\n"
QUERY = "        self.query = nn.Linear(n_embd, head_size, bias=False)\n"


@pytest.mark.slow
def test_query_created_before_key_passes(tmp_path):
    head = edited("head", (KEY + QUERY, QUERY + KEY))
    assert passed(grade(course_copy(tmp_path, head=head), "head"))


@pytest.mark.slow
def test_proj_created_before_heads_passes(tmp_path):
    heads = "        self.heads = nn.ModuleList([Head(head_size, n_embd, block_size, dropout) for _ in range(num_heads)])\n"
    proj = "        self.proj = nn.Linear(head_size * num_heads, n_embd)\n"
    mha = edited("multihead", (heads + proj, proj + heads))
    assert passed(grade(course_copy(tmp_path, multihead=mha), "multihead"))


NN_LAYERNORM_BLOCK = (("self.ln1 = LayerNorm1d(n_embd)", "self.ln1 = nn.LayerNorm(n_embd)"),
                      ("self.ln2 = LayerNorm1d(n_embd)", "self.ln2 = nn.LayerNorm(n_embd)"))


@pytest.mark.slow
def test_block_with_nn_layernorm_passes(tmp_path):
    block = edited("block", *NN_LAYERNORM_BLOCK)
    assert passed(grade(course_copy(tmp_path, block=block), "block"))


@pytest.mark.slow
def test_gpt_with_nn_layernorm_everywhere_passes(tmp_path):
    # the lecture's final code: nn.LayerNorm in the blocks and as ln_f (its weight and bias are gamma and beta)
    block = edited("block", *NN_LAYERNORM_BLOCK)
    gpt = edited("gpt", ("self.ln_f = LayerNorm1d(n_embd)", "self.ln_f = nn.LayerNorm(n_embd)"))
    assert passed(grade(course_copy(tmp_path, block=block, gpt=gpt), "gpt"))


@pytest.mark.slow
def test_own_layernorm_named_weight_bias_passes(tmp_path):
    # a student's own LayerNorm1d whose gain and shift are called weight and bias, created shift first
    ln = edited("layernorm",
                ("        self.gamma = nn.Parameter(torch.ones(dim))\n        self.beta = nn.Parameter(torch.zeros(dim))\n",
                 "        self.bias = nn.Parameter(torch.zeros(dim))\n        self.weight = nn.Parameter(torch.ones(dim))\n"),
                ("self.out = self.gamma * xhat + self.beta", "self.out = self.weight * xhat + self.bias"))
    root = course_copy(tmp_path, layernorm=ln)
    assert passed(grade(root, "layernorm"))
    assert passed(grade(root, "block"))


# ---- bugs are caught, and named ------------------------------------------------------------------

@pytest.mark.slow
def test_mask_sized_head_size_is_caught(tmp_path):
    head = edited("head", ("torch.tril(torch.ones(block_size, block_size))", "torch.tril(torch.ones(head_size, head_size))"))
    r = grade(course_copy(tmp_path, head=head), "head")
    assert r["status"] != "passed"
    assert r["mistake"]["id"] == "mask-head-size"


@pytest.mark.slow
def test_head_without_dropout_is_caught(tmp_path):
    head = edited("head", ("        wei = self.dropout(wei)\n", ""))
    r = grade(course_copy(tmp_path, head=head), "head")
    assert r["status"] == "failing" and r["mistake"]["id"] == "head-no-dropout"


@pytest.mark.slow
def test_feedforward_without_dropout_is_caught(tmp_path):
    ffwd = edited("feedforward", ("            nn.Dropout(dropout),\n", ""))
    r = grade(course_copy(tmp_path, feedforward=ffwd), "feedforward")
    assert r["status"] == "failing" and r["mistake"]["id"] == "ffwd-no-dropout"


@pytest.mark.slow
def test_generate_ignoring_its_generator_is_said(tmp_path):
    gpt = edited("gpt", ("num_samples=1, generator=generator)", "num_samples=1)"))
    r = grade(course_copy(tmp_path, gpt=gpt), "gpt")
    assert r["status"] == "failing"
    assert "generate ignores its generator argument" in failing_keys(r)
    assert r["mistake"]["why"].startswith("this is the lecture's generate")
    assert "generate must pass its generator on (generator=generator)" in r["mistake"]["why"]


@pytest.mark.slow
def test_lecture_layernorm1d_is_a_named_departure(tmp_path):
    # the lecture's own LayerNorm1d (video ~1:32:00), written here from its description: a plain class,
    # statistics over dim 1, x.var's default unbiased variance
    lecture_style = '''import torch


class LayerNorm1d:

    def __init__(self, dim, eps=1e-5):
        self.eps = eps
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)

    def __call__(self, x):
        xmean = x.mean(1, keepdim=True)
        xvar = x.var(1, keepdim=True)
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)
        self.out = self.gamma * xhat + self.beta
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]
'''
    r = grade(course_copy(tmp_path, layernorm=lecture_style), "layernorm")
    assert r["status"] == "failing"
    assert r["mistake"]["id"] == "lecture-layernorm1d"
    assert r["mistake"]["why"].startswith("this is the lecture's LayerNorm1d, which normalizes dim 1 with the unbiased variance; here")


def test_layernorm_stub_states_the_departure():
    stub = (REPO / "exercises" / SET / "layernorm.py").read_text(encoding="utf-8")
    assert any(line.startswith("Departure from the lecture:") and "BIASED" in line and "LAST" in line
               for line in stub.splitlines())
