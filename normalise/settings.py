"""One settings object, threaded through every stage (as trafilatura threads its config)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".html", ".htm")
MODELS_DIR_ENV = "NORMALISE_MODELS_DIR"
DEVICES: tuple[str, ...] = ("cpu", "cuda", "auto")
COMPUTE_TYPES: tuple[str, ...] = (
    "default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
    "float16", "bfloat16", "float32",
)  # fmt: skip


def xdg_data_home() -> Path:
    """``$XDG_DATA_HOME``, else ``~/.local/share`` (the XDG base directory rule)."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def default_models_dir() -> Path:
    """``$NORMALISE_MODELS_DIR``, else ``$XDG_DATA_HOME/normalise/models``."""
    if os.environ.get(MODELS_DIR_ENV):
        return Path(os.environ[MODELS_DIR_ENV]).expanduser()
    return xdg_data_home() / "normalise" / "models"


@dataclass(frozen=True)
class Settings:
    """Every option of a run, with its default: the CLI's options take their defaults from
    these fields, so ``normalise run --help`` and the API cannot disagree."""

    # reading
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    max_file_bytes: int = 20 * 1024 * 1024
    # cleaning
    keep_boilerplate: bool = False
    pattern_files: tuple[Path, ...] = ()
    # corpus-level repetition (stages/clean/repetition.py): a line in at least this many
    # documents, and this share of them, is boilerplate; 0 and 0.0 turn the check off
    repeat_documents: int = 5
    repeat_share: float = 0.0
    # language detection
    lang_seed: int = 0
    min_lang_score: float = 0.80
    min_lang_chars: int = 20  # letters; shorter texts need both methods to agree, or are und
    min_lang_words: int = 4
    assume_lang: str | None = None  # the language of texts that detection leaves und
    # translation
    models_dir: Path = field(default_factory=default_models_dir)
    beam_size: int = 4  # as Argos uses
    device: str = "cpu"  # "cpu" | "cuda" | "auto"
    compute_type: str = "default"  # "default" (as saved) | "auto" (never int8 for BPE) | ...
    inter_threads: int = 0  # parallel decoders; 0: automatic (2 on 2 cores)
    intra_threads: int = 0  # threads per decoder; 0: automatic (1 on 2 cores)
    max_batch_tokens: int = 1024  # padded source tokens per batch
    max_input_tokens: int = 250  # longer sentences are split at safe points, never truncated
    # per sentence: max_decoding_length = max(16, ratio * n + 10), n its own length rounded up
    # to a multiple of 8 (a length class), capped at max_decoding_length
    decoding_ratio: float = 2.0
    max_decoding_length: int = 512
    docs_per_batch: int = 64
    # protected spans (URLs, numbers, handles, code…: normalise/text/protect.py) come through
    # translation verbatim; the glossary (TOML) adds terms to keep or to render fixed
    protect_spans: bool = True
    glossary: Path | None = None
