"""JSONL input: one article per line, ``{id, text, [lang], [format], [metadata]}``.

This is how corpus pipelines (datatrove, dolma, NeMo Curator) hand over documents. Fields we
do not know pass through in ``metadata``; a line that is not a usable record becomes a
:class:`~normalise.inputs.files.RejectedRecord` that carries its line number, so that it ends up
as an ``error`` record in the output instead of ending the run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .files import InputRecord, RejectedRecord

log = logging.getLogger("normalise")

KNOWN_FIELDS = frozenset({"id", "text", "lang", "format", "metadata"})
RECORD_FORMATS = ("text", "html")


def json_lines(lines: Iterable[bytes | str]) -> Iterator[tuple[int, Any, str | None]]:
    """``(line number, value, None)`` for each JSON line, or ``(n, None, problem)``.

    Blank lines are skipped; bytes are decoded as UTF-8 (a BOM on the first line is fine).
    """
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                yield number, None, f"not UTF-8 ({error.reason} at byte {error.start})"
                continue
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except json.JSONDecodeError as error:
            yield number, None, f"invalid JSON ({error.msg} at column {error.colno})"
        except RecursionError:
            yield number, None, "invalid JSON (nested too deeply)"


def _record_id(data: Mapping[str, Any], fallback: str) -> str | None:
    """The record's id as a string, the fallback when absent, None when unusable."""
    value = data.get("id")
    if value is None or value == "":
        return fallback
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def record_from_mapping(
    data: Any, fallback_id: str, where: str = ""
) -> InputRecord | RejectedRecord:
    """Validate one input record. ``fallback_id`` names records that carry no ``id``;
    ``where`` (e.g. ``"line 12: "``) prefixes the reason of a rejected record."""
    if not isinstance(data, Mapping):
        return RejectedRecord(
            fallback_id, f"{where}a record must be a JSON object, got {_kind(data)}"
        )
    record_id = _record_id(data, fallback_id)
    if record_id is None:
        return RejectedRecord(
            fallback_id, f"{where}'id' must be a string or an integer, got {_kind(data['id'])}"
        )

    def rejected(problem: str) -> RejectedRecord:
        return RejectedRecord(record_id, f"{where}{problem}")

    text = data.get("text")
    if text is None:
        return rejected("the record has no 'text'")
    if not isinstance(text, str):
        return rejected(f"'text' must be a string, got {_kind(text)}")
    fmt = data.get("format") or "text"
    if fmt not in RECORD_FORMATS:
        return rejected(f"'format' must be one of {', '.join(RECORD_FORMATS)}, got {fmt!r}")
    lang = data.get("lang")
    if lang is not None and not isinstance(lang, str):
        return rejected(f"'lang' must be a string, got {_kind(lang)}")
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, Mapping):
        return rejected(f"'metadata' must be an object, got {_kind(metadata)}")
    extras = {key: value for key, value in data.items() if key not in KNOWN_FIELDS}
    clashes = sorted(set(extras) & set(metadata or {}))
    if clashes:
        log.warning("%s%s: kept metadata's %s over the top-level field", where, record_id, clashes)
    merged = {**extras, **(metadata or {})}
    return InputRecord(record_id, text, fmt, lang or None, merged or None)


def read_records(
    lines: Iterable[bytes | str], name: str = "stdin"
) -> Iterator[InputRecord | RejectedRecord]:
    """Work items from JSONL lines, in order; every non-blank line gives exactly one item."""
    for number, value, problem in json_lines(lines):
        where = f"line {number}: "
        fallback = f"{name}:{number}"
        if problem is not None:
            yield RejectedRecord(fallback, where + problem)
        else:
            yield record_from_mapping(value, fallback, where)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )
