"""The run report: every input accounted for, with counts a person can read at a glance.

The report is built from the documents as they leave the pipeline, plus what the run knows
besides (skipped files, the translator's counters, the time per stage), so that stages never
depend on it.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..inputs.files import Skipped
from ..record import Document, Status
from .duplicates import DUPLICATE_OF

SUMMARY_LINES = 20  # problems and skipped files listed in the human summary; all in the JSON


def _size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


@dataclass
class RunReport:
    started: float = field(default_factory=time.monotonic)
    documents: int = 0
    sentences: int = 0
    source_chars: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_lang: Counter[str] = field(default_factory=Counter)
    removed_by_reason: Counter[str] = field(default_factory=Counter)
    inputs: list[dict[str, str]] = field(default_factory=list)  # every document, in order
    skipped: list[dict[str, str]] = field(default_factory=list)
    excluded: list[dict[str, str]] = field(default_factory=list)  # outputs inside the input
    problems: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    missing_models: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    exports: list[dict[str, Any]] = field(default_factory=list)  # what each format wrote
    execution: dict[str, Any] = field(default_factory=dict)  # engine, workers, shards resumed
    seconds: float = 0.0
    boilerplate_kept: bool = False  # --keep-boilerplate: removals are found, not made

    def add(self, doc: Document) -> None:
        self.documents += 1
        self.sentences += sum(len(segment.sentences) for segment in doc.segments)
        self.source_chars += len(doc.source_text)
        self.by_status[doc.status or "unknown"] += 1
        self.by_lang[doc.lang or "none"] += 1
        for removal in doc.removed:
            self.removed_by_reason[removal.reason] += 1
        if DUPLICATE_OF in doc.metadata:
            self.duplicates.append(
                {"source": doc.source, "id": doc.id, DUPLICATE_OF: doc.metadata[DUPLICATE_OF]}
            )
        entry = {"source": doc.source, "id": doc.id, "status": str(doc.status)}
        if doc.status not in Status.OK:
            entry["reason"] = doc.reason or ""
            self.problems.append(
                {"source": doc.source, "status": str(doc.status), "reason": doc.reason or ""}
            )
        self.inputs.append(entry)

    def skip(self, item: Skipped) -> None:
        self.skipped.append({"source": item.relpath, "reason": item.reason})

    def all_inputs(self) -> list[dict[str, str]]:
        """Every input, documents and skipped files, in input order. A folder is read in
        sorted order, so skipped files go in by name (heapq.merge: both lists are sorted);
        record inputs skip nothing, so their order is kept as it is."""
        skipped = [
            {"source": entry["source"], "status": "skipped", "reason": entry["reason"]}
            for entry in self.skipped
        ]
        return list(heapq.merge(self.inputs, skipped, key=lambda entry: entry["source"]))

    @property
    def complete(self) -> bool:
        """True when every file was processed and every document reached English."""
        return not self.skipped and not self.problems

    def finish(self) -> None:
        self.seconds = round(time.monotonic() - self.started, 3)

    def _rate(self, amount: int) -> float | None:
        return round(amount / self.seconds, 2) if self.seconds else None

    def to_json(self) -> dict[str, Any]:
        stages = {name: round(s, 3) for name, s in self.stage_seconds.items()}
        if stages:
            stages["other"] = round(max(self.seconds - sum(self.stage_seconds.values()), 0.0), 3)
        return {
            "documents": self.documents,
            "by_status": dict(sorted(self.by_status.items())),
            "by_lang": dict(sorted(self.by_lang.items())),
            "removed_by_reason": dict(sorted(self.removed_by_reason.items())),
            "sentences": {
                "total": self.sentences,
                "translated": self.counters.get("sentences_translated", 0),
                "cache_hits": self.counters.get("cache_hits", 0),
            },
            "skipped": self.skipped,
            "excluded": self.excluded,
            "problems": self.problems,
            "duplicates": self.duplicates,
            "missing_models": self.missing_models,
            "counters": self.counters,
            "execution": self.execution,
            "seconds": self.seconds,
            "stage_seconds": stages,
            "throughput": {
                "documents_per_second": self._rate(self.documents),
                "sentences_per_second": self._rate(self.sentences),
                "source_chars_per_second": self._rate(self.source_chars),
            },
            # kept for readers of schema-1 reports
            "docs_per_second": self._rate(self.documents),
            "exports": self.exports,
            "boilerplate_kept": self.boilerplate_kept,
            "inputs": self.all_inputs(),
        }

    def _state_lines(self) -> list[str]:
        """What was reused from the saved state, what was redone and why, and what the state
        costs on disk."""
        execution = self.execution
        lines = []
        if execution.get("shards_resumed"):
            lines.append(
                f"resumed {execution['shards_resumed']} of {execution['shards']} "
                f"shards ({execution['documents_resumed']} documents) from {execution['state']}"
            )
        because = execution.get("redone_because") or {}
        if because and (execution.get("shards_resumed") or set(because) != {"new input"}):
            reasons = ", ".join(f"{n} {why}" for why, n in because.items())
            lines.append(f"processed {execution['shards_redone']} shard(s): {reasons}")
        if execution.get("state_bytes") is not None:
            lines.append(
                f"state: {execution['state']} ({_size(execution['state_bytes'])}; "
                "delete it, or run with --no-state, if you need no resume)"
            )
        return lines

    def summary(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.by_status.items()))
        langs = ", ".join(f"{lang}: {n}" for lang, n in sorted(self.by_lang.items()))
        head = f"{self.documents} documents" + (f" ({statuses})" if statuses else "")
        lines = [f"{head} in {self.seconds:.1f}s" + (f"; {langs}" if langs else "")]
        translated = self.counters.get("sentences_translated", 0)
        hits = self.counters.get("cache_hits", 0)
        rate = self._rate(self.sentences)
        lines.append(
            f"{self.sentences} sentences ({translated} translated, {hits} cache hits)"
            + (f", {rate:.1f} sentences/s" if rate else "")
        )
        if self.stage_seconds:
            slowest = sorted(self.stage_seconds.items(), key=lambda kv: -kv[1])
            shown = [f"{name} {s:.2f}s" for name, s in slowest if s >= 0.005]
            lines.append("time: " + ", ".join(shown))
        lines += self._state_lines()
        if self.removed_by_reason:
            removed = ", ".join(f"{n} {r}" for r, n in sorted(self.removed_by_reason.items()))
            label = (
                "boilerplate found, kept (--keep-boilerplate)"
                if self.boilerplate_kept
                else "removed"
            )
            lines.append(f"{label}: {removed}")
        if self.duplicates:
            lines.append(
                f"{len(self.duplicates)} duplicate(s) flagged (metadata.duplicate_of; kept)"
            )
        if self.excluded:
            names = ", ".join(entry["source"] for entry in self.excluded[:SUMMARY_LINES])
            lines.append(f"left out of the input (outputs, not articles): {names}")
        if self.skipped:
            lines.append(f"{len(self.skipped)} file(s) skipped:")
            lines += [f"  {s['source']}: {s['reason']}" for s in self.skipped[:SUMMARY_LINES]]
            if len(self.skipped) > SUMMARY_LINES:
                lines.append(f"  … and {len(self.skipped) - SUMMARY_LINES} more (see the report)")
        for problem in self.problems[:SUMMARY_LINES]:
            lines.append(f"  {problem['source']}: {problem['status']}: {problem['reason']}")
        if len(self.problems) > SUMMARY_LINES:
            lines.append(f"  … and {len(self.problems) - SUMMARY_LINES} more (see the report)")
        return "\n".join(lines)
