"""The package reads in the order the data flows, and no import points back up it.

Layers, lowest first: the core records and settings; pure libraries (text, langid, argos);
inputs; stages; the run; outputs; the command line and the Python API on top. A module may
import from its own layer and the layers below, at module level, never above: a cycle cannot
hide behind a lazy import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import normalise

PACKAGE = Path(normalise.__file__).parent
LAYERS = [
    {"record", "settings", "languages", "batching", "atomic"},
    {"text", "langid", "argos", "data", "testing"},
    {"inputs"},
    {"stages"},
    {"run"},
    {"outputs"},
    {"cli", "api", "__main__", "__init__"},
]


def layer_of(module: str) -> int:
    part = module.split(".")[1] if "." in module else "__init__"
    return next(i for i, names in enumerate(LAYERS) if part in names)


def imports() -> list[tuple[str, str, int]]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        parts = ["normalise", *path.relative_to(PACKAGE).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        package = module if is_package else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("normalise.") and module != "normalise":
                found.append((module, target, node.lineno))
    return found


def test_every_top_level_part_has_a_layer():
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    parts -= {"__pycache__", "py"}
    known = set().union(*LAYERS)
    assert {p for p in parts if not p.endswith(".egg-info")} <= known


def test_no_import_points_back_up_the_tree():
    upward = [
        f"{module} imports {target} (line {line})"
        for module, target, line in imports()
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_the_check_sees_relative_imports():
    targets = {target for module, target, _ in imports() if module == "normalise.run.runner"}
    assert "normalise.stages.pipeline" in targets  # written `from ..stages.pipeline import`
