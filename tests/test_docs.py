"""Every example in README.md, models/README.md and docs/*.md runs, against the tiny models, so
that a doc that drifts from the code fails CI.

Conventions for fenced blocks (the tests below enforce them):

- ```python blocks are executed, in document order, each in a fresh namespace, in a prepared
  folder whose model store ($NORMALISE_MODELS_DIR) holds the tiny it→en and es→en packages;
- ```sh blocks are run line by line with bash (``pipefail``), in the same folder, with
  ``normalise`` on the PATH (also as ``.venv/bin/normalise``); a line must exit 0 or 3
  (finished; 3: some documents not in English, or a check that failed as documented), never 1
  (a bug) or 2 (a usage error: the doc no longer matches the options). A line whose comment
  says ``needs network`` is not run;
- ```text, ```toml and ```json blocks are output, synopses or data, and are not run;
- ``<!-- docs-test: skip (reason) -->`` on the line before a block skips it. Keep that list
  short: it is for blocks that need the network, a virtual environment or a Ray cluster.

The folder holds ``seeds/`` and ``crawl/`` (the seed articles), ``records.jsonl`` (JSONL input
records) and the tiny packages as ``translate-it_en-1_0.argosmodel`` and
``translate-es_en-1_0.argosmodel``. Each document gets a folder of its own; its blocks share it
in order (an ``export`` may read what a ``run`` above it wrote).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, SEEDS

DOCUMENTS = [
    "README.md",
    "models/README.md",
    *sorted(f"docs/{path.name}" for path in (REPO / "docs").glob("*.md")),
]
RUN = {"python", "sh"}
NOT_RUN = {"text", "toml", "json"}
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\s*\((?P<reason>[^)]+)\)\s*-->")
FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)
MAX_SKIPPED = 6
# the model store starts empty for the documents that show how to fill it (models/README.md
# installs real archives only: the pinned it→en sha256 refuses test packages)
EMPTY_STORE: set[str] = set()
HANG_GUARD_S = 300


@dataclass(frozen=True)
class Block:
    document: str
    line: int
    lang: str
    body: str
    skip: str | None  # the reason, when marked

    def __str__(self) -> str:
        return f"{self.document}:{self.line} ({self.lang or 'untagged'})"


def blocks_of(document: str) -> list[Block]:
    text = (REPO / document).read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = SKIP.search(before)
        reason = marker.group("reason") if marker else None
        found.append(Block(document, line, match.group("lang"), match.group("body"), reason))
    return found


def shell_lines(body: str) -> list[str]:
    """The commands of a ```sh block: continuation lines joined; comments, blank lines and
    lines that need the network left out."""
    commands = []
    for line in body.replace("\\\n", " ").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.search(r"#.*needs network", line):
            continue
        commands.append(line)
    return commands


def test_every_block_is_tagged_run_or_not_run():
    """A new example cannot slip past the tests untagged."""
    untagged = [
        str(block)
        for document in DOCUMENTS
        for block in blocks_of(document)
        if block.lang not in RUN | NOT_RUN
    ]
    assert untagged == [], "tag these blocks python, sh, text, toml or json"


def test_the_skip_list_is_short_and_says_why():
    skipped = [b for d in DOCUMENTS for b in blocks_of(d) if b.skip is not None]
    assert len(skipped) <= MAX_SKIPPED, [str(b) for b in skipped]
    assert all(b.skip.strip() for b in skipped)
    assert sum(b.lang in RUN and b.skip is None for d in DOCUMENTS for b in blocks_of(d)) >= 10


def _shim(path: Path) -> None:
    """A ``normalise`` command that runs this checkout with this interpreter."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m normalise "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def workspace(tmp_path, tiny_store, tiny_packages) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(SEEDS, work / "seeds")
    shutil.copytree(SEEDS, work / "crawl")
    records = [
        {"id": path.stem, "text": path.read_text(encoding="utf-8")}
        for path in sorted(SEEDS.glob("*.txt"))
    ]
    (work / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    for archive in tiny_packages.values():
        shutil.copy(archive, work / archive.name)
    _shim(tmp_path / "bin" / "normalise")
    _shim(work / ".venv" / "bin" / "normalise")
    shutil.copytree(tiny_store, tmp_path / "store")
    return work


def _environment(work: Path, document: str) -> dict[str, str]:
    store = work.parent / ("new-store" if document in EMPTY_STORE else "store")
    return dict(
        os.environ,
        PATH=f"{work.parent / 'bin'}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(REPO),
        NORMALISE_MODELS_DIR=str(store),
    )


def _run_shell(block: Block, work: Path, env: dict[str, str]) -> None:
    for command in shell_lines(block.body):
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=HANG_GUARD_S,
        )
        where = f"{block}: {command}\n{result.stderr}"
        assert result.returncode in (0, 3), where
        assert "Traceback" not in result.stderr, where


def _run_python(block: Block, work: Path, env: dict[str, str], monkeypatch) -> None:
    monkeypatch.chdir(work)
    monkeypatch.setenv("NORMALISE_MODELS_DIR", env["NORMALISE_MODELS_DIR"])
    code = compile(block.body, str(block), "exec")
    exec(code, {"__name__": "__docs__"})  # noqa: S102 - the examples are this repo's own docs


@pytest.mark.parametrize(
    "document", [d for d in DOCUMENTS if any(b.lang in RUN for b in blocks_of(d))]
)
def test_examples_run(document, workspace, monkeypatch, capsys):
    env = _environment(workspace, document)
    ran = 0
    for block in blocks_of(document):
        if block.skip is not None or block.lang not in RUN:
            continue
        if block.lang == "sh":
            _run_shell(block, workspace, env)
        else:
            _run_python(block, workspace, env, monkeypatch)
        ran += 1
    assert ran > 0


def test_the_readme_example_translates_with_the_default_store(workspace, monkeypatch):
    """The README's Python example once read models_dir="models" (the manifest folder), so
    Italian and Spanish came back untranslated without a word."""
    [example] = [b for b in blocks_of("README.md") if b.lang == "python"]
    _run_python(example, workspace, _environment(workspace, "README.md"), monkeypatch)
    lines = (workspace / "english.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["translated", "translated"]
