"""The manifest of pinned packages (``normalise/data/manifest.json``, linked from ``models/``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class PinnedPackage:
    name: str
    from_code: str
    to_code: str
    version: str
    url: str
    sha256: str
    size: int | None = None
    tokenizer: str = "sentencepiece"


def load_manifest(path: Path | None = None) -> list[PinnedPackage]:
    if path is None:
        text = (resources.files("normalise") / "data" / "manifest.json").read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    fields = PinnedPackage.__dataclass_fields__
    return [
        PinnedPackage(**{k: v for k, v in entry.items() if k in fields})
        for entry in json.loads(text)["packages"]
    ]


def pinned_for(lang: str, to_code: str = "en") -> PinnedPackage | None:
    return next((p for p in load_manifest() if p.from_code == lang and p.to_code == to_code), None)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
