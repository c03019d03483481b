"""Build the review page: one self-contained HTML file that shows what a run did.

The corpus is read once, streaming. Overview numbers and charts count every document and are
written as static HTML and SVG (readable without JavaScript). The documents themselves are
embedded compactly, one ``<script type="application/json">`` block each, and the page's script
parses a document only when it is shown, so that a 10k-document page loads in about a second.

Size limit: at most ``max_documents`` documents and ``max_bytes`` of embedded document data.
Past either, the page embeds a deterministic sample (the documents whose id hashes lowest, the
same whatever the corpus order) and both the page and the command say so. Memory is bounded
by the same limit: only the embedded documents are held.

Every piece of document text reaches the page either HTML-escaped (static parts) or inside
JSON with ``<`` written as ``\\u003c`` (so no text can close the script block), and the page
puts it into the DOM with ``textContent`` only.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ...atomic import AtomicFile
from ...record import Document, Removal
from .charts import Histogram, new_histograms, svg

MAX_DOCUMENTS = 10_000
MAX_BYTES = 64 << 20  # embedded document data; about 2 s of Chromium load at the limit
LOW_SCORE = -1.5  # a sentence scoring below this is flagged "low_score" on the page
LOW_SCORE_FLAG = "low_score"
ENGLISH = "en"
SAME_AS_SOURCE = 0  # stands for `en` when it equals `src` (English originals): half the bytes
_DOCUMENTS = "<!--@documents-->"  # where the document blocks go (written one by one)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_MARKER = re.compile(r"<!--@(title|overview|index)-->|/\*@(style|script)\*/")


@dataclass(frozen=True)
class ReviewLimits:
    """How much of the corpus the page embeds, and what counts as a low score."""

    max_documents: int = MAX_DOCUMENTS
    max_bytes: int = MAX_BYTES
    low_score: float = LOW_SCORE


@dataclass
class ReviewResult:
    """What was written: the command prints it, and says when the page holds a sample."""

    path: Path
    documents: int
    embedded: int
    size: int

    @property
    def sampled(self) -> bool:
        return self.embedded < self.documents

    def summary(self) -> str:
        line = f"review: {self.path} ({self.size / 1e6:.1f} MB, {self.documents} documents"
        if self.sampled:
            return (
                line + f"; the page embeds a sample of {self.embedded}: the overview counts "
                "all of them, the document list only the sample)"
            )
        return line + ")"


def _script_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` block: no ``<``, so no ``</script>``. A lone
    surrogate (JSON input may carry one as an escape) stays an escape: UTF-8 cannot hold it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def _priority(doc_id: str, ordinal: int) -> tuple[int, int]:
    """Sampling order: by a hash of the id (not the corpus order), ties by position."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big"), ordinal


class _Names:
    """A growing table of names (flags, removal reasons); the page gets indices into it."""

    def __init__(self, first: Iterable[str] = ()) -> None:
        self.names: list[str] = []
        self._index: dict[str, int] = {}
        for name in first:
            self.index(name)

    def index(self, name: str) -> int:
        if name not in self._index:
            self._index[name] = len(self.names)
            self.names.append(name)
        return self._index[name]


def _placements(doc: Document) -> list[tuple[Removal, int]]:
    """The removals in input order, each with the index of the segment it is shown before
    (``len(segments)``: after the last).

    Removals carry offsets into the input, segments offsets into the cleaned text. Cleaning
    removes whole blocks, so the cleaned text before a removal is about its input offset less
    the input removed before it; the removal goes to the segment boundary nearest that point.
    Removals without offsets go first.
    """
    bounds = [segment.start for segment in doc.segments] + [len(doc.source_text)]
    ordered = sorted(doc.removed, key=lambda r: (r.start is not None, r.start or 0))
    placed = []
    removed_before = 0
    for removal in ordered:
        if removal.start is None:
            placed.append((removal, 0))
            continue
        kept_before = removal.start - removed_before
        span = removal.end - removal.start if removal.end is not None else len(removal.text)
        removed_before += span
        nearest = min(range(len(bounds)), key=lambda i: (abs(bounds[i] - kept_before), i))
        placed.append((removal, nearest))
    return placed


@dataclass
class _Overview:
    """Counts over every document of the corpus (not only the embedded ones)."""

    documents: int = 0
    by_lang: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    removed_by_reason: Counter[str] = field(default_factory=Counter)
    documents_by_reason: Counter[str] = field(default_factory=Counter)
    sentences: int = 0
    machine_translated: int = 0  # sentences with a model score (engine or cache)
    flagged: int = 0  # sentences with at least one flag (low score included)
    by_flag: Counter[str] = field(default_factory=Counter)  # sentences per flag
    histograms: list[Histogram] = field(default_factory=new_histograms)


class ReviewBuilder:
    """Feed documents with :meth:`add`, then :meth:`write` the page."""

    def __init__(self, limits: ReviewLimits | None = None) -> None:
        self.limits = limits or ReviewLimits()
        self.overview = _Overview()
        self.flags = _Names([LOW_SCORE_FLAG])
        self.reasons = _Names()
        self._kept: list[tuple[tuple[int, int], int, list, str]] = []  # max-heap (negated)
        self._kept_bytes = 0
        self._cutoff: tuple[int, int] | None = None  # documents at or past it are left out

    def add(self, doc: Document) -> None:
        ordinal = self.overview.documents
        key = _priority(doc.id, ordinal)
        embed = self._cutoff is None or key < self._cutoff
        entry, body = self._describe(doc, ordinal, embed)
        if body is None:  # sampled out: counted in the overview only
            return
        negated = (-key[0], -key[1])
        heapq.heappush(self._kept, (negated, ordinal, entry, body))
        self._kept_bytes += len(body.encode("utf-8"))
        while len(self._kept) > self.limits.max_documents or (
            self._kept_bytes > self.limits.max_bytes and self._kept
        ):
            negated, _, _, evicted = heapq.heappop(self._kept)
            self._kept_bytes -= len(evicted.encode("utf-8"))
            self._cutoff = (-negated[0], -negated[1])

    def _describe(self, doc: Document, ordinal: int, embed: bool) -> tuple[list, str | None]:
        """Count ``doc`` into the overview; return its list entry and, when it is to be
        embedded, its body."""
        overview = self.overview
        overview.documents += 1
        overview.by_lang[doc.lang or "none"] += 1
        overview.by_status[doc.status or "unknown"] += 1
        reasons = sorted({self.reasons.index(r.reason) for r in doc.removed})
        for removal in doc.removed:
            overview.removed_by_reason[removal.reason] += 1
        for index in reasons:
            overview.documents_by_reason[self.reasons.names[index]] += 1
        charts = {h.name: h for h in overview.histograms}
        masks = dict.fromkeys(charts, 0)

        doc_flags: set[int] = set()
        scores: list[float] = []
        segments = []
        for segment in doc.segments:
            rows = []
            for sentence in segment.sentences:
                overview.sentences += 1
                flags = list(sentence.flags)
                score = sentence.score
                if score is not None:
                    overview.machine_translated += 1
                    scores.append(score)
                    masks["score"] |= 1 << charts["score"].add(score)
                    if sentence.src:
                        ratio = len(sentence.en or "") / len(sentence.src)
                        masks["ratio"] |= 1 << charts["ratio"].add(ratio)
                    if score < self.limits.low_score and LOW_SCORE_FLAG not in flags:
                        flags.append(LOW_SCORE_FLAG)
                if flags:
                    overview.flagged += 1
                    overview.by_flag.update(set(flags))
                flag_ids = [self.flags.index(flag) for flag in flags]
                doc_flags.update(flag_ids)
                en = SAME_AS_SOURCE if sentence.en == sentence.src else sentence.en
                row: list = [sentence.src, en, score]
                if flag_ids:
                    row.append(flag_ids)
                rows.append(row)
            segments.append([segment.kind, segment.lang, rows])

        removed_chars = sum(len(r.text) for r in doc.removed)
        whole = removed_chars + len(doc.source_text)
        share = removed_chars / whole if whole else 0.0
        masks["removed_share"] |= 1 << charts["removed_share"].add(share)
        masks["source_length"] |= 1 << charts["source_length"].add(len(doc.source_text))
        masks["english_length"] |= 1 << charts["english_length"].add(len(doc.text))

        removed = [[r.text, r.reason, r.rule, at] for r, at in _placements(doc)]
        translator = doc.translator or {}
        body = [
            doc.title,
            doc.source,
            doc.format,
            doc.encoding,
            doc.lang_score,
            doc.reason,
            " ".join(str(v) for v in (translator.get("name"), translator.get("version")) if v)
            or None,
            doc.metadata,
            segments,
            removed,
            doc.source_text if not doc.segments else None,
        ]
        entry = [
            ordinal,
            doc.id,
            doc.lang or "none",
            doc.status or "unknown",
            doc.title,
            sum(len(segment.sentences) for segment in doc.segments),
            round(min(scores), 4) if scores else None,
            round(sum(scores) / len(scores), 4) if scores else None,
            round(share, 4),
            reasons,
            sorted(doc_flags),
            len(doc.source_text),
            len(doc.text),
            [masks[h.name] for h in overview.histograms],
        ]
        return entry, _script_json(body) if embed else None

    # -- writing --------------------------------------------------------------------------

    def write(
        self, path: Path, *, corpus_name: str, report: dict[str, Any] | None = None
    ) -> ReviewResult:
        """Write the page atomically; ``report`` (the run report, when known) adds the
        engine's translation and cache counts."""
        corpus_name = corpus_name.encode("utf-8", "replace").decode("utf-8")  # a file name
        kept = sorted(self._kept, key=lambda item: item[1])
        data = {
            "corpus": corpus_name,
            "total": self.overview.documents,
            "embedded": len(kept),
            "flags": self.flags.names,
            "reasons": self.reasons.names,
            "lowScore": self.limits.low_score,
            "charts": [h.spec() for h in self.overview.histograms],
            "docs": [entry for _, _, entry, _ in kept],
        }
        parts = {
            "title": escape(corpus_name),
            "style": _asset("page.css"),
            "overview": self._overview_html(report, len(kept)),
            "index": _script_json(data),
            "script": _asset("page.js"),
        }
        # one pass, so that nothing inserted is ever read as a marker
        page = _MARKER.sub(lambda m: parts[m.group(1) or m.group(2)], _asset("page.html"))
        head, tail = page.split(_DOCUMENTS)
        path = Path(path)
        with AtomicFile(path) as out:
            out.write(head)
            for _, ordinal, _, body in kept:
                out.write(f'<script type="application/json" id="d{ordinal}">{body}</script>\n')
            out.write(tail)
        return ReviewResult(path, self.overview.documents, len(kept), path.stat().st_size)

    def _overview_html(self, report: dict[str, Any] | None, kept: int) -> str:
        o = self.overview

        def table(caption: str, key: str, counts: Counter[str], extra: Counter[str] | None = None):
            heads = "<th>count</th>" + ("<th>documents</th>" if extra is not None else "")
            rows = []
            for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                link = f'<a href="#{key}={quote(name, safe="")}">{escape(name)}</a>'
                more = f"<td>{extra[name]}</td>" if extra is not None else ""
                rows.append(
                    f'<tr data-key="{escape(name)}"><th scope="row">{link}</th><td>{count}</td>'
                    f"{more}</tr>"
                )
            body = "".join(rows) or '<tr><td colspan="3">none</td></tr>'
            return (
                f'<table class="counts" id="by-{key}"><caption>{caption}</caption>'
                f'<thead><tr><th scope="col">{key}</th>{heads}</tr></thead>'
                f"<tbody>{body}</tbody></table>"
            )

        sentences = report.get("sentences", {}) if report else {}
        engine = sentences.get("translated")
        hits = sentences.get("cache_hits")
        unknown = "<td>not known (no run report)</td>"
        sentence_rows = [
            ("total", f"<td>{o.sentences}</td>"),
            ("machine-translated (engine or cache)", f"<td>{o.machine_translated}</td>"),
            ("translated by the engine", f"<td>{engine}</td>" if engine is not None else unknown),
            ("served from the cache", f"<td>{hits}</td>" if hits is not None else unknown),
            ("flagged (any flag)", f"<td>{o.flagged}</td>"),
        ]
        sentence_table = (
            '<table class="counts" id="sentences"><caption>Sentences</caption><tbody>'
            + "".join(
                f'<tr data-key="{escape(k)}"><th scope="row">{k}</th>{v}</tr>'
                for k, v in sentence_rows
            )
            + "</tbody></table>"
        )
        notice = ""
        if kept < o.documents:
            notice = (
                f'<p class="notice" id="sample-notice" role="note">This page embeds a sample of '
                f"{kept} of the corpus's {o.documents} documents (the limit is "
                f"{self.limits.max_documents} documents and {self.limits.max_bytes >> 20} MiB "
                "of document data; the sample is the documents whose id hashes lowest, the "
                "same for any order of the corpus). The overview counts every document; the "
                "document list and the chart links reach only the sample.</p>"
            )
        summary = (
            f'<p class="summary"><strong id="total-documents">{o.documents}</strong> documents, '
            f'<strong id="total-sentences">{o.sentences}</strong> sentences, '
            f"{sum(o.removed_by_reason.values())} removed spans; "
            f"low score: below {self.limits.low_score:g}.</p>"
        )
        charts = "".join(
            f'<figure id="fig-{h.name}"><figcaption>{escape(h.title)}</figcaption>{svg(h)}</figure>'
            for h in o.histograms
        )
        return (
            f"{summary}{notice}"
            '<div class="tables">'
            + table("Documents per language", "lang", o.by_lang)
            + table("Documents per status", "status", o.by_status)
            + table("Removals per reason", "reason", o.removed_by_reason, o.documents_by_reason)
            + sentence_table
            + table("Sentences per flag", "flag", o.by_flag)
            + "</div>"
            f'<div class="charts">{charts}</div>'
        )


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def build_review(
    documents: Iterable[Document],
    path: Path,
    *,
    corpus_name: str,
    report: dict[str, Any] | None = None,
    limits: ReviewLimits | None = None,
) -> ReviewResult:
    """Write the review page for ``documents`` (streamed once) to ``path``."""
    builder = ReviewBuilder(limits)
    for doc in documents:
        builder.add(doc)
    return builder.write(path, corpus_name=corpus_name, report=report)


__all__ = ["ReviewBuilder", "ReviewLimits", "ReviewResult", "build_review"]
