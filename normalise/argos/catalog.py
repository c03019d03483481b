"""Which installed package serves a language pair.

Packages are looked up in our store and in argospm's packages folder (``$ARGOS_PACKAGES_DIR``,
or ``$XDG_DATA_HOME/argos-translate/packages``), so that existing Argos users need no
reinstall. The choice rule, when several serve one pair: the highest ``package_version``;
on a tie, our store before argospm; then the folder name, for determinism.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..settings import xdg_data_home
from .package import ArgosPackage, PackageError, load_package
from .store import ModelStore


def argospm_dir() -> Path:
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"]).expanduser()
    return xdg_data_home() / "argos-translate" / "packages"


def argospm_packages(root: Path | None = None) -> list[ArgosPackage]:
    root = root or argospm_dir()
    found = []
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            try:
                found.append(load_package(folder, origin="argospm"))
            except PackageError:
                continue
    return found


class Catalog:
    def __init__(self, store_dir: Path, *, include_argospm: bool = True):
        self.store = ModelStore(store_dir)
        self.include_argospm = include_argospm

    def all(self) -> list[ArgosPackage]:
        packages = list(self.store.packages())
        if self.include_argospm:
            packages += argospm_packages()
        return packages

    def find(self, from_code: str, to_code: str) -> ArgosPackage | None:
        candidates = [p for p in self.all() if p.from_code == from_code and p.to_code == to_code]
        if not candidates:
            return None
        candidates.sort(key=lambda p: (p.version_key, p.origin == "store", p.name), reverse=True)
        return candidates[0]
