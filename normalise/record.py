"""The document record that flows through every stage, and its JSON form.

Stages receive and return :class:`Document` objects. They are plain dataclasses, picklable,
so that the same chain runs in-process, in a process pool or inside Ray workers.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1

# Line separators JSON leaves raw with ensure_ascii=False; Unicode-aware line splitters
# (str.splitlines, many editors) would cut a JSONL record at them, so they are escaped.
# (str.replace, not str.translate: the latter walks a dict per character, 1 ms an article.)
_RAW_LINE_BREAKS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


class Status:
    """Values of ``Document.status``. Anything but TRANSLATED and ENGLISH needs a reason."""

    TRANSLATED = "translated"
    ENGLISH = "english"
    UNTRANSLATED = "untranslated"
    UNSUPPORTED_LANGUAGE = "unsupported_language"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    ERROR = "error"

    OK = frozenset({TRANSLATED, ENGLISH})
    TERMINAL = frozenset({EMPTY, TOO_LARGE, ERROR})  # set before translation; no stage after


@dataclass
class Sentence:
    """One source sentence and its English sentence. Offsets index the cleaned source text."""

    src: str
    en: str | None = None
    start: int = 0
    end: int = 0
    flags: list[str] = field(default_factory=list)
    score: float | None = None


@dataclass
class Segment:
    """A structural unit of the article: a heading, a paragraph or a list item."""

    kind: str  # "heading" | "paragraph" | "list_item"
    text: str
    start: int = 0
    end: int = 0
    lang: str | None = None
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Removal:
    """A span that cleaning took out, and why. Nothing leaves a document unrecorded."""

    text: str
    reason: str
    rule: str | None = None
    position: int | None = None  # index of the line in the decoded input
    start: int | None = None  # [start, end) character offsets into the decoded input
    end: int | None = None  # (for HTML: into trafilatura's extracted text)


def _fields_of(obj: Any) -> dict[str, Any]:
    """A dataclass's fields, in order, as a dict; lists and dicts are copied one level deep
    (JSON values inside them are immutable or plain containers we never share)."""
    result = {}
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        if isinstance(value, list):
            value = list(value)
        elif isinstance(value, dict):
            value = copy.deepcopy(value)
        result[name] = value
    return result


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, in order


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    return names


def _shared_fields_of(obj: Any) -> dict[str, Any]:
    """:func:`_fields_of` without the copies, for encoding only: the instance's own dict when
    it holds exactly the fields, in their order (as ``__init__`` made it), else a new one.
    (Its keys compared as one tuple with the field names': a third of the time of comparing
    them one by one, for each of thousands of sentences a run.)"""
    values = obj.__dict__
    names = _field_names(type(obj))
    if tuple(values) == names:
        return values
    return {name: getattr(obj, name) for name in names}


def _escape_line_breaks(text: str) -> str:
    for raw, escaped in _RAW_LINE_BREAKS:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def _appended(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any] | None:
    """The keys ``after`` adds at the end of ``before``, when that is its only change."""
    if len(after) <= len(before) or list(after)[: len(before)] != list(before):
        return None
    if any(after[key] != value for key, value in before.items()):
        return None
    return {key: after[key] for key in list(after)[len(before) :]}


@dataclass
class Document:
    id: str
    source: str
    sha256: str = ""
    format: str = "text"  # "text" | "html"
    encoding: str | None = None
    raw_text: str = ""  # decoded input (or extracted HTML text); not written out
    title: str | None = None
    lang: str | None = None
    lang_score: float | None = None
    status: str | None = None
    reason: str | None = None
    source_text: str = ""  # cleaned source-language text: sentence offsets point here
    text: str = ""  # clean English text
    segments: list[Segment] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    translator: dict[str, str] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # raw_text is already the page's extracted main text (by the extract stage, or kept from
    # the pre-pass, see stages/extracted.py); not written out
    extracted: bool = False

    def fail(self, status: str, reason: str) -> Document:
        self.status, self.reason = status, reason
        return self

    @property
    def finished(self) -> bool:
        """True once a stage has given the document a terminal status (empty, error)."""
        return self.status in Status.TERMINAL

    def to_dict(self) -> dict[str, Any]:
        """The canonical output record as a dict (see docs/schema.md); :meth:`to_json_line`
        is the same record as the JSON line ``normalise run`` writes.

        Equal to ``dataclasses.asdict`` minus ``raw_text`` and ``extracted``, built by hand:
        ``asdict`` deep-copies every value and cost ~5 ms per article, the main process's
        largest cost in a run."""
        data = _fields_of(self)
        del data["raw_text"], data["extracted"]
        data["segments"] = [
            {**_fields_of(seg), "sentences": [_fields_of(s) for s in seg.sentences]}
            for seg in self.segments
        ]
        data["removed"] = [_fields_of(r) for r in self.removed]
        return {"schema": SCHEMA_VERSION, **data}

    to_json = to_dict  # the name before 0.2; it never returned JSON text

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a document from its canonical record (the inverse of :meth:`to_dict`)."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["segments"] = [
            Segment(**{**seg, "sentences": [Sentence(**s) for s in seg.get("sentences", [])]})
            for seg in data.get("segments", [])
        ]
        fields["removed"] = [Removal(**r) for r in data.get("removed", [])]
        return cls(**fields)

    from_json = from_dict  # the name before 0.2

    @classmethod
    def from_json_line(cls, line: str) -> Document:
        """A document from its JSONL record (one line, as :meth:`to_json_line` wrote it).

        :meth:`to_json_line` then gives ``line`` back as it is, or with the keys added to
        ``metadata`` since (the run flags duplicates there) appended to it: rebuilding the
        JSON of every resumed document took most of the time of a rerun that reuses nearly
        everything. Other changes to a document read this way are not seen."""
        doc = cls.from_dict(json.loads(line))
        doc.__dict__["_record"] = (line, dict(doc.metadata))
        return doc

    def as_written(self, line: str) -> Document:
        """This document as its record ``line`` (:meth:`to_json_line`'s) reads back, without
        parsing it: the fields a record leaves out are cleared, and :meth:`to_json_line`
        gives ``line`` back, as for :meth:`from_json_line`. For a process that wrote the
        record and goes on with the document (a one-worker run)."""
        self.raw_text, self.extracted = "", False
        self.__dict__["_record"] = (line, dict(self.metadata))
        return self

    def to_json_line(self) -> str:
        """The record as one line of JSON text, without the newline: what ``normalise run``
        writes. Unicode line separators are escaped, so every line splitter sees one line."""
        record = self.__dict__.get("_record")
        if record is not None:
            line, metadata = record
            if self.metadata == metadata:
                return line
            added = _appended(metadata, self.metadata)
            if added is not None and _METADATA_LAST and line.endswith("}}"):
                # metadata is the record's last field: its new keys go just before the end
                body = json.dumps(added, ensure_ascii=False, sort_keys=False)[1:-1]
                return _escape_line_breaks(f"{line[:-2]}{', ' if metadata else ''}{body}}}}}")
        return _escape_line_breaks(json.dumps(self._record_view(), ensure_ascii=False))

    def _record_view(self) -> dict[str, Any]:
        """:meth:`to_dict`'s record, sharing this document's values instead of copying them:
        for the JSON encoder, which only reads (copying was half the cost of a record's line)."""
        data = {"schema": SCHEMA_VERSION}
        for name, value in _shared_fields_of(self).items():
            if name not in _NOT_IN_RECORD:
                data[name] = value
        plain = _field_names(Sentence)  # a Sentence as __init__ made it: its dict as it is
        segments = []
        for seg in self.segments:
            fields = {**_shared_fields_of(seg)}
            fields["sentences"] = [
                s.__dict__ if tuple(s.__dict__) == plain else _shared_fields_of(s)
                for s in seg.sentences
            ]
            segments.append(fields)
        data["segments"] = segments
        data["removed"] = [_shared_fields_of(r) for r in self.removed]
        return data

    dumps = to_json_line  # the name before 0.2


_NOT_IN_RECORD = frozenset({"raw_text", "extracted"})
# The fast path of to_json_line appends new metadata keys at the end of a record's line.
_METADATA_LAST = [
    name for name in Document.__dataclass_fields__ if name not in ("raw_text", "extracted")
][-1] == "metadata"
