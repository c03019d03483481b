"""Exit codes and error messages as a user sees them: a real process, stderr, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS
from hostile import build

HANG_GUARD_S = 300  # a hung run fails the test instead of blocking CI; not a speed target


def normalise(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed entry point (``normalise.cli.app:main``), optionally after ``code``."""
    prelude = f"{code}\n" if code else ""
    script = (
        prelude
        + "import sys\nfrom normalise.cli.app import main\nsys.argv[0] = 'normalise'\nmain()"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=HANG_GUARD_S,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["run", "--bogus"], ["--bogus", "normalise run --help"]),
        (["run", "seeds", "-o", "x", "--beam-size", "0"], ["--beam-size"]),
        (["run", "no/such/folder", "-o", "x"], ["no/such/folder", "does not exist"]),
        (["run", "seeds"], ["Missing option '-o'"]),
        (["frobnicate"], ["No such command 'frobnicate'"]),
    ],
)
def test_bad_usage_is_exit_2_with_one_line(args, fragments, tmp_path):
    args = [str(SEEDS) if a == "seeds" else a for a in args]
    assert_one_line_error(normalise(*args), *fragments)


def test_unwritable_output_is_exit_2_naming_the_path(tmp_path):
    """A path under a regular file cannot be created even by root."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    target = blocker / "corpus.jsonl"
    result = normalise("run", str(SEEDS), "-o", str(target), "--models-dir", str(tmp_path))
    assert_one_line_error(result, str(target), "is a file, not a folder")
    assert not target.exists()


def test_bad_pattern_file_is_exit_2(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text("[[rule]]\nname = 'x'\npattern = '('\n")
    out = tmp_path / "o.jsonl"
    result = normalise("run", str(SEEDS), "-o", str(out), "--patterns", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


BOOM = (
    "import normalise.cli.app\n"
    "def boom(*args, **kwargs):\n"
    "    raise RuntimeError('simulated bug')\n"
    "normalise.cli.app.open_inputs = boom"
)


def test_internal_error_is_exit_1_one_line_without_traceback(tmp_path):
    out = str(tmp_path / "o.jsonl")
    result = normalise("run", str(SEEDS), "-o", out, code=BOOM)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "internal error: RuntimeError: simulated bug (run with -vv for details)"
    )


def test_internal_error_traceback_only_with_vv(tmp_path):
    out = str(tmp_path / "o.jsonl")
    result = normalise("-vv", "run", str(SEEDS), "-o", out, code=BOOM)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "simulated bug" in result.stderr


def test_hostile_corpus_through_the_real_entry_point_is_exit_3_without_traceback(
    tmp_path, tiny_store
):
    root = tmp_path / "crawl"
    build(root, max_file_size=120_000)
    out = tmp_path / "out" / "corpus.jsonl"
    result = normalise(
        "run", str(root), "-o", str(out), "--models-dir", str(tiny_store),
        "--max-file-size", "120000",
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "fs/pipe.txt: not a regular file" in result.stderr
    assert out.is_file() and Path(str(out).replace(".jsonl", ".report.json")).is_file()


def test_missing_models_hint_names_the_command_that_works(tmp_path):
    """es→en is served unpinned (no published sha256): the hint must include the flag that
    `models pull` needs for it, and say why; it→en is pinned and needs none."""
    store = tmp_path / "empty-store"
    store.mkdir()
    result = normalise(
        "run", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), "--models-dir", str(store)
    )
    assert result.returncode == 3, result.stderr
    assert "normalise models pull es it --trust-unpinned" in result.stderr
    assert "(es: no published sha256" in result.stderr
    assert "(it:" not in result.stderr and "es, it: no published" not in result.stderr
