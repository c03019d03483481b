"""An installed Argos package: a folder with ``metadata.json``, ``model/`` and a tokenizer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SENTENCEPIECE, BPE = "sentencepiece", "bpe"


class PackageError(ValueError):
    """A package folder or archive is not a usable Argos package; the message says why."""


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


@dataclass(frozen=True)
class ArgosPackage:
    path: Path
    name: str
    from_code: str
    to_code: str
    version: str
    tokenizer: str
    target_prefix: str | None = None
    origin: str = "store"  # "store" (ours) or "argospm"

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def version_key(self) -> tuple[int, ...]:
        return _version_key(self.version)

    def describe(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version}


def validate_metadata(metadata: object, where: str) -> dict:
    if not isinstance(metadata, dict):
        raise PackageError(f"{where}: metadata.json is not a JSON object")
    for key in ("from_code", "to_code"):
        value = metadata.get(key)
        if not isinstance(value, str) or not value.isascii() or not 1 <= len(value) <= 12:
            raise PackageError(f"{where}: metadata.json has no valid '{key}'")
    package_type = metadata.get("package_type", "translate")
    if package_type != "translate":
        raise PackageError(f"{where}: package_type is {package_type!r}, not 'translate'")
    return metadata


def load_package(path: Path, origin: str = "store") -> ArgosPackage:
    """Read a package folder; raise :class:`PackageError` naming what is missing."""
    path = Path(path)
    try:
        metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{path}: no metadata.json") from None
    except (OSError, ValueError) as error:
        raise PackageError(f"{path}: unreadable metadata.json: {error}") from None
    validate_metadata(metadata, str(path))
    if not (path / "model" / "model.bin").is_file():
        raise PackageError(f"{path}: no CTranslate2 model (model/model.bin)")
    if (path / "sentencepiece.model").is_file():
        tokenizer = SENTENCEPIECE
    elif (path / "bpe.model").is_file():
        tokenizer = BPE
    else:
        raise PackageError(f"{path}: no tokenizer (sentencepiece.model or bpe.model)")
    return ArgosPackage(
        path=path,
        name=path.name,
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        version=str(metadata.get("package_version", "0")),
        tokenizer=tokenizer,
        target_prefix=metadata.get("target_prefix") or None,
        origin=origin,
    )
