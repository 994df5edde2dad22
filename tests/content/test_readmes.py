"""Every set's README states every rule the set enforces (issue 12: the gpt README once did not
mention that F.scaled_dot_product_attention is forbidden)."""
import re
import tomllib

import pytest

from tests.helpers import REPO

SETS = sorted(p.parent.name for p in (REPO / "exercises").glob("*/set.toml"))


@pytest.mark.parametrize("set_name", SETS)
def test_readme_names_every_rule(set_name):
    manifest = tomllib.loads((REPO / "exercises" / set_name / "set.toml").read_text(encoding="utf-8"))
    readme = (REPO / "exercises" / set_name / "README.md").read_text(encoding="utf-8")
    tables = [manifest.get("rules", {})] + [ex.get("rules", {}) for ex in manifest["exercises"]]
    rules = {item for t in tables for key in ("forbid_imports", "forbid_calls") for item in t.get(key, [])}
    prose = re.sub(r"```.*?```", "", readme, flags=re.S)   # code blocks would pair the backticks wrongly
    quoted = re.findall(r"`([^`]+)`", prose)
    missing = sorted(r for r in rules if not any(r.lstrip(".") in q for q in quoted))
    assert not missing, f"{set_name}/README.md does not name: {missing}"


def test_the_gpt_set_forbids_the_attention_and_layer_norm_it_teaches():
    manifest = tomllib.loads((REPO / "exercises" / "gpt" / "set.toml").read_text(encoding="utf-8"))
    rules = {i for ex in manifest["exercises"] for i in ex.get("rules", {}).get("forbid_calls", [])}
    assert {"F.scaled_dot_product_attention", "F.layer_norm"} <= rules
