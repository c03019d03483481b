"""Option values checked before any work starts: each bad value is one line naming the fix,
exit code 2 (a :class:`~normalise.cli.common.ConfigError`), never a run that quietly writes
nothing or an internal error half-way through.

Language codes are case-insensitive and normalised the way input hints are (``IT`` → ``it``,
``es-ES`` → ``es``, ``ita`` → ``it``), then checked against the codes detection can give
(langdetect's profiles). ``und`` is refused: it is what detection says when it cannot tell,
so no document can be assumed to be in it, and no bitext holds an ``und`` sentence.
"""

from __future__ import annotations

import os
import sys
from importlib.util import find_spec
from pathlib import Path

from ..inputs import STDIN, Inputs
from ..langid.hints import known_codes, normalise_code
from ..settings import MODELS_DIR_ENV
from .common import ConfigError

# The optional extras, by the module each needs: (extra, what it is for)
EXTRAS: dict[str, tuple[str, str]] = {
    "ray": ("ray", "--engine ray"),
    "pyarrow": ("parquet", "--format parquet"),
}


def language(option: str, value: str) -> str:
    """``value`` as the code detection uses, or a ConfigError listing the codes known."""
    code = normalise_code(value)
    if code is None or code not in known_codes():
        known = ", ".join(sorted(known_codes()))
        raise ConfigError(
            f"{option} {value!r} is not a language code normalise knows; "
            f"use a two-letter ISO 639-1 code such as it, es or en (all: {known})"
        )
    return code


def languages(option: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """Each of a repeatable option's codes, checked and normalised, duplicates dropped."""
    return tuple(dict.fromkeys(language(option, value) for value in values))


def extra_installed(module: str) -> bool:
    """True when ``module`` can be imported (without importing it: Ray takes seconds)."""
    if module in sys.modules:
        return sys.modules[module] is not None  # None: import blocked
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require_extra(module: str) -> None:
    """Stop, naming the pip command, when the extra that provides ``module`` is missing."""
    if not extra_installed(module):
        extra, purpose = EXTRAS[module]
        raise ConfigError(
            f"{purpose} needs the '{extra}' extra, which is not installed: "
            f"pip install 'normalise[{extra}]'"
        )


def models_dir(flag: Path | None, default: Path) -> Path:
    """The model store to read: ``flag`` when given, else ``default`` (from the environment or
    XDG). A store named explicitly (flag or ``$NORMALISE_MODELS_DIR``) must exist: a typo
    would otherwise turn every Italian and Spanish document ``untranslated``."""
    if flag is not None:
        where = "--models-dir"
        path = flag
    elif os.environ.get(MODELS_DIR_ENV):
        where = f"${MODELS_DIR_ENV}"
        path = default
    else:
        return default
    if path.is_dir():
        return path
    problem = "is a file, not a folder" if path.exists() else "does not exist"
    raise ConfigError(
        f"{where} {path} {problem}; give the folder models were installed in "
        "(`normalise models list` shows it), or install some there with "
        f"`normalise models install FILE.argosmodel --models-dir {path}`"
    )


def has_inputs(inputs: Inputs, path: Path | str, extensions: tuple[str, ...]) -> None:
    """A folder with nothing to read is a mistake (a wrong path, a wrong extension), not a
    successful run of zero documents."""
    if inputs.total is None:  # records: only an empty file is known to hold none
        if str(path) != STDIN and Path(path).is_file() and Path(path).stat().st_size == 0:
            raise ConfigError(f"{path} is empty: no records to normalise; check the path")
        return
    if inputs.total:
        return
    others = [entry.relpath for entry in inputs.skipped]
    shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
    besides = f"; {len(others)} other file(s) not read: {shown}" if others else ""
    raise ConfigError(
        f"no input files in {path}: nothing ending in {', '.join(extensions)}{besides}; "
        "check the path"
    )
