"""Read stage: bytes from disk -> a Document with decoded text, hash, format and encoding."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from ..record import Document, Status
from ..settings import Settings
from ..sources import InputFile, InputRecord, WorkItem, document_id
from ..text.encoding import BinaryContent, decode, normalise_newlines

HTML_EXTENSIONS = (".html", ".htm")


def read_file(item: InputFile, settings: Settings) -> Document:
    doc = Document(id=document_id(item.relpath), source=item.relpath)
    doc.format = "html" if item.path.suffix.lower() in HTML_EXTENSIONS else "text"
    try:
        size = item.path.stat().st_size
        if size > settings.max_file_bytes:
            return doc.fail(
                Status.TOO_LARGE,
                f"{size} bytes is over the limit of {settings.max_file_bytes} bytes "
                "(raise it with --max-file-size)",
            )
        data = item.path.read_bytes()
    except OSError as error:
        return doc.fail(Status.ERROR, f"cannot read file: {error.strerror or error}")
    return decode_into(doc, data)


def decode_into(doc: Document, data: bytes) -> Document:
    """Hash and decode ``data`` into ``doc`` (shared by files and JSONL records)."""
    doc.sha256 = hashlib.sha256(data).hexdigest()
    try:
        decoded = decode(data)
    except BinaryContent as error:
        return doc.fail(Status.ERROR, f"not text: {error}")
    doc.encoding = decoded.encoding
    if decoded.note:
        doc.metadata["encoding_note"] = decoded.note
    doc.raw_text = normalise_newlines(decoded.text)
    if not doc.raw_text.strip():
        doc.fail(Status.EMPTY, "the file is empty" if not data else "the file is blank")
    return doc


def read_record(item: InputRecord) -> Document:
    doc = Document(id=item.id, source=item.id, format=item.format)
    doc.metadata.update(item.metadata or {})
    if item.lang:
        doc.metadata["lang_hint"] = item.lang
    doc.sha256 = hashlib.sha256(item.text.encode("utf-8")).hexdigest()
    doc.encoding = "utf-8"
    doc.raw_text = normalise_newlines(item.text)
    if not doc.raw_text.strip():
        doc.fail(Status.EMPTY, "the record's text is empty" if not item.text else "blank text")
    return doc


def read(items: Iterable[WorkItem], settings: Settings) -> Iterator[Document]:
    for item in items:
        try:
            if isinstance(item, InputRecord):
                yield read_record(item)
            else:
                yield read_file(item, settings)
        except Exception as error:  # e.g. a file name the filesystem cannot encode
            doc = Document(id=document_id(item.relpath), source=item.relpath)
            yield doc.fail(Status.ERROR, f"read failed: {type(error).__name__}: {error}")
