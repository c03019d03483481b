"""The package catalog (``normalise/data/manifest.json``, linked from ``models/``), and the
pins that decide whether an archive may be installed.

Each entry names a package as the Argos index lists it (name, version, URL). ``offered`` says
whether today's index still offers it: ``models pull LANG`` serves the offered entry with the
highest version. ``size`` and ``sha256`` are pinned where we know them; an entry without a
sha256 is *unpinned*: ``pull`` refuses it unless ``--trust-unpinned``, then records the
sha256 it saw in the store (trust on first use, ``.normalise-trusted.json``), and from then on
that record is the pin for ``install``, ``pull`` and ``verify``. A guessed sha256 is never a pin.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from ..atomic import write_bytes

TRUST_FILE = ".normalise-trusted.json"


@dataclass(frozen=True)
class PinnedPackage:
    name: str
    from_code: str
    to_code: str
    version: str
    url: str
    sha256: str | None = None  # None: unpinned (trust on first use, with --trust-unpinned)
    size: int | None = None
    tokenizer: str = "sentencepiece"
    offered: bool = True  # in today's Argos index
    pinned_by: str = "manifest"  # or "trust on first use"

    @property
    def pinned(self) -> bool:
        return self.sha256 is not None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


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


def catalog_entry(lang: str, to_code: str = "en") -> PinnedPackage | None:
    """What ``models pull LANG`` serves: the offered LANG→to package with the highest version."""
    offered = [
        p for p in load_manifest() if p.from_code == lang and p.to_code == to_code and p.offered
    ]
    return max(offered, key=lambda p: _version_key(p.version), default=None)


def load_trusted(store_root: Path) -> dict[str, PinnedPackage]:
    """The sha256 pins recorded on first use in a store."""
    path = Path(store_root) / TRUST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: unreadable trust record ({error}); fix or delete it") from None
    fields = PinnedPackage.__dataclass_fields__
    return {
        name: PinnedPackage(**{k: v for k, v in entry.items() if k in fields})
        for name, entry in data.get("packages", {}).items()
    }


def record_trusted(store_root: Path, entry: PinnedPackage, sha256: str, size: int) -> PinnedPackage:
    """Record the sha256 seen for an unpinned package (written atomically); return the pin."""
    store_root = Path(store_root)
    pin = replace(entry, sha256=sha256, size=size, pinned_by="trust on first use")
    packages = {
        name: _entry_json(p) for name, p in load_trusted(store_root).items() if name != entry.name
    }
    packages[entry.name] = {**_entry_json(pin), "first_seen": datetime.now(UTC).isoformat()}
    store_root.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"packages": packages}, indent=1, sort_keys=True)
    write_bytes(store_root / TRUST_FILE, text.encode("utf-8"))
    return pin


def _entry_json(pin: PinnedPackage) -> dict:
    return {k: getattr(pin, k) for k in PinnedPackage.__dataclass_fields__}


def known_pins(store_root: Path | None = None) -> dict[str, PinnedPackage]:
    """Every package name with a sha256 to check: the manifest's pins, then the store's
    trust-on-first-use records for names the manifest leaves unpinned."""
    pins = {p.name: p for p in load_manifest() if p.pinned}
    if store_root is not None:
        for name, pin in load_trusted(store_root).items():
            pins.setdefault(name, pin)
    return pins


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
