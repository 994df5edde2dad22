"""Datasets: found through the data path ($Z2H_DATA, then <course>/data/), fetched on request.

The project never commits a dataset. `grade data` lists them; `grade data fetch NAME` downloads
one from its original public address and verifies its sha256.
"""
from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Dataset:
    name: str
    url: str
    sha256: str
    used_by: str


KNOWN = (
    Dataset("names.txt", "https://raw.githubusercontent.com/karpathy/makemore/master/names.txt",
            "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d", "bigram, mlp, batchnorm, wavenet"),
    Dataset("tinyshakespeare.txt",
            "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
            "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed", "gpt"),
    Dataset("taylorswift.txt", "https://raw.githubusercontent.com/karpathy/minbpe/master/tests/taylorswift.txt",
            "c2e39cb822d4ae0caac22152cefc306d466e31217a9c5524e493ad2b76792f57", "tokenizer"),
)


def data_dirs(root: Path) -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("Z2H_DATA", "").split(os.pathsep) if p]
    return [d.resolve() for d in dirs] + [(root / "data").resolve()]


def find(name: str, root: Path) -> Path | None:
    for d in data_dirs(root):
        if (d / name).is_file():
            return d / name
    return None


def missing(names: list[str], root: Path) -> list[str]:
    return sorted({n for n in names if find(n, root) is None})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(ds: Dataset, root: Path, timeout: float = 30.0) -> Path:
    """Download into <course>/data/, verify, and only then move into place. Raises OSError in words."""
    dest = root / "data" / ds.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(ds.url, timeout=timeout) as r:
            body = r.read()
    except (urllib.error.URLError, OSError) as e:
        raise OSError(f"could not download {ds.name} from {ds.url} ({getattr(e, 'reason', e)}). "
                      f"If you are offline, copy the file into {dest.parent}/ or point Z2H_DATA at a folder holding it.") from None
    digest = hashlib.sha256(body).hexdigest()
    if ds.sha256 and digest != ds.sha256:
        raise OSError(f"{ds.name} downloaded, but its sha256 is {digest}, not {ds.sha256}: not saved")
    tmp = dest.with_suffix(".part")
    tmp.write_bytes(body)
    os.replace(tmp, dest)
    return dest
